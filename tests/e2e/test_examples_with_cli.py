"""Every example's README "Try it offline" recipe, run as written with the real Pulumi CLI.

The lines are read from the example's README, not copied here, and run one by one in a copy of the example whose
Pulumi.yaml points at this test run's virtualenv (before its `pulumi destroy`, `pulumi refresh --expect-no-changes`
and `pulumi preview --expect-no-changes` must hold); the recipe's own first line (creating `venv` from
requirements.txt) is the one line left out, because `tests/e2e/test_installs.py` runs exactly that for every
example. The recipe sets nothing but `azureml:emulator` (and a short poll interval): the embedded emulator's
defaults are enough. Afterwards the emulator's file holds none of the example's resources.

Not here: examples/azure-native-workspace, whose resource group, storage account and key vault need the
azure-native provider plugin, a vendor binary that cannot be installed on this project's machines (its tests run
the pulumi_azureml half through the SDK's provider host with the azure-native resources mocked), and
examples/promotion, which `tests/e2e/test_promotion.py` runs.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.specs import SPECS

from cli_driver import REPOSITORY, Cli, Project

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

EXAMPLES = ["batch-scoring", "compute-cluster", "compute-instance", "multi-stack", "online-blue-green"]
AZURE_ML_KINDS = {
    kind[0].lower() + kind[1:]  # the emulator's record kind
    for kind, spec in SPECS.items()
    # Not the seeded workspace (checked below) and its own datastores; a parent's property has no record.
    if kind not in ("Workspace", "Datastore") and spec.parent_kind is None
}


def offline_recipe(example: str) -> list[str]:
    """The commands of the README's "Try it offline" block, one per `&&`-separated part, comments dropped."""
    text = (REPOSITORY / "examples" / example / "README.md").read_text()
    assert "## Try it offline" in text, f"examples/{example}/README.md has no offline recipe"
    section = text[text.index("## Try it offline") :]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, f"the offline section of {example} has no bash block"
    commands: list[str] = []
    for line in block.group(1).splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            commands.extend(part.strip() for part in line.split("&&"))
    return commands


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_offline_recipe_with_the_cli(tmp_path: Path, cli: Cli, example: str) -> None:
    commands = offline_recipe(example)
    assert commands[0].startswith("python3 -m venv venv"), commands[0]
    assert commands[-1].startswith("pulumi destroy"), commands[-1]
    name = yaml.safe_load((REPOSITORY / "examples" / example / "Pulumi.yaml").read_text())["name"]
    project = Project.from_program(tmp_path / example, REPOSITORY / "examples" / example, name)
    environment = {**cli.environment(), "PULUMI_SKIP_CONFIRMATIONS": "false"}
    ups = 0

    def run(command: str) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            ["bash", "-c", command], cwd=project.directory, env=environment, capture_output=True, text=True, timeout=600
        )
        assert completed.returncode == 0, f"{command}\n--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
        return completed

    for command in commands:
        if command.startswith(("python3 -m venv", "venv/bin/pip")):
            continue
        assert command.startswith("pulumi "), command
        if command.startswith("pulumi destroy"):
            # Before the recipe tears down: a refresh shows no drift and the preview after it plans nothing.
            run("pulumi refresh --yes --expect-no-changes")
            run("pulumi preview --expect-no-changes")
        completed = run(command)
        if command.startswith("pulumi up"):
            ups += 1
            assert "error" not in completed.stdout.lower().split("diagnostics:")[0], completed.stdout
    assert ups >= 1

    database = project.directory / "emulator.db"
    assert database.exists(), "the recipe's emulator file is not where its config says"
    with EmulatorServer(db_path=str(database)) as server:
        resources = server.state()["resources"]
    assert [entry["id"] for entry in resources if entry["kind"] in AZURE_ML_KINDS] == []
    workspaces = [entry["id"].rsplit("/", 1)[-1] for entry in resources if entry["kind"] == "workspace"]
    assert workspaces == ["mlw-emulator"], workspaces
