"""A resource that is busy: the one rule for "is its operation over", and writes that wait out a running one.

ARM refuses a write (409 Conflict) while the resource runs an operation; such an operation is typically one an
interrupted run started (the host was killed, or the token expired while polling). The next run must wait for it
rather than fail until someone cleans up by hand. Terminal states are :data:`polling.TERMINAL_STATES`, read with
:func:`polling.provisioning_state`: nothing else in the package spells them out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pulumi_azureml.arm.errors import ConflictError, NotFoundError, OperationFailedError
from pulumi_azureml.arm.polling import TERMINAL_STATES, UNSUCCESSFUL_STATES, provisioning_state

if TYPE_CHECKING:
    from pulumi_azureml.arm.client import ArmClient

_Result = TypeVar("_Result")


def is_busy(body: dict[str, Any]) -> bool:
    """The resource is still running an operation (its provisioningState is not terminal)."""
    return provisioning_state(body).lower() not in TERMINAL_STATES


def ended_badly(body: dict[str, Any]) -> bool:
    """Its last operation ended Failed or Canceled."""
    return provisioning_state(body).lower() in UNSUCCESSFUL_STATES


def wait_until_idle(
    client: ArmClient, path: str, current: dict[str, Any], *, api_version: str, action: str, timeout: float
) -> dict[str, Any]:
    """``current`` if its operation is over, else the resource once its running operation has ended."""
    if not is_busy(current):
        return current
    name = path.rsplit("/", 1)[-1]
    client.report(f"{action} {name}: waiting for its running operation ({provisioning_state(current)}) to end first")
    return client.wait_until_terminal(path, api_version=api_version, action=action, timeout=timeout)


def write_when_idle(
    client: ArmClient,
    path: str,
    send: Callable[[], _Result],
    *,
    api_version: str,
    action: str,
    timeout: float,
    done_if_gone: bool = False,
) -> _Result | None:
    """Send a write; if Azure refuses it (409) while the resource runs an operation, wait, then send it once more.

    The write was refused, not accepted, so sending it again is safe; a second conflict is reported as it is.
    ``done_if_gone``: for a delete, a resource that disappeared meanwhile (its earlier delete finished) is success.
    """
    try:
        return send()
    except ConflictError:
        if not _waited_out_running_operation(client, path, api_version=api_version, action=action, timeout=timeout):
            if done_if_gone:
                return None
            raise
    return send()


def _waited_out_running_operation(
    client: ArmClient, path: str, *, api_version: str, action: str, timeout: float
) -> bool:
    """Wait until the resource's running operation (if any) has ended; False when the resource is gone."""
    current = client.get_if_exists(path, api_version=api_version, action=action)
    if current is None:
        return False
    try:
        wait_until_idle(client, path, current, api_version=api_version, action=action, timeout=timeout)
    except NotFoundError:
        return False
    except OperationFailedError:
        pass  # that operation failed, not ours: ours is sent now and reports its own outcome
    return True
