"""Datastores in the emulator, over plain HTTP: the answers of mfe.json 2025-12-01 and its Datastore examples."""

from __future__ import annotations

from typing import Any

import pytest

from emulator_helpers import PROVIDER, RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE, Arm, workspace_path

KEY = "bG9jYWwtYWNjb3VudC1rZXktbm90LXJlYWw="
CLIENT_SECRET = "sp-secret-value-not-real"
TENANT = "00000000-1111-2222-3333-444444444444"
CLIENT = "55555555-6666-7777-8888-999999999999"


def datastore_path(name: str) -> str:
    return f"{workspace_path()}/datastores/{name}"


def blob(key: str = KEY, **extra: Any) -> dict[str, Any]:
    return {
        "properties": {
            "datastoreType": "AzureBlob",
            "accountName": "mystorage",
            "containerName": "data",
            "credentials": {"credentialsType": "AccountKey", "secrets": {"secretsType": "AccountKey", "key": key}},
            **extra,
        }
    }


def gen2(**extra: Any) -> dict[str, Any]:
    return {
        "properties": {
            "datastoreType": "AzureDataLakeGen2",
            "accountName": "mylake",
            "filesystem": "raw",
            "credentials": {
                "credentialsType": "ServicePrincipal",
                "tenantId": TENANT,
                "clientId": CLIENT,
                "secrets": {"secretsType": "ServicePrincipal", "clientSecret": CLIENT_SECRET},
            },
            **extra,
        }
    }


def test_workspace_comes_with_its_default_datastores(arm: Arm, workspace: dict[str, Any]) -> None:
    listed = arm.get(f"{workspace_path()}/datastores").json()["value"]
    by_name = {item["name"]: item["properties"] for item in listed}
    assert set(by_name) == {"workspaceblobstore", "workspacefilestore"}
    assert by_name["workspaceblobstore"]["isDefault"] is True
    assert by_name["workspacefilestore"]["isDefault"] is False
    assert by_name["workspaceblobstore"]["containerName"].startswith("azureml-blobstore-")
    assert by_name["workspacefilestore"]["datastoreType"] == "AzureFile"
    default = arm.get(f"{workspace_path()}/datastores", params={"isDefault": "true"}).json()["value"]
    assert [item["name"] for item in default] == ["workspaceblobstore"]


def test_put_creates_201_then_updates_200_and_never_returns_the_secret(arm: Arm, workspace: dict[str, Any]) -> None:
    created = arm.put(datastore_path("raw"), blob(description="landing zone"))
    assert created.status_code == 201, created.text
    assert KEY not in created.text
    body = created.json()
    assert body["id"].endswith("/datastores/raw")
    assert body["type"] == "Microsoft.MachineLearningServices/workspaces/datastores"
    properties = body["properties"]
    # No `secrets` key at all (test_datastore.py blob_store recording), not the spec example's secretsType stub.
    assert properties["credentials"] == {"credentialsType": "AccountKey"}
    # Server-filled values (AzureBlobWAccountKey/createOrUpdate.json answers them).
    assert properties["endpoint"] == "core.windows.net"
    assert properties["protocol"] == "https"
    assert properties["serviceDataAccessAuthIdentity"] == "None"
    assert properties["isDefault"] is False
    fetched = arm.get(datastore_path("raw"))
    assert fetched.status_code == 200 and KEY not in fetched.text
    listed = arm.get(f"{workspace_path()}/datastores")
    assert KEY not in listed.text

    updated = arm.put(datastore_path("raw"), blob(key="bmV3LWtleQ==", description="v2", tags={"team": "ml"}))
    assert updated.status_code == 200, updated.text
    assert updated.json()["properties"]["description"] == "v2"
    assert updated.json()["properties"]["tags"] == {"team": "ml"}
    secrets = arm.post(f"{datastore_path('raw')}/listSecrets")
    assert secrets.status_code == 200
    assert secrets.json() == {"secretsType": "AccountKey", "key": "bmV3LWtleQ=="}


def test_service_principal_credentials_keep_ids_and_hide_the_secret(arm: Arm, workspace: dict[str, Any]) -> None:
    created = arm.put(datastore_path("lake"), gen2())
    assert created.status_code == 201, created.text
    credentials = created.json()["properties"]["credentials"]
    # No `secrets` key; the service fills resourceUrl (test_datastore_adlsgen2.yaml) and, not recorded, authorityUrl.
    assert credentials == {
        "credentialsType": "ServicePrincipal",
        "tenantId": TENANT,
        "clientId": CLIENT,
        "authorityUrl": "https://login.microsoftonline.com",
        "resourceUrl": "https://storage.azure.com/",
    }
    assert arm.post(f"{datastore_path('lake')}/listSecrets").json() == {
        "secretsType": "ServicePrincipal",
        "clientSecret": CLIENT_SECRET,
    }


def test_identity_based_datastore_has_no_secrets(arm: Arm, workspace: dict[str, Any]) -> None:
    body = blob()
    body["properties"]["credentials"] = {"credentialsType": "None"}
    assert arm.put(datastore_path("byidentity"), body).status_code == 201
    answer = arm.post(f"{datastore_path('byidentity')}/listSecrets")
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "No secrets for credentials of type None."  # the recorded text


def test_is_default_moves_the_default(arm: Arm, workspace: dict[str, Any]) -> None:
    # Not on the PUT that creates the datastore ("is_default can only be set to true on update", azurerm docs).
    created = arm.put(datastore_path("raw"), blob(isDefault=True))
    assert created.status_code == 201 and created.json()["properties"]["isDefault"] is False
    assert arm.get(datastore_path("workspaceblobstore")).json()["properties"]["isDefault"] is True
    made = arm.put(datastore_path("raw"), blob(isDefault=True))
    assert made.status_code == 200 and made.json()["properties"]["isDefault"] is True
    assert arm.get(datastore_path("workspaceblobstore")).json()["properties"]["isDefault"] is False
    # false never un-defaults: a workspace keeps its default datastore.
    kept = arm.put(datastore_path("raw"), blob(isDefault=False))
    assert kept.json()["properties"]["isDefault"] is True
    default = arm.get(f"{workspace_path()}/datastores", params={"isDefault": "true"}).json()["value"]
    assert [item["name"] for item in default] == ["raw"]


@pytest.mark.parametrize(
    ("change", "member"),
    [
        ({"accountName": "other"}, "accountName"),
        ({"containerName": "other"}, "containerName"),
        ({"endpoint": "core.chinacloudapi.cn"}, "endpoint"),
        ({"protocol": "wasbs"}, "protocol"),
        ({"serviceDataAccessAuthIdentity": "WorkspaceSystemAssignedIdentity"}, "serviceDataAccessAuthIdentity"),
    ],
)
def test_create_only_members_cannot_change(
    arm: Arm, workspace: dict[str, Any], change: dict[str, Any], member: str
) -> None:
    assert arm.put(datastore_path("raw"), blob()).status_code == 201
    body = blob()
    body["properties"].update(change)
    answer = arm.put(datastore_path("raw"), body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["target"] == f"properties.{member}"


@pytest.mark.parametrize(
    ("mutate", "target"),
    [
        (lambda p: p.pop("accountName"), "properties.accountName"),
        (lambda p: p.pop("containerName"), "properties.containerName"),
        (lambda p: p.update(filesystem="x"), "properties.filesystem"),
        (lambda p: p.update(datastoreType="OneLake"), "properties.datastoreType"),
        (lambda p: p.update(datastoreType="Blob"), "properties.datastoreType"),
        (lambda p: p.pop("credentials"), "properties.credentials"),
        (lambda p: p["credentials"].update(credentialsType="Password"), "properties.credentials.credentialsType"),
        (lambda p: p["credentials"].pop("secrets"), "properties.credentials.secrets"),
        (lambda p: p["credentials"]["secrets"].update(secretsType="Sas"), "properties.credentials.secrets.secretsType"),
        (lambda p: p["credentials"]["secrets"].update(key=""), "properties.credentials.secrets.key"),
        (lambda p: p["credentials"]["secrets"].update(sasToken="x"), "properties.credentials.secrets.sasToken"),
        (lambda p: p["credentials"].update(tenantId=TENANT), "properties.credentials.tenantId"),
        (lambda p: p.update(isDefault="yes"), "properties.isDefault"),
    ],
)
def test_bad_bodies_are_refused_with_the_member_named(
    arm: Arm, workspace: dict[str, Any], mutate: Any, target: str
) -> None:
    body = blob()
    mutate(body["properties"])
    answer = arm.put(datastore_path("raw"), body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["target"] == target
    assert KEY not in answer.text


def test_credential_kinds_per_datastore_type(arm: Arm, workspace: dict[str, Any]) -> None:
    lake = gen2()
    lake["properties"]["credentials"] = blob()["properties"]["credentials"]
    refused = arm.put(datastore_path("lake"), lake)
    assert refused.status_code == 400 and "not supported" in refused.json()["error"]["message"]
    files = {
        "properties": {
            "datastoreType": "AzureFile",
            "accountName": "mystorage",
            "fileShareName": "share",
            "credentials": {"credentialsType": "Sas", "secrets": {"secretsType": "Sas", "sasToken": "sv=2024&sig=abc"}},
        }
    }
    assert arm.put(datastore_path("files"), files).status_code == 201
    bad_guid = gen2()
    bad_guid["properties"]["credentials"]["tenantId"] = "not-a-guid"
    assert arm.put(datastore_path("lake"), bad_guid).json()["error"]["target"] == "properties.credentials.tenantId"


def test_skip_validation_accepts_an_empty_secret(arm: Arm, workspace: dict[str, Any]) -> None:
    assert arm.put(datastore_path("raw"), blob(key="")).status_code == 400
    assert arm.put(datastore_path("raw"), blob(key=""), params={"skipValidation": "true"}).status_code == 201
    assert arm.put(datastore_path("raw"), blob(), params={"skipValidation": "maybe"}).status_code == 400


def test_delete_then_404_then_204(arm: Arm, workspace: dict[str, Any]) -> None:
    assert arm.put(datastore_path("raw"), blob()).status_code == 201
    assert arm.delete(datastore_path("raw")).status_code == 200
    missing = arm.get(datastore_path("raw"))
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "UserError"
    assert arm.delete(datastore_path("raw")).status_code == 204
    assert arm.post(f"{datastore_path('raw')}/listSecrets").status_code == 404


def test_list_filters_and_pages(arm: Arm, workspace: dict[str, Any]) -> None:
    for name in ("a1", "a2", "b1"):
        assert arm.put(datastore_path(name), blob()).status_code == 201
    names = arm.get(f"{workspace_path()}/datastores", params={"names": "a1,b1"}).json()["value"]
    assert sorted(item["name"] for item in names) == ["a1", "b1"]
    search = arm.get(f"{workspace_path()}/datastores", params={"searchText": "a"}).json()["value"]
    assert {item["name"] for item in search} >= {"a1", "a2"}
    first = arm.get(f"{workspace_path()}/datastores", params={"count": "2"}).json()
    assert len(first["value"]) == 2 and "nextLink" in first


def test_missing_workspace_is_the_parent_404(arm: Arm, workspace: dict[str, Any]) -> None:
    path = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/{PROVIDER}/workspaces/nope/datastores/raw"
    answer = arm.put(path, blob())
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "ParentResourceNotFound"
    assert WORKSPACE != "nope"


def test_deleting_the_workspace_deletes_its_datastores(arm: Arm, workspace: dict[str, Any], emulator: Any) -> None:
    assert arm.put(datastore_path("raw"), blob()).status_code == 201
    arm.delete(workspace_path(), params={"forceToPurge": "true"})
    for _ in range(20):
        if arm.get(workspace_path()).status_code == 404:
            break
    ids = [resource["id"] for resource in emulator.state()["resources"]]
    assert not [rid for rid in ids if "/datastores/" in rid.lower()]


def test_enums_any_casing_stored_canonically_and_booleans_strict(arm: Arm, workspace: dict[str, Any]) -> None:
    body = blob(serviceDataAccessAuthIdentity="workspacesystemassignedidentity")
    body["properties"]["datastoreType"] = "azureblob"
    body["properties"]["credentials"]["credentialsType"] = "accountkey"
    body["properties"]["credentials"]["secrets"]["secretsType"] = "ACCOUNTKEY"
    created = arm.put(datastore_path("cased"), body)
    assert created.status_code == 201, created.text
    properties = created.json()["properties"]
    assert properties["datastoreType"] == "AzureBlob"
    assert properties["serviceDataAccessAuthIdentity"] == "WorkspaceSystemAssignedIdentity"
    assert properties["credentials"]["credentialsType"] == "AccountKey"
    refused = arm.put(datastore_path("cased"), blob(isDefault=1))
    assert refused.status_code == 400 and "System.Boolean" in refused.json()["error"]["message"]
