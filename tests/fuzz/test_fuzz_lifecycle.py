"""Hypothesis stateful testing: random create/update/refresh/delete sequences against the emulator (issue 14).

The machine plays the engine for every kind of its own (every spec that is not a parent's property, the workspace
aside: its soft-delete makes a name unusable for a while), each declared from its spec's ``sample_inputs`` under
the machine's own names, with every value crossing a Protobuf ``Struct`` as over gRPC, plus out-of-band deletes
made directly against the emulator. The resources the samples refer to (an endpoint, a model version...) are
created first. After every step: what the emulator holds under the machine's names is exactly what the model says
exists; a refresh of an untouched resource shows no drift; a deleted resource reads as gone; and nothing the
provider printed or raised holds a secret.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from pulumi_azureml.arm.ids import render_path
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.settings import Settings
from pulumi_azureml.specs import SPECS

from fuzz import profiles
from fuzz.strategies import struct_round_trip
from reliability.catalogue import (
    API_VERSION,
    LOCATION,
    PASSWORD,
    PRIMARY_KEY,
    RESOURCE_GROUP,
    SECONDARY_KEY,
    SUBSCRIPTION,
    WORKSPACE,
)
from reliability.conftest import TOKEN, stack_config

KINDS = sorted(kind for kind, spec in SPECS.items() if spec.parent_kind is None and kind != "Workspace")
NAMES = ["fza", "fzb"]
"""The machine's own names (valid for every kind); the samples' prerequisites use the samples' names."""
PLACEMENT = {"subscription_id": SUBSCRIPTION, "resource_group_name": RESOURCE_GROUP, "workspace_name": WORKSPACE}


def _sample_secrets() -> list[str]:
    """The secret values in the samples (a secret object's or map's members, or the value)."""
    found: list[str] = []
    for spec in SPECS.values():
        for name in spec.secret_input_names():
            value = (spec.sample_inputs or {}).get(name)
            if isinstance(value, dict):
                found += [str(item) for item in value.values()]
            elif value is not None:
                found.append(str(value))
    return found


SECRETS = (PASSWORD, PRIMARY_KEY, SECONDARY_KEY, TOKEN, *_sample_secrets())
_SERVER: list[EmulatorServer] = []
REQUESTS: list[int] = [0]
"""HTTP requests the machines sent to the emulator, for the README's figures."""


@pytest.fixture(scope="module", autouse=True)
def emulator_for_machines() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        _SERVER.append(server)
        yield server
        _SERVER.clear()


def declared(kind: str, name: str, version: int) -> dict[str, Any]:
    """The kind's sample under the machine's name; ``version`` changes its description and tags (in place for
    every kind: PUT or PATCH)."""
    inputs = dict(SPECS[kind].sample_inputs or {})
    changes = {"description": f"v{version}", "tags": {"rev": str(version % 2)}}
    return {**inputs, "name": name, **changes, "owner_marker": f"fuzz/dev/{name}"}


def arm_path(kind: str, name: str) -> str:
    return render_path(SPECS[kind].path, {**PLACEMENT, **declared(kind, name, 0)})


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.server = _SERVER[0]
        REQUESTS[0] += len(self.server.requests_log())
        self.server.reset()
        self.server.ensure_resource_group(SUBSCRIPTION, RESOURCE_GROUP, LOCATION)
        self.server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
        self.providers: dict[str, AzureMLProvider] = {}
        for kind in SPECS:
            provider = AzureMLProvider(kind)
            provider.use_settings(Settings(stack_config(self.server), environ={}))
            self.providers[kind] = provider
        self.state: dict[tuple[str, str], tuple[str, dict[str, Any], int]] = {}
        """(kind, name) → (id, outputs after the Struct round trip, version declared)."""
        self.printed = io.StringIO()
        self.touched: set[tuple[str, str]] = set()
        """Every (kind, name) the machine has created: the invariant looks at these."""
        self._make_prerequisites()

    def _make_prerequisites(self) -> None:
        """Every kind's sample, in whatever order their references allow (a deployment waits for its endpoint)."""
        pending = list(KINDS)
        while pending:
            made = []
            for kind in pending:
                news = struct_round_trip(dict(SPECS[kind].sample_inputs or {}))
                assert news is not None
                checked = self.providers[kind].check({}, news)
                assert checked.failures == [], (kind, checked.failures)
                try:
                    self._call(self.providers[kind].create, struct_round_trip(dict(checked.inputs)))
                except Exception:  # noqa: BLE001 - what it refers to is not made yet: next round
                    continue
                made.append(kind)
            assert made, f"the samples of {pending} cannot be created"
            pending = [kind for kind in pending if kind not in made]

    def teardown(self) -> None:
        REQUESTS[0] += len(self.server.requests_log())
        self.server.clear_requests_log()
        for secret in SECRETS:
            assert secret not in self.printed.getvalue()

    def _checked(self, kind: str, name: str, version: int) -> dict[str, Any]:
        news = struct_round_trip(declared(kind, name, version))
        assert news is not None
        result = self.providers[kind].check({}, news)
        assert result.failures == [], result.failures
        wire = struct_round_trip(dict(result.inputs))
        assert wire is not None
        return wire

    def _call(self, function: Any, *args: Any) -> Any:
        with contextlib.redirect_stdout(self.printed):
            return function(*args)

    @rule(kind=st.sampled_from(KINDS), data=st.data())
    def create(self, kind: str, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from([name for name in NAMES if (kind, name) not in self.state] or [""]))
        if not name:
            return
        inputs = self._checked(kind, name, 0)
        result = self._call(self.providers[kind].create, inputs)
        outputs = struct_round_trip(dict(result.outs))
        assert outputs is not None and result.id
        self.state[(kind, name)] = (result.id, outputs, 0)
        self.touched.add((kind, name))

    def _existing(self, data: st.DataObject) -> tuple[str, str] | None:
        if not self.state:
            return None
        return data.draw(st.sampled_from(sorted(self.state)))

    @precondition(lambda self: bool(self.state))
    @rule(data=st.data(), bump=st.integers(min_value=0, max_value=3))
    def update(self, data: st.DataObject, bump: int) -> None:
        key = self._existing(data)
        assert key is not None
        kind, name = key
        id_, outputs, version = self.state[key]
        news = self._checked(kind, name, version + bump)
        diff = self._call(self.providers[kind].diff, id_, outputs, news)
        if not diff.changes:
            assert bump == 0
            return
        assert not diff.replaces, diff.replaces
        result = self._call(self.providers[kind].update, id_, outputs, news)
        updated = struct_round_trip(dict(result.outs))
        assert updated is not None
        self.state[key] = (id_, updated, version + bump)

    @precondition(lambda self: bool(self.state))
    @rule(data=st.data())
    def refresh(self, data: st.DataObject) -> None:
        key = self._existing(data)
        assert key is not None
        kind, name = key
        id_, outputs, version = self.state[key]
        read = self._call(self.providers[kind].read, id_, outputs)
        assert read.id, f"{kind} {name} vanished"
        refreshed = struct_round_trip(dict(read.outs))
        assert refreshed is not None
        drift = self._call(self.providers[kind].diff, read.id, refreshed, self._checked(kind, name, version))
        assert not drift.changes, f"a refresh of untouched {kind} {name} shows drift"
        self.state[key] = (read.id, refreshed, version)

    @precondition(lambda self: bool(self.state))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        key = self._existing(data)
        assert key is not None
        kind, _ = key
        id_, outputs, _ = self.state.pop(key)
        self._call(self.providers[kind].delete, id_, outputs)
        assert self._call(self.providers[kind].read, id_, outputs).id == ""

    @precondition(lambda self: bool(self.state))
    @rule(data=st.data())
    def deleted_out_of_band(self, data: st.DataObject) -> None:
        key = self._existing(data)
        assert key is not None
        kind, name = key
        id_, outputs, _ = self.state.pop(key)
        url = f"{self.server.url}{arm_path(kind, name)}"
        params = {"api-version": API_VERSION}
        if SPECS[kind].delete_params is not None:  # e.g. a compute's underlyingResourceAction=Delete
            params.update(SPECS[kind].delete_params(declared(kind, name, 0), False))
        answer = requests.delete(url, params=params, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        assert answer.status_code in (200, 202, 204)
        assert self._call(self.providers[kind].read, id_, outputs).id == ""

    @invariant()
    def emulator_holds_exactly_the_model(self) -> None:
        for kind, name in sorted(self.touched):
            answer = requests.get(
                f"{self.server.url}{arm_path(kind, name)}",
                params={"api-version": API_VERSION},
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=10,
            )
            held = answer.status_code == 200
            assert held == ((kind, name) in self.state), (kind, name, answer.status_code)
            assert held or answer.status_code == 404, (kind, name, answer.status_code)


def test_lifecycle_sequences() -> None:
    run_state_machine_as_test(LifecycleMachine, settings=settings(profiles.default(12), stateful_step_count=10))


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_lifecycle_sequences_slow() -> None:
    REQUESTS[0] = 0
    run_state_machine_as_test(LifecycleMachine, settings=settings(profiles.slow(300), stateful_step_count=25))
    print(f"lifecycle machine: {REQUESTS[0]} HTTP requests to the emulator")
    assert REQUESTS[0] >= 10_000
