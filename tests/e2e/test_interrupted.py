"""Interrupted runs with the real CLI: Ctrl-C, a killed `pulumi up`, a killed provider host; then what a user runs.

Each scenario interrupts `pulumi up` while a cluster's create is polling (its operation takes a few seconds in the
emulator), then runs the commands the CLI itself tells the user to run (and that docs/troubleshooting.md
lists), and checks that the stack converges: one compute in the emulator, one accepted PUT for it (no duplicate),
a preview with no changes, no pending operation left in the state, and a destroy that leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, Project

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

PROGRAM = Path(__file__).parent / "programs" / "clusters"
OPERATION_SECONDS = 4.0
DEADLINE_SECONDS = 60.0


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def accepted_puts(emulator: EmulatorServer) -> int:
    return sum(
        1
        for entry in emulator.requests_log()
        if entry["method"] == "PUT" and "/computes/" in str(entry["path"]) and entry["status"] in (200, 201)
    )


def polling_started(emulator: EmulatorServer) -> bool:
    return accepted_puts(emulator) == 1 and any(
        "computeOperationsStatus" in str(entry["path"]) or "operation" in str(entry["path"]).lower()
        for entry in emulator.requests_log()
        if entry["method"] == "GET"
    )


def provider_hosts(session: int) -> list[int]:
    """Pids of `python -m pulumi.dynamic` processes started under the CLI's session."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            command = Path(f"/proc/{name}/cmdline").read_bytes()
            if b"pulumi.dynamic" in command and os.getsid(int(name)) == session:
                found.append(int(name))
        except (OSError, ProcessLookupError):
            continue
    return found


@pytest.fixture
def project(tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]) -> Project:
    emulator.configure(seconds_to_complete=OPERATION_SECONDS)
    project = Project.from_program(tmp_path / "clusters", PROGRAM, "azureml-clusters")
    project.write_stack_config("e2e", {**emulator_config, "count": "1", "azureml:pollIntervalSeconds": "0.25"})
    cli.run("stack", "init", "e2e", cwd=project.directory)
    emulator.clear_requests_log()
    return project


def up_while_polling(cli: Cli, project: Project, emulator: EmulatorServer) -> subprocess.Popen[str]:
    """`pulumi up`, started and left running until the cluster's create is being polled."""
    process = cli.start("up", "--yes", cwd=project.directory)
    wait_for(lambda: polling_started(emulator), "the create to start polling")
    return process


def pending_operations(cli: Cli, project: Project) -> list[dict[str, object]]:
    deployment = json.loads(cli.run("stack", "export", cwd=project.directory).stdout)["deployment"]
    return list(deployment.get("pending_operations") or [])


def assert_converged(cli: Cli, project: Project, emulator: EmulatorServer) -> None:
    cli.run("preview", "--expect-no-changes", cwd=project.directory)
    computes = [entry for entry in emulator.state()["resources"] if entry["kind"] == "compute"]
    assert [entry["id"].rsplit("/", 1)[-1] for entry in computes] == ["cluster-a"]
    assert accepted_puts(emulator) == 1, "the interrupted create was sent twice"
    assert pending_operations(cli, project) == []
    emulator.configure(seconds_to_complete=None)
    cli.run("destroy", "--yes", cwd=project.directory)
    assert [entry for entry in emulator.state()["resources"] if entry["kind"] == "compute"] == []


def test_ctrl_c_while_a_create_polls_lets_it_finish(cli: Cli, project: Project, emulator: EmulatorServer) -> None:
    process = up_while_polling(cli, project, emulator)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=DEADLINE_SECONDS)
    # The engine's graceful cancel: in-flight steps finish, nothing new starts, the update reports canceled.
    assert "cancelling" in output, output
    assert "created" in output and "update canceled" in output, output
    assert process.returncode != 0
    cli.run("up", "--yes", "--expect-no-changes", cwd=project.directory)
    assert_converged(cli, project, emulator)


def test_killed_pulumi_up_recovers_with_the_commands_the_cli_names(
    cli: Cli, project: Project, emulator: EmulatorServer
) -> None:
    process = up_while_polling(cli, project, emulator)
    # The whole process group: the CLI, the language host, the program and the provider host (a closed terminal,
    # a cancelled CI job).
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=DEADLINE_SECONDS)

    locked = cli.run("up", "--yes", cwd=project.directory, check=False)
    assert locked.returncode != 0
    assert "pulumi cancel" in locked.output, locked.output
    cli.run("cancel", "--yes", cwd=project.directory)

    # The CLI now warns of a pending create and says that clearing it takes a refresh; non-interactively that is
    # --clear-pending-creates. The compute the killed run created carries this stack's ownership tag, so the
    # next up takes it over instead of failing on an existing name or creating it twice.
    pending = pending_operations(cli, project)
    assert [(entry["type"], str(entry["resource"]["urn"]).rsplit("::", 1)[-1]) for entry in pending] == [  # type: ignore[index]
        ("creating", "cluster-a")
    ]
    cli.run("refresh", "--yes", "--clear-pending-creates", cwd=project.directory)
    assert pending_operations(cli, project) == []
    up = cli.run("up", "--yes", cwd=project.directory)
    assert "pending operations" not in up.output, up.output
    assert_converged(cli, project, emulator)


def test_killed_provider_host_fails_the_step_and_the_next_up_converges(
    cli: Cli, project: Project, emulator: EmulatorServer
) -> None:
    process = up_while_polling(cli, project, emulator)
    hosts = provider_hosts(process.pid)
    assert len(hosts) == 1, hosts
    os.kill(hosts[0], signal.SIGKILL)
    output, _ = process.communicate(timeout=DEADLINE_SECONDS)
    assert process.returncode != 0
    assert "cluster-a" in output and "error" in output, output
    cli.run("up", "--yes", cwd=project.directory)
    assert_converged(cli, project, emulator)
