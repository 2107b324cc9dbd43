"""Workspace through the provider object against the emulator over HTTP: create (202 + Location), no-op diff,
PATCH update, replace on a create-only property, drift, soft delete and purge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider
from pulumi_azureml.settings import Settings

from integration.conftest import RESOURCE_GROUP, SUBSCRIPTION, TOKEN, checked, stack_config, writes

Make = Callable[[str], AzureMLProvider]
API = "2025-12-01"
GROUP_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
STORAGE = f"{GROUP_ID}/providers/Microsoft.Storage/storageAccounts/mlwstorage"
OTHER_STORAGE = f"{GROUP_ID}/providers/Microsoft.Storage/storageAccounts/mlwstorage2"
KEY_VAULT = f"{GROUP_ID}/providers/Microsoft.KeyVault/vaults/mlw-vault"
INSIGHTS = f"{GROUP_ID}/providers/Microsoft.Insights/components/mlw-insights"
OTHER_INSIGHTS = f"{GROUP_ID}/providers/Microsoft.Insights/components/mlw-insights-2"
REGISTRY = f"{GROUP_ID}/providers/Microsoft.ContainerRegistry/registries/mlwregistry"

WORKSPACE: dict[str, Any] = {
    "name": "mlw-new",
    "location": "westus2",
    "friendly_name": "New workspace",
    "description": "made by pulumi",
    "storage_account": STORAGE,
    "key_vault": KEY_VAULT,
    "application_insights": INSIGHTS,
    "container_registry": REGISTRY,
    "identity": {"type": "SystemAssigned"},
    "tags": {"team": "ml"},
    "owner_marker": "proj/dev/mlw-new",
}


def workspace_path(name: str = "mlw-new") -> str:
    return f"{GROUP_ID}/providers/Microsoft.MachineLearningServices/workspaces/{name}"


def arm(emulator: EmulatorServer, path: str, method: str = "GET", body: Any = None) -> requests.Response:
    return requests.request(
        method,
        f"{emulator.url}{path}?api-version={API}",
        json=body,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )


def server_body(emulator: EmulatorServer, name: str = "mlw-new") -> dict[str, Any]:
    response = arm(emulator, workspace_path(name))
    return dict(response.json()) if response.status_code == 200 else {}


def deletes(emulator: EmulatorServer) -> list[dict[str, Any]]:
    return [entry for entry in emulator.requests_log() if entry["method"] == "DELETE"]


def test_create_waits_for_the_202_location_operation_and_fills_outputs(
    emulator: EmulatorServer, make_provider: Make
) -> None:
    provider = make_provider("Workspace")
    emulator.clear_requests_log()
    result = provider.create(checked(provider, WORKSPACE))
    outs = result.outs or {}
    assert result.id == workspace_path()
    assert outs["arm_id"] == result.id
    assert outs["provisioning_state"] == "Succeeded"
    assert outs["location"] == "westus2"
    assert outs["workspace_id"] and outs["discovery_url"].endswith(outs["workspace_id"])
    assert outs["mlflow_tracking_uri"].startswith("azureml://westus2.api.azureml.ms/mlflow/")
    assert outs["creation_time"]
    assert outs["identity_principal_id"] and outs["identity_tenant_id"]
    log = emulator.requests_log()
    put = next(entry for entry in log if entry["method"] == "PUT")
    assert put["status"] == 202, "the service answers a new workspace with 202 + Location"
    assert [entry["method"] for entry in log].count("PUT") == 1
    body = server_body(emulator)
    assert body["properties"]["storageAccount"] == STORAGE
    assert body["properties"]["keyVault"] == KEY_VAULT
    assert body["tags"] == {"team": "ml", "pulumi-azureml-owner": "proj/dev/mlw-new"}
    assert body["identity"]["type"] == "SystemAssigned"


def test_location_defaults_from_the_stack_config(emulator: EmulatorServer) -> None:
    provider = AzureMLProvider("Workspace")
    provider.use_settings(Settings({**stack_config(emulator), "azureml:location": "northeurope"}, environ={}))
    inputs = checked(provider, {key: value for key, value in WORKSPACE.items() if key != "location"})
    assert inputs["location"] == "northeurope"
    outs = provider.create(inputs).outs or {}
    assert outs["location"] == "northeurope" == server_body(emulator)["location"]


def test_location_is_required_without_config(make_provider: Make) -> None:
    provider = make_provider("Workspace")
    result = provider.check({}, {key: value for key, value in WORKSPACE.items() if key != "location"})
    reasons = {failure.property: failure.reason for failure in result.failures}
    assert "azureml:location" in reasons["location"] and "AZURE_LOCATION" in reasons["location"]


def test_check_rejects_bad_ids_and_half_an_encryption(make_provider: Make) -> None:
    provider = make_provider("Workspace")
    result = provider.check(
        {},
        {
            **WORKSPACE,
            "storage_account": "mlwstorage",
            "encryption": {"status": "Enabled", "key_vault_id": KEY_VAULT},
        },
    )
    reasons = {failure.property: failure.reason for failure in result.failures}
    assert "ARM resource id" in reasons["storage_account"]
    result = provider.check({}, {**WORKSPACE, "encryption": {"status": "Enabled", "key_vault_id": KEY_VAULT}})
    reasons = {failure.property: failure.reason for failure in result.failures}
    assert "required with encryption" in reasons["encryption_key_identifier"]


def test_no_op_diff_after_create_even_with_other_id_casing(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Workspace")
    outs = provider.create(checked(provider, WORKSPACE)).outs or {}
    emulator.clear_requests_log()
    assert provider.diff("id", outs, checked(provider, WORKSPACE)).changes is False
    # ARM ids come back in any case: a lower-cased id is the same resource.
    lower = {**WORKSPACE, "storage_account": STORAGE.lower(), "location": "West US 2"}
    assert provider.diff("id", outs, checked(provider, lower)).changes is False
    assert emulator.requests_log() == []


def test_in_place_update_is_one_patch_of_the_changed_fields(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Workspace")
    created = provider.create(checked(provider, WORKSPACE))
    news = checked(
        provider,
        {
            **WORKSPACE,
            "friendly_name": "Renamed",
            "application_insights": OTHER_INSIGHTS,
            "public_network_access": "Disabled",
            "tags": {"team": "ml", "cost": "42"},
        },
    )
    diff = provider.diff(created.id, created.outs or {}, news)
    assert diff.changes is True and diff.replaces == []
    emulator.clear_requests_log()
    outs = provider.update(created.id, created.outs or {}, news).outs or {}
    assert [write.split(" ")[0] for write in writes(emulator)] == ["PATCH"]
    body = server_body(emulator)
    assert body["properties"]["friendlyName"] == "Renamed"
    assert body["properties"]["applicationInsights"] == OTHER_INSIGHTS
    assert body["properties"]["publicNetworkAccess"] == "Disabled"
    assert body["properties"]["description"] == "made by pulumi", "unchanged fields are left alone"
    assert body["tags"]["cost"] == "42"
    assert outs["workspace_id"] == (created.outs or {})["workspace_id"], "same workspace, updated in place"
    assert provider.diff(created.id, outs, news).changes is False


def test_encryption_key_rotation_is_a_patch_and_the_vault_is_create_only(
    emulator: EmulatorServer, make_provider: Make
) -> None:
    provider = make_provider("Workspace")
    encrypted = {
        **WORKSPACE,
        "encryption": {"status": "Enabled", "key_vault_id": KEY_VAULT},
        "encryption_key_identifier": "https://mlw-vault.vault.azure.net/keys/cmk/1",
    }
    created = provider.create(checked(provider, encrypted))
    outs = created.outs or {}
    assert provider.diff(created.id, outs, checked(provider, encrypted)).changes is False

    rotated = checked(
        provider, {**encrypted, "encryption_key_identifier": "https://mlw-vault.vault.azure.net/keys/cmk/2"}
    )
    assert provider.diff(created.id, outs, rotated).replaces == []
    emulator.clear_requests_log()
    outs = provider.update(created.id, outs, rotated).outs or {}
    assert [write.split(" ")[0] for write in writes(emulator)] == ["PATCH"]
    key = server_body(emulator)["properties"]["encryption"]["keyVaultProperties"]["keyIdentifier"]
    assert key.endswith("/cmk/2")

    other_vault = checked(
        provider,
        {**encrypted, "encryption": {"status": "Enabled", "key_vault_id": KEY_VAULT + "-2"}},
    )
    assert provider.diff(created.id, outs, other_vault).replaces == ["encryption"]


def test_managed_network_patches_but_going_back_to_v1_replaces(make_provider: Make) -> None:
    provider = make_provider("Workspace")
    v2 = checked(provider, {**WORKSPACE, "managed_network": {"isolation_mode": "AllowOnlyApprovedOutbound"}})
    olds = {**v2, "managed_network": {"isolation_mode": "AllowOnlyApprovedOutbound", "managed_network_kind": "V2"}}
    to_v2 = checked(provider, {**WORKSPACE, "managed_network": {"managed_network_kind": "V2"}})
    assert provider.diff("id", olds, to_v2).changes is False
    outbound = checked(
        provider,
        {
            **WORKSPACE,
            "managed_network": {
                "managed_network_kind": "V2",
                "outbound_rules": {"pypi": {"type": "FQDN", "destination": "pypi.org"}},
            },
        },
    )
    diff = provider.diff("id", olds, outbound)
    assert diff.changes is True and diff.replaces == []
    # Rules the service adds itself (category Required/Recommended/Dependency) are not drift; a stranger's are.
    service_rule = {"type": "FQDN", "category": "Required", "destination": "login.microsoftonline.com"}
    with_service_rule = {"managed_network_kind": "V2", "outbound_rules": {"required-aad": service_rule}}
    no_rules = checked(provider, {**WORKSPACE, "managed_network": {"managed_network_kind": "V2", "outbound_rules": {}}})
    assert provider.diff("id", {**olds, "managed_network": with_service_rule}, no_rules).changes is False
    stranger = {**service_rule, "category": "UserDefined"}
    with_stranger = {"managed_network_kind": "V2", "outbound_rules": {"added-in-portal": stranger}}
    assert provider.diff("id", {**olds, "managed_network": with_stranger}, no_rules).changes is True
    to_v1 = checked(provider, {**WORKSPACE, "managed_network": {"managed_network_kind": "V1"}})
    assert provider.diff("id", olds, to_v1).replaces == ["managed_network"]


def test_managed_network_outbound_rules_round_trip(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Workspace")
    rules = {
        "pypi": {"type": "FQDN", "destination": "pypi.org"},
        "storage": {
            "type": "ServiceTag",
            "category": "UserDefined",
            "destination": {"service_tag": "Storage", "protocol": "TCP", "port_ranges": "443", "action": "Allow"},
        },
    }
    inputs = {**WORKSPACE, "managed_network": {"isolation_mode": "AllowOnlyApprovedOutbound", "outbound_rules": rules}}
    created = provider.create(checked(provider, inputs))
    wire = server_body(emulator)["properties"]["managedNetwork"]["outboundRules"]
    assert wire["storage"]["destination"] == {
        "serviceTag": "Storage",
        "protocol": "TCP",
        "portRanges": "443",
        "action": "Allow",
    }
    read = provider.read(created.id, created.outs or {})
    assert read.inputs is not None and read.inputs["managed_network"]["outbound_rules"] == rules
    assert provider.diff(created.id, read.outs or {}, checked(provider, inputs)).changes is False


def test_replace_on_storage_account_deletes_purges_then_creates(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Workspace")
    purging = {**WORKSPACE, "purge_on_delete": True}
    created = provider.create(checked(provider, purging))
    old_guid = (created.outs or {})["workspace_id"]
    news = checked(provider, {**purging, "storage_account": OTHER_STORAGE})
    diff = provider.diff(created.id, created.outs or {}, news)
    assert diff.replaces == ["storage_account"] and diff.delete_before_replace is True
    emulator.clear_requests_log()
    # The engine's order for delete-before-replace: delete the old, then create the new.
    provider.delete(created.id, created.outs or {})
    assert "forceToPurge=true" in deletes(emulator)[0]["query"]
    recreated = provider.create(news)
    assert recreated.id == created.id
    assert server_body(emulator)["properties"]["storageAccount"] == OTHER_STORAGE
    assert (recreated.outs or {})["workspace_id"] != old_guid


def test_replace_without_purge_is_refused_because_the_soft_deleted_name_is_blocked(
    emulator: EmulatorServer, make_provider: Make
) -> None:
    provider = make_provider("Workspace")
    created = provider.create(checked(provider, WORKSPACE))
    provider.delete(created.id, created.outs or {})
    with pytest.raises(AzureMLError, match="soft-deleted workspace named 'mlw-new'.*forceToPurge=true"):
        provider.create(checked(provider, {**WORKSPACE, "storage_account": OTHER_STORAGE}))


def test_drift_after_an_out_of_band_change_shows_after_read(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Workspace")
    created = provider.create(checked(provider, WORKSPACE))
    # Out of band: someone renames the workspace and retags it in the portal.
    response = arm(
        emulator,
        workspace_path(),
        "PATCH",
        {"properties": {"friendlyName": "Portal name"}, "tags": {"team": "data"}},
    )
    assert response.status_code == 200
    read = provider.read(created.id, created.outs or {})
    assert read.id == created.id and read.inputs is not None
    assert read.inputs["friendly_name"] == "Portal name"
    assert read.inputs["tags"] == {"team": "data"}
    assert read.inputs["storage_account"] == STORAGE
    assert "purge_on_delete" in read.inputs, "provider-side inputs survive a read"
    diff = provider.diff(read.id, read.outs or {}, checked(provider, WORKSPACE))
    assert diff.changes is True and diff.replaces == []
    outs = provider.update(read.id, read.outs or {}, checked(provider, WORKSPACE)).outs or {}
    assert server_body(emulator)["properties"]["friendlyName"] == "New workspace"
    assert provider.diff(read.id, outs, checked(provider, WORKSPACE)).changes is False


def test_read_of_a_deleted_workspace_reports_it_gone(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Workspace")
    created = provider.create(checked(provider, {**WORKSPACE, "purge_on_delete": True}))
    provider.delete(created.id, created.outs or {})
    gone = provider.read(created.id, created.outs or {})
    assert gone.id == "" and gone.outs == {}


def test_delete_without_purge_soft_deletes_and_blocks_the_name(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Workspace")
    created = provider.create(checked(provider, WORKSPACE))
    emulator.clear_requests_log()
    provider.delete(created.id, created.outs or {})
    assert "forceToPurge" not in deletes(emulator)[0]["query"]
    assert server_body(emulator) == {}
    blocked = arm(emulator, workspace_path(), "PUT", {"location": "westus2", "properties": {}})
    assert blocked.status_code == 409
    provider.delete(created.id, created.outs or {})  # already gone: still success


def test_delete_with_purge_frees_the_name(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Workspace")
    created = provider.create(checked(provider, WORKSPACE))
    # purge_on_delete is provider-side: switching it on is an update that sends nothing to Azure.
    news = checked(provider, {**WORKSPACE, "purge_on_delete": True})
    emulator.clear_requests_log()
    outs = provider.update(created.id, created.outs or {}, news).outs or {}
    assert emulator.requests_log() == []
    assert outs["purge_on_delete"] is True and outs["workspace_id"] == (created.outs or {})["workspace_id"]
    provider.delete(created.id, outs)
    assert "forceToPurge=true" in deletes(emulator)[0]["query"]
    assert provider.create(checked(provider, WORKSPACE)).id == created.id


def test_a_failed_create_is_purged_so_a_retry_can_reuse_the_name(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Workspace")
    # The Location URL reports the operation finished; the workspace itself says Failed.
    emulator.add_fault(method="PUT", path="*/workspaces/mlw-new", lro_status="Failed", result_status=200, times=1)
    with pytest.raises(AzureMLError, match="The failed workspace was deleted, so nothing was left behind"):
        provider.create(checked(provider, WORKSPACE))
    # Purged, not soft-deleted: otherwise the name would stay blocked for 14 days.
    assert "forceToPurge=true" in deletes(emulator)[0]["query"]
    assert (provider.create(checked(provider, WORKSPACE)).outs or {})["provisioning_state"] == "Succeeded"


def test_a_create_whose_location_url_reports_failure_is_cleaned_up(
    emulator: EmulatorServer, make_provider: Make
) -> None:
    provider = make_provider("Workspace")
    emulator.add_fault(
        method="PUT",
        path="*/workspaces/mlw-new",
        lro_status="Failed",
        error_code="StorageAccountNotFound",
        error_message="The storage account was not found",
        times=1,
    )
    # The Location URL answers the operation's failure itself (4xx + error body, ARM async RPC).
    with pytest.raises(AzureMLError, match="StorageAccountNotFound.*nothing was left behind"):
        provider.create(checked(provider, WORKSPACE))
    assert server_body(emulator) == {}
    assert "forceToPurge=true" in deletes(emulator)[0]["query"]
    assert (provider.create(checked(provider, WORKSPACE)).outs or {})["provisioning_state"] == "Succeeded"
