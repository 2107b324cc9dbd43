"""The mistakes of a first hour are refused at preview (check, no I/O) with the exact text that says what to do."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.settings import Settings

PLACE = {
    "azureml:subscriptionId": "00000000-0000-0000-0000-000000000001",
    "azureml:resourceGroupName": "rg-first-hour",
    "azureml:workspaceName": "mlw-first-hour",
}
CLUSTER: dict[str, Any] = {
    "name": "cpu-cluster",
    "compute_type": "AmlCompute",
    "vm_size": "STANDARD_DS3_V2",
    "scale_settings": {"max_node_count": 2.0},
}


def failures(kind: str, inputs: dict[str, Any], config: dict[str, str] | None = None) -> list[tuple[str, str]]:
    provider = AzureMLProvider(kind)
    provider.use_settings(Settings({**PLACE, **(config or {})}, environ={}))
    result = provider.check({}, inputs)
    return [(failure.property, failure.reason) for failure in result.failures]


def test_a_compute_type_typo_gets_one_failure_with_did_you_mean() -> None:
    found = failures("Compute", {**CLUSTER, "compute_type": "AmlComptue"})
    assert found == [
        (
            "compute_type",
            "must be one of AmlCompute, ComputeInstance, AKS, Kubernetes, VirtualMachine, HDInsight, Databricks, "
            "DataFactory, DataLakeAnalytics, SynapseSpark; got 'AmlComptue'; did you mean AmlCompute?",
        )
    ], "a typo in the type must not make every type-specific field look misplaced"


def test_the_service_casing_of_a_compute_type_is_accepted_and_canonicalised() -> None:
    provider = AzureMLProvider("Compute")
    provider.use_settings(Settings(PLACE, environ={}))
    result = provider.check({}, {**CLUSTER, "compute_type": "AMLCompute"})
    assert result.failures == []
    assert result.inputs["compute_type"] == "AmlCompute"


def test_an_auth_mode_typo_gets_did_you_mean() -> None:
    found = dict(failures("BatchEndpoint", {"name": "scoring", "auth_mode": "AADTokn"}))
    assert found["auth_mode"].endswith("got 'AADTokn'; did you mean AADToken?"), found


@pytest.mark.parametrize(
    ("endpoint", "reason"),
    [
        ("example.com", "'example.com' must be an absolute http(s) URL"),
        (
            "http://management.example.com",
            "'http://management.example.com' uses plain http; that is allowed only for loopback hosts (the emulator)",
        ),
        (
            "https://management.azure.com/subscriptions",
            "'https://management.azure.com/subscriptions' must be a bare origin such as https://management.azure.com",
        ),
    ],
)
def test_a_bad_endpoint_fails_the_preview_not_the_up(endpoint: str, reason: str) -> None:
    assert ("azureml:endpoint", reason) in failures("Compute", CLUSTER, {"azureml:endpoint": endpoint})


def test_an_unknown_cloud_and_api_version_fail_the_preview() -> None:
    found = failures("Compute", {**CLUSTER, "api_version": "latest"}, {"azureml:cloud": "AzurePublic"})
    assert (
        "azureml:cloud",
        "'AzurePublic' is not a known cloud; use one of AzureCloud, AzureChinaCloud, AzureUSGovernment",
    ) in found
    assert ("api_version", "must look like 2025-12-01; got 'latest'") in found


def test_an_operation_error_names_the_operation_and_the_resource_once() -> None:
    from pulumi_azureml.provider import AzureMLError

    provider = AzureMLProvider("Compute")
    provider.use_settings(Settings({**PLACE, "azureml:endpoint": "example.com"}, environ={}))
    with pytest.raises(AzureMLError) as raised:
        provider.create(
            {
                **CLUSTER,
                "subscription_id": PLACE["azureml:subscriptionId"],
                "resource_group_name": PLACE["azureml:resourceGroupName"],
                "workspace_name": PLACE["azureml:workspaceName"],
                "api_version": "2025-12-01",
            }
        )
    message = str(raised.value)
    assert message.startswith("creating compute cpu-cluster: azureml:endpoint 'example.com' must be"), message
    assert "compute compute" not in message and "reading" not in message


def test_a_misspelt_property_gets_one_line_with_did_you_mean() -> None:
    """Property names get what enum values already had (issue 23): the nearest declared name, or the snake_case
    form of a name written as the REST reference spells it."""
    found = failures("Compute", {**CLUSTER, "vm_sizes": "STANDARD_DS3_V2"})
    assert found == [("vm_sizes", "is not a property of Compute; did you mean vm_size?")]
    found = failures("Compute", {**CLUSTER, "scaleSettings": {"maxNodeCount": 2}})
    assert found == [
        ("scaleSettings", "is not a property of Compute; did you mean scale_settings? (inputs are snake_case)")
    ]


def test_an_online_deployment_named_in_capitals_is_refused_with_the_name_to_use() -> None:
    found = dict(
        failures(
            "OnlineDeployment",
            {"endpoint_name": "online", "name": "Blue", "model": "azureml:churn:1", "instance_type": "Standard_F4s_v2"},
        )
    )
    assert found["name"].startswith("must be lower case ('blue'): "), found
