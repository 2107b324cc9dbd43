"""Fixtures for provider-against-emulator tests: a fresh emulator, a seeded workspace, a configured provider."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.settings import Settings

from support.emulators import Placement, seeded_emulator
from support.emulators import stack_config as emulator_stack_config

PLACEMENT = Placement(
    subscription="00000000-0000-0000-0000-0000000000aa",
    resource_group="rg-test",
    workspace="mlw-test",
    location="eastus",
    token="test-token",
)
SUBSCRIPTION = PLACEMENT.subscription
RESOURCE_GROUP = PLACEMENT.resource_group
WORKSPACE = PLACEMENT.workspace
LOCATION = PLACEMENT.location
TOKEN = PLACEMENT.token


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with seeded_emulator(PLACEMENT) as server:
        yield server


def stack_config(emulator: EmulatorServer) -> dict[str, str]:
    return emulator_stack_config(emulator, PLACEMENT)


@pytest.fixture
def make_provider(emulator: EmulatorServer) -> Callable[[str], AzureMLProvider]:
    def make(kind: str) -> AzureMLProvider:
        provider = AzureMLProvider(kind)
        provider.use_settings(Settings(stack_config(emulator), environ={}))
        return provider

    return make


def checked(provider: AzureMLProvider, inputs: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, dict(inputs))
    assert not result.failures, [(f.property, f.reason) for f in result.failures]
    return result.inputs


def writes(emulator: EmulatorServer) -> list[str]:
    """Write requests (PUT/PATCH/POST/DELETE) the emulator received, as 'METHOD path'."""
    return [f"{r['method']} {r['path']}" for r in emulator.requests_log() if r["method"] != "GET"]
