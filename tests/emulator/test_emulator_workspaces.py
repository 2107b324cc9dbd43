"""Resource groups and workspaces."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import (
    LOCATION,
    PROVIDER,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    WORKSPACE,
    Arm,
    aml_compute_body,
    compute_path,
    resource_group_path,
    workspace_path,
)


def _workspace_body(**properties: Any) -> dict[str, Any]:
    return {
        "location": LOCATION,
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "friendlyName": "friendly",
            "storageAccount": f"{resource_group_path()}/providers/Microsoft.Storage/storageAccounts/store1",
            "keyVault": f"{resource_group_path()}/providers/Microsoft.KeyVault/vaults/vault1",
            **properties,
        },
    }


# ---------------------------------------------------------------------------------------------- resource groups


def test_resource_group_put_creates_201_then_updates_200(arm: Arm) -> None:
    created = arm.put(resource_group_path("rg-new"), {"location": "East US", "tags": {"team": "ml"}})
    assert created.status_code == 201
    body = created.json()
    assert body == {
        "id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-new",
        "name": "rg-new",
        "type": "Microsoft.Resources/resourceGroups",
        "location": "eastus",
        "tags": {"team": "ml"},
        "properties": {"provisioningState": "Succeeded"},
    }
    updated = arm.put(resource_group_path("RG-NEW"), {"location": "eastus", "tags": {}})
    assert updated.status_code == 200
    assert updated.json()["name"] == "rg-new"


def test_resource_group_location_is_required_and_immutable(arm: Arm) -> None:
    missing = arm.put(resource_group_path("rg-x"), {"tags": {}})
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "LocationRequired"
    assert arm.put(resource_group_path("rg-x"), {"location": "eastus"}).status_code == 201
    moved = arm.put(resource_group_path("rg-x"), {"location": "westus"})
    assert moved.status_code == 409
    assert moved.json()["error"]["code"] == "InvalidResourceGroupLocation"


@pytest.mark.parametrize("name", ["bad name", "ends-with-dot.", "x" * 91, "semi;colon"])
def test_resource_group_name_rules(arm: Arm, name: str) -> None:
    response = arm.put(resource_group_path(name), {"location": LOCATION})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidResourceGroup"


def test_resource_group_get_head_and_404(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.ensure_resource_group(SUBSCRIPTION, "rg-get", LOCATION)
    assert arm.get(resource_group_path("rg-get")).json()["name"] == "rg-get"
    assert arm.request("HEAD", resource_group_path("rg-get")).status_code == 204
    assert arm.request("HEAD", resource_group_path("rg-none")).status_code == 404
    missing = arm.get(resource_group_path("rg-none"))
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "ResourceGroupNotFound"


def test_resource_group_patch_keeps_unspecified_fields(arm: Arm, emulator: EmulatorServer) -> None:
    arm.put(resource_group_path("rg-patch"), {"location": LOCATION, "tags": {"a": "1"}, "managedBy": "someone"})
    patched = arm.patch(resource_group_path("rg-patch"), {"tags": {"b": "2"}})
    assert patched.status_code == 200
    assert patched.json()["tags"] == {"b": "2"}
    assert patched.json()["managedBy"] == "someone"


def test_resource_group_list_is_paged(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.configure(page_size=2)
    for index in range(5):
        emulator.ensure_resource_group(SUBSCRIPTION, f"rg-{index}", LOCATION)
    names: list[str] = []
    response = arm.get(f"/subscriptions/{SUBSCRIPTION}/resourcegroups")
    pages = 1
    while True:
        body = response.json()
        names += [item["name"] for item in body["value"]]
        if "nextLink" not in body:
            break
        assert body["nextLink"].startswith(emulator.url)
        response = arm.follow(body["nextLink"])
        pages += 1
    assert names == [f"rg-{index}" for index in range(5)]
    assert pages == 3


def test_resource_group_delete_is_async_and_cascades(arm: Arm, workspace: dict[str, Any]) -> None:
    assert arm.put(compute_path("cpu"), aml_compute_body()).status_code == 201
    deleted = arm.delete(resource_group_path())
    assert deleted.status_code == 202
    location = deleted.headers["location"]
    assert f"/subscriptions/{SUBSCRIPTION}/operationresults/" in location
    # While the group is being deleted nothing may be written into it.
    blocked = arm.put(compute_path("other"), aml_compute_body())
    assert blocked.status_code == 409
    assert blocked.json()["error"]["code"] == "ResourceGroupBeingDeleted"
    assert arm.follow(location).status_code == 200
    assert arm.get(resource_group_path()).status_code == 404
    assert arm.get(f"/subscriptions/{SUBSCRIPTION}/{PROVIDER}/workspaces").json()["value"] == []


def test_resource_group_delete_of_missing_group_is_404(arm: Arm) -> None:
    response = arm.delete(resource_group_path("rg-ghost"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ResourceGroupNotFound"


# ---------------------------------------------------------------------------------------------- workspace create


def test_workspace_put_answers_202_with_location_and_retry_after(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.configure(retry_after=7)
    emulator.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    created = arm.put(workspace_path("ws-new"), _workspace_body())
    assert created.status_code == 202
    assert created.content == b""
    assert created.headers["Retry-After"] == "7"
    location = created.headers["Location"]
    assert location.startswith(emulator.url)
    assert "/workspaceOperationResults/" in location
    assert "Azure-AsyncOperation" not in created.headers


def test_a_new_workspace_is_visible_as_creating(arm: Arm, emulator: EmulatorServer) -> None:
    """The resource shows provisioningState Creating until the operation is done."""
    emulator.configure(polls_to_complete=2)
    emulator.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    arm.put(workspace_path("ws-visible"), _workspace_body())
    assert arm.get(workspace_path("ws-visible")).json()["properties"]["provisioningState"] == "Creating"
    assert arm.get(workspace_path("ws-visible")).json()["properties"]["provisioningState"] == "Succeeded"


def test_workspace_location_url_answers_202_then_the_workspace(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.configure(polls_to_complete=2)
    emulator.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    created = arm.put(workspace_path("ws-lro"), _workspace_body())
    location = created.headers["Location"]
    running = arm.follow(location)
    assert running.status_code == 202
    assert running.headers["Location"] == location
    done = arm.follow(location)
    assert done.status_code == 200
    assert done.json()["name"] == "ws-lro"
    assert done.json()["properties"]["provisioningState"] == "Succeeded"


def test_workspace_outputs_are_filled_like_the_service(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    arm.put(workspace_path("ws-out"), _workspace_body())
    body = arm.wait(workspace_path("ws-out"))
    properties = body["properties"]
    uuid.UUID(properties["workspaceId"])
    assert properties["provisioningState"] == "Succeeded"
    assert properties["discoveryUrl"] == f"{emulator.url}/discovery/workspaces/{properties['workspaceId']}"
    assert properties["mlFlowTrackingUri"] == (
        f"azureml://eastus.api.azureml.ms/mlflow/v1.0/subscriptions/{SUBSCRIPTION}/resourceGroups/"
        f"{RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/ws-out"
    )
    assert properties["friendlyName"] == "friendly"
    assert properties["hbiWorkspace"] is False
    assert properties["containerRegistry"] is None
    assert body["identity"]["type"] == "SystemAssigned"
    uuid.UUID(body["identity"]["principalId"])
    uuid.UUID(body["identity"]["tenantId"])
    assert body["sku"] == {"name": "Basic", "tier": "Basic"}
    assert set(body["systemData"]) == {
        "createdBy",
        "createdByType",
        "createdAt",
        "lastModifiedBy",
        "lastModifiedByType",
        "lastModifiedAt",
    }
    assert body["id"] == workspace_path("ws-out")
    assert body["type"] == "Microsoft.MachineLearningServices/workspaces"


def test_discovery_document_lists_the_regional_services(
    arm: Arm, workspace: dict[str, Any], emulator: EmulatorServer
) -> None:
    url = workspace["properties"]["discoveryUrl"]
    document = arm.follow(url)
    assert document.status_code == 200
    services = document.json()
    assert {"api", "catalog", "experimentation", "gallery", "history", "hyperdrive", "labeling",
            "modelmanagement", "pipelines", "studiocoreservices"} == set(services)  # fmt: skip
    assert all(value == emulator.url for value in services.values())
    # The discovery document is data plane: no token and no api-version needed.
    assert arm.request("GET", url, api_version=None, token=None).status_code == 200
    assert (
        arm.request("GET", "/discovery/workspaces/00000000-0000-0000-0000-000000000000", api_version=None).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("body", "target"),
    [
        ({"properties": {}}, "location"),
        ({"location": LOCATION}, "properties"),
        ({"location": LOCATION, "properties": {"publicNetworkAccess": "Sometimes"}}, "properties.publicNetworkAccess"),
        ({"location": LOCATION, "properties": {"hbiWorkspace": "yes"}}, "properties.hbiWorkspace"),
        ({"location": LOCATION, "properties": {}, "identity": {"type": "Everything"}}, "identity.type"),
        (
            {"location": LOCATION, "properties": {}, "identity": {"type": "UserAssigned"}},
            "identity.userAssignedIdentities",
        ),
        ({"location": LOCATION, "properties": {}, "sku": {"tier": "Basic"}}, "sku.name"),
        (
            {"location": LOCATION, "properties": {"encryption": {"status": "Enabled"}}},
            "properties.encryption.keyVaultProperties",
        ),
    ],
)
def test_workspace_put_validation(arm: Arm, emulator: EmulatorServer, body: dict[str, Any], target: str) -> None:
    emulator.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    response = arm.put(workspace_path("ws-bad"), body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["target"] == target


@pytest.mark.parametrize("name", ["ab", "-starts-with-dash", "has.dot", "x" * 34])
def test_workspace_name_pattern(arm: Arm, emulator: EmulatorServer, name: str) -> None:
    emulator.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    response = arm.put(workspace_path(name), _workspace_body())
    assert response.status_code == 400
    assert response.json()["error"]["target"] == "workspaceName"


def test_workspace_put_needs_its_resource_group(arm: Arm) -> None:
    response = arm.put(workspace_path("ws-orphan", group="rg-missing"), _workspace_body())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ResourceGroupNotFound"


def test_identity_type_is_case_insensitive_and_canonicalised(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    body = _workspace_body()
    body["identity"] = {"type": "systemAssigned"}
    assert arm.put(workspace_path("ws-case"), body).status_code == 202
    assert arm.wait(workspace_path("ws-case"))["identity"]["type"] == "SystemAssigned"


def test_user_assigned_identities_get_principal_and_client_ids(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    uai = f"{resource_group_path()}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"
    body = _workspace_body()
    body["identity"] = {"type": "SystemAssigned,UserAssigned", "userAssignedIdentities": {uai: {}}}
    arm.put(workspace_path("ws-uai"), body)
    identity = arm.wait(workspace_path("ws-uai"))["identity"]
    assert set(identity["userAssignedIdentities"][uai]) == {"principalId", "clientId"}
    assert identity["principalId"]


def test_write_while_creating_is_409(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.configure(polls_to_complete=3)
    emulator.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    assert arm.put(workspace_path("ws-busy"), _workspace_body()).status_code == 202
    assert arm.get(workspace_path("ws-busy")).json()["properties"]["provisioningState"] == "Creating"
    for response in (
        arm.put(workspace_path("ws-busy"), _workspace_body()),
        arm.patch(workspace_path("ws-busy"), {"tags": {"a": "b"}}),
        arm.delete(workspace_path("ws-busy")),
    ):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "Conflict"


# ---------------------------------------------------------------------------------------------- update


def test_workspace_put_on_existing_is_200_and_keeps_immutable_fields(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    arm.put(workspace_path("ws-up"), _workspace_body())
    first = arm.wait(workspace_path("ws-up"))
    updated = arm.put(workspace_path("ws-up"), _workspace_body(description="second"))
    assert updated.status_code == 200
    body = updated.json()
    assert body["properties"]["description"] == "second"
    assert body["properties"]["workspaceId"] == first["properties"]["workspaceId"]
    assert body["identity"]["principalId"] == first["identity"]["principalId"]
    assert body["systemData"]["createdAt"] == first["systemData"]["createdAt"]
    changed = _workspace_body(
        storageAccount=f"{resource_group_path()}/providers/Microsoft.Storage/storageAccounts/other"
    )
    rejected = arm.put(workspace_path("ws-up"), changed)
    assert rejected.status_code == 400
    assert rejected.json()["error"]["target"] == "properties.storageAccount"
    moved = _workspace_body()
    moved["location"] = "westus"
    assert arm.put(workspace_path("ws-up"), moved).status_code == 400


def test_workspace_patch_applies_update_parameters(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.patch(
        workspace_path(),
        {
            "tags": {"env": "test"},
            "properties": {
                "friendlyName": "New friendly name",
                "description": "new description",
                "publicNetworkAccess": "Disabled",
                "managedNetwork": {"enableFirewallLog": True, "enableNetworkMonitor": True},
            },
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["tags"] == {"env": "test"}
    assert body["properties"]["friendlyName"] == "New friendly name"
    assert body["properties"]["publicNetworkAccess"] == "Disabled"
    assert body["properties"]["managedNetwork"]["enableNetworkMonitor"] is True
    assert arm.get(workspace_path()).json()["properties"]["description"] == "new description"


@pytest.mark.parametrize(
    "body",
    [
        {"location": "westus"},
        {"properties": {"storageAccount": "/x"}},
        {"properties": {"hbiWorkspace": True}},
        {"kind": "Hub"},
        {"properties": {"encryption": {"keyVaultProperties": {"keyIdentifier": "k", "keyVaultArmId": "/v"}}}},
    ],
)
def test_workspace_patch_rejects_fields_outside_update_parameters(
    arm: Arm, workspace: dict[str, Any], body: dict[str, Any]
) -> None:
    response = arm.patch(workspace_path(), body)
    assert response.status_code == 400


def test_workspace_patch_of_missing_workspace_is_404(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.patch(workspace_path("ws-ghost"), {"tags": {}})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ResourceNotFound"


# ---------------------------------------------------------------------------------------------- delete and list


def test_workspace_delete_is_202_then_gone_and_cascades(arm: Arm, workspace: dict[str, Any]) -> None:
    arm.put(compute_path("cpu"), aml_compute_body())
    arm.wait(compute_path("cpu"))
    deleted = arm.delete(workspace_path())
    assert deleted.status_code == 202
    # Recorded (workspace delete): Azure-AsyncOperation and Location, no Retry-After.
    assert "Location" in deleted.headers and "Azure-AsyncOperation" in deleted.headers
    assert "Retry-After" not in deleted.headers
    assert arm.follow(deleted.headers["Location"]).status_code == 200
    assert arm.get(workspace_path()).status_code == 404
    assert arm.get(compute_path("cpu")).json()["error"]["code"] == "ParentResourceNotFound"
    assert arm.delete(workspace_path()).status_code == 204


def test_soft_deleted_name_is_blocked_until_purged(arm: Arm, workspace: dict[str, Any]) -> None:
    arm.follow(arm.delete(workspace_path()).headers["Location"])
    blocked = arm.put(workspace_path(), _workspace_body())
    assert blocked.status_code == 409
    assert arm.delete(workspace_path(), params={"forceToPurge": "true"}).status_code == 200
    assert arm.put(workspace_path(), _workspace_body()).status_code == 202


def test_force_to_purge_frees_the_name_at_once(arm: Arm, workspace: dict[str, Any]) -> None:
    deleted = arm.delete(workspace_path(), params={"forceToPurge": "true"})
    arm.follow(deleted.headers["Location"])
    assert arm.put(workspace_path(), _workspace_body()).status_code == 202
    assert arm.delete(workspace_path("x1y"), params={"forceToPurge": "maybe"}).status_code == 400


def test_workspace_lists_by_group_and_subscription_are_paged(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.configure(page_size=2)
    for index in range(3):
        emulator.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, f"ws-{index}", LOCATION)
    emulator.ensure_workspace(SUBSCRIPTION, "rg-other", "ws-elsewhere", LOCATION)
    by_group = arm.get(f"{resource_group_path()}/{PROVIDER}/workspaces").json()
    assert [item["name"] for item in by_group["value"]] == ["ws-0", "ws-1"]
    second = arm.follow(by_group["nextLink"]).json()
    assert [item["name"] for item in second["value"]] == ["ws-2"]
    assert "nextLink" not in second
    names: list[str] = []
    url: str | None = None
    response = arm.get(f"/subscriptions/{SUBSCRIPTION}/{PROVIDER}/workspaces")
    while True:
        body = response.json()
        names += [item["name"] for item in body["value"]]
        url = body.get("nextLink")
        if url is None:
            break
        response = arm.follow(url)
    assert sorted(names) == ["ws-0", "ws-1", "ws-2", "ws-elsewhere"]
    assert all(item["properties"]["discoveryUrl"].startswith(emulator.url) for item in by_group["value"])


def test_list_by_missing_group_is_404(arm: Arm) -> None:
    response = arm.get(f"{resource_group_path('rg-none')}/{PROVIDER}/workspaces")
    assert response.status_code == 404


def test_seeded_workspace_matches_a_created_one(emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    assert workspace["name"] == WORKSPACE
    assert workspace["properties"]["provisioningState"] == "Succeeded"
    assert workspace["properties"]["discoveryUrl"].startswith(emulator.url)
    again = emulator.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
    assert again["properties"]["workspaceId"] == workspace["properties"]["workspaceId"]
    with pytest.raises(ValueError, match="GUID"):
        emulator.ensure_workspace("not-a-guid", RESOURCE_GROUP, WORKSPACE, LOCATION)


def test_deleting_the_resource_group_frees_soft_deleted_names(arm: Arm, workspace: dict[str, Any]) -> None:
    arm.follow(arm.delete(workspace_path()).headers["Location"])
    arm.follow(arm.delete(resource_group_path()).headers["location"])
    assert arm.put(resource_group_path(), {"location": LOCATION}).status_code == 201
    assert arm.put(workspace_path(), _workspace_body()).status_code == 202
