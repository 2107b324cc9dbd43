"""How a resource kind is created, read, updated and deleted in ARM: the strategies a spec selects.

- :class:`ArmResource` (the default): the resource is its own ARM resource at the spec's path. Create GETs first
  (:mod:`adoption` decides what an existing one means), then PUTs; update PATCHes or PUTs what the plan says;
  delete DELETEs. Writes refused while the resource is busy wait it out (:mod:`arm.busy`).
- :class:`ParentProperty` (``ResourceSpec.parent_kind`` set; in :mod:`parent_property`): the resource is a few
  properties of an existing parent, written by read-modify-write PUTs of the parent.

:func:`lifecycle_for` is the only place that chooses between them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pulumi_azureml import adoption, bodies, ownership
from pulumi_azureml.arm.busy import write_when_idle
from pulumi_azureml.arm.errors import OperationFailedError
from pulumi_azureml.arm.ids import render_path
from pulumi_azureml.diffing import DiffPlan
from pulumi_azureml.errors import AzureMLError
from pulumi_azureml.operation import Operation, Step
from pulumi_azureml.schema import ResourceSpec
from pulumi_azureml.specs.common import WORKSPACE_PATH

_Result = TypeVar("_Result")


class Lifecycle:
    """The strategy interface, with what every strategy shares (the read)."""

    def create(self, operation: Operation) -> dict[str, Any]:
        raise NotImplementedError

    def update(self, operation: Operation, plan: DiffPlan, olds: dict[str, Any]) -> dict[str, Any] | None:
        """The resource after the write the plan needs; None when the plan needs no write."""
        raise NotImplementedError

    def delete(self, operation: Operation) -> None:
        raise NotImplementedError

    def read(self, operation: Operation) -> dict[str, Any] | None:
        """The resource as the service has it now; None when it is gone."""
        return operation.client.get_if_exists(
            operation.path, api_version=operation.api_version, action=operation.action
        )

    def resource_id(self, operation: Operation, body: dict[str, Any]) -> str:
        return str(body.get("id") or operation.path)

    def when_idle(
        self, operation: Operation, step: Step, send: Callable[[], _Result], *, done_if_gone: bool = False
    ) -> _Result | None:
        """``send`` a write, waiting out an operation the resource is already running (:mod:`arm.busy`)."""
        return write_when_idle(
            operation.client,
            operation.path,
            send,
            api_version=operation.api_version,
            action=operation.action,
            timeout=operation.timeout(step),
            done_if_gone=done_if_gone,
        )


class ArmResource(Lifecycle):
    def create(self, operation: Operation) -> dict[str, Any]:
        # The verb is the operation the user asked for: a failure here is a failed create, not a failed read.
        existing = self.read(operation)
        if existing is not None and ownership.is_failed_leftover(operation.spec, existing, operation.inputs):
            adoption.replace_failed_leftover(operation)
            existing = None
        if existing is not None:
            return adoption.take_over(operation, existing)
        request = bodies.put_body(operation.spec, operation.inputs, _workspace_defaults(operation))
        if operation.spec.before_create:
            operation.spec.before_create(operation.hooks("create"), request)
        try:
            return operation.client.put(
                operation.path,
                request,
                api_version=operation.api_version,
                action=operation.action,
                timeout=operation.timeout("create"),
                params=dict(operation.spec.put_params),
            )
        except OperationFailedError as failure:
            raise AzureMLError(adoption.clean_up_failed_create(operation, failure)) from None

    def update(self, operation: Operation, plan: DiffPlan, olds: dict[str, Any]) -> dict[str, Any] | None:
        spec, client = operation.spec, operation.client
        if plan.write == "PATCH":
            patchable = {name for name in plan.changed if plan.rules[name] == "patch"}
            request = bodies.patch_body(spec, operation.inputs, patchable)
            send = client.patch
        elif plan.write == "PUT":
            request = bodies.put_body(spec, operation.inputs, defaults=olds)
            if bodies.missing_server_values(spec, request):
                current = client.get(operation.path, api_version=operation.api_version, action=operation.action)
                bodies.carry_over_server_values(spec, request, current)
            send = client.put
        else:
            return None
        timeout = operation.timeout("update")
        return self.when_idle(
            operation,
            "update",
            lambda: send(
                operation.path,
                request,
                api_version=operation.api_version,
                action=operation.action,
                timeout=timeout,
                params=dict(spec.put_params) if plan.write == "PUT" else None,
            ),
        )

    def delete(self, operation: Operation) -> None:
        params = operation.delete_params(cleaning_up=False)
        timeout = operation.timeout("delete")
        self.when_idle(
            operation,
            "delete",
            lambda: operation.client.delete(
                operation.path,
                api_version=operation.api_version,
                action=operation.action,
                timeout=timeout,
                params=params,
            ),
            done_if_gone=True,
        )


def lifecycle_for(spec: ResourceSpec) -> Lifecycle:
    from pulumi_azureml.parent_property import ParentProperty

    return ParentProperty() if spec.parent_kind else ArmResource()


def _workspace_defaults(operation: Operation) -> dict[str, Any]:
    """The parent workspace's values for the fields the program left to it (its region: not the resource
    group's, azure-native's mistake). Read only when such a field is unset."""
    spec = operation.spec
    if all(operation.inputs.get(field_.name) for field_ in spec.workspace_defaulted_fields()):
        return {}
    workspace = operation.client.get(
        render_path(WORKSPACE_PATH, operation.inputs),
        api_version=operation.api_version,
        # Both names up front (issue 26: "creating compute: reading the workspace" named neither).
        action=f"{operation.action} {operation.name}: reading its workspace {operation.inputs.get('workspace_name')}",
    )
    return bodies.workspace_defaults(spec, workspace)
