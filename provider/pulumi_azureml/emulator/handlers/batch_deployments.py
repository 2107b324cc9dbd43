"""Batch deployments: put, get, patch, delete, list under a batch endpoint.

* PUT → 201 ``Creating`` (``Updating`` for an existing deployment, still 201) + ``Azure-AsyncOperation`` +
  ``Location`` + ``x-ms-async-operation-timeout`` (``answers.mfe_put_headers``); ``resources`` come back with
  every member and an empty ``properties`` bag as null (``answers.deployment_resources``), while the deployment's
  own bag comes back as sent, ``{}`` included (``answers.deployment_property_bag``). Server defaults are
  filled as the spec declares them:
  miniBatchSize 10, maxConcurrencyPerInstance 1, outputAction AppendRow, outputFileName predictions.csv,
  retrySettings {maxRetries 3, timeout PT30S}, errorThreshold -1, loggingLevel Info, resources.instanceCount 1.
* PATCH accepts only ``properties.description`` and ``tags`` → 202 + Location.
* DELETE → 202 + Location, or 204.
"""

from __future__ import annotations

import re
import types

from .. import answers, operations, schemas
from ..context import HandlerContext, Outcome
from ..messages import JsonObject, Response, bad_request, conflict
from ..store import ResourceRecord, StoreTransaction
from ..validation import (
    check_pattern,
    expect_string,
    optional_object,
    optional_string,
    reject_unknown_keys,
    require_field,
    string_map,
)
from . import batch_endpoints, common

DEPLOYMENT_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$")
DEPLOYMENT_RESOURCE_TYPE = f"{batch_endpoints.ENDPOINT_RESOURCE_TYPE}/deployments"
SERVER_DEFAULTS = types.MappingProxyType(
    {
        "miniBatchSize": 10,
        "maxConcurrencyPerInstance": 1,
        "outputAction": "AppendRow",
        "outputFileName": "predictions.csv",
        "errorThreshold": -1,
        "loggingLevel": "Info",
    }
)
_ASSET_FIELDS = types.MappingProxyType(
    {
        "Id": ("referenceType", "assetId"),
        "DataPath": ("referenceType", "datastoreId", "path"),
        "OutputPath": ("referenceType", "jobId", "path"),
    }
)


def _deployment_id(context: HandlerContext) -> str:
    return f"{common.batch_endpoint_id(context)}/deployments/{context.params['deploymentName']}"


def _type_and_name(context: HandlerContext) -> str:
    params = context.params
    return (
        f"{common.WORKSPACE_TYPE}/{params['workspaceName']}/batchEndpoints/{params['endpointName']}/"
        f"deployments/{params['deploymentName']}"
    )


def render(record: ResourceRecord, context: HandlerContext) -> JsonObject:
    return record.body


def _require_endpoint(transaction: StoreTransaction, context: HandlerContext, *, writing: bool) -> ResourceRecord:
    endpoint = batch_endpoints.load(transaction, context, writing=writing)
    if endpoint is None:
        raise common.parent_not_found(context.params["endpointName"])
    if writing and common.provisioning_state(endpoint) == "Deleting":
        raise conflict(f"The batch endpoint '{endpoint.body['name']}' is being deleted; its deployments cannot change.")
    return endpoint


def _load(
    transaction: StoreTransaction, context: HandlerContext, *, writing: bool, count_poll: bool = False
) -> ResourceRecord | None:
    _require_endpoint(transaction, context, writing=writing)
    return common.observed(transaction, context, _deployment_id(context), count_poll=count_poll)


# ---------------------------------------------------------------------------------------------- validation
#
# Per-value rules (types, integer formats, enums, required members, closed objects, the scoring-script pattern,
# asset ids) are the declarative table ``schemas.BATCH_DEPLOYMENT``, applied before these run; what stays here
# is what a table cannot say: the per-variant members of an asset reference, the service's ranges, and the
# server defaults the GET shows.


def _asset_reference(reference: JsonObject | None, target: str) -> JsonObject | None:
    if reference is None:
        return None
    kind = reference["referenceType"]
    reject_unknown_keys(reference, _ASSET_FIELDS[kind], target)
    if kind == "Id":
        expect_string(require_field(reference, "assetId", f"{target}.assetId"), f"{target}.assetId", min_length=1)
    return dict(reference)


def _at_least(value: int | None, minimum: int, target: str) -> int | None:
    if value is not None and value < minimum:
        raise bad_request(f"'{target}' must be greater than or equal to {minimum}.", target=target)
    return value


def _validate_properties(properties: JsonObject) -> JsonObject:
    target = "properties"
    result: JsonObject = {
        name: properties[name]
        for name in (
            "description",
            "environmentId",
            "compute",
            "outputFileName",
            "environmentVariables",
            "loggingLevel",
            "outputAction",
            "deploymentConfiguration",
        )
        if properties.get(name) is not None
    }
    result["properties"] = answers.deployment_property_bag(properties.get("properties"))
    code = properties.get("codeConfiguration")
    if code is not None:
        result["codeConfiguration"] = {"codeId": code.get("codeId"), "scoringScript": code["scoringScript"]}
    limits = (("errorThreshold", -1), ("miniBatchSize", 1), ("maxConcurrencyPerInstance", 1))
    for name, minimum in limits:
        number = _at_least(properties.get(name), minimum, f"{target}.{name}")
        if number is not None:
            result[name] = number
    model = _asset_reference(properties.get("model"), f"{target}.model")
    if model is not None:
        result["model"] = model
    retry = properties.get("retrySettings") or {}
    retries = _at_least(retry.get("maxRetries"), 0, f"{target}.retrySettings.maxRetries")
    result["retrySettings"] = {
        "maxRetries": 3 if retries is None else retries,
        "timeout": retry.get("timeout") or "PT30S",
    }
    resources = properties.get("resources") or {}
    count = _at_least(resources.get("instanceCount"), 1, f"{target}.resources.instanceCount")
    resource_configuration: JsonObject = {"instanceCount": 1 if count is None else count}
    for name in ("instanceType", "properties"):
        if resources.get(name) is not None:
            resource_configuration[name] = resources[name]
    result["resources"] = answers.deployment_resources(resource_configuration)
    return {**SERVER_DEFAULTS, **result}


def _validate_put(body: JsonObject) -> JsonObject:
    """A PUT body already conformed to ``schemas.BATCH_DEPLOYMENT``."""
    return {
        "location": body["location"],
        "tags": common.validate_tags(body.get("tags"), "tags"),
        "kind": body.get("kind"),
        "sku": common.validate_sku(body.get("sku"), "sku"),
        "identity": common.validate_identity(body.get("identity"), "identity"),
        "properties": _validate_properties(body["properties"]),
    }


# ---------------------------------------------------------------------------------------------- handlers


def get_deployment(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        record = _load(transaction, context, writing=False, count_poll=True)
        if record is None:
            raise common.resource_not_found(context, _type_and_name(context))
        return Response(200, render(record, context))


def list_deployments(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        endpoint = _require_endpoint(transaction, context, writing=False)
        items = []
        for record in transaction.list("batchDeployment", f"{endpoint.key}/deployments/"):
            current = operations.observe_resource(transaction, record, now=context.now(), count_poll=False)
            if current is not None:
                items.append(render(current, context))
    size = common.page_size_parameter(context, "$top")
    return Response(200, common.page(context, items, page_size=size, keep=("$top",)))


def _final_state(outcome: Outcome) -> list[operations.Change]:
    return [(["properties", "provisioningState"], outcome.status)]


def put_deployment(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        _require_endpoint(transaction, context, writing=True)
        batch_endpoints.validate_endpoint_name(context)
        name = check_pattern(context.params["deploymentName"], DEPLOYMENT_NAME, "deploymentName", "The deployment name")
        request = _validate_put(schemas.conform(schemas.BATCH_DEPLOYMENT, common.json_body(context)))
        existing = _load(transaction, context, writing=True)
        if existing is not None:
            existing = common.refuse_while_running(transaction, context, existing, _type_and_name(context))
            return _update(transaction, context, existing, request)
        resource_id = _deployment_id(context)
        body: JsonObject = {
            "id": resource_id,
            "name": name,
            "type": DEPLOYMENT_RESOURCE_TYPE,
            "location": request["location"],
            "tags": request["tags"],
            "systemData": common.system_data(context, None),
            "properties": {**request["properties"], "provisioningState": "Creating"},
        }
        common.apply_envelope(body, context, request, previous=None)
        record = ResourceRecord(key=common.key_of(resource_id), id=resource_id, kind="batchDeployment", body=body)
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


def _update(
    transaction: StoreTransaction, context: HandlerContext, record: ResourceRecord, request: JsonObject
) -> Response:
    body = record.body
    if operations.region_of(request["location"]) != operations.region_of(body["location"]):
        raise bad_request("The location of a batch deployment cannot be changed.", target="location")
    body["properties"] = {**request["properties"], "provisioningState": "Updating"}
    body["tags"] = request["tags"]
    common.apply_envelope(body, context, request, previous=body.get("identity"))
    body["systemData"] = common.system_data(context, body.get("systemData"))
    operation = operations.start(
        transaction, context, record, family="mfe", action="update", location=body["location"], changes=_final_state
    )
    return Response(
        answers.MFE_PUT_STATUS, render(record, context), answers.mfe_put_headers(context, operation, record.id)
    )


def patch_deployment(context: HandlerContext) -> Response:
    """``PartialBatchDeploymentPartialMinimalTrackedResourceWithProperties``: description and tags only."""
    with context.store.transaction() as transaction:
        record = _load(transaction, context, writing=True)
        if record is None:
            raise common.resource_not_found(context, _type_and_name(context))
        batch_endpoints.validate_endpoint_name(context)
        check_pattern(context.params["deploymentName"], DEPLOYMENT_NAME, "deploymentName", "The deployment name")
        body = schemas.conform(schemas.BATCH_DEPLOYMENT_PATCH, common.json_body(context))
        reject_unknown_keys(
            body, ("properties", "tags"), "", "PartialBatchDeploymentPartialMinimalTrackedResourceWithProperties"
        )
        properties = optional_object(body.get("properties"), "properties")
        description_given = False
        description = None
        if properties is not None:
            reject_unknown_keys(properties, ("description",), "properties", "PartialBatchDeployment")
            description_given = "description" in properties
            description = optional_string(properties.get("description"), "properties.description")
        tags = None
        if "tags" in body:
            given = string_map(body.get("tags") or {}, "tags", allow_null_values=True)
            tags = {tag: value for tag, value in given.items() if value is not None}
        record = common.refuse_while_running(transaction, context, record, _type_and_name(context))
        if description_given:
            record.body["properties"]["description"] = description
        if tags is not None:
            record.body["tags"] = tags
        record.body["properties"]["provisioningState"] = "Updating"
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
        record = _load(transaction, context, writing=True)
        if record is None:
            return Response(204)
        return batch_endpoints.start_delete(transaction, context, record, _type_and_name(context))
