"""Fixtures of the e2e suite: the real Pulumi CLI (provided once per run) and a seeded emulator per test.

Where the CLI can be provided (a `pulumi` on PATH, or Go to build the pinned one), a test that cannot run fails.
The suite skips, with the reason printed, only on a machine with neither.

Every test ends every process it started (issue 23: a killed `pulumi up` left a language host and a provider host
running ten minutes later, poisoning the tests after it). The test process is made a child subreaper
(``PR_SET_CHILD_SUBREAPER``), so a process whose parent died (the CLI killed under its plugins, each in a process
group of its own) is re-parented to it instead of to init and stays findable; after each test, any descendant the
test left alive fails it, and is killed.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, provide_cli
from support.emulators import Placement, seeded_emulator, stack_config

PLACEMENT = Placement(
    subscription="00000000-0000-0000-0000-0000000000e2",
    resource_group="rg-e2e",
    workspace="mlw-e2e",
    location="eastus",
    token="e2e-static-token-value",
)


@pytest.fixture(scope="session")
def cli_directory() -> Path:
    directory, message = provide_cli()
    if directory is None:
        pytest.skip(f"no Pulumi CLI and no Go toolchain to build one: {message}")
    return directory


@pytest.fixture
def cli(cli_directory: Path, tmp_path: Path) -> Cli:
    return Cli(cli_directory, tmp_path / "pulumi")


@pytest.fixture
def emulator_clock() -> Callable[[], float]:
    """The emulator's clock; a test module holds its own where an operation must end when the test says so."""
    return time.time


@pytest.fixture
def emulator(emulator_clock: Callable[[], float]) -> Iterator[EmulatorServer]:
    with seeded_emulator(PLACEMENT, clock=emulator_clock) as server:
        yield server


@pytest.fixture
def emulator_config(emulator: EmulatorServer) -> dict[str, str]:
    return stack_config(emulator, PLACEMENT)


PR_SET_CHILD_SUBREAPER = 36
EXIT_GRACE_SECONDS = 30.0
"""How long a process the test started may take to finish exiting after the test (a CLI closes its plugins as
it exits; they are gone within milliseconds, but a loaded machine may be slow to schedule them). Not a measure:
a leaked process is still running long after it."""


def _become_subreaper() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _process_table() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, state) of every process."""
    table: dict[int, tuple[int, str]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        table[int(name)] = (int(fields[1]), fields[0])
    return table


def _descendants() -> dict[int, str]:
    """pid → state of every process below this one."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found: dict[int, str] = {}
    pending = list(children.get(os.getpid(), []))
    while pending:
        pid = pending.pop()
        if pid in found or pid not in table:
            continue
        found[pid] = table[pid][1]
        pending.extend(children.get(pid, []))
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()[:200]
    except OSError:
        return "?"


def _reap(pids: list[int]) -> None:
    """Collect the exit status of finished children (orphans re-parented here become this process's zombies)."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue


def _still_running(before: set[int]) -> dict[int, str]:
    current = _descendants()
    _reap([pid for pid, state in current.items() if state in ("Z", "X") and pid not in before])
    return {pid: state for pid, state in _descendants().items() if pid not in before and state not in ("Z", "X")}


@pytest.fixture(scope="session")
def subreaper() -> bool:
    """Whether orphaned descendants are re-parented to this process (Linux); elsewhere only live children count."""
    return _become_subreaper()


@pytest.fixture(autouse=True)
def no_process_left_behind(subreaper: bool) -> Iterator[None]:
    before = set(_descendants())
    yield
    deadline = time.monotonic() + EXIT_GRACE_SECONDS
    left = _still_running(before)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = _still_running(before)
    if not left:
        return
    described = [f"{pid} {_command_line(pid)}" for pid in sorted(left)]
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue
    time.sleep(0.1)
    _still_running(before)  # reaps the ones just killed
    pytest.fail(
        f"the test left {len(described)} process(es) running {EXIT_GRACE_SECONDS:g} s after it ended (now killed):\n"
        + "\n".join(described),
        pytrace=False,
    )
