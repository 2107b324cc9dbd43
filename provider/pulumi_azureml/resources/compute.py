"""``Compute``: an Azure ML compute of any type (cluster, instance, or attached) as a Pulumi resource.

Inputs are snake_case; the update/replace table is in :mod:`pulumi_azureml.specs.compute` and docs/reference/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_azureml.resources.base import prepare
from pulumi_azureml.resources.common import IdentityArgs, SkuArgs, TimeoutsArgs


@dataclass
class ScaleSettingsArgs:
    """AmlCompute scale settings; the only thing a cluster PATCH can change."""

    max_node_count: pulumi.Input[int]
    min_node_count: pulumi.Input[int] | None = None
    node_idle_time_before_scale_down: pulumi.Input[str] | None = None
    """ISO-8601 duration, e.g. ``"PT5M"``."""


@dataclass
class UserAccountCredentialsArgs:
    """Admin account on cluster nodes. The whole object is a secret."""

    admin_user_name: pulumi.Input[str]
    admin_user_ssh_public_key: pulumi.Input[str] | None = None
    admin_user_password: pulumi.Input[str] | None = None


@dataclass
class SshSettingsArgs:
    ssh_public_access: pulumi.Input[str] | None = None
    """``Enabled`` or ``Disabled`` (default)."""
    admin_public_key: pulumi.Input[str] | None = None


@dataclass
class AssignedUserArgs:
    object_id: pulumi.Input[str]
    tenant_id: pulumi.Input[str]


@dataclass
class ScriptReferenceArgs:
    script_source: pulumi.Input[str] | None = None
    script_data: pulumi.Input[str] | None = None
    script_arguments: pulumi.Input[str] | None = None
    timeout: pulumi.Input[str] | None = None


@dataclass
class SetupScriptsArgs:
    creation_script: ScriptReferenceArgs | None = None
    startup_script: ScriptReferenceArgs | None = None


@dataclass
class RecurrenceScheduleArgs:
    hours: pulumi.Input[list[int]]
    minutes: pulumi.Input[list[int]]
    month_days: pulumi.Input[list[int]] | None = None
    week_days: pulumi.Input[list[str]] | None = None


@dataclass
class RecurrenceArgs:
    frequency: pulumi.Input[str]
    """``Minute``, ``Hour``, ``Day``, ``Week`` or ``Month``."""
    interval: pulumi.Input[int]
    schedule: RecurrenceScheduleArgs
    start_time: pulumi.Input[str] | None = None
    time_zone: pulumi.Input[str] | None = None


@dataclass
class CronArgs:
    expression: pulumi.Input[str]
    start_time: pulumi.Input[str] | None = None
    time_zone: pulumi.Input[str] | None = None


@dataclass
class ScheduleArgs:
    """A compute instance start/stop schedule."""

    action: pulumi.Input[str]
    """``Start`` or ``Stop``."""
    trigger_type: pulumi.Input[str]
    """``Recurrence`` or ``Cron``."""
    recurrence: RecurrenceArgs | None = None
    cron: CronArgs | None = None
    status: pulumi.Input[str] | None = None


@dataclass
class ComputeArgs:
    """Inputs of :class:`Compute`. Placement fields default from stack config (``azureml:*``)."""

    compute_type: pulumi.Input[str]
    """``AmlCompute``, ``ComputeInstance``, ``AKS``, ``Kubernetes``, ``VirtualMachine``, ``HDInsight``,
    ``Databricks``, ``DataFactory``, ``DataLakeAnalytics`` or ``SynapseSpark``."""
    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    """Default: the Pulumi resource name (3-24 chars, must not end in ``-<digits>``)."""
    location: pulumi.Input[str] | None = None
    """Default: the workspace's location."""
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[dict[str, str]] | None = None
    identity: IdentityArgs | None = None
    sku: SkuArgs | None = None
    disable_local_auth: pulumi.Input[bool] | None = None
    compute_location: pulumi.Input[str] | None = None
    vm_size: pulumi.Input[str] | None = None
    subnet_id: pulumi.Input[str] | None = None
    enable_node_public_ip: pulumi.Input[bool] | None = None
    vm_priority: pulumi.Input[str] | None = None
    scale_settings: ScaleSettingsArgs | None = None
    os_type: pulumi.Input[str] | None = None
    isolated_network: pulumi.Input[bool] | None = None
    remote_login_port_public_access: pulumi.Input[str] | None = None
    user_account_credentials: UserAccountCredentialsArgs | None = None
    virtual_machine_image_id: pulumi.Input[str] | None = None
    property_bag: pulumi.Input[dict[str, Any]] | None = None
    application_sharing_policy: pulumi.Input[str] | None = None
    ssh_settings: SshSettingsArgs | None = None
    assigned_user: AssignedUserArgs | None = None
    setup_scripts: SetupScriptsArgs | None = None
    schedules: list[ScheduleArgs] | None = None
    idle_time_before_shutdown: pulumi.Input[str] | None = None
    """ISO-8601, 15 minutes to 3 days (api-version 2026-03-01 declares it)."""
    enable_sso: pulumi.Input[bool] | None = None
    power_state: pulumi.Input[str] | None = None
    """ComputeInstance: ``Running`` or ``Stopped``; ``up`` starts or stops the instance to match."""
    resource_id: pulumi.Input[str] | None = None
    """Attached types: ARM id of the underlying compute."""
    properties: pulumi.Input[dict[str, Any]] | None = None
    """Attached types: the type's properties as the ARM body spells them (camelCase)."""
    delete_action: pulumi.Input[str] | None = None
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class Compute(pulumi.dynamic.Resource, module="azureml", name="Compute"):
    """An Azure ML compute (``pulumi-python:dynamic/azureml:Compute``); its Pulumi id is the ARM id."""

    arm_id: pulumi.Output[str]
    name: pulumi.Output[str]
    location: pulumi.Output[str]
    compute_type: pulumi.Output[str]
    provisioning_state: pulumi.Output[str]
    created_on: pulumi.Output[str | None]
    modified_on: pulumi.Output[str | None]
    is_attached_compute: pulumi.Output[bool | None]
    identity_principal_id: pulumi.Output[str | None]
    identity_tenant_id: pulumi.Output[str | None]
    allocation_state: pulumi.Output[str | None]
    allocation_state_transition_time: pulumi.Output[str | None]
    current_node_count: pulumi.Output[int | None]
    target_node_count: pulumi.Output[int | None]
    node_state_counts: pulumi.Output[dict[str, int] | None]
    state: pulumi.Output[str | None]
    """ComputeInstance state (``Running``, ``Stopped``...)."""
    connectivity_endpoints: pulumi.Output[dict[str, Any] | None]
    applications: pulumi.Output[list[dict[str, Any]] | None]

    def __init__(
        self,
        resource_name: str,
        args: ComputeArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        provider, props, options = prepare("Compute", resource_name, args, kwargs, opts)
        super().__init__(provider, resource_name, props, options)
