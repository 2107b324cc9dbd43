"""Fault injection: ordered rules, first match wins, ``times`` counts."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer, FaultRule

from emulator_helpers import (
    Arm,
    aml_compute_body,
    compute_path,
    endpoint_body,
    endpoint_path,
    workspace_path,
)


def test_injected_status_with_arm_error_and_headers(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    rule = emulator.add_fault(method="PUT", path="*/computes/*", status=429, headers={"Retry-After": "0"}, times=2)
    assert rule["remaining"] == 2
    statuses = [arm.put(compute_path("cpu"), aml_compute_body()).status_code for _ in range(3)]
    assert statuses == [429, 429, 201]
    throttled = emulator.requests_log()[0]
    assert throttled["status"] == 429
    assert throttled["fault"] == rule["id"]
    assert emulator.faults()[0]["remaining"] == 0
    assert emulator.faults()[0]["matched"] == 2


def test_injected_error_body_defaults_and_overrides(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.add_fault(method="GET", path="*/workspaces/*", status=503, times=1)
    emulator.add_fault(
        method="GET",
        path="*/workspaces/*",
        status=409,
        error_code="AnotherOperationInProgress",
        error_message="busy",
        times=1,
    )
    unavailable = arm.get(workspace_path())
    assert unavailable.status_code == 503
    assert unavailable.json()["error"]["code"] == "ServiceUnavailable"
    assert unavailable.headers["Retry-After"] == "0"
    assert unavailable.headers["x-ms-request-id"]
    busy = arm.get(workspace_path())
    assert busy.status_code == 409
    assert busy.json()["error"] == {
        "code": "AnotherOperationInProgress",
        "message": "busy",
        "target": None,
        "details": [],
    }
    assert arm.get(workspace_path()).status_code == 200


def test_first_matching_rule_wins(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    emulator.add_fault(path="*/computes/*", status=500, times=1)
    emulator.add_fault(path="*", status=502)
    assert arm.get(compute_path("cpu")).status_code == 500
    # The first rule is used up; the catch-all now answers everything.
    assert arm.get(compute_path("cpu")).status_code == 502
    assert arm.get(workspace_path()).status_code == 502
    emulator.clear_faults()
    assert arm.get(workspace_path()).status_code == 200


def test_rules_match_method_and_path_case_insensitively(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.add_fault(method="delete", path="*/COMPUTES/*", status=500)
    assert arm.get(compute_path("cpu")).status_code == 404
    assert arm.delete(compute_path("CPU"), params={"underlyingResourceAction": "Delete"}).status_code == 500


def test_dropped_connection(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    emulator.add_fault(method="GET", path="*/workspaces/*", drop=True, times=1)
    with pytest.raises(requests.ConnectionError):
        arm.get(workspace_path())
    assert emulator.requests_log()[-1]["status"] is None
    assert arm.get(workspace_path()).status_code == 200


def test_added_latency(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    """This test is about real time, so it measures it."""
    emulator.add_fault(method="GET", path="*/workspaces/*", latency_seconds=0.3, times=1)
    started = time.perf_counter()
    response = arm.get(workspace_path())
    slow = time.perf_counter() - started
    assert response.status_code == 200
    assert slow >= 0.3
    started = time.perf_counter()
    arm.get(workspace_path())
    assert time.perf_counter() - started < 0.3


def test_latency_is_bounded(emulator: EmulatorServer) -> None:
    assert emulator.add_fault(latency_seconds=3600)["latency_seconds"] == 30.0


@pytest.mark.parametrize("final", ["Failed", "Canceled"])
def test_operation_forced_to_end_badly(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any], final: str
) -> None:
    emulator.add_fault(
        operation="lro",
        path="*/batchendpoints/*",
        lro_status=final,
        error_code="InternalError",
        error_message="injected",
        times=1,
    )
    response = arm.put(endpoint_path("ep1"), endpoint_body())
    assert response.status_code == 201
    status = arm.poll_status(response.headers["Azure-AsyncOperation"])
    assert status["status"] == final
    assert status["error"] == {"code": "InternalError", "message": "injected"}
    assert arm.get(endpoint_path("ep1")).json()["properties"]["provisioningState"] == final
    # Used up: the next operation succeeds.
    again = arm.put(endpoint_path("ep1"), endpoint_body())
    assert arm.poll_status(again.headers["Azure-AsyncOperation"])["status"] == "Succeeded"


def test_forced_compute_failure_fills_provisioning_errors(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.add_fault(path="*/computes/*", lro_status="Failed", error_code="QuotaExceeded")
    response = arm.put(compute_path("cpu"), aml_compute_body())
    status = arm.poll_status(response.headers["Azure-AsyncOperation"])
    assert status["error"]["code"] == "QuotaExceeded"
    properties = arm.get(compute_path("cpu")).json()["properties"]
    assert properties["provisioningErrors"][0]["error"]["code"] == "QuotaExceeded"
    assert properties["properties"]["errors"][0]["error"]["code"] == "QuotaExceeded"


def test_lro_status_rules_skip_requests_that_start_no_operation(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.add_fault(path="*/computes/*", lro_status="Failed", times=1)
    assert arm.get(compute_path("cpu")).status_code == 404
    assert emulator.faults()[0]["remaining"] == 1
    response = arm.put(compute_path("cpu"), aml_compute_body())
    assert arm.poll_status(response.headers["Azure-AsyncOperation"])["status"] == "Failed"


def test_poll_rules_match_status_urls_and_the_resource_they_poll(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.add_fault(operation="poll", path="*/computes/*", status=500, times=1)
    response = arm.put(compute_path("cpu"), aml_compute_body())
    assert response.status_code == 201
    url = response.headers["Azure-AsyncOperation"]
    assert arm.follow(url).status_code == 500
    assert arm.follow(url).json()["status"] == "Succeeded"


def test_request_rules_do_not_match_polls(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    response = arm.put(compute_path("cpu"), aml_compute_body())
    emulator.add_fault(operation="request", status=500)
    assert arm.follow(response.headers["Azure-AsyncOperation"]).status_code == 200
    assert arm.get(compute_path("cpu")).status_code == 500


def test_lro_rules_match_only_requests_that_start_operations(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.add_fault(operation="lro", status=503)
    assert arm.get(compute_path("cpu")).status_code == 404
    assert arm.post(f"{compute_path('cpu')}/listKeys").status_code == 404
    assert arm.put(compute_path("cpu"), aml_compute_body()).status_code == 503


def test_remove_one_rule(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    first = emulator.add_fault(path="*/workspaces/*", status=500)
    emulator.add_fault(path="*/computes/*", status=500)
    assert emulator.remove_fault(first["id"]) is True
    assert emulator.remove_fault(first["id"]) is False
    assert arm.get(workspace_path()).status_code == 200
    assert len(emulator.faults()) == 1


@pytest.mark.parametrize(
    "rule",
    [
        {},
        {"status": 500, "drop": True},
        {"status": 99},
        {"operation": "sometimes", "status": 500},
        {"operation": "poll", "lro_status": "Failed"},
        {"lro_status": "Succeeded"},
        {"final_status": "Succeeded"},
        {"status": 500, "error_code": ""},
        {"status": 500, "times": 0},
        {"status": 500, "colour": "red"},
        {"latency_seconds": -1},
    ],
)
def test_invalid_rules_are_refused(arm: Arm, emulator: EmulatorServer, rule: dict[str, Any]) -> None:
    response = arm.session.post(f"{emulator.url}/_emulator/faults", json=rule, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidControlRequest"
    with pytest.raises(ValueError):
        FaultRule.from_json(rule)


def test_design_anchor_spelling_is_accepted_over_http(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    """The older spelling: ``{"operation": "lro", ..., "final_status": "Failed", "error": {"code": ...}}``."""
    rule = {
        "operation": "lro",
        "path": "*/batchendpoints/*",
        "final_status": "Failed",
        "error": {"code": "InternalError"},
    }
    created = arm.session.post(f"{emulator.url}/_emulator/faults", json=rule, timeout=10)
    assert created.status_code == 201
    assert created.json()["lro_status"] == "Failed"
    assert created.json()["error_code"] == "InternalError"
    response = arm.put(endpoint_path("ep1"), endpoint_body())
    assert arm.poll_status(response.headers["Azure-AsyncOperation"])["error"]["code"] == "InternalError"


def test_rules_over_the_control_plane(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    control = f"{emulator.url}/_emulator/faults"
    created = arm.session.post(
        control, json={"method": "GET", "path": "*/workspaces/*", "status": 500, "times": 1}, timeout=10
    )
    assert created.status_code == 201
    rule_id = created.json()["id"]
    several = arm.session.post(
        control, json=[{"path": "/nothing", "status": 500}, {"path": "/none", "drop": True}], timeout=10
    )
    assert len(several.json()["value"]) == 2
    listed = arm.session.get(control, timeout=10).json()["value"]
    assert [rule["id"] for rule in listed][0] == rule_id
    assert arm.get(workspace_path()).status_code == 500
    assert arm.session.delete(f"{control}/{rule_id}", timeout=10).status_code == 204
    assert arm.session.delete(f"{control}/{rule_id}", timeout=10).status_code == 404
    assert arm.session.delete(control, timeout=10).status_code == 204
    assert arm.session.get(control, timeout=10).json()["value"] == []


def test_add_fault_validates_like_the_control_plane(emulator: EmulatorServer) -> None:
    with pytest.raises(ValueError, match="HTTP status"):
        emulator.add_fault(status=99)
    with pytest.raises(ValueError, match="exactly one"):
        emulator.add_fault(path="*")
    assert emulator.faults() == []
