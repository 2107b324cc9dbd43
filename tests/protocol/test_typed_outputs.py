"""The resource classes' typed output attributes after an ``up`` through the SDK's provider host (issue 28).

Registration was made cheaper (the SDK's per-class output types are computed once per process,
``_sdk_compat.cache_resource_types``); these prove what a program reads is unchanged: every declared output
resolves, integers stay integers (the engine's protobuf ``Struct`` carries every number as a float; the SDK turns
one back into an ``int`` only from the class's annotation), and a secret output stays secret. They also pin why
declared outputs are still registered as props: the SDK does not expose an engine output it was not given a
prop for.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi.dynamic

import pulumi_azureml as azureml
from pulumi_azureml.provider import AzureMLProvider

from harness import Stack


def _cluster() -> azureml.Compute:
    return azureml.Compute(
        "typed-cluster",
        compute_type="AmlCompute",
        vm_size="STANDARD_DS3_V2",
        scale_settings=azureml.ScaleSettingsArgs(max_node_count=2, min_node_count=0),
    )


def test_declared_outputs_resolve_after_up_with_their_types(stack: Stack) -> None:
    def program() -> None:
        cluster = _cluster()
        pulumi.export("arm_id", cluster.arm_id)
        pulumi.export("id", cluster.id)
        pulumi.export("provisioning_state", cluster.provisioning_state)
        pulumi.export("location", cluster.location)
        pulumi.export("current_node_count", cluster.current_node_count)
        pulumi.export("target_node_count", cluster.target_node_count)
        pulumi.export("is_attached_compute", cluster.is_attached_compute)
        pulumi.export("node_state_counts", cluster.node_state_counts)

    up = stack.up(program)
    outputs = up.outputs
    assert outputs["arm_id"] == outputs["id"] and "/computes/typed-cluster" in outputs["arm_id"]
    assert outputs["provisioning_state"] == "Succeeded"
    assert outputs["location"]
    # The emulator answers 0 nodes: an int, where the wire carried 0.0.
    for name in ("current_node_count", "target_node_count"):
        assert type(outputs[name]) is int, (name, outputs[name])
    assert outputs["node_state_counts"] and all(type(n) is int for n in outputs["node_state_counts"].values())
    assert outputs["is_attached_compute"] in (None, False)
    # And the same again from a second registration in a fresh program run (the cached types are reused).
    again = stack.up(program)
    assert again.op("typed-cluster") == "same"
    assert again.outputs == outputs


def test_a_secret_output_stays_secret(stack: Stack) -> None:
    def program() -> None:
        endpoint = azureml.BatchEndpoint("typed-endpoint", auth_mode="Key")
        pulumi.export("primary_key", endpoint.primary_key)

    up = stack.up(program)
    assert up.outputs["primary_key"]
    assert "primary_key" in up.secret_outputs


class _Unseeded(pulumi.dynamic.Resource, module="azureml", name="Compute"):
    """A Compute registered without the None props that declare its outputs."""

    def __init__(self, name: str, props: dict[str, Any]) -> None:
        super().__init__(AzureMLProvider("Compute"), name, props)


def test_the_sdk_drops_outputs_that_were_not_registered_as_props(stack: Stack) -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        cluster = _Unseeded(
            "unseeded",
            {
                "name": "unseeded",
                "compute_type": "AmlCompute",
                "vm_size": "STANDARD_DS3_V2",
                "scale_settings": {"max_node_count": 1},
                "owner_marker": "p/s/unseeded",
            },
        )
        seen["has_state"] = hasattr(cluster, "provisioning_state")
        seen["has_name"] = hasattr(cluster, "name")

    stack.up(program)
    assert seen == {"has_state": False, "has_name": True}
