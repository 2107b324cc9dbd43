"""Pulumi YAML through the `azureml` provider plugin, with the vendor's YAML language host and the real CLI (issue 25).

The YAML host (`pulumi-language-yaml`, built by tests/pulumi-cli/provide from github.com/pulumi/pulumi-yaml) asks the
plugin for its schema and the engine drives the plugin (`pulumi-resource-azureml`, this package's console script,
found on PATH next to the test interpreter) against the emulator:

- a cluster, a batch endpoint and a deployment on the cluster: `up`, then `preview --expect-no-changes` and
  `refresh --expect-no-changes`; an in-place change of the cluster previews an update of the cluster only (its
  deployment depends on its `armId`, which an in-place update keeps), and `destroy` leaves the emulator empty;
- a compute created outside the stack: `up` of a program declaring it fails with one line under the resource (no
  Python traceback); `pulumi import azureml:index:Compute` adopts it with no write request, and a preview of the
  code the import generated is empty, and the lookups work as `fn::invoke` functions; the `import` resource option
  adopts another with the program's inputs.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, resource_operations
from support.emulator_queries import resource, resources, writes

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PROGRAM = Path(__file__).resolve().parent / "programs" / "yaml_plugin"
API_VERSION = "2025-12-01"
SECOND_WORKSPACE = "mlw-second"


@pytest.fixture(autouse=True)
def _plugin_and_yaml_host(cli: Cli) -> None:
    """Both executables these tests need, found where the engine looks (a clear failure instead of the engine's)."""
    path = cli.environment()["PATH"]
    assert shutil.which("pulumi-resource-azureml", path=path), (
        "no pulumi-resource-azureml next to the test interpreter: reinstall the package (pip install -e '.[dev]')"
    )
    assert shutil.which("pulumi-language-yaml", path=path), (
        f"no pulumi-language-yaml beside the CLI in {cli.binary_dir}: run ./tests/pulumi-cli/provide, which builds it"
    )


def workspace_id(config: dict[str, str]) -> str:
    return (
        f"/subscriptions/{config['azureml:subscriptionId']}/resourceGroups/{config['azureml:resourceGroupName']}"
        f"/providers/Microsoft.MachineLearningServices/workspaces/{config['azureml:workspaceName']}"
    )


def yaml_project(
    directory: Path, cli: Cli, config: dict[str, Any], program: Path | None = None, name: str = "azureml-yaml-import"
) -> Path:
    """A YAML project in ``directory`` (a copy of ``program``, or an empty one called ``name``) with stack ``dev``
    and ``config``."""
    if program is not None:
        shutil.copytree(program, directory)
    else:
        directory.mkdir(parents=True)
        (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: yaml\n")
    (directory / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    cli.run("stack", "init", "dev", cwd=directory)
    return directory


def test_yaml_program_up_no_change_refresh_in_place_change_destroy(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    workspace = emulator_config["azureml:workspaceName"]
    subscription, group = emulator_config["azureml:subscriptionId"], emulator_config["azureml:resourceGroupName"]
    emulator.ensure_workspace(subscription, group, SECOND_WORKSPACE, "eastus")
    config = {
        **emulator_config,
        "modelId": f"{workspace_id(emulator_config)}/models/churn/versions/1",
        # The explicit provider's settings (the program passes them to `pulumi:providers:azureml`).
        "endpoint": emulator_config["azureml:endpoint"],
        "subscriptionId": subscription,
        "resourceGroupName": group,
        "secondWorkspace": SECOND_WORKSPACE,
    }
    project = yaml_project(tmp_path / "project", cli, config, PROGRAM)
    cli.run("config", "set", "--secret", "accessToken", emulator_config["azureml:accessToken"], cwd=project)

    cli.run("up", "--yes", "--skip-preview", cwd=project)
    cluster = resource(emulator, workspace, "computes", "cluster")
    assert cluster is not None
    assert resource(emulator, workspace, "batchEndpoints", "scoring") is not None
    deployments = resources(emulator, "deployments")
    assert len(deployments) == 1
    [deployment] = deployments.values()
    assert str(deployment["properties"]["compute"]).lower() == str(cluster["id"]).lower()
    # Two workspaces in one program: the explicit provider's compute went to the second one.
    assert resource(emulator, SECOND_WORKSPACE, "computes", "elsewhere") is not None
    assert resource(emulator, workspace, "computes", "elsewhere") is None
    exported = cli.run("stack", "export", cwd=project).json()["deployment"]["resources"]
    [second] = [entry for entry in exported if entry["urn"].endswith("::pulumi:providers:azureml::second")]
    assert "ciphertext" in second["inputs"]["accessToken"], "the explicit provider's secret setting stays secret"
    assert emulator_config["azureml:accessToken"] not in json.dumps(second)
    cli.run("preview", "--expect-no-changes", cwd=project)
    cli.run("refresh", "--yes", "--expect-no-changes", cwd=project)

    cli.run("config", "set", "maxNodes", "2", cwd=project)
    preview = cli.run("preview", "--json", cwd=project).json()
    # `preview --json` lists no step for an unchanged resource: the deployment (and the endpoint) must not appear.
    assert resource_operations(preview) == {"cluster": "update"}, (
        "a dependent of the cluster's armId must preview no change when the cluster changes in place"
    )
    cli.run("up", "--yes", "--skip-preview", cwd=project)
    cluster = resource(emulator, workspace, "computes", "cluster")
    assert cluster is not None
    assert cluster["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == 2
    cli.run("preview", "--expect-no-changes", cwd=project)

    cli.run("destroy", "--yes", "--skip-preview", cwd=project)
    for collection in ("computes", "batchEndpoints", "deployments"):
        assert resources(emulator, collection) == {}, collection


def create_out_of_band(emulator: EmulatorServer, config: dict[str, str], name: str) -> str:
    """PUT a cluster straight to ARM (no Pulumi), wait until it has Succeeded; its ARM id."""
    arm_id = f"{workspace_id(config)}/computes/{name}"
    url = emulator.url + arm_id
    headers = {"Authorization": f"Bearer {config['azureml:accessToken']}"}
    body = {
        "location": "eastus",
        "properties": {
            "computeType": "AmlCompute",
            "properties": {"vmSize": "STANDARD_DS3_V2", "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 2}},
        },
    }
    created = requests.put(url, params={"api-version": API_VERSION}, headers=headers, json=body, timeout=30)
    assert created.status_code in (200, 201), created.text
    deadline = time.monotonic() + 30
    current: dict[str, Any] = {}
    while time.monotonic() < deadline:
        current = requests.get(url, params={"api-version": API_VERSION}, headers=headers, timeout=30).json()
        if current["properties"].get("provisioningState") == "Succeeded":
            emulator.clear_requests_log()
            return arm_id
    raise AssertionError(f"the out-of-band compute did not succeed in 30 s: {current}")


def test_error_is_one_line_under_its_resource_and_import_adopts_with_an_empty_preview(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    arm_id = create_out_of_band(emulator, emulator_config, "train")

    failing = yaml_project(tmp_path / "declared", cli, emulator_config, name="azureml-yaml-declared")
    declared = {
        "name": "azureml-yaml-declared",
        "runtime": "yaml",
        "resources": {
            "train": {
                "type": "azureml:index:Compute",
                "properties": {
                    "computeType": "AmlCompute",
                    "vmSize": "STANDARD_DS3_V2",
                    "scaleSettings": {"maxNodeCount": 2},
                },
            }
        },
    }
    (failing / "Pulumi.yaml").write_text(yaml.safe_dump(declared, sort_keys=False))
    failed = cli.run("up", "--yes", "--skip-preview", cwd=failing, check=False)
    assert failed.returncode != 0
    lines = failed.output.splitlines()
    header = lines.index("  azureml:index:Compute (train):")
    assert lines[header + 1].startswith("    error: creating compute ") and "already exists" in lines[header + 1]
    assert lines[header + 2].strip() == "", "the error must be one line"
    assert "Traceback" not in failed.output and 'File "' not in failed.output
    assert writes(emulator) == [], "nothing may be written to the existing compute"

    importing = yaml_project(tmp_path / "import", cli, emulator_config)
    generated = importing / "generated.yaml"
    cli.run("import", "azureml:index:Compute", "train", arm_id, "--yes", "--out", str(generated), cwd=importing)
    assert writes(emulator) == [], "an import only reads"
    code = generated.read_text()
    assert re.search(r"type: azureml:(index:)?Compute", code), code
    # The user's next step: the generated code becomes the program.
    (importing / "Pulumi.yaml").write_text("name: azureml-yaml-import\nruntime: yaml\n" + code)
    cli.run("preview", "--expect-no-changes", cwd=importing)
    assert writes(emulator) == []

    # The lookups are the plugin's functions: `fn::invoke` of getCompute and listComputes.
    lookups = {
        "variables": {
            "found": {"fn::invoke": {"function": "azureml:index:getCompute", "arguments": {"name": "train"}}},
            "listed": {"fn::invoke": {"function": "azureml:index:listComputes", "arguments": {}}},
        },
        "outputs": {"vmSize": "${found.vmSize}", "first": "${listed.items[0].name}"},
    }
    (importing / "Pulumi.yaml").write_text(
        "name: azureml-yaml-import\nruntime: yaml\n" + code + "\n" + yaml.safe_dump(lookups, sort_keys=False)
    )
    cli.run("up", "--yes", "--skip-preview", cwd=importing)
    outputs = cli.run("stack", "output", "--json", cwd=importing).json()
    assert outputs == {"vmSize": "STANDARD_DS3_V2", "first": "train"}
    assert writes(emulator) == []


def test_import_resource_option_adopts_with_the_program_inputs(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    arm_id = create_out_of_band(emulator, emulator_config, "opted")
    project = yaml_project(tmp_path / "opted", cli, emulator_config, name="azureml-yaml-opted")
    program = {
        "name": "azureml-yaml-opted",
        "runtime": "yaml",
        "resources": {
            "opted": {
                "type": "azureml:index:Compute",
                "properties": {
                    "computeType": "AmlCompute",
                    "vmSize": "STANDARD_DS3_V2",
                    "scaleSettings": {"maxNodeCount": 2},
                },
                "options": {"import": arm_id},
            }
        },
    }
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(program, sort_keys=False))
    cli.run("up", "--yes", "--skip-preview", cwd=project)
    cli.run("preview", "--expect-no-changes", cwd=project)
    assert writes(emulator) == [], "importing with the resource option only reads"
