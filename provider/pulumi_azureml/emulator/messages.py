"""The values every layer of the emulator speaks in: a parsed request, a response, and the ARM error.

Errors always leave the emulator in the ARM envelope of common-types v3:
``{"error": {"code", "message", "target", "details"}}``. Handlers raise :class:`ArmError`; the pipeline turns
it into a :class:`Response`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonObject = dict[str, Any]
"""A decoded JSON object. Bodies are plain dicts so the store can serialise them without adapters."""


@dataclass(frozen=True)
class Request:
    """One HTTP request, already read off the socket."""

    method: str
    """Upper-case HTTP method."""
    path: str
    """The percent-decoded path, without the query string."""
    query: dict[str, str]
    """Query parameters, first value wins; names keep their case (``api-version``, ``$skip``)."""
    raw_query: str
    """The query string exactly as received (without the ``?``)."""
    headers: dict[str, str]
    """Header values keyed by lower-cased header name."""
    body: bytes
    base_url: str
    """``http://host:port`` as the client addressed the emulator; every absolute URL handed out uses it."""

    def header(self, name: str) -> str | None:
        """Return a header value by case-insensitive name."""
        return self.headers.get(name.lower())


@dataclass
class Response:
    """What the transport writes back. ``body=None`` means no body at all (Content-Length: 0)."""

    status: int
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    drop_connection: bool = False
    """Close the socket without answering (fault injection)."""
    raw: bytes | None = None
    """A body sent as these bytes instead of JSON (the blob endpoint: blob content, Storage's XML errors)."""


def error_body(
    code: str,
    message: str,
    *,
    target: str | None = None,
    details: list[JsonObject] | None = None,
    additional_info: list[JsonObject] | None = None,
) -> JsonObject:
    """Build the ARM error envelope (common-types v3 ``ErrorResponse``)."""
    error: JsonObject = {"code": code, "message": message, "target": target, "details": details or []}
    if additional_info is not None:
        error["additionalInfo"] = additional_info
    return {"error": error}


class ArmError(Exception):
    """A failure answered to the client as an ARM error envelope with an HTTP status."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        target: str | None = None,
        details: list[JsonObject] | None = None,
        headers: dict[str, str] | None = None,
        additional_info: list[JsonObject] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.additional_info = additional_info
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.details = details or []
        self.headers = headers or {}

    def to_response(self) -> Response:
        """Render the error as a response."""
        body = error_body(
            self.code, self.message, target=self.target, details=self.details, additional_info=self.additional_info
        )
        return Response(self.status, body, dict(self.headers))


def bad_request(message: str, *, target: str | None = None) -> ArmError:
    """A body or parameter the Azure ML resource provider rejects.

    Azure ML answers its own validation failures with 400 ``UserError`` and a ``BadArgument`` detail
    (unverified code); the target names the offending field.
    """
    detail: JsonObject = {"code": "BadArgument", "message": message, "target": target}
    return ArmError(400, "UserError", message, target=target, details=[detail])


def conflict(message: str, *, code: str = "Conflict") -> ArmError:
    """A write refused because of the resource's current state."""
    return ArmError(409, code, message)
