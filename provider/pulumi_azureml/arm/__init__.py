"""The ARM layer: client, auth, retry, polling, errors and resource ids. It imports nothing from Pulumi.

Names load on first use (PEP 562), so importing e.g. ``pulumi_azureml.arm.errors`` does not import the client and
``requests`` with it: a preview never builds a client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_azureml._lazy import lazy_exports

if TYPE_CHECKING:
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
        CredentialError,
        NotFoundError,
        OperationCanceledError,
        OperationFailedError,
        OperationTimeoutError,
        ThrottledError,
        UnsafeUrlError,
    )
    from pulumi_azureml.arm.ids import ResourceId, render_path, same_id, validate_name
    from pulumi_azureml.arm.retry import RetryPolicy

_LAZY: dict[str, str] = {
    "AZURE_CHINA_CLOUD": "pulumi_azureml.arm.clouds",
    "AZURE_CLOUD": "pulumi_azureml.arm.clouds",
    "AZURE_US_GOVERNMENT": "pulumi_azureml.arm.clouds",
    "ArmClient": "pulumi_azureml.arm.client",
    "ArmError": "pulumi_azureml.arm.errors",
    "ArmRequestError": "pulumi_azureml.arm.errors",
    "CredentialError": "pulumi_azureml.arm.errors",
    "ArmResponseError": "pulumi_azureml.arm.errors",
    "AuthenticationError": "pulumi_azureml.arm.errors",
    "BadRequestError": "pulumi_azureml.arm.errors",
    "ClientInputError": "pulumi_azureml.arm.errors",
    "Clock": "pulumi_azureml.arm.clock",
    "Cloud": "pulumi_azureml.arm.clouds",
    "ConflictError": "pulumi_azureml.arm.errors",
    "CredentialTokenSource": "pulumi_azureml.arm.auth",
    "NotFoundError": "pulumi_azureml.arm.errors",
    "OperationCanceledError": "pulumi_azureml.arm.errors",
    "OperationFailedError": "pulumi_azureml.arm.errors",
    "OperationTimeoutError": "pulumi_azureml.arm.errors",
    "ResourceId": "pulumi_azureml.arm.ids",
    "RetryPolicy": "pulumi_azureml.arm.retry",
    "SYSTEM_CLOCK": "pulumi_azureml.arm.clock",
    "SecretString": "pulumi_azureml.arm.auth",
    "StaticTokenSource": "pulumi_azureml.arm.auth",
    "SystemClock": "pulumi_azureml.arm.clock",
    "ThrottledError": "pulumi_azureml.arm.errors",
    "TokenSource": "pulumi_azureml.arm.auth",
    "UnsafeUrlError": "pulumi_azureml.arm.errors",
    "cloud_by_name": "pulumi_azureml.arm.clouds",
    "default_credential_factory": "pulumi_azureml.arm.auth",
    "render_path": "pulumi_azureml.arm.ids",
    "same_id": "pulumi_azureml.arm.ids",
    "service_principal_credential_factory": "pulumi_azureml.arm.auth",
    "validate_name": "pulumi_azureml.arm.ids",
}

__all__ = [
    "AZURE_CHINA_CLOUD",
    "AZURE_CLOUD",
    "AZURE_US_GOVERNMENT",
    "SYSTEM_CLOCK",
    "ArmClient",
    "ArmError",
    "ArmRequestError",
    "CredentialError",
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


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
