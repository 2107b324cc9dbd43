"""A compute instance's idle shutdown changed with the real Pulumi CLI: an update in place, never a replacement.

Issue 26: changing `idle_time_before_shutdown` replaced the instance (its disk and the user's work) while the
service changes it in place with `POST .../computes/{name}/updateIdleShutdownSetting` (2025-12-01). The preview
must say "update" with the provider's reason, `up` must send that POST and no DELETE or PUT, and a refresh must find
the new value without drift. On the way, a misspelt `azureml:` setting shows one warning in the CLI's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, Project, resource_operations
from support.emulator_queries import resource, resources, writes

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

PROGRAM = Path(__file__).resolve().parent / "programs" / "compute_instance"


def test_changing_idle_shutdown_updates_the_instance_in_place(
    cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str], tmp_path: Path
) -> None:
    project = Project.from_program(tmp_path / "project", PROGRAM, "azureml-compute-instance")
    project.write_stack_config("dev", emulator_config)
    directory = project.directory
    workspace = emulator_config["azureml:workspaceName"]
    cli.run("stack", "init", "dev", cwd=directory)

    cli.run("up", "--yes", "--non-interactive", cwd=directory)
    instance = resource(emulator, workspace, "computes", "ci-dev")
    assert instance is not None and instance["properties"]["properties"]["idleTimeBeforeShutdown"] == "PT30M"
    created_on = cli.run("stack", "output", "created_on", cwd=directory).stdout.strip()

    cli.run("config", "set", "idleShutdown", "PT2H", cwd=directory)
    emulator.clear_requests_log()
    preview = cli.run("preview", "--json", cwd=directory)
    assert resource_operations(preview.json()) == {"ci-dev": "update"}
    # A misspelt setting is not ignored without a word (issue 26): one warning line, with the setting meant.
    cli.run("config", "set", "azureml:emulater", "unused.db", cwd=directory)
    shown = cli.run("preview", "--diff", cwd=directory).output
    assert "run actions for idle_time_before_shutdown" in shown, shown
    assert "REPLACED" not in shown, shown
    assert shown.count("'azureml:emulater' is not a pulumi-azureml setting") == 1, shown
    assert "did you mean azureml:emulator?" in shown
    assert emulator.requests_log() == [], "a preview sent requests to Azure"

    up = cli.run("up", "--yes", "--non-interactive", cwd=directory)
    assert "1 updated" in up.output, up.output
    sent = writes(emulator)
    assert (
        len(sent) == 1
        and sent[0].startswith("POST ")
        and sent[0].endswith("/computes/ci-dev/updateIdleShutdownSetting")
    )
    instance = resource(emulator, workspace, "computes", "ci-dev")
    assert instance is not None and instance["properties"]["properties"]["idleTimeBeforeShutdown"] == "PT2H"
    # The same instance: not deleted and created again.
    assert cli.run("stack", "output", "created_on", cwd=directory).stdout.strip() == created_on

    emulator.clear_requests_log()
    cli.run("refresh", "--yes", "--expect-no-changes", "--non-interactive", cwd=directory)
    assert writes(emulator) == [], "a refresh only reads"
    cli.run("preview", "--expect-no-changes", cwd=directory)

    cli.run("destroy", "--yes", "--non-interactive", cwd=directory)
    assert resources(emulator, "computes") == {}
