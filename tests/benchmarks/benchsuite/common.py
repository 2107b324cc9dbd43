"""What every section shares: result rows, the run budget, statistics, machine facts and the emulator set-up."""

from __future__ import annotations

import datetime
import importlib.metadata
import math
import os
import platform
import statistics
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_azureml.emulator import EmulatorServer

REPO_ROOT = Path(__file__).resolve().parents[3]
BENCH_DIR = REPO_ROOT / "tests" / "benchmarks"
PACKAGE_DIR = REPO_ROOT / "provider" / "pulumi_azureml"
CACHE_DIR = Path(tempfile.gettempdir()) / "pulumi-azureml-bench"
"""What the suite keeps between runs (child processes' bytecode, the pulumi-azure-native venv): the system's temp
directory (``TMPDIR``), never a fixed path."""

SUBSCRIPTION = "00000000-0000-0000-0000-00000000be4c"
RESOURCE_GROUP = "rg-bench"
WORKSPACE = "mlw-bench"
LOCATION = "eastus"
TOKEN = "bench-token"
API_VERSION = "2025-12-01"
PROJECT = "azureml-bench"
SECRET_CONFIG_KEYS = ("azureml:accessToken",)
WORKSPACE_PATH = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
    f"/providers/Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)

MET = "met"
NOT_MET = "NOT MET"
INFO = "info"
SKIPPED = "skipped"
ERROR = "error"


@dataclass(frozen=True)
class Row:
    """One line of the result table."""

    section: str
    figure: str
    measured: str
    target: str = ""
    status: str = INFO
    note: str = ""


@dataclass
class SectionResult:
    """What one section measured: its table rows and its raw figures (for the JSON file)."""

    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class Budget:
    """Sizes and durations of one run; ``quick`` trades precision for a run well under two minutes."""

    quick: bool
    operation_seconds: float
    """Emulator operation time T for the latency section (seconds_to_complete, Retry-After 1)."""
    off_quantum_seconds: float
    """A T that is not a multiple of Retry-After, to show the polling quantum."""
    preview_resources: int
    cold_start_repeats: int
    parallel_creates: int
    parallel_seconds: float
    import_repeats: int
    emulator_scale: float
    """Fraction of emulator_bench.py's sample counts."""
    azure_native_install_timeout: float
    cli_resources: int
    """Resources of the real-CLI preview and no-change up (section 9)."""
    cli_repeats: int
    """Interleaved pairs (ours, empty) of each real-CLI command; the median of the pairs' ratios is reported."""
    cli_clusters: int
    cli_seconds: float
    """Emulator operation time T of the real-CLI parallel up."""

    @classmethod
    def for_mode(cls, quick: bool) -> Budget:
        if quick:
            return cls(
                quick=True,
                operation_seconds=1.0,
                off_quantum_seconds=1.5,
                preview_resources=50,
                cold_start_repeats=3,
                parallel_creates=20,
                parallel_seconds=1.0,
                import_repeats=3,
                emulator_scale=0.25,
                azure_native_install_timeout=60.0,
                cli_resources=10,
                cli_repeats=1,
                cli_clusters=8,
                cli_seconds=1.0,
            )
        return cls(
            quick=False,
            operation_seconds=3.0,
            off_quantum_seconds=2.5,
            preview_resources=200,
            cold_start_repeats=7,
            parallel_creates=20,
            parallel_seconds=3.0,
            import_repeats=7,
            emulator_scale=1.0,
            azure_native_install_timeout=240.0,
            cli_resources=200,
            cli_repeats=5,
            cli_clusters=20,
            cli_seconds=5.0,
        )


# -- statistics ---------------------------------------------------------------------------------------------------


def median(samples: Sequence[float]) -> float:
    return float(statistics.median(samples)) if samples else math.nan


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation), as emulator_bench.py computes it."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def ms(seconds: float, digits: int = 1) -> str:
    return f"{seconds * 1000:.{digits}f} ms"


def status(ok: bool) -> str:
    return MET if ok else NOT_MET


# -- machine ------------------------------------------------------------------------------------------------------


def machine_facts() -> dict[str, Any]:
    """CPU model, cores, memory, Python, the Pulumi SDK and the commit measured."""
    cpu = platform.processor() or platform.machine()
    memory_mb: int | None = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
                break
    except OSError:
        pass  # not Linux: keep platform's answer
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory_mb,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "pulumi_sdk": _version("pulumi"),
        "pulumi_azureml": _version("pulumi-azureml"),
        "commit": _commit(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--", "provider"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    # The provider tree is what is measured: say when it differs from the commit.
    return f"{head}{' + uncommitted provider changes' if dirty else ''}"


# -- emulator and stack config ------------------------------------------------------------------------------------


@contextmanager
def running_emulator(**settings: Any) -> Iterator[EmulatorServer]:
    """An in-process emulator on loopback with the benchmark's workspace seeded (seeding is not logged)."""
    server = EmulatorServer(**settings).start()
    try:
        server.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, LOCATION)
        yield server
    finally:
        server.stop()


def stack_config(emulator: EmulatorServer, **extra: str) -> dict[str, str]:
    """Stack config pointing the provider at ``emulator``; extra keys are given without the ``azureml:`` prefix."""
    config = {
        "azureml:endpoint": emulator.url,
        "azureml:accessToken": TOKEN,
        "azureml:subscriptionId": SUBSCRIPTION,
        "azureml:resourceGroupName": RESOURCE_GROUP,
        "azureml:workspaceName": WORKSPACE,
    }
    config.update({f"azureml:{key}": value for key, value in extra.items()})
    return config


def placement() -> dict[str, str]:
    return {"subscription_id": SUBSCRIPTION, "resource_group_name": RESOURCE_GROUP, "workspace_name": WORKSPACE}


def dynamic_urn(type_name: str, name: str) -> str:
    return f"urn:pulumi:bench::{PROJECT}::pulumi-python:dynamic/{type_name}::{name}"


def request_label(entry: Mapping[str, Any]) -> str:
    """``METHOD what`` for one emulator log entry: the resource type, an action, or which kind of poll."""
    method = str(entry.get("method", "?"))
    segments = [segment for segment in str(entry.get("path", "")).split("/") if segment]
    last = segments[-1] if segments else ""
    if any(segment.endswith("OperationsStatus") for segment in segments):
        return f"{method} poll:status"
    if any(segment.endswith("OperationResults") or segment == "operationresults" for segment in segments):
        return f"{method} poll:location"
    if len(segments) % 2 == 1:
        return f"{method} {last}"  # an action such as listkeys or start
    return f"{method} {segments[-2] if len(segments) >= 2 else last}"


def process_memory(pid: int) -> dict[str, int]:
    """Resident and peak resident memory (KiB) of a process, from /proc; empty where /proc is missing."""
    result: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                result[name] = int(value.split()[0])
    except OSError:
        pass
    return result
