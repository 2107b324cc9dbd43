"""What Pulumi keeps of a resource: its outputs from the service's answer, and its inputs as the service now has
them (what a refresh compares). Pure: no I/O, no Pulumi.

Outputs are the checked inputs (``diff`` and ``update`` only ever get the old outputs, so they must echo the
inputs), then every declared output read from the response body (``ResourceSpec.all_outputs``), then whatever the
spec's ``extra_outputs`` hook fetched. Nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_azureml.schema import (
    Field,
    ResourceSpec,
    defaulted_flag,
    from_wire,
    get_path,
    is_empty,
    normalize,
    same_value,
)

PROVIDER_KEY = "__provider"


def inputs_only(props: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` without the pickled provider the SDK adds to every resource's inputs."""
    return {key: value for key, value in props.items() if key != PROVIDER_KEY}


def outputs(
    spec: ResourceSpec, inputs: Mapping[str, Any], body: Mapping[str, Any], extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    result = inputs_only(inputs)
    for field_ in spec.workspace_defaulted_fields():
        # Remember that the value was defaulted, so `read` does not turn it into an input (outputs are all `read`
        # gets; a defaulted location appearing as an input on refresh would look like drift).
        defaulted = not inputs.get(field_.name)
        result[defaulted_flag(field_)] = defaulted
        served = get_path(body, field_.wire or "")
        if defaulted and served:
            result[field_.name] = served
    for output in spec.all_outputs():
        if output.wire:
            value = normalize(Field(output.name, type=output.type), get_path(body, output.wire))
            if output.only_keys and isinstance(value, dict):
                value = {key: item for key, item in value.items() if key in output.only_keys}
            result[output.name] = value
    result.update(extra or {})
    return result


def inputs_from_body(
    spec: ResourceSpec, body: Mapping[str, Any], old: Mapping[str, Any], *, include_server_defaults: bool = False
) -> dict[str, Any]:
    """The inputs as the server now has them, as far as the program manages them: what a refresh compares.

    Rules, declared per field and never per case:

    - a field the program left unset belongs to the service: whatever it fills there is not an input, unless the
      field is declared ``drift_when_unset`` (tags); ``include_server_defaults`` reports those values too
      (adoption compares with them);
    - of an object the program set, only the members it set are compared (the service fills the others: a
      deployment's request settings and probes, azure-cli-extensions test_online_endpoint_update.yaml);
    - a create-only field of an ``immutable`` kind (asset and environment versions) keeps the program's value: the
      service cannot change it, so its own spelling of it can never plan a replace;
    - values that mean the same (``schema.same_value``) keep the program's spelling; secrets and write-only values,
      which the server never tells, keep the last value.
    """
    inputs: dict[str, Any] = {}
    selector = _discriminator_value(spec, body, old)
    for field_ in spec.all_fields():
        previous = old.get(field_.name)
        if field_.default_from_workspace and old.get(defaulted_flag(field_)):
            continue
        if field_.applies_to and selector and selector not in field_.applies_to:
            continue  # e.g. an attached type's raw `properties` overlaps a cluster's typed fields
        if field_.wire is None or field_.write_only or field_.secret:
            if previous is not None:
                inputs[field_.name] = previous
            continue
        actual = from_wire(field_, get_path(body, field_.wire))
        if field_.server_adds_keys and isinstance(actual, dict):
            managed = previous if isinstance(previous, dict) else {}
            actual = {key: value for key, value in actual.items() if key in managed} or None
        if previous is None:
            if (include_server_defaults or field_.drift_when_unset) and not is_empty(actual):
                inputs[field_.name] = actual
            continue
        if spec.immutable and not field_.witness and spec.update_rule(field_, old, previous) == "replace":
            inputs[field_.name] = previous
            continue
        actual = managed_part(field_, previous, actual)
        if actual is not None and same_value(field_, previous, actual):
            inputs[field_.name] = previous  # keep the user's spelling ("West US 2", "NotSpecified"...)
        elif not is_empty(actual):
            inputs[field_.name] = actual
    return inputs


def managed_part(field_: Field, previous: Any, actual: Any) -> Any:
    """``actual`` reduced to the members ``previous`` (what the program set) has: the rest is the service's."""
    if field_.type == "object" and field_.fields and isinstance(previous, Mapping) and isinstance(actual, Mapping):
        result: dict[str, Any] = {}
        for sub in field_.fields:
            given = previous.get(sub.name)
            if given is None and not sub.drift_when_unset:
                continue
            value = managed_part(sub, given, actual.get(sub.name))
            if value is not None:
                result[sub.name] = value
        return result
    if field_.type == "list" and field_.item is not None and isinstance(previous, list) and isinstance(actual, list):
        # Items may come back in another order (schedules): every item is reduced to the members any item set.
        template = _union(item for item in previous if isinstance(item, Mapping))
        if template is None:
            return actual
        return [managed_part(field_.item, template, item) for item in actual]
    return actual


def _union(items: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """One mapping with every member any of ``items`` sets (nested mappings merged the same way)."""
    merged: dict[str, Any] | None = None
    for item in items:
        merged = merged or {}
        for key, value in item.items():
            if value is None:
                continue
            if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
                merged[key] = _union((merged[key], value))
            else:
                merged.setdefault(key, value)
    return merged


def _discriminator_value(spec: ResourceSpec, body: Mapping[str, Any], old: Mapping[str, Any]) -> str:
    if not spec.discriminator:
        return ""
    wire = spec.field(spec.discriminator).wire or ""
    return str(old.get(spec.discriminator) or get_path(body, wire) or "")
