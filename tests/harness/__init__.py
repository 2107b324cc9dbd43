"""Test support: play the Pulumi engine and CLI against the SDK's real dynamic-provider host.

``Stack`` runs a Pulumi program under the SDK's mocks and forwards every dynamic-resource registration to a
``python -m pulumi.dynamic`` subprocess over its gRPC protocol, keeping encrypted state in a JSON file between runs.
``ProviderHost`` is that subprocess on its own, for protocol-level tests. See README.md for what is and is not
modelled.
"""

from .cipher import SecretDecryptionError, SecretsCipher
from .engine import CheckFailed, DeploymentError, EchoMocks, Step, deletion_order, make_urn
from .host import (
    CheckReply,
    ConcurrentOutcome,
    CreateReply,
    DiffReply,
    HostError,
    ProviderHost,
    ReadReply,
    provider_property,
    run_host_concurrently,
)
from .program import Program
from .stack import BackgroundRun, DeploymentResult, Stack
from .state import PendingOperation, ResourceState, StackState
from .values import contains_secrets, is_secret, make_secret, secret_paths, strip_secrets

__all__ = [
    "BackgroundRun",
    "CheckFailed",
    "CheckReply",
    "ConcurrentOutcome",
    "CreateReply",
    "DeploymentError",
    "DeploymentResult",
    "DiffReply",
    "EchoMocks",
    "HostError",
    "PendingOperation",
    "Program",
    "ProviderHost",
    "ReadReply",
    "ResourceState",
    "SecretDecryptionError",
    "SecretsCipher",
    "Stack",
    "StackState",
    "Step",
    "contains_secrets",
    "deletion_order",
    "is_secret",
    "make_secret",
    "make_urn",
    "provider_property",
    "run_host_concurrently",
    "secret_paths",
    "strip_secrets",
]
