"""``BatchEndpoint``, ``BatchDeployment`` and ``BatchEndpointDefaultDeployment`` as Pulumi resources.

The update/replace tables are in :mod:`pulumi_azureml.specs.batch` and docs/reference/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_azureml.resources.base import prepare
from pulumi_azureml.resources.common import IdentityArgs, SkuArgs, TimeoutsArgs


@dataclass
class EndpointKeysArgs:
    """Initial keys of a Key-auth endpoint (secret)."""

    primary_key: pulumi.Input[str] | None = None
    secondary_key: pulumi.Input[str] | None = None


@dataclass
class BatchEndpointArgs:
    """Inputs of :class:`BatchEndpoint` (every field of the Batch Endpoints - Create Or Update request)."""

    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    """Default: the Pulumi resource name; 3-32 characters, unique in the region."""
    location: pulumi.Input[str] | None = None
    """Default: the workspace's location."""
    auth_mode: pulumi.Input[str] | None = None
    """``AADToken`` (default), ``AMLToken`` or ``Key``."""
    description: pulumi.Input[str] | None = None
    properties: pulumi.Input[dict[str, str]] | None = None
    """May only grow: removing or altering an entry replaces the endpoint."""
    default_deployment_name: pulumi.Input[str] | None = None
    """Prefer :class:`BatchEndpointDefaultDeployment`, which can be set in the same ``up`` as the deployment."""
    keys: EndpointKeysArgs | None = None
    identity: IdentityArgs | None = None
    """``None`` or ``SystemAssigned`` (the service rejects UserAssigned for batch endpoints)."""
    kind: pulumi.Input[str] | None = None
    sku: SkuArgs | None = None
    tags: pulumi.Input[dict[str, str]] | None = None
    """Values must not be empty (service rule)."""
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class BatchEndpoint(pulumi.dynamic.Resource, module="azureml", name="BatchEndpoint"):
    """An Azure ML batch endpoint (``pulumi-python:dynamic/azureml:BatchEndpoint``); its id is the ARM id."""

    arm_id: pulumi.Output[str]
    name: pulumi.Output[str]
    location: pulumi.Output[str]
    auth_mode: pulumi.Output[str]
    resource_type: pulumi.Output[str]
    scoring_uri: pulumi.Output[str]
    routed_deployment_name: pulumi.Output[str | None]
    """The deployment receiving default traffic when last read (set by BatchEndpointDefaultDeployment or anyone)."""
    swagger_uri: pulumi.Output[str | None]
    provisioning_state: pulumi.Output[str]
    system_data: pulumi.Output[dict[str, Any] | None]
    """Only createdAt/createdBy/createdByType: the routing resource's writes move the last-modified half."""
    identity_principal_id: pulumi.Output[str | None]
    identity_tenant_id: pulumi.Output[str | None]
    identity_user_assigned_identities: pulumi.Output[dict[str, Any] | None]
    primary_key: pulumi.Output[str | None]
    """Key auth only; a secret, read through listkeys."""
    secondary_key: pulumi.Output[str | None]
    """Key auth only; a secret, read through listkeys."""

    def __init__(
        self,
        resource_name: str,
        args: BatchEndpointArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        provider, props, options = prepare("BatchEndpoint", resource_name, args, kwargs, opts)
        super().__init__(provider, resource_name, props, options)


@dataclass
class AssetReferenceArgs:
    """A model or component reference: ``Id`` (asset_id), ``DataPath`` (datastore_id + path) or
    ``OutputPath`` (job_id + path)."""

    reference_type: pulumi.Input[str]
    asset_id: pulumi.Input[str] | None = None
    datastore_id: pulumi.Input[str] | None = None
    path: pulumi.Input[str] | None = None
    job_id: pulumi.Input[str] | None = None


@dataclass
class CodeConfigurationArgs:
    scoring_script: pulumi.Input[str]
    code_id: pulumi.Input[str] | None = None


@dataclass
class DeploymentResourcesArgs:
    instance_count: pulumi.Input[int] | None = None
    instance_type: pulumi.Input[str] | None = None
    properties: pulumi.Input[dict[str, Any]] | None = None


@dataclass
class RetrySettingsArgs:
    max_retries: pulumi.Input[int] | None = None
    timeout: pulumi.Input[str] | None = None
    """ISO-8601 duration, e.g. ``"PT30S"``."""


@dataclass
class DeploymentConfigurationArgs:
    deployment_configuration_type: pulumi.Input[str]
    """``Model`` or ``PipelineComponent``."""
    component_id: AssetReferenceArgs | None = None
    settings: pulumi.Input[dict[str, str]] | None = None
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[dict[str, str]] | None = None


@dataclass
class BatchDeploymentArgs:
    """Inputs of :class:`BatchDeployment`."""

    endpoint_name: pulumi.Input[str]
    """The endpoint's name, e.g. ``endpoint.name`` of a :class:`BatchEndpoint`."""
    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    location: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[dict[str, str]] | None = None
    model: AssetReferenceArgs | None = None
    code_configuration: CodeConfigurationArgs | None = None
    environment_id: pulumi.Input[str] | None = None
    environment_variables: pulumi.Input[dict[str, str]] | None = None
    compute: pulumi.Input[str] | None = None
    """ARM id of an AmlCompute cluster, e.g. ``cluster.arm_id`` of a :class:`Compute`."""
    resources: DeploymentResourcesArgs | None = None
    mini_batch_size: pulumi.Input[int] | None = None
    max_concurrency_per_instance: pulumi.Input[int] | None = None
    output_action: pulumi.Input[str] | None = None
    output_file_name: pulumi.Input[str] | None = None
    retry_settings: RetrySettingsArgs | None = None
    error_threshold: pulumi.Input[int] | None = None
    logging_level: pulumi.Input[str] | None = None
    deployment_configuration: DeploymentConfigurationArgs | None = None
    properties: pulumi.Input[dict[str, str]] | None = None
    kind: pulumi.Input[str] | None = None
    sku: SkuArgs | None = None
    identity: IdentityArgs | None = None
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class BatchDeployment(pulumi.dynamic.Resource, module="azureml", name="BatchDeployment"):
    """A deployment under a batch endpoint (``pulumi-python:dynamic/azureml:BatchDeployment``)."""

    arm_id: pulumi.Output[str]
    name: pulumi.Output[str]
    endpoint_name: pulumi.Output[str]
    location: pulumi.Output[str]
    resource_type: pulumi.Output[str]
    provisioning_state: pulumi.Output[str]
    system_data: pulumi.Output[dict[str, Any] | None]

    def __init__(
        self,
        resource_name: str,
        args: BatchDeploymentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        provider, props, options = prepare("BatchDeployment", resource_name, args, kwargs, opts)
        super().__init__(provider, resource_name, props, options)


@dataclass
class BatchEndpointDefaultDeploymentArgs:
    """Inputs of :class:`BatchEndpointDefaultDeployment`."""

    endpoint_name: pulumi.Input[str]
    deployment_name: pulumi.Input[str]
    """E.g. ``deployment.name`` of a :class:`BatchDeployment`, so routing waits for the deployment."""
    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class BatchEndpointDefaultDeployment(pulumi.dynamic.Resource, module="azureml", name="BatchEndpointDefaultDeployment"):
    """Routes a batch endpoint's default traffic to a deployment (its ``defaults.deploymentName``).

    A separate resource so endpoint → deployment → routing is created in one ``pulumi up`` without a dependency
    cycle; switching the default is an in-place update; destroying it clears the default before the deployment
    is deleted.
    """

    endpoint_name: pulumi.Output[str]
    deployment_name: pulumi.Output[str]
    provisioning_state: pulumi.Output[str]
    arm_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        args: BatchEndpointDefaultDeploymentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        provider, props, options = prepare("BatchEndpointDefaultDeployment", resource_name, args, kwargs, opts)
        super().__init__(provider, resource_name, props, options)
