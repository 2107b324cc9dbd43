"""Play the Pulumi engine for one deployment: turn resource registrations into provider calls, steps and state.

The rules follow pkg/resource/deploy/step_generator.go (``generateSteps``, ``continueStepsFromDiff``,
``diffResource``, ``ScheduleDeletes``) and the provider plugin's secret handling
(sdk/go/common/resource/plugin/provider_plugin.go). Simplifications, all deliberate: resources are processed one at
a time in registration order (no parallel steps), no ``pulumi import``, ``protect``, ``replaceOnChanges``,
``retainOnDelete``, aliases or targets, and ``ignoreChanges`` on top-level property names only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime import mocks as sdk_mocks
from pulumi.runtime.proto import resource_pb2

from .host import HostError, ProviderHost
from .program import thread_event_loop
from .state import DYNAMIC_TYPE_PREFIX, PendingOperation, ResourceState, StackState
from .values import (
    PropertyMap,
    annotate_secrets,
    from_struct,
    mark_additional_secret_outputs,
    strip_secrets,
    to_struct,
)

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


class DeploymentError(Exception):
    """The harness refused a registration (duplicate URN, an earlier failure, an unmodelled feature)."""


class CheckFailed(DeploymentError):
    """The provider's Check returned failures; ``failures`` lists ``(property, reason)`` pairs."""

    def __init__(self, urn: str, failures: Sequence[tuple[str, str]]) -> None:
        self.urn = urn
        self.failures = list(failures)
        details = "; ".join(f"{prop or '<resource>'}: {reason}" for prop, reason in self.failures)
        super().__init__(f"resource {urn} is invalid: {details}")


@dataclass(frozen=True)
class Step:
    """What the deployment did (or, in preview, would do) to one resource.

    ``op`` is one of ``create``, ``update``, ``replace``, ``delete``, ``same``, ``read`` and, for refresh,
    ``refresh-changed`` / ``refresh-deleted``. ``changes`` is the provider's Diff answer (None when it said
    DIFF_UNKNOWN or was not asked); ``replaces`` the property names it blamed for a replacement.
    """

    urn: str
    type: str
    op: str
    replaces: tuple[str, ...] = ()
    changes: bool | None = None
    delete_before_replace: bool | None = None

    @property
    def name(self) -> str:
        return self.urn.split("::")[-1]


class EchoMocks(sdk_mocks.Mocks):
    """Default answers for non-dynamic resources: inputs echoed as outputs, id ``<name>-id``; calls return {}."""

    def new_resource(self, args: sdk_mocks.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: sdk_mocks.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


def make_urn(stack: str, project: str, parent_urn: str, type_: str, name: str) -> str:
    """URN as the engine builds it (``resource.NewURN``, sdk/go/common/resource/urn.go).

    The parent's full qualified type prefixes the child's type with ``$``, except when the parent is the root stack.
    (The SDK's MockMonitor.make_urn differs: it keeps only the last ``$`` segment and prefixes the root stack too.)
    """
    parent_type = parent_urn.split("::")[2] if parent_urn else ""
    qualified = f"{parent_type}${type_}" if parent_type and parent_type != ROOT_STACK_TYPE else type_
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def deletion_order(condemned: Sequence[ResourceState]) -> list[ResourceState]:
    """Order ``condemned`` (given in state order) so every resource goes before anything it depends on.

    Sequential form of ``stepGenerator.ScheduleDeletes``: a resource may be deleted once no other condemned resource
    depends on it (dependencies, property dependencies, parent); among those, the most recently created goes first.
    """
    remaining = list(condemned)
    order: list[ResourceState] = []
    while remaining:
        for candidate in reversed(remaining):
            if not any(candidate.urn in other.all_dependencies() for other in remaining if other is not candidate):
                break
        else:
            candidate = remaining[-1]  # A dependency cycle cannot come from a program; fall back to reverse order.
        order.append(candidate)
        _remove_identical(remaining, candidate)
    return order


def _remove_identical(items: list[Any], item: Any) -> None:
    # By identity: two ResourceState objects may compare equal (same URN and values) yet be different entries.
    for index, candidate in enumerate(items):
        if candidate is item:
            del items[index]
            return
    raise ValueError("item not in list")


def _apply_ignore_changes(news: PropertyMap, old_inputs: PropertyMap, ignore: Sequence[str]) -> PropertyMap:
    # processIgnoreChanges (step_generator.go), applied before Check: an ignored property keeps its old value.
    result = dict(news)
    for key in ignore:
        if key in old_inputs:
            result[key] = old_inputs[key]
        else:
            result.pop(key, None)
    return result


@dataclass(frozen=True)
class _Goal:
    """A resource registration, decoded."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    inputs: PropertyMap
    provider: str
    import_id: str
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    additional_secret_outputs: list[str] = field(default_factory=list)
    delete_before_replace: bool | None = None
    ignore_changes: list[str] = field(default_factory=list)

    @classmethod
    def from_request(cls, request: resource_pb2.RegisterResourceRequest, urn: str) -> _Goal:
        return cls(
            urn=urn,
            type=request.type,
            name=request.name,
            custom=request.custom,
            parent=request.parent,
            # Secret wrappers stay: the SDK marks secret inputs (and the pickled provider) on the wire.
            inputs=from_struct(request.object),
            provider=request.provider,
            import_id=request.importId,
            dependencies=list(request.dependencies),
            property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
            # additional_secret_outputs reaches the monitor only through the request; MockResourceArgs lacks it.
            additional_secret_outputs=list(request.additionalSecretOutputs),
            delete_before_replace=request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None,
            ignore_changes=list(request.ignoreChanges),
        )

    @property
    def is_dynamic(self) -> bool:
        return self.custom and self.type.startswith(DYNAMIC_TYPE_PREFIX)

    def state(self, id_: str, inputs: PropertyMap, outputs: PropertyMap) -> ResourceState:
        return ResourceState(
            urn=self.urn,
            type=self.type,
            custom=self.custom,
            id=id_,
            inputs=inputs,
            outputs=mark_additional_secret_outputs(outputs, self.additional_secret_outputs),
            parent=self.parent,
            dependencies=list(self.dependencies),
            property_dependencies={k: list(v) for k, v in self.property_dependencies.items()},
            additional_secret_outputs=list(self.additional_secret_outputs),
        )


class Deployment:
    """One run (preview, up, refresh or destroy) over a loaded state.

    The snapshot at any moment is: resources registered so far (registration order) followed by the prior
    resources not yet superseded. It is saved after every completed step and around every mutating provider call
    (with a pending operation while the call is in flight), as the engine's snapshot journal does; a preview saves
    nothing.
    """

    def __init__(
        self,
        *,
        stack: str,
        project: str,
        state: StackState,
        dry_run: bool,
        host_factory: Callable[[], ProviderHost],
        mocks: sdk_mocks.Mocks,
        save: Callable[[StackState], None] | None,
    ) -> None:
        self.stack = stack
        self.project = project
        self.dry_run = dry_run
        self.steps: list[Step] = []
        self.warnings: list[str] = [
            f"{op.resource.urn}: interrupted while {op.kind} in a previous run; its real state is unknown"
            for op in state.pending_operations
        ]
        self.error: BaseException | None = None
        self._host_factory = host_factory
        self._host: ProviderHost | None = None
        self._mocks = mocks
        self._save = save
        self._olds: list[ResourceState] = list(state.resources)
        self._news: dict[str, ResourceState] = {}
        self._pending: list[PendingOperation] = list(state.pending_operations)
        self._outputs: PropertyMap = dict(state.outputs)
        self._lock = threading.Lock()

    # -- plumbing --------------------------------------------------------------------------------------------------

    @property
    def host(self) -> ProviderHost:
        """The dynamic-provider host, started (and configured) on first use."""
        if self._host is None:
            self._host = self._host_factory()
        return self._host

    def snapshot(self) -> StackState:
        return StackState(
            resources=[*self._news.values(), *self._olds],
            pending_operations=list(self._pending),
            outputs=dict(self._outputs),
        )

    def _persist(self) -> None:
        if self._save is not None:
            self._save(self.snapshot())

    def _journaled(self, kind: str, resource: ResourceState, call: Callable[[], Any]) -> Any:
        """Run a mutating provider call with a pending operation recorded in state while it is in flight."""
        operation = PendingOperation(kind=kind, resource=resource)
        self._pending.append(operation)
        self._persist()
        try:
            result = call()
        except HostError as exc:
            if exc.host_gone:
                # The host died under the call: model an interrupted run, which leaves the pending operation in
                # state exactly as a killed CLI does (the engine clears it only when the call returns).
                raise
            _remove_identical(self._pending, operation)
            self._persist()
            raise
        except BaseException:
            _remove_identical(self._pending, operation)
            self._persist()
            raise
        _remove_identical(self._pending, operation)
        return result

    def _live_old(self, urn: str) -> ResourceState | None:
        for res in self._olds:
            if res.urn == urn and not res.delete:
                return res
        return None

    def _supersede(self, old: ResourceState | None, new: ResourceState) -> None:
        """``new`` takes ``old``'s place in the snapshot (saved unless this is a preview)."""
        if old is not None:
            _remove_identical(self._olds, old)
        self._news[new.urn] = new
        self._persist()

    # -- registrations (called on SDK executor threads via HarnessMonitor) ------------------------------------------

    def register(self, request: resource_pb2.RegisterResourceRequest) -> resource_pb2.RegisterResourceResponse:
        """Handle one RegisterResource: decide the step, call the provider, record state, answer the program."""
        with self._lock:
            if self.error is not None:
                raise DeploymentError(f"not registering {request.name}: the deployment already failed")
            try:
                urn = make_urn(self.stack, self.project, request.parent, request.type, request.name)
                if urn in self._news:
                    raise DeploymentError(f"duplicate resource URN {urn}")
                goal = _Goal.from_request(request, urn)
                old = self._live_old(urn)
                if goal.is_dynamic:
                    resource = self._register_dynamic(goal, old)
                else:
                    resource = self._register_plain(goal, old)
            except BaseException as exc:
                self.error = exc
                raise
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource.id, object=to_struct(resource.outputs))

    def _check(self, goal: _Goal, olds: PropertyMap, news: PropertyMap) -> PropertyMap:
        reply = self.host.check(goal.urn, olds=olds, news=strip_secrets(news))
        if reply.failures:
            raise CheckFailed(goal.urn, reply.failures)
        # Check results keep the secret-ness of the inputs they came from (provider_plugin.go, Check).
        return annotate_secrets(reply.inputs, news)

    def _register_dynamic(self, goal: _Goal, old: ResourceState | None) -> ResourceState:
        news = goal.inputs
        if old is not None and goal.ignore_changes:
            news = _apply_ignore_changes(news, old.inputs, goal.ignore_changes)
        inputs = self._check(goal, old.plain_inputs() if old is not None else {}, news)

        if old is None:
            self.steps.append(Step(goal.urn, goal.type, "create"))
            return self._create(goal, inputs, old=None)

        # Diff gets the prior *outputs* as olds (the host passes request.olds to provider.diff).
        diff = self.host.diff(
            goal.urn, old.id, olds=old.plain_outputs(), news=strip_secrets(inputs), old_inputs=old.plain_inputs()
        )
        changes = diff.changes
        if changes is None:
            # DIFF_UNKNOWN: the engine diffs old and new inputs itself, __provider included (diffResource).
            changes = old.inputs != inputs

        if not changes:
            self.steps.append(Step(goal.urn, goal.type, "same", changes=diff.changes))
            # A same step keeps the prior outputs and id but records the new inputs (NewSameStep).
            same = goal.state(old.id, inputs, old.outputs)
            self._supersede(old, same)
            return same

        if diff.replaces:
            # Replacing recomputes defaults: Check again without the old inputs (continueStepsFromDiff).
            inputs = self._check(goal, {}, news)
            delete_first = diff.delete_before_replace
            if goal.delete_before_replace is not None:
                delete_first = goal.delete_before_replace  # The resource option overrides the provider.
            self.steps.append(
                Step(
                    goal.urn,
                    goal.type,
                    "replace",
                    replaces=diff.replaces,
                    changes=diff.changes,
                    delete_before_replace=delete_first,
                )
            )
            if self.dry_run:
                return self._create(goal, inputs, old=old)
            if delete_first:
                self._delete(old)
                return self._create(goal, inputs, old=None)
            replacement = self._create(goal, inputs, old=None)
            # Create-before-delete: the old resource stays in state marked for deletion; it is deleted after all
            # registrations ("the delete step is generated later on", continueStepsFromDiff).
            old.delete = True
            self._persist()
            return replacement

        self.steps.append(Step(goal.urn, goal.type, "update", changes=diff.changes))
        if self.dry_run:
            # Like a preview Create, a preview Update is answered with the inputs (provider_plugin.go, Update).
            updated = goal.state(old.id, inputs, inputs)
            self._supersede(old, updated)
            return updated
        outs = self._journaled(
            "updating",
            goal.state(old.id, inputs, old.outputs),
            lambda: self.host.update(
                goal.urn, old.id, olds=old.plain_outputs(), news=strip_secrets(inputs), old_inputs=old.plain_inputs()
            ),
        )
        updated = goal.state(old.id, inputs, annotate_secrets(outs, inputs))
        self._supersede(old, updated)
        return updated

    def _create(self, goal: _Goal, inputs: PropertyMap, *, old: ResourceState | None) -> ResourceState:
        if self.dry_run:
            # The plugin layer answers a preview Create itself with the inputs, because the dynamic host does not
            # declare supportsPreview (provider_plugin.go, Create); the id stays unknown ("").
            planned = goal.state("", inputs, inputs)
            self._supersede(old, planned)
            return planned
        reply = self._journaled(
            "creating", goal.state("", inputs, {}), lambda: self.host.create(goal.urn, strip_secrets(inputs))
        )
        created = goal.state(reply.id, inputs, annotate_secrets(reply.outputs, inputs))
        self._supersede(old, created)
        return created

    def _register_plain(self, goal: _Goal, old: ResourceState | None) -> ResourceState:
        """Non-dynamic resources: components are recorded as-is, custom ones answered by the Mocks."""
        op = "create" if old is None else "same" if old.inputs == goal.inputs else "update"
        if not goal.custom:
            resource = goal.state("", goal.inputs, {})
        elif op == "same":
            assert old is not None
            resource = goal.state(old.id, goal.inputs, old.outputs)
        else:
            mock_id, mock_outputs = self._mocks.new_resource(
                sdk_mocks.MockResourceArgs(
                    typ=goal.type,
                    name=goal.name,
                    inputs=goal.inputs,
                    provider=goal.provider,
                    resource_id=goal.import_id,
                    custom=True,
                )
            )
            if old is not None:
                id_ = old.id
            else:
                id_ = "" if self.dry_run else mock_id or ""
            resource = goal.state(id_, goal.inputs, annotate_secrets(dict(mock_outputs), goal.inputs))
        self.steps.append(Step(goal.urn, goal.type, op))
        self._supersede(old, resource)
        return resource

    def read_resource(self, request: resource_pb2.ReadResourceRequest) -> resource_pb2.ReadResourceResponse:
        """``Resource.get`` of a non-dynamic resource: answered by the Mocks, reported as a ``read`` step."""
        with self._lock:
            urn = make_urn(self.stack, self.project, request.parent, request.type, request.name)
            if request.type.startswith(DYNAMIC_TYPE_PREFIX):
                raise DeploymentError(f"{urn}: reading dynamic resources (Resource.get) is not modelled")
            _, state = self._mocks.new_resource(
                sdk_mocks.MockResourceArgs(
                    typ=request.type,
                    name=request.name,
                    inputs=from_struct(request.properties),
                    provider=request.provider,
                    resource_id=request.id,
                )
            )
            self.steps.append(Step(urn, request.type, "read"))
        return resource_pb2.ReadResourceResponse(urn=urn, properties=to_struct(dict(state)))

    # -- whole-stack phases ----------------------------------------------------------------------------------------

    def delete_pending_from_previous_run(self) -> None:
        """Delete resources a previous run left marked for deletion (GeneratePendingDeletes, at deployment start)."""
        for res in deletion_order([r for r in self._olds if r.delete]):
            self.steps.append(Step(res.urn, res.type, "delete"))
            if not self.dry_run:
                self._delete(res)

    def finish_up(self, outputs: Mapping[str, Any]) -> None:
        """After the program: delete what it no longer declares, plus replaced resources; record stack outputs."""
        for res in deletion_order(list(self._olds)):
            if not res.delete:
                # Replaced (create-before-delete) resources are part of their "replace" step, not a step of their own.
                self.steps.append(Step(res.urn, res.type, "delete"))
            if not self.dry_run:
                self._delete(res)
        self._outputs = dict(outputs)
        self._persist()

    def _delete(self, res: ResourceState) -> None:
        if res.is_dynamic:
            self._journaled(
                "deleting",
                res,
                lambda: self.host.delete(res.urn, res.id, res.plain_outputs(), old_inputs=res.plain_inputs()),
            )
        _remove_identical(self._olds, res)
        self._persist()

    def destroy_all(self) -> None:
        """Delete every resource in state, dependents first."""
        for res in deletion_order(list(self._olds)):
            self.steps.append(Step(res.urn, res.type, "delete"))
            self._delete(res)
        self._outputs = {}
        self._persist()

    def refresh_all(self) -> None:
        """Read every dynamic resource back from its provider and store what it reports.

        An empty id drops the resource; new outputs keep the secret-ness of the old ones (provider_plugin.go, Read)
        plus ``additional_secret_outputs``; ``ReadResult.inputs`` replaces the stored inputs. Whether the step counts
        as a change is the provider's Diff of the refreshed state against the old inputs, as in the engine (checked
        against the real CLI: an output the service fills in later is not drift). Pending operations are cleared,
        as `pulumi refresh --clear-pending-creates` does.
        """
        for res in list(self._olds):
            if not res.is_dynamic:
                self.steps.append(Step(res.urn, res.type, "same"))
                continue
            reply = self.host.read(res.urn, res.id, res.plain_outputs(), res.plain_inputs())
            if not reply.id:
                self.steps.append(Step(res.urn, res.type, "refresh-deleted", changes=True))
                _remove_identical(self._olds, res)
                self._persist()
                continue
            outputs = mark_additional_secret_outputs(
                annotate_secrets(reply.outputs, res.outputs), res.additional_secret_outputs
            )
            inputs = annotate_secrets(reply.inputs, res.inputs) if reply.inputs is not None else res.inputs
            # The engine decides "changed" as the diff a no-change `up` right after this refresh would show, asked of
            # the provider with the refreshed state as the olds and the old inputs as the news (step.go,
            # RefreshStep.Apply); an output-only difference the provider does not count is no change.
            refreshed_inputs = reply.inputs if reply.inputs is not None else res.plain_inputs()
            verdict = self.host.diff(res.urn, reply.id, reply.outputs, res.plain_inputs(), refreshed_inputs)
            if verdict.changes is None:
                changed = strip_secrets(inputs) != strip_secrets(res.inputs)
            else:
                changed = verdict.changes
            res.id, res.outputs, res.inputs = reply.id, outputs, inputs
            self.steps.append(Step(res.urn, res.type, "refresh-changed" if changed else "same", changes=changed))
            self._persist()
        self._pending.clear()
        self._persist()


class HarnessMonitor(sdk_mocks.MockMonitor):
    """The SDK's mock resource monitor, with registrations forwarded to a :class:`Deployment`.

    Subclassing MockMonitor (passed to ``set_mocks(monitor=...)``) is what gives access to the whole
    RegisterResourceRequest: ``Mocks.new_resource`` only sees MockResourceArgs, which carry neither
    ``additionalSecretOutputs`` nor dependencies nor ``deleteBeforeReplace``.
    """

    def __init__(self, mocks: sdk_mocks.Mocks, deployment: Deployment) -> None:
        super().__init__(mocks)
        self._deployment = deployment

    def RegisterResource(self, request: resource_pb2.RegisterResourceRequest) -> Any:
        if request.type == ROOT_STACK_TYPE:
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]  # untyped SDK class
        with thread_event_loop():
            return self._deployment.register(request)

    def ReadResource(self, request: resource_pb2.ReadResourceRequest) -> Any:
        with thread_event_loop():
            return self._deployment.read_resource(request)

    def Invoke(self, request: resource_pb2.ResourceInvokeRequest) -> Any:
        with thread_event_loop():
            return super().Invoke(request)  # type: ignore[no-untyped-call]  # untyped SDK class
