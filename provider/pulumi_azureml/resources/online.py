"""``OnlineEndpoint``, ``OnlineDeployment`` and ``OnlineEndpointTraffic`` as Pulumi resources.

The update/replace tables are in :mod:`pulumi_azureml.specs.online` and docs/reference/.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import pulumi
import pulumi.dynamic

from pulumi_azureml.resources.base import prepare
from pulumi_azureml.resources.batch import CodeConfigurationArgs, EndpointKeysArgs
from pulumi_azureml.resources.common import IdentityArgs, SkuArgs, TimeoutsArgs


@dataclass
class OnlineEndpointArgs:
    """Inputs of :class:`OnlineEndpoint` (the Online Endpoints - Create Or Update request, without its traffic)."""

    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    """Default: the Pulumi resource name; 3-32 characters, unique in the region."""
    location: pulumi.Input[str] | None = None
    """Default: the workspace's location."""
    auth_mode: pulumi.Input[str] | None = None
    """``Key`` (default), ``AMLToken`` or ``AADToken``."""
    description: pulumi.Input[str] | None = None
    compute: pulumi.Input[str] | None = None
    """Kubernetes endpoints only: the attached Kubernetes compute (ARM id or ``azureml:<name>``)."""
    public_network_access: pulumi.Input[str] | None = None
    """``Enabled`` (service default) or ``Disabled``."""
    properties: pulumi.Input[dict[str, str]] | None = None
    """May only grow: removing or altering an entry replaces the endpoint."""
    keys: EndpointKeysArgs | None = None
    identity: IdentityArgs | None = None
    kind: pulumi.Input[str] | None = None
    sku: SkuArgs | None = None
    tags: pulumi.Input[dict[str, str]] | None = None
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class OnlineEndpoint(pulumi.dynamic.Resource, module="azureml", name="OnlineEndpoint"):
    """An Azure ML online endpoint (``pulumi-python:dynamic/azureml:OnlineEndpoint``); its id is the ARM id.

    Its traffic split is not an input here: set it with :class:`OnlineEndpointTraffic` once the deployments exist.
    """

    arm_id: pulumi.Output[str]
    name: pulumi.Output[str]
    location: pulumi.Output[str]
    auth_mode: pulumi.Output[str]
    resource_type: pulumi.Output[str]
    scoring_uri: pulumi.Output[str]
    swagger_uri: pulumi.Output[str | None]
    provisioning_state: pulumi.Output[str]
    system_data: pulumi.Output[dict[str, Any] | None]
    """Only createdAt/createdBy/createdByType: the traffic resource's writes move the last-modified half."""
    identity_principal_id: pulumi.Output[str | None]
    identity_tenant_id: pulumi.Output[str | None]
    identity_user_assigned_identities: pulumi.Output[dict[str, Any] | None]
    primary_key: pulumi.Output[str | None]
    """Key auth only; a secret, read through listKeys."""
    secondary_key: pulumi.Output[str | None]
    """Key auth only; a secret, read through listKeys."""

    def __init__(
        self,
        resource_name: str,
        args: OnlineEndpointArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        provider, props, options = prepare("OnlineEndpoint", resource_name, args, kwargs, opts)
        super().__init__(provider, resource_name, props, options)


@dataclass
class OnlineScaleSettingsArgs:
    scale_type: pulumi.Input[str]
    """``Default`` (a fixed instance count) or ``TargetUtilization`` (autoscale by CPU use)."""
    min_instances: pulumi.Input[int] | None = None
    max_instances: pulumi.Input[int] | None = None
    polling_interval: pulumi.Input[str] | None = None
    target_utilization_percentage: pulumi.Input[int] | None = None


@dataclass
class OnlineRequestSettingsArgs:
    max_concurrent_requests_per_instance: pulumi.Input[int] | None = None
    request_timeout: pulumi.Input[str] | None = None
    """ISO 8601 duration, e.g. ``PT5S`` (service default)."""
    max_queue_wait: pulumi.Input[str] | None = None


@dataclass
class ProbeSettingsArgs:
    failure_threshold: pulumi.Input[int] | None = None
    success_threshold: pulumi.Input[int] | None = None
    initial_delay: pulumi.Input[str] | None = None
    period: pulumi.Input[str] | None = None
    timeout: pulumi.Input[str] | None = None


@dataclass
class OnlineDeploymentArgs:
    """Inputs of :class:`OnlineDeployment` (every field of the Online Deployments - Create Or Update request)."""

    endpoint_name: pulumi.Input[str]
    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    """Default: the Pulumi resource name."""
    location: pulumi.Input[str] | None = None
    endpoint_compute_type: pulumi.Input[str] | None = None
    """``Managed`` (default) or ``Kubernetes``."""
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[dict[str, str]] | None = None
    instance_count: pulumi.Input[int] | None = None
    """The deployment's sku.capacity; a change is a PATCH (scale-out/in)."""
    instance_type: pulumi.Input[str] | None = None
    """Create-only: a change replaces the deployment."""
    model: pulumi.Input[str] | None = None
    """ARM id, ``azureml://registries/...`` or ``azureml:<name>:<version>``."""
    model_mount_path: pulumi.Input[str] | None = None
    code_configuration: CodeConfigurationArgs | None = None
    """Create-only: a change replaces the deployment."""
    environment_id: pulumi.Input[str] | None = None
    environment_variables: pulumi.Input[dict[str, str]] | None = None
    """Secret as a whole."""
    scale_settings: OnlineScaleSettingsArgs | None = None
    request_settings: OnlineRequestSettingsArgs | None = None
    liveness_probe: ProbeSettingsArgs | None = None
    readiness_probe: ProbeSettingsArgs | None = None
    startup_probe: ProbeSettingsArgs | None = None
    app_insights_enabled: pulumi.Input[bool] | None = None
    egress_public_network_access: pulumi.Input[str] | None = None
    data_collector: pulumi.Input[dict[str, Any]] | None = None
    container_resource_requirements: pulumi.Input[dict[str, Any]] | None = None
    """Kubernetes only."""
    properties: pulumi.Input[dict[str, str]] | None = None
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class OnlineDeployment(pulumi.dynamic.Resource, module="azureml", name="OnlineDeployment"):
    """A deployment of an online endpoint (``pulumi-python:dynamic/azureml:OnlineDeployment``).

    ``model`` and ``environment_id`` change in place; ``code_configuration`` (also a re-registered code version it
    names) and ``instance_type`` replace the deployment, which the service refuses while it gets traffic: roll new
    code or a new size out as a new deployment and move :class:`OnlineEndpointTraffic` to it.
    """

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
        args: OnlineDeploymentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        provider, props, options = prepare("OnlineDeployment", resource_name, args, kwargs, opts)
        super().__init__(provider, resource_name, props, options)
        known = props.get("name")
        # Lets OnlineEndpointTraffic take this deployment itself as a key (see there); None when not a plain string.
        self._plain_name: str | None = known if isinstance(known, str) else None


@dataclass
class OnlineEndpointTrafficArgs:
    """Inputs of :class:`OnlineEndpointTraffic`."""

    endpoint_name: pulumi.Input[str]
    traffic: Mapping[Any, pulumi.Input[int]]
    """Deployment → percentage of live traffic: whole numbers summing to 100, or all 0 (or empty). A key is a
    deployment name, or the :class:`OnlineDeployment` itself (then the split also waits for it)."""
    mirror_traffic: Mapping[Any, pulumi.Input[int]] | None = None
    """Deployment → percentage copied to it (its answers discarded); at most 50 in all. Keys as for ``traffic``."""
    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class OnlineEndpointTraffic(pulumi.dynamic.Resource, module="azureml", name="OnlineEndpointTraffic"):
    """The traffic split (and mirror traffic) of an online endpoint, as desired state.

    A separate resource so endpoint → deployments → traffic is created in one ``pulumi up`` without a dependency
    cycle. Key the split by the :class:`OnlineDeployment` resources themselves (``traffic={green: 100}``): the
    split then depends on them, so it is written only once they exist, and the preview still shows the names. A
    name string carries no dependency: with names, pass the deployments in ``opts=pulumi.ResourceOptions(
    depends_on=[...])``. Shifting traffic is an in-place update; destroying it clears the split before the
    deployments are deleted.
    """

    endpoint_name: pulumi.Output[str]
    traffic: pulumi.Output[dict[str, int]]
    mirror_traffic: pulumi.Output[dict[str, int]]
    provisioning_state: pulumi.Output[str]
    arm_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        args: OnlineEndpointTrafficArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        needs: list[pulumi.Resource] = []
        if args is not None:
            args = dataclasses.replace(
                args,
                traffic=cast(Any, _by_name(args.traffic, needs)),
                mirror_traffic=_by_name(args.mirror_traffic, needs),
            )
        for key in ("traffic", "mirror_traffic"):
            if kwargs.get(key) is not None:
                kwargs[key] = _by_name(kwargs[key], needs)
        if needs:
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=needs))
        provider, props, options = prepare("OnlineEndpointTraffic", resource_name, args, kwargs, opts)
        super().__init__(provider, resource_name, props, options)


def _by_name(split: Mapping[Any, Any] | None, needs: list[pulumi.Resource]) -> dict[str, Any] | None:
    """A split keyed by deployment names; :class:`OnlineDeployment` keys become their names and dependencies."""
    if split is None:
        return None
    result: dict[str, Any] = {}
    for key, percent in split.items():
        if isinstance(key, OnlineDeployment):
            if key._plain_name is None:
                raise TypeError(
                    "OnlineEndpointTraffic: a deployment whose name is not a plain string (an Output) cannot be a "
                    "key of the split; key it by the name and pass the deployment in opts depends_on"
                )
            needs.append(key)
            key = key._plain_name
        result[str(key)] = percent
    return result
