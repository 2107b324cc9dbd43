"""The root project with the real Pulumi CLI: README command 1 verbatim, then every promise of a `pulumi` session.

Two views of the same program (examples/platform, the root Pulumi.yaml's `main`):
- README command 1, extracted from the README and run as written in a fresh copy of this checkout: it creates the
  copy's .venv, uses the CLI and brings up the `local` stack on the embedded emulator; then the commands a user runs
  next (`preview --expect-no-changes`, `refresh --expect-no-changes`, `destroy`), and the emulator's file is empty;
- the same program on a stack that points at a standalone emulator, whose request log shows what each command
  sent: a preview sends nothing, a changed field previews as the right step with the provider's reason visible in
  the CLI's own output.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import REPOSITORY, Cli, Project, copy_checkout, resource_operations

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

AZURE_ML_KINDS = {"compute", "batchEndpoint", "batchDeployment"}


def readme_command_one() -> str:
    """The first command of the README's opening code block (the lines under the comment starting `# 1.`)."""
    text = (REPOSITORY / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "the README has no bash block"
    lines = block.group(1).splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("# 1."))
    command = next(line for line in lines[start:] if line.strip() and not line.startswith("#"))
    return command.strip()


def ml_resources(server: EmulatorServer) -> list[dict[str, object]]:
    return [entry for entry in server.state()["resources"] if entry["kind"] in AZURE_ML_KINDS]


def test_readme_command_one_brings_up_the_local_stack(tmp_path: Path, cli: Cli) -> None:
    command = readme_command_one()
    assert "./tests/pulumi" in command and "local" in command, command
    checkout = copy_checkout(tmp_path / "checkout")
    environment = {
        key: value
        for key, value in cli.environment().items()
        if key not in {"PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"}
    }

    def shell(line: str) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            ["bash", "-c", line], cwd=checkout, env=environment, capture_output=True, text=True, timeout=600
        )
        assert completed.returncode == 0, f"{line}\n--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
        return completed

    up = shell(command)
    assert "6 created" in up.stdout, up.stdout
    # The provider's progress reaches the user through the CLI's diagnostics.
    assert "azureml: creating compute cpu-cluster: Succeeded" in up.stdout
    outputs = yaml.safe_load(shell("./tests/pulumi stack output --json --stack local").stdout)
    assert outputs["scoring_uri"].startswith("https://platform-scoring.")
    assert outputs["default_deployment"] == "scoring-v1"

    shell("./tests/pulumi preview --expect-no-changes --stack local")
    shell("./tests/pulumi refresh --expect-no-changes --yes --stack local")
    shell("./tests/pulumi preview --expect-no-changes --stack local")
    # Each run starts its own in-process emulator on the same file: the URLs it hands out stay the same.
    shell("./tests/pulumi up --yes --expect-no-changes --stack local")
    again = yaml.safe_load(shell("./tests/pulumi stack output --json --stack local").stdout)
    assert again == outputs, (outputs, again)
    shell("./tests/pulumi destroy --yes --stack local")

    database = checkout / ".pulumi-local" / "emulator.db"
    assert database.exists(), "the local stack's emulator file is not where its config says"
    with EmulatorServer(db_path=str(database)) as server:
        assert ml_resources(server) == []
        assert [entry for entry in server.state()["resources"] if entry["kind"] == "workspace"] == []


@pytest.fixture
def root_project(tmp_path: Path, emulator_config: dict[str, str]) -> Project:
    """The root program on a stack `e2e`: the local stack's config, its Azure settings pointing at the emulator."""
    project = Project.from_program(tmp_path / "project", REPOSITORY / "examples" / "platform", "azureml-platform")
    local = yaml.safe_load((REPOSITORY / "examples" / "platform" / "stacks" / "Pulumi.local.yaml").read_text())
    config = {key: str(value) for key, value in local["config"].items() if key != "azureml:emulator"}
    config.update(emulator_config)
    # The program creates its workspace; the emulator's seeded one (emulator_config) must stay someone else's.
    config["azureml:workspaceName"] = "mlw-platform"
    project.write_stack_config("e2e", config)
    return project


def test_root_program_preview_up_refresh_destroy_against_the_emulator(
    cli: Cli, root_project: Project, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    directory = root_project.directory
    cli.run("stack", "init", "e2e", cwd=directory)
    emulator.clear_requests_log()

    preview = cli.run("preview", "--json", cwd=directory).json()
    assert set(resource_operations(preview).values()) == {"create"}
    assert emulator.requests_log() == [], "a preview sent requests to Azure"

    cli.run("up", "--yes", cwd=directory)
    assert len(ml_resources(emulator)) == 3

    emulator.clear_requests_log()
    cli.run("preview", "--expect-no-changes", cwd=directory)
    cli.run("up", "--yes", "--expect-no-changes", cwd=directory)
    assert emulator.requests_log() == [], "a no-change preview or up sent requests"

    cli.run("refresh", "--yes", "--expect-no-changes", cwd=directory)
    assert {entry["method"] for entry in emulator.requests_log()} == {"GET"}
    emulator.clear_requests_log()
    cli.run("preview", "--expect-no-changes", cwd=directory)
    assert emulator.requests_log() == []

    # An in-place change: the step is an update, and the provider's reason is in what the user sees.
    cli.run("config", "set", "clusterMaxNodes", "3", cwd=directory)
    preview = cli.run("preview", "--json", cwd=directory).json()
    assert resource_operations(preview)["cpu-cluster"] == "update"
    text = cli.run("preview", cwd=directory).stdout
    assert "compute cpu-cluster: update in place by PATCH (scale_settings)" in text

    # A create-only change: the step is a replace, and the user is told which field forces it.
    cli.run("config", "set", "clusterVmSize", "STANDARD_NC6", cwd=directory)
    preview = cli.run("preview", "--json", cwd=directory).json()
    operations = resource_operations(preview)
    assert operations["cpu-cluster"] == "replace"
    replaced = next(step for step in preview["steps"] if step["urn"].endswith("::cpu-cluster"))
    assert replaced.get("replaceReasons") == ["vm_size"]
    text = cli.run("preview", cwd=directory).stdout
    assert "compute cpu-cluster: will be REPLACED (delete, then create) because vm_size" in text
    # The deployment names the cluster's id, unknown until the replacement exists: the preview promises nothing.
    assert (
        "batch deployment scoring-v1: may update in place by full PUT (compute); compute not known until the "
        "resources it comes from are created or replaced"
    ) in text, text
    assert emulator.requests_log() == [], "previews of changes sent requests"

    cli.run("up", "--yes", cwd=directory)
    compute = next(entry for entry in ml_resources(emulator) if entry["kind"] == "compute")
    body = compute["body"]
    assert isinstance(body, dict)
    assert body["properties"]["properties"]["vmSize"].upper() == "STANDARD_NC6"
    cli.run("preview", "--expect-no-changes", cwd=directory)

    cli.run("destroy", "--yes", cwd=directory)
    assert ml_resources(emulator) == []
    workspaces = [entry["id"] for entry in emulator.state()["resources"] if entry["kind"] == "workspace"]
    assert workspaces == [
        f"/subscriptions/{emulator_config['azureml:subscriptionId']}/resourceGroups/"
        f"{emulator_config['azureml:resourceGroupName']}/providers/Microsoft.MachineLearningServices/workspaces/"
        f"{emulator_config['azureml:workspaceName']}"
    ], "destroy left the program's workspace behind (only the seeded one may remain)"
