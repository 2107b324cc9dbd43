"""ArmClient against a fake transport: retries, long-running operations, errors, auth and URL safety."""

from __future__ import annotations

import random
from typing import Any

import pytest
import requests

from pulumi_azureml.arm import (
    ArmClient,
    ArmRequestError,
    BadRequestError,
    NotFoundError,
    OperationCanceledError,
    OperationFailedError,
    OperationTimeoutError,
    RetryPolicy,
    ThrottledError,
    UnsafeUrlError,
)
from pulumi_azureml.arm.errors import ArmResponseError

from support.fake_http import FakeClock, FakeTransport, session_with

BASE = "https://management.azure.com"
COMPUTE = (
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/"
    "Microsoft.MachineLearningServices/workspaces/ws/computes/cpu"
)
API = "2025-12-01"


class CountingTokens:
    """A token source that hands out token-1, token-2, ... and records invalidations."""

    def __init__(self) -> None:
        self.issued = 0
        self.current: str | None = None
        self.invalidated: list[str] = []

    def token(self) -> str:
        if self.current is None:
            self.issued += 1
            self.current = f"token-{self.issued}"
        return self.current

    def invalidate(self, token: str) -> None:
        self.invalidated.append(token)
        if self.current == token:
            self.current = None


@pytest.fixture
def transport() -> FakeTransport:
    return FakeTransport()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def progress() -> list[str]:
    return []


@pytest.fixture
def client(transport: FakeTransport, clock: FakeClock, progress: list[str]) -> ArmClient:
    return ArmClient(
        endpoint=BASE,
        token_source=CountingTokens(),
        session=session_with(transport),
        clock=clock,
        poll_interval=7.0,
        retry_policy=RetryPolicy(max_attempts=4, base_delay=1.0, max_delay=8.0, max_total_wait=100.0),
        progress=progress.append,
    )


def test_every_request_carries_api_version_client_request_id_user_agent_and_token(
    client: ArmClient, transport: FakeTransport
) -> None:
    transport.add("GET", "/computes/cpu", 200, {"name": "cpu"})
    assert client.get(COMPUTE, api_version=API, action="reading compute") == {"name": "cpu"}
    sent = transport.recorded[0]
    assert sent.url == f"{BASE}{COMPUTE}?api-version={API}"
    assert sent.headers["Authorization"] == "Bearer token-1"
    assert sent.headers["x-ms-client-request-id"]
    assert sent.headers["User-Agent"].startswith("pulumi-azureml/")


def test_429_twice_then_success_waits_exactly_retry_after(
    client: ArmClient, transport: FakeTransport, clock: FakeClock
) -> None:
    throttled = {"error": {"code": "TooManyRequests", "message": "slow down"}}
    transport.add("GET", "/cpu", 429, throttled, Retry_After="3")
    transport.add("GET", "/cpu", 429, throttled, Retry_After="5")
    transport.add("GET", "/cpu", 200, {"name": "cpu"})
    assert client.get(COMPUTE, api_version=API, action="reading compute")["name"] == "cpu"
    assert clock.sleeps == [3.0, 5.0]


def test_retry_after_ms_takes_precedence(client: ArmClient, transport: FakeTransport, clock: FakeClock) -> None:
    transport.add("GET", "/cpu", 429, None, **{"retry-after-ms": "1500", "Retry-After": "9"})
    transport.add("GET", "/cpu", 503, None, **{"x-ms-retry-after-ms": "250"})
    transport.add("GET", "/cpu", 200, {})
    client.get(COMPUTE, api_version=API, action="reading compute")
    assert clock.sleeps == [1.5, 0.25]


def test_503_is_retried_then_surfaced_with_the_service_code(
    client: ArmClient, transport: FakeTransport, clock: FakeClock
) -> None:
    for _ in range(4):
        transport.add("GET", "/cpu", 503, {"error": {"code": "ServiceUnavailable", "message": "try later"}})
    with pytest.raises(ArmResponseError) as raised:
        client.get(COMPUTE, api_version=API, action="reading compute")
    assert raised.value.status == 503
    assert raised.value.code == "ServiceUnavailable"
    assert "reading compute /subscriptions/" in str(raised.value)
    assert "ServiceUnavailable: try later" in str(raised.value)
    assert len(transport.recorded) == 4
    assert len(clock.sleeps) == 3
    assert all(0.5 <= wait <= 8.0 for wait in clock.sleeps)


def test_429_past_the_budget_is_a_throttled_error(client: ArmClient, transport: FakeTransport) -> None:
    for _ in range(4):
        transport.add("GET", "/cpu", 429, {"error": {"code": "SubscriptionRequestsThrottled", "message": "x"}})
    with pytest.raises(ThrottledError):
        client.get(COMPUTE, api_version=API, action="reading compute")


def test_409_another_operation_in_progress_is_retried_but_other_409s_are_not(
    client: ArmClient, transport: FakeTransport
) -> None:
    transport.add("PUT", "/cpu", 409, {"error": {"code": "AnotherOperationInProgress", "message": "busy"}})
    transport.add("PUT", "/cpu", 200, {"properties": {"provisioningState": "Succeeded"}})
    assert client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=60)
    transport.add("PUT", "/cpu", 409, {"error": {"code": "Conflict", "message": "exists"}})
    with pytest.raises(ArmResponseError) as raised:
        client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=60)
    assert raised.value.status == 409


def test_connection_errors_are_retried_then_reported(client: ArmClient, transport: FakeTransport) -> None:
    transport.add_error("GET", "/cpu", requests.ConnectionError("reset"))
    transport.add("GET", "/cpu", 200, {"ok": True})
    assert client.get(COMPUTE, api_version=API, action="reading compute") == {"ok": True}
    for _ in range(4):
        transport.add_error("GET", "/cpu", requests.ConnectionError("reset"))
    with pytest.raises(ArmRequestError, match="could not connect after 4 attempt"):
        client.get(COMPUTE, api_version=API, action="reading compute")


def test_a_post_whose_answer_timed_out_is_not_sent_again(client: ArmClient, transport: FakeTransport) -> None:
    transport.add_error("POST", "/start", requests.ReadTimeout("slow"))
    with pytest.raises(ArmRequestError, match="timed out after 1 attempt"):
        client.post(f"{COMPUTE}/start", api_version=API, action="starting compute", timeout=60)
    assert len(transport.recorded) == 1


@pytest.mark.parametrize("header", ["Azure-AsyncOperation", "azure-asyncoperation"])
def test_put_with_async_operation_polls_status_then_gets_the_resource(
    client: ArmClient, transport: FakeTransport, clock: FakeClock, progress: list[str], header: str
) -> None:
    status_url = (
        f"{BASE}/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/"
        f"computeOperationsStatus/op1?api-version={API}&t=signed"
    )
    transport.add(
        "PUT",
        "/cpu",
        201,
        {"properties": {"provisioningState": "Creating"}},
        **{header: status_url, "Retry-After": "2"},
    )
    transport.add("GET", "computeOperationsStatus/op1", 200, {"status": "InProgress", "percentComplete": 40})
    transport.add("GET", "computeOperationsStatus/op1", 200, {"status": "succeeded"})
    transport.add("GET", "/computes/cpu?", 200, {"name": "cpu", "properties": {"provisioningState": "Succeeded"}})
    result = client.put(COMPUTE, {"location": "eastus"}, api_version=API, action="creating compute", timeout=600)
    assert result["name"] == "cpu"
    # The poll URL is used exactly as returned (signed parameters untouched).
    assert transport.recorded[1].url == status_url
    # First wait honours the PUT's Retry-After, then the default interval (the status had none).
    assert clock.sleeps == [2.0, 7.0]  # no wait before the final GET
    assert progress == ["creating compute cpu: InProgress (40%)", "creating compute cpu: succeeded"]


def test_async_operation_success_then_resource_still_creating_keeps_polling_the_resource(
    client: ArmClient, transport: FakeTransport
) -> None:
    transport.add("PUT", "/cpu", 201, {}, Azure_AsyncOperation=f"{BASE}/op/1")
    transport.add("GET", "/op/1", 200, {"status": "Succeeded"})
    transport.add("GET", "/computes/cpu?", 200, {"properties": {"provisioningState": "Creating"}})
    transport.add("GET", "/computes/cpu?", 200, {"properties": {"provisioningState": "Succeeded"}, "n": 2})
    assert client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=600)["n"] == 2


@pytest.mark.parametrize("header", ["Location", "location"])
def test_location_polling_treats_202_as_running_and_then_gets_the_resource(
    client: ArmClient, transport: FakeTransport, clock: FakeClock, header: str
) -> None:
    transport.add("PUT", "/cpu", 202, None, **{header: f"{BASE}/results/1", "Retry-After": "10"})
    transport.add("GET", "/results/1", 202, None, Retry_After="4")
    transport.add("GET", "/results/1", 200, {})
    transport.add("GET", "/computes/cpu?", 200, {"properties": {"provisioningState": "Succeeded"}, "final": True})
    assert client.put(COMPUTE, {}, api_version=API, action="creating workspace", timeout=600)["final"] is True
    assert clock.sleeps == [10.0, 4.0]


def test_delete_with_location_accepts_404_as_done(client: ArmClient, transport: FakeTransport) -> None:
    transport.add("DELETE", "/cpu", 202, None, Location=f"{BASE}/results/2")
    transport.add("GET", "/results/2", 404, {"error": {"code": "NotFound", "message": "gone"}})
    client.delete(
        COMPUTE, api_version=API, action="deleting compute", timeout=60, params={"underlyingResourceAction": "Delete"}
    )
    assert "underlyingResourceAction=Delete" in transport.recorded[0].url


def test_delete_of_a_missing_resource_is_success(client: ArmClient, transport: FakeTransport) -> None:
    transport.add("DELETE", "/cpu", 204)
    client.delete(COMPUTE, api_version=API, action="deleting compute", timeout=60)
    transport.add("DELETE", "/cpu", 404, {"error": {"code": "NotFound", "message": "x"}})
    client.delete(COMPUTE, api_version=API, action="deleting compute", timeout=60)


def test_provisioning_state_polling_when_no_header(
    client: ArmClient, transport: FakeTransport, clock: FakeClock
) -> None:
    transport.add("PUT", "/cpu", 200, {"properties": {"provisioningState": "Updating"}})
    transport.add("GET", "/cpu", 200, {"properties": {"provisioningState": "Updating"}}, Retry_After="1")
    transport.add("GET", "/cpu", 200, {"properties": {"provisioningState": "succeeded"}, "done": 1})
    assert client.put(COMPUTE, {}, api_version=API, action="updating compute", timeout=60)["done"] == 1
    assert clock.sleeps == [7.0, 1.0]


def test_missing_provisioning_state_means_succeeded(client: ArmClient, transport: FakeTransport) -> None:
    transport.add("PUT", "/cpu", 200, {"name": "cpu"})
    assert client.put(COMPUTE, {}, api_version=API, action="updating compute", timeout=60) == {"name": "cpu"}
    assert len(transport.recorded) == 1


@pytest.mark.parametrize(
    ("status", "error_class"), [("Failed", OperationFailedError), ("Canceled", OperationCanceledError)]
)
def test_failed_and_canceled_operations_surface_the_service_error(
    client: ArmClient, transport: FakeTransport, status: str, error_class: type[OperationFailedError]
) -> None:
    transport.add("PUT", "/cpu", 201, {}, Azure_AsyncOperation=f"{BASE}/op/9")
    transport.add(
        "GET",
        "/op/9",
        200,
        {"status": status, "error": {"code": "QuotaExceeded", "message": "no cores left in eastus"}},
    )
    with pytest.raises(error_class) as raised:
        client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=60)
    assert raised.value.code == "QuotaExceeded"
    assert raised.value.service_message == "no cores left in eastus"
    assert f"creating compute {COMPUTE}: " in str(raised.value)
    assert "QuotaExceeded: no cores left in eastus" in str(raised.value)


def test_failed_provisioning_state_reports_provisioning_errors(client: ArmClient, transport: FakeTransport) -> None:
    body = {
        "properties": {
            "provisioningState": "Failed",
            "provisioningErrors": [{"error": {"code": "BadSubnet", "message": "subnet is full"}}],
        }
    }
    transport.add("PUT", "/cpu", 200, body)
    with pytest.raises(OperationFailedError, match="BadSubnet: subnet is full"):
        client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=60)


def test_an_operation_that_outlives_its_timeout_raises_with_guidance(
    client: ArmClient, transport: FakeTransport, clock: FakeClock
) -> None:
    transport.add("PUT", "/cpu", 201, {}, Azure_AsyncOperation=f"{BASE}/op/5", Retry_After="30")
    for _ in range(3):
        transport.add("GET", "/op/5", 200, {"status": "InProgress"}, Retry_After="30")
    with pytest.raises(OperationTimeoutError) as raised:
        client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=100)
    assert "still running after 100 s" in str(raised.value)
    assert "timeouts" in str(raised.value)
    assert sum(clock.sleeps) <= 100


def test_401_is_answered_by_exactly_one_token_refresh(transport: FakeTransport, clock: FakeClock) -> None:
    tokens = CountingTokens()
    client = ArmClient(endpoint=BASE, token_source=tokens, session=session_with(transport), clock=clock)
    transport.add("GET", "/cpu", 401, {"error": {"code": "ExpiredAuthenticationToken", "message": "expired"}})
    transport.add("GET", "/cpu", 200, {"ok": 1})
    assert client.get(COMPUTE, api_version=API, action="reading compute") == {"ok": 1}
    assert tokens.invalidated == ["token-1"]
    assert [r.headers["Authorization"] for r in transport.recorded] == ["Bearer token-1", "Bearer token-2"]
    transport.add("GET", "/cpu", 401, {"error": {"code": "InvalidAuthenticationToken", "message": "bad"}})
    transport.add("GET", "/cpu", 401, {"error": {"code": "InvalidAuthenticationToken", "message": "bad"}})
    with pytest.raises(ArmResponseError) as raised:
        client.get(COMPUTE, api_version=API, action="reading compute")
    assert raised.value.status == 401
    assert "token-" not in str(raised.value)


def test_a_poll_url_on_a_foreign_host_is_refused_without_sending_the_token(
    client: ArmClient, transport: FakeTransport
) -> None:
    transport.add("PUT", "/cpu", 201, {}, Azure_AsyncOperation="https://attacker.example/op/1")
    with pytest.raises(UnsafeUrlError, match="refusing to send the Azure token to https://attacker.example"):
        client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=60)
    assert [r.url for r in transport.recorded if "attacker" in r.url] == []


def test_a_next_link_on_a_foreign_host_is_refused(client: ArmClient, transport: FakeTransport) -> None:
    transport.add("GET", "/computes?", 200, {"value": [{"name": "a"}], "nextLink": "http://evil.example/next"})
    with pytest.raises(UnsafeUrlError):
        list(client.list(COMPUTE.rsplit("/", 1)[0], api_version=API, action="listing computes"))


def test_list_follows_next_link_to_the_end(client: ArmClient, transport: FakeTransport) -> None:
    collection = COMPUTE.rsplit("/", 1)[0]
    transport.add(
        "GET",
        "/computes?api-version",
        200,
        {"value": [{"name": "a"}], "nextLink": f"{BASE}{collection}?api-version={API}&$skip=1"},
    )
    transport.add(
        "GET", "$skip=1", 200, {"value": [{"name": "b"}], "nextLink": f"{BASE}{collection}?api-version={API}&$skip=2"}
    )
    transport.add("GET", "$skip=2", 200, {"value": [{"name": "c"}]})
    assert [item["name"] for item in client.list(collection, api_version=API, action="listing computes")] == [
        "a",
        "b",
        "c",
    ]


def test_plain_http_is_refused_outside_loopback() -> None:
    from pulumi_azureml.arm import ClientInputError, StaticTokenSource

    with pytest.raises(ClientInputError, match="plain http"):
        ArmClient(endpoint="http://management.example.com", token_source=StaticTokenSource("t"))
    ArmClient(endpoint="http://127.0.0.1:5000", token_source=StaticTokenSource("t"))


def test_errors_map_by_status(client: ArmClient, transport: FakeTransport) -> None:
    transport.add("GET", "/cpu", 404, {"error": {"code": "NotFound", "message": "no compute"}}, x_ms_request_id="req-1")
    with pytest.raises(NotFoundError) as raised:
        client.get(COMPUTE, api_version=API, action="reading compute")
    assert "(HTTP 404, x-ms-request-id req-1)" in str(raised.value)
    transport.add("GET", "/cpu", 404, {})
    assert client.get_if_exists(COMPUTE, api_version=API, action="reading compute") is None
    transport.add("PUT", "/cpu", 400, {"error": {"code": "BadArgument", "message": "vmSize is invalid"}})
    with pytest.raises(BadRequestError, match="BadArgument: vmSize is invalid"):
        client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=60)


def test_a_zero_retry_after_is_no_hint_not_a_tight_loop(
    client: ArmClient, transport: FakeTransport, clock: FakeClock
) -> None:
    transport.add("PUT", "/cpu", 201, {}, Azure_AsyncOperation=f"{BASE}/op/0", Retry_After="0")
    transport.add("GET", "/op/0", 200, {"status": "InProgress"}, Retry_After="0")
    transport.add("GET", "/op/0", 200, {"status": "Succeeded"})
    transport.add("GET", "/computes/cpu?", 200, {"properties": {"provisioningState": "Succeeded"}})
    client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=600)
    assert clock.sleeps == [7.0, 7.0]  # the configured poll interval, not 0


def test_a_final_location_answer_that_is_the_resource_needs_no_extra_get(
    client: ArmClient, transport: FakeTransport
) -> None:
    resource = {"id": COMPUTE, "properties": {"provisioningState": "Succeeded"}}
    transport.add("PUT", "/cpu", 202, None, Location=f"{BASE}/results/7")
    transport.add("GET", "/results/7", 200, resource)
    assert client.put(COMPUTE, {}, api_version=API, action="creating workspace", timeout=60) == resource
    assert len(transport.recorded) == 2


# ---------------------------------------------------------------------------------------------- nothing silent
# Issue 26: an unreachable endpoint gave two minutes of silence before its message. Every wait now says what it
# waits for (attempt n of m, cause, next wait) at least every 15 s of the injected clock.


class TimedLines:
    """A reporter that notes the fake clock's time of each line."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.lines: list[tuple[float, str]] = []

    def __call__(self, line: str) -> None:
        self.lines.append((self.clock.now, line))

    def texts(self) -> list[str]:
        return [line for _, line in self.lines]

    def longest_silence(self, start: float) -> float:
        moments = [start, *(moment for moment, _ in self.lines), self.clock.now]
        return max(later - earlier for earlier, later in zip(moments, moments[1:], strict=False))


def reporting_client(transport: FakeTransport, clock: FakeClock, lines: TimedLines, **policy: Any) -> ArmClient:
    return ArmClient(
        endpoint=BASE,
        token_source=CountingTokens(),
        session=session_with(transport),
        clock=clock,
        poll_interval=10.0,
        retry_policy=RetryPolicy(random_source=random.Random(7), **policy),
        progress=lines,
    )


def test_a_refused_connection_says_each_attempt_cause_and_wait_and_is_never_silent_15_s(
    transport: FakeTransport, clock: FakeClock
) -> None:
    lines = TimedLines(clock)
    client = reporting_client(transport, clock, lines)  # the default policy: 8 attempts, up to 60 s per wait
    for _ in range(8):
        transport.add_error("GET", "/cpu", requests.ConnectionError("[Errno 111] Connection refused"))
    start = clock.now
    with pytest.raises(ArmRequestError, match="could not connect after 8 attempt"):
        client.get(COMPUTE, api_version=API, action="reading compute")
    assert sum(clock.sleeps) > 60, "the default policy waits minutes in all: the case this test is about"
    texts = lines.texts()
    for attempt in range(1, 8):
        assert any(f"reading compute cpu: attempt {attempt} of 8 could not connect" in text for text in texts), texts
    assert all("next attempt in" in text or "still waiting to retry" in text for text in texts), texts
    assert f"to {BASE}" in texts[0] and "ConnectionError" in texts[0]
    # A line before each wait, and never more than 15 s of (fake) time between two lines.
    assert len(lines.lines) >= len([wait for wait in clock.sleeps if wait > 0])
    assert lines.longest_silence(start) <= 15.0
    assert all(wait <= 15.0 for wait in clock.sleeps)


def test_an_endpoint_that_never_answers_still_gets_a_line_within_15_s_of_real_waiting(clock: FakeClock) -> None:
    # A connect to a black-holed endpoint can take the whole connect timeout (10 s) before it fails: the wait before
    # each attempt ends early enough that the attempt's silence and the wait's together stay within 15 s.
    lines = TimedLines(clock)
    attempts: list[tuple[float, int]] = []  # (when, how many lines had been reported by then)

    class Timed(FakeTransport):
        def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
            attempts.append((clock.now, len(lines.lines)))
            return super().send(request, *args, **kwargs)

    transport = Timed()
    client = reporting_client(transport, clock, lines)
    for _ in range(8):
        transport.add_error("GET", "/cpu", requests.ConnectTimeout("timed out"))
    with pytest.raises(ArmRequestError, match="timed out after 8 attempt"):
        client.get(COMPUTE, api_version=API, action="reading compute")
    connect_timeout = 10.0
    for moment, reported in attempts[1:]:
        last_line = lines.lines[reported - 1][0]
        assert moment - last_line + connect_timeout <= 15.0, (moment, lines.lines)


def test_a_long_retry_after_is_cut_into_reported_slices(transport: FakeTransport, clock: FakeClock) -> None:
    lines = TimedLines(clock)
    client = reporting_client(transport, clock, lines)
    transport.add("GET", "/cpu", 429, {"error": {"code": "TooManyRequests", "message": "x"}}, Retry_After="40")
    transport.add("GET", "/cpu", 200, {"ok": 1})
    start = clock.now
    assert client.get(COMPUTE, api_version=API, action="reading compute") == {"ok": 1}
    # Slices of at most 15 s, the last one short enough that the next attempt's connect timeout (10 s) still fits.
    assert clock.sleeps == [15.0, 15.0, 5.0, 5.0]
    assert lines.texts()[0] == (
        "reading compute cpu: attempt 1 of 8 answered 429 TooManyRequests (the service asked to wait); "
        "next attempt in 40 s"
    )
    assert lines.texts()[1:] == [
        "reading compute cpu: still waiting to retry (attempt 2 of 8 in 25 s)",
        "reading compute cpu: still waiting to retry (attempt 2 of 8 in 10 s)",
        "reading compute cpu: still waiting to retry (attempt 2 of 8 in 5 s)",
    ]
    assert lines.longest_silence(start) <= 15.0


def test_a_long_operation_says_what_it_still_waits_for_at_least_every_15_s(
    transport: FakeTransport, clock: FakeClock
) -> None:
    lines = TimedLines(clock)
    client = reporting_client(transport, clock, lines)
    transport.add("PUT", "/cpu", 201, {}, Azure_AsyncOperation=f"{BASE}/op/7", Retry_After="60")
    for _ in range(5):
        transport.add("GET", "/op/7", 200, {"status": "InProgress"})
    transport.add("GET", "/op/7", 200, {"status": "Succeeded"})
    transport.add("GET", "/computes/cpu?", 200, {"properties": {"provisioningState": "Succeeded"}})
    start = clock.now
    client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=3600)
    texts = lines.texts()
    assert texts[0] == "creating compute cpu: still running after 15 s (limit 60 min); next check in 45 s"
    assert "creating compute cpu: InProgress" in texts
    assert any(text.startswith("creating compute cpu: still InProgress after 1 min") for text in texts), texts
    assert texts[-1] == "creating compute cpu: Succeeded"
    assert lines.longest_silence(start) <= 15.0


def test_a_retried_poll_is_named_after_its_operation(transport: FakeTransport, clock: FakeClock) -> None:
    lines = TimedLines(clock)
    client = reporting_client(transport, clock, lines)
    transport.add("POST", "/cpu/stop", 202, None, Azure_AsyncOperation=f"{BASE}/op/8")
    transport.add("GET", "/op/8", 503, {"error": {"code": "ServiceUnavailable", "message": "x"}}, Retry_After="3")
    transport.add("GET", "/op/8", 200, {"status": "Succeeded"})
    client.post(f"{COMPUTE}/stop", api_version=API, action="stopping compute instance", timeout=600)
    assert lines.texts() == [
        "stopping compute instance cpu: attempt 1 of 8 answered 503 ServiceUnavailable (the service asked to wait); "
        "next attempt in 3 s",
        "stopping compute instance cpu: Succeeded",
    ]


def test_a_failed_operation_is_reported_as_failed_not_with_its_percentage(
    client: ArmClient, transport: FakeTransport, progress: list[str]
) -> None:
    transport.add("PUT", "/cpu", 201, {}, Azure_AsyncOperation=f"{BASE}/op/6")
    transport.add(
        "GET", "/op/6", 200, {"status": "Failed", "percentComplete": 100, "error": {"code": "Quota", "message": "x"}}
    )
    with pytest.raises(OperationFailedError):
        client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=600)
    assert progress == ["creating compute cpu: failed"]


def test_the_arm_layer_prints_nothing_by_default(
    transport: FakeTransport, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    client = ArmClient(endpoint=BASE, token_source=CountingTokens(), session=session_with(transport), clock=clock)
    transport.add_error("GET", "/cpu", requests.ConnectionError("refused"))
    transport.add("PUT", "/cpu", 201, {}, Azure_AsyncOperation=f"{BASE}/op/4")
    transport.add("GET", "/op/4", 200, {"status": "InProgress", "percentComplete": 50})
    transport.add("GET", "/op/4", 200, {"status": "Succeeded"})
    transport.add("GET", "/computes/cpu?", 200, {"properties": {"provisioningState": "Succeeded"}})
    client.put(COMPUTE, {}, api_version=API, action="creating compute", timeout=600)
    assert capsys.readouterr().out == ""
