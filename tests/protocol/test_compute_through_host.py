"""Compute through the Pulumi SDK's own provider host (``python -m pulumi.dynamic``) against the emulator.

The ``__provider`` value is produced by the SDK from real ``Compute`` resources declared in a program under
``pulumi.runtime`` mocks, exactly as in a ``pulumi up``.
"""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pulumi
import requests

import pulumi_azureml as azureml
from pulumi_azureml.emulator import EmulatorServer

from harness import Stack
from protocol.conftest import LOCATION, RESOURCE_GROUP, SUBSCRIPTION, TOKEN, WORKSPACE, http_requests

PASSWORD = "Sup3r-Secret-Passw0rd!"


def cluster_program(
    *, max_nodes: int = 2, vm_size: str = "STANDARD_DS3_V2", exports: bool = True
) -> Callable[[], None]:
    def program() -> None:
        cluster = azureml.Compute(
            "cpu-cluster",
            azureml.ComputeArgs(
                compute_type="AmlCompute",
                vm_size=vm_size,
                scale_settings=azureml.ScaleSettingsArgs(max_node_count=max_nodes, min_node_count=0),
                user_account_credentials=azureml.UserAccountCredentialsArgs(
                    admin_user_name="azureuser", admin_user_password=PASSWORD
                ),
            ),
        )
        if exports:
            pulumi.export("id", cluster.id)
            pulumi.export("state", cluster.provisioning_state)
            pulumi.export("location", cluster.location)

    return program


def compute_body(emulator: EmulatorServer, name: str) -> dict[str, Any]:
    url = (
        f"{emulator.url}/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
        f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}/computes/{name}?api-version=2025-12-01"
    )
    response = requests.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    return dict(response.json()) if response.status_code == 200 else {}


def test_full_lifecycle_through_the_sdk_host(stack: Stack, emulator: EmulatorServer) -> None:
    preview = stack.preview(cluster_program())
    assert preview.op("cpu-cluster") == "create"
    assert http_requests(emulator) == [], "a preview must not call Azure"

    up = stack.up(cluster_program())
    assert up.op("cpu-cluster") == "create"
    assert up.outputs["state"] == "Succeeded"
    assert up.outputs["location"] == LOCATION
    scale = compute_body(emulator, "cpu-cluster")["properties"]["properties"]["scaleSettings"]
    # The engine sent 2 as 2.0; the service must receive an integer.
    assert scale["maxNodeCount"] == 2 and isinstance(scale["maxNodeCount"], int)

    emulator.clear_requests_log()
    again = stack.up(cluster_program())
    assert again.op("cpu-cluster") == "same"
    assert http_requests(emulator) == [], "a no-op up must not call Azure"

    scaled = stack.up(cluster_program(max_nodes=5))
    assert scaled.op("cpu-cluster") == "update"
    assert "update in place by PATCH (scale_settings)" in scaled.host_output
    assert compute_body(emulator, "cpu-cluster")["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == 5

    replaced = stack.up(cluster_program(max_nodes=5, vm_size="STANDARD_NC6"))
    step = replaced.step("cpu-cluster")
    assert step.op == "replace"
    assert step.replaces == ("vm_size",)
    assert step.delete_before_replace is True
    assert compute_body(emulator, "cpu-cluster")["properties"]["properties"]["vmSize"] == "STANDARD_NC6"

    # Out-of-band change, then refresh: the next preview shows the drift as an in-place update.
    arm_id = compute_body(emulator, "cpu-cluster")["id"]
    requests.patch(
        f"{emulator.url}{arm_id}?api-version=2025-12-01",
        json={"properties": {"properties": {"scaleSettings": {"maxNodeCount": 9}}}},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    ).raise_for_status()
    refreshed = stack.refresh()
    assert refreshed.op("cpu-cluster") == "refresh-changed"
    drift = stack.preview(cluster_program(max_nodes=5, vm_size="STANDARD_NC6"))
    assert drift.op("cpu-cluster") == "update"

    destroyed = stack.destroy()
    assert destroyed.op("cpu-cluster") == "delete"
    assert compute_body(emulator, "cpu-cluster") == {}
    assert stack.state().resources == [] or all(r.type == "pulumi:pulumi:Stack" for r in stack.state().resources)

    # Secrets: never in the state file or anything the host printed; marked secret in state.
    assert PASSWORD not in stack.state_text()
    assert TOKEN not in stack.state_text()
    assert PASSWORD not in up.host_output + scaled.host_output + replaced.host_output


def test_secret_inputs_are_secret_in_state(stack: Stack) -> None:
    stack.up(cluster_program())
    resource = stack.state().find("cpu-cluster")
    assert resource is not None
    assert "user_account_credentials" in resource.additional_secret_outputs
    assert PASSWORD not in stack.state_text()


def test_pickled_provider_is_small_and_round_trips_in_a_fresh_process(stack: Stack) -> None:
    stack.up(cluster_program())
    resource = stack.state().find("cpu-cluster")
    assert resource is not None
    pickled = resource.inputs["__provider"]
    assert isinstance(pickled, str), "the provider holds no secret, so it is not stored as one"
    assert len(pickled) <= 200, f"__provider is {len(pickled)} bytes"
    code = (
        "import base64, dill, sys; p = dill.loads(base64.b64decode(sys.argv[1])); "
        "print(type(p).__module__, type(p).__qualname__, p.kind)"
    )
    result = subprocess.run([sys.executable, "-c", code, pickled], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["pulumi_azureml.provider", "AzureMLProvider", "Compute"]
    assert b"Bearer" not in base64.b64decode(pickled)
