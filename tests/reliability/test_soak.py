"""Soak: a bounded random walk of program edits, refreshes, out-of-band changes and faults through the real host.

Each step is one of:

- an ``up`` of an edited program: scale, tags, description, a replace-triggering change (VM size, an altered
  endpoint property, a deployment's instance count), or adding/removing a cluster, the endpoint, a deployment, the
  default routing, or a workspace;
- a ``refresh``;
- an out-of-band change made with direct HTTP to the emulator (a scale, a tag, a deletion), followed by a refresh.

Before about 20% of the steps a fault rule is injected (throttling, 5xx, 409 AnotherOperationInProgress, a dropped
connection, latency, an operation ending Failed or Canceled). After every step the invariants are checked: strict
(state matches the emulator and the program; no orphan; no duplicate) after a step that succeeded, weak after one
that failed, which is then followed by a recovery ``up`` that must succeed and pass the strict checks. The walk ends
with ``destroy`` and an emulator holding nothing but the seeded resource group and workspace.

A fixed seed makes a walk reproducible (the seed is in the test id and in every failure message). The default run
walks 30 steps; ``-m slow`` walks 400 with a wall-time limit.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.arm.auth import StaticTokenSource
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider

from harness import DeploymentError, HostError, Stack
from reliability.catalogue import WORKSPACE_PATH, Declared, cluster, default_deployment, deployment, endpoint, workspace
from reliability.conftest import TOKENS, arm_request, fast_client, wait_for_delayed_answers
from reliability.host_programs import host_stack, program_of, state_entries
from reliability.invariants import held_resources, seeded_ids, strict_problems, weak_problems

RETRY_AFTER_ZERO = {"Retry-After": "0"}
FAULT_PROBABILITY = 0.2
VM_SIZES = ("STANDARD_DS3_V2", "STANDARD_D2_V3")
PATH_GLOBS = ("*/computes/*", "*/batchendpoints/*", "*/deployments/*", "*")
WRITE_METHODS = ("PUT", "PATCH", "DELETE", "*")


@dataclass
class World:
    """The program the walk is at, as plain data (the soak's own model, turned into declarations on demand)."""

    clusters: dict[str, dict[str, Any]] = field(default_factory=dict)
    endpoint: dict[str, Any] | None = None
    deployments: dict[str, dict[str, Any]] = field(default_factory=dict)
    routing: str | None = None
    workspace: dict[str, Any] | None = None

    def declarations(self) -> dict[str, Declared]:
        program: dict[str, Declared] = {}
        if self.workspace is not None:
            program["mlw-soak"] = workspace("mlw-soak", **self.workspace)
        for name, settings in self.clusters.items():
            program[name] = cluster(
                name,
                vm_size=settings["vm_size"],
                scale_settings={"max_node_count": settings["max"], "min_node_count": 0},
                tags=settings["tags"],
                **({"description": settings["description"]} if settings.get("description") else {}),
            )
        if self.endpoint is not None:
            program["scoring"] = endpoint("scoring", **self.endpoint)
            for name, settings in self.deployments.items():
                program[name] = deployment(
                    "scoring",
                    name,
                    settings["cluster"],
                    description=settings["description"],
                    tags=settings["tags"],
                    resources={"instance_count": settings["instances"]},
                )
            if self.routing is not None:
                program["routing"] = default_deployment("scoring", self.routing)
        return program


@dataclass
class Walk:
    """One random walk: the stack, the world, the random source and the tallies reported at the end."""

    seed: int
    stack: Stack
    emulator: EmulatorServer
    make_provider: Callable[[str], AzureMLProvider]
    seeded: frozenset[str]
    world: World = field(default_factory=World)
    steps: int = 0
    faults_injected: int = 0
    failed_steps: int = 0
    tally: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)

    # -- checks ---------------------------------------------------------------------------------------------------

    def label(self, what: str) -> str:
        return f"[seed {self.seed}, step {self.steps}: {what}]"

    def strict(self, what: str) -> None:
        names, entries = state_entries(self.stack)
        problems = strict_problems(
            self.emulator, entries, self.world.declarations(), names, self.make_provider, seeded=self.seeded
        )
        assert not problems, f"{self.label(what)} " + "; ".join(problems)

    def after_refresh(self, what: str) -> None:
        """After a refresh: every entry exists as state says (drift included), and there are no orphans."""
        names, entries = state_entries(self.stack)
        problems = weak_problems(self.emulator, entries, self.world.declarations(), seeded=self.seeded)
        held = held_resources(self.emulator, self.seeded)
        state_ids = {entry.id.lower() for entry in entries}
        problems += [f"orphan: {identifier}" for identifier in held if identifier not in state_ids]
        assert not problems, f"{self.label(what)} " + "; ".join(problems)

    # -- steps ----------------------------------------------------------------------------------------------------

    def step(self) -> None:
        self.steps += 1
        roll = self.random.random()
        if roll < 0.6:
            what = self.edit()
            self.run("up", what)
        elif roll < 0.75:
            self.run("refresh", "refresh")
        else:
            what = self.out_of_band()
            self.run("refresh", f"{what} + refresh")

    def run(self, verb: str, what: str) -> None:
        self.count(what.split(" ")[0])
        fault = self.maybe_fault()
        try:
            if verb == "up":
                self.stack.up(program_of(self.world.declarations()))
            else:
                self.stack.refresh()
        except (HostError, DeploymentError) as error:
            wait_for_delayed_answers(self.emulator)
            self.emulator.clear_faults()
            if fault is None or not fault.get("permanent"):
                raise AssertionError(f"{self.label(what)} failed without a permanent fault: {error}") from error
            self.failed_steps += 1
            names, entries = state_entries(self.stack)
            problems = weak_problems(self.emulator, entries, self.world.declarations(), seeded=self.seeded)
            assert not problems, f"{self.label(what + ' (failed)')} " + "; ".join(problems)
            self.steps += 1
            self.stack.up(program_of(self.world.declarations()))
            self.strict(f"recovery after {what}")
            return
        wait_for_delayed_answers(self.emulator)
        self.emulator.clear_faults()
        if verb == "up":
            self.strict(what)
        else:
            self.after_refresh(what)

    def count(self, what: str) -> None:
        self.tally[what] = self.tally.get(what, 0) + 1

    def maybe_fault(self) -> dict[str, Any] | None:
        if self.random.random() >= FAULT_PROBABILITY:
            return None
        self.faults_injected += 1
        path = self.random.choice(PATH_GLOBS)
        choice = self.random.choice(("429", "500", "503", "409", "drop", "latency", "failed", "canceled"))
        self.count(f"fault {choice}")
        rule: dict[str, Any]
        permanent = False
        if choice in ("429", "500", "503"):
            rule = {"status": int(choice), "headers": RETRY_AFTER_ZERO, "times": self.random.randint(1, 3)}
        elif choice == "409":
            rule = {"status": 409, "error_code": "AnotherOperationInProgress", "headers": RETRY_AFTER_ZERO, "times": 2}
        elif choice == "drop":
            rule = {"drop": True, "times": 1}  # the host backs off for real (1-2 s): kept rare by the choice list
        elif choice == "latency":
            rule = {"latency_seconds": 0.05, "times": 3}
        else:
            permanent = True
            rule = {"lro_status": "Failed" if choice == "failed" else "Canceled", "times": 1}
        method = self.random.choice(WRITE_METHODS) if permanent else self.random.choice((*WRITE_METHODS, "GET"))
        self.emulator.add_fault(method=method, path=path, **rule)
        return {"permanent": permanent, **rule}

    def edit(self) -> str:
        """Change the program; returns what changed (for reports)."""
        world = self.world
        options: list[Callable[[], str]] = [self.add_cluster]
        if world.clusters:
            options += [self.scale, self.retag_cluster, self.describe_cluster, self.resize_cluster]
        if world.endpoint is None:
            options.append(self.add_endpoint)
        else:
            options += [self.retag_endpoint, self.describe_endpoint]
            if not world.deployments:
                options += [self.remove_endpoint, self.alter_endpoint_property]
            if world.clusters and len(world.deployments) < 2:
                options.append(self.add_deployment)
        if world.deployments:
            options += [self.retag_deployment, self.rescale_deployment, self.remove_deployment]
            if world.routing is None:
                options.append(self.add_routing)
            else:
                options += [self.reroute, self.remove_routing]
        removable = [name for name in world.clusters if all(d["cluster"] != name for d in world.deployments.values())]
        if removable:
            options.append(lambda: self.remove_cluster(self.random.choice(removable)))
        options.append(self.toggle_workspace if world.workspace is None else self.change_workspace)
        return self.random.choice(options)()

    def add_cluster(self) -> str:
        free = [name for name in ("cluster-a", "cluster-b", "cluster-c") if name not in self.world.clusters]
        if not free:
            return self.scale()
        self.world.clusters[free[0]] = {"vm_size": VM_SIZES[0], "max": 2, "tags": {"team": "ml"}, "description": None}
        return "add-cluster"

    def scale(self) -> str:
        settings = self.world.clusters[self.random.choice(sorted(self.world.clusters))]
        settings["max"] = self.random.choice([n for n in range(1, 6) if n != settings["max"]])
        return "scale"

    def retag_cluster(self) -> str:
        settings = self.world.clusters[self.random.choice(sorted(self.world.clusters))]
        settings["tags"] = {"team": "ml", "cost": str(self.random.randint(1, 999))}
        return "tags"

    def describe_cluster(self) -> str:
        settings = self.world.clusters[self.random.choice(sorted(self.world.clusters))]
        settings["description"] = f"cluster {self.random.randint(1, 999)}"
        return "description"

    def resize_cluster(self) -> str:
        settings = self.world.clusters[self.random.choice(sorted(self.world.clusters))]
        settings["vm_size"] = VM_SIZES[1] if settings["vm_size"] == VM_SIZES[0] else VM_SIZES[0]
        return "replace"

    def remove_cluster(self, name: str) -> str:
        del self.world.clusters[name]
        return "remove-cluster"

    def add_endpoint(self) -> str:
        self.world.endpoint = {"description": "batch scoring", "tags": {"env": "dev"}, "properties": {"team": "ml"}}
        return "add-endpoint"

    def retag_endpoint(self) -> str:
        assert self.world.endpoint is not None
        self.world.endpoint["tags"] = {"env": self.random.choice(("dev", "test", "prod"))}
        return "tags"

    def describe_endpoint(self) -> str:
        assert self.world.endpoint is not None
        self.world.endpoint["description"] = f"scoring {self.random.randint(1, 999)}"
        return "description"

    def alter_endpoint_property(self) -> str:
        assert self.world.endpoint is not None
        self.world.endpoint["properties"] = {"team": f"team-{self.random.randint(1, 999)}"}
        return "replace"

    def remove_endpoint(self) -> str:
        self.world.endpoint = None
        return "remove-endpoint"

    def add_deployment(self) -> str:
        name = "blue" if "blue" not in self.world.deployments else "green"
        self.world.deployments[name] = {
            "cluster": self.random.choice(sorted(self.world.clusters)),
            "description": "a model",
            "tags": {"model": "churn"},
            "instances": 1,
        }
        return "add-deployment"

    def retag_deployment(self) -> str:
        settings = self.world.deployments[self.random.choice(sorted(self.world.deployments))]
        settings["tags"] = {"model": f"v{self.random.randint(1, 99)}"}
        settings["description"] = f"model {self.random.randint(1, 99)}"
        return "tags"

    def rescale_deployment(self) -> str:
        settings = self.world.deployments[self.random.choice(sorted(self.world.deployments))]
        settings["instances"] = 2 if settings["instances"] == 1 else 1
        return "replace"

    def remove_deployment(self) -> str:
        name = self.random.choice(sorted(self.world.deployments))
        del self.world.deployments[name]
        if self.world.routing == name:
            self.world.routing = None
        return "remove-deployment"

    def add_routing(self) -> str:
        self.world.routing = self.random.choice(sorted(self.world.deployments))
        return "add-routing"

    def reroute(self) -> str:
        self.world.routing = self.random.choice(sorted(self.world.deployments))
        return "reroute"

    def remove_routing(self) -> str:
        self.world.routing = None
        return "remove-routing"

    def toggle_workspace(self) -> str:
        self.world.workspace = {"description": "soak workspace"}
        return "add-workspace"

    def change_workspace(self) -> str:
        if self.random.random() < 0.3:
            self.world.workspace = None
            return "remove-workspace"
        assert self.world.workspace is not None
        self.world.workspace["description"] = f"soak workspace {self.random.randint(1, 999)}"
        return "description"

    # -- out of band --------------------------------------------------------------------------------------------------

    def out_of_band(self) -> str:
        """Change something the stack manages, directly; only resources state says exist (a refresh ran since)."""
        world = self.world
        existing, _ = state_entries(self.stack)
        clusters = [name for name in world.clusters if name in existing]
        choices: list[Callable[[], str]] = []
        if clusters:
            choices.append(lambda: self.scale_out_of_band(self.random.choice(clusters)))
        if world.endpoint is not None and "scoring" in existing:
            choices.append(self.retag_endpoint_out_of_band)
        idle = [name for name in world.deployments if name != world.routing and name in existing]
        if idle:
            deployments = f"{WORKSPACE_PATH}/batchEndpoints/scoring/deployments"
            choices.append(lambda: self.delete_out_of_band(f"{deployments}/{self.random.choice(idle)}"))
        unused = [name for name in clusters if all(d["cluster"] != name for d in world.deployments.values())]
        if unused:
            choices.append(lambda: self.delete_out_of_band(f"{WORKSPACE_PATH}/computes/{self.random.choice(unused)}"))
        if not choices:
            return "out-of-band-nothing"
        return self.random.choice(choices)()

    def scale_out_of_band(self, name: str) -> str:
        body = {"properties": {"properties": {"scaleSettings": {"maxNodeCount": 9, "minNodeCount": 0}}}}
        response = arm_request(self.emulator, "PATCH", f"{WORKSPACE_PATH}/computes/{name}", body)
        assert response.status_code < 300, response.text
        return "out-of-band-scale"

    def retag_endpoint_out_of_band(self) -> str:
        body = {"tags": {"env": "changed-in-the-portal"}}
        response = arm_request(self.emulator, "PATCH", f"{WORKSPACE_PATH}/batchEndpoints/scoring", body)
        assert response.status_code < 300, response.text
        return "out-of-band-tags"

    def delete_out_of_band(self, path: str) -> str:
        query = {"underlyingResourceAction": "Delete"} if "/computes/" in path else None
        response = arm_request(self.emulator, "DELETE", path, query=query)
        assert response.status_code < 300, response.text
        # Let the deletion finish (a GET observes the operation).
        for _ in range(20):
            if arm_request(self.emulator, "GET", path).status_code == 404:
                break
        return "out-of-band-delete"

    def finish(self) -> None:
        self.stack.destroy()
        leaks = held_resources(self.emulator, self.seeded)
        assert not leaks, f"{self.label('destroy')} left behind: {sorted(leaks)}"


def walk(
    tmp_path: Path,
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    *,
    seed: int,
    steps: int,
    wall_seconds: float,
) -> Walk:
    install_client(fast_client(emulator, StaticTokenSource(TOKENS[-1])))
    state = Walk(seed, host_stack(tmp_path, emulator), emulator, make_provider, seeded_ids(emulator))
    started = time.monotonic()
    while state.steps < steps and time.monotonic() - started < wall_seconds:
        state.step()
    state.finish()
    elapsed = time.monotonic() - started
    print(
        f"soak seed {seed}: {state.steps} steps in {elapsed:.1f} s, {state.faults_injected} faults injected, "
        f"{state.failed_steps} failed steps recovered, leaks 0; {dict(sorted(state.tally.items()))}"
    )
    return state


@pytest.mark.timeout(120)
def test_short_soak(
    tmp_path: Path,
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
) -> None:
    result = walk(tmp_path, emulator, install_client, make_provider, seed=20260101, steps=30, wall_seconds=90)
    assert result.steps >= 30


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("seed", [7, 1234])
def test_long_soak(
    tmp_path: Path,
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
    seed: int,
) -> None:
    result = walk(tmp_path, emulator, install_client, make_provider, seed=seed, steps=400, wall_seconds=360)
    assert result.steps >= 200, f"only {result.steps} steps within the wall-time limit"
