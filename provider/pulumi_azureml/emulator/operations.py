"""Long-running operations: start one, advance it per poll or per second, and describe it to pollers.

ARM async contract: an accepted write leaves the resource in a non-terminal
``provisioningState`` and hands out an ``Azure-AsyncOperation`` status URL (answers 200 with a ``status``)
and/or a ``Location`` result URL (answers 202 while running, then the result). Here an operation records
*at start* how it will end and which fields of the resource change when it does; completing it only applies
that recorded change. The operation therefore needs no per-resource callbacks and survives in the SQLite
store across restarts and processes.

An operation completes on its ``polls_to_complete``-th observation (a GET of its status URL, its result URL,
or the resource itself), or, when ``seconds_to_complete`` is set, once that much time has passed. Progress is
per poll by default so tests never sleep.
"""

from __future__ import annotations

import dataclasses
import math
import types
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import answers, answers_newer
from .context import HandlerContext, Outcome
from .messages import JsonObject
from .store import ResourceRecord, StoreTransaction
from .timestamps import dotnet_utc

PROVIDER_PATH = "/providers/Microsoft.MachineLearningServices"

STATUS_SEGMENTS = types.MappingProxyType(
    {"compute": "computeOperationsStatus", "mfe": "mfeOperationsStatus", "workspace": "workspaceOperationsStatus"}
)
"""Async status resource per operation family."""

RESULT_SEGMENTS = types.MappingProxyType(
    {"compute": "computeOperationResults", "mfe": "mfeOperationResults", "workspace": "workspaceOperationResults"}
)
"""Operation-result (Location) resource per family. Only ``mfeOperationResults`` is a registered type; the
other two names are this emulator's choice (the real shapes are unverified)."""

TERMINAL_STATUSES = frozenset({"Succeeded", "Failed", "Canceled"})

Change = tuple[list[str], Any]
"""A path inside the resource body and the value it takes when the operation ends."""


@dataclass
class Operation:
    """One long-running operation, as stored."""

    id: str
    family: str
    """``compute``, ``mfe``, ``workspace`` or ``resources`` (resource-group delete)."""
    subscription_id: str
    location: str
    resource_key: str
    resource_id: str
    action: str
    api_version: str
    status: str
    final_status: str
    error: JsonObject | None
    result_status: int
    polls: int
    polls_to_complete: int
    seconds_to_complete: float | None
    started_at: float
    ended_at: float | None
    changes: list[list[Any]]
    """``[path, value]`` pairs applied to the resource when the operation ends."""
    delete_resource: bool
    """On success the resource and everything under it disappear."""
    soft_delete: bool
    """On success the deleted workspace name stays blocked."""
    returns_resource: bool
    """On success the result URL answers 200 with the resource instead of an empty 200."""

    def to_json(self) -> JsonObject:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: JsonObject) -> Operation:
        return cls(**data)

    @property
    def running(self) -> bool:
        return self.status not in TERMINAL_STATUSES


def region_of(location: str) -> str:
    """ARM's normalised region name: ``East US 2`` → ``eastus2``."""
    return location.replace(" ", "").lower()


def decide_outcome(context: HandlerContext) -> Outcome:
    """How an operation started by this request ends: a fault rule's choice, else the emulator setting."""
    if context.forced_outcome is not None:
        return context.forced_outcome
    settings = context.settings
    status = settings.operation_final_status
    if status == "Succeeded":
        return Outcome("Succeeded")
    return Outcome(status, default_error(status, settings.operation_error_code, settings.operation_error_message))


def default_error(status: str, code: str | None, message: str | None) -> JsonObject:
    """The error of a failed or canceled operation; ARM requires one for both."""
    if status == "Canceled":
        return {
            "code": code or "OperationCanceled",
            "message": message or "The operation was canceled before it completed (emulated).",
        }
    return {
        "code": code or "InternalServerError",
        "message": message or "The operation failed because of an internal error in the service (emulated).",
    }


def start(
    transaction: StoreTransaction,
    context: HandlerContext,
    record: ResourceRecord,
    *,
    family: str,
    action: str,
    location: str,
    changes: Callable[[Outcome], list[Change]],
    delete_resource: bool = False,
    soft_delete: bool = False,
    returns_resource: bool = True,
    operation_id: str | None = None,
) -> Operation:
    """Store ``record`` with a new running operation on it and return the operation.

    ``changes`` receives the decided outcome and returns what the resource looks like when it ends, so a
    failure can fill ``provisioningErrors`` with the very error the status URL reports. ``operation_id``: an id
    chosen by the caller (online operations have a recorded shape, ``answers_newer.online_operation_id``).
    """
    outcome = decide_outcome(context)
    settings = context.settings
    operation = Operation(
        id=operation_id or str(uuid.uuid4()),
        family=family,
        subscription_id=context.params["subscriptionId"],
        location=region_of(location),
        resource_key=record.key,
        resource_id=record.id,
        action=action,
        api_version=context.api_version,
        status="InProgress",
        final_status=outcome.status,
        error=outcome.error,
        result_status=outcome.result_status,
        polls=0,
        polls_to_complete=settings.polls_to_complete,
        seconds_to_complete=settings.seconds_to_complete,
        started_at=context.now(),
        ended_at=None,
        changes=[[list(path), value] for path, value in changes(outcome)],
        # A delete that fails leaves the resource in place, marked Failed.
        delete_resource=delete_resource and outcome.status == "Succeeded",
        soft_delete=soft_delete,
        returns_resource=returns_resource,
    )
    record.pending_operation = operation.id
    transaction.put(record)
    if _due(operation, context.now()):
        _complete(transaction, operation, context.now())
    else:
        transaction.put_operation(operation.id, operation.to_json())
    return operation


def load(transaction: StoreTransaction, operation_id: str) -> Operation | None:
    """Read an operation without advancing it."""
    data = transaction.get_operation(operation_id)
    return None if data is None else Operation.from_json(data)


def observe(transaction: StoreTransaction, operation_id: str, *, now: float, count_poll: bool) -> Operation | None:
    """Look at an operation, counting the look as a poll when asked, and complete it when it is due."""
    operation = load(transaction, operation_id)
    if operation is None or not operation.running:
        return operation
    if count_poll:
        operation.polls += 1
    if _due(operation, now):
        _complete(transaction, operation, now)
    elif count_poll:
        transaction.put_operation(operation.id, operation.to_json())
    return operation


def observe_resource(
    transaction: StoreTransaction, record: ResourceRecord, *, now: float, count_poll: bool
) -> ResourceRecord | None:
    """Advance the operation running on ``record`` (if any) and return the resource as it now is."""
    if record.pending_operation is None:
        return record
    operation = observe(transaction, record.pending_operation, now=now, count_poll=count_poll)
    if operation is not None and operation.running:
        return record
    return transaction.get(record.key)


def _due(operation: Operation, now: float) -> bool:
    if operation.seconds_to_complete is not None:
        return now - operation.started_at >= operation.seconds_to_complete
    return operation.polls >= operation.polls_to_complete


def _complete(transaction: StoreTransaction, operation: Operation, now: float) -> None:
    operation.status = operation.final_status
    operation.ended_at = now
    transaction.put_operation(operation.id, operation.to_json())
    record = transaction.get(operation.resource_key)
    # The resource may have been deleted with its parent meanwhile; then there is nothing left to change.
    if record is None or record.pending_operation != operation.id:
        return
    record.pending_operation = None
    if operation.delete_resource:
        transaction.delete_tree(record.key)
        if operation.soft_delete:
            transaction.mark_soft_deleted(record.key, record.id)
        return
    for path, value in operation.changes:
        _set_path(record.body, path, value)
    transaction.put(record)


def _set_path(body: JsonObject, path: list[str], value: Any) -> None:
    target = body
    for name in path[:-1]:
        child = target.get(name)
        if not isinstance(child, dict):
            child = {}
            target[name] = child
        target = child
    target[path[-1]] = value


def status_path(operation: Operation) -> str:
    """Path of the Azure-AsyncOperation status resource."""
    return status_path_of(operation.family, operation.subscription_id, operation.location, operation.id)


def status_path_of(family: str, subscription_id: str, location: str, operation_id: str) -> str:
    """Path of an Azure-AsyncOperation status resource, known before its operation starts."""
    segment = STATUS_SEGMENTS[family]
    return f"/subscriptions/{subscription_id}{PROVIDER_PATH}/locations/{region_of(location)}/{segment}/{operation_id}"


def status_url(base_url: str, operation: Operation) -> str:
    """Absolute Azure-AsyncOperation URL (the RPC requires absolute URIs)."""
    return f"{base_url}{status_path(operation)}?api-version={operation.api_version}"


def status_url_of(context: HandlerContext, family: str, location: str, operation_id: str) -> str:
    """The absolute status URL :func:`start` will hand out for ``operation_id`` started by this request."""
    path = status_path_of(family, context.params["subscriptionId"], location, operation_id)
    return f"{context.base_url}{path}?api-version={context.api_version}"


def result_url(base_url: str, operation: Operation) -> str:
    """Absolute Location (operation-result) URL."""
    if operation.family == "resources":
        # Resource-group deletes answer with ARM's own operation results.
        path = f"/subscriptions/{operation.subscription_id}/operationresults/{operation.id}"
    else:
        segment = RESULT_SEGMENTS[operation.family]
        path = (
            f"/subscriptions/{operation.subscription_id}{PROVIDER_PATH}/locations/{operation.location}/"
            f"{segment}/{operation.id}"
        )
    return f"{base_url}{path}?api-version={operation.api_version}"


def status_body(operation: Operation) -> JsonObject:
    """What a status URL answers with 200: Azure ML's recorded shapes per family (``answers.operation_status``);
    ARM's full ``OperationStatusResult`` (common-types v3) for resource-group operations."""
    if operation.family == "mfe" and answers_newer.is_online_operation(operation.id):
        return answers_newer.online_operation_status(
            status_id=status_path(operation),
            name=operation.id,
            status=operation.status,
            running=operation.running,
            started_at=operation.started_at,
            ended_at=operation.ended_at,
            error=operation.error,
        )
    if operation.family in answers.RECORDED_STATUS_FAMILIES:
        return answers.operation_status(
            family=operation.family,
            status=operation.status,
            running=operation.running,
            status_id=status_path(operation),
            name=operation.id,
            error=operation.error,
        )
    body: JsonObject = {
        "id": status_path(operation),
        "name": operation.id,
        "status": operation.status,
        "startTime": dotnet_utc(operation.started_at),
    }
    if operation.running:
        body["percentComplete"] = _percent_complete(operation)
    else:
        body["endTime"] = dotnet_utc(operation.ended_at if operation.ended_at is not None else operation.started_at)
        body["percentComplete"] = 100.0
        if operation.error is not None:
            body["error"] = operation.error
    return body


def _percent_complete(operation: Operation) -> float:
    if operation.seconds_to_complete is not None or operation.polls_to_complete <= 0:
        return 0.0
    return float(math.floor(100.0 * operation.polls / operation.polls_to_complete))
