"""OnlineEndpoint, OnlineDeployment and OnlineEndpointTraffic through the provider object against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider

from integration.conftest import LOCATION, RESOURCE_GROUP, SUBSCRIPTION, TOKEN, WORKSPACE, checked, writes

Make = Callable[[str], AzureMLProvider]
API = "2025-12-01"
BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)
ENDPOINT_URL = f"{BASE}/onlineEndpoints/scoring"

ENDPOINT: dict[str, Any] = {
    "name": "scoring",
    "description": "real-time scoring",
    "tags": {"env": "dev"},
    "owner_marker": "proj/dev/scoring",
}


def deployment(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "endpoint_name": "scoring",
        "name": name,
        "model": "azureml:churn:1",
        "environment_id": f"{BASE}/environments/sklearn/versions/3",
        "code_configuration": {"scoring_script": "score.py", "code_id": "azureml:src:1"},
        "instance_type": "Standard_DS3_v2",
        "instance_count": 1.0,
        "environment_variables": {"DB_PASSWORD": "s3cret-value-for-tests"},
        "owner_marker": f"proj/dev/{name}",
        **extra,
    }


def arm(emulator: EmulatorServer, path: str) -> dict[str, Any]:
    response = requests.get(
        f"{emulator.url}{path}?api-version={API}", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    body: dict[str, Any] = response.json()
    return body


def test_endpoint_lifecycle_with_keys(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("OnlineEndpoint")
    created = provider.create(checked(provider, ENDPOINT))
    outs = created.outs or {}
    assert outs["provisioning_state"] == "Succeeded"
    assert outs["auth_mode"] == "Key"
    assert outs["scoring_uri"] == f"https://scoring.{LOCATION}.inference.ml.azure.com/score"
    assert outs["primary_key"] and outs["secondary_key"]
    assert outs["location"] == LOCATION
    assert provider.diff(created.id, outs, checked(provider, ENDPOINT)).changes is False

    # Refresh sees no drift; keys stay secret outputs read through listKeys.
    read = provider.read(created.id, outs)
    assert provider.diff(created.id, read.outs or {}, checked(provider, ENDPOINT)).changes is False

    # tags → PATCH only; description → PUT; auth mode → PUT (no x-ms-mutability).
    emulator.clear_requests_log()
    outs = provider.update(created.id, outs, checked(provider, {**ENDPOINT, "tags": {"env": "prod"}})).outs or {}
    assert [w.split(" ")[0] for w in writes(emulator)] == ["PATCH", "POST"]  # POST: listKeys
    news = checked(provider, {**ENDPOINT, "tags": {"env": "prod"}, "auth_mode": "AMLToken", "description": "v2"})
    diff = provider.diff(created.id, outs, news)
    assert diff.changes is True and diff.replaces == []
    outs = provider.update(created.id, outs, news).outs or {}
    assert arm(emulator, ENDPOINT_URL)["properties"]["authMode"] == "AMLToken"
    assert outs["primary_key"] is None

    # keys and compute are create-only: replace, with the reason.
    diff = provider.diff(created.id, outs, checked(provider, {**ENDPOINT, "compute": "azureml:k8s"}))
    assert diff.replaces == ["compute"]

    provider.delete(created.id, outs)
    # After a delete the service's own 404 answers, not the gateway's (test_online_endpoint_mir_deployment_delete).
    assert arm(emulator, ENDPOINT_URL)["error"]["code"] == "NotFound"


def test_deployment_lifecycle(emulator: EmulatorServer, make_provider: Make) -> None:
    endpoints = make_provider("OnlineEndpoint")
    endpoints.create(checked(endpoints, ENDPOINT))
    provider = make_provider("OnlineDeployment")
    inputs = checked(provider, deployment("blue"))
    assert inputs["model"] == f"{BASE}/models/churn/versions/1"  # azureml: short forms expanded at check
    assert inputs["code_configuration"]["code_id"] == f"{BASE}/codes/src/versions/1"
    created = provider.create(inputs)
    outs = created.outs or {}
    body = arm(emulator, f"{ENDPOINT_URL}/deployments/blue")
    assert body["properties"]["model"] == f"{BASE}/models/churn/versions/1"
    assert body["sku"] == {"name": "Default", "capacity": 1, "tier": "Standard"}  # tier filled by the service
    assert provider.diff(created.id, outs, inputs).changes is False
    read = provider.read(created.id, outs)
    assert provider.diff(created.id, read.outs or {}, inputs).changes is False

    # Scale out → PATCH of sku only.
    scaled = checked(provider, deployment("blue", instance_count=3.0))
    emulator.clear_requests_log()
    outs = provider.update(created.id, outs, scaled).outs or {}
    assert [w.split(" ")[0] for w in writes(emulator)] == ["PATCH"]
    assert arm(emulator, f"{ENDPOINT_URL}/deployments/blue")["sku"]["capacity"] == 3

    # New model version → PUT in place; instance type → replace.
    news = checked(provider, deployment("blue", instance_count=3.0, model="azureml:churn:2"))
    diff = provider.diff(created.id, outs, news)
    assert diff.changes is True and diff.replaces == []
    emulator.clear_requests_log()
    outs = provider.update(created.id, outs, news).outs or {}
    assert [w.split(" ")[0] for w in writes(emulator)] == ["PUT"]
    assert arm(emulator, f"{ENDPOINT_URL}/deployments/blue")["properties"]["model"].endswith("/churn/versions/2")
    diff = provider.diff(created.id, outs, checked(provider, {**news, "instance_type": "Standard_DS4_v2"}))
    assert diff.replaces == ["instance_type"]

    provider.delete(created.id, outs)
    assert arm(emulator, f"{ENDPOINT_URL}/deployments/blue")["error"]["code"] == "NotFound"


def test_traffic_blue_green_without_fighting_the_endpoint(emulator: EmulatorServer, make_provider: Make) -> None:
    endpoints = make_provider("OnlineEndpoint")
    endpoint = endpoints.create(checked(endpoints, ENDPOINT))
    deployments = make_provider("OnlineDeployment")
    blue = deployments.create(checked(deployments, deployment("blue")))
    traffic = make_provider("OnlineEndpointTraffic")
    first = checked(traffic, {"endpoint_name": "scoring", "traffic": {"blue": 100.0}})
    route = traffic.create(first)
    assert arm(emulator, ENDPOINT_URL)["properties"]["traffic"] == {"blue": 100}
    assert traffic.diff(route.id, route.outs or {}, first).changes is False

    # The endpoint does not see the split as drift, and its own PUT keeps it.
    endpoint_read = endpoints.read(endpoint.id, endpoint.outs or {})
    assert endpoints.diff(endpoint.id, endpoint_read.outs or {}, checked(endpoints, ENDPOINT)).changes is False
    endpoints.update(endpoint.id, endpoint_read.outs or {}, checked(endpoints, {**ENDPOINT, "description": "x"}))
    assert arm(emulator, ENDPOINT_URL)["properties"]["traffic"] == {"blue": 100}

    # Green arrives, then the split shifts in place, with a mirror.
    deployments.create(checked(deployments, deployment("green")))
    shifted = checked(
        traffic, {"endpoint_name": "scoring", "traffic": {"blue": 0.0, "green": 100.0}, "mirror_traffic": {"blue": 10}}
    )
    diff = traffic.diff(route.id, route.outs or {}, shifted)
    assert diff.changes is True and diff.replaces == []
    outs = traffic.update(route.id, route.outs or {}, shifted).outs or {}
    properties = arm(emulator, ENDPOINT_URL)["properties"]
    assert properties["traffic"] == {"blue": 0, "green": 100}
    assert properties["mirrorTraffic"] == {"blue": 10}
    assert traffic.read(route.id, outs).inputs == shifted

    # Blue still gets mirrored traffic: the service refuses to delete it, and says why.
    with pytest.raises(AzureMLError, match="mirrored traffic"):
        deployments.delete(blue.id, blue.outs or {})
    final = checked(traffic, {"endpoint_name": "scoring", "traffic": {"green": 100}})
    outs = traffic.update(route.id, outs, final).outs or {}
    assert arm(emulator, ENDPOINT_URL)["properties"]["mirrorTraffic"] == {}
    deployments.delete(blue.id, blue.outs or {})

    # Destroying the split clears it (so the deployments can go), and leaves the endpoint.
    traffic.delete(route.id, outs)
    assert arm(emulator, ENDPOINT_URL)["properties"]["traffic"] == {}


def test_traffic_to_a_missing_endpoint_says_create_it_first(make_provider: Make) -> None:
    traffic = make_provider("OnlineEndpointTraffic")
    with pytest.raises(AzureMLError, match="does not exist; create it first"):
        traffic.create(checked(traffic, {"endpoint_name": "nowhere", "traffic": {"blue": 100}}))


def test_traffic_to_a_deployment_that_does_not_exist_is_refused_by_the_service(
    emulator: EmulatorServer, make_provider: Make
) -> None:
    endpoints = make_provider("OnlineEndpoint")
    endpoints.create(checked(endpoints, ENDPOINT))
    traffic = make_provider("OnlineEndpointTraffic")
    with pytest.raises(AzureMLError, match="'ghost'.*does not exist"):
        traffic.create(checked(traffic, {"endpoint_name": "scoring", "traffic": {"ghost": 100}}))


@pytest.mark.parametrize(
    ("inputs", "prop", "rule"),
    [
        ({"traffic": {"blue": 60, "green": 30}}, "traffic", "must sum to 100"),
        ({"traffic": {"blue": 50.5, "green": 49.5}}, "traffic", "whole numbers"),
        ({"traffic": {"blue": 100}, "mirror_traffic": {"green": 60}}, "mirror_traffic", "from 0 to 50"),
        ({"traffic": {"blue": 100}, "mirror_traffic": {"a": 30, "b": 30}}, "mirror_traffic", "at most 50"),
        ({"traffic": {"bad name!": 100}}, "traffic", "names deployments"),
        ({"traffic": {"blue": 101, "green": -1}}, "traffic", "from 0 to 100"),
    ],
)
def test_bad_splits_refused_at_check(
    emulator: EmulatorServer, make_provider: Make, inputs: dict[str, Any], prop: str, rule: str
) -> None:
    traffic = make_provider("OnlineEndpointTraffic")
    emulator.clear_requests_log()
    result = traffic.check({}, {"endpoint_name": "scoring", **inputs})
    assert [(failure.property, rule in failure.reason) for failure in result.failures] == [(prop, True)]
    assert emulator.requests_log() == []


def test_keys_and_secret_environment_never_reach_errors(emulator: EmulatorServer, make_provider: Make) -> None:
    endpoints = make_provider("OnlineEndpoint")
    endpoint = endpoints.create(checked(endpoints, {**ENDPOINT, "keys": {"primary_key": "primary-key-secret-1234"}}))
    assert (endpoint.outs or {})["primary_key"] == "primary-key-secret-1234"
    deployments = make_provider("OnlineDeployment")
    deployments.create(checked(deployments, deployment("blue")))
    # A deployment whose create the service refuses: the message must not carry the secret environment.
    bad = checked(deployments, deployment("blue2", endpoint_name="nowhere"))
    with pytest.raises(AzureMLError) as raised:
        deployments.create(bad)
    assert "s3cret-value-for-tests" not in str(raised.value)
    assert "primary-key-secret-1234" not in str(raised.value)


def test_replacing_a_live_deployment_says_to_move_its_traffic_first(
    emulator: EmulatorServer, make_provider: Make, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoints = make_provider("OnlineEndpoint")
    endpoints.create(checked(endpoints, ENDPOINT))
    deployments = make_provider("OnlineDeployment")
    blue = deployments.create(checked(deployments, deployment("blue")))
    traffic = make_provider("OnlineEndpointTraffic")
    traffic.create(checked(traffic, {"endpoint_name": "scoring", "traffic": {"blue": 100}}))
    capsys.readouterr()

    bigger = checked(deployments, deployment("blue", instance_type="Standard_DS4_v2"))
    diff = deployments.diff(blue.id, blue.outs or {}, bigger)
    assert diff.replaces == ["instance_type"] and diff.delete_before_replace is True
    said = capsys.readouterr().out
    assert "will be REPLACED (delete, then create) because instance_type" in said, said
    assert "move it to another one first" in said, said
    # The engine's first step, the delete, is refused by the service with the reason.
    with pytest.raises(AzureMLError, match="sends it 100% of its traffic"):
        deployments.delete(blue.id, blue.outs or {})
    assert arm(emulator, f"{ENDPOINT_URL}/deployments/blue")["properties"]["provisioningState"] == "Succeeded"
