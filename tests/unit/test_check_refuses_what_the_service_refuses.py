"""For every kind, ``check`` refuses a non-integral number, a wrong type and an unknown enum value, naming the
field and the rule, before any request: the same inputs the emulator (like the service) refuses with a 400."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_azureml.provider import AzureMLProvider

SUB = "00000000-0000-0000-0000-0000000000aa"
PLACEMENT = {"subscription_id": SUB, "resource_group_name": "rg", "workspace_name": "mlw"}
OTHER = f"/subscriptions/{SUB}/resourceGroups/rg/providers"

BASE: dict[str, dict[str, Any]] = {
    "Compute": {
        "name": "cluster",
        "compute_type": "AmlCompute",
        "vm_size": "STANDARD_DS3_V2",
        "scale_settings": {"max_node_count": 2.0},
    },
    "BatchEndpoint": {"name": "scoring", "sku": {"name": "Default", "capacity": 1.0}},
    "BatchDeployment": {
        "endpoint_name": "scoring",
        "name": "blue",
        "code_configuration": {"scoring_script": "score.py"},
        "mini_batch_size": 10.0,
    },
    "BatchEndpointDefaultDeployment": {"endpoint_name": "scoring", "deployment_name": "blue"},
    "Workspace": {
        "name": "mlw-check",
        "location": "eastus",
        "storage_account": f"{OTHER}/Microsoft.Storage/storageAccounts/st",
        "key_vault": f"{OTHER}/Microsoft.KeyVault/vaults/kv",
        "service_managed_resources_settings": {"cosmos_db": {"collections_throughput": 400.0}},
    },
}

# kind: (non-integral, wrong type, unknown enum), each (inputs to merge, property named, words of the rule)
CASES: dict[str, tuple[tuple[dict[str, Any], str, str], ...]] = {
    "Compute": (
        ({"scale_settings": {"max_node_count": 2.5}}, "scale_settings.max_node_count", "whole number"),
        ({"enable_node_public_ip": "yes"}, "enable_node_public_ip", "true or false"),
        ({"vm_priority": "Spot"}, "vm_priority", "must be one of"),
    ),
    "BatchEndpoint": (
        ({"sku": {"name": "Default", "capacity": 0.5}}, "sku.capacity", "whole number"),
        ({"description": 12}, "description", "must be a string"),
        ({"auth_mode": "Token"}, "auth_mode", "must be one of"),
    ),
    "BatchDeployment": (
        ({"mini_batch_size": 2.5}, "mini_batch_size", "whole number"),
        ({"max_concurrency_per_instance": "2"}, "max_concurrency_per_instance", "whole number"),
        ({"logging_level": "Verbose"}, "logging_level", "must be one of"),
    ),
    "BatchEndpointDefaultDeployment": (
        ({"deployment_name": 1.5}, "deployment_name", "must be a string"),
        ({"deployment_name": ["blue"]}, "deployment_name", "must be a string"),
        ({"endpoint_name": 3.0}, "endpoint_name", "must be a string"),
    ),
    "Workspace": (
        (
            {"service_managed_resources_settings": {"cosmos_db": {"collections_throughput": 400.5}}},
            "service_managed_resources_settings.cosmos_db.collections_throughput",
            "whole number",
        ),
        ({"v1_legacy_mode": "false"}, "v1_legacy_mode", "true or false"),
        ({"public_network_access": "Sometimes"}, "public_network_access", "must be one of"),
    ),
}


def check(kind: str, extra: dict[str, Any]) -> Any:
    placement = {key: value for key, value in PLACEMENT.items() if kind != "Workspace" or key != "workspace_name"}
    return AzureMLProvider(kind).check({}, {**placement, **BASE[kind], **extra})


@pytest.mark.parametrize("kind", sorted(BASE))
def test_the_valid_inputs_pass_and_integers_come_back_as_integers(kind: str) -> None:
    result = check(kind, {})
    assert result.failures == []
    floats = [key for key, value in result.inputs.items() if isinstance(value, float)]
    assert floats == []


@pytest.mark.parametrize("kind", sorted(CASES))
@pytest.mark.parametrize("which", [0, 1, 2], ids=["non-integral", "wrong-type", "unknown-enum-or-type"])
def test_check_names_the_field_and_the_rule(kind: str, which: int) -> None:
    extra, prop, rule = CASES[kind][which]
    failures = [(failure.property, failure.reason) for failure in check(kind, extra).failures]
    assert any(name == prop and rule in reason for name, reason in failures), failures
