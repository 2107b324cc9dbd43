"""Moving a stack of dynamic resources to the provider plugin without deleting or re-creating anything (issue 25).

The documented path (docs/plugin.md): a Python program's stack, whose cluster is a dynamic resource, becomes a
YAML program on the `azureml` plugin —

1. `pulumi import azureml:index:Compute <name> <ARM id>` with the ARM id the dynamic resource already has (the
   engine reads it through the plugin; the generated code is the new program);
2. `pulumi state delete` of the dynamic resource's entry and of its provider's (state only: nothing is sent to
   Azure);
3. `preview --expect-no-changes` and `up` of the new program: nothing changes.

The emulator's request log proves it: from the import on, no PUT, PATCH or DELETE reaches it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, Project
from support.emulator_queries import resource, writes

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PROGRAM = Path(__file__).resolve().parent / "programs" / "clusters"
NAME = "azureml-migrate"


@pytest.fixture(autouse=True)
def _plugin_and_yaml_host(cli: Cli) -> None:
    path = cli.environment()["PATH"]
    assert shutil.which("pulumi-resource-azureml", path=path), "reinstall the package: pip install -e '.[dev]'"
    assert shutil.which("pulumi-language-yaml", path=path), "run ./tests/pulumi-cli/provide: it builds the YAML host"


def test_dynamic_stack_moves_to_the_plugin_with_no_write_request(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    workspace = emulator_config["azureml:workspaceName"]
    project = Project.from_program(tmp_path / "project", PROGRAM, NAME)
    project.write_stack_config("dev", {**emulator_config, f"{NAME}:count": "1"})
    cli.run("stack", "init", "dev", cwd=project.directory)
    cli.run("up", "--yes", "--skip-preview", cwd=project.directory)
    cluster = resource(emulator, workspace, "computes", "cluster-a")
    assert cluster is not None
    arm_id = str(cluster["id"])
    deployment = cli.run("stack", "export", cwd=project.directory).json()["deployment"]
    old_urns = [
        entry["urn"]
        for entry in deployment["resources"]
        if entry["type"].startswith(("pulumi-python:dynamic", "pulumi:providers:pulumi-python"))
    ]
    assert len(old_urns) == 2, old_urns
    emulator.clear_requests_log()

    # The same project and stack, now a YAML program (the import does not run the program).
    (project.directory / "Pulumi.yaml").write_text(f"name: {NAME}\nruntime: yaml\n")
    generated = project.directory / "generated.yaml"
    cli.run(
        "import", "azureml:index:Compute", "cluster-a", arm_id, "--yes", "--out", str(generated), cwd=project.directory
    )
    # The dynamic resource first, then its provider (nothing depends on it any more).
    for urn in sorted(old_urns, key=lambda urn: "::pulumi:providers:" in urn):
        cli.run("state", "delete", urn, "--yes", cwd=project.directory)
    (project.directory / "Pulumi.yaml").write_text(f"name: {NAME}\nruntime: yaml\n" + generated.read_text())

    cli.run("preview", "--expect-no-changes", cwd=project.directory)
    cli.run("up", "--yes", "--expect-no-changes", cwd=project.directory)
    assert writes(emulator) == [], "the move must not write, delete or re-create anything"
    assert resource(emulator, workspace, "computes", "cluster-a") is not None

    types = [
        entry["type"] for entry in cli.run("stack", "export", cwd=project.directory).json()["deployment"]["resources"]
    ]
    assert "azureml:index:Compute" in types and not any(t.startswith("pulumi-python") for t in types), json.dumps(types)
