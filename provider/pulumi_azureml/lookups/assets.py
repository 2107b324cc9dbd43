"""Code, model and data asset version lookups: one version, or an asset's versions (archived ones on request)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from pulumi_azureml.lookups._common import (
    _WORKSPACE_PATH,
    _deferred,
    _flag,
    _property_tags,
    _text,
    _workspace_get,
    _workspace_list,
)
from pulumi_azureml.schema import get_path


@dataclass(frozen=True)
class AssetVersionResult:
    """A code, model or data asset version."""

    id: str
    name: str
    """The asset's (container's) name."""
    version: str
    asset_uri: str | None
    """``codeUri``, ``modelUri`` or ``dataUri``: where the content is."""
    description: str | None
    tags: dict[str, str]
    properties: dict[str, str]
    is_archived: bool | None
    stage: str | None
    """Models and data only."""
    type: str | None
    """``modelType`` of a model, ``dataType`` of a data version; ``None`` for code."""
    provisioning_state: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)


_ASSET_URI = {"codes": "properties.codeUri", "models": "properties.modelUri", "data": "properties.dataUri"}
_ASSET_TYPE = {"models": "properties.modelType", "data": "properties.dataType"}
_ASSET_NOUN = {"codes": "code", "models": "model", "data": "data"}


def _asset_version(body: dict[str, Any], collection: str) -> AssetVersionResult:
    asset_id = str(body.get("id") or "")
    return AssetVersionResult(
        id=asset_id,
        name=asset_id.split("/versions/", 1)[0].rsplit("/", 1)[-1] if "/versions/" in asset_id else "",
        version=str(body.get("name") or ""),
        asset_uri=_text(body, _ASSET_URI[collection]),
        description=_text(body, "properties.description"),
        tags=_property_tags(body),
        properties={str(k): str(v) for k, v in (get_path(body, "properties.properties") or {}).items()},
        is_archived=_flag(body, "properties.isArchived"),
        stage=_text(body, "properties.stage"),
        type=_text(body, _ASSET_TYPE[collection]) if collection in _ASSET_TYPE else None,
        provisioning_state=_text(body, "properties.provisioningState"),
        raw=body,
    )


def _get_asset_version(
    collection: str,
    name: str,
    version: str,
    workspace_name: str | None,
    resource_group_name: str | None,
    subscription_id: str | None,
    api_version: str | None,
) -> AssetVersionResult:
    action = f"reading {_ASSET_NOUN[collection]} version"
    template = _WORKSPACE_PATH + f"/{collection}/{{name}}/versions/{{version}}"
    body = _workspace_get(
        action,
        (workspace_name, resource_group_name, subscription_id, api_version),
        template,
        name=name,
        version=version,
    )
    return _asset_version(body, collection)


def _list_asset_versions(
    collection: str,
    name: str,
    workspace_name: str | None,
    resource_group_name: str | None,
    subscription_id: str | None,
    api_version: str | None,
    include_archived: bool,
) -> list[AssetVersionResult]:
    action = f"listing {_ASSET_NOUN[collection]} versions"
    params = {"listViewType": "All" if include_archived else "ActiveOnly"}
    template = _WORKSPACE_PATH + f"/{collection}/{{name}}/versions"
    items = _workspace_list(
        action, (workspace_name, resource_group_name, subscription_id, api_version), template, params, name=name
    )
    return [_asset_version(item, collection) for item in items]


def get_code_version(
    name: str,
    version: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> AssetVersionResult:
    """One version of a code asset."""
    return _get_asset_version("codes", name, version, workspace_name, resource_group_name, subscription_id, api_version)


def list_code_versions(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
    *,
    include_archived: bool = False,
) -> list[AssetVersionResult]:
    """Every version of a code asset (archived ones only with ``include_archived``)."""
    return _list_asset_versions(
        "codes", name, workspace_name, resource_group_name, subscription_id, api_version, include_archived
    )


def get_model_version(
    name: str,
    version: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> AssetVersionResult:
    """One version of a model."""
    return _get_asset_version(
        "models", name, version, workspace_name, resource_group_name, subscription_id, api_version
    )


def list_model_versions(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
    *,
    include_archived: bool = False,
) -> list[AssetVersionResult]:
    """Every version of a model (archived ones only with ``include_archived``)."""
    return _list_asset_versions(
        "models", name, workspace_name, resource_group_name, subscription_id, api_version, include_archived
    )


def get_data_version(
    name: str,
    version: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> AssetVersionResult:
    """One version of a data asset."""
    return _get_asset_version("data", name, version, workspace_name, resource_group_name, subscription_id, api_version)


def list_data_versions(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
    *,
    include_archived: bool = False,
) -> list[AssetVersionResult]:
    """Every version of a data asset (archived ones only with ``include_archived``)."""
    return _list_asset_versions(
        "data", name, workspace_name, resource_group_name, subscription_id, api_version, include_archived
    )


def get_code_version_output(
    name: pulumi.Input[str],
    version: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[AssetVersionResult]:
    return _deferred(get_code_version, name, version, workspace_name, resource_group_name, subscription_id, api_version)


def list_code_versions_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
    include_archived: bool = False,
) -> pulumi.Output[list[AssetVersionResult]]:
    return _deferred(
        list_code_versions, name, workspace_name, resource_group_name, subscription_id, api_version, include_archived
    )


def get_model_version_output(
    name: pulumi.Input[str],
    version: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[AssetVersionResult]:
    return _deferred(
        get_model_version, name, version, workspace_name, resource_group_name, subscription_id, api_version
    )


def list_model_versions_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
    include_archived: bool = False,
) -> pulumi.Output[list[AssetVersionResult]]:
    return _deferred(
        list_model_versions, name, workspace_name, resource_group_name, subscription_id, api_version, include_archived
    )


def get_data_version_output(
    name: pulumi.Input[str],
    version: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[AssetVersionResult]:
    return _deferred(get_data_version, name, version, workspace_name, resource_group_name, subscription_id, api_version)


def list_data_versions_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
    include_archived: bool = False,
) -> pulumi.Output[list[AssetVersionResult]]:
    return _deferred(
        list_data_versions, name, workspace_name, resource_group_name, subscription_id, api_version, include_archived
    )
