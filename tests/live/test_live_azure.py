"""The provider against real Azure: a cluster and a batch endpoint, created, updated, refreshed and deleted.

Opt-in: set AZUREML_LIVE_SUBSCRIPTION_ID, AZUREML_LIVE_RESOURCE_GROUP and AZUREML_LIVE_WORKSPACE (an existing
workspace), and credentials DefaultAzureCredential can use (`az login`, or AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/
AZURE_TENANT_ID). The cluster has zero minimum nodes, so the test costs (almost) nothing; names are random and
everything is deleted in `finally` blocks.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

import pytest

from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.settings import Settings

REQUIRED = ("AZUREML_LIVE_SUBSCRIPTION_ID", "AZUREML_LIVE_RESOURCE_GROUP", "AZUREML_LIVE_WORKSPACE")

pytestmark = [
    pytest.mark.live,
    pytest.mark.timeout(3600),
    pytest.mark.skipif(
        not all(os.environ.get(name) for name in REQUIRED),
        reason=f"real Azure is not configured: set {', '.join(REQUIRED)} and Azure credentials to run",
    ),
]


def provider(kind: str) -> AzureMLProvider:
    instance = AzureMLProvider(kind)
    instance.use_settings(
        Settings(
            {
                "azureml:subscriptionId": os.environ.get("AZUREML_LIVE_SUBSCRIPTION_ID"),
                "azureml:resourceGroupName": os.environ.get("AZUREML_LIVE_RESOURCE_GROUP"),
                "azureml:workspaceName": os.environ.get("AZUREML_LIVE_WORKSPACE"),
                "azureml:cloud": os.environ.get("AZUREML_LIVE_CLOUD", "AzureCloud"),
            }
        )
    )
    return instance


def checked(instance: AzureMLProvider, inputs: dict[str, Any]) -> dict[str, Any]:
    result = instance.check({}, inputs)
    assert not result.failures, [(f.property, f.reason) for f in result.failures]
    return result.inputs


def random_name(prefix: str) -> str:
    return prefix + "".join(secrets.choice("abcdefghijkmnpqrstuvwxyz") for _ in range(8))


def test_cluster_lifecycle_on_azure() -> None:
    computes = provider("Compute")
    inputs = checked(
        computes,
        {
            "name": random_name("pzml"),
            "compute_type": "AmlCompute",
            "vm_size": "STANDARD_DS2_V2",
            "scale_settings": {"max_node_count": 1.0, "min_node_count": 0.0},
            "owner_marker": "live-test",
        },
    )
    created = computes.create(inputs)
    try:
        outs = created.outs or {}
        assert outs["provisioning_state"] == "Succeeded"
        assert computes.diff(created.id, outs, inputs).changes is False
        scaled = checked(computes, {**inputs, "scale_settings": {"max_node_count": 2.0, "min_node_count": 0.0}})
        outs = computes.update(created.id, outs, scaled).outs or {}
        read = computes.read(created.id, outs)
        assert read.inputs is not None and read.inputs["scale_settings"]["max_node_count"] == 2
    finally:
        computes.delete(created.id, created.outs or {})
    assert computes.read(created.id, created.outs or {}).id == ""


def test_batch_endpoint_lifecycle_on_azure() -> None:
    endpoints = provider("BatchEndpoint")
    inputs = checked(endpoints, {"name": random_name("pzml-"), "description": "live test", "owner_marker": "live"})
    created = endpoints.create(inputs)
    try:
        outs = created.outs or {}
        assert outs["scoring_uri"]
        tagged = checked(endpoints, {**inputs, "tags": {"purpose": "live-test"}})
        endpoints.update(created.id, outs, tagged)
    finally:
        endpoints.delete(created.id, created.outs or {})
