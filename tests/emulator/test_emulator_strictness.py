"""The emulator is at least as strict as the service, for every resource type (``emulator.schemas``).

For each type: a decimal token for an integer property (``2.0`` included), a wrong JSON type, and an unknown enum
value are each refused with a service-shaped 400 (``UserError``, a ``BadArgument`` detail naming the property);
enum values are accepted in any casing and stored canonically.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from emulator_helpers import (
    Arm,
    aml_compute_body,
    compute_instance_body,
    compute_path,
    deployment_body,
    deployment_path,
    endpoint_body,
    endpoint_path,
    resource_group_path,
    workspace_path,
)


def workspace_body(**properties: Any) -> dict[str, Any]:
    return {
        "location": "eastus",
        "properties": {
            "storageAccount": f"{resource_group_path()}/providers/Microsoft.Storage/storageAccounts/store1",
            "keyVault": f"{resource_group_path()}/providers/Microsoft.KeyVault/vaults/vault1",
            **properties,
        },
    }


def instance_with_schedule() -> dict[str, Any]:
    body = compute_instance_body()
    body["properties"]["properties"]["schedules"] = {
        "computeStartStop": [
            {
                "action": "Stop",
                "triggerType": "Recurrence",
                "recurrence": {
                    "frequency": "Week",
                    "interval": 1,
                    "schedule": {"hours": [18], "minutes": [0], "weekDays": ["Friday"]},
                },
            }
        ]
    }
    return body


def endpoint_with_sku() -> dict[str, Any]:
    return {**endpoint_body(), "sku": {"name": "Default", "capacity": 1}}


def deployment_with_numbers() -> dict[str, Any]:
    return deployment_body(
        miniBatchSize=10, maxConcurrencyPerInstance=2, errorThreshold=-1, resources={"instanceCount": 1}
    )


def workspace_with_numbers() -> dict[str, Any]:
    return workspace_body(serviceManagedResourcesSettings={"cosmosDb": {"collectionsThroughput": 400}})


Case = tuple[Callable[[], dict[str, Any]], str, str]
"""(valid body, path of the resource, dotted path of the property to break)."""

INTEGERS: dict[str, Case] = {
    "AmlCompute maxNodeCount": (
        aml_compute_body,
        compute_path("cpu1"),
        "properties.properties.scaleSettings.maxNodeCount",
    ),
    "ComputeInstance schedule hour": (
        instance_with_schedule,
        compute_path("cpu1"),
        "properties.properties.schedules.computeStartStop.0.recurrence.schedule.hours.0",
    ),
    "BatchEndpoint sku capacity": (endpoint_with_sku, endpoint_path("ep1"), "sku.capacity"),
    "BatchDeployment miniBatchSize (int64)": (
        deployment_with_numbers,
        deployment_path("ep1", "d1"),
        "properties.miniBatchSize",
    ),
    "BatchDeployment instanceCount": (
        deployment_with_numbers,
        deployment_path("ep1", "d1"),
        "properties.resources.instanceCount",
    ),
    "Workspace collectionsThroughput": (
        workspace_with_numbers,
        workspace_path("ws-strict"),
        "properties.serviceManagedResourcesSettings.cosmosDb.collectionsThroughput",
    ),
}

ENUMS: dict[str, tuple[Callable[[], dict[str, Any]], str, str, str, str]] = {
    # (body, path, property, any-casing value, canonical value)
    "AmlCompute vmPriority": (
        lambda: _with(aml_compute_body(), "properties.properties.vmPriority", "lowpriority"),
        compute_path("cpu1"),
        "properties.properties.vmPriority",
        "lowpriority",
        "LowPriority",
    ),
    "ComputeInstance schedule action": (
        instance_with_schedule,
        compute_path("cpu1"),
        "properties.properties.schedules.computeStartStop.0.action",
        "stop",
        "Stop",
    ),
    "BatchEndpoint authMode": (endpoint_body, endpoint_path("ep1"), "properties.authMode", "aadToken", "AADToken"),
    "BatchDeployment loggingLevel": (
        deployment_with_numbers,
        deployment_path("ep1", "d1"),
        "properties.loggingLevel",
        "info",
        "Info",
    ),
    "Workspace publicNetworkAccess": (
        workspace_body,
        workspace_path("ws-strict"),
        "properties.publicNetworkAccess",
        "disabled",
        "Disabled",
    ),
}


# -- Environment versions (issue 17; datastores answer without a provisioningState: their own file covers them) ----
def environment_version_body() -> dict[str, Any]:
    route = {"path": "/score", "port": 5001}
    return {"properties": {"image": "python:3.11-slim", "inferenceConfig": {"scoringRoute": route}}}


ENVIRONMENT_VERSION_PATH = f"{workspace_path()}/environments/strict/versions/1"
INTEGERS["EnvironmentVersion scoringRoute port"] = (
    environment_version_body,
    ENVIRONMENT_VERSION_PATH,
    "properties.inferenceConfig.scoringRoute.port",
)
ENUMS["EnvironmentVersion osType"] = (
    environment_version_body,
    ENVIRONMENT_VERSION_PATH,
    "properties.osType",
    "linux",
    "Linux",
)
# -- end of environment versions -----------------------------------------------------------------------------------


def _with(body: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(body)
    parts = dotted.split(".")
    target: Any = body
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
    if isinstance(target, list):
        target[int(parts[-1])] = value
    else:
        target[parts[-1]] = value
    return body


def _get(body: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        body = body[int(part)] if isinstance(body, list) else body[part]
    return body


def _target(dotted: str) -> str:
    """The service's path notation: ``a.b[0].c``."""
    out = ""
    for part in dotted.split("."):
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


def _prepare(arm: Arm, path: str) -> None:
    if "/deployments/" in path:
        assert arm.put(endpoint_path("ep1"), endpoint_body()).status_code == 201
        arm.wait(endpoint_path("ep1"))


def _refused(arm: Arm, path: str, body: dict[str, Any], dotted: str) -> dict[str, Any]:
    response = arm.put(path, body)
    assert response.status_code == 400, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "UserError"
    assert error["target"] == _target(dotted)
    assert error["details"][0]["code"] == "BadArgument"
    return error


@pytest.mark.parametrize("case", sorted(INTEGERS))
@pytest.mark.parametrize("bad", [2.0, 2.5, "2", True], ids=["whole-decimal", "fraction", "string", "boolean"])
def test_integers_accept_only_json_integer_tokens(arm: Arm, workspace: dict[str, Any], case: str, bad: Any) -> None:
    make, path, dotted = INTEGERS[case]
    _prepare(arm, path)
    error = _refused(arm, path, _with(make(), dotted, bad), dotted)
    if isinstance(bad, float):
        assert f"Input string '{bad!r}' is not a valid integer" in error["message"]
    else:
        assert "Error converting value" in error["message"]
    # The same body with a JSON integer is accepted.
    assert arm.put(path, _with(make(), dotted, 2)).status_code in (200, 201, 202)


def test_int32_range_is_enforced(arm: Arm, workspace: dict[str, Any]) -> None:
    dotted = "properties.properties.scaleSettings.maxNodeCount"
    error = _refused(arm, compute_path("cpu1"), _with(aml_compute_body(), dotted, 2**31), dotted)
    assert "too large or small for an Int32" in error["message"]


@pytest.mark.parametrize("case", sorted(ENUMS))
def test_enums_any_casing_stored_canonically_unknown_refused(arm: Arm, workspace: dict[str, Any], case: str) -> None:
    make, path, dotted, spelled, canonical = ENUMS[case]
    _prepare(arm, path)
    error = _refused(arm, path, _with(make(), dotted, "Sometimes"), dotted)
    assert "invalid value 'Sometimes'" in error["message"]
    _refused(arm, path, _with(make(), dotted, 1), dotted)
    accepted = arm.put(path, _with(make(), dotted, spelled))
    assert accepted.status_code in (201, 202), accepted.text
    stored = arm.wait(path)
    assert _get(stored, dotted) == canonical


@pytest.mark.parametrize(
    ("make", "path", "dotted", "bad"),
    [
        (aml_compute_body, compute_path("cpu1"), "properties.properties.enableNodePublicIp", "true"),
        (compute_instance_body, compute_path("cpu1"), "properties.disableLocalAuth", 0),
        (
            workspace_body,
            workspace_path("ws-strict"),
            "properties.serverlessComputeSettings.serverlessComputeNoPublicIP",
            "yes",
        ),
        (environment_version_body, ENVIRONMENT_VERSION_PATH, "properties.isArchived", "true"),
    ],
)
def test_booleans_accept_only_true_and_false(
    arm: Arm, workspace: dict[str, Any], make: Callable[[], dict[str, Any]], path: str, dotted: str, bad: Any
) -> None:
    error = _refused(arm, path, _with(make(), dotted, bad), dotted)
    assert "System.Boolean" in error["message"]


def test_required_pattern_length_and_closed_objects(arm: Arm, workspace: dict[str, Any]) -> None:
    assert arm.put(endpoint_path("ep1"), endpoint_body()).status_code == 201
    arm.wait(endpoint_path("ep1"))
    script = "properties.codeConfiguration.scoringScript"
    _refused(arm, deployment_path("ep1", "d1"), _with(deployment_body(), script, ""), script)
    _refused(arm, deployment_path("ep1", "d1"), _with(deployment_body(), script, "..."), script)
    retries = "properties.retrySettings.unknown"
    _refused(arm, deployment_path("ep1", "d1"), _with(deployment_body(), retries, 1), retries)
    timeout = "properties.retrySettings.timeout"
    _refused(arm, deployment_path("ep1", "d1"), _with(deployment_body(), timeout, "30 seconds"), timeout)
    body = aml_compute_body()
    del body["properties"]["properties"]["scaleSettings"]["maxNodeCount"]
    _refused(arm, compute_path("cpu1"), body, "properties.properties.scaleSettings.maxNodeCount")
