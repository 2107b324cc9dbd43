"""The provider plugin's protocol methods against the emulator, called as the SDK's server calls them (issue 25).

No CLI here (tests/e2e/test_plugin_yaml.py runs the real one): these pin the translation layer — names, secrets,
unknowns, import from an ARM id, detailed diffs, previews that keep what an in-place update keeps, customTimeouts,
one-line errors, provider config with secrets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from pulumi.provider.experimental import provider as protocol
from pulumi.provider.experimental.property_value import Computed, PropertyValue

from pulumi_azureml import plugin
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider
from pulumi_azureml.schema import UNKNOWN
from pulumi_azureml.specs import SPECS

from support.emulators import Placement, seeded_emulator, stack_config

PLACEMENT = Placement(
    subscription="00000000-0000-0000-0000-0000000000a1",
    resource_group="rg-plugin",
    workspace="mlw-plugin",
    location="eastus",
    token="plugin-static-token",
)
COMPUTE = "azureml:index:Compute"
URN = f"urn:pulumi:dev::proj::{COMPUTE}::cluster"
COMPUTE_ID = (
    f"/subscriptions/{PLACEMENT.subscription}/resourceGroups/{PLACEMENT.resource_group}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{PLACEMENT.workspace}/computes/cluster"
)


def pv(value: Any, secret: bool = False) -> PropertyValue:
    if isinstance(value, Mapping):
        return PropertyValue({key: pv(item) for key, item in value.items()}, is_secret=secret)
    if isinstance(value, list):
        return PropertyValue([pv(item) for item in value], is_secret=secret)
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value), is_secret=secret)
    return PropertyValue(value, is_secret=secret)


def plain(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    def unwrap(value: PropertyValue) -> Any:
        raw = value.value
        if isinstance(raw, Mapping):
            return {key: unwrap(item) for key, item in raw.items()}
        if isinstance(raw, tuple):
            return [unwrap(item) for item in raw]
        return raw

    return {key: unwrap(value) for key, value in props.items()}


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with seeded_emulator(PLACEMENT) as server:
        yield server


@pytest.fixture
def configured(emulator: EmulatorServer) -> plugin.AzureMLPlugin:
    provider = plugin.AzureMLPlugin(workers=2)
    config = {key.removeprefix("azureml:"): value for key, value in stack_config(emulator, PLACEMENT).items()}
    args = {key: pv(value, secret=key == "accessToken") for key, value in config.items()}
    answer = run(provider.configure(protocol.ConfigureRequest({}, args, True, True)))
    assert answer.accept_secrets and answer.supports_preview
    return provider


CLUSTER = {"computeType": "AmlCompute", "vmSize": "STANDARD_DS3_V2", "scaleSettings": {"maxNodeCount": 2}}


def check(provider: plugin.AzureMLPlugin, news: dict[str, Any], olds: dict[str, Any] | None = None) -> Any:
    return run(
        provider.check(
            protocol.CheckRequest(
                URN, {k: pv(v) for k, v in (olds or {}).items()}, {k: pv(v) for k, v in news.items()}, b""
            )
        )
    )


def create(provider: plugin.AzureMLPlugin, inputs: Mapping[str, PropertyValue], timeout: float = 0) -> Any:
    return run(provider.create(protocol.CreateRequest(URN, dict(inputs), timeout, False)))


def test_names_convert_both_ways_with_map_keys_untouched_and_secrets_marked() -> None:
    spec = SPECS["Compute"]
    core = plugin.to_core(
        spec,
        {
            "scaleSettings": pv({"maxNodeCount": 2, "minNodeCount": 0}),
            "tags": pv({"costCenter": "1"}),
            "userAccountCredentials": pv({"adminUserName": "me", "adminUserPassword": "pw"}, secret=True),
            "vmSize": PropertyValue(Computed()),
        },
    )
    assert core == {
        "scale_settings": {"max_node_count": 2.0, "min_node_count": 0.0},
        "tags": {"costCenter": "1"},
        "user_account_credentials": {"admin_user_name": "me", "admin_user_password": "pw"},
        "vm_size": UNKNOWN,
    }
    back = plugin.to_engine(spec, core)
    assert plain(back)["scaleSettings"] == {"maxNodeCount": 2.0, "minNodeCount": 0.0}
    assert plain(back)["tags"] == {"costCenter": "1"}
    assert back["userAccountCredentials"].is_secret and not back["scaleSettings"].is_secret
    assert back["vmSize"].value == UNKNOWN  # the wire's unknown marker (the SDK cannot marshal its Computed)


def test_placement_comes_from_an_arm_id_by_the_spec_path() -> None:
    assert plugin.placement_from_id(SPECS["Compute"], COMPUTE_ID) == {
        "subscription_id": PLACEMENT.subscription,
        "resource_group_name": PLACEMENT.resource_group,
        "workspace_name": PLACEMENT.workspace,
        "name": "cluster",
    }
    with pytest.raises(ValueError, match="is not the ARM id of a batch endpoint"):
        plugin.placement_from_id(SPECS["BatchEndpoint"], COMPUTE_ID)


def test_check_defaults_the_name_from_the_urn_and_names_failures_in_camel_case(
    configured: plugin.AzureMLPlugin,
) -> None:
    checked = check(configured, CLUSTER)
    assert not checked.failures
    inputs = plain(checked.inputs)
    assert inputs["name"] == "cluster" and inputs["ownerMarker"] == "proj/dev/cluster"
    failed = check(configured, {**CLUSTER, "scaleSettings": {"maxNodeCount": 1, "minNodeCount": 3}})
    assert [failure.property for failure in failed.failures] == ["scaleSettings"]


def test_create_read_diff_update_delete_through_the_core(configured: plugin.AzureMLPlugin) -> None:
    checked = check(configured, CLUSTER).inputs
    created = create(configured, checked)
    assert created.resource_id == COMPUTE_ID
    state = created.properties
    assert plain(state)["armId"] == COMPUTE_ID

    same = run(configured.diff(protocol.DiffRequest(URN, COMPUTE_ID, state, checked, [])))
    assert same.changes is False and not same.detailed_diff

    wider = check(configured, {**CLUSTER, "scaleSettings": {"maxNodeCount": 3}}, plain(checked)).inputs
    diff = run(configured.diff(protocol.DiffRequest(URN, COMPUTE_ID, state, wider, [])))
    assert diff.changes is True and diff.replaces == []
    assert diff.detailed_diff["scaleSettings"].kind == protocol.PropertyDiffKind.UPDATE
    assert "armId" in diff.stables and "vmSize" in diff.stables and "scaleSettings" not in diff.stables

    preview = run(configured.update(protocol.UpdateRequest(URN, COMPUTE_ID, state, wider, 0, [], True)))
    previewed = plain(preview.properties)
    assert previewed["armId"] == COMPUTE_ID  # a dependent of armId previews no change
    assert previewed["scaleSettings"]["maxNodeCount"] == 3.0
    assert previewed["provisioningState"] == UNKNOWN

    updated = run(configured.update(protocol.UpdateRequest(URN, COMPUTE_ID, state, wider, 0, [], False)))
    assert plain(updated.properties)["scaleSettings"]["maxNodeCount"] == 3.0

    bigger = check(configured, {**CLUSTER, "vmSize": "STANDARD_NC6"}, plain(checked)).inputs
    replace = run(configured.diff(protocol.DiffRequest(URN, COMPUTE_ID, updated.properties, bigger, [])))
    assert replace.replaces == ["vmSize"] and replace.stables == []
    assert replace.detailed_diff["vmSize"].kind == protocol.PropertyDiffKind.UPDATE_REPLACE

    run(configured.delete(protocol.DeleteRequest(URN, COMPUTE_ID, updated.properties, 0)))
    gone = run(configured.read(protocol.ReadRequest(URN, COMPUTE_ID, updated.properties, wider)))
    assert gone.resource_id == ""


def test_import_reads_every_value_back_so_the_import_diff_is_empty(configured: plugin.AzureMLPlugin) -> None:
    create(configured, check(configured, CLUSTER).inputs)
    imported = run(configured.read(protocol.ReadRequest(URN, COMPUTE_ID, {}, {})))
    assert imported.resource_id == COMPUTE_ID
    inputs = plain(imported.inputs)
    assert inputs["computeType"] == "AmlCompute" and inputs["name"] == "cluster" and "ownerMarker" not in inputs
    # What the engine does next on `pulumi import`: check the read inputs, diff them with the read state.
    rechecked = check(configured, inputs, inputs).inputs
    diff = run(configured.diff(protocol.DiffRequest(URN, COMPUTE_ID, imported.properties, rechecked, [])))
    assert diff.changes is False, diff.diffs


def test_custom_timeouts_become_the_operation_timeout_and_stay_out_of_state(
    configured: plugin.AzureMLPlugin, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []
    original = AzureMLProvider.create

    def spy(self: AzureMLProvider, props: dict[str, Any]) -> Any:
        seen.append(props.get("timeouts"))
        return original(self, props)

    monkeypatch.setattr(AzureMLProvider, "create", spy)
    created = create(configured, check(configured, CLUSTER).inputs, timeout=90)
    assert seen == [{"create": 90.0}]
    assert "timeouts" not in plain(created.properties)


def test_provider_config_takes_secrets_and_reports_bad_settings() -> None:
    settings = plugin.settings_from_config({"clientSecret": pv("s3cret", secret=True), "useOidc": pv(True)}, {})
    assert settings.get("clientSecret") == "s3cret" and settings.get("useOidc") == "true"
    provider = plugin.AzureMLPlugin(workers=1)
    answer = run(provider.check_config(protocol.CheckRequest("urn", {}, {"pollIntervalSeconds": pv("-1")}, b"")))
    assert answer.failures and [failure.property for failure in answer.failures] == ["pollIntervalSeconds"]


class _Context:
    def __init__(self) -> None:
        self.aborted: tuple[Any, str] | None = None

    async def abort(self, code: Any, message: str) -> None:
        self.aborted = (code, message)
        raise RuntimeError("aborted")


def test_errors_reach_the_engine_as_their_one_line_message() -> None:
    async def failing(_self: Any, _request: Any, _context: Any) -> None:
        try:
            raise AzureMLError("creating compute cluster: quota exceeded")
        except AzureMLError as error:  # what the SDK's server does: a new error ending in a stack
            raise Exception(f"{error}:\n  File 'x.py', line 1, in create\n") from None

    context = _Context()
    with pytest.raises(RuntimeError, match="aborted"):
        run(plugin._one_line_errors(failing)(None, None, context))
    assert context.aborted is not None
    assert context.aborted[1] == "creating compute cluster: quota exceeded"


def test_a_value_the_program_made_secret_stays_secret_in_inputs_and_state(configured: plugin.AzureMLPlugin) -> None:
    news = {key: pv(value) for key, value in CLUSTER.items()}
    news["description"] = pv("hush-hush", secret=True)
    checked = run(configured.check(protocol.CheckRequest(URN, {}, news, b""))).inputs
    assert checked["description"].is_secret and not checked["vmSize"].is_secret
    created = create(configured, checked)
    assert created.properties["description"].is_secret
    read = run(configured.read(protocol.ReadRequest(URN, COMPUTE_ID, created.properties, checked)))
    assert read.properties["description"].is_secret and read.inputs["description"].is_secret


def test_lookups_are_invokes_with_the_provider_configuration(configured: plugin.AzureMLPlugin) -> None:
    create(configured, check(configured, CLUSTER).inputs)
    found = run(configured.invoke(protocol.InvokeRequest("azureml:index:getCompute", {"name": pv("cluster")})))
    assert plain(found.return_value)["vmSize"] == "STANDARD_DS3_V2"
    assert plain(found.return_value)["id"] == COMPUTE_ID and not found.return_value["id"].is_secret
    listed = run(configured.invoke(protocol.InvokeRequest("azureml:index:listComputes", {})))
    assert [item["name"] for item in plain(listed.return_value)["items"]] == ["cluster"]
    with pytest.raises(AzureMLError, match="compute"):
        run(configured.invoke(protocol.InvokeRequest("azureml:index:getCompute", {"name": pv("missing")})))
    with pytest.raises(TypeError, match="takes no argument nam"):
        run(configured.invoke(protocol.InvokeRequest("azureml:index:getCompute", {"nam": pv("cluster")})))


def _sample(field_: Any) -> Any:
    if field_.type == "object" and field_.fields:
        return {sub.name: _sample(sub) for sub in field_.fields}
    if field_.type == "list":
        return [_sample(field_.item)] if field_.item else ["x"]
    return {
        "string": "text",
        "integer": 3,
        "number": 1.5,
        "boolean": True,
        "map": {"snake_key": "v", "camelKey": "w"},
        "any": {"inner_key": [1, "two"]},
        "object": {"free_form": 1},
    }[field_.type]


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_every_field_of_every_kind_round_trips_through_the_engine_names(kind: str) -> None:
    spec = SPECS[kind]
    values = {field_.name: _sample(field_) for field_ in spec.all_fields()}
    values["arm_id"] = "/subscriptions/x"
    engine = plugin.to_engine(spec, values)
    assert all("_" not in key for key in engine), sorted(engine)
    assert plugin.to_core(spec, engine) == values  # map and any values keep their own keys


def test_an_error_that_is_not_the_core_s_says_what_it_was() -> None:
    try:
        try:
            raise TypeError("azureml:index:getCompute takes no argument nam")
        except TypeError as error:
            raise Exception(f"{error}:\n  File 'x.py', line 1\n") from None
    except Exception as wrapped:  # noqa: BLE001
        assert plugin.one_line(wrapped) == "azureml: TypeError: azureml:index:getCompute takes no argument nam"
