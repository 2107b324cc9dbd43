"""The online lookups against the emulator: endpoints and deployments, keys and tokens (secret), deployment logs,
and their ``_output`` forms in a program (read-only in preview; secrets secret in state)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

import pulumi_azureml as azureml
from pulumi_azureml import lookups
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider

from harness import Stack
from integration.conftest import checked, stack_config
from integration.test_lookups import BASE, in_stack, no_environment_settings  # noqa: F401 - autouse fixture

Make = Callable[[str], AzureMLProvider]


@pytest.fixture
def online(emulator: EmulatorServer, make_provider: Make) -> dict[str, Any]:
    """A Key endpoint with blue and green (100% blue), and an AMLToken endpoint."""
    endpoints = make_provider("OnlineEndpoint")
    created = endpoints.create(checked(endpoints, {"name": "scoring", "owner_marker": "p/s/scoring"}))
    endpoints.create(checked(endpoints, {"name": "tokens", "auth_mode": "AMLToken", "owner_marker": "p/s/tokens"}))
    deployments = make_provider("OnlineDeployment")
    for name in ("blue", "green"):
        deployments.create(
            checked(
                deployments,
                {
                    "endpoint_name": "scoring",
                    "name": name,
                    "model": "azureml:churn:1",
                    "instance_count": 2,
                    "owner_marker": f"p/s/{name}",
                },
            )
        )
    traffic = make_provider("OnlineEndpointTraffic")
    traffic.create(checked(traffic, {"endpoint_name": "scoring", "traffic": {"blue": 100}}))
    return dict(created.outs or {})


def test_get_and_list_online_endpoints_and_deployments(emulator: EmulatorServer, online: dict[str, Any]) -> None:
    emulator.configure(page_size=1)
    emulator.clear_requests_log()
    config = stack_config(emulator)
    endpoint = in_stack(config, lambda: lookups.get_online_endpoint("scoring"))
    assert endpoint.id == f"{BASE}/onlineEndpoints/scoring" and endpoint.auth_mode == "Key"
    assert endpoint.traffic == {"blue": 100} and endpoint.mirror_traffic == {}
    assert endpoint.scoring_uri == online["scoring_uri"]
    assert sorted(e.name for e in in_stack(config, lookups.list_online_endpoints)) == ["scoring", "tokens"]
    deployments = in_stack(config, lambda: lookups.list_online_deployments("scoring"))
    assert sorted(d.name for d in deployments) == ["blue", "green"]
    blue = in_stack(config, lambda: lookups.get_online_deployment("scoring", "blue"))
    assert blue.model == f"{BASE}/models/churn/versions/1" and blue.instance_count == 2
    assert blue.endpoint_compute_type == "Managed" and blue.instance_type == "Standard_F4s_v2"
    assert all(entry["method"] == "GET" for entry in emulator.requests_log())


def test_keys_token_and_logs(emulator: EmulatorServer, online: dict[str, Any]) -> None:
    config = stack_config(emulator)
    emulator.clear_requests_log()
    keys = in_stack(config, lambda: lookups.get_online_endpoint_keys("scoring"))
    assert keys.primary_key == online["primary_key"] and str(online["primary_key"]) not in repr(keys)
    token = in_stack(config, lambda: lookups.get_online_endpoint_token("tokens"))
    assert token.access_token and token.access_token not in repr(token)
    assert token.expiry_time_utc and token.refresh_after_time_utc
    assert token.expiry_time_utc > token.refresh_after_time_utc
    logs = in_stack(config, lambda: lookups.get_online_deployment_logs("scoring", "blue", tail=2))
    assert logs.content.splitlines() == [
        "InferenceServer: deployment blue line 19",
        "InferenceServer: deployment blue line 20",
    ]
    posts = [entry["path"].rsplit("/", 1)[-1] for entry in emulator.requests_log() if entry["method"] == "POST"]
    assert posts == ["listKeys", "token", "getLogs"]
    # Asking a Key endpoint for a token: the service's refusal, as an AzureMLError naming the rule.
    with pytest.raises(AzureMLError, match="authMode"):
        in_stack(config, lambda: lookups.get_online_endpoint_token("scoring"))
    with pytest.raises(AzureMLError, match="container_type must be one of"):
        in_stack(config, lambda: lookups.get_online_deployment_logs("scoring", "blue", container_type="nope"))


def online_program() -> None:
    pulumi.export("traffic", azureml.get_online_endpoint_output("scoring").apply(lambda e: e.traffic))
    pulumi.export("count", azureml.list_online_endpoints_output().apply(len))
    pulumi.export("deployments", azureml.list_online_deployments_output("scoring").apply(len))
    pulumi.export("blue", azureml.get_online_deployment_output("scoring", "blue").apply(lambda d: d.instance_count))
    pulumi.export("primary_key", azureml.get_online_endpoint_keys_output("scoring").primary_key)
    pulumi.export("token", azureml.get_online_endpoint_token_output("tokens").access_token)
    pulumi.export("logs", azureml.get_online_deployment_logs_output("scoring", "blue", tail=1).content)


def test_output_forms_in_a_program(tmp_path: Path, emulator: EmulatorServer, online: dict[str, Any]) -> None:
    stack = Stack(tmp_path / "state.json", stack_config(emulator), secret_config_keys=("azureml:accessToken",))
    emulator.clear_requests_log()
    preview = stack.preview(online_program)
    outputs = preview.outputs
    assert outputs["traffic"] == {"blue": 100} and outputs["count"] == 2 and outputs["deployments"] == 2
    assert outputs["blue"] == 2 and outputs["primary_key"] == online["primary_key"]
    assert preview.secret_outputs >= {"primary_key", "token"}
    writes = {entry["path"].rsplit("/", 1)[-1] for entry in emulator.requests_log() if entry["method"] != "GET"}
    assert writes == {"listKeys", "token", "getLogs"}, "lookups only read"
    up = stack.up(online_program)
    assert str(online["primary_key"]) not in stack.state_text()
    assert str(up.outputs["token"]) not in stack.state_text()
