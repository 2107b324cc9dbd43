"""Turn the catalogue's declarations into real Pulumi programs for the harness, and harness state back into entries.

Programs declare the package's own resource classes, so everything a user's ``pulumi up`` does happens: the owner
marker and secret wrapping in ``prepare``, the pickled ``__provider``, the SDK's dynamic-provider host. Each resource
depends on every resource declared before it, so the harness registers them in program order and deletes them in
reverse (it delivers independent registrations in any order).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi

import pulumi_azureml as azureml
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.specs import SPECS

from harness import Stack
from harness.values import strip_secrets
from reliability.catalogue import PROJECT, STACK, Declared
from reliability.conftest import stack_config
from reliability.inprocess_engine import Entry

# Every kind the package declares, by its spec name (a new kind joins without an edit here).
RESOURCE_CLASSES: dict[str, Callable[..., pulumi.CustomResource]] = {kind: getattr(azureml, kind) for kind in SPECS}


def program_of(declared: Mapping[str, Declared], exports: Callable[[dict[str, Any]], None] | None = None) -> Any:
    """A program declaring ``declared`` in order; ``exports`` may ``pulumi.export`` from the created resources."""
    items = dict(declared)

    def program() -> None:
        created: dict[str, Any] = {}
        for name, item in items.items():
            options = pulumi.ResourceOptions(depends_on=list(created.values()))
            created[name] = RESOURCE_CLASSES[item.kind](name, opts=options, **item.inputs)
        if exports is not None:
            exports(created)

    return program


def host_stack(tmp_path: Path, emulator: EmulatorServer, **config: str) -> Stack:
    """A harness stack in this suite's project and stack name (so owner markers match the catalogue's)."""
    return Stack(
        tmp_path / "state.json",
        stack_config(emulator, **config),
        secret_config_keys=("azureml:accessToken",),
        project=PROJECT,
        stack_name=STACK,
    )


def kind_of(resource_type: str) -> str:
    """``pulumi-python:dynamic/azureml:Compute`` → ``Compute``."""
    return resource_type.rsplit(":", 1)[-1]


def state_entries(stack: Stack) -> tuple[list[str], list[Entry]]:
    """(logical names, entries) of the dynamic resources in the stack's state, pending deletions included."""
    names: list[str] = []
    entries: list[Entry] = []
    for resource in stack.state().resources:
        if not resource.is_dynamic:
            continue
        names.append(resource.name)
        entries.append(
            Entry(
                kind_of(resource.type),
                resource.id,
                strip_secrets(resource.inputs),
                strip_secrets(resource.outputs),
            )
        )
    return names, entries
