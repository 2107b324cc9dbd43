"""What every resource class shares: turning typed Args into the props dict, secrets, and seeded outputs.

Everything here runs once per resource in the user's program, so whatever depends only on the kind is computed
once per process (:func:`_kind_facts`; issue 28).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

import pulumi

from pulumi_azureml._sdk_compat import cache_resource_types, undo_sdk_pickler_wrapping
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


@dataclasses.dataclass(frozen=True)
class _KindFacts:
    named: bool
    """The kind has a ``name`` placement field (defaulted from the Pulumi resource name)."""
    secret_inputs: tuple[str, ...]
    secret_outputs: tuple[str, ...]
    """Secret inputs and secret outputs: the engine keeps both secret in state (``additional_secret_outputs``)."""
    seeded_outputs: tuple[str, ...]


@functools.cache
def _kind_facts(kind: str) -> _KindFacts:
    spec = SPECS[kind]
    return _KindFacts(
        named=any(f.name == RESOURCE_NAME_FIELD for f in spec.placement),
        secret_inputs=spec.secret_input_names(),
        secret_outputs=spec.secret_input_names() + spec.secret_output_names(),
        seeded_outputs=(*(output.name for output in spec.outputs), "arm_id", "location"),
    )


def prepare(
    kind: str,
    resource_name: str,
    args: Any,
    kwargs: Mapping[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> tuple[AzureMLProvider, dict[str, Any], pulumi.ResourceOptions]:
    """The provider, props and options to register a ``kind`` resource from ``args`` and/or keyword arguments."""
    facts = _kind_facts(kind)
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
    if facts.named and RESOURCE_NAME_FIELD not in props:
        props[RESOURCE_NAME_FIELD] = resource_name
    props["owner_marker"] = f"{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}"
    for secret_name in facts.secret_inputs:
        if props.get(secret_name) is not None:
            props[secret_name] = pulumi.Output.secret(props[secret_name])
    # Declared outputs must be registered (as None) to be readable as attributes after registration: the SDK
    # resolves only the props it was given and drops every other output the engine returns
    # (pulumi/runtime/rpc.py, resolve_properties: "engine returned a property that was not in our initial
    # property-map"). None values are not sent to the engine.
    for name in facts.seeded_outputs:
        props.setdefault(name, None)
    secret_outputs = list(facts.secret_outputs)
    if opts is None:
        # What ResourceOptions.merge(None, ...) returns, without copying and merging every option field.
        options = pulumi.ResourceOptions(additional_secret_outputs=secret_outputs)
    else:
        options = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=secret_outputs))
    # The caller registers the resource next, which pickles the provider (see undo_sdk_pickler_wrapping) and, once
    # it is registered, asks the SDK for the class's output types (see cache_resource_types).
    undo_sdk_pickler_wrapping()
    cache_resource_types()
    return AzureMLProvider(kind), props, options
