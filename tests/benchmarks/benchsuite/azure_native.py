"""Section 7: side by side with pulumi-azure-native: installed size and program-side import time.

pulumi-azure-native's Python SDK is installed with ``--no-deps`` (plus the two small pure-Python packages it imports
that this project's venv lacks) into a throwaway venv under /tmp — never into the project's venv — and reused by
later runs. Import times are then measured with the project's interpreter, which already has the ``pulumi`` SDK, by
putting only that venv's site-packages on ``PYTHONPATH``: both packages import against the same Python and the same
Pulumi SDK. If the install does not finish within the budget, the section is skipped with the reason.

Import time is what a Pulumi program pays: ``import pulumi`` first (every program does), then the timed part,
``import <package>`` plus touching the resource classes a program would use (azure-native loads its modules
lazily, on first attribute access). Each sample is a fresh process; the ratio is of medians.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchsuite.common import (
    CACHE_DIR,
    INFO,
    PACKAGE_DIR,
    SKIPPED,
    Budget,
    Row,
    SectionResult,
    median,
    ms,
)

DEFAULT_VENV = CACHE_DIR / "azure-native-venv"
# Imported by pulumi_azure_native but absent from the project's venv; small, pure Python.
EXTRA_PACKAGES = ("parver", "arpeggio", "attrs")
CLASSES = ("Compute", "BatchEndpoint", "BatchDeployment", "Workspace")

IMPORT_PROBE = """
import json, sys, time
import pulumi
before = len(sys.modules)
started = time.perf_counter()
import {module} as package
imported = time.perf_counter()
for name in {classes!r}:
    getattr(package, name, None)
done = time.perf_counter()
added = len(sys.modules) - before
print(json.dumps({{"import": imported - started, "with_classes": done - started, "modules": added}}))
"""


def _site_packages(venv: Path) -> Path:
    return venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"


def ensure_installed(venv: Path, timeout: float) -> tuple[Path | None, str, float]:
    """The throwaway venv's site-packages with pulumi_azure_native, or None and why; and the install seconds."""
    site = _site_packages(venv)
    if (site / "pulumi_azure_native" / "__init__.py").exists() and (venv / "installed.json").exists():
        return site, "reused", 0.0
    started = time.perf_counter()
    # pip compiles bytecode next to the sources, as for any user; a cache prefix would send it elsewhere.
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPYCACHEPREFIX"}
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=timeout, env=environment
        )
        remaining = max(10.0, timeout - (time.perf_counter() - started))
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--no-deps", "--disable-pip-version-check", "-q"]
            + ["pulumi-azure-native", *EXTRA_PACKAGES],
            check=True,
            capture_output=True,
            text=True,
            timeout=remaining,
            env=environment,
        )
    except subprocess.TimeoutExpired:
        return None, f"pip install did not finish within {timeout:.0f} s", time.perf_counter() - started
    except subprocess.CalledProcessError as error:
        tail = (error.stderr or "").strip().splitlines()[-1:] if isinstance(error.stderr, str) else []
        return None, f"install failed: {' '.join(tail) or error}", time.perf_counter() - started
    except OSError as error:
        return None, f"install failed: {error}", time.perf_counter() - started
    seconds = time.perf_counter() - started
    (venv / "installed.json").write_text(json.dumps({"install_seconds": seconds}) + "\n")
    return site, "installed", seconds


def tree_size(path: Path) -> dict[str, int]:
    """Bytes and files under ``path``: all, and without ``__pycache__`` (sources and data only)."""
    total = files = source = source_files = 0
    for item in path.rglob("*"):
        if not item.is_file():
            continue
        size = item.stat().st_size
        total += size
        files += 1
        if "__pycache__" not in item.parts:
            source += size
            source_files += 1
    return {"bytes": total, "files": files, "bytes_without_pycache": source, "files_without_pycache": source_files}


def _import_once(module: str, extra_path: Path | None) -> dict[str, float]:
    environment = dict(os.environ)
    if extra_path is not None:
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), environment.get("PYTHONPATH")]))
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE.format(module=module, classes=CLASSES)],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=True,
    )
    figures: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def _import_samples(module: str, extra_path: Path | None, repeats: int) -> list[dict[str, float]]:
    _import_once(module, extra_path)  # warm the file-system cache and write any missing bytecode; not counted
    return [_import_once(module, extra_path) for _ in range(repeats)]


def run(budget: Budget, venv: Path = DEFAULT_VENV) -> SectionResult:
    result = SectionResult("azure_native", "Side by side with pulumi-azure-native")
    site, how, install_seconds = ensure_installed(venv, budget.azure_native_install_timeout)
    result.details["install"] = {"venv": str(venv), "outcome": how, "seconds": round(install_seconds, 1)}
    if site is None:
        result.rows.append(Row("7 azure-native", "pulumi-azure-native comparison", "skipped", "", SKIPPED, how))
        return result
    theirs_dir = site / "pulumi_azure_native"
    version = next(
        (p.name.removesuffix(".dist-info").split("-")[1] for p in site.glob("pulumi_azure_native-*.dist-info")), "?"
    )
    ours_size = tree_size(PACKAGE_DIR)
    theirs_size = tree_size(theirs_dir)
    result.details["size"] = {"pulumi_azureml": ours_size, "pulumi_azure_native": theirs_size, "version": version}
    ours_mb = ours_size["bytes_without_pycache"] / 1e6
    theirs_mb = theirs_size["bytes_without_pycache"] / 1e6
    result.rows.append(
        Row(
            "7 azure-native",
            f"installed size: pulumi_azureml vs pulumi_azure_native {version}",
            f"{ours_mb:.2f} MB vs {theirs_mb:.0f} MB ({theirs_mb / ours_mb:.0f}x)",
            "",
            INFO,
            f"sources and data, without __pycache__; azure-native with the bytecode pip compiles at install: "
            f"{theirs_size['bytes'] / 1e6:.0f} MB in {theirs_size['files']} files; ours: "
            f"{ours_size['files_without_pycache']} source files, emulator included",
        )
    )
    ours = _import_samples("pulumi_azureml", None, budget.import_repeats)
    theirs = _import_samples("pulumi_azure_native.machinelearningservices", site, budget.import_repeats)
    result.details["import"] = {"pulumi_azureml": ours, "pulumi_azure_native.machinelearningservices": theirs}
    ours_median = median([sample["with_classes"] for sample in ours])
    theirs_median = median([sample["with_classes"] for sample in theirs])
    bare = median([sample["import"] for sample in theirs])
    result.rows.append(
        Row(
            "7 azure-native",
            "program-side import time, ratio of medians",
            f"ours {ms(ours_median)} vs {ms(theirs_median)}: {theirs_median / ours_median:.1f}x",
            "",
            INFO,
            f"medians of {len(ours)} fresh processes each, after `import pulumi`: the package import plus touching "
            f"{', '.join(CLASSES)} (a bare `import ...machinelearningservices` is lazy: {ms(bare)}); modules "
            f"added: ours {ours[0]['modules']:.0f}, azure-native {theirs[0]['modules']:.0f}",
        )
    )
    return result
