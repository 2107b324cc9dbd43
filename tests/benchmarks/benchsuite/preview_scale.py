"""Sections 3 and 5: a many-resource program through the harness (preview cost, host memory) and its state size.

The same program shape runs twice, once with ``Compute`` and once with :class:`~benchsuite.baselines.EmptyResource`
given the same user inputs, so the SDK host's and the harness's own cost can be subtracted. For each: a preview of
a new stack (Check only), an ``up``, then a preview of the deployed stack (Check + Diff per resource). Every gRPC
call the harness makes is timed on the harness side; the provider's pure check/diff time is also measured
in-process, which is what running inside the host would show.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi_azureml as azureml
from benchsuite.baselines import EmptyResource
from benchsuite.common import (
    BENCH_DIR,
    INFO,
    PROJECT,
    SECRET_CONFIG_KEYS,
    Budget,
    Row,
    SectionResult,
    median,
    ms,
    process_memory,
    running_emulator,
    stack_config,
    status,
)
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.settings import Settings

from harness import ProviderHost, Stack

TARGET_PER_RESOURCE_SECONDS = 0.001
TARGET_PROVIDER_BYTES = 200
IN_PROCESS_REPEATS = 300


class HostCallRecorder:
    """Times every gRPC call the harness makes to a host, and samples the host's memory just before it stops."""

    def __init__(self) -> None:
        self.calls: dict[str, list[float]] = defaultdict(list)
        self.memory: list[dict[str, int]] = []

    def reset(self) -> None:
        self.calls = defaultdict(list)
        self.memory = []

    def attach(self, host: ProviderHost) -> None:
        """Wrap this host's RPC entry point and its stop (instance attributes shadow the methods)."""
        original_call = host._call
        original_stop = host.stop

        def timed_call(method: str, request: Any, timeout: float | None = None) -> Any:
            started = time.perf_counter()
            try:
                return original_call(method, request, timeout)
            finally:
                self.calls[method].append(time.perf_counter() - started)

        def sampling_stop(timeout: float = 10.0) -> None:
            self.memory.append(process_memory(host.pid))
            original_stop(timeout)

        # The harness has no hook for per-call timing; the recorder is test support wrapping test support.
        vars(host)["_call"] = timed_call
        vars(host)["stop"] = sampling_stop


def compute_inputs(index: int) -> dict[str, Any]:
    """User inputs of one cluster of the program (the same for the empty-provider baseline)."""
    return {
        "name": f"scale{index:03d}x",
        "compute_type": "AmlCompute",
        "vm_size": "STANDARD_DS3_V2",
        "description": f"cluster {index}",
        "tags": {"team": "ml", "index": str(index)},
        "scale_settings": {"max_node_count": 2, "min_node_count": 0, "node_idle_time_before_scale_down": "PT5M"},
    }


def _ours(count: int) -> Callable[[], None]:
    def program() -> None:
        for index in range(count):
            inputs = compute_inputs(index)
            scale = inputs.pop("scale_settings")
            azureml.Compute(inputs["name"], scale_settings=azureml.ScaleSettingsArgs(**scale), **inputs)

    return program


def _empty(count: int) -> Callable[[], None]:
    def program() -> None:
        for index in range(count):
            inputs = compute_inputs(index)
            EmptyResource(inputs["name"], inputs)

    return program


def _measure(emulator: EmulatorServer, stack: Stack, program: Callable[[], None], count: int) -> dict[str, Any]:
    recorder = HostCallRecorder()
    stack.add_host_listener(recorder.attach)
    figures: dict[str, Any] = {}

    emulator.clear_requests_log()
    started = time.perf_counter()
    stack.preview(program)
    figures["fresh_preview_seconds"] = time.perf_counter() - started
    figures["fresh_preview_requests"] = len(emulator.requests_log())
    checks = recorder.calls["Check"]
    figures["fresh_check_median_seconds"] = median(checks)
    figures["first_check_seconds"] = checks[0] if checks else None
    figures["fresh_host_memory_kib"] = recorder.memory[-1] if recorder.memory else {}

    recorder.reset()
    started = time.perf_counter()
    stack.up(program)
    figures["up_seconds"] = time.perf_counter() - started

    recorder.reset()
    emulator.clear_requests_log()
    started = time.perf_counter()
    preview = stack.preview(program)
    figures["steady_preview_seconds"] = time.perf_counter() - started
    figures["steady_preview_requests"] = len(emulator.requests_log())
    figures["steady_preview_ops"] = sorted(set(preview.ops().values()))
    checks, diffs = recorder.calls["Check"], recorder.calls["Diff"]
    if len(checks) != count or len(diffs) != count:
        raise RuntimeError(f"expected {count} Check and Diff calls, got {len(checks)} and {len(diffs)}")
    # The harness handles one registration at a time: Check i and Diff i belong to the same resource.
    per_resource = [check + diff for check, diff in zip(checks, diffs, strict=True)]
    figures["steady_check_median_seconds"] = median(checks)
    figures["steady_diff_median_seconds"] = median(diffs)
    figures["check_plus_diff_median_seconds"] = median(per_resource)
    figures["steady_host_memory_kib"] = recorder.memory[-1] if recorder.memory else {}
    figures["state"] = _state_size(stack.state_path, count)
    stack.remove_host_listener(recorder.attach)
    figures["inside_host"] = _inside_host(stack, emulator)
    return figures


def _inside_host(stack: Stack, emulator: EmulatorServer) -> dict[str, Any]:
    """The host's own Check/Diff handler time per deployed resource (see :mod:`benchsuite.servicer_timing`)."""
    resources = [
        {"urn": r.urn, "id": r.id, "inputs": r.plain_inputs(), "outputs": r.plain_outputs()}
        for r in stack.state().resources
        if r.type.startswith("pulumi-python:dynamic")
    ]
    with tempfile.TemporaryDirectory() as tmp:
        requests_file = Path(tmp) / "requests.json"
        requests_file.write_text(json.dumps({"config": stack_config(emulator), "resources": resources}))
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH_DIR), environment.get("PYTHONPATH")]))
        completed = subprocess.run(
            [sys.executable, "-m", "benchsuite.servicer_timing", str(requests_file)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**environment, "PULUMI_PROJECT": PROJECT},
        )
    if completed.returncode != 0:
        raise RuntimeError(f"servicer timing failed: {completed.stderr.strip()[-500:]}")
    timings = json.loads(completed.stdout.strip().splitlines()[-1])
    checks, diffs = timings["check"], timings["diff"]
    # The first Check unpickles and configures the provider (imports included): reported apart, not in the median.
    pairs = [check + diff for check, diff in zip(checks[1:], diffs[1:], strict=True)]
    return {
        "first_check_seconds": checks[0],
        "check_median_seconds": median(checks[1:]),
        "diff_median_seconds": median(diffs[1:]),
        "check_plus_diff_median_seconds": median(pairs),
    }


def _state_size(path: Path, count: int) -> dict[str, Any]:
    """File size, and per resource: compact JSON of its whole entry, and its ``__provider`` value."""
    data = json.loads(path.read_text(encoding="utf-8"))
    resources = [r for r in data.get("resources", []) if str(r.get("type", "")).startswith("pulumi-python:dynamic")]
    entry_bytes = [len(json.dumps(r, separators=(",", ":"))) for r in resources]
    provider_values = [_provider_value(r.get("inputs", {})) for r in resources]
    return {
        "file_bytes": path.stat().st_size,
        "resources": len(resources),
        "file_bytes_per_resource": path.stat().st_size / max(1, count),
        "entry_compact_bytes_median": median(entry_bytes),
        "provider_bytes": max((len(value) for value in provider_values), default=0),
        "provider_is_secret": any(value == "" for value in provider_values),
    }


def _provider_value(inputs: Mapping[str, Any]) -> str:
    value = inputs.get("__provider")
    return value if isinstance(value, str) else ""  # a secret is stored sealed, i.e. not as a plain string


def _in_process(emulator: EmulatorServer, inputs: Mapping[str, Any], outputs: Mapping[str, Any]) -> dict[str, float]:
    """Median AzureMLProvider.check/diff time on a deployed resource's state, without host or gRPC."""
    provider = AzureMLProvider("Compute")
    # Settings are all check/diff read; configure() would also look for a host pool to widen.
    provider.use_settings(Settings(stack_config(emulator), environ={}))
    checks: list[float] = []
    diffs: list[float] = []
    checked: dict[str, Any] = {}
    for _ in range(IN_PROCESS_REPEATS):
        started = time.perf_counter()
        checked = provider.check(dict(inputs), dict(inputs)).inputs
        checks.append(time.perf_counter() - started)
    for _ in range(IN_PROCESS_REPEATS):
        started = time.perf_counter()
        provider.diff("id", dict(outputs), checked)
        diffs.append(time.perf_counter() - started)
    return {"check_median_seconds": median(checks), "diff_median_seconds": median(diffs)}


def run(budget: Budget) -> tuple[SectionResult, SectionResult]:
    count = budget.preview_resources
    preview = SectionResult("preview", f"Preview at scale ({count} resources through the harness)")
    state = SectionResult("state", "State size")
    with running_emulator(polls_to_complete=1, retry_after=0) as emulator, tempfile.TemporaryDirectory() as tmp:

        def new_stack(name: str) -> Stack:
            return Stack(
                Path(tmp) / f"{name}.json",
                stack_config(emulator, pollIntervalSeconds="0"),
                secret_config_keys=SECRET_CONFIG_KEYS,
                project=PROJECT,
                extra_pythonpath=[BENCH_DIR],
            )

        ours_stack = new_stack("ours")
        ours = _measure(emulator, ours_stack, _ours(count), count)
        empty = _measure(emulator, new_stack("empty"), _empty(count), count)
        first = next(r for r in ours_stack.state().resources if r.type.startswith("pulumi-python:dynamic"))
        in_process = _in_process(emulator, first.plain_inputs(), first.plain_outputs())
    preview.details.update({"resources": count, "ours": ours, "empty_provider": empty, "in_process": in_process})

    requests = ours["fresh_preview_requests"] + ours["steady_preview_requests"]
    preview.rows.append(
        Row("3 preview", f"HTTP requests, 2 previews of {count} resources", str(requests), "0", status(requests == 0))
    )
    ours_host, empty_host = ours["inside_host"], empty["inside_host"]
    host_pair = ours_host["check_plus_diff_median_seconds"]
    preview.rows.append(
        Row(
            "3 preview",
            "check+diff per resource inside the host, median",
            ms(host_pair, 3),
            "<= 1 ms",
            status(host_pair <= TARGET_PER_RESOURCE_SECONDS),
            f"the host's own handlers, timed without gRPC; empty provider "
            f"{ms(empty_host['check_plus_diff_median_seconds'], 3)}, so ours adds "
            f"{ms(host_pair - empty_host['check_plus_diff_median_seconds'], 3)}; first Check (unpickle, import, "
            f"configure) {ms(ours_host['first_check_seconds'])}",
        )
    )
    ours_pair = ours["check_plus_diff_median_seconds"]
    empty_pair = empty["check_plus_diff_median_seconds"]
    preview.rows.append(
        Row(
            "3 preview",
            "check+diff per resource from the harness, ours - empty",
            ms(ours_pair - empty_pair, 3),
            "",
            INFO,
            f"diagnostic, noisy on 2 cores (harness, host and emulator share them): gRPC round trips and the "
            f"harness's own conversions included; ours {ms(ours_pair, 3)}, empty provider {ms(empty_pair, 3)}",
        )
    )
    own = in_process["check_median_seconds"] + in_process["diff_median_seconds"]
    preview.rows.append(
        Row(
            "3 preview",
            "provider check+diff alone (in-process), median",
            ms(own, 3),
            "<= 1 ms",
            status(own <= TARGET_PER_RESOURCE_SECONDS),
            f"check {ms(in_process['check_median_seconds'], 3)}, diff {ms(in_process['diff_median_seconds'], 3)}",
        )
    )
    preview.rows.append(
        Row(
            "3 preview",
            f"whole preview of {count} deployed resources",
            f"{ours['steady_preview_seconds']:.2f} s",
            "",
            INFO,
            f"harness + SDK + host; empty provider {empty['steady_preview_seconds']:.2f} s; the up took "
            f"{ours['up_seconds']:.1f} s",
        )
    )
    ours_memory = ours["steady_host_memory_kib"]
    empty_memory = empty["steady_host_memory_kib"]
    preview.rows.append(
        Row(
            "3 preview",
            "host RSS after the preview (peak)",
            f"{ours_memory.get('VmRSS', 0) / 1024:.1f} MiB ({ours_memory.get('VmHWM', 0) / 1024:.1f})",
            "",
            INFO,
            f"empty provider {empty_memory.get('VmRSS', 0) / 1024:.1f} MiB ({empty_memory.get('VmHWM', 0) / 1024:.1f})",
        )
    )

    ours_state, empty_state = ours["state"], empty["state"]
    state.details.update({"ours": ours_state, "empty_provider": empty_state})
    provider_bytes = ours_state["provider_bytes"]
    state.rows.append(
        Row(
            "5 state",
            "__provider bytes per resource (in inputs and outputs)",
            str(provider_bytes),
            f"<= {TARGET_PROVIDER_BYTES}",
            status(0 < provider_bytes <= TARGET_PROVIDER_BYTES and not ours_state["provider_is_secret"]),
            f"empty provider {empty_state['provider_bytes']}; plain, not secret"
            if not ours_state["provider_is_secret"]
            else "stored as a secret",
        )
    )
    state.rows.append(
        Row(
            "5 state",
            f"state file of {count} resources",
            f"{ours_state['file_bytes'] / 1024:.1f} KiB ({ours_state['file_bytes_per_resource']:.0f} B/resource)",
            "",
            INFO,
            f"harness format, indented JSON; one resource entry as compact JSON: "
            f"{ours_state['entry_compact_bytes_median']:.0f} B; empty provider "
            f"{empty_state['file_bytes'] / 1024:.1f} KiB",
        )
    )
    return preview, state
