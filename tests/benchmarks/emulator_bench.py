"""Benchmark of the ARM emulator over loopback: GET/PUT latency and requests per second.

Run: ``python tests/benchmarks/emulator_bench.py [--json out.json]``. The emulator runs as its own process (the
``python -m pulumi_azureml.emulator`` command, with ``--retry-after 1``) so client and server threads do not
share a GIL. Clients use keep-alive ``requests`` sessions. Bounded: about 4,000 requests, well under a minute.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
WORKSPACE_PATH = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-bench"
    "/providers/Microsoft.MachineLearningServices/workspaces/ws-bench"
)
API_VERSION = {"api-version": "2025-12-01"}
HEADERS = {"Authorization": "Bearer bench"}
LATENCY_SAMPLES = 1000
PUT_SAMPLES = 300
THROUGHPUT_REQUESTS = 1200
"""Per concurrency level (1 and 8 clients): total GETs shared between the clients."""


def _start_emulator() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_azureml.emulator", "--port", "0", "--retry-after", "1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    prefix = "listening on "
    if not line.startswith(prefix):
        process.kill()
        raise SystemExit(f"the emulator did not start: {line!r}")
    return process, line[len(prefix) :]


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "requests": len(samples),
        "median_ms": round(statistics.median(samples) * 1000, 3),
        "p99_ms": round(_percentile(samples, 0.99) * 1000, 3),
    }


def _seed(base_url: str) -> None:
    control = requests.post(
        f"{base_url}/_emulator/workspaces",
        json={"subscription_id": SUBSCRIPTION, "resource_group": "rg-bench", "name": "ws-bench", "location": "eastus"},
        timeout=10,
    )
    control.raise_for_status()


def _measure_get(session: requests.Session, url: str, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = session.get(url, params=API_VERSION, headers=HEADERS, timeout=10)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"GET answered {response.status_code}: {response.text}")
    return samples


def _measure_put(session: requests.Session, base_url: str, count: int) -> list[float]:
    samples = []
    for index in range(count):
        body = {
            "location": "eastus",
            "properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "STANDARD_DS3_V2"}},
        }
        url = f"{base_url}{WORKSPACE_PATH}/computes/bench{index:05d}x"
        started = time.perf_counter()
        response = session.put(url, params=API_VERSION, headers=HEADERS, json=body, timeout=10)
        samples.append(time.perf_counter() - started)
        if response.status_code != 201:
            raise SystemExit(f"PUT answered {response.status_code}: {response.text}")
    return samples


def _throughput(url: str, clients: int, total: int) -> dict[str, float]:
    per_client = total // clients
    # One keep-alive session per client, opened before the clock starts.
    sessions = [requests.Session() for _ in range(clients)]
    for session in sessions:
        session.get(url, params=API_VERSION, headers=HEADERS, timeout=10).raise_for_status()

    def run(session: requests.Session) -> int:
        for _ in range(per_client):
            session.get(url, params=API_VERSION, headers=HEADERS, timeout=10).raise_for_status()
        return per_client

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        done = sum(pool.map(run, sessions))
    elapsed = time.perf_counter() - started
    for session in sessions:
        session.close()
    return {
        "clients": clients,
        "requests": done,
        "seconds": round(elapsed, 3),
        "requests_per_second": round(done / elapsed, 1),
    }


def run() -> dict[str, Any]:
    process, base_url = _start_emulator()
    try:
        _seed(base_url)
        session = requests.Session()
        workspace_url = f"{base_url}{WORKSPACE_PATH}"
        _measure_get(session, workspace_url, 50)  # warm up connections and caches
        results: dict[str, Any] = {
            "get": _summary(_measure_get(session, workspace_url, LATENCY_SAMPLES)),
            "put": _summary(_measure_put(session, base_url, PUT_SAMPLES)),
            "throughput": [_throughput(workspace_url, clients, THROUGHPUT_REQUESTS) for clients in (1, 8)],
        }
        session.close()
        return results
    finally:
        process.terminate()
        process.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this JSON file")
    arguments = parser.parse_args(argv)
    results = run()
    for name in ("get", "put"):
        row = results[name]
        median, p99, count = row["median_ms"], row["p99_ms"], row["requests"]
        print(f"{name.upper():4} median {median:.3f} ms   p99 {p99:.3f} ms   ({count} requests)")
    for row in results["throughput"]:
        rate, count, seconds = row["requests_per_second"], row["requests"], row["seconds"]
        print(f"{row['clients']} client(s): {rate:.1f} requests/s ({count} GETs in {seconds} s)")
    if arguments.json is not None:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
