"""Long-running operations: progress per poll or per second, outcomes, status and result URLs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import (
    LOCATION,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    WORKSPACE,
    Arm,
    aml_compute_body,
    compute_instance_body,
    compute_path,
    endpoint_body,
    endpoint_path,
    workspace_path,
)


class FakeClock:
    """A clock the test moves by hand, so time-based progress needs no sleeping."""

    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def timed(clock: FakeClock) -> Iterator[tuple[EmulatorServer, Arm]]:
    with EmulatorServer(seconds_to_complete=30, clock=clock) as server:
        server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
        client = Arm(server.url)
        yield server, client
        client.close()


def test_default_is_one_poll(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.put(compute_path("cpu"), aml_compute_body())
    assert response.json()["properties"]["provisioningState"] == "Creating"
    assert arm.get(compute_path("cpu")).json()["properties"]["provisioningState"] == "Succeeded"


def test_zero_polls_completes_at_once_but_still_answers_non_terminal(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(polls_to_complete=0)
    response = arm.put(compute_path("cpu"), aml_compute_body())
    # The RPC requires a non-terminal provisioningState in the PUT response itself.
    assert response.json()["properties"]["provisioningState"] == "Creating"
    assert arm.follow(response.headers["Azure-AsyncOperation"]).json()["status"] == "Succeeded"


def test_constructor_polls_setting() -> None:
    with EmulatorServer(polls_to_complete=3) as server:
        server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
        client = Arm(server.url)
        try:
            url = client.put(compute_path("cpu"), aml_compute_body()).headers["Azure-AsyncOperation"]
            statuses = [client.follow(url).json() for _ in range(3)]
            assert [status["status"] for status in statuses] == ["InProgress", "InProgress", "Succeeded"]
            assert [status.get("percentComplete") for status in statuses] == [None, None, 100.0]
        finally:
            client.close()


def test_every_kind_of_poll_counts(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    emulator.configure(polls_to_complete=3)
    response = arm.put(compute_path("cpu"), aml_compute_body())
    assert arm.follow(response.headers["Azure-AsyncOperation"]).json()["status"] == "InProgress"
    assert arm.get(compute_path("cpu")).json()["properties"]["provisioningState"] == "Creating"
    # Lists show the state but are not polls.
    assert arm.get(f"{workspace_path()}/computes").json()["value"][0]["properties"]["provisioningState"] == "Creating"
    assert arm.follow(response.headers["Azure-AsyncOperation"]).json()["status"] == "Succeeded"


def test_seconds_mode_completes_after_the_time(timed: tuple[EmulatorServer, Arm], clock: FakeClock) -> None:
    _, client = timed
    response = client.put(compute_path("cpu"), aml_compute_body())
    url = response.headers["Azure-AsyncOperation"]
    for _ in range(5):
        assert client.follow(url).json()["status"] == "InProgress"
    assert client.put(compute_path("cpu"), aml_compute_body()).status_code == 409
    clock.now += 30
    # Time alone completes it: a write after the deadline is not refused.
    assert client.put(compute_path("cpu"), aml_compute_body()).status_code == 201
    clock.now += 30
    assert client.follow(url).json()["status"] == "Succeeded"
    assert client.get(compute_path("cpu")).json()["properties"]["provisioningState"] == "Succeeded"


def test_status_times_use_the_injected_clock(timed: tuple[EmulatorServer, Arm], clock: FakeClock) -> None:
    server, client = timed
    url = client.put(endpoint_path("ep1"), endpoint_body()).headers["Azure-AsyncOperation"]
    clock.now += 31
    # The recorded mfe status body carries no times; the operation's own record does.
    assert client.follow(url).json()["status"] == "Succeeded"
    (operation,) = [entry for entry in server.state()["operations"] if entry["family"] == "mfe"]
    assert operation["ended_at"] - operation["started_at"] == 31


@pytest.mark.parametrize("final", ["Failed", "Canceled"])
def test_emulator_wide_failure_setting(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any], final: str
) -> None:
    emulator.configure(operation_final_status=final)
    response = arm.put(endpoint_path("ep1"), endpoint_body())
    status = arm.poll_status(response.headers["Azure-AsyncOperation"])
    assert status["status"] == final
    assert status["error"]["code"] in ("InternalServerError", "OperationCanceled")
    assert status["error"]["message"]
    assert arm.get(endpoint_path("ep1")).json()["properties"]["provisioningState"] == final


def test_a_failed_operation_result_url_answers_the_error(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    arm.put(endpoint_path("ep1"), endpoint_body())
    arm.wait(endpoint_path("ep1"))
    emulator.configure(
        operation_final_status="Failed", operation_error_code="BadArgument", operation_error_message="nope"
    )
    location = arm.patch(endpoint_path("ep1"), {"tags": {"a": "b"}}).headers["Location"]
    result = arm.follow(location)
    assert result.status_code == 400
    assert result.json()["error"]["code"] == "BadArgument"
    assert result.json()["error"]["message"] == "nope"


def test_a_failed_delete_leaves_the_resource_failed(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    arm.put(compute_path("cpu"), aml_compute_body())
    arm.wait(compute_path("cpu"))
    emulator.configure(operation_final_status="Failed")
    response = arm.delete(compute_path("cpu"), params={"underlyingResourceAction": "Delete"})
    assert arm.poll_status(response.headers["Azure-AsyncOperation"])["status"] == "Failed"
    body = arm.get(compute_path("cpu")).json()
    assert body["properties"]["provisioningState"] == "Failed"
    assert body["properties"]["provisioningErrors"][0]["error"]["code"] == "InternalServerError"


def test_unknown_operation_is_404(arm: Arm, workspace: dict[str, Any]) -> None:
    path = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.MachineLearningServices/locations/eastus"
    response = arm.get(f"{path}/computeOperationsStatus/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404


def test_an_operation_answers_only_under_its_own_family_and_subscription(arm: Arm, workspace: dict[str, Any]) -> None:
    url = arm.put(compute_path("cpu"), aml_compute_body()).headers["Azure-AsyncOperation"]
    assert arm.follow(url.replace("computeOperationsStatus", "mfeOperationsStatus")).status_code == 404
    assert arm.follow(url.replace(SUBSCRIPTION, "99999999-1111-2222-3333-444444444444")).status_code == 404
    assert arm.follow(url).status_code == 200


def test_status_urls_need_an_api_version_and_a_token(arm: Arm, workspace: dict[str, Any]) -> None:
    url = arm.put(compute_path("cpu"), aml_compute_body()).headers["Azure-AsyncOperation"]
    bare = url.split("?")[0]
    assert arm.request("GET", bare, api_version=None).status_code == 400
    assert arm.request("GET", url, api_version=None, token=None).status_code == 401


def test_status_url_answers_retry_after_while_running(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(polls_to_complete=3, retry_after=2)
    url = arm.put(compute_path("ci1"), compute_instance_body()).headers["Azure-AsyncOperation"]
    running = arm.follow(url)
    assert running.headers["Retry-After"] == "2"
    assert "error" not in running.json()


def test_operations_are_listed_in_the_state_dump(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    arm.put(compute_path("cpu"), aml_compute_body())
    state = emulator.state()
    assert len(state["operations"]) == 1
    assert state["operations"][0]["status"] == "InProgress"
    # The workspace's own default datastores (workspaceblobstore, workspacefilestore) are not part of this story.
    resources = [resource for resource in state["resources"] if resource["kind"] != "datastore"]
    assert [resource["kind"] for resource in resources] == ["resourceGroup", "workspace", "compute"]
    assert resources[2]["pendingOperation"] == state["operations"][0]["id"]
