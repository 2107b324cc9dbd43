"""Section 6: N computes created concurrently through one provider host, stock 4 workers vs ``azureml:hostWorkers``.

The harness handles registrations one at a time, so this section drives the host as the engine does during an
``up``: every resource sends its Check, then its Create, all at once from separate threads. The emulator finishes
each operation ``T`` seconds after it was accepted and answers ``Retry-After: 1``. With the SDK's stock pool of 4
workers N creates run in ceil(N/4) waves (about ceil(N/4) x T); with the pool widened they all overlap (about T).
"""

from __future__ import annotations

import functools
import math
from typing import Any

from benchsuite.common import (
    INFO,
    PROJECT,
    SECRET_CONFIG_KEYS,
    Budget,
    Row,
    SectionResult,
    dynamic_urn,
    running_emulator,
    stack_config,
    status,
)
from benchsuite.latency import cluster_inputs

from harness import CreateReply, ProviderHost, run_host_concurrently

TARGET_RATIO = 1.5
STOCK_WORKERS = 4


def _check_then_create(host: ProviderHost, index: int) -> CreateReply:
    name = f"parallel{index:02d}x"
    urn = dynamic_urn("azureml:Compute", name)
    inputs = host.check(urn, {}, cluster_inputs(name)).inputs
    return host.create(urn, inputs, timeout=600)


def _provision(count: int, operation_seconds: float, host_workers: str | None) -> dict[str, Any]:
    extra = {} if host_workers is None else {"hostWorkers": host_workers}
    with (
        running_emulator(retry_after=1, seconds_to_complete=operation_seconds) as emulator,
        ProviderHost(project=PROJECT) as host,
    ):
        host.configure(stack_config(emulator, **extra), SECRET_CONFIG_KEYS)
        calls = [functools.partial(_check_then_create, host, index) for index in range(count)]
        # Bounded: a stock pool needs ceil(count/4) waves of one operation each.
        limit = (math.ceil(count / STOCK_WORKERS) + 2) * (operation_seconds + 5) + 30
        outcomes = run_host_concurrently(calls, timeout=limit)
        output = host.output
    errors = [repr(outcome.error) for outcome in outcomes if outcome.error is not None]
    if errors:
        raise RuntimeError(f"{len(errors)} of {count} creates failed: {errors[0]}")
    wall = max(outcome.finished for outcome in outcomes) - min(outcome.started for outcome in outcomes)
    return {
        "host_workers": host_workers or "default",
        "creates": count,
        "operation_seconds": operation_seconds,
        "wall_seconds": wall,
        "ratio": wall / operation_seconds,
        # The host prints only a refusal to widen; the routine widening goes to the `pulumi_azureml` logger.
        "widened": host_workers != "0" and "left unchanged" not in output,
    }


def run(budget: Budget) -> SectionResult:
    count, seconds = budget.parallel_creates, budget.parallel_seconds
    result = SectionResult("parallel", f"Parallel provisioning ({count} creates, T = {seconds:g} s)")
    stock = _provision(count, seconds, "0")
    widened = _provision(count, seconds, None)
    result.details.update({"stock": stock, "default": widened})
    waves = math.ceil(count / STOCK_WORKERS)
    result.rows.append(
        Row(
            "6 parallel",
            f"{count} creates, hostWorkers=0 (stock 4): wall / T",
            f"{stock['ratio']:.2f} ({stock['wall_seconds']:.1f} s)",
            f"~{waves} (waves of 4)",
            INFO,
        )
    )
    result.rows.append(
        Row(
            "6 parallel",
            f"{count} creates, hostWorkers default (32): wall / T",
            f"{widened['ratio']:.2f} ({widened['wall_seconds']:.1f} s)",
            f"<= {TARGET_RATIO}",
            status(widened["ratio"] <= TARGET_RATIO and widened["widened"]),
            f"{stock['wall_seconds'] / widened['wall_seconds']:.1f}x faster than stock"
            + ("" if widened["widened"] else "; the host did not report widening its pool"),
        )
    )
    return result
