"""Provider settings resolved in one place: resource input > stack config (``azureml:``) > environment > default.

This module knows the setting names, their environment fallbacks and defaults; it reads a plain mapping of stack
config (as Pulumi hands it to the provider's ``configure``) and ``os.environ``. It knows nothing about HTTP.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from pulumi_azureml.arm.errors import ClientInputError

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
        """The setting's value by precedence stack config > environment > default, or ``None``."""
        setting = SETTINGS_BY_KEY[key]
        value = self._config.get(key)
        if value not in (None, ""):
            return value
        for name in setting.environment:
            value = self._environ.get(name)
            if value not in (None, ""):
                return value
        return setting.default

    def resolve(self, key: str, resource_value: object, *, field: str) -> str:
        """A required value: the resource input if given, else the setting; error naming all three sources."""
        if resource_value not in (None, ""):
            return str(resource_value)
        value = self.get(key)
        if value in (None, ""):
            setting = SETTINGS_BY_KEY[key]
            environment = " or ".join(setting.environment)
            raise ClientInputError(
                f"{field} is required: set it on the resource, or set the stack config "
                f"`pulumi config set {CONFIG_NAMESPACE}:{key} <value>`, or the environment variable {environment}"
            )
        assert value is not None
        return value

    def poll_interval(self) -> float:
        raw = self.get("pollIntervalSeconds")
        try:
            value = float(raw or DEFAULT_POLL_INTERVAL_SECONDS)
        except ValueError:
            raise ClientInputError(
                f"{CONFIG_NAMESPACE}:pollIntervalSeconds must be a number of seconds, got {raw!r}"
            ) from None
        if value < 0 or value > 600:
            raise ClientInputError(f"{CONFIG_NAMESPACE}:pollIntervalSeconds must be between 0 and 600, got {raw!r}")
        return value

    def host_workers(self) -> int:
        raw = self.get("hostWorkers")
        if raw in (None, ""):
            return DEFAULT_HOST_WORKERS
        try:
            value = int(str(raw))
        except ValueError:
            raise ClientInputError(f"{CONFIG_NAMESPACE}:hostWorkers must be a whole number, got {raw!r}") from None
        if value < 0 or value > 64:
            raise ClientInputError(f"{CONFIG_NAMESPACE}:hostWorkers must be between 0 and 64, got {raw!r}")
        return value

    def fingerprint(self) -> tuple[tuple[str, str | None], ...]:
        """What identifies the connection (endpoint, cloud, credentials): used to cache one client per process."""
        keys = ("cloud", "endpoint", "clientId", "clientSecret", "tenantId", "accessToken", "emulator")
        return tuple((key, self.get(key)) for key in keys)

    def __repr__(self) -> str:
        shown = {
            k: ("***" if SETTINGS_BY_KEY[k].secret else v) for k, v in self._config.items() if k in SETTINGS_BY_KEY
        }
        return f"Settings({shown!r})"
