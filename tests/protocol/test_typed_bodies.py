"""What reaches the server is typed by the spec, for every kind, through the SDK's provider host.

The engine hands ``create`` and ``update`` every number as a float (``2.0``); Azure's .NET readers refuse a
decimal token for an ``int32``/``int64`` property. These tests drive create and update of each kind through the
real host and read the request bodies the emulator received, as text: no integer field may arrive as ``2.0``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import pulumi_azureml as azureml
from pulumi_azureml.emulator import EmulatorServer

from harness import Stack
from protocol.conftest import RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE

BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)
MODEL = f"{BASE}/models/churn/versions/1"
ENVIRONMENT = f"{BASE}/environments/sklearn/versions/1"
STORAGE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.Storage/storageAccounts/st"
)
VAULT = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/kv"


def written(emulator: EmulatorServer) -> list[tuple[str, str, Any]]:
    """(method, path, body) of every write the emulator answered, the body parsed with floats kept as floats."""
    writes = []
    for entry in emulator.requests_log():
        if entry["method"] in ("PUT", "PATCH", "POST") and entry.get("body"):
            writes.append((entry["method"], entry["path"], json.loads(entry["body"])))
    return writes


def floats_in(value: Any, where: str = "") -> list[str]:
    """Paths of every JSON number with a decimal point or exponent (none of these specs has a float field)."""
    if isinstance(value, float):
        return [where]
    if isinstance(value, dict):
        return [path for key, item in value.items() for path in floats_in(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [path for index, item in enumerate(value) for path in floats_in(item, f"{where}[{index}]")]
    return []


def cluster(max_nodes: int) -> None:
    azureml.Compute(
        "cluster",
        compute_type="AmlCompute",
        vm_size="STANDARD_DS3_V2",
        description=f"max {max_nodes}",
        scale_settings=azureml.ScaleSettingsArgs(min_node_count=1, max_node_count=max_nodes),
        enable_node_public_ip=True,
    )


def instance(hour: int) -> None:
    azureml.Compute(
        "instance",
        compute_type="ComputeInstance",
        vm_size="STANDARD_DS3_V2",
        schedules=[
            azureml.ScheduleArgs(
                action="Start",
                trigger_type="Recurrence",
                recurrence=azureml.RecurrenceArgs(
                    frequency="Week",
                    interval=1,
                    schedule=azureml.RecurrenceScheduleArgs(hours=[hour], minutes=[30], week_days=["Monday"]),
                ),
            )
        ],
    )


def endpoint(capacity: int) -> azureml.BatchEndpoint:
    return azureml.BatchEndpoint(
        "scoring", sku=azureml.SkuArgs(name="Default", capacity=capacity), tags={"capacity": str(capacity)}
    )


def deployment(size: int) -> None:
    compute = azureml.Compute(
        "cluster",
        compute_type="AmlCompute",
        vm_size="STANDARD_DS3_V2",
        scale_settings=azureml.ScaleSettingsArgs(max_node_count=2),
    )
    scoring = endpoint(1)
    blue = azureml.BatchDeployment(
        "blue",
        endpoint_name=scoring.name,
        model=azureml.AssetReferenceArgs(reference_type="Id", asset_id=MODEL),
        code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py"),
        environment_id=ENVIRONMENT,
        compute=compute.arm_id,
        mini_batch_size=size,
        max_concurrency_per_instance=2,
        error_threshold=-1,
        description=f"size {size}",
        resources=azureml.DeploymentResourcesArgs(instance_count=size // 5),
        retry_settings=azureml.RetrySettingsArgs(max_retries=size // 2, timeout="PT30S"),
    )
    azureml.BatchEndpointDefaultDeployment("routing", endpoint_name=scoring.name, deployment_name=blue.name)


def workspace(throughput: int) -> None:
    azureml.Workspace(
        "workspace",
        name="mlw-typed",
        location="westeurope",
        storage_account=STORAGE,
        key_vault=VAULT,
        purge_on_delete=True,
        public_network_access="Enabled" if throughput > 500 else "Disabled",
        service_managed_resources_settings=azureml.ServiceManagedResourcesSettingsArgs(
            cosmos_db=azureml.CosmosDbSettingsArgs(collections_throughput=throughput)
        ),
    )


CASES: dict[str, tuple[Callable[[int], Any], int, int, list[tuple[str, str]]]] = {
    # kind: (program, create value, update value, [(path suffix, dotted wire path of an integer)])
    "Compute (AmlCompute)": (
        cluster,
        2,
        5,
        [
            ("/computes/cluster", "properties.properties.scaleSettings.maxNodeCount"),
            ("/computes/cluster", "properties.properties.scaleSettings.minNodeCount"),
        ],
    ),
    "Compute (ComputeInstance)": (
        instance,
        8,
        9,
        [("/computes/instance", "properties.properties.schedules.computeStartStop.0.recurrence.interval")],
    ),
    "BatchEndpoint": (lambda n: endpoint(n), 1, 3, [("/batchEndpoints/scoring", "sku.capacity")]),
    "BatchDeployment": (
        deployment,
        10,
        20,
        [
            ("/deployments/blue", "properties.miniBatchSize"),
            ("/deployments/blue", "properties.maxConcurrencyPerInstance"),
            ("/deployments/blue", "properties.errorThreshold"),
            ("/deployments/blue", "properties.resources.instanceCount"),
            ("/deployments/blue", "properties.retrySettings.maxRetries"),
        ],
    ),
    "Workspace": (
        workspace,
        400,
        800,
        [("/workspaces/mlw-typed", "properties.serviceManagedResourcesSettings.cosmosDb.collectionsThroughput")],
    ),
}


def dig(body: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        body = body[int(part)] if isinstance(body, list) else body.get(part) if isinstance(body, dict) else None
    return body


@pytest.mark.parametrize("kind", sorted(CASES))
def test_integers_reach_the_server_as_json_integers(kind: str, stack: Stack, emulator: EmulatorServer) -> None:
    program, created, updated, integers = CASES[kind]
    assert "create" in stack.up(lambda: program(created)).ops().values()
    updated_run = stack.up(lambda: program(updated))
    assert {"update", "replace"} & set(updated_run.ops().values()), updated_run.ops()

    writes = written(emulator)
    assert writes, "the run wrote nothing?"
    for method, path, body in writes:
        assert floats_in(body) == [], f"{method} {path} carried a decimal number: {floats_in(body)}"
    for suffix, dotted in integers:
        values = [
            dig(body, dotted) for method, path, body in writes if method in ("PUT", "PATCH") and path.endswith(suffix)
        ]
        # At least the create and the update carried it, each time as a JSON integer.
        assert len(values) >= 2 and all(type(value) is int for value in values), (suffix, dotted, values)
