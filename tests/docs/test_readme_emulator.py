"""The emulator page (docs/emulator.md) runs as written: the command that starts it, the curl walkthrough, the faults.

The commands are extracted from the Markdown in order; the only change is the port (8443 in the README, a free one
here). Each curl must succeed, the service must answer every walkthrough call with a 2xx, the fault rules must be
in place after the fault block's first lines and gone after its last ones.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

# The emulator section moved from the README to its own page (issue 26).
README = Path(__file__).resolve().parents[2] / "docs" / "emulator.md"
WALKTHROUGH_SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"


def emulator_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("# The ARM emulator") : text.index("## The REST walkthrough")]
    return re.findall(r"```bash\n(.*?)```", section, re.S)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def running_emulator(tmp_path: Path, port: int) -> Iterator[str]:
    start = next(line for line in emulator_blocks()[0].splitlines() if line and not line.startswith("#"))
    assert start.startswith("pulumi-azureml-emulator "), start
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    process = subprocess.Popen(
        ["bash", "-c", "exec " + start.replace("8443", str(port))],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    assert first == f"listening on http://127.0.0.1:{port}", first
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        process.stdout.close()


def run_block(block: str, port: int, cwd: Path) -> str:
    script = "set -euo pipefail\n" + block.replace("8443", str(port))
    completed = subprocess.run(["bash", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, f"--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
    return completed.stdout


def test_the_emulator_section_runs_as_written(tmp_path: Path, port: int, running_emulator: str) -> None:
    blocks = emulator_blocks()
    walkthrough = next(block for block in blocks if "curl -X PUT" in block and "_emulator" not in block)
    faults = next(block for block in blocks if "_emulator/faults" in block)
    assert blocks.index(walkthrough) < blocks.index(faults), "the faults come after the walkthrough"

    # The seed of the start command is there before anything else runs.
    state = requests.get(f"{running_emulator}/_emulator/state", timeout=10).json()
    assert any(entry["id"].endswith("/workspaces/mlw-demo") for entry in state["resources"])

    output = run_block(walkthrough, port, tmp_path)
    assert '"Succeeded"' in output.replace(" ", "") or "Succeeded" in output
    log = requests.get(f"{running_emulator}/_emulator/requests", timeout=10).json()["value"]
    statuses = [entry["status"] for entry in log if not str(entry["path"]).startswith("/_emulator")]
    assert statuses and all(200 <= status < 300 for status in statuses), statuses

    lines = faults.splitlines()
    adding = "\n".join(line for line in lines if "-X POST" in line and "/faults" in line)
    run_block(adding, port, tmp_path)
    rules = requests.get(f"{running_emulator}/_emulator/faults", timeout=10).json()["value"]
    assert len(rules) == 2 and {rule["path"].lower() for rule in rules} == {"*/computes/*", "*/batchendpoints/*"}

    run_block(faults, port, tmp_path)
    assert requests.get(f"{running_emulator}/_emulator/faults", timeout=10).json()["value"] == []
    state = requests.get(f"{running_emulator}/_emulator/state", timeout=10).json()
    assert state["resources"] == [], "the reset left resources behind"
