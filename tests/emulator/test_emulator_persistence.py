"""The SQLite store: state survives a restart, and several emulators can share one file safely."""

from __future__ import annotations

from pathlib import Path

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import (
    LOCATION,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    WORKSPACE,
    Arm,
    aml_compute_body,
    compute_path,
    endpoint_body,
    endpoint_path,
    workspace_path,
)


def test_state_survives_a_restart(tmp_path: Path) -> None:
    database = tmp_path / "emulator.db"
    with EmulatorServer(db_path=database) as first:
        first.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
        client = Arm(first.url)
        try:
            assert client.put(compute_path("cpu"), aml_compute_body()).status_code == 201
            client.wait(compute_path("cpu"))
            assert client.put(endpoint_path("ep1"), endpoint_body()).status_code == 201
            keys = client.post(f"{endpoint_path('ep1')}/listkeys").json()
            workspace_id = client.get(workspace_path()).json()["properties"]["workspaceId"]
        finally:
            client.close()
    with EmulatorServer(db_path=database) as second:
        client = Arm(second.url)
        try:
            compute = client.get(compute_path("cpu"))
            assert compute.status_code == 200
            assert compute.json()["properties"]["provisioningState"] == "Succeeded"
            workspace = client.get(workspace_path()).json()
            assert workspace["properties"]["workspaceId"] == workspace_id
            # URLs handed out follow the new port, not the one the resource was created on.
            assert workspace["properties"]["discoveryUrl"].startswith(second.url)
            assert client.follow(workspace["properties"]["discoveryUrl"]).status_code == 200
            assert client.post(f"{endpoint_path('ep1')}/listkeys").json() == keys
        finally:
            client.close()


def test_a_pending_operation_survives_a_restart(tmp_path: Path) -> None:
    database = tmp_path / "emulator.db"
    with EmulatorServer(db_path=database, polls_to_complete=2) as first:
        first.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
        client = Arm(first.url)
        try:
            status_url = client.put(compute_path("cpu"), aml_compute_body()).headers["Azure-AsyncOperation"]
            assert client.follow(status_url).json()["status"] == "InProgress"
        finally:
            client.close()
    with EmulatorServer(db_path=database) as second:
        client = Arm(second.url)
        try:
            moved = status_url.replace(status_url.split("/subscriptions/")[0], second.url)
            assert client.follow(moved).json()["status"] == "Succeeded"
            assert client.get(compute_path("cpu")).json()["properties"]["provisioningState"] == "Succeeded"
        finally:
            client.close()


def test_two_emulators_share_one_database(tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    with EmulatorServer(db_path=database) as one, EmulatorServer(db_path=database) as two:
        one.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
        first, second = Arm(one.url), Arm(two.url)
        try:
            assert first.put(compute_path("cpu"), aml_compute_body()).status_code == 201
            assert second.put(compute_path("cpu"), aml_compute_body()).status_code == 409
            assert second.get(compute_path("cpu")).json()["properties"]["provisioningState"] == "Succeeded"
            assert [item["name"] for item in first.get(f"{workspace_path()}/computes").json()["value"]] == ["cpu"]
        finally:
            first.close()
            second.close()


def test_reset_empties_the_database(tmp_path: Path) -> None:
    database = tmp_path / "emulator.db"
    with EmulatorServer(db_path=database) as server:
        server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
        server.reset()
        assert server.state()["resources"] == []
    with EmulatorServer(db_path=database) as server:
        assert server.state()["resources"] == []
