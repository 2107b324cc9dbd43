"""The parent-property model: a resource that is a few properties of an existing parent resource (a batch
endpoint's default deployment). A spec selects it with ``parent_kind``; the spec's ``path`` is the parent's.

Create and update are a read-modify-write PUT of the parent with this resource's fields set; delete clears them
(if the parent still holds our values). Nothing is created or deleted in Azure, and the parent's other properties
are sent back as the service returned them, minus what the service computes itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_azureml.arm.busy import ended_badly
from pulumi_azureml.diffing import DiffPlan
from pulumi_azureml.errors import AzureMLError
from pulumi_azureml.lifecycle import Lifecycle
from pulumi_azureml.operation import Operation, Step
from pulumi_azureml.schema import ResourceSpec, get_path, same_value, set_path, to_wire
from pulumi_azureml.specs import SPECS

_SERVER_ONLY = ("id", "name", "type", "systemData")


class ParentProperty(Lifecycle):
    def create(self, operation: Operation) -> dict[str, Any]:
        return self.when_idle(operation, "create", lambda: _write_into_parent(operation, "create")) or {}

    def update(self, operation: Operation, plan: DiffPlan, olds: dict[str, Any]) -> dict[str, Any] | None:
        if not plan.write:
            return None
        return self.when_idle(operation, "update", lambda: _write_into_parent(operation, "update")) or {}

    def delete(self, operation: Operation) -> None:
        def clear() -> None:
            parent = _parent_body(operation)
            if parent is not None and _clear_fields(operation, *parent):
                _put(operation, parent[0], "delete")

        self.when_idle(operation, "delete", clear, done_if_gone=True)

    def resource_id(self, operation: Operation, body: dict[str, Any]) -> str:
        # Not the parent's own id: that is the parent resource's id in the same stack, and ids must be unique.
        return f"{body.get('id') or operation.path}#{operation.spec.kind}"


def _write_into_parent(operation: Operation, step: Step) -> dict[str, Any]:
    """One read-modify-write; called again (reading again) after waiting out a running operation."""
    parent = _parent_body(operation)
    if parent is None:
        noun = SPECS[str(operation.spec.parent_kind)].noun
        raise AzureMLError(f"{operation.action} {operation.path}: the {noun} does not exist; create it first")
    body = parent[0]
    for field_ in operation.spec.fields:
        if field_.wire and operation.inputs.get(field_.name) is not None:
            set_path(body, field_.wire, to_wire(field_, operation.inputs[field_.name]))
    return _put(operation, body, step)


def _clear_fields(operation: Operation, parent: dict[str, Any], last_write_ended_badly: bool) -> bool:
    """Unset our fields where the parent still holds our values; True when the parent must be written.

    The parent is also written when its last write ended Failed/Canceled, even if our fields look clear: that write
    may have been this very clearing in an earlier run, and a Failed ARM resource is repaired by writing its
    desired state again (otherwise nothing would ever touch it and it would stay Failed).
    """
    changed = last_write_ended_badly
    for field_ in operation.spec.fields:
        if not field_.wire:
            continue
        current = get_path(parent, field_.wire)
        if current is not None and same_value(field_, operation.inputs.get(field_.name), current):
            # A split is cleared with `{}`, the only form recorded clients send (azure-cli-extensions
            # test_online_endpoint_update.yaml); a null split is not recorded. A name is cleared with null.
            set_path(parent, field_.wire, {} if isinstance(current, Mapping) else None)
            changed = True
    return changed


def _parent_body(operation: Operation) -> tuple[dict[str, Any], bool] | None:
    """The parent resource as a PUT body (the GET response without what the service computes) and whether its
    last write ended Failed/Canceled; None when the parent does not exist."""
    current = operation.client.get_if_exists(operation.path, api_version=operation.api_version, action=operation.action)
    if current is None:
        return None
    last_write_ended_badly = ended_badly(current)
    body = {key: value for key, value in current.items() if key not in _SERVER_ONLY}
    _drop_computed_outputs(SPECS[str(operation.spec.parent_kind)], body)
    identity = body.get("identity")
    if isinstance(identity, dict):
        identity.pop("principalId", None)
        identity.pop("tenantId", None)
        if isinstance(identity.get("userAssignedIdentities"), dict):
            identity["userAssignedIdentities"] = {key: {} for key in identity["userAssignedIdentities"]}
    return body, last_write_ended_badly


def _drop_computed_outputs(parent_spec: ResourceSpec, body: dict[str, Any]) -> None:
    writable = {field_.wire for field_ in parent_spec.fields if field_.wire}
    for output in parent_spec.outputs:
        if output.wire and "." in output.wire and output.wire not in writable:
            parent, _, leaf = output.wire.rpartition(".")
            container = get_path(body, parent)
            if isinstance(container, dict):
                container.pop(leaf, None)


def _put(operation: Operation, body: dict[str, Any], step: Step) -> dict[str, Any]:
    return operation.client.put(
        operation.path,
        body,
        api_version=operation.api_version,
        action=operation.action,
        timeout=operation.timeout(step),
    )
