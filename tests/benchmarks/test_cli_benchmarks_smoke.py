"""Smoke test of the real-CLI figures of the benchmark suite (sections 9 and 10), so they do not rot.

Marked ``benchmark`` like ``test_benchmarks_smoke.py``: not part of the default run; ``pytest -m benchmark``. It
runs the quick sizes (10 resources, 8 clusters at T = 1 s) and the warm CLI build through the suite's command
line and checks the JSON holds every figure. Needs the CLI that ``tests/pulumi-cli/provide`` makes available.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parent


@pytest.mark.benchmark
@pytest.mark.timeout(1200)
def test_quick_real_cli_sections_run_and_write_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    cli = importlib.import_module("benchsuite.cli")
    output = tmp_path / "bench.json"

    exit_code = cli.main(["--quick", "--only", "cli-scale,cli-parallel,cli-build-warm", "--json", str(output)])

    assert exit_code == 0, capsys.readouterr().out
    sections = json.loads(output.read_text(encoding="utf-8"))["sections"]
    scale = sections["cli_scale"]["details"]
    assert scale["resources"] == 10
    for command in ("preview_new_stack", "preview_deployed", "no_change_up", "refresh"):
        assert len(scale[command]) == scale["pairs"] >= 1
        assert all(run["azureml"] > 0 and run["empty"] > 0 for run in scale[command]), command
    assert scale["preview_deployed_requests"] == 0, "a preview of a deployed stack must not call Azure"
    assert scale["no_change_up_requests"] == 0, "a no-change up must not call Azure"
    assert scale["refresh_requests"] == 10, "a refresh reads each resource once"
    parallel = sections["cli_parallel"]["details"]
    assert len(parallel["walls"]) == 3 and all(wall > 0 for wall in parallel["walls"].values())
    assert parallel["instant_operations_wall"] > 0
    warm = sections["cli_build_warm"]["details"]
    assert "v3.274.1" in warm["samples"][0]["version"]
    assert "cli_build_cold" not in sections, "the cold build runs only when named"
    assert "real cli" in capsys.readouterr().out
