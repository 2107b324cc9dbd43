"""Environment versions (a container image, an image plus a conda file, or a Docker build context), as data.

Update/replace table (``EnvironmentVersions_CreateOrUpdate`` in mfe.json 2025-12-01, ``EnvironmentVersion``):

=================================================  =======  =====================================================
field                                              how      why
=================================================  =======  =====================================================
placement (name, version)                          replace  path parameters
image, conda_file, build, os_type,                 replace  versions are immutable in Azure ML: spec
inference_config, auto_rebuild                              x-ms-mutability [create, read]
properties                                         replace  versions are immutable in Azure ML: the asset's
                                                            property dictionary is kept as registered
description, tags, stage                           PUT      no create-only mark in the spec
is_archived                                        PUT      spec x-ms-mutability [create, read, update]
=================================================  =======  =====================================================

A replacement keeps the ARM id (same name and version), so it deletes the old version first. To keep the old
version, give the new one another ``version`` instead: that is a new resource, and the old one is deleted after
the new one exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_azureml.quoting import quote
from pulumi_azureml.schema import Field, Output, ResourceSpec, Timeouts, document_equivalent, is_unknown
from pulumi_azureml.specs.common import (
    META_FIELDS,
    RESOURCE_GROUP_NAME,
    SUBSCRIPTION_ID,
    WORKSPACE_NAME,
    WORKSPACE_PATH,
    tags_field,
)

PATH = WORKSPACE_PATH + "/environments/{name}/versions/{version}"
NAME_PATTERN = r"[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}"
NAME_RULE = "must be 1-255 characters: a letter or digit, then letters, digits, '-' or '_'"
IMMUTABLE = "versions are immutable in Azure ML (spec x-ms-mutability [create, read]); bump version to keep the old one"
_PUT = "no create-only mark in the spec: PUT"


def _route(name: str) -> Field:
    return Field(
        name,
        wire=name.replace("_route", "Route"),
        type="object",
        fields=(
            Field("path", wire="path", required=True, pattern=r".*[a-zA-Z0-9_].*", pattern_rule="must not be empty"),
            Field("port", wire="port", type="integer", required=True, minimum=1, maximum=65535),
        ),
    )


def check_image_source(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The image comes from ``image`` (optionally with a conda file) or from a Docker ``build`` context."""
    has_image, has_build = inputs.get("image") is not None, inputs.get("build") is not None
    if has_image and has_build:
        return [("build", "cannot be set together with image: give a container image or a Docker build context")]
    if not has_image and not has_build:
        return [("image", "is required unless build (a Docker build context) is given")]
    conda_file = inputs.get("conda_file")
    if has_build and conda_file is not None:
        return [("conda_file", "only goes with image: a Docker build context installs its own packages")]
    if isinstance(conda_file, str) and not is_unknown(conda_file) and _looks_like_a_path(conda_file):
        # Azure's Python SDK and CLI take a conda file's path; the REST property (condaFile) is its content.
        return [
            (
                "conda_file",
                f"is the conda file's YAML text, not its path; got {quote(conda_file)}: read the file in the "
                'program, e.g. conda_file=pathlib.Path("conda.yml").read_text()',
            )
        ]
    return []


def _looks_like_a_path(text: str) -> bool:
    """One line naming a .yml/.yaml file, with no ``key:``: a path, never a conda environment (a YAML mapping)."""
    stripped = text.strip()
    return "\n" not in stripped and ":" not in stripped and stripped.lower().endswith((".yml", ".yaml"))


ENVIRONMENT_VERSION = ResourceSpec(
    kind="EnvironmentVersion",
    immutable=True,
    noun="environment version",
    path=PATH,
    placement=(
        SUBSCRIPTION_ID,
        RESOURCE_GROUP_NAME,
        WORKSPACE_NAME,
        Field(
            "name",
            required=True,
            pattern=NAME_PATTERN,
            pattern_rule=NAME_RULE,
            description="Environment name (the container). Default: the Pulumi resource name.",
        ),
        Field(
            "version",
            required=True,
            pattern=r"[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,254}",
            pattern_rule="must be 1-255 characters: a letter or digit, then letters, digits, '-', '_' or '.'",
            description="Version, e.g. '1'. A new version is a new resource; the old one is deleted after it.",
        ),
    ),
    title_fields=("name", "version"),
    fields=(
        Field(
            "image",
            wire="properties.image",
            description="Container image, e.g. mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest.",
            update_source=IMMUTABLE,
        ),
        Field(
            "conda_file",
            wire="properties.condaFile",
            description="Conda environment file content (YAML text), layered on the image.",
            update_source=IMMUTABLE,
            equivalent=document_equivalent,
        ),
        Field(
            "build",
            wire="properties.build",
            type="object",
            description="Docker build context: context_uri (required) and dockerfile_path (default Dockerfile).",
            update_source=IMMUTABLE,
            fields=(
                Field("context_uri", wire="contextUri", required=True),
                Field("dockerfile_path", wire="dockerfilePath", server_default=True),
            ),
        ),
        Field(
            "os_type",
            wire="properties.osType",
            choices=("Linux", "Windows"),
            server_default=True,
            description="Linux (default) or Windows.",
            update_source=IMMUTABLE,
        ),
        Field(
            "inference_config",
            wire="properties.inferenceConfig",
            type="object",
            description="Routes of an inference server image: liveness_route, readiness_route, scoring_route "
            "(each path and port).",
            update_source=IMMUTABLE,
            fields=(_route("liveness_route"), _route("readiness_route"), _route("scoring_route")),
        ),
        Field(
            "auto_rebuild",
            wire="properties.autoRebuild",
            choices=("Disabled", "OnBaseImageUpdate"),
            server_default=True,
            description="Disabled (default) or OnBaseImageUpdate.",
            update_source=IMMUTABLE,
        ),
        Field(
            "properties",
            wire="properties.properties",
            type="map",
            server_adds_keys=True,
            update_source="versions are immutable in Azure ML: the property dictionary is kept as registered",
        ),
        Field("description", wire="properties.description", update="put", update_source=_PUT),
        tags_field("put", "ResourceBase: 'Tags can be added, removed, and updated'", wire="properties.tags"),
        Field(
            "stage",
            wire="properties.stage",
            server_default=True,
            update="put",
            update_source=_PUT,
            description="Lifecycle stage. Unset: whatever the service sets.",
        ),
        Field(
            "is_archived",
            wire="properties.isArchived",
            type="boolean",
            server_default=True,
            update="put",
            update_source="spec x-ms-mutability [create, read, update]",
            description="Archived versions are hidden from default listings.",
        ),
        *META_FIELDS,
    ),
    outputs=(
        Output("resource_type", "type"),
        Output("environment_type", "properties.environmentType"),
        Output("provisioning_state", "properties.provisioningState"),
        Output("system_data", "systemData", type="any"),
    ),
    timeouts=Timeouts(create=300, update=300, delete=300),
    # Asset versions carry their tags in properties.tags (ResourceBase); a top-level tag would be refused.
    validate=check_image_source,
    sample_inputs={
        "name": "sklearn",
        "version": "1",
        "image": "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest",
    },
)
