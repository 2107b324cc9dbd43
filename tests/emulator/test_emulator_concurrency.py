"""Fifty concurrent writers lose nothing, in memory and in SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from emulator_helpers import (
    LOCATION,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    WORKSPACE,
    Arm,
    compute_instance_body,
    compute_path,
    endpoint_body,
    endpoint_path,
    workspace_path,
)

WRITERS = 50


@pytest.fixture(params=["memory", "sqlite"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmulatorServer]:
    database = tmp_path / "concurrency.db" if request.param == "sqlite" else None
    with EmulatorServer(db_path=database, page_size=7) as emulator:
        emulator.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
        yield emulator


def _all_names(client: Arm, collection: str) -> list[str]:
    names: list[str] = []
    response = client.get(f"{workspace_path()}/{collection}")
    while True:
        body = response.json()
        names += [item["name"] for item in body["value"]]
        if "nextLink" not in body:
            return names
        response = client.follow(body["nextLink"])


def test_fifty_concurrent_writers(server: EmulatorServer) -> None:
    def create(index: int) -> tuple[int, int]:
        client = Arm(server.url)
        try:
            compute = client.put(compute_path(f"ci{index:03d}x"), compute_instance_body()).status_code
            endpoint = client.put(endpoint_path(f"ep{index:03d}"), endpoint_body()).status_code
            return compute, endpoint
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(create, range(WRITERS)))
    assert results == [(201, 201)] * WRITERS
    client = Arm(server.url)
    try:
        assert sorted(_all_names(client, "computes")) == sorted(f"ci{index:03d}x" for index in range(WRITERS))
        assert sorted(_all_names(client, "batchEndpoints")) == sorted(f"ep{index:03d}" for index in range(WRITERS))
    finally:
        client.close()
    assert len(server.requests_log()) >= 2 * WRITERS


def test_concurrent_writers_to_one_resource_get_one_winner(server: EmulatorServer) -> None:
    def create(_: int) -> int:
        client = Arm(server.url)
        try:
            return client.put(compute_path("contested"), compute_instance_body()).status_code
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(create, range(20)))
    # Nobody polls meanwhile, so the first create stays Creating and every other writer gets a 409.
    assert sorted(statuses) == [201] + [409] * 19
    assert len(server.state()["operations"]) == 1
