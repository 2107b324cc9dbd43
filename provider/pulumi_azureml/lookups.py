"""Read-only lookups for Pulumi programs: resource groups, workspaces (and their service map), computes and batch
endpoints, as typed results.

Lookups run in every ``pulumi preview`` too, so they only read: ARM GETs and the POST list action ``listkeys``.
Each result is a frozen dataclass with snake_case fields and the ARM body as ``.raw``; lists follow ``nextLink``
to the last page. Connection and placement come from the stack config (``azureml:*``, the keys of
:mod:`pulumi_azureml.settings`, with their environment fallbacks); function arguments override them.

Every ``get_x``/``list_x`` has an ``get_x_output``/``list_x_output`` form that takes Pulumi inputs and returns an
``Output``, as Pulumi packages do for invokes; it runs off the event loop, so lookups do not hold up registrations.
Secret results (batch endpoint keys) are secret Outputs there.

Errors are :class:`~pulumi_azureml.provider.AzureMLError` with a complete message; the ARM error (for example
:class:`~pulumi_azureml.arm.errors.NotFoundError`) is kept as ``__cause__``. Nothing here imports
``azure.identity`` until a credential is needed (README "Design and traps").
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pulumi
import requests

from pulumi_azureml.arm.client import USER_AGENT, ArmClient
from pulumi_azureml.arm.clouds import is_loopback
from pulumi_azureml.arm.errors import ArmError, ClientInputError, error_from_response
from pulumi_azureml.arm.ids import ResourceId, render_path
from pulumi_azureml.errors import AzureMLError
from pulumi_azureml.runtime import client_for
from pulumi_azureml.schema import get_path
from pulumi_azureml.settings import CONFIG_NAMESPACE, SETTINGS, Settings
from pulumi_azureml.specs.batch import ENDPOINT_PATH
from pulumi_azureml.specs.compute import PATH as COMPUTE_PATH
from pulumi_azureml.specs.workspace import PATH as WORKSPACE_PATH

T = TypeVar("T")

RESOURCE_GROUP_API_VERSION = "2025-04-01"
"""Microsoft.Resources api-version for resource groups."""

DISCOVERY_TIMEOUTS = (10.0, 30.0)
"""(connect, read) seconds for the discovery document."""

LIST_KEYS_TIMEOUT = 120.0
"""Seconds to wait for ``listkeys`` should the service answer it as a long-running operation."""

_SUBSCRIPTION_PATH = "/subscriptions/{subscription_id}"
_RESOURCE_GROUP_PATH = _SUBSCRIPTION_PATH + "/resourceGroups/{resource_group_name}"
_WORKSPACES_IN_GROUP = _RESOURCE_GROUP_PATH + "/providers/Microsoft.MachineLearningServices/workspaces"
_WORKSPACES_IN_SUBSCRIPTION = _SUBSCRIPTION_PATH + "/providers/Microsoft.MachineLearningServices/workspaces"
_WORKSPACE_PATH = WORKSPACE_PATH.replace("{name}", "{workspace_name}")


# -- results ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceGroupResult:
    """A resource group (Microsoft.Resources ``ResourceGroup``)."""

    id: str
    name: str
    location: str
    provisioning_state: str | None
    managed_by: str | None
    tags: dict[str, str]
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class WorkspaceResult:
    """An Azure ML workspace."""

    id: str
    name: str
    subscription_id: str
    resource_group_name: str
    location: str
    kind: str | None
    sku_name: str | None
    tags: dict[str, str]
    friendly_name: str | None
    description: str | None
    workspace_id: str | None
    """The immutable workspace GUID."""
    discovery_url: str | None
    mlflow_tracking_uri: str | None
    provisioning_state: str | None
    creation_time: str | None
    storage_account: str | None
    key_vault: str | None
    application_insights: str | None
    container_registry: str | None
    public_network_access: str | None
    hbi_workspace: bool | None
    identity_type: str | None
    identity_principal_id: str | None
    identity_tenant_id: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class WorkspaceServices:
    """The regional service map a workspace's ``discoveryUrl`` serves.

    Keys the service does not send are ``None``; every key it sent, known here or not, is in ``raw``.
    """

    discovery_url: str
    api: str | None
    """The base URL for further data-plane requests (how-to-manage-rest.md)."""
    catalog: str | None
    experimentation: str | None
    gallery: str | None
    history: str | None
    hyperdrive: str | None
    labeling: str | None
    model_management: str | None
    """The ``modelmanagement`` key."""
    pipelines: str | None
    studio: str | None
    """The ``studiocoreservices`` key (or ``studio``)."""
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class ComputeResult:
    """An Azure ML compute of any type."""

    id: str
    name: str
    location: str | None
    compute_type: str | None
    provisioning_state: str | None
    description: str | None
    vm_size: str | None
    state: str | None
    """ComputeInstance state (``Running``, ``Stopped``...)."""
    resource_id: str | None
    """Attached types: ARM id of the underlying compute."""
    is_attached_compute: bool | None
    created_on: str | None
    tags: dict[str, str]
    identity_principal_id: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class BatchEndpointResult:
    """A batch endpoint."""

    id: str
    name: str
    location: str | None
    auth_mode: str | None
    scoring_uri: str | None
    swagger_uri: str | None
    provisioning_state: str | None
    default_deployment_name: str | None
    description: str | None
    kind: str | None
    tags: dict[str, str]
    identity_principal_id: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class BatchDeploymentResult:
    """A batch deployment."""

    id: str
    name: str
    endpoint_name: str
    location: str | None
    provisioning_state: str | None
    description: str | None
    compute: str | None
    model_asset_id: str | None
    environment_id: str | None
    instance_count: int | None
    tags: dict[str, str]
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class BatchEndpointKeys:
    """A Key-auth batch endpoint's keys (``listkeys``); secrets, so never shown by ``repr``."""

    primary_key: str | None = field(repr=False)
    secondary_key: str | None = field(repr=False)
    raw: dict[str, Any] = field(repr=False, compare=False)


# -- configuration and errors ------------------------------------------------------------------------------------------


def _stack_settings() -> Settings:
    """The ``azureml:*`` stack config as the provider host sees it (environment fallbacks included)."""
    config = pulumi.Config(CONFIG_NAMESPACE)
    return Settings({f"{CONFIG_NAMESPACE}:{setting.key}": config.get(setting.key) for setting in SETTINGS})


def _required(settings: Settings, key: str, given: str | None, argument: str) -> str:
    if given not in (None, ""):
        return str(given)
    value = settings.get(key)
    if value in (None, ""):
        raise ClientInputError(f"{argument} {Settings.how_to_set(key, 'pass it, or set the stack config')}")
    return str(value)


@contextlib.contextmanager
def _reported(action: str) -> Iterator[None]:
    """ARM and input errors become :class:`AzureMLError`, keeping the original as the cause."""
    try:
        yield
    except AzureMLError:
        raise
    except ArmError as error:
        raise AzureMLError(str(error)) from error
    except ClientInputError as error:
        raise AzureMLError(f"{action}: {error}") from error


@dataclass(frozen=True)
class _Target:
    """A resolved connection and placement for one lookup."""

    client: ArmClient
    api_version: str
    subscription_id: str
    resource_group_name: str = ""
    workspace_name: str = ""


def _target(
    *,
    subscription_id: str | None,
    resource_group_name: str | None = None,
    workspace_name: str | None = None,
    api_version: str | None = None,
    needs_group: bool = False,
    needs_workspace: bool = False,
) -> _Target:
    settings = _stack_settings()
    subscription = _required(settings, "subscriptionId", subscription_id, "subscription_id")
    group = ""
    if needs_group or needs_workspace:
        group = _required(settings, "resourceGroupName", resource_group_name, "resource_group_name")
    workspace = _required(settings, "workspaceName", workspace_name, "workspace_name") if needs_workspace else ""
    return _Target(
        client=client_for(settings),
        api_version=settings.api_version(api_version),
        subscription_id=subscription,
        resource_group_name=group,
        workspace_name=workspace,
    )


def _placement(target: _Target, **names: str) -> dict[str, str]:
    return {
        "subscription_id": target.subscription_id,
        "resource_group_name": target.resource_group_name,
        "workspace_name": target.workspace_name,
        **names,
    }


# -- body helpers ------------------------------------------------------------------------------------------------


def _text(body: Mapping[str, Any], path: str) -> str | None:
    value = get_path(body, path)
    return None if value is None else str(value)


def _flag(body: Mapping[str, Any], path: str) -> bool | None:
    value = get_path(body, path)
    return value if isinstance(value, bool) else None


def _count(body: Mapping[str, Any], path: str) -> int | None:
    value = get_path(body, path)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _tags(body: Mapping[str, Any]) -> dict[str, str]:
    tags = body.get("tags")
    return {str(key): str(value) for key, value in tags.items()} if isinstance(tags, Mapping) else {}


def _resource_group(body: dict[str, Any]) -> ResourceGroupResult:
    return ResourceGroupResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        location=str(body.get("location") or ""),
        provisioning_state=_text(body, "properties.provisioningState"),
        managed_by=_text(body, "managedBy"),
        tags=_tags(body),
        raw=body,
    )


def _workspace(body: dict[str, Any]) -> WorkspaceResult:
    arm_id = str(body.get("id") or "")
    parsed = ResourceId(arm_id) if arm_id.startswith("/subscriptions/") else None
    return WorkspaceResult(
        id=arm_id,
        name=str(body.get("name") or ""),
        subscription_id=parsed.subscription_id if parsed else "",
        resource_group_name=(parsed.resource_group or "") if parsed else "",
        location=str(body.get("location") or ""),
        kind=_text(body, "kind"),
        sku_name=_text(body, "sku.name"),
        tags=_tags(body),
        friendly_name=_text(body, "properties.friendlyName"),
        description=_text(body, "properties.description"),
        workspace_id=_text(body, "properties.workspaceId"),
        discovery_url=_text(body, "properties.discoveryUrl"),
        mlflow_tracking_uri=_text(body, "properties.mlFlowTrackingUri"),
        provisioning_state=_text(body, "properties.provisioningState"),
        # Real GET bodies carry properties.creationTime (observed); systemData otherwise.
        creation_time=_text(body, "properties.creationTime") or _text(body, "systemData.createdAt"),
        storage_account=_text(body, "properties.storageAccount"),
        key_vault=_text(body, "properties.keyVault"),
        application_insights=_text(body, "properties.applicationInsights"),
        container_registry=_text(body, "properties.containerRegistry"),
        public_network_access=_text(body, "properties.publicNetworkAccess"),
        hbi_workspace=_flag(body, "properties.hbiWorkspace"),
        identity_type=_text(body, "identity.type"),
        identity_principal_id=_text(body, "identity.principalId"),
        identity_tenant_id=_text(body, "identity.tenantId"),
        raw=body,
    )


def _compute(body: dict[str, Any]) -> ComputeResult:
    return ComputeResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        location=_text(body, "location"),
        compute_type=_text(body, "properties.computeType"),
        provisioning_state=_text(body, "properties.provisioningState"),
        description=_text(body, "properties.description"),
        vm_size=_text(body, "properties.properties.vmSize"),
        state=_text(body, "properties.properties.state"),
        resource_id=_text(body, "properties.resourceId"),
        is_attached_compute=_flag(body, "properties.isAttachedCompute"),
        created_on=_text(body, "properties.createdOn"),
        tags=_tags(body),
        identity_principal_id=_text(body, "identity.principalId"),
        raw=body,
    )


def _batch_endpoint(body: dict[str, Any]) -> BatchEndpointResult:
    return BatchEndpointResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        location=_text(body, "location"),
        auth_mode=_text(body, "properties.authMode"),
        scoring_uri=_text(body, "properties.scoringUri"),
        swagger_uri=_text(body, "properties.swaggerUri"),
        provisioning_state=_text(body, "properties.provisioningState"),
        default_deployment_name=_text(body, "properties.defaults.deploymentName"),
        description=_text(body, "properties.description"),
        kind=_text(body, "kind"),
        tags=_tags(body),
        identity_principal_id=_text(body, "identity.principalId"),
        raw=body,
    )


def _batch_deployment(body: dict[str, Any], endpoint_name: str) -> BatchDeploymentResult:
    return BatchDeploymentResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        endpoint_name=endpoint_name,
        location=_text(body, "location"),
        provisioning_state=_text(body, "properties.provisioningState"),
        description=_text(body, "properties.description"),
        compute=_text(body, "properties.compute"),
        model_asset_id=_text(body, "properties.model.assetId"),
        environment_id=_text(body, "properties.environmentId"),
        instance_count=_count(body, "properties.resources.instanceCount"),
        tags=_tags(body),
        raw=body,
    )


# -- resource groups and workspaces ------------------------------------------------------------------------------


def list_resource_groups(
    subscription_id: str | None = None, api_version: str | None = None
) -> list[ResourceGroupResult]:
    """Every resource group of the subscription (default: azureml:subscriptionId)."""
    with _reported("listing resource groups"):
        target = _target(subscription_id=subscription_id, api_version=api_version or RESOURCE_GROUP_API_VERSION)
        path = render_path(_SUBSCRIPTION_PATH, _placement(target)) + "/resourcegroups"
        items = target.client.list(path, api_version=target.api_version, action="listing resource groups")
        return [_resource_group(item) for item in items]


def get_workspace(
    name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> WorkspaceResult:
    """One workspace (default name: azureml:workspaceName)."""
    with _reported("reading workspace"):
        return _get_workspace(name, resource_group_name, subscription_id, api_version)


def _get_workspace(
    name: str | None, resource_group_name: str | None, subscription_id: str | None, api_version: str | None
) -> WorkspaceResult:
    target = _target(
        subscription_id=subscription_id,
        resource_group_name=resource_group_name,
        workspace_name=name,
        api_version=api_version,
        needs_workspace=True,
    )
    path = render_path(_WORKSPACE_PATH, _placement(target))
    return _workspace(target.client.get(path, api_version=target.api_version, action="reading workspace"))


def list_workspaces(
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
    *,
    whole_subscription: bool = False,
) -> list[WorkspaceResult]:
    """The workspaces of a resource group (argument, else azureml:resourceGroupName); of the whole subscription
    when there is no resource group or ``whole_subscription`` is set (Workspaces_ListBySubscription)."""
    with _reported("listing workspaces"):
        settings = _stack_settings()
        group = None if whole_subscription else (resource_group_name or settings.get("resourceGroupName"))
        target = _target(
            subscription_id=subscription_id,
            resource_group_name=group,
            api_version=api_version,
            needs_group=bool(group),
        )
        template = _WORKSPACES_IN_GROUP if group else _WORKSPACES_IN_SUBSCRIPTION
        path = render_path(template, _placement(target))
        items = target.client.list(path, api_version=target.api_version, action="listing workspaces")
        return [_workspace(item) for item in items]


def get_workspace_services(
    name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> WorkspaceServices:
    """The workspace's regional service map: GET the workspace, then GET its ``discoveryUrl``.

    The discovery document is data plane on a regional host, not the management endpoint, so it is fetched
    without the Azure token (the token only ever goes to the management endpoint, README "Design and traps").
    """
    with _reported("reading workspace services"):
        workspace = _get_workspace(name, resource_group_name, subscription_id, api_version)
        if not workspace.discovery_url:
            raise AzureMLError(f"reading workspace services: workspace {workspace.id} has no discoveryUrl")
        services = _discovery_document(workspace.discovery_url)

        def service(*keys: str) -> str | None:
            for key in keys:
                value = services.get(key)
                if value is not None:
                    return str(value)
            return None

        return WorkspaceServices(
            discovery_url=workspace.discovery_url,
            api=service("api"),
            catalog=service("catalog"),
            experimentation=service("experimentation"),
            gallery=service("gallery"),
            history=service("history"),
            hyperdrive=service("hyperdrive"),
            labeling=service("labeling"),
            model_management=service("modelmanagement"),
            pipelines=service("pipelines"),
            studio=service("studiocoreservices", "studio"),
            raw=services,
        )


def _discovery_document(url: str) -> dict[str, Any]:
    """GET the discovery document with plain ``requests``: no Authorization header, a timeout, https only
    (plain http only to loopback, as for the management endpoint)."""
    action = "reading the discovery document"
    parts = urlsplit(url)
    if not (parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname or ""))):
        raise AzureMLError(f"{action} {url}: refusing it, https is required outside loopback")
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    try:
        response = requests.get(url, headers=headers, timeout=DISCOVERY_TIMEOUTS)
    except requests.RequestException as error:
        raise AzureMLError(
            f"{action} {url}: the request failed ({type(error).__name__}); check network access to {parts.netloc}"
        ) from error
    if response.status_code >= 400:
        raise error_from_response(response, action=action, resource_id=url)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise AzureMLError(f"{action} {url}: the answer is not a JSON object of service URLs")
    return body


# -- computes --------------------------------------------------------------------------------------------------------


def get_compute(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> ComputeResult:
    """One compute of the workspace (default: azureml:workspaceName)."""
    with _reported("reading compute"):
        target = _target(
            subscription_id=subscription_id,
            resource_group_name=resource_group_name,
            workspace_name=workspace_name,
            api_version=api_version,
            needs_workspace=True,
        )
        path = render_path(COMPUTE_PATH, _placement(target, name=name))
        return _compute(target.client.get(path, api_version=target.api_version, action="reading compute"))


def list_computes(
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[ComputeResult]:
    """Every compute of the workspace."""
    with _reported("listing computes"):
        target = _target(
            subscription_id=subscription_id,
            resource_group_name=resource_group_name,
            workspace_name=workspace_name,
            api_version=api_version,
            needs_workspace=True,
        )
        path = render_path(_WORKSPACE_PATH, _placement(target)) + "/computes"
        items = target.client.list(path, api_version=target.api_version, action="listing computes")
        return [_compute(item) for item in items]


# -- batch endpoints -----------------------------------------------------------------------------------------------


def get_batch_endpoint(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> BatchEndpointResult:
    """One batch endpoint of the workspace."""
    with _reported("reading batch endpoint"):
        target = _target(
            subscription_id=subscription_id,
            resource_group_name=resource_group_name,
            workspace_name=workspace_name,
            api_version=api_version,
            needs_workspace=True,
        )
        path = render_path(ENDPOINT_PATH, _placement(target, endpoint_name=name))
        return _batch_endpoint(target.client.get(path, api_version=target.api_version, action="reading batch endpoint"))


def list_batch_endpoints(
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[BatchEndpointResult]:
    """Every batch endpoint of the workspace."""
    with _reported("listing batch endpoints"):
        target = _target(
            subscription_id=subscription_id,
            resource_group_name=resource_group_name,
            workspace_name=workspace_name,
            api_version=api_version,
            needs_workspace=True,
        )
        path = render_path(_WORKSPACE_PATH, _placement(target)) + "/batchEndpoints"
        items = target.client.list(path, api_version=target.api_version, action="listing batch endpoints")
        return [_batch_endpoint(item) for item in items]


def list_batch_deployments(
    endpoint_name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[BatchDeploymentResult]:
    """Every deployment of a batch endpoint."""
    with _reported("listing batch deployments"):
        target = _target(
            subscription_id=subscription_id,
            resource_group_name=resource_group_name,
            workspace_name=workspace_name,
            api_version=api_version,
            needs_workspace=True,
        )
        path = render_path(ENDPOINT_PATH, _placement(target, endpoint_name=endpoint_name)) + "/deployments"
        items = target.client.list(path, api_version=target.api_version, action="listing batch deployments")
        return [_batch_deployment(item, endpoint_name) for item in items]


def get_batch_endpoint_keys(
    endpoint_name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> BatchEndpointKeys:
    """The keys of a Key-auth batch endpoint (POST ``listkeys``; GET never returns them). Handle as secrets."""
    with _reported("listing batch endpoint keys"):
        target = _target(
            subscription_id=subscription_id,
            resource_group_name=resource_group_name,
            workspace_name=workspace_name,
            api_version=api_version,
            needs_workspace=True,
        )
        path = render_path(ENDPOINT_PATH, _placement(target, endpoint_name=endpoint_name)) + "/listkeys"
        body = target.client.post(
            path, api_version=target.api_version, action="listing batch endpoint keys", timeout=LIST_KEYS_TIMEOUT
        )
        keys = body or {}
        return BatchEndpointKeys(
            primary_key=_text(keys, "primaryKey"), secondary_key=_text(keys, "secondaryKey"), raw=keys
        )


# -- Output forms ------------------------------------------------------------------------------------------------------


def _deferred(function: Callable[..., T], *arguments: pulumi.Input[Any]) -> pulumi.Output[T]:
    """Run ``function`` once every argument is known, on a worker thread (``to_thread`` copies the context, so
    the program's stack config is visible); unknown arguments during preview give an unknown result."""

    def run(values: list[Any]) -> Any:
        return asyncio.to_thread(function, *values)

    return pulumi.Output.all(*arguments).apply(run)


def list_resource_groups_output(
    subscription_id: pulumi.Input[str] | None = None, api_version: pulumi.Input[str] | None = None
) -> pulumi.Output[list[ResourceGroupResult]]:
    return _deferred(list_resource_groups, subscription_id, api_version)


def get_workspace_output(
    name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[WorkspaceResult]:
    return _deferred(get_workspace, name, resource_group_name, subscription_id, api_version)


def list_workspaces_output(
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
    *,
    whole_subscription: bool = False,
) -> pulumi.Output[list[WorkspaceResult]]:
    def run(group: str | None, subscription: str | None, version: str | None) -> list[WorkspaceResult]:
        return list_workspaces(group, subscription, version, whole_subscription=whole_subscription)

    return _deferred(run, resource_group_name, subscription_id, api_version)


def get_workspace_services_output(
    name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[WorkspaceServices]:
    return _deferred(get_workspace_services, name, resource_group_name, subscription_id, api_version)


def get_compute_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[ComputeResult]:
    return _deferred(get_compute, name, workspace_name, resource_group_name, subscription_id, api_version)


def list_computes_output(
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[ComputeResult]]:
    return _deferred(list_computes, workspace_name, resource_group_name, subscription_id, api_version)


def get_batch_endpoint_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[BatchEndpointResult]:
    return _deferred(get_batch_endpoint, name, workspace_name, resource_group_name, subscription_id, api_version)


def list_batch_endpoints_output(
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[BatchEndpointResult]]:
    return _deferred(list_batch_endpoints, workspace_name, resource_group_name, subscription_id, api_version)


def list_batch_deployments_output(
    endpoint_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[BatchDeploymentResult]]:
    return _deferred(
        list_batch_deployments, endpoint_name, workspace_name, resource_group_name, subscription_id, api_version
    )


def get_batch_endpoint_keys_output(
    endpoint_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[BatchEndpointKeys]:
    """As :func:`get_batch_endpoint_keys`, as a secret Output."""
    keys = _deferred(
        get_batch_endpoint_keys, endpoint_name, workspace_name, resource_group_name, subscription_id, api_version
    )
    return pulumi.Output.secret(keys)


__all__ = [
    "BatchDeploymentResult",
    "BatchEndpointKeys",
    "BatchEndpointResult",
    "ComputeResult",
    "ResourceGroupResult",
    "WorkspaceResult",
    "WorkspaceServices",
    "get_batch_endpoint",
    "get_batch_endpoint_keys",
    "get_batch_endpoint_keys_output",
    "get_batch_endpoint_output",
    "get_compute",
    "get_compute_output",
    "get_workspace",
    "get_workspace_output",
    "get_workspace_services",
    "get_workspace_services_output",
    "list_batch_deployments",
    "list_batch_deployments_output",
    "list_batch_endpoints",
    "list_batch_endpoints_output",
    "list_computes",
    "list_computes_output",
    "list_resource_groups",
    "list_resource_groups_output",
    "list_workspaces",
    "list_workspaces_output",
]


# -- Datastores and environment versions --------------------------------------------------------------

from pulumi_azureml.specs.datastores import PATH as _DATASTORE_PATH  # noqa: E402
from pulumi_azureml.specs.environments import PATH as _ENVIRONMENT_VERSION_PATH  # noqa: E402


@dataclass(frozen=True)
class DatastoreResult:
    """A datastore, as GET returns it: without its secret (see :func:`get_datastore_secrets`)."""

    id: str
    name: str
    datastore_type: str | None
    account_name: str | None
    container_name: str | None
    filesystem: str | None
    file_share_name: str | None
    endpoint: str | None
    protocol: str | None
    credentials_type: str | None
    is_default: bool | None
    description: str | None
    tags: dict[str, str]
    """The datastore's own tags (``properties.tags``)."""
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class DatastoreSecrets:
    """A datastore's secret (``listSecrets``): the one value its credential kind has; never shown by ``repr``."""

    secrets_type: str | None
    account_key: str | None = field(repr=False)
    sas_token: str | None = field(repr=False)
    client_secret: str | None = field(repr=False)
    certificate: str | None = field(repr=False)
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class EnvironmentVersionResult:
    """An environment version."""

    id: str
    name: str
    """The environment's name (the container)."""
    version: str
    image: str | None
    conda_file: str | None
    build_context_uri: str | None
    dockerfile_path: str | None
    os_type: str | None
    environment_type: str | None
    description: str | None
    stage: str | None
    is_archived: bool | None
    provisioning_state: str | None
    tags: dict[str, str]
    """The version's own tags (``properties.tags``)."""
    raw: dict[str, Any] = field(repr=False, compare=False)


def _property_tags(body: Mapping[str, Any]) -> dict[str, str]:
    tags = get_path(body, "properties.tags")
    return {str(key): str(value) for key, value in tags.items()} if isinstance(tags, Mapping) else {}


def _datastore(body: dict[str, Any]) -> DatastoreResult:
    return DatastoreResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        datastore_type=_text(body, "properties.datastoreType"),
        account_name=_text(body, "properties.accountName"),
        container_name=_text(body, "properties.containerName"),
        filesystem=_text(body, "properties.filesystem"),
        file_share_name=_text(body, "properties.fileShareName"),
        endpoint=_text(body, "properties.endpoint"),
        protocol=_text(body, "properties.protocol"),
        credentials_type=_text(body, "properties.credentials.credentialsType"),
        is_default=_flag(body, "properties.isDefault"),
        description=_text(body, "properties.description"),
        tags=_property_tags(body),
        raw=body,
    )


def _environment_version(body: dict[str, Any], name: str) -> EnvironmentVersionResult:
    return EnvironmentVersionResult(
        id=str(body.get("id") or ""),
        name=name,
        version=str(body.get("name") or ""),
        image=_text(body, "properties.image"),
        conda_file=_text(body, "properties.condaFile"),
        build_context_uri=_text(body, "properties.build.contextUri"),
        dockerfile_path=_text(body, "properties.build.dockerfilePath"),
        os_type=_text(body, "properties.osType"),
        environment_type=_text(body, "properties.environmentType"),
        description=_text(body, "properties.description"),
        stage=_text(body, "properties.stage"),
        is_archived=_flag(body, "properties.isArchived"),
        provisioning_state=_text(body, "properties.provisioningState"),
        tags=_property_tags(body),
        raw=body,
    )


def _workspace_target(
    workspace_name: str | None, resource_group_name: str | None, subscription_id: str | None, api_version: str | None
) -> _Target:
    return _target(
        subscription_id=subscription_id,
        resource_group_name=resource_group_name,
        workspace_name=workspace_name,
        api_version=api_version,
        needs_workspace=True,
    )


def get_datastore(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> DatastoreResult:
    """One datastore of the workspace (``workspaceblobstore`` is the workspace's own default one)."""
    with _reported("reading datastore"):
        target = _workspace_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_DATASTORE_PATH, _placement(target, name=name))
        return _datastore(target.client.get(path, api_version=target.api_version, action="reading datastore"))


def list_datastores(
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[DatastoreResult]:
    """Every datastore of the workspace, its default ones included."""
    with _reported("listing datastores"):
        target = _workspace_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_WORKSPACE_PATH, _placement(target)) + "/datastores"
        items = target.client.list(path, api_version=target.api_version, action="listing datastores")
        return [_datastore(item) for item in items]


def get_datastore_secrets(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> DatastoreSecrets:
    """A datastore's secret (POST ``listSecrets``; GET never returns it). Handle it as a secret: the ``_output``
    form is a secret Output. Identity-based datastores (credentials ``None``) have none: the service refuses."""
    with _reported("listing datastore secrets"):
        target = _workspace_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_DATASTORE_PATH, _placement(target, name=name)) + "/listSecrets"
        body = target.client.post(
            path, api_version=target.api_version, action="listing datastore secrets", timeout=LIST_KEYS_TIMEOUT
        )
        secrets = body or {}
        return DatastoreSecrets(
            secrets_type=_text(secrets, "secretsType"),
            account_key=_text(secrets, "key"),
            sas_token=_text(secrets, "sasToken"),
            client_secret=_text(secrets, "clientSecret"),
            certificate=_text(secrets, "certificate"),
            raw=secrets,
        )


def get_environment_version(
    name: str,
    version: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> EnvironmentVersionResult:
    """One version of an environment."""
    with _reported("reading environment version"):
        target = _workspace_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_ENVIRONMENT_VERSION_PATH, _placement(target, name=name, version=version))
        body = target.client.get(path, api_version=target.api_version, action="reading environment version")
        return _environment_version(body, name)


def list_environment_versions(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[EnvironmentVersionResult]:
    """The (not archived) versions of an environment."""
    with _reported("listing environment versions"):
        target = _workspace_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_ENVIRONMENT_VERSION_PATH.rsplit("/", 1)[0], _placement(target, name=name))
        items = target.client.list(path, api_version=target.api_version, action="listing environment versions")
        return [_environment_version(item, name) for item in items]


def get_datastore_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[DatastoreResult]:
    return _deferred(get_datastore, name, workspace_name, resource_group_name, subscription_id, api_version)


def list_datastores_output(
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[DatastoreResult]]:
    return _deferred(list_datastores, workspace_name, resource_group_name, subscription_id, api_version)


def get_datastore_secrets_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[DatastoreSecrets]:
    """As :func:`get_datastore_secrets`, as a secret Output."""
    secrets = _deferred(get_datastore_secrets, name, workspace_name, resource_group_name, subscription_id, api_version)
    return pulumi.Output.secret(secrets)


def get_environment_version_output(
    name: pulumi.Input[str],
    version: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[EnvironmentVersionResult]:
    return _deferred(
        get_environment_version, name, version, workspace_name, resource_group_name, subscription_id, api_version
    )


def list_environment_versions_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[EnvironmentVersionResult]]:
    return _deferred(list_environment_versions, name, workspace_name, resource_group_name, subscription_id, api_version)


__all__ += [
    "DatastoreResult",
    "DatastoreSecrets",
    "EnvironmentVersionResult",
    "get_datastore",
    "get_datastore_output",
    "get_datastore_secrets",
    "get_datastore_secrets_output",
    "get_environment_version",
    "get_environment_version_output",
    "list_datastores",
    "list_datastores_output",
    "list_environment_versions",
    "list_environment_versions_output",
]
# -- end of datastores and environment versions -----------------------------------------------------------------


# -- online endpoints and deployments -------------------------------------------------------------------
# Read-only like the rest: GETs, and the POST read actions listKeys, token and getLogs (mfe.json 2025-12-01
# OnlineEndpoints_ListKeys, OnlineEndpoints_GetToken, OnlineDeployments_GetLogs), which change nothing.

from pulumi_azureml.specs.online import DEPLOYMENT_PATH as _ONLINE_DEPLOYMENT_PATH  # noqa: E402
from pulumi_azureml.specs.online import ENDPOINT_PATH as _ONLINE_ENDPOINT_PATH  # noqa: E402

LOG_CONTAINERS = ("InferenceServer", "StorageInitializer", "ModelDataCollector")
"""``DeploymentLogsRequest.containerType`` values."""


@dataclass(frozen=True)
class OnlineEndpointResult:
    """An online endpoint."""

    id: str
    name: str
    location: str | None
    auth_mode: str | None
    scoring_uri: str | None
    swagger_uri: str | None
    provisioning_state: str | None
    traffic: dict[str, int]
    mirror_traffic: dict[str, int]
    public_network_access: str | None
    compute: str | None
    description: str | None
    tags: dict[str, str]
    identity_principal_id: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class OnlineDeploymentResult:
    """An online deployment."""

    id: str
    name: str
    endpoint_name: str
    location: str | None
    provisioning_state: str | None
    endpoint_compute_type: str | None
    description: str | None
    model: str | None
    environment_id: str | None
    instance_type: str | None
    instance_count: int | None
    tags: dict[str, str]
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class OnlineEndpointKeys:
    """A Key-auth online endpoint's keys (``listKeys``); secrets, so never shown by ``repr``."""

    primary_key: str | None = field(repr=False)
    secondary_key: str | None = field(repr=False)
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class OnlineEndpointToken:
    """An AMLToken/AADToken endpoint's access token (``token``): a secret; expiry and refresh hint in Unix seconds."""

    access_token: str | None = field(repr=False)
    token_type: str | None
    expiry_time_utc: int | None
    refresh_after_time_utc: int | None
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class OnlineDeploymentLogs:
    """The last lines of one container's log (``getLogs``)."""

    content: str
    container_type: str
    tail: int | None


def _split(body: Mapping[str, Any], path: str) -> dict[str, int]:
    value = get_path(body, path)
    if not isinstance(value, Mapping):
        return {}
    return {str(key): int(item) for key, item in value.items() if isinstance(item, int | float)}


def _online_endpoint(body: dict[str, Any]) -> OnlineEndpointResult:
    return OnlineEndpointResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        location=_text(body, "location"),
        auth_mode=_text(body, "properties.authMode"),
        scoring_uri=_text(body, "properties.scoringUri"),
        swagger_uri=_text(body, "properties.swaggerUri"),
        provisioning_state=_text(body, "properties.provisioningState"),
        traffic=_split(body, "properties.traffic"),
        mirror_traffic=_split(body, "properties.mirrorTraffic"),
        public_network_access=_text(body, "properties.publicNetworkAccess"),
        compute=_text(body, "properties.compute"),
        description=_text(body, "properties.description"),
        tags=_tags(body),
        identity_principal_id=_text(body, "identity.principalId"),
        raw=body,
    )


def _online_deployment(body: dict[str, Any], endpoint_name: str) -> OnlineDeploymentResult:
    return OnlineDeploymentResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        endpoint_name=endpoint_name,
        location=_text(body, "location"),
        provisioning_state=_text(body, "properties.provisioningState"),
        endpoint_compute_type=_text(body, "properties.endpointComputeType"),
        description=_text(body, "properties.description"),
        model=_text(body, "properties.model"),
        environment_id=_text(body, "properties.environmentId"),
        instance_type=_text(body, "properties.instanceType"),
        instance_count=_count(body, "sku.capacity"),
        tags=_tags(body),
        raw=body,
    )


def _online_target(
    workspace_name: str | None, resource_group_name: str | None, subscription_id: str | None, api_version: str | None
) -> _Target:
    return _target(
        subscription_id=subscription_id,
        resource_group_name=resource_group_name,
        workspace_name=workspace_name,
        api_version=api_version,
        needs_workspace=True,
    )


def get_online_endpoint(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> OnlineEndpointResult:
    """One online endpoint of the workspace (its current traffic split included)."""
    with _reported("reading online endpoint"):
        target = _online_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_ONLINE_ENDPOINT_PATH, _placement(target, endpoint_name=name))
        body = target.client.get(path, api_version=target.api_version, action="reading online endpoint")
        return _online_endpoint(body)


def list_online_endpoints(
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[OnlineEndpointResult]:
    """Every online endpoint of the workspace."""
    with _reported("listing online endpoints"):
        target = _online_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_WORKSPACE_PATH, _placement(target)) + "/onlineEndpoints"
        items = target.client.list(path, api_version=target.api_version, action="listing online endpoints")
        return [_online_endpoint(item) for item in items]


def get_online_deployment(
    endpoint_name: str,
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> OnlineDeploymentResult:
    """One deployment of an online endpoint."""
    with _reported("reading online deployment"):
        target = _online_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_ONLINE_DEPLOYMENT_PATH, _placement(target, endpoint_name=endpoint_name, name=name))
        body = target.client.get(path, api_version=target.api_version, action="reading online deployment")
        return _online_deployment(body, endpoint_name)


def list_online_deployments(
    endpoint_name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[OnlineDeploymentResult]:
    """Every deployment of an online endpoint."""
    with _reported("listing online deployments"):
        target = _online_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_ONLINE_ENDPOINT_PATH, _placement(target, endpoint_name=endpoint_name)) + "/deployments"
        items = target.client.list(path, api_version=target.api_version, action="listing online deployments")
        return [_online_deployment(item, endpoint_name) for item in items]


def get_online_endpoint_keys(
    endpoint_name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> OnlineEndpointKeys:
    """The keys of a Key-auth online endpoint (POST ``listKeys``; GET never returns them). Handle as secrets."""
    with _reported("listing online endpoint keys"):
        target = _online_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_ONLINE_ENDPOINT_PATH, _placement(target, endpoint_name=endpoint_name)) + "/listKeys"
        body = target.client.post(
            path, api_version=target.api_version, action="listing online endpoint keys", timeout=LIST_KEYS_TIMEOUT
        )
        keys = body or {}
        return OnlineEndpointKeys(
            primary_key=_text(keys, "primaryKey"), secondary_key=_text(keys, "secondaryKey"), raw=keys
        )


def get_online_endpoint_token(
    endpoint_name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> OnlineEndpointToken:
    """An access token for a token-auth online endpoint (POST ``token``), with its expiry. Handle as a secret."""
    with _reported("getting online endpoint token"):
        target = _online_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_ONLINE_ENDPOINT_PATH, _placement(target, endpoint_name=endpoint_name)) + "/token"
        body = target.client.post(
            path, api_version=target.api_version, action="getting online endpoint token", timeout=LIST_KEYS_TIMEOUT
        )
        token = body or {}
        return OnlineEndpointToken(
            access_token=_text(token, "accessToken"),
            token_type=_text(token, "tokenType"),
            expiry_time_utc=_count(token, "expiryTimeUtc"),
            refresh_after_time_utc=_count(token, "refreshAfterTimeUtc"),
            raw=token,
        )


def get_online_deployment_logs(
    endpoint_name: str,
    name: str,
    tail: int | None = 100,
    container_type: str = "InferenceServer",
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> OnlineDeploymentLogs:
    """The last ``tail`` lines of a deployment container's log (POST ``getLogs``), for troubleshooting."""
    with _reported("reading online deployment logs"):
        if container_type not in LOG_CONTAINERS:
            raise ClientInputError(f"container_type must be one of {', '.join(LOG_CONTAINERS)}; got {container_type!r}")
        if tail is not None and (isinstance(tail, bool) or not isinstance(tail, int) or tail < 0):
            raise ClientInputError(f"tail must be a whole number of lines, 0 or more; got {tail!r}")
        target = _online_target(workspace_name, resource_group_name, subscription_id, api_version)
        path = render_path(_ONLINE_DEPLOYMENT_PATH, _placement(target, endpoint_name=endpoint_name, name=name))
        request: dict[str, Any] = {"containerType": container_type}
        if tail is not None:
            request["tail"] = tail
        body = target.client.post(
            f"{path}/getLogs",
            body=request,
            api_version=target.api_version,
            action="reading online deployment logs",
            timeout=LIST_KEYS_TIMEOUT,
        )
        return OnlineDeploymentLogs(
            content=str((body or {}).get("content") or ""), container_type=container_type, tail=tail
        )


def get_online_endpoint_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[OnlineEndpointResult]:
    return _deferred(get_online_endpoint, name, workspace_name, resource_group_name, subscription_id, api_version)


def list_online_endpoints_output(
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[OnlineEndpointResult]]:
    return _deferred(list_online_endpoints, workspace_name, resource_group_name, subscription_id, api_version)


def get_online_deployment_output(
    endpoint_name: pulumi.Input[str],
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[OnlineDeploymentResult]:
    return _deferred(
        get_online_deployment, endpoint_name, name, workspace_name, resource_group_name, subscription_id, api_version
    )


def list_online_deployments_output(
    endpoint_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[OnlineDeploymentResult]]:
    return _deferred(
        list_online_deployments, endpoint_name, workspace_name, resource_group_name, subscription_id, api_version
    )


def get_online_endpoint_keys_output(
    endpoint_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[OnlineEndpointKeys]:
    """As :func:`get_online_endpoint_keys`, as a secret Output."""
    keys = _deferred(
        get_online_endpoint_keys, endpoint_name, workspace_name, resource_group_name, subscription_id, api_version
    )
    return pulumi.Output.secret(keys)


def get_online_endpoint_token_output(
    endpoint_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[OnlineEndpointToken]:
    """As :func:`get_online_endpoint_token`, as a secret Output."""
    token = _deferred(
        get_online_endpoint_token, endpoint_name, workspace_name, resource_group_name, subscription_id, api_version
    )
    return pulumi.Output.secret(token)


def get_online_deployment_logs_output(
    endpoint_name: pulumi.Input[str],
    name: pulumi.Input[str],
    tail: pulumi.Input[int] | None = 100,
    container_type: pulumi.Input[str] = "InferenceServer",
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[OnlineDeploymentLogs]:
    return _deferred(
        get_online_deployment_logs,
        endpoint_name,
        name,
        tail,
        container_type,
        workspace_name,
        resource_group_name,
        subscription_id,
        api_version,
    )


__all__ += [
    "LOG_CONTAINERS",
    "OnlineDeploymentLogs",
    "OnlineDeploymentResult",
    "OnlineEndpointKeys",
    "OnlineEndpointResult",
    "OnlineEndpointToken",
    "get_online_deployment",
    "get_online_deployment_logs",
    "get_online_deployment_logs_output",
    "get_online_deployment_output",
    "get_online_endpoint",
    "get_online_endpoint_keys",
    "get_online_endpoint_keys_output",
    "get_online_endpoint_output",
    "get_online_endpoint_token",
    "get_online_endpoint_token_output",
    "list_online_deployments",
    "list_online_deployments_output",
    "list_online_endpoints",
    "list_online_endpoints_output",
]


# -- asset versions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssetVersionResult:
    """A code, model or data asset version."""

    id: str
    name: str
    """The asset's (container's) name."""
    version: str
    asset_uri: str | None
    """``codeUri``, ``modelUri`` or ``dataUri``: where the content is."""
    description: str | None
    tags: dict[str, str]
    properties: dict[str, str]
    is_archived: bool | None
    stage: str | None
    """Models and data only."""
    type: str | None
    """``modelType`` of a model, ``dataType`` of a data version; ``None`` for code."""
    provisioning_state: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)


_ASSET_URI = {"codes": "properties.codeUri", "models": "properties.modelUri", "data": "properties.dataUri"}
_ASSET_TYPE = {"models": "properties.modelType", "data": "properties.dataType"}
_ASSET_NOUN = {"codes": "code", "models": "model", "data": "data"}


def _asset_version(body: dict[str, Any], collection: str) -> AssetVersionResult:
    asset_id = str(body.get("id") or "")
    return AssetVersionResult(
        id=asset_id,
        name=asset_id.split("/versions/", 1)[0].rsplit("/", 1)[-1] if "/versions/" in asset_id else "",
        version=str(body.get("name") or ""),
        asset_uri=_text(body, _ASSET_URI[collection]),
        description=_text(body, "properties.description"),
        tags={str(k): str(v) for k, v in (get_path(body, "properties.tags") or {}).items()},
        properties={str(k): str(v) for k, v in (get_path(body, "properties.properties") or {}).items()},
        is_archived=_flag(body, "properties.isArchived"),
        stage=_text(body, "properties.stage"),
        type=_text(body, _ASSET_TYPE[collection]) if collection in _ASSET_TYPE else None,
        provisioning_state=_text(body, "properties.provisioningState"),
        raw=body,
    )


def _get_asset_version(
    collection: str,
    name: str,
    version: str,
    workspace_name: str | None,
    resource_group_name: str | None,
    subscription_id: str | None,
    api_version: str | None,
) -> AssetVersionResult:
    action = f"reading {_ASSET_NOUN[collection]} version"
    with _reported(action):
        target = _target(
            subscription_id=subscription_id,
            resource_group_name=resource_group_name,
            workspace_name=workspace_name,
            api_version=api_version,
            needs_workspace=True,
        )
        path = render_path(
            _WORKSPACE_PATH + f"/{collection}/{{name}}/versions/{{version}}",
            _placement(target, name=name, version=version),
        )
        return _asset_version(target.client.get(path, api_version=target.api_version, action=action), collection)


def _list_asset_versions(
    collection: str,
    name: str,
    workspace_name: str | None,
    resource_group_name: str | None,
    subscription_id: str | None,
    api_version: str | None,
    include_archived: bool,
) -> list[AssetVersionResult]:
    action = f"listing {_ASSET_NOUN[collection]} versions"
    with _reported(action):
        target = _target(
            subscription_id=subscription_id,
            resource_group_name=resource_group_name,
            workspace_name=workspace_name,
            api_version=api_version,
            needs_workspace=True,
        )
        path = render_path(_WORKSPACE_PATH + f"/{collection}/{{name}}/versions", _placement(target, name=name))
        params = {"listViewType": "All" if include_archived else "ActiveOnly"}
        items = target.client.list(path, api_version=target.api_version, action=action, params=params)
        return [_asset_version(item, collection) for item in items]


def get_code_version(
    name: str,
    version: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> AssetVersionResult:
    """One version of a code asset."""
    return _get_asset_version("codes", name, version, workspace_name, resource_group_name, subscription_id, api_version)


def list_code_versions(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
    *,
    include_archived: bool = False,
) -> list[AssetVersionResult]:
    """Every version of a code asset (archived ones only with ``include_archived``)."""
    return _list_asset_versions(
        "codes", name, workspace_name, resource_group_name, subscription_id, api_version, include_archived
    )


def get_model_version(
    name: str,
    version: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> AssetVersionResult:
    """One version of a model."""
    return _get_asset_version(
        "models", name, version, workspace_name, resource_group_name, subscription_id, api_version
    )


def list_model_versions(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
    *,
    include_archived: bool = False,
) -> list[AssetVersionResult]:
    """Every version of a model (archived ones only with ``include_archived``)."""
    return _list_asset_versions(
        "models", name, workspace_name, resource_group_name, subscription_id, api_version, include_archived
    )


def get_data_version(
    name: str,
    version: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> AssetVersionResult:
    """One version of a data asset."""
    return _get_asset_version("data", name, version, workspace_name, resource_group_name, subscription_id, api_version)


def list_data_versions(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
    *,
    include_archived: bool = False,
) -> list[AssetVersionResult]:
    """Every version of a data asset (archived ones only with ``include_archived``)."""
    return _list_asset_versions(
        "data", name, workspace_name, resource_group_name, subscription_id, api_version, include_archived
    )


def get_code_version_output(
    name: pulumi.Input[str],
    version: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[AssetVersionResult]:
    return _deferred(get_code_version, name, version, workspace_name, resource_group_name, subscription_id, api_version)


def list_code_versions_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[AssetVersionResult]]:
    return _deferred(list_code_versions, name, workspace_name, resource_group_name, subscription_id, api_version)


def get_model_version_output(
    name: pulumi.Input[str],
    version: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[AssetVersionResult]:
    return _deferred(
        get_model_version, name, version, workspace_name, resource_group_name, subscription_id, api_version
    )


def list_model_versions_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[AssetVersionResult]]:
    return _deferred(list_model_versions, name, workspace_name, resource_group_name, subscription_id, api_version)


def get_data_version_output(
    name: pulumi.Input[str],
    version: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[AssetVersionResult]:
    return _deferred(get_data_version, name, version, workspace_name, resource_group_name, subscription_id, api_version)


def list_data_versions_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[AssetVersionResult]]:
    return _deferred(list_data_versions, name, workspace_name, resource_group_name, subscription_id, api_version)


__all__ += [
    "AssetVersionResult",
    "get_code_version",
    "get_code_version_output",
    "get_data_version",
    "get_data_version_output",
    "get_model_version",
    "get_model_version_output",
    "list_code_versions",
    "list_code_versions_output",
    "list_data_versions",
    "list_data_versions_output",
    "list_model_versions",
    "list_model_versions_output",
]
