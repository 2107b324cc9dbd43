"""Values compare by meaning, as each field declares it; diff, read and adoption share that one comparison."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_azureml.diffing import plan_diff
from pulumi_azureml.schema import Field, build_body, normalize, same_value, to_wire
from pulumi_azureml.specs import SPECS

COMPUTE = SPECS["Compute"]
ENDPOINT = SPECS["BatchEndpoint"]
DEPLOYMENT = SPECS["BatchDeployment"]
WORKSPACE = SPECS["Workspace"]
ASSETS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw"
ASSETS_UPPER = ASSETS.upper()


def field(spec_kind: str, dotted: str) -> Field:
    """A field by dotted input path, e.g. ``scale_settings.node_idle_time_before_scale_down``."""
    first, *rest = dotted.split(".")
    current = SPECS[spec_kind].field(first)
    for name in rest:
        current = next(sub for sub in current.fields if sub.name == name)
    return current


@pytest.mark.parametrize(
    ("kind", "path", "desired", "actual"),
    [
        # Enums: any casing the service accepts, canonical on read.
        ("BatchEndpoint", "auth_mode", "aadToken", "AADToken"),
        ("Compute", "vm_priority", "dedicated", "Dedicated"),
        ("BatchDeployment", "logging_level", "info", "Info"),
        # Durations by length.
        ("Compute", "scale_settings.node_idle_time_before_scale_down", "PT120S", "PT2M"),
        ("Compute", "idle_time_before_shutdown", "PT1H", "PT60M"),
        ("BatchDeployment", "retry_settings.timeout", "PT30S", "PT0.5M"),
        # Empty is absent.
        ("BatchDeployment", "resources", {"instance_count": 1, "properties": {}}, {"instance_count": 1}),
        ("BatchDeployment", "environment_variables", {}, None),
        # Locations by short form, ARM ids and VM sizes without case.
        ("Workspace", "location", "West Europe", "westeurope"),
        ("Compute", "subnet_id", "/subscriptions/A/resourceGroups/RG/x", "/subscriptions/a/resourcegroups/rg/X"),
        ("Compute", "vm_size", "Standard_DS3_v2", "STANDARD_DS3_V2"),
        # Asset ids: the ARM part without case, the asset's name and version exactly.
        (
            "BatchDeployment",
            "environment_id",
            f"{ASSETS}/environments/sklearn/versions/1",
            f"{ASSETS_UPPER}/Environments/sklearn/Versions/1",
        ),
        ("OnlineDeployment", "model", f"{ASSETS}/models/churn/versions/2", f"{ASSETS_UPPER}/models/churn/versions/2/"),
        (
            "OnlineDeployment",
            "model",
            "azureml://registries/azureml/models/phi/versions/3",
            "azureml://registries/AzureML/models/phi/versions/3",
        ),
    ],
)
def test_same_meaning_different_spelling(kind: str, path: str, desired: Any, actual: Any) -> None:
    assert same_value(field(kind, path), desired, actual)


@pytest.mark.parametrize(
    ("kind", "path", "desired", "actual"),
    [
        ("BatchEndpoint", "auth_mode", "Key", "AADToken"),
        ("Compute", "scale_settings.node_idle_time_before_scale_down", "PT121S", "PT2M"),
        ("BatchDeployment", "environment_variables", {"A": "1"}, None),
        ("Workspace", "location", "West Europe", "westus"),
        # mfe.json: "Container name. This is case-sensitive." / "Version identifier. This is case-sensitive."
        ("OnlineDeployment", "model", f"{ASSETS}/models/Churn/versions/1", f"{ASSETS}/models/churn/versions/1"),
        (
            "BatchDeployment",
            "environment_id",
            f"{ASSETS}/environments/env/versions/V1",
            f"{ASSETS}/environments/env/versions/v1",
        ),
        ("OnlineDeployment", "model", f"{ASSETS}/models/churn/versions/1", f"{ASSETS}/models/churn/versions/2"),
    ],
)
def test_different_meaning_is_a_difference(kind: str, path: str, desired: Any, actual: Any) -> None:
    assert not same_value(field(kind, path), desired, actual)


def schedule(action: str, hour: int, **extra: Any) -> dict[str, Any]:
    return {
        "action": action,
        "trigger_type": "Recurrence",
        "recurrence": {"frequency": "Week", "interval": 1, "schedule": {"hours": [hour], "minutes": [0]}},
        **extra,
    }


def test_schedules_compare_as_a_set_ignoring_server_members() -> None:
    schedules = field("Compute", "schedules")
    desired = [schedule("stop", 18), schedule("start", 8)]
    # As the service returns them: another order, canonical casing, its own members on each item.
    actual = [
        schedule("Start", 8, id="g1", status="Enabled", provisioning_status="Completed", cron=None),
        schedule("Stop", 18, id="g2", status="Enabled", provisioning_status="Completed", cron=None),
    ]
    assert same_value(schedules, desired, actual)
    assert not same_value(schedules, desired, [actual[0], schedule("Stop", 19)])
    assert not same_value(schedules, desired, actual[:1])


def test_check_stores_the_canonical_enum_spelling() -> None:
    assert normalize(field("BatchEndpoint", "auth_mode"), "aadtoken") == "AADToken"
    assert normalize(field("Compute", "compute_type"), "amlcompute") == "AmlCompute"
    assert normalize(field("Compute", "schedules"), [schedule("stop", 1)])[0]["action"] == "Stop"
    # An unknown value is left for validation to refuse, not guessed.
    assert normalize(field("BatchEndpoint", "auth_mode"), "token") == "token"


def test_diff_sees_no_change_between_spellings_of_one_value() -> None:
    olds = {
        "name": "cluster",
        "compute_type": "AmlCompute",
        "vm_size": "STANDARD_DS3_V2",
        "vm_priority": "Dedicated",
        "scale_settings": {"max_node_count": 2, "node_idle_time_before_scale_down": "PT2M"},
    }
    news = {
        "name": "cluster",
        "compute_type": "AmlCompute",
        "vm_size": "Standard_DS3_v2",
        "vm_priority": "dedicated",
        "scale_settings": {"max_node_count": 2.0, "node_idle_time_before_scale_down": "PT120S"},
    }
    assert plan_diff(COMPUTE, olds, news).changed == []


def test_an_empty_input_is_no_change_from_an_absent_one_but_clearing_is() -> None:
    assert plan_diff(DEPLOYMENT, {"name": "d"}, {"name": "d", "environment_variables": {}}).changed == []
    cleared = plan_diff(DEPLOYMENT, {"name": "d", "environment_variables": {"A": "1"}}, {"name": "d"})
    assert cleared.changed == ["environment_variables"]


@pytest.mark.parametrize("number", [2.0, 2])
def test_integers_are_integers_on_the_wire_whatever_arrives(number: float) -> None:
    body = build_body(
        COMPUTE,
        {
            "compute_type": "AmlCompute",
            "scale_settings": {"max_node_count": number, "min_node_count": 0.0},
            "property_bag": {"nested": {"count": 3.0, "ratio": 0.5}},
        },
    )
    scale = body["properties"]["properties"]["scaleSettings"]
    assert type(scale["maxNodeCount"]) is int and type(scale["minNodeCount"]) is int
    # Untyped values: whole numbers become integers, real fractions stay.
    assert body["properties"]["properties"]["propertyBag"] == {"nested": {"count": 3, "ratio": 0.5}}
    assert type(to_wire(field("BatchDeployment", "mini_batch_size"), 10.0)) is int


def test_an_empty_string_stored_before_is_no_change_when_the_program_drops_it() -> None:
    # A stack created before check refused `endpoint: ""` holds it in state; the service filled its default
    # (the emulator's recorded datastore answers). Dropping it from the program must not replace the datastore.
    datastore = SPECS["Datastore"]
    olds = {
        "name": "landing",
        "datastore_type": "AzureBlob",
        "account_name": "st",
        "container_name": "c",
        "endpoint": "",
        "protocol": "",
    }
    news = {key: value for key, value in olds.items() if value != ""}
    assert plan_diff(datastore, olds, news).changed == []


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_replace_reasons_are_in_plain_words(kind: str) -> None:
    # The reference pages cite sources in their own terms; the preview's reason must not ("reasons in jargon").
    from pulumi_azureml.diffing import DiffPlan, explain

    spec = SPECS[kind]
    for field_ in spec.fields:
        reason = explain(spec, DiffPlan(changed=[field_.name], replaces=[field_.name], rules={field_.name: "replace"}))
        assert "x-ms-" not in reason and "ForceNew" not in reason, reason
