"""The seed walkthrough (seeds/000, "使用 REST 管理 ML 资源") replayed against the emulator.

The curl calls are read from the seed file itself: its management.azure.com URLs, in order, and its JSON
bodies. Only the host, the token and the documented ``<YOUR-...>`` placeholders are replaced; api-version
(``2021-03-01-preview``), paths (including the trailing slash of the workspace list) and bodies stay as written.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import Arm
from support.shared import SEEDS, require

SEED = SEEDS / "000_5a38ebe2628e4d4d.txt"
SUBSCRIPTION = "12345abc-abbc-1b2b-1234-57ab575a5a5a"
PLACEHOLDERS = {
    "<YOUR-SUBSCRIPTION-ID>": SUBSCRIPTION,
    "<YOUR-RESOURCE-GROUP>": "DeepLearningResourceGroup",
    "<YOUR-WORKSPACE-NAME>": "my-workspace",
    "<YOUR-NEW-WORKSPACE-NAME>": "my-new-workspace",
    "<YOUR-COMPUTE-NAME>": "cpu-seed",
    "<YOUR-ACCESS-TOKEN>": "seed-token",
    "<ADMIN_USERNAME>": "azureuser",
    "<ADMIN_PASSWORD>": "Seed-Passw0rd",
    "<YOUR-WORKSPACE-FRIENDLY-NAME>": "Seed workspace",
    "<YOUR-WORKSPACE-DESCRIPTION>": "From the walkthrough",
    "<YOUR-REGISTRY-NAME>": "seedregistry",
    "<YOUR-KEYVAULT-NAME>": "seedvault",
    "<YOUR-APPLICATION-INSIGHTS-NAME>": "seedinsights",
    "<YOUR-STORAGE-ACCOUNT-NAME>": "seedstorage",
    "AZURE-LOCATION>": "centralus",
}


class Walkthrough:
    """What the seed says, with placeholders filled in and shell line continuations joined."""

    def __init__(self, text: str) -> None:
        text = text.replace("\\\n", "")
        for placeholder, value in PLACEHOLDERS.items():
            text = text.replace(placeholder, value)
        self.urls = re.findall(r"https://management\.azure\.com(/[^\s'\"]+)", text)
        self.bodies = re.findall(r"-d '(\{.*?\})'", text, flags=re.DOTALL)
        blocks = re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL)
        self.documents = [json.loads(block) for block in blocks if _parses(block)]


def _parses(block: str) -> bool:
    try:
        json.loads(block)
    except ValueError:
        return False
    return True


@pytest.fixture
def walkthrough() -> Walkthrough:
    return Walkthrough(require(SEED).read_text(encoding="utf-8"))


def test_the_seed_sequence_works_with_only_host_and_token_replaced(
    emulator: EmulatorServer, walkthrough: Walkthrough
) -> None:
    # The walkthrough starts from an existing workspace (its prerequisites).
    emulator.ensure_workspace(SUBSCRIPTION, "DeepLearningResourceGroup", "my-workspace", "centralus")
    arm = Arm(emulator.url, token="seed-token")
    try:
        list_groups, list_workspaces, list_computes, put_compute, put_workspace = walkthrough.urls
        compute_body, workspace_body = walkthrough.bodies

        # 1. Resource groups of the subscription.
        groups = arm.request("GET", list_groups, api_version=None)
        assert groups.status_code == 200, groups.text
        sample_groups = next(document for document in walkthrough.documents if "value" in document)
        assert set(sample_groups["value"][0]) <= set(groups.json()["value"][0])
        assert [group["name"] for group in groups.json()["value"]] == ["DeepLearningResourceGroup"]

        # 2. Workspaces of the group (".../workspaces/?api-version=...").
        workspaces = arm.request("GET", list_workspaces, api_version=None)
        assert workspaces.status_code == 200, workspaces.text
        workspace = workspaces.json()["value"][0]
        assert workspace["name"] == "my-workspace"
        assert {"id", "name", "type", "location", "tags", "properties", "sku"} <= set(workspace)
        assert {"workspaceId", "discoveryUrl", "hbiWorkspace", "friendlyName"} <= set(workspace["properties"])

        # 3. The discovery document the workspace points at.
        discovery = arm.follow(workspace["properties"]["discoveryUrl"])
        assert discovery.status_code == 200
        sample_discovery = next(document for document in walkthrough.documents if "api" in document)
        assert set(discovery.json()) == set(sample_discovery)

        # 4. Computes of the workspace.
        computes = arm.request("GET", list_computes, api_version=None)
        assert computes.status_code == 200
        assert computes.json()["value"] == []

        # 5. PUT a compute: "a successful request gets 201 Created ... confirm by polling".
        created = arm.request(
            "PUT", put_compute, api_version=None, data=compute_body, headers={"Content-Type": "application/json"}
        )
        assert created.status_code == 201, created.text
        assert "Seed-Passw0rd" not in created.text
        compute_path = put_compute.split("?")[0]
        polled = arm.wait(compute_path)
        assert polled["properties"]["provisioningState"] == "Succeeded"
        assert polled["properties"]["properties"]["vmSize"] == "Standard_D1"
        assert polled["properties"]["properties"]["scaleSettings"]["nodeIdleTimeBeforeScaleDown"] == "PT30M"

        # 6. DELETE it (computes need underlyingResourceAction) and see it gone.
        deleted = arm.request(
            "DELETE", compute_path, api_version="2021-03-01-preview", params={"underlyingResourceAction": "Delete"}
        )
        assert deleted.status_code == 202
        assert arm.poll_status(deleted.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
        assert arm.request("GET", put_compute, api_version=None).status_code == 404

        # 7. The workspace PUT: verbatim, its body is not valid JSON ('keyVault"' lacks a quote) ...
        verbatim = arm.request(
            "PUT", put_workspace, api_version=None, data=workspace_body, headers={"Content-Type": "application/json"}
        )
        assert verbatim.status_code == 400
        assert verbatim.json()["error"]["code"] == "InvalidRequestContent"
        # ... and with that quote restored it answers "202 Accepted" with a Location header.
        fixed = workspace_body.replace('keyVault"', '"keyVault"')
        accepted = arm.request(
            "PUT", put_workspace, api_version=None, data=fixed, headers={"Content-Type": "application/json"}
        )
        assert accepted.status_code == 202, accepted.text
        assert accepted.headers["Location"].startswith(emulator.url)
        workspace_created: dict[str, Any] = arm.follow(accepted.headers["Location"]).json()
        assert workspace_created["identity"]["type"] == "SystemAssigned"
        assert workspace_created["properties"]["friendlyName"] == "Seed workspace"
    finally:
        arm.close()
