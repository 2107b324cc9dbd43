"""The ARM front door: api-version, bearer tokens, common headers, routing, throttling."""

from __future__ import annotations

import http.client
from typing import Any

import pytest

from pulumi_azureml.emulator import MACHINE_LEARNING_API_VERSIONS, EmulatorServer

from emulator_helpers import (
    API_VERSION,
    LOCATION,
    PROVIDER,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    WORKSPACE,
    Arm,
    compute_path,
    resource_group_path,
    workspace_path,
)


def _error(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "target", "details"} <= set(body["error"])
    return body["error"]


# ---------------------------------------------------------------------------------------------- api-version


def test_missing_api_version_is_400(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.get(workspace_path(), api_version=None)
    assert response.status_code == 400
    assert _error(response)["code"] == "MissingApiVersionParameter"


@pytest.mark.parametrize("version", ["2023-04-01", "2025-12-01-preview", "latest", "2021-04-01"])
def test_unsupported_api_version_is_400(arm: Arm, workspace: dict[str, Any], version: str) -> None:
    response = arm.get(workspace_path(), api_version=version)
    assert response.status_code == 400
    assert _error(response)["code"] == "InvalidApiVersionParameter"


@pytest.mark.parametrize("version", MACHINE_LEARNING_API_VERSIONS)
def test_every_supported_machine_learning_version_is_accepted(
    arm: Arm, workspace: dict[str, Any], version: str
) -> None:
    assert arm.get(workspace_path(), api_version=version).status_code == 200


def test_the_seed_walkthrough_version_is_accepted(arm: Arm, workspace: dict[str, Any]) -> None:
    assert arm.get(workspace_path(), api_version="2021-03-01-preview").status_code == 200


@pytest.mark.parametrize("version", ["2021-04-01", "2022-09-01", "2024-11-01", "2025-04-01", "2025-12-01"])
def test_resource_group_paths_accept_resource_manager_versions(
    arm: Arm, workspace: dict[str, Any], version: str
) -> None:
    assert arm.get(resource_group_path(), api_version=version).status_code == 200


@pytest.mark.parametrize("version", ["2020-06-01", "2025-08-01"])
def test_resource_group_paths_reject_versions_outside_the_range(
    arm: Arm, workspace: dict[str, Any], version: str
) -> None:
    response = arm.get(resource_group_path(), api_version=version)
    assert response.status_code == 400
    assert _error(response)["code"] == "InvalidApiVersionParameter"


# ---------------------------------------------------------------------------------------------- authentication


def test_missing_authorization_is_401(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.get(workspace_path(), token=None)
    assert response.status_code == 401
    assert _error(response)["code"] == "AuthenticationFailed"
    assert "WWW-Authenticate" in response.headers


def test_malformed_authorization_is_401(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.get(workspace_path(), token=None, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401
    assert _error(response)["code"] == "AuthenticationFailed"


def test_authentication_is_checked_before_the_api_version(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.get(workspace_path(), token=None, api_version=None)
    assert response.status_code == 401


def test_any_token_is_accepted_by_default(arm: Arm, workspace: dict[str, Any]) -> None:
    assert arm.get(workspace_path(), token="anything-at-all").status_code == 200


def test_strict_mode_accepts_only_configured_tokens(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(tokens=["good-token"])
    assert arm.get(workspace_path(), token="good-token").status_code == 200
    response = arm.get(workspace_path(), token="other-token")
    assert response.status_code == 401
    assert _error(response)["code"] == "InvalidAuthenticationToken"


def test_strict_mode_from_the_constructor() -> None:
    with EmulatorServer(tokens=["only-this"]) as server:
        server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
        client = Arm(server.url, token="only-this")
        try:
            assert client.get(workspace_path()).status_code == 200
            assert client.get(workspace_path(), token="nope").status_code == 401
        finally:
            client.close()


def test_an_expired_token_answers_401_expired(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    assert arm.get(workspace_path(), token="aging").status_code == 200
    emulator.expire_token("aging")
    response = arm.get(workspace_path(), token="aging")
    assert response.status_code == 401
    assert _error(response)["code"] == "ExpiredAuthenticationToken"
    assert arm.get(workspace_path(), token="fresh").status_code == 200


# ---------------------------------------------------------------------------------------------- headers


def test_every_response_carries_the_arm_headers(arm: Arm, workspace: dict[str, Any]) -> None:
    for response in (
        arm.get(workspace_path()),
        arm.get(compute_path("missing")),
        arm.get(workspace_path(), api_version=None),
        arm.get(workspace_path(), token=None),
    ):
        assert response.headers["x-ms-request-id"]
        assert response.headers["x-ms-correlation-request-id"]
        assert response.headers["x-ms-ratelimit-remaining-subscription-reads"].isdigit()


def test_rate_limit_header_follows_the_request_category(arm: Arm, workspace: dict[str, Any]) -> None:
    put = arm.put(resource_group_path("rg-headers"), {"location": LOCATION})
    assert "x-ms-ratelimit-remaining-subscription-writes" in put.headers
    delete = arm.delete(resource_group_path("rg-headers"))
    assert "x-ms-ratelimit-remaining-subscription-deletes" in delete.headers


def test_client_correlation_id_is_echoed(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.get(workspace_path(), headers={"x-ms-correlation-request-id": "corr-123"})
    assert response.headers["x-ms-correlation-request-id"] == "corr-123"
    assert response.headers["x-ms-request-id"] != "corr-123"


def test_request_ids_are_unique(arm: Arm, workspace: dict[str, Any]) -> None:
    ids = {arm.get(workspace_path()).headers["x-ms-request-id"] for _ in range(5)}
    assert len(ids) == 5


def test_json_responses_declare_their_content_type(arm: Arm, workspace: dict[str, Any]) -> None:
    assert arm.get(workspace_path()).headers["Content-Type"].startswith("application/json")


def test_keep_alive_connections_are_reused(emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    connection = http.client.HTTPConnection(emulator.host, emulator.port, timeout=10)
    try:
        sockets = set()
        for _ in range(3):
            connection.request(
                "GET", f"{workspace_path()}?api-version={API_VERSION}", headers={"Authorization": "Bearer t"}
            )
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert response.version == 11
            assert (response.getheader("Connection") or "").lower() != "close"
            sockets.add(id(connection.sock))
        assert len(sockets) == 1
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------------- routing


def test_paths_match_case_insensitively(arm: Arm, workspace: dict[str, Any]) -> None:
    path = (
        f"/SUBSCRIPTIONS/{SUBSCRIPTION}/resourcegroups/{RESOURCE_GROUP.upper()}"
        f"/PROVIDERS/microsoft.machinelearningservices/WORKSPACES/{WORKSPACE.upper()}"
    )
    response = arm.get(path)
    assert response.status_code == 200
    assert response.json()["name"] == WORKSPACE


def test_ids_keep_the_casing_they_were_created_with(arm: Arm, workspace: dict[str, Any]) -> None:
    path = f"{workspace_path().lower()}/computes/MixedCase"
    body = {"location": LOCATION, "properties": {"computeType": "ComputeInstance"}}
    created = arm.put(path.replace("mixedcase", "MixedCase"), body)
    assert created.status_code == 201
    fetched = arm.get(compute_path("MIXEDCASE")).json()
    assert fetched["name"] == "MixedCase"
    assert fetched["id"].endswith("/computes/MixedCase")


def test_a_trailing_slash_names_the_same_collection(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.get(f"{resource_group_path()}/{PROVIDER}/workspaces/")
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["value"]] == [WORKSPACE]


def test_unknown_resource_type_is_404(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.get(f"{workspace_path()}/noSuchResourceTypes/x")
    assert response.status_code == 404
    assert _error(response)["code"] == "InvalidResourceType"


def test_unknown_method_on_a_known_path_is_405(arm: Arm, workspace: dict[str, Any]) -> None:
    response = arm.post(workspace_path())
    assert response.status_code == 405


def test_subscription_must_be_a_guid(arm: Arm) -> None:
    response = arm.get("/subscriptions/not-a-guid/resourcegroups")
    assert response.status_code == 400
    assert _error(response)["code"] == "InvalidSubscriptionId"


def test_missing_resource_group_is_404_for_nested_resources(arm: Arm) -> None:
    for path in (workspace_path(), compute_path("cpu"), f"{workspace_path()}/batchEndpoints"):
        response = arm.get(path)
        assert response.status_code == 404
        assert _error(response)["code"] == "ResourceGroupNotFound"


def test_missing_workspace_is_parent_not_found(arm: Arm, emulator: EmulatorServer) -> None:
    emulator.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    response = arm.put(compute_path("cpu"), {"location": LOCATION, "properties": {"computeType": "AmlCompute"}})
    assert response.status_code == 404
    assert _error(response)["code"] == "ParentResourceNotFound"


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b""])
def test_a_body_that_is_not_a_json_object_is_400(arm: Arm, workspace: dict[str, Any], payload: bytes) -> None:
    response = arm.request("PUT", compute_path("cpu"), data=payload, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert _error(response)["code"] == "InvalidRequestContent"


# ---------------------------------------------------------------------------------------------- throttling


def test_token_bucket_answers_429_with_retry_after(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(throttle_capacity=3, throttle_refill_per_second=0.01)
    statuses = [arm.get(workspace_path()).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    throttled = arm.get(workspace_path())
    assert throttled.status_code == 429
    assert _error(throttled)["code"] == "SubscriptionRequestsThrottled"
    assert int(throttled.headers["Retry-After"]) >= 1
    assert throttled.headers["x-ms-ratelimit-remaining-subscription-reads"] == "0"


def test_token_bucket_counts_down_in_the_headers(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> None:
    emulator.configure(throttle_capacity=10, throttle_refill_per_second=0.01)
    remaining = [
        int(arm.get(workspace_path()).headers["x-ms-ratelimit-remaining-subscription-reads"]) for _ in range(3)
    ]
    assert remaining == [9, 8, 7]


def test_token_buckets_are_per_subscription_and_category(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.configure(throttle_capacity=1, throttle_refill_per_second=0.01)
    assert arm.get(workspace_path()).status_code == 200
    assert arm.get(workspace_path()).status_code == 429
    other = "99999999-1111-2222-3333-444444444444"
    assert arm.get(f"/subscriptions/{other}/resourcegroups").status_code == 200
    assert arm.put(resource_group_path("rg-writes"), {"location": LOCATION}).status_code == 201


def test_throttling_is_off_by_default(arm: Arm, workspace: dict[str, Any]) -> None:
    assert all(arm.get(workspace_path()).status_code == 200 for _ in range(30))


def test_api_version_constant_matches_the_contract() -> None:
    assert API_VERSION in MACHINE_LEARNING_API_VERSIONS
    assert MACHINE_LEARNING_API_VERSIONS == (
        "2024-04-01",
        "2024-10-01",
        "2025-04-01",
        "2025-06-01",
        "2025-09-01",
        "2025-12-01",
        "2026-03-01",
    )
