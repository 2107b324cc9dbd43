"""Time as a dependency: the ARM layer never calls ``time.sleep`` directly, so tests can run without waiting."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """What the ARM layer needs from time."""

    def monotonic(self) -> float:
        """Seconds on a monotonic clock (deadlines, waits)."""
        ...

    def wall(self) -> float:
        """Seconds since the epoch (token expiry, which azure-identity reports as an epoch time)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


SYSTEM_CLOCK = SystemClock()
