"""The Azure clouds this package knows: management endpoint, token scope and login authority of each."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from pulumi_azureml.arm.errors import ClientInputError


@dataclass(frozen=True)
class Cloud:
    """One Azure cloud (or a custom endpoint such as the emulator)."""

    name: str
    management_endpoint: str
    """Base URL of Azure Resource Manager, without a trailing slash."""
    token_scope: str
    """The OAuth2 scope for ARM tokens."""
    authority_host: str
    """The Microsoft Entra login host used by azure-identity."""


AZURE_CLOUD = Cloud(
    "AzureCloud", "https://management.azure.com", "https://management.azure.com/.default", "login.microsoftonline.com"
)
AZURE_CHINA_CLOUD = Cloud(
    "AzureChinaCloud",
    "https://management.chinacloudapi.cn",
    "https://management.chinacloudapi.cn/.default",
    "login.chinacloudapi.cn",
)
AZURE_US_GOVERNMENT = Cloud(
    "AzureUSGovernment",
    "https://management.usgovcloudapi.net",
    "https://management.usgovcloudapi.net/.default",
    "login.microsoftonline.us",
)

_ALIASES = {
    "azurecloud": AZURE_CLOUD,
    "public": AZURE_CLOUD,
    "azurepubliccloud": AZURE_CLOUD,
    "azurechinacloud": AZURE_CHINA_CLOUD,
    "china": AZURE_CHINA_CLOUD,
    "azureusgovernment": AZURE_US_GOVERNMENT,
    "azureusgovernmentcloud": AZURE_US_GOVERNMENT,
    "usgovernment": AZURE_US_GOVERNMENT,
}

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (the only hosts plain http is allowed to).

    An IP literal must really be loopback (127.0.0.0/8, ::1): a prefix test would also pass DNS names such as
    ``127.0.0.1.nip.io`` or ``127.example.com``, which resolve anywhere, and the token would cross the network in
    clear text. The only name accepted is ``localhost``.
    """
    host = host.strip("[]").lower()
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cloud_by_name(name: str) -> Cloud:
    """Look up a cloud by its name or a common alias, case-insensitively."""
    cloud = _ALIASES.get(name.strip().lower())
    if cloud is None:
        known = ", ".join(c.name for c in (AZURE_CLOUD, AZURE_CHINA_CLOUD, AZURE_US_GOVERNMENT))
        raise ClientInputError(f"azureml:cloud {name!r} is not a known cloud; use one of {known}")
    return cloud


def check_endpoint(url: str) -> str:
    """Validate a management endpoint URL and return it without a trailing slash.

    https is required, except for loopback hosts (the emulator); there is no switch to turn TLS checks off.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ClientInputError(f"azureml:endpoint {url!r} must be an absolute http(s) URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ClientInputError(
            f"azureml:endpoint {url!r} uses plain http; that is allowed only for loopback hosts (the emulator)"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ClientInputError(f"azureml:endpoint {url!r} must be a bare origin such as https://management.azure.com")
    return f"{parts.scheme}://{parts.netloc}"


def custom_cloud(endpoint: str) -> Cloud:
    """A cloud for a custom management endpoint; tokens are requested for ``<endpoint>/.default``."""
    base = check_endpoint(endpoint)
    return Cloud("Custom", base, f"{base}/.default", AZURE_CLOUD.authority_host)
