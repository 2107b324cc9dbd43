"""Fault rules: an ordered list, first match wins, each rule good for ``times`` matches.

A rule matches on HTTP method, a case-insensitive ``fnmatch`` glob on the path, and the kind of request:

* ``request``: any ARM request that is not a poll (this includes the ones that start an operation);
* ``lro``: a request that starts a long-running operation (PUT/PATCH/DELETE/POST actions declared as LROs);
* ``poll``: a GET of an Azure-AsyncOperation status URL or a Location result URL. For polls the glob is also
  tried against the id of the resource the operation works on, so ``*/computes/*`` catches compute polls;
* ``*``: anything.

Each rule has exactly one action: answer an HTTP ``status`` with an ARM error body (``error_code``,
``error_message``) and ``headers``; ``drop`` the connection without answering; add ``latency_seconds`` before
handling the request normally; or make the operation the request starts end with ``lro_status``
``Failed``/``Canceled`` and that error. Example: ``{"method": "PUT", "path": "*/computes/*", "status": 429,
"times": 2}``. The older spelling (``final_status`` and ``error: {"code", "message"}``) is accepted
as an alias in JSON.
"""

from __future__ import annotations

import fnmatch
import math
import re
import threading
import types
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from .context import Outcome
from .messages import JsonObject

REQUEST_KINDS = ("*", "request", "lro", "poll")
MAX_LATENCY_SECONDS = 30.0
"""Latency is capped so a typo cannot hang a test run."""

DEFAULT_ERROR_CODES = types.MappingProxyType(
    {
        400: "BadRequest",
        401: "AuthenticationFailed",
        403: "AuthorizationFailed",
        404: "NotFound",
        408: "RequestTimeout",
        409: "Conflict",
        429: "TooManyRequests",
        500: "InternalServerError",
        502: "BadGateway",
        503: "ServiceUnavailable",
        504: "GatewayTimeout",
    }
)
"""Error codes for injected statuses when the rule names none."""

_RULE_FIELDS = frozenset(
    {
        "method",
        "path",
        "operation",
        "times",
        "status",
        "error_code",
        "error_message",
        "headers",
        "drop",
        "latency_seconds",
        "lro_status",
        "result_status",
    }
)
_ALIASES = frozenset({"final_status", "error"})
"""Older spellings of ``lro_status`` and ``error_code``/``error_message``."""


@dataclass
class FaultRule:
    """One rule. ``remaining`` counts down from ``times``; None means the rule never runs out."""

    method: str = "*"
    path: str = "*"
    operation: str = "*"
    times: int | None = None
    status: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    latency_seconds: float | None = None
    lro_status: str | None = None
    result_status: int | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    remaining: int | None = None
    matched: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> FaultRule:
        """Validate a rule as posted to ``/_emulator/faults``; raise ValueError with a readable reason."""
        unknown = sorted(set(data) - _RULE_FIELDS - _ALIASES)
        if unknown:
            raise ValueError(f"unknown fault rule field(s): {', '.join(unknown)}")
        error = _error(data.get("error"))
        rule = cls(
            method=_text(data, "method", "*").upper(),
            path=_text(data, "path", "*").lower(),
            operation=_text(data, "operation", "*").lower(),
            times=_optional_count(data.get("times")),
            status=_optional_status(data.get("status"), "status"),
            error_code=_optional_text(data, "error_code") or error.get("code"),
            error_message=_optional_text(data, "error_message") or error.get("message"),
            headers=_headers(data.get("headers")),
            drop=_flag(data.get("drop")),
            latency_seconds=_latency(data.get("latency_seconds")),
            lro_status=_lro_status(data.get("lro_status", data.get("final_status"))),
            result_status=_optional_status(data.get("result_status"), "result_status"),
        )
        if rule.operation not in REQUEST_KINDS:
            raise ValueError(f"'operation' must be one of {', '.join(REQUEST_KINDS)}")
        actions = [rule.status is not None, rule.drop, rule.latency_seconds is not None, rule.lro_status is not None]
        if sum(actions) != 1:
            raise ValueError("a fault rule needs exactly one of: status, drop, latency_seconds, lro_status")
        if rule.lro_status is not None and rule.operation == "poll":
            raise ValueError("lro_status applies to requests that start an operation, not to polls")
        rule.remaining = rule.times
        return rule

    def to_json(self) -> JsonObject:
        """The rule as JSON, with its id and how often it matched."""
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "operation": self.operation,
            "times": self.times,
            "remaining": self.remaining,
            "matched": self.matched,
            "status": self.status,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "headers": self.headers,
            "drop": self.drop,
            "latency_seconds": self.latency_seconds,
            "lro_status": self.lro_status,
            "result_status": self.result_status,
        }

    def applies_to(self, method: str, paths: tuple[str, ...], kind: str) -> bool:
        """Whether this rule matches a request (ignoring how many times it has left)."""
        if self.method not in ("*", method):
            return False
        wanted = self.operation
        if self.lro_status is not None and wanted in ("*", "request"):
            # Only a request that starts an operation can make an operation fail.
            wanted = "lro"
        if wanted == "request" and kind == "poll":
            return False
        if wanted in ("lro", "poll") and kind != wanted:
            return False
        return any(fnmatch.fnmatchcase(path.lower(), self.path) for path in paths)

    def outcome(self) -> Outcome:
        """The forced ending of an operation for an ``lro_status`` rule."""
        status = self.lro_status or "Failed"
        code = self.error_code or ("OperationCanceled" if status == "Canceled" else "InternalServerError")
        message = self.error_message or f"The operation ended {status} (emulated fault {self.id})."
        return Outcome(status, {"code": code, "message": message}, self.result_status or 400)

    def error_response_parts(self) -> tuple[int, str, str]:
        """Status, code and message of an injected error."""
        status = self.status or 500
        code = self.error_code or DEFAULT_ERROR_CODES.get(status, "InternalServerError")
        message = self.error_message or f"Injected fault {self.id}: HTTP {status} {code}."
        return status, code, message


class FaultBook:
    """The ordered rule list of one emulator, safe to use from many request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            kept = [rule for rule in self._rules if rule.id != rule_id]
            removed = len(kept) != len(self._rules)
            self._rules = kept
        return removed

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def to_json(self) -> list[JsonObject]:
        with self._lock:
            return [rule.to_json() for rule in self._rules]

    def __bool__(self) -> bool:
        """Whether any rule is installed (lets the pipeline skip work when there are none)."""
        return bool(self._rules)

    def take(self, method: str, paths: tuple[str, ...], kind: str) -> FaultRule | None:
        """Return the first live rule matching the request and count the match against its ``times``."""
        with self._lock:
            for rule in self._rules:
                if rule.remaining == 0 or not rule.applies_to(method, paths, kind):
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                rule.matched += 1
                return rule
        return None


def _text(data: Mapping[str, object], name: str, default: str) -> str:
    value = data.get(name, default)
    if not isinstance(value, str) or not value:
        raise ValueError(f"'{name}' must be a non-empty string")
    return value


def _optional_count(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("'times' must be a positive integer or null")
    return value


def _optional_status(value: object, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599:
        raise ValueError(f"'{name}' must be an HTTP status code")
    return value


def _optional_text(data: Mapping[str, object], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"'{name}' must be a non-empty string")
    return value


def _error(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(item, str) for item in value.values()):
        raise ValueError('\'error\' must be an object of strings such as {"code": ..., "message": ...}')
    return {str(name): str(item) for name, item in value.items()}


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}")
"""RFC 9110 §5.1: a field name is a ``token``."""
_HEADER_VALUE = re.compile(r"[\x20-\x7e\t]{0,8192}")
"""Visible ASCII, spaces and tabs only: no CR/LF (response splitting), no NUL, nothing the transport cannot send."""
_FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "content-type"})
"""Set by the transport; a rule overriding them would desynchronise the client's framing (a hang, not a fault)."""


def _headers(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError("'headers' must be an object")
    headers: dict[str, str] = {}
    for name, item in value.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise ValueError("'headers' names must be HTTP tokens (letters, digits and !#$%&'*+-.^_`|~)")
        if name.lower() in _FRAMING_HEADERS:
            raise ValueError(f"'headers' must not set {name}: the emulator frames every response itself")
        if not isinstance(item, str | int) or isinstance(item, bool) or not _HEADER_VALUE.fullmatch(str(item)):
            raise ValueError(
                f"'headers' value of {name} must be a string of visible ASCII characters, spaces and tabs "
                "(no line breaks or control characters), at most 8192 characters"
            )
        headers[name] = str(item)
    return headers


def _flag(value: object) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError("'drop' must be true or false")
    return value


def _latency(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError("'latency_seconds' must be a finite number >= 0")
    return min(float(value), MAX_LATENCY_SECONDS)


def _lro_status(value: object) -> str | None:
    if value is None:
        return None
    if value not in ("Failed", "Canceled"):
        raise ValueError("'lro_status' must be 'Failed' or 'Canceled'")
    return str(value)
