"""Strict JSON for request bodies: what the emulator accepts before any handler (or the control plane) sees a body.

RFC 8259 JSON in UTF-8 and nothing more: no ``NaN``/``Infinity`` literals (§6 has none), no number that only
parses as an infinity (``1e999``), no lone surrogate escapes (§8.2: such a string cannot be encoded again), and no
nesting deeper than :data:`MAX_DEPTH`, the default of Json.NET (``JsonSerializerSettings.MaxDepth``, 64 since
13.0.1), which the Azure front ends parse JSON with. Each refusal is a short reason for a 400 ``InvalidRequestContent``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 64
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidJson(ValueError):
    """The body is not strict JSON; ``str()`` says why, briefly."""


def _refuse_constant(name: str) -> Any:
    raise InvalidJson(f"{name} is not a JSON value (RFC 8259 has no NaN or Infinity)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise InvalidJson(f"the number {text[:40]} is out of range")
    return value


def loads(raw: bytes) -> Any:
    """Parse ``raw`` as strict JSON, or raise :class:`InvalidJson`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidJson(f"the body is not UTF-8 (byte {error.start})") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except InvalidJson:
        raise
    except RecursionError:
        raise InvalidJson(f"the body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:
        # JSONDecodeError, or int() refusing a number of thousands of digits (Python's int_max_str_digits).
        raise InvalidJson(str(error)[:200]) from None
    _check_structure(value)
    return value


def _check_structure(value: Any) -> None:
    """Depth and lone surrogates, walked without recursion."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                raise InvalidJson("a string holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text")
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise InvalidJson(f"the body nests deeper than {MAX_DEPTH} levels")
            if isinstance(item, dict):
                for key, sub in item.items():
                    if _LONE_SURROGATE.search(key):
                        raise InvalidJson("a key holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text")
                    pending.append((sub, depth + 1))
            else:
                pending.extend((sub, depth + 1) for sub in item)


def dumps(value: Any) -> bytes:
    """Serialise a response body: ASCII only (every character escaped), refusing NaN and Infinity."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False).encode("ascii")
