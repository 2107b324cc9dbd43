"""Fixtures for the emulator tests: one emulator per module, reset before every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import EXAMPLES, LOCATION, RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE, Arm
from support.shared import require


@pytest.fixture(scope="module")
def emulator_server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorServer:
    """The module's emulator, emptied and back to its constructor settings."""
    emulator_server.reset()
    return emulator_server


@pytest.fixture
def arm(emulator: EmulatorServer) -> Iterator[Arm]:
    client = Arm(emulator.url)
    yield client
    client.close()


@pytest.fixture
def workspace(emulator: EmulatorServer) -> dict[str, Any]:
    """A Succeeded resource group and workspace, seeded straight into the store."""
    return emulator.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)


@pytest.fixture
def examples() -> Path:
    """The official example files; tests that need them skip when the shared docs are absent."""
    return require(EXAMPLES)
