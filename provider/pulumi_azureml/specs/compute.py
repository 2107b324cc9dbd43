"""The Compute resource type as data: every Azure ML compute type, with its update/replace table.

Update/replace table (``update`` on each field; ``update_source`` says why). The swagger marks only
``computeLocation`` and ``disableLocalAuth`` create-only, so the rest is curated here:

====================================  ==================  ==================  =====================================
field                                 AmlCompute          ComputeInstance     attached types
====================================  ==================  ==================  =====================================
placement, location, compute_type     replace             replace             replace
scale_settings                        PATCH               n/a                 n/a
description, tags, identity           PUT                 replace             replace
power_state                           n/a                 start/stop action   n/a
idle_time_before_shutdown             n/a                 action (if set)     n/a
everything else                       replace             replace             replace
====================================  ==================  ==================  =====================================

Sources: PATCH accepts only ``scaleSettings`` (spec ``ClusterUpdateParameters``); the official
"Update a AML Compute" example PUTs description + scale settings, and azurerm updates cluster
identity and tags with a full PUT (#26404, #29878); azurerm keeps vm size, priority, subnet, credentials and every
compute-instance setting ForceNew and the service rejects in-place changes to them
. Attached computes are re-attached on any change.

A compute instance changes in place only through its actions: start/stop (``power_state``) and, since the
2025-12-01 API, ``POST .../updateIdleShutdownSetting`` (``idle_time_before_shutdown``: the REST reference's example
"Update idle shutdown setting of ComputeInstance", answered 200). No stable API version has an action or a PUT
documented to change any other compute-instance setting in place: the Microsoft Learn page "Create and manage a
compute instance" says SSH access "can't be enabled or disabled after creation" and idle shutdown in an ARM template
is "only configurable during new compute instance creation"; ``resize`` (vm_size), ``updateCustomServices`` and
``updateDataMounts`` act on settings this resource does not declare or exist only in preview API versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_azureml.schema import (
    Field,
    HookContext,
    Output,
    ResourceSpec,
    Timeouts,
    UpdateRule,
    case_insensitive_equivalent,
    duration_equivalent,
)
from pulumi_azureml.specs.common import (
    META_FIELDS,
    RESOURCE_GROUP_NAME,
    SUBSCRIPTION_ID,
    WORKSPACE_NAME,
    WORKSPACE_PATH,
    identity_field,
    location_field,
    sku_field,
    tags_field,
)
from pulumi_azureml.validation import INT32_MAX, arm_id, duration_between, iso_duration

PATH = WORKSPACE_PATH + "/computes/{name}"

CREATED_TYPES = ("AmlCompute", "ComputeInstance")
ATTACHED_TYPES = (
    "AKS",
    "Kubernetes",
    "VirtualMachine",
    "HDInsight",
    "Databricks",
    "DataFactory",
    "DataLakeAnalytics",
    "SynapseSpark",
)
COMPUTE_TYPES = CREATED_TYPES + ATTACHED_TYPES

# 2026-03-01 computeName pattern, applied whatever the api-version: 3-24 chars, starts with a
# letter, letters/digits/hyphens, must not end in -<digits>.
NAME_PATTERN = r"[a-zA-Z](?![a-zA-Z0-9-]*-\d+$)[a-zA-Z0-9\-]{2,23}"

AML = ("AmlCompute",)
INSTANCE = ("ComputeInstance",)
AML_AND_INSTANCE = CREATED_TYPES
INNER = "properties.properties"

_PUT_FOR_CLUSTERS: dict[str, UpdateRule] = {"AmlCompute": "put", "*": "replace"}
_PUT_SOURCE = (
    "AmlCompute: full PUT (official 'Update a AML Compute' example; azurerm #26404/#29878); "
    "ComputeInstance and attached: replace (azurerm ForceNew, #31747)"
)
_REPLACE_SOURCE = "service rejects in-place changes (azurerm ForceNew)"
_INSTANCE_REPLACE_SOURCE = (
    "no stable API changes it on an existing instance (only its start/stop and updateIdleShutdownSetting actions "
    "do); azurerm ForceNew"
)
IDLE_SHUTDOWN_ACTION = "updateIdleShutdownSetting"


class _IdleShutdownRule:
    """idle_time_before_shutdown: a new value is sent in place by the updateIdleShutdownSetting action (the
    2025-12-01 REST reference example "Update idle shutdown setting of ComputeInstance"); removing it replaces the
    instance, because no API documents a value that turns idle shutdown off."""

    words = "in place (action updateIdleShutdownSetting) when set; replace when removed"

    def __call__(self, old: Any, new: Any) -> UpdateRule:
        return "replace" if new is None else "action"


def _scale_settings_check(value: Any) -> str | None:
    low = value.get("min_node_count", 0)
    high = value.get("max_node_count")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        return f"min_node_count ({low}) must not be greater than max_node_count ({high})"
    return None


SCRIPT_REFERENCE: tuple[Field, ...] = (
    Field("script_source", wire="scriptSource", description="'workspaceStorage', 'inline' or a URL source"),
    Field("script_data", wire="scriptData", description="The script path or inline content."),
    Field("script_arguments", wire="scriptArguments"),
    Field("timeout", wire="timeout", description="e.g. '5m'"),
)

SCHEDULE = Field(
    "schedule",
    type="object",
    fields=(
        Field("action", wire="action", required=True, choices=("Start", "Stop")),
        Field("status", wire="status", choices=("Enabled", "Disabled"), server_default=True),
        Field("trigger_type", wire="triggerType", required=True, choices=("Recurrence", "Cron")),
        Field(
            "recurrence",
            wire="recurrence",
            type="object",
            fields=(
                Field(
                    "frequency",
                    wire="frequency",
                    required=True,
                    choices=("Minute", "Hour", "Day", "Week", "Month"),
                ),
                Field("interval", wire="interval", type="integer", required=True, minimum=1, maximum=INT32_MAX),
                Field("start_time", wire="startTime", description="yyyy-MM-ddTHH:mm:ss"),
                Field("time_zone", wire="timeZone", description="Windows time zone name; default UTC"),
                Field(
                    "schedule",
                    wire="schedule",
                    type="object",
                    required=True,
                    fields=(
                        Field(
                            "hours",
                            wire="hours",
                            type="list",
                            unordered=True,
                            required=True,
                            item=Field("hour", type="integer", minimum=0, maximum=23),
                        ),
                        Field(
                            "minutes",
                            wire="minutes",
                            type="list",
                            unordered=True,
                            required=True,
                            item=Field("minute", type="integer", minimum=0, maximum=59),
                        ),
                        Field(
                            "month_days",
                            wire="monthDays",
                            type="list",
                            unordered=True,
                            item=Field("day", type="integer", minimum=1, maximum=31),
                        ),
                        Field(
                            "week_days",
                            wire="weekDays",
                            type="list",
                            unordered=True,
                            item=Field(
                                "week_day",
                                choices=(
                                    "Monday",
                                    "Tuesday",
                                    "Wednesday",
                                    "Thursday",
                                    "Friday",
                                    "Saturday",
                                    "Sunday",
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        Field(
            "cron",
            wire="cron",
            type="object",
            fields=(
                Field("expression", wire="expression", required=True, description="NCrontab expression"),
                Field("start_time", wire="startTime"),
                Field("time_zone", wire="timeZone"),
            ),
        ),
    ),
    validate=lambda value: (
        "recurrence is required when trigger_type is Recurrence"
        if value.get("trigger_type") == "Recurrence" and not value.get("recurrence")
        else "cron is required when trigger_type is Cron"
        if value.get("trigger_type") == "Cron" and not value.get("cron")
        else None
    ),
)

FIELDS: tuple[Field, ...] = (
    Field(
        "compute_type",
        wire="properties.computeType",
        required=True,
        choices=COMPUTE_TYPES,
        description="AmlCompute (cluster), ComputeInstance, or an attached type (AKS, Kubernetes, ...).",
        update_source="discriminator: a different type is a different resource",
    ),
    location_field(
        description="Region of the compute resource. Default: the workspace's location.", from_workspace=True
    ),
    Field(
        "description",
        wire="properties.description",
        update=_PUT_FOR_CLUSTERS,
        update_source=_PUT_SOURCE,
    ),
    tags_field(_PUT_FOR_CLUSTERS, _PUT_SOURCE),
    identity_field(_PUT_FOR_CLUSTERS, _PUT_SOURCE),
    sku_field("replace", _REPLACE_SOURCE),
    Field(
        "disable_local_auth",
        wire="properties.disableLocalAuth",
        type="boolean",
        description="Disable local (key) auth; only Microsoft Entra identities can then use the compute.",
        update_source="spec x-ms-mutability [read, create]",
        server_default=True,
    ),
    Field(
        "compute_location",
        wire="properties.computeLocation",
        description="AmlCompute only: run the cluster's nodes in another region than the workspace.",
        applies_to=AML,
        update_source="spec x-ms-mutability [read, create]",
        server_default=True,
    ),
    # -- AmlCompute and ComputeInstance ------------------------------------------------------------------------
    Field(
        "vm_size",
        wire=f"{INNER}.vmSize",
        applies_to=AML_AND_INSTANCE,
        description="Required for AmlCompute and ComputeInstance: the VM size, e.g. STANDARD_DS3_V2.",
        equivalent=case_insensitive_equivalent,
        update_source="azurerm ForceNew; azure-native's in-place PUT fails at apply time; a compute instance's "
        "resize action exists in preview API versions only",
    ),
    Field(
        "subnet_id",
        wire=f"{INNER}.subnet.id",
        applies_to=AML_AND_INSTANCE,
        validate=arm_id,
        equivalent=case_insensitive_equivalent,
        description="ARM id of the subnet the nodes join.",
        update_source=_REPLACE_SOURCE,
    ),
    Field(
        "enable_node_public_ip",
        wire=f"{INNER}.enableNodePublicIp",
        type="boolean",
        applies_to=AML_AND_INSTANCE,
        server_default=True,
        description="Give nodes public IPs (default true). False needs a subnet or a managed network.",
        update_source=_REPLACE_SOURCE,
    ),
    # -- AmlCompute ---------------------------------------------------------------------------------------------
    Field(
        "vm_priority",
        wire=f"{INNER}.vmPriority",
        applies_to=AML,
        choices=("Dedicated", "LowPriority"),
        server_default=True,
        update_source=_REPLACE_SOURCE,
    ),
    Field(
        "scale_settings",
        wire=f"{INNER}.scaleSettings",
        type="object",
        applies_to=AML,
        description="Required for AmlCompute: max_node_count (required), min_node_count (default 0), "
        "node_idle_time_before_scale_down.",
        update={"AmlCompute": "patch"},
        update_source="PATCH ClusterUpdateParameters accepts exactly scaleSettings",
        validate=_scale_settings_check,
        fields=(
            Field("max_node_count", wire="maxNodeCount", type="integer", required=True, minimum=0, maximum=INT32_MAX),
            Field(
                "min_node_count",
                wire="minNodeCount",
                type="integer",
                minimum=0,
                maximum=INT32_MAX,
                server_default=True,
            ),
            Field(
                "node_idle_time_before_scale_down",
                wire="nodeIdleTimeBeforeScaleDown",
                validate=iso_duration,
                equivalent=duration_equivalent,
                server_default=True,
            ),
        ),
    ),
    Field(
        "os_type",
        wire=f"{INNER}.osType",
        applies_to=AML,
        choices=("Linux", "Windows"),
        server_default=True,
        update_source=_REPLACE_SOURCE,
    ),
    Field(
        "isolated_network",
        wire=f"{INNER}.isolatedNetwork",
        type="boolean",
        applies_to=AML,
        server_default=True,
        update_source=_REPLACE_SOURCE,
    ),
    Field(
        "remote_login_port_public_access",
        wire=f"{INNER}.remoteLoginPortPublicAccess",
        applies_to=AML,
        choices=("Enabled", "Disabled", "NotSpecified"),
        # NotSpecified becomes Enabled or Disabled after creation (spec description): not a drift.
        equivalent=lambda desired, actual: (
            str(desired).lower() == "notspecified" or str(desired).lower() == str(actual).lower()
        ),
        server_default=True,
        update_source=_REPLACE_SOURCE,
    ),
    Field(
        "user_account_credentials",
        wire=f"{INNER}.userAccountCredentials",
        type="object",
        applies_to=AML,
        secret=True,
        write_only=True,
        description="Node admin account: admin_user_name, and admin_user_password and/or admin_user_ssh_public_key.",
        update_source="azurerm ForceNew (ssh block); write-only on the service",
        fields=(
            Field("admin_user_name", wire="adminUserName", required=True),
            Field("admin_user_ssh_public_key", wire="adminUserSshPublicKey"),
            Field("admin_user_password", wire="adminUserPassword"),
        ),
    ),
    Field(
        "virtual_machine_image_id",
        wire=f"{INNER}.virtualMachineImage.id",
        applies_to=AML,
        validate=arm_id,
        equivalent=case_insensitive_equivalent,
        update_source=_REPLACE_SOURCE,
    ),
    Field("property_bag", wire=f"{INNER}.propertyBag", type="object", applies_to=AML, update_source=_REPLACE_SOURCE),
    # -- ComputeInstance ----------------------------------------------------------------------------------------
    Field(
        "application_sharing_policy",
        wire=f"{INNER}.applicationSharingPolicy",
        applies_to=INSTANCE,
        choices=("Personal", "Shared"),
        server_default=True,
        update_source=_INSTANCE_REPLACE_SOURCE,
    ),
    Field(
        "ssh_settings",
        wire=f"{INNER}.sshSettings",
        type="object",
        applies_to=INSTANCE,
        # The service always returns sshSettings (sshPublicAccess Disabled by default): not drift when unset.
        server_default=True,
        update_source="SSH access can't be enabled or disabled after creation (Microsoft Learn: Create and manage a "
        "compute instance)",
        fields=(
            Field("ssh_public_access", wire="sshPublicAccess", choices=("Enabled", "Disabled"), server_default=True),
            Field("admin_public_key", wire="adminPublicKey"),
        ),
    ),
    Field(
        "assigned_user",
        wire=f"{INNER}.personalComputeInstanceSettings.assignedUser",
        type="object",
        applies_to=INSTANCE,
        description="Create the instance on behalf of a user (object_id, tenant_id).",
        update_source=_INSTANCE_REPLACE_SOURCE,
        fields=(
            Field("object_id", wire="objectId", required=True),
            Field("tenant_id", wire="tenantId", required=True),
        ),
    ),
    Field(
        "setup_scripts",
        wire=f"{INNER}.setupScripts.scripts",
        type="object",
        applies_to=INSTANCE,
        update_source=_INSTANCE_REPLACE_SOURCE,
        fields=(
            Field("creation_script", wire="creationScript", type="object", fields=SCRIPT_REFERENCE),
            Field("startup_script", wire="startupScript", type="object", fields=SCRIPT_REFERENCE),
        ),
    ),
    Field(
        "schedules",
        wire=f"{INNER}.schedules.computeStartStop",
        type="list",
        item=SCHEDULE,
        # The service re-orders them and adds id/status/provisioningStatus to each (az ml recording
        # test_compute_compute_instance_with_schedules.yaml): compared as a set of declared members.
        unordered=True,
        applies_to=INSTANCE,
        description="Start/stop schedules (recurrence or cron).",
        update_source=_INSTANCE_REPLACE_SOURCE,
    ),
    Field(
        "idle_time_before_shutdown",
        wire=f"{INNER}.idleTimeBeforeShutdown",
        applies_to=INSTANCE,
        validate=duration_between(15 * 60, 3 * 86400),
        equivalent=duration_equivalent,
        description="Stop the instance after this idle time: ISO-8601, 15 minutes to 3 days (e.g. 'PT30M').",
        update=_IdleShutdownRule(),
        update_source="POST updateIdleShutdownSetting changes it in place (2025-12-01 REST reference example); "
        "removing it replaces the instance: no value documented to turn idle shutdown off",
    ),
    Field(
        "enable_sso",
        wire=f"{INNER}.enableSSO",
        type="boolean",
        applies_to=INSTANCE,
        server_default=True,
        update_source=_INSTANCE_REPLACE_SOURCE,
    ),
    Field(
        "power_state",
        applies_to=INSTANCE,
        choices=("Running", "Stopped"),
        choices_case_sensitive=True,
        description="Desired state; `up` starts or stops the instance to match.",
        update={"ComputeInstance": "action"},
        update_source="compute instance start/stop actions",
    ),
    # -- attached types -----------------------------------------------------------------------------------------
    Field(
        "resource_id",
        wire="properties.resourceId",
        applies_to=ATTACHED_TYPES,
        validate=arm_id,
        equivalent=case_insensitive_equivalent,
        description="Attached types: ARM id of the underlying compute (AKS cluster, VM, Databricks workspace...).",
        update_source="attach is create-only; re-attach on change",
    ),
    Field(
        "properties",
        wire="properties.properties",
        type="object",
        applies_to=ATTACHED_TYPES,
        description="Attached types: the type's properties, as the ARM body spells them (camelCase).",
        update_source="attach is create-only; re-attach on change",
    ),
    Field(
        "delete_action",
        choices=("Delete", "Detach"),
        choices_case_sensitive=True,
        description="underlyingResourceAction on delete. Default: Delete for AmlCompute/ComputeInstance, Detach "
        "for attached types (so destroying the stack never deletes a cluster it only attached).",
        update="none",
        update_source="provider-side: only consulted at delete",
    ),
    *META_FIELDS,
)

OUTPUTS: tuple[Output, ...] = (
    Output("provisioning_state", "properties.provisioningState"),
    Output("created_on", "properties.createdOn"),
    Output("modified_on", "properties.modifiedOn"),
    Output("is_attached_compute", "properties.isAttachedCompute", type="boolean"),
    Output("identity_principal_id", "identity.principalId"),
    Output("identity_tenant_id", "identity.tenantId"),
    Output("allocation_state", f"{INNER}.allocationState"),
    Output("allocation_state_transition_time", f"{INNER}.allocationStateTransitionTime"),
    Output("current_node_count", f"{INNER}.currentNodeCount", type="integer"),
    Output("target_node_count", f"{INNER}.targetNodeCount", type="integer"),
    Output("node_state_counts", f"{INNER}.nodeStateCounts", type="any"),
    Output("state", f"{INNER}.state"),
    Output("connectivity_endpoints", f"{INNER}.connectivityEndpoints", type="any"),
    Output("applications", f"{INNER}.applications", type="any"),
)


def _validate(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    compute_type = inputs.get("compute_type")
    failures: list[tuple[str, str]] = []
    if compute_type == "AmlCompute" and inputs.get("scale_settings") is None:
        failures.append(("scale_settings", "is required for AmlCompute (at least max_node_count)"))
    if compute_type in AML_AND_INSTANCE and inputs.get("vm_size") is None:
        failures.append(("vm_size", f"is required for {compute_type}"))
    if compute_type in ATTACHED_TYPES and inputs.get("resource_id") is None:
        failures.append(("resource_id", f"is required for attached compute type {compute_type}"))
    if (
        compute_type in AML_AND_INSTANCE
        and inputs.get("enable_node_public_ip") is False
        and not inputs.get("subnet_id")
    ):
        failures.append(("enable_node_public_ip", "false needs subnet_id (unless the workspace has a managed network)"))
    return failures


def _delete_params(inputs: Mapping[str, Any], failed_create: bool) -> dict[str, str]:
    action = inputs.get("delete_action")
    if not action:
        action = "Detach" if inputs.get("compute_type") in ATTACHED_TYPES else "Delete"
    return {"underlyingResourceAction": str(action)}


def _after_write(context: HookContext, body: dict[str, Any]) -> dict[str, Any]:
    """Bring a compute instance to its declared idle shutdown and power state with the service's actions (the only
    in-place changes a compute instance has), then report it as it is after them."""
    if context.inputs.get("compute_type") != "ComputeInstance":
        return body
    inner = (body.get("properties") or {}).get("properties") or {}
    acted = _apply_idle_shutdown(context, inner)
    acted = _apply_power_state(context, inner) or acted
    if not acted:
        return body
    return context.client.get(context.path, api_version=context.api_version, action=context.action_prefix)


def _apply_idle_shutdown(context: HookContext, inner: Mapping[str, Any]) -> bool:
    """POST updateIdleShutdownSetting when the instance's idle time is not the declared one (a create that already
    set it sends nothing more). Synchronous: the 2025-12-01 example answers a bare 200."""
    desired = context.inputs.get("idle_time_before_shutdown")
    current = inner.get("idleTimeBeforeShutdown")
    if desired is None or (current is not None and duration_equivalent(desired, current)):
        return False
    path = f"{context.path}/{IDLE_SHUTDOWN_ACTION}"
    action = f"setting idle shutdown {desired} on compute instance"
    from pulumi_azureml.arm.busy import write_when_idle  # an action's I/O: not on the host's import path

    write_when_idle(
        context.client,
        context.path,
        lambda: context.client.post(
            path,
            api_version=context.api_version,
            action=action,
            timeout=context.timeout,
            body={"idleTimeBeforeShutdown": desired},
        ),
        api_version=context.api_version,
        action=action,
        timeout=context.timeout,
    )
    return True


def _apply_power_state(context: HookContext, inner: Mapping[str, Any]) -> bool:
    """POST start or stop when the instance's state is not the declared ``power_state``."""
    desired = context.inputs.get("power_state")
    if desired not in ("Running", "Stopped") or str(inner.get("state", "")) == desired:
        return False
    verb, doing = ("start", "starting") if desired == "Running" else ("stop", "stopping")
    context.client.post(
        f"{context.path}/{verb}",
        api_version=context.api_version,
        action=f"{doing} compute instance",
        timeout=context.timeout,
    )
    return True


COMPUTE = ResourceSpec(
    kind="Compute",
    noun="compute",
    path=PATH,
    placement=(
        SUBSCRIPTION_ID,
        RESOURCE_GROUP_NAME,
        WORKSPACE_NAME,
        Field(
            "name",
            required=True,
            pattern=NAME_PATTERN,
            pattern_rule="must be 3-24 characters: a letter, then letters, digits or '-', not ending in '-<digits>'",
            description="Compute name. Default: the Pulumi resource name.",
        ),
    ),
    fields=FIELDS,
    outputs=OUTPUTS,
    timeouts=Timeouts(create=3600, update=3600, delete=3600),
    discriminator="compute_type",
    delete_params=_delete_params,
    after_write=_after_write,
    validate=_validate,
    sample_inputs={
        "name": "cpu-cluster",
        "compute_type": "AmlCompute",
        "vm_size": "STANDARD_DS3_V2",
        "scale_settings": {"max_node_count": 2},
        "user_account_credentials": {"admin_user_name": "azureuser", "admin_user_password": "Sample-Passw0rd!"},
    },
)
