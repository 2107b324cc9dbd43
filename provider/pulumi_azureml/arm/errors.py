"""The ARM layer's exception tree, and the one place ARM error responses are turned into exceptions.

::

    ArmError                         base: every error this layer raises; ``str()`` is the user-facing message
    ├── ArmRequestError              no usable answer: connection refused/dropped, read timeout (after retries), or
    │   │                            the request could not be built or sent (bad token, body not JSON, TLS...)
    │   └── CredentialError          no token: the credential source failed (names it and how to choose another)
    ├── ArmResponseError             the service answered with an error status (after retries)
    │   ├── BadRequestError          400: the service refused the request body or parameters
    │   ├── AuthenticationError      401/403: token missing, expired, or no permission
    │   ├── NotFoundError            404
    │   ├── ConflictError            409: e.g. another operation in progress, or the resource exists elsewhere
    │   └── ThrottledError           429 that outlived the retry budget
    ├── OperationFailedError         a long-running operation ended ``Failed``
    │   └── OperationCanceledError   ... or ``Canceled``
    ├── OperationTimeoutError        a long-running operation outlived its overall timeout
    └── UnsafeUrlError               refused to send the token to a foreign host or over plain http

    ClientInputError (ValueError)    client-side bad input (names, config); raised before any request is sent

Messages follow the azurerm convention (``"<verb>ing <what> <id>: <cause>"``, lower case, no "failed" prefix) and
carry the service's ``error.code``/``error.message`` and ``x-ms-request-id``. They never contain a token, a header
or a request body, so they are safe to print.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Types only: importing requests costs ~25 ms that a preview (no request at all) should not pay.
    import requests


class ClientInputError(ValueError):
    """Bad input caught on the client before any request: a name that would change the URL, a missing setting.

    A ``ValueError`` and deliberately not an :class:`ArmError`, so nothing retries it.
    """


class ArmError(Exception):
    """Base of every error raised by the ARM layer.

    :param message: the complete, user-facing message.
    :param action: what was being done, e.g. ``"creating compute"``.
    :param resource_id: the ARM id (or URL path) concerned.
    """

    def __init__(self, message: str, *, action: str = "", resource_id: str = "") -> None:
        super().__init__(message)
        self.action = action
        self.resource_id = resource_id


class ArmRequestError(ArmError):
    """No usable response arrived (connection error, read timeout) even after retries, or the request could not be
    built or sent at all; its message never repeats a header or the token."""


class CredentialError(ArmRequestError):
    """No token could be had: the credential source failed (a sign-in host out of reach, no `az login`, a refused
    client secret). The message names the operation, the source tried and the settings that choose another."""


class UnsafeUrlError(ArmError):
    """A URL the client refused to send the bearer token to (foreign host, or http to a non-loopback host)."""


class ArmResponseError(ArmError):
    """The service answered with an error status.

    :ivar status: the HTTP status code.
    :ivar code: the service's ``error.code`` (``""`` when the body had none).
    :ivar service_message: the service's ``error.message``.
    :ivar request_id: the ``x-ms-request-id`` response header, for support tickets.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str,
        service_message: str,
        request_id: str,
        action: str = "",
        resource_id: str = "",
    ) -> None:
        super().__init__(message, action=action, resource_id=resource_id)
        self.status = status
        self.code = code
        self.service_message = service_message
        self.request_id = request_id


class BadRequestError(ArmResponseError):
    """400: the service rejected the request."""


class AuthenticationError(ArmResponseError):
    """401 or 403: the credential was refused or lacks permission."""


class NotFoundError(ArmResponseError):
    """404: the resource (or its parent) does not exist."""


class ConflictError(ArmResponseError):
    """409: the request conflicts with the resource's current state."""


class ThrottledError(ArmResponseError):
    """429 that did not clear within the retry budget."""


class OperationFailedError(ArmError):
    """A long-running operation reached a terminal ``Failed`` state.

    :ivar code: the operation's ``error.code``.
    :ivar service_message: the operation's ``error.message``.
    """

    def __init__(
        self, message: str, *, code: str, service_message: str, action: str = "", resource_id: str = ""
    ) -> None:
        super().__init__(message, action=action, resource_id=resource_id)
        self.code = code
        self.service_message = service_message


class OperationCanceledError(OperationFailedError):
    """A long-running operation reached a terminal ``Canceled`` state."""


class OperationTimeoutError(ArmError):
    """A long-running operation was still running when the caller's overall timeout ran out."""


_STATUS_CLASSES: dict[int, type[ArmResponseError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: AuthenticationError,
    404: NotFoundError,
    409: ConflictError,
    429: ThrottledError,
}

_REDIRECT_HINT = (
    "Azure Resource Manager does not redirect; the redirect was not followed (the token only goes to the configured "
    "management endpoint)"
)
_HINTS: dict[int, str] = {
    301: _REDIRECT_HINT,
    302: _REDIRECT_HINT,
    303: _REDIRECT_HINT,
    307: _REDIRECT_HINT,
    308: _REDIRECT_HINT,
    401: "check the credentials (azureml:clientId/clientSecret/tenantId or `az login`) and the cloud setting",
    403: "the identity lacks permission on this scope; grant it a role such as 'AzureML Data Scientist' or Contributor",
    429: "Azure is throttling this subscription; wait and run again",
}


def parse_error_body(body: Any) -> tuple[str, str]:
    """Return ``(code, message)`` from an ARM error envelope, tolerating the extra fields Azure ML adds."""
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            code = error.get("code")
            message = error.get("message")
            return (str(code) if code else "", str(message) if message else "")
    return ("", "")


def response_error_code(response: requests.Response) -> str:
    """The ``error.code`` of an error response, or ``""``."""
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return ""
    return parse_error_body(body)[0]


def error_from_response(
    response: requests.Response, *, action: str, resource_id: str, hint: str | None = None
) -> ArmResponseError:
    """Build the exception for an error response (the only place that maps statuses to classes)."""
    try:
        body: Any = response.json()
    except (ValueError, RecursionError):
        # RecursionError: a body nested thousands of levels deep is not an error envelope either.
        body = None
    code, service_message = parse_error_body(body)
    if not service_message:
        service_message = (response.reason or "").strip() or "no error message in the response"
    request_id = response.headers.get("x-ms-request-id", "")
    status = response.status_code
    cls = _STATUS_CLASSES.get(status, ArmResponseError)
    cause = f"{code}: {service_message}" if code else service_message
    message = f"{action} {resource_id}: {cause} (HTTP {status}"
    message += f", x-ms-request-id {request_id})" if request_id else ")"
    hint = hint or _HINTS.get(status)
    if hint:
        message += f"; {hint}"
    return cls(
        message,
        status=status,
        code=code,
        service_message=service_message,
        request_id=request_id,
        action=action,
        resource_id=resource_id,
    )
