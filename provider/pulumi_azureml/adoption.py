"""What a create does when the resource is already there, or when its own PUT ended Failed.

- ours and Failed (an interrupted run's leftover): deleted, then created afresh;
- ours otherwise (an interrupted run's create that went on): taken over, brought to the program's values;
- not ours: refused, unless the program sets ``adopt_existing`` (``pulumi import`` does not work for dynamic
  providers), and then only when nothing create-only differs;
- a create whose operation ended Failed deletes what it made, so a failed create leaves nothing behind.

Whose it is, is :mod:`ownership`'s rule.
"""

from __future__ import annotations

from typing import Any

from pulumi_azureml import bodies, ownership, state
from pulumi_azureml.arm.busy import wait_until_idle
from pulumi_azureml.arm.errors import ArmError, OperationFailedError
from pulumi_azureml.console import say
from pulumi_azureml.diffing import DiffPlan, describe, plan_diff
from pulumi_azureml.errors import AzureMLError
from pulumi_azureml.operation import Operation


def replace_failed_leftover(operation: Operation) -> None:
    """Ours, and its create ended Failed after the run that started it was interrupted: delete it first."""
    name = describe(operation.spec, operation.inputs)
    say(f"azureml: creating {name}: replacing the failed leftover of an earlier run")
    _delete_failed(operation)


def clean_up_failed_create(operation: Operation, failure: OperationFailedError) -> str:
    """Delete what a failed create left, so Pulumi's 'create is all or nothing' holds; return the message."""
    noun = operation.spec.noun
    try:
        _delete_failed(operation)
    except ArmError as cleanup_error:
        return (
            f"{failure}. Deleting the failed {noun} did not succeed either ({cleanup_error}); delete it "
            "in the portal, or run `pulumi up` again (this stack will recognise it as its own)"
        )
    return f"{failure}. The failed {noun} was deleted, so nothing was left behind"


def _delete_failed(operation: Operation) -> None:
    operation.client.delete(
        operation.path,
        api_version=operation.api_version,
        action=f"deleting the failed {operation.spec.noun}",
        timeout=operation.timeout("delete"),
        params=operation.delete_params(cleaning_up=True),
    )


def take_over(operation: Operation, existing: dict[str, Any]) -> dict[str, Any]:
    """Adopt an existing resource: ours from an interrupted run, or explicitly with ``adopt_existing``."""
    spec, inputs = operation.spec, operation.inputs
    owned = ownership.is_ours(spec, existing, inputs)
    if not owned and not inputs.get("adopt_existing"):
        raise AzureMLError(
            f"creating {spec.noun} {operation.path}: a {spec.noun} with this name already exists and this stack did "
            f"not create it. To manage it from this stack, set adopt_existing=True on the resource (Python dynamic "
            f"providers cannot `pulumi import`); otherwise choose another name"
        )
    adopting = operation.with_verb("adopting")
    existing = wait_until_idle(
        operation.client,
        operation.path,
        existing,
        api_version=operation.api_version,
        action=adopting.action,
        timeout=operation.timeout("create"),
    )
    desired = {**inputs, **{k: v for k, v in bodies.workspace_defaults(spec, existing).items() if not inputs.get(k)}}
    plan = _plan_against(operation, existing, desired)
    write, patchable = _write_for(operation, plan, desired, owned)
    return _send(adopting.with_inputs(desired), existing, write, patchable)


def _plan_against(operation: Operation, existing: dict[str, Any], desired: dict[str, Any]) -> DiffPlan:
    """Compare the existing resource with the program; refuse when a create-only property differs."""
    spec = operation.spec
    # Everything the server holds counts here, server-filled values included: skipping those (as a refresh does
    # for values the program leaves unset) would make a value the program does set look absent, i.e. a
    # create-only change, and refuse to take over a resource that already matches.
    # A bag the service adds keys to is compared on the program's keys only, as a refresh does.
    unset = {f.name: None for f in spec.fields if f.wire and not f.server_adds_keys}
    current = state.inputs_from_body(
        spec, ownership.without_marker(spec, existing), {**desired, **unset}, include_server_defaults=True
    )
    for field_ in spec.fields:
        if field_.write_only and desired.get(field_.name) is not None:
            current[field_.name] = desired[field_.name]  # not readable: trust the program
    plan = plan_diff(spec, current, desired)
    conflicts = [name for name in plan.replaces if name not in {f.name for f in spec.placement}]
    if conflicts:
        raise AzureMLError(
            f"adopting {spec.noun} {operation.path}: the existing {spec.noun} differs in properties that cannot "
            f"change in place: {', '.join(conflicts)}. Make the program match it, or delete it and let Pulumi "
            "create it"
        )
    return plan


def _write_for(
    operation: Operation, plan: DiffPlan, desired: dict[str, Any], owned: bool
) -> tuple[str | None, set[str]]:
    """The request that brings the resource to the program's values; an adopted one also gets the marker, by
    whatever request can carry tags here. Where tags cannot change in place (compute instances), the marker is
    left out rather than replacing the resource."""
    spec = operation.spec
    write: str | None = plan.write
    patchable = {name for name in plan.changed if plan.rules[name] == "patch"}
    if owned or not spec.ownership_tag:
        return write, patchable
    tags_rule = spec.update_rule(spec.field(ownership.TAGS), desired) if ownership.has_tags(spec) else "replace"
    if tags_rule == "patch" and write != "PUT":
        return "PATCH", patchable | {ownership.TAGS}
    if tags_rule == "put":
        return "PUT", patchable
    return write, patchable


def _send(operation: Operation, existing: dict[str, Any], write: str | None, patchable: set[str]) -> dict[str, Any]:
    spec, client, desired = operation.spec, operation.client, operation.inputs
    request: dict[str, Any]
    if write == "PATCH":
        request = bodies.patch_body(spec, desired, patchable)
        send = client.patch
    elif write == "PUT":
        request = bodies.put_body(spec, desired, {})
        bodies.carry_over_server_values(spec, request, existing)
        send = client.put
    else:
        return existing
    timeout = operation.timeout("create")
    params = dict(spec.put_params) if write == "PUT" else None
    return send(
        operation.path,
        request,
        api_version=operation.api_version,
        action=operation.action,
        timeout=timeout,
        params=params,
    )
