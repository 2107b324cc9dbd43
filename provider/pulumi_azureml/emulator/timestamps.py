"""Timestamps in the formats the service returns: .NET round-trip style with seven fractional digits.

Compute ``createdOn``/``modifiedOn`` end in ``+00:00`` (``Compute_get_AmlCompute.json``); systemData and
operation times end in ``Z`` (common-types v3 ``SystemData``, ARM async-operation resource).
"""

from __future__ import annotations

from datetime import datetime, timezone


def _seven_digits(moment: float) -> str:
    value = datetime.fromtimestamp(moment, timezone.utc)
    # .NET "o" format has 100-nanosecond precision: six microsecond digits plus a trailing zero.
    return value.strftime("%Y-%m-%dT%H:%M:%S") + f".{value.microsecond:06d}0"


def dotnet_offset(moment: float) -> str:
    """``2021-04-01T22:00:00.0000000+00:00``."""
    return _seven_digits(moment) + "+00:00"


def dotnet_utc(moment: float) -> str:
    """``2021-04-01T22:00:00.0000000Z``."""
    return _seven_digits(moment) + "Z"
