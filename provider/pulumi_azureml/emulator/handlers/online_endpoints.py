"""Online endpoints: put, get, patch, delete, list, listKeys, regenerateKeys, token.

* PUT → 201 ``Creating`` (``Updating`` for an existing endpoint, still 201) + ``Azure-AsyncOperation`` (an
  ``oeidp:`` operation) + ``Location`` + ``x-ms-async-operation-timeout`` (``answers.mfe_put_headers``). The body
  is ``OnlineEndpointTrackedResource``, closed at both levels. As recorded (``answers_newer``): ``kind`` Managed
  when none is sent, ``azureml.onlineendpointid`` and ``AzureAsyncOperationUri`` added to the property bag,
  ``scoringUri``/``swaggerUri`` null until the create succeeds, and an update's echo STALE (old tags and
  traffic until the operation ends). ``publicNetworkAccess`` defaults to ``Enabled`` (the spec's default).
* ``traffic`` and ``mirrorTraffic`` name deployments of this endpoint: a name that is not one is refused (400),
  ``traffic`` sums to 100 or to 0 ("Traffic values need to sum to 100", spec), ``mirrorTraffic`` to at most 50
  ("need to sum to utmost 50"). A PUT is a full replace: a body without ``traffic`` leaves the endpoint with none.
* PATCH accepts only ``tags`` and ``identity`` (``PartialMinimalTrackedResourceWithIdentity``) → 202 + Location.
* DELETE → 202 with the body ``null`` + Azure-AsyncOperation + Location (``answers_newer.online_delete_response``),
  or 204; the endpoint's deployments go with it, and a GET afterwards is the service's own 404.
* Keys are generated on create unless given; ``listKeys`` (200) and ``regenerateKeys`` (202 + Azure-AsyncOperation
  + Location, as the official example answers) apply to Key endpoints only; ``token`` (200
  ``EndpointAuthToken``) to token endpoints only.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable

from .. import answers, answers_newer, operations, schemas
from ..context import HandlerContext, Outcome
from ..messages import JsonObject, Response, bad_request
from ..store import ResourceRecord, StoreTransaction
from ..validation import check_pattern, reject_unknown_keys, string_map
from . import batch_endpoints, common

ENDPOINT_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$")
ENDPOINT_RESOURCE_TYPE = f"{common.WORKSPACE_TYPE}/onlineEndpoints"
KIND = "onlineEndpoint"
DEPLOYMENT_KIND = "onlineDeployment"
TOKEN_LIFETIME_SECONDS = 3600
"""An AML token's lifetime (``expiryTimeUtc`` - now); the refresh hint is half of it."""


def endpoint_id(context: HandlerContext) -> str:
    return f"{common.workspace_id(context)}/onlineEndpoints/{context.params['endpointName']}"


def endpoint_key(context: HandlerContext) -> str:
    return common.key_of(endpoint_id(context))


def type_and_name(context: HandlerContext) -> str:
    return f"{common.WORKSPACE_TYPE}/{context.params['workspaceName']}/onlineEndpoints/{context.params['endpointName']}"


def validate_endpoint_name(context: HandlerContext) -> str:
    return check_pattern(context.params["endpointName"], ENDPOINT_NAME, "endpointName", "The endpoint name")


def load(
    transaction: StoreTransaction, context: HandlerContext, *, writing: bool, count_poll: bool = False
) -> ResourceRecord | None:
    """The endpoint of the request (after its workspace), advanced by one poll when asked."""
    common.require_workspace(transaction, context, writing=writing, as_parent=True)
    return common.observed(transaction, context, endpoint_id(context), count_poll=count_poll)


def require(transaction: StoreTransaction, context: HandlerContext, *, writing: bool) -> ResourceRecord:
    record = load(transaction, context, writing=writing)
    if record is None:
        raise not_found(transaction, context)
    return record


def not_found(transaction: StoreTransaction, context: HandlerContext) -> Exception:
    """The service's own 404 for an endpoint it deleted (``answers_newer.deleted_online_not_found``), the
    gateway's for one that never existed."""
    if transaction.soft_deleted(endpoint_key(context)):
        return answers_newer.deleted_online_not_found(
            context,
            endpoint=context.params["endpointName"],
            deployment=None,
            resource_group=context.params["resourceGroupName"],
        )
    return common.resource_not_found(context, type_and_name(context))


def start_operation(
    transaction: StoreTransaction,
    context: HandlerContext,
    record: ResourceRecord,
    *,
    action: str,
    operation_id: str,
    changes: Callable[[Outcome], list[operations.Change]],
    delete_resource: bool = False,
) -> operations.Operation:
    """An online operation: its id has the recorded ``oeidp:``/``od:`` shape chosen before it starts."""
    return operations.start(
        transaction,
        context,
        record,
        family="mfe",
        action=action,
        location=record.body["location"],
        changes=changes,
        delete_resource=delete_resource,
        soft_delete=delete_resource,
        returns_resource=not delete_resource,
        operation_id=operation_id,
    )


def new_operation_id(context: HandlerContext, workspace: ResourceRecord, prefix: str) -> str:
    guid = str((workspace.body.get("properties") or {}).get("workspaceId") or uuid.UUID(int=0))
    return answers_newer.online_operation_id(prefix, guid)


def delete_online(
    transaction: StoreTransaction, context: HandlerContext, record: ResourceRecord, what: str, operation_id: str
) -> Response:
    """Online endpoints and deployments alike: ``Deleting`` until done, then gone and remembered (the GET after
    answers the service's 404); 202 as recorded (``answers_newer.online_delete_response``)."""
    record = common.refuse_while_running(transaction, context, record, what)
    record.body["properties"]["provisioningState"] = "Deleting"
    operation = start_operation(
        transaction,
        context,
        record,
        action="delete",
        operation_id=operation_id,
        changes=lambda outcome: [(["properties", "provisioningState"], "Failed")],
        delete_resource=True,
    )
    return answers_newer.online_delete_response(
        context, operations.status_url(context.base_url, operation), operations.result_url(context.base_url, operation)
    )


def deployment_names(transaction: StoreTransaction, endpoint: ResourceRecord) -> dict[str, str]:
    """The endpoint's deployments that exist and are not being deleted: lower-cased name → name."""
    names: dict[str, str] = {}
    for record in transaction.list(DEPLOYMENT_KIND, f"{endpoint.key}/deployments/"):
        if common.provisioning_state(record) != "Deleting":
            names[str(record.body["name"]).lower()] = str(record.body["name"])
    return names


def _validate_split(
    split: JsonObject | None, target: str, existing: dict[str, str], *, total: int | None, at_most: int | None
) -> JsonObject:
    """A ``traffic``/``mirrorTraffic`` map: known deployments, percentages 0..100, the sum rule."""
    result: JsonObject = {}
    for name, value in (split or {}).items():
        where = f"{target}.{name}"
        answers_newer.refuse_capitalised_traffic_key(name, target, existing)
        if name.lower() not in existing:
            raise bad_request(
                f"The deployment '{name}' named in {target} does not exist on this endpoint; "
                "create the deployment before sending it traffic.",
                target=where,
            )
        if value is None or value < 0 or value > 100:
            raise bad_request(f"'{where}' must be an integer from 0 to 100.", target=where)
        result[existing[name.lower()]] = value
    result = answers_newer.traffic_values(result)
    added = sum(int(value) for value in result.values())
    if total is not None and added not in (0, total):
        raise bad_request(
            f"The values of {target} must sum to {total} (or all be 0); they sum to {added}.", target=target
        )
    if at_most is not None and added > at_most:
        raise bad_request(f"The values of {target} must sum to at most {at_most}; they sum to {added}.", target=target)
    return result


def _validate_put(body: JsonObject, existing: dict[str, str]) -> JsonObject:
    properties = body["properties"]
    return {
        "location": body["location"],
        "tags": common.validate_tags(body.get("tags"), "tags"),
        "kind": body.get("kind"),
        "sku": common.validate_sku(body.get("sku"), "sku"),
        "identity": common.validate_identity(body.get("identity"), "identity"),
        "authMode": properties["authMode"],
        "description": properties.get("description"),
        "properties": dict(properties.get("properties") or {}),
        "compute": properties.get("compute"),
        "publicNetworkAccess": properties.get("publicNetworkAccess") or "Enabled",
        "traffic": _validate_split(properties.get("traffic"), "properties.traffic", existing, total=100, at_most=None),
        "mirrorTraffic": _validate_split(
            properties.get("mirrorTraffic"), "properties.mirrorTraffic", existing, total=None, at_most=50
        ),
        "keys": properties.get("keys"),
    }


def render(record: ResourceRecord) -> JsonObject:
    """The stored body is the wire shape; ``properties.keys`` is never part of it."""
    return record.body


def get_endpoint(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        record = load(transaction, context, writing=False, count_poll=True)
        if record is None:
            raise not_found(transaction, context)
        return Response(200, render(record))


def list_endpoints(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        workspace = common.require_workspace(transaction, context, writing=False, as_parent=True)
        items = []
        for record in transaction.list(KIND, f"{workspace.key}/onlineendpoints/"):
            current = operations.observe_resource(transaction, record, now=context.now(), count_poll=False)
            if current is not None:
                items.append(render(current))
    size = common.page_size_parameter(context, "count")
    return Response(200, common.page(context, items, page_size=size, keep=("count",)))


def _final_state(outcome: Outcome) -> list[operations.Change]:
    return [(["properties", "provisioningState"], outcome.status)]


def _create_changes(name: str, region: str) -> Callable[[Outcome], list[operations.Change]]:
    """The create's end: its state, and the URIs the service fills only once it succeeded."""
    scoring, swagger = answers_newer.online_endpoint_uris(name, region)

    def changes(outcome: Outcome) -> list[operations.Change]:
        done: list[operations.Change] = [(["properties", "provisioningState"], outcome.status)]
        if outcome.status == "Succeeded":
            done += [(["properties", "scoringUri"], scoring), (["properties", "swaggerUri"], swagger)]
        return done

    return changes


def _update_changes(new_values: list[operations.Change]) -> Callable[[Outcome], list[operations.Change]]:
    """The update's end: its state and, when it succeeded, the values its echo still showed stale."""

    def changes(outcome: Outcome) -> list[operations.Change]:
        done: list[operations.Change] = [(["properties", "provisioningState"], outcome.status)]
        return done + (new_values if outcome.status == "Succeeded" else [])

    return changes


def _live_properties(request: JsonObject) -> JsonObject:
    return {
        "description": request["description"],
        "authMode": request["authMode"],
        "compute": request["compute"],
        "publicNetworkAccess": request["publicNetworkAccess"],
        "traffic": request["traffic"],
        "mirrorTraffic": request["mirrorTraffic"],
    }


def put_endpoint(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        workspace = common.require_workspace(transaction, context, writing=True, as_parent=True)
        name = validate_endpoint_name(context)
        conformed = schemas.conform(schemas.ONLINE_ENDPOINT, common.json_body(context))
        existing = load(transaction, context, writing=True)
        deployments = deployment_names(transaction, existing) if existing is not None else {}
        request = _validate_put(conformed, deployments)
        if existing is not None:
            existing = common.refuse_while_running(transaction, context, existing, type_and_name(context))
            return _update(transaction, context, workspace, existing, request)
        resource_id = endpoint_id(context)
        region = operations.region_of(request["location"])
        operation_id = new_operation_id(context, workspace, answers_newer.ONLINE_ENDPOINT_OPERATION_PREFIX)
        status_url = operations.status_url_of(context, "mfe", request["location"], operation_id)
        body: JsonObject = {
            "id": resource_id,
            "name": name,
            "type": ENDPOINT_RESOURCE_TYPE,
            "location": request["location"],
            "tags": request["tags"],
            "systemData": common.system_data(context, None),
            "properties": {
                **_live_properties(request),
                "properties": {
                    **request["properties"],
                    **answers_newer.online_endpoint_service_properties(resource_id, status_url),
                },
                "scoringUri": None,
                "swaggerUri": None,
                "provisioningState": "Creating",
            },
        }
        common.apply_envelope(body, context, request, previous=None)
        body["kind"] = request["kind"] or answers_newer.ONLINE_ENDPOINT_KIND
        keys = request["keys"] or {}
        stored_keys = {
            "primaryKey": keys.get("primaryKey") or secrets.token_urlsafe(32),
            "secondaryKey": keys.get("secondaryKey") or secrets.token_urlsafe(32),
        }
        record = ResourceRecord(
            key=common.key_of(resource_id), id=resource_id, kind=KIND, body=body, secrets=stored_keys
        )
        operation = start_operation(
            transaction,
            context,
            record,
            action="create",
            operation_id=operation_id,
            changes=_create_changes(name, region),
        )
        return Response(
            answers.MFE_PUT_STATUS, render(record), answers.mfe_put_headers(context, operation, resource_id)
        )


def _update(
    transaction: StoreTransaction,
    context: HandlerContext,
    workspace: ResourceRecord,
    record: ResourceRecord,
    request: JsonObject,
) -> Response:
    """PUT over an existing endpoint: a full replace, except what the service keeps (keys, its own URIs and
    property-bag entries); the tags and traffic change only when the operation succeeds
    (``answers_newer.STALE_ON_UPDATE``)."""
    body = record.body
    if operations.region_of(request["location"]) != operations.region_of(body["location"]):
        raise bad_request("The location of an online endpoint cannot be changed.", target="location")
    properties = body["properties"]
    if (properties.get("compute") or "").lower() != (request["compute"] or "").lower():
        raise bad_request("The compute of an online endpoint cannot be changed.", target="properties.compute")
    operation_id = new_operation_id(context, workspace, answers_newer.ONLINE_ENDPOINT_OPERATION_PREFIX)
    status_url = operations.status_url_of(context, "mfe", body["location"], operation_id)
    bag = dict(properties.get("properties") or {})
    for name, value in request["properties"].items():
        if name in answers_newer.SERVICE_PROPERTY_KEYS:
            continue  # the service's own entries: sent back as last read, overwritten below
        # "Properties can be added, but not removed or altered" (EndpointPropertiesBase.properties).
        if name in bag and bag[name] != value:
            raise bad_request(
                f"The property '{name}' cannot be altered once set (properties can be added, not changed).",
                target=f"properties.properties.{name}",
            )
        bag[name] = value
    bag.update(answers_newer.online_endpoint_service_properties(record.id, status_url))
    live = _live_properties(request)
    new_values: list[operations.Change] = [(["tags"], request["tags"])]
    for name in ("traffic", "mirrorTraffic"):
        new_values.append((["properties", name], live.pop(name)))
    properties.update({**live, "properties": bag, "provisioningState": "Updating"})
    common.apply_envelope(body, context, request, previous=body.get("identity"))
    body["systemData"] = common.system_data(context, body.get("systemData"))
    operation = start_operation(
        transaction, context, record, action="update", operation_id=operation_id, changes=_update_changes(new_values)
    )
    return Response(answers.MFE_PUT_STATUS, render(record), answers.mfe_put_headers(context, operation, record.id))


def patch_endpoint(context: HandlerContext) -> Response:
    """``PartialMinimalTrackedResourceWithIdentity``: tags and identity only."""
    with context.store.transaction() as transaction:
        record = require(transaction, context, writing=True)
        validate_endpoint_name(context)
        body = schemas.conform(schemas.ONLINE_ENDPOINT_PATCH, common.json_body(context))
        reject_unknown_keys(body, ("tags", "identity"), "", "PartialMinimalTrackedResourceWithIdentity")
        tags = None
        if "tags" in body:
            given = string_map(body.get("tags") or {}, "tags", allow_null_values=True)
            tags = {tag: value for tag, value in given.items() if value is not None}
        identity = common.validate_identity(body.get("identity"), "identity", partial=True)
        return batch_endpoints.start_patch(
            transaction, context, record, type_and_name(context), tags, identity, _final_state
        )


def delete_endpoint(context: HandlerContext) -> Response:
    """The endpoint and, with it, its deployments (the store deletes the whole subtree)."""
    with context.store.transaction() as transaction:
        workspace = common.require_workspace(transaction, context, writing=True, as_parent=True)
        record = load(transaction, context, writing=True)
        if record is None:
            return Response(204)
        operation_id = new_operation_id(context, workspace, answers_newer.ONLINE_ENDPOINT_OPERATION_PREFIX)
        return delete_online(transaction, context, record, type_and_name(context), operation_id)


def _require_auth_mode(record: ResourceRecord, allowed: tuple[str, ...], operation: str) -> None:
    mode = str(record.body["properties"].get("authMode"))
    if mode not in allowed:
        raise bad_request(
            f"{operation} is not available for an endpoint whose authMode is '{mode}' "
            f"(only {' or '.join(repr(item) for item in allowed)}).",
            target="authMode",
        )


def list_keys(context: HandlerContext) -> Response:
    """``EndpointAuthKeys``: the only place the keys ever leave the emulator."""
    with context.store.transaction() as transaction:
        record = require(transaction, context, writing=False)
        _require_auth_mode(record, ("Key",), "Listing keys")
    return Response(
        200, {"primaryKey": record.secrets.get("primaryKey"), "secondaryKey": record.secrets.get("secondaryKey")}
    )


def regenerate_keys(context: HandlerContext) -> Response:
    """``RegenerateEndpointKeysRequest``: one key replaced (by ``keyValue`` or a new random one), as an LRO."""
    with context.store.transaction() as transaction:
        record = require(transaction, context, writing=True)
        _require_auth_mode(record, ("Key",), "Regenerating keys")
        request = schemas.conform(schemas.REGENERATE_KEYS, common.json_body(context))
        record = common.refuse_while_running(transaction, context, record, type_and_name(context))
        name = "primaryKey" if request["keyType"] == "Primary" else "secondaryKey"
        record.secrets = {**record.secrets, name: request.get("keyValue") or secrets.token_urlsafe(32)}
        record.body["properties"]["provisioningState"] = "Updating"
        operation = operations.start(
            transaction,
            context,
            record,
            family="mfe",
            action="update",
            location=record.body["location"],
            changes=_final_state,
            returns_resource=False,
        )
        headers = {
            **batch_endpoints.async_headers(context, operation, location=True),
            "Azure-AsyncOperation": operations.status_url(context.base_url, operation),
        }
        return Response(202, None, headers)


def get_token(context: HandlerContext) -> Response:
    """``EndpointAuthToken``: a fresh token with its expiry and refresh hint (Unix seconds)."""
    with context.store.transaction() as transaction:
        record = require(transaction, context, writing=False)
        _require_auth_mode(record, ("AMLToken", "AADToken"), "Getting a token")
    now = int(context.now())
    return Response(
        200,
        {
            "accessToken": secrets.token_urlsafe(48),
            "tokenType": "Bearer",
            "expiryTimeUtc": now + TOKEN_LIFETIME_SECONDS,
            "refreshAfterTimeUtc": now + TOKEN_LIFETIME_SECONDS // 2,
        },
    )
