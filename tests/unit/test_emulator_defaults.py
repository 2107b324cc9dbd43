"""`azureml:emulator` alone is enough: the placement settings default to the embedded emulator's ready-made place."""

from __future__ import annotations

from pathlib import Path

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.runtime import client_for
from pulumi_azureml.settings import EMULATOR_DEFAULTS, Settings


def test_placement_defaults_apply_only_with_the_emulator() -> None:
    with_emulator = Settings({"azureml:emulator": "./emulator.db"}, environ={})
    for key, value in EMULATOR_DEFAULTS.items():
        assert with_emulator.get(key) == value
    assert Settings({}, environ={}).get("subscriptionId") is None
    # What the stack sets wins over the emulator's defaults.
    chosen = Settings({"azureml:emulator": "./e.db", "azureml:workspaceName": "mine"}, environ={})
    assert chosen.get("workspaceName") == "mine"
    assert chosen.problems() == []


def test_the_embedded_emulator_has_the_default_place_ready(tmp_path: Path) -> None:
    database = tmp_path / "emulator.db"
    client_for(Settings({"azureml:emulator": str(database)}, environ={}))
    with EmulatorServer(db_path=str(database)) as server:
        ids = {entry["id"].lower() for entry in server.state()["resources"]}
    group = (
        f"/subscriptions/{EMULATOR_DEFAULTS['subscriptionId']}/resourcegroups/{EMULATOR_DEFAULTS['resourceGroupName']}"
    )
    assert group in ids
    assert f"{group}/providers/microsoft.machinelearningservices/workspaces/mlw-emulator" in ids


def test_a_named_workspace_is_left_to_the_program(tmp_path: Path) -> None:
    database = tmp_path / "emulator.db"
    settings = {
        "azureml:emulator": str(database),
        "azureml:subscriptionId": "00000000-0000-0000-0000-0000000000aa",
        "azureml:resourceGroupName": "rg-mine",
        "azureml:workspaceName": "mlw-mine",
    }
    client_for(Settings(settings, environ={}))
    with EmulatorServer(db_path=str(database)) as server:
        kinds = sorted(entry["kind"] for entry in server.state()["resources"])
    assert kinds == ["resourceGroup"], "the stack's own workspace must stay free for its Workspace resource"
