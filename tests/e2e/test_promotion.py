"""`examples/promotion` on the real engine, with its state in Azure Storage: dev, then staging, then prod.

The state lives in an `azblob://` container served by Azurite (npm `azurite`, installed once by
`tests/azurite/provide`, started with `--disableTelemetry`, ended and waited for by the test). Staging and prod
take the release from the stack before them through stack references, which read that stack's state from the
container.

- The README's "Try it offline" recipe runs as written (its servers on free ports of the test's own, and the
  project's virtualenv being this test run's): each stack's `up`, then `preview --expect-no-changes`, the
  promotion, the destroys; the emulator's file then holds no resource of the example.
- The example's own script runs as a user runs it (`python promote.py ...`), through the Automation API, against
  one emulator in which each stack has its own workspace (as each environment has in Azure): a release change that
  updates in place reaches all three stacks in order and leaves each one's size as it was; an environment setting
  (`maxNodes`) is refused before anything runs; a change that would replace the cluster stops at dev with the
  reason, and the emulator shows that nothing was sent to any workspace and that staging and prod were never
  looked at.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import REPOSITORY, Cli, Project
from support import azurite
from support.emulator_queries import resource, touching, writes

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

EXAMPLE = REPOSITORY / "examples" / "promotion"
PROJECT = "azureml-promotion"
STACKS = ("dev", "staging", "prod")
SIZES = {"dev": 2, "staging": 4, "prod": 10}
EXIT_BAD_ARGUMENTS = 2
EXIT_REFUSED = 3


@pytest.fixture(scope="module")
def azurite_bin() -> Path:
    try:
        return azurite.provide()
    except azurite.AzuriteUnavailable as error:
        pytest.skip(f"no npm to install Azurite (the Azure Storage emulator) with: {error}")


@pytest.fixture(scope="module")
def storage(azurite_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[azurite.Server]:
    """One Azurite for this module's tests (each test has a container of its own); ended after them."""
    with azurite.running_azurite(azurite_bin, tmp_path_factory.mktemp("azurite")) as server:
        yield server
    assert server.process.returncode is not None, "Azurite did not end"


@pytest.fixture
def state_cli(cli: Cli, storage: azurite.Server, request: pytest.FixtureRequest) -> Cli:
    """The CLI logged in (by environment) to a fresh container of the module's Azurite."""
    container = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:60]
    azurite.create_container(storage.url, container)
    cli.extra_environment.update(
        {"PULUMI_BACKEND_URL": azurite.backend_url(storage.url, container), **azurite.environment()}
    )
    return cli


def offline_recipe() -> list[str]:
    """The commands of the README's "Try it offline" block, one per `&&`-separated part, comments dropped."""
    text = (EXAMPLE / "README.md").read_text()
    section = text[text.index("## Try it offline") :]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the offline section of examples/promotion/README.md has no bash block"
    commands: list[str] = []
    for line in block.group(1).splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            commands.extend(part.strip() for part in line.split("&&"))
    return commands


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def exported(command: str, environment: dict[str, str], cwd: Path) -> dict[str, str]:
    """The environment after an `export` line, as bash expands it."""
    completed = subprocess.run(
        ["bash", "-c", f"{command} && env -0"], cwd=cwd, env=environment, capture_output=True, check=True
    )
    return dict(entry.split("=", 1) for entry in completed.stdout.decode().split("\0") if "=" in entry)


def test_the_offline_recipe_promotes_through_three_stacks_on_azurite_state(
    tmp_path: Path, cli: Cli, azurite_bin: Path
) -> None:
    commands = offline_recipe()
    assert commands[0].startswith("python3 -m venv venv"), commands[0]
    assert commands[-1].startswith("kill %1 %2"), commands[-1]
    # The recipe reaches the checkout as ../../tests: lay the copy out at the same depth.
    project = Project.from_program(tmp_path / "examples" / "promotion", EXAMPLE, PROJECT)
    (tmp_path / "tests").symlink_to(REPOSITORY / "tests")
    (project.directory / "venv").symlink_to(sys.prefix)
    # The recipe logs in itself; the passphrase is its own too.
    environment = {
        key: value
        for key, value in cli.environment().items()
        if key not in {"PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"}
    }
    servers: list[azurite.Server] = []
    outputs: dict[str, str] = {}
    try:
        for command in commands:
            if command.startswith(("python3 -m venv", "venv/bin/pip")):
                continue  # tests/e2e/test_installs.py runs the install; this run's virtualenv has the checkout
            if command.startswith("kill "):
                continue  # the servers are ended below, and waited for
            if command.startswith("export "):
                environment = exported(command, environment, project.directory)
                if "AZURITE_PORT" in command:
                    # Ports of the test's own: another run (or a developer's Azurite) may hold the recipe's.
                    environment.update(AZURITE_PORT=str(free_port()), EMULATOR_PORT=str(free_port()))
                continue
            if command.endswith("&"):
                servers.append(
                    azurite.start_server(
                        ["bash", "-c", f"exec {command[:-1].strip()}"], cwd=project.directory, env=environment
                    )
                )
                continue
            completed = subprocess.run(
                ["bash", "-c", command],
                cwd=project.directory,
                env=environment,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert completed.returncode == 0, (
                f"{command}\n--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
            )
            outputs[command] = completed.stdout
            if "promote.py" in command:
                assert "promoted to dev, staging, prod" in completed.stdout, completed.stdout
                with EmulatorServer(db_path=str(project.directory / "emulator.db")) as emulator:
                    for stack in STACKS:
                        cluster = resource(emulator, f"mlw-{stack}", "computes", "train")
                        endpoint = resource(emulator, f"mlw-{stack}", "batchEndpoints", "score")
                        assert cluster is not None and endpoint is not None, stack
                        # The release reached every stack; each kept its own size.
                        assert endpoint["properties"]["description"] == "nightly scoring", stack
                        assert cluster["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == SIZES[stack]
        assert len(servers) == 2, "the recipe starts the ARM emulator and Azurite"
        # The state is in the container: the three stacks' files, read by the stack references from there.
        blob_url = f"http://127.0.0.1:{environment['AZURITE_PORT']}"
        names = azurite.blob_names(blob_url, "state")
        for stack in STACKS:
            assert f".pulumi/stacks/{PROJECT}/{stack}.json" in names, names
        assert not [name for name in names if "/locks/" in name], f"a lock was left behind: {names}"
    finally:
        for server in servers:
            azurite.stop(server)
    assert all(server.process.returncode is not None for server in servers), "a server of the recipe did not end"

    with EmulatorServer(db_path=str(project.directory / "emulator.db")) as emulator:
        resources = emulator.state()["resources"]
    assert [entry["id"] for entry in resources if entry["kind"] in {"compute", "batchEndpoint"}] == []
    workspaces = sorted(entry["id"].rsplit("/", 1)[-1] for entry in resources if entry["kind"] == "workspace")
    assert workspaces == ["mlw-dev", "mlw-prod", "mlw-staging"], workspaces


def workspace_of(stack: str) -> str:
    return f"mlw-{stack}"


@pytest.fixture
def project(tmp_path: Path, state_cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]) -> Project:
    """The example with its three stack files, pointed at the emulator, each stack deployed once by `pulumi up`, in
    order (each later stack reads the release of the one before it)."""
    project = Project.from_program(tmp_path / "project", EXAMPLE, PROJECT)
    for stack in STACKS:
        emulator.ensure_workspace(
            emulator_config["azureml:subscriptionId"],
            emulator_config["azureml:resourceGroupName"],
            workspace_of(stack),
            "eastus",
        )
        project.write_stack_config(stack, {**emulator_config, "azureml:workspaceName": workspace_of(stack)})
        state_cli.run("stack", "init", stack, cwd=project.directory)
        state_cli.run("up", "--yes", "--non-interactive", "--skip-preview", "--stack", stack, cwd=project.directory)
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


def stack_files(project: Project) -> dict[str, str]:
    return {stack: (project.directory / f"Pulumi.{stack}.yaml").read_text() for stack in STACKS}


def test_a_release_change_is_promoted_through_every_stack_in_order_and_keeps_each_size(
    state_cli: Cli, emulator: EmulatorServer, project: Project
) -> None:
    completed = promote(
        state_cli, project, "--set", "endpointDescription=nightly scoring", "--set", "clusterDescription=nightly"
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "promoted to dev, staging, prod" in completed.stdout
    for stack in STACKS:
        cluster = resource(emulator, workspace_of(stack), "computes", "train")
        endpoint = resource(emulator, workspace_of(stack), "batchEndpoints", "score")
        assert cluster is not None and endpoint is not None, stack
        assert cluster["properties"]["description"] == "nightly", stack
        assert endpoint["properties"]["description"] == "nightly scoring", stack
        # Each environment keeps its own size (before the stack references, prod went from 10 nodes to 4).
        assert cluster["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == SIZES[stack], stack
        assert stack_file(project, stack)[f"{PROJECT}:maxNodes"] == str(SIZES[stack])
    # The release is set once, in dev's file; staging and prod take it through their stack references.
    assert stack_file(project, "dev")[f"{PROJECT}:endpointDescription"] == "nightly scoring"
    assert f"{PROJECT}:endpointDescription" not in stack_file(project, "prod")
    # Updated in place, one stack after the other: no delete, and dev's writes all come before staging's.
    sent = writes(emulator)
    assert sent and not [request for request in sent if request.startswith("DELETE")], sent
    order = [next(stack for stack in STACKS if f"/workspaces/{workspace_of(stack)}/" in request) for request in sent]
    assert order == sorted(order, key=STACKS.index), sent
    # Every stack's state matches what runs, so the next preview of any of them has nothing to do.
    preview = state_cli.run("preview", "--json", "--expect-no-changes", "--stack", "prod", cwd=project.directory)
    assert preview.json()["changeSummary"] == {"same": 3}


def test_an_environment_setting_is_not_promoted(state_cli: Cli, emulator: EmulatorServer, project: Project) -> None:
    # The README's first command once was `promote.py --set maxNodes=4`: prod (10 nodes) shrank to 4.
    files_before = stack_files(project)

    completed = promote(state_cli, project, "--set", "maxNodes=4")

    assert completed.returncode == EXIT_BAD_ARGUMENTS, completed.stdout + completed.stderr
    assert "azureml-promotion:maxNodes is not part of the release this program promotes" in completed.stderr
    assert "pulumi config set azureml-promotion:maxNodes VALUE --stack STACK" in completed.stderr, completed.stderr
    assert writes(emulator) == [] and stack_files(project) == files_before
    prod = resource(emulator, workspace_of("prod"), "computes", "train")
    assert prod is not None and prod["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == SIZES["prod"]


def test_a_change_that_replaces_the_cluster_stops_at_dev_and_leaves_the_others_alone(
    state_cli: Cli, emulator: EmulatorServer, project: Project
) -> None:
    files_before = stack_files(project)
    clusters_before = {stack: resource(emulator, workspace_of(stack), "computes", "train") for stack in STACKS}

    completed = promote(state_cli, project, "--set", "vmSize=STANDARD_DS4_V2", "--set", "clusterDescription=bigger")

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
    assert stack_files(project) == files_before
    state_cli.run("preview", "--expect-no-changes", "--stack", "dev", cwd=project.directory)


def test_a_named_resource_may_be_replaced_when_the_operator_allows_it(
    state_cli: Cli, emulator: EmulatorServer, project: Project
) -> None:
    completed = promote(
        state_cli, project, "--stacks", "dev", "--set", "vmSize=STANDARD_DS4_V2", "--allow-replace", "train"
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    cluster = resource(emulator, workspace_of("dev"), "computes", "train")
    assert cluster is not None and cluster["properties"]["properties"]["vmSize"] == "STANDARD_DS4_V2"
    sent = writes(emulator)
    assert any(request.startswith("DELETE") for request in sent) and touching(emulator, workspace_of("prod")) == []
    # Staging follows dev: going on without naming the cluster stops there, with dev already promoted.
    emulator.clear_requests_log()
    going_on = promote(state_cli, project, "--stacks", "staging,prod")
    assert going_on.returncode == EXIT_REFUSED, going_on.stdout + going_on.stderr
    assert "promotion stopped at stack 'staging'" in going_on.stderr, going_on.stderr
    assert "(nothing was applied; not promoted to prod)" in going_on.stderr, going_on.stderr
    assert writes(emulator) == []


def test_a_release_setting_on_a_following_stack_stops_with_status_1(
    state_cli: Cli, emulator: EmulatorServer, project: Project
) -> None:
    files_before = stack_files(project)

    completed = promote(state_cli, project, "--stacks", "staging,prod", "--set", "vmSize=STANDARD_DS4_V2")

    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "promotion stopped at stack 'staging': the preview failed" in completed.stderr, completed.stderr
    # The program's own rule reached the user: staging takes its release from dev.
    assert "takes its release from stack 'dev'" in completed.stderr, completed.stderr
    assert emulator.requests_log() == []
    assert stack_files(project) == files_before
