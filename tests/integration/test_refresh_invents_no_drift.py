"""Refresh never invents drift: after create and read, the same minimal inputs diff as "no changes".

Services fill defaults for inputs a program leaves unset (ssh settings, instance counts, property keys...); reading
them back must not turn into a change, let alone a replacement, on the next preview.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider

from integration.conftest import RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE, checked

BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)
OTHER = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers"

MINIMAL: dict[str, tuple[str, dict[str, Any]]] = {
    "cluster": (
        "Compute",
        {
            "name": "cluster",
            "compute_type": "AmlCompute",
            "vm_size": "STANDARD_DS3_V2",
            "scale_settings": {"max_node_count": 1.0},
        },
    ),
    "instance": ("Compute", {"name": "instance", "compute_type": "ComputeInstance", "vm_size": "STANDARD_DS3_V2"}),
    "aks": (
        "Compute",
        {
            "name": "aks",
            "compute_type": "AKS",
            "resource_id": f"{OTHER}/Microsoft.ContainerService/managedClusters/aks",
        },
    ),
    "endpoint": ("BatchEndpoint", {"name": "endpoint"}),
    "key-endpoint": ("BatchEndpoint", {"name": "key-endpoint", "auth_mode": "Key"}),
    "deployment": (
        "BatchDeployment",
        {"endpoint_name": "endpoint", "name": "blue", "code_configuration": {"scoring_script": "score.py"}},
    ),
    "routing": ("BatchEndpointDefaultDeployment", {"endpoint_name": "endpoint", "deployment_name": "blue"}),
    "workspace": (
        "Workspace",
        {
            "name": "mlw-minimal",
            "location": "eastus",
            "storage_account": f"{OTHER}/Microsoft.Storage/storageAccounts/st",
            "key_vault": f"{OTHER}/Microsoft.KeyVault/vaults/kv",
        },
    ),
}


@pytest.mark.parametrize("case", sorted(MINIMAL))
def test_refresh_after_create_shows_no_changes(
    case: str, emulator: EmulatorServer, make_provider: Callable[[str], AzureMLProvider]
) -> None:
    if case in ("deployment", "routing"):
        endpoints = make_provider("BatchEndpoint")
        endpoints.create(checked(endpoints, MINIMAL["endpoint"][1]))
    if case == "routing":
        deployments = make_provider("BatchDeployment")
        deployments.create(checked(deployments, MINIMAL["deployment"][1]))
    kind, inputs = MINIMAL[case]
    provider = make_provider(kind)
    desired = checked(provider, inputs)
    created = provider.create(desired)
    read = provider.read(created.id, created.outs or {})
    assert read.id == created.id
    diff = provider.diff(read.id, read.outs or {}, checked(provider, inputs))
    assert diff.changes is False, diff.replaces
    assert read.inputs is not None
    assert set(read.inputs) <= set(desired) | {"location"}
