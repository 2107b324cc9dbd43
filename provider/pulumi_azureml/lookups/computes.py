"""Compute lookups: one compute of a workspace, or all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from pulumi_azureml.lookups._common import (
    _WORKSPACE_PATH,
    _deferred,
    _flag,
    _tags,
    _text,
    _workspace_get,
    _workspace_list,
)
from pulumi_azureml.specs.compute import PATH as COMPUTE_PATH


@dataclass(frozen=True)
class ComputeResult:
    """An Azure ML compute of any type."""

    id: str
    name: str
    location: str | None
    compute_type: str | None
    provisioning_state: str | None
    description: str | None
    vm_size: str | None
    state: str | None
    """ComputeInstance state (``Running``, ``Stopped``...)."""
    resource_id: str | None
    """Attached types: ARM id of the underlying compute."""
    is_attached_compute: bool | None
    created_on: str | None
    tags: dict[str, str]
    identity_principal_id: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)


def _compute(body: dict[str, Any]) -> ComputeResult:
    return ComputeResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        location=_text(body, "location"),
        compute_type=_text(body, "properties.computeType"),
        provisioning_state=_text(body, "properties.provisioningState"),
        description=_text(body, "properties.description"),
        vm_size=_text(body, "properties.properties.vmSize"),
        state=_text(body, "properties.properties.state"),
        resource_id=_text(body, "properties.resourceId"),
        is_attached_compute=_flag(body, "properties.isAttachedCompute"),
        created_on=_text(body, "properties.createdOn"),
        tags=_tags(body),
        identity_principal_id=_text(body, "identity.principalId"),
        raw=body,
    )


def get_compute(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> ComputeResult:
    """One compute of the workspace (default: azureml:workspaceName)."""
    return _compute(
        _workspace_get(
            "reading compute",
            (workspace_name, resource_group_name, subscription_id, api_version),
            COMPUTE_PATH,
            name=name,
        )
    )


def list_computes(
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[ComputeResult]:
    """Every compute of the workspace."""
    items = _workspace_list(
        "listing computes",
        (workspace_name, resource_group_name, subscription_id, api_version),
        _WORKSPACE_PATH + "/computes",
    )
    return [_compute(item) for item in items]


def get_compute_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[ComputeResult]:
    return _deferred(get_compute, name, workspace_name, resource_group_name, subscription_id, api_version)


def list_computes_output(
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[ComputeResult]]:
    return _deferred(list_computes, workspace_name, resource_group_name, subscription_id, api_version)
