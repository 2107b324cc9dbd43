"""An offline stand-in for Azure Resource Manager, for the Azure ML resources this project manages.

Resource groups, workspaces (with their discovery document), computes, batch endpoints and batch
deployments, with the status codes, headers, long-running operations and errors of the real service
, plus fault injection and a
``/_emulator/`` control plane. Standard library only, and independent of the rest of ``pulumi_azureml`` so it
can judge the ARM client without sharing its bugs.

    from pulumi_azureml.emulator import EmulatorServer

    with EmulatorServer() as emulator:
        emulator.ensure_workspace(subscription_id, "rg", "ws", "eastus")
        requests.get(f"{emulator.url}/subscriptions/...", headers={"Authorization": "Bearer x"})

Run it standalone with ``python -m pulumi_azureml.emulator``.
"""

from __future__ import annotations

from .faults import FaultRule
from .server import EmulatorServer
from .settings import MACHINE_LEARNING_API_VERSIONS, Settings

__all__ = ["MACHINE_LEARNING_API_VERSIONS", "EmulatorServer", "FaultRule", "Settings"]
