"""Resource groups (Microsoft.Resources 2025-04-01): list, get, head, put, patch, delete.

PUT is synchronous (201 new, 200 existing). DELETE answers 202 with a lower-case ``location`` pointing at ARM's
``/subscriptions/{sub}/operationresults/{id}``; when it completes everything inside the group is gone.
"""

from __future__ import annotations

import re

from .. import operations
from ..context import HandlerContext
from ..messages import ArmError, JsonObject, Response, conflict
from ..store import ResourceRecord, StoreTransaction
from ..validation import optional_string
from . import common

RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups"
NAME = re.compile(r"^[-\w\._\(\)]+$")


def _validate_name(name: str) -> None:
    # Pattern, length 1-90, and "period (except at end)" from resources.json 2025-04-01.
    if NAME.match(name) and len(name) <= 90 and not name.endswith("."):
        return
    bad = "".join(sorted({char for char in name if not (char.isalnum() or char in "-._()")})) or name[-1:]
    raise ArmError(
        400,
        "InvalidResourceGroup",
        f"The provided resource group name '{name}' has these invalid characters: '{bad}'. "
        "The name can only be a letter, digit, '-', '.', '(', ')' or '_'.",
    )


def _key(context: HandlerContext) -> str:
    return common.key_of(common.resource_group_id(context))


def render(record: ResourceRecord, context: HandlerContext) -> JsonObject:
    """The stored body is already the wire shape."""
    return record.body


def _not_found(context: HandlerContext) -> ArmError:
    name = context.params["resourceGroupName"]
    return ArmError(404, "ResourceGroupNotFound", f"Resource group '{name}' could not be found.")


def _current(transaction: StoreTransaction, context: HandlerContext) -> ResourceRecord | None:
    record = transaction.get(_key(context))
    if record is None:
        return None
    return operations.observe_resource(transaction, record, now=context.now(), count_poll=False)


def list_resource_groups(context: HandlerContext) -> Response:
    subscription_id = common.require_subscription(context)
    prefix = f"/subscriptions/{subscription_id}/resourcegroups/".lower()
    with context.store.transaction() as transaction:
        records = transaction.list("resourceGroup", prefix)
        items = [render(record, context) for record in records]
    # $top limits the whole result (resources.json: "The number of results to return").
    top = common.page_size_parameter(context, "$top")
    if top is not None:
        items = items[:top]
    return Response(200, common.page(context, items, keep=("$top",)))


def get_resource_group(context: HandlerContext) -> Response:
    common.require_subscription(context)
    with context.store.transaction() as transaction:
        record = _current(transaction, context)
        if record is None:
            raise _not_found(context)
        return Response(200, render(record, context))


def head_resource_group(context: HandlerContext) -> Response:
    """ResourceGroups_CheckExistence: 204 when it exists, 404 when not, never a body."""
    common.require_subscription(context)
    with context.store.transaction() as transaction:
        return Response(204 if _current(transaction, context) is not None else 404)


def put_resource_group(context: HandlerContext) -> Response:
    common.require_subscription(context)
    name = context.params["resourceGroupName"]
    _validate_name(name)
    body = common.json_body(context)
    location = body.get("location")
    if not isinstance(location, str) or not location.strip():
        raise ArmError(400, "LocationRequired", "The location property is required for this definition.")
    tags = common.validate_tags(body.get("tags"), "tags")
    managed_by = optional_string(body.get("managedBy"), "managedBy")
    region = operations.region_of(location)
    with context.store.transaction() as transaction:
        existing = _current(transaction, context)
        if existing is not None:
            if existing.pending_operation is not None:
                raise conflict(
                    f"The resource group '{existing.body['name']}' is in deprovisioning state and cannot perform "
                    "this operation.",
                    code="ResourceGroupBeingDeleted",
                )
            if existing.body["location"] != region:
                raise conflict(
                    f"Invalid resource group location '{region}'. The Resource group already exists in location "
                    f"'{existing.body['location']}'.",
                    code="InvalidResourceGroupLocation",
                )
            existing.body["tags"] = tags
            _set_managed_by(existing.body, managed_by)
            transaction.put(existing)
            return Response(200, render(existing, context))
        record = seed(transaction, context.params["subscriptionId"], name, region, tags=tags)
        _set_managed_by(record.body, managed_by)
        transaction.put(record)
        return Response(201, render(record, context))


def _set_managed_by(body: JsonObject, managed_by: str | None) -> None:
    if managed_by is None:
        body.pop("managedBy", None)
    else:
        body["managedBy"] = managed_by


def seed(
    transaction: StoreTransaction, subscription_id: str, name: str, location: str, *, tags: dict[str, str] | None = None
) -> ResourceRecord:
    """Create (or return) a resource group directly in the store, already Succeeded."""
    resource_id = f"/subscriptions/{subscription_id}/resourceGroups/{name}"
    existing = transaction.get(common.key_of(resource_id))
    if existing is not None:
        return existing
    record = ResourceRecord(
        key=common.key_of(resource_id),
        id=resource_id,
        kind="resourceGroup",
        body={
            "id": resource_id,
            "name": name,
            "type": RESOURCE_GROUP_TYPE,
            "location": operations.region_of(location),
            "tags": tags or {},
            "properties": {"provisioningState": "Succeeded"},
        },
    )
    transaction.put(record)
    return record


def patch_resource_group(context: HandlerContext) -> Response:
    """ResourceGroups_Update: "If a field is unspecified, the current value is retained"."""
    common.require_subscription(context)
    body = common.json_body(context)
    with context.store.transaction() as transaction:
        record = _current(transaction, context)
        if record is None:
            raise _not_found(context)
        if record.pending_operation is not None:
            raise conflict(
                f"The resource group '{record.body['name']}' is in deprovisioning state and cannot perform this "
                "operation.",
                code="ResourceGroupBeingDeleted",
            )
        if "tags" in body:
            record.body["tags"] = common.validate_tags(body.get("tags"), "tags")
        if "managedBy" in body:
            _set_managed_by(record.body, optional_string(body.get("managedBy"), "managedBy"))
        transaction.put(record)
        return Response(200, render(record, context))


def delete_resource_group(context: HandlerContext) -> Response:
    """202 + location, Deleting until the operation completes, then the whole group is gone."""
    common.require_subscription(context)
    with context.store.transaction() as transaction:
        record = _current(transaction, context)
        if record is None:
            raise _not_found(context)
        if record.pending_operation is not None:
            # A repeated delete is accepted again and points at the operation already running.
            running = operations.load(transaction, record.pending_operation)
            if running is not None:
                return _accepted(context, running)
        record.body["properties"]["provisioningState"] = "Deleting"
        operation = operations.start(
            transaction,
            context,
            record,
            family="resources",
            action="delete",
            location=record.body["location"],
            changes=lambda outcome: [(["properties", "provisioningState"], "Failed")],
            delete_resource=True,
            returns_resource=False,
        )
        return _accepted(context, operation)


def _accepted(context: HandlerContext, operation: operations.Operation) -> Response:
    headers = {"location": operations.result_url(context.base_url, operation), **common.retry_after(context)}
    return Response(202, None, headers)
