"""CodeVersion (and the other asset versions) through the provider object against the emulator, uploads included."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider
from pulumi_azureml.schema import asset_uri_equivalent
from pulumi_azureml.uploads import hash_path

from integration.conftest import RESOURCE_GROUP, SUBSCRIPTION, TOKEN, WORKSPACE, checked, writes

Make = Callable[[str], AzureMLProvider]
API = "2025-12-01"
BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)


def arm(emulator: EmulatorServer, path: str) -> requests.Response:
    return requests.get(
        f"{emulator.url}{path}?api-version={API}", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )


def stored_bytes(emulator: EmulatorServer, blob_url: str) -> bytes:
    """The bytes the emulator's storage holds for a blob URL (no SAS needed: read from its files)."""
    account, container, blob = urllib.parse.unquote(blob_url.split("/_blob/", 1)[1]).split("/", 2)
    path = emulator.blobs.blob_file(account, container, blob)
    assert path is not None, f"no blob {blob_url}"
    return Path(path).read_bytes()


@pytest.fixture
def scoring(tmp_path: Path) -> Path:
    folder = tmp_path / "scoring"
    (folder / "lib").mkdir(parents=True)
    (folder / "score.py").write_text("def run(batch):\n    return batch\n")
    (folder / "lib" / "helpers.py").write_text("X = 1\n")
    (folder / "notes.log").write_text("ignored\n")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "score.cpython-311.pyc").write_bytes(b"\0\1")
    (folder / ".amlignore").write_text("*.log\n__pycache__/\n")
    (folder / ".gitignore").write_text("lib/\n")  # .amlignore wins: lib/ is uploaded
    return folder


def code_inputs(folder: Path, **extra: Any) -> dict[str, Any]:
    return {"name": "score", "version": "1", "path": str(folder), "content_hash": hash_path(str(folder)), **extra}


def test_code_version_uploads_registers_and_deletes(
    emulator: EmulatorServer, make_provider: Make, scoring: Path
) -> None:
    provider = make_provider("CodeVersion")
    inputs = checked(provider, code_inputs(scoring, description="first", tags={"team": "ml"}))
    created = provider.create(inputs)
    outs = created.outs or {}
    assert created.id == f"{BASE}/codes/score/versions/1"
    folder_uri = outs["asset_uri"]
    body = arm(emulator, f"{BASE}/codes/score/versions/1").json()
    assert body["properties"]["codeUri"] == folder_uri
    assert body["properties"]["description"] == "first"
    # The bytes stored equal the local files; ignored files were not sent.
    for relative in ("score.py", "lib/helpers.py", ".amlignore", ".gitignore"):
        assert stored_bytes(emulator, f"{folder_uri}/{relative}") == (scoring / relative).read_bytes()
    blobs = emulator.blobs.list_blobs()
    assert not any(name.endswith((".log", ".pyc")) for name in blobs)
    assert len(blobs) == 4
    # The storage calls carried no bearer token and the SAS was never in state.
    storage = [entry for entry in emulator.requests_log() if "/_blob/" in entry["path"]]
    assert storage and all(entry["status"] == 201 for entry in storage)
    assert "sig=" not in repr(outs).replace("sig=***", "")
    assert not any("sv=" in str(value) for value in outs.values())

    # No-op: no change, no request.
    emulator.clear_requests_log()
    diff = provider.diff(
        created.id, outs, checked(provider, code_inputs(scoring, description="first", tags={"team": "ml"}))
    )
    assert diff.changes is False
    assert emulator.requests_log() == []

    # Refresh: no drift.
    read = provider.read(created.id, outs)
    assert read.inputs is not None
    assert provider.diff(read.id, read.outs or {}, inputs).changes is False

    # Mutable fields: one PUT each, the content kept.
    for change in ({"description": "second"}, {"tags": {"team": "ops"}}, {"is_archived": True}):
        news = checked(provider, code_inputs(scoring, **{"description": "first", "tags": {"team": "ml"}, **change}))
        diff = provider.diff(created.id, outs, news)
        assert diff.changes is True and diff.replaces == [], change
        emulator.clear_requests_log()
        outs = provider.update(created.id, outs, news).outs or {}
        assert [w.split(" ")[0] for w in writes(emulator)] == ["PUT"], change
        current = arm(emulator, f"{BASE}/codes/score/versions/1").json()["properties"]
        assert current["codeUri"] == folder_uri
        key = next(iter(change))
        wire = {"description": "description", "tags": "tags", "is_archived": "isArchived"}[key]
        assert current[wire] == change[key]
        inputs = news

    provider.delete(created.id, outs)
    assert arm(emulator, f"{BASE}/codes/score/versions/1").status_code == 404


def test_editing_one_file_replaces_the_version_and_uploads_again(
    emulator: EmulatorServer, make_provider: Make, scoring: Path
) -> None:
    provider = make_provider("CodeVersion")
    created = provider.create(checked(provider, code_inputs(scoring)))
    outs = created.outs or {}
    (scoring / "score.py").write_text("def run(batch):\n    return batch[:1]\n")
    news = checked(provider, code_inputs(scoring))
    diff = provider.diff(created.id, outs, news)
    assert diff.replaces == ["content_hash"]
    assert diff.delete_before_replace is True
    assert "immutable in Azure ML" in provider.spec.field("content_hash").update_source
    # The engine deletes, then creates.
    provider.delete(created.id, outs)
    again = provider.create(news)
    uri = (again.outs or {})["asset_uri"]
    assert uri != outs["asset_uri"]
    assert stored_bytes(emulator, f"{uri}/score.py") == (scoring / "score.py").read_bytes()


def test_ignored_or_moved_files_change_nothing(make_provider: Make, scoring: Path, tmp_path: Path) -> None:
    provider = make_provider("CodeVersion")
    before = checked(provider, code_inputs(scoring))
    (scoring / "more.log").write_text("still ignored\n")
    assert checked(provider, code_inputs(scoring))["content_hash"] == before["content_hash"]
    moved = tmp_path / "elsewhere"
    os.rename(scoring, moved)
    diff = provider.diff("id", {**before}, checked(provider, code_inputs(moved)))
    assert diff.replaces == []
    assert diff.changes is True  # provider-side only: no request


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"properties": {"k": "v"}}, "properties"),
        ({"version": "2"}, "version"),
        ({"name": "other"}, "name"),
    ],
)
def test_code_version_replace_triggers(make_provider: Make, scoring: Path, change: dict[str, Any], field: str) -> None:
    provider = make_provider("CodeVersion")
    created = provider.create(checked(provider, code_inputs(scoring)))
    diff = provider.diff(created.id, created.outs or {}, checked(provider, code_inputs(scoring, **change)))
    assert diff.replaces == [field]


def test_code_version_by_uri_needs_no_upload(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("CodeVersion")
    uri = "https://example.blob.core.windows.net/c/code"
    created = provider.create(checked(provider, {"name": "ext", "uri": uri}))
    assert (created.outs or {})["asset_uri"] == uri
    assert not any("startPendingUpload" in entry["path"] for entry in emulator.requests_log())
    read = provider.read(created.id, created.outs or {})
    assert provider.diff(read.id, read.outs or {}, checked(provider, {"name": "ext", "uri": uri})).changes is False


def test_source_is_checked_without_requests(emulator: EmulatorServer, make_provider: Make, scoring: Path) -> None:
    provider = make_provider("CodeVersion")
    both = provider.check({}, {**code_inputs(scoring), "uri": "https://x/y"})
    assert [failure.property for failure in both.failures] == ["path"]
    neither = provider.check({}, {"name": "c"})
    assert "path" in [failure.property for failure in neither.failures]
    no_hash = provider.check({}, {"name": "c", "path": str(scoring)})
    assert [failure.property for failure in no_hash.failures] == ["content_hash"]
    assert emulator.requests_log() == []


def test_a_refused_sas_fails_the_create_without_showing_it(
    emulator: EmulatorServer, make_provider: Make, scoring: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = make_provider("CodeVersion")
    # The storage keys rotate right after the SAS is issued: the SAS no longer verifies.
    monkeypatch.setattr(emulator.blobs, "account_keys", lambda account: [b"rotated-key"])
    with pytest.raises(AzureMLError) as raised:
        provider.create(checked(provider, code_inputs(scoring)))
    message = str(raised.value)
    assert "AuthenticationFailed" in message
    assert "run `pulumi up` again" in message
    assert "sig=" not in message.replace("sig=***", "")
    assert arm(emulator, f"{BASE}/codes/score/versions/1").status_code == 404


# ---------------------------------------------------------------------------------------------- models and data


def datastore_bytes(emulator: EmulatorServer, asset_uri: str) -> bytes:
    """The bytes behind an ``azureml://.../datastores/workspaceblobstore/paths/...`` URI, from the emulator (a
    folder URI comes back with a trailing ``/``: the test_data.py recording)."""
    store = arm(emulator, f"{BASE}/datastores/workspaceblobstore").json()["properties"]
    path = asset_uri.split("/paths/", 1)[1]
    file = emulator.blobs.blob_file(store["accountName"], store["containerName"], path)
    assert file is not None, asset_uri
    return Path(file).read_bytes()


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "model.pkl"
    # Larger than one 4 MiB block: sent as blocks and a block list.
    path.write_bytes(os.urandom(9 * 1024 * 1024 + 123))
    return path


def model_inputs(path: Path, **extra: Any) -> dict[str, Any]:
    return {"name": "churn", "version": "3", "path": str(path), "content_hash": hash_path(str(path)), **extra}


def test_model_file_uploads_to_the_default_datastore_and_registers(
    emulator: EmulatorServer, make_provider: Make, model_file: Path
) -> None:
    provider = make_provider("ModelVersion")
    inputs = checked(provider, model_inputs(model_file, description="v3", tags={"team": "ml"}))
    created = provider.create(inputs)
    outs = created.outs or {}
    uri = outs["asset_uri"]
    # The service answers its own segment case (resourceGroups: the test_model.py crud_file recording).
    assert uri.lower().startswith(f"azureml://subscriptions/{SUBSCRIPTION}/resourcegroups/{RESOURCE_GROUP}/workspaces/")
    assert uri.endswith("/model.pkl")
    assert datastore_bytes(emulator, uri) == model_file.read_bytes()
    body = arm(emulator, f"{BASE}/models/churn/versions/3").json()["properties"]
    assert body["modelUri"] == uri
    log = emulator.requests_log()
    blocks = [entry for entry in log if "comp=block" in entry["query"] and "blocklist" not in entry["query"]]
    assert len(blocks) == 3
    assert any("listSecrets" in entry["path"] for entry in log)
    # Neither the datastore key nor a SAS is in the outputs.
    key = arm_post(emulator, f"{BASE}/datastores/workspaceblobstore/listSecrets")["key"]
    assert key not in repr(outs)
    assert "sig=" not in repr(outs)

    emulator.clear_requests_log()
    assert (
        provider.diff(
            created.id, outs, checked(provider, model_inputs(model_file, description="v3", tags={"team": "ml"}))
        ).changes
        is False
    )
    assert emulator.requests_log() == []
    read = provider.read(created.id, outs)
    assert provider.diff(read.id, read.outs or {}, inputs).changes is False

    for change in ({"stage": "Production"}, {"description": "v3b"}, {"tags": {}}, {"is_archived": True}):
        news = checked(provider, model_inputs(model_file, **{"description": "v3", "tags": {"team": "ml"}, **change}))
        assert provider.diff(created.id, outs, news).replaces == [], change
        emulator.clear_requests_log()
        outs = provider.update(created.id, outs, news).outs or {}
        assert [w.split(" ")[0] for w in writes(emulator)] == ["PUT"], change
        assert arm(emulator, f"{BASE}/models/churn/versions/3").json()["properties"]["modelUri"] == uri

    for change, field in (({"model_type": "mlflow_model"}, "model_type"), ({"flavors": {"python": {}}}, "flavors")):
        assert provider.diff(created.id, outs, checked(provider, model_inputs(model_file, **change))).replaces == [
            field
        ]

    with model_file.open("r+b") as handle:
        handle.write(b"edited")
    diff = provider.diff(created.id, outs, checked(provider, model_inputs(model_file)))
    assert diff.replaces == ["content_hash"]
    provider.delete(created.id, outs)
    assert arm(emulator, f"{BASE}/models/churn/versions/3").status_code == 404


def arm_post(emulator: EmulatorServer, path: str) -> dict[str, Any]:
    response = requests.post(
        f"{emulator.url}{path}?api-version={API}", headers={"Authorization": f"Bearer {TOKEN}"}, json={}, timeout=10
    )
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize("data_type", ["uri_file", "uri_folder"])
def test_data_versions_upload_a_file_or_a_folder(
    emulator: EmulatorServer, make_provider: Make, scoring: Path, model_file: Path, data_type: str
) -> None:
    provider = make_provider("DataVersion")
    path = model_file if data_type == "uri_file" else scoring
    inputs = checked(
        provider,
        {"name": "events", "data_type": data_type, "path": str(path), "content_hash": hash_path(str(path))},
    )
    created = provider.create(inputs)
    outs = created.outs or {}
    body = arm(emulator, f"{BASE}/data/events/versions/1").json()["properties"]
    assert body["dataType"] == data_type
    assert body["dataUri"] == outs["asset_uri"]
    if data_type == "uri_file":
        assert datastore_bytes(emulator, outs["asset_uri"]) == model_file.read_bytes()
    else:
        assert (
            datastore_bytes(emulator, outs["asset_uri"].rstrip("/") + "/score.py")
            == (scoring / "score.py").read_bytes()
        )
    read = provider.read(created.id, outs)
    assert provider.diff(read.id, read.outs or {}, inputs).changes is False
    other_type = "uri_folder" if data_type == "uri_file" else "uri_file"
    assert provider.diff(created.id, outs, {**inputs, "data_type": other_type}).replaces == ["data_type"]
    provider.delete(created.id, outs)


def test_mltable_by_uri_and_its_rules(emulator: EmulatorServer, make_provider: Make) -> None:
    provider = make_provider("DataVersion")
    uri = "azureml://datastores/workspaceblobstore/paths/tables/events/"
    created = provider.create(
        checked(provider, {"name": "table", "data_type": "mltable", "uri": uri, "referenced_uris": ["./a.csv"]})
    )
    # The service answers the long form of a short datastore URI (test_data.py create_uri_folder recording); the
    # input keeps the program's spelling and the two mean the same.
    assert (created.outs or {})["uri"] == uri
    assert asset_uri_equivalent(uri, (created.outs or {})["asset_uri"])
    assert (created.outs or {})["asset_uri"].lower().startswith(f"azureml://subscriptions/{SUBSCRIPTION}/")
    wrong = provider.check({}, {"name": "t", "data_type": "uri_file", "uri": uri, "referenced_uris": ["x"]})
    assert [failure.property for failure in wrong.failures] == ["referenced_uris"]
    missing = provider.check({}, {"name": "t", "uri": uri})
    assert "data_type" in [failure.property for failure in missing.failures]


def test_lookups_read_versions_and_hide_archived_ones(emulator: EmulatorServer, make_provider: Make) -> None:
    import contextvars

    import pulumi

    from pulumi_azureml import lookups

    from integration.conftest import stack_config

    provider = make_provider("ModelVersion")
    for version in ("1", "2"):
        provider.create(checked(provider, {"name": "m", "version": version, "uri": f"https://x/m{version}"}))
    archived = make_provider("CodeVersion")
    archived.create(checked(archived, {"name": "c", "uri": "https://x/c", "is_archived": True}))

    def run() -> tuple[Any, ...]:
        pulumi.runtime.set_all_config(stack_config(emulator), ["azureml:accessToken"])
        return (
            lookups.get_model_version("m", "2"),
            lookups.list_model_versions("m"),
            lookups.list_code_versions("c"),
            lookups.list_code_versions("c", include_archived=True),
        )

    one, models, active, everything = contextvars.Context().run(run)
    assert one.asset_uri == "https://x/m2" and one.name == "m" and one.version == "2"
    assert one.type == "CustomModel" and one.stage == "Development"
    assert [item.version for item in models] == ["1", "2"]
    assert active == []
    assert [item.is_archived for item in everything] == [True]
    with pytest.raises(AzureMLError, match="reading data version"):
        contextvars.Context().run(
            lambda: (
                pulumi.runtime.set_all_config(stack_config(emulator), ["azureml:accessToken"]),
                lookups.get_data_version("none", "1"),
            )
        )


def test_the_content_hash_is_registered_so_refresh_sees_other_content_and_adoption_works(
    emulator: EmulatorServer, make_provider: Make, scoring: Path
) -> None:
    provider = make_provider("CodeVersion")
    inputs = checked(provider, code_inputs(scoring, properties={"team": "ml"}))
    created = provider.create(inputs)
    registered = arm(emulator, f"{BASE}/codes/score/versions/1").json()["properties"]["properties"]
    assert registered == {"team": "ml", "pulumi-azureml-content-hash": inputs["content_hash"]}
    read = provider.read(created.id, created.outs or {})
    assert provider.diff(read.id, read.outs or {}, inputs).changes is False

    # Another stack adopts a version of the same content: no conflict, no new upload. (Without `properties`: the
    # provider's adoption compares a property bag the service adds to as if the program managed none of it.)
    plain = make_provider("CodeVersion")
    plain.create(checked(plain, code_inputs(scoring, name="plain")))
    other = make_provider("CodeVersion")
    emulator.clear_requests_log()
    adopted = other.create(checked(other, {**code_inputs(scoring, name="plain"), "adopt_existing": True}))
    assert adopted.id.endswith("/codes/plain/versions/1")
    assert not any("/_blob/" in entry["path"] for entry in emulator.requests_log())

    # Someone registers other content under the same version: the refresh shows it, the next up replaces it.
    path = f"{emulator.url}{BASE}/codes/score/versions/1?api-version={API}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    requests.delete(path, headers=headers, timeout=10).raise_for_status()
    elsewhere = {
        "codeUri": "https://x/other",
        "properties": {"team": "ml", "pulumi-azureml-content-hash": "sha256:" + "1" * 64},
    }
    requests.put(path, json={"properties": elsewhere}, headers=headers, timeout=10).raise_for_status()
    read = provider.read(created.id, created.outs or {})
    assert provider.diff(read.id, read.outs or {}, inputs).replaces == ["content_hash"]

    reserved = provider.check({}, code_inputs(scoring, properties={"pulumi-azureml-content-hash": "x"}))
    assert [failure.property for failure in reserved.failures] == ["properties"]


@pytest.mark.parametrize(
    ("data_type", "which", "message"),
    [
        ("uri_file", "folder", "needs a file"),
        ("uri_folder", "file", "needs a folder"),
        ("mltable", "folder", "no MLTable file"),
    ],
)
def test_a_data_path_must_match_its_type(
    emulator: EmulatorServer,
    make_provider: Make,
    scoring: Path,
    model_file: Path,
    data_type: str,
    which: str,
    message: str,
) -> None:
    provider = make_provider("DataVersion")
    path = scoring if which == "folder" else model_file
    raw = {"name": "d", "data_type": data_type, "path": str(path), "content_hash": hash_path(str(path))}
    refused = provider.check({}, dict(raw))
    assert [(f.property, message in f.reason) for f in refused.failures] == [("path", True)], "refused at preview"
    # The create keeps its own guard (the disk can change between preview and up): inputs checked as another type.
    fine = "uri_folder" if data_type == "uri_file" else "uri_file"
    if data_type == "mltable":
        fine = "uri_folder"
    inputs = {**checked(provider, {**raw, "data_type": fine}), "data_type": data_type}
    with pytest.raises(AzureMLError, match=message):
        provider.create(inputs)
    assert not any("/_blob/" in entry["path"] for entry in emulator.requests_log())
    assert arm(emulator, f"{BASE}/data/d/versions/1").status_code == 404


def test_an_mltable_folder_uploads(emulator: EmulatorServer, make_provider: Make, scoring: Path) -> None:
    (scoring / "MLTable").write_text("paths:\n  - pattern: ./*.csv\n")
    provider = make_provider("DataVersion")
    inputs = checked(
        provider, {"name": "t", "data_type": "mltable", "path": str(scoring), "content_hash": hash_path(str(scoring))}
    )
    created = provider.create(inputs)
    assert (
        datastore_bytes(emulator, (created.outs or {})["asset_uri"].rstrip("/") + "/MLTable")
        == (scoring / "MLTable").read_bytes()
    )


def test_a_version_registered_elsewhere_with_properties_is_adopted(
    emulator: EmulatorServer, make_provider: Make
) -> None:
    """Adoption compares a property bag the service adds keys to on the program's keys, as a refresh does."""
    provider = make_provider("CodeVersion")
    inputs = {"name": "ext", "uri": "https://example.blob.core.windows.net/c/code", "properties": {"team": "ml"}}
    elsewhere = provider.create(checked(provider, {**inputs, "owner_marker": "other/stack/ext"}))
    adopted = provider.create(checked(provider, {**inputs, "owner_marker": "proj/dev/ext", "adopt_existing": True}))
    assert adopted.id == elsewhere.id
    assert (adopted.outs or {})["properties"] == {"team": "ml"}
