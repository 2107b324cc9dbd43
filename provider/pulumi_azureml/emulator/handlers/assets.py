"""Code, model and data assets of a workspace: versions (put, get, delete, list), their containers, and the code
version's pending upload.

From the REST specification (``mfe.json`` 2025-12-01 and its ``examples/Workspace/{CodeVersion,ModelVersion,
DataVersionBase}``):

* ``PUT .../{codes|models|data}/{name}/versions/{version}`` is synchronous: 201 with the version and a
  ``Location`` when new, 200 when it existed (``answers_newer.created_location``). URIs come back as the service
  re-spells them: a model's ``resourceGroups``, a data version's long datastore form (``answers_newer``). The
  container (``.../{name}``) is created on demand by the first version's PUT, as Azure's own
  clients rely on (they PUT versions without creating a container), and kept when versions are deleted.
* A version is immutable apart from ``description``, ``tags``, ``isArchived`` and a model's ``stage``: a PUT of an
  existing version that changes anything else is refused (400 ``UserError``), as the service refuses to replace an
  asset version's content "without increasing the version" (the registry's recorded message,
  Azure/azureml-assets#3439).
* ``DELETE`` answers 200, or 204 when there is nothing to delete; deleting a workspace version really removes it
  (Azure/azureml-examples#3743 deletes and re-creates the same version).
* ``POST .../codes/{name}/versions/{version}/startPendingUpload`` (``CodeVersions_CreateOrGetStartPendingUpload``)
  answers a ``PendingUploadResponseDto``: a blob container of its own in the workspace's storage, its ROOT as the
  ``blobUri`` and a container SAS, ``pendingUploadType: None`` (``answers_newer.pending_upload_container``),
  served by this emulator's loopback blob endpoint (:mod:`..blobs`). At workspace scope only code versions have
  this action; model and data versions have it on registries only.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from .. import answers_newer, blobs, schemas
from ..context import HandlerContext
from ..messages import JsonObject, Response, bad_request
from ..store import ResourceRecord, StoreTransaction
from ..validation import check_pattern
from . import common

ASSET_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$")
"""``name`` of a code, model or data container (mfe.json's name parameter pattern)."""

PENDING_UPLOAD_SECONDS = 24 * 3600.0
"""How long the SAS of a pending upload stays valid."""

_COLLECTIONS = {"codes": "code", "models": "model", "data": "data"}

MUTABLE = ("description", "tags", "isArchived", "stage")
"""What a PUT may change on an existing version (``stage`` exists on model versions only)."""

_ASSET_BASE: dict[str, schemas.Prop] = {
    "description": schemas.STRING,
    "tags": schemas.STRING_MAP,
    "properties": schemas.STRING_MAP,
    "isAnonymous": schemas.BOOLEAN,
    "isArchived": schemas.BOOLEAN,
    "autoDeleteSetting": schemas.ANY,
    "provisioningState": schemas.ANY,
}
_ENVELOPE: dict[str, schemas.Prop] = {
    "id": schemas.ANY,
    "name": schemas.ANY,
    "type": schemas.ANY,
    "systemData": schemas.ANY,
}

CODE_VERSION = schemas.obj(
    {**_ENVELOPE, "properties": schemas.obj({**_ASSET_BASE, "codeUri": schemas.STRING}, required=True, closed=True)},
    closed=True,
)
MODEL_VERSION = schemas.obj(
    {
        **_ENVELOPE,
        "properties": schemas.obj(
            {
                **_ASSET_BASE,
                "modelUri": schemas.STRING,
                "modelType": schemas.STRING,
                "flavors": schemas.Prop("map", items=schemas.obj({"data": schemas.STRING_MAP}, closed=True)),
                "jobName": schemas.STRING,
                "stage": schemas.STRING,
                "intellectualProperty": schemas.ANY,
            },
            required=True,
            closed=True,
        ),
    },
    closed=True,
)
DATA_VERSION = schemas.obj(
    {
        **_ENVELOPE,
        "properties": schemas.obj(
            {
                **_ASSET_BASE,
                "dataType": schemas.enum("uri_file", "uri_folder", "mltable", required=True),
                "dataUri": schemas.string(required=True, min_length=1, pattern=r"[a-zA-Z0-9_]"),
                "referencedUris": schemas.array(schemas.STRING),
                "stage": schemas.STRING,
            },
            required=True,
            closed=True,
        ),
    },
    closed=True,
)
_TABLES = {"codes": CODE_VERSION, "models": MODEL_VERSION, "data": DATA_VERSION}

PENDING_UPLOAD_REQUEST = schemas.obj(
    {"pendingUploadId": schemas.STRING, "pendingUploadType": schemas.enum("None", "TemporaryBlobReference")},
    closed=True,
)


# ---------------------------------------------------------------------------------------------- ids


def _collection(context: HandlerContext) -> str:
    return context.params["collection"].lower()


def container_id(context: HandlerContext) -> str:
    return f"{common.workspace_id(context)}/{context.params['collection']}/{context.params['name']}"


def version_id(context: HandlerContext) -> str:
    return f"{container_id(context)}/versions/{context.params['version']}"


def container_key(context: HandlerContext) -> str:
    return common.case_sensitive_key(container_id(context), common.workspace_id(context))


def version_key(context: HandlerContext) -> str:
    return common.case_sensitive_key(version_id(context), common.workspace_id(context))


def _kind(context: HandlerContext, part: str) -> str:
    return f"{_COLLECTIONS[_collection(context)]}{part}"


def _type(context: HandlerContext, *, version: bool) -> str:
    base = f"{common.WORKSPACE_TYPE}/{_collection(context)}"
    return f"{base}/versions" if version else base


def _type_and_name(context: HandlerContext, *, version: bool) -> str:
    params = context.params
    text = f"{common.WORKSPACE_TYPE}/{params['workspaceName']}/{_collection(context)}/{params['name']}"
    return f"{text}/versions/{params['version']}" if version else text


def _validate_names(context: HandlerContext) -> None:
    check_pattern(context.params["name"], ASSET_NAME, "name", "The asset name")


# ---------------------------------------------------------------------------------------------- versions


def get_version(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=False, as_parent=True)
        record = transaction.get(version_key(context))
        if record is None:
            raise common.resource_not_found(context, _type_and_name(context, version=True))
        return Response(200, record.body)


def list_versions(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=False, as_parent=True)
        prefix = f"{container_key(context)}/versions/"
        items = [record.body for record in transaction.list(_kind(context, "Version"), prefix)]
    items = _filter_archived(context, items)
    return Response(200, common.page(context, items, page_size=common.page_size_parameter(context, "$top")))


def put_version(context: HandlerContext) -> Response:
    _validate_names(context)
    request = schemas.conform(_TABLES[_collection(context)], common.json_body(context))
    properties: JsonObject = dict(request["properties"])
    for read_only in ("provisioningState",):
        properties.pop(read_only, None)
    _respell_uris(context, properties)
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=True, as_parent=True)
        key = version_key(context)
        existing = transaction.get(key)
        if existing is not None:
            _refuse_immutable_changes(context, existing.body["properties"], properties)
        body = _version_body(context, properties, existing)
        record = ResourceRecord(key=key, id=version_id(context), kind=_kind(context, "Version"), body=body)
        if existing is not None:
            record.sequence = existing.sequence
        transaction.put(record)
        _touch_container(transaction, context)
    if existing is not None:
        return Response(200, body)
    return Response(201, body, answers_newer.created_location(context))


def _respell_uris(context: HandlerContext, properties: JsonObject) -> None:
    """The URIs as the service stores them (``answers_newer.model_uri_as_stored``, ``data_uri_as_stored``)."""
    collection = _collection(context)
    if collection == "models" and isinstance(properties.get("modelUri"), str):
        properties["modelUri"] = answers_newer.model_uri_as_stored(properties["modelUri"])
    if collection == "data" and isinstance(properties.get("dataUri"), str):
        params = context.params
        properties["dataUri"] = answers_newer.data_uri_as_stored(
            properties["dataUri"],
            str(properties.get("dataType")),
            subscription=params["subscriptionId"],
            resource_group=params["resourceGroupName"],
            workspace=params["workspaceName"],
        )


def _server_defaults(context: HandlerContext) -> JsonObject:
    defaults: JsonObject = {"isAnonymous": False, "isArchived": False, "tags": {}, "properties": {}}
    if _collection(context) == "models":
        defaults["modelType"] = "CustomModel"  # the service's default when none is sent
        defaults["stage"] = answers_newer.MODEL_STAGE
    if _collection(context) == "data":
        defaults["stage"] = answers_newer.DATA_STAGE
    return defaults


def _version_body(context: HandlerContext, properties: JsonObject, existing: ResourceRecord | None) -> JsonObject:
    merged = {**_server_defaults(context), **{name: value for name, value in properties.items() if value is not None}}
    merged["provisioningState"] = "Succeeded"
    return {
        "id": version_id(context),
        "name": context.params["version"],
        "type": _type(context, version=True),
        "properties": merged,
        "systemData": common.system_data(context, existing.body.get("systemData") if existing else None),
    }


def _refuse_immutable_changes(context: HandlerContext, current: JsonObject, requested: JsonObject) -> None:
    # What the request would store: left-out members take the service's defaults. Leaving out registered content
    # (a URI) therefore counts as changing it: a PUT is a full replace, and this emulator does not assume the
    # service keeps what a client forgot to send.
    after_all = {**_server_defaults(context), **{k: v for k, v in requested.items() if v is not None}}
    for name in sorted(set(current) | set(after_all)):
        if name in MUTABLE or name == "provisioningState":
            continue
        if _same(current.get(name), after_all.get(name)):
            continue
        params = context.params
        raise bad_request(
            f"Value of property {name} for {_COLLECTIONS[_collection(context)]} asset {params['name']}:"
            f"{params['version']} cannot be replaced without increasing the version. Asset versions are immutable "
            "apart from description, tags, stage and isArchived.",
            target=f"properties.{name}",
        )


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, str) and isinstance(after, str):
        return before.rstrip("/") == after.rstrip("/")
    return bool(before == after or (not before and not after))


def delete_version(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=True, as_parent=True)
        key = version_key(context)
        if transaction.get(key) is None:
            return Response(204)
        transaction.delete_tree(key)
        _touch_container(transaction, context)
    return Response(200)


# ---------------------------------------------------------------------------------------------- containers


def _touch_container(transaction: StoreTransaction, context: HandlerContext) -> None:
    """Create the container on a first version, and keep its ``latestVersion``/``nextVersion`` current."""
    key = container_key(context)
    record = transaction.get(key)
    versions = transaction.list(_kind(context, "Version"), f"{container_key(context)}/versions/")
    names = [str(version.body["name"]) for version in versions]
    numeric = [int(name) for name in names if name.isdigit()]
    latest = names[-1] if names else None
    if record is None:
        body: JsonObject = {
            "id": container_id(context),
            "name": context.params["name"],
            "type": _type(context, version=False),
            "properties": {"isArchived": False, "tags": {}, "properties": {}, "provisioningState": "Succeeded"},
            "systemData": common.system_data(context, None),
        }
        record = ResourceRecord(key=key, id=container_id(context), kind=_kind(context, "Container"), body=body)
    properties = record.body["properties"]
    properties["latestVersion"] = latest
    properties["nextVersion"] = str(max(numeric) + 1) if numeric else "1"
    transaction.put(record)


def get_container(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=False, as_parent=True)
        record = transaction.get(container_key(context))
        if record is None:
            raise common.resource_not_found(context, _type_and_name(context, version=False))
        return Response(200, record.body)


def list_containers(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        workspace = common.require_workspace(transaction, context, writing=False, as_parent=True)
        prefix = f"{workspace.key}/{_collection(context)}/"
        items = [record.body for record in transaction.list(_kind(context, "Container"), prefix)]
    items = _filter_archived(context, items)
    return Response(200, common.page(context, items))


def delete_container(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=True, as_parent=True)
        key = container_key(context)
        if transaction.get(key) is None:
            return Response(204)
        transaction.delete_tree(key)  # its versions go with it
    return Response(200)


def _filter_archived(context: HandlerContext, items: list[JsonObject]) -> list[JsonObject]:
    """``listViewType``: ActiveOnly (the default), ArchivedOnly or All."""
    view = context.request.query.get("listViewType", "ActiveOnly")
    allowed = {"activeonly": False, "archivedonly": True}
    if view.lower() == "all":
        return items
    if view.lower() not in allowed:
        raise bad_request(
            f"The value '{view}' is not valid for listViewType: ActiveOnly, ArchivedOnly or All.", target="listViewType"
        )
    wanted = allowed[view.lower()]
    return [item for item in items if bool(item["properties"].get("isArchived")) == wanted]


# ---------------------------------------------------------------------------------------------- pending upload


def workspace_storage(workspace: ResourceRecord) -> tuple[str, str, str]:
    """(storage account ARM id, account name, default blob container) of a workspace.

    Every real workspace has a storage account; a workspace seeded into this emulator without one gets a name
    derived from its id, so uploads still have somewhere to go. The container is the one Azure ML creates for the
    workspace's default datastore (``azureml-blobstore-{workspaceId}``).
    """
    properties = workspace.body["properties"]
    storage_id = str(properties.get("storageAccount") or "")
    account = storage_id.rstrip("/").rsplit("/", 1)[-1] if storage_id else ""
    account = account or "st" + str(properties["workspaceId"]).replace("-", "")[:22]
    return storage_id, account, f"azureml-blobstore-{properties['workspaceId']}"


def start_pending_upload(context: HandlerContext) -> Response:
    """``CodeVersions_CreateOrGetStartPendingUpload``: a blob container of its own and its SAS, as recorded
    (``answers_newer.pending_upload_container``)."""
    _validate_names(context)
    request = schemas.conform(PENDING_UPLOAD_REQUEST, common.json_body(context))
    with context.store.transaction() as transaction:
        workspace = common.require_workspace(transaction, context, writing=True, as_parent=True)
    storage_id, account, _default_container = workspace_storage(workspace)
    upload_id = request.get("pendingUploadId") or str(uuid.uuid4())
    container = answers_newer.pending_upload_container(str(workspace.body["properties"]["workspaceId"]), upload_id)
    blob_uri = f"{context.base_url}{blobs.BLOB_PREFIX}{account}/{container}"
    sas = blobs.issue_container_sas(
        context.blob_key(account), account, container, now=context.now(), lifetime_seconds=PENDING_UPLOAD_SECONDS
    )
    return Response(
        200,
        {
            "blobReferenceForConsumption": {
                "blobUri": blob_uri,
                "storageAccountArmId": storage_id,
                "credential": {"credentialType": "SAS", "sasUri": f"{blob_uri}?{sas}"},
            },
            "pendingUploadId": upload_id,
            "pendingUploadType": answers_newer.PENDING_UPLOAD_TYPE_ANSWERED,
        },
    )
