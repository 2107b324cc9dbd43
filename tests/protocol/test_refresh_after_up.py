"""``up`` → ``refresh`` → ``preview`` reports nothing, for every kind, through the SDK's provider host.

The emulator answers as the service does (canonical enum casing, defaults filled, keys added to property bags,
schedules re-ordered with server fields): none of that may look like a change, neither to the refresh (same
outputs, same inputs) nor to the next preview, which must also send no request at all.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import pulumi_azureml as azureml
from pulumi_azureml.emulator import EmulatorServer

from harness import Stack
from protocol.conftest import RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE, http_requests

BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)
OTHER = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers"


def cluster() -> azureml.Compute:
    # Spelled the way users write it, not the way the service stores it.
    return azureml.Compute(
        "cluster",
        compute_type="AmlCompute",
        vm_size="Standard_DS3_v2",
        vm_priority="dedicated",
        remote_login_port_public_access="NotSpecified",
        scale_settings=azureml.ScaleSettingsArgs(max_node_count=2, node_idle_time_before_scale_down="PT120S"),
    )


def instance() -> azureml.Compute:
    return azureml.Compute(
        "instance",
        compute_type="ComputeInstance",
        vm_size="Standard_DS3_v2",
        idle_time_before_shutdown="PT30M",
        schedules=[
            azureml.ScheduleArgs(
                action="stop",
                trigger_type="Cron",
                cron=azureml.CronArgs(expression="0 18 * * *", time_zone="UTC"),
            ),
            azureml.ScheduleArgs(
                action="start",
                trigger_type="Recurrence",
                recurrence=azureml.RecurrenceArgs(
                    frequency="week",
                    interval=1,
                    schedule=azureml.RecurrenceScheduleArgs(hours=[8], minutes=[0], week_days=["monday", "friday"]),
                ),
            ),
        ],
    )


def batch() -> None:
    compute = cluster()
    endpoint = azureml.BatchEndpoint("scoring", auth_mode="aadToken", description="nightly")
    deployment = azureml.BatchDeployment(
        "blue",
        endpoint_name=endpoint.name,
        model=azureml.AssetReferenceArgs(reference_type="Id", asset_id="azureml:churn:1"),
        code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py"),
        environment_id="azureml:sklearn-env:1",
        compute=compute.arm_id,
        logging_level="info",
        mini_batch_size=10,
        resources=azureml.DeploymentResourcesArgs(instance_count=1, properties={}),
        retry_settings=azureml.RetrySettingsArgs(max_retries=3, timeout="PT30S"),
        environment_variables={},
    )
    azureml.BatchEndpointDefaultDeployment("routing", endpoint_name=endpoint.name, deployment_name=deployment.name)


def workspace() -> None:
    azureml.Workspace(
        "workspace",
        name="mlw-refresh",
        location="West Europe",
        storage_account=f"{OTHER}/Microsoft.Storage/storageAccounts/st",
        key_vault=f"{OTHER}/Microsoft.KeyVault/vaults/kv",
        purge_on_delete=True,
    )


PROGRAMS: dict[str, Callable[[], object]] = {
    "Compute (AmlCompute)": cluster,
    "Compute (ComputeInstance)": instance,
    "BatchEndpoint, BatchDeployment, BatchEndpointDefaultDeployment": batch,
    "Workspace": workspace,
}


@pytest.mark.parametrize("kinds", sorted(PROGRAMS))
def test_refresh_right_after_up_reports_no_change(kinds: str, stack: Stack, emulator: EmulatorServer) -> None:
    program = PROGRAMS[kinds]
    created = stack.up(program)
    assert set(created.ops().values()) == {"create"}, created.ops()

    refreshed = stack.refresh()
    assert set(refreshed.ops().values()) == {"same"}, [
        (step.urn.rsplit("::", 1)[-1], step.op) for step in refreshed.steps if step.op != "same"
    ]

    emulator.clear_requests_log()
    preview = stack.preview(program)
    assert set(preview.ops().values()) == {"same"}, preview.ops()
    assert http_requests(emulator) == [], "a preview must not call Azure"

    stack.destroy()
