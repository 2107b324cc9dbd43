"""OIDC workload identity federation, spelt as pulumi-azure-native spells it (issue 26), over real loopback HTTP.

A federated token (given, read from a file, or requested from GitHub Actions) is exchanged at a Microsoft Entra
token endpoint for an ARM token by azure-identity's ``ClientAssertionCredential``; the ARM token then reaches a
strict emulator, which takes no other. The endpoints are `support.oidc_endpoints` (GitHub's request over loopback
http, Entra's over https with a throwaway certificate trusted through ``REQUESTS_CA_BUNDLE``: azure-identity refuses
an authority that is not https, so the test serves https rather than weakening anything).
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_azureml.arm.auth import (
    DEFAULT_CREDENTIAL_SOURCE,
    OIDC_SOURCE,
    SERVICE_PRINCIPAL_SOURCE,
    CredentialTokenSource,
    FederatedTokenError,
    file_assertion,
)
from pulumi_azureml.arm.errors import ClientInputError, CredentialError
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.runtime import _token_source, client_for
from pulumi_azureml.settings import Settings

from support.oidc_endpoints import JWT_BEARER, OidcEndpoints

CLIENT_ID = "11111111-2222-3333-4444-555555555555"
TENANT_ID = "66666666-7777-8888-9999-000000000000"
REQUEST_TOKEN = "gh-request-token-3f9a1c"
FEDERATED = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmV4YW1wbGUifQ.c2lnbmVkLWZlZGVyYXRlZA"
ROTATED = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyb3RhdGVkIn0.cm90YXRlZC1zaWduYXR1cmU"
ARM_TOKEN = "arm-token-from-the-exchange-8d2e"
ROTATED_ARM_TOKEN = "arm-token-after-rotation-51b7"
SECRETS = (REQUEST_TOKEN, FEDERATED, ROTATED, ARM_TOKEN, ROTATED_ARM_TOKEN)
WORKSPACE = (
    "/subscriptions/00000000-0000-0000-0000-0000000001dc/resourceGroups/rg-oidc/providers/"
    "Microsoft.MachineLearningServices/workspaces/mlw-oidc"
)
SCOPE = "https://management.azure.com/.default"


@pytest.fixture
def endpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OidcEndpoints]:
    served = OidcEndpoints(
        tmp_path / "tls",
        request_token=REQUEST_TOKEN,
        federated_token=FEDERATED,
        exchanges={FEDERATED: ARM_TOKEN, ROTATED: ROTATED_ARM_TOKEN},
        client_id=CLIENT_ID,
        tenant_id=TENANT_ID,
    )
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(served.ca_bundle))
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture
def strict_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(tokens=[ARM_TOKEN]) as server:
        server.ensure_resource_group("00000000-0000-0000-0000-0000000001dc", "rg-oidc", "eastus")
        server.ensure_workspace("00000000-0000-0000-0000-0000000001dc", "rg-oidc", "mlw-oidc", "eastus")
        yield server


def github_config(endpoints: OidcEndpoints) -> dict[str, str]:
    return {
        "azureml:useOidc": "true",
        "azureml:clientId": CLIENT_ID,
        "azureml:tenantId": TENANT_ID,
        "azureml:oidcRequestUrl": endpoints.request_url,
        "azureml:oidcRequestToken": REQUEST_TOKEN,
        "azureml:activeDirectoryAuthorityHost": endpoints.authority,
    }


def test_github_actions_flow_reaches_the_service_with_the_exchanged_token(
    endpoints: OidcEndpoints, strict_emulator: EmulatorServer
) -> None:
    settings = Settings({**github_config(endpoints), "azureml:endpoint": strict_emulator.url}, environ={})
    assert settings.problems() == []
    body = client_for(settings).get(WORKSPACE, api_version="2025-12-01", action="reading workspace")
    assert body["name"] == "mlw-oidc"  # the strict emulator took the exchanged token, the only one it takes
    # GitHub's request: the run's own query kept, the Entra audience added, the request token as a bearer.
    [request] = endpoints.token_requests
    assert request.method == "GET" and request.path == "/_apis/idtoken"
    assert request.query == {"api-version": ["2.0"], "audience": ["api://AzureADTokenExchange"]}
    assert request.headers["authorization"] == f"bearer {REQUEST_TOKEN}"
    # Entra's exchange: a client-credentials grant with the federated token as a JWT-bearer client assertion.
    [exchange] = endpoints.exchange_requests
    assert exchange.method == "POST" and exchange.path == f"/{TENANT_ID}/oauth2/v2.0/token"
    assert {key: values[0] for key, values in exchange.form.items()} == {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_assertion_type": JWT_BEARER,
        "client_assertion": FEDERATED,
        "scope": f"{strict_emulator.url}/.default",
    }


def test_the_environment_spelling_of_github_actions_and_azure_native(endpoints: OidcEndpoints) -> None:
    environment = {
        "ARM_USE_OIDC": "true",
        "ARM_CLIENT_ID": CLIENT_ID,
        "ARM_TENANT_ID": TENANT_ID,
        # What a GitHub Actions job with `permissions: id-token: write` has, untouched.
        "ACTIONS_ID_TOKEN_REQUEST_URL": endpoints.request_url,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": REQUEST_TOKEN,
        "AZURE_AUTHORITY_HOST": endpoints.authority,
    }
    settings = Settings({}, environ=environment)
    assert settings.problems() == []
    assert settings.use_oidc()
    source = _token_source(settings, SCOPE, endpoints.authority)
    assert source.source == OIDC_SOURCE
    assert source.token() == ARM_TOKEN
    # ARM_OIDC_REQUEST_* (Terraform's and Pulumi ESC's spelling) win over GitHub's own variables.
    mixed = Settings({}, environ={**environment, "ARM_OIDC_REQUEST_TOKEN": "other", "ARM_OIDC_REQUEST_URL": "x"})
    assert (mixed.get("oidcRequestToken"), mixed.get("oidcRequestUrl")) == ("other", "x")


def test_a_federated_token_file_is_read_again_for_each_new_token(endpoints: OidcEndpoints, tmp_path: Path) -> None:
    # AKS workload identity: the webhook sets AZURE_FEDERATED_TOKEN_FILE and rewrites the file as tokens expire.
    token_file = tmp_path / "azure-identity-token"
    token_file.write_text(FEDERATED + "\n")
    settings = Settings(
        {"azureml:useOidc": "true"},
        environ={
            "AZURE_FEDERATED_TOKEN_FILE": str(token_file),
            "AZURE_CLIENT_ID": CLIENT_ID,
            "AZURE_TENANT_ID": TENANT_ID,
            "AZURE_AUTHORITY_HOST": endpoints.authority,
        },
    )
    assert _token_source(settings, SCOPE, endpoints.authority).token() == ARM_TOKEN
    assert [seen.form["client_assertion"] for seen in endpoints.exchange_requests] == [[FEDERATED]]
    assert endpoints.token_requests == []
    # The assertion the credential calls for each exchange reads the file anew (azure-identity asks for one only
    # when its cached ARM token is due for refresh, so the rotation is seen through the callable itself).
    assertion = file_assertion(str(token_file), "azureml:oidcTokenFilePath")
    token_file.write_text(ROTATED)
    assert assertion() == ROTATED
    token_file.unlink()
    with pytest.raises(FederatedTokenError, match=r"^azureml:oidcTokenFilePath: cannot read the federated token file"):
        assertion()


def test_which_federated_token_wins(endpoints: OidcEndpoints, tmp_path: Path) -> None:
    # The token itself > a token file > GitHub's request (pulumi-azure-native's order).
    token_file = tmp_path / "token"
    token_file.write_text(ROTATED)
    both = {
        **github_config(endpoints),
        "azureml:oidcToken": FEDERATED,
        "azureml:oidcTokenFilePath": str(token_file),
    }
    assert _token_source(Settings(both, environ={}), SCOPE, endpoints.authority).token() == ARM_TOKEN
    without_token = {key: value for key, value in both.items() if key != "azureml:oidcToken"}
    assert _token_source(Settings(without_token, environ={}), SCOPE, endpoints.authority).token() == ROTATED_ARM_TOKEN
    assert endpoints.token_requests == []
    # Per setting: stack config > AZURE_* > ARM_*.
    environ = {"AZURE_FEDERATED_TOKEN_FILE": "/from/azure", "ARM_OIDC_TOKEN_FILE_PATH": "/from/arm"}
    assert Settings({}, environ=environ).get("oidcTokenFilePath") == "/from/azure"
    assert Settings({}, environ={"ARM_OIDC_TOKEN_FILE_PATH": "/from/arm"}).get("oidcTokenFilePath") == "/from/arm"
    assert Settings({"azureml:oidcTokenFilePath": "/config"}, environ=environ).get("oidcTokenFilePath") == "/config"


def test_which_credential_wins() -> None:
    oidc = {"azureml:useOidc": "true", "azureml:clientId": CLIENT_ID, "azureml:tenantId": TENANT_ID}
    oidc["azureml:oidcToken"] = FEDERATED

    def source(config: dict[str, str], environ: dict[str, str] | None = None) -> object:
        return _token_source(Settings(config, environ=environ or {}), SCOPE, "https://login.example").source

    # A static token > a service principal's secret > OIDC > DefaultAzureCredential.
    assert source({**oidc, "azureml:accessToken": "static"}) == "the static token (azureml:accessToken)"
    assert source(oidc, {"AZURE_CLIENT_SECRET": "a-secret"}) == SERVICE_PRINCIPAL_SOURCE
    assert source(oidc) == OIDC_SOURCE
    assert source({**oidc, "azureml:useOidc": "false"}) == DEFAULT_CREDENTIAL_SOURCE
    assert source(oidc, {"ARM_USE_OIDC": "false"}) == OIDC_SOURCE  # stack config > environment
    assert source({key: value for key, value in oidc.items() if key != "azureml:useOidc"}, {"ARM_USE_OIDC": "1"}) == (
        OIDC_SOURCE
    )


@pytest.mark.parametrize(
    ("config", "environ", "expected"),
    [
        ({}, {"ARM_USE_OIDC": "yes"}, "ARM_USE_OIDC must be true or false, got 'yes'"),
        ({"azureml:oidcRequestUrl": "http://token.example/x"}, {}, "azureml:oidcRequestUrl uses plain http"),
        ({}, {"ACTIONS_ID_TOKEN_REQUEST_URL": "token.example/x"}, "ACTIONS_ID_TOKEN_REQUEST_URL must be an absolute"),
        (
            {"azureml:activeDirectoryAuthorityHost": "http://login.example"},
            {},
            "azureml:activeDirectoryAuthorityHost must be https",
        ),
        ({}, {"AZURE_AUTHORITY_HOST": "https://login.example/tenant"}, "AZURE_AUTHORITY_HOST must be a bare origin"),
        ({"azureml:oidcToken": "not a\ntoken"}, {}, "azureml:oidcToken is not a valid bearer token"),
    ],
)
def test_bad_oidc_settings_are_named_with_their_rule(
    config: dict[str, str], environ: dict[str, str], expected: str
) -> None:
    problems = [f"{source} {reason}" for source, reason in Settings(config, environ=environ).problems()]
    assert any(problem.startswith(expected) for problem in problems), problems
    assert not any("not a\ntoken" in problem for problem in problems)


def test_oidc_without_its_parts_is_refused_before_any_request() -> None:
    base = {"azureml:useOidc": "true", "azureml:clientId": CLIENT_ID, "azureml:tenantId": TENANT_ID}
    with pytest.raises(ClientInputError, match=r"^azureml:useOidc is true, so azureml:clientId .* are required"):
        _token_source(Settings({"azureml:useOidc": "true", "azureml:oidcToken": FEDERATED}, {}), SCOPE, "https://x")
    with pytest.raises(ClientInputError, match=r"no federated token is configured: set azureml:oidcToken"):
        _token_source(Settings(base, environ={}), SCOPE, "https://x")
    # A request URL without its token (or the reverse) is no source either.
    with pytest.raises(ClientInputError, match="no federated token"):
        _token_source(Settings({**base, "azureml:oidcRequestUrl": "https://x/y"}, {}), SCOPE, "https://x")


def test_the_token_endpoint_is_verified_like_any_other(
    endpoints: OidcEndpoints, monkeypatch: pytest.MonkeyPatch
) -> None:
    from azure.core.pipeline.transport import RequestsTransport

    monkeypatch.delenv("REQUESTS_CA_BUNDLE")  # the throwaway certificate is trusted by nobody else
    monkeypatch.setattr(RequestsTransport, "sleep", lambda self, seconds: None)  # azure-core's retry waits
    settings = Settings({**github_config(endpoints), "azureml:oidcToken": FEDERATED}, environ={})
    with pytest.raises(Exception, match="(?i)certificate"):
        _token_source(settings, SCOPE, endpoints.authority).token()
    assert endpoints.exchange_requests == []


def test_failures_name_the_source_and_never_a_token(
    endpoints: OidcEndpoints, strict_emulator: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings({**github_config(endpoints), "azureml:endpoint": strict_emulator.url}, environ={})
    client = client_for(settings)
    endpoints.request_status = 500  # and its answer repeats the request token
    with pytest.raises(CredentialError) as raised:
        client.get(WORKSPACE, api_version="2025-12-01", action="reading workspace")
    message = str(raised.value)
    assert message.startswith(f"reading workspace {WORKSPACE}: could not get an Azure token from {OIDC_SOURCE}: ")
    assert "the token request to 127.0.0.1) answered HTTP 500" in message
    endpoints.request_status = 200
    endpoints.exchanges.clear()  # Entra no longer trusts the federated token
    with pytest.raises(CredentialError) as refused:
        client.get(WORKSPACE, api_version="2025-12-01", action="reading workspace")
    assert "AADSTS700213" in str(refused.value)
    shown = f"{message}\n{refused.value}\n{caplog.text}\n{settings!r}\n{client!r}"
    assert not [secret for secret in SECRETS if secret in shown]


def test_no_oidc_secret_is_pickled(endpoints: OidcEndpoints) -> None:
    settings = Settings({**github_config(endpoints), "azureml:oidcToken": FEDERATED}, environ={})
    provider = AzureMLProvider("Compute")
    provider.use_settings(settings)
    pickled = pickle.dumps(provider)
    assert not [secret for secret in SECRETS if secret.encode() in pickled]
    source = _token_source(settings, SCOPE, endpoints.authority)
    assert isinstance(source, CredentialTokenSource)
    source.token()
    with pytest.raises((TypeError, AttributeError, pickle.PicklingError)):
        pickle.dumps(source)


def test_a_lookup_gets_the_same_refusals_as_a_resource() -> None:
    # Lookups build their client without the resource path's settings check: the values are checked where used.
    oidc = {"azureml:clientId": CLIENT_ID, "azureml:tenantId": TENANT_ID, "azureml:oidcToken": FEDERATED}
    with pytest.raises(ClientInputError, match="^ARM_USE_OIDC must be true or false, got 'yes'$"):
        _token_source(Settings(oidc, environ={"ARM_USE_OIDC": "yes"}), SCOPE, "https://x")
    request = {"azureml:useOidc": "true", "azureml:clientId": CLIENT_ID, "azureml:tenantId": TENANT_ID}
    request.update({"azureml:oidcRequestUrl": "http://token.example/x", "azureml:oidcRequestToken": REQUEST_TOKEN})
    with pytest.raises(ClientInputError, match="^azureml:oidcRequestUrl uses plain http"):
        _token_source(Settings(request, environ={}), SCOPE, "https://x")
    settings = Settings({"azureml:activeDirectoryAuthorityHost": "http://login.example"}, environ={})
    with pytest.raises(ClientInputError, match="^azureml:activeDirectoryAuthorityHost must be https"):
        client_for(settings)
