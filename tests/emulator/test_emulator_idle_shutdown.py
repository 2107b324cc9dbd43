"""A compute instance's idle shutdown changed in place: POST .../computes/{name}/updateIdleShutdownSetting.

What the service answers follows the 2025-12-01 example `Compute/updateIdleShutdownSetting.json` of
Azure/azure-rest-api-specs (a bare 200, no body, no polling headers); no SDK or CLI recording of the call exists.
"""

from __future__ import annotations

from typing import Any

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import Arm, aml_compute_body, compute_instance_body, compute_path


def _created(arm: Arm, name: str, body: dict[str, Any]) -> dict[str, Any]:
    response = arm.put(compute_path(name), body)
    assert response.status_code == 201, response.text
    return arm.wait(compute_path(name))


def _inner(arm: Arm, name: str) -> dict[str, Any]:
    inner: dict[str, Any] = arm.get(compute_path(name)).json()["properties"]["properties"]
    return inner


def test_update_idle_shutdown_answers_200_without_body_and_changes_it_at_once(
    arm: Arm, workspace: dict[str, Any]
) -> None:
    body = compute_instance_body()
    body["properties"]["properties"]["idleTimeBeforeShutdown"] = "PT30M"
    _created(arm, "ci-idle", body)
    answer = arm.post(f"{compute_path('ci-idle')}/updateIdleShutdownSetting", {"idleTimeBeforeShutdown": "PT2H"})
    assert answer.status_code == 200, answer.text
    assert answer.content == b""
    assert "Azure-AsyncOperation" not in answer.headers and "Location" not in answer.headers
    inner = _inner(arm, "ci-idle")
    assert inner["idleTimeBeforeShutdown"] == "PT2H"
    # Nothing else about the instance changed: it was neither recreated nor restarted.
    assert inner["state"] == "Running"
    assert inner["lastOperation"]["operationName"] == "Create"


def test_update_idle_shutdown_works_on_a_stopped_instance(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    _created(arm, "ci-idle-off", compute_instance_body())
    stop = arm.post(f"{compute_path('ci-idle-off')}/stop")
    assert arm.poll_status(stop.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
    path = f"{compute_path('ci-idle-off')}/updateIdleShutdownSetting"
    assert arm.post(path, {"idleTimeBeforeShutdown": "PT15M"}).status_code == 200
    assert _inner(arm, "ci-idle-off")["idleTimeBeforeShutdown"] == "PT15M"


def test_update_idle_shutdown_refuses_what_the_setting_refuses(arm: Arm, workspace: dict[str, Any]) -> None:
    _created(arm, "ci-idle-bad", compute_instance_body())
    path = f"{compute_path('ci-idle-bad')}/updateIdleShutdownSetting"
    for body in ({"idleTimeBeforeShutdown": "PT5M"}, {"idleTimeBeforeShutdown": "P4D"}, {"idle": "PT30M"}):
        answer = arm.post(path, body)
        assert answer.status_code == 400, (body, answer.text)
    assert arm.post(path, {"idleTimeBeforeShutdown": "thirty minutes"}).status_code == 400
    assert "idleTimeBeforeShutdown" not in _inner(arm, "ci-idle-bad")


def test_update_idle_shutdown_is_for_compute_instances_only(arm: Arm, workspace: dict[str, Any]) -> None:
    _created(arm, "cpu-idle", aml_compute_body())
    answer = arm.post(f"{compute_path('cpu-idle')}/updateIdleShutdownSetting", {"idleTimeBeforeShutdown": "PT30M"})
    assert answer.status_code == 400
    missing = arm.post(f"{compute_path('ghost')}/updateIdleShutdownSetting", {"idleTimeBeforeShutdown": "PT30M"})
    assert missing.status_code == 404
