"""The provider sends what the service's own clients are recorded sending, where the service's answer to anything
else is not recorded: a datastore PUT with ``skipValidation=true``, a traffic split cleared with ``{}``."""

from __future__ import annotations

import json
from collections.abc import Callable

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider

from integration.conftest import checked

Make = Callable[[str], AzureMLProvider]


def test_every_datastore_put_says_skip_validation(emulator: EmulatorServer, make_provider: Make) -> None:
    # azure-sdk-assets test_datastore.py recordings: every recorded client PUTs with skipValidation=true.
    provider = make_provider("Datastore")
    inputs = {
        "name": "landing",
        "datastore_type": "AzureBlob",
        "account_name": "mystorage",
        "container_name": "landing",
        "account_key": "YWNjb3VudC1rZXktZm9yLXRlc3RzLW9ubHk=",
        "is_default": True,
    }
    created = provider.create(checked(provider, inputs))
    provider.update(created.id, created.outs or {}, checked(provider, {**inputs, "description": "landing zone"}))
    puts = [entry for entry in emulator.requests_log() if entry["method"] == "PUT"]
    # The create, the second PUT that makes it the default, the update.
    assert len(puts) == 3
    assert all(entry["params"].get("skipValidation") == "true" for entry in puts), puts


def test_a_cleared_split_is_sent_as_an_empty_object(emulator: EmulatorServer, make_provider: Make) -> None:
    # azure-cli-extensions test_online_endpoint_update.yaml: clients clear traffic with {}; null is not recorded.
    endpoints, deployments, traffic = (
        make_provider(kind) for kind in ("OnlineEndpoint", "OnlineDeployment", "OnlineEndpointTraffic")
    )
    endpoints.create(checked(endpoints, {"name": "scoring"}))
    deployments.create(
        checked(
            deployments,
            {
                "endpoint_name": "scoring",
                "name": "blue",
                "model": "azureml:churn:1",
                "environment_id": "azureml:sklearn:1",
                "code_configuration": {"scoring_script": "score.py"},
                "instance_type": "Standard_DS3_v2",
                "instance_count": 1,
            },
        )
    )
    split = checked(traffic, {"endpoint_name": "scoring", "traffic": {"blue": 100}, "mirror_traffic": {"blue": 10}})
    route = traffic.create(split)
    emulator.clear_requests_log()
    traffic.delete(route.id, route.outs or {})
    (clearing,) = [entry for entry in emulator.requests_log() if entry["method"] == "PUT"]
    sent = json.loads(clearing["body"])["properties"]
    assert sent["traffic"] == {} and sent["mirrorTraffic"] == {}, sent
