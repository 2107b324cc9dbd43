"""A representative subset of the fault matrix through the Pulumi SDK's own dynamic-provider host.

Same cells and checks as ``test_fault_matrix.py``, but each operation is a harness ``up``/``refresh`` of a real
program: the host unpickles ``__provider``, builds its client from stack config (default retry policy; every injected
throttle carries ``Retry-After: 0``), and reports provider errors as gRPC errors whose details carry the message.
The read-timeout column is left to the provider-level matrix: the host's read timeout is 120 s.

The token expiring mid-run: a latency fault holds the operation's first poll, and the test expires the stack's
static token while it is held; the next request is refused, the client refreshes once (a static token cannot
change), and the run fails with the service's 401. The next run has a fresh token and takes over what the failed
run left, recognising it by the ownership tag.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.arm.auth import StaticTokenSource
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider

from harness import DeploymentError, HostError, Stack
from reliability.catalogue import all_cases
from reliability.conftest import TOKEN, TOKENS, arm_request, fast_client, stack_config, wait_until
from reliability.faults import FAULTS_BY_NAME, Fault, programs
from reliability.host_programs import host_stack, program_of, state_entries
from reliability.invariants import held_resources, seeded_ids, strict_problems, weak_problems

CASES = {case.kind: case for case in all_cases()}
CHECKING_TOKEN = TOKENS[-1]
"""The invariant checks' own token, never expired by a cell."""

DEFAULT_CELLS = [
    ("Compute", "create", "429"),
    ("Compute", "update", "503"),
    ("Compute", "delete", "409-another-operation"),
    ("Compute", "create", "token-expires-static"),
    ("BatchEndpoint", "create", "operation-failed"),
    ("BatchEndpoint", "refresh", "500-persistent"),
    ("BatchDeployment", "replace", "dropped-connection"),
    ("BatchEndpointDefaultDeployment", "update", "500"),
]
SLOW_CELLS = [
    ("Compute", "replace", "operation-canceled"),
    ("Compute", "refresh", "dropped-connection"),
    ("BatchEndpoint", "update", "409-another-operation"),
    ("BatchEndpoint", "delete", "operation-failed"),
    ("BatchDeployment", "create", "token-expires-static"),
    ("BatchDeployment", "delete", "503"),
    ("BatchEndpointDefaultDeployment", "create", "operation-canceled"),
    ("BatchEndpointDefaultDeployment", "delete", "429"),
]
if "Workspace" in CASES:
    SLOW_CELLS += [("Workspace", "create", "operation-failed"), ("Workspace", "update", "429")]
# Datastores and environment versions (issue 17).
DEFAULT_CELLS += [("Datastore", "update", "503"), ("EnvironmentVersion", "replace", "dropped-connection")]
SLOW_CELLS += [("Datastore", "create", "500-persistent"), ("EnvironmentVersion", "delete", "429")]


def host_failure_text(error: BaseException) -> str:
    """The provider's message as the engine reports it (the host sends the traceback in the gRPC details)."""
    if isinstance(error, HostError):
        return str(error.details)
    cause = error.__cause__ or error.__context__
    return f"{error} {host_failure_text(cause) if cause is not None else ''}"


class HostCell:
    def __init__(
        self,
        tmp_path: Path,
        emulator: EmulatorServer,
        make_provider: Callable[[str], AzureMLProvider],
        kind: str,
        operation: str,
        fault: Fault,
    ) -> None:
        self.tmp_path = tmp_path
        self.emulator = emulator
        self.make_provider = make_provider
        self.case = CASES[kind]
        self.operation = operation
        self.fault = fault
        self.label = f"[host: {kind} × {operation} × {fault.name}]"
        self.stack = host_stack(tmp_path, emulator)
        self.seeded = seeded_ids(emulator)

    def strict(self, program: dict[str, Any], when: str) -> None:
        names, entries = state_entries(self.stack)
        problems = strict_problems(self.emulator, entries, program, names, self.make_provider, seeded=self.seeded)
        assert not problems, f"{self.label} {when}: " + "; ".join(problems)

    def run(self) -> None:
        before, after = programs(self.case, self.operation)
        self.stack.up(program_of(before))
        self.strict(before, "after set-up")
        expiry = self.inject()
        error: BaseException | None = None
        try:
            if self.operation == "refresh":
                self.stack.refresh()
            else:
                self.stack.up(program_of(after))
        except (HostError, DeploymentError) as raised:
            error = raised
        if expiry is not None:
            expiry.join(10)
        self.emulator.clear_faults()

        converges = self.fault.converges or (self.operation == "refresh" and "lro_status" in self.fault.rule)
        if converges:
            assert error is None, f"{self.label}: expected to converge, got {error}"
        else:
            assert error is not None, f"{self.label}: expected a clear failure, but the run succeeded"
            text = host_failure_text(error)
            assert "AzureMLError" in text, f"{self.label}: not an AzureMLError: {text}"
            for expected in self.fault.expected_text:
                assert expected.lower() in text.lower(), f"{self.label}: {expected!r} missing from: {text}"
        names, entries = state_entries(self.stack)
        problems = weak_problems(self.emulator, entries, after, seeded=self.seeded)
        assert not problems, f"{self.label} right after the fault: " + "; ".join(problems)

        if self.fault.name == "token-expires-static":
            # The user runs again with a fresh token.
            self.stack = Stack(
                self.stack.state_path,
                stack_config(self.emulator, **{"azureml:accessToken": TOKENS[1]}),
                secret_config_keys=("azureml:accessToken",),
                project=self.stack.project,
                stack_name=self.stack.stack_name,
            )
        if self.operation == "refresh":
            self.stack.refresh()
        self.stack.up(program_of(after))
        self.strict(after, "after the next run")
        self.stack.destroy()
        leaks = held_resources(self.emulator, self.seeded)
        assert not leaks, f"{self.label}: left behind after destroy: {sorted(leaks)}"

    def inject(self) -> threading.Thread | None:
        method, glob = self.case.targets[self.operation]
        if self.fault.name == "token-expires-static":
            held = self.emulator.add_fault(operation="poll", latency_seconds=0.5, times=1)

            def expire_while_the_poll_is_held() -> None:
                if wait_until(lambda: any(r["id"] == held["id"] and r["matched"] for r in self.emulator.faults())):
                    self.emulator.expire_token(TOKEN)

            thread = threading.Thread(target=expire_while_the_poll_is_held, daemon=True)
            thread.start()
            return thread
        if self.operation == "refresh" and "lro_status" in self.fault.rule:
            touch_method, touch_path, touch_body = self.case.touch
            self.emulator.add_fault(method=touch_method, path=glob, **self.fault.rule, times=1)
            arm_request(self.emulator, touch_method, touch_path, touch_body).raise_for_status()
            self.emulator.clear_faults()
            return None
        self.emulator.add_fault(method=method, path=glob, operation="request", **self.fault.rule)
        return None


@pytest.fixture
def checking_provider(
    install_client: Callable[[Any], None], make_provider: Callable[[str], AzureMLProvider], emulator: EmulatorServer
) -> Callable[[str], AzureMLProvider]:
    """Providers for the invariant checks, in the test process, with a token no cell expires."""
    install_client(fast_client(emulator, StaticTokenSource(CHECKING_TOKEN)))
    return make_provider


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("kind", "operation", "fault"), DEFAULT_CELLS, ids=["-".join(cell) for cell in DEFAULT_CELLS])
def test_fault_cell_through_the_host(
    tmp_path: Path,
    emulator: EmulatorServer,
    checking_provider: Callable[[str], AzureMLProvider],
    kind: str,
    operation: str,
    fault: str,
) -> None:
    HostCell(tmp_path, emulator, checking_provider, kind, operation, FAULTS_BY_NAME[fault]).run()


@pytest.mark.slow
@pytest.mark.timeout(60)
@pytest.mark.parametrize(("kind", "operation", "fault"), SLOW_CELLS, ids=["-".join(cell) for cell in SLOW_CELLS])
def test_more_fault_cells_through_the_host(
    tmp_path: Path,
    emulator: EmulatorServer,
    checking_provider: Callable[[str], AzureMLProvider],
    kind: str,
    operation: str,
    fault: str,
) -> None:
    HostCell(tmp_path, emulator, checking_provider, kind, operation, FAULTS_BY_NAME[fault]).run()
