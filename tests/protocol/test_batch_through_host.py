"""Endpoint + deployment + default routing in one program, through the SDK's provider host against the emulator."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import requests

import pulumi_azureml as azureml
from pulumi_azureml.emulator import EmulatorServer

from harness import Stack
from protocol.conftest import RESOURCE_GROUP, SUBSCRIPTION, TOKEN, WORKSPACE, http_requests, remaining_ids

BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)
PRIMARY = "primary-key-0123456789abcdef"


def batch_program(default: str = "blue", *, auth_mode: str = "AADToken") -> Callable[[], None]:
    def program() -> None:
        cluster = azureml.Compute(
            "cpu-cluster",
            compute_type="AmlCompute",
            vm_size="STANDARD_DS3_V2",
            scale_settings=azureml.ScaleSettingsArgs(max_node_count=2),
        )
        endpoint = azureml.BatchEndpoint(
            "scoring",
            azureml.BatchEndpointArgs(
                description="batch scoring",
                auth_mode=auth_mode,
                keys=azureml.EndpointKeysArgs(primary_key=PRIMARY) if auth_mode == "Key" else None,
                tags={"env": "dev"},
            ),
        )
        deployments = {}
        for colour in ("blue", "green"):
            deployments[colour] = azureml.BatchDeployment(
                colour,
                azureml.BatchDeploymentArgs(
                    endpoint_name=endpoint.name,
                    model=azureml.AssetReferenceArgs(
                        reference_type="Id", asset_id=f"azureml:{BASE}/models/churn/versions/1"
                    ),
                    code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py"),
                    environment_id=f"azureml:{BASE}/environments/sklearn/versions/1",
                    compute=cluster.arm_id,
                    resources=azureml.DeploymentResourcesArgs(instance_count=1),
                ),
            )
        azureml.BatchEndpointDefaultDeployment(
            "scoring-default",
            endpoint_name=endpoint.name,
            deployment_name=deployments[default].name,
        )
        pulumi.export("scoring_uri", endpoint.scoring_uri)
        pulumi.export("primary_key", endpoint.primary_key)

    return program


def default_deployment(emulator: EmulatorServer) -> str | None:
    response = requests.get(
        f"{emulator.url}{BASE}/batchEndpoints/scoring?api-version=2025-12-01",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    if response.status_code == 404:
        return None
    return (response.json()["properties"].get("defaults") or {}).get("deploymentName")


def test_one_pass_endpoint_deployment_and_routing(stack: Stack, emulator: EmulatorServer) -> None:
    up = stack.up(batch_program("blue"))
    assert up.ops() == {
        "cpu-cluster": "create",
        "scoring": "create",
        "blue": "create",
        "green": "create",
        "scoring-default": "create",
    }
    assert default_deployment(emulator) == "blue"
    assert up.outputs["scoring_uri"].startswith("https://scoring.")

    emulator.clear_requests_log()
    again = stack.up(batch_program("blue"))
    assert set(again.ops().values()) == {"same"}, again.ops()
    assert http_requests(emulator) == []

    switched = stack.up(batch_program("green"))
    assert switched.op("scoring-default") == "update"
    assert {name for name, op in switched.ops().items() if op != "same"} == {"scoring-default"}
    assert default_deployment(emulator) == "green"

    # The routing belongs to the routing resource alone: a refresh shows the routing in the endpoint's output but
    # changes nothing on the endpoint (the engine asks the provider's Diff, and an output is no input), and the
    # next preview is all "same".
    refreshed = stack.refresh()
    assert set(refreshed.ops().values()) == {"same"}, refreshed.ops()
    endpoint = stack.state().find("scoring")
    assert endpoint is not None and endpoint.outputs["routed_deployment_name"] == "green"
    assert "default_deployment_name" not in endpoint.inputs
    assert set(stack.preview(batch_program("green")).ops().values()) == {"same"}

    destroyed = stack.destroy()
    assert sorted(destroyed.names("delete")) == ["blue", "cpu-cluster", "green", "scoring", "scoring-default"]
    assert remaining_ids(emulator) == []


def test_key_auth_keys_are_secret_everywhere(stack: Stack) -> None:
    up = stack.up(batch_program("blue", auth_mode="Key"))
    assert up.outputs["primary_key"] == PRIMARY
    assert "primary_key" in up.secret_outputs
    assert PRIMARY not in stack.state_text()
    assert PRIMARY not in up.host_output
    resource = stack.state().find("scoring")
    assert resource is not None and {"primary_key", "secondary_key", "keys"} <= set(resource.additional_secret_outputs)
    assert PRIMARY not in resource.inputs["__provider"]
