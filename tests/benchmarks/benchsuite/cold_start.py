"""Section 4: provider host cold start (process start to the first Check answered), ours vs an empty provider.

Each sample starts a fresh ``python -m pulumi.dynamic`` the way the CLI does (through the harness), sends Configure
and one Check, and stops it; ours and the empty provider alternate so drift on the machine hits both alike. The
difference is what importing, unpickling and configuring ``AzureMLProvider`` costs.

A probe provider then reports, from inside one host, which watched modules are loaded after a preview's calls
(Check, Diff) and after a create with a static token: ``azure.identity`` must appear in neither (it is imported
only when a credential is needed). ``-X importtime`` attributes the import cost to packages.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict
from typing import Any

from benchsuite.baselines import EmptyProvider, ImportProbe
from benchsuite.common import (
    BENCH_DIR,
    INFO,
    PROJECT,
    SECRET_CONFIG_KEYS,
    Budget,
    Row,
    SectionResult,
    dynamic_urn,
    median,
    ms,
    running_emulator,
    stack_config,
    status,
)
from benchsuite.latency import cluster_inputs
from pulumi_azureml.emulator import EmulatorServer

from harness import ProviderHost, provider_property

TARGET_ADDED_SECONDS = 0.100


def _empty_inputs() -> dict[str, Any]:
    inputs = cluster_inputs("coldstartx")
    inputs["__provider"] = provider_property(EmptyProvider())
    return inputs


def _start_to_first_check(emulator: EmulatorServer, inputs: dict[str, Any], type_name: str) -> dict[str, float]:
    started = time.perf_counter()
    host = ProviderHost(project=PROJECT, extra_pythonpath=[BENCH_DIR])
    try:
        host.start()
        serving = time.perf_counter()
        host.configure(stack_config(emulator), SECRET_CONFIG_KEYS)
        reply = host.check(dynamic_urn(type_name, "coldstartx"), {}, inputs)
        answered = time.perf_counter()
    finally:
        host.stop()
    if reply.failures:
        raise RuntimeError(f"cold-start Check failed: {reply.failures}")
    return {"serving_seconds": serving - started, "first_check_seconds": answered - started}


def _loaded_modules(host: ProviderHost) -> list[str]:
    probe = {"__provider": provider_property(ImportProbe())}
    loaded = host.check(dynamic_urn("bench:Probe", "probe"), {}, probe).inputs["loaded"]
    return [str(name) for name in loaded]


def _import_probe(emulator: EmulatorServer) -> dict[str, list[str]]:
    """Watched modules loaded in one host after the preview calls, then after a create (static token)."""
    urn = dynamic_urn("azureml:Compute", "probecluster")
    with ProviderHost(project=PROJECT, extra_pythonpath=[BENCH_DIR]) as host:
        host.configure(stack_config(emulator), SECRET_CONFIG_KEYS)
        at_start = _loaded_modules(host)
        inputs = host.check(urn, {}, cluster_inputs("probecluster")).inputs
        host.diff(urn, "id", inputs, inputs)
        after_preview = _loaded_modules(host)
        host.create(urn, inputs)
        after_create = _loaded_modules(host)
    return {"host_start": at_start, "after_check_diff": after_preview, "after_create_static_token": after_create}


def _import_time_by_package() -> dict[str, Any]:
    """``-X importtime`` of ``import pulumi_azureml.provider`` in a process that already has pulumi.dynamic."""
    base = _importtime("import pulumi, pulumi.dynamic")
    ours = _importtime("import pulumi, pulumi.dynamic; import pulumi_azureml.provider")
    added = {name: value for name, value in ours.items() if name not in base}
    by_package: dict[str, float] = defaultdict(float)
    for name, self_us in added.items():
        by_package[name.split(".")[0]] += self_us / 1e6
    top = dict(sorted(by_package.items(), key=lambda item: -item[1])[:8])
    slowest = sorted(added.items(), key=lambda item: -item[1])[:12]
    return {
        "modules_added": len(added),
        "self_seconds_total": sum(added.values()) / 1e6,
        "self_seconds_by_package": {name: round(seconds, 4) for name, seconds in top.items()},
        "slowest_modules_self_ms": {name: round(self_us / 1000, 2) for name, self_us in slowest},
    }


def _importtime(code: str) -> dict[str, int]:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={key: value for key, value in os.environ.items() if key != "PYTHONPROFILEIMPORTTIME"},
        check=True,
    )
    modules: dict[str, int] = {}
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = (part.strip() for part in line.split(":", 1)[1].split("|"))
        modules[name] = int(self_us)
    return modules


def run(budget: Budget) -> SectionResult:
    result = SectionResult("cold_start", "Cold start (host process start to first Check answered)")
    ours_inputs = cluster_inputs("coldstartx")
    empty_inputs = _empty_inputs()
    ours: list[dict[str, float]] = []
    empty: list[dict[str, float]] = []
    with running_emulator(polls_to_complete=1, retry_after=0) as emulator:
        # One untimed start of each first, so file-system caches are warm for every timed sample.
        _start_to_first_check(emulator, ours_inputs, "azureml:Compute")
        _start_to_first_check(emulator, empty_inputs, "bench:Empty")
        for _ in range(budget.cold_start_repeats):
            ours.append(_start_to_first_check(emulator, ours_inputs, "azureml:Compute"))
            empty.append(_start_to_first_check(emulator, empty_inputs, "bench:Empty"))
        probe = _import_probe(emulator)
    imports = _import_time_by_package()
    ours_first = median([sample["first_check_seconds"] for sample in ours])
    empty_first = median([sample["first_check_seconds"] for sample in empty])
    added = ours_first - empty_first
    result.details.update(
        {"ours": ours, "empty_provider": empty, "import_probe": probe, "import_time": imports, "repeats": len(ours)}
    )
    result.rows.append(
        Row(
            "4 cold start",
            "host start to first Check answered: ours - empty provider",
            ms(added),
            "<= 100 ms",
            status(added <= TARGET_ADDED_SECONDS),
            f"medians of {len(ours)}: ours {ms(ours_first)}, empty {ms(empty_first)} (host serving after "
            f"{ms(median([sample['serving_seconds'] for sample in ours]))})",
        )
    )
    identity_loaded = [
        stage for stage, loaded in probe.items() if any(name in ("azure.identity", "msal") for name in loaded)
    ]
    result.rows.append(
        Row(
            "4 cold start",
            "azure.identity/msal in the host after check+diff, create",
            "no" if not identity_loaded else f"yes: {', '.join(identity_loaded)}",
            "no",
            status(not identity_loaded),
            "the create used a static token (emulator); loaded after check+diff: "
            f"{', '.join(probe['after_check_diff']) or 'none of the watched'}",
        )
    )
    packages = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in imports["self_seconds_by_package"].items())
    result.rows.append(
        Row(
            "4 cold start",
            "import pulumi_azureml.provider, -X importtime",
            f"{imports['self_seconds_total'] * 1000:.0f} ms, {imports['modules_added']} modules",
            "",
            INFO,
            f"after pulumi.dynamic; self time by package, ms: {packages}",
        )
    )
    return result
