"""Builds the ARM client for a provider process from its settings: cloud, credentials, and the embedded emulator.

One client (and so one token cache and one connection pool) per distinct connection setting, shared by every
resource kind and every host worker thread in the process. Nothing here is ever pickled.
"""

from __future__ import annotations

import os
import threading
import zlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pulumi_azureml.arm.auth import (
    DEFAULT_CREDENTIAL_SOURCE,
    OIDC_SOURCE,
    SERVICE_PRINCIPAL_SOURCE,
    CredentialTokenSource,
    SecretString,
    StaticTokenSource,
    TokenCredential,
    TokenSource,
    default_credential_factory,
    file_assertion,
    github_actions_assertion,
    oidc_credential_factory,
    service_principal_credential_factory,
    static_assertion,
)
from pulumi_azureml.arm.clouds import cloud_by_name, custom_cloud
from pulumi_azureml.arm.errors import ClientInputError
from pulumi_azureml.console import progress
from pulumi_azureml.settings import EMULATOR_DEFAULTS, Settings, authority_host

if TYPE_CHECKING:
    # Imported where a client is built: the provider host must not load requests for a preview.
    from pulumi_azureml.arm.client import ArmClient

EMULATOR_TOKEN = "pulumi-azureml-emulator"

_CLIENTS_LOCK = threading.Lock()
# A separate lock: client_for() holds its lock while building a client, which may start an emulator.
_EMULATORS_LOCK = threading.Lock()
_CLIENTS: dict[tuple[tuple[str, str | None], ...], ArmClient] = {}
_EMULATORS: dict[str, Any] = {}


def client_for(settings: Settings) -> ArmClient:
    """The process's client for these settings, built on first use."""
    key = settings.fingerprint()
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = _build_client(settings)
            _CLIENTS[key] = client
        return client


def client_for_resource(settings: Settings, inputs: Mapping[str, Any]) -> ArmClient:
    """The client for one resource's operation; refused (naming each setting and its rule) when a setting is
    invalid. On the embedded emulator the resource's group is made to exist first: the local stack has no
    resource-group resource."""
    problems = settings.problems()
    if problems:
        raise ClientInputError("; ".join(f"{source} {reason}" for source, reason in problems))
    emulator_db = settings.get("emulator")
    subscription, group = inputs.get("subscription_id"), inputs.get("resource_group_name")
    if emulator_db and subscription and group:
        location = settings.get("location") or EMULATOR_DEFAULTS["location"]
        embedded_emulator(emulator_db).ensure_resource_group(str(subscription), str(group), location)
    return client_for(settings)


def embedded_emulator(db_path: str) -> Any:
    """Start (once per process and file) the bundled ARM emulator on loopback with ``db_path`` as its store.

    Used by the ``local`` stack (``azureml:emulator``): the provider host and the program process each run one,
    sharing state through the SQLite file.
    """
    path = os.path.abspath(os.path.expanduser(db_path))
    with _EMULATORS_LOCK:
        server = _EMULATORS.get(path)
        if server is None:
            from pulumi_azureml.emulator import EmulatorServer

            os.makedirs(os.path.dirname(path), exist_ok=True)
            try:
                server = EmulatorServer(db_path=path, port=_stable_port(path)).start()
            except OSError:
                # Taken (another process on the same file, or anything else): any free port works, only the
                # URLs the emulator hands out (a workspace's discovery URL) then differ from the last run's.
                server = EmulatorServer(db_path=path).start()
            _EMULATORS[path] = server
        return server


def _stable_port(path: str) -> int:
    """A loopback port derived from the emulator file, so each run of a stack gets the same emulator URL.

    The emulator answers with URLs on its own origin (a workspace's ``discoveryUrl``); on a port that changed with
    every provider process, a `pulumi refresh` would show those outputs changing for nothing. The range ends below
    Linux's ephemeral ports (32768-60999 by default), which any outgoing connection may hold at that moment: a
    derived port in that range was taken now and then on a busy machine, and the URLs changed after all.
    """
    return 10000 + zlib.crc32(path.encode("utf-8")) % 20000


def _seed_embedded_emulator(server: Any, settings: Settings) -> None:
    """The stack's resource group, and the default workspace when the stack names none, exist from the start.

    A workspace the stack names itself is left to the program (the `local` stack creates its own with a Workspace
    resource, which a seeded one would block as "not created by this stack"); the emulator's CLI seeds others
    (`--workspace`).
    """
    subscription = settings.get("subscriptionId")
    group = settings.get("resourceGroupName")
    location = settings.get("location") or EMULATOR_DEFAULTS["location"]
    if not subscription or not group:
        return
    try:
        server.ensure_resource_group(subscription, group, location)
        if (subscription, group, settings.get("workspaceName")) == (
            EMULATOR_DEFAULTS["subscriptionId"],
            EMULATOR_DEFAULTS["resourceGroupName"],
            EMULATOR_DEFAULTS["workspaceName"],
        ):
            server.ensure_workspace(subscription, group, EMULATOR_DEFAULTS["workspaceName"], location)
    except ValueError as error:
        raise ClientInputError(f"azureml:emulator: cannot prepare the emulator: {error}") from None


def _build_client(settings: Settings) -> ArmClient:
    from pulumi_azureml.arm.client import ArmClient

    emulator_db = settings.checked("emulator")
    if emulator_db:
        server = embedded_emulator(emulator_db)
        _seed_embedded_emulator(server, settings)
        return ArmClient(
            endpoint=str(server.url),
            token_source=StaticTokenSource(EMULATOR_TOKEN, source="the embedded emulator's token (azureml:emulator)"),
            # The configured interval, as for Azure: a stack that wants quick polls of the emulator says so in its
            # config (azureml:pollIntervalSeconds, as the `local` stack does); nothing here treats it specially.
            poll_interval=settings.poll_interval(),
            progress=progress,
        )
    endpoint = settings.checked("endpoint")
    cloud = custom_cloud(endpoint) if endpoint else cloud_by_name(settings.checked("cloud") or "AzureCloud")
    authority = settings.checked("activeDirectoryAuthorityHost")
    return ArmClient(
        endpoint=cloud.management_endpoint,
        token_source=_token_source(settings, cloud.token_scope, authority_host(authority or cloud.authority_host)),
        poll_interval=settings.poll_interval(),
        progress=progress,
    )


def _token_source(settings: Settings, scope: str, authority: str) -> TokenSource:
    """The one credential the settings choose, first match wins: a static token, a service principal's secret, OIDC
    (``useOidc``), else ``DefaultAzureCredential``; the order pulumi-azure-native follows (secret before OIDC)."""
    static = settings.access_token()
    if static:
        return StaticTokenSource(static)
    client_id = settings.checked("clientId")
    client_secret = settings.checked("clientSecret")
    tenant_id = settings.checked("tenantId")
    factory: Callable[[], TokenCredential]
    if client_secret:
        if not client_id or not tenant_id:
            raise ClientInputError(
                "azureml:clientSecret is set, so azureml:clientId (AZURE_CLIENT_ID) and azureml:tenantId "
                "(AZURE_TENANT_ID) are required too"
            )
        factory = service_principal_credential_factory(
            tenant_id=tenant_id,
            client_id=client_id,
            client_secret=SecretString(client_secret),
            authority_host=authority,
        )
        return CredentialTokenSource(factory, scope, source=SERVICE_PRINCIPAL_SOURCE)
    if settings.use_oidc():
        if not client_id or not tenant_id:
            raise ClientInputError(
                "azureml:useOidc is true, so azureml:clientId (AZURE_CLIENT_ID, ARM_CLIENT_ID) and azureml:tenantId "
                "(AZURE_TENANT_ID, ARM_TENANT_ID) are required too: the application whose federated credential "
                "trusts the token"
            )
        factory = oidc_credential_factory(
            tenant_id=tenant_id, client_id=client_id, assertion=_federated_token(settings), authority_host=authority
        )
        return CredentialTokenSource(factory, scope, source=OIDC_SOURCE)
    return CredentialTokenSource(
        default_credential_factory(authority_host=authority), scope, source=DEFAULT_CREDENTIAL_SOURCE
    )


def _federated_token(settings: Settings) -> Callable[[], str]:
    """Where the federated token comes from, first match wins: the token itself, a file, GitHub Actions' request."""
    token = settings.checked("oidcToken")
    if token:
        return static_assertion(SecretString(token), "azureml:oidcToken")
    path = settings.checked("oidcTokenFilePath")
    if path:
        return file_assertion(os.path.expanduser(path), "azureml:oidcTokenFilePath")
    request_url = settings.checked("oidcRequestUrl")
    request_token = settings.checked("oidcRequestToken")
    if request_url and request_token:
        return github_actions_assertion(request_url, SecretString(request_token), "azureml:oidcRequestUrl")
    raise ClientInputError(
        "azureml:useOidc is true but no federated token is configured: set azureml:oidcToken (ARM_OIDC_TOKEN), "
        "azureml:oidcTokenFilePath (AZURE_FEDERATED_TOKEN_FILE, ARM_OIDC_TOKEN_FILE_PATH), or azureml:oidcRequestUrl "
        "+ azureml:oidcRequestToken (ARM_OIDC_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_URL and "
        "ARM_OIDC_REQUEST_TOKEN/ACTIONS_ID_TOKEN_REQUEST_TOKEN, set by GitHub Actions with `id-token: write`)"
    )
