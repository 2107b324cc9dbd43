"""Section 12: the program side of a preview, per resource: what registering one resource costs the user's program.

The 200-cluster program of section 3 runs under the SDK's ``pulumi.runtime`` mocks (no engine, no host) in a
child process, ours and the do-nothing provider's ``EmptyResource`` with the same inputs. Two kinds of figures:

- load-independent: ``pulumi.Output`` objects and ``asyncio.Future``s created per resource (counted by wrapping
  their constructors) and Python function calls per resource under ``cProfile``, ours vs empty;
- load-dependent: wall time per resource, in interleaved pairs (median of the pairs' ratios).

Run as ``python -m benchsuite.program_side COUNT PAIRS``; it prints one JSON object.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import pstats
import subprocess
import sys
import time
from typing import Any

from benchsuite.common import BENCH_DIR, INFO, Budget, Row, SectionResult, median

PAIRS = 5


def _measure_in_this_process(count: int, pairs: int) -> dict[str, Any]:
    import pulumi
    from pulumi.runtime import mocks as sdk_mocks
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    import pulumi_azureml as azureml
    from benchsuite.baselines import EmptyResource
    from benchsuite.preview_scale import compute_inputs

    created = {"outputs": 0, "futures": 0}
    plain_output_init = pulumi.Output.__init__

    def counting_output_init(self: Any, *args: Any, **kwargs: Any) -> None:
        created["outputs"] += 1
        plain_output_init(self, *args, **kwargs)

    plain_future = asyncio.Future

    class CountingFuture(plain_future):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            created["futures"] += 1
            super().__init__(*args, **kwargs)

    class Mocks(sdk_mocks.Mocks):  # type: ignore[misc]
        def new_resource(self, args: Any) -> tuple[str, dict[str, Any]]:
            return f"{args.name}-id", dict(args.inputs)

        def call(self, args: Any) -> dict[str, Any]:
            return {}

    def program(kind: str) -> None:
        for index in range(count):
            inputs = compute_inputs(index)
            if kind == "azureml":
                scale = inputs.pop("scale_settings")
                azureml.Compute(inputs["name"], scale_settings=azureml.ScaleSettingsArgs(**scale), **inputs)
            else:
                EmptyResource(inputs["name"], inputs)

    def run(kind: str, profile: cProfile.Profile | None = None) -> float:
        asyncio.set_event_loop(asyncio.new_event_loop())
        sdk_mocks.set_mocks(Mocks(), project="bench", stack="bench", preview=True)
        started = time.perf_counter()
        if profile is not None:
            profile.enable()
        _sync_await(run_pulumi_func(lambda: program(kind)))
        if profile is not None:
            profile.disable()
        return time.perf_counter() - started

    figures: dict[str, Any] = {"resources": count}
    for kind in ("azureml", "empty"):
        run(kind)  # warm: imports, first-use caches
    pulumi.Output.__init__ = counting_output_init
    asyncio.Future = CountingFuture  # type: ignore[misc]
    try:
        for kind in ("azureml", "empty"):
            created.update(outputs=0, futures=0)
            profile = cProfile.Profile()
            run(kind, profile)
            figures[kind] = {
                "outputs_per_resource": created["outputs"] / count,
                "futures_per_resource": created["futures"] / count,
                "calls_per_resource": pstats.Stats(profile).total_calls / count,  # type: ignore[attr-defined]
            }
    finally:
        pulumi.Output.__init__ = plain_output_init
        asyncio.Future = plain_future  # type: ignore[misc]
    walls = []
    for index in range(pairs):
        order = ("azureml", "empty") if index % 2 == 0 else ("empty", "azureml")
        walls.append({kind: run(kind) for kind in order})
    figures["walls"] = walls
    return figures


def run(budget: Budget) -> SectionResult:
    count, pairs = budget.preview_resources, 1 if budget.quick else PAIRS
    result = SectionResult("program", f"Program side: registering {count} resources under the SDK's mocks")
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH_DIR), environment.get("PYTHONPATH")]))
    completed = subprocess.run(
        [sys.executable, "-m", "benchsuite.program_side", str(count), str(pairs)],
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"program-side measurement failed: {completed.stderr.strip()[-500:]}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    result.details.update(figures)
    ours, empty = figures["azureml"], figures["empty"]
    for key, figure in (
        ("outputs_per_resource", "pulumi.Output objects created per resource"),
        ("futures_per_resource", "asyncio futures created per resource"),
        ("calls_per_resource", "Python function calls per resource (cProfile)"),
    ):
        result.rows.append(
            Row(
                "12 program",
                f"{figure}: ours / do-nothing provider",
                f"{ours[key]:.0f} / {empty[key]:.0f}",
                "(reference)",
                INFO,
                "load-independent",
            )
        )
    walls = figures["walls"]
    ratio = median([pair["azureml"] / pair["empty"] for pair in walls])
    mine, baseline = median([pair["azureml"] for pair in walls]), median([pair["empty"] for pair in walls])
    result.rows.append(
        Row(
            "12 program",
            f"registering {count} resources in a preview: ours / do-nothing provider "
            f"(median of {pairs} interleaved pairs)",
            f"{ratio:.2f} ({mine * 1000 / count:.2f} ms vs {baseline * 1000 / count:.2f} ms per resource)",
            "(reference)",
            INFO,
        )
    )
    return result


if __name__ == "__main__":
    print(json.dumps(_measure_in_this_process(int(sys.argv[1]), int(sys.argv[2]))))
