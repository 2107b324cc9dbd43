"""Tests of the engine-protocol harness itself, driven through the toy provider and the SDK's real host."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from harness import (
    CheckFailed,
    HostError,
    ProviderHost,
    SecretDecryptionError,
    SecretsCipher,
    Stack,
    deletion_order,
    is_secret,
    make_secret,
    make_urn,
    provider_property,
)
from harness.state import ResourceState
from harness.toy_provider import ToyDb, ToyProvider, ToyProviderNoDiff, ToyProviderPlainPickle, ToyThing

pytestmark = pytest.mark.timeout(60)

CONFIG = {"azureml:toyGreeting": "hello", "azureml:toyApiKey": "api-key-do-not-print"}
SECRET_KEYS = ["azureml:toyApiKey"]
PASSWORD = "hunter2-never-in-plaintext"
THING_URN = "urn:pulumi:dev::azureml-harness::pulumi-python:dynamic/toy:Thing::thing"


@pytest.fixture
def db(tmp_path: Path) -> ToyDb:
    return ToyDb(tmp_path / "toy-db.json")


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    return Stack(tmp_path / "state.json", CONFIG, SECRET_KEYS)


def thing_program(db: ToyDb, **args: Any) -> Callable[[], None]:
    """A program with one toy resource ``thing`` (name "a", size 2, secret password unless overridden)."""
    settings: dict[str, Any] = {"name": "a", "size": 2, **args}

    def program() -> None:
        # Outputs belong to the program's own event loop, so the secret is made inside the program.
        password: dict[str, Any] = {"password": pulumi.Output.secret(PASSWORD)} if "password" not in settings else {}
        thing = ToyThing("thing", db=str(db.path), **settings, **password)
        pulumi.export("token", thing.token)
        pulumi.export("password", thing.password)
        pulumi.export("size", thing.size)
        pulumi.export("greeting", thing.greeting)

    return program


# -- preview / up / diff outcomes ------------------------------------------------------------------------------


def test_preview_plans_a_create_without_calling_create(stack: Stack, db: ToyDb) -> None:
    result = stack.preview(thing_program(db))

    assert result.op("thing") == "create"
    assert result.host_started  # Check ran in the real host.
    assert "toy: create" not in result.host_output
    assert db.calls() == []
    assert not stack.state_path.exists()
    assert result.outputs["size"] == 2.0  # Preview outputs are the checked inputs.


def test_up_creates_and_records_the_resource(stack: Stack, db: ToyDb) -> None:
    result = stack.up(thing_program(db))

    assert result.op("thing") == "create"
    assert db.calls() == ["create:a"]
    [resource] = stack.state().resources
    assert resource.urn == THING_URN
    assert resource.type == "pulumi-python:dynamic/toy:Thing"
    assert resource.id in db.resources()
    assert resource.parent == "urn:pulumi:dev::azureml-harness::pulumi:pulumi:Stack::azureml-harness-dev"
    assert result.outputs["token"] == db.resources()[resource.id]["token"]


def test_second_up_is_same_without_create_or_update(stack: Stack, db: ToyDb) -> None:
    first = stack.up(thing_program(db))
    second = stack.up(thing_program(db))

    assert second.op("thing") == "same"
    assert second.step("thing").changes is False
    assert db.calls() == ["create:a"]
    assert "toy: " not in second.host_output
    assert second.outputs["token"] == first.outputs["token"]


def test_size_change_updates_in_place(stack: Stack, db: ToyDb) -> None:
    stack.up(thing_program(db))
    before = stack.state().find("thing")

    result = stack.up(thing_program(db, size=5))

    assert result.op("thing") == "update"
    assert db.calls() == ["create:a", "update:a"]
    after = stack.state().find("thing")
    assert after.id == before.id
    assert after.outputs["size"] == 5.0


@pytest.mark.parametrize(
    ("delete_first_input", "option", "expected_calls", "expected_dbr"),
    [
        (False, None, ["create:b", "delete:a"], False),
        (True, None, ["delete:a", "create:b"], True),
        (False, True, ["delete:a", "create:b"], True),  # The resource option overrides the provider.
    ],
    ids=["create-before-delete", "provider-asks-delete-first", "option-delete-before-replace"],
)
def test_name_change_replaces_in_the_order_asked_for(
    stack: Stack,
    db: ToyDb,
    delete_first_input: bool,
    option: bool | None,
    expected_calls: list[str],
    expected_dbr: bool,
) -> None:
    stack.up(thing_program(db, delete_first=delete_first_input))

    opts = pulumi.ResourceOptions(delete_before_replace=option) if option is not None else None
    result = stack.up(thing_program(db, name="b", delete_first=delete_first_input, opts=opts))

    step = result.step("thing")
    assert (step.op, step.replaces, step.delete_before_replace) == ("replace", ("name",), expected_dbr)
    assert db.calls() == ["create:a", *expected_calls]
    [resource] = stack.state().resources
    assert resource.outputs["name"] == "b"
    assert list(db.resources()) == [resource.id]


def test_unknown_diff_falls_back_to_the_engines_input_diff(stack: Stack, db: ToyDb) -> None:
    stack.up(thing_program(db, provider=ToyProviderNoDiff()))

    unchanged = stack.up(thing_program(db, provider=ToyProviderNoDiff()))
    changed = stack.up(thing_program(db, size=9, provider=ToyProviderNoDiff()))

    assert (unchanged.op("thing"), unchanged.step("thing").changes) == ("same", None)
    assert (changed.op("thing"), changed.step("thing").changes) == ("update", None)
    assert db.calls() == ["create:a", "update:a"]


def test_ignore_changes_keeps_the_old_input(stack: Stack, db: ToyDb) -> None:
    stack.up(thing_program(db))

    result = stack.up(thing_program(db, size=5, opts=pulumi.ResourceOptions(ignore_changes=["size"])))

    assert result.op("thing") == "same"
    assert stack.state().find("thing").inputs["size"] == 2.0


def test_removed_resource_is_deleted_by_up(stack: Stack, db: ToyDb) -> None:
    def two() -> None:
        ToyThing("thing", db=str(db.path), name="a", size=1)
        ToyThing("other", db=str(db.path), name="o", size=1)

    stack.up(two)
    result = stack.up(thing_program(db, size=1, password=None))

    assert result.ops() == {"thing": "same", "other": "delete"}
    # Independent registrations reach the engine in whatever order the SDK's executor threads deliver them.
    assert sorted(db.calls()[:2]) == ["create:a", "create:o"] and db.calls()[2:] == ["delete:o"]
    assert stack.state().names() == ["thing"]


def test_check_failures_raise_check_failed_and_nothing_is_created(stack: Stack, db: ToyDb) -> None:
    with pytest.raises(CheckFailed) as raised:
        stack.up(thing_program(db, size=-1))

    assert [prop for prop, _ in raised.value.failures] == ["size"]
    assert raised.value.urn == THING_URN
    assert db.calls() == []
    assert stack.state().resources == []


def test_provider_exception_becomes_host_error_carrying_the_traceback(stack: Stack, db: ToyDb) -> None:
    with pytest.raises(HostError) as raised:
        stack.up(thing_program(db, fail_create="boom-from-toy"))

    assert raised.value.method == "Create"
    assert not raised.value.host_gone
    assert "Traceback" in raised.value.details and "boom-from-toy" in raised.value.details
    state = stack.state()
    assert state.resources == [] and state.pending_operations == []  # A failed call is not an interrupted one.


# -- refresh and destroy ---------------------------------------------------------------------------------------


def test_refresh_surfaces_out_of_band_drift_in_the_next_preview(stack: Stack, db: ToyDb) -> None:
    stack.up(thing_program(db))
    resource_id = stack.state().find("thing").id
    db.edit(resource_id, size=7.0)
    assert stack.preview(thing_program(db)).op("thing") == "same"  # Not seen until refreshed.

    refreshed = stack.refresh()

    assert refreshed.op("thing") == "refresh-changed"
    resource = stack.state().find("thing")
    assert resource.outputs["size"] == 7.0
    assert resource.inputs["size"] == 7.0  # ReadResult.inputs replaced the stored inputs.
    assert is_secret(resource.outputs["token"]) and is_secret(resource.inputs["password"])
    drift = stack.preview(thing_program(db))
    assert (drift.op("thing"), drift.step("thing").changes) == ("update", True)


def test_refresh_drops_a_resource_read_back_with_an_empty_id(stack: Stack, db: ToyDb) -> None:
    stack.up(thing_program(db))
    db.put(stack.state().find("thing").id, None)

    refreshed = stack.refresh()

    assert refreshed.op("thing") == "refresh-deleted"
    assert stack.state().resources == []
    assert stack.up(thing_program(db)).op("thing") == "create"


def test_destroy_deletes_dependents_first_and_empties_the_state(stack: Stack, db: ToyDb) -> None:
    def program() -> None:
        base = ToyThing("base", db=str(db.path), name="base", size=1)
        ToyThing("child", db=str(db.path), name="child", size=base.size)
        ToyThing("loner", db=str(db.path), name="loner", size=1, opts=pulumi.ResourceOptions(depends_on=[base]))

    stack.up(program)
    state = stack.state()
    child = state.find("child")
    assert child.property_dependencies["size"] == [state.find("base").urn]
    assert state.find("loner").dependencies == [state.find("base").urn]
    created = state.names()  # "base" first; "child" and "loner" in whichever order they registered.

    result = stack.destroy()

    assert result.names("delete") == created[::-1]
    assert result.names("delete")[-1] == "base"
    assert db.calls()[3:] == [f"delete:{name}" for name in created[::-1]]
    assert stack.state().resources == [] and stack.state().outputs == {}
    assert db.resources() == {}


# -- secrets, config, numbers ----------------------------------------------------------------------------------


def test_secrets_are_encrypted_in_state_and_secret_in_the_program(stack: Stack, db: ToyDb) -> None:
    result = stack.up(thing_program(db))

    assert {"token", "password"} <= result.secret_outputs
    assert "size" not in result.secret_outputs
    token = result.outputs["token"]
    text = stack.state_text()
    resource = stack.state().find("thing")
    pickled_provider = resource.inputs["__provider"]["value"]
    for plaintext in (PASSWORD, token, pickled_provider, CONFIG["azureml:toyApiKey"]):
        assert plaintext not in text
    assert '"ciphertext"' in text
    # Outputs named like a secret input are secret; so are additional_secret_outputs; __provider is secret by
    # default in the SDK (serialize_as_secret_always).
    assert all(is_secret(resource.outputs[key]) for key in ("password", "token", "__provider"))
    assert not is_secret(resource.outputs["size"])
    assert PASSWORD not in result.host_output


def test_provider_pickle_stays_plain_when_the_provider_opts_out(stack: Stack, db: ToyDb) -> None:
    stack.up(thing_program(db, password=None, provider=ToyProviderPlainPickle()))

    resource = stack.state().find("thing")
    assert not is_secret(resource.inputs["__provider"])
    assert is_secret(resource.outputs["token"])


def test_cipher_rejects_another_stacks_key(tmp_path: Path) -> None:
    sealed = SecretsCipher.for_key_file(tmp_path / "one.key").seal({"v": make_secret("x")})

    with pytest.raises(SecretDecryptionError):
        SecretsCipher.for_key_file(tmp_path / "two.key").unseal(sealed)


def test_configure_gets_the_stack_config_with_secrets_decrypted(stack: Stack, db: ToyDb) -> None:
    result = stack.up(thing_program(db))

    resource = stack.state().find("thing")
    assert resource.outputs["greeting"] == "hello"
    assert resource.outputs["api_key_length"] == float(len(CONFIG["azureml:toyApiKey"]))
    assert result.outputs["greeting"] == "hello"
    assert CONFIG["azureml:toyApiKey"] not in result.host_output


def test_program_sees_stack_config_through_pulumi_config(stack: Stack) -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        config = pulumi.Config("azureml")
        seen["greeting"] = config.get("toyGreeting")
        pulumi.export("key", config.require_secret("toyApiKey"))

    result = stack.up(program)

    assert seen == {"greeting": "hello"}
    assert result.outputs["key"] == CONFIG["azureml:toyApiKey"] and "key" in result.secret_outputs
    assert not result.host_started  # No dynamic resource, no host.


def test_integers_reach_the_provider_as_floats(stack: Stack, db: ToyDb) -> None:
    result = stack.up(thing_program(db, size=3))

    [entry] = db.resources().values()
    assert entry["size_type"] == "float"
    assert "size=3.0" in result.host_output


# -- interruption, persistence ---------------------------------------------------------------------------------


def test_killed_host_mid_create_leaves_a_readable_state_with_a_pending_create(
    tmp_path: Path, stack: Stack, db: ToyDb
) -> None:
    stack.up(thing_program(db))

    def two(block: bool) -> Callable[[], None]:
        def program() -> None:
            thing_program(db)()
            ToyThing("slow", db=str(db.path), name="slow", size=1, block_create=block)

        return program

    run = stack.run_in_background("up", two(block=True))
    host = run.wait_for_host()
    assert host.wait_for_output("toy: create blocking", timeout=30)
    host.kill()
    with pytest.raises(HostError) as raised:
        run.result()
    assert raised.value.host_gone

    reopened = Stack(tmp_path / "state.json", CONFIG, SECRET_KEYS)
    state = reopened.state()
    assert state.names() == ["thing"]
    [pending] = state.pending_operations
    assert (pending.kind, pending.resource.name) == ("creating", "slow")
    json.loads(reopened.state_text())

    retried = reopened.up(two(block=False))
    assert retried.ops() == {"thing": "same", "slow": "create"}
    assert any("slow" in warning and "creating" in warning for warning in retried.warnings)
    reopened.refresh()
    assert reopened.state().pending_operations == []


def test_state_survives_across_stack_objects(tmp_path: Path, db: ToyDb) -> None:
    Stack(tmp_path / "state.json", CONFIG, SECRET_KEYS).up(thing_program(db))

    result = Stack(tmp_path / "state.json", CONFIG, SECRET_KEYS).up(thing_program(db))

    assert result.op("thing") == "same"
    assert db.calls() == ["create:a"]


# -- non-dynamic resources, program files ---------------------------------------------------------------------


def test_non_dynamic_resources_are_answered_by_the_mocks_and_recorded(stack: Stack, db: ToyDb) -> None:
    def program() -> None:
        group = pulumi.CustomResource("azure-native:resources:ResourceGroup", "rg", {"location": "westeurope"})
        ToyThing("thing", db=str(db.path), name=group.id, size=1)

    first = stack.up(program)
    second = stack.up(program)

    assert first.ops() == {"rg": "create", "thing": "create"}
    assert second.ops() == {"rg": "same", "thing": "same"}
    state = stack.state()
    group = state.find("rg")
    assert (group.id, group.outputs) == ("rg-id", {"location": "westeurope"})
    assert state.find("thing").property_dependencies["name"] == [group.urn]
    assert db.calls() == ["create:rg-id"]


def test_program_file_runs_as_main(tmp_path: Path, stack: Stack, db: ToyDb) -> None:
    program_dir = tmp_path / "project"
    program_dir.mkdir()
    (program_dir / "__main__.py").write_text(
        "import pulumi\n"
        "from harness.toy_provider import ToyThing\n"
        f"thing = ToyThing('thing', db={str(db.path)!r}, name='a', size=1)\n"
        "pulumi.export('size', thing.size)\n",
        encoding="utf-8",
    )

    result = stack.up(program_dir / "__main__.py")

    assert result.op("thing") == "create"
    assert result.outputs == {"size": 1.0}


# -- the host on its own ---------------------------------------------------------------------------------------


def test_host_runs_concurrent_creates_on_four_shared_threads(db: ToyDb) -> None:
    provider = provider_property(ToyProvider())
    with ProviderHost() as host:
        host.configure({})
        outcomes = host.create_many(
            [
                (
                    f"urn:pulumi:dev::p::pulumi-python:dynamic/toy:Thing::t{i}",
                    {
                        "__provider": provider,
                        "db": str(db.path),
                        "name": f"t{i}",
                        "size": 1,
                        "sleep": 0.5,
                    },
                )
                for i in range(8)
            ]
        )

    assert [outcome.error for outcome in outcomes] == [None] * 8
    peaks = [outcome.value.outputs["peak_in_flight"] for outcome in outcomes if outcome.value is not None]
    assert max(peaks) == 4.0
    assert len(db.resources()) == 8


def test_host_check_reports_failures_per_property(db: ToyDb) -> None:
    with ProviderHost() as host:
        host.configure(CONFIG, SECRET_KEYS)
        reply = host.check(
            "urn:pulumi:dev::p::pulumi-python:dynamic/toy:Thing::t",
            olds={},
            news={"__provider": provider_property(ToyProvider()), "db": str(db.path), "size": "big"},
        )

    assert sorted(prop for prop, _ in reply.failures) == ["name", "size"]
    assert reply.inputs["size"] == "big"


# -- pure helpers ------------------------------------------------------------------------------------------------


def test_urns_follow_the_engine_rule_for_parents() -> None:
    stack_urn = make_urn("dev", "p", "", "pulumi:pulumi:Stack", "p-dev")
    parent = make_urn("dev", "p", stack_urn, "my:comp:C", "c")
    child = make_urn("dev", "p", parent, "pulumi-python:dynamic:Resource", "r")

    assert parent == "urn:pulumi:dev::p::my:comp:C::c"
    assert child == "urn:pulumi:dev::p::my:comp:C$pulumi-python:dynamic:Resource::r"
    assert make_urn("dev", "p", child, "t:m:T", "g").split("::")[2] == "my:comp:C$pulumi-python:dynamic:Resource$t:m:T"


def test_deletion_order_puts_dependents_first() -> None:
    a = ResourceState(urn="u::a", type="t", custom=True)
    b = ResourceState(urn="u::b", type="t", custom=True, property_dependencies={"x": ["u::a"]})
    c = ResourceState(urn="u::c", type="t", custom=True)
    d = ResourceState(urn="u::d", type="t", custom=True, parent="u::b")

    assert [r.name for r in deletion_order([a, b, c, d])] == ["d", "c", "b", "a"]
    assert [r.name for r in deletion_order([b, a])] == ["b", "a"]
