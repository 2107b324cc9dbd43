"""`examples/promotion/promote.py` on the real engine: a change promoted through dev, staging and prod.

The example's own script runs as a user runs it (`python promote.py --set ...`), through the Automation API and
the `pulumi` CLI that `tests/pulumi-cli/provide` made available, against one emulator in which each stack has its
own workspace (as each environment has in Azure). A change that updates in place reaches all three stacks in order;
a change that would replace the cluster stops at dev with the reason, and the emulator shows that nothing was sent
to any workspace and that staging and prod were never looked at.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import REPOSITORY, Cli, Project
from support.emulator_queries import resource, touching, writes

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

EXAMPLE = REPOSITORY / "examples" / "promotion"
PROJECT = "azureml-promotion"
STACKS = ("dev", "staging", "prod")
EXIT_REFUSED = 3


def workspace_of(stack: str) -> str:
    return f"mlw-{stack}"


@pytest.fixture
def project(tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]) -> Project:
    """The example with its three stack files, pointed at the emulator, each stack deployed once by `pulumi up`."""
    project = Project.from_program(tmp_path / "project", EXAMPLE, PROJECT)
    for stack in STACKS:
        emulator.ensure_workspace(
            emulator_config["azureml:subscriptionId"],
            emulator_config["azureml:resourceGroupName"],
            workspace_of(stack),
            "eastus",
        )
        project.write_stack_config(stack, {**emulator_config, "azureml:workspaceName": workspace_of(stack)})
        cli.run("stack", "init", stack, cwd=project.directory)
        cli.run("up", "--yes", "--non-interactive", "--skip-preview", "--stack", stack, cwd=project.directory)
    emulator.clear_requests_log()
    return project


def promote(cli: Cli, project: Project, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(project.directory / "promote.py"), "--work-dir", str(project.directory), *arguments],
        env=cli.environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def stack_file(project: Project, stack: str) -> dict[str, str]:
    return dict(yaml.safe_load((project.directory / f"Pulumi.{stack}.yaml").read_text())["config"])


def test_an_in_place_change_is_promoted_through_every_stack_in_order(
    cli: Cli, emulator: EmulatorServer, project: Project
) -> None:
    completed = promote(cli, project, "--set", "maxNodes=3", "--set", "endpointDescription=nightly scoring")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "promoted to dev, staging, prod" in completed.stdout
    for stack in STACKS:
        cluster = resource(emulator, workspace_of(stack), "computes", "train")
        endpoint = resource(emulator, workspace_of(stack), "batchEndpoints", "score")
        assert cluster is not None and endpoint is not None, stack
        assert cluster["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == 3, stack
        assert endpoint["properties"]["description"] == "nightly scoring", stack
        assert stack_file(project, stack)[f"{PROJECT}:maxNodes"] == "3"
    # Updated in place, one stack after the other: no delete, and dev's writes all come before staging's.
    sent = writes(emulator)
    assert sent and not [request for request in sent if request.startswith("DELETE")], sent
    order = [next(stack for stack in STACKS if f"/workspaces/{workspace_of(stack)}/" in request) for request in sent]
    assert order == sorted(order, key=STACKS.index), sent
    # The change is in each stack's config, so the next preview of any of them has nothing to do.
    preview = cli.run("preview", "--json", "--expect-no-changes", "--stack", "prod", cwd=project.directory)
    assert preview.json()["changeSummary"] == {"same": 3}


def test_a_change_that_replaces_the_cluster_stops_at_dev_and_leaves_the_others_alone(
    cli: Cli, emulator: EmulatorServer, project: Project
) -> None:
    files_before = {stack: (project.directory / f"Pulumi.{stack}.yaml").read_text() for stack in STACKS}
    clusters_before = {stack: resource(emulator, workspace_of(stack), "computes", "train") for stack in STACKS}

    completed = promote(cli, project, "--set", "vmSize=STANDARD_DS4_V2", "--set", "maxNodes=5")

    assert completed.returncode == EXIT_REFUSED, completed.stdout + completed.stderr
    message = completed.stderr
    assert "promotion stopped at stack 'dev'" in message, message
    assert "compute 'train' would be REPLACED" in message and "because vm_size changed" in message, message
    assert "not promoted to staging, prod" in message, message
    # The provider's own explanation reached the script through the engine's diagnostic events.
    assert "the provider says: azureml: compute train: will be REPLACED" in message, message
    # Dev was previewed only (a preview sends nothing to Azure), staging and prod not even that.
    assert writes(emulator) == []
    assert touching(emulator, workspace_of("staging")) == [] and touching(emulator, workspace_of("prod")) == []
    assert "== staging" not in completed.stdout and "== prod" not in completed.stdout
    for stack in STACKS:
        assert resource(emulator, workspace_of(stack), "computes", "train") == clusters_before[stack], stack
        # Dev's config is restored (the refused change is not left behind for the next `up`); the others untouched.
        assert (project.directory / f"Pulumi.{stack}.yaml").read_text() == files_before[stack], stack
    cli.run("preview", "--expect-no-changes", "--stack", "dev", cwd=project.directory)


def test_a_named_resource_may_be_replaced_when_the_operator_allows_it(
    cli: Cli, emulator: EmulatorServer, project: Project
) -> None:
    completed = promote(cli, project, "--stacks", "dev", "--set", "vmSize=STANDARD_DS4_V2", "--allow-replace", "train")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    cluster = resource(emulator, workspace_of("dev"), "computes", "train")
    assert cluster is not None and cluster["properties"]["properties"]["vmSize"] == "STANDARD_DS4_V2"
    sent = writes(emulator)
    assert any(request.startswith("DELETE") for request in sent) and touching(emulator, workspace_of("prod")) == []


def test_a_change_the_preview_rejects_stops_at_dev_with_status_1(
    cli: Cli, emulator: EmulatorServer, project: Project
) -> None:
    files_before = {stack: (project.directory / f"Pulumi.{stack}.yaml").read_text() for stack in STACKS}

    completed = promote(cli, project, "--set", "maxNodes=many")

    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "promotion stopped at stack 'dev': the preview failed" in completed.stderr, completed.stderr
    assert "many" in completed.stderr, "the program's own error (not an int) must reach the user"
    assert emulator.requests_log() == []
    assert {stack: (project.directory / f"Pulumi.{stack}.yaml").read_text() for stack in STACKS} == files_before
