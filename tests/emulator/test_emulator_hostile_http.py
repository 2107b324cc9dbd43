"""The emulator's contract under hostile HTTP (issue 14, defects 3 and 4), over raw sockets.

Contract: every request, whatever its bytes, gets a status line and an ARM-shaped strict-JSON answer (an error
envelope or a success); never a 5xx the emulator did not choose (505 for HTTP/2+ request lines is its choice),
never a hang beyond its request timeout, never a closed connection without a status line; nothing a request
carries can inject a response header.

First the defects the issue found, one test each; then a seeded mutation fuzzer over valid requests (ARM and
``/_emulator/`` control calls): a bounded run in the default suite and a ``slow`` one of more than 10,000 requests.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator

import pytest

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import API_VERSION, LOCATION, RESOURCE_GROUP, SUBSCRIPTION, TOKEN, compute_path, workspace_path
from support.raw_http import Exchange, contract_violations, exchange

REQUEST_TIMEOUT = 1.0
"""The fuzzed emulator's request timeout: a request that stops arriving is answered 408 after this long."""
RG_PATH = f"/subscriptions/{SUBSCRIPTION}/resourcegroups/{RESOURCE_GROUP}"
MAX_BODY = 16 * 1024 * 1024


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(request_timeout=REQUEST_TIMEOUT) as server:
        yield server


@pytest.fixture
def server(hostile_server: EmulatorServer) -> EmulatorServer:
    hostile_server.reset()
    hostile_server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, "ws-emulator", LOCATION)
    return hostile_server


def request_bytes(
    method: str,
    target: str,
    body: bytes | None = None,
    *,
    headers: dict[str, str] | None = None,
    version: str = "HTTP/1.1",
    token: str | None = TOKEN,
) -> bytes:
    lines = [f"{method} {target} {version}", "Host: 127.0.0.1"]
    if token is not None:
        lines.append(f"Authorization: Bearer {token}")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body is not None and not any(name.lower() in ("content-length", "transfer-encoding") for name in headers or {}):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def arm_target(path: str, api_version: str = API_VERSION) -> str:
    return f"{path}?api-version={api_version}"


def check(result: Exchange, *, head: bool = False) -> None:
    problems = contract_violations(result, head=head)
    assert problems == [], problems


def only_answer(result: Exchange) -> tuple[int, dict[str, object]]:
    check(result)
    assert len(result.answers) == 1, [answer.status for answer in result.answers]
    answer = result.answers[0]
    return answer.status, json.loads(answer.body or b"{}")


def nested(depth: int) -> bytes:
    return b'{"location":"eastus","tags":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"


# ---------------------------------------------------------------------------------------------- defect 4


@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
@pytest.mark.parametrize("target", ["arm", "control"])
def test_deeply_nested_json_is_a_400(server: EmulatorServer, depth: int, target: str) -> None:
    """Before: a 500 (RecursionError) on ARM paths, a dropped connection on control calls."""
    path = arm_target(RG_PATH) if target == "arm" else "/_emulator/faults"
    status, body = only_answer(
        exchange(server.port, request_bytes("PUT" if target == "arm" else "POST", path, nested(depth)))
    )
    assert status == 400
    assert body["error"]["code"] == "InvalidRequestContent"  # type: ignore[index]


@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "get", "put", "CONNECT", "PROPFIND", "BREW"])
@pytest.mark.parametrize("target", ["arm", "control"])
def test_any_method_gets_an_arm_answer(server: EmulatorServer, method: str, target: str) -> None:
    """Before: an HTML 501 page from http.server."""
    path = arm_target(RG_PATH) if target == "arm" else "/_emulator/health"
    status, body = only_answer(exchange(server.port, request_bytes(method, path)))
    assert status in (404, 405)
    assert body["error"]["code"] in ("MethodNotAllowed", "NotFound", "InvalidResourceType")  # type: ignore[index]


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(150)) + b"\r\n", 431),
        (b"GET / HTTP/1.1 extra\r\n\r\n", 400),
        (b"GET / HTTX/1.1\r\n\r\n", 400),
        (b"GET /\r\n\r\n", 400),
        (b"\r\n\r\n", 400),
        (b"G\x00T / HTTP/1.1\r\n\r\n", 400),
        (b"GET / HTTP/2.0\r\n\r\n", 505),
    ],
    ids=["long URL", "long header", "many headers", "4 words", "bad version", "HTTP/0.9", "empty", "NUL method", "h2"],
)
def test_malformed_request_lines_and_headers_get_arm_errors(server: EmulatorServer, raw: bytes, status: int) -> None:
    """Before: HTML bodies, or empty 4xx bodies."""
    answered, body = only_answer(exchange(server.port, raw))
    assert answered == status
    assert body["error"]["code"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Content-Length": "abc"}, 400),
        ({"Content-Length": "-5"}, 400),
        ({"Content-Length": "+5"}, 400),
        ({"Content-Length": "5, 6"}, 400),
        ({"Content-Length": str(MAX_BODY + 1)}, 413),
        ({"Content-Length": "9" * 30}, 400),
        ({"Transfer-Encoding": "gzip"}, 400),
        ({"Transfer-Encoding": "chunked", "Content-Length": "5"}, 400),
    ],
    ids=["letters", "negative", "plus sign", "two values", "over the cap", "30 digits", "gzip", "TE and CL"],
)
def test_bad_content_length_and_transfer_encoding_are_arm_errors(
    server: EmulatorServer, headers: dict[str, str], status: int
) -> None:
    """Before: a 413 for a malformed length, with an empty body."""
    answered, body = only_answer(exchange(server.port, request_bytes("PUT", arm_target(RG_PATH), b"", headers=headers)))
    assert answered == status
    assert body["error"]["code"]  # type: ignore[index]


def test_a_negative_content_length_cannot_smuggle_a_second_request(server: EmulatorServer) -> None:
    """Before: the body was parsed as a second request (here: a DELETE of the resource group)."""
    smuggled = request_bytes("DELETE", arm_target(RG_PATH))
    raw = request_bytes("PUT", arm_target(RG_PATH), smuggled, headers={"Content-Length": "-1"})
    result = exchange(server.port, raw)
    status, _ = only_answer(result)
    assert status == 400
    assert [entry["method"] for entry in server.requests_log()] == []


def test_a_chunked_body_over_the_cap_is_refused_without_reading_it(server: EmulatorServer) -> None:
    """Before: chunked bodies bypassed the 16 MB cap (200 MB read into memory)."""
    head = request_bytes("PUT", arm_target(RG_PATH), b"", headers={"Transfer-Encoding": "chunked"})
    chunk = b"%x\r\n" % (4 * 1024 * 1024) + b" " * (4 * 1024 * 1024) + b"\r\n"
    status, body = only_answer(exchange(server.port, head + chunk * 5 + b"0\r\n\r\n", timeout=20))
    assert status == 413
    assert body["error"]["code"] == "RequestEntityTooLarge"  # type: ignore[index]


def test_a_valid_chunked_body_is_accepted(server: EmulatorServer) -> None:
    payload = json.dumps({"location": LOCATION}).encode()
    head = request_bytes("PUT", arm_target(RG_PATH), b"", headers={"Transfer-Encoding": "chunked"})
    raw = head + b"%x;ext=1\r\n" % 5 + payload[:5] + b"\r\n" + b"%x\r\n" % (len(payload) - 5) + payload[5:]
    status, body = only_answer(exchange(server.port, raw + b"\r\n0\r\nX-Trailer: 1\r\n\r\n"))
    assert status in (200, 201)
    assert body["location"] == LOCATION


@pytest.mark.parametrize(
    "payload",
    [
        b'{"location":"eastus","tags":{"a":NaN}}',
        b'{"location":"eastus","x":Infinity}',
        b'{"x":-Infinity}',
        b'{"x":1e999}',
    ],
)
@pytest.mark.parametrize("target", ["arm", "control"])
def test_nan_and_infinity_literals_are_refused(server: EmulatorServer, payload: bytes, target: str) -> None:
    """Before: accepted, stored, and answered in 2xx JSON as ``NaN`` (not JSON at all)."""
    path = arm_target(RG_PATH) if target == "arm" else "/_emulator/settings"
    status, body = only_answer(
        exchange(server.port, request_bytes("PUT" if target == "arm" else "POST", path, payload))
    )
    assert status == 400
    assert "NaN or Infinity" in body["error"]["message"] or "out of range" in body["error"]["message"]  # type: ignore[index]


@pytest.mark.parametrize(
    "payload",
    [b'{"location":"eastus","tags":{"a":"\\ud800"}}', b'{"location":"eastus","tags":{"\\udfff":"x"}}', b"\xff\xfe{}"],
)
def test_lone_surrogates_and_bad_utf8_are_400_not_500(server: EmulatorServer, payload: bytes) -> None:
    """Before: a lone surrogate gave a 500."""
    status, body = only_answer(exchange(server.port, request_bytes("PUT", arm_target(RG_PATH), payload)))
    assert status == 400
    assert body["error"]["code"] == "InvalidRequestContent"  # type: ignore[index]


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Test": "a\r\nX-Injected: 1"},
        {"X-Test": "caf\u00e9"},
        {"X-Test": "nul\x00"},
        {"X Bad": "1"},
        {"Content-Length": "0"},
        {"Transfer-Encoding": "chunked"},
    ],
)
def test_fault_rule_headers_are_sanitised(server: EmulatorServer, headers: dict[str, str]) -> None:
    """Before: fault-rule header values went out unsanitised (CRLF injection)."""
    rule = json.dumps({"path": "*", "status": 503, "headers": headers}).encode()
    status, body = only_answer(exchange(server.port, request_bytes("POST", "/_emulator/faults", rule)))
    assert status == 400
    assert "headers" in body["error"]["message"]  # type: ignore[index]
    assert server.faults() == []
    with pytest.raises(ValueError, match="headers"):
        server.add_fault(status=503, headers=headers)


def test_a_request_that_stops_arriving_is_answered_408_within_the_timeout(server: EmulatorServer) -> None:
    raw = request_bytes("PUT", arm_target(RG_PATH), b"", headers={"Content-Length": "100"})
    result = exchange(server.port, raw + b'{"loc', half_close=False, timeout=REQUEST_TIMEOUT + 5)
    status, body = only_answer(result)
    assert status == 408
    assert body["error"]["code"] == "RequestTimeout"  # type: ignore[index]


def test_head_gets_a_status_line_and_headers_only(server: EmulatorServer) -> None:
    result = exchange(server.port, request_bytes("HEAD", arm_target(RG_PATH, "2021-04-01")))
    check(result, head=True)
    assert [answer.status for answer in result.answers] == [204]  # ARM's "the resource group exists"
    missing = exchange(server.port, request_bytes("HEAD", arm_target(RG_PATH + "-missing", "2021-04-01")))
    check(missing, head=True)
    assert [answer.status for answer in missing.answers] == [404]


def test_a_body_shorter_than_its_length_is_a_400(server: EmulatorServer) -> None:
    raw = request_bytes("PUT", arm_target(RG_PATH), b"", headers={"Content-Length": "100"})
    status, _ = only_answer(exchange(server.port, raw + b'{"loc'))
    assert status == 400


# ---------------------------------------------------------------------------------------------- defect 3


@pytest.mark.parametrize("location", ["east\r\nX-Injected: 1", "\u6771\u4eac", "west\u00e9"])
def test_what_a_resource_carries_cannot_break_the_response_headers(server: EmulatorServer, location: str) -> None:
    """Before: the location went unescaped into ``Azure-AsyncOperation``/``Location``: CR/LF injected headers,
    a non-Latin-1 character dropped the answer after the resource was stored."""
    body = json.dumps({"location": location, "properties": {}}, ensure_ascii=False).encode()
    status, _ = only_answer(exchange(server.port, request_bytes("PUT", arm_target(workspace_path("ws-evil")), body)))
    assert status < 500


@pytest.mark.parametrize("name", ["ws%0D%0AX-Injected:%201", "ws%E6%9D%B1", "ws%FF%FE"])
def test_a_path_with_encoded_line_breaks_cannot_inject_headers(server: EmulatorServer, name: str) -> None:
    result = exchange(server.port, request_bytes("DELETE", arm_target(compute_path(name))))
    check(result)
    raw = request_bytes("GET", "/", headers={"x-ms-client-request-id": "id\x01\x7f\u00ff"})
    check(exchange(server.port, raw))


# ---------------------------------------------------------------------------------------------- the fuzzer


def seeds() -> list[bytes]:
    """Valid requests of every shape: ARM reads and writes, LROs, lists, and control calls. (HEAD is tested on its
    own: its answer announces a length it does not carry, which a byte-level reader of mutated requests cannot
    match to its request.)"""
    rg = json.dumps({"location": LOCATION, "tags": {"env": "dev"}}).encode()
    compute = json.dumps(
        {"properties": {"computeType": "AmlCompute", "properties": {"vmSize": "STANDARD_DS3_V2"}}}
    ).encode()
    fault = json.dumps({"path": "*/nothing-matches", "status": 429, "headers": {"Retry-After": "1"}}).encode()
    return [
        request_bytes("GET", arm_target(RG_PATH, "2021-04-01")),
        request_bytes("PUT", arm_target(RG_PATH, "2021-04-01"), rg, headers={"Content-Type": "application/json"}),
        request_bytes("PUT", arm_target(compute_path("fuzz-cpu")), compute),
        request_bytes("PATCH", arm_target(compute_path("fuzz-cpu")), b'{"tags":{"a":"b"}}'),
        request_bytes("DELETE", arm_target(compute_path("fuzz-cpu"))),
        request_bytes("GET", arm_target(f"{workspace_path()}/computes")),
        request_bytes("POST", arm_target(f"{workspace_path()}/listKeys"), b""),
        request_bytes("GET", "/_emulator/health", token=None),
        request_bytes("POST", "/_emulator/faults", fault, token=None),
        request_bytes("POST", "/_emulator/settings", b'{"page_size": 5}', token=None),
        request_bytes("GET", "/_emulator/requests", token=None),
        request_bytes("POST", "/_emulator/tokens/expire", b'{"token": "old"}', token=None),
    ]


INSERTIONS = [
    b"\r\n",
    b"\n",
    b"\r",
    b"\x00",
    b"\xff",
    b"\xed\xa0\x80",
    b"%",
    b"%0d%0a",
    b"\\ud800",
    b"NaN",
    b"Infinity",
    b"[" * 70,
    b"{",
    b"}",
    b'"',
    b" ",
    b"\t",
    b":",
    b"?",
    b"#",
    b"..",
    b"/",
    b"\r\nX-Injected: 1\r\n",
    b"\r\nContent-Length: -1\r\n",
    b"\r\nTransfer-Encoding: chunked\r\n",
    b"\r\nContent-Length: 99999999\r\n",
    b"\r\n\r\n",
    b"HTTP/1.1",
    b"HTTP/9.9",
    b"TRACE",
    b"1e999",
    b"-0",
    b"\xc3\xa9",
    b"\xe2\x82\xac",
]


def mutate(seed: bytes, rng: random.Random) -> bytes:
    """One to three mutations: byte flips, insertions of hostile fragments, deletions, truncation, duplication."""
    data = bytearray(seed)
    for _ in range(rng.randint(1, 3)):
        choice = rng.randrange(7)
        position = rng.randrange(len(data) + 1)
        if choice == 0 and data:
            data[min(position, len(data) - 1)] = rng.randrange(256)
        elif choice in (1, 2):
            data[position:position] = rng.choice(INSERTIONS)
        elif choice == 3:
            del data[position : position + rng.randint(1, 16)]
        elif choice == 4:
            del data[position:]
        elif choice == 5:
            data.extend(rng.choice(seeds()))  # pipelined second request
        else:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(data)


def fuzz(server: EmulatorServer, count: int, seed: int) -> dict[str, object]:
    """Send ``count`` mutated requests; return the figures; fail listing the first violations."""
    rng = random.Random(seed)
    corpus = seeds()
    failures: list[str] = []
    statuses: dict[int, int] = {}
    started = time.monotonic()
    slowest = 0.0
    for index in range(count):
        raw = mutate(rng.choice(corpus), rng)
        result = exchange(server.port, raw, timeout=REQUEST_TIMEOUT + 5)
        slowest = max(slowest, result.seconds)
        if not raw:
            # Connected and closed without a byte: nothing was asked, so nothing is answered.
            assert result.answers == [] and not result.timed_out
            continue
        problems = contract_violations(result)
        if problems:
            failures.append(f"#{index} {raw[:200]!r}: {problems}")
        for answer in result.answers:
            statuses[answer.status] = statuses.get(answer.status, 0) + 1
        if index % 500 == 499:
            server.reset()
            server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, "ws-emulator", LOCATION)
    assert failures == [], "\n".join(failures[:10])
    return {"requests": count, "seconds": time.monotonic() - started, "slowest": slowest, "statuses": statuses}


def test_http_fuzzer_finds_nothing(server: EmulatorServer) -> None:
    figures = fuzz(server, 600, seed=14)
    assert figures["requests"] == 600


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_http_fuzzer_slow_profile_finds_nothing(server: EmulatorServer) -> None:
    figures = fuzz(server, 12_000, seed=1414)
    print(f"emulator HTTP fuzz: {figures}")
