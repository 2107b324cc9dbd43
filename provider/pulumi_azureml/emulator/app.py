"""The request pipeline: what happens to every request between the socket and a handler.

Order, for an ARM request:

1. route lookup (the route decides the fault kind and whether a token is needed);
2. authentication: ``Authorization: Bearer`` (401 AuthenticationFailed / InvalidAuthenticationToken /
   ExpiredAuthenticationToken);
3. the optional per-subscription token bucket (429 SubscriptionRequestsThrottled);
4. fault rules, first match wins (drop, status, latency, or a forced operation outcome);
5. 404/405 for unknown paths, then the api-version check (400 MissingApiVersionParameter /
   InvalidApiVersionParameter);
6. the handler.

Every ARM response then gets ``x-ms-request-id``, ``x-ms-correlation-request-id`` (the client's when sent),
``x-ms-routing-request-id`` and ``x-ms-ratelimit-remaining-subscription-{reads,writes,deletes}`` for its
category, and is written to the request log. ``/_emulator/`` control calls bypass all of this.
"""

from __future__ import annotations

import collections
import re
import threading
import time
import uuid
from collections.abc import Callable

from . import blobs, control, strict_json
from .context import HandlerContext, Outcome
from .faults import FaultBook, FaultRule
from .messages import ArmError, JsonObject, Request, Response, error_body
from .routes import MACHINE_LEARNING, RESOURCE_GROUPS, RouteMatch, RouteTable
from .settings import (
    MACHINE_LEARNING_API_VERSIONS,
    Settings,
    is_machine_learning_api_version,
    is_resource_group_api_version,
)
from .store import Store
from .throttling import UNTHROTTLED_REMAINING, Throttle, category_of

CONTROL_PREFIX = "/_emulator/"
REQUEST_LOG_LIMIT = 10_000
"""The log is a ring buffer so a long benchmark cannot exhaust memory."""

_SUBSCRIPTION = re.compile(r"^/subscriptions/([^/]+)", re.IGNORECASE)
_BEARER = re.compile(r"^Bearer\s+(\S+)\s*$", re.IGNORECASE)
_WWW_AUTHENTICATE = (
    'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", '
    "error_description=\"The authentication failed because of missing 'Authorization' header.\""
)


class RequestLog:
    """The requests an emulator answered (control calls excluded), newest last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: collections.deque[JsonObject] = collections.deque(maxlen=REQUEST_LOG_LIMIT)

    def append(self, entry: JsonObject) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[JsonObject]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class Application:
    """One emulator's state and request pipeline, independent of the HTTP transport."""

    def __init__(
        self,
        *,
        store: Store,
        settings: Settings,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        blob_store: blobs.BlobStore | None = None,
    ) -> None:
        self.store = store
        self.blobs = blob_store if blob_store is not None else blobs.BlobStore()
        self.faults = FaultBook()
        self.requests = RequestLog()
        self._initial_settings = settings
        self._settings = settings
        self._settings_lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self._throttle = Throttle(clock)
        self._routes = RouteTable()

    # ------------------------------------------------------------------------------------------ state

    @property
    def settings(self) -> Settings:
        return self._settings

    def configure(self, changes: dict[str, object]) -> Settings:
        """Apply setting changes atomically; raise ValueError for an unknown name or bad value."""
        with self._settings_lock:
            self._settings = self._settings.updated(changes)
            return self._settings

    def expire_token(self, token: str) -> None:
        """Make ``token`` answer 401 ExpiredAuthenticationToken from now on."""
        with self._settings_lock:
            if token not in self._settings.expired_tokens:
                self._settings = self._settings.updated({"expired_tokens": [*self._settings.expired_tokens, token]})

    def reset(self) -> None:
        """Forget every resource, operation, fault, logged request and setting change."""
        self.store.reset()
        self.blobs.reset()
        self.faults.clear()
        self.requests.clear()
        self._throttle.reset()
        with self._settings_lock:
            self._settings = self._initial_settings

    def state(self) -> JsonObject:
        """Everything the emulator holds, for debugging (secrets excluded)."""
        return {
            **self.store.dump(),
            "settings": self._settings.to_json(),
            "faults": self.faults.to_json(),
            "requestCount": len(self.requests),
        }

    def now(self) -> float:
        return self._clock()

    # ------------------------------------------------------------------------------------------ requests

    def handle(self, request: Request) -> Response:
        """Answer one request: always a response (an ARM error envelope for anything unexpected), never an exception."""
        if request.path.startswith(CONTROL_PREFIX) or request.path == CONTROL_PREFIX.rstrip("/"):
            try:
                _check_body(request)
                return control.handle(self, request)
            except ArmError as error:
                return error.to_response()
            except Exception as error:  # noqa: BLE001 - a bug must come back as an ARM 500, not a dropped socket
                return _internal_error(error)
        started = time.perf_counter()
        if request.path.startswith(blobs.BLOB_PREFIX):
            # The storage side of an upload: its own authorisation (SAS only), errors and body format.
            response = blobs.handle(self.blobs, request, self._clock())
            self._log(request, response, response.headers.get("x-ms-request-id", ""), None, started)
            return response
        settings = self._settings
        request_id = str(uuid.uuid4())
        path = _normalise(request.path)
        found, path_known = self._routes.match(request.method, path)
        category = category_of(request.method)
        remaining: int | None = None
        fault: FaultRule | None = None
        try:
            _check_body(request)
            remaining = self._admit(request, settings, path, found, category)
            if self.faults:
                fault = self.faults.take(
                    request.method, self._fault_paths(path, found), found.route.kind if found else "request"
                )
            if fault is not None and fault.drop:
                dropped = Response(0, drop_connection=True)
                self._log(request, dropped, request_id, fault, started)
                return dropped
            response = self._dispatch(request, settings, path, found, path_known, fault)
        except ArmError as error:
            response = error.to_response()
        except Exception as error:  # noqa: BLE001 - any bug must still come back as an ARM 500, not a dropped socket
            response = _internal_error(error)
        remaining_header = remaining if remaining is not None else UNTHROTTLED_REMAINING[category]
        response.headers.update(
            {
                "x-ms-request-id": request_id,
                "x-ms-correlation-request-id": request.header("x-ms-correlation-request-id") or request_id,
                "x-ms-routing-request-id": f"EMULATOR:{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}:{request_id}",
            }
        )
        # A throttled answer already says 0 remain; everything else reports its bucket.
        response.headers.setdefault(f"x-ms-ratelimit-remaining-subscription-{category}", str(remaining_header))
        client_request_id = request.header("x-ms-client-request-id")
        if client_request_id:
            response.headers["x-ms-client-request-id"] = client_request_id
        self._log(request, response, request_id, fault, started)
        return response

    def _admit(
        self, request: Request, settings: Settings, path: str, found: RouteMatch | None, category: str
    ) -> int | None:
        """Authenticate and spend a throttling token; return the tokens left (None outside a subscription)."""
        if found is None or found.route.authenticated:
            _authenticate(request, settings)
        subscription = _SUBSCRIPTION.match(path)
        if subscription is None:
            return None
        decision = self._throttle.take(
            subscription.group(1), category, settings.throttle_capacity, settings.throttle_refill_per_second
        )
        if not decision.allowed:
            raise ArmError(
                429,
                "SubscriptionRequestsThrottled",
                f"Number of '{category}' requests for subscription '{subscription.group(1)}' exceeded. "
                f"Please try again after '{decision.retry_after_seconds}' seconds.",
                headers={
                    "Retry-After": str(decision.retry_after_seconds),
                    f"x-ms-ratelimit-remaining-subscription-{category}": "0",
                },
            )
        return decision.remaining

    def _dispatch(
        self,
        request: Request,
        settings: Settings,
        path: str,
        found: RouteMatch | None,
        path_known: bool,
        fault: FaultRule | None,
    ) -> Response:
        """Apply a matched fault (latency, status or forced outcome), then run the route's handler."""
        forced: Outcome | None = None
        if fault is not None:
            if fault.latency_seconds is not None:
                self._sleep(fault.latency_seconds)
            elif fault.status is not None:
                raise _injected_error(fault, settings)
            elif fault.lro_status is not None:
                forced = fault.outcome()
        if found is None:
            raise _no_route(request.method, path, path_known)
        context = HandlerContext(
            request=request,
            params=found.params,
            api_version=_check_api_version(request, found),
            settings=settings,
            store=self.store,
            clock=self._clock,
            forced_outcome=forced,
            blobs=self.blobs,
        )
        return found.route.handler(context)

    def _fault_paths(self, path: str, found: RouteMatch | None) -> tuple[str, ...]:
        """The paths a fault glob is tried against; a poll also offers the id of its operation's resource."""
        if found is None or found.route.kind != "poll":
            return (path,)
        operation_id = found.params.get("operationId", "")
        with self.store.transaction() as transaction:
            data = transaction.get_operation(operation_id)
        if data is None:
            return (path,)
        return (path, str(data.get("resource_id", "")))

    def _log(
        self, request: Request, response: Response, request_id: str, fault: FaultRule | None, started: float
    ) -> None:
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                # A SAS signature is a credential: the log keeps the rest of the query only.
                "query": blobs.redact_query(request.raw_query),
                "params": {name: "***" if name.lower() == "sig" else value for name, value in request.query.items()},
                "status": None if response.drop_connection else response.status,
                "requestId": request_id,
                "fault": fault.id if fault is not None else None,
                "durationMs": round((time.perf_counter() - started) * 1000.0, 3),
                # The request body exactly as received (text), so tests can assert what a client put on the wire
                # (e.g. that an integer went out as `2`, not `2.0`). In-memory only, like the rest of this log.
                "body": None
                if request.path.startswith(blobs.BLOB_PREFIX)
                else (request.body.decode("utf-8", "replace") if request.body else None),
            }
        )


def _check_body(request: Request) -> None:
    """Strict JSON in: a non-empty body must be RFC 8259 JSON (see :mod:`.strict_json`), whatever the route."""
    if request.body.strip():
        try:
            strict_json.loads(request.body)
        except strict_json.InvalidJson as error:
            raise ArmError(
                400, "InvalidRequestContent", f"The request content was invalid and could not be deserialized: {error}"
            ) from None


def _internal_error(error: Exception) -> Response:
    text = f"{type(error).__name__}: {error}"
    return Response(500, error_body("InternalServerError", f"The emulator failed: {text[:500]}"))


def _normalise(path: str) -> str:
    # The seed lists workspaces with ".../workspaces/?api-version=..."; a trailing slash names the same resource.
    if len(path) > 1 and path.endswith("/"):
        return path.rstrip("/") or "/"
    return path


def _authenticate(request: Request, settings: Settings) -> None:
    header = request.header("authorization")
    if header is None or not header.strip():
        raise ArmError(
            401,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
            headers={"WWW-Authenticate": _WWW_AUTHENTICATE},
        )
    match = _BEARER.match(header.strip())
    if match is None:
        raise ArmError(
            401,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is provided in an invalid format.",
            headers={"WWW-Authenticate": _WWW_AUTHENTICATE},
        )
    token = match.group(1)
    if token in settings.expired_tokens:
        now = time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime())
        raise ArmError(
            401,
            "ExpiredAuthenticationToken",
            f"The access token expiry UTC time is earlier than current UTC time '{now}'.",
            headers={"WWW-Authenticate": _WWW_AUTHENTICATE.replace("missing 'Authorization' header", "expired token")},
        )
    if settings.tokens is not None and token not in settings.tokens:
        raise ArmError(
            401,
            "InvalidAuthenticationToken",
            "The access token is invalid.",
            headers={"WWW-Authenticate": _WWW_AUTHENTICATE.replace("missing 'Authorization' header", "invalid token")},
        )


def _check_api_version(request: Request, found: RouteMatch) -> str:
    family = found.route.api_versions
    if family is None:
        return ""
    version = request.query.get("api-version")
    if not version:
        raise ArmError(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
    accepted = is_machine_learning_api_version(version) if family == MACHINE_LEARNING else False
    if family == RESOURCE_GROUPS:
        accepted = is_resource_group_api_version(version)
    if not accepted:
        raise ArmError(
            400,
            "InvalidApiVersionParameter",
            f"The api-version '{version}' is invalid. The supported versions are "
            f"'{','.join(MACHINE_LEARNING_API_VERSIONS)}'.",
        )
    return version


def _no_route(method: str, path: str, path_known: bool) -> ArmError:
    if path_known:
        return ArmError(405, "MethodNotAllowed", f"The HTTP method '{method}' is not supported on '{path}'.")
    if "/providers/" in path.lower():
        return ArmError(
            404,
            "InvalidResourceType",
            f"The resource type could not be found in the namespace for the path '{path}'.",
        )
    return ArmError(404, "NotFound", f"No route matches '{method} {path}'.")


def _injected_error(fault: FaultRule, settings: Settings) -> ArmError:
    status, code, message = fault.error_response_parts()
    headers = dict(fault.headers)
    # Throttling and unavailability always tell the client when to come back.
    if status in (429, 503) and not any(name.lower() == "retry-after" for name in headers):
        headers["Retry-After"] = str(settings.retry_after)
    return ArmError(status, code, message, headers=headers)
