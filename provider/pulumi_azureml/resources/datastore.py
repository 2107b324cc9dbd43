"""``Datastore`` as a Pulumi resource: an Azure Blob container, ADLS Gen2 filesystem or Azure file share.

The credential values (``account_key``, ``sas_token``, ``client_secret``, ``certificate``) are secret and
write-only: they are marked secret in state, never read back from Azure, and a change is detected against the last
inputs. The update/replace table is in :mod:`pulumi_azureml.specs.datastores` and docs/reference/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_azureml.resources.base import prepare
from pulumi_azureml.resources.common import TimeoutsArgs


@dataclass
class DatastoreArgs:
    """Inputs of :class:`Datastore` (the Datastores - Create Or Update request)."""

    datastore_type: pulumi.Input[str] | None = None
    """``AzureBlob``, ``AzureDataLakeGen2`` or ``AzureFile``."""
    account_name: pulumi.Input[str] | None = None
    container_name: pulumi.Input[str] | None = None
    """AzureBlob only."""
    filesystem: pulumi.Input[str] | None = None
    """AzureDataLakeGen2 only."""
    file_share_name: pulumi.Input[str] | None = None
    """AzureFile only."""
    subscription_id: pulumi.Input[str] | None = None
    resource_group_name: pulumi.Input[str] | None = None
    workspace_name: pulumi.Input[str] | None = None
    name: pulumi.Input[str] | None = None
    """Default: the Pulumi resource name."""
    endpoint: pulumi.Input[str] | None = None
    """Default (service): ``core.windows.net``."""
    protocol: pulumi.Input[str] | None = None
    """Default (service): ``https``."""
    service_data_access_auth_identity: pulumi.Input[str] | None = None
    credentials_type: pulumi.Input[str] | None = None
    """``AccountKey``, ``Sas``, ``ServicePrincipal``, ``Certificate`` or ``None``; default: from the secret given."""
    account_key: pulumi.Input[str] | None = None
    """Secret, write-only."""
    sas_token: pulumi.Input[str] | None = None
    """Secret, write-only."""
    client_secret: pulumi.Input[str] | None = None
    """Secret, write-only (with tenant_id and client_id)."""
    certificate: pulumi.Input[str] | None = None
    """Secret, write-only (with tenant_id, client_id and thumbprint)."""
    tenant_id: pulumi.Input[str] | None = None
    client_id: pulumi.Input[str] | None = None
    thumbprint: pulumi.Input[str] | None = None
    authority_url: pulumi.Input[str] | None = None
    resource_url: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[dict[str, str]] | None = None
    properties: pulumi.Input[dict[str, str]] | None = None
    storage_resource_group: pulumi.Input[str] | None = None
    storage_subscription_id: pulumi.Input[str] | None = None
    is_default: pulumi.Input[bool] | None = None
    """``True`` makes this the workspace's default datastore."""
    api_version: pulumi.Input[str] | None = None
    timeouts: TimeoutsArgs | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class Datastore(pulumi.dynamic.Resource, module="azureml", name="Datastore"):
    """An Azure ML datastore (``pulumi-python:dynamic/azureml:Datastore``); its id is the ARM id."""

    arm_id: pulumi.Output[str]
    name: pulumi.Output[str]
    datastore_type: pulumi.Output[str]
    account_name: pulumi.Output[str]
    credentials_type: pulumi.Output[str]
    resource_type: pulumi.Output[str]
    system_data: pulumi.Output[dict[str, Any] | None]

    def __init__(
        self,
        resource_name: str,
        args: DatastoreArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        provider, props, options = prepare("Datastore", resource_name, args, kwargs, opts)
        super().__init__(provider, resource_name, props, options)
