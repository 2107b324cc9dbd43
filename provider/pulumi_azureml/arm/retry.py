"""When to retry a request and how long to wait first.

Rules (azure-core ``_retry.py``; pulumi-azure-native ``initPipelineOpts``):

- retry 408, 429, 500, 502, 503, 504, connection errors, and 409 whose code is ``AnotherOperationInProgress``;
- honour ``retry-after-ms`` / ``x-ms-retry-after-ms`` (milliseconds) and ``Retry-After`` (seconds), in that order;
- otherwise capped exponential backoff with full jitter;
- stop after ``max_attempts`` or once the waits would exceed ``max_total_wait`` (a bounded total).

A POST (an action such as ``start``) is not retried after a read timeout: the action may already have run.

Nothing waits in silence: before each retry the client reports the attempt, the cause and the wait, and a wait
longer than :data:`PROGRESS_EVERY` is cut into slices with a line before each (:func:`wait_reporting`). Lines go to
an injected :data:`Reporter`; this layer never prints (issue 26: "nothing silent for more than 15 seconds").
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from pulumi_azureml.arm.clock import Clock

Reporter = Callable[[str], None]
"""Receives one progress line (no prefix, no newline): the caller decides where lines go."""

PROGRESS_EVERY = 15.0
"""The longest wait, in seconds, between two progress lines of one request or operation."""


def no_report(line: str) -> None:
    """The ARM layer's default reporter: it prints nothing itself; the provider passes its progress channel."""


def wait_reporting(
    clock: Clock, seconds: float, report: Reporter, still: Callable[[float], str], *, then: float = 0.0
) -> None:
    """Wait ``seconds`` on ``clock`` in slices of at most :data:`PROGRESS_EVERY`, reporting ``still(remaining)``
    before every slice but the first (the caller reported what it waits for just before).

    ``then``: how long the request that follows the wait may itself take in silence (a connect timeout to an
    endpoint that never answers); the last slice is cut short so that it and that request stay within
    :data:`PROGRESS_EVERY` together.
    """
    if seconds <= 0:
        clock.sleep(seconds)
        return
    last_slice = max(0.0, PROGRESS_EVERY - then) or PROGRESS_EVERY
    slices: list[float] = []
    remaining = seconds
    while remaining > PROGRESS_EVERY:
        slices.append(PROGRESS_EVERY)
        remaining -= PROGRESS_EVERY
    slices.extend([remaining - last_slice, last_slice] if remaining > last_slice else [remaining])
    left = seconds
    for index, step in enumerate(slices):
        if index:
            report(still(left))
        clock.sleep(step)
        left -= step


def seconds_words(seconds: float) -> str:
    """``"4 s"``, ``"2 min 5 s"``: a wait or an elapsed time as a user reads it."""
    if seconds < 1:
        return "under 1 s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RETRYABLE_CONFLICT_CODES = frozenset({"anotheroperationinprogress"})


@dataclass(frozen=True)
class RetryPolicy:
    """How persistent the client is. Every wait goes through the injected clock, so tests never sleep."""

    max_attempts: int = 8
    """Attempts in all, the first included."""
    base_delay: float = 2.0
    """First backoff step in seconds when the service gives no ``Retry-After``."""
    max_delay: float = 60.0
    """Cap on one backoff step."""
    max_total_wait: float = 600.0
    """Cap on the sum of all waits for one request."""
    random_source: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def backoff(self, attempt: int) -> float:
        """The wait before retry number ``attempt`` (1-based) without a server hint: full jitter, capped."""
        ceiling = min(self.max_delay, self.base_delay * (2.0 ** (attempt - 1)))
        jitter: float = self.random_source.uniform(0, ceiling / 2)
        return ceiling / 2 + jitter


def is_retryable_status(status: int, error_code: str) -> bool:
    """Whether a response with ``status`` and service ``error_code`` should be retried."""
    if status in RETRYABLE_STATUSES:
        return True
    return status == 409 and error_code.lower() in RETRYABLE_CONFLICT_CODES


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The server's requested wait in seconds, or ``None`` when it gave none (header names are case-insensitive)."""
    lowered = {key.lower(): value for key, value in headers.items()}
    for name in ("retry-after-ms", "x-ms-retry-after-ms"):
        raw = lowered.get(name)
        if raw is not None:
            try:
                value = float(raw) / 1000.0
            except ValueError:
                continue
            # "nan" and "inf" parse as floats; neither is a wait (an infinite sleep raises OverflowError).
            if math.isfinite(value):
                return max(0.0, value)
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        pass
    else:
        return max(0.0, value) if math.isfinite(value) else None
    # The ARM RPC says integers only, but RFC 9110 also allows an HTTP date; accept it rather than ignore it.
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    from datetime import datetime, timezone

    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)  # "-0000" parses as naive; RFC 5322 §3.3 makes it UTC
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
