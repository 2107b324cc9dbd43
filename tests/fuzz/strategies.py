"""Hypothesis strategies for hostile provider inputs, and the engine's Protobuf ``Struct`` round trip.

Inputs start from a valid declaration of each resource kind (every spec's ``sample_inputs``, plus fuller ones of the
first kinds) and are then mutated: a field (top-level or nested)
set to an arbitrary JSON-ish value (NaN, infinities, huge or deep values, control characters, lone surrogates,
wrong types), removed, or an unknown field added. Secret fields get distinctive values, so a leak is findable.
"""

from __future__ import annotations

import math
from typing import Any

from google.protobuf import struct_pb2
from hypothesis import strategies as st

from pulumi_azureml.specs import SPECS

from reliability.catalogue import SUBSCRIPTION, cluster, default_deployment, deployment, endpoint, workspace

SECRET_PREFIX = "Sekr1t-"
"""Every generated secret string starts with this; no failure message may contain it."""

INSTANCE: dict[str, Any] = {
    "name": "ci-dev",
    "compute_type": "ComputeInstance",
    "vm_size": "STANDARD_DS3_V2",
    "idle_time_before_shutdown": "PT30M",
}
ATTACHED: dict[str, Any] = {
    "name": "aks-attached",
    "compute_type": "AKS",
    "resource_id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/"
    "Microsoft.ContainerService/managedClusters/aks1",
    "properties": {"agentCount": 3},
}
EXTRA_BASES: dict[str, tuple[str, dict[str, Any]]] = {
    "cluster": ("Compute", cluster("cpu-cluster").inputs),
    "instance": ("Compute", INSTANCE),
    "attached": ("Compute", ATTACHED),
    "endpoint": ("BatchEndpoint", endpoint("scoring").inputs),
    "deployment": ("BatchDeployment", deployment("scoring", "blue", "cpu-cluster").inputs),
    "routing": ("BatchEndpointDefaultDeployment", default_deployment("scoring", "blue").inputs),
    "workspace": (
        "Workspace",
        workspace(
            "mlw-fuzz",
            managed_network={
                "isolation_mode": "AllowOnlyApprovedOutbound",
                "outbound_rules": {"pypi": {"type": "FQDN", "destination": "pypi.org"}},
            },
        ).inputs,
    ),
}
"""Fuller declarations of the first kinds (other compute types, credentials, a managed network)."""
BASES: dict[str, tuple[str, dict[str, Any]]] = {
    **{kind: (kind, dict(spec.sample_inputs or {})) for kind, spec in sorted(SPECS.items())},
    **EXTRA_BASES,
}
"""Every kind's ``sample_inputs`` (a new kind joins by declaring them), then the fuller declarations above."""


def secret_slots(kind: str, inputs: dict[str, Any]) -> list[tuple[str, str | None]]:
    """Where a base holds secret values: (secret field, member of its object or map; ``None`` = the value)."""
    slots: list[tuple[str, str | None]] = []
    for name in SPECS[kind].secret_input_names():
        value = inputs.get(name)
        if isinstance(value, dict):
            slots.extend((name, member) for member in sorted(value))
        elif value is not None:
            slots.append((name, None))
    return slots


HOSTILE_TEXT = [
    "",
    " ",
    "\n",
    "a\r\nX-Injected: 1",
    "\x00",
    "\ud800",
    "x\udfffy",
    "\u202e",
    "\u00e9\u20ac\U0001f600",
    "../../x",
    "%2F",
    "NaN",
    "Infinity",
    "PT5M",
    "P1D",
    "eastus",
    "West US 2",
    "x" * 5_000,
    "y" * 20_000,
]
SPECIAL_NUMBERS = [math.nan, math.inf, -math.inf, -0.0, 0.5, 1e308, -1e308, 2**53 + 1.0, 2**63, -(2**63), 10**30]


def _deep(depth: int) -> Any:
    value: Any = 1
    for level in range(depth):
        value = [value] if level % 2 else {"d": value}
    return value


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(SPECIAL_NUMBERS),
    st.text(max_size=30),
    st.sampled_from(HOSTILE_TEXT),
)
json_values: st.SearchStrategy[Any] = st.one_of(
    st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.one_of(st.text(max_size=12), st.sampled_from(HOSTILE_TEXT[:10])), children, max_size=4),
        ),
        max_leaves=12,
    ),
    st.integers(min_value=20, max_value=150).map(_deep),
)


@st.composite
def hostile_inputs(draw: st.DrawFn, base: str | None = None) -> tuple[str, str, dict[str, Any], list[Any]]:
    """(base name, kind, inputs, secret values placed in them)."""
    name = base or draw(st.sampled_from(sorted(BASES)))
    kind, original = BASES[name]
    inputs: dict[str, Any] = _copy(original)
    secrets: list[Any] = []
    for field_name, member in secret_slots(kind, original):
        if draw(st.booleans()):
            secret: Any = draw(
                st.one_of(
                    st.text(min_size=4, max_size=20).map(lambda text: SECRET_PREFIX + text),
                    st.floats(min_value=1e7, max_value=1e9).filter(lambda n: not n.is_integer()),
                    st.text(min_size=2, max_size=8).map(lambda text: [SECRET_PREFIX + text]),
                )
            )
            if member is None:
                inputs[field_name] = secret
            else:
                inputs[field_name] = {**inputs[field_name], member: secret}
            secrets.append(secret)
    names = [field.name for field in SPECS[kind].all_fields()]
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        action = draw(st.sampled_from(["set", "set", "set nested", "remove", "unknown"]))
        if action == "set":
            inputs[draw(st.sampled_from(names))] = draw(json_values)
        elif action == "set nested":
            nested = [key for key, value in inputs.items() if isinstance(value, dict) and value]
            if nested:
                key = draw(st.sampled_from(sorted(nested)))
                sub = draw(st.sampled_from(sorted(inputs[key])))
                inputs[key] = {**inputs[key], sub: draw(json_values)}
        elif action == "remove" and inputs:
            inputs.pop(draw(st.sampled_from(sorted(inputs))), None)
        else:
            inputs[draw(st.text(min_size=1, max_size=10))] = draw(json_values)
    return name, kind, inputs, secrets


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def struct_round_trip(values: dict[str, Any]) -> dict[str, Any] | None:
    """``values`` after the trip the engine gives them (a ``google.protobuf.Struct`` serialised and parsed back):
    numbers become floats, ``None`` stays a null value. ``None`` when protobuf cannot carry them at all (a lone
    surrogate, an integer beyond a double, nesting past protobuf's recursion limit): the engine never sends those.
    """
    try:
        message = struct_pb2.Struct()
        message.update(values)
        parsed = struct_pb2.Struct.FromString(message.SerializeToString())
    except Exception:  # noqa: BLE001 - whatever protobuf refuses, the engine cannot send
        return None
    return {key: _from_value(value) for key, value in parsed.fields.items()}


def _from_value(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        return {key: _from_value(item) for key, item in value.struct_value.fields.items()}
    if kind == "list_value":
        return [_from_value(item) for item in value.list_value.values]
    if kind == "number_value":
        return value.number_value
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    return None
