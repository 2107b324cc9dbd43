"""Run a Pulumi program under the SDK's ``pulumi.runtime`` mocks and collect its stack outputs.

The program runs the way ``@pulumi.runtime.test`` runs a test (sdk/python/lib/pulumi/runtime/mocks.py, ``test``):
inside ``run_pulumi_func``, which waits until every resource registration and every output has settled. Each run gets
a fresh thread, event loop and ``contextvars.Context``: the SDK keeps its settings, config and root stack resource in
context variables, so a fresh context is a fresh Pulumi runtime and runs cannot leak into each other.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import runpy
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, cast

import pulumi
from pulumi.runtime import mocks as sdk_mocks
from pulumi.runtime import settings as sdk_settings
from pulumi.runtime.stack import Stack as SdkStack
from pulumi.runtime.stack import massage, run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from .values import UNKNOWN, PropertyMap, make_secret

Program = Union[Callable[[], Any], str, "os.PathLike[str]"]
"""A callable (its return value is awaited, like a ``@pulumi.runtime.test`` function) or the path of a program's
``__main__.py``, which is run with ``runpy`` as ``__main__``."""


@dataclass(frozen=True)
class ProgramOutputs:
    """Stack outputs (``pulumi.export``) after the program settled; secret ones are wrapped as secrets."""

    values: PropertyMap


def program_directory(program: Program) -> Path | None:
    """Directory of a path program (added to ``sys.path`` for the run and to the host's PYTHONPATH)."""
    if callable(program):
        return None
    return Path(program).resolve().parent


@contextmanager
def thread_event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """Give the calling thread its own event loop for the duration, then close it.

    The SDK's MockMonitor calls ``_ensure_event_loop()`` on the executor threads that deliver registrations and
    never closes the loops it creates there; their ``ResourceWarning`` at garbage collection would fail a pytest run
    with ``filterwarnings = error``. A loop set here is found by ``_ensure_event_loop`` and closed on exit.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def run_program(
    program: Program,
    *,
    mocks: sdk_mocks.Mocks,
    monitor: sdk_mocks.MockMonitor,
    project: str,
    stack: str,
    preview: bool,
    config: Mapping[str, str],
    secret_config_keys: Iterable[str],
    reported_errors: tuple[type[BaseException], ...] = (),
) -> ProgramOutputs:
    """Run ``program`` to completion under ``monitor``; re-raises whatever the program raised.

    ``reported_errors``: exception types the caller reports itself; their copies left in output futures the program
    never awaited are not logged again.
    """
    results: list[ProgramOutputs] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(
                contextvars.Context().run(
                    _run_in_fresh_runtime,
                    program,
                    mocks,
                    monitor,
                    project,
                    stack,
                    preview,
                    dict(config),
                    list(secret_config_keys),
                    reported_errors,
                )
            )
        except BaseException as exc:  # re-raised on the caller's thread below
            errors.append(exc)

    thread = threading.Thread(target=target, name="pulumi-program", daemon=True)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def _run_in_fresh_runtime(
    program: Program,
    mocks: sdk_mocks.Mocks,
    monitor: sdk_mocks.MockMonitor,
    project: str,
    stack: str,
    preview: bool,
    config: dict[str, str],
    secret_config_keys: list[str],
    reported_errors: tuple[type[BaseException], ...],
) -> ProgramOutputs:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(_without_echoes_of(reported_errors))
    directory = program_directory(program)
    if directory is not None:
        sys.path.insert(0, str(directory))
    try:
        # Config first: set_mocks() registers the root Stack resource, and the program reads config at once.
        pulumi.runtime.set_all_config(config, secret_config_keys)
        sdk_mocks.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)
        # As pulumi.runtime.test does: these two may be the shared defaults of their context variables.
        sdk_settings.SETTINGS.rpc_manager.clear()
        sdk_settings.SETTINGS.outputs.clear()

        def body() -> None:
            if callable(program):
                _sync_await(pulumi.Output.from_input(program()).future())
            else:
                runpy.run_path(str(program), run_name="__main__")

        _sync_await(run_pulumi_func(body))
        return ProgramOutputs(values=_collect_exports())
    finally:
        if directory is not None and str(directory) in sys.path:
            sys.path.remove(str(directory))
        loop.run_until_complete(loop.shutdown_default_executor())
        asyncio.set_event_loop(None)
        loop.close()


def _without_echoes_of(
    reported_errors: tuple[type[BaseException], ...],
) -> Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None]:
    # When a registration fails, the SDK sets its exception on every output future of that resource
    # (resolve_outputs_due_to_exception, pulumi/runtime/rpc.py); the futures the program never awaited then log
    # "Future exception was never retrieved" when collected. The caller reports the failure once already.
    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if isinstance(context.get("exception"), reported_errors) and "never retrieved" in context.get("message", ""):
            return
        loop.default_exception_handler(context)

    return handler


def _collect_exports() -> PropertyMap:
    # Under mocks the root Stack's outputs are registered at set_mocks() time (Stack._finish), so later
    # pulumi.export() calls only land in its ``outputs`` dict; resolve them the way Stack._finish would (massage).
    root = cast(SdkStack, sdk_settings.get_root_resource())
    exports: PropertyMap = {}
    for name, value in root.outputs.items():
        output = pulumi.Output.from_input(massage(value, []))
        # An output still unknown after the program settled (preview) is reported as the unknown sentinel.
        resolved = _sync_await(output.future()) if _sync_await(output.is_known()) else UNKNOWN
        exports[name] = make_secret(resolved) if _sync_await(output.is_secret()) else resolved
    return exports
