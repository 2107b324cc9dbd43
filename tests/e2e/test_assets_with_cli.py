"""A scoring folder and a model file uploaded and registered in one `pulumi up`, with the real CLI (issue 17).

up → the stored bytes equal the local files, no bearer token went to storage → a preview with no change sends no
request → one edited file previews as a replacement with its reason and the next `up` uploads it again → an
in-place change (the model's stage) → destroy leaves no asset version in the emulator. The SAS of the uploads is in
no output and no state.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, Project, resource_operations

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

PROGRAM = Path(__file__).parent / "programs" / "assets"


def stored(emulator: EmulatorServer, account: str, container: str, blob: str) -> bytes:
    path = emulator.blobs.blob_file(account, container, blob)
    assert path is not None, f"nothing stored at {account}/{container}/{blob}"
    return Path(path).read_bytes()


def code_bytes(emulator: EmulatorServer, folder_uri: str, relative: str) -> bytes:
    # A pending upload hands out a container of its own and the code goes to its root (test_code.py recording), so
    # the folder URI may have no path inside the container.
    account, container, *prefix = urllib.parse.unquote(folder_uri.split("/_blob/", 1)[1]).rstrip("/").split("/", 2)
    return stored(emulator, account, container, "/".join([*prefix, relative]))


def model_bytes(emulator: EmulatorServer, model_uri: str) -> bytes:
    store = next(body for body in (entry for entry in [_default_datastore(emulator)]) if body is not None)
    return stored(emulator, store["accountName"], store["containerName"], model_uri.split("/paths/", 1)[1])


def _default_datastore(emulator: EmulatorServer) -> dict[str, str]:
    import requests

    workspace = next(entry["id"] for entry in emulator.state()["resources"] if entry["kind"] == "workspace")
    answer = requests.get(
        f"{emulator.url}{workspace}/datastores/workspaceblobstore",
        params={"api-version": "2025-12-01"},
        headers={"Authorization": "Bearer e2e-static-token-value"},
        timeout=10,
    )
    properties: dict[str, str] = answer.json()["properties"]
    return properties


def versions(emulator: EmulatorServer) -> list[str]:
    return sorted(entry["id"] for entry in emulator.state()["resources"] if "/versions/" in entry["id"])


def test_upload_register_edit_and_destroy_with_the_cli(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    project = Project.from_program(tmp_path / "assets", PROGRAM, "azureml-assets")
    directory = project.directory
    (directory / "model").mkdir()
    model_file = directory / "model" / "model.bin"
    model_file.write_bytes(os.urandom(5 * 1024 * 1024 + 17))  # more than one 4 MiB block
    (directory / "scoring" / "debug.log").write_text("ignored by .amlignore\n")
    cli.run("stack", "init", "dev", cwd=directory)
    project.write_stack_config("dev", emulator_config)

    up = cli.run("up", "--yes", "--skip-preview", cwd=directory)
    outputs = cli.run("stack", "output", "--json", cwd=directory).json()
    assert code_bytes(emulator, outputs["code_uri"], "score.py") == (directory / "scoring" / "score.py").read_bytes()
    assert model_bytes(emulator, outputs["model_uri"]) == model_file.read_bytes()
    assert model_bytes(emulator, outputs["data_uri"]) == (directory / "data" / "customers.csv").read_bytes()
    assert not any(name.endswith("debug.log") for name in emulator.blobs.list_blobs())
    assert len(versions(emulator)) == 3
    storage = [entry for entry in emulator.requests_log() if "/_blob/" in entry["path"]]
    assert storage and all(entry["status"] == 201 for entry in storage), storage

    # Unchanged files: no change, and not a single request.
    emulator.clear_requests_log()
    cli.run("preview", "--expect-no-changes", cwd=directory)
    assert emulator.requests_log() == []

    # One edited file: the code version is replaced, with the reason; the model is untouched.
    score = directory / "scoring" / "score.py"
    score.write_text(score.read_text() + "\n# v2\n")
    preview = cli.run("preview", "--diff", cwd=directory)
    assert "versions are immutable in Azure ML" in preview.output
    operations = resource_operations(cli.run("preview", "--json", cwd=directory).json())
    assert operations["scoring"] == "replace", operations
    assert operations.get("churn-model", "same") == "same", operations  # unchanged steps may be left out
    emulator.clear_requests_log()
    cli.run("up", "--yes", "--skip-preview", cwd=directory)
    assert any("startPendingUpload" in entry["path"] for entry in emulator.requests_log())
    after = cli.run("stack", "output", "--json", cwd=directory).json()
    assert after["code_uri"] != outputs["code_uri"]
    assert code_bytes(emulator, after["code_uri"], "score.py") == score.read_bytes()
    assert after["model_uri"] == outputs["model_uri"]

    # In place: the model's stage, the data's tags.
    cli.run("config", "set", "modelStage", "Production", cwd=directory)
    cli.run("config", "set", "dataSource", "warehouse", cwd=directory)
    staged = resource_operations(cli.run("preview", "--json", cwd=directory).json())
    assert staged["churn-model"] == "update" and staged["customers"] == "update", staged
    cli.run("up", "--yes", "--skip-preview", cwd=directory)
    cli.run("preview", "--expect-no-changes", cwd=directory)
    cli.run("refresh", "--yes", "--expect-no-changes", cwd=directory)

    # No SAS in the state or the CLI's output.
    exported = cli.run("stack", "export", cwd=directory).stdout
    for text in (exported, up.output, preview.output):
        assert "sig=" not in text and "sv=20" not in text
    assert json.loads(exported)["deployment"]["resources"]

    cli.run("destroy", "--yes", "--skip-preview", cwd=directory)
    assert versions(emulator) == []
