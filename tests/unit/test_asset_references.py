"""``azureml:`` short forms are expanded at ``check`` to what the service receives, or refused with the fix."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_azureml import assets
from pulumi_azureml.provider import AzureMLProvider

SUB = "00000000-0000-0000-0000-0000000000aa"
PLACEMENT = {"subscription_id": SUB, "resource_group_name": "rg", "workspace_name": "mlw"}
WS = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw"
REGISTRY = "azureml://registries/azureml/models/mlflow-model/versions/3"


@pytest.mark.parametrize(
    ("value", "collection", "expected"),
    [
        ("azureml:churn:1", "models", f"{WS}/models/churn/versions/1"),
        ("azureml:sklearn-env:12", "environments", f"{WS}/environments/sklearn-env/versions/12"),
        ("azureml:my_code:1.0.2", "codes", f"{WS}/codes/my_code/versions/1.0.2"),
        ("azureml:cpu-cluster", "computes", f"{WS}/computes/cpu-cluster"),
        (f"azureml:{WS}/models/churn/versions/1", "models", f"{WS}/models/churn/versions/1"),
        (f"{WS}/models/churn/versions/1", "models", f"{WS}/models/churn/versions/1"),
        (REGISTRY, "models", REGISTRY),
    ],
)
def test_short_forms_expand_to_the_workspace_scoped_arm_id(value: str, collection: str, expected: str) -> None:
    assert assets.expand(value, collection, PLACEMENT) == (expected, None)


@pytest.mark.parametrize(
    ("value", "collection", "hint"),
    [
        ("azureml:churn@latest", "models", "labels are resolved by a lookup"),
        ("azureml:churn", "models", "azureml:<name>:<version>"),
        ("churn:1", "models", "ARM resource id"),
        ("azureml://datastores/x/paths/y", "models", "azureml://registries/"),
        ("azureml:cpu/cluster", "computes", "azureml:<name>"),
    ],
)
def test_forms_that_need_a_lookup_or_are_wrong_are_refused_with_the_fix(value: str, collection: str, hint: str) -> None:
    expanded, reason = assets.expand(value, collection, PLACEMENT)
    assert expanded == value and reason is not None and hint in reason


def check(inputs: dict[str, Any]) -> Any:
    provider = AzureMLProvider("BatchDeployment")
    return provider.check({}, {**PLACEMENT, "endpoint_name": "scoring", "name": "blue", **inputs})


def test_check_expands_every_asset_of_a_deployment() -> None:
    result = check(
        {
            "model": {"reference_type": "Id", "asset_id": "azureml:churn:1"},
            "environment_id": "azureml:sklearn-env:1",
            "code_configuration": {"scoring_script": "score.py", "code_id": "azureml:code:3"},
            "compute": "azureml:cpu-cluster",
        }
    )
    assert result.failures == []
    inputs = result.inputs
    assert inputs["model"]["asset_id"] == f"{WS}/models/churn/versions/1"
    assert inputs["environment_id"] == f"{WS}/environments/sklearn-env/versions/1"
    assert inputs["code_configuration"]["code_id"] == f"{WS}/codes/code/versions/3"
    assert inputs["compute"] == f"{WS}/computes/cpu-cluster"


def test_check_names_the_field_and_the_fix_for_a_label() -> None:
    result = check({"environment_id": "azureml:sklearn-env@latest"})
    assert [(failure.property, "name the version" in failure.reason) for failure in result.failures] == [
        ("environment_id", True)
    ]
