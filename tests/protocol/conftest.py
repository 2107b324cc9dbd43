"""Fixtures for tests that run programs through the SDK's dynamic-provider host against the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.specs import SPECS
from pulumi_azureml.specs.common import WORKSPACE_PATH

from harness import Stack
from support.emulators import Placement, seeded_emulator, stack_config

PLACEMENT = Placement(
    subscription="00000000-0000-0000-0000-0000000000bb",
    resource_group="rg-stack",
    workspace="mlw-stack",
    location="westeurope",
    token="stack-token",
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


def emulator_config(emulator: EmulatorServer) -> dict[str, str]:
    return stack_config(emulator, PLACEMENT)


@pytest.fixture
def stack(tmp_path: Path, emulator: EmulatorServer) -> Stack:
    return Stack(tmp_path / "state.json", emulator_config(emulator), secret_config_keys=("azureml:accessToken",))


def http_requests(emulator: EmulatorServer) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in emulator.requests_log()]


def remaining_ids(emulator: EmulatorServer) -> list[str]:
    """ARM ids of everything the emulator still holds besides the seeded resource group and workspace."""
    ids = [str(resource.get("id", "")) for resource in emulator.state()["resources"]]
    # The workspace's own default datastores come with it. Asset containers stay when their versions go, as in the
    # service (an asset's name is kept once registered): only each kind's own collection counts.
    system = ("/datastores/workspaceblobstore", "/datastores/workspacefilestore")
    return [
        rid for rid in ids if any(p in rid.lower() for p in MANAGED_COLLECTIONS) and not rid.lower().endswith(system)
    ]


MANAGED_COLLECTIONS = frozenset(
    f"/{spec.path.split('/')[-2].lower()}/" for spec in SPECS.values() if spec.path.startswith(WORKSPACE_PATH + "/")
)
"""The collection of every kind below a workspace (``/computes/``, ``/versions/``...), from ``SPECS``: each
spec's path ends in ``<collection>/{name}``, so a new kind is looked for without editing a list."""
