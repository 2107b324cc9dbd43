"""Online endpoints, online deployments and the endpoint's traffic split, as data.

Facts from the REST specification (Azure/azure-rest-api-specs, ``specification/machinelearningservices/
resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/mfe.json``: ``OnlineEndpointTrackedResource``,
``OnlineDeploymentTrackedResource``, ``PartialMinimalTrackedResourceWithIdentity``,
``PartialMinimalTrackedResourceWithSku``) and its official examples (``examples/Workspace/OnlineEndpoint/*``).

OnlineEndpoint update/replace table:

=========================  =========  ===================================================================
field                      how        why
=========================  =========  ===================================================================
placement, location        replace    path parameters; TrackedResource location is [read, create]
keys                       replace    spec x-ms-mutability [create]; write-only secret
compute                    replace    the Kubernetes compute the deployments run on; not moved in place
tags, identity             PATCH      PartialMinimalTrackedResourceWithIdentity accepts exactly these
properties (added keys)    PUT        "Properties can be added, but not removed or altered"
properties (changed keys)  replace    ... so removing or altering an entry needs a new endpoint
auth_mode, description,    PUT        no x-ms-mutability (create, read, update); PATCH does not take them
public_network_access,
kind, sku
traffic, mirror traffic    (none)     owned by OnlineEndpointTraffic; kept through the endpoint's PUTs
=========================  =========  ===================================================================

OnlineDeployment: tags and the instance count (``sku.capacity``) by PATCH (``PartialMinimalTrackedResourceWithSku``);
``endpoint_compute_type``, ``instance_type`` (x-ms-mutability [create, read]) and ``code_configuration`` (``codeId``
and ``scoringScript`` [create, read]) replace; everything else (model, environment, scale and request settings,
probes, environment variables, app insights, egress, data collector) by PUT.

Traffic: ``OnlineEndpointTraffic`` owns the endpoint's ``traffic`` and ``mirrorTraffic`` (properties of the
endpoint, written by a read-modify-write PUT of it). It is created after the deployments it names, so one
``pulumi up`` creates endpoint → deployments → traffic without a cycle; a blue/green shift is an update of it, and a
deployment the split no longer names can be deleted in the next ``up`` (Pulumi deletes removed resources after
every create and update). The endpoint declares no traffic field and carries the current split through its own
PUT updates (``preserve_on_put``), so the two never fight.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_azureml import assets
from pulumi_azureml.quoting import quote
from pulumi_azureml.schema import (
    Field,
    Output,
    ResourceSpec,
    Timeouts,
    asset_id_equivalent,
    case_insensitive_equivalent,
    duration_equivalent,
    is_unknown,
    split_equivalent,
    whole_number,
)
from pulumi_azureml.specs.batch import (
    DEPLOYMENT_NAME_PATTERN,
    DEPLOYMENT_NAME_RULE,
    PROPERTY_BAG_SOURCE,
    add_only_properties,
    asset_id,
    endpoint_keys,
    endpoint_name_field,
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
from pulumi_azureml.validation import INT32_MAX, arm_id, iso_duration

ENDPOINT_PATH = WORKSPACE_PATH + "/onlineEndpoints/{endpoint_name}"
DEPLOYMENT_PATH = ENDPOINT_PATH + "/deployments/{name}"

_SWAGGER = "mfe.json 2025-12-01"
_NO_MUTABILITY = f"PUT: {_SWAGGER} declares no x-ms-mutability (create, read, update) and PATCH does not take it"
_ENDPOINT_PATCH = f"PATCH: PartialMinimalTrackedResourceWithIdentity ({_SWAGGER}) takes tags and identity"
_DEPLOYMENT_PATCH = f"PATCH: PartialMinimalTrackedResourceWithSku ({_SWAGGER}) takes tags and sku"
_DEPLOYMENT_PUT = f"PUT: {_SWAGGER} declares it updatable; PATCH takes only tags and sku"
_MOVE_TRAFFIC_FIRST = "the service refuses to delete a deployment that gets traffic: move it to another one first"


def _expand_compute(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """``check``: ``azureml:<compute name>`` to the compute's ARM id (``assets.expand``)."""
    if inputs.get("compute") is None:
        return []
    expanded, reason = assets.expand(inputs["compute"], "computes", inputs)
    if reason:
        return [("compute", reason)]
    inputs["compute"] = expanded
    return []


ONLINE_ENDPOINT = ResourceSpec(
    kind="OnlineEndpoint",
    noun="online endpoint",
    path=ENDPOINT_PATH.replace("{endpoint_name}", "{name}"),
    placement=(
        SUBSCRIPTION_ID,
        RESOURCE_GROUP_NAME,
        WORKSPACE_NAME,
        endpoint_name_field("name", "Endpoint name. Default: the Pulumi resource name."),
    ),
    fields=(
        location_field(description="Region. Default: the workspace's location.", from_workspace=True),
        Field(
            "auth_mode",
            wire="properties.authMode",
            default="Key",
            choices=("AADToken", "AMLToken", "Key"),
            update="put",
            update_source=_NO_MUTABILITY,
            description="Key (default; keys are secret outputs), AMLToken or AADToken.",
        ),
        Field("description", wire="properties.description", update="put", update_source=_NO_MUTABILITY),
        Field(
            "compute",
            wire="properties.compute",
            validate=arm_id,
            equivalent=case_insensitive_equivalent,
            update_source="the Kubernetes compute its deployments run on: the service does not move them",
            description="Kubernetes endpoints only: the attached Kubernetes compute's ARM id, or azureml:<name>.",
        ),
        Field(
            "public_network_access",
            wire="properties.publicNetworkAccess",
            choices=("Enabled", "Disabled"),
            server_default=True,
            update="put",
            update_source=_NO_MUTABILITY,
            description="Enabled (service default) or Disabled (reachable through private endpoints only).",
        ),
        Field(
            "properties",
            wire="properties.properties",
            type="map",
            update=add_only_properties,
            update_source=PROPERTY_BAG_SOURCE,
            server_adds_keys=True,
        ),
        Field(
            "keys",
            wire="properties.keys",
            type="object",
            secret=True,
            write_only=True,
            description="Key auth only: initial primary/secondary keys (generated by the service when omitted).",
            update_source="spec x-ms-mutability [create], x-ms-secret",
            fields=(
                Field("primary_key", wire="primaryKey"),
                Field("secondary_key", wire="secondaryKey"),
            ),
        ),
        identity_field("patch", _ENDPOINT_PATCH),
        Field("kind", wire="kind", update="put", update_source=_NO_MUTABILITY),
        sku_field("put", _NO_MUTABILITY),
        tags_field("patch", _ENDPOINT_PATCH),
        *META_FIELDS,
    ),
    outputs=(
        Output("resource_type", "type"),
        Output("scoring_uri", "properties.scoringUri"),
        Output("swagger_uri", "properties.swaggerUri"),
        Output("provisioning_state", "properties.provisioningState"),
        # Only the creation half: an OnlineEndpointTraffic of the same stack writes the endpoint after its create.
        Output("system_data", "systemData", type="any", only_keys=("createdAt", "createdBy", "createdByType")),
        Output("identity_principal_id", "identity.principalId"),
        Output("identity_tenant_id", "identity.tenantId"),
        Output("identity_user_assigned_identities", "identity.userAssignedIdentities", type="any"),
        Output("primary_key", "", secret=True),
        Output("secondary_key", "", secret=True),
    ),
    timeouts=Timeouts(create=1800, update=1800, delete=1800),
    preserve_on_put=("properties.traffic", "properties.mirrorTraffic"),
    extra_outputs=endpoint_keys("listKeys"),
    expand=_expand_compute,
    validate=lambda inputs: (
        [("keys", "applies only when auth_mode is Key")]
        if inputs.get("keys") and str(inputs.get("auth_mode")) != "Key"
        else []
    ),
    sample_inputs={
        "name": "online",
        "auth_mode": "Key",
        "keys": {"primary_key": "sample-primary-key-0123456789", "secondary_key": "sample-secondary-key-0123456789"},
    },
)


def expand_deployment_assets(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """``check``: model, environment and code references in the form the service receives (``assets.expand``)."""
    failures: list[tuple[str, str]] = []

    def visit(container: Any, key: str, collection: str, where: str) -> None:
        if not isinstance(container, dict) or container.get(key) is None:
            return
        expanded, reason = assets.expand(container[key], collection, inputs)
        if reason:
            failures.append((where, reason))
        else:
            container[key] = expanded

    visit(inputs, "model", "models", "model")
    visit(inputs, "environment_id", "environments", "environment_id")
    visit(inputs.get("code_configuration"), "code_id", "codes", "code_configuration.code_id")
    return failures


def _instance_count_wire(count: Any) -> dict[str, Any]:
    # The deployment's instance count is its SKU capacity; the SKU name the service uses is "Default".
    return {"name": "Default", "capacity": count}


def _instance_count_from_wire(sku: Any) -> Any:
    return sku.get("capacity") if isinstance(sku, Mapping) else None


def _probe(name: str) -> Field:
    return Field(
        name,
        wire=f"properties.{_camel(name)}",
        type="object",
        server_default=True,
        update="put",
        update_source=_DEPLOYMENT_PUT,
        fields=(
            Field(
                "failure_threshold",
                wire="failureThreshold",
                type="integer",
                minimum=1,
                maximum=INT32_MAX,
                server_default=True,
            ),
            Field(
                "success_threshold",
                wire="successThreshold",
                type="integer",
                minimum=1,
                maximum=INT32_MAX,
                server_default=True,
            ),
            Field(
                "initial_delay",
                wire="initialDelay",
                validate=iso_duration,
                equivalent=duration_equivalent,
                server_default=True,
            ),
            Field("period", wire="period", validate=iso_duration, equivalent=duration_equivalent, server_default=True),
            Field(
                "timeout", wire="timeout", validate=iso_duration, equivalent=duration_equivalent, server_default=True
            ),
        ),
    )


def _camel(snake: str) -> str:
    first, *rest = snake.split("_")
    return first + "".join(part.title() for part in rest)


def _scale_check(value: Any) -> str | None:
    if value.get("scale_type") == "Default":
        extra = sorted(key for key in value if key != "scale_type" and value[key] is not None)
        if extra:
            return f"{', '.join(extra)} applies only to scale_type TargetUtilization"
    low, high = whole_number(value.get("min_instances")), whole_number(value.get("max_instances"))
    if low is not None and high is not None and low > high:
        return f"min_instances ({low}) must not exceed max_instances ({high})"
    return None


_CONTAINER_RESOURCES = ("containerResourceLimits", "containerResourceRequests")


def _container_resources_check(value: Any) -> str | None:
    """mfe.json ContainerResourceRequirements: limits and requests, each ContainerResourceSettings (cpu, gpu,
    memory: strings such as "1" or "2Gi"); the service refuses any other member at create."""
    for key, settings in value.items():
        if key not in _CONTAINER_RESOURCES:
            return f"takes only {' and '.join(_CONTAINER_RESOURCES)}, not {quote(str(key))}"
        if not isinstance(settings, Mapping):
            return f"{key} must be an object of cpu, gpu and memory"
        for name, amount in settings.items():
            if name not in ("cpu", "gpu", "memory"):
                return f"{key} takes only cpu, gpu and memory, not {quote(str(name))}"
            if not isinstance(amount, str):
                return f"{key}.{name} must be a string such as '1' or '2Gi', got {quote(amount)}"
    return None


_LOWER_CASE_NAMES = (
    "the service stores an online deployment's name in lower case and refuses a traffic split that spells it "
    "otherwise (Azure/azure-sdk-for-python#28715)"
)


def _lower_case_name(value: Any) -> str | None:
    if isinstance(value, str) and value != value.lower():
        return f"must be lower case ({quote(value.lower())}): {_LOWER_CASE_NAMES}"
    return None


ONLINE_DEPLOYMENT = ResourceSpec(
    kind="OnlineDeployment",
    noun="online deployment",
    path=DEPLOYMENT_PATH,
    placement=(
        SUBSCRIPTION_ID,
        RESOURCE_GROUP_NAME,
        WORKSPACE_NAME,
        endpoint_name_field("endpoint_name", "Name of the online endpoint (e.g. an OnlineEndpoint's name)."),
        Field(
            "name",
            required=True,
            pattern=DEPLOYMENT_NAME_PATTERN,
            pattern_rule=DEPLOYMENT_NAME_RULE,
            validate=_lower_case_name,
            description="Deployment name, in lower case. Default: the Pulumi resource name.",
            equivalent=case_insensitive_equivalent,
        ),
    ),
    fields=(
        location_field(description="Region. Default: the workspace's location.", from_workspace=True),
        Field(
            "endpoint_compute_type",
            wire="properties.endpointComputeType",
            default="Managed",
            choices=("Managed", "Kubernetes"),
            update_source=f"the {_SWAGGER} discriminator: a new deployment; {_MOVE_TRAFFIC_FIRST}",
            description="Managed (default) or Kubernetes (the endpoint's compute).",
        ),
        Field("description", wire="properties.description", update="put", update_source=_DEPLOYMENT_PUT),
        tags_field("patch", _DEPLOYMENT_PATCH),
        Field(
            "instance_count",
            wire="sku",
            type="integer",
            minimum=1,
            maximum=INT32_MAX,
            server_default=True,
            encode=_instance_count_wire,
            decode=_instance_count_from_wire,
            update="patch",
            update_source=f"{_DEPLOYMENT_PATCH}: the instance count is sku.capacity (a scale-out or scale-in)",
            description="Number of instances (the deployment's sku.capacity). Service default: 1.",
        ),
        Field(
            "instance_type",
            wire="properties.instanceType",
            server_default=True,
            equivalent=case_insensitive_equivalent,
            update_source=f"{_SWAGGER} x-ms-mutability [create, read]; {_MOVE_TRAFFIC_FIRST}",
            description="VM size, e.g. Standard_DS3_v2. Managed default: Standard_F4s_v2.",
        ),
        Field(
            "model",
            wire="properties.model",
            validate=asset_id,
            equivalent=asset_id_equivalent,
            update="put",
            update_source=_DEPLOYMENT_PUT,
            description="An ARM id (e.g. a model version's arm_id), azureml://registries/..., or "
            "azureml:<name>:<version> (expanded at check).",
        ),
        Field("model_mount_path", wire="properties.modelMountPath", update="put", update_source=_DEPLOYMENT_PUT),
        Field(
            "code_configuration",
            wire="properties.codeConfiguration",
            type="object",
            update_source=f"{_SWAGGER} x-ms-mutability [create, read] (codeId, scoringScript); {_MOVE_TRAFFIC_FIRST}",
            fields=(
                Field("scoring_script", wire="scoringScript", required=True),
                Field("code_id", wire="codeId", validate=asset_id, equivalent=asset_id_equivalent),
            ),
        ),
        Field(
            "environment_id",
            wire="properties.environmentId",
            validate=asset_id,
            equivalent=asset_id_equivalent,
            update="put",
            update_source=_DEPLOYMENT_PUT,
            description="An ARM id, azureml://registries/..., or azureml:<name>:<version> (expanded at check).",
        ),
        Field(
            "environment_variables",
            wire="properties.environmentVariables",
            type="map",
            secret=True,
            update="put",
            update_source=_DEPLOYMENT_PUT,
            description="Secret as a whole: deployments commonly carry connection strings here. A change made "
            "outside Pulumi is not seen by refresh (the last value set is kept, as for every secret input).",
        ),
        Field(
            "scale_settings",
            wire="properties.scaleSettings",
            type="object",
            server_default=True,
            update="put",
            update_source=_DEPLOYMENT_PUT,
            validate=_scale_check,
            fields=(
                Field("scale_type", wire="scaleType", required=True, choices=("Default", "TargetUtilization")),
                Field(
                    "min_instances",
                    wire="minInstances",
                    type="integer",
                    minimum=0,
                    maximum=INT32_MAX,
                    server_default=True,
                ),
                Field(
                    "max_instances",
                    wire="maxInstances",
                    type="integer",
                    minimum=1,
                    maximum=INT32_MAX,
                    server_default=True,
                ),
                Field(
                    "polling_interval",
                    wire="pollingInterval",
                    validate=iso_duration,
                    equivalent=duration_equivalent,
                    server_default=True,
                ),
                Field(
                    "target_utilization_percentage",
                    wire="targetUtilizationPercentage",
                    type="integer",
                    minimum=1,
                    maximum=100,
                    server_default=True,
                ),
            ),
        ),
        Field(
            "request_settings",
            wire="properties.requestSettings",
            type="object",
            server_default=True,
            update="put",
            update_source=_DEPLOYMENT_PUT,
            fields=(
                Field(
                    "max_concurrent_requests_per_instance",
                    wire="maxConcurrentRequestsPerInstance",
                    type="integer",
                    minimum=1,
                    maximum=INT32_MAX,
                    server_default=True,
                ),
                Field(
                    "request_timeout",
                    wire="requestTimeout",
                    validate=iso_duration,
                    equivalent=duration_equivalent,
                    server_default=True,
                ),
                Field(
                    "max_queue_wait",
                    wire="maxQueueWait",
                    validate=iso_duration,
                    equivalent=duration_equivalent,
                    server_default=True,
                ),
            ),
        ),
        _probe("liveness_probe"),
        _probe("readiness_probe"),
        _probe("startup_probe"),
        Field(
            "app_insights_enabled",
            wire="properties.appInsightsEnabled",
            type="boolean",
            server_default=True,
            update="put",
            update_source=_DEPLOYMENT_PUT,
        ),
        Field(
            "egress_public_network_access",
            wire="properties.egressPublicNetworkAccess",
            choices=("Enabled", "Disabled"),
            server_default=True,
            update="put",
            update_source=_DEPLOYMENT_PUT,
        ),
        Field(
            "data_collector",
            wire="properties.dataCollector",
            type="object",
            update="put",
            update_source=_DEPLOYMENT_PUT,
            description="The DataCollector object as the REST reference spells it (camelCase keys).",
        ),
        Field(
            "container_resource_requirements",
            wire="properties.containerResourceRequirements",
            type="object",
            validate=_container_resources_check,
            applies_to=("Kubernetes",),
            update="put",
            update_source=_DEPLOYMENT_PUT,
            description="Kubernetes only: {containerResourceLimits, containerResourceRequests} of cpu/gpu/memory.",
        ),
        Field(
            "properties",
            wire="properties.properties",
            type="map",
            update=add_only_properties,
            update_source=PROPERTY_BAG_SOURCE,
            server_adds_keys=True,
        ),
        *META_FIELDS,
    ),
    outputs=(
        Output("resource_type", "type"),
        Output("provisioning_state", "properties.provisioningState"),
        Output("system_data", "systemData", type="any"),
    ),
    timeouts=Timeouts(create=3600, update=3600, delete=1800),
    discriminator="endpoint_compute_type",
    expand=expand_deployment_assets,
    sample_inputs={
        "endpoint_name": "online",
        "name": "blue",
        "model": "azureml:churn:1",
        "environment_id": "azureml:sklearn:1",
        "code_configuration": {"scoring_script": "score.py"},
        "instance_type": "Standard_DS3_v2",
        "instance_count": 1,
        "environment_variables": {"DB_PASSWORD": "sample-deployment-secret-0123"},
    },
)

_NAME = re.compile(DEPLOYMENT_NAME_PATTERN)
MAX_MIRROR_PERCENT = 50


def _split_problem(value: Any, *, mirror: bool) -> str | None:
    """A traffic or mirror split: deployment names to whole percentages, with the service's sum rule."""
    if not isinstance(value, Mapping):
        return "must be a mapping of deployment names to whole percentages"
    total = 0
    for name, percent in value.items():
        if not _NAME.fullmatch(str(name)):
            return f"names deployments: {name!r} {DEPLOYMENT_NAME_RULE}"
        if is_unknown(percent):
            return None  # decided when it is known
        number = whole_number(percent)
        if number is None:
            return f"percentages must be whole numbers; {name!r} has {percent!r}"
        limit = MAX_MIRROR_PERCENT if mirror else 100
        if not 0 <= number <= limit:
            return f"percentages must be from 0 to {limit}; {name!r} has {number}"
        total += number
    if mirror and total > MAX_MIRROR_PERCENT:
        return (
            f"must sum to at most {MAX_MIRROR_PERCENT} (the service mirrors at most half the traffic); sums to {total}"
        )
    if not mirror and total not in (0, 100):
        return f"must sum to 100 (or be all 0, or empty, to send no traffic); sums to {total}"
    return None


def _lower_case_splits(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """``check``: a split's deployment names in lower case, as the service's own SDK sends them (deployment names
    are stored lower-cased, Azure/azure-sdk-for-python#28715), so ``Blue`` routes to ``blue`` and a refresh reads
    back what was sent; two keys that differ only by case name one deployment twice and are refused."""
    failures: list[tuple[str, str]] = []
    for name in ("traffic", "mirror_traffic"):
        split = inputs.get(name)
        if not isinstance(split, Mapping):
            continue
        lowered: dict[str, Any] = {}
        spelled: dict[str, str] = {}
        for key, percent in split.items():
            low = str(key).lower()
            if low in lowered:
                failures.append(
                    (
                        name,
                        f"names the deployment {quote(low)} twice ({quote(spelled[low])} and {quote(str(key))}): "
                        "deployment names have no case in a split (the service stores them in lower case)",
                    )
                )
                break
            lowered[low], spelled[low] = percent, str(key)
        else:
            inputs[name] = lowered
    return failures


ONLINE_ENDPOINT_TRAFFIC = ResourceSpec(
    kind="OnlineEndpointTraffic",
    noun="online endpoint traffic",
    path=ENDPOINT_PATH,
    placement=(
        SUBSCRIPTION_ID,
        RESOURCE_GROUP_NAME,
        WORKSPACE_NAME,
        endpoint_name_field("endpoint_name", "The online endpoint whose traffic is split."),
    ),
    fields=(
        Field(
            "traffic",
            wire="properties.traffic",
            type="any",
            required=True,
            validate=lambda value: _split_problem(value, mirror=False),
            equivalent=split_equivalent,
            update="put",
            update_source="read-modify-write PUT of the endpoint (its traffic; the spec: 'need to sum to 100')",
            description="Deployment name → percentage of live traffic (whole numbers summing to 100, or all 0).",
        ),
        Field(
            "mirror_traffic",
            wire="properties.mirrorTraffic",
            type="any",
            default={},
            validate=lambda value: _split_problem(value, mirror=True),
            equivalent=split_equivalent,
            update="put",
            update_source="read-modify-write PUT of the endpoint (its mirrorTraffic; 'sum to utmost 50')",
            description="Deployment name → percentage of traffic copied to it (responses discarded); at most 50.",
        ),
        *META_FIELDS,
    ),
    outputs=(Output("provisioning_state", "properties.provisioningState"),),
    timeouts=Timeouts(create=1800, update=1800, delete=1800),
    ownership_tag=False,
    parent_kind="OnlineEndpoint",
    expand=_lower_case_splits,
    sample_inputs={"endpoint_name": "online", "traffic": {"blue": 100}},
)
