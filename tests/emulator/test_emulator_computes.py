"""Computes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import (
    LOCATION,
    SUBSCRIPTION,
    Arm,
    aml_compute_body,
    compute_instance_body,
    compute_path,
    resource_group_path,
    workspace_path,
)

DOTNET_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}\+00:00$")
AKS_ID = f"{resource_group_path()}/providers/Microsoft.ContainerService/managedClusters/aks1"


def _created(arm: Arm, name: str, body: dict[str, Any]) -> dict[str, Any]:
    response = arm.put(compute_path(name), body)
    assert response.status_code == 201, response.text
    return arm.wait(compute_path(name))


# ---------------------------------------------------------------------------------------------- create


def test_put_answers_201_creating_with_async_operation(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(retry_after=3)
    response = arm.put(compute_path("cpu-cluster"), aml_compute_body())
    assert response.status_code == 201
    body = response.json()
    assert body["properties"]["provisioningState"] == "Creating"
    assert body["properties"]["computeType"] == "AmlCompute"
    assert body["id"] == compute_path("cpu-cluster")
    assert body["type"] == "Microsoft.MachineLearningServices/workspaces/computes"
    status_url = response.headers["Azure-AsyncOperation"]
    assert status_url.startswith(f"{emulator.url}/subscriptions/{SUBSCRIPTION}/providers/")
    assert "/locations/eastus/computeOperationsStatus/" in status_url
    assert "api-version=2025-12-01" in status_url
    assert response.headers["Retry-After"] == "3"
    assert "Location" not in response.headers


def test_async_status_reports_completion_and_the_resource_turns_succeeded(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(polls_to_complete=2)
    response = arm.put(compute_path("cpu-cluster"), aml_compute_body(min_nodes=1))
    url = response.headers["Azure-AsyncOperation"]
    first = arm.follow(url)
    assert first.status_code == 200
    # As recorded: only the status while running, percentComplete (a float) on the terminal answer alone.
    assert first.json() == {"status": "InProgress"}
    assert arm.follow(url).json() == {"status": "Succeeded", "percentComplete": 100.0}
    body = arm.get(compute_path("cpu-cluster")).json()
    assert body["properties"]["provisioningState"] == "Succeeded"
    inner = body["properties"]["properties"]
    assert inner["allocationState"] == "Steady"
    assert inner["currentNodeCount"] == 1
    assert inner["targetNodeCount"] == 1
    assert inner["nodeStateCounts"]["idleNodeCount"] == 1


def test_aml_compute_server_defaults_and_read_only_fields(arm: Arm, workspace: dict[str, Any]) -> None:
    body = aml_compute_body()
    del body["properties"]["properties"]["scaleSettings"]["minNodeCount"]
    created = _created(arm, "cpu-defaults", body)
    properties = created["properties"]
    assert DOTNET_OFFSET.match(properties["createdOn"])
    assert DOTNET_OFFSET.match(properties["modifiedOn"])
    assert properties["isAttachedCompute"] is False
    assert properties["provisioningErrors"] is None
    inner = properties["properties"]
    assert inner["osType"] == "Linux"
    assert inner["vmPriority"] == "Dedicated"
    assert inner["scaleSettings"]["minNodeCount"] == 0
    assert inner["remoteLoginPortPublicAccess"] == "Enabled"
    assert inner["enableNodePublicIp"] is True
    assert inner["errors"] is None
    assert set(inner["nodeStateCounts"]) == {
        "idleNodeCount",
        "runningNodeCount",
        "preparingNodeCount",
        "unusableNodeCount",
        "leavingNodeCount",
        "preemptedNodeCount",
    }


def test_remote_login_not_specified_resolves_from_the_subnet(arm: Arm, workspace: dict[str, Any]) -> None:
    body = aml_compute_body()
    body["properties"]["properties"]["remoteLoginPortPublicAccess"] = "NotSpecified"
    body["properties"]["properties"]["subnet"] = {"id": f"{resource_group_path()}/providers/Microsoft.Network/x"}
    created = _created(arm, "cpu-vnet", body)
    assert created["properties"]["properties"]["remoteLoginPortPublicAccess"] == "Disabled"


def test_location_defaults_to_the_workspace_region(arm: Arm, workspace: dict[str, Any]) -> None:
    body = aml_compute_body()
    del body["location"]
    assert _created(arm, "cpu-noloc", body)["location"] == LOCATION


def test_compute_instance_is_running_after_create(arm: Arm, workspace: dict[str, Any]) -> None:
    body = compute_instance_body()
    body["properties"]["properties"]["sshSettings"] = {"sshPublicAccess": "Enabled", "adminPublicKey": "ssh-rsa AAAA"}
    created = _created(arm, "ci-one", body)
    inner = created["properties"]["properties"]
    assert inner["state"] == "Running"
    assert inner["applicationSharingPolicy"] == "Shared"
    assert inner["computeInstanceAuthorizationType"] == "personal"
    assert inner["sshSettings"] == {
        "sshPublicAccess": "Enabled",
        "adminPublicKey": "ssh-rsa AAAA",
        "adminUserName": "azureuser",
        "sshPort": 22,
    }
    assert set(inner["connectivityEndpoints"]) == {"publicIpAddress", "privateIpAddress"}
    assert inner["applications"][0]["displayName"] == "Jupyter"
    assert inner["lastOperation"]["operationName"] == "Create"
    assert inner["lastOperation"]["operationStatus"] == "Succeeded"
    assert set(inner["createdBy"]) == {"userName", "userOrgId", "userId"}


def test_compute_instance_is_creating_while_provisioning(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(polls_to_complete=2)
    body = arm.put(compute_path("ci-slow"), compute_instance_body()).json()
    # Recorded: the 201 echo has state null (and vmSize upper-cased); the GET says Creating, then Running.
    assert body["properties"]["properties"]["state"] is None
    assert body["properties"]["properties"]["vmSize"] == body["properties"]["properties"]["vmSize"].upper()
    assert arm.get(compute_path("ci-slow")).json()["properties"]["properties"]["state"] == "Creating"
    assert arm.get(compute_path("ci-slow")).json()["properties"]["properties"]["state"] == "Running"


@pytest.mark.parametrize(
    "compute_type",
    [
        "AKS",
        "Kubernetes",
        "VirtualMachine",
        "HDInsight",
        "Databricks",
        "DataFactory",
        "DataLakeAnalytics",
        "SynapseSpark",
    ],
)
def test_attached_computes_need_a_resource_id(arm: Arm, workspace: dict[str, Any], compute_type: str) -> None:
    missing = arm.put(compute_path("attached"), {"location": LOCATION, "properties": {"computeType": compute_type}})
    assert missing.status_code == 400
    assert missing.json()["error"]["target"] == "properties.resourceId"
    body = {"location": LOCATION, "properties": {"computeType": compute_type, "resourceId": AKS_ID}}
    created = _created(arm, "attached", body)
    assert created["properties"]["isAttachedCompute"] is True
    assert created["properties"]["resourceId"] == AKS_ID


@pytest.mark.parametrize(
    ("body", "target"),
    [
        ({"location": LOCATION}, "properties"),
        ({"location": LOCATION, "properties": {}}, "properties.computeType"),
        ({"location": LOCATION, "properties": {"computeType": "Quantum"}}, "properties.computeType"),
        (
            {"location": LOCATION, "properties": {"computeType": "AmlCompute", "properties": {"osType": "Plan9"}}},
            "properties.properties.osType",
        ),
        (
            {"location": LOCATION, "properties": {"computeType": "AmlCompute", "properties": {"vmPriority": "Cheap"}}},
            "properties.properties.vmPriority",
        ),
        (
            {"location": LOCATION, "properties": {"computeType": "AmlCompute", "properties": {"scaleSettings": {}}}},
            "properties.properties.scaleSettings.maxNodeCount",
        ),
        (
            {
                "location": LOCATION,
                "properties": {
                    "computeType": "AmlCompute",
                    "properties": {"scaleSettings": {"maxNodeCount": 1, "minNodeCount": 2}},
                },
            },
            "properties.properties.scaleSettings.minNodeCount",
        ),
        (
            {
                "location": LOCATION,
                "properties": {
                    "computeType": "AmlCompute",
                    "properties": {"scaleSettings": {"maxNodeCount": 1, "nodeIdleTimeBeforeScaleDown": "5 minutes"}},
                },
            },
            "properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown",
        ),
        (
            {
                "location": LOCATION,
                "properties": {
                    "computeType": "AmlCompute",
                    "properties": {"userAccountCredentials": {"adminUserPassword": "x"}},
                },
            },
            "properties.properties.userAccountCredentials.adminUserName",
        ),
        (
            {"location": LOCATION, "properties": {"computeType": "AmlCompute", "properties": {"subnet": {}}}},
            "properties.properties.subnet.id",
        ),
        (
            {
                "location": LOCATION,
                "properties": {
                    "computeType": "ComputeInstance",
                    "properties": {"applicationSharingPolicy": "Everyone"},
                },
            },
            "properties.properties.applicationSharingPolicy",
        ),
        (
            {
                "location": LOCATION,
                "properties": {"computeType": "ComputeInstance", "properties": {"idleTimeBeforeShutdown": "PT5M"}},
            },
            "properties.properties.idleTimeBeforeShutdown",
        ),
        (
            {
                "location": LOCATION,
                "properties": {"computeType": "ComputeInstance", "properties": {"idleTimeBeforeShutdown": "P4D"}},
            },
            "properties.properties.idleTimeBeforeShutdown",
        ),
        (
            {
                "location": LOCATION,
                "properties": {
                    "computeType": "ComputeInstance",
                    "properties": {
                        "schedules": {
                            "computeStartStop": [{"triggerType": "Cron", "cron": {"expression": "0 18 * * *"}}]
                        }
                    },
                },
            },
            "properties.properties.schedules.computeStartStop[0].action",
        ),
        (
            {
                "location": LOCATION,
                "properties": {
                    "computeType": "ComputeInstance",
                    "properties": {"personalComputeInstanceSettings": {"assignedUser": {"objectId": "x"}}},
                },
            },
            "properties.properties.personalComputeInstanceSettings.assignedUser.tenantId",
        ),
    ],
)
def test_put_validation(arm: Arm, workspace: dict[str, Any], body: dict[str, Any], target: str) -> None:
    response = arm.put(compute_path("cpu-bad"), body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["target"] == target
    assert error["code"] == "UserError"
    assert arm.get(compute_path("cpu-bad")).status_code == 404


@pytest.mark.parametrize("name", ["cpu", "cpu-cluster", "gpu1", "a-b-c", "Cluster-x1", "x" * 24])
def test_valid_compute_names(arm: Arm, workspace: dict[str, Any], name: str) -> None:
    assert arm.put(compute_path(name), compute_instance_body()).status_code == 201


@pytest.mark.parametrize("name", ["ab", "1cpu", "cpu-1", "cpu-cluster-01", "x" * 25, "cpu_cluster", "-cpu"])
def test_invalid_compute_names(arm: Arm, workspace: dict[str, Any], name: str) -> None:
    response = arm.put(compute_path(name), compute_instance_body())
    assert response.status_code == 400
    assert response.json()["error"]["target"] == "computeName"


def test_schedules_get_ids_and_status(arm: Arm, workspace: dict[str, Any]) -> None:
    body = compute_instance_body()
    body["properties"]["properties"]["schedules"] = {
        "computeStartStop": [
            {
                "status": "enabled",
                "action": "Stop",
                "triggerType": "Recurrence",
                "recurrence": {
                    "frequency": "Day",
                    "interval": 1,
                    "schedule": {"hours": [18], "minutes": [0], "weekDays": ["Monday"]},
                },
            }
        ]
    }
    schedule = _created(arm, "ci-sched", body)["properties"]["properties"]["schedules"]["computeStartStop"][0]
    assert schedule["status"] == "Enabled"
    assert schedule["provisioningStatus"] == "Completed"
    assert schedule["id"]


# ---------------------------------------------------------------------------------------------- secrets


def test_credentials_are_never_returned(arm: Arm, workspace: dict[str, Any]) -> None:
    body = aml_compute_body()
    body["properties"]["properties"]["userAccountCredentials"] = {
        "adminUserName": "azureuser",
        "adminUserPassword": "S3cret!",
        "adminUserSshPublicKey": "ssh-rsa KEYMATERIAL",
    }
    created = arm.put(compute_path("cpu-secret"), body)
    for response_text in (
        created.text,
        arm.get(compute_path("cpu-secret")).text,
        arm.get(f"{workspace_path()}/computes").text,
        arm.follow(created.headers["Azure-AsyncOperation"]).text,
    ):
        assert "S3cret!" not in response_text
        assert "KEYMATERIAL" not in response_text
    credentials = arm.get(compute_path("cpu-secret")).json()["properties"]["properties"]["userAccountCredentials"]
    assert credentials == {"adminUserName": "azureuser"}
    keys = arm.post(f"{compute_path('cpu-secret')}/listKeys")
    assert keys.status_code == 200
    assert keys.json() == {"computeType": "AmlCompute"}


def test_attached_virtual_machine_password_only_from_list_keys(arm: Arm, workspace: dict[str, Any]) -> None:
    account = {"username": "admin", "password": "VmPa55", "publicKeyData": "ssh-rsa PUB", "privateKeyData": "PRIV"}
    body = {
        "location": LOCATION,
        "properties": {
            "computeType": "VirtualMachine",
            "resourceId": AKS_ID,
            "properties": {"administratorAccount": account},
        },
    }
    created = _created(arm, "vm-one", body)
    assert "VmPa55" not in str(created) and "PRIV" not in str(created)
    assert created["properties"]["properties"]["administratorAccount"] == {
        "username": "admin",
        "publicKeyData": "ssh-rsa PUB",
    }
    keys = arm.post(f"{compute_path('vm-one')}/listkeys").json()
    assert keys == {"computeType": "VirtualMachine", "administratorAccount": account}


def test_list_keys_of_an_aks_compute(arm: Arm, workspace: dict[str, Any]) -> None:
    _created(arm, "aks-one", {"location": LOCATION, "properties": {"computeType": "AKS", "resourceId": AKS_ID}})
    keys = arm.post(f"{compute_path('aks-one')}/listKeys").json()
    assert set(keys) == {"computeType", "userKubeConfig", "adminKubeConfig", "imagePullSecretName"}


def test_list_keys_of_a_missing_compute_is_404(arm: Arm, workspace: dict[str, Any]) -> None:
    assert arm.post(f"{compute_path('ghost')}/listKeys").status_code == 404


def test_list_nodes_reports_allocated_nodes(arm: Arm, workspace: dict[str, Any]) -> None:
    _created(arm, "cpu-nodes", aml_compute_body(max_nodes=3, min_nodes=2))
    nodes = arm.post(f"{compute_path('cpu-nodes')}/listNodes")
    assert nodes.status_code == 200
    assert len(nodes.json()["nodes"]) == 2
    assert set(nodes.json()["nodes"][0]) == {"nodeId", "privateIpAddress", "publicIpAddress", "port", "nodeState"}
    _created(arm, "ci-nodes", compute_instance_body())
    assert arm.post(f"{compute_path('ci-nodes')}/listNodes").json() == {"nodes": []}


# ---------------------------------------------------------------------------------------------- update


def test_patch_scale_settings_answers_200_updating_with_async_operation(arm: Arm, workspace: dict[str, Any]) -> None:
    _created(arm, "cpu-scale", aml_compute_body())
    body = {
        "properties": {
            "properties": {
                "scaleSettings": {"maxNodeCount": 4, "minNodeCount": 4, "nodeIdleTimeBeforeScaleDown": "PT5M"}
            }
        }
    }
    response = arm.patch(compute_path("cpu-scale"), body)
    assert response.status_code == 200
    assert response.json()["properties"]["provisioningState"] == "Updating"
    assert response.json()["properties"]["properties"]["allocationState"] == "Resizing"
    assert "computeOperationsStatus" in response.headers["Azure-AsyncOperation"]
    assert "Location" in response.headers
    assert arm.poll_status(response.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
    inner = arm.get(compute_path("cpu-scale")).json()["properties"]["properties"]
    assert inner["scaleSettings"] == {"maxNodeCount": 4, "minNodeCount": 4, "nodeIdleTimeBeforeScaleDown": "PT5M"}
    assert inner["currentNodeCount"] == 4
    assert inner["allocationState"] == "Steady"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"tags": {"a": "b"}},
        {"properties": {"description": "x"}},
        {"properties": {"properties": {"scaleSettings": {"maxNodeCount": 2}, "vmSize": "big"}}},
        {"properties": {"properties": {"scaleSettings": {"maxNodeCount": 2}}}, "location": LOCATION},
        {"properties": {"properties": {"scaleSettings": {"minNodeCount": 0}}}},
        {"properties": {"properties": {}}},
        {"properties": {"computeType": "AmlCompute", "properties": {"scaleSettings": {"maxNodeCount": 2}}}},
    ],
)
def test_patch_accepts_only_scale_settings(arm: Arm, workspace: dict[str, Any], body: dict[str, Any]) -> None:
    _created(arm, "cpu-patch", aml_compute_body())
    assert arm.patch(compute_path("cpu-patch"), body).status_code == 400


def test_patch_of_a_compute_instance_is_400(arm: Arm, workspace: dict[str, Any]) -> None:
    _created(arm, "ci-patch", compute_instance_body())
    body = {"properties": {"properties": {"scaleSettings": {"maxNodeCount": 2}}}}
    assert arm.patch(compute_path("ci-patch"), body).status_code == 400


def test_patch_of_a_missing_compute_is_404(arm: Arm, workspace: dict[str, Any]) -> None:
    body = {"properties": {"properties": {"scaleSettings": {"maxNodeCount": 2}}}}
    assert arm.patch(compute_path("ghost"), body).status_code == 404


def test_put_over_an_existing_compute_updates_in_place(arm: Arm, workspace: dict[str, Any]) -> None:
    first = _created(arm, "cpu-over", aml_compute_body())
    update = {
        "location": LOCATION,
        "properties": {
            "computeType": "AmlCompute",
            "description": "some compute",
            "properties": {
                "scaleSettings": {"maxNodeCount": 4, "minNodeCount": 1, "nodeIdleTimeBeforeScaleDown": "PT5M"}
            },
        },
    }
    response = arm.put(compute_path("cpu-over"), update)
    assert response.status_code == 201
    assert response.json()["properties"]["provisioningState"] == "Updating"
    assert "Azure-AsyncOperation" in response.headers
    done = arm.wait(compute_path("cpu-over"))
    assert done["properties"]["description"] == "some compute"
    assert done["properties"]["properties"]["vmSize"] == first["properties"]["properties"]["vmSize"]
    assert done["properties"]["createdOn"] == first["properties"]["createdOn"]
    assert done["properties"]["properties"]["currentNodeCount"] == 1


@pytest.mark.parametrize(
    ("change", "target"),
    [
        ({"properties": {"computeType": "ComputeInstance"}}, "properties.computeType"),
        (
            {"properties": {"computeType": "AmlCompute", "properties": {"vmSize": "STANDARD_NC6"}}},
            "properties.properties.vmSize",
        ),
        ({"location": "westus", "properties": {"computeType": "AmlCompute"}}, "location"),
        ({"properties": {"computeType": "AmlCompute", "disableLocalAuth": True}}, "properties.disableLocalAuth"),
    ],
)
def test_put_cannot_change_create_only_fields(
    arm: Arm, workspace: dict[str, Any], change: dict[str, Any], target: str
) -> None:
    _created(arm, "cpu-fixed", aml_compute_body())
    response = arm.put(compute_path("cpu-fixed"), change)
    assert response.status_code == 400
    assert response.json()["error"]["target"] == target


def test_writes_while_not_terminal_are_409(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    emulator.configure(polls_to_complete=5)
    assert arm.put(compute_path("cpu-busy"), aml_compute_body()).status_code == 201
    scale = {"properties": {"properties": {"scaleSettings": {"maxNodeCount": 3}}}}
    for response in (
        arm.put(compute_path("cpu-busy"), aml_compute_body()),
        arm.patch(compute_path("cpu-busy"), scale),
        arm.delete(compute_path("cpu-busy"), params={"underlyingResourceAction": "Delete"}),
    ):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "Conflict"
    # Reads are fine meanwhile.
    assert arm.get(compute_path("cpu-busy")).status_code == 200


# ---------------------------------------------------------------------------------------------- delete


def test_delete_requires_underlying_resource_action(arm: Arm, workspace: dict[str, Any]) -> None:
    _created(arm, "cpu-del", aml_compute_body())
    missing = arm.delete(compute_path("cpu-del"))
    assert missing.status_code == 400
    assert missing.json()["error"]["target"] == "underlyingResourceAction"
    wrong = arm.delete(compute_path("cpu-del"), params={"underlyingResourceAction": "Destroy"})
    assert wrong.status_code == 400
    assert arm.delete(compute_path("ghost")).status_code == 400


def test_delete_answers_202_then_the_compute_is_gone(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    _created(arm, "cpu-del", aml_compute_body())
    emulator.configure(polls_to_complete=2)
    response = arm.delete(compute_path("cpu-del"), params={"underlyingResourceAction": "Delete"})
    assert response.status_code == 202
    assert response.content == b""
    # Recorded: only Azure-AsyncOperation (no Location, no Retry-After).
    status = response.headers["Azure-AsyncOperation"]
    assert "computeOperationsStatus" in status and status.startswith(emulator.url)
    assert "Location" not in response.headers and "Retry-After" not in response.headers
    assert arm.get(compute_path("cpu-del")).json()["properties"]["provisioningState"] == "Deleting"
    assert arm.poll_status(status)["status"] == "Succeeded"
    assert arm.get(compute_path("cpu-del")).status_code == 404
    assert arm.poll_status(status)["status"] == "Succeeded"


def test_put_echo_is_not_the_get(arm: Arm, workspace: dict[str, Any]) -> None:
    """Recorded (az ml test_compute_aml.yaml): vmSize upper-cased and omitted defaults null in the 201 echo only."""
    body = aml_compute_body()
    body["properties"]["properties"]["vmSize"] = "Standard_DS2_v2"
    del body["properties"]["properties"]["scaleSettings"]["nodeIdleTimeBeforeScaleDown"]
    echo = arm.put(compute_path("cpu-echo"), body).json()["properties"]["properties"]
    assert echo["vmSize"] == "STANDARD_DS2_V2"
    assert echo["vmPriority"] is None and echo["scaleSettings"]["nodeIdleTimeBeforeScaleDown"] is None
    got = arm.wait(compute_path("cpu-echo"))["properties"]["properties"]
    assert got["vmSize"] == "Standard_DS2_v2"
    assert got["vmPriority"] == "Dedicated" and got["scaleSettings"]["nodeIdleTimeBeforeScaleDown"] == "PT2M"


def test_retry_after_is_sent_only_when_configured(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    assert "Retry-After" not in arm.put(compute_path("cpu-ra"), aml_compute_body()).headers
    emulator.configure(retry_after=1)
    _created(arm, "cpu-rb", aml_compute_body())
    response = arm.delete(compute_path("cpu-rb"), params={"underlyingResourceAction": "Delete"})
    assert response.headers["Retry-After"] == "1"


def test_location_url_answers_202_while_running(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    _created(arm, "cpu-loc", aml_compute_body())
    emulator.configure(polls_to_complete=3)
    patch = {"properties": {"properties": {"scaleSettings": {"maxNodeCount": 3}}}}
    location = arm.patch(compute_path("cpu-loc"), patch).headers["Location"]
    first = arm.follow(location)
    assert first.status_code == 202
    assert first.headers["Location"] == location
    assert "Retry-After" not in first.headers
    assert arm.follow(location).status_code == 202
    assert arm.follow(location).status_code == 200


def test_delete_of_a_missing_compute_is_204(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.delete(compute_path("ghost"), params={"underlyingResourceAction": "Delete"})
    assert response.status_code == 204


# ---------------------------------------------------------------------------------------------- list


def test_list_is_paged_with_absolute_next_links(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    emulator.configure(page_size=2)
    names = [f"cpu{index}" for index in range(5)]
    for name in names:
        arm.put(compute_path(name), compute_instance_body())
    seen: list[str] = []
    response = arm.get(f"{workspace_path()}/computes")
    links = []
    while True:
        body = response.json()
        seen += [item["name"] for item in body["value"]]
        if "nextLink" not in body:
            break
        links.append(body["nextLink"])
        assert body["nextLink"].startswith(emulator.url)
        assert "$skip=" in body["nextLink"]
        response = arm.follow(body["nextLink"])
    assert seen == names
    assert len(links) == 2


def test_list_of_missing_workspace_is_404(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.ensure_resource_group(SUBSCRIPTION, "rg-emulator", LOCATION)
    response = arm.get(f"{workspace_path()}/computes")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ParentResourceNotFound"


def test_list_rejects_a_bad_skip_token(arm: Arm, workspace: dict[str, Any]) -> None:
    assert arm.get(f"{workspace_path()}/computes", params={"$skip": "abc"}).status_code == 400


# ---------------------------------------------------------------------------------------------- power actions


def test_stop_start_restart_a_compute_instance(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    _created(arm, "ci-power", compute_instance_body())
    emulator.configure(polls_to_complete=2)
    stop = arm.post(f"{compute_path('ci-power')}/stop")
    assert stop.status_code == 202
    assert "Azure-AsyncOperation" in stop.headers
    assert "Location" not in stop.headers and "Retry-After" not in stop.headers
    assert arm.get(compute_path("ci-power")).json()["properties"]["properties"]["state"] == "Stopping"
    assert arm.poll_status(stop.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
    inner = arm.get(compute_path("ci-power")).json()["properties"]["properties"]
    assert inner["state"] == "Stopped"
    assert inner["lastOperation"]["operationName"] == "Stop"
    again = arm.post(f"{compute_path('ci-power')}/stop")
    assert again.status_code == 409
    start = arm.post(f"{compute_path('ci-power')}/start")
    assert start.status_code == 202
    assert arm.follow(start.headers["Azure-AsyncOperation"]).json()["status"] == "InProgress"
    assert arm.follow(start.headers["Azure-AsyncOperation"]).json()["status"] == "Succeeded"
    assert arm.get(compute_path("ci-power")).json()["properties"]["properties"]["state"] == "Running"
    restart = arm.post(f"{compute_path('ci-power')}/restart")
    assert restart.status_code == 202
    assert arm.get(compute_path("ci-power")).json()["properties"]["properties"]["state"] == "Restarting"
    assert arm.poll_status(restart.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
    assert arm.get(compute_path("ci-power")).json()["properties"]["properties"]["state"] == "Running"


def test_power_actions_only_apply_to_compute_instances(arm: Arm, workspace: dict[str, Any]) -> None:
    _created(arm, "cpu-power", aml_compute_body())
    assert arm.post(f"{compute_path('cpu-power')}/stop").status_code == 400
    assert arm.post(f"{compute_path('ghost')}/start").status_code == 404


# ---------------------------------------------------------------------------------------------- failures


def test_failed_provisioning_fills_provisioning_errors(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(
        operation_final_status="Failed", operation_error_code="QuotaExceeded", operation_error_message="No cores."
    )
    response = arm.put(compute_path("ci-fail"), compute_instance_body())
    status = arm.poll_status(response.headers["Azure-AsyncOperation"])
    assert status["status"] == "Failed"
    assert status["error"] == {"code": "QuotaExceeded", "message": "No cores."}
    properties = arm.get(compute_path("ci-fail")).json()["properties"]
    assert properties["provisioningState"] == "Failed"
    assert properties["provisioningErrors"] == [{"error": {"code": "QuotaExceeded", "message": "No cores."}}]
    assert properties["properties"]["state"] == "CreateFailed"
    # A failed compute can be deleted.
    emulator.configure(operation_final_status="Succeeded")
    assert arm.delete(compute_path("ci-fail"), params={"underlyingResourceAction": "Delete"}).status_code == 202


def test_put_over_a_compute_instance_keeps_service_filled_ssh_fields(arm: Arm, workspace: dict[str, Any]) -> None:
    _created(arm, "ci-ssh", compute_instance_body())
    body = compute_instance_body()
    body["properties"]["properties"]["sshSettings"] = {"sshPublicAccess": "Disabled", "adminPublicKey": "ssh-rsa NEW"}
    assert arm.put(compute_path("ci-ssh"), body).status_code == 201
    ssh = arm.wait(compute_path("ci-ssh"))["properties"]["properties"]["sshSettings"]
    assert ssh == {
        "sshPublicAccess": "Disabled",
        "adminPublicKey": "ssh-rsa NEW",
        "adminUserName": "azureuser",
        "sshPort": 22,
    }
