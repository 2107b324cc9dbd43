"""pulumi-azureml: Pulumi dynamic providers for Azure Machine Learning over the ARM REST API.

Importing this package is cheap: it does not import ``azure.identity`` (a preview needs no token).
"""

from __future__ import annotations

from pulumi_azureml._version import __version__
from pulumi_azureml.provider import AzureMLError
from pulumi_azureml.resources.batch import (
    AssetReferenceArgs,
    BatchDeployment,
    BatchDeploymentArgs,
    BatchEndpoint,
    BatchEndpointArgs,
    BatchEndpointDefaultDeployment,
    BatchEndpointDefaultDeploymentArgs,
    CodeConfigurationArgs,
    DeploymentConfigurationArgs,
    DeploymentResourcesArgs,
    EndpointKeysArgs,
    RetrySettingsArgs,
)
from pulumi_azureml.resources.common import IdentityArgs, SkuArgs, TimeoutsArgs
from pulumi_azureml.resources.compute import (
    AssignedUserArgs,
    Compute,
    ComputeArgs,
    CronArgs,
    RecurrenceArgs,
    RecurrenceScheduleArgs,
    ScaleSettingsArgs,
    ScheduleArgs,
    ScriptReferenceArgs,
    SetupScriptsArgs,
    SshSettingsArgs,
    UserAccountCredentialsArgs,
)

__all__ = [
    "AssetReferenceArgs",
    "AssignedUserArgs",
    "AzureMLError",
    "BatchDeployment",
    "BatchDeploymentArgs",
    "BatchEndpoint",
    "BatchEndpointArgs",
    "BatchEndpointDefaultDeployment",
    "BatchEndpointDefaultDeploymentArgs",
    "CodeConfigurationArgs",
    "Compute",
    "ComputeArgs",
    "CronArgs",
    "DeploymentConfigurationArgs",
    "DeploymentResourcesArgs",
    "EndpointKeysArgs",
    "IdentityArgs",
    "RecurrenceArgs",
    "RecurrenceScheduleArgs",
    "RetrySettingsArgs",
    "ScaleSettingsArgs",
    "ScheduleArgs",
    "ScriptReferenceArgs",
    "SetupScriptsArgs",
    "SkuArgs",
    "SshSettingsArgs",
    "TimeoutsArgs",
    "UserAccountCredentialsArgs",
    "__version__",
]
