"""The same lifecycle for every resource kind, through the SDK's provider host against the emulator.

create → no-op up (no request at all) → in-place update → replace → out-of-band change shown as drift after
refresh → destroy leaves nothing behind.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pytest
import requests

import pulumi_azureml as azureml
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.specs import SPECS

from harness import Stack
from protocol.conftest import RESOURCE_GROUP, SUBSCRIPTION, TOKEN, WORKSPACE, http_requests, remaining_ids

BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)
MODEL = f"azureml:{BASE}/models/churn/versions/1"
ENVIRONMENT = f"azureml:{BASE}/environments/sklearn/versions/1"
STORAGE = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.Storage/storageAccounts"
VAULT = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/kv"


@dataclass(frozen=True)
class Case:
    target: str
    program: Callable[[str], Callable[[], None]]
    """Program for a variant: "base", "update" (in-place change of the target) or "replace"."""
    drift: tuple[str, str, dict[str, object]]
    """An out-of-band (method, path, body) that changes the target in the emulator."""
    same_id_on_replace: bool = True


def cluster(variant: str = "base") -> azureml.Compute:
    return azureml.Compute(
        "cluster",
        compute_type="AmlCompute",
        vm_size="STANDARD_NC6" if variant == "replace" else "STANDARD_DS3_V2",
        scale_settings=azureml.ScaleSettingsArgs(max_node_count=3 if variant == "update" else 2),
    )


def compute_program(variant: str) -> Callable[[], None]:
    return lambda: None if cluster(variant) else None


def endpoint(variant: str = "base") -> azureml.BatchEndpoint:
    return azureml.BatchEndpoint(
        "scoring",
        auth_mode="Key" if variant == "replace" else "AADToken",
        tags={"stage": "two" if variant == "update" else "one"},
    )


def endpoint_program(variant: str) -> Callable[[], None]:
    return lambda: None if endpoint(variant) else None


def deployment(variant: str, endpoint_resource: azureml.BatchEndpoint, compute: azureml.Compute, name: str = "blue"):
    return azureml.BatchDeployment(
        name,
        endpoint_name=endpoint_resource.name,
        description="second" if variant == "update" else "first",
        model=azureml.AssetReferenceArgs(reference_type="Id", asset_id=MODEL),
        code_configuration=azureml.CodeConfigurationArgs(scoring_script="v2.py" if variant == "replace" else "v1.py"),
        environment_id=ENVIRONMENT,
        compute=compute.arm_id,
    )


def deployment_program(variant: str) -> Callable[[], None]:
    def program() -> None:
        deployment(variant, endpoint(), cluster())

    return program


def routing_program(variant: str) -> Callable[[], None]:
    def program() -> None:
        compute = cluster()
        first = endpoint()
        second = azureml.BatchEndpoint("scoring-two")
        blue = deployment("base", first, compute)
        green = deployment("base", first, compute, name="green")
        other = deployment("base", second, compute, name="other")
        if variant == "replace":
            target, routed = second, other
        else:
            target, routed = first, green if variant == "update" else blue
        azureml.BatchEndpointDefaultDeployment("routing", endpoint_name=target.name, deployment_name=routed.name)

    return program


def workspace_program(variant: str) -> Callable[[], None]:
    def program() -> None:
        azureml.Workspace(
            "workspace",
            name="mlw-lifecycle",
            location="westeurope",
            friendly_name="second" if variant == "update" else "first",
            storage_account=f"{STORAGE}/{'other' if variant == 'replace' else 'main'}",
            key_vault=VAULT,
            purge_on_delete=True,
        )

    return program


# -- asset versions (issue 17, uploads) --------------------------------------------------------------------------------
# Local files live in one folder per test session; "replace" edits one file (a new content hash).
_ASSETS = Path(tempfile.mkdtemp(prefix="azureml-protocol-assets-"))


def _asset_files(variant: str) -> tuple[str, str]:
    folder = _ASSETS / variant.replace("update", "base")
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "score.py").write_text(
        f"# {variant.replace('update', 'base')}\ndef run(batch):\n    return batch\n"
    )
    (folder / "model.bin").write_bytes(b"weights-" + variant.replace("update", "base").encode())
    return str(folder / "src"), str(folder / "model.bin")


def code_program(variant: str) -> Callable[[], None]:
    def program() -> None:
        folder, _ = _asset_files(variant)
        azureml.CodeVersion("code", name="score", path=folder, description="two" if variant == "update" else "one")

    return program


def model_program(variant: str) -> Callable[[], None]:
    def program() -> None:
        _, model = _asset_files(variant)
        azureml.ModelVersion(
            "model", name="churn", path=model, description="churn", stage="Production" if variant == "update" else None
        )

    return program


def data_program(variant: str) -> Callable[[], None]:
    def program() -> None:
        folder, _ = _asset_files(variant)
        azureml.DataVersion(
            "data", name="events", data_type="uri_folder", path=folder, tags={"v": "2" if variant == "update" else "1"}
        )

    return program


ASSET_CASES = {
    "CodeVersion": Case(
        "code", code_program, ("PUT_ASSET", f"{BASE}/codes/score/versions/1", {"description": "portal"})
    ),
    "ModelVersion": Case(
        "model", model_program, ("PUT_ASSET", f"{BASE}/models/churn/versions/1", {"description": "portal"})
    ),
    "DataVersion": Case("data", data_program, ("PUT_ASSET", f"{BASE}/data/events/versions/1", {"tags": {"v": "x"}})),
}

CASES = {
    "Compute": Case(
        "cluster",
        compute_program,
        ("PATCH", f"{BASE}/computes/cluster", {"properties": {"properties": {"scaleSettings": {"maxNodeCount": 7}}}}),
    ),
    "BatchEndpoint": Case(
        "scoring", endpoint_program, ("PATCH", f"{BASE}/batchEndpoints/scoring", {"tags": {"x": "y"}})
    ),
    "BatchDeployment": Case(
        "blue",
        deployment_program,
        ("PATCH", f"{BASE}/batchEndpoints/scoring/deployments/blue", {"properties": {"description": "portal"}}),
    ),
    "BatchEndpointDefaultDeployment": Case(
        "routing",
        routing_program,
        ("PUT_DEFAULT", f"{BASE}/batchEndpoints/scoring-two", {"deploymentName": "blue"}),
        same_id_on_replace=False,
    ),
    "Workspace": Case(
        "workspace",
        workspace_program,
        (
            "PATCH",
            f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
            "Microsoft.MachineLearningServices/workspaces/mlw-lifecycle",
            {"properties": {"friendlyName": "portal"}},
        ),
    ),
    **ASSET_CASES,
}


# -- Datastores and environment versions (issue 17) ------------------------------------------------------------
DATASTORE_KEY = "cHJvdG9jb2wtdGVzdC1hY2NvdW50LWtleQ=="


def datastore_program(variant: str) -> Callable[[], None]:
    def program() -> None:
        azureml.Datastore(
            "landing",
            datastore_type="AzureBlob",
            account_name="mystorage",
            container_name="other" if variant == "replace" else "landing",
            account_key=DATASTORE_KEY,
            description="second" if variant == "update" else "first",
        )

    return program


def environment_program(variant: str) -> Callable[[], None]:
    def program() -> None:
        azureml.EnvironmentVersion(
            "sklearn",
            version="1",
            image="python:3.12-slim" if variant == "replace" else "python:3.11-slim",
            description="second" if variant == "update" else "first",
        )

    return program


CASES.update(
    {
        "Datastore": Case(
            "landing",
            datastore_program,
            (
                "PUT",
                f"{BASE}/datastores/landing",
                {
                    "properties": {
                        "datastoreType": "AzureBlob",
                        "accountName": "mystorage",
                        "containerName": "other",
                        "description": "portal",
                        "credentials": {
                            "credentialsType": "AccountKey",
                            "secrets": {"secretsType": "AccountKey", "key": DATASTORE_KEY},
                        },
                    }
                },
            ),
        ),
        "EnvironmentVersion": Case(
            "sklearn",
            environment_program,
            (
                "PUT",
                f"{BASE}/environments/sklearn/versions/1",
                {"properties": {"image": "python:3.12-slim", "description": "portal"}},
            ),
        ),
    }
)
# -- end of datastores and environment versions -----------------------------------------------------------------


def assert_only_declared_outputs(stack: Stack, target: str) -> None:
    """State holds the inputs, the spec's declared outputs and nothing else (no provider-invented key)."""
    resource = stack.state().find(target)
    kind = resource.type.rsplit(":", 1)[-1]
    spec = SPECS[kind]
    declared = {f.name for f in spec.all_fields()} | {o.name for o in spec.all_outputs()} | {"__provider"}
    undeclared = sorted(set(resource.plain_outputs()) - declared)
    assert undeclared == [], f"{kind} outputs not declared by its spec: {undeclared}"


# -- online endpoints (issue 18) --


def online_endpoint(variant: str = "base", name: str = "online") -> azureml.OnlineEndpoint:
    return azureml.OnlineEndpoint(
        name,
        compute=f"{BASE}/computes/k8s" if variant == "replace" else None,
        tags={"stage": "two" if variant == "update" else "one"},
    )


def online_endpoint_program(variant: str) -> Callable[[], None]:
    return lambda: None if online_endpoint(variant) else None


def online_deployment(variant: str, endpoint_resource: azureml.OnlineEndpoint, name: str = "blue"):
    return azureml.OnlineDeployment(
        name,
        endpoint_name=endpoint_resource.name,
        model=MODEL,
        environment_id=ENVIRONMENT,
        code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py"),
        instance_type="Standard_DS4_v2" if variant == "replace" else "Standard_DS3_v2",
        instance_count=2 if variant == "update" else 1,
    )


def online_deployment_program(variant: str) -> Callable[[], None]:
    def program() -> None:
        online_deployment(variant, online_endpoint())

    return program


def online_traffic_program(variant: str) -> Callable[[], None]:
    def program() -> None:
        first = online_endpoint()
        second = online_endpoint(name="online-two")
        blue = online_deployment("base", first)
        green = online_deployment("base", first, name="green")
        other = online_deployment("base", second, name="other")
        if variant == "replace":
            target, split, needs = second, {"other": 100}, [other]
        elif variant == "update":
            # Keyed by the deployment resources: the dependency comes with the keys.
            azureml.OnlineEndpointTraffic("traffic", endpoint_name=first.name, traffic={blue: 0, green: 100})
            return
        else:
            target, split, needs = first, {"blue": 100}, [blue]
        azureml.OnlineEndpointTraffic(
            "traffic", endpoint_name=target.name, traffic=split, opts=pulumi.ResourceOptions(depends_on=needs)
        )

    return program


CASES.update(
    {
        "OnlineEndpoint": Case(
            "online", online_endpoint_program, ("PATCH", f"{BASE}/onlineEndpoints/online", {"tags": {"x": "y"}})
        ),
        "OnlineDeployment": Case(
            "blue",
            online_deployment_program,
            ("PATCH", f"{BASE}/onlineEndpoints/online/deployments/blue", {"tags": {"x": "y"}}),
        ),
        "OnlineEndpointTraffic": Case(
            "traffic",
            online_traffic_program,
            ("PUT_TRAFFIC", f"{BASE}/onlineEndpoints/online-two", {"other": 0}),
            same_id_on_replace=False,
        ),
    }
)


def change_out_of_band(emulator: EmulatorServer, method: str, path: str, body: dict[str, object]) -> None:
    url = f"{emulator.url}{path}?api-version=2025-12-01"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if method in ("PUT_DEFAULT", "PUT_TRAFFIC"):
        current = requests.get(url, headers=headers, timeout=10).json()
        current["properties"]["defaults" if method == "PUT_DEFAULT" else "traffic"] = body
        for read_only in ("scoringUri", "swaggerUri", "provisioningState"):
            current["properties"].pop(read_only, None)
        method, body = "PUT", {k: v for k, v in current.items() if k not in ("id", "name", "type", "systemData")}
    if method == "PUT_ASSET":
        # A version is changed in place by a PUT of the whole version with the mutable fields changed.
        current = requests.get(url, headers=headers, timeout=10).json()
        method, body = "PUT", {"properties": {**current["properties"], **body}}
    requests.request(method, url, json=body, headers=headers, timeout=10).raise_for_status()
    # Let the emulator finish the operation the change started (a GET counts as a poll).
    requests.get(url, headers=headers, timeout=10).raise_for_status()


@pytest.mark.parametrize("kind", sorted(CASES))
def test_lifecycle(kind: str, stack: Stack, emulator: EmulatorServer) -> None:
    case = CASES[kind]
    assert stack.up(case.program("base")).op(case.target) == "create"
    assert_only_declared_outputs(stack, case.target)

    emulator.clear_requests_log()
    again = stack.up(case.program("base"))
    assert set(again.ops().values()) == {"same"}, again.ops()
    assert http_requests(emulator) == [], "a no-op up must not call Azure"

    updated = stack.up(case.program("update"))
    assert updated.op(case.target) == "update", updated.ops()

    replaced = stack.up(case.program("replace"))
    step = replaced.step(case.target)
    assert step.op == "replace", replaced.ops()
    assert step.replaces
    assert step.delete_before_replace is case.same_id_on_replace

    stack.refresh()
    assert stack.preview(case.program("replace")).op(case.target) == "same"
    change_out_of_band(emulator, *case.drift)
    stack.refresh()
    drift = stack.preview(case.program("replace"))
    assert drift.op(case.target) in ("update", "replace"), drift.ops()
    assert stack.up(case.program("replace")).op(case.target) in ("update", "replace")
    assert set(stack.preview(case.program("replace")).ops().values()) == {"same"}

    stack.destroy()
    assert remaining_ids(emulator) == []
    leftover = [r["id"] for r in emulator.state()["resources"] if r["id"].lower().endswith("/mlw-lifecycle")]
    assert leftover == []
