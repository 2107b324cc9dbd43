"""The newer kinds answer as Azure's recorded traffic shows (``emulator/answers_newer.py``, one test per rule).

Each test asserts the recorded shape, not an echo of the request: the recordings are named in the rules'
docstrings (Azure/azure-sdk-assets and Azure/azure-cli-extensions test recordings).
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import requests

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import LOCATION, RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE, Arm, workspace_path

ENDPOINT = f"{workspace_path()}/onlineEndpoints/ep1"
MODEL = f"{workspace_path()}/models/model/versions/1"
ENVIRONMENT = f"{workspace_path()}/environments/env/versions/1"
ZERO_DATE = "0001-01-01T00:00:00+00:00"


def _deployment_path(name: str = "blue") -> str:
    return f"{ENDPOINT}/deployments/{name}"


def _endpoint_body(**properties: Any) -> dict[str, Any]:
    return {"location": LOCATION, "properties": {"authMode": "Key", **properties}}


def _deployment_body(**properties: Any) -> dict[str, Any]:
    return {
        "location": LOCATION,
        "sku": {"name": "Default", "capacity": 1},
        "properties": {"endpointComputeType": "Managed", "model": MODEL, "environmentId": ENVIRONMENT, **properties},
    }


def _endpoint(arm: Arm, **options: Any) -> dict[str, Any]:
    created = arm.put(ENDPOINT, _endpoint_body(), **options)
    assert created.status_code == 201, created.text
    return arm.wait(ENDPOINT)


def _deployment(arm: Arm, name: str = "blue") -> dict[str, Any]:
    created = arm.put(_deployment_path(name), _deployment_body())
    assert created.status_code == 201, created.text
    return arm.wait(_deployment_path(name.lower()))


# ---------------------------------------------------------------------------------------------- online endpoints


def test_online_endpoint_put_answers_201_with_an_oeidp_operation_and_the_recorded_echo(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    response = arm.put(ENDPOINT, _endpoint_body())
    assert response.status_code == 201, response.text
    guid = workspace["properties"]["workspaceId"]
    status_url = response.headers["Azure-AsyncOperation"]
    assert f"/mfeOperationsStatus/oeidp:{guid}:" in status_url
    assert response.headers["Location"] == f"{emulator.url}{ENDPOINT}?api-version={response.url.split('=')[-1]}"
    assert response.headers["x-ms-async-operation-timeout"] == "PT30M"
    echo = response.json()
    assert echo["properties"]["provisioningState"] == "Creating"
    assert echo["properties"]["scoringUri"] is None and echo["properties"]["swaggerUri"] is None
    assert echo["kind"] == "Managed"
    bag = echo["properties"]["properties"]
    assert bag["azureml.onlineendpointid"] == echo["id"].lower()
    assert bag["AzureAsyncOperationUri"] == status_url


def test_online_operation_polls_carry_start_end_and_percent(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(polls_to_complete=2)
    status_url = arm.put(ENDPOINT, _endpoint_body()).headers["Azure-AsyncOperation"]
    running = arm.follow(status_url).json()
    assert set(running) == {"id", "name", "startTime", "endTime", "percentComplete", "status"}
    assert running["status"] == "Updating"
    assert running["endTime"] == ZERO_DATE
    assert running["percentComplete"] == 0.0
    assert running["name"].startswith("oeidp:") and running["startTime"].endswith("+00:00")
    done = arm.follow(status_url).json()
    assert done["status"] == "Succeeded"
    assert done["endTime"] != ZERO_DATE and done["endTime"].endswith("+00:00")


def test_online_endpoint_get_fills_kind_and_the_uris_once_created(arm: Arm, workspace: dict[str, Any]) -> None:
    body = _endpoint(arm)
    assert body["kind"] == "Managed"
    assert body["properties"]["scoringUri"] == f"https://ep1.{LOCATION}.inference.ml.azure.com/score"
    assert body["properties"]["swaggerUri"] == f"https://ep1.{LOCATION}.inference.ml.azure.com/swagger.json"


def test_online_endpoint_update_echo_is_stale_until_the_operation_ends(arm: Arm, workspace: dict[str, Any]) -> None:
    created = arm.put(ENDPOINT, {**_endpoint_body(), "tags": {"a": "1"}})
    assert created.status_code == 201
    arm.wait(ENDPOINT)
    _deployment(arm)
    current = arm.get(ENDPOINT).json()
    update = {
        "location": LOCATION,
        "tags": {"a": "1", "b": "2"},
        # Sent back as last read, as recorded clients do; the service overwrites its own URI.
        "properties": {"authMode": "Key", "properties": current["properties"]["properties"], "traffic": {"blue": 100}},
    }
    response = arm.put(ENDPOINT, update)
    assert response.status_code == 201, response.text
    echo = response.json()
    assert echo["tags"] == {"a": "1"}
    assert echo["properties"]["traffic"] == {}
    assert echo["properties"]["provisioningState"] == "Updating"
    assert echo["properties"]["properties"]["AzureAsyncOperationUri"] == response.headers["Azure-AsyncOperation"]
    after = arm.wait(ENDPOINT)
    assert after["tags"] == {"a": "1", "b": "2"}
    assert after["properties"]["traffic"] == {"blue": 100}
    assert isinstance(after["properties"]["traffic"]["blue"], int)


def test_online_endpoint_delete_answers_null_with_both_urls_then_the_service_404(
    arm: Arm, workspace: dict[str, Any]
) -> None:
    _endpoint(arm)
    response = arm.delete(ENDPOINT)
    assert response.status_code == 202
    assert response.content == b"null"
    assert response.headers["Content-Type"].startswith("application/json")
    assert "/mfeOperationsStatus/oeidp:" in response.headers["Azure-AsyncOperation"]
    assert "/mfeOperationResults/oeidp:" in response.headers["Location"]
    assert response.headers["x-ms-async-operation-timeout"] == "PT30M"
    arm.poll_status(response.headers["Azure-AsyncOperation"])
    gone = arm.get(ENDPOINT)
    assert gone.status_code == 404
    error = gone.json()["error"]
    assert error["code"] == "NotFound"
    assert error["details"][0]["code"] == "NoSuchService"
    never = arm.get(f"{workspace_path()}/onlineEndpoints/never")
    assert never.json()["error"]["code"] == "ResourceNotFound"  # the gateway's, for a name never created


# ---------------------------------------------------------------------------------------------- online deployments


def test_online_deployment_echo_differs_from_the_get_as_recorded(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    response = arm.put(_deployment_path(), _deployment_body())
    assert response.status_code == 201, response.text
    assert (
        f"/mfeOperationsStatus/od:{workspace['properties']['workspaceId']}:"
        in (response.headers["Azure-AsyncOperation"])
    )
    echo = response.json()
    properties = echo["properties"]
    assert properties["provisioningState"] == "Updating"
    assert properties["requestSettings"] == {
        "maxQueueWait": "PT0S",
        "requestTimeout": "PT0S",
        "maxConcurrentRequestsPerInstance": 1,
    }
    assert properties["livenessProbe"] is None and properties["readinessProbe"] is None
    assert echo["sku"] == {"name": "Default", "tier": "Standard", "capacity": 1}
    assert echo["kind"] == "Managed"
    body = arm.wait(_deployment_path())
    properties = body["properties"]
    assert properties["requestSettings"] == {
        "maxQueueWait": "PT0S",
        "requestTimeout": "PT5S",
        "maxConcurrentRequestsPerInstance": 1,
    }
    probe = {
        "failureThreshold": 30,
        "successThreshold": 1,
        "timeout": "PT2S",
        "period": "PT10S",
        "initialDelay": "PT10S",
    }
    assert properties["livenessProbe"] == probe and properties["readinessProbe"] == probe
    assert properties["privateNetworkConnection"] is False
    assert properties["egressPublicNetworkAccess"] == "Enabled"
    assert properties["properties"]["AzureAsyncOperationUri"] == response.headers["Azure-AsyncOperation"]
    assert body["sku"]["tier"] == "Standard" and body["kind"] == "Managed"


def test_deployment_name_is_lower_cased_and_capitalised_traffic_keys_are_refused(
    arm: Arm, workspace: dict[str, Any]
) -> None:
    _endpoint(arm)
    body = _deployment(arm, "Blue")
    assert body["name"] == "blue"
    assert body["id"].endswith("/deployments/blue")
    refused = arm.put(ENDPOINT, _endpoint_body(traffic={"Blue": 100}))
    assert refused.status_code == 400
    assert "lower-cased" in refused.json()["error"]["message"]
    assert arm.put(ENDPOINT, _endpoint_body(traffic={"blue": 100})).status_code == 201


def test_online_deployment_delete_answers_null_then_no_such_service(arm: Arm, workspace: dict[str, Any]) -> None:
    _endpoint(arm)
    _deployment(arm)
    response = arm.delete(_deployment_path())
    assert response.status_code == 202
    assert response.content == b"null"
    assert "/mfeOperationResults/od:" in response.headers["Location"]
    arm.poll_status(response.headers["Azure-AsyncOperation"])
    gone = arm.get(_deployment_path())
    assert gone.status_code == 404
    error = gone.json()["error"]
    assert (error["code"], error["message"]) == ("NotFound", "The specified resource was not found.")
    assert error["details"][0]["code"] == "NoSuchService"
    assert "blue-ep1" in error["details"][0]["message"]


# ---------------------------------------------------------------------------------------------- uploads and versions


def test_pending_upload_hands_out_a_container_root_and_says_none(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    path = f"{workspace_path()}/codes/c/versions/1/startPendingUpload"
    answer = arm.post(path, {"pendingUploadType": "TemporaryBlobReference"}).json()
    assert answer["pendingUploadType"] == "None"
    reference = answer["blobReferenceForConsumption"]
    account_and_container = reference["blobUri"].split("/_blob/", 1)[1].split("/")
    assert len(account_and_container) == 2  # the container ROOT, no folder below it
    assert account_and_container[1].startswith(f"{workspace['properties']['workspaceId']}-")
    sas = reference["credential"]["sasUri"].split("?", 1)[1]
    written = requests.put(
        f"{reference['blobUri']}/code.txt?{sas}",
        data=b"hello world",
        headers={"x-ms-blob-type": "BlockBlob"},
        timeout=30,
    )
    assert written.status_code == 201, written.text
    again = arm.post(
        path, {"pendingUploadType": "TemporaryBlobReference", "pendingUploadId": answer["pendingUploadId"]}
    )
    assert again.json()["blobReferenceForConsumption"]["blobUri"] == reference["blobUri"]


def test_version_and_datastore_puts_answer_201_with_a_location(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    puts = {
        f"{workspace_path()}/codes/c/versions/1": {"properties": {"codeUri": "https://x/c"}},
        f"{workspace_path()}/models/m/versions/1": {"properties": {"modelUri": "https://x/m"}},
        f"{workspace_path()}/data/d/versions/1": {"properties": {"dataType": "uri_file", "dataUri": "https://x/d"}},
        f"{workspace_path()}/environments/e/versions/1": {"properties": {"image": "python:3.11"}},
    }
    for path, body in puts.items():
        created = arm.put(path, body)
        assert created.status_code == 201, created.text
        assert created.headers["Location"].startswith(f"{emulator.url}{path}?api-version=")
        again = arm.put(path, body)
        assert again.status_code == 200 and "Location" not in again.headers
    store = {
        "properties": {
            "datastoreType": "AzureBlob",
            "accountName": "acct",
            "containerName": "c",
            "credentials": {"credentialsType": "AccountKey", "secrets": {"secretsType": "AccountKey", "key": "a2V5"}},
        }
    }
    path = f"{workspace_path()}/datastores/raw"
    created = arm.put(path, store, params={"skipValidation": "true"})
    assert created.status_code == 201, created.text
    assert created.headers["Location"].startswith(f"{emulator.url}{path}?")
    assert "skipValidation=true" in created.headers["Location"]


def test_model_uri_comes_back_with_resource_groups(arm: Arm, workspace: dict[str, Any]) -> None:
    uri = (
        f"azureml://subscriptions/{SUBSCRIPTION}/resourcegroups/{RESOURCE_GROUP}/workspaces/{WORKSPACE}/"
        "datastores/workspaceblobstore/paths/LocalUpload/abc/model.pkl"
    )
    body = arm.put(f"{workspace_path()}/models/m/versions/1", {"properties": {"modelUri": uri}}).json()
    assert body["properties"]["modelUri"] == uri.replace("/resourcegroups/", "/resourceGroups/")
    assert body["properties"]["stage"] == "Development"


def test_data_short_uri_comes_back_long_with_a_slash_and_stage_null(arm: Arm, workspace: dict[str, Any]) -> None:
    path = f"{workspace_path()}/data/d/versions/1"
    sent = {"properties": {"dataType": "uri_folder", "dataUri": "azureml://datastores/workspaceblobstore/paths/a/b"}}
    body = arm.put(path, sent).json()
    assert body["properties"]["dataUri"] == (
        f"azureml://subscriptions/{SUBSCRIPTION}/resourcegroups/{RESOURCE_GROUP}/workspaces/{WORKSPACE}/"
        "datastores/workspaceblobstore/paths/a/b/"
    )
    assert body["properties"]["stage"] is None
    assert arm.put(path, sent).status_code == 200  # the same request again is no change of registered content


RECORDED_CONDA_YAML = (
    "channels:\n- conda-forge\ndependencies:\n- python=3.8\n- pip\n- pip:\n  - nbgitpuller\n  - sphinx-gallery\n"
    "  - pandas\n  - matplotlib\n  - mlflow\nname: example-environment\n"
)
RECORDED_CONDA_JSON = (
    '{\n  "channels": [\n    "conda-forge"\n  ],\n  "dependencies": [\n    "python=3.8",\n    "pip",\n    {\n'
    '      "pip": [\n        "nbgitpuller",\n        "sphinx-gallery",\n        "pandas",\n        "matplotlib",\n'
    '        "mlflow"\n      ]\n    }\n  ],\n  "name": "example-environment"\n}'
)


def test_environment_conda_yaml_comes_back_as_json_with_labels_and_stage(arm: Arm, workspace: dict[str, Any]) -> None:
    path = f"{workspace_path()}/environments/e/versions/1"
    sent = {
        "properties": {"image": "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04", "condaFile": RECORDED_CONDA_YAML}
    }
    body = arm.put(path, sent).json()
    assert body["properties"]["condaFile"] == RECORDED_CONDA_JSON  # the recorded answer, character for character
    assert body["properties"]["properties"] == {"azureml.labels": "latest"}
    assert body["properties"]["stage"] == "Development"
    assert arm.put(path, sent).status_code == 200  # the same YAML again is no change of a create-only field


# ---------------------------------------------------------------------------------------------- datastores


def test_datastore_reads_hide_secrets_fill_the_resource_url_and_null_empty_bags(
    arm: Arm, workspace: dict[str, Any]
) -> None:
    body = {
        "properties": {
            "datastoreType": "AzureDataLakeGen2",
            "accountName": "lake",
            "filesystem": "fs",
            "credentials": {
                "credentialsType": "ServicePrincipal",
                "tenantId": "00000000-0000-0000-0000-000000000001",
                "clientId": "00000000-0000-0000-0000-000000000002",
                "secrets": {"secretsType": "ServicePrincipal", "clientSecret": "s3cret"},
            },
        }
    }
    path = f"{workspace_path()}/datastores/lake"
    created = arm.put(path, body, params={"skipValidation": "true"})
    assert created.status_code == 201, created.text
    for answer in (created.json(), arm.get(path).json()):
        properties = answer["properties"]
        assert "secrets" not in properties["credentials"]
        assert properties["credentials"]["resourceUrl"] == "https://storage.azure.com/"
        assert properties["properties"] is None
        assert properties["subscriptionId"] is None and properties["resourceGroup"] is None
    assert "s3cret" not in arm.get(path).text


def test_workspace_blob_store_has_null_bags_and_the_workspace_identity(arm: Arm, workspace: dict[str, Any]) -> None:
    properties = arm.get(f"{workspace_path()}/datastores/workspaceblobstore").json()["properties"]
    assert properties["tags"] is None and properties["properties"] is None
    assert properties["serviceDataAccessAuthIdentity"] == "WorkspaceSystemAssignedIdentity"
    assert properties["credentials"] == {"credentialsType": "AccountKey"}
    assert (properties["subscriptionId"], properties["resourceGroup"]) == (SUBSCRIPTION, RESOURCE_GROUP)


def test_list_secrets_answers_the_key_or_a_sas_as_recorded(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    path = f"{workspace_path()}/datastores/workspaceblobstore/listSecrets"
    without_body = arm.request("POST", path)
    assert without_body.json()["secretsType"] == "AccountKey" and without_body.json()["key"]
    assert arm.post(path, {}).json() == without_body.json()  # what the provider sends: not recorded, same answer
    expirable = arm.post(path, {"expirableSecret": True, "expireAfterHours": 1}).json()
    assert expirable["secretsType"] == "Sas" and expirable["sasToken"].startswith("?")
    store = arm.get(f"{workspace_path()}/datastores/workspaceblobstore").json()["properties"]
    blob = f"{emulator.url}/_blob/{store['accountName']}/{store['containerName']}/LocalUpload/x/file.txt"
    written = requests.put(
        f"{blob}{expirable['sasToken']}", data=b"data", headers={"x-ms-blob-type": "BlockBlob"}, timeout=30
    )
    assert written.status_code == 201, written.text
    fields = urllib.parse.parse_qs(expirable["sasToken"][1:])
    assert "sig" in fields and json.dumps(expirable).count(without_body.json()["key"]) == 0


# ---------------------------------------------------------------------------------------------- batch deployments


def test_batch_deployment_property_bag_comes_back_as_sent_and_resources_bag_as_null(
    arm: Arm, workspace: dict[str, Any]
) -> None:
    endpoint = f"{workspace_path()}/batchEndpoints/bep"
    assert arm.put(endpoint, {"location": LOCATION, "properties": {"authMode": "AADToken"}}).status_code == 201
    arm.wait(endpoint)
    path = f"{endpoint}/deployments/bdep"
    sent = {
        "location": LOCATION,
        "properties": {
            "model": {"referenceType": "Id", "assetId": MODEL},
            "compute": f"{workspace_path()}/computes/cpu",
            "properties": {},
            "resources": {"instanceCount": 1, "properties": {}},
        },
    }
    created = arm.put(path, sent)
    assert created.status_code == 201, created.text
    for answer in (created.json(), arm.wait(path)):
        assert answer["properties"]["properties"] == {}  # test_batch_deployment.yaml: {} in the echo and the GET
        assert answer["properties"]["resources"]["properties"] is None
    unsent = {"location": LOCATION, "properties": {k: v for k, v in sent["properties"].items() if k != "properties"}}
    assert arm.put(f"{endpoint}/deployments/bare", unsent).status_code == 201
    assert arm.wait(f"{endpoint}/deployments/bare")["properties"]["properties"] == {}  # not recorded: least echo-like
