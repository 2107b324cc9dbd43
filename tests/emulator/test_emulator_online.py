"""Online endpoints and online deployments, with plain requests against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import LOCATION, Arm, workspace_path


def online_endpoint_path(name: str = "ep1") -> str:
    return f"{workspace_path()}/onlineEndpoints/{name}"


def online_deployment_path(endpoint: str, name: str) -> str:
    return f"{online_endpoint_path(endpoint)}/deployments/{name}"


def online_endpoint_body(auth_mode: str = "Key", **properties: Any) -> dict[str, Any]:
    return {"location": LOCATION, "properties": {"authMode": auth_mode, **properties}}


MODEL = f"{workspace_path()}/models/model/versions/1"
ENVIRONMENT = f"{workspace_path()}/environments/env/versions/1"


def online_deployment_body(**properties: Any) -> dict[str, Any]:
    return {
        "location": LOCATION,
        "properties": {"endpointComputeType": "Managed", "model": MODEL, "environmentId": ENVIRONMENT, **properties},
    }


def _endpoint(arm: Arm, name: str = "ep1", **properties: Any) -> dict[str, Any]:
    response = arm.put(online_endpoint_path(name), online_endpoint_body(**properties))
    assert response.status_code == 201, response.text
    return arm.wait(online_endpoint_path(name))


def _deployment(arm: Arm, endpoint: str = "ep1", name: str = "blue", **properties: Any) -> dict[str, Any]:
    response = arm.put(online_deployment_path(endpoint, name), online_deployment_body(**properties))
    assert response.status_code == 201, response.text
    return arm.wait(online_deployment_path(endpoint, name))


def _set_traffic(arm: Arm, traffic: dict[str, int], mirror: dict[str, int] | None = None) -> Any:
    current = arm.get(online_endpoint_path()).json()
    properties = {"traffic": traffic, **({"mirrorTraffic": mirror} if mirror is not None else {})}
    return arm.put(online_endpoint_path(), online_endpoint_body(current["properties"]["authMode"], **properties))


# ---------------------------------------------------------------------------------------------- endpoints


def test_endpoint_put_answers_201_with_lro_headers_and_server_filled_uris(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    response = arm.put(online_endpoint_path(), online_endpoint_body("aadToken", description="first"))
    assert response.status_code == 201, response.text
    assert response.json()["properties"]["provisioningState"] == "Creating"
    assert "/mfeOperationsStatus/" in response.headers["Azure-AsyncOperation"]
    assert response.headers["Location"].split("?")[0] == f"{emulator.url}{online_endpoint_path()}"
    assert response.headers["x-ms-async-operation-timeout"] == "PT30M"
    body = arm.wait(online_endpoint_path())
    properties = body["properties"]
    assert properties["provisioningState"] == "Succeeded"
    assert properties["authMode"] == "AADToken"
    assert properties["scoringUri"] == "https://ep1.eastus.inference.ml.azure.com/score"
    assert properties["swaggerUri"].endswith("/swagger.json")
    assert properties["publicNetworkAccess"] == "Enabled"
    assert properties["traffic"] == {}
    assert "keys" not in properties
    assert body["type"] == "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
    listed = arm.get(f"{workspace_path()}/onlineEndpoints").json()["value"]
    assert [item["name"] for item in listed] == ["ep1"]


def test_endpoint_body_is_closed_and_typed(arm: Arm, workspace: dict[str, Any]) -> None:
    unknown = online_endpoint_body(sneaky=1)
    assert arm.put(online_endpoint_path(), unknown).status_code == 400
    missing_auth = {"location": LOCATION, "properties": {}}
    assert arm.put(online_endpoint_path(), missing_auth).status_code == 400
    bad_access = online_endpoint_body(publicNetworkAccess="Sometimes")
    assert arm.put(online_endpoint_path(), bad_access).status_code == 400


def test_traffic_to_a_missing_deployment_is_refused(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.put(online_endpoint_path(), online_endpoint_body(traffic={"blue": 100}))
    assert response.status_code == 400
    assert "blue" in response.json()["error"]["message"]
    assert "does not exist" in response.json()["error"]["message"]
    assert arm.get(online_endpoint_path()).status_code == 404


@pytest.mark.parametrize(
    ("traffic", "mirror", "rule"),
    [
        ({"blue": 60, "green": 30}, None, "sum to 100"),
        ({"blue": 100, "green": 10}, None, "sum to 100"),
        ({"blue": 101}, None, "from 0 to 100"),
        ({"blue": -1, "green": 101}, None, "from 0 to 100"),
        ({"blue": 100}, {"green": 51}, "at most 50"),
        ({"blue": 100}, {"ghost": 10}, "does not exist"),
    ],
)
def test_bad_splits_are_refused(
    arm: Arm, workspace: dict[str, Any], traffic: dict[str, int], mirror: dict[str, int] | None, rule: str
) -> None:
    _endpoint(arm)
    _deployment(arm, name="blue")
    _deployment(arm, name="green")
    response = _set_traffic(arm, traffic, mirror)
    assert response.status_code == 400, response.text
    assert rule in response.json()["error"]["message"]
    assert arm.get(online_endpoint_path()).json()["properties"]["traffic"] == {}


def test_blue_green_split_then_delete_rules(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    _deployment(arm, name="blue")
    assert _set_traffic(arm, {"blue": 100}).status_code == 201
    arm.wait(online_endpoint_path())
    # Deleting a deployment that still gets traffic is refused, naming the rule.
    refused = arm.delete(online_deployment_path("ep1", "blue"))
    assert refused.status_code == 400
    assert "traffic" in refused.json()["error"]["message"]
    _deployment(arm, name="green")
    assert _set_traffic(arm, {"blue": 0, "green": 100}, {"blue": 10}).status_code == 201
    arm.wait(online_endpoint_path())
    assert arm.delete(online_deployment_path("ep1", "blue")).status_code == 400  # mirrored traffic still goes there
    assert _set_traffic(arm, {"green": 100}).status_code == 201
    arm.wait(online_endpoint_path())
    deleted = arm.delete(online_deployment_path("ep1", "blue"))
    assert deleted.status_code == 202
    assert "Location" in deleted.headers
    assert arm.get(online_deployment_path("ep1", "blue")).status_code == 404
    assert arm.delete(online_deployment_path("ep1", "blue")).status_code == 204


def test_all_zero_traffic_is_accepted(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    _deployment(arm, name="blue")
    assert _set_traffic(arm, {"blue": 0}).status_code == 201
    assert arm.wait(online_endpoint_path())["properties"]["traffic"] == {"blue": 0}
    assert arm.delete(online_deployment_path("ep1", "blue")).status_code == 202


def test_put_without_traffic_clears_it(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    _deployment(arm, name="blue")
    _set_traffic(arm, {"blue": 100})
    arm.wait(online_endpoint_path())
    assert arm.put(online_endpoint_path(), online_endpoint_body(description="x")).status_code == 201
    assert arm.wait(online_endpoint_path())["properties"]["traffic"] == {}


def test_endpoint_patch_accepts_tags_and_identity_only(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    response = arm.patch(online_endpoint_path(), {"tags": {"team": "ml"}, "identity": {"type": "SystemAssigned"}})
    assert response.status_code == 202
    assert "Location" in response.headers
    body = arm.wait(online_endpoint_path())
    assert body["tags"] == {"team": "ml"}
    assert body["identity"]["type"] == "SystemAssigned"
    assert arm.patch(online_endpoint_path(), {"properties": {"description": "x"}}).status_code == 400


def test_deleting_an_endpoint_deletes_its_deployments(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    _deployment(arm, name="blue")
    _set_traffic(arm, {"blue": 100})
    arm.wait(online_endpoint_path())
    response = arm.delete(online_endpoint_path())
    assert response.status_code == 202
    assert arm.get(online_endpoint_path()).status_code == 404
    assert arm.get(f"{workspace_path()}/onlineEndpoints").json()["value"] == []
    assert arm.get(online_deployment_path("ep1", "blue")).status_code == 404


# ---------------------------------------------------------------------------------------------- keys and tokens


def test_keys_list_and_regenerate(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm, keys={"primaryKey": "given-primary-key-value", "secondaryKey": None})
    keys = arm.post(f"{online_endpoint_path()}/listKeys").json()
    assert keys["primaryKey"] == "given-primary-key-value"
    assert len(keys["secondaryKey"]) > 20
    assert "given-primary-key-value" not in arm.get(online_endpoint_path()).text
    response = arm.post(f"{online_endpoint_path()}/regenerateKeys", {"keyType": "primary"})
    assert response.status_code == 202
    assert "/mfeOperationsStatus/" in response.headers["Azure-AsyncOperation"]
    assert "Location" in response.headers
    assert arm.poll_status(response.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
    again = arm.post(f"{online_endpoint_path()}/listKeys").json()
    assert again["primaryKey"] != "given-primary-key-value"
    assert again["secondaryKey"] == keys["secondaryKey"]
    assert arm.post(f"{online_endpoint_path()}/regenerateKeys", {"keyType": "Tertiary"}).status_code == 400
    assert arm.post(f"{online_endpoint_path()}/token").status_code == 400  # a Key endpoint has no token


def test_token_for_token_endpoints_only(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    _endpoint(arm, auth_mode="AMLToken")
    token = arm.post(f"{online_endpoint_path()}/token").json()
    assert set(token) == {"accessToken", "tokenType", "expiryTimeUtc", "refreshAfterTimeUtc"}
    assert token["expiryTimeUtc"] > token["refreshAfterTimeUtc"]
    refused = arm.post(f"{online_endpoint_path()}/listKeys")
    assert refused.status_code == 400
    assert "authMode" in refused.json()["error"]["message"]


# ---------------------------------------------------------------------------------------------- deployments


def test_deployment_put_fills_server_defaults(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    response = arm.put(online_deployment_path("ep1", "blue"), online_deployment_body())
    assert response.status_code == 201
    assert "/mfeOperationsStatus/" in response.headers["Azure-AsyncOperation"]
    body = arm.wait(online_deployment_path("ep1", "blue"))
    properties = body["properties"]
    assert properties["instanceType"] == "Standard_F4s_v2"
    assert properties["scaleSettings"] == {"scaleType": "Default"}
    assert properties["requestSettings"]["requestTimeout"] == "PT5S"
    assert properties["livenessProbe"]["failureThreshold"] == 30
    assert properties["appInsightsEnabled"] is False
    assert properties["egressPublicNetworkAccess"] == "Enabled"
    assert body["sku"] == {"name": "Default", "tier": "Standard", "capacity": 1}  # [OD22]: the service adds the tier
    listed = arm.get(f"{online_endpoint_path()}/deployments").json()["value"]
    assert [item["name"] for item in listed] == ["blue"]


def test_deployment_refusals(arm: Arm, workspace: dict[str, Any]) -> None:
    assert arm.put(online_deployment_path("nope", "blue"), online_deployment_body()).status_code == 404
    _endpoint(arm)
    path = online_deployment_path("ep1", "blue")
    no_type = {"location": LOCATION, "properties": {"model": MODEL}}
    assert arm.put(path, no_type).status_code == 400
    assert arm.put(path, online_deployment_body(model="azureml:model:1")).status_code == 400
    default_with_target = online_deployment_body(scaleSettings={"scaleType": "Default", "maxInstances": 3})
    assert arm.put(path, default_with_target).status_code == 400
    kubernetes_only = online_deployment_body(containerResourceRequirements={"containerResourceLimits": {"cpu": "1"}})
    assert arm.put(path, kubernetes_only).status_code == 400
    assert arm.put(path, {**online_deployment_body(), "sku": {"name": "Default", "capacity": 0}}).status_code == 400


def test_deployment_create_only_fields_and_patch_scale(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    _deployment(arm, instanceType="Standard_DS3_v2")
    path = online_deployment_path("ep1", "blue")
    changed = arm.put(path, online_deployment_body(instanceType="Standard_DS4_v2"))
    assert changed.status_code == 400
    assert "instanceType" in changed.json()["error"]["message"]
    updated = arm.put(path, online_deployment_body(instanceType="Standard_DS3_v2", description="v2"))
    assert updated.status_code == 201
    assert arm.wait(path)["properties"]["description"] == "v2"
    response = arm.patch(path, {"sku": {"capacity": 3}, "tags": {"a": "b"}})
    assert response.status_code == 202
    assert "Location" in response.headers
    body = arm.wait(path)
    assert body["sku"] == {"name": "Default", "tier": "Standard", "capacity": 3}
    assert body["tags"] == {"a": "b"}
    assert arm.patch(path, {"properties": {"description": "x"}}).status_code == 400


def test_get_logs_tails(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    _deployment(arm)
    url = f"{online_deployment_path('ep1', 'blue')}/getLogs"
    content = arm.post(url, {"containerType": "StorageInitializer", "tail": 3}).json()["content"]
    assert content.splitlines() == [f"StorageInitializer: deployment blue line {n}" for n in (18, 19, 20)]
    assert arm.post(url, {"containerType": "Nope"}).status_code == 400


def test_request_log_keeps_order(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    _deployment(arm, name="blue")
    _set_traffic(arm, {"blue": 100})
    puts = [entry["path"] for entry in emulator.requests_log() if entry["method"] == "PUT"]
    assert puts == [online_endpoint_path(), online_deployment_path("ep1", "blue"), online_endpoint_path()]
