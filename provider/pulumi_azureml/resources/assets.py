"""``CodeVersion``, ``ModelVersion`` and ``DataVersion`` as Pulumi resources, with local files uploaded at create.

The content hash of ``path`` is computed here, in the program, so it is an input like any other: an edited file
previews as a replacement (versions are immutable in Azure ML), an unchanged folder as no change, and neither
needs a request. The update/replace table is in :mod:`pulumi_azureml.specs.assets` and docs/reference/.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_azureml.resources.base import prepare
from pulumi_azureml.resources.common import TimeoutsArgs
from pulumi_azureml.uploads import LocalPathError, hash_path


class AssetPathError(LocalPathError, pulumi.RunError):
    """A local ``path`` that cannot be read, named with its resource.

    A ``pulumi.RunError``, so the CLI shows the one line instead of a Python traceback (the language host prints
    only the message of a ``RunError``); still a :class:`~pulumi_azureml.uploads.LocalPathError` for callers.
    """


def _hash(kind: str, resource_name: str, path: str) -> str:
    try:
        return hash_path(path)
    except LocalPathError as error:
        message = f"{kind} {resource_name!r}: path {error}"
        if not os.path.isabs(path) and message.endswith("directory)"):
            message = f"{message[:-1]}: {os.getcwd()})"  # which directory that is, when a relative path is missing
        raise AssetPathError(message) from None


def with_content_hash(props: dict[str, Any], kind: str = "asset version", resource_name: str = "?") -> dict[str, Any]:
    """``props`` with ``content_hash`` of its local ``path`` (a plain string now, an Output when it is one)."""
    path = props.get("path")
    if path is None or props.get("content_hash") is not None:
        return props
    if isinstance(path, str):
        props["content_hash"] = _hash(kind, resource_name, path)
    else:
        props["content_hash"] = pulumi.Output.from_input(path).apply(
            lambda value: _hash(kind, resource_name, str(value))
        )
    return props


def _register(
    resource: pulumi.dynamic.Resource,
    kind: str,
    resource_name: str,
    args: Any,
    kwargs: Mapping[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> None:
    provider, props, options = prepare(kind, resource_name, args, kwargs, opts)
    pulumi.dynamic.Resource.__init__(
        resource, provider, resource_name, with_content_hash(props, kind, resource_name), options
    )


@dataclass
class CodeVersionArgs:
    """Inputs of :class:`CodeVersion`: a local folder of scoring code (``path``), or a ``uri`` already uploaded."""

    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    """The code asset's name. Default: the Pulumi resource name."""
    version: pulumi.Input[str] | None = None
    """Default ``"1"``. New content replaces this version (delete, then register)."""
    path: pulumi.Input[str] | None = None
    """Local folder, relative to the program; ``.amlignore`` (else ``.gitignore``) excludes files."""
    uri: pulumi.Input[str] | None = None
    """Where the code already is, instead of ``path``."""
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[dict[str, str]] | None = None
    properties: pulumi.Input[dict[str, str]] | None = None
    """Registered with the version: changing it replaces the version."""
    is_archived: pulumi.Input[bool] | None = None
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class CodeVersion(pulumi.dynamic.Resource, module="azureml", name="CodeVersion"):
    """A code asset version (``pulumi-python:dynamic/azureml:CodeVersion``); its id is the ARM id.

    Use ``arm_id`` as a deployment's ``code_configuration.code_id``. New content replaces the version and, since
    ``code_configuration`` is create-only, every deployment that uses it (an online deployment that gets traffic
    cannot be deleted: give new code a new deployment).
    """

    arm_id: pulumi.Output[str]
    name: pulumi.Output[str]
    version: pulumi.Output[str]
    content_hash: pulumi.Output[str | None]
    asset_uri: pulumi.Output[str]
    """The blob folder the files were uploaded to (or ``uri``)."""
    provisioning_state: pulumi.Output[str | None]
    system_data: pulumi.Output[dict[str, Any] | None]

    def __init__(
        self,
        resource_name: str,
        args: CodeVersionArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        _register(self, "CodeVersion", resource_name, args, kwargs, opts)


@dataclass
class ModelVersionArgs:
    """Inputs of :class:`ModelVersion`: a local model file or folder (``path``), or a ``uri`` already uploaded."""

    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    """The model's name. Default: the Pulumi resource name."""
    version: pulumi.Input[str] | None = None
    """Default ``"1"``. New content replaces this version (delete, then register)."""
    path: pulumi.Input[str] | None = None
    """Local file or folder, relative to the program; uploaded to the workspace's default datastore."""
    uri: pulumi.Input[str] | None = None
    """Where the model already is, instead of ``path``."""
    model_type: pulumi.Input[str] | None = None
    """``custom_model`` (the service's default), ``mlflow_model`` or ``triton_model``."""
    flavors: pulumi.Input[dict[str, Any]] | None = None
    job_name: pulumi.Input[str] | None = None
    stage: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[dict[str, str]] | None = None
    properties: pulumi.Input[dict[str, str]] | None = None
    """Registered with the version: changing it replaces the version."""
    is_archived: pulumi.Input[bool] | None = None
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class ModelVersion(pulumi.dynamic.Resource, module="azureml", name="ModelVersion"):
    """A model version (``pulumi-python:dynamic/azureml:ModelVersion``); its id is the ARM id.

    Use ``arm_id`` as a deployment's model (``AssetReferenceArgs(reference_type="Id", asset_id=model.arm_id)``).
    New content under the same ``version`` keeps the id, so no deployment is updated by it: give new content a new
    ``version`` to move the deployments to it.
    """

    arm_id: pulumi.Output[str]
    name: pulumi.Output[str]
    version: pulumi.Output[str]
    content_hash: pulumi.Output[str | None]
    asset_uri: pulumi.Output[str]
    """The ``azureml://`` datastore URI of the uploaded file or folder (or ``uri``)."""
    provisioning_state: pulumi.Output[str | None]
    system_data: pulumi.Output[dict[str, Any] | None]

    def __init__(
        self,
        resource_name: str,
        args: ModelVersionArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        _register(self, "ModelVersion", resource_name, args, kwargs, opts)


@dataclass
class DataVersionArgs:
    """Inputs of :class:`DataVersion`: ``uri_file``, ``uri_folder`` or ``mltable``, by local ``path`` or ``uri``."""

    data_type: pulumi.Input[str] | None = None
    """``uri_file``, ``uri_folder`` or ``mltable`` (required)."""
    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    """The data asset's name. Default: the Pulumi resource name."""
    version: pulumi.Input[str] | None = None
    """Default ``"1"``. New content replaces this version (delete, then register)."""
    path: pulumi.Input[str] | None = None
    """Local file (uri_file) or folder, relative to the program; uploaded to the workspace's default datastore."""
    uri: pulumi.Input[str] | None = None
    """Where the data already is, instead of ``path``."""
    referenced_uris: pulumi.Input[list[str]] | None = None
    """mltable only."""
    stage: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[dict[str, str]] | None = None
    properties: pulumi.Input[dict[str, str]] | None = None
    """Registered with the version: changing it replaces the version."""
    is_archived: pulumi.Input[bool] | None = None
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class DataVersion(pulumi.dynamic.Resource, module="azureml", name="DataVersion"):
    """A data asset version (``pulumi-python:dynamic/azureml:DataVersion``); its id is the ARM id."""

    arm_id: pulumi.Output[str]
    name: pulumi.Output[str]
    version: pulumi.Output[str]
    content_hash: pulumi.Output[str | None]
    asset_uri: pulumi.Output[str]
    """The ``azureml://`` datastore URI of the uploaded file or folder (or ``uri``)."""
    provisioning_state: pulumi.Output[str | None]
    system_data: pulumi.Output[dict[str, Any] | None]

    def __init__(
        self,
        resource_name: str,
        args: DataVersionArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        _register(self, "DataVersion", resource_name, args, kwargs, opts)
