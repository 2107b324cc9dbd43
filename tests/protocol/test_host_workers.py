"""The provider widens the SDK host's 4-worker pool (azureml:hostWorkers), and can be told not to."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider

from harness import ProviderHost, provider_property
from protocol.conftest import RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE, emulator_config

LATENCY = 0.8
COUNT = 8


def cluster_props(name: str) -> dict[str, Any]:
    return {
        "__provider": provider_property(AzureMLProvider("Compute")),
        "subscription_id": SUBSCRIPTION,
        "resource_group_name": RESOURCE_GROUP,
        "workspace_name": WORKSPACE,
        "name": name,
        "compute_type": "AmlCompute",
        "vm_size": "STANDARD_DS3_V2",
        "scale_settings": {"max_node_count": 1.0},
        "api_version": "2025-12-01",
    }


def spread_of_finishes(emulator: EmulatorServer, workers: str) -> tuple[float, str]:
    emulator.add_fault(method="PUT", path="*/computes/*", latency_seconds=LATENCY)
    with ProviderHost() as host:
        host.configure({**emulator_config(emulator), "azureml:hostWorkers": workers})
        outcomes = host.create_many(
            [
                (f"urn:pulumi:dev::p::pulumi-python:dynamic/azureml:Compute::c{i}", cluster_props(f"cluster{i}x"))
                for i in range(COUNT)
            ]
        )
        assert [o.error for o in outcomes] == [None] * COUNT
        finishes = sorted(o.finished for o in outcomes)
        return finishes[-1] - finishes[0], host.output


@pytest.mark.timeout(60)
def test_host_pool_is_widened_so_creates_overlap(emulator: EmulatorServer) -> None:
    spread, output = spread_of_finishes(emulator, "32")
    # Routine, so it goes to the log, not to the output the CLI shows on every run (a refusal would be printed).
    assert "provider host workers" not in output
    # All eight slow PUTs were in flight together: they finish within a fraction of one latency period, where
    # four workers would need two waves (a spread of at least one period).
    assert spread < LATENCY / 2, spread


@pytest.mark.timeout(60)
def test_zero_keeps_the_stock_pool(emulator: EmulatorServer) -> None:
    spread, output = spread_of_finishes(emulator, "0")
    assert "provider host workers" not in output
    assert spread >= LATENCY * 0.9, spread
