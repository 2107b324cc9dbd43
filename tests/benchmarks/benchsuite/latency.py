"""Section 2: how much longer than the service a create/update/delete takes (provider wall time ÷ operation time).

The emulator finishes each operation ``T`` seconds after it was accepted (``seconds_to_complete``) and answers
``Retry-After: 1``. A client that honours Retry-After polls at 1 s, 2 s, ... after the write, so its best possible
wall time is ``ceil(T / 1 s) * 1 s`` plus a few loopback requests; anything beyond is the provider's own overhead.
Calls go through the SDK's real provider host (Check, then Create/Update/Delete timed from the harness side, as the
engine would see them).

Also measured: how the client polls when the service says ``Retry-After: 0`` (ARM clients such as azure-core read
0 as "no hint" and fall back to their default interval).
"""

from __future__ import annotations

import math
import time
from typing import Any

from benchsuite.common import (
    INFO,
    NOT_MET,
    PROJECT,
    SECRET_CONFIG_KEYS,
    Budget,
    Row,
    SectionResult,
    dynamic_urn,
    ms,
    placement,
    request_label,
    running_emulator,
    stack_config,
    status,
)
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider

from harness import ProviderHost, provider_property

RETRY_AFTER = 1
TARGET_RATIO = 1.05
ZERO_HINT_SECONDS = 0.3
"""Operation time for the Retry-After: 0 probe; short because the client may poll without pause."""


def cluster_inputs(name: str, max_nodes: int = 2) -> dict[str, Any]:
    return {
        "__provider": provider_property(AzureMLProvider("Compute")),
        **placement(),
        "name": name,
        "compute_type": "AmlCompute",
        "vm_size": "STANDARD_DS3_V2",
        "scale_settings": {"max_node_count": max_nodes, "min_node_count": 0},
        "owner_marker": f"{PROJECT}/bench/{name}",
    }


def _timed_lifecycle(emulator: EmulatorServer, host: ProviderHost, name: str) -> dict[str, dict[str, Any]]:
    """Create, update (PATCH of the scale settings) and delete one cluster; wall time and requests of each."""
    urn = dynamic_urn("azureml:Compute", name)
    figures: dict[str, dict[str, Any]] = {}

    def timed(op: str, call: Any) -> Any:
        emulator.clear_requests_log()
        started = time.perf_counter()
        value = call()
        elapsed = time.perf_counter() - started
        requests = [request_label(entry) for entry in emulator.requests_log()]
        figures[op] = {
            "wall_seconds": elapsed,
            "requests": len(requests),
            "polls": sum(1 for label in requests if "poll" in label),
            "sequence": requests,
        }
        return value

    inputs = host.check(urn, {}, cluster_inputs(name)).inputs
    created = timed("create", lambda: host.create(urn, inputs))
    news = host.check(urn, inputs, cluster_inputs(name, max_nodes=3)).inputs
    diff = host.diff(urn, created.id, created.outputs, news)
    if not diff.changes or diff.replaces:
        raise RuntimeError(f"expected an in-place update, the provider answered {diff}")
    outputs = timed("update", lambda: host.update(urn, created.id, created.outputs, news))
    timed("delete", lambda: host.delete(urn, created.id, outputs))
    return figures


def _lifecycle_at(operation_seconds: float, name: str) -> dict[str, dict[str, Any]]:
    with (
        running_emulator(retry_after=RETRY_AFTER, seconds_to_complete=operation_seconds) as emulator,
        ProviderHost(project=PROJECT) as host,
    ):
        host.configure(stack_config(emulator), SECRET_CONFIG_KEYS)
        figures = _timed_lifecycle(emulator, host, name)
    best = math.ceil(operation_seconds / RETRY_AFTER) * RETRY_AFTER
    for figure in figures.values():
        wall = figure["wall_seconds"]
        figure.update(
            {
                "operation_seconds": operation_seconds,
                "ratio": wall / operation_seconds,
                "best_possible_seconds": best,
                "quantum_ratio": best / operation_seconds,
                "overhead_seconds": wall - best,
                "overhead_per_request_ms": 1000 * (wall - best) / max(1, figure["requests"]),
            }
        )
    return figures


def _zero_hint_probe() -> dict[str, Any]:
    with (
        running_emulator(retry_after=0, seconds_to_complete=ZERO_HINT_SECONDS) as emulator,
        ProviderHost(project=PROJECT) as host,
    ):
        host.configure(stack_config(emulator), SECRET_CONFIG_KEYS)
        urn = dynamic_urn("azureml:Compute", "zerohint")
        inputs = host.check(urn, {}, cluster_inputs("zerohint")).inputs
        emulator.clear_requests_log()
        started = time.perf_counter()
        host.create(urn, inputs)
        elapsed = time.perf_counter() - started
        polls = sum(1 for entry in emulator.requests_log() if "poll" in request_label(entry))
    return {"operation_seconds": ZERO_HINT_SECONDS, "wall_seconds": elapsed, "polls": polls}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def run(budget: Budget) -> SectionResult:
    result = SectionResult("latency", "Latency overhead (wall time / emulator operation time)")
    operation_seconds = budget.operation_seconds
    on_quantum = _lifecycle_at(operation_seconds, "latencycluster")
    result.details["on_quantum"] = on_quantum
    for op, figure in on_quantum.items():
        ratio = figure["ratio"]
        result.rows.append(
            Row(
                "2 latency",
                f"Compute {op}: wall / T, T = {operation_seconds:g} s, Retry-After {RETRY_AFTER} s",
                f"{ratio:.3f} ({figure['wall_seconds']:.3f} s, {_plural(figure['polls'], 'poll')})",
                f"<= {TARGET_RATIO}",
                status(ratio <= TARGET_RATIO),
                f"overhead over ceil(T/RA)*RA: {ms(figure['overhead_seconds'])} for {figure['requests']} requests",
            )
        )
    off = budget.off_quantum_seconds
    off_quantum = _lifecycle_at(off, "quantumcluster")
    result.details["off_quantum"] = off_quantum
    create = off_quantum["create"]
    provider_share = create["wall_seconds"] / create["best_possible_seconds"]
    result.rows.append(
        Row(
            "2 latency",
            f"Compute create: wall / T, T = {off:g} s (not a multiple of Retry-After)",
            f"{create['ratio']:.3f} = quantum {create['quantum_ratio']:.3f} x provider {provider_share:.3f}",
            f"<= {TARGET_RATIO}",
            status(create["ratio"] <= TARGET_RATIO),
            f"cause: polling at Retry-After steps, ceil(T/RA)*RA/T; the provider's share {provider_share:.3f} is "
            f"{'within' if provider_share <= TARGET_RATIO else 'over'} target. Only a finer Retry-After closes it",
        )
    )
    zero = _zero_hint_probe()
    result.details["retry_after_zero"] = zero
    rate = zero["polls"] / max(zero["wall_seconds"], 1e-9)
    result.rows.append(
        Row(
            "2 latency",
            f"polls during a {ZERO_HINT_SECONDS:g} s operation that answers Retry-After: 0",
            f"{zero['polls']} polls ({rate:.0f}/s)",
            "no busy loop (<= 10/s)",
            status(rate <= 10),
            "" if rate <= 10 else "0 is used as a wait of 0 s; azure-core treats it as no hint (default interval)",
        )
    )
    if any(row.status == NOT_MET for row in result.rows[:3]):
        result.rows.append(Row("2 latency", "see the JSON for per-request sequences", "", "", INFO))
    return result
