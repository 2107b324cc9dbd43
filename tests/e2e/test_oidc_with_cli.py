"""`pulumi up` and `destroy` in a GitHub Actions job's environment: ARM_USE_OIDC and GitHub's token request (issue 26).

The job's variables only (no access token, no secret in the stack): `ARM_USE_OIDC`, `ARM_CLIENT_ID`,
`ARM_TENANT_ID`, GitHub's `ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN`, and `AZURE_AUTHORITY_HOST` pointing at a loopback
stand-in for Microsoft Entra (`support.oidc_endpoints`, https with a throwaway certificate trusted through
`REQUESTS_CA_BUNDLE`). The emulator is strict: it takes only the ARM token the exchange issues, so a create that
succeeds went through the whole flow, inside the dynamic-provider host the real engine started.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, Project
from support.emulators import Placement
from support.oidc_endpoints import OidcEndpoints

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PROGRAM = Path(__file__).parent / "programs" / "clusters"
PLACEMENT = Placement(
    subscription="00000000-0000-0000-0000-0000000001dc",
    resource_group="rg-oidc",
    workspace="mlw-oidc",
    location="eastus",
    token="unused: the stack has no access token",
)
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
TENANT_ID = "66666666-7777-8888-9999-000000000000"
REQUEST_TOKEN = "gh-request-token-e2e-77c1"
FEDERATED = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmUyZSJ9.ZTJlLWZlZGVyYXRlZC1zaWduYXR1cmU"
ARM_TOKEN = "arm-token-e2e-exchange-4b0d"


@pytest.fixture
def endpoints(tmp_path: Path) -> Iterator[OidcEndpoints]:
    served = OidcEndpoints(
        tmp_path / "tls",
        request_token=REQUEST_TOKEN,
        federated_token=FEDERATED,
        exchanges={FEDERATED: ARM_TOKEN},
        client_id=CLIENT_ID,
        tenant_id=TENANT_ID,
    )
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture
def strict_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(tokens=[ARM_TOKEN]) as server:
        server.ensure_resource_group(PLACEMENT.subscription, PLACEMENT.resource_group, PLACEMENT.location)
        server.ensure_workspace(
            PLACEMENT.subscription, PLACEMENT.resource_group, PLACEMENT.workspace, PLACEMENT.location
        )
        yield server


def compute_ids(emulator: EmulatorServer) -> list[str]:
    return [entry["id"] for entry in emulator.state()["resources"] if entry["kind"] == "compute"]


def test_up_and_destroy_with_github_actions_oidc(
    tmp_path: Path, cli: Cli, endpoints: OidcEndpoints, strict_emulator: EmulatorServer
) -> None:
    cli.extra_environment.update(
        {
            "ARM_USE_OIDC": "true",
            "ARM_CLIENT_ID": CLIENT_ID,
            "ARM_TENANT_ID": TENANT_ID,
            "ACTIONS_ID_TOKEN_REQUEST_URL": endpoints.request_url,
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": REQUEST_TOKEN,
            "AZURE_AUTHORITY_HOST": endpoints.authority,
            "REQUESTS_CA_BUNDLE": str(endpoints.ca_bundle),
        }
    )
    project = Project.from_program(tmp_path / "project", PROGRAM, "oidc")
    cli.run("stack", "init", "ci", cwd=project.directory)
    project.write_stack_config(
        "ci",
        {
            "count": "1",
            "azureml:endpoint": strict_emulator.url,
            "azureml:subscriptionId": PLACEMENT.subscription,
            "azureml:resourceGroupName": PLACEMENT.resource_group,
            "azureml:workspaceName": PLACEMENT.workspace,
            "azureml:pollIntervalSeconds": "0",
        },
    )
    up = cli.run("up", "--yes", "--non-interactive", cwd=project.directory)
    assert [entry.rsplit("/", 1)[-1] for entry in compute_ids(strict_emulator)] == ["cluster-a"], up.output
    # One GitHub request and one exchange per provider process, whatever the number of ARM requests.
    assert endpoints.token_requests and endpoints.exchange_requests
    assert all(seen.query["audience"] == ["api://AzureADTokenExchange"] for seen in endpoints.token_requests)
    assert {seen.form["client_assertion"][0] for seen in endpoints.exchange_requests} == {FEDERATED}
    exported = cli.run("stack", "export", "--show-secrets", cwd=project.directory).stdout
    destroy = cli.run("destroy", "--yes", "--non-interactive", cwd=project.directory)
    assert compute_ids(strict_emulator) == []
    backend = "".join(path.read_text(errors="replace") for path in cli.backend.rglob("*") if path.is_file())
    shown = f"{up.output}\n{destroy.output}\n{exported}\n{backend}"
    assert not [secret for secret in (REQUEST_TOKEN, FEDERATED, ARM_TOKEN) if secret in shown]
