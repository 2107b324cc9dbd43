"""Bad input catalogue: every case is refused by ``check`` with a failure naming the field and the rule, and not a
single HTTP request is made (the emulator's request log stays empty).

Cases cover every resource kind: names (empty, too long, unicode, ``../``, ``%2F``, ``?``, spaces, a trailing
``-<digits>``), wrong types and ranges (strings for numbers, 1.5 nodes, negative counts, min > max), bad enums, bad
ISO-8601 durations, an out-of-range idle shutdown, empty tag values, unknown fields, and oversized values and bodies.
All go through ``provider.check`` as the engine calls it (values crossed a Protobuf ``Struct``); a sample also goes
through the SDK's host with ``pulumi preview`` and ``pulumi up``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider

from harness import CheckFailed
from reliability.catalogue import (
    WORKSPACE_PATH,
    Declared,
    cluster,
    code_version,
    data_version,
    default_deployment,
    deployment,
    endpoint,
    model_version,
    online_deployment,
    online_endpoint,
    online_traffic,
    workspace,
)
from reliability.conftest import fast_client
from reliability.host_programs import host_stack, program_of
from reliability.inprocess_engine import over_the_wire

DELETE = object()
"""An override value that removes the input."""

INSTANCE: dict[str, Any] = {
    "name": "ci-dev",
    "compute_type": "ComputeInstance",
    "vm_size": "STANDARD_DS3_V2",
    "idle_time_before_shutdown": "PT30M",
    "power_state": "Running",
    "schedules": [
        {
            "action": "Start",
            "trigger_type": "Recurrence",
            "recurrence": {"frequency": "Week", "interval": 1, "schedule": {"hours": [8], "minutes": [0]}},
        }
    ],
}
AKS: dict[str, Any] = {
    "name": "aks-attached",
    "compute_type": "AKS",
    "resource_id": "/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg/providers/"
    "Microsoft.ContainerService/managedClusters/aks1",
}
BASES: dict[str, tuple[str, dict[str, Any]]] = {
    "cluster": ("Compute", cluster("cpu-cluster").inputs),
    "instance": ("Compute", INSTANCE),
    "attached": ("Compute", AKS),
    "endpoint": ("BatchEndpoint", endpoint("scoring").inputs),
    "deployment": ("BatchDeployment", deployment("scoring", "blue", "cpu-cluster").inputs),
    "routing": ("BatchEndpointDefaultDeployment", default_deployment("scoring", "blue").inputs),
    "workspace": ("Workspace", workspace("mlw-new").inputs),
    # -- asset versions (issue 17, uploads)
    "code": ("CodeVersion", code_version("score").inputs),
    "model": ("ModelVersion", model_version("churn").inputs),
    "data": ("DataVersion", data_version("events").inputs),
}


@dataclass(frozen=True)
class BadInput:
    base: str
    label: str
    change: dict[str, Any]
    field: str
    """The property the failure must name (exactly)."""
    rule: str
    """Text the failure's reason must contain (the rule, in words)."""

    def inputs(self) -> dict[str, Any]:
        merged = {**BASES[self.base][1], **self.change}
        return {key: value for key, value in merged.items() if value is not DELETE}

    @property
    def kind(self) -> str:
        return BASES[self.base][0]

    @property
    def case_id(self) -> str:
        return f"{self.base}-{self.label}"


def name_cases() -> list[BadInput]:
    """The same hostile names against every kind's name fields (placement: they become URL path segments)."""
    hostile = [
        ("empty", "", "must not be empty"),
        ("dot-dot-slash", "../etc", "'/'"),
        ("dot-dot", "..", "must not be '.' or '..'"),
        ("percent-2f", "a%2Fb", "'%'"),
        ("question-mark", "a?b", "'?'"),
        ("hash", "a#b", "'#'"),
        ("space", "my cluster", "whitespace"),
        ("tab", "my\tcluster", "whitespace"),
        ("backslash", "a\\b", "'\\\\'"),
        ("newline", "a\nb", "whitespace"),
    ]
    targets = [
        ("cluster", "name", "must be 3-24 characters"),
        ("endpoint", "name", "must be 3-32 characters"),
        ("deployment", "name", "must be 1-255 characters"),
        ("deployment", "endpoint_name", "must be 3-32 characters"),
        ("routing", "endpoint_name", "must be 3-32 characters"),
        ("workspace", "name", "must be 3-33 characters"),
    ]
    cases = [
        BadInput(base, f"{field}-{label}", {field: value}, field, rule)
        for base, field, _ in targets
        for label, value, rule in hostile
    ]
    # Names that are safe in a URL but break the service's naming rules.
    for base, field, rule in targets:
        cases.append(BadInput(base, f"{field}-unicode", {field: "clüster-ä"}, field, rule))
        cases.append(BadInput(base, f"{field}-too-long", {field: "a" * 300}, field, rule))
        cases.append(BadInput(base, f"{field}-leading-hyphen", {field: "-abc"}, field, rule))
    cases += [
        BadInput("cluster", "name-trailing-digits", {"name": "cluster-1"}, "name", "not ending in '-<digits>'"),
        BadInput("cluster", "name-too-short", {"name": "ab"}, "name", "must be 3-24 characters"),
        BadInput("cluster", "name-25-characters", {"name": "a" * 25}, "name", "must be 3-24 characters"),
        BadInput("endpoint", "name-33-characters", {"name": "a" * 33}, "name", "must be 3-32 characters"),
        BadInput("endpoint", "name-underscore", {"name": "my_endpoint"}, "name", "must be 3-32 characters"),
        BadInput("routing", "deployment-name-slash", {"deployment_name": "a/b"}, "deployment_name", "1-255"),
        BadInput(
            "cluster", "subscription-not-a-guid", {"subscription_id": "my-subscription"}, "subscription_id", "GUID"
        ),
        BadInput("cluster", "subscription-with-slash", {"subscription_id": "x/../y"}, "subscription_id", "'/'"),
        BadInput(
            "endpoint",
            "resource-group-trailing-period",
            {"resource_group_name": "rg."},
            "resource_group_name",
            "must not end with '.'",
        ),
        BadInput(
            "endpoint",
            "resource-group-too-long",
            {"resource_group_name": "r" * 91},
            "resource_group_name",
            "at most 90",
        ),
        BadInput("cluster", "resource-group-star", {"resource_group_name": "rg*"}, "resource_group_name", "letters"),
        BadInput("cluster", "workspace-name-too-short", {"workspace_name": "ws"}, "workspace_name", "3-33"),
    ]
    return cases


def value_cases() -> list[BadInput]:
    scale = cluster("x").inputs["scale_settings"]
    credentials = cluster("x").inputs["user_account_credentials"]
    return [
        # -- types and ranges -------------------------------------------------------------------------------------
        BadInput(
            "cluster",
            "max-nodes-string",
            {"scale_settings": {**scale, "max_node_count": "4"}},
            "scale_settings.max_node_count",
            "whole number",
        ),
        BadInput(
            "cluster",
            "max-nodes-fraction",
            {"scale_settings": {**scale, "max_node_count": 1.5}},
            "scale_settings.max_node_count",
            "whole number",
        ),
        BadInput(
            "cluster",
            "max-nodes-negative",
            {"scale_settings": {**scale, "max_node_count": -1}},
            "scale_settings.max_node_count",
            "at least 0",
        ),
        BadInput(
            "cluster",
            "min-nodes-negative",
            {"scale_settings": {**scale, "min_node_count": -3}},
            "scale_settings.min_node_count",
            "at least 0",
        ),
        BadInput(
            "cluster",
            "min-above-max",
            {"scale_settings": {"max_node_count": 2, "min_node_count": 5}},
            "scale_settings",
            "must not be greater than max_node_count",
        ),
        BadInput(
            "cluster",
            "max-nodes-boolean",
            {"scale_settings": {**scale, "max_node_count": True}},
            "scale_settings.max_node_count",
            "whole number",
        ),
        BadInput(
            "cluster",
            "max-nodes-missing",
            {"scale_settings": {"min_node_count": 0}},
            "scale_settings.max_node_count",
            "is required",
        ),
        BadInput("cluster", "scale-settings-not-object", {"scale_settings": 4}, "scale_settings", "must be an object"),
        BadInput("cluster", "vm-size-number", {"vm_size": 42}, "vm_size", "must be a string"),
        BadInput("cluster", "vm-size-missing", {"vm_size": DELETE}, "vm_size", "is required"),
        BadInput(
            "cluster", "public-ip-string", {"enable_node_public_ip": "yes"}, "enable_node_public_ip", "true or false"
        ),
        BadInput(
            "cluster",
            "public-ip-off-without-subnet",
            {"enable_node_public_ip": False},
            "enable_node_public_ip",
            "needs subnet_id",
        ),
        BadInput("cluster", "subnet-not-an-id", {"subnet_id": "my-subnet"}, "subnet_id", "ARM resource id"),
        BadInput(
            "cluster",
            "image-not-an-id",
            {"virtual_machine_image_id": "ubuntu"},
            "virtual_machine_image_id",
            "ARM resource id",
        ),
        BadInput("cluster", "tags-not-a-map", {"tags": "team=ml"}, "tags", "mapping of strings"),
        BadInput("cluster", "tag-value-number", {"tags": {"cost": 42}}, "tags.cost", "must be a string"),
        BadInput("cluster", "tag-reserved", {"tags": {"pulumi-azureml-owner": "me"}}, "tags", "this package manages"),
        BadInput("cluster", "description-number", {"description": 123}, "description", "must be a string"),
        BadInput(
            "cluster",
            "credentials-without-user",
            {"user_account_credentials": {"admin_user_password": "x"}},
            "user_account_credentials.admin_user_name",
            "is required",
        ),
        BadInput(
            "cluster",
            "credentials-unknown-key",
            {"user_account_credentials": {**credentials, "pwd": "x"}},
            "user_account_credentials.pwd",
            "is not a property",
        ),
        BadInput(
            "instance",
            "schedule-hour-25",
            {
                "schedules": [
                    {
                        **INSTANCE["schedules"][0],
                        "recurrence": {"frequency": "Week", "interval": 1, "schedule": {"hours": [25], "minutes": [0]}},
                    }
                ]
            },
            "schedules[0].recurrence.schedule.hours[0]",
            "at most 23",
        ),
        BadInput(
            "instance",
            "schedule-minute-61",
            {
                "schedules": [
                    {
                        **INSTANCE["schedules"][0],
                        "recurrence": {"frequency": "Week", "interval": 1, "schedule": {"hours": [1], "minutes": [61]}},
                    }
                ]
            },
            "schedules[0].recurrence.schedule.minutes[0]",
            "at most 59",
        ),
        BadInput(
            "instance",
            "schedule-interval-zero",
            {
                "schedules": [
                    {
                        **INSTANCE["schedules"][0],
                        "recurrence": {"frequency": "Week", "interval": 0, "schedule": {"hours": [1], "minutes": [0]}},
                    }
                ]
            },
            "schedules[0].recurrence.interval",
            "at least 1",
        ),
        BadInput(
            "instance",
            "schedule-cron-missing",
            {"schedules": [{"action": "Stop", "trigger_type": "Cron"}]},
            "schedules[0]",
            "cron is required",
        ),
        BadInput("instance", "schedules-not-a-list", {"schedules": {"action": "Stop"}}, "schedules", "must be a list"),
        BadInput(
            "deployment",
            "instance-count-zero",
            {"resources": {"instance_count": 0}},
            "resources.instance_count",
            "at least 1",
        ),
        BadInput(
            "deployment",
            "instance-count-string",
            {"resources": {"instance_count": "two"}},
            "resources.instance_count",
            "whole number",
        ),
        BadInput("deployment", "mini-batch-zero", {"mini_batch_size": 0}, "mini_batch_size", "at least 1"),
        BadInput("deployment", "mini-batch-fraction", {"mini_batch_size": 2.5}, "mini_batch_size", "whole number"),
        BadInput(
            "deployment",
            "concurrency-negative",
            {"max_concurrency_per_instance": -4},
            "max_concurrency_per_instance",
            "at least 1",
        ),
        BadInput(
            "deployment", "error-threshold-below-minus-one", {"error_threshold": -2}, "error_threshold", "at least -1"
        ),
        BadInput(
            "deployment",
            "max-retries-negative",
            {"retry_settings": {"max_retries": -1}},
            "retry_settings.max_retries",
            "at least 0",
        ),
        BadInput("deployment", "compute-not-an-id", {"compute": "cpu-cluster"}, "compute", "ARM resource id"),
        BadInput(
            "deployment",
            "code-id-not-an-id",
            {"code_configuration": {"scoring_script": "s.py", "code_id": "x"}},
            "code_configuration.code_id",
            "ARM resource id",
        ),
        BadInput(
            "deployment",
            "scoring-script-missing",
            {"code_configuration": {"code_id": f"{WORKSPACE_PATH}/c"}},
            "code_configuration.scoring_script",
            "is required",
        ),
        BadInput("deployment", "model-id-missing", {"model": {"reference_type": "Id"}}, "model", "needs asset_id"),
        BadInput(
            "deployment",
            "environment-variables-not-strings",
            {"environment_variables": {"N": 1}},
            "environment_variables.N",
            "must be a string",
        ),
        BadInput(
            "endpoint", "properties-value-number", {"properties": {"team": 7}}, "properties.team", "must be a string"
        ),
        BadInput("endpoint", "keys-without-key-auth", {"auth_mode": "AADToken"}, "keys", "only when auth_mode is Key"),
        BadInput(
            "workspace", "storage-not-an-id", {"storage_account": "streliability"}, "storage_account", "ARM resource id"
        ),
        BadInput("workspace", "key-vault-number", {"key_vault": 12}, "key_vault", "must be a string"),
        # -- enums ------------------------------------------------------------------------------------------------
        BadInput("cluster", "compute-type-unknown", {"compute_type": "GPU"}, "compute_type", "must be one of"),
        BadInput("cluster", "vm-priority-spot", {"vm_priority": "Spot"}, "vm_priority", "must be one of"),
        BadInput("cluster", "os-type-mac", {"os_type": "Mac"}, "os_type", "must be one of"),
        BadInput(
            "cluster",
            "remote-login-maybe",
            {"remote_login_port_public_access": "Maybe"},
            "remote_login_port_public_access",
            "must be one of",
        ),
        BadInput("cluster", "identity-type-magic", {"identity": {"type": "Magic"}}, "identity.type", "must be one of"),
        BadInput(
            "cluster",
            "identity-user-assigned-without-ids",
            {"identity": {"type": "UserAssigned"}},
            "identity",
            "must list at least one",
        ),
        BadInput("cluster", "delete-action-purge", {"delete_action": "Purge"}, "delete_action", "must be one of"),
        BadInput(
            "cluster",
            "instance-field-on-cluster",
            {"power_state": "Running"},
            "power_state",
            "applies only to compute_type ComputeInstance",
        ),
        BadInput("instance", "power-state-paused", {"power_state": "Paused"}, "power_state", "must be one of"),
        BadInput(
            "instance",
            "schedule-action-pause",
            {"schedules": [{**INSTANCE["schedules"][0], "action": "Pause"}]},
            "schedules[0].action",
            "must be one of",
        ),
        BadInput(
            "instance",
            "frequency-fortnight",
            {
                "schedules": [
                    {
                        **INSTANCE["schedules"][0],
                        "recurrence": {
                            "frequency": "Fortnight",
                            "interval": 1,
                            "schedule": {"hours": [1], "minutes": [0]},
                        },
                    }
                ]
            },
            "schedules[0].recurrence.frequency",
            "must be one of",
        ),
        BadInput(
            "instance",
            "week-day-funday",
            {
                "schedules": [
                    {
                        **INSTANCE["schedules"][0],
                        "recurrence": {
                            "frequency": "Week",
                            "interval": 1,
                            "schedule": {"hours": [1], "minutes": [0], "week_days": ["Funday"]},
                        },
                    }
                ]
            },
            "schedules[0].recurrence.schedule.week_days[0]",
            "must be one of",
        ),
        BadInput(
            "instance",
            "sharing-policy-public",
            {"application_sharing_policy": "Public"},
            "application_sharing_policy",
            "must be one of",
        ),
        BadInput("endpoint", "auth-mode-password", {"auth_mode": "Password"}, "auth_mode", "must be one of"),
        BadInput(
            "endpoint",
            "identity-user-assigned",
            {"identity": {"type": "UserAssigned", "user_assigned_identities": [f"{WORKSPACE_PATH}/x"]}},
            "identity.type",
            "must be one of",
        ),
        BadInput(
            "deployment", "output-action-everything", {"output_action": "Everything"}, "output_action", "must be one of"
        ),
        BadInput(
            "deployment", "logging-level-verbose", {"logging_level": "Verbose"}, "logging_level", "must be one of"
        ),
        BadInput(
            "deployment",
            "reference-type-url",
            {"model": {"reference_type": "Url", "asset_id": "x"}},
            "model.reference_type",
            "must be one of",
        ),
        BadInput(
            "workspace",
            "public-access-sometimes",
            {"public_network_access": "Sometimes"},
            "public_network_access",
            "must be one of",
        ),
        BadInput("attached", "resource-id-missing", {"resource_id": DELETE}, "resource_id", "is required"),
        BadInput("attached", "vm-size-on-attached", {"vm_size": "STANDARD_DS3_V2"}, "vm_size", "applies only"),
        # -- durations --------------------------------------------------------------------------------------------
        BadInput(
            "cluster",
            "idle-scale-down-words",
            {"scale_settings": {**scale, "node_idle_time_before_scale_down": "5 minutes"}},
            "scale_settings.node_idle_time_before_scale_down",
            "ISO-8601",
        ),
        BadInput(
            "cluster",
            "idle-scale-down-bare-p",
            {"scale_settings": {**scale, "node_idle_time_before_scale_down": "P"}},
            "scale_settings.node_idle_time_before_scale_down",
            "ISO-8601",
        ),
        BadInput(
            "cluster",
            "idle-scale-down-hours-without-t",
            {"scale_settings": {**scale, "node_idle_time_before_scale_down": "P1H"}},
            "scale_settings.node_idle_time_before_scale_down",
            "ISO-8601",
        ),
        BadInput(
            "cluster",
            "idle-scale-down-number",
            {"scale_settings": {**scale, "node_idle_time_before_scale_down": 300}},
            "scale_settings.node_idle_time_before_scale_down",
            "must be a string",
        ),
        BadInput(
            "instance",
            "idle-shutdown-too-short",
            {"idle_time_before_shutdown": "PT5M"},
            "idle_time_before_shutdown",
            "between 15 minute(s) and 3 day(s)",
        ),
        BadInput(
            "instance",
            "idle-shutdown-too-long",
            {"idle_time_before_shutdown": "P4D"},
            "idle_time_before_shutdown",
            "between 15 minute(s) and 3 day(s)",
        ),
        BadInput(
            "instance",
            "idle-shutdown-not-iso",
            {"idle_time_before_shutdown": "30m"},
            "idle_time_before_shutdown",
            "ISO-8601",
        ),
        BadInput(
            "deployment",
            "retry-timeout-seconds-suffix",
            {"retry_settings": {"timeout": "30s"}},
            "retry_settings.timeout",
            "ISO-8601",
        ),
        BadInput(
            "deployment",
            "retry-timeout-empty",
            {"retry_settings": {"timeout": ""}},
            "retry_settings.timeout",
            "ISO-8601",
        ),
        BadInput("cluster", "timeouts-forever", {"timeouts": {"create": "forever"}}, "timeouts", "create must be"),
        BadInput("cluster", "timeouts-zero", {"timeouts": {"delete": 0}}, "timeouts", "between 1 second and 24 hours"),
        BadInput("endpoint", "timeouts-two-days", {"timeouts": {"update": "P2D"}}, "timeouts", "between 1 second"),
        BadInput("cluster", "api-version-latest", {"api_version": "latest"}, "api_version", "must look like"),
        # -- empty tag values (batch endpoints and deployments) ---------------------------------------------------
        BadInput("endpoint", "tag-value-empty", {"tags": {"env": ""}}, "tags", "must not be empty"),
        BadInput("deployment", "tag-value-empty", {"tags": {"model": "", "x": "y"}}, "tags", "must not be empty"),
        # -- unknown fields ---------------------------------------------------------------------------------------
        BadInput("cluster", "camel-case-field", {"vmSize": "STANDARD_DS3_V2"}, "vmSize", "is not a property"),
        BadInput("cluster", "misspelt-field", {"colour": "blue"}, "colour", "is not a property"),
        BadInput(
            "cluster",
            "unknown-nested-field",
            {"scale_settings": {**scale, "max_nodes": 3}},
            "scale_settings.max_nodes",
            "is not a property",
        ),
        BadInput("endpoint", "unknown-field", {"traffic": {"blue": 100}}, "traffic", "is not a property"),
        BadInput("deployment", "unknown-field", {"instance_type": "x"}, "instance_type", "is not a property"),
        BadInput("routing", "unknown-field", {"traffic": 100}, "traffic", "is not a property"),
        BadInput("workspace", "unknown-field", {"storage": "x"}, "storage", "is not a property"),
        BadInput(
            "instance",
            "unknown-schedule-field",
            {"schedules": [{**INSTANCE["schedules"][0], "when": "x"}]},
            "schedules[0].when",
            "is not a property",
        ),
        # -- oversized values and bodies --------------------------------------------------------------------------
        BadInput("cluster", "tag-name-too-long", {"tags": {"k" * 513: "v"}}, "tags", "at most 512 characters"),
        BadInput("cluster", "tag-value-too-long", {"tags": {"team": "v" * 257}}, "tags", "at most 256 characters"),
        BadInput("cluster", "too-many-tags", {"tags": {f"tag{i}": "v" for i in range(51)}}, "tags", "at most 50"),
        BadInput("endpoint", "tag-name-forbidden-character", {"tags": {"a/b": "v"}}, "tags", "must not contain"),
        BadInput("cluster", "oversized-description", {"description": "d" * (5 * 1024 * 1024)}, "description", "4 MB"),
        BadInput(
            "cluster",
            "oversized-property-bag",
            {"property_bag": {"blob": "x" * (5 * 1024 * 1024)}},
            "property_bag",
            "4 MB",
        ),
        BadInput(
            "deployment",
            "oversized-environment",
            {"environment_variables": {f"V{i}": "x" * 1024 for i in range(5000)}},
            "environment_variables",
            "4 MB",
        ),
    ]


# -- online endpoints (issue 18): bad traffic splits and deployment values, refused at check with 0 requests --
BASES.update(
    {
        "online": ("OnlineEndpoint", online_endpoint("online").inputs),
        "online-deployment": ("OnlineDeployment", online_deployment("online", "blue").inputs),
        "traffic": ("OnlineEndpointTraffic", online_traffic("online", {"blue": 100}).inputs),
    }
)


def online_cases() -> list[BadInput]:
    return [
        BadInput("traffic", "sum-below-100", {"traffic": {"blue": 60, "green": 30}}, "traffic", "must sum to 100"),
        BadInput("traffic", "sum-above-100", {"traffic": {"blue": 100, "green": 10}}, "traffic", "must sum to 100"),
        BadInput("traffic", "fraction", {"traffic": {"blue": 50.5, "green": 49.5}}, "traffic", "whole numbers"),
        BadInput("traffic", "negative", {"traffic": {"blue": 101, "green": -1}}, "traffic", "from 0 to 100"),
        BadInput("traffic", "string-percent", {"traffic": {"blue": "100"}}, "traffic", "whole numbers"),
        BadInput("traffic", "bad-deployment-name", {"traffic": {"../blue": 100}}, "traffic", "names deployments"),
        BadInput("traffic", "not-a-mapping", {"traffic": ["blue"]}, "traffic", "mapping of deployment names"),
        BadInput("traffic", "missing", {"traffic": DELETE}, "traffic", "required"),
        BadInput("traffic", "mirror-over-50", {"mirror_traffic": {"green": 60}}, "mirror_traffic", "from 0 to 50"),
        BadInput(
            "traffic",
            "mirror-sum-over-50",
            {"mirror_traffic": {"green": 30, "red": 30}},
            "mirror_traffic",
            "at most 50",
        ),
        BadInput("traffic", "endpoint-name-slash", {"endpoint_name": "a/b"}, "endpoint_name", "must"),
        BadInput("online", "auth-mode-typo", {"auth_mode": "Keys"}, "auth_mode", "did you mean"),
        BadInput("online", "keys-without-key-auth", {"auth_mode": "AMLToken"}, "keys", "applies only"),
        BadInput("online", "compute-short-form-bad", {"compute": "azureml:"}, "compute", "must be"),
        BadInput("online", "public-access-typo", {"public_network_access": "Open"}, "public_network_access", "one of"),
        BadInput("online-deployment", "model-label", {"model": "azureml:churn@latest"}, "model", "label"),
        BadInput("online-deployment", "instance-count-zero", {"instance_count": 0}, "instance_count", "at least"),
        BadInput(
            "online-deployment",
            "compute-type-typo",
            {"endpoint_compute_type": "Managd"},
            "endpoint_compute_type",
            "did you mean",
        ),
        BadInput(
            "online-deployment",
            "default-scale-with-bounds",
            {"scale_settings": {"scale_type": "Default", "max_instances": 3}},
            "scale_settings",
            "applies only to scale_type TargetUtilization",
        ),
        BadInput(
            "online-deployment",
            "scale-min-above-max",
            {"scale_settings": {"scale_type": "TargetUtilization", "min_instances": 4, "max_instances": 2}},
            "scale_settings",
            "must not exceed",
        ),
        BadInput(
            "online-deployment",
            "bad-request-timeout",
            {"request_settings": {"request_timeout": "5 seconds"}},
            "request_settings.request_timeout",
            "duration",
        ),
        BadInput(
            "online-deployment",
            "kubernetes-only-field",
            {"container_resource_requirements": {"containerResourceLimits": {"cpu": "1"}}},
            "container_resource_requirements",
            "applies only",
        ),
    ]


CASES = name_cases() + value_cases() + online_cases()


def asset_cases() -> list[BadInput]:
    """Asset versions (issue 17): the source (path or uri, and the program's hash), names, versions, types."""
    path = {"path": "src", "uri": DELETE, "content_hash": "sha256:" + "0" * 64}
    cases = [
        BadInput("code", "path-and-uri", {"path": "src"}, "path", "not both"),
        BadInput("code", "neither-path-nor-uri", {"uri": DELETE}, "path", "is required"),
        BadInput("code", "path-without-hash", {**path, "content_hash": DELETE}, "content_hash", "is missing"),
        BadInput("code", "hash-not-sha256", {**path, "content_hash": "md5:abc"}, "content_hash", "must be sha256:"),
        BadInput("model", "archived-not-boolean", {"is_archived": "yes"}, "is_archived", "must be true or false"),
        BadInput("data", "type-unknown", {"data_type": "table"}, "data_type", "must be one of uri_file"),
        BadInput("data", "type-missing", {"data_type": DELETE}, "data_type", "is required"),
        BadInput("data", "referenced-uris-not-mltable", {"referenced_uris": ["a"]}, "referenced_uris", "mltable"),
        BadInput("code", "unknown-field", {"surprise": 1}, "surprise", "is not a property of CodeVersion"),
        BadInput("model", "tag-not-string", {"tags": {"a": 1.5}}, "tags.a", "must be a string"),
    ]
    for base in ("code", "model", "data"):
        cases.append(BadInput(base, "name-leading-hyphen", {"name": "-abc"}, "name", "must be 1-255 characters"))
        cases.append(BadInput(base, "name-slash", {"name": "a/b"}, "name", "'/'"))
        cases.append(BadInput(base, "version-leading-dot", {"version": ".1"}, "version", "must be 1-100 characters"))
        cases.append(BadInput(base, "version-space", {"version": "1 2"}, "version", "whitespace"))
    return cases


CASES = CASES + asset_cases()  # (this line once replaced CASES, dropping the online cases above)


def test_the_catalogue_has_over_a_hundred_cases_across_every_kind() -> None:
    assert len(CASES) >= 100, len(CASES)
    assert {case.kind for case in CASES} >= {
        "Compute",
        "BatchEndpoint",
        "BatchDeployment",
        "BatchEndpointDefaultDeployment",
        "Workspace",
    }


@pytest.mark.parametrize("base", sorted(BASES))
def test_every_base_is_valid(
    emulator: EmulatorServer, make_provider: Callable[[str], AzureMLProvider], base: str
) -> None:
    kind, inputs = BASES[base]
    result = make_provider(kind).check({}, over_the_wire(inputs))
    assert not result.failures, [(failure.property, failure.reason) for failure in result.failures]


@pytest.mark.parametrize("case", CASES, ids=[case.case_id for case in CASES])
def test_bad_input_is_refused_by_check_without_any_request(
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    case: BadInput,
) -> None:
    install_client(fast_client(emulator))
    result = make_provider(case.kind).check({}, over_the_wire(case.inputs()))
    failures = [(failure.property, failure.reason) for failure in result.failures]
    assert failures, f"{case.case_id}: accepted"
    matching = [reason for prop, reason in failures if prop == case.field]
    assert matching, f"{case.case_id}: no failure names {case.field!r}: {failures}"
    assert any(case.rule.lower() in reason.lower() for reason in matching), (
        f"{case.case_id}: {case.field} failed for another reason: {matching}"
    )
    assert emulator.requests_log() == []


HOST_SAMPLE = [
    "cluster-name-dot-dot-slash",
    "cluster-name-trailing-digits",
    "cluster-max-nodes-fraction",
    "cluster-min-above-max",
    "instance-idle-shutdown-too-short",
    "endpoint-tag-value-empty",
    "deployment-logging-level-verbose",
    "routing-endpoint_name-percent-2f",
    "workspace-storage-not-an-id",
    "cluster-camel-case-field",
]


@pytest.mark.timeout(60)
def test_a_sample_is_refused_through_the_host_in_preview_and_up(tmp_path: Path, emulator: EmulatorServer) -> None:
    by_id = {case.case_id: case for case in CASES}
    stack = host_stack(tmp_path, emulator)
    for index, case_id in enumerate(HOST_SAMPLE):
        case = by_id[case_id]
        declared = {"subject": _declared(case)}
        # Every case in a preview; a few in an up too (each verb starts a host).
        for verb in (stack.preview, stack.up) if index % 3 == 0 else (stack.preview,):
            with pytest.raises(CheckFailed) as raised:
                verb(program_of(declared))
            text = str(raised.value)
            assert case.field in text and case.rule.lower() in text.lower(), f"{case_id}: {text}"
        assert emulator.requests_log() == [], f"{case_id}: a request was made"
    assert stack.state().resources == [] or all(not r.is_dynamic for r in stack.state().resources)


def _declared(case: BadInput) -> Declared:
    inputs = case.inputs()
    if "name" not in inputs and case.kind in ("Compute", "BatchEndpoint", "Workspace"):
        inputs["name"] = "subject"
    return Declared(case.kind, inputs)


# -- Datastores and environment versions (issue 17) ------------------------------------------------------------
from reliability.catalogue import (  # noqa: E402
    ACCOUNT_KEY,
    CLIENT_SECRET,
    SAS_TOKEN,
    datastore,
    environment_version,
    lake_datastore,
)

BASES.update(
    {
        "datastore": ("Datastore", datastore("landing").inputs),
        "lake": ("Datastore", lake_datastore("lake").inputs),
        "environment": ("EnvironmentVersion", environment_version("sklearn").inputs),
    }
)


def datastore_environment_cases() -> list[BadInput]:
    cases = [
        BadInput(base, f"name-{label}", {"name": value}, "name", rule)
        for base in ("datastore", "environment")
        for label, value, rule in (
            ("leading-hyphen", "-abc", "1-255 characters"),
            ("too-long", "a" * 300, "1-255 characters"),
            ("slash", "a/b", "'/'"),
            ("empty", "", "must not be empty"),
        )
    ]
    return cases + [
        BadInput("datastore", "type-unknown", {"datastore_type": "AzureDataLakeGen1"}, "datastore_type", "one of"),
        BadInput("datastore", "type-missing", {"datastore_type": DELETE}, "datastore_type", "is required"),
        BadInput("datastore", "account-missing", {"account_name": DELETE}, "account_name", "is required"),
        BadInput("datastore", "container-missing", {"container_name": DELETE}, "container_name", "is required"),
        BadInput("datastore", "filesystem-on-blob", {"filesystem": "x"}, "filesystem", "applies only to"),
        BadInput("lake", "filesystem-missing", {"filesystem": DELETE}, "filesystem", "is required"),
        BadInput(
            "lake",
            "account-key-on-lake",
            {"account_key": ACCOUNT_KEY, "client_secret": DELETE},
            "account_key",
            "does not work with",
        ),
        BadInput("lake", "tenant-not-guid", {"tenant_id": "contoso"}, "tenant_id", "GUID"),
        BadInput("lake", "client-id-missing", {"client_id": DELETE}, "client_id", "is required"),
        BadInput("datastore", "two-secrets", {"sas_token": SAS_TOKEN}, "credentials_type", "both set"),
        BadInput("datastore", "key-for-sas", {"credentials_type": "Sas"}, "sas_token", "is required"),
        BadInput("datastore", "secret-for-none", {"credentials_type": "None"}, "account_key", "does not apply"),
        BadInput("datastore", "key-not-a-string", {"account_key": 123456789}, "account_key", "must be a string"),
        BadInput(
            "datastore",
            "credentials-type-typo",
            {"credentials_type": "AcountKey"},
            "credentials_type",
            "did you mean AccountKey",
        ),
        BadInput("datastore", "is-default-false", {"is_default": False}, "is_default", "can only be true"),
        BadInput(
            "datastore",
            "auth-identity-unknown",
            {"service_data_access_auth_identity": "Workspace"},
            "service_data_access_auth_identity",
            "one of",
        ),
        BadInput(
            "datastore", "unknown-field", {"connection_string": CLIENT_SECRET}, "connection_string", "is not a property"
        ),
        BadInput(
            "environment",
            "image-and-build",
            {"build": {"context_uri": "https://x/ctx/"}},
            "build",
            "cannot be set together with image",
        ),
        BadInput("environment", "no-image", {"image": DELETE}, "image", "is required unless build"),
        BadInput(
            "environment",
            "conda-with-build",
            {"image": DELETE, "build": {"context_uri": "https://x/ctx/"}},
            "conda_file",
            "only goes with image",
        ),
        BadInput("environment", "version-missing", {"version": DELETE}, "version", "is required"),
        BadInput("environment", "version-slash", {"version": "1/2"}, "version", "'/'"),
        BadInput("environment", "os-type", {"os_type": "Darwin"}, "os_type", "one of"),
        BadInput(
            "environment",
            "build-without-context",
            {"image": DELETE, "conda_file": DELETE, "build": {}},
            "build.context_uri",
            "is required",
        ),
        BadInput(
            "environment",
            "port-fraction",
            {"inference_config": {"scoring_route": {"path": "/score", "port": 80.5}}},
            "inference_config.scoring_route.port",
            "whole number",
        ),
        BadInput(
            "environment",
            "port-out-of-range",
            {"inference_config": {"scoring_route": {"path": "/score", "port": 0}}},
            "inference_config.scoring_route.port",
            "at least 1",
        ),
        BadInput("environment", "archived-string", {"is_archived": "yes"}, "is_archived", "true or false"),
    ]


DATASTORE_ENVIRONMENT_CASES = datastore_environment_cases()


@pytest.mark.parametrize(
    "case", DATASTORE_ENVIRONMENT_CASES, ids=[case.case_id for case in DATASTORE_ENVIRONMENT_CASES]
)
def test_datastore_and_environment_bad_input_is_refused_without_any_request(
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    case: BadInput,
) -> None:
    test_bad_input_is_refused_by_check_without_any_request(emulator, install_client, make_provider, case)


@pytest.mark.parametrize(
    "case", DATASTORE_ENVIRONMENT_CASES, ids=[case.case_id for case in DATASTORE_ENVIRONMENT_CASES]
)
def test_datastore_failures_never_show_a_credential(
    emulator: EmulatorServer, make_provider: Callable[[str], AzureMLProvider], case: BadInput
) -> None:
    result = make_provider(case.kind).check({}, over_the_wire(case.inputs()))
    text = " ".join(f"{failure.property} {failure.reason}" for failure in result.failures)
    for secret in (ACCOUNT_KEY, SAS_TOKEN, CLIENT_SECRET, "123456789"):
        assert secret not in text, case.case_id


# -- end of datastores and environment versions -----------------------------------------------------------------


# -- every kind, from its spec (issue 23) ----------------------------------------------------------------------------
# The base of each kind is its spec's ``sample_inputs``, and the spec's own declarations say what to break: one
# declared rule at a time, for every field that applies to the sample. A new kind is covered by declaring them.
from pulumi_azureml.schema import Field, ResourceSpec  # noqa: E402
from pulumi_azureml.specs import SPECS  # noqa: E402

BASES.update({kind: (kind, dict(spec.sample_inputs or {})) for kind, spec in SPECS.items()})


def _breaks(field_: Field) -> list[tuple[str, Any, str]]:
    """(label, value, words of the rule) that each break one rule of the field's declaration."""
    breaks: list[tuple[str, Any, str]] = []
    if field_.type == "string":
        breaks.append(("number", 12, "must be a string"))
        if field_.choices:
            breaks.append(("unknown-choice", "NoSuchChoice", "must be one of"))
        elif not field_.pattern and field_.validate is None:  # (a field's own rule refuses a blank its own way)
            breaks.append(("blank", " ", "must not be blank"))
    elif field_.type == "integer":
        breaks.append(("fraction", 1.5, "whole number"))
        if field_.maximum is not None:
            breaks.append(("past-maximum", int(field_.maximum) + 1, "must be at most"))
    elif field_.type == "boolean":
        breaks.append(("string", "yes", "true or false"))
    elif field_.type == "object":
        breaks.append(("list", ["x"], "must be an object"))
    elif field_.type == "list":
        breaks.append(("object", {"a": "b"}, "must be a list"))
    elif field_.type == "map":
        breaks.append(("string", "x", "mapping of strings"))
    return breaks


def spec_cases() -> list[BadInput]:
    cases: list[BadInput] = []
    for kind, spec in sorted(SPECS.items()):
        sample = BASES[kind][1]
        selector = str(sample.get(spec.discriminator, "")) if spec.discriminator else ""
        cases.append(BadInput(kind, "misspelt-property", {"descriptoin": "x"}, "descriptoin", "did you mean"))
        for field_ in spec.placement:
            if field_.name in sample:
                cases.append(
                    BadInput(kind, f"{field_.name}-empty", {field_.name: ""}, field_.name, "must not be empty")
                )
                cases.append(BadInput(kind, f"{field_.name}-slash", {field_.name: "a/b"}, field_.name, "'/'"))
        for field_ in spec.fields:
            if field_.applies_to and selector not in field_.applies_to:
                continue
            for label, value, rule in _breaks(field_):
                cases.append(BadInput(kind, f"{field_.name}-{label}", {field_.name: value}, field_.name, rule))
            value = sample.get(field_.name)
            if field_.type == "object" and isinstance(value, dict):
                for sub in field_.fields:
                    if sub.name in value:
                        for label, bad, rule in _breaks(sub):
                            where = f"{field_.name}.{sub.name}"
                            cases.append(
                                BadInput(kind, f"{where}-{label}", {field_.name: {**value, sub.name: bad}}, where, rule)
                            )
    return cases


SPEC_CASES = spec_cases()


def test_every_kind_has_spec_derived_bad_inputs() -> None:
    """No kind is left out: each spec's sample is a base here, and its declarations yield cases."""
    spec: ResourceSpec
    for kind, spec in SPECS.items():
        assert spec.sample_inputs, f"{kind} declares no sample_inputs"
        assert sum(case.kind == kind for case in SPEC_CASES) >= 5, kind


@pytest.mark.parametrize("case", SPEC_CASES, ids=[case.case_id for case in SPEC_CASES])
def test_spec_derived_bad_input_is_refused_without_any_request(
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    case: BadInput,
) -> None:
    test_bad_input_is_refused_by_check_without_any_request(emulator, install_client, make_provider, case)
