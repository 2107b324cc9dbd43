"""Section 10: how long ``tests/pulumi-cli/provide`` takes to build the pinned Pulumi CLI, cold and warm.

Both figures build into a throwaway copy of the repository's ``tests/pulumi-cli`` (so ``provide`` finds no
``.pulumi-cli`` build to reuse and the working tree's build is left alone), with ``--build`` so a vendor ``pulumi``
on PATH is not taken instead.

- ``cli_build_warm``: the developer's own Go module and build caches, as a re-run after deleting ``.pulumi-cli``.
- ``cli_build_cold``: a fresh ``GOMODCACHE`` and ``GOCACHE`` in a temporary directory, as on a fresh machine: every
  module comes from the proxy (about 1.6 GB) and every package is compiled. Ten minutes or more on 2 cores, so it
  runs only when asked for by name (``--only cli-build-cold``), never in a full run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchsuite.common import INFO, REPO_ROOT, Budget, Row, SectionResult, median

PROVIDE_DIR = REPO_ROOT / "tests" / "pulumi-cli"
COLD_TIMEOUT = 3600.0
WARM_TIMEOUT = 900.0


def _directory_bytes(path: Path) -> int:
    total = 0
    for root, _directories, files in os.walk(path):
        for name in files:
            try:
                total += (Path(root) / name).lstat().st_size
            except OSError:
                pass  # a file removed while walking (a temporary of the build): not part of the result
    return total


def build_once(work: Path, *, caches: Path | None, timeout: float) -> dict[str, Any]:
    """Run ``provide --build`` in a copy of tests/pulumi-cli under ``work``; ``caches``: fresh Go caches there."""
    repository = work / "repository"
    shutil.copytree(PROVIDE_DIR, repository / "tests" / "pulumi-cli", ignore=shutil.ignore_patterns("__pycache__"))
    environment = dict(os.environ)
    if caches is not None:
        environment["GOMODCACHE"] = str(caches / "mod")
        environment["GOCACHE"] = str(caches / "build")
        # Module files are read-only by default; writable ones let the temporary directory be removed.
        environment["GOFLAGS"] = " ".join(filter(None, [environment.get("GOFLAGS", ""), "-modcacherw"]))
    started = time.perf_counter()
    completed = subprocess.run(
        [str(repository / "tests" / "pulumi-cli" / "provide"), "--build"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"provide --build exited {completed.returncode}: {completed.stderr.strip()[-2000:]}")
    binary_dir = Path(completed.stdout.strip().splitlines()[-1])
    version = subprocess.run(
        [str(binary_dir / "pulumi"), "version"], capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()
    figures: dict[str, Any] = {"seconds": seconds, "version": version, "log": completed.stderr.strip()}
    if caches is not None:
        figures["module_cache_bytes"] = _directory_bytes(caches / "mod")
        figures["build_cache_bytes"] = _directory_bytes(caches / "build")
    return figures


def run_warm(budget: Budget) -> SectionResult:
    result = SectionResult("cli_build_warm", "CLI build, warm Go caches")
    repeats = 1 if budget.quick else 3
    samples: list[dict[str, Any]] = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="pulumi-cli-warm-") as work:
            samples.append(build_once(Path(work), caches=None, timeout=WARM_TIMEOUT))
    seconds = median([sample["seconds"] for sample in samples])
    result.details.update({"samples": samples, "median_seconds": seconds})
    result.rows.append(
        Row(
            "10 cli build",
            f"provide --build, warm caches, no .pulumi-cli (median of {repeats})",
            f"{seconds:.1f} s",
            "(reference)",
            INFO,
            f"{samples[0]['version']}; CLI, language host and launcher",
        )
    )
    return result


def run_cold(budget: Budget) -> SectionResult:
    del budget  # one sample: it downloads every module again
    result = SectionResult("cli_build_cold", "CLI build, cold Go caches")
    with tempfile.TemporaryDirectory(prefix="pulumi-cli-cold-") as work:
        figures = build_once(Path(work), caches=Path(work) / "go", timeout=COLD_TIMEOUT)
    result.details.update(figures)
    result.rows.append(
        Row(
            "10 cli build",
            "provide --build, empty GOMODCACHE and GOCACHE (one run)",
            f"{figures['seconds']:.0f} s",
            "(reference)",
            INFO,
            f"downloaded modules {figures['module_cache_bytes'] / 1e9:.2f} GB, "
            f"build cache {figures['build_cache_bytes'] / 1e9:.2f} GB; {figures['version']}",
        )
    )
    return result
