"""Datastores and an environment version with the real Pulumi CLI against the emulator.

One program (programs/datastores): a blob datastore with an account key from `pulumi config set --secret`, an ADLS
Gen2 datastore with a service principal, and an environment version. `up` creates them; a preview sends no request;
a changed description is an in-place update; a rotated account key is an update whose output never shows the key;
a changed image replaces the version with "versions are immutable in Azure ML" as the reason; a refresh finds no
drift (the write-only credentials above all); no state, output or backend file holds a secret in clear; `destroy`
leaves the emulator with the workspace's own datastores only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, Project, Result, resource_operations
from support.emulator_queries import resource, resources, writes

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

PROGRAM = Path(__file__).resolve().parent / "programs" / "datastores"
API_VERSION = "2025-12-01"
FIRST_KEY = "ZTJlLWZpcnN0LWFjY291bnQta2V5LW5vdC1yZWFs"
SECOND_KEY = "ZTJlLXNlY29uZC1hY2NvdW50LWtleS1ub3QtcmVhbA=="
LAKE_SECRET = "e2e-lake-client-secret-8c1f"
SECRETS = (FIRST_KEY, SECOND_KEY, LAKE_SECRET)


@pytest.fixture
def project(tmp_path: Path, cli: Cli, emulator_config: dict[str, str]) -> Project:
    project = Project.from_program(tmp_path / "project", PROGRAM, "azureml-datastores")
    project.write_stack_config("dev", emulator_config)
    cli.run("stack", "init", "dev", cwd=project.directory)
    cli.run("config", "set", "--secret", "storageKey", FIRST_KEY, cwd=project.directory)
    cli.run("config", "set", "--secret", "lakeSecret", LAKE_SECRET, cwd=project.directory)
    return project


def list_secrets(emulator: EmulatorServer, config: dict[str, str], name: str) -> dict[str, Any]:
    path = (
        f"/subscriptions/{config['azureml:subscriptionId']}/resourceGroups/{config['azureml:resourceGroupName']}"
        f"/providers/Microsoft.MachineLearningServices/workspaces/{config['azureml:workspaceName']}"
        f"/datastores/{name}/listSecrets"
    )
    answer = requests.post(
        emulator.url + path,
        params={"api-version": API_VERSION},
        headers={"Authorization": f"Bearer {config['azureml:accessToken']}"},
        timeout=30,
    )
    answer.raise_for_status()
    return dict(answer.json())


def environment_version(emulator: EmulatorServer) -> dict[str, Any] | None:
    """The stored body of the program's environment version (sklearn, version 1), or None."""
    found = [body for rid, body in resources(emulator, "environments").items() if rid.endswith("/sklearn/versions/1")]
    return found[0] if found else None


def preview_operations(cli: Cli, project: Project) -> dict[str, str]:
    """Each resource's step in a `preview --json` ("same" for those it leaves out)."""
    steps = resource_operations(cli.run("preview", "--json", cwd=project.directory).json())
    return {name: steps.get(name, "same") for name in ("landing", "lake", "sklearn")}


def user_datastores(emulator: EmulatorServer) -> list[str]:
    return sorted(
        rid.rsplit("/", 1)[-1]
        for rid in resources(emulator, "datastores")
        if not rid.endswith(("/workspaceblobstore", "/workspacefilestore"))
    )


def test_datastores_and_an_environment_through_the_cli(
    cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str], project: Project
) -> None:
    directory = project.directory
    workspace = emulator_config["azureml:workspaceName"]
    outputs: list[Result] = []

    outputs.append(cli.run("up", "--yes", "--non-interactive", cwd=directory))
    assert user_datastores(emulator) == ["lake", "landing"]
    landing = resource(emulator, workspace, "datastores", "landing")
    assert landing is not None and landing["properties"]["credentials"]["credentialsType"] == "AccountKey"
    assert list_secrets(emulator, emulator_config, "landing")["key"] == FIRST_KEY
    assert list_secrets(emulator, emulator_config, "lake")["clientSecret"] == LAKE_SECRET
    assert environment_version(emulator) is not None

    # A no-op preview: no change, and not a single request to Azure.
    emulator.clear_requests_log()
    outputs.append(cli.run("preview", "--expect-no-changes", "--diff", cwd=directory))
    assert emulator.requests_log() == [], "a no-op preview must not call Azure"

    # A mutable field: in-place updates of the datastore and the environment version.
    cli.run("config", "set", "description", "landing zone v2", cwd=directory)
    assert preview_operations(cli, project) == {"landing": "update", "lake": "same", "sklearn": "update"}
    emulator.clear_requests_log()
    outputs.append(cli.run("up", "--yes", "--non-interactive", cwd=directory))
    assert sorted(write.split(" ")[0] for write in writes(emulator)) == ["PUT", "PUT"]
    landing = resource(emulator, workspace, "datastores", "landing")
    assert landing is not None and landing["properties"]["description"] == "landing zone v2"

    # A rotated account key: an update of the blob datastore only, never shown.
    cli.run("config", "set", "--secret", "storageKey", SECOND_KEY, cwd=directory)
    diff = cli.run("preview", "--diff", cwd=directory)
    outputs.append(diff)
    assert "account_key" in diff.output and "[secret]" in diff.output, diff.output
    assert preview_operations(cli, project) == {"landing": "update", "lake": "same", "sklearn": "same"}
    outputs.append(cli.run("up", "--yes", "--non-interactive", "--diff", cwd=directory))
    assert list_secrets(emulator, emulator_config, "landing")["key"] == SECOND_KEY

    # A create-only field of the environment version: a replacement, and the preview says why.
    cli.run("config", "set", "image", "python:3.12-slim", cwd=directory)
    replace = cli.run("preview", "--diff", cwd=directory)
    outputs.append(replace)
    assert "versions are immutable in Azure ML" in replace.output, replace.output
    assert preview_operations(cli, project)["sklearn"] == "replace"
    outputs.append(cli.run("up", "--yes", "--non-interactive", cwd=directory))
    version = environment_version(emulator)
    assert version is not None and version["properties"]["image"] == "python:3.12-slim"

    # Refresh: the credentials are write-only, and nothing else drifted either.
    emulator.clear_requests_log()
    outputs.append(cli.run("refresh", "--yes", "--expect-no-changes", "--non-interactive", cwd=directory))
    assert writes(emulator) == [], "a refresh only reads"
    outputs.append(cli.run("preview", "--expect-no-changes", cwd=directory))

    # No secret in clear anywhere a user or an attacker with the state can read.
    exported = cli.run("stack", "export", cwd=directory).stdout
    shown = cli.run("stack", "output", "--json", cwd=directory).stdout
    for secret in SECRETS:
        assert secret not in exported, "a datastore credential is in clear in `pulumi stack export`"
        assert secret not in shown
        for result in outputs:
            assert secret not in result.output, f"a credential is in the output of pulumi {' '.join(result.arguments)}"
    for path in cli.backend.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in content, f"a credential is in clear in the backend file {path.name}"

    outputs.append(cli.run("destroy", "--yes", "--non-interactive", cwd=directory))
    assert user_datastores(emulator) == []
    assert resources(emulator, "environments") == {}
    assert sorted(rid.rsplit("/", 1)[-1] for rid in resources(emulator, "datastores")) == [
        "workspaceblobstore",
        "workspacefilestore",
    ]
