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
from pulumi_azureml.schema import ResourceSpec
from pulumi_azureml.specs.common import OWNERSHIP_TAG

TAGS = "tags"
"""The ARM envelope's tags: both the field name and the wire name (every ARM tracked resource has them)."""
MARKER_INPUT = "owner_marker"


def marker(inputs: Mapping[str, Any]) -> str | None:
    value = inputs.get(MARKER_INPUT)
    return str(value) if value else None


def is_ours(existing: Mapping[str, Any], inputs: Mapping[str, Any]) -> bool:
    """The resource carries this stack's marker for this resource."""
    own = marker(inputs)
    return own is not None and (existing.get(TAGS) or {}).get(OWNERSHIP_TAG) == own


def is_failed_leftover(existing: dict[str, Any], inputs: Mapping[str, Any]) -> bool:
    """Ours, and its create ended Failed after the run that started it was interrupted: it holds nothing worth
    keeping."""
    return is_ours(existing, inputs) and provisioning_state(existing).lower() == "failed"


def mark(spec: ResourceSpec, body: dict[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` with the marker added to its tags (when the spec uses one and the inputs have one)."""
    own = marker(inputs)
    if spec.ownership_tag and own:
        body[TAGS] = {**(body.get(TAGS) or {}), OWNERSHIP_TAG: own}
    return body


def without_marker(body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` as the program sees it: the marker is ours to manage, never an input."""
    tags = body.get(TAGS)
    if not isinstance(tags, dict) or OWNERSHIP_TAG not in tags:
        return dict(body)
    return {**body, TAGS: {key: value for key, value in tags.items() if key != OWNERSHIP_TAG} or None}


def has_tags(spec: ResourceSpec) -> bool:
    return any(field_.name == TAGS for field_ in spec.fields)
