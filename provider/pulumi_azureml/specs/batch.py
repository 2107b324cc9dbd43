"""Batch endpoints, batch deployments and the endpoint's default-deployment routing, as data.

BatchEndpoint update/replace table:

=========================  =========  ===================================================================
field                      how        why
=========================  =========  ===================================================================
placement, location        replace    path parameters; TrackedResource location is [read, create]
auth_mode                  replace    the REST reference is silent on changing it: a safe replace
keys                       replace    spec x-ms-mutability [create]; write-only secret
tags, identity             PATCH      PartialMinimalTrackedResourceWithIdentity accepts exactly these
properties (added keys)    PUT        "Properties can be added, but not removed or altered"
properties (changed keys)  replace    ... so removing or altering an entry needs a new endpoint
description, kind, sku     PUT        PATCH does not accept them; PUT is a full, idempotent replace
default_deployment_name    PUT        PUT only; usually left to BatchEndpointDefaultDeployment instead
=========================  =========  ===================================================================

BatchDeployment: description and tags by PATCH (``{properties:{description}, tags}``); code configuration and
resources replace (spec [create, read]); everything else by PUT; properties as for the endpoint.

Default routing: ``BatchEndpointDefaultDeployment`` owns the endpoint's ``defaults.deploymentName``. It is created
after the deployment, so one ``pulumi up`` creates endpoint → deployment → routing with no cycle, and destroy
removes them in reverse. The endpoint leaves that field alone (``server_default``) and carries its current value
through its own PUT updates (``preserve_on_put``), so the two never fight with a perpetual diff.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_azureml import assets
from pulumi_azureml.schema import (
    Field,
    HookContext,
    Output,
    ResourceSpec,
    Timeouts,
    UpdateRule,
    asset_id_equivalent,
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
from pulumi_azureml.validation import INT32_MAX, INT64_MAX, arm_id, iso_duration

ENDPOINT_PATH = WORKSPACE_PATH + "/batchEndpoints/{endpoint_name}"
DEPLOYMENT_PATH = ENDPOINT_PATH + "/deployments/{name}"

# Service rule from the Azure ML docs (stricter than the swagger's ^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$): the name
# becomes a DNS label of the scoring URI and must be unique in the region.
ENDPOINT_NAME_PATTERN = r"[a-zA-Z][a-zA-Z0-9-]{2,31}"
ENDPOINT_NAME_RULE = "must be 3-32 characters: a letter, then letters, digits or '-' (it becomes a DNS label)"
DEPLOYMENT_NAME_PATTERN = r"[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}"
DEPLOYMENT_NAME_RULE = "must be 1-255 characters: a letter or digit, then letters, digits, '-' or '_'"

PROPERTY_BAG_SOURCE = "'Properties can be added, but not removed or altered' (spec): added keys by PUT, else replace"


def add_only_properties(old: Any, new: Any) -> UpdateRule:
    """A property bag that may only grow: added keys are a PUT, removed or altered keys a replacement."""
    old_map: Mapping[str, Any] = old if isinstance(old, Mapping) else {}
    new_map: Mapping[str, Any] = new if isinstance(new, Mapping) else {}
    for key, value in old_map.items():
        if key not in new_map or new_map[key] != value:
            return "replace"
    return "put"


def endpoint_name_field(name: str, description: str) -> Field:
    return Field(
        name,
        required=True,
        pattern=ENDPOINT_NAME_PATTERN,
        pattern_rule=ENDPOINT_NAME_RULE,
        description=description,
        equivalent=case_insensitive_equivalent,
    )


def endpoint_keys(action: str) -> Callable[[HookContext, dict[str, Any]], dict[str, Any]]:
    """``extra_outputs`` of Key-auth endpoints: the keys, read through ``action`` (batch endpoints spell it
    ``listkeys``, online endpoints ``listKeys``, as mfe.json does); GET never returns them; secret outputs."""

    def keys_of(context: HookContext, body: dict[str, Any]) -> dict[str, Any]:
        if str(context.inputs.get("auth_mode", "")).lower() != "key":
            return {"primary_key": None, "secondary_key": None}
        keys = context.client.post(
            f"{context.path}/{action}",
            api_version=context.api_version,
            action=f"{context.action_prefix} (listing keys)",
            timeout=context.timeout,
        )
        keys = keys or {}
        return {"primary_key": keys.get("primaryKey"), "secondary_key": keys.get("secondaryKey")}

    return keys_of


BATCH_ENDPOINT = ResourceSpec(
    kind="BatchEndpoint",
    noun="batch endpoint",
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
            default="AADToken",
            choices=("AADToken", "AMLToken", "Key"),
            description="AADToken (default; Microsoft Entra tokens), AMLToken or Key.",
            update_source="create-only: the REST reference does not say it can change; replace is the safe choice",
        ),
        Field("description", wire="properties.description", update="put", update_source="PATCH rejects it"),
        Field(
            "properties",
            wire="properties.properties",
            type="map",
            update=add_only_properties,
            update_source=PROPERTY_BAG_SOURCE,
            server_adds_keys=True,
        ),
        Field(
            "default_deployment_name",
            wire="properties.defaults.deploymentName",
            server_default=True,
            update="put",
            update_source="PUT only; prefer BatchEndpointDefaultDeployment (no dependency cycle)",
            description="Deployment that gets 100% of traffic. Must already exist: use "
            "BatchEndpointDefaultDeployment to set it in the same `pulumi up` as the deployment.",
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
        identity_field(
            "patch",
            "PATCH accepts tags and identity",
            types=("None", "SystemAssigned"),
        ),
        Field("kind", wire="kind", update="put", update_source="PATCH rejects it; PUT is a full replace"),
        sku_field("put", "PATCH rejects it; PUT is a full replace"),
        tags_field("patch", "PATCH accepts tags and identity", non_empty_values=True),
        *META_FIELDS,
    ),
    outputs=(
        Output("resource_type", "type"),
        Output("scoring_uri", "properties.scoringUri"),
        Output("swagger_uri", "properties.swaggerUri"),
        Output("provisioning_state", "properties.provisioningState"),
        # Only the creation half of systemData: a BatchEndpointDefaultDeployment of the same stack writes the
        # endpoint (its defaults) after the endpoint's own create, which moves lastModifiedAt, so the rest would be
        # stale in state right after `up`. Not drift either way: the engine counts a refreshed resource as changed
        # only when the provider's Diff of the refreshed state against the inputs says so (RefreshStep), and
        # outputs are no inputs.
        Output(
            "system_data",
            "systemData",
            type="any",
            only_keys=("createdAt", "createdBy", "createdByType"),
        ),
        Output(
            "routed_deployment_name",
            "properties.defaults.deploymentName",
            description="The deployment receiving the endpoint's default traffic when it was last read (set it with "
            "BatchEndpointDefaultDeployment).",
        ),
        Output("identity_principal_id", "identity.principalId"),
        Output("identity_tenant_id", "identity.tenantId"),
        Output("identity_user_assigned_identities", "identity.userAssignedIdentities", type="any"),
        Output("primary_key", "", secret=True),
        Output("secondary_key", "", secret=True),
    ),
    timeouts=Timeouts(create=1800, update=1800, delete=1800),
    preserve_on_put=("properties.defaults",),
    extra_outputs=endpoint_keys("listkeys"),
    validate=lambda inputs: (
        [("keys", "applies only when auth_mode is Key")]
        if inputs.get("keys") and str(inputs.get("auth_mode")) != "Key"
        else []
    ),
    sample_inputs={
        "name": "scoring",
        "auth_mode": "Key",
        "keys": {"primary_key": "sample-primary-key-0123456789", "secondary_key": "sample-secondary-key-0123456789"},
    },
)


def asset_id(value: Any) -> str | None:
    """Validator: what the service accepts for an asset, after ``check`` expanded short forms (``assets``)."""
    if isinstance(value, str) and value.lower().startswith(("/subscriptions/", assets.REGISTRY_PREFIX)):
        return arm_id(value) if value.startswith("/") else None
    return f"must be an ARM id or azureml://registries/... reference, got {value!r}"


ASSET_REFERENCE = (
    Field("reference_type", wire="referenceType", required=True, choices=("Id", "DataPath", "OutputPath")),
    Field(
        "asset_id",
        wire="assetId",
        validate=asset_id,
        equivalent=asset_id_equivalent,
        description="Id: an ARM id, azureml://registries/..., or azureml:<name>:<version> (expanded at check)",
    ),
    Field("datastore_id", wire="datastoreId", description="DataPath: datastore ARM id"),
    Field("path", wire="path", description="DataPath/OutputPath: path in the datastore or job output"),
    Field("job_id", wire="jobId", description="OutputPath: the job's ARM id"),
)


def _asset_reference_check(value: Any) -> str | None:
    kind = value.get("reference_type")
    needed = {"Id": ("asset_id",), "DataPath": ("datastore_id", "path"), "OutputPath": ("job_id", "path")}
    missing = [name for name in needed.get(str(kind), ()) if not value.get(name)]
    if missing:
        return f"reference_type {kind} needs {' and '.join(missing)}"
    # Each reference type is its own schema (mfe.json IdAssetReference, DataPathAssetReference,
    # OutputPathAssetReference): the service refuses a member of another type.
    extra = [name for name in ("asset_id", "datastore_id", "path", "job_id") if value.get(name) is not None]
    extra = [name for name in extra if name not in needed.get(str(kind), extra)]
    if extra:
        return f"reference_type {kind} takes only {' and '.join(needed[str(kind)])}; remove {', '.join(extra)}"
    return None


def expand_asset_references(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """``check``: every asset reference of a deployment in the form the service receives (``assets.expand``)."""
    failures: list[tuple[str, str]] = []

    def visit(container: Any, key: str, collection: str, where: str) -> None:
        if not isinstance(container, dict) or container.get(key) is None:
            return
        expanded, reason = assets.expand(container[key], collection, inputs)
        if reason:
            failures.append((where, reason))
        else:
            container[key] = expanded

    model = inputs.get("model")
    if isinstance(model, dict) and model.get("reference_type") == "Id":
        visit(model, "asset_id", "models", "model.asset_id")
    visit(inputs, "environment_id", "environments", "environment_id")
    visit(inputs.get("code_configuration"), "code_id", "codes", "code_configuration.code_id")
    visit(inputs, "compute", "computes", "compute")
    configuration = inputs.get("deployment_configuration")
    component = configuration.get("component_id") if isinstance(configuration, dict) else None
    if isinstance(component, dict) and component.get("reference_type") == "Id":
        visit(component, "asset_id", "components", "deployment_configuration.component_id.asset_id")
    return failures


_PUT = "PUT (PATCH accepts only description and tags)"
_CREATE_ONLY = "spec x-ms-mutability [create, read]"

BATCH_DEPLOYMENT = ResourceSpec(
    kind="BatchDeployment",
    noun="batch deployment",
    path=DEPLOYMENT_PATH,
    placement=(
        SUBSCRIPTION_ID,
        RESOURCE_GROUP_NAME,
        WORKSPACE_NAME,
        endpoint_name_field("endpoint_name", "Name of the batch endpoint (e.g. a BatchEndpoint's endpoint_name)."),
        Field(
            "name",
            required=True,
            pattern=DEPLOYMENT_NAME_PATTERN,
            pattern_rule=DEPLOYMENT_NAME_RULE,
            description="Deployment name. Default: the Pulumi resource name.",
            equivalent=case_insensitive_equivalent,
        ),
    ),
    fields=(
        location_field(description="Region. Default: the workspace's location.", from_workspace=True),
        Field("description", wire="properties.description", update="patch", update_source="PATCH accepts it"),
        tags_field("patch", "PATCH accepts description and tags", non_empty_values=True),
        Field(
            "model",
            wire="properties.model",
            type="object",
            fields=ASSET_REFERENCE,
            validate=_asset_reference_check,
            update="put",
            update_source=_PUT,
        ),
        Field(
            "code_configuration",
            wire="properties.codeConfiguration",
            type="object",
            update_source=_CREATE_ONLY,
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
            update_source=_PUT,
            description="An ARM id, azureml://registries/..., or azureml:<name>:<version> (expanded at check).",
        ),
        Field(
            "environment_variables",
            wire="properties.environmentVariables",
            type="map",
            update="put",
            update_source=_PUT,
        ),
        Field(
            "compute",
            wire="properties.compute",
            validate=arm_id,
            equivalent=case_insensitive_equivalent,
            update="put",
            update_source=_PUT,
            description="ARM id of the AmlCompute cluster (e.g. a Compute's arm_id), or azureml:<compute name>.",
        ),
        Field(
            "resources",
            wire="properties.resources",
            type="object",
            server_default=True,
            update_source=_CREATE_ONLY,
            fields=(
                Field(
                    "instance_count",
                    wire="instanceCount",
                    type="integer",
                    minimum=1,
                    maximum=INT32_MAX,
                    server_default=True,
                ),
                Field("instance_type", wire="instanceType"),
                Field("properties", wire="properties", type="object"),
            ),
        ),
        Field(
            "mini_batch_size",
            wire="properties.miniBatchSize",
            type="integer",
            minimum=1,
            maximum=INT64_MAX,  # format int64
            server_default=True,
            update="put",
            update_source=_PUT,
        ),
        Field(
            "max_concurrency_per_instance",
            wire="properties.maxConcurrencyPerInstance",
            type="integer",
            minimum=1,
            maximum=INT32_MAX,
            server_default=True,
            update="put",
            update_source=_PUT,
        ),
        Field(
            "output_action",
            wire="properties.outputAction",
            choices=("SummaryOnly", "AppendRow"),
            server_default=True,
            update="put",
            update_source=_PUT,
        ),
        Field(
            "output_file_name",
            wire="properties.outputFileName",
            server_default=True,
            update="put",
            update_source=_PUT,
        ),
        Field(
            "retry_settings",
            wire="properties.retrySettings",
            type="object",
            server_default=True,
            update="put",
            update_source=_PUT,
            fields=(
                Field(
                    "max_retries", wire="maxRetries", type="integer", minimum=0, maximum=INT32_MAX, server_default=True
                ),
                Field(
                    "timeout",
                    wire="timeout",
                    validate=iso_duration,
                    equivalent=duration_equivalent,
                    server_default=True,
                ),
            ),
        ),
        Field(
            "error_threshold",
            wire="properties.errorThreshold",
            type="integer",
            minimum=-1,
            maximum=INT32_MAX,
            server_default=True,
            update="put",
            update_source=_PUT,
            description="Failures tolerated before the job fails; -1 ignores all failures.",
        ),
        Field(
            "logging_level",
            wire="properties.loggingLevel",
            choices=("Info", "Warning", "Debug"),
            server_default=True,
            update="put",
            update_source=_PUT,
        ),
        Field(
            "deployment_configuration",
            wire="properties.deploymentConfiguration",
            type="object",
            update="put",
            update_source=_PUT,
            fields=(
                Field(
                    "deployment_configuration_type",
                    wire="deploymentConfigurationType",
                    required=True,
                    choices=("Model", "PipelineComponent"),
                ),
                Field("component_id", wire="componentId", type="object", fields=ASSET_REFERENCE),
                Field("settings", wire="settings", type="map"),
                Field("description", wire="description"),
                Field("tags", wire="tags", type="map"),
            ),
        ),
        Field(
            "properties",
            wire="properties.properties",
            type="map",
            update=add_only_properties,
            update_source=PROPERTY_BAG_SOURCE,
            server_adds_keys=True,
        ),
        Field("kind", wire="kind", update="put", update_source=_PUT),
        sku_field("put", _PUT),
        identity_field("put", _PUT),
        *META_FIELDS,
    ),
    outputs=(
        Output("resource_type", "type"),
        Output("provisioning_state", "properties.provisioningState"),
        Output("system_data", "systemData", type="any"),
    ),
    timeouts=Timeouts(create=3600, update=3600, delete=1800),
    expand=expand_asset_references,
    sample_inputs={
        "endpoint_name": "scoring",
        "name": "blue",
        "model": {"reference_type": "Id", "asset_id": "azureml:churn:1"},
        "code_configuration": {"scoring_script": "score.py"},
        "environment_id": "azureml:sklearn:1",
        "compute": "azureml:cpu-cluster",
    },
)

BATCH_ENDPOINT_DEFAULT_DEPLOYMENT = ResourceSpec(
    kind="BatchEndpointDefaultDeployment",
    noun="batch endpoint default deployment",
    path=ENDPOINT_PATH,
    placement=(
        SUBSCRIPTION_ID,
        RESOURCE_GROUP_NAME,
        WORKSPACE_NAME,
        endpoint_name_field("endpoint_name", "The batch endpoint whose traffic is routed."),
    ),
    fields=(
        Field(
            "deployment_name",
            wire="properties.defaults.deploymentName",
            required=True,
            pattern=DEPLOYMENT_NAME_PATTERN,
            pattern_rule=DEPLOYMENT_NAME_RULE,
            equivalent=case_insensitive_equivalent,
            update="put",
            update_source="read-modify-write PUT of the endpoint (its defaults.deploymentName)",
            description="The deployment that gets 100% of the endpoint's traffic (e.g. a BatchDeployment's name).",
        ),
        *META_FIELDS,
    ),
    outputs=(Output("provisioning_state", "properties.provisioningState"),),
    timeouts=Timeouts(create=1800, update=1800, delete=1800),
    ownership_tag=False,
    parent_kind="BatchEndpoint",
    sample_inputs={"endpoint_name": "scoring", "deployment_name": "blue"},
)
