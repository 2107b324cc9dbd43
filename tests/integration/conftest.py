"""Fixtures for provider-against-emulator tests: a fresh emulator, a seeded workspace, a configured provider."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.settings import Settings

SUBSCRIPTION = "00000000-0000-0000-0000-0000000000aa"
RESOURCE_GROUP = "rg-test"
WORKSPACE = "mlw-test"
LOCATION = "eastus"
TOKEN = "test-token"


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    server = EmulatorServer().start()
    server.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
    try:
        yield server
    finally:
        server.stop()


def stack_config(emulator: EmulatorServer) -> dict[str, str]:
    return {
        "azureml:endpoint": emulator.url,
        "azureml:accessToken": TOKEN,
        "azureml:subscriptionId": SUBSCRIPTION,
        "azureml:resourceGroupName": RESOURCE_GROUP,
        "azureml:workspaceName": WORKSPACE,
        "azureml:pollIntervalSeconds": "0",
    }


@pytest.fixture
def make_provider(emulator: EmulatorServer) -> Callable[[str], AzureMLProvider]:
    def make(kind: str) -> AzureMLProvider:
        provider = AzureMLProvider(kind)
        provider._settings = Settings(stack_config(emulator), environ={})
        return provider

    return make


def checked(provider: AzureMLProvider, inputs: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, dict(inputs))
    assert not result.failures, [(f.property, f.reason) for f in result.failures]
    return result.inputs


def writes(emulator: EmulatorServer) -> list[str]:
    """Write requests (PUT/PATCH/POST/DELETE) the emulator received, as 'METHOD path'."""
    return [f"{r['method']} {r['path']}" for r in emulator.requests_log() if r["method"] != "GET"]
