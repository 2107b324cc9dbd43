"""The ARM layer: client, auth, retry, polling, errors and resource ids. It imports nothing from Pulumi."""

from __future__ import annotations

from pulumi_azureml.arm.auth import (
    CredentialTokenSource,
    SecretString,
    StaticTokenSource,
    TokenSource,
    default_credential_factory,
    service_principal_credential_factory,
)
from pulumi_azureml.arm.client import ArmClient
from pulumi_azureml.arm.clock import SYSTEM_CLOCK, Clock, SystemClock
from pulumi_azureml.arm.clouds import AZURE_CHINA_CLOUD, AZURE_CLOUD, AZURE_US_GOVERNMENT, Cloud, cloud_by_name
from pulumi_azureml.arm.errors import (
    ArmError,
    ArmRequestError,
    ArmResponseError,
    AuthenticationError,
    BadRequestError,
    ClientInputError,
    ConflictError,
    NotFoundError,
    OperationCanceledError,
    OperationFailedError,
    OperationTimeoutError,
    ThrottledError,
    UnsafeUrlError,
)
from pulumi_azureml.arm.ids import ResourceId, render_path, same_id, validate_name
from pulumi_azureml.arm.retry import RetryPolicy

__all__ = [
    "AZURE_CHINA_CLOUD",
    "AZURE_CLOUD",
    "AZURE_US_GOVERNMENT",
    "SYSTEM_CLOCK",
    "ArmClient",
    "ArmError",
    "ArmRequestError",
    "ArmResponseError",
    "AuthenticationError",
    "BadRequestError",
    "ClientInputError",
    "Clock",
    "Cloud",
    "ConflictError",
    "CredentialTokenSource",
    "NotFoundError",
    "OperationCanceledError",
    "OperationFailedError",
    "OperationTimeoutError",
    "ResourceId",
    "RetryPolicy",
    "SecretString",
    "StaticTokenSource",
    "SystemClock",
    "ThrottledError",
    "TokenSource",
    "UnsafeUrlError",
    "cloud_by_name",
    "default_credential_factory",
    "render_path",
    "same_id",
    "service_principal_credential_factory",
    "validate_name",
]
