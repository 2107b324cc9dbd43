"""``diff``: what changed between the last outputs and the new checked inputs, and how to apply it. Pure.

Rules (documented per field in the specs, summarised in the README):

- only declared input fields are compared; ``__provider`` and read-only outputs never cause a diff;
- an input left unset is not a change when the service fills it (``server_default``), nor ``location`` when it
  defaults to the workspace's; an empty object or list is the same as an unset one (``schema.is_empty``);
- values compare by meaning, as each field declares (``schema.same_value``);
- a value unknown during preview counts as changed, so a create-only field that depends on another resource's
  output previews as a replace rather than hiding one;
- any changed ``replace`` field ⇒ replace; ``delete_before_replace`` whenever the ARM id stays the same, because
  a PUT to the same URL would only overwrite the old resource (the create-before-delete order would then delete
  the new one);
- otherwise ``put`` beats ``patch`` (a full PUT carries the PATCH-able fields too); ``action`` and ``none``
  changes need no body write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pulumi_azureml.schema import ResourceSpec, UpdateRule, is_empty, is_unknown, same_value


@dataclass(frozen=True)
class DiffPlan:
    """The outcome of comparing state with the desired inputs."""

    changed: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    write: Literal["PUT", "PATCH"] | None = None
    """The body write an in-place update needs, if any."""
    rules: dict[str, UpdateRule] = field(default_factory=dict)
    """The update rule of each changed field."""
    delete_before_replace: bool = False
    unknown: list[str] = field(default_factory=list)
    """Changed fields whose new value is not known yet (a preview before another resource's create or replace):
    they may turn out equal, so the plan is a "may", and the preview must say so."""

    @property
    def has_changes(self) -> bool:
        return bool(self.changed)


def plan_diff(spec: ResourceSpec, olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffPlan:
    """Compare ``olds`` (the last outputs, which echo the inputs) with ``news`` (checked inputs)."""
    changed: list[str] = []
    unknown: list[str] = []
    rules: dict[str, UpdateRule] = {}
    for field_ in spec.all_fields():
        new = news.get(field_.name)
        old = olds.get(field_.name)
        if is_empty(new):
            if is_empty(old) or (new is None and field_.server_default):
                continue
            if field_.name == "location" and spec.location_from_workspace:
                continue
        elif not is_unknown(new) and old is not None and same_value(field_, new, old):
            continue
        changed.append(field_.name)
        if is_unknown(new):
            unknown.append(field_.name)
        # The rule of the *new* discriminator value decides (a changed compute_type is itself a replace).
        rules[field_.name] = spec.update_rule(field_, news, old)

    replaces = [name for name in changed if rules[name] == "replace"]
    placement_names = {f.name for f in spec.placement}
    same_id = not any(name in placement_names for name in replaces)
    write: Literal["PUT", "PATCH"] | None = None
    if not replaces:
        if any(rules[name] == "put" for name in changed):
            write = "PUT"
        elif any(rules[name] == "patch" for name in changed):
            write = "PATCH"
    return DiffPlan(
        changed=changed,
        replaces=replaces,
        write=write,
        rules=rules,
        delete_before_replace=bool(replaces) and same_id,
        unknown=unknown,
    )
