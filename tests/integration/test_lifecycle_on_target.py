"""The provider's lifecycle written once, run against a target: the emulator always, real Azure when configured.

Real Azure is opt-in: set AZUREML_LIVE_SUBSCRIPTION_ID, AZUREML_LIVE_RESOURCE_GROUP and AZUREML_LIVE_WORKSPACE (an
existing workspace), and credentials DefaultAzureCredential can use (`az login`, or AZURE_CLIENT_ID/
AZURE_CLIENT_SECRET/AZURE_TENANT_ID); AZUREML_LIVE_CLOUD picks a sovereign cloud. The cluster has zero minimum
nodes, so a live run costs (almost) nothing; names are random and everything is deleted in `finally` blocks.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.settings import Settings

from integration.conftest import PLACEMENT
from support.emulators import seeded_emulator
from support.emulators import stack_config as emulator_stack_config

LIVE_SETTINGS = ("AZUREML_LIVE_SUBSCRIPTION_ID", "AZUREML_LIVE_RESOURCE_GROUP", "AZUREML_LIVE_WORKSPACE")
LIVE = pytest.param(
    "azure",
    marks=[
        pytest.mark.live,
        pytest.mark.timeout(3600),
        pytest.mark.skipif(
            not all(os.environ.get(name) for name in LIVE_SETTINGS),
            reason=f"real Azure is not configured: set {', '.join(LIVE_SETTINGS)} and Azure credentials to run",
        ),
    ],
)

Target = Callable[[str], AzureMLProvider]
"""A provider of a kind, configured for the target."""


def live_settings() -> Settings:
    return Settings(
        {
            "azureml:subscriptionId": os.environ.get("AZUREML_LIVE_SUBSCRIPTION_ID"),
            "azureml:resourceGroupName": os.environ.get("AZUREML_LIVE_RESOURCE_GROUP"),
            "azureml:workspaceName": os.environ.get("AZUREML_LIVE_WORKSPACE"),
            "azureml:cloud": os.environ.get("AZUREML_LIVE_CLOUD", "AzureCloud"),
        }
    )


@pytest.fixture(params=["emulator", LIVE])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if request.param == "azure":
        settings = live_settings()
        yield lambda kind: configured(kind, settings)
        return
    with seeded_emulator(PLACEMENT) as server:
        settings = Settings(emulator_stack_config(server, PLACEMENT), environ={})
        yield lambda kind: configured(kind, settings)


def configured(kind: str, settings: Settings) -> AzureMLProvider:
    instance = AzureMLProvider(kind)
    instance.use_settings(settings)
    return instance


def checked(instance: AzureMLProvider, inputs: dict[str, Any]) -> dict[str, Any]:
    result = instance.check({}, inputs)
    assert not result.failures, [(f.property, f.reason) for f in result.failures]
    return result.inputs


def random_name(prefix: str) -> str:
    return prefix + "".join(secrets.choice("abcdefghijkmnpqrstuvwxyz") for _ in range(8))


def test_cluster_lifecycle(target: Target) -> None:
    computes = target("Compute")
    inputs = checked(
        computes,
        {
            "name": random_name("pzml"),
            "compute_type": "AmlCompute",
            "vm_size": "STANDARD_DS2_V2",
            # Floats, as the host delivers every number.
            "scale_settings": {"max_node_count": 1.0, "min_node_count": 0.0},
            "owner_marker": "lifecycle-test",
        },
    )
    created = computes.create(inputs)
    try:
        outs = created.outs or {}
        assert outs["provisioning_state"] == "Succeeded"
        assert computes.diff(created.id, outs, inputs).changes is False
        scaled = checked(computes, {**inputs, "scale_settings": {"max_node_count": 2.0, "min_node_count": 0.0}})
        outs = computes.update(created.id, outs, scaled).outs or {}
        read = computes.read(created.id, outs)
        assert read.inputs is not None and read.inputs["scale_settings"]["max_node_count"] == 2
        assert computes.diff(created.id, read.outs or {}, scaled).changes is False
    finally:
        computes.delete(created.id, created.outs or {})
    assert computes.read(created.id, created.outs or {}).id == ""


def test_batch_endpoint_lifecycle(target: Target) -> None:
    endpoints = target("BatchEndpoint")
    inputs = checked(endpoints, {"name": random_name("pzml-"), "description": "lifecycle test", "owner_marker": "t"})
    created = endpoints.create(inputs)
    try:
        outs = created.outs or {}
        assert outs["scoring_uri"]
        tagged = checked(endpoints, {**inputs, "tags": {"purpose": "lifecycle-test"}})
        outs = endpoints.update(created.id, outs, tagged).outs or {}
        read = endpoints.read(created.id, outs)
        assert read.inputs is not None and read.inputs["tags"] == {"purpose": "lifecycle-test"}
    finally:
        endpoints.delete(created.id, created.outs or {})
    assert endpoints.read(created.id, created.outs or {}).id == ""


# -- Environment versions (issue 17): a live run checks the immutability and the implicit container ---------------
def test_environment_version_lifecycle(target: Target) -> None:
    environments = target("EnvironmentVersion")
    inputs = checked(
        environments,
        {
            "name": random_name("pzml-env-"),
            "version": "1",
            "image": "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest",
            "conda_file": "name: lifecycle\ndependencies:\n  - python=3.11\n",
            "description": "lifecycle test",
            "owner_marker": "t",
        },
    )
    created = environments.create(inputs)
    try:
        outs = created.outs or {}
        assert environments.diff(created.id, outs, inputs).changes is False
        tagged = checked(environments, {**inputs, "description": "lifecycle test v2", "tags": {"purpose": "test"}})
        diff = environments.diff(created.id, outs, tagged)
        assert diff.changes is True and diff.replaces == []
        outs = environments.update(created.id, outs, tagged).outs or {}
        read = environments.read(created.id, outs)
        assert read.inputs is not None and read.inputs["tags"] == {"purpose": "test"}
        assert environments.diff(created.id, read.outs or {}, tagged).changes is False
        changed = checked(environments, {**inputs, "image": "python:3.12-slim"})
        assert environments.diff(created.id, read.outs or {}, changed).replaces == ["image"]
    finally:
        environments.delete(created.id, created.outs or {})
    assert environments.read(created.id, created.outs or {}).id == ""
