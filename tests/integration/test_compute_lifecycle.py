"""Compute through the provider object against the emulator over HTTP: every lifecycle path."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider

from integration.conftest import LOCATION, RESOURCE_GROUP, SUBSCRIPTION, TOKEN, WORKSPACE, checked, writes

Make = Callable[[str], AzureMLProvider]
API = "2025-12-01"

CLUSTER: dict[str, Any] = {
    "name": "cpu-cluster",
    "compute_type": "AmlCompute",
    "vm_size": "STANDARD_DS3_V2",
    "scale_settings": {"max_node_count": 4.0, "min_node_count": 0.0, "node_idle_time_before_scale_down": "PT5M"},
    "user_account_credentials": {"admin_user_name": "azureuser", "admin_user_password": "P@ssw0rd-very-secret"},
    "tags": {"team": "ml"},
    "owner_marker": "proj/dev/cpu-cluster",
}


def compute_url(emulator: EmulatorServer, name: str) -> str:
    return (
        f"{emulator.url}/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
        f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}/computes/{name}?api-version={API}"
    )


def server_get(emulator: EmulatorServer, name: str) -> requests.Response:
    return requests.get(compute_url(emulator, name), headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)


def test_cluster_create_sends_integers_uses_workspace_location_and_waits(
    emulator: EmulatorServer, make_provider: Make
) -> None:
    provider = make_provider("Compute")
    result = provider.create(checked(provider, CLUSTER))
    assert result.id.lower().endswith("/computes/cpu-cluster")
    outs = result.outs or {}
    assert outs["provisioning_state"] == "Succeeded"
    assert outs["location"] == LOCATION
    assert outs["arm_id"] == result.id
    puts = [r for r in emulator.requests_log() if r["method"] == "PUT"]
    assert len(puts) == 1
    body = server_get(emulator, "cpu-cluster").json()
    assert body["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == 4
    assert body["tags"]["pulumi-azureml-owner"] == "proj/dev/cpu-cluster"
    # The write-only password never comes back from the service.
    assert "P@ssw0rd" not in server_get(emulator, "cpu-cluster").text


def test_no_op_diff_after_create(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    outs = provider.create(checked(provider, CLUSTER)).outs or {}
    emulator.clear_requests_log()
    result = provider.diff("id", outs, checked(provider, CLUSTER))
    assert result.changes is False
    assert emulator.requests_log() == []


def test_scale_update_is_a_patch_of_scale_settings_only(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    created = provider.create(checked(provider, CLUSTER))
    news = checked(provider, {**CLUSTER, "scale_settings": {"max_node_count": 8.0, "min_node_count": 1.0}})
    emulator.clear_requests_log()
    outs = provider.update(created.id, created.outs or {}, news).outs or {}
    assert [w.split(" ")[0] for w in writes(emulator)] == ["PATCH"]
    scale = server_get(emulator, "cpu-cluster").json()["properties"]["properties"]["scaleSettings"]
    assert scale["maxNodeCount"] == 8 and scale["minNodeCount"] == 1
    assert outs["scale_settings"] == {"max_node_count": 8, "min_node_count": 1}


def test_tags_update_on_a_cluster_is_a_full_put_keeping_the_ownership_tag(
    emulator: EmulatorServer, make_provider: Make
) -> None:
    provider = make_provider("Compute")
    created = provider.create(checked(provider, CLUSTER))
    news = checked(provider, {**CLUSTER, "tags": {"team": "ml", "cost": "42"}})
    assert provider.diff(created.id, created.outs or {}, news).replaces == []
    provider.update(created.id, created.outs or {}, news)
    tags = server_get(emulator, "cpu-cluster").json()["tags"]
    assert tags == {"team": "ml", "cost": "42", "pulumi-azureml-owner": "proj/dev/cpu-cluster"}


def test_replace_on_vm_size_deletes_then_creates(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    created = provider.create(checked(provider, CLUSTER))
    news = checked(provider, {**CLUSTER, "vm_size": "STANDARD_NC6"})
    diff = provider.diff(created.id, created.outs or {}, news)
    assert diff.replaces == ["vm_size"] and diff.delete_before_replace is True
    # The engine's order for delete-before-replace: delete the old, then create the new.
    provider.delete(created.id, created.outs or {})
    recreated = provider.create(news)
    assert server_get(emulator, "cpu-cluster").json()["properties"]["properties"]["vmSize"] == "STANDARD_NC6"
    assert recreated.id == created.id


def test_drift_shows_after_refresh(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    created = provider.create(checked(provider, CLUSTER))
    # Out of band: someone scales the cluster in the portal.
    patch = {"properties": {"properties": {"scaleSettings": {"maxNodeCount": 2, "minNodeCount": 0}}}}
    response = requests.patch(
        compute_url(emulator, "cpu-cluster"), json=patch, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert response.status_code < 300
    read = provider.read(created.id, created.outs or {})
    assert read.id == created.id
    assert read.inputs is not None
    assert read.inputs["scale_settings"]["max_node_count"] == 2
    # The password cannot be read back; it is kept from state rather than lost.
    assert read.inputs["user_account_credentials"] == CLUSTER["user_account_credentials"]
    diff = provider.diff(read.id, read.outs or {}, checked(provider, CLUSTER))
    assert diff.changes is True and diff.replaces == []


def test_read_of_a_deleted_compute_reports_it_gone(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    created = provider.create(checked(provider, CLUSTER))
    provider.delete(created.id, created.outs or {})
    gone = provider.read(created.id, created.outs or {})
    assert gone.id == "" and gone.outs == {}


def test_create_refuses_an_existing_compute_it_did_not_make(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    provider.create(checked(provider, {**CLUSTER, "owner_marker": "someone/else/cpu-cluster"}))
    emulator.clear_requests_log()
    with pytest.raises(AzureMLError, match="already exists and this stack did not create it.*adopt_existing=True"):
        provider.create(checked(provider, CLUSTER))
    assert writes(emulator) == []


def test_adopt_existing_takes_over_and_converges(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    provider.create(checked(provider, {**CLUSTER, "owner_marker": None, "tags": {"team": "old"}}))
    adopted = provider.create(checked(provider, {**CLUSTER, "adopt_existing": True}))
    assert (adopted.outs or {})["provisioning_state"] == "Succeeded"
    assert server_get(emulator, "cpu-cluster").json()["tags"]["team"] == "ml"


def test_adoption_refuses_when_create_only_properties_differ(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    provider.create(checked(provider, {**CLUSTER, "owner_marker": None}))
    with pytest.raises(AzureMLError, match="cannot change in place: vm_size"):
        provider.create(checked(provider, {**CLUSTER, "vm_size": "STANDARD_NC6", "adopt_existing": True}))


def test_a_failed_create_is_cleaned_up(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    emulator.add_fault(
        method="PUT",
        path="*/computes/cpu-cluster",
        lro_status="Failed",
        error_code="QuotaExceeded",
        error_message="Not enough cores in eastus",
        times=1,
    )
    with pytest.raises(AzureMLError) as raised:
        provider.create(checked(provider, CLUSTER))
    message = str(raised.value)
    assert "QuotaExceeded: Not enough cores in eastus" in message
    assert "was deleted, so nothing was left behind" in message
    assert "P@ssw0rd" not in message
    assert server_get(emulator, "cpu-cluster").status_code == 404


def test_delete_sends_underlying_resource_action(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    created = provider.create(checked(provider, CLUSTER))
    emulator.clear_requests_log()
    provider.delete(created.id, created.outs or {})
    deletes = [r for r in emulator.requests_log() if r["method"] == "DELETE"]
    assert len(deletes) == 1 and "underlyingResourceAction=Delete" in deletes[0]["query"]
    assert server_get(emulator, "cpu-cluster").status_code == 404
    provider.delete(created.id, created.outs or {})  # already gone: still success


INSTANCE: dict[str, Any] = {
    "name": "ci-dev",
    "compute_type": "ComputeInstance",
    "vm_size": "STANDARD_DS3_V2",
    "idle_time_before_shutdown": "PT30M",
    "power_state": "Running",
    "schedules": [
        {
            "action": "Stop",
            "trigger_type": "Cron",
            "cron": {"expression": "0 18 * * *", "time_zone": "UTC"},
        },
        {
            "action": "Start",
            "trigger_type": "Recurrence",
            "recurrence": {
                "frequency": "Week",
                "interval": 1.0,
                "schedule": {"hours": [8.0], "minutes": [0.0], "week_days": ["Monday", "Friday"]},
            },
        },
    ],
    "owner_marker": "proj/dev/ci-dev",
}


def test_compute_instance_with_schedules_idle_shutdown_and_stop_start(
    emulator: EmulatorServer, make_provider: Make
) -> None:
    provider = make_provider("Compute")
    created = provider.create(checked(provider, INSTANCE))
    outs = created.outs or {}
    assert outs["state"] == "Running"
    server = server_get(emulator, "ci-dev").json()["properties"]["properties"]
    assert server["idleTimeBeforeShutdown"] == "PT30M"
    schedules = server["schedules"]["computeStartStop"]
    # The service keeps neither the order nor the shape: each item gains id/status/provisioningStatus and an explicit
    # null for the unused trigger.
    recurring = next(item for item in schedules if item["triggerType"] == "Recurrence")
    assert recurring["recurrence"]["schedule"]["hours"] == [8] and recurring["cron"] is None
    assert [item["action"] for item in schedules] == ["Start", "Stop"]
    assert provider.diff(created.id, outs, checked(provider, INSTANCE)).changes is False

    stopped = checked(provider, {**INSTANCE, "power_state": "Stopped"})
    diff = provider.diff(created.id, outs, stopped)
    assert diff.changes is True and diff.replaces == []
    emulator.clear_requests_log()
    outs = provider.update(created.id, outs, stopped).outs or {}
    assert outs["state"] == "Stopped"
    assert any(w.endswith("/stop") for w in writes(emulator))

    running = checked(provider, INSTANCE)
    outs = provider.update(created.id, outs, running).outs or {}
    assert outs["state"] == "Running"
    read = provider.read(created.id, outs)
    assert read.inputs is not None and read.inputs["schedules"] == checked(provider, INSTANCE)["schedules"]


def test_changing_idle_shutdown_posts_the_action_and_keeps_the_instance(
    emulator: EmulatorServer, make_provider: Make, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 26: this used to delete the instance (its disk and the user's work) and create it again.
    provider = make_provider("Compute")
    created = provider.create(checked(provider, INSTANCE))
    # The create's PUT already set it: no action after it.
    assert not any(write.endswith("/updateIdleShutdownSetting") for write in writes(emulator))
    outs = created.outs or {}
    created_on = outs["created_on"]
    longer = checked(provider, {**INSTANCE, "idle_time_before_shutdown": "PT2H"})
    assert provider.diff(created.id, outs, longer).replaces == []
    emulator.clear_requests_log()
    outs = provider.update(created.id, outs, longer).outs or {}
    assert writes(emulator) == [
        f"POST /subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
        f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}/computes/ci-dev/updateIdleShutdownSetting"
    ]
    posted = [r for r in emulator.requests_log() if r["method"] == "POST"]
    assert json.loads(posted[0]["body"]) == {"idleTimeBeforeShutdown": "PT2H"}
    assert server_get(emulator, "ci-dev").json()["properties"]["properties"]["idleTimeBeforeShutdown"] == "PT2H"
    assert outs["created_on"] == created_on and outs["state"] == "Running"
    # Refresh reads the new value back; the next preview is clean.
    read = provider.read(created.id, outs)
    assert read.inputs is not None and read.inputs["idle_time_before_shutdown"] == "PT2H"
    assert provider.diff(created.id, read.outs or {}, longer).changes is False
    # A stop names the instance, not the action ("stopping compute instance stop" before).
    capsys.readouterr()
    provider.update(created.id, outs, checked(provider, {**longer, "power_state": "Stopped"}))
    printed = capsys.readouterr().out
    assert "stopping compute instance ci-dev:" in printed and "instance stop" not in printed, printed


def test_a_missing_workspace_is_named_with_the_compute(emulator: EmulatorServer) -> None:
    # Issue 26: "creating compute: reading the workspace" named neither the compute nor the workspace up front.
    from pulumi_azureml.settings import Settings

    from integration.conftest import stack_config

    provider = AzureMLProvider("Compute")
    provider.use_settings(Settings({**stack_config(emulator), "azureml:workspaceName": "mlw-missing"}, environ={}))
    with pytest.raises(AzureMLError) as raised:
        provider.create(checked(provider, CLUSTER))
    assert str(raised.value).startswith(
        "creating compute cpu-cluster: reading its workspace mlw-missing /subscriptions/"
    )


def test_attached_compute_is_detached_not_deleted(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Compute")
    aks = {
        "name": "aks-attached",
        "compute_type": "AKS",
        "resource_id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
        "Microsoft.ContainerService/managedClusters/aks1",
        "properties": {"agentCount": 3.0, "clusterPurpose": "FastProd"},
        "owner_marker": "proj/dev/aks",
    }
    created = provider.create(checked(provider, aks))
    assert (created.outs or {})["is_attached_compute"] is True
    assert provider.diff(created.id, created.outs or {}, checked(provider, aks)).changes is False
    emulator.clear_requests_log()
    provider.delete(created.id, created.outs or {})
    assert "underlyingResourceAction=Detach" in emulator.requests_log()[0]["query"]


def test_a_failed_leftover_of_an_earlier_run_is_replaced(emulator: EmulatorServer, make_provider: Make) -> None:
    # An interrupted run's create that ended Failed after the run died: ours (tagged), but useless.
    emulator.add_fault(method="PUT", path="*/computes/cpu-cluster", lro_status="Failed", error_code="Boom", times=1)
    body = {
        "location": LOCATION,
        "tags": {"pulumi-azureml-owner": CLUSTER["owner_marker"]},
        "properties": {"computeType": "AmlCompute", "properties": {"vmSize": "STANDARD_DS3_V2"}},
    }
    headers = {"Authorization": f"Bearer {TOKEN}"}
    requests.put(compute_url(emulator, "cpu-cluster"), json=body, headers=headers, timeout=10).raise_for_status()
    for _ in range(20):  # each GET advances the emulator's operation by one poll
        if server_get(emulator, "cpu-cluster").json()["properties"]["provisioningState"] in ("Failed", "Succeeded"):
            break
    assert server_get(emulator, "cpu-cluster").json()["properties"]["provisioningState"] == "Failed"
    provider = make_provider("Compute")
    created = provider.create(checked(provider, CLUSTER))
    assert (created.outs or {})["provisioning_state"] == "Succeeded"
    assert server_get(emulator, "cpu-cluster").json()["properties"]["provisioningState"] == "Succeeded"
