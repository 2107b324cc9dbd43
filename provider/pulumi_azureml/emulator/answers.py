"""How Azure ML answers, as its recorded traffic shows: each behaviour one named rule here, with its source.

The emulator is worth what it is faithful; where the service does not echo what it was sent, neither does the
emulator. Sources are the public recordings of real traffic that Azure's own test suites replay:

* ``Azure/azure-sdk-assets`` ``python/sdk/ml/azure-ai-ml/tests/recordings/compute/e2etests/test_compute.py*`` and
  ``.../batch_services/e2etests/test_batch_endpoint.py*`` (azure-ai-ml SDK);
* ``Azure/azure-cli-extensions`` ``src/machinelearningservices/azext_mlv2/tests/latest/recordings/`` —
  ``test_compute_aml.yaml``, ``test_compute_compute_instance_with_schedules.yaml``,
  ``test_batch_deployment.yaml``, ``test_batch_deployment_wrong_endpoint.yaml`` (``az ml``).

Handlers call these; none of them is switched off by a setting (the emulator has no lenient mode).
"""

from __future__ import annotations

import copy
from typing import Any

from . import operations
from .context import HandlerContext
from .messages import ArmError, JsonObject

# ------------------------------------------------------------------------------------------ operation headers


def retry_after(context: HandlerContext) -> dict[str, str]:
    """No ``Retry-After``: no Azure ML recording carries one, on a PUT, a DELETE, an action or any poll, so a
    client polls at its own interval (azure-core's default is 30 s). The ``retry_after`` emulator setting (0 by
    default) exists for tests of clients that do honour the header."""
    seconds = context.settings.retry_after
    return {"Retry-After": str(seconds)} if seconds > 0 else {}


def compute_operation_region(workspace: JsonObject) -> str:
    """A compute operation's status URL is
    ``/subscriptions/{sub}/providers/Microsoft.MachineLearningServices/locations/{region}/computeOperationsStatus/
    {id}`` with the *workspace's* region, whatever the compute's own location (test_compute.py recording: a
    westus workspace and an eastus compute give ``locations/westus``)."""
    return str(workspace.get("location") or "")


def compute_operation_headers(context: HandlerContext, operation: operations.Operation) -> dict[str, str]:
    """Compute PUT (create *and* update), stop/start and DELETE: only ``Azure-AsyncOperation`` — no
    ``Location``, no ``Retry-After``, no ``x-ms-async-operation-timeout`` (test_compute_aml.yaml,
    test_compute.py recordings)."""
    return {"Azure-AsyncOperation": operations.status_url(context.base_url, operation), **retry_after(context)}


COMPUTE_PUT_STATUS = 201
"""A compute PUT answers 201 for an update as for a create (test_compute_aml.yaml: a PUT on an existing
cluster; the official 'Update a AML Compute' example)."""

MFE_PUT_STATUS = 201
"""Batch endpoint and deployment PUTs answer 201 for create and update alike (test_batch_deployment.yaml)."""

MFE_OPERATION_TIMEOUT = "PT30M"


def mfe_put_headers(context: HandlerContext, operation: operations.Operation, resource_path: str) -> dict[str, str]:
    """Batch endpoint/deployment PUT: ``Azure-AsyncOperation`` (an ``mfeOperationsStatus`` URL), ``Location``
    (the resource's own URL) and ``x-ms-async-operation-timeout`` (test_batch_endpoint.py recordings,
    test_batch_deployment.yaml)."""
    return {
        "Azure-AsyncOperation": operations.status_url(context.base_url, operation),
        "Location": f"{context.base_url}{resource_path}?api-version={context.api_version}",
        "x-ms-async-operation-timeout": context.settings.async_operation_timeout,
        **retry_after(context),
    }


def workspace_delete_headers(context: HandlerContext, operation: operations.Operation) -> dict[str, str]:
    """Workspace DELETE: 202 with both ``Azure-AsyncOperation`` and ``Location`` (workspaceOperationsStatus /
    result URLs), no ``Retry-After`` (azure-ai-ml test_workspace.py recording)."""
    return {
        "Azure-AsyncOperation": operations.status_url(context.base_url, operation),
        "Location": operations.result_url(context.base_url, operation),
        **retry_after(context),
    }


MFE_RUNNING_STATUS = "Updating"
"""An ``mfeOperationsStatus`` operation reports ``Updating`` while it runs (not ``InProgress``), then
``Succeeded`` (test_batch_endpoint.py recordings, test_batch_deployment.yaml)."""

RECORDED_STATUS_FAMILIES = frozenset({"compute", "mfe", "workspace"})


def operation_status(
    *, family: str, status: str, running: bool, status_id: str, name: str, error: JsonObject | None
) -> JsonObject:
    """The body of an Azure ML operation-status poll, as recorded, not ARM's full ``OperationStatusResult``:

    * ``computeOperationsStatus``: ``{"status": "InProgress"}`` while running, then
      ``{"status": "Succeeded", "percentComplete": 100.0}`` — percentComplete only on the terminal answer
      (test_compute.py, test_compute_aml.yaml recordings);
    * ``mfeOperationsStatus``: ``{"id", "name", "status"}`` with ``Updating`` while running (test_batch_endpoint.py
      recordings, api 2023-10-01);
    * ``workspaceOperationsStatus``: ``{"status": "InProgress"}`` (test_workspace.py recording).

    A failed or canceled operation also carries its ``error`` (no recording shows one; ARM requires it)."""
    body: JsonObject
    if family == "mfe":
        body = {"id": status_id, "name": name, "status": MFE_RUNNING_STATUS if running else status}
    else:
        body = {"status": status}
        if family == "compute" and not running:
            body["percentComplete"] = 100.0
    if not running and error is not None:
        body["error"] = error
    return body


# ------------------------------------------------------------------------------------------ not found


def deleted_endpoint_not_found(name: str, workspace: str) -> ArmError:
    """A GET of a batch endpoint that existed and was deleted is answered by the service itself (MFE), not by
    the ARM gateway: 404 ``UserError`` with an inner ``NotFound``/``EndpointNotFound`` (test_batch_endpoint.py
    recording: the GET right after the DELETE). A never-created endpoint gets the gateway's ``ResourceNotFound``
    instead (test_batch_deployment_wrong_endpoint.yaml); see ``handlers.common.resource_not_found``."""
    message = (
        f"An endpoint with the name '{name}' does not exist in the workspace '{workspace}'. Please check the "
        "endpoint name and also ensure the current user has access to it."
    )
    inner = {"code": "NotFound", "innerError": {"code": "EndpointNotFound", "innerError": None}}
    return ArmError(
        404,
        "UserError",
        message,
        details=[],
        additional_info=[
            {"type": "ComponentName", "info": {"value": "managementfrontend"}},
            {"type": "InnerError", "info": inner},
        ],
    )


# ------------------------------------------------------------------------------------------ canonical forms


COMPUTE_DEFAULT_IDLE_TIME = "PT2M"
"""``scaleSettings.nodeIdleTimeBeforeScaleDown`` when a cluster create leaves it out: ``PT2M`` on GET
(test_compute_aml.yaml). A given value is kept exactly as sent (``PT1M40S`` stays ``PT1M40S``)."""

COMPUTE_DEFAULT_VM_PRIORITY = "Dedicated"
"""``vmPriority`` when a cluster create leaves it out: null in the PUT echo, ``Dedicated`` on GET
(test_compute_aml.yaml)."""


def compute_put_echo(body: JsonObject, sent: JsonObject | None) -> JsonObject:
    """The 201 body of a compute PUT differs from the later GET: ``vmSize`` upper-cased, values the service fills
    (``vmPriority`` and the idle time when ``sent`` left them out, node counts, allocation state) still null, no tags
    yet (test_compute.py and test_compute_aml.yaml recordings). The GET shows ``vmSize`` exactly as sent. A client
    must therefore take its view of the resource from the GET after the operation, never from this echo.
    ``sent`` is the request's ``properties.properties``."""
    given = sent or {}
    echo = copy.deepcopy(body)
    echo["tags"] = None
    properties = echo.get("properties")
    inner = properties.get("properties") if isinstance(properties, dict) else None
    if isinstance(inner, dict):
        if isinstance(inner.get("vmSize"), str):
            inner["vmSize"] = inner["vmSize"].upper()
        for name in ("currentNodeCount", "targetNodeCount", "nodeStateCounts", "allocationState", "errors"):
            if name in inner:
                inner[name] = None
        if properties is not None and properties.get("computeType") == "AmlCompute":
            if given.get("vmPriority") is None:
                inner["vmPriority"] = None
            scale = inner.get("scaleSettings")
            sent_scale = given.get("scaleSettings") or {}
            if isinstance(scale, dict) and sent_scale.get("nodeIdleTimeBeforeScaleDown") is None:
                inner["scaleSettings"] = {**scale, "nodeIdleTimeBeforeScaleDown": None}
        if properties is not None and properties.get("computeType") == "ComputeInstance":
            for name in ("state", "applicationSharingPolicy", "connectivityEndpoints", "applications", "schedules"):
                if name in inner:
                    inner[name] = None
    return echo


def canonical_schedules(schedules: list[Any], previous: list[Any], new_id: Any) -> list[Any]:
    """Compute-instance schedules as the service stores them: enum values canonical (done by validation), each
    given an ``id``, ``status: Enabled`` and ``provisioningStatus: Completed``, the unused trigger an explicit
    ``null``, and the list in another order than sent (reversed here: the recording shows a re-ordered list, so a
    client must not compare by position) (test_compute_compute_instance_with_schedules.yaml)."""
    known = {_schedule_key(item): item.get("id") for item in previous if isinstance(item, dict) and item.get("id")}
    result = []
    for item in schedules:
        schedule = dict(item)
        schedule["id"] = known.get(_schedule_key(schedule)) or str(new_id())
        schedule.setdefault("status", "Enabled")
        if schedule.get("status") is None:
            schedule["status"] = "Enabled"
        schedule["provisioningStatus"] = "Completed"
        if schedule.get("triggerType") == "Cron":
            schedule["recurrence"] = None
        else:
            schedule["cron"] = None
        result.append(schedule)
    result.reverse()
    return result


def _schedule_key(schedule: JsonObject) -> str:
    parts = {key: value for key, value in schedule.items() if key not in ("id", "provisioningStatus", "status")}
    return repr(sorted(parts.items(), key=lambda pair: pair[0]))


def deployment_resources(resources: JsonObject) -> JsonObject:
    """A batch deployment's ``resources`` come back with every member present and an empty ``properties`` bag as
    ``null`` (sent ``{"instanceCount": 1, "properties": {}}``, GET ``properties: null``, ``maxInstanceCount``,
    ``instanceType``, ``locations`` null) (test_batch_deployment.yaml)."""
    result: JsonObject = {
        "instanceCount": resources.get("instanceCount"),
        "maxInstanceCount": resources.get("maxInstanceCount"),
        "instanceType": resources.get("instanceType"),
        "locations": resources.get("locations"),
        "properties": resources.get("properties") or None,
    }
    return result


def deployment_property_bag(properties: JsonObject | None) -> JsonObject:
    """A batch deployment's own ``properties`` bag comes back as sent, an empty ``{}`` included: sent
    ``properties: {}``, the 201 echo and the GET after the operation both answer ``{}`` (test_batch_deployment.yaml
    @4a49f02ad6642ddcbc1c4deed872537b29a65aa8), unlike ``resources.properties`` (:func:`deployment_resources`).
    A PUT without the bag is not recorded (azure-ai-ml always sends it): the answer is ``{}`` then, the least
    echo-like one."""
    return dict(properties or {})
