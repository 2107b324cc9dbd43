"""``diff``: what changed between the last outputs and the new checked inputs, and how to apply it. Pure.

Rules (documented per field in the specs, summarised in docs/reference/):

- only declared input fields are compared; ``__provider`` and read-only outputs never cause a diff;
- an input left unset is not a change when the service fills it (``server_default``), nor when it defaults to
  the workspace's (``default_from_workspace``); an empty object or list is the same as an unset one
  (``schema.is_empty``);
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

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pulumi_azureml.schema import UNKNOWN, ResourceSpec, UpdateRule, is_empty, is_unknown, same_value


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

    @property
    def runs_actions(self) -> bool:
        """Some change is applied by an action hook after the write (or instead of one)."""
        return any(rule == "action" for rule in self.rules.values())


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
            if field_.default_from_workspace:
                continue  # unset means "the workspace's", which is what the resource already has
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


def describe(spec: ResourceSpec, inputs: Mapping[str, Any]) -> str:
    """``"compute gpu-cluster"``, ``"model version churn:2"``: the kind and the resource's own name."""
    parts = [inputs.get(name) or "?" for name in spec.title_fields or (spec.placement[-1].name,)]
    return f"{spec.noun} {':'.join('(not yet known)' if part == UNKNOWN else str(part) for part in parts)}"


def explain(spec: ResourceSpec, plan: DiffPlan) -> str:
    """The preview's one-line reason: update in place (by which request) or replace (in which order, and why)."""
    # A value unknown at preview comes from a resource not created (or replaced) yet: promise nothing about it.
    note = (
        f"; {', '.join(plan.unknown)} not known until the resources it comes from are created or replaced"
        if plan.unknown
        else ""
    )
    # Tentative when every field that decides the step (the replacing ones, else all) is unknown.
    maybe = bool(plan.unknown) and set(plan.replaces or plan.changed) <= set(plan.unknown)
    if plan.replaces:
        reasons = ", ".join(f"{name} ({_update_source(spec, name)})" for name in plan.replaces)
        order = "delete, then create" if plan.delete_before_replace else "create, then delete"
        verb = "may be REPLACED" if maybe else "will be REPLACED"
        return f"{verb} ({order}) because {reasons} changed{note}"
    how = {"PATCH": "PATCH", "PUT": "full PUT"}.get(plan.write or "", "")
    actions = [name for name in plan.changed if plan.rules[name] == "action"]
    parts = [f"{'may update' if maybe else 'update'} in place by {how} ({', '.join(plan.changed)})"] if how else []
    if actions:
        parts.append(f"run actions for {', '.join(actions)}")
    if not parts:
        parts.append(f"provider-side settings change ({', '.join(plan.changed)}); no request to Azure")
    return "; ".join(parts) + note


def _update_source(spec: ResourceSpec, name: str) -> str:
    try:
        return plain_words(spec.field(name).update_source) or "cannot change in place"
    except KeyError:
        return "cannot change in place"


# The specs cite their sources in the sources' own terms (the reference pages show them so); a preview's reason is
# read by people who never opened a swagger file or a terraform schema, so it says the same in plain words.
_PLAIN_WORDS = (
    (
        re.compile(r"(?:spec(?:ification)?:? )?x-ms-mutability \[(?:create, read|read, create|create)\]"),
        "create-only in Azure's REST specification",
    ),
    (
        re.compile(r"(?:spec(?:ification)?:? )?x-ms-mutability [\[(]create, read, update[\])]"),
        "changeable in Azure's REST specification",
    ),
    (
        re.compile(r"(?:spec(?:ification)?:? )?x-ms-mutability \[create, update\]"),
        "never read back (REST specification)",
    ),
    (re.compile(r"x-ms-secret"), "a secret in the REST specification"),
    (re.compile(r"azurerm ForceNew"), "terraform's azurerm provider replaces it too"),
    (re.compile(r"ForceNew"), "replaced"),
)


def plain_words(source: str) -> str:
    """``source`` with the specification jargon (``x-ms-mutability [create, read]``, ``ForceNew``) in plain words."""
    for jargon, plain in _PLAIN_WORDS:
        source = jargon.sub(plain, source)
    return source
