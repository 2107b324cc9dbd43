"""Fixtures for tests that run programs through the SDK's dynamic-provider host against the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from harness import Stack

SUBSCRIPTION = "00000000-0000-0000-0000-0000000000bb"
RESOURCE_GROUP = "rg-stack"
WORKSPACE = "mlw-stack"
LOCATION = "westeurope"
TOKEN = "stack-token"


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    server = EmulatorServer().start()
    server.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
    server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
    try:
        yield server
    finally:
        server.stop()


def emulator_config(emulator: EmulatorServer) -> dict[str, str]:
    return {
        "azureml:endpoint": emulator.url,
        "azureml:accessToken": TOKEN,
        "azureml:subscriptionId": SUBSCRIPTION,
        "azureml:resourceGroupName": RESOURCE_GROUP,
        "azureml:workspaceName": WORKSPACE,
        "azureml:pollIntervalSeconds": "0",
    }


@pytest.fixture
def stack(tmp_path: Path, emulator: EmulatorServer) -> Stack:
    return Stack(tmp_path / "state.json", emulator_config(emulator), secret_config_keys=("azureml:accessToken",))


def http_requests(emulator: EmulatorServer) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in emulator.requests_log()]


def remaining_ids(emulator: EmulatorServer) -> list[str]:
    """ARM ids of everything the emulator still holds besides the seeded resource group and workspace."""
    ids = [str(resource.get("id", "")) for resource in emulator.state()["resources"]]
    return [rid for rid in ids if "/computes/" in rid.lower() or "/batchendpoints/" in rid.lower()]
