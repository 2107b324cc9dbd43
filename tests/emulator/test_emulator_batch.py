"""Batch endpoints and batch deployments."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import (
    LOCATION,
    SUBSCRIPTION,
    Arm,
    deployment_body,
    deployment_path,
    endpoint_body,
    endpoint_path,
    workspace_path,
)


def _endpoint(arm: Arm, name: str = "ep1", **properties: Any) -> dict[str, Any]:
    response = arm.put(endpoint_path(name), endpoint_body(**properties))
    assert response.status_code == 201, response.text
    return arm.wait(endpoint_path(name))


def _deployment(arm: Arm, endpoint: str = "ep1", name: str = "dep1", **properties: Any) -> dict[str, Any]:
    response = arm.put(deployment_path(endpoint, name), deployment_body(**properties))
    assert response.status_code == 201, response.text
    return arm.wait(deployment_path(endpoint, name))


# ---------------------------------------------------------------------------------------------- endpoints


def test_endpoint_put_answers_201_with_async_operation_and_timeout(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    response = arm.put(endpoint_path("ep1"), endpoint_body(description="first"))
    assert response.status_code == 201
    assert response.json()["properties"]["provisioningState"] == "Creating"
    assert "/mfeOperationsStatus/" in response.headers["Azure-AsyncOperation"]
    assert response.headers["Azure-AsyncOperation"].startswith(emulator.url)
    assert response.headers["x-ms-async-operation-timeout"] == "PT30M"
    # Recorded: Location is the endpoint's own URL, and no Azure ML answer carries Retry-After.
    assert response.headers["Location"].split("?")[0] == f"{emulator.url}{endpoint_path('ep1')}"
    assert "Retry-After" not in response.headers
    assert arm.poll_status(response.headers["Azure-AsyncOperation"])["status"] == "Succeeded"


def test_mfe_operations_report_updating_while_running(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(polls_to_complete=3)
    response = arm.put(endpoint_path("ep1"), endpoint_body())
    url = response.headers["Azure-AsyncOperation"]
    assert [arm.follow(url).json()["status"] for _ in range(3)] == ["Updating", "Updating", "Succeeded"]


def test_deleted_endpoint_gets_the_services_404_and_a_never_created_one_the_gateways(
    arm: Arm, workspace: dict[str, Any]
) -> None:
    never = arm.get(endpoint_path("never")).json()["error"]
    assert never["code"] == "ResourceNotFound"
    _endpoint(arm)
    deleted = arm.delete(endpoint_path("ep1"))
    assert deleted.status_code == 202
    arm.follow(deleted.headers["Location"])
    gone = arm.get(endpoint_path("ep1"))
    assert gone.status_code == 404
    error = gone.json()["error"]
    assert error["code"] == "UserError"
    assert "does not exist in the workspace" in error["message"]
    inner = [item["info"] for item in error["additionalInfo"] if item["type"] == "InnerError"]
    assert inner and inner[0]["code"] == "NotFound"


def test_endpoint_outputs_are_filled(arm: Arm, workspace: dict[str, Any]) -> None:
    body = _endpoint(arm, "My-Endpoint", description="d")
    properties = body["properties"]
    assert properties["provisioningState"] == "Succeeded"
    assert properties["scoringUri"] == "https://my-endpoint.eastus.inference.ml.azure.com/jobs"
    assert properties["swaggerUri"].startswith("https://my-endpoint.eastus.inference.ml.azure.com/")
    assert properties["authMode"] == "AADToken"
    assert properties["defaults"] == {"deploymentName": None}
    assert properties["properties"]["azureml.onlineendpointid"] == endpoint_path("My-Endpoint")
    assert body["type"] == "Microsoft.MachineLearningServices/workspaces/batchEndpoints"
    assert set(body["systemData"]) >= {"createdAt", "createdBy", "lastModifiedAt"}


def test_keys_are_generated_and_only_returned_by_list_keys(arm: Arm, workspace: dict[str, Any]) -> None:
    created = arm.put(endpoint_path("ep1"), endpoint_body())
    keys = arm.post(f"{endpoint_path('ep1')}/listkeys")
    assert keys.status_code == 200
    primary, secondary = keys.json()["primaryKey"], keys.json()["secondaryKey"]
    assert primary and secondary and primary != secondary
    assert "keys" not in created.json()["properties"]
    for text in (created.text, arm.get(endpoint_path("ep1")).text, arm.get(f"{workspace_path()}/batchEndpoints").text):
        assert primary not in text and secondary not in text
    assert arm.post(f"{endpoint_path('ep1')}/listKeys").json() == keys.json()


def test_keys_given_on_create_are_kept(arm: Arm, workspace: dict[str, Any]) -> None:
    arm.put(endpoint_path("ep1"), endpoint_body(keys={"primaryKey": "pk-given", "secondaryKey": "sk-given"}))
    body = arm.get(endpoint_path("ep1")).json()
    assert "keys" not in body["properties"]
    assert "pk-given" not in str(body)
    assert arm.post(f"{endpoint_path('ep1')}/listkeys").json() == {"primaryKey": "pk-given", "secondaryKey": "sk-given"}


@pytest.mark.parametrize(
    ("body", "target"),
    [
        ({"properties": {"authMode": "AADToken"}}, "location"),
        ({"location": LOCATION}, "properties"),
        ({"location": LOCATION, "properties": {}}, "properties.authMode"),
        ({"location": LOCATION, "properties": {"authMode": "Password"}}, "properties.authMode"),
        ({"location": LOCATION, "properties": {"authMode": "Key", "traffic": {}}}, "properties.traffic"),
        ({"location": LOCATION, "properties": {"authMode": "Key"}, "extra": 1}, "extra"),
        ({"location": LOCATION, "properties": {"authMode": "Key"}, "tags": {"team": ""}}, "tags.team"),
        ({"location": LOCATION, "properties": {"authMode": "Key"}, "tags": {"team": None}}, "tags.team"),
        (
            {"location": LOCATION, "properties": {"authMode": "Key", "defaults": {"name": "x"}}},
            "properties.defaults.name",
        ),
        (
            {"location": LOCATION, "properties": {"authMode": "Key", "keys": {"tertiaryKey": "x"}}},
            "properties.keys.tertiaryKey",
        ),
        ({"location": LOCATION, "properties": {"authMode": "Key"}, "identity": {"type": "Magic"}}, "identity.type"),
    ],
)
def test_endpoint_put_validation(arm: Arm, workspace: dict[str, Any], body: dict[str, Any], target: str) -> None:
    response = arm.put(endpoint_path("ep1"), body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["target"] == target


@pytest.mark.parametrize("name", ["-leading-dash", "has.dot", "x" * 256])
def test_endpoint_name_pattern(arm: Arm, workspace: dict[str, Any], name: str) -> None:
    response = arm.put(endpoint_path(name), endpoint_body())
    assert response.status_code == 400
    assert response.json()["error"]["target"] == "endpointName"


def test_auth_mode_is_case_insensitive(arm: Arm, workspace: dict[str, Any]) -> None:
    arm.put(endpoint_path("ep1"), {"location": LOCATION, "properties": {"authMode": "aadtoken"}})
    assert arm.get(endpoint_path("ep1")).json()["properties"]["authMode"] == "AADToken"


def test_endpoint_put_update_answers_201_updating(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm, description="one", properties={"a": "1"})
    response = arm.put(endpoint_path("ep1"), endpoint_body(description="two", properties={"b": "2"}))
    assert response.status_code == 201
    assert response.json()["properties"]["provisioningState"] == "Updating"
    done = arm.wait(endpoint_path("ep1"))
    assert done["properties"]["description"] == "two"
    # "Properties can be added, but not removed or altered."
    assert done["properties"]["properties"]["a"] == "1"
    assert done["properties"]["properties"]["b"] == "2"
    altered = arm.put(endpoint_path("ep1"), endpoint_body(properties={"a": "changed"}))
    assert altered.status_code == 400


def test_endpoint_put_needs_its_workspace(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.ensure_resource_group(SUBSCRIPTION, "rg-emulator", LOCATION)
    response = arm.put(endpoint_path("ep1"), endpoint_body())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ParentResourceNotFound"


def test_endpoint_patch_tags_and_identity_answers_202_with_location(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(retry_after=10)
    arm.put(endpoint_path("ep1"), {**endpoint_body(), "tags": {"old": "tag"}})
    arm.wait(endpoint_path("ep1"))
    response = arm.patch(endpoint_path("ep1"), {"tags": {"env": "prod"}, "identity": {"type": "SystemAssigned"}})
    assert response.status_code == 202
    assert response.headers["Retry-After"] == "10"
    assert "/mfeOperationResults/" in response.headers["Location"]
    assert response.headers["x-ms-async-operation-timeout"] == "PT30M"
    result = arm.follow(response.headers["Location"])
    assert result.status_code == 200
    assert result.json()["tags"] == {"env": "prod"}
    assert result.json()["identity"]["type"] == "SystemAssigned"
    assert result.json()["properties"]["provisioningState"] == "Succeeded"


@pytest.mark.parametrize(
    "body",
    [
        {"properties": {"description": "x"}},
        {"location": LOCATION},
        {"sku": {"name": "x"}},
        {"identity": {"type": "SystemAssigned", "principalId": "x"}},
        {"identity": {"type": "UserAssigned", "userAssignedIdentities": {"/id": {"clientId": "x"}}}},
        {"tags": {"empty": ""}},
    ],
)
def test_endpoint_patch_rejects_anything_but_tags_and_identity(
    arm: Arm, workspace: dict[str, Any], body: dict[str, Any]
) -> None:
    _endpoint(arm)
    assert arm.patch(endpoint_path("ep1"), body).status_code == 400


def test_endpoint_writes_while_creating_are_409(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    emulator.configure(polls_to_complete=4)
    arm.put(endpoint_path("ep1"), endpoint_body())
    for response in (
        arm.put(endpoint_path("ep1"), endpoint_body()),
        arm.patch(endpoint_path("ep1"), {"tags": {}}),
        arm.delete(endpoint_path("ep1")),
    ):
        assert response.status_code == 409


def test_endpoint_delete_answers_202_and_removes_deployments(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    _endpoint(arm)
    _deployment(arm)
    emulator.configure(polls_to_complete=2)
    response = arm.delete(endpoint_path("ep1"))
    assert response.status_code == 202
    assert {"Location", "x-ms-async-operation-timeout"} <= set(response.headers)
    assert "Azure-AsyncOperation" not in response.headers and "Retry-After" not in response.headers
    assert arm.follow(response.headers["Location"]).status_code == 202
    assert arm.follow(response.headers["Location"]).status_code == 200
    assert arm.get(endpoint_path("ep1")).status_code == 404
    assert arm.get(deployment_path("ep1", "dep1")).json()["error"]["code"] == "ParentResourceNotFound"
    assert arm.delete(endpoint_path("ep1")).status_code == 204


def test_endpoint_list_is_paged_and_honours_count(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(page_size=3)
    for index in range(5):
        arm.put(endpoint_path(f"ep{index}"), endpoint_body())
    first = arm.get(f"{workspace_path()}/batchEndpoints").json()
    assert len(first["value"]) == 3
    second = arm.follow(first["nextLink"]).json()
    assert [item["name"] for item in second["value"]] == ["ep3", "ep4"]
    counted = arm.get(f"{workspace_path()}/batchEndpoints", params={"count": "2"}).json()
    assert len(counted["value"]) == 2
    assert "count=2" in counted["nextLink"]
    assert [item["name"] for item in arm.follow(counted["nextLink"]).json()["value"]] == ["ep2", "ep3"]
    assert all("keys" not in item["properties"] for item in first["value"])


# ---------------------------------------------------------------------------------------------- deployments


def test_deployment_put_answers_201_and_fills_server_defaults(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    response = arm.put(deployment_path("ep1", "dep1"), deployment_body())
    assert response.status_code == 201
    assert "/mfeOperationsStatus/" in response.headers["Azure-AsyncOperation"]
    assert response.headers["x-ms-async-operation-timeout"] == "PT30M"
    body = arm.wait(deployment_path("ep1", "dep1"))
    properties = body["properties"]
    assert properties["provisioningState"] == "Succeeded"
    assert properties["miniBatchSize"] == 10
    assert properties["maxConcurrencyPerInstance"] == 1
    assert properties["outputAction"] == "AppendRow"
    assert properties["outputFileName"] == "predictions.csv"
    assert properties["retrySettings"] == {"maxRetries": 3, "timeout": "PT30S"}
    assert properties["errorThreshold"] == -1
    assert properties["loggingLevel"] == "Info"
    # Recorded: every member of resources comes back, unset ones (and an empty property bag) as null.
    assert properties["resources"] == {
        "instanceCount": 1,
        "maxInstanceCount": None,
        "instanceType": None,
        "locations": None,
        "properties": None,
    }
    assert body["type"] == "Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments"


def test_deployment_values_given_are_kept(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    body = _deployment(
        arm,
        miniBatchSize=5,
        retrySettings={"maxRetries": 1},
        loggingLevel="debug",
        resources={"instanceCount": 2, "instanceType": "Standard_DS3_v2"},
    )
    properties = body["properties"]
    assert properties["miniBatchSize"] == 5
    assert properties["retrySettings"] == {"maxRetries": 1, "timeout": "PT30S"}
    assert properties["loggingLevel"] == "Debug"
    assert properties["resources"] == {
        "instanceCount": 2,
        "maxInstanceCount": None,
        "instanceType": "Standard_DS3_v2",
        "locations": None,
        "properties": None,
    }


@pytest.mark.parametrize(
    ("properties", "target"),
    [
        ({"codeConfiguration": {}}, "properties.codeConfiguration.scoringScript"),
        ({"codeConfiguration": {"scoringScript": ""}}, "properties.codeConfiguration.scoringScript"),
        ({"codeConfiguration": {"scoringScript": "..."}}, "properties.codeConfiguration.scoringScript"),
        ({"loggingLevel": "Verbose"}, "properties.loggingLevel"),
        ({"outputAction": "Append"}, "properties.outputAction"),
        ({"errorThreshold": -2}, "properties.errorThreshold"),
        ({"model": {"assetId": "x"}}, "properties.model.referenceType"),
        ({"model": {"referenceType": "Id"}}, "properties.model.assetId"),
        ({"retrySettings": {"timeout": "thirty seconds"}}, "properties.retrySettings.timeout"),
        ({"retrySettings": {"backoff": 2}}, "properties.retrySettings.backoff"),
        ({"deploymentConfiguration": {}}, "properties.deploymentConfiguration.deploymentConfigurationType"),
        ({"scaleSettings": {}}, "properties.scaleSettings"),
    ],
)
def test_deployment_put_validation(
    arm: Arm, workspace: dict[str, Any], properties: dict[str, Any], target: str
) -> None:
    _endpoint(arm)
    body = deployment_body()
    body["properties"].update(properties)
    response = arm.put(deployment_path("ep1", "dep1"), body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["target"] == target


def test_deployment_needs_its_endpoint(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.put(deployment_path("ghost", "dep1"), deployment_body())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ParentResourceNotFound"


def test_deployment_name_pattern(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    response = arm.put(deployment_path("ep1", "_bad"), deployment_body())
    assert response.status_code == 400
    assert response.json()["error"]["target"] == "deploymentName"


def test_deployment_put_update_answers_201_updating(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    _deployment(arm)
    response = arm.put(deployment_path("ep1", "dep1"), deployment_body(miniBatchSize=20))
    assert response.status_code == 201
    assert response.json()["properties"]["provisioningState"] == "Updating"
    assert arm.wait(deployment_path("ep1", "dep1"))["properties"]["miniBatchSize"] == 20


def test_deployment_patch_description_and_tags_answers_202(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    _deployment(arm)
    response = arm.patch(deployment_path("ep1", "dep1"), {"properties": {"description": "patched"}, "tags": {"a": "b"}})
    assert response.status_code == 202
    assert "Location" in response.headers and "Retry-After" not in response.headers
    result = arm.follow(response.headers["Location"]).json()
    assert result["properties"]["description"] == "patched"
    assert result["tags"] == {"a": "b"}


@pytest.mark.parametrize(
    "body",
    [
        {"properties": {"miniBatchSize": 3}},
        {"properties": {"description": "x", "compute": "y"}},
        {"location": LOCATION},
        {"identity": {"type": "SystemAssigned"}},
    ],
)
def test_deployment_patch_rejects_other_fields(arm: Arm, workspace: dict[str, Any], body: dict[str, Any]) -> None:
    _endpoint(arm)
    _deployment(arm)
    assert arm.patch(deployment_path("ep1", "dep1"), body).status_code == 400


def test_deployment_delete_and_list(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    emulator.configure(page_size=2)
    _endpoint(arm)
    for name in ("dep1", "dep2", "dep3"):
        _deployment(arm, name=name)
    listed = arm.get(f"{endpoint_path('ep1')}/deployments").json()
    assert [item["name"] for item in listed["value"]] == ["dep1", "dep2"]
    assert [item["name"] for item in arm.follow(listed["nextLink"]).json()["value"]] == ["dep3"]
    response = arm.delete(deployment_path("ep1", "dep2"))
    assert response.status_code == 202
    assert arm.follow(response.headers["Location"]).status_code == 200
    assert arm.get(deployment_path("ep1", "dep2")).status_code == 404
    assert arm.delete(deployment_path("ep1", "dep2")).status_code == 204
    assert [item["name"] for item in arm.get(f"{endpoint_path('ep1')}/deployments").json()["value"]] == ["dep1", "dep3"]


def test_default_deployment_is_set_with_an_endpoint_put(arm: Arm, workspace: dict[str, Any]) -> None:
    """Create the endpoint, then the deployment, then PUT the endpoint with the default."""
    _endpoint(arm)
    _deployment(arm)
    updated = arm.put(endpoint_path("ep1"), endpoint_body(defaults={"deploymentName": "dep1"}))
    assert updated.status_code == 201
    assert arm.wait(endpoint_path("ep1"))["properties"]["defaults"] == {"deploymentName": "dep1"}
