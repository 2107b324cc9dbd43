"""Online endpoint and deployment lookups, with the read actions keys, token (secrets) and deployment logs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from pulumi_azureml.arm.errors import ClientInputError
from pulumi_azureml.lookups._common import (
    _WORKSPACE_PATH,
    _count,
    _deferred,
    _reported,
    _tags,
    _text,
    _workspace_get,
    _workspace_list,
    _workspace_post,
)
from pulumi_azureml.schema import get_path
from pulumi_azureml.specs.online import DEPLOYMENT_PATH as _ONLINE_DEPLOYMENT_PATH
from pulumi_azureml.specs.online import ENDPOINT_PATH as _ONLINE_ENDPOINT_PATH

# Read-only like the rest: GETs, and the POST read actions listKeys, token and getLogs (mfe.json 2025-12-01
# OnlineEndpoints_ListKeys, OnlineEndpoints_GetToken, OnlineDeployments_GetLogs), which change nothing.

LOG_CONTAINERS = ("InferenceServer", "StorageInitializer", "ModelDataCollector")
"""``DeploymentLogsRequest.containerType`` values."""


@dataclass(frozen=True)
class OnlineEndpointResult:
    """An online endpoint."""

    id: str
    name: str
    location: str | None
    auth_mode: str | None
    scoring_uri: str | None
    swagger_uri: str | None
    provisioning_state: str | None
    traffic: dict[str, int]
    mirror_traffic: dict[str, int]
    public_network_access: str | None
    compute: str | None
    description: str | None
    tags: dict[str, str]
    identity_principal_id: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class OnlineDeploymentResult:
    """An online deployment."""

    id: str
    name: str
    endpoint_name: str
    location: str | None
    provisioning_state: str | None
    endpoint_compute_type: str | None
    description: str | None
    model: str | None
    environment_id: str | None
    instance_type: str | None
    instance_count: int | None
    tags: dict[str, str]
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class OnlineEndpointKeys:
    """A Key-auth online endpoint's keys (``listKeys``); secrets, so never shown by ``repr``."""

    primary_key: str | None = field(repr=False)
    secondary_key: str | None = field(repr=False)
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class OnlineEndpointToken:
    """An AMLToken/AADToken endpoint's access token (``token``): a secret; expiry and refresh hint in Unix seconds."""

    access_token: str | None = field(repr=False)
    token_type: str | None
    expiry_time_utc: int | None
    refresh_after_time_utc: int | None
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class OnlineDeploymentLogs:
    """The last lines of one container's log (``getLogs``)."""

    content: str
    container_type: str
    tail: int | None


def _split(body: Mapping[str, Any], path: str) -> dict[str, int]:
    value = get_path(body, path)
    if not isinstance(value, Mapping):
        return {}
    return {str(key): int(item) for key, item in value.items() if isinstance(item, int | float)}


def _online_endpoint(body: dict[str, Any]) -> OnlineEndpointResult:
    return OnlineEndpointResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        location=_text(body, "location"),
        auth_mode=_text(body, "properties.authMode"),
        scoring_uri=_text(body, "properties.scoringUri"),
        swagger_uri=_text(body, "properties.swaggerUri"),
        provisioning_state=_text(body, "properties.provisioningState"),
        traffic=_split(body, "properties.traffic"),
        mirror_traffic=_split(body, "properties.mirrorTraffic"),
        public_network_access=_text(body, "properties.publicNetworkAccess"),
        compute=_text(body, "properties.compute"),
        description=_text(body, "properties.description"),
        tags=_tags(body),
        identity_principal_id=_text(body, "identity.principalId"),
        raw=body,
    )


def _online_deployment(body: dict[str, Any], endpoint_name: str) -> OnlineDeploymentResult:
    return OnlineDeploymentResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        endpoint_name=endpoint_name,
        location=_text(body, "location"),
        provisioning_state=_text(body, "properties.provisioningState"),
        endpoint_compute_type=_text(body, "properties.endpointComputeType"),
        description=_text(body, "properties.description"),
        model=_text(body, "properties.model"),
        environment_id=_text(body, "properties.environmentId"),
        instance_type=_text(body, "properties.instanceType"),
        instance_count=_count(body, "sku.capacity"),
        tags=_tags(body),
        raw=body,
    )


def get_online_endpoint(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> OnlineEndpointResult:
    """One online endpoint of the workspace (its current traffic split included)."""
    return _online_endpoint(
        _workspace_get(
            "reading online endpoint",
            (workspace_name, resource_group_name, subscription_id, api_version),
            _ONLINE_ENDPOINT_PATH,
            endpoint_name=name,
        )
    )


def list_online_endpoints(
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[OnlineEndpointResult]:
    """Every online endpoint of the workspace."""
    items = _workspace_list(
        "listing online endpoints",
        (workspace_name, resource_group_name, subscription_id, api_version),
        _WORKSPACE_PATH + "/onlineEndpoints",
    )
    return [_online_endpoint(item) for item in items]


def get_online_deployment(
    endpoint_name: str,
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> OnlineDeploymentResult:
    """One deployment of an online endpoint."""
    where = (workspace_name, resource_group_name, subscription_id, api_version)
    names = {"endpoint_name": endpoint_name, "name": name}
    body = _workspace_get("reading online deployment", where, _ONLINE_DEPLOYMENT_PATH, **names)
    return _online_deployment(body, endpoint_name)


def list_online_deployments(
    endpoint_name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[OnlineDeploymentResult]:
    """Every deployment of an online endpoint."""
    template = _ONLINE_ENDPOINT_PATH + "/deployments"
    items = _workspace_list(
        "listing online deployments",
        (workspace_name, resource_group_name, subscription_id, api_version),
        template,
        endpoint_name=endpoint_name,
    )
    return [_online_deployment(item, endpoint_name) for item in items]


def get_online_endpoint_keys(
    endpoint_name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> OnlineEndpointKeys:
    """The keys of a Key-auth online endpoint (POST ``listKeys``; GET never returns them). Handle as secrets."""
    template = _ONLINE_ENDPOINT_PATH + "/listKeys"
    keys = _workspace_post(
        "listing online endpoint keys",
        (workspace_name, resource_group_name, subscription_id, api_version),
        template,
        endpoint_name=endpoint_name,
    )
    return OnlineEndpointKeys(
        primary_key=_text(keys, "primaryKey"), secondary_key=_text(keys, "secondaryKey"), raw=keys
    )


def get_online_endpoint_token(
    endpoint_name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> OnlineEndpointToken:
    """An access token for a token-auth online endpoint (POST ``token``), with its expiry. Handle as a secret."""
    template = _ONLINE_ENDPOINT_PATH + "/token"
    token = _workspace_post(
        "getting online endpoint token",
        (workspace_name, resource_group_name, subscription_id, api_version),
        template,
        endpoint_name=endpoint_name,
    )
    return OnlineEndpointToken(
        access_token=_text(token, "accessToken"),
        token_type=_text(token, "tokenType"),
        expiry_time_utc=_count(token, "expiryTimeUtc"),
        refresh_after_time_utc=_count(token, "refreshAfterTimeUtc"),
        raw=token,
    )


def get_online_deployment_logs(
    endpoint_name: str,
    name: str,
    tail: int | None = 100,
    container_type: str = "InferenceServer",
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> OnlineDeploymentLogs:
    """The last ``tail`` lines of a deployment container's log (POST ``getLogs``), for troubleshooting."""
    action = "reading online deployment logs"
    with _reported(action):
        if container_type not in LOG_CONTAINERS:
            raise ClientInputError(f"container_type must be one of {', '.join(LOG_CONTAINERS)}; got {container_type!r}")
        if tail is not None and (isinstance(tail, bool) or not isinstance(tail, int) or tail < 0):
            raise ClientInputError(f"tail must be a whole number of lines, 0 or more; got {tail!r}")
    request: dict[str, Any] = {"containerType": container_type}
    if tail is not None:
        request["tail"] = tail
    where = (workspace_name, resource_group_name, subscription_id, api_version)
    names = {"endpoint_name": endpoint_name, "name": name}
    body = _workspace_post(action, where, _ONLINE_DEPLOYMENT_PATH + "/getLogs", request, **names)
    return OnlineDeploymentLogs(content=str(body.get("content") or ""), container_type=container_type, tail=tail)


def get_online_endpoint_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[OnlineEndpointResult]:
    return _deferred(get_online_endpoint, name, workspace_name, resource_group_name, subscription_id, api_version)


def list_online_endpoints_output(
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[OnlineEndpointResult]]:
    return _deferred(list_online_endpoints, workspace_name, resource_group_name, subscription_id, api_version)


def get_online_deployment_output(
    endpoint_name: pulumi.Input[str],
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[OnlineDeploymentResult]:
    return _deferred(
        get_online_deployment, endpoint_name, name, workspace_name, resource_group_name, subscription_id, api_version
    )


def list_online_deployments_output(
    endpoint_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[OnlineDeploymentResult]]:
    return _deferred(
        list_online_deployments, endpoint_name, workspace_name, resource_group_name, subscription_id, api_version
    )


def get_online_endpoint_keys_output(
    endpoint_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[OnlineEndpointKeys]:
    """As :func:`get_online_endpoint_keys`, as a secret Output."""
    keys = _deferred(
        get_online_endpoint_keys, endpoint_name, workspace_name, resource_group_name, subscription_id, api_version
    )
    return pulumi.Output.secret(keys)


def get_online_endpoint_token_output(
    endpoint_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[OnlineEndpointToken]:
    """As :func:`get_online_endpoint_token`, as a secret Output."""
    token = _deferred(
        get_online_endpoint_token, endpoint_name, workspace_name, resource_group_name, subscription_id, api_version
    )
    return pulumi.Output.secret(token)


def get_online_deployment_logs_output(
    endpoint_name: pulumi.Input[str],
    name: pulumi.Input[str],
    tail: pulumi.Input[int] | None = 100,
    container_type: pulumi.Input[str] = "InferenceServer",
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[OnlineDeploymentLogs]:
    return _deferred(
        get_online_deployment_logs,
        endpoint_name,
        name,
        tail,
        container_type,
        workspace_name,
        resource_group_name,
        subscription_id,
        api_version,
    )
