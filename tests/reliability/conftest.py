"""Fixtures of the reliability suites: a strict-token emulator, fast ARM clients, providers wired to them.

Test-only hook, and why: the fault matrix needs a client that never really sleeps between retries (a zero-backoff
``RetryPolicy``), a read timeout short enough to trip on purpose, a token source that can expire or rotate, and a
session that can act at an exact request. None of that is (or should be) stack config, so ``install_client``
replaces the ``client_for`` the provider module imported from :mod:`pulumi_azureml.runtime` with one returning the
test's client. Everything else (check, diff, create, read, update, delete, error mapping, redaction) is the real
provider code.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
import requests

from pulumi_azureml.arm.auth import AccessToken, CredentialTokenSource, StaticTokenSource, TokenSource
from pulumi_azureml.arm.client import ArmClient
from pulumi_azureml.arm.retry import RetryPolicy
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.settings import Settings

from reliability.catalogue import API_VERSION, LOCATION, RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE

TOKENS = tuple(f"reliability-token-{index}" for index in range(1, 41))
"""Bearer tokens the strict emulator accepts; the first is the static token of the stack config."""
TOKEN = TOKENS[0]
READ_TIMEOUT_SECONDS = 0.3
"""The matrix client's read timeout; a latency fault of :data:`SLOW_ANSWER_SECONDS` trips it."""
SLOW_ANSWER_SECONDS = 0.8
FAST_RETRIES = RetryPolicy(max_attempts=6, base_delay=0.0, max_delay=0.0, max_total_wait=5.0)


def stack_config(emulator: EmulatorServer, **extra: str) -> dict[str, str]:
    """Stack config for a provider (or the host) talking to ``emulator`` with the static token."""
    return {
        "azureml:endpoint": emulator.url,
        "azureml:accessToken": TOKEN,
        "azureml:subscriptionId": SUBSCRIPTION,
        "azureml:resourceGroupName": RESOURCE_GROUP,
        "azureml:workspaceName": WORKSPACE,
        "azureml:pollIntervalSeconds": "0",
        **extra,
    }


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    """One emulator in strict-token mode for the whole run (stopping one costs its 50 ms poll interval)."""
    server = EmulatorServer(tokens=TOKENS).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorServer:
    """The emulator, reset (resources, operations, faults, log, settings, expired tokens) and seeded afresh."""
    emulator_server.reset()
    emulator_server.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    emulator_server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
    return emulator_server


def arm_request(
    emulator: EmulatorServer,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str = TOKEN,
    query: Mapping[str, str] | None = None,
) -> requests.Response:
    """A direct HTTP call to the emulator, as someone using the portal or the CLI would make (out of band)."""
    return requests.request(
        method,
        f"{emulator.url}{path}",
        params={"api-version": API_VERSION, **(query or {})},
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


class RotatingCredential:
    """A fake azure-identity credential: each ``get_token`` hands out the next of :data:`TOKENS`, valid one hour."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.issued: list[str] = []

    def get_token(self, *scopes: str) -> AccessToken:
        with self._lock:
            token = TOKENS[len(self.issued) % len(TOKENS)]
            self.issued.append(token)
            return AccessToken(token, time.time() + 3600)


class ExpiringSession(requests.Session):
    """A session that, once armed, expires the bearer token of a chosen request in the emulator just before sending.

    This is "the token expires mid-run" at an exact point (e.g. the first poll of an operation that was already
    accepted), which a wall-clock expiry could not hit reliably.
    """

    def __init__(self, emulator: EmulatorServer) -> None:
        super().__init__()
        self._emulator = emulator
        self._predicate: Callable[[str, str], bool] | None = None
        self.fired = False

    def arm(self, predicate: Callable[[str, str], bool]) -> None:
        self._predicate = predicate
        self.fired = False

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        predicate = self._predicate
        if predicate is not None and predicate(str(method), str(url)):
            self._predicate = None
            headers: Mapping[str, str] = kwargs.get("headers") or {}
            token = str(headers.get("Authorization", "")).removeprefix("Bearer ")
            self._emulator.expire_token(token)
            self.fired = True
        return super().request(method, url, *args, **kwargs)


def fast_client(
    emulator: EmulatorServer,
    token_source: TokenSource | None = None,
    *,
    session: requests.Session | None = None,
    read_timeout: float = 10.0,
) -> ArmClient:
    """An ARM client for the emulator that retries at once and reports no progress lines."""
    return ArmClient(
        endpoint=emulator.url,
        token_source=token_source or StaticTokenSource(TOKEN),
        session=session,
        retry_policy=FAST_RETRIES,
        poll_interval=0.0,
        request_timeouts=(5.0, read_timeout),
        progress=lambda line: None,
    )


def credential_token_source(credential: RotatingCredential) -> CredentialTokenSource:
    return CredentialTokenSource(lambda: credential, "https://management.azure.com/.default")


@pytest.fixture
def install_client(monkeypatch: pytest.MonkeyPatch) -> Callable[[ArmClient], None]:
    """Make every provider in this test use the given client (see the module docstring for why)."""
    import pulumi_azureml.runtime as runtime_module

    def install(client: ArmClient) -> None:
        monkeypatch.setattr(runtime_module, "client_for", lambda settings: client)

    return install


@pytest.fixture
def make_provider(emulator: EmulatorServer) -> Callable[[str], AzureMLProvider]:
    """Providers configured with the stack config of ``emulator`` (their client is whatever is installed)."""

    def make(kind: str) -> AzureMLProvider:
        provider = AzureMLProvider(kind)
        provider.use_settings(Settings(stack_config(emulator), environ={}))
        return provider

    return make


def wait_until(condition: Callable[[], bool], timeout: float = 10.0, interval: float = 0.01) -> bool:
    """Poll ``condition`` until it holds (True) or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def wait_for_delayed_answers(emulator: EmulatorServer, timeout: float = 10.0) -> None:
    """Wait until every request a latency fault held has been answered (its late effect is then in the store)."""
    latency_rules = {rule["id"]: rule["matched"] for rule in emulator.faults() if rule["latency_seconds"]}

    def answered() -> bool:
        counts: dict[str, int] = {}
        for entry in emulator.requests_log():
            if entry["fault"] in latency_rules:
                counts[str(entry["fault"])] = counts.get(str(entry["fault"]), 0) + 1
        return all(counts.get(rule_id, 0) >= matched for rule_id, matched in latency_rules.items())

    if not wait_until(answered, timeout):
        raise AssertionError("a request held by a latency fault was never answered")
