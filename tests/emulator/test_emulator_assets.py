"""Code, model and data versions, the code version's pending upload, and the loopback blob endpoint (SAS only)."""

from __future__ import annotations

import base64
import time
import urllib.parse
from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.emulator.blobs import issue_container_sas

from emulator_helpers import API_VERSION, Arm, workspace_path


def version_path(collection: str, name: str, version: str) -> str:
    return f"{workspace_path()}/{collection}/{name}/versions/{version}"


def _pending_upload(arm: Arm, name: str = "score", version: str = "1") -> dict[str, Any]:
    response = arm.post(f"{version_path('codes', name, version)}/startPendingUpload", {"pendingUploadType": "None"})
    assert response.status_code == 200, response.text
    return response.json()


def _put_blob(url: str, sas: str, data: bytes, **headers: str) -> requests.Response:
    return requests.put(f"{url}?{sas}", data=data, headers={"x-ms-blob-type": "BlockBlob", **headers}, timeout=10)


# ---------------------------------------------------------------------------------------------- versions


@pytest.mark.parametrize(
    ("collection", "properties"),
    [
        ("codes", {"codeUri": "https://example.blob.core.windows.net/c/score"}),
        ("models", {"modelUri": "https://example.blob.core.windows.net/c/model.pkl", "modelType": "CustomModel"}),
        ("data", {"dataType": "uri_file", "dataUri": "https://example.blob.core.windows.net/c/data.csv"}),
    ],
)
def test_version_put_creates_then_updates_and_its_container_appears(
    arm: Arm, workspace: dict[str, Any], collection: str, properties: dict[str, Any]
) -> None:
    path = version_path(collection, "asset1", "1")
    created = arm.put(path, {"properties": {**properties, "description": "first"}})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id"] == path
    assert body["properties"]["provisioningState"] == "Succeeded"
    assert body["properties"]["isArchived"] is False
    assert body["type"] == f"Microsoft.MachineLearningServices/workspaces/{collection}/versions"
    updated = arm.put(path, {"properties": {**properties, "description": "second", "tags": {"a": "b"}}})
    assert updated.status_code == 200, updated.text
    assert updated.json()["properties"]["description"] == "second"
    assert updated.json()["systemData"]["createdAt"] == body["systemData"]["createdAt"]
    container = arm.get(f"{workspace_path()}/{collection}/asset1")
    assert container.status_code == 200
    assert container.json()["properties"]["latestVersion"] == "1"
    assert container.json()["properties"]["nextVersion"] == "2"
    listed = arm.get(f"{workspace_path()}/{collection}/asset1/versions")
    assert [item["name"] for item in listed.json()["value"]] == ["1"]


def test_asset_names_and_versions_are_case_sensitive(arm: Arm, workspace: dict[str, Any]) -> None:
    """mfe.json: "Container name. This is case-sensitive." and "Version identifier. This is case-sensitive." (the
    workspace part of the path is ARM's, without case)."""
    properties = {"codeUri": "https://example.blob.core.windows.net/c/score"}
    assert arm.put(version_path("codes", "Score", "1"), {"properties": properties}).status_code == 201
    assert arm.get(version_path("codes", "score", "1")).status_code == 404
    assert arm.put(version_path("codes", "score", "1"), {"properties": properties}).status_code == 201
    assert arm.put(version_path("codes", "score", "v1"), {"properties": properties}).status_code == 201
    assert arm.get(version_path("codes", "score", "V1")).status_code == 404
    names = sorted(item["name"] for item in arm.get(f"{workspace_path()}/codes").json()["value"])
    assert names == ["Score", "score"]
    assert arm.get(version_path("codes", "Score", "1").replace("/workspaces/", "/WORKSPACES/")).status_code == 200


@pytest.mark.parametrize(
    ("collection", "base", "change"),
    [
        ("codes", {"codeUri": "https://x/a"}, {"codeUri": "https://x/b"}),
        ("models", {"modelUri": "https://x/a"}, {"modelType": "TritonModel"}),
        ("data", {"dataType": "uri_file", "dataUri": "https://x/a"}, {"dataType": "uri_folder"}),
        ("codes", {"codeUri": "https://x/a", "properties": {"k": "v"}}, {"properties": {"k": "w"}}),
    ],
)
def test_version_content_is_immutable(
    arm: Arm, workspace: dict[str, Any], collection: str, base: dict[str, Any], change: dict[str, Any]
) -> None:
    path = version_path(collection, "asset1", "1")
    assert arm.put(path, {"properties": base}).status_code == 201
    refused = arm.put(path, {"properties": {**base, **change}})
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "UserError"
    assert "without increasing the version" in error["message"]


def test_model_stage_and_archive_flag_change_in_place(arm: Arm, workspace: dict[str, Any]) -> None:
    path = version_path("models", "m", "1")
    assert arm.put(path, {"properties": {"modelUri": "https://x/m"}}).json()["properties"]["stage"] == "Development"
    updated = arm.put(path, {"properties": {"modelUri": "https://x/m", "stage": "Production", "isArchived": True}})
    assert updated.status_code == 200
    assert updated.json()["properties"]["stage"] == "Production"
    active = arm.get(f"{workspace_path()}/models/m/versions")
    assert active.json()["value"] == []
    archived = arm.get(f"{workspace_path()}/models/m/versions", params={"listViewType": "ArchivedOnly"})
    assert [item["name"] for item in archived.json()["value"]] == ["1"]


def test_version_body_is_validated_like_the_service(arm: Arm, workspace: dict[str, Any]) -> None:
    missing = arm.put(version_path("data", "d", "1"), {"properties": {"dataType": "uri_file"}})
    assert missing.status_code == 400
    unknown = arm.put(version_path("codes", "c", "1"), {"properties": {"codeUri": "x", "modelUri": "y"}})
    assert unknown.status_code == 400
    bad_type = arm.put(version_path("data", "d", "1"), {"properties": {"dataType": "table", "dataUri": "x"}})
    assert bad_type.status_code == 400
    bad_name = arm.put(version_path("codes", "-bad", "1"), {"properties": {"codeUri": "x"}})
    assert bad_name.status_code == 400
    no_workspace = arm.put(
        version_path("codes", "c", "1").replace(workspace_path(), workspace_path("nope")), {"properties": {}}
    )
    assert no_workspace.status_code == 404


def test_version_delete_answers_200_then_204_and_the_container_stays(arm: Arm, workspace: dict[str, Any]) -> None:
    path = version_path("codes", "c", "1")
    arm.put(path, {"properties": {"codeUri": "https://x/c"}})
    assert arm.delete(path).status_code == 200
    assert arm.get(path).status_code == 404
    assert arm.delete(path).status_code == 204
    assert arm.get(f"{workspace_path()}/codes/c").status_code == 200
    # Deleted versions can be registered again in a workspace.
    assert arm.put(path, {"properties": {"codeUri": "https://x/other"}}).status_code == 201


# ---------------------------------------------------------------------------------------------- pending upload


def test_pending_upload_answers_a_loopback_blob_folder_with_a_sas(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    answer = _pending_upload(arm)
    reference = answer["blobReferenceForConsumption"]
    assert answer["pendingUploadType"] == "None"  # asked for TemporaryBlobReference, answers None (test_code.py rec.)
    assert reference["credential"]["credentialType"] == "SAS"
    assert reference["blobUri"].startswith(f"{emulator.url}/_blob/")
    sas_uri = reference["credential"]["sasUri"]
    assert sas_uri.startswith(reference["blobUri"] + "?")
    fields = urllib.parse.parse_qs(sas_uri.split("?", 1)[1])
    assert fields["sr"] == ["c"]
    assert "sig" in fields


def test_pending_upload_validates_its_body(arm: Arm, workspace: dict[str, Any]) -> None:
    path = f"{version_path('codes', 'c', '1')}/startPendingUpload"
    assert arm.post(path, {"pendingUploadType": "Other"}).status_code == 400
    assert arm.post(path, {"surprise": 1}).status_code == 400
    models = arm.post(f"{version_path('models', 'm', '1')}/startPendingUpload", {})
    assert models.status_code in (404, 405)  # workspace models have no pending upload (registries do)


def test_blocks_and_block_list_make_the_blob(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    reference = _pending_upload(arm)["blobReferenceForConsumption"]
    sas = reference["credential"]["sasUri"].split("?", 1)[1]
    url = f"{reference['blobUri']}/dir/big.bin"
    ids = [base64.b64encode(f"{index:08d}".encode()).decode() for index in range(3)]
    parts = [b"a" * 1000, b"b" * 10, b"c"]
    for block_id, part in zip(ids, parts, strict=True):
        response = requests.put(f"{url}?{sas}", params={"comp": "block", "blockid": block_id}, data=part, timeout=10)
        assert response.status_code == 201, response.text
    block_list = (
        "<?xml version='1.0' encoding='utf-8'?><BlockList>"
        + "".join(f"<Latest>{block_id}</Latest>" for block_id in ids)
        + "</BlockList>"
    )
    committed = requests.put(f"{url}?{sas}&comp=blocklist", data=block_list.encode(), timeout=10)
    assert committed.status_code == 201, committed.text
    fetched = requests.get(f"{url}?{sas}", timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == b"".join(parts)


def test_put_blob_and_missing_blocks(arm: Arm, workspace: dict[str, Any]) -> None:
    reference = _pending_upload(arm)["blobReferenceForConsumption"]
    sas = reference["credential"]["sasUri"].split("?", 1)[1]
    url = f"{reference['blobUri']}/small.txt"
    assert _put_blob(url, sas, b"hello").status_code == 201
    assert requests.get(f"{url}?{sas}", timeout=10).content == b"hello"
    no_type = requests.put(f"{url}?{sas}", data=b"x", timeout=10)
    assert no_type.status_code == 400
    assert no_type.headers["x-ms-error-code"] == "MissingRequiredHeader"
    block_list = b"<BlockList><Latest>QUFBQQ==</Latest></BlockList>"
    missing = requests.put(f"{url}?{sas}&comp=blocklist", data=block_list, timeout=10)
    assert missing.status_code == 400
    assert missing.headers["x-ms-error-code"] == "InvalidBlockList"
    absent = requests.get(f"{reference['blobUri']}/absent?{sas}", timeout=10)
    assert absent.status_code == 404
    assert absent.headers["x-ms-error-code"] == "BlobNotFound"


def test_bad_expired_or_missing_sas_and_bearer_tokens_are_refused(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    reference = _pending_upload(arm)["blobReferenceForConsumption"]
    sas = reference["credential"]["sasUri"].split("?", 1)[1]
    url = f"{reference['blobUri']}/f.txt"
    tampered = sas.replace("sp=racwl", "sp=racwld")
    refused = _put_blob(url, tampered, b"x")
    assert refused.status_code == 403
    assert refused.headers["x-ms-error-code"] == "AuthenticationFailed"
    assert b"<Code>AuthenticationFailed</Code>" in refused.content
    fields = urllib.parse.parse_qs(sas)
    account, container = reference["blobUri"].split("/_blob/", 1)[1].split("/")[:2]
    key = emulator.blobs.signing_key(account)
    expired = issue_container_sas(key, account, container, now=time.time() - 7200, lifetime_seconds=60)
    assert _put_blob(url, expired, b"x").status_code == 403
    assert "Signed expiry time" in _put_blob(url, expired, b"x").text
    assert requests.put(url, data=b"x", headers={"x-ms-blob-type": "BlockBlob"}, timeout=10).status_code == 401
    bearer = _put_blob(url, sas, b"x", Authorization="Bearer test-token")
    assert bearer.status_code == 403
    assert bearer.headers["x-ms-error-code"] == "AuthenticationFailed"
    assert fields["sp"] == ["racwl"]
    assert emulator.blobs.list_blobs() == []


def test_a_valid_sas_without_the_permission_is_a_permission_mismatch(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    from pulumi_azureml.emulator.blobs import sign, string_to_sign

    reference = _pending_upload(arm)["blobReferenceForConsumption"]
    account, container = reference["blobUri"].split("/_blob/", 1)[1].split("/")[:2]
    fields = {"sv": "2022-11-02", "sr": "c", "sp": "r", "se": "2099-01-01T00:00:00Z", "spr": "https,http"}
    fields["sig"] = sign(emulator.blobs.signing_key(account), string_to_sign(fields, account, container))
    read_only = urllib.parse.urlencode(fields)
    refused = _put_blob(f"{reference['blobUri']}/f.txt", read_only, b"x")
    assert refused.status_code == 403
    assert refused.headers["x-ms-error-code"] == "AuthorizationPermissionMismatch"


def test_the_request_log_never_holds_the_sas_signature(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    reference = _pending_upload(arm)["blobReferenceForConsumption"]
    sas = reference["credential"]["sasUri"].split("?", 1)[1]
    signature = urllib.parse.parse_qs(sas)["sig"][0]
    _put_blob(f"{reference['blobUri']}/f.txt", sas, b"x")
    logged = repr([entry for entry in emulator.requests_log() if "/_blob/" in entry["path"]])
    assert "sig=***" in logged
    assert signature not in logged
    assert urllib.parse.quote(signature, safe="") not in logged
    assert API_VERSION  # the ARM calls above used the package's api-version


# ---------------------------------------------------------------------------------------------- default datastore


def test_the_default_datastores_key_signs_sas_the_blob_endpoint_accepts(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    """Model and data uploads: the default datastore's account key (listSecrets) signs a SAS the emulator's storage
    accepts for that account; a key of no datastore of that account signs nothing."""
    from pulumi_azureml.emulator.blobs import sign, string_to_sign

    listed = arm.get(f"{workspace_path()}/datastores", params={"isDefault": "true"})
    [store] = listed.json()["value"]
    properties = store["properties"]
    assert store["name"] == "workspaceblobstore"
    secrets = arm.post(f"{workspace_path()}/datastores/workspaceblobstore/listSecrets", {})
    key = base64.b64decode(secrets.json()["key"], validate=True)
    assert len(key) == 64
    account, container = properties["accountName"], properties["containerName"]
    fields = {"sv": "2022-11-02", "sr": "c", "sp": "cw", "se": "2099-01-01T00:00:00Z", "spr": "https,http"}
    url = f"{emulator.url}/_blob/{account}/{container}/x/y.bin"
    signed = {**fields, "sig": sign(key, string_to_sign(fields, account, container))}
    assert _put_blob(url, urllib.parse.urlencode(signed), b"data").status_code == 201
    forged = {**fields, "sig": sign(b"k" * 64, string_to_sign(fields, account, container))}
    assert _put_blob(url, urllib.parse.urlencode(forged), b"data").status_code == 403
    other_account = f"{emulator.url}/_blob/otheraccount1/{container}/x/y.bin"
    assert _put_blob(other_account, urllib.parse.urlencode(signed), b"data").status_code == 403


@pytest.mark.parametrize("blob", ["a//b", "../escape", "a/../../b", "a\\b", "a\x01b"])
def test_blob_names_that_could_escape_or_that_storage_refuses_are_invalid(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any], blob: str
) -> None:
    reference = _pending_upload(arm)["blobReferenceForConsumption"]
    sas = reference["credential"]["sasUri"].split("?", 1)[1]
    base = reference["blobUri"].split("/LocalUpload/", 1)[0]
    response = _put_blob(f"{base}/{urllib.parse.quote(blob, safe='/')}", sas, b"x")
    assert response.status_code == 400
    assert response.headers["x-ms-error-code"] == "InvalidUri"
    assert emulator.blobs.list_blobs() == []


def test_names_storage_accepts_are_accepted(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    reference = _pending_upload(arm)["blobReferenceForConsumption"]
    sas = reference["credential"]["sasUri"].split("?", 1)[1]
    for name in ("pkg/__init__.py", "my file (1).py", "données/ü.csv", "a+b@c.txt"):
        url = f"{reference['blobUri']}/{urllib.parse.quote(name, safe='/')}"
        assert _put_blob(url, sas, b"x").status_code == 201, name
