"""Batch endpoint and deployment lookups, and a Key-auth batch endpoint's keys (a secret)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from pulumi_azureml.lookups._common import (
    _WORKSPACE_PATH,
    _count,
    _deferred,
    _tags,
    _text,
    _workspace_get,
    _workspace_list,
    _workspace_post,
)
from pulumi_azureml.specs.batch import ENDPOINT_PATH


@dataclass(frozen=True)
class BatchEndpointResult:
    """A batch endpoint."""

    id: str
    name: str
    location: str | None
    auth_mode: str | None
    scoring_uri: str | None
    swagger_uri: str | None
    provisioning_state: str | None
    default_deployment_name: str | None
    description: str | None
    kind: str | None
    tags: dict[str, str]
    identity_principal_id: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class BatchDeploymentResult:
    """A batch deployment."""

    id: str
    name: str
    endpoint_name: str
    location: str | None
    provisioning_state: str | None
    description: str | None
    compute: str | None
    model_asset_id: str | None
    environment_id: str | None
    instance_count: int | None
    tags: dict[str, str]
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class BatchEndpointKeys:
    """A Key-auth batch endpoint's keys (``listkeys``); secrets, so never shown by ``repr``."""

    primary_key: str | None = field(repr=False)
    secondary_key: str | None = field(repr=False)
    raw: dict[str, Any] = field(repr=False, compare=False)


def _batch_endpoint(body: dict[str, Any]) -> BatchEndpointResult:
    return BatchEndpointResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        location=_text(body, "location"),
        auth_mode=_text(body, "properties.authMode"),
        scoring_uri=_text(body, "properties.scoringUri"),
        swagger_uri=_text(body, "properties.swaggerUri"),
        provisioning_state=_text(body, "properties.provisioningState"),
        default_deployment_name=_text(body, "properties.defaults.deploymentName"),
        description=_text(body, "properties.description"),
        kind=_text(body, "kind"),
        tags=_tags(body),
        identity_principal_id=_text(body, "identity.principalId"),
        raw=body,
    )


def _batch_deployment(body: dict[str, Any], endpoint_name: str) -> BatchDeploymentResult:
    return BatchDeploymentResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        endpoint_name=endpoint_name,
        location=_text(body, "location"),
        provisioning_state=_text(body, "properties.provisioningState"),
        description=_text(body, "properties.description"),
        compute=_text(body, "properties.compute"),
        model_asset_id=_text(body, "properties.model.assetId"),
        environment_id=_text(body, "properties.environmentId"),
        instance_count=_count(body, "properties.resources.instanceCount"),
        tags=_tags(body),
        raw=body,
    )


def get_batch_endpoint(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> BatchEndpointResult:
    """One batch endpoint of the workspace."""
    return _batch_endpoint(
        _workspace_get(
            "reading batch endpoint",
            (workspace_name, resource_group_name, subscription_id, api_version),
            ENDPOINT_PATH,
            endpoint_name=name,
        )
    )


def list_batch_endpoints(
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[BatchEndpointResult]:
    """Every batch endpoint of the workspace."""
    items = _workspace_list(
        "listing batch endpoints",
        (workspace_name, resource_group_name, subscription_id, api_version),
        _WORKSPACE_PATH + "/batchEndpoints",
    )
    return [_batch_endpoint(item) for item in items]


def list_batch_deployments(
    endpoint_name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[BatchDeploymentResult]:
    """Every deployment of a batch endpoint."""
    where = (workspace_name, resource_group_name, subscription_id, api_version)
    items = _workspace_list(
        "listing batch deployments", where, ENDPOINT_PATH + "/deployments", endpoint_name=endpoint_name
    )
    return [_batch_deployment(item, endpoint_name) for item in items]


def get_batch_endpoint_keys(
    endpoint_name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> BatchEndpointKeys:
    """The keys of a Key-auth batch endpoint (POST ``listkeys``; GET never returns them). Handle as secrets."""
    where = (workspace_name, resource_group_name, subscription_id, api_version)
    keys = _workspace_post(
        "listing batch endpoint keys", where, ENDPOINT_PATH + "/listkeys", endpoint_name=endpoint_name
    )
    return BatchEndpointKeys(primary_key=_text(keys, "primaryKey"), secondary_key=_text(keys, "secondaryKey"), raw=keys)


def get_batch_endpoint_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[BatchEndpointResult]:
    return _deferred(get_batch_endpoint, name, workspace_name, resource_group_name, subscription_id, api_version)


def list_batch_endpoints_output(
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[BatchEndpointResult]]:
    return _deferred(list_batch_endpoints, workspace_name, resource_group_name, subscription_id, api_version)


def list_batch_deployments_output(
    endpoint_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[BatchDeploymentResult]]:
    return _deferred(
        list_batch_deployments, endpoint_name, workspace_name, resource_group_name, subscription_id, api_version
    )


def get_batch_endpoint_keys_output(
    endpoint_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[BatchEndpointKeys]:
    """As :func:`get_batch_endpoint_keys`, as a secret Output."""
    keys = _deferred(
        get_batch_endpoint_keys, endpoint_name, workspace_name, resource_group_name, subscription_id, api_version
    )
    return pulumi.Output.secret(keys)
