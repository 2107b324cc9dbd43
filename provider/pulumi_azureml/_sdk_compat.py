"""The three places this package reaches into private internals of the Pulumi Python SDK, each verified and guarded.

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
3. **The output types of a resource class** (:func:`cache_resource_types`). After every registration the SDK
   calls ``pulumi._types.resource_types(type(res))`` (``pulumi/runtime/rpc.py``, ``resolve_outputs``), which
   evaluates the class's annotations again with ``typing.get_type_hints``: about 1 ms per resource for our
   classes' twenty typed outputs, the largest single cost of registering one (issue 28). The answer depends only on
   the class, so for this package's own resource classes it is computed once per process; every other class goes
   to the SDK's function unchanged. Upstream change that would make it unnecessary: a per-class cache in
   ``resource_types``.

Each patch runs only for the SDK versions it was verified on (:data:`VERIFIED_SDK`); outside them it does nothing
and says so once. Each has a canary (:func:`host_pool_canary`, :func:`pickler_chain_canary`,
:func:`resource_types_canary`) that the test suite runs against the installed SDK and that *fails* (never skips)
when the shape it relies on has changed.

Everything here is paid once per process: the SDK version is read once (from the SDK's own version constant, not
through ``importlib.metadata``, which would cost the provider host's cold start ~20 ms of imports).
"""

from __future__ import annotations

import concurrent.futures
import functools
import pickle
import threading
import weakref
from collections.abc import Callable
from typing import Any

# The pulumi SDK releases both patches were verified on (pyproject allows >=3.216,<4; re-verify when widening).
VERIFIED_SDK = ((3, 216), (3, 274))

_LOCK = threading.Lock()
_WIDENED = False

_SDK_SORTING_WRAPPERS = frozenset({"batch_set_items_sorted", "batch_set_items_sorted_before_py14"})
_SDK_ORIGINAL_CELL = "unsorted_batch_setitems"


@functools.cache
def sdk_version() -> tuple[int, int] | None:
    """The installed pulumi SDK's (major, minor), or None if it cannot be read; read once per process."""
    text = _sdk_version_text()
    try:
        major, minor, *_ = (text or "").split(".")
        return int(major), int(minor)
    except ValueError:
        return None


def _sdk_version_text() -> str | None:
    try:
        # The SDK's own release constant (pulumi/_version.py), already loaded with `pulumi`.
        from pulumi._version import _VERSION

        return str(_VERSION)
    except ImportError:
        from importlib import metadata  # only if the constant moved: ~20 ms of imports

        try:
            return metadata.version("pulumi")
        except metadata.PackageNotFoundError:
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
    """The pool whose worker this thread is, or None.

    A worker runs ``concurrent.futures.thread._worker(executor_reference, ...)``: the first argument of its
    ``Thread`` is a weak reference to the executor (CPython 3.10 to 3.14). Reading it replaces a scan of every
    object in the process (``gc.get_objects()``), which cost the host's first Check several milliseconds. (Not
    ``me in executor._threads``: the pool adds a thread to that set only after starting it, so its first task may
    run before.)
    """
    from concurrent.futures import thread as pool_threads

    me = threading.current_thread()
    if getattr(me, "_target", None) is not getattr(pool_threads, "_worker", None):
        return None
    arguments = getattr(me, "_args", None)
    reference = arguments[0] if isinstance(arguments, tuple) and arguments else None
    executor = reference() if isinstance(reference, weakref.ref) else None
    return executor if isinstance(executor, concurrent.futures.ThreadPoolExecutor) else None


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


_OWN_MODULE_PREFIX = "pulumi_azureml."
_RESOURCE_TYPES: dict[type, dict[str, type]] = {}
_TYPES_PATCHED = False


def cache_resource_types() -> None:
    """Answer ``pulumi._types.resource_types`` from a per-class cache for this package's classes (module doc, 3).

    Installed once per process, on a verified SDK only; other classes get the SDK's own answer, computed as before.
    """
    global _TYPES_PATCHED
    if _TYPES_PATCHED:
        return  # every registration calls this: the common case takes no lock
    with _LOCK:
        if _TYPES_PATCHED:
            return
        _TYPES_PATCHED = True
        if not sdk_is_verified():
            return
        import pulumi._types as sdk_types

        original = sdk_types.resource_types
        if getattr(original, "__wrapped__", None) is not None:
            return  # already ours (a second copy of this module, e.g. a test reloading it)
        sdk_types.resource_types = _cached_types(original)  # type: ignore[assignment]  # same signature, wrapped


def _cached_types(original: Callable[[type], dict[str, type]]) -> Callable[[type], dict[str, type]]:
    @functools.wraps(original)
    def resource_types(resource_cls: type) -> dict[str, type]:
        if not resource_cls.__module__.startswith(_OWN_MODULE_PREFIX):
            return original(resource_cls)
        types = _RESOURCE_TYPES.get(resource_cls)
        if types is None:
            types = _RESOURCE_TYPES[resource_cls] = original(resource_cls)
        return dict(types)  # a copy: the caller may not mutate the cached one

    return resource_types


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
        if executor.submit(_executor_running_current_thread).result() is not executor:
            problems.append("a pool worker's Thread no longer runs _worker(weak reference to its executor, ...)")
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


def resource_types_canary() -> list[str]:
    """What no longer holds of the resource-types cache's assumptions on the installed SDK (empty: all hold)."""
    import inspect

    import pulumi._types as sdk_types
    import pulumi.runtime.rpc as rpc

    problems: list[str] = []
    original: Any = getattr(sdk_types.resource_types, "__wrapped__", sdk_types.resource_types)
    if not callable(original):
        return ["pulumi._types.resource_types is gone"]
    # The SDK must look the function up on the module at each call, or replacing it changes nothing.
    if "_types.resource_types(" not in inspect.getsource(rpc.resolve_outputs):
        problems.append("rpc.resolve_outputs no longer calls _types.resource_types (the cache would not be used)")
    # The answer must depend on the class alone: two calls agree, and a cached answer equals a fresh one.
    from pulumi_azureml.resources.compute import Compute

    first, second = original(Compute), original(Compute)
    if first != second or first.get("current_node_count") is not int:
        problems.append(f"resource_types(Compute) is not a stable name -> type mapping: {first!r}")
    if _cached_types(original)(Compute) != first:
        problems.append("the cached resource types differ from the SDK's")
    if not sdk_is_verified():
        problems.append(f"pulumi SDK {sdk_version()} is outside the verified range {VERIFIED_SDK}")
    return problems
