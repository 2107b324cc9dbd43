"""The ``/_emulator/`` control plane over HTTP, and the matching Python methods."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import (
    LOCATION,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    WORKSPACE,
    Arm,
    aml_compute_body,
    compute_path,
    workspace_path,
)


@pytest.fixture
def control(emulator: EmulatorServer) -> Any:
    session = requests.Session()
    base = f"{emulator.url}/_emulator"

    class Control:
        def get(self, path: str) -> requests.Response:
            return session.get(f"{base}{path}", timeout=10)

        def post(self, path: str, body: Any = None) -> requests.Response:
            return session.post(f"{base}{path}", json=body, timeout=10)

        def delete(self, path: str) -> requests.Response:
            return session.delete(f"{base}{path}", timeout=10)

    yield Control()
    session.close()


def test_health_needs_no_token(control: Any) -> None:
    assert control.get("/health").json() == {"status": "ok"}


def test_reset_forgets_everything(arm: Arm, emulator: EmulatorServer, control: Any, workspace: dict[str, Any]) -> None:
    emulator.configure(page_size=7)
    emulator.add_fault(path="/nothing", status=500)
    arm.put(compute_path("cpu"), aml_compute_body())
    assert control.post("/reset").status_code == 200
    state = control.get("/state").json()
    assert state["resources"] == []
    assert state["operations"] == []
    assert state["faults"] == []
    assert state["requestCount"] == 0
    assert state["settings"]["page_size"] == 100
    assert arm.get(workspace_path()).status_code == 404


def test_settings_read_and_change(control: Any) -> None:
    settings = control.get("/settings").json()
    assert settings["polls_to_complete"] == 1
    assert settings["retry_after"] == 0
    changed = control.post("/settings", {"polls_to_complete": 3, "retry_after": 1, "tokens": ["a"]})
    assert changed.status_code == 200
    assert changed.json()["polls_to_complete"] == 3
    assert changed.json()["tokens"] == ["a"]
    assert control.post("/settings", {"tokens": None}).json()["tokens"] is None


@pytest.mark.parametrize(
    "change",
    [
        {"polls_to_complete": -1},
        {"polls_to_complete": True},
        {"page_size": 0},
        {"operation_final_status": "Exploded"},
        {"no_such_setting": 1},
        {"tokens": "single"},
        {"seconds_to_complete": "soon"},
    ],
)
def test_bad_settings_are_refused(control: Any, emulator: EmulatorServer, change: dict[str, Any]) -> None:
    response = control.post("/settings", change)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidControlRequest"
    with pytest.raises(ValueError):
        emulator.configure(**change)


def test_request_log_records_arm_calls_only(
    arm: Arm, emulator: EmulatorServer, control: Any, workspace: dict[str, Any]
) -> None:
    arm.get(workspace_path())
    arm.put(compute_path("cpu"), aml_compute_body())
    control.get("/state")
    control.get("/requests")
    entries = control.get("/requests").json()["value"]
    assert [(entry["method"], entry["status"]) for entry in entries] == [("GET", 200), ("PUT", 201)]
    assert entries[0]["path"] == workspace_path()
    assert entries[0]["query"] == "api-version=2025-12-01"
    assert entries[0]["params"] == {"api-version": "2025-12-01"}
    # In process the log also holds each request's body; over HTTP it does not (bodies may carry credentials).
    in_process = emulator.requests_log()
    assert [{k: v for k, v in entry.items() if k != "body"} for entry in in_process] == entries
    assert in_process[0]["body"] is None and '"computeType"' in in_process[1]["body"]
    assert control.delete("/requests").status_code == 204
    assert emulator.requests_log() == []
    arm.get(workspace_path())
    emulator.clear_requests_log()
    assert control.get("/requests").json()["value"] == []


def test_expire_a_token_over_http(arm: Arm, control: Any, workspace: dict[str, Any]) -> None:
    assert control.post("/tokens/expire", {"token": "old"}).status_code == 204
    assert arm.get(workspace_path(), token="old").json()["error"]["code"] == "ExpiredAuthenticationToken"
    assert control.post("/tokens/expire", {}).status_code == 400


def test_seed_over_http(arm: Arm, control: Any, emulator: EmulatorServer) -> None:
    group = control.post("/resource-groups", {"subscription_id": SUBSCRIPTION, "name": "rg-http", "location": LOCATION})
    assert group.status_code == 201
    assert group.json()["properties"]["provisioningState"] == "Succeeded"
    seeded = control.post(
        "/workspaces",
        {"subscription_id": SUBSCRIPTION, "resource_group": RESOURCE_GROUP, "name": WORKSPACE, "location": LOCATION},
    )
    assert seeded.status_code == 201
    assert seeded.json()["properties"]["discoveryUrl"].startswith(emulator.url)
    assert arm.get(workspace_path()).json()["properties"]["workspaceId"] == seeded.json()["properties"]["workspaceId"]
    assert control.post("/workspaces", {"subscription_id": SUBSCRIPTION}).status_code == 400


def test_state_never_shows_secrets(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    arm.put(
        f"{workspace_path()}/batchEndpoints/ep1",
        {"location": LOCATION, "properties": {"authMode": "Key", "keys": {"primaryKey": "TOPSECRET"}}},
    )
    state = emulator.state()
    assert "TOPSECRET" not in str(state)
    assert state["resources"][-1]["hasSecrets"] is True


def test_unknown_control_calls(control: Any) -> None:
    assert control.get("/nothing-here").status_code == 404
    assert control.post("/faults", "not an object").status_code == 400
    assert control.get("/reset").status_code == 404


def test_instances_do_not_share_state(workspace: dict[str, Any]) -> None:
    with EmulatorServer() as other:
        client = Arm(other.url)
        try:
            assert client.get(workspace_path()).status_code == 404
        finally:
            client.close()


def test_lifecycle_errors() -> None:
    server = EmulatorServer()
    with pytest.raises(RuntimeError):
        _ = server.url
    server.start()
    assert server.start() is server
    server.stop()
    server.stop()
    with pytest.raises(RuntimeError):
        server.start()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{server.port}/_emulator/health", timeout=2)
