"""Workspaces: put, get, patch, delete, list, and the discovery document.

* PUT of a new workspace answers **202 + Location** with no body, as the live service and the
  seed do (issues #8028/#8029); the workspace is visible as ``Creating`` meanwhile and
  the Location URL answers 202, then 200 with the workspace. PUT of an existing workspace is a synchronous 200.
* PATCH accepts only ``WorkspaceUpdateParameters`` fields (anything else is a 400) and answers 200.
* DELETE answers 202 + Azure-AsyncOperation + Location (``answers.workspace_delete_headers``), or 204 when there
  is nothing to delete. Without ``forceToPurge=true`` the
  name stays blocked like a soft-deleted workspace (emulator defaults).
* ``properties.discoveryUrl`` points at this emulator; GET of it returns the regional service map of the seed.
"""

from __future__ import annotations

import re
import types
import uuid
from typing import Any

from .. import answers, operations, schemas
from ..blobs import BlobStore
from ..context import HandlerContext
from ..messages import ArmError, JsonObject, Response, bad_request, conflict
from ..settings import Settings
from ..store import ResourceRecord, StoreTransaction
from ..validation import (
    check_pattern,
    expect_object,
    expect_string,
    optional_object,
    optional_string,
    reject_unknown_keys,
    require_field,
)
from . import common, datastores, resource_groups

WORKSPACE_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$")

DISCOVERY_SERVICES = (
    "api",
    "catalog",
    "experimentation",
    "gallery",
    "history",
    "hyperdrive",
    "labeling",
    "modelmanagement",
    "pipelines",
    "studiocoreservices",
)
"""Keys of the discovery document in the seed walkthrough and how-to-manage-rest.md."""

UPDATABLE_PROPERTIES = (
    "description",
    "friendlyName",
    "imageBuildCompute",
    "serviceManagedResourcesSettings",
    "primaryUserAssignedIdentity",
    "serverlessComputeSettings",
    "publicNetworkAccess",
    "applicationInsights",
    "containerRegistry",
    "featureStoreSettings",
    "managedNetwork",
    "enableDataIsolation",
    "systemDatastoresAuthMode",
    "v1LegacyMode",
    "encryption",
)
"""``WorkspacePropertiesUpdateParameters``."""

IMMUTABLE_PROPERTIES = ("storageAccount", "keyVault")
""""cannot be changed once the workspace has been created"."""

SERVER_DEFAULTS = types.MappingProxyType(
    {
        "hbiWorkspace": False,
        "allowPublicAccessWhenBehindVnet": False,
        "v1LegacyMode": False,
        "containerRegistry": None,
        "publicNetworkAccess": "Enabled",
        "enableDataIsolation": False,
    }
)
"""Values echoed when the client leaves them out (publicNetworkAccess is a guess)."""


# ---------------------------------------------------------------------------------------------- validation
#
# Types, enums and required members are the declarative tables ``schemas.WORKSPACE``/``WORKSPACE_PATCH``, applied
# before these run; here: which properties a write may set, and the read-only members a client may echo back.

WRITABLE_PROPERTIES = (
    "description",
    "friendlyName",
    "keyVault",
    "storageAccount",
    "applicationInsights",
    "containerRegistry",
    "imageBuildCompute",
    "primaryUserAssignedIdentity",
    "hubResourceId",
    "hbiWorkspace",
    "allowPublicAccessWhenBehindVnet",
    "v1LegacyMode",
    "provisionNetworkNow",
    "enableDataIsolation",
    "enableServiceSideCMKEncryption",
    "publicNetworkAccess",
    "systemDatastoresAuthMode",
    "encryption",
    "managedNetwork",
    "serverlessComputeSettings",
    "serviceManagedResourcesSettings",
    "featureStoreSettings",
    "workspaceHubConfig",
    "sharedPrivateLinkResources",
    "associatedWorkspaces",
)
"""Writable ``WorkspaceProperties`` (union of the hand-written and TypeSpec forms).
Read-only and unknown properties sent by a client are dropped, as the service ignores them."""

_READ_ONLY_NETWORK = ("networkId", "status", "firewallPublicIpAddress")


def _writable(name: str, value: Any) -> Any:
    """A conformed property value as stored: a managed network without the members only the service sets."""
    if name == "managedNetwork" and isinstance(value, dict):
        return {key: item for key, item in value.items() if key not in _READ_ONLY_NETWORK}
    return value


def _validate_properties(properties: JsonObject) -> JsonObject:
    result: JsonObject = {}
    for name in WRITABLE_PROPERTIES:
        value = properties.get(name)
        if value is not None or (name == "containerRegistry" and name in properties):
            result[name] = _writable(name, value)
    return result


def _validate_name(context: HandlerContext) -> str:
    name = context.params["workspaceName"]
    return check_pattern(name, WORKSPACE_NAME, "workspaceName", "The workspace name")


# ---------------------------------------------------------------------------------------------- rendering


def render(record: ResourceRecord, context: HandlerContext) -> JsonObject:
    """The stored workspace plus the discovery URL on the host the client used."""
    return render_at(record, context.base_url)


def render_at(record: ResourceRecord, base_url: str) -> JsonObject:
    """The stored workspace with its discovery URL on ``base_url``.

    The URL is computed per response, not stored, so a workspace kept in SQLite stays reachable after the
    emulator restarts on another port.
    """
    body = record.body
    body["properties"]["discoveryUrl"] = discovery_url(base_url, body["properties"]["workspaceId"])
    return body


def discovery_url(base_url: str, workspace_id: str) -> str:
    return f"{base_url}/discovery/workspaces/{workspace_id}"


def _new_body(
    *,
    resource_id: str,
    subscription_id: str,
    resource_group: str,
    name: str,
    location: str,
    properties: JsonObject,
    settings: Settings,
    moment: float,
    state: str,
) -> JsonObject:
    region = operations.region_of(location)
    workspace_guid = str(uuid.uuid4())
    return {
        "id": resource_id,
        "name": name,
        "type": common.WORKSPACE_TYPE,
        "location": location,
        "tags": {},
        "sku": {"name": "Basic", "tier": "Basic"},
        "kind": "Default",
        "systemData": common.system_data_at(moment, settings.principal_name, None),
        "properties": {
            **SERVER_DEFAULTS,
            **properties,
            "workspaceId": workspace_guid,
            "provisioningState": state,
            "tenantId": settings.tenant_id,
            "discoveryUrl": "",
            "mlFlowTrackingUri": (
                f"azureml://{region}.api.azureml.ms/mlflow/v1.0/subscriptions/{subscription_id}/resourceGroups/"
                f"{resource_group}/providers/{common.WORKSPACE_TYPE}/{name}"
            ),
            "storageHnsEnabled": False,
            "privateLinkCount": 0,
            "privateEndpointConnections": [],
        },
    }


# ---------------------------------------------------------------------------------------------- handlers


def get_workspace(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        record = _existing(transaction, context, count_poll=True)
        if record is None:
            raise common.resource_not_found(context, f"{common.WORKSPACE_TYPE}/{context.params['workspaceName']}")
        return Response(200, render(record, context))


def _existing(transaction: StoreTransaction, context: HandlerContext, *, count_poll: bool) -> ResourceRecord | None:
    common.require_resource_group(transaction, context, writing=False)
    return common.observed(transaction, context, common.workspace_id(context), count_poll=count_poll)


def put_workspace(context: HandlerContext) -> Response:
    resource_id = common.workspace_id(context)
    key = common.key_of(resource_id)
    with context.store.transaction() as transaction:
        # ARM resolves the resource group before the resource provider validates anything.
        common.require_resource_group(transaction, context, writing=True)
        name = _validate_name(context)
        body = schemas.conform(schemas.WORKSPACE, common.json_body(context))
        location = expect_string(require_field(body, "location", "location"), "location", min_length=1)
        properties = _validate_properties(expect_object(require_field(body, "properties", "properties"), "properties"))
        tags = common.validate_tags(body.get("tags"), "tags")
        sku = common.validate_sku(body.get("sku"), "sku")
        identity = common.validate_identity(body.get("identity"), "identity")
        kind = optional_string(body.get("kind"), "kind")
        existing = transaction.get(key)
        if existing is None and transaction.soft_deleted(key):
            raise conflict(
                f"A soft-deleted workspace named '{name}' exists in this resource group. Recover it, or delete it "
                "permanently (DELETE with forceToPurge=true) before reusing the name."
            )
        if existing is not None:
            existing = common.refuse_while_running(transaction, context, existing, f"{common.WORKSPACE_TYPE}/{name}")
            if common.provisioning_state(existing) not in ("Failed", "Canceled"):
                return _update_in_place(transaction, context, existing, location, properties, tags, sku, identity, kind)
        new_body = _new_body(
            resource_id=resource_id,
            subscription_id=context.params["subscriptionId"],
            resource_group=context.params["resourceGroupName"],
            name=name,
            location=location,
            properties=properties,
            settings=context.settings,
            moment=context.now(),
            state="Creating",
        )
        _apply_envelope(new_body, context, tags, sku, identity, kind, previous=None)
        record = ResourceRecord(key=key, id=resource_id, kind="workspace", body=new_body)
        operation = operations.start(
            transaction,
            context,
            record,
            family="workspace",
            action="create",
            location=location,
            changes=lambda outcome: [(["properties", "provisioningState"], outcome.status)],
        )
        # Every workspace comes with its default datastores (see handlers.datastores).
        datastores.seed_system_datastores(
            transaction, record, settings=context.settings, moment=context.now(), blob_store=context.blobs
        )
        headers = {"Location": operations.result_url(context.base_url, operation), **common.retry_after(context)}
        return Response(202, None, headers)


def _apply_envelope(
    body: JsonObject,
    context: HandlerContext,
    tags: dict[str, str],
    sku: JsonObject | None,
    identity: JsonObject | None,
    kind: str | None,
    *,
    previous: JsonObject | None,
) -> None:
    body["tags"] = tags
    if sku is not None:
        body["sku"] = sku
    if kind is not None:
        body["kind"] = kind
    rendered = common.render_identity(identity, (previous or {}).get("identity"), context.settings.tenant_id)
    if rendered is not None:
        body["identity"] = rendered


def _update_in_place(
    transaction: StoreTransaction,
    context: HandlerContext,
    record: ResourceRecord,
    location: str,
    properties: JsonObject,
    tags: dict[str, str],
    sku: JsonObject | None,
    identity: JsonObject | None,
    kind: str | None,
) -> Response:
    body = record.body
    if operations.region_of(location) != operations.region_of(body["location"]):
        raise bad_request(
            f"The location of a workspace cannot be changed from '{body['location']}' to '{location}'.",
            target="location",
        )
    current = body["properties"]
    for name in IMMUTABLE_PROPERTIES:
        old, new = current.get(name), properties.get(name)
        if new is None:
            properties.pop(name, None)
            continue
        if isinstance(old, str) and old.lower() != new.lower():
            raise bad_request(
                f"'properties.{name}' cannot be changed once the workspace has been created.",
                target=f"properties.{name}",
            )
    read_only = {
        name: current[name]
        for name in (
            "workspaceId",
            "tenantId",
            "discoveryUrl",
            "mlFlowTrackingUri",
            "storageHnsEnabled",
            "privateLinkCount",
            "privateEndpointConnections",
            *IMMUTABLE_PROPERTIES,
        )
        if name in current
    }
    body["properties"] = {**SERVER_DEFAULTS, **properties, **read_only, "provisioningState": "Succeeded"}
    _apply_envelope(body, context, tags, sku, identity, kind, previous=body)
    body["systemData"] = common.system_data(context, body.get("systemData"))
    transaction.put(record)
    return Response(200, render(record, context))


def patch_workspace(context: HandlerContext) -> Response:
    name = context.params["workspaceName"]
    with context.store.transaction() as transaction:
        record = _existing(transaction, context, count_poll=False)
        if record is None:
            raise common.resource_not_found(context, f"{common.WORKSPACE_TYPE}/{name}")
        record = common.refuse_while_running(transaction, context, record, f"{common.WORKSPACE_TYPE}/{name}")
        _patch(context, record, schemas.conform(schemas.WORKSPACE_PATCH, common.json_body(context)))
        transaction.put(record)
        return Response(200, render(record, context))


def _patch(context: HandlerContext, record: ResourceRecord, body: JsonObject) -> None:
    """Apply a ``WorkspaceUpdateParameters`` body; validation finishes before the first change."""
    reject_unknown_keys(body, ("tags", "sku", "identity", "properties"), "", "WorkspaceUpdateParameters")
    properties = optional_object(body.get("properties"), "properties") or {}
    reject_unknown_keys(properties, UPDATABLE_PROPERTIES, "properties", "WorkspacePropertiesUpdateParameters")
    changes: JsonObject = {}
    for property_name, value in properties.items():
        if property_name == "encryption":
            changes[property_name] = _encryption_update(value)
        else:
            changes[property_name] = _writable(property_name, value)
    tags = common.validate_tags(body.get("tags"), "tags") if "tags" in body else None
    sku = common.validate_sku(body.get("sku"), "sku")
    identity = common.validate_identity(body.get("identity"), "identity")
    current = record.body["properties"]
    if "encryption" in changes and not isinstance(current.get("encryption"), dict):
        raise bad_request(
            "The workspace was created without customer-managed key encryption; there is no key to update.",
            target="properties.encryption",
        )
    for property_name, value in changes.items():
        if property_name == "encryption":
            current["encryption"].setdefault("keyVaultProperties", {})["keyIdentifier"] = value
        elif property_name == "managedNetwork" and isinstance(current.get("managedNetwork"), dict) and value:
            current["managedNetwork"] = {**current["managedNetwork"], **value}
        else:
            current[property_name] = value
    if tags is not None:
        record.body["tags"] = tags
    if sku is not None:
        record.body["sku"] = sku
    if identity is not None:
        rendered = common.render_identity(identity, record.body.get("identity"), context.settings.tenant_id)
        record.body["identity"] = rendered
    record.body["systemData"] = common.system_data(context, record.body.get("systemData"))


def _encryption_update(value: object) -> str:
    # EncryptionUpdateProperties: {"keyVaultProperties": {"keyIdentifier": ...}}, both levels required.
    target = "properties.encryption"
    encryption = expect_object(value, target)
    reject_unknown_keys(encryption, ("keyVaultProperties",), target)
    vault = expect_object(
        require_field(encryption, "keyVaultProperties", f"{target}.keyVaultProperties"), f"{target}.keyVaultProperties"
    )
    reject_unknown_keys(vault, ("keyIdentifier",), f"{target}.keyVaultProperties")
    where = f"{target}.keyVaultProperties.keyIdentifier"
    return expect_string(require_field(vault, "keyIdentifier", where), where, min_length=1)


def delete_workspace(context: HandlerContext) -> Response:
    force = _force_to_purge(context)
    resource_id = common.workspace_id(context)
    key = common.key_of(resource_id)
    with context.store.transaction() as transaction:
        common.require_resource_group(transaction, context, writing=True)
        record = transaction.get(key)
        if record is not None:
            record = operations.observe_resource(transaction, record, now=context.now(), count_poll=False)
        if record is None:
            if force and transaction.purge_soft_deleted(key):
                return Response(200)
            return Response(204)
        record = common.refuse_while_running(
            transaction, context, record, f"{common.WORKSPACE_TYPE}/{record.body['name']}"
        )
        record.body["properties"]["provisioningState"] = "Deleting"
        operation = operations.start(
            transaction,
            context,
            record,
            family="workspace",
            action="delete",
            location=record.body["location"],
            changes=lambda outcome: [(["properties", "provisioningState"], "Failed")],
            delete_resource=True,
            soft_delete=context.settings.soft_delete_workspaces and not force,
            returns_resource=False,
        )
        return Response(202, None, answers.workspace_delete_headers(context, operation))


def _force_to_purge(context: HandlerContext) -> bool:
    raw = context.request.query.get("forceToPurge")
    if raw is None:
        return False
    if raw.lower() not in ("true", "false"):
        raise bad_request(
            f"The query parameter 'forceToPurge' must be true or false, got '{raw}'.", target="forceToPurge"
        )
    return raw.lower() == "true"


def list_by_resource_group(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        group = common.require_resource_group(transaction, context, writing=False)
        prefix = f"{group.key}/providers/{common.WORKSPACE_TYPE}/".lower()
        items = _observed(transaction, context, transaction.list("workspace", prefix))
    return Response(200, common.page(context, items))


def list_by_subscription(context: HandlerContext) -> Response:
    subscription_id = common.require_subscription(context)
    with context.store.transaction() as transaction:
        items = _observed(
            transaction, context, transaction.list("workspace", f"/subscriptions/{subscription_id}/".lower())
        )
    return Response(200, common.page(context, items))


def _observed(
    transaction: StoreTransaction, context: HandlerContext, records: list[ResourceRecord]
) -> list[JsonObject]:
    result = []
    for record in records:
        current = operations.observe_resource(transaction, record, now=context.now(), count_poll=False)
        if current is not None:
            result.append(render(current, context))
    return result


def get_discovery(context: HandlerContext) -> Response:
    """The regional service map a workspace's discoveryUrl serves; every service lives on this emulator."""
    workspace_guid = context.params.get("workspaceGuid")
    if workspace_guid is not None:
        with context.store.transaction() as transaction:
            known = any(
                str(record.body["properties"].get("workspaceId", "")).lower() == workspace_guid.lower()
                for record in transaction.list("workspace", "/")
            )
        if not known:
            raise ArmError(404, "WorkspaceNotFound", f"No workspace has the workspace id '{workspace_guid}'.")
    return Response(200, {service: context.base_url for service in DISCOVERY_SERVICES})


def seed(
    transaction: StoreTransaction,
    *,
    settings: Settings,
    moment: float,
    subscription_id: str,
    resource_group: str,
    name: str,
    location: str,
    blob_store: BlobStore | None,
) -> ResourceRecord:
    """Create (or return) a Succeeded workspace directly in the store, creating its resource group if needed, and
    its storage account in ``blob_store``."""
    group = resource_groups.seed(transaction, subscription_id, resource_group, location)
    resource_id = f"{group.id}/providers/{common.WORKSPACE_TYPE}/{name}"
    key = common.key_of(resource_id)
    existing = transaction.get(key)
    if existing is not None:
        return existing
    transaction.purge_soft_deleted(key)
    body = _new_body(
        resource_id=resource_id,
        subscription_id=subscription_id,
        resource_group=group.body["name"],
        name=name,
        location=location,
        properties={"friendlyName": name},
        settings=settings,
        moment=moment,
        state="Succeeded",
    )
    record = ResourceRecord(key=key, id=resource_id, kind="workspace", body=body)
    transaction.put(record)
    datastores.seed_system_datastores(transaction, record, settings=settings, moment=moment, blob_store=blob_store)
    return record
