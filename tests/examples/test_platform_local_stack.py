"""The root project's `local` stack: the provider host starts the bundled emulator in-process from a SQLite file.

This is what `pulumi up --stack local` does on a machine with the Pulumi CLI: no Azure account and no separate
server; a second `up` (a new host process) sees the same resources through the file.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from harness import Stack

REPOSITORY = Path(__file__).resolve().parents[2]
PROGRAM = REPOSITORY / "examples" / "platform" / "__main__.py"


def local_config(tmp_path: Path) -> dict[str, str]:
    stack_file = yaml.safe_load((REPOSITORY / "examples" / "platform" / "stacks" / "Pulumi.local.yaml").read_text())
    config = {key: str(value) for key, value in stack_file["config"].items()}
    config["azureml:emulator"] = str(tmp_path / "emulator.db")
    config["azureml:pollIntervalSeconds"] = "0"
    return config


def test_root_project_local_stack_up_no_op_and_destroy(tmp_path: Path) -> None:
    project = yaml.safe_load((REPOSITORY / "Pulumi.yaml").read_text())
    assert project["main"] == "examples/platform"

    def stack() -> Stack:
        return Stack(tmp_path / "state.json", local_config(tmp_path), project=project["name"], stack_name="local")

    # The first preview: every id that comes from another new resource is unknown, and must pass check/diff.
    preview = stack().preview(str(PROGRAM))
    assert set(preview.ops().values()) == {"create"}

    up = stack().up(str(PROGRAM))
    assert set(up.ops().values()) == {"create"}
    assert up.outputs["scoring_uri"].startswith("https://platform-scoring.")
    assert up.outputs["default_deployment"] == "scoring-v1"
    assert (tmp_path / "emulator.db").exists()

    again = stack().up(str(PROGRAM))
    assert set(again.ops().values()) == {"same"}, again.ops()

    destroyed = stack().destroy()
    assert len(destroyed.names("delete")) == len(up.ops())

    # The destroyed workspace was purged, so the stack can come up again from the same file.
    assert set(stack().up(str(PROGRAM)).ops().values()) == {"create"}
    stack().destroy()
