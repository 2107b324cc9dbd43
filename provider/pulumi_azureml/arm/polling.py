"""Waiting for ARM long-running operations.

The strategy is chosen from the initial response, first match wins (the catch-all is last, as in azure-core's
ARMPolling, whose DESIGN_DECISIONS note "ordering *is* the algorithm"):

1. ``Azure-AsyncOperation`` header: GET it until ``status`` is Succeeded/Failed/Canceled (case-insensitive);
2. ``Location`` header: GET it until it answers something other than 202 (for a DELETE a 404 also means done);
3. PUT/PATCH: GET the original URL until ``properties.provisioningState`` is terminal (missing means Succeeded);
4. otherwise the initial response was the result.

Then, for PUT/PATCH, a final GET of the original URL (``original-uri`` is the default final state for both, and
Azure ML's ``Location`` URLs return nothing useful), followed by provisioningState polling if that body is not
terminal yet (a compute's async operation can succeed while the resource still says ``Creating``).

Waits: the last response's ``Retry-After`` (or ``retry-after-ms``), else the configured default interval.
Every wait and deadline goes through the injected clock. Progress is reported through an injected reporter (this
layer prints nothing): one short line per change of status or percentage, and, whenever the next check would
otherwise leave more than :data:`retry.PROGRESS_EVERY` seconds without a line, one that says what it still waits
for, for how long so far, and when it checks next (issue 26: nothing silent for more than 15 seconds). A terminal
failure is reported as ``failed`` or ``canceled``, never with its percentage (a "Failed (100%)" read as done).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

from pulumi_azureml.arm.clock import Clock
from pulumi_azureml.arm.errors import (
    OperationCanceledError,
    OperationFailedError,
    OperationTimeoutError,
    error_from_response,
    parse_error_body,
)
from pulumi_azureml.arm.retry import PROGRESS_EVERY, Reporter, retry_after_seconds, seconds_words, wait_reporting

UNSUCCESSFUL_STATES = frozenset({"failed", "canceled"})
TERMINAL_STATES = frozenset({"succeeded"}) | UNSUCCESSFUL_STATES
"""Lower-cased terminal provisioning/operation states (ARM RPC); the only place they are spelled out."""
_OPERATION_FAILURE_STATUSES = frozenset({400, 409, 412, 422})
"""Location answers that report the operation's failure; 401/403/404/408/429 and 5xx describe the poll itself."""

Fetch = Callable[[str, "PollRequest"], "requests.Response"]
"""GET a URL for an operation through the client's retrying, token-checking send (its retries are reported as that
operation's); returns the response whatever its status."""


def subject_of(method: str, resource_id: str) -> str:
    """The name a progress line gives the resource: the last segment of its path, or for a POST (an ARM action,
    ``{resource}/{action}``) the resource's, not the action's (``stopping compute instance ci-1``, not ``... stop``)."""
    parts = resource_id.rstrip("/").rsplit("/", 2)
    if method.upper() == "POST" and len(parts) == 3:
        return parts[1]
    return parts[-1]


@dataclass
class PollRequest:
    """What is being waited for, and the context every message names."""

    method: str
    original_url: str
    action: str
    resource_id: str
    deadline: float
    """A monotonic-clock time after which waiting stops with :class:`OperationTimeoutError`."""
    timeout_seconds: float
    last_report: str = ""
    """The last progress line reported for this operation. Kept per operation, not on the waiter: one waiter
    serves every host worker thread, and a waiter-wide value was both racy and unset when
    ``wait_for_provisioning_state`` was the first call (an AttributeError on the first adoption in a process)."""
    started_at: float = 0.0
    """When waiting began (monotonic clock)."""
    last_report_at: float | None = None
    """When the last line about this operation was reported; None: none yet (the start counts as one)."""
    last_status: str = ""
    """The last status seen, for the lines that say what is still awaited."""

    @property
    def subject(self) -> str:
        return subject_of(self.method, self.resource_id)


def response_json(response: requests.Response) -> dict[str, Any]:
    """The response body as a JSON object; ``{}`` for an empty or non-object body."""
    if not response.content:
        return {}
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}


def provisioning_state(body: dict[str, Any]) -> str:
    """``properties.provisioningState``; a missing state means Succeeded (ARM RPC)."""
    properties = body.get("properties")
    if isinstance(properties, dict):
        state = properties.get("provisioningState")
        if isinstance(state, str) and state:
            return state
    return "Succeeded"


def _provisioning_errors(body: dict[str, Any]) -> tuple[str, str]:
    """The first provisioning error of a Failed resource (Azure ML puts them in ``provisioningErrors``)."""
    properties = body.get("properties")
    if isinstance(properties, dict):
        for key in ("provisioningErrors", "errors"):
            errors = properties.get(key)
            if isinstance(errors, list) and errors:
                code, message = parse_error_body(errors[0])
                if code or message:
                    return code, message
        inner = properties.get("properties")
        if isinstance(inner, dict):
            errors = inner.get("errors")
            if isinstance(errors, list) and errors:
                return parse_error_body(errors[0])
    return "", ""


class OperationWaiter:
    """Runs the polling loop for one long-running operation."""

    def __init__(
        self,
        *,
        fetch: Fetch,
        clock: Clock,
        default_interval: float,
        progress: Reporter,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._default_interval = default_interval
        self._progress = progress

    def wait(self, request: PollRequest, initial: requests.Response) -> dict[str, Any] | None:
        """Wait until the operation started by ``initial`` is finished; return the final resource body.

        Returns ``None`` for a DELETE or an action without a result body.
        """
        headers = initial.headers
        async_url = headers.get("Azure-AsyncOperation")
        location_url = headers.get("Location")
        method = request.method.upper()
        if async_url:
            self._wait_async_operation(request, async_url, initial)
        elif location_url:
            final = self._wait_location(request, location_url, initial)
            if method not in ("PUT", "PATCH"):
                return response_json(final) or None
            body = response_json(final)
            if final.status_code == 200 and isinstance(body.get("id"), str) and "properties" in body:
                # final-state-via: location — the Location URL's last answer *is* the resource (azure-core returns it
                # too): no extra GET needed.
                return self.wait_for_provisioning_state(request, body, final)
        elif method in ("PUT", "PATCH"):
            return self.wait_for_provisioning_state(request, response_json(initial), initial)
        else:
            return response_json(initial) or None

        if method in ("PUT", "PATCH"):
            final_response = self._fetch(request.original_url, request)
            if final_response.status_code >= 400:
                raise error_from_response(final_response, action=request.action, resource_id=request.resource_id)
            return self.wait_for_provisioning_state(request, response_json(final_response), final_response)
        if method == "POST" and location_url:
            result = self._fetch(location_url, request)
            if result.status_code >= 400:
                raise error_from_response(result, action=request.action, resource_id=request.resource_id)
            return response_json(result) or None
        return None

    # -- strategies -------------------------------------------------------------------------------------------

    def _wait_async_operation(self, request: PollRequest, url: str, initial: requests.Response) -> None:
        last = initial
        while True:
            self._sleep_before_poll(request, last)
            response = self._fetch(url, request)
            if response.status_code >= 400:
                # A failed *status read* (4xx/5xx that outlived retries), not a failed operation (ARM RPC).
                raise error_from_response(response, action=request.action, resource_id=request.resource_id)
            body = response_json(response)
            status = str(body.get("status", "InProgress"))
            self._report(request, status, body.get("percentComplete"))
            lowered = status.lower()
            if lowered == "succeeded":
                return
            if lowered in UNSUCCESSFUL_STATES:
                self._raise_terminal(request, lowered, body.get("error"), body)
            last = response

    def _wait_location(self, request: PollRequest, url: str, initial: requests.Response) -> requests.Response:
        last = initial
        while True:
            self._sleep_before_poll(request, last)
            response = self._fetch(url, request)
            if response.status_code == 202:
                self._report(request, "InProgress", None)
                last = response
                continue
            if response.status_code == 404 and request.method.upper() == "DELETE":
                return response
            if response.status_code in _OPERATION_FAILURE_STATUSES:
                # ARM async RPC: a Location URL answers the operation's own failure as a 4xx with the error body.
                # That is the operation failing (the provider then cleans up a failed create), not a failed read.
                code, message = parse_error_body(response_json(response))
                self._raise_terminal(
                    request,
                    "canceled" if "cancel" in code.lower() else "failed",
                    {"code": code, "message": message},
                    {},
                )
            if response.status_code >= 400:
                raise error_from_response(response, action=request.action, resource_id=request.resource_id)
            self._report(request, "Succeeded", None)
            return response

    def wait_for_provisioning_state(
        self, request: PollRequest, body: dict[str, Any], last: requests.Response
    ) -> dict[str, Any]:
        while True:
            state = provisioning_state(body)
            lowered = state.lower()
            if lowered in TERMINAL_STATES:
                if lowered != "succeeded":
                    self._raise_terminal(request, lowered, None, body)
                return body
            self._report(request, state, None)
            self._sleep_before_poll(request, last)
            response = self._fetch(request.original_url, request)
            if response.status_code == 404 and request.method.upper() == "PUT":
                # Eventual consistency right after a create: not visible yet is "still running" (as azurerm does).
                last = response
                continue
            if response.status_code >= 400:
                raise error_from_response(response, action=request.action, resource_id=request.resource_id)
            body = response_json(response)
            last = response

    # -- helpers ----------------------------------------------------------------------------------------------

    def _sleep_before_poll(self, request: PollRequest, last: requests.Response) -> None:
        wait = retry_after_seconds(last.headers)
        if not wait:
            # A missing *or zero* Retry-After means "no hint" (azure-core's _extract_delay does the same): a 0 taken
            # literally polls in a tight loop, ~1,600 requests/s against ARM's limits (measured in the benchmarks).
            wait = self._default_interval
        now = self._clock.monotonic()
        if now + wait > request.deadline:
            raise OperationTimeoutError(
                f"{request.action} {request.resource_id}: still running after {request.timeout_seconds:g} s; "
                "the operation may complete in Azure on its own. Raise the resource's `timeouts` input, then run "
                "`pulumi refresh` and `pulumi up` again",
                action=request.action,
                resource_id=request.resource_id,
            )
        since = request.started_at if request.last_report_at is None else request.last_report_at
        if now + min(wait, PROGRESS_EVERY) - since > PROGRESS_EVERY:
            self._say(request, self._still(request, now, wait))
        wait_reporting(
            self._clock,
            wait,
            lambda line: self._say(request, line),
            lambda remaining: self._still(request, self._clock.monotonic(), remaining),
        )

    def _still(self, request: PollRequest, now: float, wait: float) -> str:
        """What a wait is for: the status still awaited, for how long so far, within which limit, and the next
        check."""
        status = request.last_status or "running"
        return (
            f"still {status} after {seconds_words(now - request.started_at)} (limit "
            f"{seconds_words(request.timeout_seconds)}); next check in {seconds_words(wait)}"
        )

    def _say(self, request: PollRequest, text: str) -> None:
        request.last_report_at = self._clock.monotonic()
        self._progress(f"{request.action} {request.subject}: {text}")

    def _report(self, request: PollRequest, status: str, percent: object) -> None:
        request.last_status = status
        words = status
        if status.lower() in UNSUCCESSFUL_STATES:
            # "Failed (100%)" reads as done: a terminal failure is said as such, without a percentage.
            words = status.lower()
        elif isinstance(percent, (int, float)) and not isinstance(percent, bool):
            words += f" ({percent:g}%)"
        line = f"{request.action} {request.subject}: {words}"
        if line != request.last_report:
            request.last_report = line
            request.last_report_at = self._clock.monotonic()
            self._progress(line)

    def _raise_terminal(self, request: PollRequest, state: str, error: object, body: dict[str, Any]) -> None:
        code, message = parse_error_body({"error": error}) if isinstance(error, dict) else ("", "")
        if not code and not message:
            code, message = _provisioning_errors(body)
        operations = body.get("operations")
        if not code and isinstance(operations, list):
            for operation in operations:
                if isinstance(operation, dict) and isinstance(operation.get("error"), dict):
                    code, message = parse_error_body({"error": operation["error"]})
                    break
        cause = f"{code}: {message}" if code else (message or "no error details were returned")
        if state == "canceled":
            raise OperationCanceledError(
                f"{request.action} {request.resource_id}: the operation was canceled: {cause}",
                code=code,
                service_message=message,
                action=request.action,
                resource_id=request.resource_id,
            )
        raise OperationFailedError(
            f"{request.action} {request.resource_id}: {cause}",
            code=code,
            service_message=message,
            action=request.action,
            resource_id=request.resource_id,
        )
