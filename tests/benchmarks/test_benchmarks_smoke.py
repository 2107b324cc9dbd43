"""Smoke test of the benchmark suite (``tests/benchmarks/run.py``), so it does not rot: its cheapest part runs.

Marked ``benchmark``: not part of the default run (``addopts`` deselects ``-m 'not benchmark'``); run it with
``pytest -m benchmark``. It goes through the suite's command line, one section (requests per operation, Compute
only) and the JSON file, against the emulator on loopback, in a few seconds.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parent


@pytest.mark.benchmark
@pytest.mark.timeout(120)
def test_quick_requests_section_runs_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    cli = importlib.import_module("benchsuite.cli")
    output = tmp_path / "bench.json"

    exit_code = cli.main(["--quick", "--only", "requests", "--kinds", "Compute", "--json", str(output)])

    assert exit_code == 0, capsys.readouterr().out
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document["mode"] == "quick"
    assert {"cpu", "cores", "python", "pulumi_sdk", "date"} <= set(document["machine"])
    compute = next(row for row in document["rows"] if row["figure"] == "Compute")
    counts = compute["measured"].split("/")
    assert len(counts) == 8 and all(count.isdigit() for count in counts), compute
    preview, _create, no_op = (int(count) for count in counts[:3])
    assert preview == 0 and no_op == 0, "a preview and a no-op up must not call Azure"
    details = document["sections"]["requests"]["details"]["Compute"]
    assert details["create"]["sequence"][0] == "GET computes"
    assert "Compute" in capsys.readouterr().out


@pytest.mark.benchmark
@pytest.mark.timeout(900)
def test_the_command_runs_as_written_from_a_fresh_clone(tmp_path: Path) -> None:
    """``python3 tests/benchmarks/run.py`` in a copy of the checkout without ``.venv``: it creates one and runs."""
    import shutil
    import subprocess

    sys.path.insert(0, str(BENCH_DIR.parent / "e2e"))
    from cli_driver import copy_checkout

    clone = copy_checkout(tmp_path / "clone")
    assert not (clone / ".venv").exists()
    python3 = shutil.which("python3") or sys.executable
    completed = subprocess.run(
        [python3, "tests/benchmarks/run.py", "--quick", "--only", "emulator", "--json", "out.json"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=850,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert (clone / ".venv" / "bin" / "python").exists()
    document = json.loads((clone / "out.json").read_text(encoding="utf-8"))
    assert document["sections"]["emulator"]["details"] and document["seconds"] > 0
