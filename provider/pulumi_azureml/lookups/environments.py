"""Environment version lookups: one version of an environment, or its versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from pulumi_azureml.lookups._common import (
    _deferred,
    _flag,
    _property_tags,
    _text,
    _workspace_get,
    _workspace_list,
)
from pulumi_azureml.specs.environments import PATH as _ENVIRONMENT_VERSION_PATH


@dataclass(frozen=True)
class EnvironmentVersionResult:
    """An environment version."""

    id: str
    name: str
    """The environment's name (the container)."""
    version: str
    image: str | None
    conda_file: str | None
    build_context_uri: str | None
    dockerfile_path: str | None
    os_type: str | None
    environment_type: str | None
    description: str | None
    stage: str | None
    is_archived: bool | None
    provisioning_state: str | None
    tags: dict[str, str]
    """The version's own tags (``properties.tags``)."""
    raw: dict[str, Any] = field(repr=False, compare=False)


def _environment_version(body: dict[str, Any], name: str) -> EnvironmentVersionResult:
    return EnvironmentVersionResult(
        id=str(body.get("id") or ""),
        name=name,
        version=str(body.get("name") or ""),
        image=_text(body, "properties.image"),
        conda_file=_text(body, "properties.condaFile"),
        build_context_uri=_text(body, "properties.build.contextUri"),
        dockerfile_path=_text(body, "properties.build.dockerfilePath"),
        os_type=_text(body, "properties.osType"),
        environment_type=_text(body, "properties.environmentType"),
        description=_text(body, "properties.description"),
        stage=_text(body, "properties.stage"),
        is_archived=_flag(body, "properties.isArchived"),
        provisioning_state=_text(body, "properties.provisioningState"),
        tags=_property_tags(body),
        raw=body,
    )


def get_environment_version(
    name: str,
    version: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> EnvironmentVersionResult:
    """One version of an environment."""
    where = (workspace_name, resource_group_name, subscription_id, api_version)
    body = _workspace_get("reading environment version", where, _ENVIRONMENT_VERSION_PATH, name=name, version=version)
    return _environment_version(body, name)


def list_environment_versions(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[EnvironmentVersionResult]:
    """The (not archived) versions of an environment."""
    versions = _ENVIRONMENT_VERSION_PATH.rsplit("/", 1)[0]
    items = _workspace_list(
        "listing environment versions",
        (workspace_name, resource_group_name, subscription_id, api_version),
        versions,
        name=name,
    )
    return [_environment_version(item, name) for item in items]


def get_environment_version_output(
    name: pulumi.Input[str],
    version: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[EnvironmentVersionResult]:
    return _deferred(
        get_environment_version, name, version, workspace_name, resource_group_name, subscription_id, api_version
    )


def list_environment_versions_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[EnvironmentVersionResult]]:
    return _deferred(list_environment_versions, name, workspace_name, resource_group_name, subscription_id, api_version)
