"""The public surface follows the specs: adding a field or an output is one edit, and these tests say where else.

For every resource kind: each spec input has an attribute on the kind's ``Args`` (and no Args attribute lacks a
spec field), each spec output is a typed attribute of the resource class, the kind and its Args are exported from
``pulumi_azureml``; and every lookup has its ``_output`` form.
"""

from __future__ import annotations

import dataclasses
import inspect

import pytest

import pulumi_azureml
from pulumi_azureml import lookups
from pulumi_azureml.specs import SPECS

# Written by the resource classes themselves, never by a user (the stack/resource ownership marker; an asset
# version's content hash of its local path).
INTERNAL_INPUTS = {"owner_marker", "content_hash"}
# Every kind's ARM id as an output, alongside the Pulumi id (written by the generic provider for all kinds).
COMMON_OUTPUTS = {"arm_id"}


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_args_match_the_spec_inputs(kind: str) -> None:
    args = getattr(pulumi_azureml, f"{kind}Args")
    declared = {field.name for field in SPECS[kind].all_fields()} - INTERNAL_INPUTS
    attributes = {field.name for field in dataclasses.fields(args)}
    assert declared - attributes == set(), f"{kind}Args lacks spec fields"
    assert attributes - declared == set(), f"{kind}Args has attributes no spec field declares"


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_resource_attributes_match_the_spec_outputs(kind: str) -> None:
    resource = getattr(pulumi_azureml, kind)
    spec = SPECS[kind]
    outputs = {output.name for output in spec.outputs}
    attributes = set(resource.__annotations__)
    assert outputs - attributes == set(), f"{kind} lacks attributes for spec outputs"
    inputs = {field.name for field in spec.all_fields()}
    assert attributes - outputs - inputs - COMMON_OUTPUTS == set(), f"{kind} has attributes nothing produces"


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_kind_and_args_are_exported(kind: str) -> None:
    assert {kind, f"{kind}Args"} <= set(pulumi_azureml.__all__)


def test_every_lookup_has_its_output_form() -> None:
    functions = {
        name
        for name, value in inspect.getmembers(lookups, inspect.isfunction)
        if name.startswith(("get_", "list_")) and value.__module__ == lookups.__name__
    }
    plain = {name for name in functions if not name.endswith("_output")}
    assert plain, "no lookups found"
    assert {f"{name}_output" for name in plain} <= functions
    assert functions <= set(pulumi_azureml.__all__), functions - set(pulumi_azureml.__all__)


def test_every_output_form_takes_what_its_lookup_takes() -> None:
    """The `_output` form of a lookup is the same call with Inputs allowed: same parameters, same names."""
    mismatched = {}
    for name, function in inspect.getmembers(lookups, inspect.isfunction):
        output_form = getattr(lookups, f"{name}_output", None)
        if not name.startswith(("get_", "list_")) or name.endswith("_output") or output_form is None:
            continue
        plain = list(inspect.signature(function).parameters)
        deferred = list(inspect.signature(output_form).parameters)
        if plain != deferred:
            mismatched[name] = (plain, deferred)
    assert mismatched == {}
