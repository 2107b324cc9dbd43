"""Online endpoints and deployments field by field with the real Pulumi CLI against the emulator.

One program (programs/online): an endpoint, green (all the traffic) and blue (none). Each step changes one stack
config value and checks what the engine previews and what reaches the emulator: the endpoint's tags by PATCH and its
description by a full PUT (which keeps the traffic the split set); the instance count of both deployments by PATCH
(the SKU); blue's model by a full PUT; blue's instance type as a replacement with its reason; green's instance type
previewed as a replacement whose reason says to move its traffic first (the service refuses to delete a deployment
that gets traffic). A preview and a no-op `up` send no request, a refresh finds no drift, destroy leaves nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, Project, resource_operations
from support.emulator_queries import resource, writes

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

PROGRAM = Path(__file__).resolve().parent / "programs" / "online"
PROJECT = "azureml-online"


@pytest.fixture
def project(tmp_path: Path, cli: Cli, emulator_config: dict[str, str]) -> Project:
    project = Project.from_program(tmp_path / "project", PROGRAM, PROJECT)
    project.write_stack_config("dev", emulator_config)
    cli.run("stack", "init", "dev", cwd=project.directory)
    return project


def changed(cli: Cli, project: Project) -> dict[str, str]:
    """The step of every resource a `preview --json` plans to touch."""
    steps = resource_operations(cli.run("preview", "--json", cwd=project.directory).json())
    return {name: op for name, op in steps.items() if op != "same"}


def up(cli: Cli, project: Project) -> None:
    cli.run("up", "--yes", "--non-interactive", "--skip-preview", cwd=project.directory)


def deployment(emulator: EmulatorServer, workspace: str, name: str) -> dict[str, Any]:
    found = resource(emulator, workspace, "onlineEndpoints/scoring/deployments", name)
    assert found is not None, name
    return found


def write_methods(emulator: EmulatorServer) -> list[str]:
    """'METHOD last-path-segment' of each write the emulator received, in order (the keys' read after an endpoint
    write, a POST to listKeys, changes nothing and is left out)."""
    methods = [f"{entry.split(' ')[0]} {entry.rsplit('/', 1)[-1]}" for entry in writes(emulator)]
    return [method for method in methods if method != "POST listKeys"]


def test_online_fields_update_in_place_or_replace_with_their_reason(
    cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str], project: Project
) -> None:
    directory = project.directory
    workspace = emulator_config["azureml:workspaceName"]
    up(cli, project)
    endpoint = resource(emulator, workspace, "onlineEndpoints", "scoring")
    assert endpoint is not None and endpoint["properties"]["traffic"] == {"green": 100}

    emulator.clear_requests_log()
    cli.run("preview", "--expect-no-changes", cwd=directory)
    up(cli, project)
    assert emulator.requests_log() == [], "a preview and a no-op up must not call Azure"

    # The endpoint's tags: PATCH. Its description: a full PUT that carries the split the traffic resource set.
    cli.run("config", "set", "team", "platform", cwd=directory)
    assert changed(cli, project) == {"scoring": "update"}
    emulator.clear_requests_log()
    up(cli, project)
    assert write_methods(emulator) == ["PATCH scoring"]
    cli.run("config", "set", "endpointDescription", "scoring v2", cwd=directory)
    text = cli.run("preview", "--diff", cwd=directory).output
    assert "online endpoint scoring: update in place by full PUT (description)" in text, text
    emulator.clear_requests_log()
    up(cli, project)
    assert write_methods(emulator) == ["PUT scoring"]
    endpoint = resource(emulator, workspace, "onlineEndpoints", "scoring")
    assert endpoint is not None and endpoint["properties"]["traffic"] == {"green": 100}

    # Both deployments' instance count: the SKU, by PATCH.
    cli.run("config", "set", "instanceCount", "2", cwd=directory)
    assert changed(cli, project) == {"blue": "update", "green": "update"}
    text = cli.run("preview", "--diff", cwd=directory).output
    assert "online deployment blue: update in place by PATCH (instance_count)" in text, text
    emulator.clear_requests_log()
    up(cli, project)
    assert sorted(write_methods(emulator)) == ["PATCH blue", "PATCH green"]
    assert deployment(emulator, workspace, "blue")["sku"]["capacity"] == 2

    # Blue's model: a full PUT of blue only.
    cli.run("config", "set", "blueModel", "azureml:churn:2", cwd=directory)
    assert changed(cli, project) == {"blue": "update"}
    emulator.clear_requests_log()
    up(cli, project)
    assert write_methods(emulator) == ["PUT blue"]

    # Blue's instance type is create-only: blue (no traffic) is replaced, delete first (same ARM id).
    cli.run("config", "set", "blueInstanceType", "Standard_DS4_v2", cwd=directory)
    text = cli.run("preview", "--diff", cwd=directory).output
    assert "online deployment blue: will be REPLACED (delete, then create) because instance_type" in text, text
    assert changed(cli, project) == {"blue": "replace"}
    emulator.clear_requests_log()
    up(cli, project)
    assert write_methods(emulator) == ["DELETE blue", "PUT blue"]
    assert deployment(emulator, workspace, "blue")["properties"]["instanceType"] == "Standard_DS4_v2"

    # Green gets all the traffic: its replacement's reason tells the user what the service will refuse.
    cli.run("config", "set", "greenInstanceType", "Standard_DS4_v2", cwd=directory)
    text = cli.run("preview", "--diff", cwd=directory).output
    assert "online deployment green: will be REPLACED" in text, text
    assert "refuses to delete a deployment that gets traffic: move it to another one first" in text, text
    cli.run("config", "rm", "greenInstanceType", cwd=directory)

    emulator.clear_requests_log()
    cli.run("refresh", "--yes", "--expect-no-changes", "--non-interactive", cwd=directory)
    assert write_methods(emulator) == [], "a refresh only reads"
    cli.run("preview", "--expect-no-changes", cwd=directory)

    cli.run("destroy", "--yes", "--non-interactive", "--skip-preview", cwd=directory)
    left = [e["id"] for e in emulator.state()["resources"] if e["kind"] in ("onlineEndpoint", "onlineDeployment")]
    assert left == []
