"""``Workspace``: an Azure Machine Learning workspace as a Pulumi resource.

Inputs are snake_case; the update/replace table is in :mod:`pulumi_azureml.specs.workspace`. The dependency ids
(``storage_account``, ``key_vault``, ``application_insights``, ``container_registry``) accept outputs of other
providers' resources, e.g. ``storage.id`` of a ``pulumi_azure_native.storage.StorageAccount``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_azureml.resources.base import prepare
from pulumi_azureml.resources.common import IdentityArgs, SkuArgs, TimeoutsArgs


@dataclass
class WorkspaceEncryptionArgs:
    """Customer-managed key encryption; fixed at create (the key itself is ``encryption_key_identifier``)."""

    status: pulumi.Input[str]
    """``Enabled`` or ``Disabled``."""
    key_vault_id: pulumi.Input[str]
    """ARM id of the Key Vault holding the key."""
    identity_client_id: pulumi.Input[str] | None = None
    user_assigned_identity: pulumi.Input[str] | None = None
    """ARM id of the user-assigned identity used with the Key Vault."""
    cosmos_db_resource_id: pulumi.Input[str] | None = None
    search_account_resource_id: pulumi.Input[str] | None = None
    storage_account_resource_id: pulumi.Input[str] | None = None


@dataclass
class ServiceTagDestinationArgs:
    """Destination of a ``ServiceTag`` outbound rule."""

    service_tag: pulumi.Input[str]
    protocol: pulumi.Input[str] | None = None
    port_ranges: pulumi.Input[str] | None = None
    action: pulumi.Input[str] | None = None
    """``Allow`` or ``Deny``."""


@dataclass
class PrivateEndpointDestinationArgs:
    """Destination of a ``PrivateEndpoint`` outbound rule."""

    service_resource_id: pulumi.Input[str]
    subresource_target: pulumi.Input[str] | None = None
    spark_enabled: pulumi.Input[bool] | None = None


@dataclass
class OutboundRuleArgs:
    """One managed-network outbound rule."""

    type: pulumi.Input[str]
    """``FQDN``, ``PrivateEndpoint`` or ``ServiceTag``."""
    destination: pulumi.Input[str] | ServiceTagDestinationArgs | PrivateEndpointDestinationArgs
    """A host name for ``FQDN`` rules, else the matching destination object."""
    category: pulumi.Input[str] | None = None
    """``Required``, ``Recommended``, ``UserDefined`` or ``Dependency``."""


@dataclass
class ManagedNetworkArgs:
    """Managed virtual network isolation of the workspace."""

    isolation_mode: pulumi.Input[str] | None = None
    """``Disabled``, ``AllowInternetOutbound`` or ``AllowOnlyApprovedOutbound``."""
    firewall_sku: pulumi.Input[str] | None = None
    """``Standard`` or ``Basic``."""
    managed_network_kind: pulumi.Input[str] | None = None
    """``V1`` or ``V2``; going back from V2 to V1 replaces the workspace."""
    enable_network_monitor: pulumi.Input[bool] | None = None
    enable_firewall_log: pulumi.Input[bool] | None = None
    outbound_rules: dict[str, OutboundRuleArgs] | None = None
    """Rule name → rule."""


@dataclass
class ServerlessComputeSettingsArgs:
    serverless_compute_custom_subnet: pulumi.Input[str] | None = None
    """ARM id of the subnet for serverless compute nodes."""
    serverless_compute_no_public_ip: pulumi.Input[bool] | None = None


@dataclass
class CosmosDbSettingsArgs:
    collections_throughput: pulumi.Input[int] | None = None


@dataclass
class ServiceManagedResourcesSettingsArgs:
    cosmos_db: CosmosDbSettingsArgs | None = None


@dataclass
class ComputeRuntimeArgs:
    spark_runtime_version: pulumi.Input[str] | None = None


@dataclass
class FeatureStoreSettingsArgs:
    compute_runtime: ComputeRuntimeArgs | None = None
    offline_store_connection_name: pulumi.Input[str] | None = None
    online_store_connection_name: pulumi.Input[str] | None = None


@dataclass
class SharedPrivateLinkResourceArgs:
    name: pulumi.Input[str]
    private_link_resource_id: pulumi.Input[str] | None = None
    group_id: pulumi.Input[str] | None = None
    request_message: pulumi.Input[str] | None = None
    status: pulumi.Input[str] | None = None


@dataclass
class WorkspaceHubConfigArgs:
    additional_workspace_storage_accounts: pulumi.Input[list[str]] | None = None
    default_workspace_resource_group: pulumi.Input[str] | None = None


@dataclass
class WorkspaceArgs:
    """Inputs of :class:`Workspace`. Placement and location default from stack config (``azureml:*``)."""

    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    """Default: the Pulumi resource name (3-33 characters)."""
    location: pulumi.Input[str] | None = None
    """Default: azureml:location, then AZURE_LOCATION. Create-only."""
    friendly_name: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    storage_account: pulumi.Input[str] | None = None
    """ARM id of the storage account. Create-only."""
    key_vault: pulumi.Input[str] | None = None
    """ARM id of the Key Vault. Create-only."""
    application_insights: pulumi.Input[str] | None = None
    """ARM id of the Application Insights component."""
    container_registry: pulumi.Input[str] | None = None
    """ARM id of the container registry."""
    identity: IdentityArgs | None = None
    primary_user_assigned_identity: pulumi.Input[str] | None = None
    sku: SkuArgs | None = None
    kind: pulumi.Input[str] | None = None
    """``Default``, ``Hub``, ``Project`` or ``FeatureStore``. Create-only."""
    tags: pulumi.Input[dict[str, str]] | None = None
    hbi_workspace: pulumi.Input[bool] | None = None
    """High business impact workspace. Create-only."""
    allow_public_access_when_behind_vnet: pulumi.Input[bool] | None = None
    public_network_access: pulumi.Input[str] | None = None
    """``Enabled`` or ``Disabled``."""
    image_build_compute: pulumi.Input[str] | None = None
    v1_legacy_mode: pulumi.Input[bool] | None = None
    system_datastores_auth_mode: pulumi.Input[str] | None = None
    """``AccessKey``, ``Identity`` or ``UserDelegationSAS``."""
    enable_data_isolation: pulumi.Input[bool] | None = None
    encryption: WorkspaceEncryptionArgs | None = None
    encryption_key_identifier: pulumi.Input[str] | None = None
    """Key Vault key URL of the customer-managed key (required with ``encryption``); rotating it is in place."""
    managed_network: ManagedNetworkArgs | None = None
    serverless_compute_settings: ServerlessComputeSettingsArgs | None = None
    service_managed_resources_settings: ServiceManagedResourcesSettingsArgs | None = None
    feature_store_settings: FeatureStoreSettingsArgs | None = None
    shared_private_link_resources: list[SharedPrivateLinkResourceArgs] | None = None
    associated_workspaces: pulumi.Input[list[str]] | None = None
    hub_resource_id: pulumi.Input[str] | None = None
    """``kind="Project"``: ARM id of the hub workspace."""
    workspace_hub_config: WorkspaceHubConfigArgs | None = None
    enable_service_side_customer_managed_key_encryption: pulumi.Input[bool] | None = None
    provision_network_now: pulumi.Input[bool] | None = None
    purge_on_delete: pulumi.Input[bool] | None = None
    """Delete permanently (``forceToPurge=true``) instead of a 14-day soft delete that keeps the name blocked.
    Needed before a replacement that keeps the name."""
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class Workspace(pulumi.dynamic.Resource, module="azureml", name="Workspace"):
    """An Azure ML workspace (``pulumi-python:dynamic/azureml:Workspace``); its Pulumi id is the ARM id."""

    arm_id: pulumi.Output[str]
    name: pulumi.Output[str]
    location: pulumi.Output[str]
    workspace_id: pulumi.Output[str]
    """The immutable workspace GUID."""
    discovery_url: pulumi.Output[str | None]
    mlflow_tracking_uri: pulumi.Output[str | None]
    provisioning_state: pulumi.Output[str]
    creation_time: pulumi.Output[str | None]
    tenant_id: pulumi.Output[str | None]
    storage_hns_enabled: pulumi.Output[bool | None]
    private_link_count: pulumi.Output[int | None]
    service_provisioned_resource_group: pulumi.Output[str | None]
    managed_network_id: pulumi.Output[str | None]
    managed_network_status: pulumi.Output[dict[str, Any] | None]
    notebook_info: pulumi.Output[dict[str, Any] | None]
    system_data: pulumi.Output[dict[str, Any] | None]
    identity_principal_id: pulumi.Output[str | None]
    identity_tenant_id: pulumi.Output[str | None]
    identity_user_assigned_identities: pulumi.Output[dict[str, Any] | None]

    def __init__(
        self,
        resource_name: str,
        args: WorkspaceArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        provider, props, options = prepare("Workspace", resource_name, args, kwargs, opts)
        super().__init__(provider, resource_name, props, options)
