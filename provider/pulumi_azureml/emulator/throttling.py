"""ARM request throttling: an optional token bucket per subscription and request category.

ARM reports what is left in ``x-ms-ratelimit-remaining-subscription-{reads,writes,deletes}`` and answers
429 with ``Retry-After`` when a bucket is empty. With throttling off the headers carry the
documented hourly limits minus one, like a fresh subscription.
"""

from __future__ import annotations

import math
import threading
import types
from collections.abc import Callable
from dataclasses import dataclass

UNTHROTTLED_REMAINING = types.MappingProxyType({"reads": 11999, "writes": 1199, "deletes": 14999})
"""Hourly ARM limits (12; 000 reads; 1; 200 writes; 15; 000 deletes) minus this request."""


def category_of(method: str) -> str:
    """ARM's request category: GET/HEAD read, DELETE deletes, everything else writes."""
    if method in ("GET", "HEAD"):
        return "reads"
    if method == "DELETE":
        return "deletes"
    return "writes"


@dataclass(frozen=True)
class Decision:
    """Whether a request may go ahead, what is left, and how long to wait when it may not."""

    allowed: bool
    remaining: int
    retry_after_seconds: int


@dataclass
class _Bucket:
    tokens: float
    updated_at: float


class Throttle:
    """Token buckets keyed by (subscription, category); refilled continuously."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def take(self, subscription_id: str, category: str, capacity: int | None, refill_per_second: float) -> Decision:
        """Spend one token, or say how long until one is available."""
        if capacity is None:
            return Decision(True, UNTHROTTLED_REMAINING[category], 0)
        now = self._clock()
        with self._lock:
            key = (subscription_id.lower(), category)
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = _Bucket(float(capacity), now)
                self._buckets[key] = bucket
            bucket.tokens = min(float(capacity), bucket.tokens + (now - bucket.updated_at) * refill_per_second)
            bucket.updated_at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return Decision(True, int(bucket.tokens), 0)
            wait = math.ceil((1.0 - bucket.tokens) / refill_per_second)
            return Decision(False, 0, max(1, wait))
