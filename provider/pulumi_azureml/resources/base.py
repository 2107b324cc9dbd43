"""What every resource class shares: turning typed Args into the props dict, secrets, and seeded outputs."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pulumi

from pulumi_azureml._sdk_compat import undo_sdk_pickler_wrapping
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.specs import SPECS

RESOURCE_NAME_FIELD = "name"
"""The placement field that defaults to the Pulumi resource's name (the provider's naming errors say so)."""


def to_props(value: Any) -> Any:
    """Args dataclasses (nested, in lists and dicts) to plain dicts, field by field.

    Deliberately not ``dataclasses.asdict``: it deep-copies values, ``Output``s included.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        result: dict[str, Any] = {}
        for field_ in dataclasses.fields(value):
            item = getattr(value, field_.name)
            if item is not None:
                result[field_.name] = to_props(item)
        return result
    if isinstance(value, Mapping):
        return {key: to_props(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_props(item) for item in value]
    return value


def prepare(
    kind: str,
    resource_name: str,
    args: Any,
    kwargs: Mapping[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> tuple[AzureMLProvider, dict[str, Any], pulumi.ResourceOptions]:
    """The provider, props and options to register a ``kind`` resource from ``args`` and/or keyword arguments."""
    spec = SPECS[kind]
    if opts is not None and opts.custom_timeouts is not None:
        # The engine does not send customTimeouts to a dynamic provider: without a word, the limit a user set would
        # silently be the spec's default.
        pulumi.log.warn(
            f"{kind} {resource_name!r}: the custom_timeouts resource option is ignored (Pulumi does not pass it to "
            "dynamic providers); use the resource's `timeouts` input instead, e.g. "
            'timeouts=azureml.TimeoutsArgs(create="90m")'
        )
    props: dict[str, Any] = to_props(args) if args is not None else {}
    props.update({key: to_props(value) for key, value in kwargs.items() if value is not None})
    if RESOURCE_NAME_FIELD not in props and any(f.name == RESOURCE_NAME_FIELD for f in spec.placement):
        props[RESOURCE_NAME_FIELD] = resource_name
    props["owner_marker"] = f"{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}"
    for secret_name in spec.secret_input_names():
        if props.get(secret_name) is not None:
            props[secret_name] = pulumi.Output.secret(props[secret_name])
    # Declared outputs must be present (as None) to be readable as attributes after registration.
    for output in spec.outputs:
        props.setdefault(output.name, None)
    props.setdefault("arm_id", None)
    props.setdefault("location", None)
    secret_outputs = list(spec.secret_input_names() + spec.secret_output_names())
    options = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=secret_outputs))
    # The caller registers the resource next, which pickles the provider: see undo_sdk_pickler_wrapping.
    undo_sdk_pickler_wrapping()
    return AzureMLProvider(kind), props, options
