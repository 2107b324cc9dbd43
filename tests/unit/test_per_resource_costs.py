"""What check and diff do for every resource of a preview is not redone when it cannot have changed (issue 28).

Counted, never timed: each test counts calls of the costly step, so the result does not depend on machine load.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_azureml import provider as provider_module
from pulumi_azureml import settings as settings_module
from pulumi_azureml import validation
from pulumi_azureml.schema import UNKNOWN, ResourceSpec
from pulumi_azureml.settings import Settings
from pulumi_azureml.specs import SPECS

CONFIG = {
    "azureml:subscriptionId": "00000000-0000-0000-0000-000000000001",
    "azureml:resourceGroupName": "rg",
    "azureml:workspaceName": "mlw",
    "azureml:accessToken": "token",
}
CLUSTER = {
    "name": "cpu-cluster",
    "compute_type": "AmlCompute",
    "vm_size": "STANDARD_DS3_V2",
    "tags": {"team": "ml"},
    "scale_settings": {"max_node_count": 2, "min_node_count": 0},
}


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    calls: list[int] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_settings_problems_are_found_once_per_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings({**CONFIG, "azureml:hostWorkers": "many"}, environ={})
    calls = _counting(monkeypatch, settings_module, "_problem")
    first = settings.problems()
    once = len(calls)
    for _ in range(10):
        assert settings.problems() == first
    assert len(calls) == once
    assert [source for source, _ in first] == ["azureml:hostWorkers"]
    first.clear()  # a caller's copy: the next caller still gets every problem
    assert settings.problems() != []


def test_check_builds_no_request_body_for_ordinary_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch, validation, "build_body")
    provider = provider_module.AzureMLProvider("Compute")
    provider.use_settings(Settings(CONFIG, environ={}))
    for _ in range(5):
        assert provider.check({}, dict(CLUSTER)).failures == []
    assert calls == []


def test_check_still_refuses_a_body_over_the_arm_limit() -> None:
    provider = provider_module.AzureMLProvider("Compute")
    provider.use_settings(Settings(CONFIG, environ={}))
    failures = provider.check({}, {**CLUSTER, "description": "d" * (5 * 1024 * 1024)}).failures
    assert [failure.property for failure in failures] == ["description"]
    assert "Azure Resource Manager accepts at most 4 MB" in failures[0].reason
    # Large but under the limit: measured exactly, and accepted.
    assert provider.check({}, {**CLUSTER, "description": "d" * (3 * 1024 * 1024)}).failures == []


def test_check_lists_a_specs_fields_once(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = SPECS["Compute"]
    validation.check_inputs(spec, dict(CLUSTER), Settings(CONFIG, environ={}))  # the tables of this spec, built
    calls = _counting(monkeypatch, ResourceSpec, "all_fields")
    for _ in range(5):
        validation.check_inputs(spec, dict(CLUSTER), Settings(CONFIG, environ={}))
    assert calls == []


def test_values_without_unknowns_are_not_copied() -> None:
    value = {"name": "a", "tags": {"x": "1"}, "list": [1, {"b": 2}]}
    assert provider_module._with_unknown_markers(value) is value
    marked = provider_module._with_unknown_markers({"name": "a", "nested": [{"id": Unknown()}]})
    assert marked == {"name": "a", "nested": [{"id": UNKNOWN}]}
    assert provider_module._with_unknown_markers(Unknown()) == UNKNOWN
