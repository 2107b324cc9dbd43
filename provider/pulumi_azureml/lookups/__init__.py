"""Read-only lookups for Pulumi programs: resource groups, workspaces (and their service map), computes, batch and
online endpoints and deployments, datastores, environment versions and code/model/data asset versions, as typed
results. This package re-exports every lookup; each area has its own module, the shared machinery is in ``_common``.

Lookups run in every ``pulumi preview`` too, so they only read: ARM GETs and POST read actions (``listkeys``,
``listSecrets``, ``token``, ``getLogs``). Each result is a frozen dataclass with snake_case fields and the ARM body as
``.raw``; lists follow ``nextLink`` to the last page. Connection and placement come from the stack config
(``azureml:*``, the keys of :mod:`pulumi_azureml.settings`, with their environment fallbacks); function arguments
override them.

Every ``get_x``/``list_x`` has an ``get_x_output``/``list_x_output`` form that takes Pulumi inputs and returns an
``Output``, as Pulumi packages do for invokes; it runs off the event loop, so lookups do not hold up registrations.
Secret results (endpoint keys and tokens, datastore secrets) are secret Outputs there.

Errors are :class:`~pulumi_azureml.provider.AzureMLError` with a complete message; the ARM error (for example
:class:`~pulumi_azureml.arm.errors.NotFoundError`) is kept as ``__cause__``. Nothing here imports
``azure.identity`` until a credential is needed (docs/design-and-traps.md).
"""

from __future__ import annotations

import inspect

from pulumi_azureml.lookups._common import LIST_KEYS_TIMEOUT
from pulumi_azureml.lookups.assets import (
    AssetVersionResult,
    get_code_version,
    get_code_version_output,
    get_data_version,
    get_data_version_output,
    get_model_version,
    get_model_version_output,
    list_code_versions,
    list_code_versions_output,
    list_data_versions,
    list_data_versions_output,
    list_model_versions,
    list_model_versions_output,
)
from pulumi_azureml.lookups.batch import (
    BatchDeploymentResult,
    BatchEndpointKeys,
    BatchEndpointResult,
    get_batch_endpoint,
    get_batch_endpoint_keys,
    get_batch_endpoint_keys_output,
    get_batch_endpoint_output,
    list_batch_deployments,
    list_batch_deployments_output,
    list_batch_endpoints,
    list_batch_endpoints_output,
)
from pulumi_azureml.lookups.computes import (
    ComputeResult,
    get_compute,
    get_compute_output,
    list_computes,
    list_computes_output,
)
from pulumi_azureml.lookups.datastores import (
    DatastoreResult,
    DatastoreSecrets,
    get_datastore,
    get_datastore_output,
    get_datastore_secrets,
    get_datastore_secrets_output,
    list_datastores,
    list_datastores_output,
)
from pulumi_azureml.lookups.environments import (
    EnvironmentVersionResult,
    get_environment_version,
    get_environment_version_output,
    list_environment_versions,
    list_environment_versions_output,
)
from pulumi_azureml.lookups.online import (
    LOG_CONTAINERS,
    OnlineDeploymentLogs,
    OnlineDeploymentResult,
    OnlineEndpointKeys,
    OnlineEndpointResult,
    OnlineEndpointToken,
    get_online_deployment,
    get_online_deployment_logs,
    get_online_deployment_logs_output,
    get_online_deployment_output,
    get_online_endpoint,
    get_online_endpoint_keys,
    get_online_endpoint_keys_output,
    get_online_endpoint_output,
    get_online_endpoint_token,
    get_online_endpoint_token_output,
    list_online_deployments,
    list_online_deployments_output,
    list_online_endpoints,
    list_online_endpoints_output,
)
from pulumi_azureml.lookups.workspaces import (
    DISCOVERY_TIMEOUTS,
    RESOURCE_GROUP_API_VERSION,
    ResourceGroupResult,
    WorkspaceResult,
    WorkspaceServices,
    get_workspace,
    get_workspace_output,
    get_workspace_services,
    get_workspace_services_output,
    list_resource_groups,
    list_resource_groups_output,
    list_workspaces,
    list_workspaces_output,
)

__all__ = [
    "AssetVersionResult",
    "BatchDeploymentResult",
    "BatchEndpointKeys",
    "BatchEndpointResult",
    "ComputeResult",
    "DatastoreResult",
    "DatastoreSecrets",
    "EnvironmentVersionResult",
    "LOG_CONTAINERS",
    "OnlineDeploymentLogs",
    "OnlineDeploymentResult",
    "OnlineEndpointKeys",
    "OnlineEndpointResult",
    "OnlineEndpointToken",
    "ResourceGroupResult",
    "WorkspaceResult",
    "WorkspaceServices",
    "get_batch_endpoint",
    "get_batch_endpoint_keys",
    "get_batch_endpoint_keys_output",
    "get_batch_endpoint_output",
    "get_code_version",
    "get_code_version_output",
    "get_compute",
    "get_compute_output",
    "get_data_version",
    "get_data_version_output",
    "get_datastore",
    "get_datastore_output",
    "get_datastore_secrets",
    "get_datastore_secrets_output",
    "get_environment_version",
    "get_environment_version_output",
    "get_model_version",
    "get_model_version_output",
    "get_online_deployment",
    "get_online_deployment_logs",
    "get_online_deployment_logs_output",
    "get_online_deployment_output",
    "get_online_endpoint",
    "get_online_endpoint_keys",
    "get_online_endpoint_keys_output",
    "get_online_endpoint_output",
    "get_online_endpoint_token",
    "get_online_endpoint_token_output",
    "get_workspace",
    "get_workspace_output",
    "get_workspace_services",
    "get_workspace_services_output",
    "list_batch_deployments",
    "list_batch_deployments_output",
    "list_batch_endpoints",
    "list_batch_endpoints_output",
    "list_code_versions",
    "list_code_versions_output",
    "list_computes",
    "list_computes_output",
    "list_data_versions",
    "list_data_versions_output",
    "list_datastores",
    "list_datastores_output",
    "list_environment_versions",
    "list_environment_versions_output",
    "list_model_versions",
    "list_model_versions_output",
    "list_online_deployments",
    "list_online_deployments_output",
    "list_online_endpoints",
    "list_online_endpoints_output",
    "list_resource_groups",
    "list_resource_groups_output",
    "list_workspaces",
    "list_workspaces_output",
]

# Tunables that were importable from the one-module lookups; still importable from here, never in __all__.
_TUNABLES = (DISCOVERY_TIMEOUTS, LIST_KEYS_TIMEOUT, RESOURCE_GROUP_API_VERSION)

# Every lookup function keeps this package as its home module (``help()``, the public-surface test and any tooling
# that finds functions by ``__module__`` see ``pulumi_azureml.lookups``, as before the split). The result classes
# keep their defining module: their string annotations resolve there.
for _name in __all__:
    _value = globals()[_name]
    if inspect.isfunction(_value):
        _value.__module__ = __name__
del _name, _value
