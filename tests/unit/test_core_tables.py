"""The pure core, as tables over every field of every spec: what a change to each field plans (diffing), and that
a value written to the wire reads back as the same input (state), so a refresh invents no drift.

These are the rules the README's field tables document; a new spec or field is covered without a new test.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_azureml.diffing import describe, plan_diff
from pulumi_azureml.schema import Field, ResourceSpec, build_body, same_value
from pulumi_azureml.specs import SPECS
from pulumi_azureml.state import inputs_from_body

SAMPLE_BY_TYPE: dict[str, Any] = {
    "string": "sample",
    "integer": 3,
    "number": 2.5,
    "boolean": True,
    "map": {"team": "ml"},
    "any": "sample",
}


def sample(field_: Field) -> Any:
    """A value of the field's declared shape (validation is not the point here: diffing and state never
    validate)."""
    if field_.choices:
        return field_.choices[-1]
    if field_.type == "object":
        return {sub.name: sample(sub) for sub in field_.fields if sub.wire} or {"key": "value"}
    if field_.type == "list":
        return [sample(field_.item)] if field_.item is not None else ["sample"]
    return SAMPLE_BY_TYPE[field_.type]


def base_inputs(spec: ResourceSpec) -> dict[str, Any]:
    inputs = {field_.name: sample(field_) for field_ in spec.placement}
    if spec.discriminator:
        inputs[spec.discriminator] = spec.field(spec.discriminator).choices[0]
    return inputs


FIELD_CASES = [
    pytest.param(spec, field_, id=f"{kind}.{field_.name}")
    for kind, spec in sorted(SPECS.items())
    for field_ in spec.fields
    if field_.name != spec.discriminator
]


@pytest.mark.parametrize(("spec", "field_"), FIELD_CASES)
def test_setting_a_field_plans_its_declared_rule(spec: ResourceSpec, field_: Field) -> None:
    olds = base_inputs(spec)
    news = {**olds, field_.name: sample(field_)}
    plan = plan_diff(spec, olds, news)
    rule = spec.update_rule(field_, news)
    assert plan.changed == [field_.name]
    assert plan.rules == {field_.name: rule}
    assert plan.replaces == ([field_.name] if rule == "replace" else [])
    # Same ARM id: the old resource must go first, or the new PUT would only overwrite it.
    assert plan.delete_before_replace is (rule == "replace")
    assert plan.write == {"put": "PUT", "patch": "PATCH"}.get(rule)


@pytest.mark.parametrize(("spec", "field_"), FIELD_CASES)
def test_an_unchanged_field_plans_nothing(spec: ResourceSpec, field_: Field) -> None:
    inputs = {**base_inputs(spec), field_.name: sample(field_)}
    assert plan_diff(spec, inputs, dict(inputs)).changed == []


PLACEMENT_CASES = [
    pytest.param(spec, field_, id=f"{kind}.{field_.name}")
    for kind, spec in sorted(SPECS.items())
    for field_ in spec.placement
]


@pytest.mark.parametrize(("spec", "field_"), PLACEMENT_CASES)
def test_a_placement_change_replaces_create_before_delete(spec: ResourceSpec, field_: Field) -> None:
    olds = base_inputs(spec)
    plan = plan_diff(spec, olds, {**olds, field_.name: "elsewhere"})
    assert plan.replaces == [field_.name]
    # A different ARM id: the new resource can exist beside the old one, so Pulumi's default order holds.
    assert plan.delete_before_replace is False


WIRE_CASES = [
    pytest.param(spec, field_, id=f"{kind}.{field_.name}")
    for kind, spec in sorted(SPECS.items())
    for field_ in spec.fields
    if field_.wire and not field_.secret and not field_.write_only
]


@pytest.mark.parametrize(("spec", "field_"), WIRE_CASES)
def test_a_written_value_reads_back_as_the_same_input(spec: ResourceSpec, field_: Field) -> None:
    inputs = {**base_inputs(spec), field_.name: sample(field_)}
    if field_.applies_to and spec.discriminator:
        inputs[spec.discriminator] = field_.applies_to[0]
    body = build_body(spec, inputs)
    read = inputs_from_body(spec, body, inputs)
    assert field_.name in read, f"{field_.name} was written to {field_.wire} but not read back"
    assert same_value(field_, inputs[field_.name], read[field_.name])


SECRET_CASES = [
    pytest.param(spec, field_, id=f"{kind}.{field_.name}")
    for kind, spec in sorted(SPECS.items())
    for field_ in spec.fields
    if field_.secret or field_.write_only
]


@pytest.mark.parametrize(("spec", "field_"), SECRET_CASES)
def test_a_write_only_value_is_kept_from_state_not_read(spec: ResourceSpec, field_: Field) -> None:
    inputs = {**base_inputs(spec), field_.name: sample(field_)}
    read = inputs_from_body(spec, {}, inputs)
    assert read[field_.name] == inputs[field_.name]


@pytest.mark.parametrize(
    ("kind", "inputs", "expected"),
    [
        ("Compute", {"name": "gpu"}, "compute gpu"),
        ("OnlineDeployment", {"endpoint_name": "scoring", "name": "blue"}, "online deployment blue"),
        ("ModelVersion", {"name": "churn", "version": "2"}, "model version churn:2"),
        ("EnvironmentVersion", {"name": "sklearn", "version": "1"}, "environment version sklearn:1"),
    ],
)
def test_messages_name_a_resource_by_its_title_fields(kind: str, inputs: dict[str, Any], expected: str) -> None:
    assert describe(SPECS[kind], inputs) == expected
