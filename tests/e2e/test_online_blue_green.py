"""`examples/online-blue-green` on the real engine: a blue/green roll-out across three `pulumi up`s.

Up 1 creates the endpoint, blue, and 100% traffic to blue; up 2 creates green and then moves the traffic (its
preview says per resource what happens and why); up 3 removes blue. The emulator's request log, replayed in order,
shows that no split ever named a deployment that did not exist yet, that no deployment was deleted while it still
had traffic, and that the service never had to refuse a request; destroy leaves the emulator empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import REPOSITORY, Cli, Project, resource_operations
from support.emulator_queries import resource

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

EXAMPLE = REPOSITORY / "examples" / "online-blue-green"
PROJECT = "azureml-online-blue-green"
WORKSPACE_MARKER = "/onlineendpoints/scoring"


def replay(log: list[dict[str, Any]]) -> list[str]:
    """Problems found by replaying the accepted writes to the endpoint and its deployments, oldest first."""
    problems: list[str] = []
    existing: set[str] = set()
    traffic: dict[str, int] = {}
    for entry in log:
        path = str(entry["path"]).lower()
        if WORKSPACE_MARKER not in path or entry["method"] not in ("PUT", "DELETE"):
            continue
        accepted = entry["status"] in (200, 201, 202, 204)
        if not accepted:
            problems.append(f"refused: {entry['method']} {entry['path']} ({entry['status']})")
            continue
        rest = path.split(WORKSPACE_MARKER, 1)[1]
        if rest.startswith("/deployments/"):
            name = rest.removeprefix("/deployments/")
            if entry["method"] == "PUT":
                existing.add(name)
            else:
                if traffic.get(name):
                    problems.append(f"deployment {name} deleted while it had {traffic[name]}% of the traffic")
                existing.discard(name)
        elif rest == "" and entry["method"] == "PUT":
            body = json.loads(entry["body"] or "{}")
            traffic = {key.lower(): int(value) for key, value in (body["properties"].get("traffic") or {}).items()}
            for name, share in traffic.items():
                if share and name not in existing:
                    problems.append(f"{share}% of the traffic sent to {name}, which did not exist yet")
    return problems


def set_phase(project: Project, phase: str) -> None:
    project.write_stack_config("dev", {f"{PROJECT}:phase": phase})


def up(cli: Cli, project: Project) -> str:
    return cli.run("up", "--yes", "--non-interactive", "--skip-preview", cwd=project.directory).output


def live_traffic(emulator: EmulatorServer) -> dict[str, int]:
    endpoint = resource(emulator, "mlw-e2e", "onlineEndpoints", "scoring")
    assert endpoint is not None
    return dict(endpoint["properties"]["traffic"])


def test_blue_green_roll_out_never_sends_traffic_to_a_missing_deployment(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    project = Project.from_program(tmp_path / "project", EXAMPLE, PROJECT)
    project.write_stack_config("dev", emulator_config)
    cli.run("stack", "init", "dev", cwd=project.directory)
    outputs: list[str] = []

    # Up 1: endpoint → blue → 100% blue.
    outputs.append(up(cli, project))
    assert live_traffic(emulator) == {"blue": 100}
    key = cli.run("stack", "output", "primary_key", cwd=project.directory).output
    assert "[secret]" in key
    # The key is secret everywhere: in clear only with --show-secrets, never in the exported state.
    shown = cli.run("stack", "output", "primary_key", "--show-secrets", cwd=project.directory).output.strip()
    assert len(shown) > 20
    assert shown not in cli.run("stack", "export", cwd=project.directory).output

    # A no-op up sends nothing at all; a refresh finds no drift (the traffic resource and the endpoint agree).
    emulator.clear_requests_log()
    up(cli, project)
    assert emulator.requests_log() == [], emulator.requests_log()
    cli.run("refresh", "--yes", "--non-interactive", "--skip-preview", cwd=project.directory)
    cli.run("preview", "--expect-no-changes", cwd=project.directory)

    # Up 2's preview: green is created, then the split is updated in place, and the provider says why.
    set_phase(project, "green")
    emulator.clear_requests_log()
    preview = cli.run("preview", "--json", cwd=project.directory).json()
    operations = resource_operations(preview)
    assert operations["green"] == "create", operations
    assert operations["traffic"] == "update", operations
    # (`preview --json` lists only resources with a step; blue and the endpoint have none.)
    assert operations.get("blue", "same") == "same" and operations.get("scoring", "same") == "same", operations
    text = cli.run("preview", "--diff", cwd=project.directory).output
    outputs.append(text)
    assert "online endpoint traffic scoring: update in place by full PUT (traffic)" in text, text
    assert [entry for entry in emulator.requests_log() if entry["method"] != "GET"] == [], "a preview wrote"

    outputs.append(up(cli, project))
    assert live_traffic(emulator) == {"green": 100}
    assert resource(emulator, "mlw-e2e", "onlineEndpoints/scoring/deployments", "blue") is not None

    # Up 3: blue removed (the split no longer names it).
    set_phase(project, "done")
    preview = cli.run("preview", "--json", cwd=project.directory).json()
    changed = {name: op for name, op in resource_operations(preview).items() if op != "same"}
    assert changed == {"blue": "delete"}, changed
    outputs.append(up(cli, project))
    assert resource(emulator, "mlw-e2e", "onlineEndpoints/scoring/deployments", "blue") is None
    cli.run("preview", "--expect-no-changes", cwd=project.directory)

    # The key never in clear: not in the CLI's output of any verb, not in any file of the backend.
    printed = "\n".join(outputs)
    assert shown not in printed
    for path in cli.backend.rglob("*"):
        if path.is_file():
            assert shown.encode() not in path.read_bytes(), f"the endpoint key is in clear in {path.name}"

    cli.run("destroy", "--yes", "--non-interactive", "--skip-preview", cwd=project.directory)
    online = [
        entry["id"]
        for entry in emulator.state()["resources"]
        if entry["kind"] in ("onlineEndpoint", "onlineDeployment")
    ]
    assert online == []


def test_the_request_log_replay_catches_a_premature_split() -> None:
    """The replay itself: a split naming a deployment before its PUT, and a delete under traffic, are reported."""
    endpoint = "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w"
    endpoint += "/onlineEndpoints/scoring"
    log = [
        {"method": "PUT", "path": endpoint, "status": 201, "body": json.dumps({"properties": {"traffic": {}}})},
        {"method": "PUT", "path": endpoint, "status": 201, "body": json.dumps({"properties": {"traffic": {"b": 100}}})},
        {"method": "PUT", "path": f"{endpoint}/deployments/b", "status": 201, "body": "{}"},
        {"method": "DELETE", "path": f"{endpoint}/deployments/b", "status": 202, "body": None},
    ]
    assert replay(log) == [
        "100% of the traffic sent to b, which did not exist yet",
        "deployment b deleted while it had 100% of the traffic",
    ]


def test_the_whole_roll_out_replays_clean(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    project = Project.from_program(tmp_path / "project", EXAMPLE, PROJECT)
    project.write_stack_config("dev", emulator_config)
    cli.run("stack", "init", "dev", cwd=project.directory)
    emulator.clear_requests_log()
    for phase in ("blue", "green", "done"):
        set_phase(project, phase)
        up(cli, project)
    set_phase(project, "blue")  # a roll-back to a fresh blue: blue created, then the split, then green deleted
    up(cli, project)
    assert live_traffic(emulator) == {"blue": 100}
    cli.run("destroy", "--yes", "--non-interactive", "--skip-preview", cwd=project.directory)
    problems = replay(emulator.requests_log())
    assert problems == [], problems
    writes = [entry for entry in emulator.requests_log() if WORKSPACE_MARKER in str(entry["path"]).lower()]
    assert any(entry["method"] == "DELETE" for entry in writes)
