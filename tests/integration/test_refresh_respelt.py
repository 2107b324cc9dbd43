"""Refresh is safe for every kind: whatever way the service re-spells what it stores, refresh then preview plans
nothing.

For every kind in ``SPECS``: create it through the provider against the emulator over real HTTP, then answer its
GETs through :mod:`support.respelling_proxy` re-spelt by each way of :mod:`support.respell` (and by all of them at
once); the refresh must report no change (the engine asks the provider's Diff of the refreshed state against the
old inputs) and the next preview must plan nothing. The re-spellings come from the specs' declarations, so a new
kind is covered as soon as it has an entry in ``PROGRAMS`` (and a test below fails until it has one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.resources.assets import with_content_hash
from pulumi_azureml.settings import Settings
from pulumi_azureml.specs import SPECS

from integration.conftest import RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE, stack_config
from support.respell import RESPELLINGS, respelt
from support.respelling_proxy import RespellingProxy

WS = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)
# How users write references: ids in the lower-case segment spelling the CLI prints, short datastore URIs.
WS_LOWER = WS.replace("resourceGroups", "resourcegroups")
CONDA = (
    "name: scoring\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip:\n      - scikit-learn==1.5\n"
)
STORAGE = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.Storage/storageAccounts"


@dataclass(frozen=True)
class Step:
    kind: str
    inputs: dict[str, Any]


@dataclass(frozen=True)
class Program:
    """Resources created in order; the last one is the one re-spelt."""

    steps: tuple[Step, ...]
    files: dict[str, str] = field(default_factory=dict)
    """Local files (relative path → text) the inputs' ``path`` refers to, under ``{files}``."""


def _compute() -> Step:
    return Step(
        "Compute",
        {
            "name": "cpu",
            "compute_type": "AmlCompute",
            "vm_size": "Standard_DS3_v2",
            "scale_settings": {"max_node_count": 2},
        },
    )


def _batch_endpoint() -> Step:
    return Step("BatchEndpoint", {"name": "scoring", "tags": {"team": "ml"}})


def _batch_deployment(**extra: Any) -> Step:
    return Step(
        "BatchDeployment",
        {
            "name": "blue",
            "endpoint_name": "scoring",
            "model": {"reference_type": "Id", "asset_id": f"{WS_LOWER}/models/churn/versions/1"},
            "environment_id": f"{WS_LOWER}/environments/sklearn/versions/1",
            "code_configuration": {"scoring_script": "score.py"},
            "compute": f"{WS_LOWER}/computes/cpu",
            **extra,
        },
    )


def _online_endpoint() -> Step:
    return Step("OnlineEndpoint", {"name": "online", "auth_mode": "key"})


def _online_deployment(name: str = "blue") -> Step:
    return Step(
        "OnlineDeployment",
        {
            "name": name,
            "endpoint_name": "online",
            "model": f"azureml:{WS_LOWER}/models/churn/versions/1",
            "environment_id": f"{WS_LOWER}/environments/sklearn/versions/1",
            "code_configuration": {"scoring_script": "score.py"},
            "instance_type": "Standard_DS3_v2",
            "instance_count": 1,
            "request_settings": {"request_timeout": "PT10S"},
            "properties": {},
        },
    )


PROGRAMS: dict[str, Program] = {
    "Compute": Program(
        (
            Step(
                "Compute",
                {
                    "name": "cpu",
                    "compute_type": "AmlCompute",
                    "vm_size": "Standard_DS3_v2",
                    "vm_priority": "dedicated",
                    "scale_settings": {"max_node_count": 2, "node_idle_time_before_scale_down": "PT120S"},
                    "subnet_id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
                    "Microsoft.Network/virtualNetworks/vnet/subnets/default",
                },
            ),
        )
    ),
    "BatchEndpoint": Program((_batch_endpoint(),)),
    "BatchDeployment": Program(
        (
            _compute(),
            _batch_endpoint(),
            _batch_deployment(
                properties={},
                resources={"instance_count": 1, "properties": {}},
                retry_settings={"max_retries": 3, "timeout": "PT30S"},
            ),
        )
    ),
    "BatchEndpointDefaultDeployment": Program(
        (
            _compute(),
            _batch_endpoint(),
            _batch_deployment(),
            Step("BatchEndpointDefaultDeployment", {"endpoint_name": "scoring", "deployment_name": "blue"}),
        )
    ),
    "Workspace": Program(
        (
            Step(
                "Workspace",
                {
                    "name": "mlw-respelt",
                    "location": "westeurope",
                    "storage_account": f"{STORAGE}/main",
                    "key_vault": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
                    "Microsoft.KeyVault/vaults/kv",
                    "purge_on_delete": True,
                },
            ),
        )
    ),
    "CodeVersion": Program(
        (Step("CodeVersion", {"name": "score", "version": "1", "path": "{files}/src", "description": "scoring"}),),
        files={"src/score.py": "def run(batch):\n    return batch\n"},
    ),
    "ModelVersion": Program(
        (
            Step(
                "ModelVersion",
                {
                    "name": "churn",
                    "version": "1",
                    "uri": f"azureml://subscriptions/{SUBSCRIPTION}/resourcegroups/{RESOURCE_GROUP}/workspaces/"
                    f"{WORKSPACE}/datastores/workspaceblobstore/paths/models/churn/model.pkl",
                    "properties": {},
                },
            ),
        )
    ),
    "DataVersion": Program(
        (
            Step(
                "DataVersion",
                {
                    "name": "events",
                    "version": "1",
                    "data_type": "uri_folder",
                    "uri": "azureml://datastores/workspaceblobstore/paths/events/2026",
                    "tags": {"v": "1"},
                },
            ),
        )
    ),
    "Datastore": Program(
        (
            Step(
                "Datastore",
                {
                    "name": "lake",
                    "datastore_type": "AzureDataLakeGen2",
                    "account_name": "lakestore",
                    "filesystem": "raw",
                    "tenant_id": "00000000-0000-0000-0000-0000000000cc",
                    "client_id": "00000000-0000-0000-0000-0000000000dd",
                    "client_secret": "a-client-secret-value",
                },
            ),
        )
    ),
    "EnvironmentVersion": Program(
        (
            Step(
                "EnvironmentVersion",
                {"name": "sklearn", "version": "1", "image": "python:3.11-slim", "conda_file": CONDA},
            ),
        )
    ),
    "OnlineEndpoint": Program((_online_endpoint(),)),
    "OnlineDeployment": Program((_online_endpoint(), _online_deployment())),
    "OnlineEndpointTraffic": Program(
        (
            _online_endpoint(),
            _online_deployment("blue"),
            _online_deployment("green"),
            Step("OnlineEndpointTraffic", {"endpoint_name": "online", "traffic": {"blue": 90, "green": 10}}),
        )
    ),
}


def test_every_kind_has_a_program() -> None:
    assert sorted(PROGRAMS) == sorted(SPECS), "a new kind needs a program here (one entry)"


Provide = Callable[[str], AzureMLProvider]


@pytest.fixture
def through_proxy(emulator: EmulatorServer, proxy: RespellingProxy) -> Provide:
    def make(kind: str) -> AzureMLProvider:
        provider = AzureMLProvider(kind)
        provider.use_settings(Settings({**stack_config(emulator), "azureml:endpoint": proxy.url}, environ={}))
        return provider

    return make


def _floats(value: Any) -> Any:
    """Numbers as the engine sends them to every call: floats."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {key: _floats(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_floats(item) for item in value]
    return value


def _program_inputs(kind: str, inputs: dict[str, Any], files: Path) -> dict[str, Any]:
    props = {
        key: value.replace("{files}", str(files)) if isinstance(value, str) else value for key, value in inputs.items()
    }
    if SPECS[kind].before_create is not None and "path" in props:
        props = with_content_hash(props)
    return props


def _checked(provider: AzureMLProvider, olds: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    result = provider.check(olds, _floats(inputs))
    assert not result.failures, [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


@pytest.mark.parametrize("respelling", [*sorted(RESPELLINGS), "all"])
@pytest.mark.parametrize("kind", sorted(PROGRAMS))
def test_refresh_then_preview_plans_nothing(
    kind: str, respelling: str, through_proxy: Provide, proxy: RespellingProxy, tmp_path: Path
) -> None:
    program = PROGRAMS[kind]
    for relative, text in program.files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    created: tuple[str, dict[str, Any], dict[str, Any]] | None = None
    for step in program.steps:
        provider = through_proxy(step.kind)
        inputs = _checked(provider, {}, _program_inputs(step.kind, step.inputs, tmp_path))
        result = provider.create(_floats(inputs))
        created = (result.id, inputs, dict(result.outs))
    assert created is not None
    id_, inputs, outputs = created
    spec = SPECS[kind]
    provider = through_proxy(kind)
    names = tuple(RESPELLINGS) if respelling == "all" else (respelling,)
    path = provider._operation(inputs, "reading").path  # noqa: SLF001 - the path the provider reads
    proxy.respell(path, lambda body: respelt(names, spec, inputs, body))

    read = provider.read(id_, _floats(outputs))
    assert read.id, "the resource is there"
    assert proxy.respelt_answers >= 1, "the refresh read the re-spelt answer"
    refreshed_outputs, refreshed_inputs = dict(read.outs), dict(read.inputs or {})
    # The refresh step: the provider's Diff of the refreshed state against the old inputs (step.go RefreshStep).
    verdict = provider.diff(id_, _floats(refreshed_outputs), _floats(inputs))
    assert not verdict.changes, f"refresh reported drift: {verdict.replaces or 'update'}"
    # The next preview: Check (olds = the refreshed inputs), then Diff against the refreshed outputs.
    news = _checked(provider, _floats(refreshed_inputs), _program_inputs(kind, program.steps[-1].inputs, tmp_path))
    plan = provider.diff(id_, _floats(refreshed_outputs), _floats(news))
    assert not plan.changes, f"the preview after refresh plans a change: replaces={plan.replaces}"
