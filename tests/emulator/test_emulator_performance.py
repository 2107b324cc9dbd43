"""A GET on loopback must take under 5 ms median (the whole test suite leans on the emulator being fast).

A timing check, so it is marked ``benchmark`` and kept out of the default run (timed tests flake on busy CI
machines); the full measurement is ``tests/benchmarks/emulator_bench.py`` (section 8 of ``tests/benchmarks/run.py``).
Run it with ``pytest -m benchmark``.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import pytest

from emulator_helpers import Arm, compute_instance_body, compute_path


@pytest.mark.benchmark
def test_get_median_latency_is_under_five_milliseconds(arm: Arm, workspace: dict[str, Any]) -> None:
    arm.put(compute_path("ci-fast"), compute_instance_body())
    arm.wait(compute_path("ci-fast"))
    samples = []
    for _ in range(200):
        started = time.perf_counter()
        response = arm.get(compute_path("ci-fast"))
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    assert statistics.median(samples) < 0.005, f"median GET took {statistics.median(samples) * 1000:.2f} ms"
