"""The emulator's loopback blob endpoint under careless and hostile input (issue 23).

Contract: every request to ``/_blob/`` gets a status line and, when refused, Storage's XML error shape
(``<?xml ...?><Error><Code>..</Code><Message>..</Message></Error>`` with the code in ``x-ms-error-code``), the HTTP
transport's own refusals included; blob names are flat (``a`` and ``a/b`` both exist) within Storage's limits; a
SAS is valid only when signed with a key of the storage account itself. Then a seeded, bounded fuzzer over names and
requests holds the same contract.
"""

from __future__ import annotations

import base64
import random
import urllib.parse
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.emulator.blobs import sign, string_to_sign

from emulator_helpers import LOCATION, RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE, Arm, workspace_path
from support.raw_http import Answer, Exchange, exchange

REQUEST_TIMEOUT = 1.0
"""The raw-socket emulator's request timeout: a request that stops arriving is answered 408 after this long."""
MAX_BODY = 16 * 1024 * 1024


# ---------------------------------------------------------------------------------------------- helpers


def storage_error(answer: Answer) -> str:
    """The code of a Storage XML error answer; fails the test when the answer is not one."""
    assert answer.header("x-ms-error-code"), (answer.status, answer.headers, answer.body[:200])
    assert answer.body.startswith(b"<?xml"), answer.body[:200]
    root = ElementTree.fromstring(answer.body)
    assert root.tag == "Error"
    code = root.findtext("Code")
    assert code == answer.header("x-ms-error-code")
    assert root.findtext("Message")
    return str(code)


def only_answer(result: Exchange) -> Answer:
    assert not result.timed_out, "no end of answer (a hang)"
    assert result.answers, f"the connection closed without a status line (received {result.leftover[:80]!r})"
    assert len(result.answers) == 1 and not result.leftover, [answer.status for answer in result.answers]
    return result.answers[0]


def container_sas(key: bytes, account: str, container: str, permissions: str = "racwl") -> str:
    fields = {"sv": "2022-11-02", "sr": "c", "sp": permissions, "se": "2099-01-01T00:00:00Z", "spr": "https,http"}
    fields["sig"] = sign(key, string_to_sign(fields, account, container))
    return urllib.parse.urlencode(fields)


def default_store(arm: Arm) -> tuple[str, str, bytes]:
    """(account, container, key) of the workspace's default datastore, the key as listSecrets gives it."""
    properties = arm.get(f"{workspace_path()}/datastores/workspaceblobstore").json()["properties"]
    secret = arm.post(f"{workspace_path()}/datastores/workspaceblobstore/listSecrets", {}).json()["key"]
    return properties["accountName"], properties["containerName"], base64.b64decode(secret)


def put(url: str, sas: str, data: bytes) -> requests.Response:
    return requests.put(f"{url}?{sas}", data=data, headers={"x-ms-blob-type": "BlockBlob"}, timeout=30)


def get(url: str, sas: str) -> requests.Response:
    return requests.get(f"{url}?{sas}", timeout=30)


def quoted(name: str) -> str:
    return urllib.parse.quote(name, safe="/")


@pytest.fixture
def store(arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]) -> tuple[str, str]:
    """(container URL, SAS) of the workspace's default datastore."""
    account, container, key = default_store(arm)
    return f"{emulator.url}/_blob/{account}/{container}", container_sas(key, account, container)


# ---------------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(("first", "second"), [("a/b", "a"), ("c", "c/d"), ("x/y/z", "x/y"), ("p", "p/q/r")])
def test_a_blob_name_that_is_a_prefix_of_another_is_its_own_blob(
    store: tuple[str, str], emulator: EmulatorServer, first: str, second: str
) -> None:
    """Before: the second PUT closed the connection without a status line (a file where a folder was, or back)."""
    base, sas = store
    assert put(f"{base}/{first}", sas, b"first").status_code == 201
    assert put(f"{base}/{second}", sas, b"second").status_code == 201
    assert get(f"{base}/{first}", sas).content == b"first"
    assert get(f"{base}/{second}", sas).content == b"second"
    listed = [name.split("/", 2)[2] for name in emulator.blobs.list_blobs()]
    assert sorted(listed) == sorted([first, second])


def test_put_block_list_onto_a_prefix_of_an_existing_blob(store: tuple[str, str]) -> None:
    base, sas = store
    assert put(f"{base}/m/n", sas, b"deep").status_code == 201
    block = base64.b64encode(b"block-1").decode()
    staged = requests.put(f"{base}/m?{sas}&comp=block&blockid={urllib.parse.quote(block)}", data=b"top", timeout=30)
    assert staged.status_code == 201
    body = f"<?xml version='1.0' encoding='utf-8'?><BlockList><Latest>{block}</Latest></BlockList>"
    assert requests.put(f"{base}/m?{sas}&comp=blocklist", data=body, timeout=30).status_code == 201
    assert get(f"{base}/m", sas).content == b"top"
    assert get(f"{base}/m/n", sas).content == b"deep"


@pytest.mark.parametrize("length", [255, 256, 300, 1000])
def test_a_long_name_segment_is_accepted_in_a_flat_namespace(store: tuple[str, str], length: int) -> None:
    """Before: 256+ bytes in one segment closed the connection (a file name past the file system's limit).

    The workspace's storage has no hierarchical namespace (``storageHnsEnabled: false``): Storage limits the whole
    name (1,024 characters) and the number of segments (254), not one segment's length."""
    base, sas = store
    name = f"LocalUpload/{'s' * length}/f.bin"
    assert put(f"{base}/{quoted(name)}", sas, b"long").status_code == 201
    assert get(f"{base}/{quoted(name)}", sas).content == b"long"


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("x" * 1024, True),
        ("x" * 1025, False),
        ("é" * 1024, True),  # characters, not UTF-8 bytes
        ("\U0001f600" * 512, True),  # counted in UTF-16 code units: 1,024
        ("\U0001f600" * 513, False),
        ("/".join(["s"] * 254), True),
        ("/".join(["s"] * 255), False),
    ],
    ids=["1024", "1025", "1024-accented", "512-emoji", "513-emoji", "254-segments", "255-segments"],
)
def test_storage_limits_on_a_blob_name(store: tuple[str, str], name: str, accepted: bool) -> None:
    base, sas = store
    answer = put(f"{base}/{quoted(name)}", sas, b"x")
    if accepted:
        assert answer.status_code == 201, answer.text
        assert get(f"{base}/{quoted(name)}", sas).content == b"x"
    else:
        assert answer.status_code == 400
        assert answer.headers["x-ms-error-code"] == "OutOfRangeInput"
        assert b"<Code>OutOfRangeInput</Code>" in answer.content


def test_a_failure_inside_the_endpoint_is_a_storage_500_not_a_hang_up(
    store: tuple[str, str], emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(emulator.blobs, "put_blob", full_disk)
    base, sas = store
    answer = put(f"{base}/f.bin", sas, b"x")
    assert answer.status_code == 500
    assert answer.headers["x-ms-error-code"] == "InternalError"
    assert answer.content.startswith(b"<?xml")


# ---------------------------------------------------------------------------------------------- SAS and keys


def _register(arm: Arm, name: str, account: str, key: str, container: str = "data") -> None:
    body = {
        "properties": {
            "datastoreType": "AzureBlob",
            "accountName": account,
            "containerName": container,
            "credentials": {"credentialsType": "AccountKey", "secrets": {"secretsType": "AccountKey", "key": key}},
        }
    }
    answer = arm.put(f"{workspace_path()}/datastores/{name}", body, params={"skipValidation": "true"})
    assert answer.status_code in (200, 201), answer.text


def test_a_key_a_datastore_claims_for_the_account_signs_nothing(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    """Before: any key some datastore held for the account signed a valid SAS, so a datastore registered with a key
    of its owner's choosing read and overwrote the workspace's uploads."""
    account, container, key = default_store(arm)
    url = f"{emulator.url}/_blob/{account}/{container}/LocalUpload/abc/model.bin"
    assert put(url, container_sas(key, account, container), b"genuine").status_code == 201
    claimed = base64.b64encode(b"c" * 64).decode()
    _register(arm, "intruder", account, claimed, container)
    forged = container_sas(base64.b64decode(claimed), account, container)
    read = get(url, forged)
    assert read.status_code == 403 and read.headers["x-ms-error-code"] == "AuthenticationFailed"
    overwrite = put(url, forged, b"forged")
    assert overwrite.status_code == 403 and overwrite.headers["x-ms-error-code"] == "AuthenticationFailed"
    assert get(url, container_sas(key, account, container)).content == b"genuine"


def test_only_the_accounts_own_keys_sign_and_both_of_them_do(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    account, container, key = default_store(arm)
    first, second = (base64.b64decode(text) for text in emulator.blobs.create_account(account))
    assert key == first  # the default datastore holds the account's first key, as the service stores it
    file_store = arm.post(f"{workspace_path()}/datastores/workspacefilestore/listSecrets", {}).json()["key"]
    assert base64.b64decode(file_store) == first  # both default datastores sit on the same account
    url = f"{emulator.url}/_blob/{account}/{container}/k.bin"
    assert put(url, container_sas(second, account, container), b"by key 2").status_code == 201
    assert get(url, container_sas(first, account, container)).content == b"by key 2"


def test_a_datastore_on_an_account_the_emulator_does_not_hold_signs_nothing(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    claimed = base64.b64encode(b"n" * 64).decode()
    _register(arm, "elsewhere", "nosuchaccount", claimed)
    url = f"{emulator.url}/_blob/nosuchaccount/data/f.bin"
    refused = put(url, container_sas(base64.b64decode(claimed), "nosuchaccount", "data"), b"x")
    assert refused.status_code == 403
    assert refused.headers["x-ms-error-code"] == "AuthenticationFailed"
    assert emulator.blobs.list_blobs() == []


def test_one_workspaces_key_signs_nothing_for_another_workspaces_account(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    emulator.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, "ws-other", LOCATION)
    account, container, key = default_store(arm)
    other = arm.get(f"{workspace_path('ws-other')}/datastores/workspaceblobstore").json()["properties"]
    assert other["accountName"] != account
    url = f"{emulator.url}/_blob/{other['accountName']}/{other['containerName']}/f.bin"
    assert put(url, container_sas(key, other["accountName"], other["containerName"]), b"x").status_code == 403
    assert WORKSPACE != "ws-other"


def test_a_pending_upload_sas_is_signed_with_the_workspace_accounts_key(
    arm: Arm, emulator: EmulatorServer, workspace: dict[str, Any]
) -> None:
    answer = arm.post(f"{workspace_path()}/codes/score/versions/1/startPendingUpload", {"pendingUploadType": "None"})
    reference = answer.json()["blobReferenceForConsumption"]
    account, _, _ = default_store(arm)
    assert f"/_blob/{account}/" in reference["blobUri"]
    sas = reference["credential"]["sasUri"].split("?", 1)[1]
    assert put(f"{reference['blobUri']}/score.py", sas, b"print(1)").status_code == 201


def test_a_non_ascii_signature_is_refused_not_a_hang_up(store: tuple[str, str]) -> None:
    """``hmac.compare_digest`` raises on non-ASCII text: a signature must be compared as bytes."""
    base, sas = store
    forged = urllib.parse.urlencode({**dict(urllib.parse.parse_qsl(sas)), "sig": "é" * 44})
    refused = put(f"{base}/f.bin", forged, b"x")
    assert refused.status_code == 403
    assert refused.headers["x-ms-error-code"] == "AuthenticationFailed"


# ---------------------------------------------------------------------------------------------- transport refusals


@pytest.fixture(scope="module")
def raw_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(request_timeout=REQUEST_TIMEOUT) as server:
        yield server


@pytest.fixture
def raw(raw_server: EmulatorServer) -> EmulatorServer:
    raw_server.reset()
    raw_server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
    return raw_server


TARGET = "/_blob/somestorage/some-container/a/b.bin"


@pytest.mark.parametrize(
    ("raw_request", "status", "code"),
    [
        (f"GET {TARGET} HTTP/1.1 extra\r\n\r\n".encode(), 400, "InvalidInput"),
        (f"GET {TARGET} HTTX/1.1\r\n\r\n".encode(), 400, "InvalidInput"),
        (f"GET {TARGET}\r\n\r\n".encode(), 400, "InvalidInput"),
        (f"G\x00T {TARGET} HTTP/1.1\r\n\r\n".encode(), 400, "InvalidInput"),
        (f"GET {TARGET} HTTP/2.0\r\n\r\n".encode(), 505, None),
        (f"GET {TARGET}{'a' * 70_000} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 414, "InvalidUri"),
        (f"GET {TARGET} HTTP/1.1\r\nHost: x\r\nX-Big: {'b' * 70_000}\r\n\r\n".encode(), 431, None),
        (f"PUT {TARGET} HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n".encode(), 413, None),
        (f"PUT {TARGET} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n".encode(), 400, "InvalidInput"),
        (
            f"PUT {TARGET} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc".encode(),
            400,
            "InvalidInput",
        ),
        (f"PUT {TARGET} HTTP/1.1\r\nHost: x y\r\nContent-Length: 0\r\n\r\n".encode(), 400, "InvalidInput"),
        (f"GET http://127.0.0.1{TARGET} HTTP/1.1 extra\r\n\r\n".encode(), 400, "InvalidInput"),
    ],
    ids=[
        "4 words",
        "bad version",
        "HTTP/0.9",
        "NUL method",
        "h2",
        "long URL",
        "long header",
        "too large",
        "negative length",
        "both framings",
        "bad host",
        "absolute form",
    ],
)
def test_transport_refusals_of_a_blob_request_are_storage_xml(
    raw: EmulatorServer, raw_request: bytes, status: int, code: str | None
) -> None:
    """Before: ARM's JSON error envelope (``{"error": ...}``) from the HTTP layer."""
    answer = only_answer(exchange(raw.port, raw_request))
    assert answer.status == status
    found = storage_error(answer)
    if code is not None:
        assert found == code
    if status == 413:
        assert found == "RequestBodyTooLarge"


def test_a_blob_request_that_stops_arriving_is_a_storage_408(raw: EmulatorServer) -> None:
    head = f"PUT {TARGET} HTTP/1.1\r\nHost: x\r\nx-ms-blob-type: BlockBlob\r\nContent-Length: 100\r\n\r\n"
    result = exchange(raw.port, head.encode() + b"partial", half_close=False, timeout=REQUEST_TIMEOUT + 5)
    answer = only_answer(result)
    assert answer.status == 408
    storage_error(answer)


def test_an_unknown_method_on_a_blob_is_a_storage_405(raw: EmulatorServer) -> None:
    account, container, key = default_store(Arm(raw.url))
    sas = container_sas(key, account, container)
    answer = only_answer(exchange(raw.port, f"BREW /_blob/{account}/{container}/f?{sas} HTTP/1.1\r\n\r\n".encode()))
    assert answer.status == 405
    assert storage_error(answer) == "UnsupportedHttpVerb"


def test_an_arm_request_still_gets_arm_json(raw: EmulatorServer) -> None:
    answer = only_answer(exchange(raw.port, b"GET / HTTP/1.1 extra\r\n\r\n"))
    assert answer.status == 400
    assert answer.body.startswith(b'{"error"')


# ---------------------------------------------------------------------------------------------- fuzz


_SEGMENTS = ["a", "b", "a.b", "LocalUpload", "ü", "\U0001f600", "%", "+", " ", "s" * 300, "x" * 600]
_BAD_SEGMENTS = [".", "", "\\", "\x01"]


def _fuzz_name(rng: random.Random) -> str:
    """Mostly names Storage accepts, built from few segments so that many are prefixes of one another."""
    count = rng.choice([1, 1, 2, 2, 3, 5, 255])
    segments = [rng.choice(_BAD_SEGMENTS if rng.random() < 0.03 else _SEGMENTS) for _ in range(count)]
    return "/".join(segments)


def _fuzz_request(rng: random.Random, account: str, container: str, sas: str) -> bytes:
    name = quoted(_fuzz_name(rng))
    # No HEAD: its answer announces a body it does not carry, which this raw reader cannot frame.
    method = rng.choice(["PUT"] * 6 + ["GET"] * 4 + ["DELETE", "OPTIONS", "BREW", "G T"])
    comp = rng.choice([""] * 6 + ["&comp=block&blockid=YQ%3D%3D", "&comp=blocklist"])
    query = rng.choice([sas + comp] * 8 + ["", "sig=%FF", sas[:-3]])
    target = f"/_blob/{account}/{container}/{name}"
    if rng.random() < 0.1:
        target = rng.choice([f"/_blob/{account}/{name}", f"/_blob/{name}"])
    body = rng.choice([b"", b"data", b"<BlockList><Latest>YQ==</Latest></BlockList>", b"<BlockList>"])
    headers = ["Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    if rng.random() < 0.8:
        headers.append(f"x-ms-blob-type: {rng.choice(['BlockBlob'] * 4 + ['PageBlob'])}")
    if rng.random() < 0.05:
        headers.append("Transfer-Encoding: chunked")
    version = rng.choice(["HTTP/1.1"] * 12 + ["HTTP/1.0", "HTTP/9.9"])
    line = f"{method} {target}?{query} {version}"
    return ("\r\n".join([line, *headers]) + "\r\n\r\n").encode("latin-1", "replace") + body


def test_blob_fuzzer_always_gets_a_status_line_and_storage_errors(raw: EmulatorServer) -> None:
    """300 seeded requests (names that are prefixes of one another, long segments, too many segments, odd methods,
    broken framing) against one container: every one answered, every refusal in Storage's XML shape."""
    rng = random.Random(23)
    account, container, key = default_store(Arm(raw.url))
    sas = container_sas(key, account, container)
    problems: list[str] = []
    for index in range(300):
        request = _fuzz_request(rng, account, container, sas)
        result = exchange(raw.port, request, timeout=REQUEST_TIMEOUT + 10)
        if result.timed_out or not result.answers:
            problems.append(f"#{index} no status line: {request[:120]!r}")
            continue
        for answer in result.answers:
            if answer.status >= 500 and answer.status != 505:
                problems.append(f"#{index} {answer.status}: {answer.body[:160]!r}")
            elif answer.status >= 400:
                try:
                    storage_error(answer)
                except AssertionError as error:
                    problems.append(f"#{index} not a Storage error ({error}): {request[:120]!r}")
    assert problems == [], "\n".join(problems[:5])
