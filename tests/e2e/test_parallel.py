"""Parallel provisioning with the real engine: 20 independent clusters, operations that take T seconds each.

The engine runs at most `--parallel` steps at once (default: 4 × the CPUs it may use, so 8 on a 2-core machine);
the Python dynamic-provider host serves them with 4 worker threads unless `azureml:hostWorkers` widens its pool
(default 32; 0 leaves the host as it is). So the overlap is min(parallel, host workers, clusters). The test reads the
overlap from the emulator's request log (how many clusters were between their PUT and the GET that follows their
operation's end at the same time), so it asserts the mechanism, not a wall-clock time; the wall time against T is
printed (and measured as a benchmark in tests/benchmarks).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, Project
from support.emulator_queries import computes_created_at_once

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

PROGRAM = Path(__file__).parent / "programs" / "clusters"
CLUSTERS = 20
OPERATION_SECONDS = 2.0


def most_at_once(log: list[dict[str, object]]) -> int:
    most, accepted = computes_created_at_once(log)
    assert accepted == {f"cluster-{chr(ord('a') + index)}" for index in range(CLUSTERS)}, sorted(accepted)
    return most


ENGINE_DEFAULT_PARALLEL = 4 * len(os.sched_getaffinity(0))


@pytest.mark.parametrize(
    ("host_workers", "parallel", "expected"),
    [
        (None, None, min(CLUSTERS, ENGINE_DEFAULT_PARALLEL)),
        (None, "32", CLUSTERS),
        ("0", "32", 4),
    ],
    ids=["engine-default", "parallel-32", "parallel-32-host-stock"],
)
def test_twenty_clusters_at_once(
    tmp_path: Path,
    cli: Cli,
    emulator: EmulatorServer,
    emulator_config: dict[str, str],
    host_workers: str | None,
    parallel: str | None,
    expected: int,
) -> None:
    emulator.configure(seconds_to_complete=OPERATION_SECONDS)
    project = Project.from_program(tmp_path / "clusters", PROGRAM, "azureml-clusters")
    config = {**emulator_config, "count": str(CLUSTERS), "azureml:pollIntervalSeconds": "0.25"}
    if host_workers is not None:
        config["azureml:hostWorkers"] = host_workers
    project.write_stack_config("e2e", config)
    cli.run("stack", "init", "e2e", cwd=project.directory)
    emulator.clear_requests_log()
    started = time.monotonic()
    cli.run("up", "--yes", *(["--parallel", parallel] if parallel else []), cwd=project.directory)
    elapsed = time.monotonic() - started
    overlap = most_at_once(emulator.requests_log())
    print(
        f"\n{CLUSTERS} clusters, T={OPERATION_SECONDS}s, hostWorkers={host_workers or 'default'}, "
        f"--parallel {parallel or 'default'}: "
        f"up took {elapsed:.1f}s ({elapsed / OPERATION_SECONDS:.1f} T), at most {overlap} creates at once"
    )
    assert overlap == expected
    emulator.configure(seconds_to_complete=None)
    cli.run("destroy", "--yes", cwd=project.directory)
