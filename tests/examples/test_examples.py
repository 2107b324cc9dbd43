"""Every example program, run through the SDK's provider host against the emulator: up, no-op up, edit, destroy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_azureml.emulator import EmulatorServer

from harness import Stack
from protocol.conftest import emulator_config, http_requests, remaining_ids

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def project_name(example: str) -> str:
    return str(yaml.safe_load((EXAMPLES / example / "Pulumi.yaml").read_text())["name"])


def stack_for(
    tmp_path: Path, emulator: EmulatorServer, example: str, config: dict[str, str], stack: str = "dev"
) -> Stack:
    project = project_name(example)
    namespaced = {f"{project}:{key}": value for key, value in config.items()}
    secrets = [
        key
        for key in (f"{project}:adminPassword", "azureml:accessToken")
        if key in {**namespaced, **emulator_config(emulator)}
    ]
    return Stack(
        tmp_path / f"{example}-{stack}.json",
        {**emulator_config(emulator), **namespaced},
        secret_config_keys=secrets,
        project=project,
        stack_name=stack,
    )


def program(example: str) -> str:
    return str(EXAMPLES / example / "__main__.py")


def test_compute_cluster_example(tmp_path: Path, emulator: EmulatorServer) -> None:
    config = {"adminPassword": "Example-Passw0rd!", "maxNodes": "2"}
    stack = stack_for(tmp_path, emulator, "compute-cluster", config)
    up = stack.up(program("compute-cluster"))
    assert up.outputs["provisioning_state"] == "Succeeded"
    emulator.clear_requests_log()
    assert set(stack.up(program("compute-cluster")).ops().values()) == {"same"}
    assert http_requests(emulator) == []
    stack = stack_for(tmp_path, emulator, "compute-cluster", {**config, "maxNodes": "8"})
    assert stack.preview(program("compute-cluster")).op("cpu-cluster") == "update"
    stack = stack_for(tmp_path, emulator, "compute-cluster", {**config, "vmSize": "STANDARD_NC6"})
    assert stack.preview(program("compute-cluster")).op("cpu-cluster") == "replace"
    stack.destroy()
    assert remaining_ids(emulator) == []
    assert "Example-Passw0rd!" not in stack.state_text()


def test_compute_instance_example(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = stack_for(tmp_path, emulator, "compute-instance", {})
    assert stack.up(program("compute-instance")).outputs["state"] == "Running"
    assert set(stack.up(program("compute-instance")).ops().values()) == {"same"}
    stopped = stack_for(tmp_path, emulator, "compute-instance", {"powerState": "Stopped"}).up(
        program("compute-instance")
    )
    assert stopped.op("ci-notebooks") == "update"
    assert stopped.outputs["state"] == "Stopped"
    stack.destroy()
    assert remaining_ids(emulator) == []


def test_batch_scoring_example(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = stack_for(tmp_path, emulator, "batch-scoring", {})
    up = stack.up(program("batch-scoring"))
    assert up.outputs["default_deployment"] == "blue"
    assert set(stack.up(program("batch-scoring")).ops().values()) == {"same"}
    switched = stack_for(tmp_path, emulator, "batch-scoring", {"defaultDeployment": "green"}).up(
        program("batch-scoring")
    )
    assert {name for name, op in switched.ops().items() if op != "same"} == {"churn-scoring-default"}
    stack.destroy()
    assert remaining_ids(emulator) == []


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
def test_multi_stack_example_deploys_each_stack_from_its_config(
    tmp_path: Path, emulator: EmulatorServer, stack_name: str
) -> None:
    project = project_name("multi-stack")
    stack_file = yaml.safe_load((EXAMPLES / "multi-stack" / f"Pulumi.{stack_name}.yaml").read_text())
    config: dict[str, Any] = {
        key.split(":", 1)[1]: str(value) for key, value in stack_file["config"].items() if key.startswith(f"{project}:")
    }
    stack = stack_for(tmp_path, emulator, "multi-stack", config, stack=stack_name)
    up = stack.up(program("multi-stack"))
    assert up.outputs["cluster"] == f"train-{stack_name}"
    body = emulator.state()["resources"]
    cluster = next(r for r in body if r["id"].endswith(f"/computes/train-{stack_name}"))
    assert cluster["body"]["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == int(config["maxNodes"])
    assert set(stack.up(program("multi-stack")).ops().values()) == {"same"}
    stack.destroy()
    assert remaining_ids(emulator) == []


def test_batch_scoring_example_uploads_its_files_and_an_edit_reaches_the_deployments(
    tmp_path: Path, emulator: EmulatorServer
) -> None:
    """The whole story (issue 17): model file and scoring folder → versions → deployments; an edit replaces the
    code version, and the deployments that use it follow (their code id is the same ARM id, registered again)."""
    import shutil

    copy = tmp_path / "batch-scoring"
    shutil.copytree(EXAMPLES / "batch-scoring", copy, ignore=shutil.ignore_patterns("venv", "*.db*", "__pycache__"))
    stack = stack_for(tmp_path, emulator, "batch-scoring", {})
    up = stack.up(str(copy / "__main__.py"))
    assert up.outputs["model_id"].endswith("/models/churn/versions/1")
    assert up.outputs["code_id"].endswith("/codes/churn-scoring/versions/1")
    uploaded = [entry for entry in emulator.requests_log() if "/_blob/" in entry["path"]]
    assert uploaded and all(entry["status"] == 201 for entry in uploaded)
    emulator.clear_requests_log()
    assert set(stack.up(str(copy / "__main__.py")).ops().values()) == {"same"}
    assert http_requests(emulator) == []
    score = copy / "scoring" / "score.py"
    score.write_text(score.read_text() + "\n# tuned\n")
    edited = stack.up(str(copy / "__main__.py"))
    changed = {name: op for name, op in edited.ops().items() if op != "same"}
    assert changed == {"scoring-code": "replace"}, changed
    assert any("startPendingUpload" in entry["path"] for entry in emulator.requests_log())
    stack.destroy()
    assert remaining_ids(emulator) == []
