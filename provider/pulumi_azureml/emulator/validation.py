"""Small, explicit checks for request bodies and parameters, each raising a 400 that names the field.

The swagger is the rule book: required fields, enums, patterns and
``additionalProperties: false``. Enum values are accepted case-insensitively and stored in their canonical
casing, because Azure's .NET services parse ``modelAsString`` enums that way (the seed itself sends
``"type": "systemAssigned"``).
"""

from __future__ import annotations

import json
import math
import re
import types
from collections.abc import Collection, Sequence
from typing import Any

from .messages import JsonObject, bad_request

_DURATION = re.compile(
    r"^P(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?(?:(?P<weeks>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
_SECONDS_PER_UNIT = types.MappingProxyType(
    {
        "years": 365 * 86400.0,
        "months": 30 * 86400.0,
        "weeks": 7 * 86400.0,
        "days": 86400.0,
        "hours": 3600.0,
        "minutes": 60.0,
        "seconds": 1.0,
    }
)

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_guid(value: str) -> bool:
    """Whether ``value`` is a GUID in the 8-4-4-4-12 form."""
    return _GUID.match(value) is not None


def expect_object(value: object, target: str) -> JsonObject:
    """Require a JSON object."""
    if not isinstance(value, dict):
        raise bad_request(f"'{target}' must be a JSON object.", target=target)
    return value


def optional_object(value: object, target: str) -> JsonObject | None:
    """Accept null/absent or a JSON object."""
    return None if value is None else expect_object(value, target)


def require_field(container: JsonObject, name: str, target: str) -> Any:
    """Return ``container[name]``, or reject the request when it is absent or null."""
    value = container.get(name)
    if value is None:
        raise bad_request(f"The field '{target}' is required.", target=target)
    return value


def expect_string(value: object, target: str, *, min_length: int = 0) -> str:
    """Require a string of at least ``min_length`` characters."""
    if not isinstance(value, str):
        raise bad_request(f"'{target}' must be a string.", target=target)
    if len(value) < min_length:
        raise bad_request(f"'{target}' must be at least {min_length} character(s) long.", target=target)
    return value


def optional_string(value: object, target: str) -> str | None:
    """Accept null/absent or a string."""
    return None if value is None else expect_string(value, target)


def optional_bool(value: object, target: str) -> bool | None:
    """Accept null/absent or a boolean."""
    if value is None:
        return None
    if not isinstance(value, bool):
        raise bad_request(f"'{target}' must be true or false.", target=target)
    return value


def expect_int(value: object, target: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Require a JSON integer token within the bounds.

    A decimal token is refused even when it is whole (``4.0``): the service reads ``int32``/``int64`` properties
    with Newtonsoft.Json, whose ``JsonTextReader`` throws "Input string '4.0' is not a valid integer" for any
    number token with a fraction or exponent part, and a string or boolean is "Unexpected character" / "Error
    converting value" (Newtonsoft.Json ``ReadAsInt32``). ``json.loads`` keeps that distinction: ``4.0`` and
    ``4e0`` become ``float``, ``4`` becomes ``int``.
    """
    if isinstance(value, float):
        raise bad_request(
            f"Input string '{_json_token(value)}' is not a valid integer. Path '{target}'.", target=target
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(
            f"Error converting value {_json_token(value)} to type 'System.Int32'. Path '{target}'.", target=target
        )
    if minimum is not None and value < minimum:
        raise bad_request(f"'{target}' must be greater than or equal to {minimum}.", target=target)
    if maximum is not None and value > maximum:
        raise bad_request(f"'{target}' must be less than or equal to {maximum}.", target=target)
    return value


def _json_token(value: object) -> str:
    """How a value reads in the request's JSON (for messages that quote it, as .NET's do)."""
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    try:
        return json.dumps(value)[:80]
    except (TypeError, ValueError):
        return repr(value)[:80]


def optional_int(value: object, target: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """Accept null/absent or an integer within the bounds."""
    return None if value is None else expect_int(value, target, minimum=minimum, maximum=maximum)


def enum_value(value: object, allowed: Sequence[str], target: str) -> str:
    """Require one of ``allowed`` (case-insensitive) and return its canonical casing."""
    if isinstance(value, str):
        for candidate in allowed:
            if candidate.lower() == value.lower():
                return candidate
    raise bad_request(
        f"'{target}' has the invalid value {value!r}; allowed values: {', '.join(allowed)}.", target=target
    )


def optional_enum(value: object, allowed: Sequence[str], target: str) -> str | None:
    """Accept null/absent or one of ``allowed``."""
    return None if value is None else enum_value(value, allowed, target)


def reject_unknown_keys(
    container: JsonObject, allowed: Collection[str], target: str, type_name: str | None = None
) -> None:
    """Enforce ``additionalProperties: false``; ``target`` is the JSON path of ``container`` ("" for the body)."""
    for name in container:
        if name not in allowed:
            where = f"{target}.{name}" if target else name
            raise bad_request(
                f"Could not find member '{name}' on object of type '{type_name or target or 'body'}'. "
                f"Path '{where}'; allowed members: {', '.join(sorted(allowed))}.",
                target=where,
            )


def string_map(
    value: object, target: str, *, allow_null_values: bool = False, non_empty_values: bool = False
) -> dict[str, str | None]:
    """Require a ``map<string, string>`` (tags, properties, environment variables)."""
    mapping = expect_object(value, target)
    result: dict[str, str | None] = {}
    for name, item in mapping.items():
        where = f"{target}.{name}"
        if item is None:
            if not allow_null_values:
                raise bad_request(f"'{where}' must be a string.", target=where)
            result[name] = None
            continue
        if not isinstance(item, str):
            raise bad_request(f"'{where}' must be a string.", target=where)
        if non_empty_values and not item:
            raise bad_request(f"The value of '{where}' must not be empty.", target=where)
        result[name] = item
    return result


def duration_seconds(value: object, target: str) -> float:
    """Require an ISO-8601 duration such as ``PT5M`` and return its length in seconds."""
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match is not None and value not in ("P", "PT") and not value.endswith("T"):
            return sum(_SECONDS_PER_UNIT[unit] * float(amount) for unit, amount in match.groupdict().items() if amount)
    raise bad_request(f"'{target}' must be an ISO-8601 duration such as 'PT5M', got {value!r}.", target=target)


def check_pattern(value: str, pattern: re.Pattern[str], target: str, what: str) -> str:
    """Require ``value`` to match ``pattern`` (anchored patterns use ``match``, others ``search``)."""
    if pattern.search(value) is None:
        raise bad_request(f"{what} '{value}' does not match the pattern '{pattern.pattern}'.", target=target)
    return value
