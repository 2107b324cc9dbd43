"""The root project and every example with the real Pulumi CLI, through the Automation API, against the emulator.

Needs the `pulumi` CLI on PATH (it ships only as a download from its vendor, so these tests skip where it is
missing). Each test copies a program into a temporary project whose virtualenv is this interpreter's, uses a
local file backend and a passphrase secrets provider, and runs up → up (no changes) → destroy.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_azureml.emulator import EmulatorServer

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(900),
    pytest.mark.skipif(
        shutil.which("pulumi") is None,
        reason="the Pulumi CLI is not on PATH (install: https://www.pulumi.com/docs/iac/download-install/); "
        "these tests run `pulumi up` on the root project and the examples",
    ),
]

REPOSITORY = Path(__file__).resolve().parents[2]
SUBSCRIPTION = "00000000-0000-0000-0000-0000000000e2"
GROUP = "rg-e2e"
WORKSPACE = "mlw-e2e"


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    server = EmulatorServer().start()
    server.ensure_resource_group(SUBSCRIPTION, GROUP, "eastus")
    server.ensure_workspace(SUBSCRIPTION, GROUP, WORKSPACE, "eastus")
    yield server
    server.stop()


def make_project(tmp_path: Path, program_dir: Path, name: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(program_dir, project / "program", ignore=shutil.ignore_patterns("Pulumi.*.yaml", "stacks"))
    (project / "Pulumi.yaml").write_text(
        yaml.safe_dump(
            {
                "name": name,
                "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": sys.prefix}},
                "main": "program",
            }
        )
    )
    return project


def run_lifecycle(
    tmp_path: Path, project: Path, stack_name: str, config: dict[str, str], secrets: set[str]
) -> dict[str, Any]:
    from pulumi import automation as auto

    environment = {
        "PULUMI_BACKEND_URL": f"file://{tmp_path / 'backend'}",
        "PULUMI_CONFIG_PASSPHRASE": "e2e-passphrase",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }
    (tmp_path / "backend").mkdir(exist_ok=True)
    stack = auto.create_or_select_stack(
        stack_name=stack_name,
        work_dir=str(project),
        opts=auto.LocalWorkspaceOptions(env_vars=environment),
    )
    stack.set_all_config({key: auto.ConfigValue(value, secret=key in secrets) for key, value in config.items()})
    first = stack.up(on_output=print)
    assert first.summary.result == "succeeded"
    second = stack.up(on_output=print)
    changes = second.summary.resource_changes or {}
    assert set(changes) == {"same"}, changes
    destroyed = stack.destroy(on_output=print)
    assert destroyed.summary.result == "succeeded"
    stack.workspace.remove_stack(stack_name)
    return {key: value.value for key, value in first.outputs.items()}


def test_root_project_local_stack_with_the_cli(tmp_path: Path) -> None:
    project = make_project(tmp_path, REPOSITORY / "examples" / "platform", "azureml-platform")
    local = yaml.safe_load((REPOSITORY / "examples" / "platform" / "stacks" / "Pulumi.local.yaml").read_text())
    config = {key: str(value) for key, value in local["config"].items()}
    config["azureml:emulator"] = str(tmp_path / "emulator.db")
    outputs = run_lifecycle(tmp_path, project, "local", config, set())
    assert str(outputs["scoring_uri"]).startswith("https://")


EXAMPLE_CONFIG: dict[str, dict[str, str]] = {
    "compute-cluster": {"adminPassword": "E2e-Passw0rd!"},
    "compute-instance": {},
    "batch-scoring": {},
    "multi-stack": {"environment": "dev", "vmSize": "STANDARD_DS3_V2", "maxNodes": "2"},
}


@pytest.mark.parametrize("example", sorted(EXAMPLE_CONFIG))
def test_example_with_the_cli(tmp_path: Path, emulator: EmulatorServer, example: str) -> None:
    name = yaml.safe_load((REPOSITORY / "examples" / example / "Pulumi.yaml").read_text())["name"]
    project = make_project(tmp_path, REPOSITORY / "examples" / example, name)
    config = {f"{name}:{key}": value for key, value in EXAMPLE_CONFIG[example].items()}
    config.update(
        {
            "azureml:endpoint": emulator.url,
            "azureml:accessToken": "e2e-token",
            "azureml:subscriptionId": SUBSCRIPTION,
            "azureml:resourceGroupName": GROUP,
            "azureml:workspaceName": WORKSPACE,
            "azureml:pollIntervalSeconds": "0",
        }
    )
    run_lifecycle(tmp_path, project, "dev", config, {f"{name}:adminPassword", "azureml:accessToken"})
