"""Shared helpers of the emulator tests: names, paths, request bodies and a tiny ARM client over ``requests``.

No client code of the project is used, so the emulator is checked against the contract documents, not against
the client it will judge. (A uniquely named module, not ``conftest``, so other test folders cannot shadow it.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests

from support.shared import OFFICIAL_EXAMPLES, require

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
RESOURCE_GROUP = "rg-emulator"
WORKSPACE = "ws-emulator"
LOCATION = "eastus"
API_VERSION = "2025-12-01"
TOKEN = "test-token"
PROVIDER = "providers/Microsoft.MachineLearningServices"
EXAMPLES = OFFICIAL_EXAMPLES
TERMINAL = ("Succeeded", "Failed", "Canceled")


def resource_group_path(group: str = RESOURCE_GROUP, subscription: str = SUBSCRIPTION) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{group}"


def workspace_path(name: str = WORKSPACE, group: str = RESOURCE_GROUP) -> str:
    return f"{resource_group_path(group)}/{PROVIDER}/workspaces/{name}"


def compute_path(name: str, workspace: str = WORKSPACE) -> str:
    return f"{workspace_path(workspace)}/computes/{name}"


def endpoint_path(name: str, workspace: str = WORKSPACE) -> str:
    return f"{workspace_path(workspace)}/batchEndpoints/{name}"


def deployment_path(endpoint: str, name: str) -> str:
    return f"{endpoint_path(endpoint)}/deployments/{name}"


class Arm:
    """Just enough of an HTTP client: base URL, bearer token and api-version on every call."""

    def __init__(self, base_url: str, token: str | None = TOKEN) -> None:
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: bytes | str | None = None,
        params: dict[str, str] | None = None,
        api_version: str | None = API_VERSION,
        headers: dict[str, str] | None = None,
        token: str | None = "default",
    ) -> requests.Response:
        query = dict(params or {})
        if api_version is not None:
            query.setdefault("api-version", api_version)
        all_headers = dict(headers or {})
        bearer = self.token if token == "default" else token
        if bearer is not None:
            all_headers["Authorization"] = f"Bearer {bearer}"
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        return self.session.request(method, url, json=json, data=data, params=query, headers=all_headers, timeout=30)

    def get(self, path: str, **options: Any) -> requests.Response:
        return self.request("GET", path, **options)

    def put(self, path: str, body: Any, **options: Any) -> requests.Response:
        return self.request("PUT", path, json=body, **options)

    def patch(self, path: str, body: Any, **options: Any) -> requests.Response:
        return self.request("PATCH", path, json=body, **options)

    def delete(self, path: str, **options: Any) -> requests.Response:
        return self.request("DELETE", path, **options)

    def post(self, path: str, body: Any = None, **options: Any) -> requests.Response:
        return self.request("POST", path, json=body, **options)

    def follow(self, url: str) -> requests.Response:
        """GET an absolute URL the emulator handed out, exactly as given (it already carries api-version)."""
        return self.request("GET", url, api_version=None)

    def wait(self, path: str, *, limit: int = 20) -> dict[str, Any]:
        """GET a resource until its provisioningState is terminal; return it."""
        for _ in range(limit):
            response = self.get(path)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            if body.get("properties", {}).get("provisioningState") in TERMINAL:
                return body
        raise AssertionError(f"{path} did not reach a terminal state in {limit} polls")

    def poll_status(self, url: str, *, limit: int = 20) -> dict[str, Any]:
        """GET an Azure-AsyncOperation URL until its status is terminal; return the status body."""
        for _ in range(limit):
            response = self.follow(url)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            if body["status"] in TERMINAL:
                return body
        raise AssertionError(f"{url} did not finish in {limit} polls")


def load_example(directory: Path, name: str) -> dict[str, Any]:
    path = require(directory / name)
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def aml_compute_body(max_nodes: int = 2, min_nodes: int = 0) -> dict[str, Any]:
    return {
        "location": LOCATION,
        "properties": {
            "computeType": "AmlCompute",
            "properties": {
                "vmSize": "STANDARD_DS3_V2",
                "scaleSettings": {
                    "maxNodeCount": max_nodes,
                    "minNodeCount": min_nodes,
                    "nodeIdleTimeBeforeScaleDown": "PT5M",
                },
            },
        },
    }


def compute_instance_body() -> dict[str, Any]:
    return {
        "location": LOCATION,
        "properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "STANDARD_DS3_V2"}},
    }


def endpoint_body(**properties: Any) -> dict[str, Any]:
    return {"location": LOCATION, "properties": {"authMode": "AADToken", **properties}}


def deployment_body(**properties: Any) -> dict[str, Any]:
    return {
        "location": LOCATION,
        "properties": {
            "model": {"referenceType": "Id", "assetId": f"{workspace_path()}/models/model/versions/1"},
            "codeConfiguration": {"scoringScript": "score.py"},
            **properties,
        },
    }
