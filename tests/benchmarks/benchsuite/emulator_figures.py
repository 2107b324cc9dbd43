"""Section 8: the emulator on loopback (GET/PUT latency and requests/s) through ``emulator_bench.py``.

That script (the emulator engineer's) runs the emulator as its own process and owns the method; this section only
calls its ``run()`` and, in quick mode, scales its sample counts down (module constants read at call time).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from benchsuite.common import BENCH_DIR, INFO, Budget, Row, SectionResult

SCALED_CONSTANTS = ("LATENCY_SAMPLES", "PUT_SAMPLES", "THROUGHPUT_REQUESTS")


def _emulator_bench() -> ModuleType:
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    import emulator_bench

    return emulator_bench


@contextmanager
def _scaled(module: ModuleType, fraction: float) -> Iterator[None]:
    saved = {name: getattr(module, name) for name in SCALED_CONSTANTS}
    try:
        for name, value in saved.items():
            setattr(module, name, max(50, int(value * fraction)))
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


def run(budget: Budget) -> SectionResult:
    result = SectionResult("emulator", "Emulator on loopback (tests/benchmarks/emulator_bench.py)")
    module = _emulator_bench()
    with _scaled(module, budget.emulator_scale):
        figures = module.run()
    result.details.update(figures)
    for method in ("get", "put"):
        row = figures[method]
        result.rows.append(
            Row(
                "8 emulator",
                f"{method.upper()} latency, {row['requests']} requests",
                f"median {row['median_ms']:.3f} ms, p99 {row['p99_ms']:.3f} ms",
                "",
                INFO,
            )
        )
    for row in figures["throughput"]:
        result.rows.append(
            Row(
                "8 emulator",
                f"GET throughput, {row['clients']} client(s)",
                f"{row['requests_per_second']:.0f} requests/s",
                "",
                INFO,
                f"{row['requests']} GETs in {row['seconds']} s",
            )
        )
    return result
