"""``null`` where a list item or an object is expected never makes the emulator fail (issue 23).

The service reads a body into typed .NET models: a ``null`` in a list of numbers cannot be read at all, and a
``null`` object or list item is refused by validation; the emulator answers each with a 400 naming the field, never
a 500 (before: ``schedule.hours: [null]`` on a ComputeInstance was a 500 ``TypeError``).

A bounded, deterministic sweep over the emulator's own schema tables (``emulator.schemas`` and the asset tables):
for each kind, a valid body, then every declared member path set to ``null``, to ``[null]`` / ``[valid, null]``
when it is a list, and to ``{member: null}`` for each member when it is an object, the missing parents filled with
minimal valid values. Then a seeded sample of bodies with two such mutations at once.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer, schemas
from pulumi_azureml.emulator.handlers import assets

from emulator_helpers import (
    LOCATION,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    WORKSPACE,
    Arm,
    aml_compute_body,
    compute_path,
    deployment_body,
    deployment_path,
    endpoint_body,
    endpoint_path,
    resource_group_path,
    workspace_path,
)

Path = tuple[str | int, ...]
ONLINE_ENDPOINT = f"{workspace_path()}/onlineEndpoints/ep1"


def _instance() -> dict[str, Any]:
    schedule = {
        "action": "Stop",
        "triggerType": "Recurrence",
        "recurrence": {
            "frequency": "Week",
            "interval": 1,
            "schedule": {"hours": [18], "minutes": [0], "weekDays": ["Friday"], "monthDays": [1]},
        },
    }
    cron = {"action": "Start", "triggerType": "Cron", "cron": {"expression": "0 8 * * 1"}}
    return {
        "location": LOCATION,
        "properties": {
            "computeType": "ComputeInstance",
            "properties": {"vmSize": "STANDARD_DS3_V2", "schedules": {"computeStartStop": [schedule, cron]}},
        },
    }


def _workspace() -> dict[str, Any]:
    return {
        "location": LOCATION,
        "properties": {
            "storageAccount": f"{resource_group_path()}/providers/Microsoft.Storage/storageAccounts/store1",
            "keyVault": f"{resource_group_path()}/providers/Microsoft.KeyVault/vaults/vault1",
        },
    }


def _datastore() -> dict[str, Any]:
    key = {"secretsType": "AccountKey", "key": "a2V5"}
    return {
        "properties": {
            "datastoreType": "AzureBlob",
            "accountName": "mystorage",
            "containerName": "data",
            "credentials": {"credentialsType": "AccountKey", "secrets": key},
        }
    }


def _environment() -> dict[str, Any]:
    return {"properties": {"image": "python:3.11-slim", "inferenceConfig": {"scoringRoute": {"path": "/s", "port": 1}}}}


def _online_deployment() -> dict[str, Any]:
    return {
        "location": LOCATION,
        "sku": {"name": "Default", "capacity": 1},
        "properties": {
            "endpointComputeType": "Managed",
            "model": f"{workspace_path()}/models/m/versions/1",
            "instanceType": "Standard_DS3_v2",
        },
    }


def _model() -> dict[str, Any]:
    return {"properties": {"modelUri": "https://example.blob.core.windows.net/c/model.pkl", "modelType": "custom"}}


def _data() -> dict[str, Any]:
    return {"properties": {"dataType": "uri_file", "dataUri": "https://example.blob.core.windows.net/c/d.csv"}}


def _code() -> dict[str, Any]:
    return {"properties": {"codeUri": "https://example.blob.core.windows.net/c/score"}}


Kind = tuple[schemas.Prop, Callable[[str], str], Callable[[], dict[str, Any]], str]
"""(table, path of the resource named so, valid body, what must exist first)."""

KINDS: dict[str, Kind] = {
    "ComputeInstance": (schemas.COMPUTE, compute_path, _instance, ""),
    "AmlCompute": (schemas.COMPUTE, compute_path, aml_compute_body, ""),
    "Workspace": (schemas.WORKSPACE, lambda name: workspace_path(f"ws-{name}"), _workspace, ""),
    "BatchEndpoint": (schemas.BATCH_ENDPOINT, endpoint_path, endpoint_body, ""),
    "BatchDeployment": (schemas.BATCH_DEPLOYMENT, lambda name: deployment_path("bep1", name), deployment_body, "batch"),
    "OnlineEndpoint": (
        schemas.ONLINE_ENDPOINT,
        lambda name: f"{workspace_path()}/onlineEndpoints/{name}",
        lambda: {"location": LOCATION, "properties": {"authMode": "Key"}},
        "",
    ),
    "OnlineDeployment": (
        schemas.ONLINE_DEPLOYMENT,
        lambda name: f"{ONLINE_ENDPOINT}/deployments/{name}",
        _online_deployment,
        "online",
    ),
    "Datastore": (schemas.DATASTORE, lambda name: f"{workspace_path()}/datastores/{name}", _datastore, ""),
    "EnvironmentVersion": (
        schemas.ENVIRONMENT_VERSION,
        lambda name: f"{workspace_path()}/environments/{name}/versions/1",
        _environment,
        "",
    ),
    "ModelVersion": (assets.MODEL_VERSION, lambda name: f"{workspace_path()}/models/{name}/versions/1", _model, ""),
    "DataVersion": (assets.DATA_VERSION, lambda name: f"{workspace_path()}/data/{name}/versions/1", _data, ""),
    "CodeVersion": (assets.CODE_VERSION, lambda name: f"{workspace_path()}/codes/{name}/versions/1", _code, ""),
}


# ---------------------------------------------------------------------------------------------- mutations


def _member_table(table: schemas.Prop, body: Any, name: str) -> schemas.Prop | None:
    if name in table.members:
        return table.members[name]
    if table.discriminator and name == table.variant_member and isinstance(body, dict):
        selector = body.get(table.discriminator)
        return table.variants.get(selector) if isinstance(selector, str) else None
    return None


def _minimal(table: schemas.Prop) -> Any:
    """A small value the table accepts (required members only)."""
    if table.kind in ("int32", "int64", "number"):
        return max(1, table.minimum or 1)
    if table.kind == "boolean":
        return True
    if table.kind == "duration":
        return "PT5M"
    if table.kind == "string":
        return table.enum[0] if table.enum else "x1"
    if table.kind == "array":
        return [_minimal(table.items or schemas.ANY)]
    if table.kind == "map":
        return {"k": _minimal(table.items or schemas.ANY)}
    if table.kind == "object":
        return {name: _minimal(member) for name, member in table.members.items() if member.required}
    return "x1"


def _paths(table: schemas.Prop, body: Any, prefix: Path = (), depth: int = 0) -> Iterator[tuple[Path, schemas.Prop]]:
    """Every member path the table declares (list items as index 0, map values as key ``k``), with its table."""
    if depth > 8:
        return
    if table.kind == "object":
        names = list(table.members) + ([table.variant_member] if table.discriminator else [])
        for name in names:
            child_body = body.get(name) if isinstance(body, dict) else None
            member = _member_table(table, body, name)
            if member is None:
                continue
            yield (*prefix, name), member
            yield from _paths(member, child_body, (*prefix, name), depth + 1)
    elif table.kind == "array" and table.items is not None:
        item_body = body[0] if isinstance(body, list) and body else None
        yield from _paths(table.items, item_body, (*prefix, 0), depth + 1)
    elif table.kind == "map" and table.items is not None:
        yield from _paths(table.items, None, (*prefix, "k"), depth + 1)


def _set(table: schemas.Prop, body: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """``body`` with ``value`` at ``path``, missing parents made minimal and valid."""
    result = copy.deepcopy(body)
    target: Any = result
    current = table
    for position, step in enumerate(path):
        last = position == len(path) - 1
        if current.kind == "object":
            child_table = _member_table(current, target, str(step))
        else:
            child_table = current.items
        if child_table is None:
            return result
        if last:
            if isinstance(target, list):
                target[:] = [value] if not target else [value, *target[1:]]
            else:
                target[step] = value
            return result
        if isinstance(target, list):
            if not target or not isinstance(target[0], dict | list):
                target[:] = [_minimal(child_table)]
            target = target[0]
        else:
            if not isinstance(target.get(step), dict | list):
                target[step] = _minimal(child_table)
            target = target[step]
        current = child_table
    return result


def _mutations(table: schemas.Prop, body: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    yield "body=null", None
    yield "body=[null]", [None]
    for path, member in _paths(table, body):
        label = ".".join(str(step) for step in path)
        yield f"{label}=null", _set(table, body, path, None)
        if member.kind == "array":
            item = _minimal(member.items or schemas.ANY)
            yield f"{label}=[null]", _set(table, body, path, [None])
            yield f"{label}=[valid,null]", _set(table, body, path, [item, None])
        if member.kind == "map":
            yield f"{label}={{k:null}}", _set(table, body, path, {"k": None})
        if member.kind == "object":
            for name in member.members:
                yield f"{label}={{{name}:null}}", _set(table, body, path, {**_minimal(member), name: None})
            yield f"{label}={{}}", _set(table, body, path, {})


# ---------------------------------------------------------------------------------------------- the sweep


@pytest.fixture(scope="module")
def null_server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


def _ready(server: EmulatorServer, arm: Arm, needs: str) -> None:
    server.reset()
    server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
    if needs == "batch":
        assert arm.put(endpoint_path("bep1"), endpoint_body()).status_code == 201
        arm.wait(endpoint_path("bep1"))
    if needs == "online":
        assert arm.put(ONLINE_ENDPOINT, {"location": LOCATION, "properties": {"authMode": "Key"}}).status_code == 201
        arm.wait(ONLINE_ENDPOINT)


def _settle(arm: Arm, path: str) -> None:
    """Wait out the operation an accepted PUT started, so the next PUT is an update, not a 409."""
    for _ in range(20):
        answer = arm.get(path)
        state = answer.json().get("properties", {}).get("provisioningState") if answer.status_code == 200 else None
        if state not in ("Creating", "Updating", "Provisioning", "Deleting", "Resizing"):
            return


def _failures(arm: Arm, cases: list[tuple[str, str, Any]], method: str = "PUT", settle: str = "") -> list[str]:
    failures = []
    for label, path, body in cases:
        # Sent as JSON text, so a null body is the literal ``null`` (``json=None`` would send no body at all).
        text = json.dumps(body)
        answer = arm.request(method, path, data=text, headers={"Content-Type": "application/json"})
        if answer.status_code >= 500:
            failures.append(f"{label}: {answer.status_code} {answer.text[:160]}")
        elif answer.status_code < 300:
            _settle(arm, settle or path)
    return failures


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_null_in_any_declared_place_is_never_a_5xx(null_server: EmulatorServer, kind: str) -> None:
    """Each mutation as a create (a fresh name) and as an update of an existing resource."""
    table, path_of, body_of, needs = KINDS[kind]
    arm = Arm(null_server.url)
    try:
        _ready(null_server, arm, needs)
        base = body_of()
        existing = path_of("base1")
        assert arm.put(existing, base).status_code in (200, 201, 202), f"the {kind} base body is not valid"
        _settle(arm, existing)
        mutations = list(_mutations(table, base))
        assert len(mutations) >= 5
        rng = random.Random(f"nulls-{kind}")
        mutations += [
            (f"{first[0]} & {second[0]}", _combine(table, first[1], second[1]))
            for first, second in (rng.sample(mutations[2:], 2) for _ in range(min(20, len(mutations))))
        ]
        cases = [(f"create {label}", path_of(f"n{index}"), body) for index, (label, body) in enumerate(mutations)]
        cases += [(f"update {label}", existing, body) for label, body in mutations]
        failures = _failures(arm, cases)
    finally:
        arm.close()
    assert failures == [], "\n".join(failures[:10])


def _combine(table: schemas.Prop, first: Any, second: Any) -> Any:
    """``first`` with every null ``second`` holds (two mutations in one body)."""
    result = copy.deepcopy(first)
    for path, _ in _paths(table, second):
        value: Any = second
        for step in path:
            if isinstance(value, dict) and step in value:
                value = value[step]
            elif isinstance(value, list) and isinstance(step, int) and len(value) > step:
                value = value[step]
            else:
                break
        else:
            if value is None or value == [None]:
                result = _set(table, result, path, value)
    return result


def test_the_computeinstance_schedule_null_hour_is_a_400_naming_it(null_server: EmulatorServer) -> None:
    """The case the older fuzzers found: ``schedule.hours: [null]`` was a 500 TypeError."""
    arm = Arm(null_server.url)
    try:
        _ready(null_server, arm, "")
        body = _instance()
        recurrence = body["properties"]["properties"]["schedules"]["computeStartStop"][0]["recurrence"]
        for member in ("hours", "minutes", "monthDays", "weekDays"):
            broken = copy.deepcopy(body)
            broken_recurrence = broken["properties"]["properties"]["schedules"]["computeStartStop"][0]["recurrence"]
            broken_recurrence["schedule"][member] = [*recurrence["schedule"][member], None]
            answer = arm.put(compute_path("ci1"), broken)
            assert answer.status_code == 400, answer.text
            target = f"properties.properties.schedules.computeStartStop[0].recurrence.schedule.{member}[1]"
            assert answer.json()["error"]["target"] == target
            assert target in answer.json()["error"]["message"]
        listed = copy.deepcopy(body)
        listed["properties"]["properties"]["schedules"]["computeStartStop"].append(None)
        answer = arm.put(compute_path("ci1"), listed)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["target"] == "properties.properties.schedules.computeStartStop[2]"
    finally:
        arm.close()


ONLINE_DEPLOYMENT = f"{ONLINE_ENDPOINT}/deployments/d1"
ACTIONS: dict[str, tuple[str, str, schemas.Prop, dict[str, Any]]] = {
    "compute PATCH": (
        "PATCH",
        compute_path("cpu1"),
        schemas.COMPUTE_PATCH,
        {"properties": {"properties": {"scaleSettings": {"maxNodeCount": 3}}}},
    ),
    "workspace PATCH": ("PATCH", workspace_path(), schemas.WORKSPACE_PATCH, {"tags": {"a": "b"}}),
    "batch endpoint PATCH": ("PATCH", endpoint_path("bep1"), schemas.BATCH_ENDPOINT_PATCH, {"tags": {"a": "b"}}),
    "batch deployment PATCH": (
        "PATCH",
        deployment_path("bep1", "d1"),
        schemas.BATCH_DEPLOYMENT_PATCH,
        {"properties": {"description": "x"}},
    ),
    "online endpoint PATCH": ("PATCH", ONLINE_ENDPOINT, schemas.ONLINE_ENDPOINT_PATCH, {"tags": {"a": "b"}}),
    "online deployment PATCH": ("PATCH", ONLINE_DEPLOYMENT, schemas.ONLINE_DEPLOYMENT_PATCH, {"sku": {"capacity": 2}}),
    "regenerateKeys": ("POST", f"{ONLINE_ENDPOINT}/regenerateKeys", schemas.REGENERATE_KEYS, {"keyType": "Primary"}),
    "getLogs": ("POST", f"{ONLINE_DEPLOYMENT}/getLogs", schemas.DEPLOYMENT_LOGS, {"tail": 5}),
    "startPendingUpload": (
        "POST",
        f"{workspace_path()}/codes/c/versions/1/startPendingUpload",
        assets.PENDING_UPLOAD_REQUEST,
        {"pendingUploadType": "None"},
    ),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_null_in_a_patch_or_action_body_is_never_a_5xx(null_server: EmulatorServer, action: str) -> None:
    method, path, table, base = ACTIONS[action]
    arm = Arm(null_server.url)
    try:
        _ready(null_server, arm, "online")
        for resource, body in (
            (compute_path("cpu1"), aml_compute_body()),
            (endpoint_path("bep1"), endpoint_body()),
            (deployment_path("bep1", "d1"), deployment_body()),
            (ONLINE_DEPLOYMENT, _online_deployment()),
        ):
            assert arm.put(resource, body).status_code in (200, 201), resource
            _settle(arm, resource)
        settle = path if method == "PATCH" else path.rsplit("/", 1)[0]
        assert arm.request(method, path, json=base).status_code < 300, f"the {action} base body is not valid"
        _settle(arm, settle)
        cases = [(label, path, body) for label, body in _mutations(table, base)]
        failures = _failures(arm, cases, method, settle)
    finally:
        arm.close()
    assert failures == [], "\n".join(failures[:10])
