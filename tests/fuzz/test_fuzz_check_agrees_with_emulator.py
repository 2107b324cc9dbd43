"""Check agrees with the service (issue 23): what ``check`` accepts, the emulator accepts at create, for every kind.

The emulator answers as strictly as the service's reference and recordings (closed objects, types, enums), so an
input that passes check and is then refused with a 400 is a check gap: the user would learn of it only at
``pulumi up``, after a preview that said nothing. Inputs are each spec's ``sample_inputs`` (under each value of its
discriminator too) and the fuller declarations of the fuzz suite, changed one declared field at a time (top level,
nested objects, the first item of a list of objects) to each value of a fixed hostile-but-plausible set; every one
check accepts is created under a fresh name, then deleted. The one refusal check cannot foresee is a reference to
something that does not exist (a traffic split naming an absent deployment): check does no I/O.

Deterministic: the default run uses one value of each kind of mistake (:data:`CORE_VALUES`), ``slow`` all of them.
Found this way and fixed in the specs: a model flavor that is not a FlavorData object, an asset reference carrying
another type's member, and container_resource_requirements members the service does not know.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

import pytest

import pulumi_azureml.runtime as runtime_module
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.schema import Field, ResourceSpec
from pulumi_azureml.settings import Settings
from pulumi_azureml.specs import SPECS

from fuzz.strategies import EXTRA_BASES, struct_round_trip
from reliability.catalogue import LOCATION, RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE
from reliability.conftest import fast_client, stack_config

VALUES: list[Any] = [
    *("", " ", "x", "a" * 300, "UPPER", "with space", "\u00e9t\u00e9", "-1", "0", "null", "a/b", "https://x/y"),
    *("azureml:x:1", "PT5M"),
    *(0, -1, 1, 2**31 - 1, 2**31, 2**53, 100, 101, 1.5),
    *(True, False, {}, [], ["x"], {"k": "v"}, {"k": 1}, None),
]
CORE_VALUES: list[Any] = ["", " ", "UPPER", 2**31, 1.5, {}, ["x"], {"k": "v"}]
"""The default run's values: one of each kind of mistake (blank, case, past int32, fraction, wrong shape)."""
ABSENT_REFERENCE = "does not exist"
"""The emulator's words for a reference to something absent (check cannot know without a request)."""


def variants(spec: ResourceSpec) -> list[dict[str, Any]]:
    """The sample under each other value of the spec's discriminator (fields that do not apply dropped), so
    type-specific fields are swept too; a variant check refuses (a required type-specific field) sweeps nothing."""
    sample = dict(spec.sample_inputs or {})
    if spec.discriminator is None:
        return []
    found = []
    for choice in spec.field(spec.discriminator).choices:
        if choice == sample.get(spec.discriminator):
            continue
        found.append(
            {
                **{key: value for key, value in sample.items() if choice in (spec.field(key).applies_to or (choice,))},
                spec.discriminator: choice,
            }
        )
    return found


BASES: list[tuple[str, dict[str, Any]]] = [
    *((kind, dict(spec.sample_inputs or {})) for kind, spec in sorted(SPECS.items())),
    *((kind, variant) for kind, spec in sorted(SPECS.items()) for variant in variants(spec)),
    *EXTRA_BASES.values(),
]


def changes(spec: ResourceSpec, sample: dict[str, Any], values: list[Any]) -> list[dict[str, Any]]:
    """One declared field changed at a time, to each of ``values`` (and the field's choices in any case)."""
    found: list[dict[str, Any]] = []
    for field_ in spec.fields:
        if field_.wire is None:
            continue  # provider-side only (timeouts, adopt_existing...): never sent
        current = sample.get(field_.name)
        found += [{field_.name: value} for value in _values(field_, values)]
        if field_.type == "object":
            found += [{field_.name: n} for n in _nested(field_, current if isinstance(current, dict) else {}, values)]
        if field_.item is not None and field_.item.fields and isinstance(current, list) and current:
            first = current[0] if isinstance(current[0], dict) else {}
            found += [{field_.name: [nested]} for nested in _nested(field_.item, first, values)]
    return found


def _values(field_: Field, values: list[Any]) -> list[Any]:
    return [*values, *field_.choices, *(choice.lower() for choice in field_.choices)]


def _nested(field_: Field, current: dict[str, Any], values: list[Any], depth: int = 0) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for sub in field_.fields:
        found += [{**current, sub.name: value} for value in _values(sub, values)]
        if sub.type == "object" and sub.fields and depth == 0:
            inner = current.get(sub.name)
            inner = inner if isinstance(inner, dict) else {}
            found += [{**current, sub.name: nested} for nested in _nested(sub, inner, values, 1)]
    return found


class Sweep:
    """Providers on one emulator holding every kind's sample (the references the others make), and the sweep."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.providers = {kind: self._provider(kind) for kind in SPECS}
        self.accepted = 0
        self.created = 0

    def _provider(self, kind: str) -> AzureMLProvider:
        made = AzureMLProvider(kind)
        made.use_settings(Settings(stack_config(self.server), environ={}))
        return made

    def make_samples(self) -> None:
        """Create every sample, in whatever order their references allow (a kind waits for what it names)."""
        pending = [kind for kind, spec in sorted(SPECS.items()) if spec.parent_kind is None and kind != "Workspace"]
        while pending:
            progress = [kind for kind in pending if self.create(kind, dict(SPECS[kind].sample_inputs or {}), keep=True)]
            assert progress, f"the samples of {pending} cannot be created (their references never exist)"
            pending = [kind for kind in pending if kind not in progress]

    def create(self, kind: str, inputs: dict[str, Any], *, keep: bool = False) -> str:
        """ "" when check refuses or the create succeeds; else the service's refusal."""
        subject = self.providers[kind]
        wire = struct_round_trip({key: value for key, value in inputs.items() if value is not None})
        if wire is None:
            return ""
        checked = subject.check({}, wire)
        if checked.failures:
            return ""
        self.accepted += 1
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                result = subject.create(struct_round_trip(dict(checked.inputs)) or {})
            except Exception as error:  # noqa: BLE001 - the refusal is the finding
                return f"{type(error).__name__}: {error}"
            self.created += 1
            if not keep:
                subject.delete(result.id, struct_round_trip(dict(result.outs)) or {})
        return ""


@pytest.fixture(scope="module")
def sweep(monkeypatch_module: pytest.MonkeyPatch) -> Iterator[Sweep]:
    with EmulatorServer() as server:
        server.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
        server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
        client = fast_client(server)
        monkeypatch_module.setattr(runtime_module, "client_for", lambda settings: client)
        made = Sweep(server)
        with contextlib.redirect_stdout(io.StringIO()):
            made.make_samples()
        yield made


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def run(sweep: Sweep, index: int, values: list[Any]) -> None:
    kind, sample = BASES[index]
    spec = SPECS[kind]
    refused: list[str] = []
    for number, change in enumerate(changes(spec, sample, values)):
        inputs = {**sample, **change}
        if "name" in sample and "name" not in change and spec.parent_kind is None:
            inputs["name"] = f"z{index}x{number}a"  # a fresh resource (valid for every kind's name rule)
        outcome = sweep.create(kind, inputs)
        if outcome and ABSENT_REFERENCE not in outcome:
            refused.append(f"{change} -> {outcome[-300:]}")
    assert refused == [], f"{kind}: check accepted {len(refused)} inputs the service refuses:\n" + "\n".join(refused)


@pytest.mark.parametrize("index", range(len(BASES)), ids=[f"{kind}-{i}" for i, (kind, _) in enumerate(BASES)])
def test_what_check_accepts_the_service_accepts(sweep: Sweep, index: int) -> None:
    run(sweep, index, CORE_VALUES)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("index", range(len(BASES)), ids=[f"{kind}-{i}" for i, (kind, _) in enumerate(BASES)])
def test_what_check_accepts_the_service_accepts_slow(sweep: Sweep, index: int) -> None:
    run(sweep, index, VALUES)


def test_every_kind_is_swept() -> None:
    assert {kind for kind, _ in BASES} == set(SPECS)
    assert all(changes(SPECS[kind], sample, CORE_VALUES) for kind, sample in BASES)
