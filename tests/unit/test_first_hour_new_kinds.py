"""A first hour with the asset, datastore, environment and online kinds: mistakes refused early, in words that say
what to do (the CLI output these pin was recorded with the real Pulumi CLI on the emulator stack)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.resources.assets import AssetPathError, with_content_hash
from pulumi_azureml.schema import UNKNOWN
from pulumi_azureml.settings import Settings
from pulumi_azureml.uploads import LocalPathError, hash_path

PLACE = {
    "azureml:subscriptionId": "00000000-0000-0000-0000-000000000001",
    "azureml:resourceGroupName": "rg-first-hour",
    "azureml:workspaceName": "mlw-first-hour",
}


def failures(kind: str, inputs: dict[str, Any]) -> list[tuple[str, str]]:
    provider = AzureMLProvider(kind)
    provider.use_settings(Settings(PLACE, environ={}))
    result = provider.check({}, inputs)
    return [(failure.property, failure.reason) for failure in result.failures]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "part.csv").write_text("a,b\n1,2\n")
    (tmp_path / "model.json").write_text("{}")
    return tmp_path


def data(path: Path | str, data_type: str) -> dict[str, Any]:
    return {"name": "d", "data_type": data_type, "path": str(path), "content_hash": hash_path(str(path))}


@pytest.mark.parametrize(
    ("data_type", "which", "reason"),
    [
        ("uri_folder", "model.json", "is a file, but data_type uri_folder needs a folder (use uri_file for a file)"),
        ("mltable", "model.json", "is a file, but data_type mltable needs a folder (use uri_file for a file)"),
        ("uri_file", "folder", "is a folder, but data_type uri_file needs a file (use uri_folder for a folder)"),
        ("mltable", "folder", "has no MLTable file at its top, which data_type mltable needs"),
    ],
)
def test_a_data_path_of_the_wrong_kind_is_refused_at_preview(
    files: Path, data_type: str, which: str, reason: str
) -> None:
    path = files / which
    assert failures("DataVersion", data(path, data_type)) == [("path", f"{str(path)!r} {reason}")]


def test_a_data_path_of_the_right_kind_passes_and_an_unknown_one_waits(files: Path) -> None:
    assert failures("DataVersion", data(files / "model.json", "uri_file")) == []
    assert failures("DataVersion", data(files / "folder", "uri_folder")) == []
    (files / "folder" / "MLTable").write_text("paths:\n  - pattern: ./*.csv\n")
    assert failures("DataVersion", data(files / "folder", "mltable")) == []
    # A path computed from another resource is not known at preview: nothing to look at yet.
    assert (
        failures("DataVersion", {"name": "d", "data_type": "uri_folder", "path": UNKNOWN, "content_hash": UNKNOWN})
        == []
    )


def test_a_missing_asset_path_is_one_line_naming_the_resource_and_the_directory(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files)
    with pytest.raises(AssetPathError) as raised:
        with_content_hash({"path": "./no-such-folder"}, "CodeVersion", "scoring-code")
    assert str(raised.value) == (
        "CodeVersion 'scoring-code': path './no-such-folder' does not exist (relative paths start at the Pulumi "
        f"program's directory: {os.getcwd()})"
    )
    # The CLI prints a RunError's message alone (no traceback); callers catching LocalPathError still do.
    assert isinstance(raised.value, pulumi.RunError)
    assert isinstance(raised.value, LocalPathError)


def test_an_existing_asset_path_is_hashed_as_before(files: Path) -> None:
    props = with_content_hash({"path": str(files / "folder")}, "CodeVersion", "scoring-code")
    assert props["content_hash"] == hash_path(str(files / "folder"))


LAKE: dict[str, Any] = {
    "name": "lake",
    "datastore_type": "AzureDataLakeGen2",
    "account_name": "mystorage",
    "filesystem": "landing",
}
ACCOUNT_KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHM="


def test_an_account_key_on_a_lake_datastore_names_account_key_and_the_ways_that_work() -> None:
    found = failures("Datastore", {**LAKE, "account_key": ACCOUNT_KEY})
    assert found == [
        (
            "account_key",
            "does not work with an AzureDataLakeGen2 datastore; give client_secret (with tenant_id and client_id), "
            "certificate (with tenant_id, client_id and thumbprint), or no secret for identity-based access",
        )
    ], "the program set account_key, not credentials_type: the error names what it set"
    assert ACCOUNT_KEY not in repr(found)


def test_an_explicit_credentials_type_that_the_datastore_type_refuses_is_named_with_its_inputs() -> None:
    found = failures(
        "Datastore",
        {
            **LAKE,
            "datastore_type": "AzureFile",
            "filesystem": None,
            "file_share_name": "share",
            "credentials_type": "ServicePrincipal",
            "tenant_id": "00000000-0000-0000-0000-000000000002",
            "client_id": "00000000-0000-0000-0000-000000000003",
        },
    )
    assert (
        "credentials_type",
        "'ServicePrincipal' does not work with an AzureFile datastore; use AccountKey, Sas, None (account_key, "
        "sas_token, or no secret for identity-based access)",
    ) in found, found


IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"


@pytest.mark.parametrize("path", ["./conda.yml", "conda.yaml", "envs/scoring/conda.yml "])
def test_a_conda_file_path_instead_of_its_text_is_refused_at_preview(path: str) -> None:
    found = failures("EnvironmentVersion", {"name": "env", "version": "1", "image": IMAGE, "conda_file": path})
    assert found == [
        (
            "conda_file",
            f"is the conda file's YAML text, not its path; got {path!r}: read the file in the program, e.g. "
            'conda_file=pathlib.Path("conda.yml").read_text()',
        )
    ]


def test_conda_file_text_passes() -> None:
    text = "name: scoring\ndependencies:\n  - python=3.11\n"
    assert failures("EnvironmentVersion", {"name": "env", "version": "1", "image": IMAGE, "conda_file": text}) == []
    assert failures("EnvironmentVersion", {"name": "env", "version": "1", "image": IMAGE, "conda_file": UNKNOWN}) == []


def test_an_environment_with_neither_image_nor_build_names_image() -> None:
    found = failures("EnvironmentVersion", {"name": "env", "version": "1"})
    assert found == [("image", "is required unless build (a Docker build context) is given")]


def test_a_field_required_by_one_type_says_which_type_needs_it() -> None:
    found = failures(
        "Datastore", {"name": "share", "datastore_type": "AzureFile", "account_name": "mystorage", "owner_marker": "m"}
    )
    assert ("file_share_name", "is required for datastore_type AzureFile") in found, found
