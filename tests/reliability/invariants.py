"""The invariants every reliability suite checks after each step: no orphans, no duplicates, state matches Azure.

*Strict* invariants hold after a step that succeeded (or after the run that recovers from a failed one):

- every resource the emulator holds (besides the seeded resource group and workspace) is in state: no orphan;
- no two state entries name the same ARM resource, and every entry exists exactly once in the emulator;
- reading each entry back through a provider gives its id, ``Succeeded``, and no diff against the program;
- a default-deployment entry's routing is what the endpoint really routes to;
- state holds exactly what the program declares.

*Weak* invariants hold right after a step that failed: state entries still exist, and anything the emulator holds
that state does not is a leftover the next run will recognise as its own (it carries the ownership tag with the
program's marker), never a resource nobody can account for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.schema import get_path
from pulumi_azureml.specs import SPECS
from pulumi_azureml.specs.common import OWNERSHIP_TAG

from reliability.catalogue import Declared
from reliability.inprocess_engine import Entry, over_the_wire

# The emulator's record kinds of everything a spec manages (lower camel case of the spec's kind; a kind that is a
# property of a parent, such as a default deployment, has no record of its own and simply never matches).
MANAGED_KINDS = frozenset(kind[0].lower() + kind[1:] for kind in SPECS)


def held_resources(emulator: EmulatorServer, seeded: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """ARM id (lower case) → body of every Azure ML resource the emulator holds, seeded ones excluded."""
    skip = {identifier.lower() for identifier in seeded}
    held: dict[str, dict[str, Any]] = {}
    for record in emulator.state()["resources"]:
        identifier = str(record["id"]).lower()
        # A workspace's own default datastores come and go with it (issue 17): never a leak of their own.
        system = identifier.endswith(("/datastores/workspaceblobstore", "/datastores/workspacefilestore"))
        if record["kind"] in MANAGED_KINDS and identifier not in skip and not system:
            held[identifier] = dict(record["body"])
    return held


def seeded_ids(emulator: EmulatorServer) -> frozenset[str]:
    """What the emulator holds before a test starts (resource group and workspace), never counted as a leak."""
    return frozenset(str(record["id"]).lower() for record in emulator.state()["resources"])


def creation_times(emulator: EmulatorServer, seeded: Iterable[str] = ()) -> dict[str, str]:
    """ARM id → ``systemData.createdAt``: a resource deleted and created again gets a new one."""
    return {
        identifier: str(get_path(body, "systemData.createdAt") or get_path(body, "properties.createdOn") or "")
        for identifier, body in held_resources(emulator, seeded).items()
    }


def _arm_entries(entries: Iterable[Entry]) -> list[Entry]:
    """Entries that are ARM resources of their own (the default-deployment routing is a property of its endpoint)."""
    return [entry for entry in entries if not SPECS[entry.kind].parent_kind]


def weak_problems(
    emulator: EmulatorServer,
    entries: Iterable[Entry],
    program: Mapping[str, Declared],
    *,
    seeded: Iterable[str],
    deleted_out_of_band: Iterable[str] = (),
) -> list[str]:
    """Problems that must not exist even right after a failed step."""
    entries = list(entries)
    held = held_resources(emulator, seeded)
    state_ids = [entry.id.lower() for entry in _arm_entries(entries)]
    problems: list[str] = []
    if len(state_ids) != len(set(state_ids)):
        problems.append(f"duplicate ids in state: {sorted(state_ids)}")
    gone = {identifier.lower() for identifier in deleted_out_of_band}
    for identifier in state_ids:
        if identifier not in held and identifier not in gone:
            problems.append(f"state holds {identifier} but the emulator does not")
    markers = {str(declared.provider_inputs(name)["owner_marker"]) for name, declared in program.items()}
    for identifier, body in held.items():
        if identifier in state_ids:
            continue
        tag = (body.get("tags") or {}).get(OWNERSHIP_TAG)
        if tag not in markers:
            problems.append(f"orphan: {identifier} is in the emulator, not in state, and not ours (tag {tag!r})")
    return problems


def strict_problems(
    emulator: EmulatorServer,
    entries: Iterable[Entry],
    program: Mapping[str, Declared],
    names: Iterable[str],
    make_provider: Callable[[str], AzureMLProvider],
    *,
    seeded: Iterable[str],
) -> list[str]:
    """Problems after a step that succeeded; ``names`` are the logical names of ``entries`` (same order)."""
    entries = list(entries)
    names = list(names)
    held = held_resources(emulator, seeded)
    state_ids = [entry.id.lower() for entry in _arm_entries(entries)]
    problems: list[str] = []
    if len(state_ids) != len(set(state_ids)):
        problems.append(f"duplicate ids in state: {sorted(state_ids)}")
    for identifier in held:
        if identifier not in state_ids:
            problems.append(f"orphan: {identifier} is in the emulator but not in state")
    if sorted(names) != sorted(program):
        problems.append(f"state holds {sorted(names)}, the program declares {sorted(program)}")
    providers: dict[str, AzureMLProvider] = {}
    for name, entry in zip(names, entries, strict=True):
        provider = providers.setdefault(entry.kind, make_provider(entry.kind))
        read = provider.read(entry.id, over_the_wire(entry.outputs))
        if not read.id:
            problems.append(f"{name}: state holds {entry.id} but it does not exist")
            continue
        outputs = read.outs or {}
        if outputs.get("provisioning_state") not in (None, "Succeeded"):
            problems.append(f"{name}: provisioning_state is {outputs.get('provisioning_state')}")
        declared = program.get(name)
        if declared is not None:
            checked = provider.check({}, over_the_wire(declared.provider_inputs(name)))
            diff = provider.diff(read.id, over_the_wire(outputs), over_the_wire(checked.inputs))
            if diff.changes:
                problems.append(f"{name}: the emulator differs from the program (diff after read)")
        if SPECS[entry.kind].parent_kind:
            routed = outputs.get("deployment_name")
            wanted = entry.inputs.get("deployment_name")
            if str(routed).lower() != str(wanted).lower():
                problems.append(f"{name}: the endpoint routes to {routed!r}, state says {wanted!r}")
    return problems
