"""Secret scan of asset uploads (issue 17): the upload SAS and the datastore key appear nowhere a user or a log sees.

With every logger at DEBUG (urllib3 logs each request's URL, SAS included, unless filtered), a code version and a
model version are created from local files (the model in several blocks), updated, refreshed and deleted, and one
upload is refused by storage. Then every log record, every printed line, every error text, the outputs (state),
the pickled providers and the emulator's request log and state are searched for each SAS handed to the uploader,
its signature alone, and the datastore's account key.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import pickle
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_azureml.arm import blob
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider
from pulumi_azureml.settings import Settings
from pulumi_azureml.uploads import hash_path

from reliability.catalogue import RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE
from reliability.conftest import TOKEN, stack_config
from reliability.inprocess_engine import over_the_wire


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record) + repr(record.args))


@pytest.fixture
def debug_logs() -> Iterator[_Records]:
    handler = _Records()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in ("urllib3", "requests", "pulumi_azureml"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_upload_credentials_are_never_shown(
    emulator: EmulatorServer, debug_logs: _Records, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handed: list[str] = []
    original = blob.BlobUploader.__init__

    def spy(self: blob.BlobUploader, folder_url: str, sas: str, **options: Any) -> None:
        handed.append(sas)
        original(self, folder_url, sas, **options)

    monkeypatch.setattr(blob.BlobUploader, "__init__", spy)
    seen: list[str] = []
    printed = io.StringIO()

    def provider(kind: str) -> AzureMLProvider:
        made = AzureMLProvider(kind)
        made.use_settings(Settings(stack_config(emulator), environ={}))
        return made

    def attempt(function: Any, *args: Any) -> Any:
        try:
            with contextlib.redirect_stdout(printed):
                return function(*args)
        except Exception as error:  # noqa: BLE001 - every error text is scanned
            seen.append(f"{type(error).__name__}: {error}")
            return None

    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "score.py").write_text("def run(batch):\n    return batch\n")
    model = tmp_path / "model.bin"
    model.write_bytes(os.urandom(blob.BLOCK_SIZE * 2 + 1))
    codes, models = provider("CodeVersion"), provider("ModelVersion")
    code_inputs = {"name": "score", "path": str(folder), "content_hash": hash_path(str(folder))}
    model_inputs = {"name": "churn", "path": str(model), "content_hash": hash_path(str(model))}
    code_checked = over_the_wire(dict(codes.check({}, code_inputs).inputs))
    model_checked = over_the_wire(dict(models.check({}, model_inputs).inputs))
    code = attempt(codes.create, code_checked)
    made = attempt(models.create, model_checked)
    assert code is not None and made is not None, seen
    for subject, result, inputs in ((codes, code, code_checked), (models, made, model_checked)):
        outputs = over_the_wire(result.outs)
        updated = attempt(subject.update, result.id, outputs, {**inputs, "description": "changed"})
        read = attempt(subject.read, result.id, over_the_wire(updated.outs))
        seen.append(json.dumps(read.outs, default=str))
        attempt(subject.delete, result.id, over_the_wire(read.outs))

    # Storage refuses the next upload (its key rotated after the SAS was issued): the error is scanned too.
    real_keys = emulator.blobs.account_keys
    monkeypatch.setattr(emulator.blobs, "account_keys", lambda account: [b"rotated"])
    attempt(codes.create, code_checked)
    assert any("AuthenticationFailed" in text for text in seen), seen
    monkeypatch.setattr(emulator.blobs, "account_keys", real_keys)

    account_key = requests.post(
        f"{emulator.url}{code.id.split('/codes/')[0]}/datastores/workspaceblobstore/listSecrets",
        params={"api-version": "2025-12-01"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={},
        timeout=10,
    ).json()["key"]
    assert len(handed) >= 3
    secrets = {"datastore key": account_key}
    for index, sas in enumerate(handed):
        secrets[f"sas {index}"] = sas
        signature = urllib.parse.parse_qs(sas)["sig"][0]
        secrets[f"signature {index}"] = signature
        secrets[f"quoted signature {index}"] = urllib.parse.quote(signature, safe="")
    scanned = {
        "error texts, outputs and check failures": "\n".join(seen),
        "printed lines": printed.getvalue(),
        "debug log records": "\n".join(debug_logs.texts),
        "__provider": "\n".join(pickle.dumps(subject).decode("latin-1") for subject in (codes, models)),
        "emulator request log": requests.get(f"{emulator.url}/_emulator/requests", timeout=10).text,
        "emulator state": json.dumps({k: v for k, v in emulator.state().items() if k != "settings"}),
    }
    assert any("/_blob/" in text for text in debug_logs.texts), "urllib3 logged no storage request: proves nothing"
    for where, text in scanned.items():
        leaked = [name for name, value in secrets.items() if value in text]
        assert leaked == [], f"{leaked} in the {where}"


# -- issue 23: secrets learnt during an upload, echoed by the version PUT that follows ---------------------------


def _datastore_key(emulator: EmulatorServer) -> str:
    workspace = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    workspace += f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
    answer = requests.post(
        f"{emulator.url}{workspace}/datastores/workspaceblobstore/listSecrets",
        params={"api-version": "2025-12-01"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={},
        timeout=10,
    )
    return str(answer.json()["key"])


@pytest.mark.parametrize(
    ("kind", "collection", "extra"),
    [
        ("CodeVersion", "codes", {}),
        ("ModelVersion", "models", {}),
        ("DataVersion", "data", {"data_type": "uri_folder"}),
    ],
)
def test_a_version_put_that_echoes_the_upload_credentials_shows_none(
    emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, collection: str, extra: Any
) -> None:
    """Before the fix the SAS (all three kinds) and the datastore key (models, data) were shown in full: they were
    learnt during the upload and registered for redaction nowhere."""
    key = _datastore_key(emulator)
    handed: list[str] = []
    original = blob.BlobUploader.__init__

    def spy(self: blob.BlobUploader, folder_url: str, sas: str, **options: Any) -> None:
        handed.append(sas)
        signature = urllib.parse.parse_qs(sas)["sig"][0]
        # The PUT after the upload fails quoting everything the upload used, as a careless service might.
        emulator.add_fault(
            method="PUT",
            path=f"*/{collection}/*/versions/*",
            status=400,
            # A code version's upload uses no datastore key: it cannot be in its error.
            error_message=f"bad blob {folder_url}?{sas} sig {signature}"
            + (f" key {key}" if kind != "CodeVersion" else ""),
            times=1,
        )
        original(self, folder_url, sas, **options)

    monkeypatch.setattr(blob.BlobUploader, "__init__", spy)
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a.txt").write_text("content")
    subject = AzureMLProvider(kind)
    subject.use_settings(Settings(stack_config(emulator), environ={}))
    inputs = {"name": "echoed", "path": str(folder), "content_hash": hash_path(str(folder)), **extra}
    checked = subject.check({}, over_the_wire(inputs))
    assert not checked.failures, checked.failures
    with pytest.raises(AzureMLError) as raised:
        subject.create(over_the_wire(dict(checked.inputs)))
    message = str(raised.value)
    assert "bad blob" in message and len(handed) == 1, message
    signature = urllib.parse.parse_qs(handed[0])["sig"][0]
    if kind != "CodeVersion":
        assert "key ***" in message, message
    for name, value in {"sas": handed[0], "signature": signature, "datastore key": key}.items():
        assert value not in message, f"the {name} is in {message!r}"
    assert urllib.parse.quote(signature, safe="") not in message
