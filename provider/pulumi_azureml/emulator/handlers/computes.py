"""Computes: put, get, patch, delete, list, listKeys, listNodes, start, stop, restart, updateIdleShutdownSetting.

Status codes and headers:

* PUT → 201 with ``Creating`` (``Updating`` for an existing compute) + only ``Azure-AsyncOperation`` (status URL
  under the workspace's region); the 201 body is the service's echo, not the later GET (``answers``);
* PATCH → 200 with ``Updating`` + ``Azure-AsyncOperation`` + ``Location``; the body must be exactly
  ``{"properties": {"properties": {"scaleSettings": {...}}}}``;
* DELETE → ``underlyingResourceAction`` required; 202 + only ``Azure-AsyncOperation``, or 204 when missing;
* start/stop/restart (ComputeInstance only) → 202 + only ``Azure-AsyncOperation``; ``state`` changes when the
  operation completes. No answer carries ``Retry-After`` (``answers.retry_after``).
* updateIdleShutdownSetting (ComputeInstance only) → 200 with no body, the new ``idleTimeBeforeShutdown`` in place
  at once: the 2025-12-01 example ``Compute/updateIdleShutdownSetting.json`` (Azure/azure-rest-api-specs,
  ``specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/``
  ``examples/Compute/updateIdleShutdownSetting.json``, commit 819212708c807f8c005599d6de82a88d3cfcbea6) answers a
  bare 200, and azure-sdk-for-js's generated client (``sdk/machinelearning/arm-machinelearning/src/api/``
  ``computeOperations/operations.ts``, commit 2888b37a29cfcdcfa85ade0e6863064ddecde61c) accepts only 200 and does
  not poll. No SDK or CLI test recording of the call was found: refusing it while another operation runs (409),
  and in any state other than Running or Stopped, is this emulator's unverified choice.

GET never returns write-only values: ``userAccountCredentials`` keeps only ``adminUserName``
(``Compute_get_AmlCompute.json`` shows no credentials), and attached-compute passwords and tokens are kept
for ``listKeys`` only.
"""

from __future__ import annotations

import hashlib
import re
import types
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import answers, operations, schemas
from ..context import HandlerContext, Outcome
from ..messages import JsonObject, Response, bad_request, conflict
from ..store import ResourceRecord, StoreTransaction
from ..timestamps import dotnet_offset, dotnet_utc
from ..validation import (
    check_pattern,
    duration_seconds,
    enum_value,
    expect_object,
    expect_string,
    optional_object,
    reject_unknown_keys,
    require_field,
)
from . import common

COMPUTE_NAME = re.compile(r"^[a-zA-Z](?![a-zA-Z0-9-]*-\d+$)[a-zA-Z0-9\-]{2,23}$")
"""The 2026-03-01 computeName pattern, applied whatever the api-version."""

COMPUTE_RESOURCE_TYPE = f"{common.WORKSPACE_TYPE}/computes"
COMPUTE_TYPES = schemas.COMPUTE_TYPES
ATTACHED_TYPES = frozenset(set(COMPUTE_TYPES) - {"AmlCompute", "ComputeInstance"})
"""Computes brought from outside the workspace: ``isAttachedCompute`` is true and ``resourceId`` required."""

OS_TYPES = ("Linux", "Windows")
VM_PRIORITIES = ("Dedicated", "LowPriority")
REMOTE_LOGIN_ACCESS = ("Enabled", "Disabled", "NotSpecified")
SHARING_POLICIES = ("Personal", "Shared")
SSH_ACCESS = ("Enabled", "Disabled")
AUTHORIZATION_TYPES = ("personal",)
SCHEDULE_STATUSES = ("Enabled", "Disabled")
POWER_ACTIONS = ("Start", "Stop")
TRIGGER_TYPES = ("Recurrence", "Cron")
FREQUENCIES = ("Minute", "Hour", "Day", "Week", "Month")
WEEK_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
UNDERLYING_RESOURCE_ACTIONS = ("Delete", "Detach")

DEFAULT_VM_SIZE = "STANDARD_DS3_V2"
"""Used when a create names no vmSize (azure-ai-ml's default; the REST default is unverified)."""
DEFAULT_SCALE_SETTINGS = types.MappingProxyType(
    {"maxNodeCount": 4, "minNodeCount": 0, "nodeIdleTimeBeforeScaleDown": answers.COMPUTE_DEFAULT_IDLE_TIME}
)
"""Used when an AmlCompute create names no scaleSettings (azure-ai-ml's defaults; unverified for REST)."""
DEFAULT_IDLE_TIME = answers.COMPUTE_DEFAULT_IDLE_TIME
IDLE_SHUTDOWN_SECONDS = (15 * 60.0, 3 * 86400.0)
"""``idleTimeBeforeShutdown``: "Minimum is 15 min, maximum is 3 days"."""

CREATE_ONLY_PROPERTIES = ("computeType", "computeLocation", "disableLocalAuth", "resourceId")
"""``x-ms-mutability [read, create]`` in the spec, plus the discriminator and the attached resource."""
CREATE_ONLY_INNER_PROPERTIES = ("vmSize", "vmPriority", "osType", "subnet")
"""Cluster settings the service refuses to change in place (unverified rule)."""


@dataclass
class _ComputeRequest:
    """A validated PUT body."""

    location: str | None
    tags: dict[str, str] | None
    sku: JsonObject | None
    identity: JsonObject | None
    compute_type: str
    top: JsonObject
    """Validated fields of ``properties`` other than the nested ``properties``."""
    inner: JsonObject | None
    """Validated type-specific ``properties.properties`` without write-only values."""
    secrets: JsonObject = field(default_factory=dict)
    sent_inner: JsonObject | None = None
    """``properties.properties`` exactly as sent (what the PUT echo leaves null depends on it)."""


# ---------------------------------------------------------------------------------------------- validation
#
# Every per-value rule (types, integer formats, enums, required members, closed objects) is in the declarative
# table ``schemas.COMPUTE``, applied before these functions run: values here are already typed and canonical.
# What stays here is what a table cannot say: rules across fields, the service's own limits, and which values
# are write-only (kept for listKeys, never echoed).


def _scale_settings(settings: JsonObject, target: str) -> JsonObject:
    maximum = settings["maxNodeCount"]
    minimum = settings.get("minNodeCount") or 0
    for name, value in (("maxNodeCount", maximum), ("minNodeCount", minimum)):
        if value < 0:
            raise bad_request(f"'{target}.{name}' must be greater than or equal to 0.", target=f"{target}.{name}")
    if minimum > maximum:
        raise bad_request(
            f"'{target}.minNodeCount' ({minimum}) must not be greater than '{target}.maxNodeCount' ({maximum}).",
            target=f"{target}.minNodeCount",
        )
    idle = settings.get("nodeIdleTimeBeforeScaleDown")
    return {"maxNodeCount": maximum, "minNodeCount": minimum, "nodeIdleTimeBeforeScaleDown": idle or DEFAULT_IDLE_TIME}


def _aml_compute_properties(given: JsonObject, target: str) -> tuple[JsonObject, JsonObject]:
    """``AmlComputeProperties``. Returns (fields given, write-only values)."""
    result: JsonObject = {
        name: given[name]
        for name in (
            "osType",
            "vmPriority",
            "remoteLoginPortPublicAccess",
            "vmSize",
            "isolatedNetwork",
            "enableNodePublicIp",
            "propertyBag",
        )
        if given.get(name) is not None
    }
    if given.get("vmSize") is not None and not given["vmSize"]:
        raise bad_request(f"'{target}.vmSize' must be at least 1 character(s) long.", target=f"{target}.vmSize")
    for name in ("virtualMachineImage", "subnet"):
        if given.get(name) is not None:
            result[name] = {"id": given[name]["id"]}
    if given.get("scaleSettings") is not None:
        result["scaleSettings"] = _scale_settings(given["scaleSettings"], f"{target}.scaleSettings")
    secrets: JsonObject = {}
    credentials = given.get("userAccountCredentials")
    if credentials is not None:
        result["userAccountCredentials"] = {"adminUserName": credentials["adminUserName"]}
        secrets = {
            name: credentials[name]
            for name in ("adminUserSshPublicKey", "adminUserPassword")
            if credentials.get(name) is not None
        }
    return result, secrets


def _schedules(schedules: JsonObject | None, target: str) -> JsonObject | None:
    if schedules is None:
        return None
    result = []
    for index, item in enumerate(schedules.get("computeStartStop") or []):
        where = f"{target}.computeStartStop[{index}]"
        schedule = dict(expect_object(item, where))
        schedule.pop("id", None)
        schedule.pop("provisioningStatus", None)
        for name in ("action", "triggerType"):
            require_field(schedule, name, f"{where}.{name}")
        # The trigger named by triggerType must be there (ComputeStartStopSchedule: recurrence or cron).
        if schedule["triggerType"] == "Cron":
            cron = require_field(schedule, "cron", f"{where}.cron")
            expression = require_field(cron, "expression", f"{where}.cron.expression")
            expect_string(expression, f"{where}.cron.expression", min_length=1)
        else:
            recurrence = require_field(schedule, "recurrence", f"{where}.recurrence")
            for name in ("frequency", "interval", "schedule"):
                require_field(recurrence, name, f"{where}.recurrence.{name}")
            if recurrence["interval"] < 1:
                raise bad_request(
                    f"'{where}.recurrence.interval' must be greater than or equal to 1.",
                    target=f"{where}.recurrence.interval",
                )
            for name in ("hours", "minutes"):
                for position, entry in enumerate(recurrence["schedule"][name]):
                    if entry < 0:
                        path = f"{where}.recurrence.schedule.{name}[{position}]"
                        raise bad_request(f"'{path}' must be greater than or equal to 0.", target=path)
        result.append(schedule)
    return {"computeStartStop": result}


def _compute_instance_properties(given: JsonObject, target: str) -> tuple[JsonObject, JsonObject]:
    """``ComputeInstanceProperties`` (plus the 2026-03-01 additions)."""
    result: JsonObject = {
        name: given[name]
        for name in (
            "vmSize",
            "applicationSharingPolicy",
            "customServices",
            "computeInstanceAuthorizationType",
            "setupScripts",
            "enableNodePublicIp",
            "enableSSO",
        )
        if given.get(name) is not None
    }
    if given.get("vmSize") is not None and not given["vmSize"]:
        raise bad_request(f"'{target}.vmSize' must be at least 1 character(s) long.", target=f"{target}.vmSize")
    if given.get("subnet") is not None:
        result["subnet"] = {"id": given["subnet"]["id"]}
    ssh = given.get("sshSettings")
    if ssh is not None:
        # adminPublicKey is not x-ms-secret in the spec, so it is echoed like any other setting.
        result["sshSettings"] = {name: ssh[name] for name in ("sshPublicAccess", "adminPublicKey") if ssh.get(name)}
    for index, service in enumerate(result.get("customServices") or []):
        expect_object(service, f"{target}.customServices[{index}]")
    personal = given.get("personalComputeInstanceSettings")
    if personal is not None:
        where = f"{target}.personalComputeInstanceSettings.assignedUser"
        user = require_field(personal, "assignedUser", where)
        for name in ("objectId", "tenantId"):
            expect_string(user[name], f"{where}.{name}", min_length=1)
        result["personalComputeInstanceSettings"] = {
            "assignedUser": {"objectId": user["objectId"], "tenantId": user["tenantId"]}
        }
    schedules = _schedules(given.get("schedules"), f"{target}.schedules")
    if schedules is not None:
        result["schedules"] = schedules
    idle = given.get("idleTimeBeforeShutdown")
    if idle is not None:
        result["idleTimeBeforeShutdown"] = _idle_time(idle, f"{target}.idleTimeBeforeShutdown")
    return result, {}


def _idle_time(value: object, target: str) -> str:
    """An ``idleTimeBeforeShutdown``: an ISO-8601 duration, "Minimum is 15 min, maximum is 3 days"."""
    seconds = duration_seconds(value, target)
    lowest, highest = IDLE_SHUTDOWN_SECONDS
    if not lowest <= seconds <= highest:
        raise bad_request(f"'{target}' must be between 15 minutes and 3 days, got '{value}'.", target=target)
    return str(value)


_ATTACHED_SECRET_FIELDS = types.MappingProxyType(
    {
        "VirtualMachine": ("administratorAccount",),
        "HDInsight": ("administratorAccount",),
        "Databricks": ("databricksAccessToken",),
    }
)
"""Attached-compute properties that hold credentials; they are returned by listKeys only."""


def _attached_properties(compute_type: str, value: object, target: str) -> tuple[JsonObject | None, JsonObject]:
    given = optional_object(value, target)
    if given is None:
        return None, {}
    result = dict(given)
    secrets: JsonObject = {}
    for name in _ATTACHED_SECRET_FIELDS.get(compute_type, ()):
        secret = result.get(name)
        if isinstance(secret, dict):
            secrets[name] = secret
            # The public half of the account stays visible; passwords and private keys do not.
            result[name] = {key: item for key, item in secret.items() if key in ("username", "publicKeyData")}
        elif secret is not None:
            secrets[name] = result.pop(name)
    return result, secrets


def _validate_put(body: JsonObject) -> _ComputeRequest:
    """A PUT body already conformed to ``schemas.COMPUTE``."""
    properties = body["properties"]
    compute_type = properties["computeType"]
    top: JsonObject = {
        name: properties[name]
        for name in ("description", "computeLocation", "disableLocalAuth")
        if properties.get(name) is not None
    }
    resource_id = properties.get("resourceId")
    if compute_type in ATTACHED_TYPES and not resource_id:
        raise bad_request(
            f"'properties.resourceId' is required to attach a compute of type '{compute_type}'.",
            target="properties.resourceId",
        )
    if resource_id is not None:
        top["resourceId"] = resource_id
    inner: JsonObject | None
    given = properties.get("properties")
    if compute_type == "AmlCompute":
        inner, secrets = _aml_compute_properties(given or {}, "properties.properties")
    elif compute_type == "ComputeInstance":
        inner, secrets = _compute_instance_properties(given or {}, "properties.properties")
    else:
        inner, secrets = _attached_properties(compute_type, given, "properties.properties")
    tags = common.validate_tags(body.get("tags"), "tags") if body.get("tags") is not None else None
    sku = common.validate_sku(body.get("sku"), "sku")
    identity = common.validate_identity(body.get("identity"), "identity")
    return _ComputeRequest(
        body.get("location"), tags, sku, identity, compute_type, top, inner, secrets, sent_inner=given
    )


# ---------------------------------------------------------------------------------------------- bodies


def _remote_login(requested: str | None, subnet: JsonObject | None) -> str:
    # "NotSpecified - ... closed on all nodes of the cluster if VNet is defined, else is open"; after creation the
    # service reports only Enabled or Disabled (AmlComputeProperties.remoteLoginPortPublicAccess).
    if requested in ("Enabled", "Disabled"):
        return requested
    return "Disabled" if subnet else "Enabled"


def _node_counts(idle: int = 0) -> JsonObject:
    return {
        "idleNodeCount": idle,
        "runningNodeCount": 0,
        "preparingNodeCount": 0,
        "unusableNodeCount": 0,
        "leavingNodeCount": 0,
        "preemptedNodeCount": 0,
    }


def _aml_compute_body(given: JsonObject, moment: float) -> JsonObject:
    scale = given.get("scaleSettings") or dict(DEFAULT_SCALE_SETTINGS)
    body: JsonObject = {
        "vmSize": given.get("vmSize", DEFAULT_VM_SIZE),
        "vmPriority": given.get("vmPriority", answers.COMPUTE_DEFAULT_VM_PRIORITY),
        "osType": given.get("osType", "Linux"),
        "virtualMachineImage": given.get("virtualMachineImage"),
        "isolatedNetwork": given.get("isolatedNetwork", False),
        "subnet": given.get("subnet"),
        "scaleSettings": scale,
        "remoteLoginPortPublicAccess": _remote_login(given.get("remoteLoginPortPublicAccess"), given.get("subnet")),
        "allocationState": "Resizing" if scale["minNodeCount"] > 0 else "Steady",
        "allocationStateTransitionTime": dotnet_utc(moment),
        "errors": None,
        "currentNodeCount": 0,
        "targetNodeCount": scale["minNodeCount"],
        "nodeStateCounts": _node_counts(),
        "enableNodePublicIp": given.get("enableNodePublicIp", True),
    }
    for name in ("userAccountCredentials", "propertyBag"):
        if name in given:
            body[name] = given[name]
    return body


def _public_address(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return f"20.{digest[0]}.{digest[1]}.{max(1, digest[2])}"


def _compute_instance_body(given: JsonObject, *, name: str, region: str, context: HandlerContext) -> JsonObject:
    schedules = given.get("schedules")
    public_ip = given.get("enableNodePublicIp", True)
    host = f"{name.lower()}.{region}.instances.azureml.ms"
    body: JsonObject = {
        "vmSize": given.get("vmSize", DEFAULT_VM_SIZE),
        "subnet": given.get("subnet"),
        "applicationSharingPolicy": given.get("applicationSharingPolicy", "Shared"),
        "sshSettings": _ssh_settings(given.get("sshSettings")),
        "customServices": given.get("customServices"),
        "osImageMetadata": {
            "currentImageVersion": "25.01.01",
            "latestImageVersion": "25.01.01",
            "isLatestOsImageVersion": True,
        },
        "connectivityEndpoints": {
            "publicIpAddress": _public_address(host) if public_ip else None,
            "privateIpAddress": "10.0.0.4",
        },
        "applications": [
            {"displayName": "Jupyter", "endpointUri": f"https://{host}/tree/"},
            {"displayName": "Jupyter Lab", "endpointUri": f"https://{host}/lab"},
        ],
        "createdBy": {
            "userName": context.settings.principal_name,
            "userOrgId": context.settings.tenant_id,
            "userId": str(uuid.uuid5(uuid.NAMESPACE_URL, context.settings.principal_name)),
        },
        "errors": None,
        "state": "Creating",
        "computeInstanceAuthorizationType": given.get("computeInstanceAuthorizationType", "personal"),
        "personalComputeInstanceSettings": given.get("personalComputeInstanceSettings"),
        "setupScripts": given.get("setupScripts"),
        "lastOperation": _last_operation("Create", "InProgress", context.now()),
        "schedules": None if schedules is None else _rendered_schedules(schedules),
        "enableNodePublicIp": public_ip,
        "enableSSO": given.get("enableSSO", True),
        "containers": [],
        "dataDisks": [],
        "dataMounts": [],
        "versions": {"runtime": "2.1.0"},
    }
    if "idleTimeBeforeShutdown" in given:
        body["idleTimeBeforeShutdown"] = given["idleTimeBeforeShutdown"]
    return body


def _ssh_settings(given: JsonObject | None) -> JsonObject:
    """SSH settings with the service-filled read-only user and port (``Compute_get_ComputeInstance.json``)."""
    settings = dict(given or {})
    settings.setdefault("sshPublicAccess", "Disabled")
    settings["adminUserName"] = "azureuser"
    settings["sshPort"] = 22
    return settings


def _rendered_schedules(schedules: JsonObject, previous: object = None) -> JsonObject:
    """Schedules as the service stores them (:func:`answers.canonical_schedules`)."""
    before = previous.get("computeStartStop") if isinstance(previous, dict) else None
    return {
        "computeStartStop": answers.canonical_schedules(
            list(schedules.get("computeStartStop", [])), list(before or []), uuid.uuid4
        )
    }


def _last_operation(name: str, status: str, moment: float) -> JsonObject:
    return {
        "operationName": name,
        "operationTime": dotnet_utc(moment),
        "operationStatus": status,
        "operationTrigger": "User",
    }


def render(record: ResourceRecord, context: HandlerContext) -> JsonObject:
    """The stored body is the wire shape; write-only values were never stored in it."""
    return record.body


def _failure_changes(
    compute_type: str, outcome: Outcome, failed_operation_status: str | None
) -> list[operations.Change]:
    """Provisioning failure as the service reports it: provisioningErrors (+ type-specific errors/state)."""
    errors = [{"error": outcome.error}]
    changes: list[operations.Change] = [
        (["properties", "provisioningState"], outcome.status),
        (["properties", "provisioningErrors"], errors),
    ]
    if compute_type in ("AmlCompute", "ComputeInstance"):
        changes.append((["properties", "properties", "errors"], errors))
    if compute_type == "ComputeInstance" and failed_operation_status is not None:
        changes.append((["properties", "properties", "state"], "CreateFailed"))
        changes.append((["properties", "properties", "lastOperation", "operationStatus"], failed_operation_status))
    return changes


def _success_changes(compute_type: str, inner: JsonObject | None) -> list[operations.Change]:
    changes: list[operations.Change] = [
        (["properties", "provisioningState"], "Succeeded"),
        (["properties", "provisioningErrors"], None),
    ]
    if compute_type == "AmlCompute" and inner is not None:
        nodes = inner["scaleSettings"]["minNodeCount"]
        changes += [
            (["properties", "properties", "allocationState"], "Steady"),
            (["properties", "properties", "currentNodeCount"], nodes),
            (["properties", "properties", "targetNodeCount"], nodes),
            (["properties", "properties", "nodeStateCounts"], _node_counts(nodes)),
        ]
    if compute_type == "ComputeInstance":
        changes += [
            (["properties", "properties", "state"], "Running"),
            (["properties", "properties", "lastOperation", "operationStatus"], "Succeeded"),
        ]
    return changes


# ---------------------------------------------------------------------------------------------- handlers


def _compute_id(context: HandlerContext) -> str:
    return f"{common.workspace_id(context)}/computes/{context.params['computeName']}"


def _type_and_name(context: HandlerContext) -> str:
    return f"{common.WORKSPACE_TYPE}/{context.params['workspaceName']}/computes/{context.params['computeName']}"


def _async_headers(context: HandlerContext, operation: operations.Operation, *, location: bool) -> dict[str, str]:
    """``answers.compute_operation_headers``; ``location`` adds a result URL (PATCH only: no recording shows one)."""
    headers = answers.compute_operation_headers(context, operation)
    if location:
        headers["Location"] = operations.result_url(context.base_url, operation)
    return headers


def _operation_region(transaction: StoreTransaction, context: HandlerContext) -> str:
    """The region in a compute operation's status URL (:func:`answers.compute_operation_region`)."""
    workspace = common.require_workspace(transaction, context, writing=False, as_parent=True)
    return answers.compute_operation_region(workspace.body)


def _load(
    transaction: StoreTransaction, context: HandlerContext, *, writing: bool, count_poll: bool = False
) -> ResourceRecord | None:
    common.require_workspace(transaction, context, writing=writing, as_parent=True)
    return common.observed(transaction, context, _compute_id(context), count_poll=count_poll)


def _require(transaction: StoreTransaction, context: HandlerContext, *, writing: bool) -> ResourceRecord:
    record = _load(transaction, context, writing=writing)
    if record is None:
        raise common.resource_not_found(context, _type_and_name(context))
    return record


def get_compute(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        record = _load(transaction, context, writing=False, count_poll=True)
        if record is None:
            raise common.resource_not_found(context, _type_and_name(context))
        return Response(200, render(record, context))


def list_computes(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        workspace = common.require_workspace(transaction, context, writing=False, as_parent=True)
        items = []
        for record in transaction.list("compute", f"{workspace.key}/computes/"):
            current = operations.observe_resource(transaction, record, now=context.now(), count_poll=False)
            if current is not None:
                items.append(render(current, context))
    return Response(200, common.page(context, items))


def put_compute(context: HandlerContext) -> Response:
    name = context.params["computeName"]
    with context.store.transaction() as transaction:
        workspace = common.require_workspace(transaction, context, writing=True, as_parent=True)
        check_pattern(name, COMPUTE_NAME, "computeName", "The compute name")
        request = _validate_put(schemas.conform(schemas.COMPUTE, common.json_body(context)))
        existing = _load(transaction, context, writing=True)
        if existing is not None:
            existing = common.refuse_while_running(transaction, context, existing, _type_and_name(context))
            return _update(transaction, context, existing, request, workspace)
        return _create(transaction, context, workspace, request)


def _create(
    transaction: StoreTransaction, context: HandlerContext, workspace: ResourceRecord, request: _ComputeRequest
) -> Response:
    name = context.params["computeName"]
    resource_id = _compute_id(context)
    # Every example sends the workspace region; without one the compute lives in its workspace's region.
    location = request.location or workspace.body["location"]
    moment = context.now()
    if request.compute_type == "AmlCompute":
        inner: JsonObject | None = _aml_compute_body(request.inner or {}, moment)
    elif request.compute_type == "ComputeInstance":
        inner = _compute_instance_body(
            request.inner or {}, name=name, region=operations.region_of(location), context=context
        )
    else:
        inner = request.inner
    body: JsonObject = {
        "id": resource_id,
        "name": name,
        "type": COMPUTE_RESOURCE_TYPE,
        "location": location,
        "systemData": common.system_data(context, None),
        "properties": {
            "computeType": request.compute_type,
            "provisioningState": "Creating",
            "description": request.top.get("description"),
            "createdOn": dotnet_offset(moment),
            "modifiedOn": dotnet_offset(moment),
            "resourceId": request.top.get("resourceId"),
            "provisioningErrors": None,
            "isAttachedCompute": request.compute_type in ATTACHED_TYPES,
            "disableLocalAuth": request.top.get("disableLocalAuth", False),
            "properties": inner,
        },
    }
    if "computeLocation" in request.top:
        body["properties"]["computeLocation"] = request.top["computeLocation"]
    _apply_envelope(body, context, request, previous=None)
    record = ResourceRecord(
        key=common.key_of(resource_id), id=resource_id, kind="compute", body=body, secrets=request.secrets
    )
    compute_type = request.compute_type

    def changes(outcome: Outcome) -> list[operations.Change]:
        if outcome.status == "Succeeded":
            return _success_changes(compute_type, inner)
        return _failure_changes(compute_type, outcome, "CreateFailed")

    return _accepted_put(transaction, context, record, workspace, request, "create", changes)


def _accepted_put(
    transaction: StoreTransaction,
    context: HandlerContext,
    record: ResourceRecord,
    workspace: ResourceRecord,
    request: _ComputeRequest,
    action: str,
    changes: Callable[[Outcome], Any],
) -> Response:
    """The answer to an accepted compute PUT, create and update alike: the operation started in the workspace's
    region and the recorded 201 echo with only Azure-AsyncOperation."""
    operation = operations.start(
        transaction,
        context,
        record,
        family="compute",
        action=action,
        location=answers.compute_operation_region(workspace.body),
        changes=changes,
    )
    return Response(
        answers.COMPUTE_PUT_STATUS,
        answers.compute_put_echo(render(record, context), request.sent_inner),
        _async_headers(context, operation, location=False),
    )


def _apply_envelope(body: JsonObject, context: HandlerContext, request: _ComputeRequest, *, previous: Any) -> None:
    if request.tags is not None:
        body["tags"] = request.tags
    if request.sku is not None:
        body["sku"] = request.sku
    rendered = common.render_identity(request.identity, previous, context.settings.tenant_id)
    if rendered is not None:
        body["identity"] = rendered


def _refuse_changes(body: JsonObject, request: _ComputeRequest) -> None:
    """Create-only fields may be repeated on a PUT update, not changed."""
    if request.location is not None and operations.region_of(request.location) != operations.region_of(
        body["location"]
    ):
        raise bad_request("The location of a compute cannot be changed.", target="location")
    current = body["properties"]
    wanted = {"computeType": request.compute_type, **request.top}
    for name in CREATE_ONLY_PROPERTIES:
        if (
            name in wanted
            and wanted[name] != current.get(name)
            and not (name == "disableLocalAuth" and current.get(name) is None)
        ):
            raise bad_request(
                f"'properties.{name}' cannot be changed on an existing compute; delete and recreate it instead.",
                target=f"properties.{name}",
            )
    inner_current = current.get("properties") or {}
    for name in CREATE_ONLY_INNER_PROPERTIES:
        new = (request.inner or {}).get(name)
        if new is not None and _normalised(new) != _normalised(inner_current.get(name)):
            raise bad_request(
                f"'properties.properties.{name}' cannot be changed on an existing compute; delete and recreate it "
                "instead.",
                target=f"properties.properties.{name}",
            )


def _normalised(value: object) -> object:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, dict):
        return {name: _normalised(item) for name, item in value.items()}
    return value


def _update(
    transaction: StoreTransaction,
    context: HandlerContext,
    record: ResourceRecord,
    request: _ComputeRequest,
    workspace: ResourceRecord,
) -> Response:
    """PUT on an existing compute "overwrites" it: the given fields replace the stored ones."""
    body = record.body
    _refuse_changes(body, request)
    properties = body["properties"]
    if "description" in request.top:
        properties["description"] = request.top["description"]
    inner = properties.get("properties")
    if isinstance(inner, dict) and request.inner:
        if request.compute_type == "ComputeInstance":
            if "schedules" in request.inner:
                request.inner["schedules"] = _rendered_schedules(request.inner["schedules"], inner.get("schedules"))
            if "sshSettings" in request.inner:
                request.inner["sshSettings"] = _ssh_settings(request.inner["sshSettings"])
        if request.compute_type == "AmlCompute" and "remoteLoginPortPublicAccess" in request.inner:
            request.inner["remoteLoginPortPublicAccess"] = _remote_login(
                request.inner["remoteLoginPortPublicAccess"], inner.get("subnet")
            )
        inner.update(request.inner)
        if request.compute_type == "AmlCompute":
            _begin_resize(inner, context.now())
    elif request.inner is not None and not isinstance(inner, dict):
        # Only when nothing is stored: an update that gives no inner settings (``properties.properties`` null or
        # empty) keeps the stored ones (issue 23: replacing them with {} was a 500 on the next step).
        properties["properties"] = inner = request.inner
    if request.secrets:
        record.secrets = {**record.secrets, **request.secrets}
    properties["provisioningState"] = "Updating"
    properties["modifiedOn"] = dotnet_offset(context.now())
    _apply_envelope(body, context, request, previous=body.get("identity"))
    body["systemData"] = common.system_data(context, body.get("systemData"))
    compute_type = properties["computeType"]
    final_inner = inner if isinstance(inner, dict) else None

    def changes(outcome: Outcome) -> list[operations.Change]:
        if outcome.status == "Succeeded":
            return _success_changes(compute_type, final_inner)
        return _failure_changes(compute_type, outcome, None)

    return _accepted_put(transaction, context, record, workspace, request, "update", changes)


def _begin_resize(inner: JsonObject, moment: float) -> None:
    target = inner["scaleSettings"]["minNodeCount"]
    if inner.get("currentNodeCount") != target:
        inner["allocationState"] = "Resizing"
        inner["allocationStateTransitionTime"] = dotnet_utc(moment)
    inner["targetNodeCount"] = target


def patch_compute(context: HandlerContext) -> Response:
    """ClusterUpdateParameters: only AmlCompute scaleSettings can change."""
    with context.store.transaction() as transaction:
        record = _require(transaction, context, writing=True)
        body = schemas.conform(schemas.COMPUTE_PATCH, common.json_body(context))
        reject_unknown_keys(body, ("properties",), "", "ClusterUpdateParameters")
        outer = expect_object(require_field(body, "properties", "properties"), "properties")
        reject_unknown_keys(outer, ("properties",), "properties", "ClusterUpdateProperties")
        information = expect_object(
            require_field(outer, "properties", "properties.properties"), "properties.properties"
        )
        reject_unknown_keys(information, ("scaleSettings",), "properties.properties", "ScaleSettingsInformation")
        scale = _scale_settings(
            require_field(information, "scaleSettings", "properties.properties.scaleSettings"),
            "properties.properties.scaleSettings",
        )
        record = common.refuse_while_running(transaction, context, record, _type_and_name(context))
        properties = record.body["properties"]
        if properties["computeType"] != "AmlCompute":
            raise bad_request(
                f"Scale settings can only be updated on AmlCompute, not on {properties['computeType']}.",
                target="properties.properties.scaleSettings",
            )
        inner = properties["properties"]
        inner["scaleSettings"] = scale
        _begin_resize(inner, context.now())
        properties["provisioningState"] = "Updating"
        properties["modifiedOn"] = dotnet_offset(context.now())
        record.body["systemData"] = common.system_data(context, record.body.get("systemData"))
        operation = operations.start(
            transaction,
            context,
            record,
            family="compute",
            action="update",
            location=_operation_region(transaction, context),
            changes=lambda outcome: (
                _success_changes("AmlCompute", inner)
                if outcome.status == "Succeeded"
                else _failure_changes("AmlCompute", outcome, None)
            ),
        )
        return Response(200, render(record, context), _async_headers(context, operation, location=True))


def delete_compute(context: HandlerContext) -> Response:
    raw_action = context.request.query.get("underlyingResourceAction")
    if raw_action is None:
        # A required query parameter; checked before anything else.
        raise bad_request(
            "The query parameter 'underlyingResourceAction' is required: 'Delete' or 'Detach'.",
            target="underlyingResourceAction",
        )
    enum_value(raw_action, UNDERLYING_RESOURCE_ACTIONS, "underlyingResourceAction")
    with context.store.transaction() as transaction:
        record = _load(transaction, context, writing=True)
        if record is None:
            return Response(204)
        record = common.refuse_while_running(transaction, context, record, _type_and_name(context))
        properties = record.body["properties"]
        properties["provisioningState"] = "Deleting"
        compute_type = properties["computeType"]
        if compute_type == "ComputeInstance":
            properties["properties"]["state"] = "Deleting"
            properties["properties"]["lastOperation"] = _last_operation("Delete", "InProgress", context.now())

        def changes(outcome: Outcome) -> list[operations.Change]:
            result = _failure_changes(compute_type, outcome, None)
            if compute_type == "ComputeInstance":
                result.append((["properties", "properties", "lastOperation", "operationStatus"], "DeleteFailed"))
            return result

        operation = operations.start(
            transaction,
            context,
            record,
            family="compute",
            action="delete",
            location=_operation_region(transaction, context),
            changes=changes,
            delete_resource=True,
            returns_resource=False,
        )
        return Response(202, None, _async_headers(context, operation, location=False))


def list_keys(context: HandlerContext) -> Response:
    """``ComputeSecrets``, polymorphic on computeType."""
    with context.store.transaction() as transaction:
        record = _require(transaction, context, writing=False)
    compute_type = record.body["properties"]["computeType"]
    secrets: JsonObject = {"computeType": compute_type}
    if compute_type == "AKS":
        name = record.body["name"]
        secrets.update(
            {
                "userKubeConfig": _kube_config(name, "clusterUser"),
                "adminKubeConfig": _kube_config(name, "clusterAdmin"),
                "imagePullSecretName": f"{name}-image-pull-secret",
            }
        )
    elif compute_type == "VirtualMachine":
        secrets["administratorAccount"] = record.secrets.get("administratorAccount") or {}
    elif compute_type == "Databricks":
        secrets["databricksAccessToken"] = record.secrets.get("databricksAccessToken")
    return Response(200, secrets)


def _kube_config(cluster: str, user: str) -> str:
    return f"apiVersion: v1\nkind: Config\nclusters:\n- name: {cluster}\nusers:\n- name: {user}\n"


def list_nodes(context: HandlerContext) -> Response:
    """``AmlComputeNodesInformation``: one idle node per allocated AmlCompute node."""
    with context.store.transaction() as transaction:
        record = _require(transaction, context, writing=False)
    properties = record.body["properties"]
    nodes: list[JsonObject] = []
    if properties["computeType"] == "AmlCompute":
        count = int(properties["properties"].get("currentNodeCount") or 0)
        suffix = hashlib.sha256(record.key.encode()).hexdigest()[:10]
        nodes = [
            {
                "nodeId": f"tvm-{suffix}_{index + 1}-20250101t000000z",
                "privateIpAddress": f"10.0.0.{index + 4}",
                "publicIpAddress": _public_address(f"{record.key}/{index}"),
                "port": 50000 + index,
                "nodeState": "idle",
            }
            for index in range(count)
        ]
    return Response(200, {"nodes": nodes})


_POWER_TRANSITIONS = types.MappingProxyType(
    {
        # action: (states it may start from, state while running, state on success, state on failure, failed status)
        "start": (("Stopped",), "Starting", "Running", "Stopped", "StartFailed"),
        "stop": (("Running",), "Stopping", "Stopped", "Running", "StopFailed"),
        "restart": (("Running",), "Restarting", "Running", "Running", "RestartFailed"),
    }
)


def _power_action(action: str) -> Callable[[HandlerContext], Response]:
    allowed_from, running_state, success_state, failure_state, failed_status = _POWER_TRANSITIONS[action]

    def handle(context: HandlerContext) -> Response:
        with context.store.transaction() as transaction:
            record = _require(transaction, context, writing=True)
            record = common.refuse_while_running(transaction, context, record, _type_and_name(context))
            properties = record.body["properties"]
            if properties["computeType"] != "ComputeInstance":
                raise bad_request(
                    f"'{action}' is only supported on ComputeInstance, not on {properties['computeType']}.",
                    target="computeName",
                )
            inner = properties["properties"]
            if properties.get("provisioningState") != "Succeeded" or inner.get("state") not in allowed_from:
                raise conflict(
                    f"The compute instance '{record.body['name']}' is in state '{inner.get('state')}'; "
                    f"'{action}' needs state {' or '.join(allowed_from)}."
                )
            operation_name = action.capitalize()
            inner["state"] = running_state
            inner["lastOperation"] = _last_operation(operation_name, "InProgress", context.now())

            def changes(outcome: Outcome) -> list[operations.Change]:
                succeeded = outcome.status == "Succeeded"
                return [
                    (["properties", "properties", "state"], success_state if succeeded else failure_state),
                    (
                        ["properties", "properties", "lastOperation", "operationStatus"],
                        "Succeeded" if succeeded else failed_status,
                    ),
                ]

            operation = operations.start(
                transaction,
                context,
                record,
                family="compute",
                action=action,
                location=_operation_region(transaction, context),
                changes=changes,
                returns_resource=False,
            )
            # Stop/start are recorded with only Azure-AsyncOperation; restart is not recorded, and its official
            # example documents a Location, so it carries both.
            return Response(202, None, _async_headers(context, operation, location=action == "restart"))

    handle.__name__ = f"{action}_compute"
    handle.__doc__ = f"POST .../computes/{{computeName}}/{action} on a ComputeInstance."
    return handle


start_compute = _power_action("start")
stop_compute = _power_action("stop")
restart_compute = _power_action("restart")


def update_idle_shutdown_setting(context: HandlerContext) -> Response:
    """POST .../computes/{computeName}/updateIdleShutdownSetting with ``IdleShutdownSetting`` on a ComputeInstance:
    synchronous, 200 with no body (module docstring)."""
    with context.store.transaction() as transaction:
        record = _require(transaction, context, writing=True)
        body = common.json_body(context)
        idle = _idle_time(
            require_field(body, "idleTimeBeforeShutdown", "idleTimeBeforeShutdown"), "idleTimeBeforeShutdown"
        )
        record = common.refuse_while_running(transaction, context, record, _type_and_name(context))
        properties = record.body["properties"]
        if properties["computeType"] != "ComputeInstance":
            raise bad_request(
                "'updateIdleShutdownSetting' is only supported on ComputeInstance, "
                f"not on {properties['computeType']}.",
                target="computeName",
            )
        inner = properties["properties"]
        if inner.get("state") not in ("Running", "Stopped"):
            raise conflict(
                f"The compute instance '{record.body['name']}' is in state '{inner.get('state')}'; "
                "'updateIdleShutdownSetting' needs state Running or Stopped."
            )
        inner["idleTimeBeforeShutdown"] = idle
        properties["modifiedOn"] = dotnet_offset(context.now())
        record.body["systemData"] = common.system_data(context, record.body.get("systemData"))
        transaction.put(record)
    return Response(200, None)
