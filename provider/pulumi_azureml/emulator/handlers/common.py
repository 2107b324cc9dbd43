"""Pieces every resource handler shares: ids, parent checks, JSON bodies, paging, identity, systemData.

Ids keep the casing the client used; keys (lower-cased ids) make every lookup case-insensitive, as ARM
routing is.
"""

from __future__ import annotations

import json
import urllib.parse
import uuid
from typing import Any

from .. import answers, operations
from ..context import HandlerContext
from ..messages import ArmError, JsonObject, bad_request, conflict
from ..store import ResourceRecord, StoreTransaction
from ..timestamps import dotnet_utc
from ..validation import (
    enum_value,
    expect_object,
    expect_string,
    is_guid,
    optional_int,
    optional_object,
    optional_string,
    reject_unknown_keys,
    string_map,
)

MACHINE_LEARNING_PROVIDER = "Microsoft.MachineLearningServices"
WORKSPACE_TYPE = f"{MACHINE_LEARNING_PROVIDER}/workspaces"
IDENTITY_TYPES = ("None", "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned")
SKU_TIERS = ("Free", "Basic", "Standard", "Premium")
TERMINAL_STATES = frozenset({"Succeeded", "Failed", "Canceled"})


# ---------------------------------------------------------------------------------------------- ids and keys


def key_of(resource_id: str) -> str:
    """The store key of a resource id."""
    return resource_id.lower()


def case_sensitive_key(resource_id: str, parent_id: str) -> str:
    """The store key of a child whose own segments are case-sensitive: the parent's part without case (ARM), the
    rest as given. Asset and environment names and versions are: "Container name. This is case-sensitive." and
    "Version identifier. This is case-sensitive." (mfe.json path parameters)."""
    assert resource_id.startswith(parent_id), (resource_id, parent_id)
    return key_of(parent_id) + resource_id[len(parent_id) :]


def observed(
    transaction: StoreTransaction, context: HandlerContext, resource_id: str, *, count_poll: bool = False
) -> ResourceRecord | None:
    """The stored resource, advanced to where its running operation stands now (one poll counted when asked)."""
    record = transaction.get(key_of(resource_id))
    if record is None:
        return None
    return operations.observe_resource(transaction, record, now=context.now(), count_poll=count_poll)


def resource_group_id(context: HandlerContext) -> str:
    params = context.params
    return f"/subscriptions/{params['subscriptionId']}/resourceGroups/{params['resourceGroupName']}"


def workspace_id(context: HandlerContext) -> str:
    return f"{resource_group_id(context)}/providers/{WORKSPACE_TYPE}/{context.params['workspaceName']}"


def batch_endpoint_id(context: HandlerContext) -> str:
    return f"{workspace_id(context)}/batchEndpoints/{context.params['endpointName']}"


# ---------------------------------------------------------------------------------------------- parents


def require_subscription(context: HandlerContext) -> str:
    """The subscription id must be a GUID, as ARM requires (common-types v3 ``SubscriptionIdParameter``)."""
    subscription_id = context.params["subscriptionId"]
    if not is_guid(subscription_id):
        raise ArmError(
            400,
            "InvalidSubscriptionId",
            f"The provided subscription identifier '{subscription_id}' is malformed or invalid.",
        )
    return subscription_id


def require_resource_group(transaction: StoreTransaction, context: HandlerContext, *, writing: bool) -> ResourceRecord:
    """The resource group of the request: 404 when missing, 409 for a write while it is being deleted."""
    require_subscription(context)
    name = context.params["resourceGroupName"]
    record = transaction.get(key_of(resource_group_id(context)))
    if record is not None:
        record = operations.observe_resource(transaction, record, now=context.now(), count_poll=False)
    if record is None:
        raise ArmError(404, "ResourceGroupNotFound", f"Resource group '{name}' could not be found.")
    if writing and record.pending_operation is not None:
        raise conflict(
            f"The resource group '{name}' is in deprovisioning state and cannot perform this operation.",
            code="ResourceGroupBeingDeleted",
        )
    return record


def require_workspace(
    transaction: StoreTransaction, context: HandlerContext, *, writing: bool, as_parent: bool
) -> ResourceRecord:
    """The workspace of the request, after its resource group.

    As the parent of a compute or endpoint a missing workspace is ``ParentResourceNotFound``; a write under a
    workspace that is being deleted is a 409.
    """
    require_resource_group(transaction, context, writing=writing)
    name = context.params["workspaceName"]
    record = transaction.get(key_of(workspace_id(context)))
    if record is not None:
        record = operations.observe_resource(transaction, record, now=context.now(), count_poll=False)
    if record is None:
        if as_parent:
            raise parent_not_found(name)
        raise resource_not_found(context, f"{WORKSPACE_TYPE}/{name}")
    if writing and as_parent and provisioning_state(record) == "Deleting":
        raise conflict(f"The workspace '{name}' is being deleted; nested resources cannot be changed.")
    return record


def parent_not_found(name: str) -> ArmError:
    return ArmError(
        404,
        "ParentResourceNotFound",
        f"Can not perform requested operation on nested resource. Parent resource '{name}' not found.",
    )


def resource_not_found(context: HandlerContext, type_and_name: str) -> ArmError:
    """ARM's 404 for a missing resource."""
    group = context.params.get("resourceGroupName", "")
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource '{type_and_name}' under resource group '{group}' was not found. "
        "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
    )


def provisioning_state(record: ResourceRecord) -> str | None:
    properties = record.body.get("properties")
    if isinstance(properties, dict):
        state = properties.get("provisioningState")
        return state if isinstance(state, str) else None
    return None


def refuse_while_running(
    transaction: StoreTransaction, context: HandlerContext, record: ResourceRecord, what: str
) -> ResourceRecord:
    """A write to a resource whose operation is still running is a 409."""
    current = operations.observe_resource(transaction, record, now=context.now(), count_poll=False)
    if current is None:
        raise resource_not_found(context, what)
    if current.pending_operation is not None:
        state = provisioning_state(current) or "InProgress"
        raise conflict(
            f"The resource '{what}' has an operation in progress (provisioningState '{state}'). "
            "Retry after the current operation completes."
        )
    return current


# ---------------------------------------------------------------------------------------------- bodies


def json_body(context: HandlerContext) -> JsonObject:
    """The request body as a JSON object, or ARM's 400 ``InvalidRequestContent``."""
    raw = context.request.body
    if not raw.strip():
        raise ArmError(400, "InvalidRequestContent", "The request content was invalid: the body is empty.")
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ArmError(
            400, "InvalidRequestContent", f"The request content was invalid and could not be deserialized: {error}"
        ) from None
    if not isinstance(value, dict):
        raise ArmError(400, "InvalidRequestContent", "The request content must be a JSON object.")
    return value


def validate_tags(value: object, target: str, *, non_empty_values: bool = False) -> dict[str, str]:
    """Tags are ``map<string, string>``; batch endpoints also refuse empty values."""
    if value is None:
        return {}
    tags = string_map(value, target, non_empty_values=non_empty_values)
    return {name: item or "" for name, item in tags.items()}


def validate_sku(value: object, target: str) -> JsonObject | None:
    """common-types v3 ``Sku``: ``name`` required, ``tier`` an enum."""
    sku = optional_object(value, target)
    if sku is None:
        return None
    reject_unknown_keys(sku, ("name", "tier", "size", "family", "capacity"), target)
    result: JsonObject = {"name": expect_string(sku.get("name"), f"{target}.name", min_length=1)}
    if sku.get("tier") is not None:
        result["tier"] = enum_value(sku["tier"], SKU_TIERS, f"{target}.tier")
    for name in ("size", "family"):
        text = optional_string(sku.get(name), f"{target}.{name}")
        if text is not None:
            result[name] = text
    capacity = optional_int(sku.get("capacity"), f"{target}.capacity")
    if capacity is not None:
        result["capacity"] = capacity
    return result


def validate_identity(value: object, target: str, *, partial: bool = False) -> JsonObject | None:
    """``ManagedServiceIdentity`` (or the batch PATCH ``PartialManagedServiceIdentity``, which is strict)."""
    identity = optional_object(value, target)
    if identity is None:
        return None
    allowed = (
        ("type", "userAssignedIdentities") if partial else ("type", "userAssignedIdentities", "principalId", "tenantId")
    )
    reject_unknown_keys(identity, allowed, target)
    raw_type = identity.get("type")
    if raw_type is None:
        if not partial:
            raise bad_request(f"The field '{target}.type' is required.", target=f"{target}.type")
        identity_type = None
    else:
        # "SystemAssigned, UserAssigned" is the same value with a space; compare without spaces.
        normalised = raw_type.replace(" ", "") if isinstance(raw_type, str) else raw_type
        identity_type = enum_value(normalised, IDENTITY_TYPES, f"{target}.type")
    assigned: dict[str, JsonObject] = {}
    raw_assigned = identity.get("userAssignedIdentities")
    if raw_assigned is not None:
        for name, entry in expect_object(raw_assigned, f"{target}.userAssignedIdentities").items():
            where = f"{target}.userAssignedIdentities.{name}"
            entry_object = optional_object(entry, where) or {}
            if partial:
                reject_unknown_keys(entry_object, (), where)
            assigned[name] = {}
    if identity_type is not None and "UserAssigned" in identity_type and not assigned:
        raise bad_request(
            f"'{target}.userAssignedIdentities' must list at least one identity when the type is '{identity_type}'.",
            target=f"{target}.userAssignedIdentities",
        )
    result: JsonObject = {}
    if identity_type is not None:
        result["type"] = identity_type
    if raw_assigned is not None:
        result["userAssignedIdentities"] = assigned
    return result


def render_identity(identity: JsonObject | None, previous: Any, tenant_id: str) -> JsonObject | None:
    """Fill the read-only identity fields, keeping ids the resource already had."""
    if identity is None:
        return None
    previous_identity = previous if isinstance(previous, dict) else {}
    identity_type = identity.get("type") or previous_identity.get("type") or "None"
    result: JsonObject = {"type": identity_type}
    if "SystemAssigned" in identity_type:
        result["principalId"] = previous_identity.get("principalId") or str(uuid.uuid4())
        result["tenantId"] = tenant_id
    assigned = identity.get("userAssignedIdentities")
    if assigned is None and "UserAssigned" in identity_type:
        assigned = previous_identity.get("userAssignedIdentities")
    if assigned:
        previous_assigned = previous_identity.get("userAssignedIdentities") or {}
        result["userAssignedIdentities"] = {
            name: {
                "principalId": (previous_assigned.get(name) or {}).get("principalId") or str(uuid.uuid4()),
                "clientId": (previous_assigned.get(name) or {}).get("clientId") or str(uuid.uuid4()),
            }
            for name in assigned
        }
    return result


def system_data(context: HandlerContext, previous: Any) -> JsonObject:
    """common-types v3 ``SystemData``; creation fields survive updates."""
    return system_data_at(context.now(), context.settings.principal_name, previous)


def system_data_at(moment: float, who: str, previous: Any) -> JsonObject:
    """``SystemData`` for a write by ``who`` at ``moment``."""
    now = dotnet_utc(moment)
    created = previous if isinstance(previous, dict) else {}
    return {
        "createdBy": created.get("createdBy", who),
        "createdByType": created.get("createdByType", "User"),
        "createdAt": created.get("createdAt", now),
        "lastModifiedBy": who,
        "lastModifiedByType": "User",
        "lastModifiedAt": now,
    }


# ---------------------------------------------------------------------------------------------- responses


def retry_after(context: HandlerContext) -> dict[str, str]:
    """See :func:`answers.retry_after` (Azure ML sends none)."""
    return answers.retry_after(context)


def page(
    context: HandlerContext, items: list[JsonObject], *, page_size: int | None = None, keep: tuple[str, ...] = ()
) -> JsonObject:
    """One page of a list and, when more remain, an absolute ``nextLink`` with ``$skip`` (``Compute_list.json``)."""
    query = context.request.query
    raw_skip = query.get("$skip") or query.get("$skipToken") or "0"
    try:
        skip = int(raw_skip)
    except ValueError:
        raise bad_request(f"The continuation token '{raw_skip}' is not valid.", target="$skip") from None
    if skip < 0:
        raise bad_request(f"The continuation token '{raw_skip}' is not valid.", target="$skip")
    size = page_size or context.settings.page_size
    body: JsonObject = {"value": items[skip : skip + size]}
    if skip + size < len(items):
        path = urllib.parse.quote(context.request.path, safe="/()$-_.~:@!*'")
        extra = "".join(f"&{name}={urllib.parse.quote(query[name])}" for name in keep if name in query)
        body["nextLink"] = (
            f"{context.base_url}{path}?api-version={urllib.parse.quote(context.api_version)}{extra}&$skip={skip + size}"
        )
    return body


def page_size_parameter(context: HandlerContext, name: str) -> int | None:
    """A client-chosen page size such as batch ``count`` or ``$top``."""
    raw = context.request.query.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"The query parameter '{name}' must be an integer.", target=name) from None
    if value < 1:
        raise bad_request(f"The query parameter '{name}' must be at least 1.", target=name)
    return value


def apply_envelope(body: JsonObject, context: HandlerContext, request: JsonObject, *, previous: object) -> None:
    """Copy the tracked-resource envelope (kind, sku, identity) of a batch PUT onto the stored body."""
    for name in ("kind", "sku"):
        if request.get(name) is not None:
            body[name] = request[name]
    rendered = render_identity(request.get("identity"), previous, context.settings.tenant_id)
    if rendered is not None:
        body["identity"] = rendered
