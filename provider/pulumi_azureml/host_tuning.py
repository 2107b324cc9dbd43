"""Widen the Pulumi dynamic-provider host's worker pool past its hard-coded 4 threads (opt-out, best effort).

Why: ``python -m pulumi.dynamic`` serves every dynamic resource of a program from
``grpc.server(futures.ThreadPoolExecutor(max_workers=4))`` (pulumi/sdk/python/lib/pulumi/dynamic/__main__.py), and
each Azure ML create holds a worker for the whole operation (minutes). Twenty clusters therefore provision four at a
time. ``ThreadPoolExecutor`` starts threads lazily up to ``_max_workers`` on each submit, so raising that number on
the executor that is running us lets later requests run at once.

How it stays safe:

- it only touches the executor whose worker thread is calling (found through the current thread), never others;
- it only ever raises the limit, once per process, to ``azureml:hostWorkers`` (default 32; ``0`` turns it off);
- anything unexpected (an SDK that no longer uses a ``ThreadPoolExecutor``, renamed private attributes) leaves the
  host exactly as it was: the code falls back to today's behaviour, and says so on stdout.
"""

from __future__ import annotations

import concurrent.futures
import gc
import threading

_LOCK = threading.Lock()
_DONE = False


def widen_host_workers(workers: int) -> str | None:
    """Raise the calling host executor's worker limit to ``workers``; return a one-line report, or ``None``."""
    global _DONE
    if workers <= 0:
        return None
    with _LOCK:
        if _DONE:
            return None
        _DONE = True
        executor = _executor_running_current_thread()
        if executor is None:
            return None  # not inside the dynamic-provider host (a test, a program): nothing to do
        current = getattr(executor, "_max_workers", None)
        if not isinstance(current, int):
            return "azureml: provider host workers left unchanged (this Pulumi SDK's executor is not recognised)"
        if current >= workers:
            return None
        executor._max_workers = workers
        # Threads are only started on submit(): start one now for each request already waiting in the queue, so
        # the requests that arrived together with this first one do not wait for a busy worker either.
        adjust = getattr(executor, "_adjust_thread_count", None)
        queue = getattr(executor, "_work_queue", None)
        if callable(adjust) and queue is not None and hasattr(queue, "qsize"):
            for _ in range(min(int(queue.qsize()), workers)):
                adjust()
        return f"azureml: provider host workers raised from {current} to {workers} (azureml:hostWorkers)"


def _executor_running_current_thread() -> concurrent.futures.ThreadPoolExecutor | None:
    me = threading.current_thread()
    for candidate in gc.get_objects():
        if isinstance(candidate, concurrent.futures.ThreadPoolExecutor):
            threads = getattr(candidate, "_threads", ())
            if me in threads:
                return candidate
    return None


def reset_for_tests() -> None:
    """Forget that the pool was widened (tests only)."""
    global _DONE
    with _LOCK:
        _DONE = False
