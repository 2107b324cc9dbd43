"""``ArmClient``: the one way this package talks to Azure Resource Manager.

Every request goes through one private ``_send``: the URL safety check, the bearer token (fetched on every
attempt, so a refresh is picked up), ``api-version``, ``x-ms-client-request-id``, the User-Agent, a connect/read
timeout, retries with ``Retry-After``, and one token refresh on a 401. Long-running operations are then waited for
by :mod:`pulumi_azureml.arm.polling`. The client knows nothing about Pulumi and prints nothing: every progress line
(each retry's attempt, cause and wait; each operation's status) goes to the ``progress`` reporter it is given.
"""

from __future__ import annotations

import json
import platform
import re
import ssl
import uuid
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
import requests.adapters

from pulumi_azureml._version import __version__
from pulumi_azureml.arm.auth import OTHER_CREDENTIALS, TokenSource, bearer_token_problem
from pulumi_azureml.arm.clock import SYSTEM_CLOCK, Clock
from pulumi_azureml.arm.clouds import check_endpoint, is_loopback
from pulumi_azureml.arm.errors import (
    ArmRequestError,
    ClientInputError,
    CredentialError,
    UnsafeUrlError,
    error_from_response,
    response_error_code,
)
from pulumi_azureml.arm.polling import OperationWaiter, PollRequest, response_json, subject_of
from pulumi_azureml.arm.retry import (
    Reporter,
    RetryPolicy,
    is_retryable_status,
    no_report,
    retry_after_seconds,
    seconds_words,
    wait_reporting,
)
from pulumi_azureml.quoting import quote

USER_AGENT = f"pulumi-azureml/{__version__} python/{platform.python_version()} requests/{requests.__version__}"

DEFAULT_TIMEOUTS = (10.0, 120.0)
"""(connect, read) seconds for one HTTP request."""


class ArmClient:
    """A small, thread-safe ARM REST client bound to one management endpoint and one token source.

    :param endpoint: the management endpoint, e.g. ``https://management.azure.com`` (http only for loopback).
    :param token_source: where bearer tokens come from.
    :param session: the ``requests.Session`` to reuse connections on (tests mount fake adapters on it).
    :param retry_policy: retry limits and backoff.
    :param clock: time source; tests inject a fake one so nothing really sleeps.
    :param poll_interval: seconds between polls when the service gives no ``Retry-After``.
    :param request_timeouts: (connect, read) seconds for each HTTP request.
    :param progress: receives the progress lines: one per change of a long-running operation's status, one before
        each retry (attempt n of m, cause, wait), and one at least every ``retry.PROGRESS_EVERY`` seconds of any wait.
        Default: none (this layer never prints; the provider passes its progress channel).
    """

    def __init__(
        self,
        *,
        endpoint: str,
        token_source: TokenSource,
        session: requests.Session | None = None,
        retry_policy: RetryPolicy | None = None,
        clock: Clock = SYSTEM_CLOCK,
        poll_interval: float = 10.0,
        request_timeouts: tuple[float, float] = DEFAULT_TIMEOUTS,
        progress: Reporter = no_report,
    ) -> None:
        self.endpoint = check_endpoint(endpoint)
        self._origin = urlsplit(self.endpoint)
        self._tokens = token_source
        self._session = session or _pooled_session()
        # TLS verification is always on; there is deliberately no setting to turn it off.
        self._session.verify = True
        self._retry = retry_policy or RetryPolicy()
        self._clock = clock
        self._timeouts = request_timeouts
        self._progress = progress
        self._waiter = OperationWaiter(
            fetch=self._fetch, clock=clock, default_interval=poll_interval, progress=progress
        )

    def __repr__(self) -> str:
        return f"ArmClient(endpoint={self.endpoint!r})"

    def report(self, line: str) -> None:
        """Hand one progress line to the reporter this client was given (:mod:`arm.busy` says what it waits for)."""
        self._progress(line)

    # -- public operations ------------------------------------------------------------------------------------

    def get(self, path: str, *, api_version: str, action: str) -> dict[str, Any]:
        """GET a resource; raises :class:`~pulumi_azureml.arm.errors.NotFoundError` on 404."""
        response = self._send("GET", self._url(path, api_version), action=action, resource_id=path)
        if response.status_code >= 400:
            raise error_from_response(response, action=action, resource_id=path)
        return response_json(response)

    def get_if_exists(self, path: str, *, api_version: str, action: str) -> dict[str, Any] | None:
        """GET a resource; ``None`` when it does not exist (404, or 204 as some RPs answer)."""
        response = self._send("GET", self._url(path, api_version), action=action, resource_id=path)
        if response.status_code in (404, 204):
            return None
        if response.status_code >= 400:
            raise error_from_response(response, action=action, resource_id=path)
        return response_json(response)

    def put(
        self,
        path: str,
        body: Mapping[str, Any],
        *,
        api_version: str,
        action: str,
        timeout: float,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """PUT a resource and wait until it is terminal; returns the final resource body. ``params`` are extra
        query parameters (a datastore's ``skipValidation``)."""
        return (
            self._write("PUT", path, body, api_version=api_version, action=action, timeout=timeout, params=params) or {}
        )

    def patch(
        self,
        path: str,
        body: Mapping[str, Any],
        *,
        api_version: str,
        action: str,
        timeout: float,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """PATCH a resource and wait until it is terminal; returns the final resource body."""
        return (
            self._write("PATCH", path, body, api_version=api_version, action=action, timeout=timeout, params=params)
            or {}
        )

    def delete(
        self,
        path: str,
        *,
        api_version: str,
        action: str,
        timeout: float,
        params: Mapping[str, str] | None = None,
    ) -> None:
        """DELETE a resource and wait until it is gone; 204 and 404 count as success (it is already gone)."""
        url = self._url(path, api_version, params)
        response = self._send("DELETE", url, action=action, resource_id=path)
        if response.status_code in (204, 404):
            return
        if response.status_code >= 400:
            raise error_from_response(response, action=action, resource_id=path)
        self._waiter.wait(self._poll_request("DELETE", url, action, path, timeout), response)

    def post(
        self,
        path: str,
        *,
        api_version: str,
        action: str,
        timeout: float,
        body: Mapping[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """POST an action (``listKeys``, ``start``...) and wait for it if it is long-running."""
        url = self._url(path, api_version)
        response = self._send("POST", url, body=body, action=action, resource_id=path)
        if response.status_code >= 400:
            raise error_from_response(response, action=action, resource_id=path)
        if response.status_code == 202:
            return self._waiter.wait(self._poll_request("POST", url, action, path, timeout), response)
        return response_json(response) or None

    def wait_until_terminal(self, path: str, *, api_version: str, action: str, timeout: float) -> dict[str, Any]:
        """GET a resource until its provisioningState is terminal (e.g. one an interrupted run left ``Creating``)."""
        url = self._url(path, api_version)
        response = self._send("GET", url, action=action, resource_id=path)
        if response.status_code >= 400:
            raise error_from_response(response, action=action, resource_id=path)
        request = self._poll_request("GET", url, action, path, timeout)
        return self._waiter.wait_for_provisioning_state(request, response_json(response), response)

    def list(
        self, path: str, *, api_version: str, action: str, params: Mapping[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Yield every item of a collection, following ``nextLink`` verbatim to the last page."""
        url: str | None = self._url(path, api_version, params)
        seen: set[str] = set()
        while url:
            if url in seen:
                # A service bug that repeats a nextLink would otherwise loop forever.
                break
            seen.add(url)
            response = self._send("GET", url, action=action, resource_id=path)
            if response.status_code >= 400:
                raise error_from_response(response, action=action, resource_id=path)
            page = response_json(response)
            for item in page.get("value", []) or []:
                if isinstance(item, dict):
                    yield item
            next_link = page.get("nextLink")
            url = self._absolute(next_link) if isinstance(next_link, str) and next_link else None

    # -- internals --------------------------------------------------------------------------------------------

    def _write(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any],
        *,
        api_version: str,
        action: str,
        timeout: float,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any] | None:
        url = self._url(path, api_version, params)
        response = self._send(method, url, body=body, action=action, resource_id=path)
        if response.status_code >= 400:
            raise error_from_response(response, action=action, resource_id=path)
        # Once a 2xx arrived the write is accepted: from here on we only poll, never re-send it.
        return self._waiter.wait(self._poll_request(method, url, action, path, timeout), response)

    def _poll_request(self, method: str, url: str, action: str, path: str, timeout: float) -> PollRequest:
        return PollRequest(
            method=method,
            original_url=url,
            action=action,
            resource_id=path,
            deadline=self._clock.monotonic() + timeout,
            timeout_seconds=timeout,
            started_at=self._clock.monotonic(),
        )

    def _fetch(self, url: str, request: PollRequest) -> requests.Response:
        # Named as the operation it checks on: a retried poll says "creating compute cpu: attempt 2 of 8 ...".
        return self._send(
            "GET", self._absolute(url), action=request.action, resource_id=request.resource_id, subject=request.subject
        )

    def _url(self, path: str, api_version: str, params: Mapping[str, str] | None = None) -> str:
        query = {"api-version": api_version}
        if params:
            query.update(params)
        return f"{self.endpoint}{path}?{urlencode(query)}"

    def _absolute(self, url: str) -> str:
        """Make a relative poll/next URL absolute on our endpoint; absolute URLs are used exactly as given.

        Poll URLs carry ARM's signed parameters, so they are never rewritten.
        """
        if url.startswith("/"):
            return f"{self.endpoint}{url}"
        return url

    def _check_url(self, url: str) -> None:
        """Refuse to send the token anywhere but the configured management origin (and http only to loopback)."""
        parts = urlsplit(url)
        same_origin = (
            parts.scheme == self._origin.scheme
            and (parts.hostname or "").lower() == (self._origin.hostname or "").lower()
            and (parts.port or _default_port(parts.scheme)) == (self._origin.port or _default_port(parts.scheme))
        )
        if not same_origin:
            raise UnsafeUrlError(
                f"refusing to send the Azure token to {parts.scheme}://{parts.netloc}: only {self.endpoint} "
                "(the configured management endpoint) receives it; the service returned a polling or paging URL "
                "on another host"
            )
        if parts.scheme != "https" and not is_loopback(parts.hostname or ""):
            raise UnsafeUrlError(f"refusing plain http to {parts.netloc}: https is required outside loopback")

    def _token_source_name(self) -> str:
        # A token source written before `source` existed (or by a user) still gets a clear, if generic, message.
        return str(getattr(self._tokens, "source", "the configured credentials"))

    def _token(self, *, action: str, resource_id: str) -> str:
        """A bearer token, or an error that names the operation, the credentials tried and how to choose others."""
        try:
            return self._tokens.token()
        except ClientInputError:
            raise
        except Exception as error:  # noqa: BLE001 - azure-identity raises many types; each becomes one clear message
            # Only the first line of the credential's own message: DefaultAzureCredential lists every attempt.
            detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise CredentialError(
                f"{action} {resource_id}: could not get an Azure token from {self._token_source_name()}: "
                f"{detail[:300]}; {OTHER_CREDENTIALS}",
                action=action,
                resource_id=resource_id,
            ) from None

    def _send(
        self,
        method: str,
        url: str,
        *,
        action: str,
        resource_id: str,
        body: Mapping[str, Any] | None = None,
        subject: str | None = None,
    ) -> requests.Response:
        """Send one logical request with retries; returns the last response (error statuses included).

        Before each wait for a retry, the reporter hears the attempt, its cause and the wait (and, during a long
        wait, how much of it is left): ``subject`` names the resource in those lines (default: from the path).
        """
        self._check_url(url)
        named = subject or subject_of(method, resource_id)
        attempt = 0
        waited = 0.0
        refreshed = False
        payload = None if body is None else _json_payload(body, action=action, resource_id=resource_id)
        while True:
            attempt += 1
            token = self._token(action=action, resource_id=resource_id)
            problem = bearer_token_problem(token) if isinstance(token, str) else "is not a string"
            if problem is not None:
                # Checked here too, whatever the token source: requests would repeat the whole header in its error.
                raise ArmRequestError(
                    f"{action} {resource_id}: the access token {problem}", action=action, resource_id=resource_id
                )
            headers = {
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
                "x-ms-client-request-id": str(uuid.uuid4()),
            }
            if payload is not None:
                headers["Content-Type"] = "application/json"
            try:
                response = self._session.request(
                    method, url, data=payload, headers=headers, timeout=self._timeouts, allow_redirects=False
                )
            except requests.exceptions.SSLError as error:
                rejection = _certificate_rejection(error)
                if rejection is None:
                    raise ArmRequestError(
                        f"{action} {resource_id}: the TLS connection to {self.endpoint} failed after {attempt} "
                        f"attempt(s) ({type(error).__name__}: {_redact(str(error), token)})",
                        action=action,
                        resource_id=resource_id,
                    ) from None
                # A rejected certificate does not fix itself: retrying would only wait minutes for the same answer.
                raise ArmRequestError(
                    f"{action} {resource_id}: the TLS certificate of {self.endpoint} was rejected after {attempt} "
                    f"attempt(s) ({rejection}). Verification cannot be turned off: fix the endpoint's certificate, "
                    "or make its issuer trusted (e.g. REQUESTS_CA_BUNDLE pointing at a bundle that includes it)",
                    action=action,
                    resource_id=resource_id,
                ) from None
            except (requests.ConnectionError, requests.Timeout) as error:
                # A POST whose answer was lost may already have run (start/stop): do not run it twice.
                ambiguous = method == "POST" and isinstance(error, requests.ReadTimeout)
                wait = self._retry.backoff(attempt)
                if ambiguous or attempt >= self._retry.max_attempts or waited + wait > self._retry.max_total_wait:
                    kind = "timed out" if isinstance(error, requests.Timeout) else "could not connect"
                    raise ArmRequestError(
                        f"{action} {resource_id}: the request {kind} after {attempt} attempt(s) "
                        f"({type(error).__name__}); check network access to {self.endpoint}",
                        action=action,
                        resource_id=resource_id,
                    ) from None
                waited += wait
                kind = "timed out" if isinstance(error, requests.Timeout) else "could not connect"
                self._wait_to_retry(action, named, attempt, f"{kind} to {self.endpoint} ({type(error).__name__})", wait)
                continue
            except (requests.RequestException, ValueError, UnicodeError, TypeError, RecursionError) as error:
                # Anything else requests, urllib3 or the codecs raise while building or sending the request (a bad
                # header or URL, an encoding error): reported by type only, since its text may repeat a header.
                raise ArmRequestError(
                    f"{action} {resource_id}: the request could not be sent ({type(error).__name__}); "
                    f"{_redact(str(error), token)}",
                    action=action,
                    resource_id=resource_id,
                ) from None
            if 300 <= response.status_code < 400:
                # ARM never redirects, and a redirect could name another host: it is reported, never followed.
                raise error_from_response(response, action=action, resource_id=resource_id)
            if response.status_code == 401 and not refreshed:
                # One refresh and one retry: the token may have expired between fetch and use.
                refreshed = True
                self._tokens.invalidate(token)
                continue
            if response.status_code == 401:
                # Refused twice: say which credentials were used and how to choose others.
                raise error_from_response(
                    response,
                    action=action,
                    resource_id=resource_id,
                    hint=f"{self._token_source_name()} was refused; {OTHER_CREDENTIALS}, and check azureml:cloud",
                )
            if is_retryable_status(response.status_code, response_error_code(response)):
                hint = retry_after_seconds(response.headers)
                wait = hint if hint is not None else self._retry.backoff(attempt)
                if attempt >= self._retry.max_attempts or waited + wait > self._retry.max_total_wait:
                    return response
                waited += wait
                code = response_error_code(response)
                cause = f"answered {response.status_code}{f' {code}' if code else ''}"
                if hint is not None:
                    cause += " (the service asked to wait)"
                self._wait_to_retry(action, named, attempt, cause, wait)
                continue
            return response

    def _wait_to_retry(self, action: str, subject: str, attempt: int, cause: str, wait: float) -> None:
        """Say which attempt failed, why, and how long until the next one; then wait, saying so at least every
        ``retry.PROGRESS_EVERY`` seconds."""
        last = self._retry.max_attempts
        self._progress(
            f"{action} {subject}: attempt {attempt} of {last} {cause}; next attempt in {seconds_words(wait)}"
        )
        wait_reporting(
            self._clock,
            wait,
            self._progress,
            lambda remaining: (
                f"{action} {subject}: still waiting to retry (attempt {attempt + 1} of {last} in "
                f"{seconds_words(remaining)})"
            ),
            # The next attempt may spend its whole connect timeout in silence (an endpoint that never answers).
            then=self._timeouts[0],
        )


def _json_payload(body: Mapping[str, Any], *, action: str, resource_id: str) -> bytes:
    """The request body as strict JSON (RFC 8259 has no NaN or Infinity), UTF-8 encoded."""
    try:
        # The same encoding requests' ``json=`` uses, but refusing NaN/Infinity with a clear error of ours.
        return json.dumps(body, allow_nan=False).encode("utf-8")
    except (ValueError, TypeError, UnicodeError, RecursionError) as error:
        raise ArmRequestError(
            f"{action} {resource_id}: the request body is not valid JSON ({type(error).__name__}: "
            f"{quote(str(error), 120)}); this is a bug in the provider's input checks, please report it",
            action=action,
            resource_id=resource_id,
        ) from None


_SECRET_HEADER = re.compile(r"(?i)(bearer|authorization)[^,;)\]}]*")


def _redact(text: str, token: str) -> str:
    """An exception's text without the token or anything that looks like an Authorization header, kept short."""
    if token:
        text = text.replace(token, "***")
    text = _SECRET_HEADER.sub(r"\1 ***", text)
    return quote(text, 200)


def _certificate_rejection(error: BaseException) -> str | None:
    """The reason a TLS certificate was rejected (e.g. "self-signed certificate"), or None for other TLS errors."""
    pending: list[object] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return str(current.verify_message or current.reason or "certificate verify failed")
        # requests wraps urllib3, which wraps ssl: the cause hides in args, ``reason``, __cause__ and __context__.
        pending.extend([*current.args, getattr(current, "reason", None), current.__cause__, current.__context__])
    return "certificate verify failed" if "CERTIFICATE_VERIFY_FAILED" in str(error) else None


def _pooled_session() -> requests.Session:
    """A session whose pool serves the provider host's worker threads concurrently (requests' default is 10)."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=64)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80
