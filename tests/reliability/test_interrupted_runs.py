"""Interrupted runs: the provider host killed at each point of a create and of a delete, then the next run.

Each interruption point is held open by an emulator latency fault; the test kills the host (SIGKILL, as a killed
CLI or a lost CI runner would) the moment the emulator has the held request, then lets the held request finish on
the server (its late effect is part of the scenario). The next ``pulumi up`` (or ``destroy``) must then converge
without manual clean-up: no orphan, no duplicate, no resource deleted and created again, and state matching the
emulator. It may take over what the interrupted run made only because that carries this stack's ownership tag; a
resource made outside the stack (no tag, or another stack's marker) is still refused with the adopt_existing
message, and nothing is written to it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.specs.common import OWNERSHIP_TAG

from harness import DeploymentError, HostError, Stack
from reliability.catalogue import WORKSPACE_PATH, Declared, cluster, endpoint
from reliability.conftest import arm_request, fast_client, wait_for_delayed_answers, wait_until
from reliability.host_programs import host_stack, program_of, state_entries
from reliability.invariants import creation_times, held_resources, seeded_ids, strict_problems

HOLD_SECONDS = 0.6
"""How long a latency fault holds the request the host is killed during."""

SUBJECTS: dict[str, tuple[str, Declared, str]] = {
    "Compute": ("cpu-cluster", cluster("cpu-cluster"), f"{WORKSPACE_PATH}/computes/cpu-cluster"),
    "BatchEndpoint": ("scoring", endpoint("scoring"), f"{WORKSPACE_PATH}/batchEndpoints/scoring"),
}


def glob_of(path: str) -> str:
    return "*" + path.split("/providers/Microsoft.MachineLearningServices", 1)[1]


def hold_rules(point: str, method: str, glob: str) -> list[dict[str, Any]]:
    """Fault rules that hold the request at ``point``: the kill happens while the last rule's request waits."""
    if point == "before-the-write":
        # The existence check before a create (nothing has been written yet).
        return [{"method": "GET", "path": glob, "operation": "request", "latency_seconds": HOLD_SECONDS, "times": 1}]
    if point == "write-in-flight":
        # The write reached the server; its answer never reached the host.
        return [{"method": method, "path": glob, "operation": "request", "latency_seconds": HOLD_SECONDS, "times": 1}]
    if point == "accepted":
        # The write was accepted; the host dies at its first poll.
        return [{"path": glob, "operation": "poll", "latency_seconds": HOLD_SECONDS, "times": 1}]
    if point == "polling":
        # Some polls went by; the host dies at the third.
        return [
            {"path": glob, "operation": "poll", "latency_seconds": 0, "times": 2},
            {"path": glob, "operation": "poll", "latency_seconds": HOLD_SECONDS, "times": 1},
        ]
    raise ValueError(point)


def matched(emulator: EmulatorServer, rule_id: str) -> bool:
    return any(rule["id"] == rule_id and rule["matched"] for rule in emulator.faults())


def run_and_kill(stack: Stack, emulator: EmulatorServer, verb: str, program: Any, rules: list[dict[str, Any]]) -> None:
    """Run ``verb``, kill its host while the last rule holds a request, and let the held request finish."""
    # Operations take a few polls, so the one the killed run started is still running when the next run comes.
    emulator.configure(polls_to_complete=8)
    added = [emulator.add_fault(**rule) for rule in rules]
    run = stack.run_in_background(verb, program)
    host = run.wait_for_host()
    assert wait_until(lambda: matched(emulator, added[-1]["id"]), timeout=30), "the held request never came"
    host.kill()
    with pytest.raises((HostError, DeploymentError)) as raised:
        run.result(timeout=30)
    error = raised.value if isinstance(raised.value, HostError) else raised.value.__cause__
    assert not isinstance(error, HostError) or error.host_gone, f"not an interruption: {raised.value}"
    wait_for_delayed_answers(emulator)
    emulator.clear_faults()
    emulator.configure(polls_to_complete=1)


def check_strict(
    stack: Stack,
    emulator: EmulatorServer,
    program: dict[str, Declared],
    make_provider: Callable[[str], AzureMLProvider],
    seeded: frozenset[str],
) -> None:
    names, entries = state_entries(stack)
    problems = strict_problems(emulator, entries, program, names, make_provider, seeded=seeded)
    assert not problems, "; ".join(problems)


CREATE_POINTS = ("before-the-write", "write-in-flight", "accepted", "polling")
DELETE_POINTS = ("write-in-flight", "accepted", "polling")
ALL_CASES = [
    (kind, operation, point)
    for kind in SUBJECTS
    for operation, points in (("create", CREATE_POINTS), ("delete", DELETE_POINTS))
    for point in points
]
DEFAULT_CASES = [
    *[("Compute", "create", point) for point in CREATE_POINTS],
    ("Compute", "delete", "polling"),
    ("BatchEndpoint", "create", "accepted"),
    ("BatchEndpoint", "delete", "write-in-flight"),
]
SLOW_CASES = [case for case in ALL_CASES if case not in DEFAULT_CASES]


def interrupted_then_converges(
    tmp_path: Path,
    emulator: EmulatorServer,
    make_provider: Callable[[str], AzureMLProvider],
    kind: str,
    operation: str,
    point: str,
) -> None:
    name, declared, path = SUBJECTS[kind]
    program = {name: declared}
    stack = host_stack(tmp_path, emulator)
    seeded = seeded_ids(emulator)
    if operation == "create":
        run_and_kill(stack, emulator, "up", program_of(program), hold_rules(point, "PUT", glob_of(path)))
        leftover = creation_times(emulator, seeded)
        if point == "before-the-write":
            assert leftover == {}, "nothing was written before the kill"
        else:
            # The interrupted run's resource exists, carries this stack's marker, and is not in state.
            assert list(leftover) == [path.lower()]
            body = arm_request(emulator, "GET", path).json()
            assert body["tags"][OWNERSHIP_TAG] == f"reliability/dev/{name}"
            assert stack.state().resources == [] or all(not r.is_dynamic for r in stack.state().resources)
        again = stack.up(program_of(program))
        assert again.op(name) == "create"
        assert any("interrupted while creating" in warning for warning in again.warnings)
        if point != "before-the-write":
            assert "waiting for its running operation (Creating) to end first" in again.host_output, again.host_output
        check_strict(stack, emulator, program, make_provider, seeded)
        for identifier, created in creation_times(emulator, seeded).items():
            if identifier in leftover:
                assert created == leftover[identifier], "the next run deleted and re-created the resource"
        stack.destroy()
    else:
        stack.up(program_of(program))
        run_and_kill(stack, emulator, "destroy", None, hold_rules(point, "DELETE", glob_of(path)))
        names, _ = state_entries(stack)
        assert names == [name], "the interrupted delete keeps the resource in state"
        finished = stack.destroy()
        assert finished.op(name) == "delete"
        # The killed run's delete was still running: the next one waits for it instead of failing with a 409.
        assert "waiting for its running operation (Deleting) to end" in finished.host_output, finished.host_output
    assert held_resources(emulator, seeded) == {}, "left behind"


@pytest.mark.timeout(90)
@pytest.mark.parametrize(("kind", "operation", "point"), DEFAULT_CASES, ids=["-".join(case) for case in DEFAULT_CASES])
def test_interrupted_run_converges(
    tmp_path: Path,
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    kind: str,
    operation: str,
    point: str,
) -> None:
    install_client(fast_client(emulator))
    interrupted_then_converges(tmp_path, emulator, make_provider, kind, operation, point)


@pytest.mark.slow
@pytest.mark.timeout(90)
@pytest.mark.parametrize(("kind", "operation", "point"), SLOW_CASES, ids=["-".join(case) for case in SLOW_CASES])
def test_more_interrupted_runs_converge(
    tmp_path: Path,
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    kind: str,
    operation: str,
    point: str,
) -> None:
    install_client(fast_client(emulator))
    interrupted_then_converges(tmp_path, emulator, make_provider, kind, operation, point)


FOREIGN_BODY = {
    "properties": {
        "computeType": "AmlCompute",
        "properties": {"vmSize": "STANDARD_DS3_V2", "scaleSettings": {"maxNodeCount": 2, "minNodeCount": 0}},
    }
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("tags", [None, {OWNERSHIP_TAG: "someone-else/prod/cpu-cluster"}], ids=["untagged", "other"])
def test_a_resource_made_outside_the_stack_is_refused_not_adopted(
    tmp_path: Path, emulator: EmulatorServer, tags: dict[str, str] | None
) -> None:
    name, declared, path = SUBJECTS["Compute"]
    body = dict(FOREIGN_BODY, location="eastus", **({"tags": tags} if tags else {}))
    arm_request(emulator, "PUT", path, body).raise_for_status()
    arm_request(emulator, "GET", path).raise_for_status()  # let its creation finish
    before = arm_request(emulator, "GET", path).json()
    stack = host_stack(tmp_path, emulator)
    emulator.clear_requests_log()
    with pytest.raises((HostError, DeploymentError)) as raised:
        stack.up(program_of({name: declared}))
    text = str(raised.value) + str(getattr(raised.value, "details", "")) + str(raised.value.__cause__ or "")
    assert "already exists and this stack did not create it" in text
    assert "adopt_existing=True" in text
    assert [entry["method"] for entry in emulator.requests_log() if entry["method"] != "GET"] == []
    assert arm_request(emulator, "GET", path).json() == before, "the foreign resource was changed"
    names, _ = state_entries(stack)
    assert names == []
    # Taking it over is an explicit decision.
    adopted = stack.up(program_of({name: Declared(declared.kind, {**declared.inputs, "adopt_existing": True})}))
    assert adopted.op(name) == "create"
    assert arm_request(emulator, "GET", path).json()["tags"][OWNERSHIP_TAG] == f"reliability/dev/{name}"
    stack.destroy()
