"""Batch endpoints: put, get, patch, delete, list, listkeys.

* PUT → 201 ``Creating`` (``Updating`` for an existing endpoint, still 201) + ``Azure-AsyncOperation``
  (mfeOperationsStatus) + ``Location`` (the endpoint's URL) + ``x-ms-async-operation-timeout`` (``answers``).
  The body is ``additionalProperties: false`` at both levels, ``authMode`` is a required enum, tag values must
  not be empty.
* PATCH accepts only ``tags`` and ``identity`` (``PartialMinimalTrackedResourceWithIdentity``) → 202 + Location.
* DELETE → 202 + Location (+ timeout), or 204; deployments go with their endpoint. A GET afterwards answers the
  service's own 404, a never-created endpoint the gateway's (``answers.deleted_endpoint_not_found``).
* Keys are generated on create unless given, and only ``POST .../listkeys`` returns them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from .. import answers, operations, schemas
from ..context import HandlerContext, Outcome
from ..messages import JsonObject, Response, bad_request
from ..store import ResourceRecord, StoreTransaction
from ..validation import (
    check_pattern,
    reject_unknown_keys,
    string_map,
)
from . import common

ENDPOINT_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$")
"""endpointName on PUT/PATCH of endpoints and deployments."""

ENDPOINT_RESOURCE_TYPE = f"{common.WORKSPACE_TYPE}/batchEndpoints"


def validate_endpoint_name(context: HandlerContext) -> str:
    return check_pattern(context.params["endpointName"], ENDPOINT_NAME, "endpointName", "The endpoint name")


def endpoint_key(context: HandlerContext) -> str:
    return common.key_of(common.batch_endpoint_id(context))


def _type_and_name(context: HandlerContext) -> str:
    return f"{common.WORKSPACE_TYPE}/{context.params['workspaceName']}/batchEndpoints/{context.params['endpointName']}"


def render(record: ResourceRecord, context: HandlerContext) -> JsonObject:
    """The stored body is the wire shape; ``properties.keys`` is never part of it."""
    return record.body


def load(
    transaction: StoreTransaction, context: HandlerContext, *, writing: bool, count_poll: bool = False
) -> ResourceRecord | None:
    """The endpoint of the request (after its workspace), advanced by one poll when asked."""
    common.require_workspace(transaction, context, writing=writing, as_parent=True)
    return common.observed(transaction, context, common.batch_endpoint_id(context), count_poll=count_poll)


def _require(transaction: StoreTransaction, context: HandlerContext, *, writing: bool) -> ResourceRecord:
    record = load(transaction, context, writing=writing)
    if record is None:
        raise not_found(transaction, context)
    return record


def not_found(transaction: StoreTransaction, context: HandlerContext) -> Exception:
    """The service's own 404 for an endpoint it deleted, the gateway's for one that never existed
    (:func:`answers.deleted_endpoint_not_found`); the delete leaves the name remembered (soft-deleted)."""
    if transaction.soft_deleted(endpoint_key(context)):
        return answers.deleted_endpoint_not_found(context.params["endpointName"], context.params["workspaceName"])
    return common.resource_not_found(context, _type_and_name(context))


def async_headers(context: HandlerContext, operation: operations.Operation, *, location: bool) -> dict[str, str]:
    """Headers of an accepted batch PATCH or DELETE; a PUT answers
    :func:`answers.mfe_put_headers`."""
    headers = {"x-ms-async-operation-timeout": context.settings.async_operation_timeout, **common.retry_after(context)}
    if location:
        headers["Location"] = operations.result_url(context.base_url, operation)
    else:
        headers["Azure-AsyncOperation"] = operations.status_url(context.base_url, operation)
    return headers


def get_endpoint(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        record = load(transaction, context, writing=False, count_poll=True)
        if record is None:
            raise not_found(transaction, context)
        return Response(200, render(record, context))


def list_endpoints(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        workspace = common.require_workspace(transaction, context, writing=False, as_parent=True)
        items = []
        for record in transaction.list("batchEndpoint", f"{workspace.key}/batchendpoints/"):
            current = operations.observe_resource(transaction, record, now=context.now(), count_poll=False)
            if current is not None:
                items.append(render(current, context))
    size = common.page_size_parameter(context, "count")
    return Response(200, common.page(context, items, page_size=size, keep=("count",)))


def _validate_put(body: JsonObject) -> tuple[JsonObject, JsonObject | None]:
    """A ``BatchEndpointTrackedResource`` already conformed to ``schemas.BATCH_ENDPOINT`` (types, enums, closed
    objects); what stays here is the service's rule on tag values. Returns (validated parts, keys given)."""
    properties = body["properties"]
    result: JsonObject = {
        "location": body["location"],
        "tags": common.validate_tags(body.get("tags"), "tags", non_empty_values=True),
        "kind": body.get("kind"),
        "sku": common.validate_sku(body.get("sku"), "sku"),
        "identity": common.validate_identity(body.get("identity"), "identity"),
        "authMode": properties["authMode"],
        "description": properties.get("description"),
        "properties": dict(properties.get("properties") or {}),
    }
    defaults = properties.get("defaults")
    if defaults is not None:
        result["defaults"] = {"deploymentName": defaults.get("deploymentName")}
    return result, properties.get("keys")


def put_endpoint(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=True, as_parent=True)
        name = validate_endpoint_name(context)
        request, keys = _validate_put(schemas.conform(schemas.BATCH_ENDPOINT, common.json_body(context)))
        existing = load(transaction, context, writing=True)
        if existing is not None:
            existing = common.refuse_while_running(transaction, context, existing, _type_and_name(context))
            return _update(transaction, context, existing, request)
        resource_id = common.batch_endpoint_id(context)
        region = operations.region_of(request["location"])
        host = f"https://{name.lower()}.{region}.inference.ml.azure.com"
        # The service adds its own entries to the property bag (observed in `az ml batch-endpoint show` output).
        system_properties = {
            "BatchEndpointCreationApiVersion": context.api_version,
            "azureml.onlineendpointid": resource_id,
        }
        body: JsonObject = {
            "id": resource_id,
            "name": name,
            "type": ENDPOINT_RESOURCE_TYPE,
            "location": request["location"],
            "tags": request["tags"],
            "systemData": common.system_data(context, None),
            "properties": {
                "description": request["description"],
                "properties": {**request["properties"], **system_properties},
                "scoringUri": f"{host}/jobs",
                "swaggerUri": f"{host}/swagger.json",
                "authMode": request["authMode"],
                "defaults": request.get("defaults") or {"deploymentName": None},
                "provisioningState": "Creating",
            },
        }
        common.apply_envelope(body, context, request, previous=None)
        stored_keys = {
            "primaryKey": (keys or {}).get("primaryKey") or secrets.token_urlsafe(32),
            "secondaryKey": (keys or {}).get("secondaryKey") or secrets.token_urlsafe(32),
        }
        record = ResourceRecord(
            key=common.key_of(resource_id), id=resource_id, kind="batchEndpoint", body=body, secrets=stored_keys
        )
        operation = operations.start(
            transaction,
            context,
            record,
            family="mfe",
            action="create",
            location=request["location"],
            changes=_final_state,
        )
        return Response(
            answers.MFE_PUT_STATUS, render(record, context), answers.mfe_put_headers(context, operation, resource_id)
        )


def _final_state(outcome: Outcome) -> list[operations.Change]:
    return [(["properties", "provisioningState"], outcome.status)]


def _update(
    transaction: StoreTransaction, context: HandlerContext, record: ResourceRecord, request: JsonObject
) -> Response:
    """PUT over an existing endpoint: an idempotent full replace, except what the service keeps."""
    body = record.body
    if operations.region_of(request["location"]) != operations.region_of(body["location"]):
        raise bad_request("The location of a batch endpoint cannot be changed.", target="location")
    properties = body["properties"]
    bag = dict(properties.get("properties") or {})
    for name, value in request["properties"].items():
        # "Properties can be added, but not removed or altered" (EndpointPropertiesBase.properties).
        if name in bag and bag[name] != value:
            raise bad_request(
                f"The property '{name}' cannot be altered once set (properties can be added, not changed).",
                target=f"properties.properties.{name}",
            )
        bag[name] = value
    properties.update(
        {
            "description": request["description"],
            "properties": bag,
            "authMode": request["authMode"],
            "defaults": request.get("defaults") or {"deploymentName": None},
            "provisioningState": "Updating",
        }
    )
    body["tags"] = request["tags"]
    common.apply_envelope(body, context, request, previous=body.get("identity"))
    body["systemData"] = common.system_data(context, body.get("systemData"))
    operation = operations.start(
        transaction, context, record, family="mfe", action="update", location=body["location"], changes=_final_state
    )
    return Response(
        answers.MFE_PUT_STATUS, render(record, context), answers.mfe_put_headers(context, operation, record.id)
    )


def patch_endpoint(context: HandlerContext) -> Response:
    """``PartialMinimalTrackedResourceWithIdentity``: tags and identity only."""
    with context.store.transaction() as transaction:
        record = _require(transaction, context, writing=True)
        validate_endpoint_name(context)
        body = schemas.conform(schemas.BATCH_ENDPOINT_PATCH, common.json_body(context))
        reject_unknown_keys(body, ("tags", "identity"), "", "PartialMinimalTrackedResourceWithIdentity")
        tags = None
        if "tags" in body:
            given = string_map(body.get("tags") or {}, "tags", allow_null_values=True)
            for tag, value in given.items():
                if value == "":
                    raise bad_request(f"The value of 'tags.{tag}' must not be empty.", target=f"tags.{tag}")
            # A null value removes the tag; the map replaces the old one (ARM PATCH convention).
            tags = {tag: value for tag, value in given.items() if value is not None}
        identity = common.validate_identity(body.get("identity"), "identity", partial=True)
        return start_patch(transaction, context, record, _type_and_name(context), tags, identity, _final_state)


def delete_endpoint(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        record = load(transaction, context, writing=True)
        if record is None:
            return Response(204)
        return start_delete(transaction, context, record, _type_and_name(context), remember=True)


def start_patch(
    transaction: StoreTransaction,
    context: HandlerContext,
    record: ResourceRecord,
    type_and_name: str,
    tags: dict[str, str] | None,
    identity: JsonObject | None,
    final_state: Callable[[Outcome], list[operations.Change]],
) -> Response:
    """Batch and online endpoints alike (``PartialMinimalTrackedResourceWithIdentity``): the validated tags (a new
    map replaces the old) and identity applied, ``Updating`` until the operation ends, 202 + Location."""
    record = common.refuse_while_running(transaction, context, record, type_and_name)
    if tags is not None:
        record.body["tags"] = tags
    if identity is not None:
        record.body["identity"] = common.render_identity(
            identity, record.body.get("identity"), context.settings.tenant_id
        )
    record.body["properties"]["provisioningState"] = "Updating"
    record.body["systemData"] = common.system_data(context, record.body.get("systemData"))
    operation = operations.start(
        transaction,
        context,
        record,
        family="mfe",
        action="update",
        location=record.body["location"],
        changes=final_state,
    )
    return Response(202, None, async_headers(context, operation, location=True))


def start_delete(
    transaction: StoreTransaction,
    context: HandlerContext,
    record: ResourceRecord,
    type_and_name: str,
    *,
    remember: bool = False,
) -> Response:
    """Batch endpoints and deployments alike: 202 + Location (+ Azure-AsyncOperation), ``Deleting`` until done."""
    record = common.refuse_while_running(transaction, context, record, type_and_name)
    record.body["properties"]["provisioningState"] = "Deleting"
    operation = operations.start(
        transaction,
        context,
        record,
        family="mfe",
        action="delete",
        location=record.body["location"],
        changes=lambda outcome: [(["properties", "provisioningState"], "Failed")],
        delete_resource=True,
        soft_delete=remember,
        returns_resource=False,
    )
    return Response(202, None, async_headers(context, operation, location=True))


def list_keys(context: HandlerContext) -> Response:
    """``EndpointAuthKeys``: the only place the keys ever leave the emulator."""
    with context.store.transaction() as transaction:
        record = _require(transaction, context, writing=False)
    return Response(
        200, {"primaryKey": record.secrets.get("primaryKey"), "secondaryKey": record.secrets.get("secondaryKey")}
    )
