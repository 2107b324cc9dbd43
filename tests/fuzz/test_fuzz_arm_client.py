"""Property-based fuzzing of the ARM client against a hostile service (issue 14).

Each example draws a token (valid, or with whitespace, NUL, non-ASCII), an operation with its body (NaN and deep
values included) and a script of answers: any status, hostile ``Retry-After``/``Azure-AsyncOperation``/``Location``
headers (foreign hosts, control characters), and bodies that are not JSON, not UTF-8, nested thousands of levels,
or hold ``NaN``. Contract: the client returns or raises an :class:`ArmError` (or ``ClientInputError``), nothing
else; it finishes within a bounded number of requests (the clock is fake, nothing sleeps); the token is sent only
to the configured origin and never appears in any message.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from pulumi_azureml.arm.client import ArmClient
from pulumi_azureml.arm.errors import ArmError, ClientInputError
from pulumi_azureml.arm.retry import RetryPolicy

from fuzz import profiles
from support.fake_http import FakeClock, UncheckedTokens

ENDPOINT = "https://management.azure.com"
PATH = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/X/y/z"
GOOD_TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJmdXp6In0.c2lnbmF0dXJl"
MAX_REQUESTS = 400


class Exhausted(Exception):
    """The client made more requests than any finite script allows: it would not have terminated."""


class ScriptedService(BaseAdapter):
    """Answers from a drawn script, cycling; records where each request went and its Authorization header."""

    def __init__(self, answers: list[tuple[int, dict[str, str], bytes]]) -> None:
        super().__init__()
        self.answers = answers
        self.sent: list[tuple[str, str]] = []

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append((request.url or "", str(request.headers.get("Authorization", ""))))
        if len(self.sent) > MAX_REQUESTS:
            raise Exhausted(f"more than {MAX_REQUESTS} requests")
        status, headers, body = self.answers[(len(self.sent) - 1) % len(self.answers)]
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        response._content = body
        response.url = request.url or ""
        response.reason = "Reason"
        response.request = request
        return response

    def close(self) -> None:
        return None


def _deep(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


BODIES = st.one_of(
    st.sampled_from(
        [
            b"",
            b"null",
            b"[]",
            b"not json",
            b"\xff\xfe\x00",
            b'{"status":"Succeeded"}',
            b'{"status":"Failed","error":{"code":"X","message":"boom"}}',
            b'{"status":"Canceled"}',
            b'{"status":"InProgress","percentComplete":NaN}',
            b'{"properties":{"provisioningState":"Succeeded"},"id":"/x"}',
            b'{"properties":{"provisioningState":"Creating"}}',
            b'{"properties":{"provisioningState":"Failed","error":{"code":"E"}}}',
            b'{"error":{"code":"Conflict","message":"busy"}}',
            b'{"error":{"code":"RetryableError"}}',
            b'{"value":[{"id":"a"},1,null],"nextLink":"/next"}',
            b'{"value":[],"nextLink":"https://evil.example.com/next"}',
            b'{"error":"' + b"e" * 100_000 + b'"}',
            b'{"x":1e999}',
        ]
    ),
    st.integers(min_value=900, max_value=5_000).map(_deep),
    st.dictionaries(st.text(max_size=5), st.one_of(st.text(max_size=5), st.floats()), max_size=3).map(
        lambda value: json.dumps(value).encode()
    ),
    st.binary(max_size=40),
)
HEADER_VALUES = st.sampled_from(
    [
        "0",
        "1",
        "-3",
        "nan",
        "inf",
        "1e309",
        "Fri, 31 Dec 1999 23:59:59 -0000",
        "Wed, 21 Oct 2099 07:28:00 GMT",
        "",
        "/subscriptions/x/operations/1",
        f"{ENDPOINT}/subscriptions/x/operations/1",
        "https://evil.example.com/steal",
        "http://management.azure.com/plain",
        "https://management.azure.com:444/port",
        "//evil.example.com/x",
        "\x00",
        "caf\u00e9",
    ]
)
ANSWERS = st.lists(
    st.tuples(
        st.sampled_from([200, 201, 202, 204, 301, 307, 400, 401, 403, 404, 409, 418, 429, 500, 502, 503, 504, 999]),
        st.dictionaries(
            st.sampled_from(["Retry-After", "retry-after-ms", "Azure-AsyncOperation", "Location", "x-ms-request-id"]),
            HEADER_VALUES,
            max_size=3,
        ),
        BODIES,
    ),
    min_size=1,
    max_size=6,
)
TOKENS = st.one_of(
    st.just(GOOD_TOKEN),
    st.sampled_from(["\n", "\r\n", "\x00", " x", "\u20ac", "\u00e9", "\ud800"]).map(lambda bad: GOOD_TOKEN + bad),
)
BODY_VALUES = st.one_of(
    st.just({"properties": {"a": 1}}),
    st.just({"properties": {"a": math.nan}}),
    st.just({"x": math.inf}),
    st.just({"s": "\ud800"}),
    st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
)
OPERATIONS = ["get", "get_if_exists", "put", "patch", "delete", "post", "list", "wait"]


def run_operation(client: ArmClient, operation: str, body: dict[str, Any]) -> object:
    api = "2025-12-01"
    if operation == "get":
        return client.get(PATH, api_version=api, action="reading")
    if operation == "get_if_exists":
        return client.get_if_exists(PATH, api_version=api, action="reading")
    if operation == "put":
        return client.put(PATH, body, api_version=api, action="creating", timeout=120)
    if operation == "patch":
        return client.patch(PATH, body, api_version=api, action="updating", timeout=120)
    if operation == "delete":
        client.delete(PATH, api_version=api, action="deleting", timeout=120)
        return None
    if operation == "post":
        return client.post(PATH, api_version=api, action="starting", timeout=120, body=body)
    if operation == "list":
        return list(client.list(PATH, api_version=api, action="listing"))
    return client.wait_until_terminal(PATH, api_version=api, action="waiting", timeout=120)


def client_contract(
    token: str, operation: str, body: dict[str, Any], answers: list[tuple[int, dict[str, str], bytes]]
) -> None:
    service = ScriptedService(answers)
    session = requests.Session()
    session.mount("https://", service)
    session.mount("http://", service)
    lines: list[str] = []
    client = ArmClient(
        endpoint=ENDPOINT,
        token_source=UncheckedTokens(token),
        session=session,
        clock=FakeClock(),
        retry_policy=RetryPolicy(max_attempts=4, base_delay=1.0, max_delay=5.0, max_total_wait=30.0),
        poll_interval=5.0,
        progress=lines.append,
    )
    message = ""
    try:
        run_operation(client, operation, body)
    except (ArmError, ClientInputError) as error:
        message = str(error)
    except Exhausted:
        pytest.fail(f"{operation} did not terminate within {MAX_REQUESTS} requests: {answers!r:.500}")
    assert token not in message and GOOD_TOKEN not in message, message[:300]
    assert all(GOOD_TOKEN not in line for line in lines)
    for url, authorization in service.sent:
        assert url.startswith(f"{ENDPOINT}/"), f"a request left the configured origin: {url}"
        assert authorization == f"Bearer {token}" and token == token.strip(), "a bad token was sent"


@st.composite
def client_cases(draw: st.DrawFn) -> tuple[str, str, dict[str, Any], list[tuple[int, dict[str, str], bytes]]]:
    return draw(TOKENS), draw(st.sampled_from(OPERATIONS)), draw(BODY_VALUES), draw(ANSWERS)


@profiles.default(300)
@given(client_cases())
def test_arm_client_contract(case: tuple[str, str, dict[str, Any], list[tuple[int, dict[str, str], bytes]]]) -> None:
    client_contract(*case)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@profiles.slow(20_000)
@given(client_cases())
def test_arm_client_contract_slow(
    case: tuple[str, str, dict[str, Any], list[tuple[int, dict[str, str], bytes]]],
) -> None:
    client_contract(*case)
