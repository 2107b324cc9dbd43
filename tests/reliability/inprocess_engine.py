"""A small in-process stand-in for the Pulumi engine, driving provider objects directly (fast; no host process).

It applies the engine's step rules that matter for reliability (the harness models the full set through the real
host, see tests/harness/README.md): Check, then Diff against the prior *outputs*; create, update, or replace in
the order the provider asks for; resources no longer declared are deleted, newest first; a step that raises leaves
state as the engine would (a failed create records nothing, a failed update keeps the old outputs, a
delete-before-replace whose create fails has already lost the old resource). Values cross a Protobuf ``Struct``
between engine and provider, as they do over gRPC, so numbers arrive as floats and ``None`` values vanish.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_azureml.provider import AzureMLProvider

from harness.values import from_struct, to_struct
from reliability.catalogue import Declared


def over_the_wire(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` as the other side of a gRPC call sees them."""
    result: dict[str, Any] = from_struct(to_struct(values))
    return result


class CheckRefused(Exception):
    """Check returned failures; nothing was sent to Azure."""

    def __init__(self, name: str, failures: list[tuple[str, str]]) -> None:
        super().__init__(f"{name}: " + "; ".join(f"{prop}: {reason}" for prop, reason in failures))
        self.failures = failures


@dataclass
class Entry:
    """One resource in the engine's state."""

    kind: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass
class InProcessEngine:
    """State plus the verbs ``up``, ``refresh`` and ``destroy`` over provider objects made by ``make_provider``."""

    make_provider: Callable[[str], AzureMLProvider]
    state: dict[str, Entry] = field(default_factory=dict)
    pending_deletes: list[Entry] = field(default_factory=list)
    """Old halves of create-before-delete replacements not deleted yet (the engine's ``delete: true`` entries)."""
    steps: list[tuple[str, str]] = field(default_factory=list)
    """(logical name, op) of every step taken, for reports."""
    _providers: dict[str, AzureMLProvider] = field(default_factory=dict)

    def provider(self, kind: str) -> AzureMLProvider:
        if kind not in self._providers:
            self._providers[kind] = self.make_provider(kind)
        return self._providers[kind]

    def checked(self, name: str, declared: Declared) -> dict[str, Any]:
        result = self.provider(declared.kind).check({}, over_the_wire(declared.provider_inputs(name)))
        if result.failures:
            raise CheckRefused(name, [(failure.property, failure.reason) for failure in result.failures])
        return over_the_wire(result.inputs)

    # -- verbs ----------------------------------------------------------------------------------------------------

    def up(self, program: Mapping[str, Declared]) -> None:
        """Make Azure match ``program`` (declaration order is dependency order), then delete what it dropped."""
        self._delete_pending()
        for name, declared in program.items():
            self._register(name, declared)
        for name in reversed(list(self.state)):
            if name not in program:
                self._delete(name)

    def refresh(self) -> None:
        for name in list(self.state):
            entry = self.state[name]
            result = self.provider(entry.kind).read(entry.id, over_the_wire(entry.outputs))
            if not result.id:
                self.steps.append((name, "refresh-deleted"))
                del self.state[name]
                continue
            self.steps.append((name, "refresh"))
            inputs = over_the_wire(result.inputs) if result.inputs is not None else entry.inputs
            self.state[name] = Entry(entry.kind, result.id, inputs, over_the_wire(result.outs or {}))

    def destroy(self) -> None:
        self._delete_pending()
        for name in reversed(list(self.state)):
            self._delete(name)

    # -- steps ----------------------------------------------------------------------------------------------------

    def _register(self, name: str, declared: Declared) -> None:
        inputs = self.checked(name, declared)
        old = self.state.get(name)
        if old is None:
            self._create(name, declared.kind, inputs)
            return
        provider = self.provider(declared.kind)
        diff = provider.diff(old.id, over_the_wire(old.outputs), inputs)
        if not diff.changes:
            self.state[name] = Entry(old.kind, old.id, inputs, old.outputs)
            return
        if diff.replaces:
            self.steps.append((name, "replace"))
            if diff.delete_before_replace:
                self._delete(name)
                self._create(name, declared.kind, inputs)
            else:
                self._create(name, declared.kind, inputs)
                self.pending_deletes.append(old)
                self._delete_pending()
            return
        self.steps.append((name, "update"))
        result = provider.update(old.id, over_the_wire(old.outputs), inputs)
        self.state[name] = Entry(old.kind, old.id, inputs, over_the_wire(result.outs or {}))

    def _create(self, name: str, kind: str, inputs: dict[str, Any]) -> None:
        self.steps.append((name, "create"))
        result = self.provider(kind).create(dict(inputs))
        self.state[name] = Entry(kind, result.id, inputs, over_the_wire(result.outs or {}))

    def _delete_pending(self) -> None:
        while self.pending_deletes:
            old = self.pending_deletes[0]
            self.steps.append(("<replaced>", "delete"))
            self.provider(old.kind).delete(old.id, over_the_wire(old.outputs))
            self.pending_deletes.pop(0)

    def entries(self) -> list[Entry]:
        """Everything state holds, pending deletions included."""
        return [*self.state.values(), *self.pending_deletes]

    def _delete(self, name: str) -> None:
        entry = self.state[name]
        self.steps.append((name, "delete"))
        self.provider(entry.kind).delete(entry.id, over_the_wire(entry.outputs))
        del self.state[name]
