"""The official x-ms-examples (azure-rest-api-specs, 2025-12-01) are the yardstick.

Each example request body is sent as is, and every field the example response carries must be present in
the emulator's answer (values differ: ids, times and names are the emulator's). The example files are read
from the shared docs at test time and never copied into the repository.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import (
    Arm,
    compute_path,
    deployment_path,
    endpoint_path,
    load_example,
    workspace_path,
)

COMPUTE_CREATE_EXAMPLES = (
    "Compute_createOrUpdate_AmlCompute.json",
    "Compute_createOrUpdate_BasicAmlCompute.json",
    "Compute_createOrUpdate_ComputeInstance.json",
    "Compute_createOrUpdate_ComputeInstanceMinimal.json",
    "Compute_createOrUpdate_ComputeInstanceWithSchedules.json",
)


DATA_MAPS = ("environmentVariables", "resources.properties")
"""Maps whose keys are user data (the examples use different random keys in request and response)."""


def missing_fields(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Fields of ``expected`` that ``actual`` lacks, recursively (nulls on our side end the descent)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [] if actual is None else [f"{where or 'body'} is not an object"]
        if where.endswith(DATA_MAPS):
            return []
        problems = []
        for name, value in expected.items():
            path = f"{where}.{name}" if where else name
            if name not in actual:
                problems.append(path)
            else:
                problems += missing_fields(value, actual[name], path)
        return problems
    if isinstance(expected, list) and expected and isinstance(actual, list) and actual:
        return missing_fields(expected[0], actual[0], f"{where}[0]")
    return []


@pytest.mark.parametrize("name", COMPUTE_CREATE_EXAMPLES)
def test_compute_create_examples_are_accepted(arm: Arm, examples: Path, workspace: dict[str, Any], name: str) -> None:
    example = load_example(examples, name)
    response = arm.put(compute_path("compute123"), example["parameters"]["parameters"])
    assert response.status_code == 201, response.text
    assert "Azure-AsyncOperation" in response.headers
    assert missing_fields(example["responses"]["201"]["body"], response.json()) == []
    done = arm.wait(compute_path("compute123"))
    assert done["properties"]["provisioningState"] == "Succeeded"


def test_compute_update_example_updates_an_existing_cluster(
    arm: Arm, examples: Path, workspace: dict[str, Any]
) -> None:
    basic = load_example(examples, "Compute_createOrUpdate_BasicAmlCompute.json")
    update = load_example(examples, "Compute_createOrUpdate_AmlCompute.json")
    arm.put(compute_path("compute123"), basic["parameters"]["parameters"])
    arm.wait(compute_path("compute123"))
    response = arm.put(compute_path("compute123"), update["parameters"]["parameters"])
    assert response.status_code == 201
    assert response.json()["properties"]["provisioningState"] == "Updating"
    assert missing_fields(update["responses"]["201"]["body"], response.json()) == []
    assert missing_fields(update["responses"]["200"]["body"], arm.wait(compute_path("compute123"))) == []


def test_compute_get_examples_fields(arm: Arm, examples: Path, workspace: dict[str, Any]) -> None:
    basic = load_example(examples, "Compute_createOrUpdate_BasicAmlCompute.json")
    body = basic["parameters"]["parameters"]
    body["properties"]["description"] = "some compute"
    body["properties"]["properties"]["subnet"] = {"id": "test-subnet-resource-id"}
    arm.put(compute_path("compute123"), body)
    got = arm.wait(compute_path("compute123"))
    expected = load_example(examples, "Compute_get_AmlCompute.json")["responses"]["200"]["body"]
    assert missing_fields(expected, got) == []

    instance = load_example(examples, "Compute_createOrUpdate_ComputeInstance.json")
    arm.put(compute_path("compute456"), instance["parameters"]["parameters"])
    got = arm.wait(compute_path("compute456"))
    expected = load_example(examples, "Compute_get_ComputeInstance.json")["responses"]["200"]["body"]
    assert missing_fields(expected, got) == []


def test_compute_patch_example(arm: Arm, examples: Path, workspace: dict[str, Any]) -> None:
    arm.put(
        compute_path("compute123"),
        load_example(examples, "Compute_createOrUpdate_BasicAmlCompute.json")["parameters"]["parameters"],
    )
    arm.wait(compute_path("compute123"))
    example = load_example(examples, "Compute_patch.json")
    response = arm.patch(compute_path("compute123"), example["parameters"]["parameters"])
    assert response.status_code == 200
    assert set(example["responses"]["200"]["headers"]) <= set(response.headers)
    assert missing_fields(example["responses"]["200"]["body"], response.json()) == []
    assert response.json()["properties"]["provisioningState"] == "Updating"


def recorded_compute_headers(headers: Any) -> set[str]:
    """The operation headers of a compute DELETE/action: the examples list Location too, but the service's recorded
    traffic (azure-ai-ml and az ml test recordings) carries only Azure-AsyncOperation, and so does the emulator."""
    lro = {name for name in ("Azure-AsyncOperation", "Location", "Retry-After") if name in headers}
    assert lro == {"Azure-AsyncOperation"}, lro
    return lro


def test_compute_delete_example(arm: Arm, examples: Path, workspace: dict[str, Any]) -> None:
    arm.put(
        compute_path("compute123"),
        load_example(examples, "Compute_createOrUpdate_BasicAmlCompute.json")["parameters"]["parameters"],
    )
    arm.wait(compute_path("compute123"))
    example = load_example(examples, "Compute_delete.json")
    response = arm.delete(
        compute_path("compute123"),
        params={"underlyingResourceAction": example["parameters"]["underlyingResourceAction"]},
    )
    assert response.status_code == 202
    assert recorded_compute_headers(response.headers) <= set(example["responses"]["202"]["headers"])


def test_compute_list_and_list_keys_examples(arm: Arm, examples: Path, workspace: dict[str, Any]) -> None:
    listed = load_example(examples, "Compute_list.json")["responses"]["200"]["body"]
    for item in listed["value"]:
        body = {
            "location": item["location"],
            "properties": {
                "computeType": item["properties"]["computeType"],
                "description": item["properties"]["description"],
                "resourceId": item["properties"]["resourceId"],
            },
        }
        assert arm.put(compute_path(item["name"]), body).status_code == 201
        arm.wait(compute_path(item["name"]))
    got = arm.get(f"{workspace_path()}/computes").json()
    assert [item["name"] for item in got["value"]] == [item["name"] for item in listed["value"]]
    assert missing_fields({"value": listed["value"]}, got) == []
    keys = load_example(examples, "Compute_listKeys.json")["responses"]["200"]["body"]
    got_keys = arm.post(f"{compute_path(listed['value'][0]['name'])}/listKeys").json()
    assert set(keys) == set(got_keys)


def test_compute_list_nodes_example(
    arm: Arm, emulator: EmulatorServer, examples: Path, workspace: dict[str, Any]
) -> None:
    body = load_example(examples, "Compute_createOrUpdate_BasicAmlCompute.json")["parameters"]["parameters"]
    body["properties"]["properties"]["scaleSettings"]["minNodeCount"] = 1
    arm.put(compute_path("compute123"), body)
    arm.wait(compute_path("compute123"))
    expected = load_example(examples, "Compute_listNodes.json")["responses"]["200"]["body"]
    got = arm.post(f"{compute_path('compute123')}/listNodes").json()
    assert missing_fields(expected["nodes"][1], got["nodes"][0]) == []


def test_compute_stop_and_restart_examples(arm: Arm, examples: Path, workspace: dict[str, Any]) -> None:
    minimal = load_example(examples, "Compute_createOrUpdate_ComputeInstanceMinimal.json")
    arm.put(compute_path("compute123"), minimal["parameters"]["parameters"])
    arm.wait(compute_path("compute123"))
    stop = arm.post(f"{compute_path('compute123')}/stop")
    assert stop.status_code == 202
    assert recorded_compute_headers(stop.headers) <= set(
        load_example(examples, "Compute_stop.json")["responses"]["202"]["headers"]
    )
    arm.poll_status(stop.headers["Azure-AsyncOperation"])
    start = arm.post(f"{compute_path('compute123')}/start")
    arm.poll_status(start.headers["Azure-AsyncOperation"])
    restart = arm.post(f"{compute_path('compute123')}/restart")
    assert restart.status_code == 202
    # No recording of a restart: it answers as its official example documents (Location), and as stop/start do.
    assert set(load_example(examples, "Compute_restart.json")["responses"]["202"]["headers"]) <= set(restart.headers)
    assert "Azure-AsyncOperation" in restart.headers and "Retry-After" not in restart.headers


def test_batch_endpoint_examples(arm: Arm, examples: Path, workspace: dict[str, Any]) -> None:
    create = load_example(examples, "BatchEndpoint_createOrUpdate.json")
    name = create["parameters"]["endpointName"]
    response = arm.put(endpoint_path(name), create["parameters"]["body"])
    assert response.status_code == 201, response.text
    assert missing_fields(create["responses"]["201"]["body"], response.json()) == []
    done = arm.wait(endpoint_path(name))
    assert missing_fields(create["responses"]["200"]["body"], done) == []
    assert missing_fields(load_example(examples, "BatchEndpoint_get.json")["responses"]["200"]["body"], done) == []
    listed = arm.get(f"{workspace_path()}/batchEndpoints").json()
    expected_list = load_example(examples, "BatchEndpoint_list.json")["responses"]["200"]["body"]
    assert missing_fields({"value": expected_list["value"]}, listed) == []
    keys = arm.post(f"{endpoint_path(name)}/listkeys").json()
    assert set(keys) == set(load_example(examples, "BatchEndpoint_listKeys.json")["responses"]["200"]["body"])

    update = load_example(examples, "BatchEndpoint_update.json")
    patched = arm.patch(endpoint_path(name), update["parameters"]["body"])
    assert patched.status_code == 202
    assert set(update["responses"]["202"]["headers"]) <= set(patched.headers)
    result = arm.follow(patched.headers["Location"])
    assert missing_fields(update["responses"]["200"]["body"], result.json()) == []

    deleted = arm.delete(endpoint_path(name))
    delete_example = load_example(examples, "BatchEndpoint_delete.json")
    assert deleted.status_code == 202
    assert set(delete_example["responses"]["202"]["headers"]) <= set(deleted.headers)


def test_batch_deployment_examples(arm: Arm, examples: Path, workspace: dict[str, Any]) -> None:
    endpoint = load_example(examples, "BatchEndpoint_createOrUpdate.json")
    create = load_example(examples, "BatchDeployment_createOrUpdate.json")
    endpoint_name = create["parameters"]["endpointName"]
    deployment_name = create["parameters"]["deploymentName"]
    arm.put(endpoint_path(endpoint_name), endpoint["parameters"]["body"])
    arm.wait(endpoint_path(endpoint_name))
    body = create["parameters"]["body"]
    # The generated example fills ids with the placeholder "string"; the service takes full ARM ids there (its own
    # clients' recorded PUTs), and so does the emulator: put real-looking ids in the placeholders' place.
    assert arm.put(deployment_path(endpoint_name, deployment_name), body).status_code == 400
    properties = body["properties"]
    properties["codeConfiguration"]["codeId"] = f"{workspace_path()}/codes/code1/versions/1"
    properties["environmentId"] = f"{workspace_path()}/environments/env1/versions/1"
    properties["model"]["assetId"] = f"{workspace_path()}/models/model1/versions/1"
    properties["compute"] = f"{workspace_path()}/computes/cluster1"
    response = arm.put(deployment_path(endpoint_name, deployment_name), body)
    assert response.status_code == 201, response.text
    assert missing_fields(create["responses"]["201"]["body"], response.json()) == []
    done = arm.wait(deployment_path(endpoint_name, deployment_name))
    assert missing_fields(create["responses"]["200"]["body"], done) == []

    update = load_example(examples, "BatchDeployment_update.json")
    patched = arm.patch(deployment_path(endpoint_name, deployment_name), update["parameters"]["body"])
    assert patched.status_code == 202
    assert set(update["responses"]["202"]["headers"]) <= set(patched.headers)
    assert missing_fields(update["responses"]["200"]["body"], arm.follow(patched.headers["Location"]).json()) == []

    deleted = arm.delete(deployment_path(endpoint_name, deployment_name))
    assert deleted.status_code == 202
    assert set(load_example(examples, "BatchDeployment_delete.json")["responses"]["202"]["headers"]) <= set(
        deleted.headers
    )
