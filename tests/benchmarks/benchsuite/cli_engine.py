"""Section 9: the real Pulumi CLI (the one ``tests/pulumi-cli/provide`` makes available) on the suite's programs.

- ``cli_scale``: ``pulumi preview`` of an N-resource program (N = 200; a new stack, then the deployed one), a
  no-change ``pulumi up`` and a ``pulumi refresh`` of it, each run in interleaved pairs with the same program on a
  do-nothing dynamic provider (:class:`benchsuite.baselines.EmptyProvider`); the figure is the median over pairs
  of ours / empty. The ratio is what this package adds on top of the CLI, the engine and the SDK's
  dynamic-provider host; the requests each command sends to the emulator are counted too (0 expected but for
  refresh: one GET per resource).
- ``cli_parallel``: ``pulumi up`` of 20 clusters against an emulator whose operations finish T seconds after they
  were accepted, wall time against T, with ``azureml:hostWorkers`` at its default and at 0 (the SDK's 4 workers),
  at the engine's default parallelism (4 x GOMAXPROCS: 8 on 2 cores), and once more with ``--parallel`` = 20.

Every command runs with the e2e suite's isolated environment (``tests/e2e/cli_driver.py``: own PULUMI_HOME, file
backend, no update check, no plugin download).
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchsuite.common import BENCH_DIR, INFO, REPO_ROOT, Budget, Row, SectionResult, median, running_emulator
from benchsuite.common import stack_config as emulator_stack_config

# The e2e suite's driver of the real CLI is test support, not a package: put its directory on the path.
_E2E_DIR = str(REPO_ROOT / "tests" / "e2e")
if _E2E_DIR not in sys.path:
    sys.path.append(_E2E_DIR)

from cli_driver import Cli, Project, provide_cli  # noqa: E402 - needs the path above

PROGRAM = Path(__file__).resolve().parent / "cli_program"
STACK = "bench"
STOCK_WORKERS = 4


def cli_directory() -> Path:
    directory, message = provide_cli()
    if directory is None:
        raise RuntimeError(f"no Pulumi CLI: {message}")
    return directory


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


class BenchStack:
    """One project and stack of the bench program in a temporary directory, driven by the real CLI."""

    def __init__(self, binary_dir: Path, work: Path, config: dict[str, str]) -> None:
        # The do-nothing provider is unpickled by the provider host: it must find `benchsuite` on its path.
        self.cli = Cli(binary_dir, work / "pulumi", {"PYTHONPATH": str(BENCH_DIR)})
        self.project = Project.from_program(work / "project", PROGRAM, "azureml-bench-cli")
        self.project.write_stack_config(STACK, config)
        self.cli.run("stack", "init", STACK, cwd=self.project.directory)

    def run(self, *arguments: str, timeout: float = 1800) -> None:
        self.cli.run(*arguments, "--non-interactive", "--stack", STACK, cwd=self.project.directory, timeout=timeout)

    def preview(self) -> float:
        return _timed(lambda: self.run("preview"))

    def up(self, *extra: str) -> float:
        return _timed(lambda: self.run("up", "--yes", "--skip-preview", *extra))


PAIRED_COMMANDS = (
    ("preview_new_stack", "pulumi preview, new stack"),
    ("preview_deployed", "pulumi preview, deployed stack"),
    ("no_change_up", "pulumi up, no change"),
    ("refresh", "pulumi refresh"),
)


def _scale_pairs(binary_dir: Path, count: int, pairs: int) -> dict[str, Any]:
    """Each command run ``pairs`` times on both stacks, interleaved (ours then empty, then empty then ours...).

    Same-run pairs: whatever else the machine runs at a moment weighs on both runs of a pair alike, so the ratio
    of a pair is far steadier than a ratio of medians taken minutes apart.
    """
    with tempfile.TemporaryDirectory(prefix="bench-cli-scale-") as work, running_emulator() as emulator:

        def stack(kind: str) -> BenchStack:
            config = {"bench:kind": kind, "bench:count": str(count), **emulator_stack_config(emulator)}
            config["azureml:pollIntervalSeconds"] = "0"
            return BenchStack(binary_dir, Path(work) / kind, config)

        ours, empty = stack("azureml"), stack("empty")
        commands: dict[str, Callable[[BenchStack], float]] = {
            "preview_new_stack": BenchStack.preview,
            "preview_deployed": BenchStack.preview,
            "no_change_up": BenchStack.up,
            "refresh": lambda s: _timed(lambda: s.run("refresh", "--yes", "--skip-preview")),
        }
        # One preview each, not measured: the first run of a stack also compiles bytecode and finds plugins.
        ours.preview()
        empty.preview()
        figures: dict[str, Any] = {"resources": count, "pairs": pairs}
        for key, _ in PAIRED_COMMANDS:
            if key == "preview_deployed":
                figures["first_up_seconds"] = {"azureml": ours.up(), "empty": empty.up()}
            emulator.clear_requests_log()
            runs: list[dict[str, float]] = []
            for index in range(pairs):
                order = (("azureml", ours), ("empty", empty))
                timed = {kind: commands[key](bench) for kind, bench in (order if index % 2 == 0 else order[::-1])}
                runs.append({**timed, "load_1min": os.getloadavg()[0]})
            figures[key] = runs
            figures[f"{key}_requests"] = len(emulator.requests_log()) / pairs  # per run of the command
        figures["state_bytes"] = {
            kind: len(bench.cli.run("stack", "export", cwd=bench.project.directory).stdout.encode())
            for kind, bench in (("azureml", ours), ("empty", empty))
        }
    return figures


def paired_ratio(runs: list[dict[str, float]]) -> float:
    """The median over pairs of ours / empty (the issue-28 figure)."""
    return median([run["azureml"] / run["empty"] for run in runs])


def run_scale(budget: Budget) -> SectionResult:
    count, pairs = budget.cli_resources, budget.cli_repeats
    result = SectionResult("cli_scale", f"Real CLI: {count}-resource program vs a do-nothing provider")
    binary_dir = cli_directory()
    figures = _scale_pairs(binary_dir, count, pairs)
    result.details.update({"cli": str(binary_dir), **figures, "load_average": os.getloadavg()})
    for key, figure in PAIRED_COMMANDS:
        runs = figures[key]
        mine, baseline = median([run["azureml"] for run in runs]), median([run["empty"] for run in runs])
        requests = "" if key == "preview_new_stack" else f"; {figures[f'{key}_requests']:g} requests to Azure each"
        result.rows.append(
            Row(
                "9 real cli",
                f"{figure}, {count} resources: ours / do-nothing provider (median of {pairs} interleaved pairs)",
                f"{paired_ratio(runs):.2f} ({mine:.1f} s vs {baseline:.1f} s)",
                "(reference)",
                INFO,
                f"{(mine - baseline) / count * 1000:.1f} ms per resource added{requests}",
            )
        )
    return result


def _parallel_up(
    binary_dir: Path, count: int, seconds: float | None, host_workers: str | None, parallel: int | None
) -> float:
    """Wall time of one `pulumi up` creating ``count`` clusters; ``seconds`` None: operations end at once."""
    settings: dict[str, Any] = {} if seconds is None else {"retry_after": 1, "seconds_to_complete": seconds}
    with (
        tempfile.TemporaryDirectory(prefix="bench-cli-parallel-") as work,
        running_emulator(**settings) as emulator,
    ):
        config = {"bench:kind": "azureml", "bench:count": str(count), "bench:prefix": "par"}
        config.update(emulator_stack_config(emulator))
        if seconds is None:
            config["azureml:pollIntervalSeconds"] = "0"
        if host_workers is not None:
            config["azureml:hostWorkers"] = host_workers
        stack = BenchStack(binary_dir, Path(work), config)
        extra = () if parallel is None else ("--parallel", str(parallel))
        wall = stack.up(*extra)
        created = [entry for entry in emulator.requests_log() if entry["method"] == "PUT"]
        if len(created) != count:
            raise RuntimeError(f"expected {count} create PUTs, the emulator saw {len(created)}")
        return wall


def run_parallel(budget: Budget) -> SectionResult:
    count, seconds = budget.cli_clusters, budget.cli_seconds
    result = SectionResult("cli_parallel", f"Real CLI: pulumi up of {count} clusters, T = {seconds:g} s")
    binary_dir = cli_directory()
    engine_parallel = (os.cpu_count() or 1) * 4  # the CLI's default --parallel: 4 x GOMAXPROCS
    # The same up with operations that end at once: the CLI's, the program's and the host's own time, so
    # (wall - fixed) / T counts the waves of T the engine and the host let through.
    fixed = _parallel_up(binary_dir, count, None, None, None)
    cases = (("default", None, None), ("0", "0", None), ("default", None, count))
    walls: dict[str, float] = {}
    for label, host_workers, parallel in cases:
        key = f"hostWorkers={label}, parallel={parallel or f'default ({engine_parallel})'}"
        walls[key] = _parallel_up(binary_dir, count, seconds, host_workers, parallel)
    result.details.update(
        {
            "walls": walls,
            "operation_seconds": seconds,
            "instant_operations_wall": fixed,
            "engine_default_parallel": engine_parallel,
            # Whole-command timings move with whatever else the machine runs: keep the load next to them.
            "load_average": os.getloadavg(),
        }
    )
    result.rows.append(
        Row(
            "9 real cli",
            f"pulumi up, {count} clusters, operations end at once (fixed cost)",
            f"{fixed:.1f} s",
            "(reference)",
            INFO,
        )
    )
    for key, wall in walls.items():
        workers = 32 if "hostWorkers=default" in key else STOCK_WORKERS
        parallel = count if f"parallel={count}" in key else engine_parallel
        waves = math.ceil(count / min(workers, parallel))
        result.rows.append(
            Row(
                "9 real cli",
                f"pulumi up, {count} clusters, {key}: wall / T, (wall - fixed) / T",
                f"{wall / seconds:.2f}, {(wall - fixed) / seconds:.2f} ({wall:.1f} s)",
                f"~{waves} (waves)",
                INFO,
            )
        )
    return result
