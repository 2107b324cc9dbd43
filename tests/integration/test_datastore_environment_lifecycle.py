"""Datastore and EnvironmentVersion through the provider object against the emulator: create, no-op, in-place
update of each mutable field, replace on each create-only field with its reason, refresh without false drift
(the write-only credentials above all), destroy leaving nothing behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider
from pulumi_azureml.specs.common import OWNERSHIP_TAG

from integration.conftest import RESOURCE_GROUP, SUBSCRIPTION, TOKEN, WORKSPACE, checked, writes

Make = Callable[[str], AzureMLProvider]
API = "2025-12-01"
BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)
ACCOUNT_KEY = "YWNjb3VudC1rZXktZm9yLXRlc3RzLW9ubHk="
NEW_ACCOUNT_KEY = "c2Vjb25kLWFjY291bnQta2V5LWZvci10ZXN0cw=="
CLIENT_SECRET = "client-secret-for-tests-only"
TENANT = "00000000-1111-2222-3333-444444444444"
CLIENT = "55555555-6666-7777-8888-999999999999"

BLOB: dict[str, Any] = {
    "name": "landing",
    "datastore_type": "AzureBlob",
    "account_name": "mystorage",
    "container_name": "landing",
    "account_key": ACCOUNT_KEY,
    "description": "raw files",
    "tags": {"team": "ml"},
    "owner_marker": "proj/dev/landing",
}
LAKE: dict[str, Any] = {
    "name": "lake",
    "datastore_type": "AzureDataLakeGen2",
    "account_name": "mylake",
    "filesystem": "curated",
    "tenant_id": TENANT,
    "client_id": CLIENT,
    "client_secret": CLIENT_SECRET,
    "owner_marker": "proj/dev/lake",
}
CONDA = "name: scoring\ndependencies:\n  - python=3.11\n"
ENVIRONMENT: dict[str, Any] = {
    "name": "sklearn",
    "version": "1",
    "image": "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest",
    "conda_file": CONDA,
    "description": "scoring image",
    "tags": {"team": "ml"},
    "owner_marker": "proj/dev/sklearn",
}


def arm(emulator: EmulatorServer, path: str, method: str = "GET", body: Any = None) -> requests.Response:
    return requests.request(
        method,
        f"{emulator.url}{path}?api-version={API}",
        json=body,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )


def methods(emulator: EmulatorServer) -> list[str]:
    return [write.split(" ")[0] for write in writes(emulator)]


def user_datastores(emulator: EmulatorServer) -> list[str]:
    items = arm(emulator, f"{BASE}/datastores").json()["value"]
    return sorted(item["name"] for item in items if item["name"] not in ("workspaceblobstore", "workspacefilestore"))


# ---------------------------------------------------------------------------------------------- datastores


def test_blob_datastore_lifecycle_keeps_the_key_write_only(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Datastore")
    inputs = checked(provider, BLOB)
    assert inputs["credentials_type"] == "AccountKey"  # follows from the secret given
    created = provider.create(inputs)
    outs = created.outs or {}
    assert created.id == f"{BASE}/datastores/landing"
    server = arm(emulator, f"{BASE}/datastores/landing")
    assert ACCOUNT_KEY not in server.text
    assert server.json()["properties"]["credentials"]["credentialsType"] == "AccountKey"
    assert arm(emulator, f"{BASE}/datastores/landing/listSecrets", "POST").json()["key"] == ACCOUNT_KEY

    emulator.clear_requests_log()
    assert provider.diff(created.id, outs, checked(provider, BLOB)).changes is False
    assert emulator.requests_log() == []

    # Each mutable field is an in-place PUT.
    for change in (
        {"description": "landing zone"},
        {"tags": {"team": "data"}},
        {"properties": {"owner": "platform"}},
        {"storage_resource_group": "rg-storage"},
    ):
        news = checked(provider, {**BLOB, **change})
        diff = provider.diff(created.id, outs, news)
        assert diff.changes is True and diff.replaces == [], change
        emulator.clear_requests_log()
        outs = provider.update(created.id, outs, news).outs or {}
        assert methods(emulator) == ["PUT"], change
        BLOB_NOW = {**BLOB, **change}
        assert provider.diff(created.id, outs, checked(provider, BLOB_NOW)).changes is False

    # A new key is an in-place update that reaches the service; state keeps the key it was given.
    rotated = checked(provider, {**BLOB, "properties": {"owner": "platform"}, "account_key": NEW_ACCOUNT_KEY})
    diff = provider.diff(created.id, outs, rotated)
    assert diff.changes is True and diff.replaces == []
    outs = provider.update(created.id, outs, rotated).outs or {}
    assert arm(emulator, f"{BASE}/datastores/landing/listSecrets", "POST").json()["key"] == NEW_ACCOUNT_KEY

    # Refresh: the key is never read back, so it is no drift; the server-filled values are none either.
    read = provider.read(created.id, outs)
    assert read.inputs is not None and read.inputs["account_key"] == NEW_ACCOUNT_KEY
    assert "endpoint" not in read.inputs and "protocol" not in read.inputs
    assert provider.diff(created.id, read.outs or {}, rotated).changes is False

    # Out-of-band change of a readable field is drift.
    body = arm(emulator, f"{BASE}/datastores/landing").json()
    body["properties"]["description"] = "edited in the portal"
    # The GET never carries secrets (test_datastore.py blob_store recording): a PUT must send them again.
    body["properties"]["credentials"]["secrets"] = {"secretsType": "AccountKey", "key": NEW_ACCOUNT_KEY}
    assert arm(emulator, f"{BASE}/datastores/landing", "PUT", {"properties": body["properties"]}).status_code == 200
    drifted = provider.read(created.id, read.outs or {})
    assert drifted.inputs is not None and drifted.inputs["description"] == "edited in the portal"
    assert provider.diff(created.id, drifted.outs or {}, rotated).changes is True

    emulator.clear_requests_log()
    provider.delete(created.id, drifted.outs or {})
    assert methods(emulator) == ["DELETE"]
    assert arm(emulator, f"{BASE}/datastores/landing").status_code == 404
    assert user_datastores(emulator) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"account_name": "otherstorage"}, "account_name"),
        ({"container_name": "other"}, "container_name"),
        ({"endpoint": "core.chinacloudapi.cn"}, "endpoint"),
        ({"protocol": "wasbs"}, "protocol"),
        ({"service_data_access_auth_identity": "WorkspaceSystemAssignedIdentity"}, "service_data_access_auth_identity"),
        (
            {"datastore_type": "AzureFile", "container_name": None, "file_share_name": "share"},
            "datastore_type",
        ),
    ],
)
def test_datastore_create_only_fields_replace_with_their_reason(
    emulator: EmulatorServer,
    make_provider: Make,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, Any],
    field: str,
) -> None:
    provider = make_provider("Datastore")
    created = provider.create(checked(provider, BLOB))
    news = checked(provider, {key: value for key, value in {**BLOB, **change}.items() if value is not None})
    capsys.readouterr()
    diff = provider.diff(created.id, created.outs or {}, news)
    assert field in diff.replaces
    assert diff.delete_before_replace is True
    said = capsys.readouterr().out
    assert "will be REPLACED" in said and field in said
    assert ACCOUNT_KEY not in said
    if field != "datastore_type":
        assert "create-only in Azure's REST specification" in said


def test_renamed_datastore_is_created_before_the_old_one_goes(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Datastore")
    created = provider.create(checked(provider, BLOB))
    diff = provider.diff(created.id, created.outs or {}, checked(provider, {**BLOB, "name": "landing2"}))
    assert diff.replaces == ["name"] and diff.delete_before_replace is False


def test_service_principal_datastore_lifecycle(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Datastore")
    inputs = checked(provider, LAKE)
    assert inputs["credentials_type"] == "ServicePrincipal"
    created = provider.create(inputs)
    outs = created.outs or {}
    server = arm(emulator, f"{BASE}/datastores/lake").json()["properties"]["credentials"]
    assert server == {
        "credentialsType": "ServicePrincipal",
        "tenantId": TENANT,
        "clientId": CLIENT,
        # Filled by the service (test_datastore_adlsgen2.yaml); no `secrets` key in a GET (test_datastore.py).
        "resourceUrl": "https://storage.azure.com/",
        "authorityUrl": "https://login.microsoftonline.com",
    }
    read = provider.read(created.id, outs)
    assert provider.diff(created.id, read.outs or {}, inputs).changes is False

    rotated = checked(provider, {**LAKE, "client_secret": "another-client-secret"})
    diff = provider.diff(created.id, read.outs or {}, rotated)
    assert diff.changes is True and diff.replaces == []
    emulator.clear_requests_log()
    outs = provider.update(created.id, read.outs or {}, rotated).outs or {}
    assert methods(emulator) == ["PUT"]
    secrets = arm(emulator, f"{BASE}/datastores/lake/listSecrets", "POST").json()
    assert secrets == {"secretsType": "ServicePrincipal", "clientSecret": "another-client-secret"}

    # The service principal's ids are readable: changing them is an in-place update, and drift shows.
    other_client = checked(provider, {**LAKE, "client_secret": "another-client-secret", "client_id": TENANT})
    assert provider.diff(created.id, outs, other_client).replaces == []
    provider.delete(created.id, outs)
    assert user_datastores(emulator) == []


def test_is_default_moves_the_workspace_default(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Datastore")
    inputs = checked(provider, {**BLOB, "is_default": True})
    emulator.clear_requests_log()
    created = provider.create(inputs)
    # The service takes isDefault on an update only: the create is followed by the same PUT once more.
    assert methods(emulator) == ["PUT", "PUT"]
    assert arm(emulator, f"{BASE}/datastores/landing").json()["properties"]["isDefault"] is True
    assert arm(emulator, f"{BASE}/datastores/workspaceblobstore").json()["properties"]["isDefault"] is False
    # The second PUT keeps the stack's ownership marker beside the program's tags.
    assert arm(emulator, f"{BASE}/datastores/landing").json()["properties"]["tags"] == {
        "team": "ml",
        OWNERSHIP_TAG: "proj/dev/landing",
    }
    read = provider.read(created.id, created.outs or {})
    assert provider.diff(created.id, read.outs or {}, inputs).changes is False

    # Another datastore taken as the default out of band is drift, repaired by a PUT.
    body = arm(emulator, f"{BASE}/datastores/workspaceblobstore").json()
    body["properties"]["isDefault"] = True
    body["properties"]["credentials"]["secrets"] = arm(
        emulator, f"{BASE}/datastores/workspaceblobstore/listSecrets", "POST"
    ).json()
    put = arm(emulator, f"{BASE}/datastores/workspaceblobstore", "PUT", {"properties": body["properties"]})
    assert put.status_code == 200, put.text
    drifted = provider.read(created.id, read.outs or {})
    assert drifted.inputs is not None and drifted.inputs["is_default"] is False
    diff = provider.diff(created.id, drifted.outs or {}, inputs)
    assert diff.changes is True and diff.replaces == []
    provider.update(created.id, drifted.outs or {}, inputs)
    assert arm(emulator, f"{BASE}/datastores/landing").json()["properties"]["isDefault"] is True
    provider.delete(created.id, created.outs or {})


def test_a_datastore_made_elsewhere_is_refused_then_adopted(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("Datastore")
    provider.create(checked(provider, BLOB))
    other = make_provider("Datastore")
    with pytest.raises(Exception, match="adopt_existing") as raised:
        other.create(checked(other, {**BLOB, "owner_marker": "other/stack/landing"}))
    assert ACCOUNT_KEY not in str(raised.value)
    adopted = other.create(checked(other, {**BLOB, "owner_marker": "other/stack/landing", "adopt_existing": True}))
    assert adopted.id == f"{BASE}/datastores/landing"


@pytest.mark.parametrize(
    ("inputs", "prop", "words"),
    [
        ({**LAKE, "client_secret": None, "account_key": ACCOUNT_KEY}, "account_key", "does not work with"),
        ({**BLOB, "credentials_type": "ServicePrincipal"}, "client_secret", "is required"),
        ({**BLOB, "sas_token": "sv=2024-01-01&sig=abcdefgh"}, "credentials_type", "both set"),
        ({**BLOB, "credentials_type": "None"}, "account_key", "does not apply"),
        ({**BLOB, "account_key": 12345678.0}, "account_key", "must be a string"),
        ({**BLOB, "is_default": False}, "is_default", "can only be true"),
        ({**BLOB, "container_name": None}, "container_name", "is required"),
        ({**BLOB, "filesystem": "x"}, "filesystem", "applies only to"),
        ({**LAKE, "tenant_id": "not-a-guid"}, "tenant_id", "GUID"),
        ({**BLOB, "name": "-bad"}, "name", "must be 1-255 characters"),
    ],
)
def test_bad_datastore_inputs_fail_at_check_without_showing_secrets(
    emulator: EmulatorServer, make_provider: Make, inputs: dict[str, Any], prop: str, words: str
) -> None:
    provider = make_provider("Datastore")
    emulator.clear_requests_log()
    result = provider.check({}, {key: value for key, value in inputs.items() if value is not None})
    reasons = {failure.property: failure.reason for failure in result.failures}
    assert prop in reasons and words in reasons[prop], reasons
    for reason in reasons.values():
        assert ACCOUNT_KEY not in reason and CLIENT_SECRET not in reason and "12345678" not in reason
    assert emulator.requests_log() == []


# ---------------------------------------------------------------------------------------------- environments


def version_path(name: str = "sklearn", version: str = "1") -> str:
    return f"{BASE}/environments/{name}/versions/{version}"


def test_environment_version_lifecycle(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("EnvironmentVersion")
    created = provider.create(checked(provider, ENVIRONMENT))
    outs = created.outs or {}
    assert created.id == version_path()
    assert outs["environment_type"] == "UserCreated"
    assert outs["provisioning_state"] == "Succeeded"
    assert arm(emulator, f"{BASE}/environments/sklearn").json()["properties"]["latestVersion"] == "1"

    emulator.clear_requests_log()
    assert provider.diff(created.id, outs, checked(provider, ENVIRONMENT)).changes is False
    assert emulator.requests_log() == []

    current = dict(ENVIRONMENT)
    for change in (
        {"description": "v1 image"},
        {"tags": {"team": "data"}},
        {"stage": "Production"},
        {"is_archived": True},
    ):
        current.update(change)
        news = checked(provider, current)
        diff = provider.diff(created.id, outs, news)
        assert diff.changes is True and diff.replaces == [], change
        emulator.clear_requests_log()
        outs = provider.update(created.id, outs, news).outs or {}
        assert methods(emulator) == ["PUT"], change
    server = arm(emulator, version_path()).json()["properties"]
    assert server["stage"] == "Production" and server["isArchived"] is True
    # The program's tags, and the stack's ownership marker beside them (a retried create recognises its own).
    assert server["tags"] == {"team": "data", OWNERSHIP_TAG: "proj/dev/sklearn"}

    read = provider.read(created.id, outs)
    assert read.inputs is not None
    assert "os_type" not in read.inputs and "auto_rebuild" not in read.inputs
    assert provider.diff(created.id, read.outs or {}, checked(provider, current)).changes is False

    provider.delete(created.id, read.outs or {})
    assert arm(emulator, version_path()).status_code == 404
    assert arm(emulator, f"{BASE}/environments/sklearn").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"image": "mcr.microsoft.com/azureml/minimal-ubuntu22.04-py311-cpu-inference:latest"}, "image"),
        ({"conda_file": "name: other\n"}, "conda_file"),
        ({"os_type": "Windows"}, "os_type"),
        ({"auto_rebuild": "OnBaseImageUpdate"}, "auto_rebuild"),
        ({"inference_config": {"scoring_route": {"path": "/score", "port": 5001.0}}}, "inference_config"),
        ({"properties": {"origin": "ci"}}, "properties"),
    ],
)
def test_environment_create_only_fields_replace_because_versions_are_immutable(
    emulator: EmulatorServer,
    make_provider: Make,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, Any],
    field: str,
) -> None:
    provider = make_provider("EnvironmentVersion")
    created = provider.create(checked(provider, ENVIRONMENT))
    news = checked(provider, {**ENVIRONMENT, **change})
    capsys.readouterr()
    diff = provider.diff(created.id, created.outs or {}, news)
    assert diff.replaces == [field] and diff.delete_before_replace is True
    assert "versions are immutable in Azure ML" in capsys.readouterr().out
    # What the engine then does: delete, then create with the new inputs.
    provider.delete(created.id, created.outs or {})
    replaced = provider.create(news)
    assert replaced.id == version_path()


def test_a_new_version_is_a_new_resource_created_first(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("EnvironmentVersion")
    first = provider.create(checked(provider, ENVIRONMENT))
    news = checked(provider, {**ENVIRONMENT, "version": "2", "image": "python:3.11-slim"})
    diff = provider.diff(first.id, first.outs or {}, news)
    assert "version" in diff.replaces and diff.delete_before_replace is False
    second = provider.create(news)
    provider.delete(first.id, first.outs or {})
    assert arm(emulator, f"{BASE}/environments/sklearn").json()["properties"]["latestVersion"] == "2"
    provider.delete(second.id, second.outs or {})


def test_build_context_environment(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("EnvironmentVersion")
    inputs = checked(
        provider,
        {
            "name": "built",
            "version": "1",
            "build": {"context_uri": "https://mystorage.blob.core.windows.net/ctx/"},
            "inference_config": {
                "liveness_route": {"path": "/health", "port": 5001.0},
                "readiness_route": {"path": "/ready", "port": 5001.0},
                "scoring_route": {"path": "/score", "port": 5001.0},
            },
        },
    )
    created = provider.create(inputs)
    server = arm(emulator, version_path("built")).json()["properties"]
    assert server["build"]["dockerfilePath"] == "Dockerfile"
    assert server["inferenceConfig"]["scoringRoute"] == {"path": "/score", "port": 5001}
    read = provider.read(created.id, created.outs or {})
    assert provider.diff(created.id, read.outs or {}, inputs).changes is False
    provider.delete(created.id, created.outs or {})


@pytest.mark.parametrize(
    ("inputs", "prop", "words"),
    [
        ({**ENVIRONMENT, "build": {"context_uri": "https://x/ctx/"}}, "build", "cannot be set together with image"),
        ({**ENVIRONMENT, "image": None}, "image", "is required unless build"),
        ({**ENVIRONMENT, "image": None, "build": {"context_uri": "https://x/ctx/"}}, "conda_file", "only goes with"),
        ({**ENVIRONMENT, "os_type": "Mac"}, "os_type", "must be one of"),
        ({**ENVIRONMENT, "version": None}, "version", "is required"),
        (
            {**ENVIRONMENT, "inference_config": {"scoring_route": {"path": "/s", "port": 70000.0}}},
            "inference_config.scoring_route.port",
            "at most 65535",
        ),
    ],
)
def test_bad_environment_inputs_fail_at_check(
    emulator: EmulatorServer, make_provider: Make, inputs: dict[str, Any], prop: str, words: str
) -> None:
    provider = make_provider("EnvironmentVersion")
    emulator.clear_requests_log()
    result = provider.check({}, {key: value for key, value in inputs.items() if value is not None})
    reasons = {failure.property: failure.reason for failure in result.failures}
    assert prop in reasons and words in reasons[prop], reasons
    assert emulator.requests_log() == []


@pytest.mark.parametrize(
    ("inputs", "secrets"),
    [
        (
            {
                "name": "share",
                "datastore_type": "AzureFile",
                "account_name": "mystorage",
                "file_share_name": "share",
                "sas_token": "sv=2024-11-04&ss=f&sig=integrationSasSignature",
            },
            {"secretsType": "Sas", "sasToken": "sv=2024-11-04&ss=f&sig=integrationSasSignature"},
        ),
        (
            {
                "name": "bycert",
                "datastore_type": "AzureBlob",
                "account_name": "mystorage",
                "container_name": "certs",
                "tenant_id": TENANT,
                "client_id": CLIENT,
                "thumbprint": "A1B2C3D4E5F6",
                "certificate": "-----BEGIN CERTIFICATE-----integration-----END CERTIFICATE-----",
            },
            {
                "secretsType": "Certificate",
                "certificate": "-----BEGIN CERTIFICATE-----integration-----END CERTIFICATE-----",
            },
        ),
        (
            {"name": "byidentity", "datastore_type": "AzureDataLakeGen2", "account_name": "mylake", "filesystem": "fs"},
            None,
        ),
    ],
    ids=["sas-file-share", "certificate-blob", "identity-based-lake"],
)
def test_other_credential_kinds(
    emulator: EmulatorServer, make_provider: Make, inputs: dict[str, Any], secrets: dict[str, str] | None
) -> None:
    provider = make_provider("Datastore")
    checked_inputs = checked(provider, {**inputs, "owner_marker": "proj/dev/x"})
    created = provider.create(checked_inputs)
    answer = arm(emulator, f"{BASE}/datastores/{inputs['name']}/listSecrets", "POST")
    if secrets is None:
        assert checked_inputs["credentials_type"] == "None" and answer.status_code == 400
    else:
        assert answer.json() == secrets
        assert (
            secrets[next(key for key in secrets if key != "secretsType")]
            not in arm(emulator, f"{BASE}/datastores/{inputs['name']}").text
        )
    read = provider.read(created.id, created.outs or {})
    assert provider.diff(created.id, read.outs or {}, checked_inputs).changes is False
    provider.delete(created.id, read.outs or {})
    assert user_datastores(emulator) == []


@pytest.mark.parametrize(("kind", "inputs"), [("Datastore", BLOB), ("EnvironmentVersion", ENVIRONMENT)])
def test_a_create_retried_after_an_interrupted_run_takes_over_its_own_resource(
    emulator: EmulatorServer, make_provider: Make, kind: str, inputs: dict[str, Any]
) -> None:
    """The first run's create reached the service but its result never reached the state (the host was killed):
    the next run's create finds the resource carrying this stack's marker in `properties.tags` and takes it over,
    while another stack's create of the same name is refused."""
    provider = make_provider(kind)
    first = provider.create(checked(provider, inputs))
    again = provider.create(checked(provider, inputs))
    assert again.id == first.id
    other = checked(provider, {**inputs, "owner_marker": "proj/prod/other"})
    with pytest.raises(AzureMLError, match="this stack did not create it"):
        provider.create(other)
    provider.delete(first.id, first.outs or {})
