"""Datastore lookups, and a datastore's secret (``listSecrets``, a secret Output)."""

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
    _workspace_post,
)
from pulumi_azureml.specs.datastores import PATH as _DATASTORE_PATH


@dataclass(frozen=True)
class DatastoreResult:
    """A datastore, as GET returns it: without its secret (see :func:`get_datastore_secrets`)."""

    id: str
    name: str
    datastore_type: str | None
    account_name: str | None
    container_name: str | None
    filesystem: str | None
    file_share_name: str | None
    endpoint: str | None
    protocol: str | None
    credentials_type: str | None
    is_default: bool | None
    description: str | None
    tags: dict[str, str]
    """The datastore's own tags (``properties.tags``)."""
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class DatastoreSecrets:
    """A datastore's secret (``listSecrets``): the one value its credential kind has; never shown by ``repr``."""

    secrets_type: str | None
    account_key: str | None = field(repr=False)
    sas_token: str | None = field(repr=False)
    client_secret: str | None = field(repr=False)
    certificate: str | None = field(repr=False)
    raw: dict[str, Any] = field(repr=False, compare=False)


def _datastore(body: dict[str, Any]) -> DatastoreResult:
    return DatastoreResult(
        id=str(body.get("id") or ""),
        name=str(body.get("name") or ""),
        datastore_type=_text(body, "properties.datastoreType"),
        account_name=_text(body, "properties.accountName"),
        container_name=_text(body, "properties.containerName"),
        filesystem=_text(body, "properties.filesystem"),
        file_share_name=_text(body, "properties.fileShareName"),
        endpoint=_text(body, "properties.endpoint"),
        protocol=_text(body, "properties.protocol"),
        credentials_type=_text(body, "properties.credentials.credentialsType"),
        is_default=_flag(body, "properties.isDefault"),
        description=_text(body, "properties.description"),
        tags=_property_tags(body),
        raw=body,
    )


def get_datastore(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> DatastoreResult:
    """One datastore of the workspace (``workspaceblobstore`` is the workspace's own default one)."""
    return _datastore(
        _workspace_get(
            "reading datastore",
            (workspace_name, resource_group_name, subscription_id, api_version),
            _DATASTORE_PATH,
            name=name,
        )
    )


def list_datastores(
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> list[DatastoreResult]:
    """Every datastore of the workspace, its default ones included."""
    items = _workspace_list(
        "listing datastores",
        (workspace_name, resource_group_name, subscription_id, api_version),
        _WORKSPACE_PATH + "/datastores",
    )
    return [_datastore(item) for item in items]


def get_datastore_secrets(
    name: str,
    workspace_name: str | None = None,
    resource_group_name: str | None = None,
    subscription_id: str | None = None,
    api_version: str | None = None,
) -> DatastoreSecrets:
    """A datastore's secret (POST ``listSecrets``; GET never returns it). Handle it as a secret: the ``_output``
    form is a secret Output. Identity-based datastores (credentials ``None``) have none: the service refuses."""
    secrets = _workspace_post(
        "listing datastore secrets",
        (workspace_name, resource_group_name, subscription_id, api_version),
        _DATASTORE_PATH + "/listSecrets",
        name=name,
    )
    return DatastoreSecrets(
        secrets_type=_text(secrets, "secretsType"),
        account_key=_text(secrets, "key"),
        sas_token=_text(secrets, "sasToken"),
        client_secret=_text(secrets, "clientSecret"),
        certificate=_text(secrets, "certificate"),
        raw=secrets,
    )


def get_datastore_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[DatastoreResult]:
    return _deferred(get_datastore, name, workspace_name, resource_group_name, subscription_id, api_version)


def list_datastores_output(
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[DatastoreResult]]:
    return _deferred(list_datastores, workspace_name, resource_group_name, subscription_id, api_version)


def get_datastore_secrets_output(
    name: pulumi.Input[str],
    workspace_name: pulumi.Input[str] | None = None,
    resource_group_name: pulumi.Input[str] | None = None,
    subscription_id: pulumi.Input[str] | None = None,
    api_version: pulumi.Input[str] | None = None,
) -> pulumi.Output[DatastoreSecrets]:
    """As :func:`get_datastore_secrets`, as a secret Output."""
    secrets = _deferred(get_datastore_secrets, name, workspace_name, resource_group_name, subscription_id, api_version)
    return pulumi.Output.secret(secrets)
