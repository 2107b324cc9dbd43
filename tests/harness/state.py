"""The harness stack's state file: the resources, pending operations and stack outputs one run leaves for the next.

The layout follows the engine's checkpoint (``apitype.DeploymentV3``) where it matters to tests: resources in
dependency order with ``urn``, ``type``, ``custom``, ``delete``, ``id``, ``inputs``, ``outputs``, ``parent``,
``dependencies``, ``propertyDependencies``, ``additionalSecretOutputs``; ``pending_operations`` for provider calls a
run started but never finished; secrets stored encrypted (see :mod:`harness.cipher`). Writes are atomic
(temporary file + ``os.replace``) so a run killed at any point leaves a readable file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cipher import SecretsCipher
from .values import PropertyMap, strip_secrets

STATE_VERSION = 1
DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic"
"""Type tokens of Python dynamic resources start with this (pulumi/dynamic/dynamic.py, ``Resource.__init__``)."""


@dataclass
class ResourceState:
    """One resource as recorded in state. ``inputs``/``outputs`` hold secret wrappers where values are secret."""

    urn: str
    type: str
    custom: bool
    id: str = ""
    inputs: PropertyMap = field(default_factory=dict)
    outputs: PropertyMap = field(default_factory=dict)
    parent: str = ""
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    additional_secret_outputs: list[str] = field(default_factory=list)
    delete: bool = False
    """Pending deletion: the old half of a create-before-delete replacement, deleted at the end of the run or,
    if the run died first, at the start of the next one (the engine's ``Delete: true`` state)."""

    @property
    def name(self) -> str:
        """The logical name: the last URN component."""
        return self.urn.split("::")[-1]

    @property
    def is_dynamic(self) -> bool:
        """True for a Python dynamic resource, i.e. one the dynamic-provider host manages."""
        return self.custom and self.type.startswith(DYNAMIC_TYPE_PREFIX)

    def plain_inputs(self) -> PropertyMap:
        """Inputs with secrets unwrapped (what a provider receives)."""
        plain: PropertyMap = strip_secrets(self.inputs)
        return plain

    def plain_outputs(self) -> PropertyMap:
        """Outputs with secrets unwrapped (what a provider receives)."""
        plain: PropertyMap = strip_secrets(self.outputs)
        return plain

    def all_dependencies(self) -> set[str]:
        """URNs this resource depends on: parent, ``depends_on`` and property dependencies."""
        deps = set(self.dependencies)
        for urns in self.property_dependencies.values():
            deps.update(urns)
        if self.parent:
            deps.add(self.parent)
        return deps

    def to_json(self, cipher: SecretsCipher) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "custom": self.custom,
            "delete": self.delete,
            "id": self.id,
            "inputs": cipher.seal(self.inputs),
            "outputs": cipher.seal(self.outputs),
            "parent": self.parent,
            "dependencies": list(self.dependencies),
            "propertyDependencies": {k: list(v) for k, v in self.property_dependencies.items()},
            "additionalSecretOutputs": list(self.additional_secret_outputs),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], cipher: SecretsCipher) -> ResourceState:
        return cls(
            urn=data["urn"],
            type=data["type"],
            custom=bool(data.get("custom", True)),
            id=data.get("id", ""),
            inputs=cipher.unseal(data.get("inputs", {})),
            outputs=cipher.unseal(data.get("outputs", {})),
            parent=data.get("parent", ""),
            dependencies=list(data.get("dependencies", [])),
            property_dependencies={k: list(v) for k, v in data.get("propertyDependencies", {}).items()},
            additional_secret_outputs=list(data.get("additionalSecretOutputs", [])),
            delete=bool(data.get("delete", False)),
        )


@dataclass
class PendingOperation:
    """A provider call the run started and never saw finish (``creating``, ``updating``, ``deleting``)."""

    kind: str
    resource: ResourceState

    def to_json(self, cipher: SecretsCipher) -> dict[str, Any]:
        return {"type": self.kind, "resource": self.resource.to_json(cipher)}

    @classmethod
    def from_json(cls, data: dict[str, Any], cipher: SecretsCipher) -> PendingOperation:
        return cls(kind=data["type"], resource=ResourceState.from_json(data["resource"], cipher))


@dataclass
class StackState:
    """Everything a harness stack remembers between runs (decrypted, in memory)."""

    resources: list[ResourceState] = field(default_factory=list)
    pending_operations: list[PendingOperation] = field(default_factory=list)
    outputs: PropertyMap = field(default_factory=dict)

    def __iter__(self) -> Iterator[ResourceState]:
        return iter(self.resources)

    def find(self, name_or_urn: str) -> ResourceState:
        """The live (not pending-delete) resource with this URN or logical name; KeyError if absent."""
        for res in self.resources:
            if not res.delete and (res.urn == name_or_urn or res.name == name_or_urn):
                return res
        raise KeyError(name_or_urn)

    def names(self) -> list[str]:
        """Logical names of the live resources, in state order."""
        return [res.name for res in self.resources if not res.delete]

    @classmethod
    def load(cls, path: Path, cipher: SecretsCipher) -> StackState:
        """Read a state file; a missing file is an empty stack."""
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"{path}: unsupported harness state version {data.get('version')!r}")
        return cls(
            resources=[ResourceState.from_json(r, cipher) for r in data.get("resources", [])],
            pending_operations=[PendingOperation.from_json(p, cipher) for p in data.get("pending_operations", [])],
            outputs=cipher.unseal(data.get("outputs", {})),
        )

    def save(self, path: Path, cipher: SecretsCipher, *, stack: str, project: str) -> None:
        """Write atomically: a reader (or a run killed mid-write) sees the old file or the new one, never half."""
        data = {
            "version": STATE_VERSION,
            "stack": stack,
            "project": project,
            "secrets_provider": {"type": "harness-hmac-sha256", "key_file": path.name + ".key"},
            "resources": [r.to_json(cipher) for r in self.resources],
            "pending_operations": [p.to_json(cipher) for p in self.pending_operations],
            "outputs": cipher.seal(self.outputs),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=False)
                handle.write("\n")
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
