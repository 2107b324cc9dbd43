"""Command line: run the emulator in the foreground until SIGINT or SIGTERM.

``python -m pulumi_azureml.emulator [--host 127.0.0.1] [--port 0] [--db PATH] [--retry-after N] [--polls N]
[--seconds S] [--page-size N] [--token T ...] [--workspace SUBSCRIPTION/GROUP/NAME[@REGION] ...]`` (also installed
as ``pulumi-azureml-emulator``) prints ``listening on http://HOST:PORT`` as its first line.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from .server import EmulatorServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_azureml.emulator",
        description="Offline Azure Resource Manager emulator for Azure Machine Learning resources.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default 0: any free port)")
    parser.add_argument("--db", default=None, help="SQLite file that keeps state across restarts and processes")
    parser.add_argument("--retry-after", type=int, default=0, help="Retry-After seconds on accepted operations")
    parser.add_argument("--polls", type=int, default=1, help="polls until an operation completes (default 1)")
    parser.add_argument("--seconds", type=float, default=None, help="complete operations after this many seconds")
    parser.add_argument("--page-size", type=int, default=100, help="items per list page before a nextLink")
    parser.add_argument(
        "--token", action="append", default=None, help="accept only this bearer token (strict mode; repeatable)"
    )
    parser.add_argument(
        "--workspace",
        action="append",
        default=[],
        metavar="SUBSCRIPTION/GROUP/NAME[@REGION]",
        help="seed a Succeeded resource group and workspace (repeatable; region default eastus), so a stack can "
        "create computes and endpoints in it at once",
    )
    return parser


def _seed(value: str) -> tuple[str, str, str, str]:
    """``SUBSCRIPTION/GROUP/NAME[@REGION]`` → its four parts; ValueError names the expected shape."""
    place, _, region = value.partition("@")
    parts = place.split("/")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"--workspace {value!r}: expected SUBSCRIPTION/GROUP/NAME[@REGION]")
    return parts[0], parts[1], parts[2], region or "eastus"


def main(argv: list[str] | None = None) -> int:
    """Run the emulator until interrupted; return the process exit code."""
    arguments = _parser().parse_args(argv)
    try:
        seeds = [_seed(value) for value in arguments.workspace]
        server = EmulatorServer(
            host=arguments.host,
            port=arguments.port,
            db_path=arguments.db,
            retry_after=arguments.retry_after,
            polls_to_complete=arguments.polls,
            seconds_to_complete=arguments.seconds,
            tokens=arguments.token,
            page_size=arguments.page_size,
        ).start()
    except (OSError, OverflowError, ValueError) as error:
        print(f"cannot start the emulator: {error}", file=sys.stderr, flush=True)
        return 2
    try:
        for subscription, group, name, region in seeds:
            server.ensure_workspace(subscription, group, name, region)
    except ValueError as error:
        server.stop()
        print(f"cannot seed the emulator: {error}", file=sys.stderr, flush=True)
        return 2
    stop = threading.Event()

    def request_stop(signal_number: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print(f"listening on {server.url}", flush=True)
    try:
        # Waiting in short slices keeps the main thread responsive to signals on every platform.
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
