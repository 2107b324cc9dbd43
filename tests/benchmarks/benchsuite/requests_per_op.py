"""Section 1: HTTP requests per Pulumi operation, per resource kind, against the minimum the ARM contract allows.

Each kind lives alone in its own harness stack (prerequisites such as the cluster and endpoints live in another
stack), so everything the emulator logs during a verb belongs to that one resource. The emulator finishes each
long-running operation on its ``POLLS``-th poll and answers ``Retry-After: 0``, so the count is exact and the
section is quick; the polls are part of the minimum.
"""

from __future__ import annotations

import functools
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

import pulumi_azureml as azureml
from benchsuite.common import (
    ERROR,
    INFO,
    MET,
    NOT_MET,
    PROJECT,
    SECRET_CONFIG_KEYS,
    SUBSCRIPTION,
    WORKSPACE_PATH,
    Budget,
    Row,
    SectionResult,
    request_label,
    running_emulator,
    stack_config,
)
from pulumi_azureml.emulator import EmulatorServer

from harness import DeploymentResult, Stack

POLLS = 2
"""Polls the emulator needs before an operation ends (its ``polls_to_complete``)."""

KINDS = ("Compute", "BatchEndpoint", "BatchDeployment", "BatchEndpointDefaultDeployment", "Workspace")
OPS = ("preview", "create", "no-op up", "update (PATCH)", "update (PUT)", "replace", "refresh", "delete")
SHORT_OPS = "preview/create/no-op up/update PATCH/update PUT/replace/refresh/delete"

STORAGE = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-bench/providers/Microsoft.Storage/storageAccounts/"
VAULT = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-bench/providers/Microsoft.KeyVault/vaults/mlwbenchvault"
PREREQ_CLUSTER_ID = f"{WORKSPACE_PATH}/computes/prereqcluster"


@dataclass(frozen=True)
class Scenario:
    """One resource kind: its program at each change level and the updates it supports."""

    kind: str
    resource: str
    """The Pulumi resource name in the program."""
    declare: Callable[[int], None]
    """Registers the resource at a change level: 0 as created, then each entry of ``updates`` cumulatively."""
    updates: tuple[str, ...]
    """The ops of levels 1, 2...: some of "update (PATCH)", "update (PUT)", then "replace"."""


def _compute(level: int) -> None:
    azureml.Compute(
        "benchcluster",
        compute_type="AmlCompute",
        vm_size="STANDARD_NC6" if level >= 3 else "STANDARD_DS3_V2",
        description="v2" if level >= 2 else "v1",
        scale_settings=azureml.ScaleSettingsArgs(max_node_count=3 if level >= 1 else 2, min_node_count=0),
    )


def _endpoint(level: int) -> None:
    azureml.BatchEndpoint(
        "benchendpoint",
        auth_mode="AMLToken" if level >= 3 else "AADToken",
        description="v2" if level >= 2 else "v1",
        tags={"env": "prod" if level >= 1 else "dev"},
    )


def _deployment_args(endpoint: pulumi.Input[str], name: str, **changes: Any) -> azureml.BatchDeploymentArgs:
    return azureml.BatchDeploymentArgs(
        endpoint_name=endpoint,
        name=name,
        model=azureml.AssetReferenceArgs(
            reference_type="Id", asset_id=f"azureml:{WORKSPACE_PATH}/models/churn/versions/1"
        ),
        code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py"),
        environment_id=f"azureml:{WORKSPACE_PATH}/environments/sklearn/versions/1",
        compute=PREREQ_CLUSTER_ID,
        resources=azureml.DeploymentResourcesArgs(instance_count=1),
        **changes,
    )


def _deployment(level: int) -> None:
    azureml.BatchDeployment(
        "benchdeployment",
        _deployment_args(
            "scoring",
            "benchdeployment",
            description="v2" if level >= 1 else "v1",
            mini_batch_size=20 if level >= 2 else 10,
            # The property bag may only grow: altering an entry is a replacement.
            properties={"revision": "2" if level >= 3 else "1"},
        ),
    )


def _default_deployment(level: int) -> None:
    azureml.BatchEndpointDefaultDeployment(
        "benchdefault",
        endpoint_name="scoring2" if level >= 2 else "scoring",
        deployment_name="green" if level == 1 else "blue",
    )


def _workspace(level: int) -> None:
    workspace_class = getattr(azureml, "Workspace", None)
    if workspace_class is None:
        raise RuntimeError("pulumi_azureml has no Workspace resource")
    workspace_class(
        "benchws",
        location="eastus",
        friendly_name="v2" if level >= 1 else "v1",
        storage_account=STORAGE + ("mlwbenchstore2" if level >= 2 else "mlwbenchstore"),
        key_vault=VAULT,
        # A same-name replacement needs the old workspace purged, not soft-deleted (it would block the name).
        purge_on_delete=True,
    )


def _prerequisites() -> None:
    """The cluster, endpoints and deployments the batch scenarios refer to, in a stack of their own."""
    azureml.Compute(
        "prereqcluster",
        compute_type="AmlCompute",
        vm_size="STANDARD_DS3_V2",
        scale_settings=azureml.ScaleSettingsArgs(max_node_count=2),
    )
    for endpoint in ("scoring", "scoring2"):
        created = azureml.BatchEndpoint(endpoint)
        colours = ("blue", "green") if endpoint == "scoring" else ("blue",)
        for colour in colours:
            azureml.BatchDeployment(f"{endpoint}-{colour}", _deployment_args(created.name, colour))


SCENARIOS = {
    "Compute": Scenario("Compute", "benchcluster", _compute, ("update (PATCH)", "update (PUT)", "replace")),
    "BatchEndpoint": Scenario(
        "BatchEndpoint", "benchendpoint", _endpoint, ("update (PATCH)", "update (PUT)", "replace")
    ),
    "BatchDeployment": Scenario(
        "BatchDeployment", "benchdeployment", _deployment, ("update (PATCH)", "update (PUT)", "replace")
    ),
    "BatchEndpointDefaultDeployment": Scenario(
        "BatchEndpointDefaultDeployment", "benchdefault", _default_deployment, ("update (PUT)", "replace")
    ),
    "Workspace": Scenario("Workspace", "benchws", _workspace, ("update (PATCH)", "replace")),
}


def minimums(kind: str, polls: int) -> dict[str, tuple[int, str]]:
    """The fewest requests each op can make under the ARM contract, with what they are."""
    p = f"{polls} poll{'s' if polls != 1 else ''}"
    delete = (1 + polls, f"DELETE + {p}")
    patch: tuple[int, str] | None = (2 + polls, f"PATCH + {p} + final GET")
    put: tuple[int, str] | None = (2 + polls, f"PUT + {p} + final GET")
    if kind == "Workspace":
        create = (3 + polls, f"existence GET + PUT + {p} + final GET (location is given: no workspace GET)")
        patch = (1, "PATCH (answered 200 at once)")
        put = None
    elif kind == "BatchEndpointDefaultDeployment":
        rmw = "GET endpoint (read-modify-write: a PUT replaces the whole endpoint body) + PUT"
        create = (3 + polls, f"{rmw} + {p} + final GET")
        put = create
        patch = None
        delete = (3 + polls, f"{rmw} without the default + {p} + final GET")
    else:
        create = (
            4 + polls,
            f"existence GET + workspace GET (location defaults to the workspace's; setting location saves it) "
            f"+ PUT + {p} + final GET",
        )
        if kind == "BatchEndpoint":
            put = (
                3 + polls,
                f"GET (keep properties.defaults, owned by BatchEndpointDefaultDeployment) + PUT + {p} + final GET",
            )
    table: dict[str, tuple[int, str]] = {
        "preview": (0, "no request: check/diff only"),
        "create": create,
        "no-op up": (0, "no request: diff says same"),
        "replace": (delete[0] + create[0], "delete + create"),
        "refresh": (1, "GET"),
        "delete": delete,
    }
    if patch is not None:
        table["update (PATCH)"] = patch
    if put is not None:
        table["update (PUT)"] = put
    return table


@dataclass
class OpMeasurement:
    op: str
    requests: list[str]
    minimum: int
    explanation: str
    steps: list[str]
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": len(self.requests),
            "minimum": self.minimum,
            "minimum_is": self.explanation,
            "sequence": self.requests,
            "pulumi_steps": self.steps,
            "seconds": round(self.seconds, 3),
        }


def _measure(
    emulator: EmulatorServer, op: str, resource: str, minimum: tuple[int, str], verb: Callable[[], DeploymentResult]
) -> OpMeasurement:
    emulator.clear_requests_log()
    started = time.perf_counter()
    result = verb()
    elapsed = time.perf_counter() - started
    requests = [request_label(entry) for entry in emulator.requests_log()]
    steps = [step.op for step in result.steps_for(resource)]
    return OpMeasurement(op, requests, minimum[0], minimum[1], steps, elapsed)


EXPECTED_STEPS = {
    "preview": "create",
    "create": "create",
    "no-op up": "same",
    "update (PATCH)": "update",
    "update (PUT)": "update",
    "replace": "replace",
    "refresh": "same",
    "delete": "delete",
}


def measure_kind(emulator: EmulatorServer, scenario: Scenario, state_dir: Path) -> list[OpMeasurement]:
    """Every op of one kind, in lifecycle order, in a stack of its own."""
    stack = Stack(
        state_dir / f"{scenario.kind}.json",
        stack_config(emulator, pollIntervalSeconds="0"),
        secret_config_keys=SECRET_CONFIG_KEYS,
        project=PROJECT,
    )
    table = minimums(scenario.kind, POLLS)

    def program(level: int) -> Callable[[], None]:
        return lambda: scenario.declare(level)

    plan: list[tuple[str, Callable[[], DeploymentResult]]] = [
        ("preview", lambda: stack.preview(program(0))),
        ("create", lambda: stack.up(program(0))),
        ("no-op up", lambda: stack.up(program(0))),
    ]
    for level, op in enumerate(scenario.updates, start=1):
        plan.append((op, functools.partial(stack.up, program(level))))
    plan += [("refresh", stack.refresh), ("delete", stack.destroy)]
    return [_measure(emulator, op, scenario.resource, table[op], verb) for op, verb in plan]


def _row(kind: str, measurements: list[OpMeasurement]) -> Row:
    by_op = {m.op: m for m in measurements}
    measured = "/".join(str(len(by_op[op].requests)) if op in by_op else "-" for op in OPS)
    minimum = "/".join(str(by_op[op].minimum) if op in by_op else "-" for op in OPS)
    over = [f"{m.op} +{len(m.requests) - m.minimum}" for m in measurements if len(m.requests) > m.minimum]
    wrong_steps = [f"{m.op} gave {m.steps}" for m in measurements if EXPECTED_STEPS[m.op] not in m.steps]
    notes = []
    if over:
        notes.append("over the minimum: " + ", ".join(over))
    if wrong_steps:
        notes.append("unexpected Pulumi steps: " + "; ".join(wrong_steps))
    return Row(
        "1 requests/op",
        kind,
        measured,
        f"= {minimum}",
        MET if not over and not wrong_steps else NOT_MET,
        "; ".join(notes),
    )


def run(budget: Budget, kinds: tuple[str, ...] = KINDS) -> SectionResult:
    result = SectionResult("requests", "Requests per operation (emulator request log)")
    result.details["emulator"] = {"polls_to_complete": POLLS, "retry_after": 0}
    with running_emulator(polls_to_complete=POLLS, retry_after=0) as emulator, tempfile.TemporaryDirectory() as tmp:
        state_dir = Path(tmp)
        if any(kind.startswith("Batch") for kind in kinds):
            prereqs = Stack(
                state_dir / "prereqs.json",
                stack_config(emulator, pollIntervalSeconds="0"),
                secret_config_keys=SECRET_CONFIG_KEYS,
                project=PROJECT,
            )
            prereqs.up(_prerequisites)
        for kind in kinds:
            try:
                measurements = measure_kind(emulator, SCENARIOS[kind], state_dir)
            except Exception as error:  # one kind failing must not hide the others' figures
                result.rows.append(Row("1 requests/op", kind, "failed", "", ERROR, _short(error)))
                result.details[kind] = {"error": repr(error)}
                continue
            result.rows.append(_row(kind, measurements))
            result.details[kind] = {m.op: m.to_json() for m in measurements}
    result.rows.insert(
        0,
        Row(
            "1 requests/op",
            f"HTTP requests per op: {SHORT_OPS}",
            "measured",
            "= minimum",
            INFO,
            f"the emulator ends each operation on poll {POLLS} (Retry-After: 0); minimum = existence GET + "
            "[workspace GET when location defaults to the workspace's] + write + polls + final GET; "
            "request sequences in the JSON",
        ),
    )
    return result


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[-1] if text else ''}"[:200]
