"""Transport security: where the bearer token may go, over what, and that TLS verification cannot be switched off.

- The token only goes to the configured management endpoint: an ``Azure-AsyncOperation`` or ``Location`` header, or a
  redirect, naming another origin (another host, port or scheme) is refused before anything is sent. A second local
  HTTP server stands in for the foreign host and must receive nothing; the emulator answers with the hostile
  headers through a fault rule (so nothing is created, and nothing is left behind).
- Plain http only to loopback: hostnames that merely *start* like a loopback address are not loopback.
- TLS verification is always on: a server with a self-signed certificate is refused whatever the environment says,
  whatever session is passed in, and no setting or client argument can turn verification off. The refusal is
  immediate (a rejected certificate is not retried) and says what to do.
"""

from __future__ import annotations

import http.server
import inspect
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_azureml.arm.auth import StaticTokenSource
from pulumi_azureml.arm.client import ArmClient
from pulumi_azureml.arm.errors import ArmRequestError, ClientInputError
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider
from pulumi_azureml.settings import SETTINGS, Settings

from reliability.catalogue import WORKSPACE_PATH, cluster
from reliability.conftest import TOKEN, fast_client, stack_config
from reliability.inprocess_engine import over_the_wire
from reliability.invariants import held_resources, seeded_ids
from support.tls import self_signed_context


class RecordingServer:
    """A local HTTP(S) server that records every request that reaches it and answers 200 'Succeeded'."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[tuple[str, str, str]] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
                return None

            def _answer(self) -> None:
                recorder.requests.append((self.command, self.path, self.headers.get("Authorization", "")))
                payload = b'{"status": "Succeeded", "properties": {"provisioningState": "Succeeded"}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _answer  # noqa: N815 - http.server's names

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                """A client refusing our certificate is the expected outcome: stay quiet."""

        self._server = Server(("127.0.0.1", 0), Handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self.scheme = "https" if tls is not None else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def foreign() -> Iterator[RecordingServer]:
    server = RecordingServer()
    try:
        yield server
    finally:
        server.stop()


def create_cluster(make_provider: Callable[[str], AzureMLProvider]) -> None:
    provider = make_provider("Compute")
    inputs = provider.check({}, over_the_wire(cluster("cpu-cluster").provider_inputs("cpu-cluster"))).inputs
    provider.create(dict(inputs))


# -- the token stays on the management endpoint -------------------------------------------------------------------


HOSTILE_ANSWERS = {
    "async-operation-on-another-host": (201, "Azure-AsyncOperation", "{foreign}/operations/1"),
    "location-on-another-host": (202, "Location", "{foreign}/results/1"),
    "async-operation-on-another-port-of-this-host": (201, "Azure-AsyncOperation", "{foreign}/operations/2"),
    "async-operation-by-another-name-for-this-host": (201, "Azure-AsyncOperation", "{same_by_name}/operations/3"),
    "async-operation-over-https-on-this-origin": (201, "Azure-AsyncOperation", "{same_over_https}/operations/4"),
    "redirect-to-another-host": (307, "Location", "{foreign}/elsewhere"),
}


@pytest.mark.parametrize("answer", sorted(HOSTILE_ANSWERS))
def test_a_polling_or_redirect_url_on_another_origin_is_refused(
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    foreign: RecordingServer,
    answer: str,
) -> None:
    install_client(fast_client(emulator))
    status, header, template = HOSTILE_ANSWERS[answer]
    url = template.format(
        foreign=foreign.url,
        same_by_name=emulator.url.replace("127.0.0.1", "localhost"),
        same_over_https=emulator.url.replace("http://", "https://"),
    )
    emulator.add_fault(method="PUT", path="*/computes/cpu-cluster", status=status, headers={header: url})
    seeded = seeded_ids(emulator)
    with pytest.raises(AzureMLError) as raised:
        create_cluster(make_provider)
    message = str(raised.value)
    assert "refusing to send the Azure token" in message or "redirect" in message, message
    assert TOKEN not in message
    assert foreign.requests == []
    polls = [entry for entry in emulator.requests_log() if "/operations/" in entry["path"]]
    assert polls == [], "the poll went to the emulator under another name"
    assert held_resources(emulator, seeded) == {}


def test_a_redirect_of_a_read_is_not_followed(
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    foreign: RecordingServer,
) -> None:
    install_client(fast_client(emulator))
    emulator.add_fault(method="GET", path="*/computes/cpu-cluster", status=307, headers={"Location": foreign.url})
    with pytest.raises(AzureMLError, match="HTTP 307"):
        create_cluster(make_provider)
    assert foreign.requests == []
    assert [entry["method"] for entry in emulator.requests_log()] == ["GET"], "nothing may be written after it"


# -- plain http only to loopback --------------------------------------------------------------------------------------

NOT_LOOPBACK = [
    "http://management.azure.com",
    "http://10.0.0.5",
    "http://127.0.0.1.nip.io",
    "http://127.evil.example",
    "http://localhost.evil.example",
    "http://[::ffff:10.0.0.1]",
    "http://0.0.0.0",
]
LOOPBACK = ["http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "http://127.10.20.30:1"]


@pytest.mark.parametrize("endpoint", NOT_LOOPBACK)
def test_plain_http_is_refused_outside_loopback(endpoint: str, emulator: EmulatorServer) -> None:
    with pytest.raises(ClientInputError, match="plain http"):
        ArmClient(endpoint=endpoint, token_source=StaticTokenSource(TOKEN))
    # Through stack config, the provider refuses before any request.
    provider = AzureMLProvider("Compute")
    provider.use_settings(Settings({**stack_config(emulator), "azureml:endpoint": endpoint}, environ={}))
    inputs = provider.check({}, over_the_wire(cluster("cpu-cluster").provider_inputs("cpu-cluster"))).inputs
    with pytest.raises(AzureMLError, match="plain http"):
        provider.create(dict(inputs))
    assert emulator.requests_log() == []


@pytest.mark.parametrize("endpoint", LOOPBACK)
def test_plain_http_is_accepted_for_loopback(endpoint: str) -> None:
    ArmClient(endpoint=endpoint, token_source=StaticTokenSource(TOKEN))


# -- TLS verification cannot be turned off ----------------------------------------------------------------------------


@pytest.fixture
def untrusted_tls_server(tmp_path: Path) -> Iterator[RecordingServer]:
    server = RecordingServer(tls=self_signed_context(tmp_path))
    try:
        yield server
    finally:
        server.stop()


ENVIRONMENTS = {
    "as-is": {},
    "empty-ca-bundles": {"REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": ""},
    "python-https-verify-off": {"PYTHONHTTPSVERIFY": "0"},
}


@pytest.mark.parametrize("environment", sorted(ENVIRONMENTS))
def test_an_untrusted_certificate_is_refused_at_once(
    untrusted_tls_server: RecordingServer, monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    for name, value in ENVIRONMENTS[environment].items():
        monkeypatch.setenv(name, value)
    insecure = requests.Session()
    insecure.verify = False  # a caller's session with verification off is turned back on
    for session in (None, insecure):
        client = ArmClient(
            endpoint=untrusted_tls_server.url,
            token_source=StaticTokenSource(TOKEN),
            session=session,
            poll_interval=0,
            progress=lambda line: None,
        )
        with pytest.raises(ArmRequestError) as raised:
            client.get(f"{WORKSPACE_PATH}/computes/x", api_version="2025-12-01", action="reading compute")
        message = str(raised.value)
        assert "certificate" in message.lower() and "after 1 attempt" in message, message
    assert untrusted_tls_server.requests == [], "an HTTP request got through an untrusted TLS connection"


def test_no_setting_or_argument_turns_verification_off(untrusted_tls_server: RecordingServer) -> None:
    words = ("verify", "tls", "ssl", "insecure", "certificate")
    for setting in SETTINGS:
        text = f"{setting.key} {' '.join(setting.environment)} {setting.description}".lower()
        assert not any(word in text for word in words), setting
    assert not any(word in name.lower() for name in inspect.signature(ArmClient).parameters for word in words)
    # Through stack config: the endpoint is all one can set.
    provider = AzureMLProvider("Compute")
    provider.use_settings(
        Settings({"azureml:endpoint": untrusted_tls_server.url, "azureml:accessToken": TOKEN}, environ={})
    )
    inputs = {**cluster("cpu-cluster").provider_inputs("cpu-cluster"), "api_version": "2025-12-01"}
    inputs.update(
        subscription_id="00000000-0000-0000-0000-00000000c0de", resource_group_name="rg", workspace_name="mlw"
    )
    checked = provider.check({}, over_the_wire(inputs))
    assert not checked.failures
    with pytest.raises(AzureMLError, match="certificate"):
        provider.create(dict(checked.inputs))
    assert untrusted_tls_server.requests == []
