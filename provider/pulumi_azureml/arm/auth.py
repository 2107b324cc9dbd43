"""Bearer tokens for ARM: one cached token per token source, refreshed before expiry, safe across threads.

The sources: a static token, a service principal's secret, OIDC workload identity federation (a federated token, from
a value, a file or GitHub Actions' token request, exchanged for an ARM token as a client assertion), and
``DefaultAzureCredential``.

``azure.identity`` (and ``msal`` behind it) is imported only when the first token is needed: a ``pulumi preview``
makes no request and must not pay for that import (hundreds of milliseconds) or need a credential at all.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from pulumi_azureml.arm.clock import SYSTEM_CLOCK, Clock
from pulumi_azureml.arm.errors import ClientInputError

_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
"""RFC 6750 §2.1: ``b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="``."""


def bearer_token_problem(token: str) -> str | None:
    """Why ``token`` cannot go into an ``Authorization: Bearer`` header, or ``None``; never quotes the token.

    A token with a line break, a NUL or a non-ASCII character would otherwise make ``requests`` raise an error
    that repeats the whole header (token included), or be sent as it is.
    """
    if not token:
        return "is empty"
    if _B64TOKEN.fullmatch(token):
        return None
    for position, character in enumerate(token):
        if not _B64TOKEN.fullmatch(character):
            kind = (
                "a whitespace or control character"
                if character.isspace() or ord(character) < 32 or ord(character) == 127
                else "a character outside ASCII"
                if ord(character) > 127
                else "a character"
            )
            return (
                f"is not a valid bearer token: {kind} at position {position} (a bearer token is letters, digits "
                "and -._~+/ with trailing '=' only, RFC 6750 section 2.1); surrounding whitespace is removed, "
                "so check the value for a stray character"
            )
    return "is not a valid bearer token ('=' only at the end, RFC 6750 section 2.1)"


# Refresh this long before expiry, so a token never expires between being read and being used by a slow poll.
REFRESH_MARGIN_SECONDS = 300.0


class SecretString:
    """A string that never shows itself in ``repr``/``str`` (so it cannot leak through a log or a traceback)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretString('***')"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        # Refuse pickling: a secret must never reach a pickled provider in the stack state.
        raise TypeError("SecretString must not be pickled")


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_on: float
    """Epoch seconds."""

    def __repr__(self) -> str:
        return f"AccessToken(token='***', expires_on={self.expires_on})"


class TokenCredential(Protocol):
    """The part of azure-identity's credential protocol used here."""

    def get_token(self, *scopes: str) -> Any: ...


# How each credential source is named in messages, with the settings that choose another one.
OTHER_CREDENTIALS = (
    "choose credentials with azureml:accessToken (a bearer token; the emulator takes any), "
    "azureml:clientId + azureml:clientSecret + azureml:tenantId (a service principal), "
    "azureml:useOidc + azureml:clientId + azureml:tenantId (OIDC workload identity), or `az login`"
)
STATIC_TOKEN_SOURCE = "the static token (azureml:accessToken)"
SERVICE_PRINCIPAL_SOURCE = "the service principal (azureml:clientId, azureml:clientSecret, azureml:tenantId)"
OIDC_SOURCE = "OIDC workload identity federation (azureml:useOidc, azureml:clientId, azureml:tenantId)"
DEFAULT_CREDENTIAL_SOURCE = (
    "DefaultAzureCredential (no azureml:accessToken, azureml:clientSecret or azureml:useOidc is set, so environment "
    "variables, workload identity, a managed identity and `az login` were tried)"
)


class TokenSource(Protocol):
    """Hands out bearer tokens for one scope.

    Sources may also have a ``source`` attribute: where their tokens come from, named in messages when they fail.
    """

    def token(self) -> str: ...

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (the service answered 401 to it); the next :meth:`token` call fetches a new one."""
        ...


class StaticTokenSource:
    """A fixed token, for the emulator or a token obtained elsewhere."""

    def __init__(self, token: str, source: str = STATIC_TOKEN_SOURCE) -> None:
        self.source = source
        token = token.strip()
        problem = bearer_token_problem(token)
        if problem is not None:
            raise ClientInputError(f"the static access token {problem}")
        self._token = SecretString(token)

    def token(self) -> str:
        return self._token.reveal()

    def invalidate(self, token: str) -> None:
        # A static token cannot be refreshed; the retry after a 401 will fail with the service's message.
        return None

    def __repr__(self) -> str:
        return "StaticTokenSource(token='***')"


class CredentialTokenSource:
    """Tokens from an azure-identity credential, cached and refreshed ahead of expiry.

    The credential itself is built lazily by ``credential_factory`` on the first call, under a lock, so
    concurrent provider threads share one credential and one token.
    """

    def __init__(
        self,
        credential_factory: Callable[[], TokenCredential],
        scope: str,
        *,
        clock: Clock = SYSTEM_CLOCK,
        refresh_margin: float = REFRESH_MARGIN_SECONDS,
        source: str = DEFAULT_CREDENTIAL_SOURCE,
    ) -> None:
        self.source = source
        self._credential_factory = credential_factory
        self._credential: TokenCredential | None = None
        self._scope = scope
        self._clock = clock
        self._refresh_margin = refresh_margin
        self._lock = threading.Lock()
        self._cached: AccessToken | None = None

    def token(self) -> str:
        with self._lock:
            cached = self._cached
            if cached is None or cached.expires_on - self._refresh_margin <= self._clock.wall():
                if self._credential is None:
                    self._credential = self._credential_factory()
                raw = self._credential.get_token(self._scope)
                cached = AccessToken(str(raw.token), float(raw.expires_on))
                self._cached = cached
            return cached.token

    def invalidate(self, token: str) -> None:
        with self._lock:
            if self._cached is not None and self._cached.token == token:
                self._cached = None

    def __repr__(self) -> str:
        return f"CredentialTokenSource(scope={self._scope!r})"


def service_principal_credential_factory(
    *, tenant_id: str, client_id: str, client_secret: SecretString, authority_host: str
) -> Callable[[], TokenCredential]:
    """A factory for the seed article's flow: a service principal's client id + secret in a tenant."""

    def build() -> TokenCredential:
        from azure.identity import ClientSecretCredential

        credential: TokenCredential = ClientSecretCredential(
            tenant_id, client_id, client_secret.reveal(), authority=authority_host
        )
        return credential

    return build


def default_credential_factory(*, authority_host: str) -> Callable[[], TokenCredential]:
    """A factory for ``DefaultAzureCredential`` (environment, workload identity, managed identity, Azure CLI...)."""

    def build() -> TokenCredential:
        from azure.identity import DefaultAzureCredential

        credential: TokenCredential = DefaultAzureCredential(authority=authority_host)
        return credential

    return build


# The audience Microsoft Entra expects in a federated token, which GitHub Actions' token request must ask for:
# https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-azure
ENTRA_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"
# (connect, read) seconds for GitHub Actions' token request: it answers at once or not at all.
_TOKEN_REQUEST_TIMEOUTS = (10.0, 30.0)


class FederatedTokenError(Exception):
    """No federated token could be had (unreadable file, failed token request, malformed token). Raised inside the
    credential, so the client reports it as any credential failure: with the operation, the source and the ways to
    choose other credentials. Its message never holds a token."""


def _checked_assertion(assertion: str, source: str) -> str:
    """The federated token stripped (a file ends with a newline), or an error naming ``source`` (never the token)."""
    assertion = assertion.strip()
    problem = bearer_token_problem(assertion)
    if problem is not None:
        raise FederatedTokenError(f"the federated token from {source} {problem}")
    return assertion


def static_assertion(token: SecretString, source: str) -> Callable[[], str]:
    """A federated token given as a value (azureml:oidcToken / ARM_OIDC_TOKEN, e.g. from Pulumi ESC's azure-login)."""

    def assertion() -> str:
        return _checked_assertion(token.reveal(), source)

    return assertion


def file_assertion(path: str, source: str) -> Callable[[], str]:
    """A federated token read from ``path`` each time one is needed: AKS workload identity rewrites the file (its
    tokens last an hour) while a long `pulumi up` runs."""

    def assertion() -> str:
        try:
            with open(path, encoding="utf-8") as file:
                return _checked_assertion(file.read(), source)
        except OSError as error:
            raise FederatedTokenError(
                f"{source}: cannot read the federated token file {path}: {error.strerror}"
            ) from None

    return assertion


def github_actions_assertion(request_url: str, request_token: SecretString, source: str) -> Callable[[], str]:
    """A federated token from GitHub Actions' token request (``ACTIONS_ID_TOKEN_REQUEST_URL`` and
    ``ACTIONS_ID_TOKEN_REQUEST_TOKEN``): ``GET <url>&audience=api://AzureADTokenExchange`` with the request token as
    a bearer, answered ``{"value": "<jwt>"}``. Messages name the request's host, never the tokens or the answer."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(request_url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "audience"]
    query.append(("audience", ENTRA_TOKEN_EXCHANGE_AUDIENCE))
    url = urlunsplit(parts._replace(query=urlencode(query)))
    where = f"{source} (the token request to {parts.hostname})"

    def assertion() -> str:
        import requests

        try:
            response = requests.get(
                url,
                headers={"Authorization": f"bearer {request_token.reveal()}", "Accept": "application/json"},
                timeout=_TOKEN_REQUEST_TIMEOUTS,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            raise FederatedTokenError(f"{where} could not be sent: {type(error).__name__}") from None
        if response.status_code != 200:
            raise FederatedTokenError(f"{where} answered HTTP {response.status_code}")
        try:
            value = response.json()["value"]
        except (ValueError, KeyError, TypeError):
            raise FederatedTokenError(f'{where} answered without a "value" (a federated token)') from None
        if not isinstance(value, str):
            raise FederatedTokenError(f'{where} answered a "value" that is not a string')
        return _checked_assertion(value, where)

    return assertion


def oidc_credential_factory(
    *, tenant_id: str, client_id: str, assertion: Callable[[], str], authority_host: str
) -> Callable[[], TokenCredential]:
    """A factory for azure-identity's ``ClientAssertionCredential``: the federated token is the client assertion of
    a client-credentials grant (``client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer``),
    fetched anew whenever a new ARM token is needed."""

    def build() -> TokenCredential:
        from azure.identity import ClientAssertionCredential

        credential: TokenCredential = ClientAssertionCredential(
            tenant_id, client_id, assertion, authority=authority_host
        )
        return credential

    return build
