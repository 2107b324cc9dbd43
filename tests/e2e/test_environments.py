"""One program, a `dev` and a `prod` stack, with the real CLI: different config per stack, and secrets that stay secret.

After `up` of both stacks, nothing a user or an attacker with the state can read holds a secret in clear: not
`pulumi stack export`, not any file of the backend, not the CLI's output, and `__provider` (the pickled provider
in every resource's state) holds no configuration at all.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, Project, Result

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

PROGRAM = Path(__file__).parent / "programs" / "environments"
TOKEN = "e2e-access-token-7f3c9a"
CLIENT_SECRET = "e2e-client-secret-5d81be"
PASSWORDS = {"dev": "Dev-Passw0rd-4412!", "prod": "Prod-Passw0rd-9931!"}
STACKS = {
    "dev": {"subscription": "00000000-0000-0000-0000-00000000de00", "group": "rg-ml-dev", "workspace": "mlw-dev"},
    "prod": {"subscription": "00000000-0000-0000-0000-0000000070d0", "group": "rg-ml-prod", "workspace": "mlw-prod"},
}
SIZES = {"dev": ("STANDARD_DS2_V2", "1"), "prod": ("STANDARD_DS3_V2", "4")}


def configure(cli: Cli, directory: Path, emulator: EmulatorServer, stack: str) -> None:
    ids = STACKS[stack]
    emulator.ensure_resource_group(ids["subscription"], ids["group"], "eastus")
    emulator.ensure_workspace(ids["subscription"], ids["group"], ids["workspace"], "eastus")
    cli.run("stack", "init", stack, cwd=directory)
    vm_size, max_nodes = SIZES[stack]
    plain = {
        "environment": stack,
        "vmSize": vm_size,
        "maxNodes": max_nodes,
        "azureml:subscriptionId": ids["subscription"],
        "azureml:resourceGroupName": ids["group"],
        "azureml:workspaceName": ids["workspace"],
        "azureml:endpoint": emulator.url,
        "azureml:pollIntervalSeconds": "0",
    }
    for key, value in plain.items():
        cli.run("config", "set", key, value, cwd=directory)
    cli.run("config", "set", "--secret", "adminPassword", PASSWORDS[stack], cwd=directory)
    cli.run("config", "set", "--secret", "azureml:accessToken", TOKEN, cwd=directory)
    if stack == "prod":
        # Prod authenticates as a service principal on real Azure; the static token still wins against the emulator.
        cli.run("config", "set", "azureml:tenantId", "33333333-3333-3333-3333-333333333333", cwd=directory)
        cli.run("config", "set", "azureml:clientId", "44444444-4444-4444-4444-444444444444", cwd=directory)
        cli.run("config", "set", "--secret", "azureml:clientSecret", CLIENT_SECRET, cwd=directory)


def test_dev_and_prod_stacks_keep_every_secret_secret(tmp_path: Path, cli: Cli, emulator: EmulatorServer) -> None:
    project = Project.from_program(tmp_path / "environments", PROGRAM, "azureml-environments")
    directory = project.directory
    outputs: list[Result] = []
    keys: list[str] = []
    for stack in STACKS:
        configure(cli, directory, emulator, stack)
        outputs.append(cli.run("up", "--yes", cwd=directory))
        outputs.append(cli.run("preview", "--expect-no-changes", "--diff", cwd=directory))
        shown = cli.run("stack", "output", "--json", "--show-secrets", cwd=directory).json()
        assert shown["endpoint_key"], "the Key-auth endpoint returned no key"
        keys.append(shown["endpoint_key"])
        hidden = cli.run("stack", "output", "--json", cwd=directory).json()
        assert hidden["endpoint_key"] == "[secret]"

    # Each stack went to its own place with its own sizes.
    computes = {entry["id"]: entry["body"] for entry in emulator.state()["resources"] if entry["kind"] == "compute"}
    for stack, ids in STACKS.items():
        compute = next(body for key, body in computes.items() if f"/resourceGroups/{ids['group']}/" in key)
        properties = compute["properties"]["properties"]
        assert properties["vmSize"].upper() == SIZES[stack][0]
        assert properties["scaleSettings"]["maxNodeCount"] == int(SIZES[stack][1])

    secrets = {TOKEN, CLIENT_SECRET, *PASSWORDS.values(), *keys}
    exports = {stack: cli.run("stack", "export", "--stack", stack, cwd=directory).stdout for stack in STACKS}
    for stack, text in exports.items():
        for secret in secrets:
            assert secret not in text, f"a secret is in clear in `pulumi stack export` of {stack}"
    for path in cli.backend.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in content, f"a secret is in clear in the backend file {path.name}"
    for result in outputs:
        for secret in secrets:
            assert secret not in result.output, f"a secret is in the output of pulumi {' '.join(result.arguments)}"
    for secret in secrets:
        assert secret.encode() not in b"".join(path.read_bytes() for path in directory.glob("Pulumi.*.yaml"))

    # __provider: the provider pickled by reference, no configuration, no credentials, no endpoint.
    for stack, text in exports.items():
        deployment = json.loads(text)["deployment"]
        providers = [
            resource["outputs"]["__provider"]
            for resource in deployment["resources"]
            if resource["type"].startswith("pulumi-python:dynamic/azureml:")
        ]
        assert providers, f"no dynamic resources in {stack}'s state"
        for provider in providers:
            assert isinstance(provider, str), "__provider is stored as a secret or object; it must be a plain string"
            pickled = base64.b64decode(provider)
            assert len(provider) < 400
            assert b"pulumi_azureml.provider" in pickled and b"AzureMLProvider" in pickled
            for fragment in (emulator.url.encode(), TOKEN.encode(), CLIENT_SECRET.encode(), b"subscription"):
                assert fragment not in pickled, f"__provider of {stack} holds configuration"
