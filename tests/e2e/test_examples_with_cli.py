"""Every example, with the real Pulumi CLI, following the commands of its own README against the emulator.

The commands are read from the example's README (its ```bash blocks), not copied here. Placeholders such as
`<subscription-id>` become the emulator's ids; before a stack's first `pulumi up` the test points that stack at the
emulator (endpoint, static token, no wait between polls), which is what a reader trying the example offline adds.
After the README's commands every stack previews with no changes, is destroyed, and the emulator holds none of
its resources.

Not here: examples/azure-native-workspace, whose resource group, storage account and key vault need the
azure-native provider plugin, a vendor binary that cannot be installed on this project's machines (its tests run
the pulumi_azureml half through the SDK's provider host with the azure-native resources mocked).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import REPOSITORY, Cli, Project

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

EXAMPLES = ["batch-scoring", "compute-cluster", "compute-instance", "multi-stack"]
AZURE_ML_KINDS = {"compute", "batchEndpoint", "batchDeployment"}


def readme_commands(example: str) -> list[str]:
    """The `pulumi` commands of the example's README, one per `&&`-separated part, comments dropped."""
    text = (REPOSITORY / "examples" / example / "README.md").read_text()
    commands: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if not line or line.startswith("#"):
                continue
            for part in line.split("&&"):
                part = part.strip()
                if part.startswith("pulumi "):
                    commands.append(part)
    return commands


def substitute(command: str, emulator: EmulatorServer, stack_values: dict[str, str]) -> str:
    workspace_id = (
        f"/subscriptions/{stack_values['subscription']}/resourceGroups/{stack_values['group']}"
        f"/providers/Microsoft.MachineLearningServices/workspaces/{stack_values['workspace']}"
    )
    replacements = {
        "<subscription-id>": stack_values["subscription"],
        "<resource-group>": stack_values["group"],
        "<workspace>": stack_values["workspace"],
        "<password>": "E2e-Passw0rd!-not-real",
        "<secret>": "e2e-client-secret-not-real",
        "<tenant-id>": "33333333-3333-3333-3333-333333333333",
        "/subscriptions/...": workspace_id,
    }
    for placeholder, value in replacements.items():
        command = command.replace(placeholder, value)
    assert "<" not in command and "..." not in command, f"unhandled placeholder in {command!r}"
    return command


def stack_ids(project: Project, stack: str) -> dict[str, str]:
    """The Azure ids a stack's own file names (multi-stack), else the suite's defaults."""
    path = project.directory / f"Pulumi.{stack}.yaml"
    config = (yaml.safe_load(path.read_text()) or {}).get("config", {}) if path.exists() else {}
    return {
        "subscription": str(config.get("azureml:subscriptionId", "00000000-0000-0000-0000-0000000000e2")),
        "group": str(config.get("azureml:resourceGroupName", "rg-e2e")),
        "workspace": str(config.get("azureml:workspaceName", "mlw-e2e")),
    }


def current_stack(cli: Cli, directory: Path) -> str:
    return cli.run("stack", "--show-name", cwd=directory).stdout.strip()


def ml_resources(server: EmulatorServer) -> list[dict[str, object]]:
    return [entry for entry in server.state()["resources"] if entry["kind"] in AZURE_ML_KINDS]


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_readme_commands_with_the_cli(tmp_path: Path, cli: Cli, emulator: EmulatorServer, example: str) -> None:
    commands = readme_commands(example)
    assert any(command.startswith("pulumi up") for command in commands), commands
    name = yaml.safe_load((REPOSITORY / "examples" / example / "Pulumi.yaml").read_text())["name"]
    project = Project.from_program(tmp_path / example, REPOSITORY / "examples" / example, name)
    directory = project.directory
    pointed: set[str] = set()
    stacks: list[str] = []
    destroyed: set[str] = set()

    def point_at_emulator(stack: str) -> None:
        ids = stack_ids(project, stack)
        emulator.ensure_resource_group(ids["subscription"], ids["group"], "eastus")
        emulator.ensure_workspace(ids["subscription"], ids["group"], ids["workspace"], "eastus")
        for key, value in {
            "azureml:subscriptionId": ids["subscription"],
            "azureml:resourceGroupName": ids["group"],
            "azureml:workspaceName": ids["workspace"],
            "azureml:endpoint": emulator.url,
            "azureml:pollIntervalSeconds": "0",
        }.items():
            cli.run("config", "set", key, value, cwd=directory)
        cli.run("config", "set", "--secret", "azureml:accessToken", "e2e-static-token-value", cwd=directory)
        pointed.add(stack)

    for command in commands:
        stack = None
        if not command.startswith(("pulumi stack init", "pulumi stack select")):
            stack = current_stack(cli, directory)
            ids = stack_ids(project, stack)
        else:
            ids = stack_ids(project, command.split()[-1])
        command = substitute(command, emulator, ids)
        if command.startswith(("pulumi up", "pulumi destroy")) and stack not in pointed:
            assert stack is not None
            point_at_emulator(stack)
        completed = subprocess.run(
            ["bash", "-c", command], cwd=directory, env=cli.environment(), capture_output=True, text=True, timeout=600
        )
        assert completed.returncode == 0, f"{command}\n--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
        if stack is not None and stack not in stacks:
            stacks.append(stack)
        if stack is not None:
            if command.startswith("pulumi destroy"):
                destroyed.add(stack)
            elif command.startswith("pulumi up"):
                destroyed.discard(stack)
        if command.startswith("pulumi stack "):
            selected = current_stack(cli, directory)
            if selected not in stacks:
                stacks.append(selected)

    for stack in stacks:
        cli.run("stack", "select", stack, cwd=directory)
        if stack in pointed and stack not in destroyed:
            cli.run("preview", "--expect-no-changes", cwd=directory)
            cli.run("destroy", "--yes", cwd=directory)
    assert ml_resources(emulator) == []
