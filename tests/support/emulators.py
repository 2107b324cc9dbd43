"""A seeded emulator (resource group + workspace) and the stack config that points the provider at it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pulumi_azureml.emulator import EmulatorServer


@dataclass(frozen=True)
class Placement:
    """Where a test suite's resources live in the emulator (each suite uses its own, so ids never collide)."""

    subscription: str
    resource_group: str
    workspace: str
    location: str
    token: str


@contextmanager
def seeded_emulator(placement: Placement, clock: Callable[[], float] = time.time) -> Iterator[EmulatorServer]:
    server = EmulatorServer(clock=clock).start()
    server.ensure_resource_group(placement.subscription, placement.resource_group, placement.location)
    server.ensure_workspace(placement.subscription, placement.resource_group, placement.workspace, placement.location)
    try:
        yield server
    finally:
        server.stop()


def stack_config(emulator: EmulatorServer, placement: Placement) -> dict[str, str]:
    """The `azureml:` stack config of a stack that targets ``emulator`` (no waiting between polls)."""
    return {
        "azureml:endpoint": emulator.url,
        "azureml:accessToken": placement.token,
        "azureml:subscriptionId": placement.subscription,
        "azureml:resourceGroupName": placement.resource_group,
        "azureml:workspaceName": placement.workspace,
        "azureml:pollIntervalSeconds": "0",
    }
