"""The fuzz suites' hypothesis settings: a fixed-seed, bounded profile for the default run, a large one for ``slow``.

``derandomize=True`` makes every run generate the same examples (a failure reproduces exactly, and the default
run's duration is stable); no example database is written. The slow counts add up to more than 10^5 generated
inputs across the suites (see the README's reliability section for the measured figures).
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_COMMON = {
    "derandomize": True,
    "database": None,
    "deadline": None,
    "print_blob": False,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}


def default(max_examples: int) -> settings:
    """Settings of a default-run suite."""
    return settings(max_examples=max_examples, **_COMMON)  # type: ignore[arg-type]


def slow(max_examples: int) -> settings:
    """Settings of a ``slow`` suite."""
    return settings(max_examples=max_examples, **_COMMON)  # type: ignore[arg-type]
