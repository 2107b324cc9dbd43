"""``EnvironmentVersion`` as a Pulumi resource: a container image, an image plus a conda file, or a Docker build.

Versions are immutable in Azure ML apart from description, tags, stage and the archive flag; the update/replace
table is in :mod:`pulumi_azureml.specs.environments` and docs/reference/. Pass ``arm_id`` to a deployment's
``environment_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_azureml.resources.base import prepare
from pulumi_azureml.resources.common import TimeoutsArgs


@dataclass
class BuildContextArgs:
    """A Docker build context: where it is (``context_uri``) and the Dockerfile in it."""

    context_uri: pulumi.Input[str]
    dockerfile_path: pulumi.Input[str] | None = None
    """Default: ``Dockerfile``."""


@dataclass
class RouteArgs:
    path: pulumi.Input[str]
    port: pulumi.Input[int]


@dataclass
class InferenceConfigArgs:
    """Routes of an inference server image."""

    liveness_route: RouteArgs | None = None
    readiness_route: RouteArgs | None = None
    scoring_route: RouteArgs | None = None


@dataclass
class EnvironmentVersionArgs:
    """Inputs of :class:`EnvironmentVersion` (the Environment Versions - Create Or Update request)."""

    version: pulumi.Input[str] | None = None
    """Required, e.g. ``"1"``."""
    image: pulumi.Input[str] | None = None
    conda_file: pulumi.Input[str] | None = None
    """The conda file's content (YAML text), e.g. ``Path("conda.yml").read_text()``; with ``image`` only."""
    build: BuildContextArgs | None = None
    os_type: pulumi.Input[str] | None = None
    inference_config: InferenceConfigArgs | None = None
    auto_rebuild: pulumi.Input[str] | None = None
    properties: pulumi.Input[dict[str, str]] | None = None
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[dict[str, str]] | None = None
    stage: pulumi.Input[str] | None = None
    is_archived: pulumi.Input[bool] | None = None
    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    """The environment's name. Default: the Pulumi resource name."""
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class EnvironmentVersion(pulumi.dynamic.Resource, module="azureml", name="EnvironmentVersion"):
    """An Azure ML environment version (``pulumi-python:dynamic/azureml:EnvironmentVersion``); its id is the ARM
    id, which a deployment's ``environment_id`` takes."""

    arm_id: pulumi.Output[str]
    name: pulumi.Output[str]
    version: pulumi.Output[str]
    resource_type: pulumi.Output[str]
    environment_type: pulumi.Output[str]
    provisioning_state: pulumi.Output[str]
    system_data: pulumi.Output[dict[str, Any] | None]

    def __init__(
        self,
        resource_name: str,
        args: EnvironmentVersionArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        provider, props, options = prepare("EnvironmentVersion", resource_name, args, kwargs, opts)
        super().__init__(provider, resource_name, props, options)
