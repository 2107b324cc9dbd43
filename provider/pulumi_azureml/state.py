"""What Pulumi keeps of a resource: its outputs from the service's answer, and its inputs as the service now has
them (what a refresh compares). Pure: no I/O, no Pulumi.

Outputs are the checked inputs (``diff`` and ``update`` only ever get the old outputs, so they must echo the
inputs), then every declared output read from the response body (``ResourceSpec.all_outputs``), then whatever the
spec's ``extra_outputs`` hook fetched. Nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_azureml.schema import Field, ResourceSpec, defaulted_flag, from_wire, get_path, normalize, same_value

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
    """The inputs as the server now has them, keeping what the server cannot tell (secrets, unset defaults).

    ``include_server_defaults``: also report values the server filled in where ``old`` has none (adoption
    compares with them; a refresh leaves them out so an unset input never turns into drift).
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
        if previous is not None and actual is not None and same_value(field_, previous, actual):
            inputs[field_.name] = previous  # keep the user's spelling ("West US 2", "NotSpecified"...)
        elif previous is None and field_.server_default and not include_server_defaults:
            continue
        elif actual is not None and actual != {} and actual != []:
            inputs[field_.name] = actual
    return inputs


def _discriminator_value(spec: ResourceSpec, body: Mapping[str, Any], old: Mapping[str, Any]) -> str:
    if not spec.discriminator:
        return ""
    wire = spec.field(spec.discriminator).wire or ""
    return str(old.get(spec.discriminator) or get_path(body, wire) or "")
