"""The ownership marker: the tag that says "this stack created this resource". The one place that writes, reads
or hides it. Pure: no I/O.

Every resource class sets ``owner_marker`` to ``<project>/<stack>/<resource name>`` (kept in state); create
writes it into the resource's tags. A create that finds its own marker on an existing resource is looking at its
own leftover (an interrupted run) and may take it over or clean it up; anything else is someone else's and is
refused unless the program says ``adopt_existing``. The marker is hidden from the inputs a refresh reports, so
it is never drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_azureml.arm.polling import provisioning_state
from pulumi_azureml.schema import ResourceSpec, get_path, set_path
from pulumi_azureml.specs.common import OWNERSHIP_TAG

TAGS = "tags"
"""The input that holds a resource's tags; its wire path is the spec's (``tags`` on the ARM envelope,
``properties.tags`` on asset versions and datastores)."""
MARKER_INPUT = "owner_marker"


def marker(inputs: Mapping[str, Any]) -> str | None:
    value = inputs.get(MARKER_INPUT)
    return str(value) if value else None


def tags_wire(spec: ResourceSpec) -> str | None:
    """Where this kind keeps its tags on the wire; None when it has none (nowhere to put a marker)."""
    return next((field_.wire for field_ in spec.fields if field_.name == TAGS), None)


def is_ours(spec: ResourceSpec, existing: Mapping[str, Any], inputs: Mapping[str, Any]) -> bool:
    """The resource carries this stack's marker for this resource."""
    own, wire = marker(inputs), tags_wire(spec)
    tags = get_path(existing, wire) if wire else None
    return own is not None and isinstance(tags, dict) and tags.get(OWNERSHIP_TAG) == own


def is_failed_leftover(spec: ResourceSpec, existing: dict[str, Any], inputs: Mapping[str, Any]) -> bool:
    """Ours, and its create ended Failed after the run that started it was interrupted: it holds nothing worth
    keeping."""
    return is_ours(spec, existing, inputs) and provisioning_state(existing).lower() == "failed"


def mark(spec: ResourceSpec, body: dict[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` with the marker added to its tags (when the spec uses one and the inputs have one)."""
    own, wire = marker(inputs), tags_wire(spec)
    if spec.ownership_tag and own and wire:
        set_path(body, wire, {**(get_path(body, wire) or {}), OWNERSHIP_TAG: own})
    return body


def without_marker(spec: ResourceSpec, body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` as the program sees it: the marker is ours to manage, never an input. ``body`` is not changed."""
    wire = tags_wire(spec)
    tags = get_path(body, wire) if wire else None
    if not wire or not isinstance(tags, dict) or OWNERSHIP_TAG not in tags:
        return dict(body)
    copy = copy_along(body, wire)
    set_path(copy, wire, {key: value for key, value in tags.items() if key != OWNERSHIP_TAG} or None)
    return copy


def copy_along(body: Mapping[str, Any], dotted: str) -> dict[str, Any]:
    """A copy of ``body`` in which the objects on the way to ``dotted`` are copies too (so setting it there leaves
    ``body`` as it was)."""
    copy = dict(body)
    current = copy
    for part in dotted.split(".")[:-1]:
        child = current.get(part)
        if not isinstance(child, dict):
            break
        current[part] = dict(child)
        current = current[part]
    return copy


def has_tags(spec: ResourceSpec) -> bool:
    return tags_wire(spec) is not None
