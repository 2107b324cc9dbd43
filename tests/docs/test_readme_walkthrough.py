"""docs/emulator.md's "REST walkthrough as a Pulumi program" runs as written, through the SDK host, on the emulator."""

from __future__ import annotations

import re
from pathlib import Path

from pulumi_azureml.emulator import EmulatorServer

from harness import Stack
from protocol.conftest import LOCATION, RESOURCE_GROUP, SUBSCRIPTION, emulator_config

README = Path(__file__).resolve().parents[2] / "docs" / "emulator.md"


def walkthrough_program(tmp_path: Path) -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The REST walkthrough as a Pulumi program") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "the walkthrough section has no Python block"
    program = tmp_path / "walkthrough" / "__main__.py"
    program.parent.mkdir()
    program.write_text(code.group(1), encoding="utf-8")
    return str(program)


def test_the_walkthrough_program_runs(tmp_path: Path, emulator: EmulatorServer) -> None:
    emulator.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, "mlw-dev", LOCATION)
    stack = Stack(tmp_path / "state.json", emulator_config(emulator), secret_config_keys=("azureml:accessToken",))
    up = stack.up(walkthrough_program(tmp_path))
    assert up.op("cpu-cluster") == "create" and up.op("scoring") == "create"
    assert str(up.outputs["history_service"]).startswith("http")
    stack.destroy()
