"""The pulumi-azure-native composition example: azure-native resources mocked, pulumi_azureml ones for real."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime import mocks as sdk_mocks

from pulumi_azureml.emulator import EmulatorServer

from harness import EchoMocks, Stack
from protocol.conftest import SUBSCRIPTION, emulator_config, remaining_ids

PROGRAM = Path(__file__).resolve().parents[2] / "examples" / "azure-native-workspace" / "__main__.py"
FAKE_PACKAGE = Path(__file__).resolve().parent / "fake_azure_native"

PROVIDER_PATHS = {
    "azure-native:storage:StorageAccount": "Microsoft.Storage/storageAccounts",
    "azure-native:keyvault:Vault": "Microsoft.KeyVault/vaults",
    "azure-native:insights:Component": "Microsoft.Insights/components",
}


class AzureNativeMocks(EchoMocks):
    """Answers azure-native registrations with ARM ids, and really creates the resource group in the emulator."""

    def __init__(self, emulator: EmulatorServer) -> None:
        self.emulator = emulator

    def new_resource(self, args: sdk_mocks.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        outputs = dict(args.inputs)
        outputs["name"] = args.name
        outputs.setdefault("location", "westeurope")
        if args.typ == "azure-native:resources:ResourceGroup":
            self.emulator.ensure_resource_group(SUBSCRIPTION, args.name, outputs["location"])
            return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{args.name}", outputs
        if args.typ in PROVIDER_PATHS:
            group = args.inputs["resource_group_name"]
            arm_id = (
                f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}/providers/{PROVIDER_PATHS[args.typ]}/{args.name}"
            )
            return arm_id, outputs
        return super().new_resource(args)


@pytest.fixture
def fake_azure_native() -> Iterator[None]:
    sys.path.insert(0, str(FAKE_PACKAGE))
    try:
        yield
    finally:
        sys.path.remove(str(FAKE_PACKAGE))
        for name in [module for module in sys.modules if module.startswith("pulumi_azure_native")]:
            del sys.modules[name]


def test_workspace_from_azure_native_outputs(tmp_path: Path, emulator: EmulatorServer, fake_azure_native: None) -> None:
    config = {**emulator_config(emulator), "azureml-azure-native-workspace:tenantId": "tenant"}
    config.pop("azureml:resourceGroupName")
    config.pop("azureml:workspaceName")
    stack = Stack(
        tmp_path / "state.json",
        config,
        secret_config_keys=["azureml:accessToken"],
        project="azureml-azure-native-workspace",
        mocks=AzureNativeMocks(emulator),
    )
    up = stack.up(str(PROGRAM))
    assert up.op("workspace") == "create" and up.op("cpu-cluster") == "create"
    workspace = stack.state().find("workspace")
    assert workspace is not None
    assert workspace.inputs["storage_account"].endswith("/Microsoft.Storage/storageAccounts/mlstorage")
    assert workspace.inputs["resource_group_name"] == "ml"
    assert up.outputs["discovery_url"].startswith("http")

    again = stack.up(str(PROGRAM))
    assert set(again.ops().values()) == {"same"}, again.ops()

    stack.destroy()
    assert remaining_ids(emulator) == []
