"""Workspace through the Pulumi SDK's own provider host against the emulator, with its dependency ids coming from
another provider's resources (azure-native look-alikes answered by the Mocks with real ARM ids)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import requests
from pulumi.runtime import mocks as sdk_mocks

import pulumi_azureml as azureml
from pulumi_azureml.emulator import EmulatorServer

from harness import EchoMocks, Stack
from protocol.conftest import RESOURCE_GROUP, SUBSCRIPTION, TOKEN, emulator_config, http_requests

REGION = "northeurope"
GROUP_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
ARM_TYPES = {
    "azure-native:storage:StorageAccount": ("Microsoft.Storage/storageAccounts", "accountName"),
    "azure-native:keyvault:Vault": ("Microsoft.KeyVault/vaults", "vaultName"),
    "azure-native:insights:Component": ("Microsoft.Insights/components", "resourceName"),
    "azure-native:containerregistry:Registry": ("Microsoft.ContainerRegistry/registries", "registryName"),
}


class ArmIdMocks(EchoMocks):
    """Answers the azure-native look-alikes as azure-native does: their ``id`` is the resource's ARM id."""

    def new_resource(self, args: sdk_mocks.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if args.typ not in ARM_TYPES:
            return super().new_resource(args)
        resource_type, name_key = ARM_TYPES[args.typ]
        arm_id = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{args.inputs['resourceGroupName']}/providers/"
        arm_id += f"{resource_type}/{args.inputs[name_key]}"
        return arm_id, {**args.inputs, "id": arm_id}


class AzureNativeResource(pulumi.CustomResource):
    """A stand-in for a pulumi_azure_native resource: a plain (non-dynamic) resource of another provider."""

    def __init__(self, type_token: str, resource_name: str, props: dict[str, Any]) -> None:
        super().__init__(type_token, resource_name, {"resourceGroupName": RESOURCE_GROUP, **props})


def workspace_program(*, friendly_name: str = "Team workspace", storage: str = "storage") -> Callable[[], None]:
    def program() -> None:
        account = AzureNativeResource(
            "azure-native:storage:StorageAccount", storage, {"accountName": f"mlw{storage.replace('-', '')}"}
        )
        vault = AzureNativeResource("azure-native:keyvault:Vault", "vault", {"vaultName": "mlw-team-vault"})
        insights = AzureNativeResource(
            "azure-native:insights:Component", "insights", {"resourceName": "mlw-team-insights"}
        )
        registry = AzureNativeResource(
            "azure-native:containerregistry:Registry", "registry", {"registryName": "mlwteamregistry"}
        )
        workspace = azureml.Workspace(
            "mlw-team",
            azureml.WorkspaceArgs(
                friendly_name=friendly_name,
                storage_account=account.id,
                key_vault=vault.id,
                application_insights=insights.id,
                container_registry=registry.id,
                identity=azureml.IdentityArgs(type="SystemAssigned"),
                tags={"team": "ml"},
                purge_on_delete=True,
            ),
        )
        pulumi.export("id", workspace.id)
        pulumi.export("workspace_id", workspace.workspace_id)  # type: ignore[attr-defined]
        pulumi.export("storage_account", workspace.storage_account)  # type: ignore[attr-defined]
        pulumi.export("location", workspace.location)
        pulumi.export("state", workspace.provisioning_state)
        pulumi.export("discovery_url", workspace.discovery_url)

    return program


def workspace_body(emulator: EmulatorServer) -> dict[str, Any]:
    url = (
        f"{emulator.url}{GROUP_ID}/providers/Microsoft.MachineLearningServices/workspaces/mlw-team"
        "?api-version=2025-12-01"
    )
    response = requests.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    return dict(response.json()) if response.status_code == 200 else {}


def test_workspace_lifecycle_with_dependencies_from_another_provider(tmp_path: Path, emulator: EmulatorServer) -> None:
    # The region comes from the stack config (azureml:location), through Configure of the real host.
    config = {**emulator_config(emulator), "azureml:location": REGION}
    stack = Stack(tmp_path / "state.json", config, secret_config_keys=("azureml:accessToken",), mocks=ArmIdMocks())

    preview = stack.preview(workspace_program())
    assert preview.op("mlw-team") == "create" and preview.op("storage") == "create"
    assert http_requests(emulator) == [], "a preview must not call Azure"

    up = stack.up(workspace_program())
    assert up.op("mlw-team") == "create"
    storage_id = f"{GROUP_ID}/providers/Microsoft.Storage/storageAccounts/mlwstorage"
    assert up.outputs["storage_account"] == storage_id
    assert up.outputs["state"] == "Succeeded"
    assert up.outputs["location"] == REGION
    assert str(up.outputs["discovery_url"]).endswith(str(up.outputs["workspace_id"]))
    body = workspace_body(emulator)
    assert body["properties"]["storageAccount"] == storage_id
    assert body["properties"]["keyVault"].endswith("/Microsoft.KeyVault/vaults/mlw-team-vault")
    assert body["properties"]["containerRegistry"].endswith("/registries/mlwteamregistry")
    assert body["location"] == REGION

    emulator.clear_requests_log()
    again = stack.up(workspace_program())
    assert again.ops() == {name: "same" for name in again.ops()}
    assert http_requests(emulator) == [], "a no-op up must not call Azure"

    renamed = stack.up(workspace_program(friendly_name="Renamed"))
    assert renamed.op("mlw-team") == "update"
    assert "update in place by PATCH (friendly_name)" in renamed.host_output
    assert workspace_body(emulator)["properties"]["friendlyName"] == "Renamed"

    # A new storage account's id is unknown in preview: the create-only input previews as a replacement.
    swapped = stack.preview(workspace_program(friendly_name="Renamed", storage="storage-two"))
    step = swapped.step("mlw-team")
    assert step.op == "replace" and step.replaces == ("storage_account",)
    assert step.delete_before_replace is True

    emulator.clear_requests_log()
    destroyed = stack.destroy()
    assert destroyed.op("mlw-team") == "delete"
    assert any(
        entry.startswith("DELETE ") and entry.endswith("/workspaces/mlw-team") for entry in http_requests(emulator)
    )
    purge = [entry for entry in emulator.requests_log() if entry["method"] == "DELETE"]
    assert "forceToPurge=true" in purge[0]["query"]
    assert workspace_body(emulator) == {}
    assert stack.state().resources == []
    assert TOKEN not in stack.state_text()
