"""The two places this package reaches into private internals of the Pulumi Python SDK, each verified and guarded.

1. **The dynamic-provider host's worker pool** (:func:`widen_host_workers`). ``python -m pulumi.dynamic`` serves
   every dynamic resource of a program from ``grpc.server(futures.ThreadPoolExecutor(max_workers=4))``
   (``pulumi/dynamic/__main__.py``), and an Azure ML create holds a worker for minutes, so twenty clusters would
   provision four at a time. ``ThreadPoolExecutor`` starts threads lazily up to ``_max_workers`` on each submit, so
   raising that limit on the executor running us lets later requests run at once. Only raised, once per process,
   under the executor's own lock; ``azureml:hostWorkers`` 0 turns it off. Upstream fix that would make it
   unnecessary: a configurable worker count in ``pulumi/dynamic/__main__.py``.
2. **The pickler wrapper chain** (:func:`undo_sdk_pickler_wrapping`). ``serialize_provider`` wraps
   ``pickle._Pickler._batch_setitems`` in a sorting wrapper on every call and never restores it, so each dynamic
   resource adds a layer; after about 950 of them pickling the next ``__provider`` raises ``RecursionError``.
   Restoring the plain method before each registration leaves exactly the SDK's own one wrapper. Upstream change
   that would make it unnecessary: ``serialize_provider`` restoring the method it wrapped (try/finally).

Each patch runs only for the SDK versions it was verified on (:data:`VERIFIED_SDK`); outside them it does nothing
and says so once. Each has a canary (:func:`host_pool_canary`, :func:`pickler_chain_canary`) that the test suite
runs against the installed SDK and that *fails* (never skips) when the shape it relies on has changed.
"""

from __future__ import annotations

import concurrent.futures
import gc
import pickle
import threading
from importlib import metadata

# The pulumi SDK releases both patches were verified on (pyproject allows >=3.216,<4; re-verify when widening).
VERIFIED_SDK = ((3, 216), (3, 274))

_LOCK = threading.Lock()
_WIDENED = False

_SDK_SORTING_WRAPPERS = frozenset({"batch_set_items_sorted", "batch_set_items_sorted_before_py14"})
_SDK_ORIGINAL_CELL = "unsorted_batch_setitems"


def sdk_version() -> tuple[int, int] | None:
    """The installed pulumi SDK's (major, minor), or None if it cannot be read."""
    try:
        major, minor, *_ = metadata.version("pulumi").split(".")
        return int(major), int(minor)
    except (metadata.PackageNotFoundError, ValueError):
        return None


def sdk_is_verified() -> bool:
    version = sdk_version()
    return version is not None and VERIFIED_SDK[0] <= version <= VERIFIED_SDK[1]


def widen_host_workers(workers: int) -> str | None:
    """Raise the calling host executor's worker limit to ``workers``; return a one-line report, or ``None``.

    A report that contains "left unchanged" means the user asked for a wider pool and did not get it.
    """
    global _WIDENED
    if workers <= 0:
        return None
    with _LOCK:
        if _WIDENED:
            return None
        _WIDENED = True
        executor = _executor_running_current_thread()
        if executor is None:
            return None  # not inside the dynamic-provider host (a test, a program): nothing to do
        if not sdk_is_verified():
            return f"azureml: provider host workers left unchanged (pulumi SDK {sdk_version()} is not verified)"
        problem = _executor_shape_problem(executor)
        if problem is not None:
            return f"azureml: provider host workers left unchanged ({problem})"
        # The executor's own lock: submit() reads _max_workers and starts threads under it.
        with executor._shutdown_lock:
            current = executor._max_workers
            if current >= workers:
                return None
            executor._max_workers = workers
            # Threads start only on submit(): start one now for each request already queued, so the requests that
            # arrived together with this first one do not wait for a busy worker either.
            for _ in range(min(executor._work_queue.qsize(), workers)):
                executor._adjust_thread_count()
        return f"azureml: provider host workers raised from {current} to {workers} (azureml:hostWorkers)"


def _executor_shape_problem(executor: concurrent.futures.ThreadPoolExecutor) -> str | None:
    """Why this executor cannot be widened safely, or None (the private attributes the widening relies on)."""
    expected = {
        "_max_workers": int,
        "_threads": set,
        "_shutdown_lock": type(threading.Lock()),
    }
    for name, kind in expected.items():
        if not isinstance(getattr(executor, name, None), kind):
            return f"ThreadPoolExecutor.{name} is not a {kind.__name__}"
    if not callable(getattr(executor, "_adjust_thread_count", None)):
        return "ThreadPoolExecutor._adjust_thread_count is missing"
    if not hasattr(getattr(executor, "_work_queue", None), "qsize"):
        return "ThreadPoolExecutor._work_queue has no qsize()"
    return None


def _executor_running_current_thread() -> concurrent.futures.ThreadPoolExecutor | None:
    me = threading.current_thread()
    for candidate in gc.get_objects():
        if isinstance(candidate, concurrent.futures.ThreadPoolExecutor) and me in getattr(candidate, "_threads", ()):
            return candidate
    return None


def undo_sdk_pickler_wrapping() -> None:
    """Unwrap the sorting wrappers the SDK leaves on ``pickle._Pickler._batch_setitems`` (see the module doc)."""
    if not sdk_is_verified():
        return
    method = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    original = _unwrapped(method)
    if original is not method:
        pickle._Pickler._batch_setitems = original  # type: ignore[attr-defined]


def _unwrapped(method: object) -> object:
    original = method
    while getattr(original, "__name__", "") in _SDK_SORTING_WRAPPERS and getattr(original, "__closure__", None):
        code = original.__code__  # type: ignore[attr-defined]
        cells = dict(zip(code.co_freevars, original.__closure__, strict=True))  # type: ignore[attr-defined]
        cell = cells.get(_SDK_ORIGINAL_CELL)
        if cell is None:
            break
        original = cell.cell_contents
    return original


# ---------------------------------------------------------------------------------------------------- canaries


def host_pool_canary() -> list[str]:
    """What no longer holds of the host pool patch's assumptions on the installed SDK (empty: all hold)."""
    import importlib.util

    # Read, not imported: importing the host's __main__ would start a host.
    spec = importlib.util.find_spec("pulumi.dynamic.__main__")
    if spec is None or spec.origin is None:
        return ["pulumi.dynamic has no __main__ (the provider host moved)"]
    problems: list[str] = []
    with open(spec.origin, encoding="utf-8") as file:
        source = file.read()
    if "ThreadPoolExecutor(max_workers=4)" not in source:
        problems.append("pulumi.dynamic's host no longer builds ThreadPoolExecutor(max_workers=4)")
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        problem = _executor_shape_problem(executor)
        if problem is not None:
            problems.append(problem)
    if not sdk_is_verified():
        problems.append(f"pulumi SDK {sdk_version()} is outside the verified range {VERIFIED_SDK}")
    return problems


def pickler_chain_canary() -> list[str]:
    """What no longer holds of the pickler patch's assumptions on the installed SDK (empty: all hold)."""
    import pulumi.dynamic.dynamic as dynamic

    problems: list[str] = []
    plain = _unwrapped(pickle._Pickler._batch_setitems)  # type: ignore[attr-defined]
    pickle._Pickler._batch_setitems = plain  # type: ignore[attr-defined]
    serialize = getattr(dynamic, "serialize_provider", None)
    if not callable(serialize):
        return ["pulumi.dynamic.dynamic.serialize_provider is gone"]

    class Probe(dynamic.ResourceProvider):
        pass

    serialize(Probe())
    wrapped = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    if wrapped is plain:
        problems.append("serialize_provider no longer wraps pickle._Pickler._batch_setitems (the patch can go)")
    elif getattr(wrapped, "__name__", "") not in _SDK_SORTING_WRAPPERS:
        problems.append(f"the SDK's wrapper is now named {getattr(wrapped, '__name__', '?')!r}")
    elif _unwrapped(wrapped) is not plain:
        problems.append(f"the SDK's wrapper no longer keeps the original in a {_SDK_ORIGINAL_CELL!r} closure cell")
    pickle._Pickler._batch_setitems = plain  # type: ignore[attr-defined]
    if not sdk_is_verified():
        problems.append(f"pulumi SDK {sdk_version()} is outside the verified range {VERIFIED_SDK}")
    return problems
