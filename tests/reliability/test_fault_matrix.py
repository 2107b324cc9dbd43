"""Fault matrix: every resource kind × every operation × every fault, through the provider objects (fast).

A cell sets the program up, aims one fault at the operation's own request (or makes its operation end
``Failed``/``Canceled``, or expires the token mid-operation), runs the operation, and then checks:

- the outcome: a transient fault converges (retries) with nothing for the next run to do; a permanent one fails with
  an :class:`AzureMLError` that carries the service's error code and message;
- right away: no orphan, no duplicate, every state entry still exists (weak invariants);
- an accepted write is never sent twice (only a read timeout, whose request the server still runs, may add one);
- after the next run (no fault): state matches the emulator and the program exactly, and no resource that existed
  across the recovery was deleted and created again (strict invariants);
- after destroy: the emulator holds nothing but the seeded resource group and workspace.

The default run covers every fault, every operation and every kind at least once (a rotating selection); the full
matrix runs under ``-m slow``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pulumi_azureml.arm.auth import StaticTokenSource
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider

from reliability.catalogue import Declared, KindCase, all_cases
from reliability.conftest import (
    READ_TIMEOUT_SECONDS,
    TOKENS,
    ExpiringSession,
    RotatingCredential,
    arm_request,
    credential_token_source,
    fast_client,
    wait_for_delayed_answers,
)
from reliability.faults import FAULTS, FAULTS_BY_NAME, OPERATIONS, Fault, is_poll, programs
from reliability.inprocess_engine import Entry, InProcessEngine
from reliability.invariants import creation_times, held_resources, seeded_ids, strict_problems, weak_problems

CASES = {case.kind: case for case in all_cases()}


class Cell:
    """Runs one cell against a fresh emulator; every assertion names the cell."""

    def __init__(
        self,
        emulator: EmulatorServer,
        install_client: Callable[[Any], None],
        make_provider: Callable[[str], AzureMLProvider],
        case: KindCase,
        operation: str,
        fault: Fault,
    ) -> None:
        self.emulator = emulator
        self.install_client = install_client
        self.case = case
        self.operation = operation
        self.fault = fault
        self.label = f"[{case.kind} × {operation} × {fault.name}]"
        self.session = ExpiringSession(emulator)
        self.credential = RotatingCredential()
        if fault.name == "token-expires-refreshable":
            source: Any = credential_token_source(self.credential)
        else:
            source = StaticTokenSource(TOKENS[0])
        self.install_client(fast_client(emulator, source, session=self.session, read_timeout=READ_TIMEOUT_SECONDS))
        self.engine = InProcessEngine(make_provider)
        self.make_provider = make_provider
        self.seeded = seeded_ids(emulator)

    def check(self, problems: list[str], when: str) -> None:
        assert not problems, f"{self.label} {when}: " + "; ".join(problems)

    def strict(self, program: dict[str, Declared], when: str) -> None:
        names = list(self.engine.state)
        entries: list[Entry] = [self.engine.state[name] for name in names]
        self.check(
            strict_problems(self.emulator, entries, program, names, self.make_provider, seeded=self.seeded), when
        )
        assert not self.engine.pending_deletes, f"{self.label} {when}: replaced resources were not deleted"

    def run(self) -> None:
        before, after = programs(self.case, self.operation)
        self.engine.up(before)
        self.strict(before, "after set-up")
        existing_before = creation_times(self.emulator, self.seeded)
        self.emulator.clear_requests_log()

        self.inject()
        error: AzureMLError | None = None
        try:
            if self.operation == "refresh":
                self.engine.refresh()
            else:
                self.engine.up(after)
        except AzureMLError as raised:
            error = raised
        wait_for_delayed_answers(self.emulator)
        self.emulator.clear_faults()

        converges = self.fault.converges or (
            "lro_status" in self.fault.rule
            and (self.operation == "refresh" or self.operation in self.case.synchronous_operations)
        )
        if self.fault.name.startswith("token-expires"):
            assert self.session.fired, f"{self.label}: the token never expired (no matching request)"
        if converges:
            assert error is None, f"{self.label}: expected to converge, got {error}"
        else:
            assert error is not None, f"{self.label}: expected a clear failure, but the operation succeeded"
            message = str(error)
            for text in self.fault.expected_text:
                assert text.lower() in message.lower(), f"{self.label}: {text!r} missing from: {message}"
        self.check(
            weak_problems(self.emulator, self.engine.entries(), after, seeded=self.seeded), "right after the fault"
        )
        self.check_writes_not_repeated()
        after_fault = creation_times(self.emulator, self.seeded)

        self.recover(after, converged=error is None)
        after_recovery = creation_times(self.emulator, self.seeded)
        if self.operation != "replace":
            for identifier, created in after_recovery.items():
                for earlier in (existing_before, after_fault):
                    if identifier in earlier and earlier[identifier] != created:
                        pytest.fail(f"{self.label}: {identifier} was deleted and created again")

        self.engine.destroy()
        leaks = held_resources(self.emulator, self.seeded)
        assert not leaks, f"{self.label}: left behind after destroy: {sorted(leaks)}"

    def inject(self) -> None:
        method, glob = self.case.targets[self.operation]
        if self.fault.name.startswith("token-expires"):
            if self.operation == "refresh":
                self.session.arm(lambda verb, url: verb.upper() == "GET")
            elif self.operation in self.case.synchronous_operations:
                self.session.arm(lambda verb, url: verb.upper() == method)
            else:
                # The first poll: the write was accepted, the operation runs, and then the token expires.
                self.session.arm(is_poll)
            return
        if "lro_status" in self.fault.rule and self.operation in self.case.synchronous_operations:
            # Nothing to end Failed: the rule is installed anyway, and the write must simply succeed.
            self.emulator.add_fault(method=method, path=glob, operation="request", **self.fault.rule)
            return
        if self.operation == "refresh" and "lro_status" in self.fault.rule:
            # A GET starts no operation: instead the resource's last operation (an out-of-band write) ends badly.
            touch_method, touch_path, touch_body = self.case.touch
            self.emulator.add_fault(method=touch_method, path=glob, **self.fault.rule, times=1)
            response = arm_request(self.emulator, touch_method, touch_path, touch_body)
            assert response.status_code < 300, f"{self.label}: out-of-band write refused: {response.text}"
            self.emulator.clear_faults()
            return
        self.emulator.add_fault(method=method, path=glob, operation="request", **self.fault.rule)

    def check_writes_not_repeated(self) -> None:
        """An accepted write (2xx) is only polled afterwards, never sent again."""
        method, glob = self.case.targets[self.operation]
        if method == "GET":
            return
        suffix = glob.lstrip("*").lower()
        accepted = [
            entry
            for entry in self.emulator.requests_log()
            if entry["method"] == method
            and str(entry["path"]).lower().endswith(suffix)
            and entry["status"] is not None
            and 200 <= int(entry["status"]) < 300
        ]
        allowed = 1
        if self.fault.name == "read-timeout":
            allowed += 1  # the timed-out request still ran on the server: at-least-once, as over any network
        if self.case.kind == "BatchEndpointDefaultDeployment" and self.operation == "replace":
            allowed += 1  # the new endpoint's PUT, then the old endpoint's clearing PUT are different resources
        assert len(accepted) <= allowed, f"{self.label}: {len(accepted)} accepted {method}s: {accepted}"

    def recover(self, after: dict[str, Declared], *, converged: bool) -> None:
        """The next run, without faults (a static token that expired is replaced, as a user would)."""
        if self.fault.name == "token-expires-static":
            self.install_client(fast_client(self.emulator, StaticTokenSource(TOKENS[1])))
        touched = "lro_status" in self.fault.rule and self.operation not in self.case.synchronous_operations
        if self.operation == "refresh" and touched:
            subject = self.engine.state[self.case.subject]
            state_now = subject.outputs.get("provisioning_state")
            if self.case.kind != "BatchEndpointDefaultDeployment":
                assert state_now in ("Failed", "Canceled"), f"{self.label}: refresh reported {state_now}"
            # The service recovers on the next write; refresh then reports it healthy again.
            touch_method, touch_path, touch_body = self.case.touch
            arm_request(self.emulator, touch_method, touch_path, touch_body).raise_for_status()
            self.engine.refresh()
        self.emulator.clear_requests_log()
        if self.operation == "refresh":
            self.engine.refresh()
        self.engine.up(after)
        if converged and self.operation != "refresh":
            writes = [e for e in self.emulator.requests_log() if e["method"] != "GET"]
            assert not writes, f"{self.label}: the operation converged, yet the next run still wrote: {writes}"
        self.strict(after, "after the next run")


def default_selection() -> list[tuple[str, str, str]]:
    """A rotating third of the matrix: every (kind, operation) pair with 3-4 faults, every fault with every op."""
    selected: list[tuple[str, str, str]] = []
    kinds = list(CASES)
    for kind_index, kind in enumerate(kinds):
        for operation_index, operation in enumerate(OPERATIONS):
            for offset in range(0, len(FAULTS), len(kinds)):
                fault = FAULTS[(kind_index + operation_index + offset) % len(FAULTS)]
                selected.append((kind, operation, fault.name))
    return selected


def full_matrix() -> list[tuple[str, str, str]]:
    return [(kind, operation, fault.name) for kind in CASES for operation in OPERATIONS for fault in FAULTS]


DEFAULT_CELLS = default_selection()
SLOW_CELLS = [cell for cell in full_matrix() if cell not in set(DEFAULT_CELLS)]


def run_cell(
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    kind: str,
    operation: str,
    fault: str,
) -> None:
    Cell(emulator, install_client, make_provider, CASES[kind], operation, FAULTS_BY_NAME[fault]).run()


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("kind", "operation", "fault"), DEFAULT_CELLS, ids=["-".join(cell) for cell in DEFAULT_CELLS])
def test_fault_cell(
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    kind: str,
    operation: str,
    fault: str,
) -> None:
    run_cell(emulator, install_client, make_provider, kind, operation, fault)


@pytest.mark.slow
@pytest.mark.timeout(30)
@pytest.mark.parametrize(("kind", "operation", "fault"), SLOW_CELLS, ids=["-".join(cell) for cell in SLOW_CELLS])
def test_fault_cell_rest_of_matrix(
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    kind: str,
    operation: str,
    fault: str,
) -> None:
    run_cell(emulator, install_client, make_provider, kind, operation, fault)


def test_default_selection_covers_every_fault_operation_and_kind() -> None:
    assert {fault for _, _, fault in DEFAULT_CELLS} == set(FAULTS_BY_NAME)
    assert {operation for _, operation, _ in DEFAULT_CELLS} == set(OPERATIONS)
    assert {kind for kind, _, _ in DEFAULT_CELLS} == set(CASES)
    assert len(DEFAULT_CELLS) + len(SLOW_CELLS) == len(CASES) * len(OPERATIONS) * len(FAULTS)
