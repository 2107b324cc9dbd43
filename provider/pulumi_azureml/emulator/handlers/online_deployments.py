"""Online deployments: put, get, patch, delete, list and getLogs under an online endpoint.

* PUT → 201 ``Updating`` (create and update alike) + ``Azure-AsyncOperation`` (an ``od:`` operation) +
  ``Location`` + ``x-ms-async-operation-timeout`` (``answers.mfe_put_headers``). The body is
  ``OnlineDeploymentTrackedResource`` (closed). The deployment's name is stored lower-cased. What the service
  fills is recorded (``answers_newer``): ``requestSettings`` and both probes (the 201 echo differs from the GET),
  ``sku.tier`` Standard, ``kind``, ``privateNetworkConnection``, ``egressPublicNetworkAccess`` and
  ``AzureAsyncOperationUri`` in the property bag. From the spec's defaults: ``appInsightsEnabled`` false,
  ``instanceType`` Standard_F4s_v2 (Managed), ``scaleSettings`` Default for Managed and TargetUtilization for
  Kubernetes; a missing ``sku`` reads back as ``{name: Default, capacity: 1}``.
* ``endpointComputeType``, ``instanceType`` and ``codeConfiguration`` are create-only (mfe.json x-ms-mutability
  [create, read] on ``instanceType``, ``codeId`` and ``scoringScript``): a PUT changing one is a 400.
* PATCH accepts only ``tags`` and ``sku`` (``PartialMinimalTrackedResourceWithSku``) → 202 + Location; a new
  ``sku.capacity`` is a scale-out or scale-in.
* DELETE → 202 with the body ``null`` + Azure-AsyncOperation + Location, or 204; refused (400) while the endpoint
  still routes live or mirrored traffic to it. A GET afterwards is the service's ``NoSuchService`` 404.
* ``getLogs`` → 200 ``{content}``: the last ``tail`` lines of the chosen container's log.
"""

from __future__ import annotations

import re
import types

from .. import answers, answers_newer, operations, schemas
from ..context import HandlerContext, Outcome
from ..messages import JsonObject, Response, bad_request, conflict
from ..store import ResourceRecord, StoreTransaction
from ..validation import check_pattern, string_map
from . import batch_endpoints, common, online_endpoints

DEPLOYMENT_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$")
DEPLOYMENT_RESOURCE_TYPE = f"{online_endpoints.ENDPOINT_RESOURCE_TYPE}/deployments"
DEFAULT_INSTANCE_TYPE = "Standard_F4s_v2"
TARGET_UTILIZATION_DEFAULTS = types.MappingProxyType(
    {"minInstances": 1, "maxInstances": 1, "pollingInterval": "PT1S", "targetUtilizationPercentage": 70}
)
DEFAULT_LOG_LINES = 5000
"""``tail`` when the request gives none."""


def _deployment_id(context: HandlerContext) -> str:
    return f"{online_endpoints.endpoint_id(context)}/deployments/{context.params['deploymentName']}"


def _type_and_name(context: HandlerContext) -> str:
    return f"{online_endpoints.type_and_name(context)}/deployments/{context.params['deploymentName']}"


def _require_endpoint(transaction: StoreTransaction, context: HandlerContext, *, writing: bool) -> ResourceRecord:
    endpoint = online_endpoints.load(transaction, context, writing=writing)
    if endpoint is None:
        raise common.parent_not_found(context.params["endpointName"])
    if writing and common.provisioning_state(endpoint) == "Deleting":
        raise conflict(
            f"The online endpoint '{endpoint.body['name']}' is being deleted; its deployments cannot change."
        )
    return endpoint


def _load(
    transaction: StoreTransaction, context: HandlerContext, *, writing: bool, count_poll: bool = False
) -> ResourceRecord | None:
    _require_endpoint(transaction, context, writing=writing)
    return common.observed(transaction, context, _deployment_id(context), count_poll=count_poll)


def _require(transaction: StoreTransaction, context: HandlerContext, *, writing: bool) -> ResourceRecord:
    record = _load(transaction, context, writing=writing)
    if record is None:
        raise _not_found(transaction, context)
    return record


def _not_found(transaction: StoreTransaction, context: HandlerContext) -> Exception:
    """The service's ``NoSuchService`` 404 for a deployment it deleted, the gateway's for one never created."""
    if transaction.soft_deleted(common.key_of(_deployment_id(context))):
        return answers_newer.deleted_online_not_found(
            context,
            endpoint=context.params["endpointName"],
            deployment=context.params["deploymentName"].lower(),
            resource_group=context.params["resourceGroupName"],
        )
    return common.resource_not_found(context, _type_and_name(context))


def _scale(value: JsonObject | None, compute_type: str) -> JsonObject:
    if value is None:
        value = {"scaleType": "TargetUtilization" if compute_type == "Kubernetes" else "Default"}
    if value["scaleType"] == "Default":
        extra = sorted(key for key in value if key != "scaleType")
        if extra:
            raise bad_request(
                f"'properties.scaleSettings.{extra[0]}' applies only to scaleType TargetUtilization.",
                target=f"properties.scaleSettings.{extra[0]}",
            )
        return {"scaleType": "Default"}
    result = {**TARGET_UTILIZATION_DEFAULTS, **{key: item for key, item in value.items() if item is not None}}
    if result["minInstances"] > result["maxInstances"]:
        raise bad_request(
            "'properties.scaleSettings.minInstances' must not exceed maxInstances.",
            target="properties.scaleSettings.minInstances",
        )
    return result


def _validate_properties(properties: JsonObject) -> JsonObject:
    compute_type = properties["endpointComputeType"]
    if compute_type != "Kubernetes" and properties.get("containerResourceRequirements") is not None:
        raise bad_request(
            "'properties.containerResourceRequirements' applies only to Kubernetes deployments.",
            target="properties.containerResourceRequirements",
        )
    result: JsonObject = {
        name: properties[name]
        for name in (
            "description",
            "environmentId",
            "environmentVariables",
            "properties",
            "model",
            "modelMountPath",
            "dataCollector",
            "containerResourceRequirements",
            "startupProbe",
        )
        if properties.get(name) is not None
    }
    code = properties.get("codeConfiguration")
    if code is not None:
        result["codeConfiguration"] = {"codeId": code.get("codeId"), "scoringScript": code["scoringScript"]}
    result.update(
        {
            "endpointComputeType": compute_type,
            "appInsightsEnabled": bool(properties.get("appInsightsEnabled") or False),
            "egressPublicNetworkAccess": properties.get("egressPublicNetworkAccess") or "Enabled",
            "scaleSettings": _scale(properties.get("scaleSettings"), compute_type),
        }
    )
    instance_type = properties.get("instanceType")
    if instance_type is None and compute_type == "Managed":
        instance_type = DEFAULT_INSTANCE_TYPE
    if instance_type is not None:
        result["instanceType"] = instance_type
    return result


def _validate_sku(value: object) -> JsonObject:
    sku = common.validate_sku(value, "sku") or {"name": "Default"}
    capacity = sku.get("capacity", 1)
    if capacity < 1:
        raise bad_request("'sku.capacity' (the instance count) must be at least 1.", target="sku.capacity")
    return {**sku, "capacity": capacity}


def _validate_put(body: JsonObject) -> JsonObject:
    return {
        "location": body["location"],
        "tags": common.validate_tags(body.get("tags"), "tags"),
        "kind": body.get("kind"),
        "sku": _validate_sku(body.get("sku")),
        "identity": common.validate_identity(body.get("identity"), "identity"),
        "properties": _validate_properties(body["properties"]),
        "sent": body["properties"],
    }


def _as_stored(request: JsonObject, status_url: str) -> JsonObject:
    """The deployment's ``properties`` as the GET shows them, while the operation runs."""
    filled = answers_newer.online_deployment_filled(request["properties"], request["sent"], status_url)
    return {**filled, "provisioningState": answers_newer.DEPLOYMENT_ECHO_STATE}


def get_deployment(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        record = _load(transaction, context, writing=False, count_poll=True)
        if record is None:
            raise _not_found(transaction, context)
        return Response(200, record.body)


def list_deployments(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        endpoint = _require_endpoint(transaction, context, writing=False)
        items = []
        for record in transaction.list(online_endpoints.DEPLOYMENT_KIND, f"{endpoint.key}/deployments/"):
            current = operations.observe_resource(transaction, record, now=context.now(), count_poll=False)
            if current is not None:
                items.append(current.body)
    size = common.page_size_parameter(context, "$top")
    return Response(200, common.page(context, items, page_size=size, keep=("$top",)))


def _final_state(outcome: Outcome) -> list[operations.Change]:
    return [(["properties", "provisioningState"], outcome.status)]


def put_deployment(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        _require_endpoint(transaction, context, writing=True)
        workspace = common.require_workspace(transaction, context, writing=True, as_parent=True)
        online_endpoints.validate_endpoint_name(context)
        name = check_pattern(context.params["deploymentName"], DEPLOYMENT_NAME, "deploymentName", "The deployment name")
        request = _validate_put(schemas.conform(schemas.ONLINE_DEPLOYMENT, common.json_body(context)))
        operation_id = online_endpoints.new_operation_id(
            context, workspace, answers_newer.ONLINE_DEPLOYMENT_OPERATION_PREFIX
        )
        status_url = operations.status_url_of(context, "mfe", request["location"], operation_id)
        existing = _load(transaction, context, writing=True)
        if existing is not None:
            existing = common.refuse_while_running(transaction, context, existing, _type_and_name(context))
            return _update(transaction, context, existing, request, operation_id, status_url)
        stored_name = answers_newer.deployment_name_as_created(name)
        resource_id = f"{online_endpoints.endpoint_id(context)}/deployments/{stored_name}"
        body: JsonObject = {
            "id": resource_id,
            "name": stored_name,
            "type": DEPLOYMENT_RESOURCE_TYPE,
            "location": request["location"],
            "tags": request["tags"],
            "sku": answers_newer.online_deployment_sku(request["sku"]),
            "systemData": common.system_data(context, None),
            "properties": _as_stored(request, status_url),
        }
        common.apply_envelope(body, context, request, previous=None)
        body["sku"] = answers_newer.online_deployment_sku(body["sku"])
        body["kind"] = request["kind"] or answers_newer.online_deployment_kind(
            request["properties"]["endpointComputeType"]
        )
        record = ResourceRecord(
            key=common.key_of(resource_id), id=resource_id, kind=online_endpoints.DEPLOYMENT_KIND, body=body
        )
        operation = online_endpoints.start_operation(
            transaction, context, record, action="create", operation_id=operation_id, changes=_final_state
        )
        echo = answers_newer.online_deployment_echo(body, request["sent"])
        return Response(answers.MFE_PUT_STATUS, echo, answers.mfe_put_headers(context, operation, resource_id))


_CREATE_ONLY = (
    ("endpointComputeType", "properties.endpointComputeType"),
    ("instanceType", "properties.instanceType"),
    ("codeConfiguration", "properties.codeConfiguration"),
)


def _update(
    transaction: StoreTransaction,
    context: HandlerContext,
    record: ResourceRecord,
    request: JsonObject,
    operation_id: str,
    status_url: str,
) -> Response:
    body = record.body
    if operations.region_of(request["location"]) != operations.region_of(body["location"]):
        raise bad_request("The location of an online deployment cannot be changed.", target="location")
    new = request["properties"]
    for name, target in _CREATE_ONLY:
        if body["properties"].get(name) != new.get(name):
            raise bad_request(f"'{target}' cannot be changed once the deployment exists.", target=target)
    body["properties"] = _as_stored(request, status_url)
    body["tags"] = request["tags"]
    body["sku"] = request["sku"]
    common.apply_envelope(body, context, request, previous=body.get("identity"))
    body["sku"] = answers_newer.online_deployment_sku(body["sku"])
    body["systemData"] = common.system_data(context, body.get("systemData"))
    operation = online_endpoints.start_operation(
        transaction, context, record, action="update", operation_id=operation_id, changes=_final_state
    )
    echo = answers_newer.online_deployment_echo(body, request["sent"])
    return Response(answers.MFE_PUT_STATUS, echo, answers.mfe_put_headers(context, operation, record.id))


def patch_deployment(context: HandlerContext) -> Response:
    """``PartialMinimalTrackedResourceWithSku``: tags and sku (the instance count) only."""
    with context.store.transaction() as transaction:
        record = _require(transaction, context, writing=True)
        check_pattern(context.params["deploymentName"], DEPLOYMENT_NAME, "deploymentName", "The deployment name")
        body = schemas.conform(schemas.ONLINE_DEPLOYMENT_PATCH, common.json_body(context))
        tags = None
        if "tags" in body:
            given = string_map(body.get("tags") or {}, "tags", allow_null_values=True)
            tags = {tag: value for tag, value in given.items() if value is not None}
        sku = body.get("sku")
        if sku is not None and sku.get("capacity") is not None and sku["capacity"] < 1:
            raise bad_request("'sku.capacity' (the instance count) must be at least 1.", target="sku.capacity")
        record = common.refuse_while_running(transaction, context, record, _type_and_name(context))
        if tags is not None:
            record.body["tags"] = tags
        if sku:
            merged = {
                **(record.body.get("sku") or {"name": "Default"}),
                **{k: v for k, v in sku.items() if v is not None},
            }
            record.body["sku"] = merged
        scaling = bool(sku and sku.get("capacity") is not None)
        record.body["properties"]["provisioningState"] = "Scaling" if scaling else "Updating"
        record.body["systemData"] = common.system_data(context, record.body.get("systemData"))
        operation = operations.start(
            transaction,
            context,
            record,
            family="mfe",
            action="update",
            location=record.body["location"],
            changes=_final_state,
        )
        return Response(202, None, batch_endpoints.async_headers(context, operation, location=True))


def delete_deployment(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        endpoint = _require_endpoint(transaction, context, writing=True)
        record = _load(transaction, context, writing=True)
        if record is None:
            return Response(204)
        name = str(record.body["name"]).lower()
        properties = endpoint.body["properties"]
        for field, what in (("traffic", "traffic"), ("mirrorTraffic", "mirrored traffic")):
            share = {key.lower(): value for key, value in (properties.get(field) or {}).items()}.get(name, 0)
            if share:
                raise bad_request(
                    f"The deployment '{record.body['name']}' cannot be deleted while the endpoint "
                    f"'{endpoint.body['name']}' sends it {share}% of its {what}; update the endpoint's "
                    f"{field} first.",
                    target=f"properties.{field}",
                )
        workspace = common.require_workspace(transaction, context, writing=True, as_parent=True)
        operation_id = online_endpoints.new_operation_id(
            context, workspace, answers_newer.ONLINE_DEPLOYMENT_OPERATION_PREFIX
        )
        return online_endpoints.delete_online(transaction, context, record, _type_and_name(context), operation_id)


def get_logs(context: HandlerContext) -> Response:
    """``DeploymentLogs``: the last ``tail`` lines of the container's log (a made-up but stable log here)."""
    with context.store.transaction() as transaction:
        record = _require(transaction, context, writing=False)
    request = schemas.conform(schemas.DEPLOYMENT_LOGS, common.json_body(context))
    tail = request.get("tail")
    if tail is not None and tail < 0:
        raise bad_request("'tail' must not be negative.", target="tail")
    container = request.get("containerType") or "InferenceServer"
    lines = [f"{container}: deployment {record.body['name']} line {index}" for index in range(1, 21)]
    wanted = DEFAULT_LOG_LINES if tail is None else tail
    kept = lines[-wanted:] if wanted else []
    return Response(200, {"content": "\n".join(kept) + ("\n" if kept else "")})
