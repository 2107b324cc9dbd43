"""Resource group and workspace lookups, and a workspace's regional service map (its discovery document)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pulumi
import requests

from pulumi_azureml.arm.client import USER_AGENT
from pulumi_azureml.arm.clouds import is_loopback
from pulumi_azureml.arm.errors import error_from_response
from pulumi_azureml.arm.ids import ResourceId, render_path
from pulumi_azureml.errors import AzureMLError
from pulumi_azureml.lookups._common import (
    _WORKSPACE_PATH,
    _deferred,
    _flag,
    _placement,
    _reported,
    _stack_settings,
    _tags,
    _target,
    _text,
    _workspace_target,
)

RESOURCE_GROUP_API_VERSION = "2025-04-01"
"""Microsoft.Resources api-version for resource groups."""

DISCOVERY_TIMEOUTS = (10.0, 30.0)
"""(connect, read) seconds for the discovery document."""

_SUBSCRIPTION_PATH = "/subscriptions/{subscription_id}"
_RESOURCE_GROUP_PATH = _SUBSCRIPTION_PATH + "/resourceGroups/{resource_group_name}"
_WORKSPACES_IN_GROUP = _RESOURCE_GROUP_PATH + "/providers/Microsoft.MachineLearningServices/workspaces"
_WORKSPACES_IN_SUBSCRIPTION = _SUBSCRIPTION_PATH + "/providers/Microsoft.MachineLearningServices/workspaces"


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
    parsed = ResourceId(arm_id) if arm_id.lower().startswith("/subscriptions/") else None
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
    target = _workspace_target(name, resource_group_name, subscription_id, api_version)
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
    without the Azure token (the token only ever goes to the management endpoint, docs/design-and-traps.md).
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
