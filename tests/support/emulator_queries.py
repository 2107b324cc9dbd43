"""Questions the e2e tests ask the emulator after a `pulumi` command: what it holds, and which requests it got."""

from __future__ import annotations

from typing import Any

from pulumi_azureml.emulator import EmulatorServer

READ_METHODS = frozenset({"GET", "HEAD"})


def resources(emulator: EmulatorServer, collection: str) -> dict[str, dict[str, Any]]:
    """The stored bodies of one ARM collection ("computes", "batchEndpoints"), by ARM id (lower-cased)."""
    marker = f"/{collection.lower()}/"
    return {
        str(entry["id"]).lower(): entry["body"]
        for entry in emulator.state()["resources"]
        if marker in str(entry.get("id", "")).lower()
    }


def resource(emulator: EmulatorServer, workspace: str, collection: str, name: str) -> dict[str, Any] | None:
    """The stored body of one resource of ``workspace``, or None."""
    suffix = f"/workspaces/{workspace}/{collection}/{name}".lower()
    return next((body for rid, body in resources(emulator, collection).items() if rid.endswith(suffix)), None)


def writes(emulator: EmulatorServer) -> list[str]:
    """`METHOD path` of every logged request that is not a read (PUT, PATCH, POST, DELETE)."""
    return [
        f"{entry['method']} {entry['path']}" for entry in emulator.requests_log() if entry["method"] not in READ_METHODS
    ]


def touching(emulator: EmulatorServer, workspace: str) -> list[str]:
    """`METHOD path` of every logged request under ``workspace`` (any method)."""
    marker = f"/workspaces/{workspace}".lower()
    return [
        f"{entry['method']} {entry['path']}"
        for entry in emulator.requests_log()
        if marker in str(entry["path"]).lower()
    ]


def computes_created_at_once(log: list[dict[str, Any]]) -> tuple[int, set[str]]:
    """The largest number of computes whose create was running at one point of the request log, and every compute
    whose create was accepted.

    A create runs from its accepted PUT to the GET of the compute that follows its operation's end (the polls go to
    the operation-status URL, not to the compute), so the log's order alone, not its timing, shows the overlap.
    """
    running: set[str] = set()
    accepted: set[str] = set()
    most = 0
    for entry in log:
        path = str(entry["path"])
        if "/computes/" not in path:
            continue
        name = path.rsplit("/computes/", 1)[1].split("/")[0]
        if entry["method"] == "PUT" and entry["status"] in (200, 201):
            running.add(name)
            accepted.add(name)
            most = max(most, len(running))
        elif entry["method"] == "GET" and name in running and entry["status"] == 200:
            running.discard(name)
    return most, accepted
