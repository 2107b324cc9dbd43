"""The URLs long-running operations hand out: Azure-AsyncOperation status and Location (operation-result).

* A status URL always answers 200 with ``{id, name, status, startTime, endTime, percentComplete, error}``;
  reading it counts as a poll.
* A result URL answers 202 (+ ``Location`` and ``Retry-After``) while the operation runs, then what the
  operation would have answered synchronously: 200 with the resource for PUT/PATCH, an empty 200 for deletes
  and actions, or the operation's error with a 4xx/5xx status when it failed or was canceled.
"""

from __future__ import annotations

import types
from collections.abc import Callable

from .. import operations
from ..context import HandlerContext
from ..messages import ArmError, JsonObject, Response, error_body
from ..store import ResourceRecord, StoreTransaction
from . import batch_deployments, batch_endpoints, common, computes, online_endpoints, resource_groups, workspaces

_RENDERERS: types.MappingProxyType[str, Callable[[ResourceRecord, HandlerContext], JsonObject]] = (
    types.MappingProxyType(
        {
            "resourceGroup": resource_groups.render,
            "workspace": workspaces.render,
            "compute": computes.render,
            "batchEndpoint": batch_endpoints.render,
            "batchDeployment": batch_deployments.render,
            online_endpoints.KIND: lambda record, _context: record.body,
            online_endpoints.DEPLOYMENT_KIND: lambda record, _context: record.body,
        }
    )
)


def _observe(transaction: StoreTransaction, context: HandlerContext, family: str) -> operations.Operation:
    operation_id = context.params["operationId"]
    operation = operations.observe(transaction, operation_id, now=context.now(), count_poll=True)
    # The RP only answers pollers in the operation's own subscription.
    if (
        operation is None
        or operation.family != family
        or operation.subscription_id.lower() != context.params["subscriptionId"].lower()
    ):
        raise ArmError(404, "OperationNotFound", f"The operation '{operation_id}' was not found.")
    return operation


def status_handler(family: str) -> Callable[[HandlerContext], Response]:
    """GET of an Azure-AsyncOperation URL of one operation family."""

    def handle(context: HandlerContext) -> Response:
        with context.store.transaction() as transaction:
            operation = _observe(transaction, context, family)
        headers = common.retry_after(context) if operation.running else {}
        return Response(200, operations.status_body(operation), headers)

    handle.__name__ = f"{family}_operation_status"
    return handle


def result_handler(family: str) -> Callable[[HandlerContext], Response]:
    """GET of a Location (operation-result) URL of one operation family."""

    def handle(context: HandlerContext) -> Response:
        with context.store.transaction() as transaction:
            operation = _observe(transaction, context, family)
            if operation.running:
                headers = {
                    "Location": operations.result_url(context.base_url, operation),
                    **common.retry_after(context),
                }
                return Response(202, None, headers)
            if operation.status != "Succeeded":
                error = operation.error or {}
                body = error_body(str(error.get("code", "OperationFailed")), str(error.get("message", "")))
                return Response(operation.result_status, body)
            if operation.returns_resource:
                record = transaction.get(operation.resource_key)
                if record is not None:
                    return Response(200, _RENDERERS[record.kind](record, context))
            return Response(200)

    handle.__name__ = f"{family}_operation_result"
    return handle
