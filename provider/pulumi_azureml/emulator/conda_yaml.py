"""The block-YAML subset conda files are written in, read without a YAML library (the emulator imports only the
standard library): block mappings and sequences, a mapping as a sequence item (``- pip:``), plain and quoted
scalars, comments, and JSON-style flow values. Anything else is :class:`Unsupported`, and the caller keeps the
text as it was (``answers_newer.conda_file_as_stored``).
"""

from __future__ import annotations

import json
import re
from typing import Any

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


class Unsupported(ValueError):
    """The text uses YAML this reader does not take."""


def load(text: str) -> Any:
    """The document of ``text``; raises :class:`Unsupported` outside the subset."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(stripped)
        except ValueError:
            raise Unsupported("not JSON") from None
    lines = _lines(text)
    if not lines:
        return None
    value, index = _block(lines, 0, lines[0][0])
    if index != len(lines):
        raise Unsupported(f"unexpected indentation at {lines[index][1]!r}")
    return value


def _lines(text: str) -> list[tuple[int, str]]:
    result = []
    for raw in text.splitlines():
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise Unsupported("tab indentation")
        content = _without_comment(raw).rstrip()
        if not content.strip() or content.strip() in ("---", "..."):
            continue
        result.append((len(content) - len(content.lstrip(" ")), content.strip()))
    return result


def _without_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    if "'" in line or '"' in line:
        return line  # a '#' may be inside quotes; such lines keep their text
    position = line.find(" #")
    return line if position < 0 else line[:position]


def _is_item(content: str) -> bool:
    return content == "-" or content.startswith("- ")


def _block(lines: list[tuple[int, str]], index: int, indent: int) -> tuple[Any, int]:
    if _is_item(lines[index][1]):
        return _sequence(lines, index, indent)
    return _mapping(lines, index, indent)


def _sequence(lines: list[tuple[int, str]], index: int, indent: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    while index < len(lines) and lines[index][0] == indent and _is_item(lines[index][1]):
        content = lines[index][1]
        item = content[1:].lstrip()
        if not item:
            index += 1
            if index < len(lines) and lines[index][0] > indent:
                value, index = _block(lines, index, lines[index][0])
            else:
                value = None
            items.append(value)
            continue
        if _key_value(item) is not None:
            # A mapping that starts on the item's line: its keys sit at the item's column.
            column = indent + len(content) - len(item)
            lines = [*lines[:index], (column, item), *lines[index + 1 :]]
            value, index = _mapping(lines, index, column)
            items.append(value)
            continue
        items.append(_scalar(item))
        index += 1
    return items, index


def _mapping(lines: list[tuple[int, str]], index: int, indent: int) -> tuple[dict[str, Any], int]:
    result: dict[str, Any] = {}
    while index < len(lines) and lines[index][0] == indent and not _is_item(lines[index][1]):
        pair = _key_value(lines[index][1])
        if pair is None:
            raise Unsupported(f"not a mapping entry: {lines[index][1]!r}")
        key, rest = pair
        index += 1
        if rest:
            result[key] = _scalar(rest)
        elif index < len(lines) and lines[index][0] > indent:
            result[key], index = _block(lines, index, lines[index][0])
        elif index < len(lines) and lines[index][0] == indent and _is_item(lines[index][1]):
            result[key], index = _sequence(lines, index, indent)
        else:
            result[key] = None
    return result, index


def _key_value(content: str) -> tuple[str, str] | None:
    if content[:1] in ("'", '"'):
        quote = content[0]
        end = content.find(quote, 1)
        if end < 0 or not content[end + 1 :].startswith(":"):
            return None
        return content[1:end], content[end + 2 :].strip()
    if content.endswith(":"):
        return content[:-1].strip(), ""
    key, separator, rest = content.partition(": ")
    if not separator or not key.strip():
        return None
    return key.strip(), rest.strip()


def _scalar(text: str) -> Any:
    if text.startswith('"'):
        try:
            return json.loads(text)
        except ValueError:
            raise Unsupported(f"bad double-quoted scalar {text!r}") from None
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise Unsupported(f"bad single-quoted scalar {text!r}")
        return text[1:-1].replace("''", "'")
    if text.startswith(("[", "{")):
        try:
            return json.loads(text)
        except ValueError:
            pass
        inner = text[1:-1]
        if text.startswith("[") and text.endswith("]") and not any(mark in inner for mark in "[]{}'\""):
            return [_scalar(part.strip()) for part in inner.split(",") if part.strip()]
        raise Unsupported(f"flow value {text!r}")
    if text.startswith(("&", "*", "!", "|", ">", "%", "@", "`")):
        raise Unsupported(f"YAML feature in {text!r}")
    lowered = text.lower()
    if lowered in ("null", "~"):
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text
