"""Test doubles for the ARM layer: a fake clock that never sleeps and a fake transport mounted on a Session."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


class FakeClock:
    """Monotonic and wall time that only move when someone 'sleeps'; records every wait."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class Recorded:
    method: str
    url: str
    headers: dict[str, str]
    body: Any


Reply = Callable[[requests.PreparedRequest], requests.Response] | BaseException


def make_response(
    status: int, body: Any = None, headers: dict[str, str] | None = None, url: str = ""
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers = CaseInsensitiveDict(headers or {})
    response._content = b"" if body is None else json.dumps(body).encode()
    response.url = url
    response.reason = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content"}.get(status, "Error")
    return response


@dataclass
class FakeTransport(BaseAdapter):
    """Answers requests from a script: a list of (method, url-substring, response) matched in order, each once."""

    script: list[tuple[str, str, Any]] = field(default_factory=list)
    recorded: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def add(self, method: str, url_part: str, status: int = 200, body: Any = None, **headers: str) -> FakeTransport:
        self.script.append((method, url_part, (status, body, {k.replace("_", "-"): v for k, v in headers.items()})))
        return self

    def add_error(self, method: str, url_part: str, error: BaseException) -> FakeTransport:
        self.script.append((method, url_part, error))
        return self

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        body = json.loads(request.body) if request.body else None
        self.recorded.append(Recorded(request.method or "", request.url or "", dict(request.headers), body))
        for index, (method, url_part, reply) in enumerate(self.script):
            if method == request.method and url_part in (request.url or ""):
                del self.script[index]
                if isinstance(reply, BaseException):
                    raise reply
                status, payload, headers = reply
                return make_response(status, payload, headers, request.url or "")
        raise AssertionError(f"unexpected request {request.method} {request.url}")

    def close(self) -> None:
        return None


def session_with(transport: FakeTransport) -> requests.Session:
    session = requests.Session()
    session.mount("https://", transport)
    session.mount("http://", transport)
    return session


class UncheckedTokens:
    """A token source that hands out any string as it is, unlike StaticTokenSource, which refuses malformed tokens:
    for tests of what the client itself does with a hostile token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def token(self) -> str:
        return self._token

    def invalidate(self, token: str) -> None:
        return None
