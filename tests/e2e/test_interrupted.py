"""Interrupted runs with the real CLI: Ctrl-C, a killed `pulumi up`, a killed provider host; then what a user runs.

Each scenario interrupts `pulumi up` while a cluster's create is polling, then runs the commands the CLI itself
tells the user to run (and that docs/troubleshooting.md lists), and checks that the stack converges: one compute in
the emulator, one accepted PUT for it (no duplicate), a preview with no changes, no pending operation left in the
state, and a destroy that leaves nothing behind.

The create's operation ends when the test says so, not after some seconds (issue 23): the emulator runs on a clock
the test holds, so the interruption always lands while the create is still running, however slow a loaded machine
makes the CLI, and the operation then ends as Azure's would on its own. No wait here has a deadline of its own:
a wait ends when its condition holds or the command it waits for has exited; pytest's timeout guards a hang.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, Project, kill_session, session_members

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

PROGRAM = Path(__file__).parent / "programs" / "clusters"
OPERATION_SECONDS = 4.0
"""How long the create's operation runs on the emulator's clock (which moves only when the test moves it)."""


class HeldClock:
    """The emulator's clock: still until :meth:`advance`, so an operation ends exactly when the test lets it."""

    def __init__(self) -> None:
        self._now = time.time()
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[str]) -> None:
    """Wait until ``condition`` holds; fail at once (with its output) if ``process`` exits first."""
    while not condition():
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"pulumi exited ({process.returncode}) before {what}:\n{output}")
        time.sleep(0.05)


def read_until(process: subprocess.Popen[str], text: str) -> str:
    """What ``process`` printed up to the first line holding ``text``; fails if it ends without printing it."""
    assert process.stdout is not None
    seen = ""
    for line in process.stdout:
        seen += line
        if text in line:
            return seen
    raise AssertionError(f"pulumi ended without printing {text!r}:\n{seen}")


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
    for pid in session_members(session):
        try:
            if b"pulumi.dynamic" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found


@pytest.fixture
def emulator_clock() -> HeldClock:
    """The emulator's clock for this module (conftest's ``emulator`` runs on it)."""
    return HeldClock()


@pytest.fixture
def project(tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]) -> Project:
    emulator.configure(seconds_to_complete=OPERATION_SECONDS)
    project = Project.from_program(tmp_path / "clusters", PROGRAM, "azureml-clusters")
    project.write_stack_config("e2e", {**emulator_config, "count": "1", "azureml:pollIntervalSeconds": "0.25"})
    cli.run("stack", "init", "e2e", cwd=project.directory)
    emulator.clear_requests_log()
    return project


def up_while_polling(cli: Cli, project: Project, emulator: EmulatorServer) -> subprocess.Popen[str]:
    """`pulumi up`, started and left running while the cluster's create is being polled (the held clock keeps the
    operation running until the test advances it)."""
    process = cli.start("up", "--yes", cwd=project.directory)
    wait_for(lambda: polling_started(emulator), "the create started polling", process)
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


def test_ctrl_c_while_a_create_polls_lets_it_finish(
    cli: Cli, project: Project, emulator: EmulatorServer, emulator_clock: HeldClock
) -> None:
    process = up_while_polling(cli, project, emulator)
    process.send_signal(signal.SIGINT)
    # The create ends only once the engine has taken the Ctrl-C: it says so on its output.
    seen = read_until(process, "cancelling")
    emulator_clock.advance(OPERATION_SECONDS)
    output = seen + process.communicate()[0]
    # The engine's graceful cancel: in-flight steps finish, nothing new starts, the update reports canceled.
    assert "cancelling" in output, output
    assert "created" in output and "update canceled" in output, output
    assert process.returncode != 0
    cli.run("up", "--yes", "--expect-no-changes", cwd=project.directory)
    assert_converged(cli, project, emulator)


def test_killed_pulumi_up_recovers_with_the_commands_the_cli_names(
    cli: Cli, project: Project, emulator: EmulatorServer, emulator_clock: HeldClock
) -> None:
    process = up_while_polling(cli, project, emulator)
    # Everything the run started: the CLI, the language host, the program and the provider host (a cancelled CI
    # job). Not the CLI's process group: the CLI starts each plugin in a group of its own, so killing the group
    # killed the CLI alone and left the language host and the provider host running (issue 23); they share the
    # CLI's session.
    members = session_members(process.pid)
    assert len(members) >= 4, [Path(f"/proc/{pid}/cmdline").read_bytes()[:80] for pid in members]
    kill_session(process.pid)
    process.communicate()
    while session_members(process.pid):  # SIGKILL cannot be ignored; pytest's timeout guards the rest
        time.sleep(0.05)
    # Azure finishes the create on its own while nobody polls.
    emulator_clock.advance(OPERATION_SECONDS)

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
    cli: Cli, project: Project, emulator: EmulatorServer, emulator_clock: HeldClock
) -> None:
    process = up_while_polling(cli, project, emulator)
    hosts = provider_hosts(process.pid)
    assert len(hosts) == 1, hosts
    os.kill(hosts[0], signal.SIGKILL)
    output, _ = process.communicate()
    assert process.returncode != 0
    assert "cluster-a" in output and "error" in output, output
    emulator_clock.advance(OPERATION_SECONDS)  # Azure finishes the create on its own
    cli.run("up", "--yes", cwd=project.directory)
    assert_converged(cli, project, emulator)
