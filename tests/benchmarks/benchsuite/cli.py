"""The command line of the suite: ``python tests/benchmarks/run.py [--quick] [--json PATH] [--only SECTION,...]``.

Sections run one after another (each bounded; a failing section is reported as an error row and the others still
run), then one table is printed and the JSON file written. The exit status is 1 only if a section failed to
measure; a target that is not met is a result, not a failure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from benchsuite import (
    azure_native,
    cli_build,
    cli_engine,
    cold_start,
    emulator_figures,
    latency,
    parallel,
    preview_scale,
    program_side,
    publish,
    requests_per_op,
    upload,
)
from benchsuite.common import BENCH_DIR, CACHE_DIR, ERROR, REPO_ROOT, Budget, Row, SectionResult, machine_facts
from benchsuite.report import ordered_rows, render, write_json

DEFAULT_JSON = BENCH_DIR / "results" / "latest.json"
BYTECODE_CACHE = CACHE_DIR / "pycache"

SECTIONS = (
    "requests",
    "latency",
    "preview",
    "cold_start",
    "parallel",
    "azure_native",
    "emulator",
    "cli_scale",
    "cli_parallel",
    "cli_build_warm",
    "cli_build_cold",
    "upload",
    "program",
)
"""In run order. ``preview`` also gives section 5 (state size): both come from the same deployed stack."""
OPT_IN = ("cli_build_cold",)
"""Run only when named in ``--only``: the cold CLI build downloads every Go module again (10+ minutes)."""
NUMBERS = {
    "requests": 1,
    "latency": 2,
    "preview": 3,
    "cold_start": 4,
    "parallel": 6,
    "azure_native": 7,
    "emulator": 8,
    "cli_scale": 9,
    "cli_parallel": 9,
    "cli_build_warm": 10,
    "cli_build_cold": 10,
    "upload": 11,
    "program": 12,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tests/benchmarks/run.py",
        description="pulumi-azureml benchmark suite: requests per operation, latency overhead, preview at scale, "
        "cold start, state size, parallel provisioning, pulumi-azure-native side by side, emulator, the real "
        "Pulumi CLI at scale and in parallel, the CLI build.",
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes and shorter operations (< 2 minutes)")
    parser.add_argument(
        "--json", type=Path, default=DEFAULT_JSON, help=f"write the results here (default: {DEFAULT_JSON})"
    )
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated sections to run, of: {', '.join(SECTIONS)} ({', '.join(OPT_IN)} runs only when named)",
    )
    parser.add_argument("--skip", default="", help="comma-separated sections not to run")
    parser.add_argument(
        "--publish",
        action="store_true",
        help="also merge the sections measured into tests/benchmarks/performance.json (checked in) and regenerate "
        "the performance table of docs/testing-and-performance.md from it",
    )
    parser.add_argument(
        "--kinds",
        default=",".join(requests_per_op.KINDS),
        help="resource kinds for the requests section (default: all)",
    )
    parser.add_argument(
        "--azure-native-venv",
        type=Path,
        default=azure_native.DEFAULT_VENV,
        help="throwaway venv for pulumi-azure-native (created on first use, reused afterwards)",
    )
    return parser


def _names(raw: str) -> list[str]:
    names = [name.strip().replace("-", "_") for name in raw.split(",") if name.strip()]
    unknown = sorted(set(names) - set(SECTIONS))
    if unknown:
        raise SystemExit(f"unknown section(s): {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    return names


@contextmanager
def _installed_like_bytecode() -> Iterator[dict[str, str]]:
    """Let child processes cache bytecode, as a pip-installed package has it, outside the work tree.

    Development shells here set PYTHONDONTWRITEBYTECODE, which would make every provider host compile
    pulumi_azureml from source while the SDK and azure-native (compiled by pip) do not: an unfair cold start.
    """
    saved = {name: os.environ.get(name) for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(BYTECODE_CACHE)
    try:
        yield {"child_processes": f"bytecode cached in {BYTECODE_CACHE} (PYTHONDONTWRITEBYTECODE unset for them)"}
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    selected = _names(arguments.only) or [name for name in SECTIONS if name not in OPT_IN]
    skipped = set(_names(arguments.skip))
    kinds = tuple(kind.strip() for kind in arguments.kinds.split(",") if kind.strip())
    unknown_kinds = sorted(set(kinds) - set(requests_per_op.KINDS))
    if unknown_kinds:
        raise SystemExit(f"unknown kind(s): {', '.join(unknown_kinds)}")
    budget = Budget.for_mode(arguments.quick)
    runners: dict[str, Callable[[], list[SectionResult]]] = {
        "requests": lambda: [requests_per_op.run(budget, _available(kinds))],
        "latency": lambda: [latency.run(budget)],
        "preview": lambda: list(preview_scale.run(budget)),
        "cold_start": lambda: [cold_start.run(budget)],
        "parallel": lambda: [parallel.run(budget)],
        "azure_native": lambda: [azure_native.run(budget, arguments.azure_native_venv)],
        "emulator": lambda: [emulator_figures.run(budget)],
        "cli_scale": lambda: [cli_engine.run_scale(budget)],
        "cli_parallel": lambda: [cli_engine.run_parallel(budget)],
        "cli_build_warm": lambda: [cli_build.run_warm(budget)],
        "cli_build_cold": lambda: [cli_build.run_cold(budget)],
        "upload": lambda: [upload.run(budget)],
        "program": lambda: [program_side.run(budget)],
    }
    plan = [name for name in SECTIONS if name in selected and name not in skipped]
    machine = machine_facts()
    sections: list[SectionResult] = []
    failed = False
    started = time.perf_counter()
    with _installed_like_bytecode() as environment:
        for index, name in enumerate(plan, start=1):
            print(f"[{index}/{len(plan)}] {name} ...", file=sys.stderr, flush=True)
            section_started = time.perf_counter()
            try:
                results = runners[name]()
            except Exception as error:  # report and go on: one broken section must not hide the others
                failed = True
                lines = str(error).strip().splitlines()
                message = f"{type(error).__name__}: {lines[-1] if lines else ''}"[:300]
                results = [
                    SectionResult(
                        name,
                        name,
                        [Row(f"{NUMBERS[name]} {name}", "section failed", "error", "", ERROR, message)],
                        {"error": traceback.format_exc()},
                    )
                ]
            elapsed = time.perf_counter() - section_started
            for result in results:
                result.seconds = elapsed
                # Whole-command timings move with whatever else the machine runs: keep the load next to them.
                result.details.setdefault("load_average", os.getloadavg())
            sections.extend(results)
            print(f"[{index}/{len(plan)}] {name} done in {elapsed:.1f} s", file=sys.stderr, flush=True)
    total = time.perf_counter() - started
    rows = ordered_rows(sections)
    mode = "quick" if arguments.quick else "full"
    print(render(rows, machine, mode, total))
    write_json(
        arguments.json,
        sections,
        rows,
        machine,
        {
            "mode": mode,
            "command": ["tests/benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)],
            "seconds": round(total, 1),
            "budget": vars(budget),
            "environment": environment,
        },
    )
    print(f"\nJSON: {arguments.json}")
    if arguments.publish:
        run = {"mode": mode, "command": ["tests/benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)]}
        publish.publish(sections, machine, run)
        table = publish.README.relative_to(REPO_ROOT)
        print(f"published: {publish.PUBLISHED.relative_to(REPO_ROOT)} and the table in {table}")
    return 1 if failed else 0


def _available(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """Workspace is measured only where the package has it (its spec and resource may be absent)."""
    spec = REPO_ROOT / "provider" / "pulumi_azureml" / "specs" / "workspace.py"
    return tuple(kind for kind in kinds if kind != "Workspace" or spec.exists())
