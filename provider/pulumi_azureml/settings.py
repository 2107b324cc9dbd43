"""Provider settings resolved, normalised and validated in one place: resource input > stack config (``azureml:``)
> environment > default.

This module knows the setting names, their environment fallbacks and defaults; it reads a plain mapping of stack
config (as Pulumi hands it to the provider's ``configure``) and ``os.environ``. Every value is normalised here
(surrounding whitespace, such as the newline a token read from a file ends with, is stripped) and checked before
anything uses it: no control characters, bearer tokens in the RFC 6750 character set, numbers finite and in range.
Its messages never quote a secret setting's value. It knows nothing about HTTP.
"""

from __future__ import annotations

import difflib
import functools
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from pulumi_azureml.arm.auth import bearer_token_problem
from pulumi_azureml.arm.clouds import check_endpoint, cloud_by_name, is_loopback
from pulumi_azureml.arm.errors import ClientInputError
from pulumi_azureml.quoting import quote

CONFIG_NAMESPACE = "azureml"
DEFAULT_API_VERSION = "2025-12-01"
DEFAULT_POLL_INTERVAL_SECONDS = 10.0
DEFAULT_HOST_WORKERS = 32


@dataclass(frozen=True)
class Setting:
    """One setting: its stack config key, its environment variables (in precedence order) and its default."""

    key: str
    environment: tuple[str, ...]
    default: str | None = None
    secret: bool = False
    description: str = ""


SETTINGS: tuple[Setting, ...] = (
    Setting("subscriptionId", ("AZURE_SUBSCRIPTION_ID", "ARM_SUBSCRIPTION_ID"), description="Azure subscription id"),
    Setting("resourceGroupName", ("AZURE_RESOURCE_GROUP", "ARM_RESOURCE_GROUP"), description="resource group"),
    Setting(
        "workspaceName", ("AZURE_ML_WORKSPACE_NAME", "ARM_ML_WORKSPACE_NAME"), description="Azure ML workspace name"
    ),
    Setting("location", ("AZURE_LOCATION", "ARM_LOCATION"), description="region for new workspaces"),
    Setting("cloud", ("AZURE_CLOUD", "ARM_ENVIRONMENT"), "AzureCloud", description="AzureCloud, AzureChinaCloud..."),
    Setting("endpoint", ("AZURE_MANAGEMENT_ENDPOINT", "ARM_ENDPOINT"), description="custom management endpoint URL"),
    Setting("apiVersion", ("AZURE_ML_API_VERSION", "ARM_ML_API_VERSION"), DEFAULT_API_VERSION, description="ML api"),
    Setting("clientId", ("AZURE_CLIENT_ID", "ARM_CLIENT_ID"), description="service principal client id"),
    Setting("clientSecret", ("AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET"), secret=True, description="client secret"),
    Setting("tenantId", ("AZURE_TENANT_ID", "ARM_TENANT_ID"), description="Microsoft Entra tenant id"),
    # OIDC workload identity federation, spelt as pulumi-azure-native spells it (its config keys and ARM_* variables,
    # which Pulumi ESC's azure-login exports); AZURE_FEDERATED_TOKEN_FILE is what AKS workload identity injects.
    Setting("useOidc", ("ARM_USE_OIDC",), description="true: authenticate with a federated token (OIDC)"),
    Setting("oidcToken", ("ARM_OIDC_TOKEN",), secret=True, description="the federated token itself"),
    Setting(
        "oidcTokenFilePath",
        ("AZURE_FEDERATED_TOKEN_FILE", "ARM_OIDC_TOKEN_FILE_PATH"),
        description="a file holding the federated token (read again whenever a new ARM token is needed)",
    ),
    Setting(
        "oidcRequestToken",
        ("ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
        secret=True,
        description="bearer token of the request for a federated token (GitHub Actions)",
    ),
    Setting(
        "oidcRequestUrl",
        ("ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL"),
        description="URL of the request for a federated token (GitHub Actions)",
    ),
    Setting(
        "activeDirectoryAuthorityHost",
        ("AZURE_AUTHORITY_HOST", "ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST"),
        description="Microsoft Entra login host, instead of the cloud's own",
    ),
    Setting(
        "accessToken",
        ("AZURE_ML_ACCESS_TOKEN",),
        secret=True,
        description="a static bearer token (emulator, or a token obtained elsewhere)",
    ),
    Setting(
        "pollIntervalSeconds",
        ("AZURE_ML_POLL_INTERVAL_SECONDS",),
        str(DEFAULT_POLL_INTERVAL_SECONDS),
        description="seconds between polls when Azure sends no Retry-After",
    ),
    Setting(
        "emulator",
        ("AZURE_ML_EMULATOR",),
        description="path of an SQLite file: run the bundled ARM emulator in-process instead of Azure",
    ),
    Setting(
        "hostWorkers",
        ("AZURE_ML_HOST_WORKERS",),
        description="worker threads of the Pulumi dynamic provider host (default 32; 0 keeps the host's 4)",
    ),
)
SETTINGS_BY_KEY = {setting.key: setting for setting in SETTINGS}

# With `azureml:emulator` set and these left out, a stack runs against a ready-made place in the embedded emulator
# (runtime.py seeds its resource group and workspace), so trying any program offline takes one setting.
EMULATOR_DEFAULTS: dict[str, str] = {
    "subscriptionId": "00000000-0000-0000-0000-000000000000",
    "resourceGroupName": "rg-emulator",
    "workspaceName": "mlw-emulator",
    "location": "eastus",
}


def unknown_config_keys(keys: Iterable[str]) -> list[tuple[str, str]]:
    """``(key, warning)`` for each ``azureml:`` stack config key that is no setting of this package (a typo such as
    ``azureml:emulater`` is otherwise ignored without a word, and the stack silently runs against Azure), with the
    closest setting's name when one is close."""
    known = {setting.key.lower(): setting.key for setting in SETTINGS}
    found: list[tuple[str, str]] = []
    for key in sorted(set(keys)):
        namespace, _, short = key.partition(":")
        if namespace != CONFIG_NAMESPACE or not short or short in SETTINGS_BY_KEY:
            continue
        close = next(iter(difflib.get_close_matches(short.lower(), known, n=1)), None)
        hint = (
            f"did you mean {CONFIG_NAMESPACE}:{known[close]}?"
            if close
            else f"the settings are {', '.join(setting.key for setting in SETTINGS)}"
        )
        found.append((key, f"stack config {quote(key)} is not a pulumi-azureml setting and is ignored; {hint}"))
    return found


def _once_per_instance(
    method: Callable[[Settings], list[tuple[str, str]]],
) -> Callable[[Settings], list[tuple[str, str]]]:
    """Compute ``method`` once per :class:`Settings` and hand out copies: its config and environment are fixed at
    construction, and ``check`` asks for every resource of a preview (issue 28)."""
    attribute = f"_computed_{method.__name__}"

    @functools.wraps(method)
    def once(self: Settings) -> list[tuple[str, str]]:
        computed: list[tuple[str, str]] | None = self.__dict__.get(attribute)
        if computed is None:
            computed = self.__dict__[attribute] = method(self)
        return list(computed)

    return once


class Settings:
    """Resolved settings for one provider process (stack config + environment).

    Secret values are held only in memory: this object is never pickled into state (see the provider's
    ``__getstate__``) and its ``repr`` hides them.
    """

    def __init__(self, config: Mapping[str, object] | None = None, environ: Mapping[str, str] | None = None) -> None:
        self._config: dict[str, str] = {}
        for key, value in (config or {}).items():
            if value is None:
                continue
            short = key.split(":", 1)[1] if key.startswith(f"{CONFIG_NAMESPACE}:") else None
            if short is not None:
                self._config[short] = str(value)
        self._environ = dict(os.environ if environ is None else environ)

    def get(self, key: str) -> str | None:
        """The setting's value by precedence stack config > environment > default, or ``None``.

        Surrounding whitespace is stripped (a value read from a file usually ends with a newline); an invalid
        value is returned as it is, and :meth:`problems` (or :meth:`checked`) says what is wrong with it.
        """
        return self._source(key)[1]

    def _source(self, key: str) -> tuple[str, str | None]:
        """(where the value came from, the stripped value) by precedence."""
        setting = SETTINGS_BY_KEY[key]
        value = self._config.get(key)
        if value is not None and value.strip():
            return f"{CONFIG_NAMESPACE}:{key}", value.strip()
        for name in setting.environment:
            value = self._environ.get(name)
            if value is not None and value.strip():
                return name, value.strip()
        if key in EMULATOR_DEFAULTS and key != "emulator" and self._source("emulator")[1]:
            return f"{CONFIG_NAMESPACE}:{key} (the emulator's default)", EMULATOR_DEFAULTS[key]
        return f"{CONFIG_NAMESPACE}:{key}", setting.default

    @_once_per_instance
    def problems(self) -> list[tuple[str, str]]:
        """Every invalid setting as ``(source, reason)``; the reason never quotes a secret's value."""
        found: list[tuple[str, str]] = []
        for setting in SETTINGS:
            source, value = self._source(setting.key)
            if value is None:
                continue
            reason = _problem(setting, value)
            if reason is None and setting.key == "pollIntervalSeconds":
                reason = _poll_interval_problem(value)
            if reason is None and setting.key == "hostWorkers":
                reason = _host_workers_problem(value)
            if reason is None and setting.key in ("endpoint", "cloud"):
                reason = _connection_problem(setting.key, value)
            if reason is None:
                reason = _credential_problem(setting.key, value)
            if reason is not None:
                found.append((source, reason))
        return found

    def checked(self, key: str) -> str | None:
        """:meth:`get`, raising :class:`ClientInputError` (naming the source and the rule) for an invalid value."""
        source, value = self._source(key)
        if value is None:
            return None
        setting = SETTINGS_BY_KEY[key]
        reason = _problem(setting, value) or _credential_problem(key, value)
        if reason is not None:
            raise ClientInputError(f"{source} {reason}")
        return value

    @staticmethod
    def how_to_set(key: str, where: str) -> str:
        """How to supply a required setting: ``where`` (e.g. "set it on the resource"), the stack config, or the
        environment. The one wording of "X is required" for resources and lookups alike."""
        environment = " or ".join(SETTINGS_BY_KEY[key].environment)
        local = (
            f"; to try it without Azure, `pulumi config set {CONFIG_NAMESPACE}:emulator <file>.db` runs the bundled "
            "emulator, which supplies it"
            if key in EMULATOR_DEFAULTS
            else ""
        )
        return (
            f"is required: {where}, or `pulumi config set {CONFIG_NAMESPACE}:{key} <value>`, "
            f"or the environment variable {environment}{local}"
        )

    def api_version(self, given: object = None) -> str:
        """The api-version to call: the resource's or lookup's own, else ``azureml:apiVersion``, else the default."""
        return str(given or self.get("apiVersion") or DEFAULT_API_VERSION)

    def poll_interval(self) -> float:
        source, raw = self._source("pollIntervalSeconds")
        reason = _poll_interval_problem(raw or "")
        if reason is not None:
            raise ClientInputError(f"{source} {reason}")
        return float(raw or DEFAULT_POLL_INTERVAL_SECONDS)

    def host_workers(self) -> int:
        source, raw = self._source("hostWorkers")
        if raw is None:
            return DEFAULT_HOST_WORKERS
        reason = _host_workers_problem(raw)
        if reason is not None:
            raise ClientInputError(f"{source} {reason}")
        return int(raw)

    def use_oidc(self) -> bool:
        """Whether ``azureml:useOidc`` / ``ARM_USE_OIDC`` asks for OIDC workload identity federation."""
        value = self.checked("useOidc")
        return value is not None and value.lower() in _TRUE

    def access_token(self) -> str | None:
        """The static bearer token, stripped and checked (RFC 6750 ``b64token``), or ``None``."""
        return self.checked("accessToken")

    def fingerprint(self) -> tuple[tuple[str, str | None], ...]:
        """What identifies the connection (endpoint, cloud, credentials): used to cache one client per process."""
        keys = (
            "cloud",
            "endpoint",
            "activeDirectoryAuthorityHost",
            "clientId",
            "clientSecret",
            "tenantId",
            "accessToken",
            "useOidc",
            "oidcToken",
            "oidcTokenFilePath",
            "oidcRequestToken",
            "oidcRequestUrl",
            "emulator",
        )
        return tuple((key, self.get(key)) for key in keys)

    def __repr__(self) -> str:
        shown = {
            k: ("***" if SETTINGS_BY_KEY[k].secret else v) for k, v in self._config.items() if k in SETTINGS_BY_KEY
        }
        return f"Settings({shown!r})"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_SETTING_LENGTH = 16384
"""Longer than any id, URL, token or secret these settings hold; a longer value is a mistake (a file pasted in)."""


def _problem(setting: Setting, value: str) -> str | None:
    """Why a (stripped) setting value cannot be used, or ``None``; never quotes a secret."""
    if len(value) > _MAX_SETTING_LENGTH:
        return f"must be at most {_MAX_SETTING_LENGTH} characters, got {len(value)}"
    if setting.key in _BEARER_TOKENS:
        return bearer_token_problem(value)
    control = _CONTROL.search(value)
    if control is not None:
        shown = "" if setting.secret else f" ({quote(value)})"
        return f"must not contain control characters such as line breaks (one at position {control.start()}){shown}"
    surrogate = _SURROGATE.search(value)
    if surrogate is not None:
        return f"must be valid Unicode text (a lone surrogate at position {surrogate.start()})"
    return None


_BEARER_TOKENS = frozenset({"accessToken", "oidcToken", "oidcRequestToken"})
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def _credential_problem(key: str, value: str) -> str | None:
    """The OIDC switch's and URLs' shapes, checked without I/O; a URL is not quoted (a token request URL may carry
    run-specific query parameters)."""
    if key == "useOidc" and value.lower() not in _TRUE | _FALSE:
        return f"must be true or false, got {quote(value)}"
    if key == "oidcRequestUrl":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "must be an absolute https URL"
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            return "uses plain http (it carries the request token); that is allowed only for loopback hosts"
    if key == "activeDirectoryAuthorityHost":
        parts = urlsplit(value if "://" in value else f"https://{value}")
        if parts.scheme != "https" or not parts.hostname:
            return "must be https: an https URL or a host name such as login.microsoftonline.com"
        if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
            return "must be a bare origin such as https://login.microsoftonline.com"
    return None


def authority_host(value: str) -> str:
    """An ``activeDirectoryAuthorityHost`` (checked) as azure-identity takes it: an https origin."""
    parts = urlsplit(value if "://" in value else f"https://{value}")
    return f"https://{parts.netloc}"


def _connection_problem(key: str, value: str) -> str | None:
    """The endpoint URL's or cloud name's shape, checked without I/O so that preview, not `up`, reports it."""
    try:
        if key == "endpoint":
            check_endpoint(value)
        else:
            cloud_by_name(value)
    except ClientInputError as error:
        return str(error).removeprefix(f"{CONFIG_NAMESPACE}:{key} ")
    return None


def _poll_interval_problem(raw: str) -> str | None:
    try:
        value = float(raw or DEFAULT_POLL_INTERVAL_SECONDS)
    except ValueError:
        return f"must be a number of seconds, got {quote(raw)}"
    # Written so that NaN fails too (every comparison with NaN is false): a NaN interval would poll in a tight loop.
    if not (math.isfinite(value) and 0 <= value <= 600):
        return f"must be a finite number of seconds between 0 and 600, got {quote(raw)}"
    return None


def _host_workers_problem(raw: str) -> str | None:
    try:
        value = int(raw)
    except ValueError:
        return f"must be a whole number between 0 and 64, got {quote(raw)}"
    if not 0 <= value <= 64:
        return f"must be a whole number between 0 and 64, got {quote(raw)}"
    return None
