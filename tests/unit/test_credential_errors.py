"""Authentication failures say what to do: the operation and resource, the credentials tried, how to choose others.

Against the emulator over real HTTP. Credentials that would reach a sign-in host are stood in for by objects that
raise what azure-identity raises (no request may leave the machine).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError

from pulumi_azureml.arm.auth import (
    DEFAULT_CREDENTIAL_SOURCE,
    SERVICE_PRINCIPAL_SOURCE,
    CredentialTokenSource,
    StaticTokenSource,
)
from pulumi_azureml.arm.client import ArmClient
from pulumi_azureml.arm.errors import AuthenticationError, CredentialError
from pulumi_azureml.emulator import EmulatorServer

SUBSCRIPTION = "00000000-0000-0000-0000-0000000000a7"
COMPUTE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-auth/providers/Microsoft.MachineLearningServices/"
    "workspaces/mlw-auth/computes/cpu-cluster"
)
GOOD_TOKEN = "the-only-token-the-emulator-takes"


@pytest.fixture
def strict_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(tokens=[GOOD_TOKEN]) as server:
        yield server


class FailingCredential:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def get_token(self, *scopes: str) -> object:
        raise self.error


def client(emulator: EmulatorServer, source: object) -> ArmClient:
    return ArmClient(endpoint=emulator.url, token_source=source, poll_interval=0.0, progress=lambda line: None)  # type: ignore[arg-type]


def test_default_credential_failing_names_the_settings_that_choose_another(strict_emulator: EmulatorServer) -> None:
    listing = (
        "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
        "Attempted credentials:\n\tEnvironmentCredential: EnvironmentCredential authentication unavailable.\n"
        "\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable.\n"
        "\tAzureCliCredential: Azure CLI not found on path"
    )
    source = CredentialTokenSource(
        lambda: FailingCredential(ClientAuthenticationError(listing)), "scope", source=DEFAULT_CREDENTIAL_SOURCE
    )
    with pytest.raises(CredentialError) as raised:
        client(strict_emulator, source).get(COMPUTE, api_version="2025-12-01", action="creating compute")
    message = str(raised.value)
    assert message.startswith(f"creating compute {COMPUTE}: could not get an Azure token from DefaultAzureCredential")
    assert "azureml:accessToken" in message and "azureml:clientSecret" in message and "`az login`" in message
    assert "Attempted credentials" not in message, "the credential's whole listing is not the user's fix"
    assert strict_emulator.requests_log() == []


def test_unreachable_sign_in_host_is_one_clear_message(strict_emulator: EmulatorServer) -> None:
    source = CredentialTokenSource(
        lambda: FailingCredential(ServiceRequestError("Failed to establish a new connection: [Errno 111]")),
        "scope",
        source=SERVICE_PRINCIPAL_SOURCE,
    )
    with pytest.raises(CredentialError) as raised:
        client(strict_emulator, source).get(COMPUTE, api_version="2025-12-01", action="reading compute")
    message = str(raised.value)
    assert f"reading compute {COMPUTE}: could not get an Azure token from the service principal" in message
    assert "Failed to establish a new connection" in message
    assert "azureml:accessToken" in message


def test_a_refused_static_token_is_answered_about_the_static_token(strict_emulator: EmulatorServer) -> None:
    with pytest.raises(AuthenticationError) as raised:
        client(strict_emulator, StaticTokenSource("a-wrong-token")).get(
            COMPUTE, api_version="2025-12-01", action="reading compute"
        )
    message = str(raised.value)
    assert "HTTP 401" in message
    assert "the static token (azureml:accessToken) was refused" in message
    assert "a-wrong-token" not in message
    assert len([entry for entry in strict_emulator.requests_log() if entry["status"] == 401]) == 2
