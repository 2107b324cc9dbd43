"""What every resource class shares: turning typed Args into the props dict, secrets, and seeded outputs."""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Mapping
from typing import Any

import pulumi

from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.specs import SPECS


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


_SDK_SORTING_WRAPPERS = frozenset({"batch_set_items_sorted", "batch_set_items_sorted_before_py14"})


def undo_sdk_pickler_wrapping() -> None:
    """Unwrap the sorting wrappers the Pulumi SDK leaves on ``pickle._Pickler._batch_setitems``.

    Why: ``pulumi.dynamic.dynamic.serialize_provider`` (pulumi 3.x) wraps ``_batch_setitems`` in a sorting wrapper
    on every call and never restores it, so each dynamic resource a program declares adds one more layer. After
    roughly 950 dynamic resources in one process, pickling the next ``__provider`` fails with ``RecursionError``
    (found by the soak suite, which runs many programs in one process; a single program with that many resources
    fails the same way), and every layer re-sorts every pickled dict. Restoring the plain method before each
    registration leaves exactly the one wrapper the SDK adds for its own call, so the pickled provider is still
    sorted (deterministic) and the chain never grows.
    """
    method = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    original = method
    while getattr(original, "__name__", "") in _SDK_SORTING_WRAPPERS and getattr(original, "__closure__", None):
        cells = dict(zip(original.__code__.co_freevars, original.__closure__, strict=True))
        cell = cells.get("unsorted_batch_setitems")
        if cell is None:
            break
        original = cell.cell_contents
    if original is not method:
        pickle._Pickler._batch_setitems = original  # type: ignore[attr-defined]


def prepare(
    kind: str,
    resource_name: str,
    args: Any,
    kwargs: Mapping[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> tuple[AzureMLProvider, dict[str, Any], pulumi.ResourceOptions]:
    """The provider, props and options to register a ``kind`` resource from ``args`` and/or keyword arguments."""
    spec = SPECS[kind]
    props: dict[str, Any] = to_props(args) if args is not None else {}
    props.update({key: to_props(value) for key, value in kwargs.items() if value is not None})
    if "name" not in props and any(f.name == "name" for f in spec.placement):
        props["name"] = resource_name
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
