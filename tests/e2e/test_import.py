"""Taking over an existing compute with the real CLI: `pulumi import` and `import_` fail, `adopt_existing` works.

A compute is created out of band (a plain ARM PUT to the emulator, as the portal or `az ml compute create` would),
then a stack tries to manage it:

- `pulumi import <type> train <ARM id>` and the `import_` resource option both make the engine send a Read to the
  dynamic provider without the pickled provider (`__provider`) that a Python dynamic provider needs to find its
  code, and the SDK's dynamic-provider host fails with `KeyError: '__provider'` (pulumi/pulumi#16175). These tests
  pin that observed behaviour, exit status and message included, and that nothing reaches Azure or the state: when
  upstream fixes it they fail, and the import section of docs/limits.md must be rewritten.
- `adopt_existing=True` (this package's input) is the supported path: without it `up` refuses the existing
  compute and says how to adopt it; with it `up` takes the compute over without re-creating it, and the next
  preview is empty and sends nothing.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.specs.common import OWNERSHIP_TAG

from cli_driver import Cli, Project
from support.emulator_queries import resource, resources, writes

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PROGRAM = Path(__file__).resolve().parent / "programs" / "adopt_compute"
API_VERSION = "2025-12-01"
DYNAMIC_READ_FAILURE = "KeyError: '__provider'"


def compute_id(config: dict[str, str], name: str) -> str:
    return (
        f"/subscriptions/{config['azureml:subscriptionId']}/resourceGroups/{config['azureml:resourceGroupName']}"
        f"/providers/Microsoft.MachineLearningServices/workspaces/{config['azureml:workspaceName']}/computes/{name}"
    )


def create_out_of_band(emulator: EmulatorServer, config: dict[str, str], name: str) -> dict[str, Any]:
    """PUT a cluster straight to ARM (no Pulumi) and wait, with a deadline, until it has Succeeded."""
    url = emulator.url + compute_id(config, name)
    headers = {"Authorization": f"Bearer {config['azureml:accessToken']}"}
    body = {
        "location": "eastus",
        "properties": {
            "computeType": "AmlCompute",
            "properties": {
                "vmSize": "STANDARD_DS3_V2",
                "vmPriority": "Dedicated",
                "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 2},
            },
        },
    }
    created = requests.put(url, params={"api-version": API_VERSION}, headers=headers, json=body, timeout=30)
    assert created.status_code in (200, 201), created.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        current = requests.get(url, params={"api-version": API_VERSION}, headers=headers, timeout=30).json()
        if current["properties"].get("provisioningState") == "Succeeded":
            emulator.clear_requests_log()
            return dict(current)
    raise AssertionError(f"the out-of-band compute did not succeed in 30 s: {current}")


@pytest.fixture
def project(tmp_path: Path, cli: Cli, emulator_config: dict[str, str]) -> Project:
    project = Project.from_program(tmp_path / "project", PROGRAM, "azureml-adopt-compute")
    project.write_stack_config("dev", emulator_config)
    cli.run("stack", "init", "dev", cwd=project.directory)
    return project


def stack_resources(cli: Cli, project: Project) -> list[dict[str, Any]]:
    exported = cli.run("stack", "export", cwd=project.directory).json()
    return list(exported["deployment"].get("resources") or [])


@pytest.mark.parametrize("type_token", ["pulumi-python:dynamic/azureml:Compute", "pulumi-python:dynamic:Resource"])
def test_pulumi_import_fails_in_the_dynamic_provider_host_and_changes_nothing(
    cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str], project: Project, type_token: str
) -> None:
    existing = create_out_of_band(emulator, emulator_config, "train")
    arm_id = compute_id(emulator_config, "train")

    result = cli.run(
        "import", type_token, "train", arm_id, "--yes", "--non-interactive", cwd=project.directory, check=False
    )

    assert result.returncode == 1, result.output
    assert DYNAMIC_READ_FAILURE in result.output, (
        "`pulumi import` of a Python dynamic resource no longer fails as pulumi/pulumi#16175 describes: "
        f"update the import section of docs/limits.md\n{result.output}"
    )
    assert "in Read" in result.output and "error: preview failed" in result.output, result.output
    assert emulator.requests_log() == [], "the failed import must not have reached Azure"
    assert resource(emulator, emulator_config["azureml:workspaceName"], "computes", "train") == existing
    assert stack_resources(cli, project) == []


def test_the_import_option_fails_the_same_way_for_preview_and_up(
    cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str], project: Project
) -> None:
    existing = create_out_of_band(emulator, emulator_config, "train")
    cli.run("config", "set", "importId", compute_id(emulator_config, "train"), cwd=project.directory)

    for command in (("preview",), ("up", "--yes")):
        result = cli.run(*command, "--non-interactive", cwd=project.directory, check=False)
        assert result.returncode == 1, result.output
        assert DYNAMIC_READ_FAILURE in result.output, (
            f"`import_` on a Python dynamic resource no longer fails as pulumi/pulumi#16175 describes "
            f"(pulumi {command[0]}): update the import section of docs/limits.md\n{result.output}"
        )
        assert "pulumi-python:dynamic/azureml:Compute train import" in result.output, result.output

    assert emulator.requests_log() == []
    assert resource(emulator, emulator_config["azureml:workspaceName"], "computes", "train") == existing
    assert stack_resources(cli, project) == []


def test_adopt_existing_takes_the_compute_over_and_the_next_preview_is_empty(
    cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str], project: Project
) -> None:
    existing = create_out_of_band(emulator, emulator_config, "train")
    arm_id = compute_id(emulator_config, "train")

    refused = cli.run("up", "--yes", "--non-interactive", cwd=project.directory, check=False)
    assert refused.returncode != 0, refused.output
    assert "already exists and this stack did not create it" in refused.output, refused.output
    assert "set adopt_existing=True on the resource" in refused.output, refused.output
    assert writes(emulator) == [], "a refused create must not write anything"

    cli.run("config", "set", "--type", "bool", "adopt", "true", cwd=project.directory)
    emulator.clear_requests_log()
    cli.run("up", "--yes", "--non-interactive", cwd=project.directory)

    # The same compute, not a new one: no delete; one write, the PUT that adds this stack's ownership tag (an
    # AmlCompute takes tags by a full PUT); the creation time is still the out-of-band one.
    assert writes(emulator) == [f"PUT {arm_id}"], writes(emulator)
    computes = resources(emulator, "computes")
    assert list(computes) == [arm_id.lower()]
    assert computes[arm_id.lower()]["systemData"]["createdAt"] == existing["systemData"]["createdAt"]
    assert OWNERSHIP_TAG in computes[arm_id.lower()]["tags"]
    assert cli.run("stack", "output", "--json", cwd=project.directory).json()["cluster_id"] == arm_id
    managed = [
        entry for entry in stack_resources(cli, project) if entry["type"] == "pulumi-python:dynamic/azureml:Compute"
    ]
    assert [entry["id"] for entry in managed] == [arm_id]

    emulator.clear_requests_log()
    preview = cli.run("preview", "--expect-no-changes", "--json", "--non-interactive", cwd=project.directory)
    assert preview.json()["changeSummary"] == {"same": 2}
    assert emulator.requests_log() == [], "a preview of an adopted compute must not call Azure"
