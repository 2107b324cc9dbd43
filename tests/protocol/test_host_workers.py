"""The provider widens the SDK host's 4-worker pool (azureml:hostWorkers), and can be told not to.

The overlap is read from the order of the emulator's request log, not from clocks (timings belong to the benchmarks).
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider

from harness import ProviderHost, provider_property
from protocol.conftest import RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE, emulator_config
from support.emulator_queries import computes_created_at_once

OPERATION_SECONDS = 1.0
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


def creates_at_once(emulator: EmulatorServer, workers: str) -> tuple[int, str]:
    """Eight creates sent to one host at the same moment; how many ran at once, read from the emulator's log."""
    emulator.configure(seconds_to_complete=OPERATION_SECONDS)
    emulator.clear_requests_log()
    with ProviderHost() as host:
        host.configure({**emulator_config(emulator), "azureml:hostWorkers": workers})
        outcomes = host.create_many(
            [
                (f"urn:pulumi:dev::p::pulumi-python:dynamic/azureml:Compute::c{i}", cluster_props(f"cluster{i}x"))
                for i in range(COUNT)
            ]
        )
        assert [o.error for o in outcomes] == [None] * COUNT
        most, accepted = computes_created_at_once(emulator.requests_log())
        assert len(accepted) == COUNT
        return most, host.output


@pytest.mark.timeout(60)
def test_host_pool_is_widened_so_creates_overlap(emulator: EmulatorServer) -> None:
    most, output = creates_at_once(emulator, "32")
    # Routine, so it goes to the log, not to the output the CLI shows on every run (a refusal would be printed).
    assert "provider host workers" not in output
    # All eight creates ran together; the stock host's four workers would have run them in two waves.
    assert most == COUNT


@pytest.mark.timeout(60)
def test_zero_keeps_the_stock_pool(emulator: EmulatorServer) -> None:
    most, output = creates_at_once(emulator, "0")
    assert "provider host workers" not in output
    assert most == 4
