"""BatchEndpoint, BatchDeployment and default routing through the provider object against the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider
from pulumi_azureml.schema import build_body
from pulumi_azureml.specs.batch import BATCH_ENDPOINT

from integration.conftest import LOCATION, RESOURCE_GROUP, SUBSCRIPTION, TOKEN, WORKSPACE, checked, writes
from support.shared import SEEDS, require

Make = Callable[[str], AzureMLProvider]
API = "2025-12-01"
BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)
CLUSTER_ID = f"{BASE}/computes/cpu-cluster"

ENDPOINT: dict[str, Any] = {
    "name": "scoring",
    "description": "nightly scoring",
    "properties": {"team": "ml"},
    "tags": {"env": "dev"},
    "owner_marker": "proj/dev/scoring",
}
DEPLOYMENT: dict[str, Any] = {
    "endpoint_name": "scoring",
    "name": "blue",
    "description": "first model",
    "model": {"reference_type": "Id", "asset_id": f"azureml:{BASE}/models/churn/versions/1"},
    "code_configuration": {"scoring_script": "score.py", "code_id": f"{BASE}/codes/src/versions/1"},
    "environment_id": f"azureml:{BASE}/environments/sklearn/versions/3",
    "compute": CLUSTER_ID,
    "resources": {"instance_count": 2.0},
    "mini_batch_size": 10.0,
    "max_concurrency_per_instance": 2.0,
    "output_action": "AppendRow",
    "retry_settings": {"max_retries": 3.0, "timeout": "PT30S"},
    "error_threshold": -1.0,
    "logging_level": "Info",
    "owner_marker": "proj/dev/blue",
}


def arm(emulator: EmulatorServer, path: str, method: str = "GET", body: Any = None) -> requests.Response:
    return requests.request(
        method,
        f"{emulator.url}{path}?api-version={API}",
        json=body,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )


@pytest.fixture
def cluster(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    provider.create(
        checked(
            provider,
            {
                "name": "cpu-cluster",
                "compute_type": "AmlCompute",
                "vm_size": "STANDARD_DS3_V2",
                "scale_settings": {"max_node_count": 2.0},
            },
        )
    )


def test_endpoint_create_no_op_patch_put_and_delete(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("BatchEndpoint")
    created = provider.create(checked(provider, ENDPOINT))
    outs = created.outs or {}
    assert outs["provisioning_state"] == "Succeeded"
    assert outs["auth_mode"] == "AADToken"
    assert outs["scoring_uri"].startswith("https://scoring.")
    assert outs["location"] == LOCATION
    assert outs["primary_key"] is None  # AAD auth: no keys
    assert provider.diff(created.id, outs, checked(provider, ENDPOINT)).changes is False

    # tags → PATCH with only tags.
    news = checked(provider, {**ENDPOINT, "tags": {"env": "prod"}})
    emulator.clear_requests_log()
    outs = provider.update(created.id, outs, news).outs or {}
    assert [w.split(" ")[0] for w in writes(emulator)] == ["PATCH"]
    assert arm(emulator, f"{BASE}/batchEndpoints/scoring").json()["tags"]["env"] == "prod"

    # description → full PUT; added property → PUT; both in place.
    news = checked(
        provider, {**ENDPOINT, "tags": {"env": "prod"}, "description": "v2", "properties": {"team": "ml", "owner": "a"}}
    )
    diff = provider.diff(created.id, outs, news)
    assert diff.changes is True and diff.replaces == []
    emulator.clear_requests_log()
    outs = provider.update(created.id, outs, news).outs or {}
    assert "PUT" in [w.split(" ")[0] for w in writes(emulator)]
    body = arm(emulator, f"{BASE}/batchEndpoints/scoring").json()
    assert body["properties"]["description"] == "v2"
    assert body["properties"]["properties"]["owner"] == "a"
    assert body["tags"]["pulumi-azureml-owner"] == "proj/dev/scoring"

    # delete: 202 + Location, polled until done.
    emulator.clear_requests_log()
    provider.delete(created.id, outs)
    assert arm(emulator, f"{BASE}/batchEndpoints/scoring").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"auth_mode": "Key"}, "auth_mode"),
        ({"location": "westus"}, "location"),
        ({"properties": {"team": "research"}}, "properties"),
        ({"properties": {}}, "properties"),
        ({"name": "scoring2"}, "name"),
    ],
)
def test_endpoint_replace_triggers(
    make_provider: Make, emulator: EmulatorServer, change: dict[str, Any], field: str
) -> None:
    provider = make_provider("BatchEndpoint")
    created = provider.create(checked(provider, ENDPOINT))
    diff = provider.diff(created.id, created.outs or {}, checked(provider, {**ENDPOINT, **change}))
    assert diff.replaces == [field]
    assert diff.delete_before_replace is (field != "name")


def test_endpoint_drift_and_adopt(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("BatchEndpoint")
    created = provider.create(checked(provider, ENDPOINT))
    arm(emulator, f"{BASE}/batchEndpoints/scoring", "PATCH", {"tags": {"env": "hacked"}}).raise_for_status()
    read = provider.read(created.id, created.outs or {})
    assert read.inputs is not None and read.inputs["tags"] == {"env": "hacked"}
    assert provider.diff(read.id, read.outs or {}, checked(provider, ENDPOINT)).replaces == []

    other = make_provider("BatchEndpoint")
    with pytest.raises(AzureMLError, match="adopt_existing"):
        other.create(checked(other, {**ENDPOINT, "owner_marker": "other/stack/scoring"}))
    adopted = other.create(checked(other, {**ENDPOINT, "owner_marker": "other/stack/scoring", "adopt_existing": True}))
    assert (adopted.outs or {})["provisioning_state"] == "Succeeded"
    assert arm(emulator, f"{BASE}/batchEndpoints/scoring").json()["tags"]["env"] == "dev"


def test_key_auth_endpoint_reads_keys_through_listkeys(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("BatchEndpoint")
    keys = {"primary_key": "primary-key-value-123", "secondary_key": "secondary-key-value-456"}
    created = provider.create(checked(provider, {**ENDPOINT, "auth_mode": "Key", "keys": keys}))
    outs = created.outs or {}
    assert outs["primary_key"] == "primary-key-value-123"
    assert outs["secondary_key"] == "secondary-key-value-456"
    assert "primary-key-value-123" not in arm(emulator, f"{BASE}/batchEndpoints/scoring").text
    read = provider.read(created.id, outs)
    assert (read.outs or {})["primary_key"] == "primary-key-value-123"
    assert read.inputs is not None and read.inputs["keys"] == keys


def test_failed_endpoint_create_is_cleaned_up(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("BatchEndpoint")
    emulator.add_fault(
        method="PUT",
        path="*/batchEndpoints/scoring",
        lro_status="Failed",
        error_code="InternalServerError",
        error_message="provisioning broke",
        times=1,
    )
    with pytest.raises(AzureMLError, match="InternalServerError: provisioning broke.*nothing was left behind"):
        provider.create(checked(provider, ENDPOINT))
    assert arm(emulator, f"{BASE}/batchEndpoints/scoring").status_code == 404


def test_deployment_lifecycle(emulator: EmulatorServer, make_provider: Make, cluster: None) -> None:
    endpoints = make_provider("BatchEndpoint")
    endpoints.create(checked(endpoints, ENDPOINT))
    provider = make_provider("BatchDeployment")
    created = provider.create(checked(provider, DEPLOYMENT))
    outs = created.outs or {}
    assert outs["provisioning_state"] == "Succeeded"
    server = arm(emulator, f"{BASE}/batchEndpoints/scoring/deployments/blue").json()["properties"]
    assert server["resources"]["instanceCount"] == 2 and isinstance(server["resources"]["instanceCount"], int)
    assert server["retrySettings"] == {"maxRetries": 3, "timeout": "PT30S"}
    assert provider.diff(created.id, outs, checked(provider, DEPLOYMENT)).changes is False

    # description and tags → PATCH
    news = checked(provider, {**DEPLOYMENT, "description": "second look", "tags": {"stage": "canary"}})
    emulator.clear_requests_log()
    outs = provider.update(created.id, outs, news).outs or {}
    assert [w.split(" ")[0] for w in writes(emulator)] == ["PATCH"]

    # mini batch size → PUT
    news = checked(
        provider, {**DEPLOYMENT, "description": "second look", "tags": {"stage": "canary"}, "mini_batch_size": 20.0}
    )
    assert provider.diff(created.id, outs, news).replaces == []
    emulator.clear_requests_log()
    outs = provider.update(created.id, outs, news).outs or {}
    assert [w.split(" ")[0] for w in writes(emulator)] == ["PUT"]
    assert arm(emulator, f"{BASE}/batchEndpoints/scoring/deployments/blue").json()["properties"]["miniBatchSize"] == 20

    # create-only parts → replace
    for change, field in (
        ({"code_configuration": {"scoring_script": "score2.py"}}, "code_configuration"),
        ({"resources": {"instance_count": 3.0}}, "resources"),
        ({"endpoint_name": "other"}, "endpoint_name"),
    ):
        assert provider.diff(created.id, outs, checked(provider, {**DEPLOYMENT, **change})).replaces == [field]

    # drift
    arm(
        emulator,
        f"{BASE}/batchEndpoints/scoring/deployments/blue",
        "PATCH",
        {"properties": {"description": "edited in portal"}},
    ).raise_for_status()
    read = provider.read(created.id, outs)
    assert read.inputs is not None and read.inputs["description"] == "edited in portal"

    provider.delete(created.id, outs)
    assert arm(emulator, f"{BASE}/batchEndpoints/scoring/deployments/blue").status_code == 404


def test_default_routing_sets_switches_and_clears_without_fighting(
    emulator: EmulatorServer, make_provider: Make, cluster: None
) -> None:
    endpoints = make_provider("BatchEndpoint")
    endpoint = endpoints.create(checked(endpoints, ENDPOINT))
    deployments = make_provider("BatchDeployment")
    deployments.create(checked(deployments, DEPLOYMENT))
    deployments.create(checked(deployments, {**DEPLOYMENT, "name": "green", "owner_marker": "p/s/green"}))
    routing = make_provider("BatchEndpointDefaultDeployment")
    route_inputs = checked(routing, {"endpoint_name": "scoring", "deployment_name": "blue"})
    route = routing.create(route_inputs)
    assert arm(emulator, f"{BASE}/batchEndpoints/scoring").json()["properties"]["defaults"]["deploymentName"] == "blue"
    assert routing.diff(route.id, route.outs or {}, route_inputs).changes is False

    # The endpoint does not see the default as drift, and its own PUT update keeps it.
    endpoint_read = endpoints.read(endpoint.id, endpoint.outs or {})
    assert endpoints.diff(endpoint.id, endpoint_read.outs or {}, checked(endpoints, ENDPOINT)).changes is False
    news = checked(endpoints, {**ENDPOINT, "description": "changed"})
    endpoints.update(endpoint.id, endpoint_read.outs or {}, news)
    assert arm(emulator, f"{BASE}/batchEndpoints/scoring").json()["properties"]["defaults"]["deploymentName"] == "blue"

    # Switching is an in-place update.
    switched = checked(routing, {"endpoint_name": "scoring", "deployment_name": "green"})
    diff = routing.diff(route.id, route.outs or {}, switched)
    assert diff.changes is True and diff.replaces == []
    outs = routing.update(route.id, route.outs or {}, switched).outs or {}
    assert arm(emulator, f"{BASE}/batchEndpoints/scoring").json()["properties"]["defaults"]["deploymentName"] == "green"

    # Out-of-band change of the default shows as drift on refresh.
    body = arm(emulator, f"{BASE}/batchEndpoints/scoring").json()
    assert routing.read(route.id, outs).inputs == {**switched}

    routing.delete(route.id, outs)
    defaults = arm(emulator, f"{BASE}/batchEndpoints/scoring").json()["properties"].get("defaults") or {}
    assert defaults.get("deploymentName") is None
    assert body["properties"]["scoringUri"]


def test_routing_to_a_missing_endpoint_says_create_it_first(make_provider: Make) -> None:
    routing = make_provider("BatchEndpointDefaultDeployment")
    with pytest.raises(AzureMLError, match="does not exist; create it first"):
        routing.create(checked(routing, {"endpoint_name": "nowhere", "deployment_name": "blue"}))


SEED = SEEDS / "004_d0e2b7693fa66161.txt"


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value[:1]]
    return type(value).__name__


def test_seed_request_body_expressed_as_inputs_produces_the_same_put_body() -> None:
    text = require(SEED).read_text(encoding="utf-8")
    start = text.index("Sample Request")
    body_start = text.index("{", start)
    seed_body, _ = json.JSONDecoder().raw_decode(text[body_start:])
    inputs = {
        "description": "string",
        "properties": {"string": "string"},
        "auth_mode": "AMLToken",
        "default_deployment_name": "string",
        "tags": {},
        "kind": "string",
        "identity": {"type": "SystemAssigned"},
        "sku": {"name": "string", "tier": "Free", "size": "string", "family": "string", "capacity": 1},
    }
    ours = build_body(BATCH_ENDPOINT, inputs)
    ours["location"] = "string"
    # The seed's placeholder also lists a user-assigned identity with type SystemAssigned, which ARM rejects
    # (and batch endpoints accept only SystemAssigned: Azure/azure-rest-api-specs#40149); everything else matches.
    seed_body["identity"].pop("userAssignedIdentities")
    assert _shape(ours) == _shape(seed_body)


SEED_RESPONSE_TO_OUTPUT = {
    "id": "arm_id",
    "name": "name",
    "type": "resource_type",
    "properties.description": "description",
    "properties.properties": "properties",
    "properties.scoringUri": "scoring_uri",
    "properties.swaggerUri": "swagger_uri",
    "properties.authMode": "auth_mode",
    # Owned by BatchEndpointDefaultDeployment (its deployment_name); deliberately no endpoint output (README).
    "properties.defaults.deploymentName": "",
    "properties.provisioningState": "provisioning_state",
    "systemData": "system_data",
    "tags": "tags",
    "location": "location",
    "kind": "kind",
    "identity.type": "identity",
    "identity.principalId": "identity_principal_id",
    "identity.tenantId": "identity_tenant_id",
    "identity.userAssignedIdentities": "identity_user_assigned_identities",
    "sku": "sku",
}


def _leaves(value: Any, prefix: str = "") -> set[str]:
    if isinstance(value, dict) and value and prefix not in ("systemData", "sku", "tags", "properties.properties"):
        return set().union(*(_leaves(item, f"{prefix}.{key}" if prefix else key) for key, item in value.items()))
    return {prefix}


def test_every_seed_response_field_is_an_output(make_provider: Make) -> None:
    text = require(SEED).read_text(encoding="utf-8")
    start = text.index("Sample Response")
    response, _ = json.JSONDecoder().raw_decode(text[text.index("{", start) :])
    paths = {p.rsplit(".string", 1)[0] for p in _leaves(response)}
    assert paths <= set(SEED_RESPONSE_TO_OUTPUT), paths - set(SEED_RESPONSE_TO_OUTPUT)
    provider = make_provider("BatchEndpoint")
    inputs = {**ENDPOINT, "kind": "batch", "identity": {"type": "SystemAssigned"}, "sku": {"name": "Default"}}
    outs = provider.create(checked(provider, inputs)).outs or {}
    missing = [name for name in SEED_RESPONSE_TO_OUTPUT.values() if name and name not in outs]
    assert missing == []


def test_removing_tags_clears_them_by_patch_and_keeps_the_ownership_tag(
    emulator: EmulatorServer, make_provider: Make
) -> None:
    provider = make_provider("BatchEndpoint")
    created = provider.create(checked(provider, ENDPOINT))
    untagged = checked(provider, {key: value for key, value in ENDPOINT.items() if key != "tags"})
    diff = provider.diff(created.id, created.outs or {}, untagged)
    assert diff.changes is True and diff.replaces == []
    emulator.clear_requests_log()
    outs = provider.update(created.id, created.outs or {}, untagged).outs or {}
    assert [w.split(" ")[0] for w in writes(emulator)] == ["PATCH"]
    assert arm(emulator, f"{BASE}/batchEndpoints/scoring").json()["tags"] == {
        "pulumi-azureml-owner": "proj/dev/scoring"
    }
    read = provider.read(created.id, outs)
    assert read.inputs is not None and "tags" not in read.inputs
    assert provider.diff(read.id, read.outs or {}, untagged).changes is False


def test_deployment_adopt_and_failed_create(emulator: EmulatorServer, make_provider: Make, cluster: None) -> None:
    endpoints = make_provider("BatchEndpoint")
    endpoints.create(checked(endpoints, ENDPOINT))
    provider = make_provider("BatchDeployment")

    emulator.add_fault(
        method="PUT",
        path="*/deployments/blue",
        lro_status="Failed",
        error_code="ModelNotFound",
        error_message="model churn:1 does not exist",
        times=1,
    )
    with pytest.raises(AzureMLError, match="ModelNotFound: model churn:1 does not exist.*nothing was left behind"):
        provider.create(checked(provider, DEPLOYMENT))
    assert arm(emulator, f"{BASE}/batchEndpoints/scoring/deployments/blue").status_code == 404

    provider.create(checked(provider, {**DEPLOYMENT, "owner_marker": "someone/else/blue"}))
    with pytest.raises(AzureMLError, match="adopt_existing"):
        provider.create(checked(provider, DEPLOYMENT))
    adopted = provider.create(checked(provider, {**DEPLOYMENT, "adopt_existing": True, "description": "adopted"}))
    assert (adopted.outs or {})["provisioning_state"] == "Succeeded"
    body = arm(emulator, f"{BASE}/batchEndpoints/scoring/deployments/blue").json()
    assert body["properties"]["description"] == "adopted"
    assert body["tags"]["pulumi-azureml-owner"] == "proj/dev/blue"
