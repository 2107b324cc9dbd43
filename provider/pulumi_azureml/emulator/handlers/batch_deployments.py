"""Batch deployments (REST contract §4): put, get, patch, delete, list under a batch endpoint.

* PUT → 201 ``Creating`` (``Updating`` for an existing deployment, still 201) + ``Azure-AsyncOperation`` +
  ``Location`` + ``x-ms-async-operation-timeout`` (``answers.mfe_put_headers``); ``resources`` come back with
  every member and an empty ``properties`` bag as null (``answers.deployment_resources``). Server defaults are
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
    duration_seconds,
    enum_value,
    expect_object,
    expect_string,
    optional_int,
    optional_object,
    optional_string,
    reject_unknown_keys,
    require_field,
    string_map,
)
from . import batch_endpoints, common

DEPLOYMENT_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$")
DEPLOYMENT_RESOURCE_TYPE = f"{batch_endpoints.ENDPOINT_RESOURCE_TYPE}/deployments"
LOGGING_LEVELS = ("Info", "Warning", "Debug")
OUTPUT_ACTIONS = ("SummaryOnly", "AppendRow")
REFERENCE_TYPES = ("Id", "DataPath", "OutputPath")
CONFIGURATION_TYPES = ("Model", "PipelineComponent")
PROPERTY_FIELDS = (
    "codeConfiguration",
    "description",
    "environmentId",
    "environmentVariables",
    "properties",
    "compute",
    "deploymentConfiguration",
    "errorThreshold",
    "loggingLevel",
    "maxConcurrencyPerInstance",
    "miniBatchSize",
    "model",
    "outputAction",
    "outputFileName",
    "provisioningState",
    "resources",
    "retrySettings",
)
"""``BatchDeployment`` + ``EndpointDeploymentPropertiesBase`` members (``additionalProperties: false``)."""

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
_SCORING_SCRIPT = re.compile(r"[a-zA-Z0-9_]")
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
    record = transaction.get(common.key_of(_deployment_id(context)))
    if record is None:
        return None
    return operations.observe_resource(transaction, record, now=context.now(), count_poll=count_poll)


# ---------------------------------------------------------------------------------------------- validation


def _asset_reference(value: object, target: str) -> JsonObject | None:
    reference = optional_object(value, target)
    if reference is None:
        return None
    kind = enum_value(
        require_field(reference, "referenceType", f"{target}.referenceType"), REFERENCE_TYPES, f"{target}.referenceType"
    )
    reject_unknown_keys(reference, _ASSET_FIELDS[kind], target)
    result: JsonObject = {**reference, "referenceType": kind}
    if kind == "Id":
        expect_string(require_field(reference, "assetId", f"{target}.assetId"), f"{target}.assetId", min_length=1)
    return result


def _validate_properties(properties: JsonObject) -> JsonObject:
    target = "properties"
    reject_unknown_keys(properties, PROPERTY_FIELDS, target, "BatchDeploymentProperties")
    result: JsonObject = {}
    code = optional_object(properties.get("codeConfiguration"), f"{target}.codeConfiguration")
    if code is not None:
        where = f"{target}.codeConfiguration"
        reject_unknown_keys(code, ("codeId", "scoringScript"), where, "CodeConfiguration")
        script = expect_string(
            require_field(code, "scoringScript", f"{where}.scoringScript"), f"{where}.scoringScript", min_length=1
        )
        check_pattern(script, _SCORING_SCRIPT, f"{where}.scoringScript", "The scoring script")
        result["codeConfiguration"] = {
            "codeId": optional_string(code.get("codeId"), f"{where}.codeId"),
            "scoringScript": script,
        }
    for name in ("description", "environmentId", "compute", "outputFileName"):
        text = optional_string(properties.get(name), f"{target}.{name}")
        if text is not None:
            result[name] = text
    for name in ("environmentVariables", "properties"):
        if properties.get(name) is not None:
            result[name] = string_map(properties[name], f"{target}.{name}", allow_null_values=True)
    error_threshold = optional_int(properties.get("errorThreshold"), f"{target}.errorThreshold", minimum=-1)
    if error_threshold is not None:
        result["errorThreshold"] = error_threshold
    for name in ("miniBatchSize", "maxConcurrencyPerInstance"):
        number = optional_int(properties.get(name), f"{target}.{name}", minimum=1)
        if number is not None:
            result[name] = number
    if properties.get("loggingLevel") is not None:
        result["loggingLevel"] = enum_value(properties["loggingLevel"], LOGGING_LEVELS, f"{target}.loggingLevel")
    if properties.get("outputAction") is not None:
        result["outputAction"] = enum_value(properties["outputAction"], OUTPUT_ACTIONS, f"{target}.outputAction")
    model = _asset_reference(properties.get("model"), f"{target}.model")
    if model is not None:
        result["model"] = model
    configuration = optional_object(properties.get("deploymentConfiguration"), f"{target}.deploymentConfiguration")
    if configuration is not None:
        where = f"{target}.deploymentConfiguration.deploymentConfigurationType"
        kind = enum_value(
            require_field(configuration, "deploymentConfigurationType", where), CONFIGURATION_TYPES, where
        )
        result["deploymentConfiguration"] = {**configuration, "deploymentConfigurationType": kind}
    retry = optional_object(properties.get("retrySettings"), f"{target}.retrySettings")
    retry_settings: JsonObject = {"maxRetries": 3, "timeout": "PT30S"}
    if retry is not None:
        reject_unknown_keys(retry, ("maxRetries", "timeout"), f"{target}.retrySettings", "BatchRetrySettings")
        retries = optional_int(retry.get("maxRetries"), f"{target}.retrySettings.maxRetries", minimum=0)
        if retries is not None:
            retry_settings["maxRetries"] = retries
        if retry.get("timeout") is not None:
            duration_seconds(retry["timeout"], f"{target}.retrySettings.timeout")
            retry_settings["timeout"] = retry["timeout"]
    result["retrySettings"] = retry_settings
    resources = optional_object(properties.get("resources"), f"{target}.resources")
    resource_configuration: JsonObject = {"instanceCount": 1}
    if resources is not None:
        reject_unknown_keys(
            resources,
            ("instanceCount", "instanceType", "properties"),
            f"{target}.resources",
            "DeploymentResourceConfiguration",
        )
        count = optional_int(resources.get("instanceCount"), f"{target}.resources.instanceCount", minimum=1)
        if count is not None:
            resource_configuration["instanceCount"] = count
        instance_type = optional_string(resources.get("instanceType"), f"{target}.resources.instanceType")
        if instance_type is not None:
            resource_configuration["instanceType"] = instance_type
        bag = optional_object(resources.get("properties"), f"{target}.resources.properties")
        if bag is not None:
            resource_configuration["properties"] = bag
    result["resources"] = answers.deployment_resources(resource_configuration)
    return {**SERVER_DEFAULTS, **result}


def _validate_put(body: JsonObject) -> JsonObject:
    reject_unknown_keys(body, batch_endpoints.ENVELOPE_FIELDS, "", "BatchDeploymentTrackedResource")
    properties = expect_object(require_field(body, "properties", "properties"), "properties")
    return {
        "location": expect_string(require_field(body, "location", "location"), "location", min_length=1),
        "tags": common.validate_tags(body.get("tags"), "tags"),
        "kind": optional_string(body.get("kind"), "kind"),
        "sku": common.validate_sku(body.get("sku"), "sku"),
        "identity": common.validate_identity(body.get("identity"), "identity"),
        "properties": _validate_properties(properties),
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
