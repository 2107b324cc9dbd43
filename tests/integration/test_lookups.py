"""Every lookup against the emulator over HTTP: typed results, pagination, the discovery document fetched without
the token, secret keys, errors, and the ``_output`` forms inside a program under the harness."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pulumi
import pytest
import requests

import pulumi_azureml as azureml
from pulumi_azureml import lookups
from pulumi_azureml.arm.errors import NotFoundError
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.lookups.workspaces import _discovery_document
from pulumi_azureml.provider import AzureMLError, AzureMLProvider
from pulumi_azureml.settings import SETTINGS

from harness import Stack
from integration.conftest import LOCATION, RESOURCE_GROUP, SUBSCRIPTION, TOKEN, WORKSPACE, checked, stack_config

T = TypeVar("T")
Make = Callable[[str], AzureMLProvider]
BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)


@pytest.fixture(autouse=True)
def no_environment_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the stack config of each test counts, not whatever AZURE_* variables the machine has."""
    for setting in SETTINGS:
        for name in setting.environment:
            monkeypatch.delenv(name, raising=False)


def in_stack(config: dict[str, str], function: Callable[[], T]) -> T:
    """Run ``function`` with ``config`` as the stack config, in a fresh context (nothing leaks to other tests)."""

    def run() -> T:
        pulumi.runtime.set_all_config(config, ["azureml:accessToken"])
        return function()

    return contextvars.Context().run(run)


def gets_with_skip(emulator: EmulatorServer) -> int:
    return sum(1 for entry in emulator.requests_log() if entry["method"] == "GET" and "$skip=" in entry["query"])


# -- resource groups and workspaces ----------------------------------------------------------------------------------


def test_list_resource_groups_follows_next_link_to_the_last_page(emulator: EmulatorServer) -> None:
    for index in range(4):
        emulator.ensure_resource_group(SUBSCRIPTION, f"rg-extra-{index}", "westus")
    emulator.configure(page_size=2)
    emulator.clear_requests_log()
    groups = in_stack(stack_config(emulator), lookups.list_resource_groups)
    assert sorted(group.name for group in groups) == sorted([RESOURCE_GROUP, *(f"rg-extra-{i}" for i in range(4))])
    assert gets_with_skip(emulator) == 2, "5 groups at 2 a page: the first page and two nextLinks"
    extra = next(group for group in groups if group.name == "rg-extra-0")
    assert extra.location == "westus" and extra.provisioning_state == "Succeeded"
    assert extra.id == f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-extra-0" and extra.raw["id"] == extra.id
    assert all(entry["method"] == "GET" for entry in emulator.requests_log())


def test_get_workspace_returns_a_typed_result_with_the_raw_body(emulator: EmulatorServer) -> None:
    workspace = in_stack(stack_config(emulator), lookups.get_workspace)
    assert workspace.name == WORKSPACE and workspace.id == BASE
    assert workspace.subscription_id == SUBSCRIPTION and workspace.resource_group_name == RESOURCE_GROUP
    assert workspace.location == LOCATION and workspace.provisioning_state == "Succeeded"
    assert workspace.workspace_id and workspace.discovery_url and workspace.mlflow_tracking_uri
    assert workspace.creation_time and workspace.sku_name == "Basic" and workspace.hbi_workspace is False
    assert workspace.raw["properties"]["workspaceId"] == workspace.workspace_id
    assert "raw" not in repr(workspace)


def test_function_arguments_override_the_stack_config(emulator: EmulatorServer) -> None:
    emulator.ensure_workspace(SUBSCRIPTION, "rg-other", "mlw-other", "westus")
    workspace = in_stack(
        stack_config(emulator), lambda: lookups.get_workspace("mlw-other", resource_group_name="rg-other")
    )
    assert workspace.name == "mlw-other" and workspace.resource_group_name == "rg-other"


def test_list_workspaces_by_group_and_by_subscription_across_pages(emulator: EmulatorServer) -> None:
    for index in range(3):
        emulator.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, f"mlw-page-{index}", LOCATION)
    emulator.ensure_workspace(SUBSCRIPTION, "rg-other", "mlw-other", "westus")
    emulator.configure(page_size=2)
    config = stack_config(emulator)

    emulator.clear_requests_log()
    in_group = in_stack(config, lookups.list_workspaces)
    assert sorted(w.name for w in in_group) == sorted([WORKSPACE, "mlw-page-0", "mlw-page-1", "mlw-page-2"])
    assert gets_with_skip(emulator) == 1

    whole = in_stack(config, lambda: lookups.list_workspaces(whole_subscription=True))
    assert len(whole) == 5 and {w.resource_group_name for w in whole} == {RESOURCE_GROUP, "rg-other"}

    without_group = {key: value for key, value in config.items() if key != "azureml:resourceGroupName"}
    assert len(in_stack(without_group, lookups.list_workspaces)) == 5, "no resource group: the whole subscription"
    assert [w.name for w in in_stack(config, lambda: lookups.list_workspaces("rg-other"))] == ["mlw-other"]


def test_workspace_services_fetch_the_discovery_document_without_the_token(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, dict[str, str], Any]] = []
    real_get = requests.get

    def spy(url: str, **kwargs: Any) -> requests.Response:
        calls.append((url, dict(kwargs.get("headers") or {}), kwargs.get("timeout")))
        return real_get(url, **kwargs)

    monkeypatch.setattr(requests, "get", spy)
    services = in_stack(stack_config(emulator), lookups.get_workspace_services)
    workspace = in_stack(stack_config(emulator), lookups.get_workspace)
    assert services.discovery_url == workspace.discovery_url
    assert services.api == emulator.url and services.model_management == emulator.url
    assert services.studio == emulator.url and services.history == emulator.url
    assert set(services.raw) >= {"api", "catalog", "experimentation", "modelmanagement", "pipelines"}
    # Only the discovery GET goes through plain requests; the ARM calls use the client's session.
    assert len(calls) == 1
    url, headers, timeout = calls[0]
    assert url == workspace.discovery_url
    assert not any(name.lower() == "authorization" for name in headers), "the token only goes to management"
    assert timeout is not None


def test_the_discovery_document_needs_https_outside_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requests, "get", lambda *args, **kwargs: pytest.fail("must not send"))
    with pytest.raises(AzureMLError, match="https is required outside loopback"):
        _discovery_document("http://westeurope.api.azureml.ms/discovery")


def test_missing_resources_and_settings_are_reported_as_azureml_errors(emulator: EmulatorServer) -> None:
    config = stack_config(emulator)
    with pytest.raises(AzureMLError, match="reading workspace .*/workspaces/missing: .*HTTP 404") as raised:
        in_stack(config, lambda: lookups.get_workspace("missing"))
    assert isinstance(raised.value.__cause__, NotFoundError)
    without_subscription = {key: value for key, value in config.items() if key != "azureml:subscriptionId"}
    with pytest.raises(AzureMLError, match="subscription_id is required.*azureml:subscriptionId"):
        in_stack(without_subscription, lookups.list_resource_groups)
    with pytest.raises(AzureMLError, match="must not contain '/'"):
        in_stack(config, lambda: lookups.get_compute("a/b"))


# -- computes and batch endpoints ------------------------------------------------------------------------------------


@pytest.fixture
def computes(make_provider: Make) -> None:
    provider = make_provider("Compute")
    for name in ("cpu-one", "cpu-two", "cpu-three"):
        inputs = {"name": name, "compute_type": "AmlCompute", "vm_size": "STANDARD_DS3_V2"}
        provider.create(checked(provider, {**inputs, "scale_settings": {"max_node_count": 2.0}}))


def test_get_and_list_computes_across_pages(emulator: EmulatorServer, computes: None) -> None:
    emulator.configure(page_size=2)
    emulator.clear_requests_log()
    config = stack_config(emulator)
    listed = in_stack(config, lookups.list_computes)
    assert sorted(compute.name for compute in listed) == ["cpu-one", "cpu-three", "cpu-two"]
    assert gets_with_skip(emulator) == 1
    compute = in_stack(config, lambda: lookups.get_compute("cpu-two"))
    assert compute.id == f"{BASE}/computes/cpu-two"
    assert compute.compute_type == "AmlCompute" and compute.vm_size == "STANDARD_DS3_V2"
    assert compute.provisioning_state == "Succeeded" and compute.is_attached_compute is False


@pytest.fixture
def batch(make_provider: Make) -> dict[str, Any]:
    """A cluster, a Key-auth endpoint with two deployments, and a second (AADToken) endpoint."""
    clusters = make_provider("Compute")
    cluster = {"name": "cpu-cluster", "compute_type": "AmlCompute", "vm_size": "STANDARD_DS3_V2"}
    clusters.create(checked(clusters, {**cluster, "scale_settings": {"max_node_count": 2.0}}))
    endpoints = make_provider("BatchEndpoint")
    keyed = endpoints.create(checked(endpoints, {"name": "scoring", "auth_mode": "Key"})).outs or {}
    endpoints.create(checked(endpoints, {"name": "other"}))
    deployments = make_provider("BatchDeployment")
    for name in ("blue", "green", "red"):
        deployment = {
            "endpoint_name": "scoring",
            "name": name,
            "compute": f"{BASE}/computes/cpu-cluster",
            "model": {"reference_type": "Id", "asset_id": f"azureml:{BASE}/models/churn/versions/1"},
        }
        deployments.create(checked(deployments, deployment))
    return keyed


def test_batch_endpoints_deployments_and_keys(emulator: EmulatorServer, batch: dict[str, Any]) -> None:
    emulator.configure(page_size=2)
    emulator.clear_requests_log()
    config = stack_config(emulator)
    endpoint = in_stack(config, lambda: lookups.get_batch_endpoint("scoring"))
    assert endpoint.id == f"{BASE}/batchEndpoints/scoring" and endpoint.auth_mode == "Key"
    assert endpoint.scoring_uri and endpoint.provisioning_state == "Succeeded"
    assert sorted(e.name for e in in_stack(config, lookups.list_batch_endpoints)) == ["other", "scoring"]

    deployments = in_stack(config, lambda: lookups.list_batch_deployments("scoring"))
    assert sorted(d.name for d in deployments) == ["blue", "green", "red"]
    assert gets_with_skip(emulator) == 1, "3 deployments at 2 a page"
    blue = next(d for d in deployments if d.name == "blue")
    assert blue.endpoint_name == "scoring" and blue.compute == f"{BASE}/computes/cpu-cluster"
    # Sent as azureml:/subscriptions/...; check expanded it to the ARM id the service receives.
    assert blue.model_asset_id == f"{BASE}/models/churn/versions/1"

    keys = in_stack(config, lambda: lookups.get_batch_endpoint_keys("scoring"))
    assert keys.primary_key == batch["primary_key"] and keys.secondary_key == batch["secondary_key"]
    assert str(batch["primary_key"]) not in repr(keys)
    writes = [entry for entry in emulator.requests_log() if entry["method"] != "GET"]
    assert [(entry["method"], entry["path"].rsplit("/", 1)[-1]) for entry in writes] == [("POST", "listkeys")]


# -- the Output forms, in a program --------------------------------------------------------------------------------


class PlainResource(pulumi.CustomResource):
    """A non-dynamic resource: its id is unknown during the preview that creates it."""

    def __init__(self, resource_name: str) -> None:
        super().__init__("test:index:Plain", resource_name, {})


def lookups_program() -> None:
    workspace = azureml.get_workspace_output()
    pulumi.export("workspace", workspace.apply(lambda result: result.name))
    pulumi.export("workspace_location", workspace.location)
    pulumi.export("workspaces", azureml.list_workspaces_output().apply(lambda items: sorted(w.name for w in items)))
    pulumi.export("groups", azureml.list_resource_groups_output().apply(lambda items: [g.name for g in items]))
    pulumi.export("api", azureml.get_workspace_services_output().apply(lambda services: services.api))
    pulumi.export("compute", azureml.get_compute_output("cpu-cluster").apply(lambda compute: compute.vm_size))
    pulumi.export("computes", azureml.list_computes_output().apply(lambda items: [c.name for c in items]))
    pulumi.export("endpoint", azureml.get_batch_endpoint_output(pulumi.Output.from_input("scoring")).auth_mode)
    pulumi.export("endpoints", azureml.list_batch_endpoints_output().apply(lambda items: len(items)))
    pulumi.export("deployments", azureml.list_batch_deployments_output("scoring").apply(lambda items: len(items)))
    keys = azureml.get_batch_endpoint_keys_output("scoring")
    pulumi.export("primary_key", keys.primary_key)
    # An input that is unknown during preview (a resource not created yet) defers the lookup.
    plain = PlainResource("plain")
    later = azureml.get_workspace_output(name=plain.id.apply(lambda _: WORKSPACE))
    pulumi.export("later", later.apply(lambda result: result.name))


@pytest.fixture
def lookups_stack(tmp_path: Path, emulator: EmulatorServer) -> Iterator[Stack]:
    yield Stack(tmp_path / "state.json", stack_config(emulator), secret_config_keys=("azureml:accessToken",))


def test_output_forms_run_in_preview_read_only_with_secret_keys(
    emulator: EmulatorServer, batch: dict[str, Any], lookups_stack: Stack
) -> None:
    emulator.clear_requests_log()
    preview = lookups_stack.preview(lookups_program)
    outputs = preview.outputs
    assert outputs["workspace"] == WORKSPACE and outputs["workspace_location"] == LOCATION
    assert outputs["workspaces"] == [WORKSPACE] and RESOURCE_GROUP in outputs["groups"]
    assert outputs["api"] == emulator.url
    assert outputs["compute"] == "STANDARD_DS3_V2" and outputs["computes"] == ["cpu-cluster"]
    assert outputs["endpoint"] == "Key" and outputs["endpoints"] == 2 and outputs["deployments"] == 3
    assert outputs["primary_key"] == batch["primary_key"]
    assert preview.secret_outputs == {"primary_key"}
    assert outputs["later"] == pulumi.runtime.rpc.UNKNOWN, "unknown input: the lookup waits for the up"
    methods = {(entry["method"], entry["path"].rsplit("/", 1)[-1]) for entry in emulator.requests_log()}
    assert {method for method, _ in methods} == {"GET", "POST"}
    assert {last for method, last in methods if method == "POST"} == {"listkeys"}
    assert not preview.host_started, "lookups need no provider host"

    up = lookups_stack.up(lookups_program)
    assert up.outputs["later"] == WORKSPACE
    assert TOKEN not in lookups_stack.state_text()
    assert str(batch["primary_key"]) not in lookups_stack.state_text()


# -- Datastores and environment versions (issue 17) ------------------------------------------------------------
DATASTORE_KEY = "bG9va3VwLXRlc3QtYWNjb3VudC1rZXktMDEyMzQ1"


@pytest.fixture
def assets(emulator: EmulatorServer, make_provider: Make) -> None:
    datastores = make_provider("Datastore")
    datastores.create(
        checked(
            datastores,
            {
                "name": "landing",
                "datastore_type": "AzureBlob",
                "account_name": "mystorage",
                "container_name": "landing",
                "account_key": DATASTORE_KEY,
                "tags": {"team": "ml"},
            },
        )
    )
    environments = make_provider("EnvironmentVersion")
    for version in ("1", "2"):
        environments.create(
            checked(environments, {"name": "sklearn", "version": version, "image": f"python:3.1{version}-slim"})
        )


def test_datastores_environment_versions_and_datastore_secrets(emulator: EmulatorServer, assets: None) -> None:
    config = stack_config(emulator)
    emulator.clear_requests_log()
    landing = in_stack(config, lambda: lookups.get_datastore("landing"))
    assert landing.id == f"{BASE}/datastores/landing" and landing.datastore_type == "AzureBlob"
    assert landing.container_name == "landing" and landing.credentials_type == "AccountKey"
    assert landing.is_default is False and landing.tags == {"team": "ml"}
    assert DATASTORE_KEY not in repr(landing.raw)
    names = sorted(item.name for item in in_stack(config, lookups.list_datastores))
    assert names == ["landing", "workspaceblobstore", "workspacefilestore"]
    default = in_stack(config, lambda: lookups.get_datastore("workspaceblobstore"))
    assert default.is_default is True

    secrets = in_stack(config, lambda: lookups.get_datastore_secrets("landing"))
    assert secrets.secrets_type == "AccountKey" and secrets.account_key == DATASTORE_KEY
    assert DATASTORE_KEY not in repr(secrets)

    version = in_stack(config, lambda: lookups.get_environment_version("sklearn", "2"))
    assert version.id == f"{BASE}/environments/sklearn/versions/2" and version.name == "sklearn"
    assert version.version == "2" and version.image == "python:3.12-slim" and version.environment_type == "UserCreated"
    versions = in_stack(config, lambda: lookups.list_environment_versions("sklearn"))
    assert sorted(item.version for item in versions) == ["1", "2"]
    writes = [(entry["method"], entry["path"].rsplit("/", 1)[-1]) for entry in emulator.requests_log()]
    assert [write for write in writes if write[0] != "GET"] == [("POST", "listSecrets")]

    with pytest.raises(AzureMLError) as raised:
        in_stack(config, lambda: lookups.get_environment_version("sklearn", "9"))
    assert isinstance(raised.value.__cause__, NotFoundError)


def datastore_lookups_program() -> None:
    pulumi.export("landing", azureml.get_datastore_output("landing").apply(lambda item: item.account_name))
    pulumi.export("datastores", azureml.list_datastores_output().apply(lambda items: len(items)))
    pulumi.export("key", azureml.get_datastore_secrets_output("landing").account_key)
    pulumi.export("image", azureml.get_environment_version_output("sklearn", "1").image)
    pulumi.export("versions", azureml.list_environment_versions_output("sklearn").apply(lambda items: len(items)))


def test_datastore_output_forms_keep_the_secret_secret(
    emulator: EmulatorServer, assets: None, lookups_stack: Stack
) -> None:
    preview = lookups_stack.preview(datastore_lookups_program)
    outputs = preview.outputs
    assert outputs["landing"] == "mystorage" and outputs["datastores"] == 3
    assert outputs["image"] == "python:3.11-slim" and outputs["versions"] == 2
    assert outputs["key"] == DATASTORE_KEY and preview.secret_outputs == {"key"}
    lookups_stack.up(datastore_lookups_program)
    assert DATASTORE_KEY not in lookups_stack.state_text()


# -- end of datastores and environment versions -----------------------------------------------------------------
