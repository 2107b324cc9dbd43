"""How an error message shows a bad value: a short, printable prefix and its size, never the whole value.

A check failure that repeated the whole value would turn a 5 MB name into a 5 MB message, and control
characters in it would break the engine's output lines. Secret values are never passed here (see
``validation``): their messages name only the type.
"""

from __future__ import annotations

from typing import Any

PREFIX_CHARACTERS = 40


def quote(value: Any, limit: int = PREFIX_CHARACTERS) -> str:
    """``repr`` of ``value`` (a string's first ``limit`` characters), noting the full length when cut short."""
    if isinstance(value, str):
        if len(value) <= limit:
            return ascii(value)
        return f"{ascii(value[:limit])}... ({len(value)} characters)"
    if isinstance(value, bool | int | float) or value is None:
        text = repr(value)
        return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} digits)"
    text = ascii(value)
    return text if len(text) <= limit else f"{text[:limit]}..."
