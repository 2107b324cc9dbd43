"""ARM request bodies from a spec and checked inputs: the full PUT, the minimal PATCH, and what a PUT must carry
over from the server. Pure: no I/O.

Every body this package writes carries the stack's ownership marker (``ownership.mark``) when the spec wants one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_azureml import ownership
from pulumi_azureml.schema import ResourceSpec, build_body, from_wire, get_path, set_path


def put_body(spec: ResourceSpec, inputs: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The whole resource. ``defaults`` fill the fields the program leaves to the workspace (``location``): the
    workspace's value at create, the resource's own value afterwards (a PUT without its location is refused)."""
    desired = dict(inputs)
    for field_ in spec.workspace_defaulted_fields():
        if not desired.get(field_.name) and defaults.get(field_.name):
            desired[field_.name] = defaults[field_.name]
    return ownership.mark(spec, build_body(spec, desired), inputs)


def patch_body(spec: ResourceSpec, inputs: Mapping[str, Any], names: set[str]) -> dict[str, Any]:
    """Only the named fields. A field removed from the program is cleared explicitly: a PATCH merges, so leaving
    it out would keep the old value. A tags PATCH keeps the ownership marker."""
    body = build_body(spec, inputs, only=names)
    for name in names:
        field_ = spec.field(name)
        if inputs.get(name) is None and field_.wire:
            set_path(body, field_.wire, {} if field_.type == "map" else None)
    return ownership.mark(spec, body, inputs) if ownership.TAGS in names else body


def workspace_defaults(spec: ResourceSpec, body: Mapping[str, Any]) -> dict[str, Any]:
    """The values of the workspace-defaulted fields as ``body`` (a workspace, or the resource itself) holds them."""
    return {
        field_.name: from_wire(field_, get_path(body, field_.wire or ""))
        for field_ in spec.workspace_defaulted_fields()
        if get_path(body, field_.wire or "") is not None
    }


def missing_server_values(spec: ResourceSpec, request: Mapping[str, Any]) -> list[str]:
    """The ``preserve_on_put`` paths this request leaves empty (a reason to read the resource before a PUT)."""
    return [path for path in spec.preserve_on_put if get_path(request, path) is None]


def carry_over_server_values(spec: ResourceSpec, request: dict[str, Any], current: Mapping[str, Any]) -> None:
    """A PUT is a full replace: send back the server values that no input here manages (``preserve_on_put``)."""
    for path in missing_server_values(spec, request):
        value = get_path(current, path)
        if value is not None:
            set_path(request, path, value)
