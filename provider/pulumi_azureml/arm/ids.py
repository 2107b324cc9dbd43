"""ARM resource ids: build them from validated parts, parse them, and compare them case-insensitively.

A name is one URL path segment. Anything that would change the path once substituted (``/``, ``\\``, ``..``,
``?``, ``#``, ``%``, whitespace, control characters) is refused here, before any request is built, so a typo can
never address a different resource than the one the user named.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from pulumi_azureml.arm.errors import ClientInputError
from pulumi_azureml.quoting import quote

# ``%`` is refused rather than escaped: ARM unescapes once, so "%2F" would become a path separator upstream.
_FORBIDDEN_CHARACTERS = re.compile(r"[/\\?#%\s\x00-\x1f\x7f]")


def validate_name(kind: str, value: object) -> str:
    """Return ``value`` if it is safe as one path segment, else raise :class:`ClientInputError` naming ``kind``."""
    if not isinstance(value, str):
        raise ClientInputError(f"{kind} must be a string, got {type(value).__name__}")
    if value == "":
        raise ClientInputError(f"{kind} must not be empty")
    if value in (".", ".."):
        raise ClientInputError(f"{kind} must not be '.' or '..' (it would change the request path)")
    match = _FORBIDDEN_CHARACTERS.search(value)
    if match:
        raise ClientInputError(
            f"{kind} {quote(value)} contains {match.group()!r}; names must not contain '/', '\\', '?', '#', '%', "
            "whitespace or control characters (they would change the request path)"
        )
    return value


def render_path(template: str, values: Mapping[str, object]) -> str:
    """Fill ``{placeholders}`` in ``template`` with validated names; every placeholder is required."""
    rendered: dict[str, str] = {}
    for _, field, _, _ in string.Formatter().parse(template):
        if field is None:
            continue
        if field not in values or values[field] is None:
            raise ClientInputError(f"{field} is required to build the resource id")
        rendered[field] = validate_name(field, values[field])
    return template.format(**rendered)


@dataclass(frozen=True)
class ResourceId:
    """A parsed ARM resource id (``/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}/...``).

    Equality and hashing ignore case, as ARM does (resource-api-reference: names are case-insensitive).
    """

    value: str

    def __post_init__(self) -> None:
        if not self.value.lower().startswith("/subscriptions/"):
            raise ClientInputError(
                f"{quote(self.value)} is not an ARM resource id (it must start with /subscriptions/)"
            )
        for segment in self.value.strip("/").split("/"):
            validate_name("resource id segment", segment)

    @property
    def segments(self) -> list[str]:
        return self.value.strip("/").split("/")

    def _after(self, key: str) -> str | None:
        parts = self.segments
        for index, part in enumerate(parts[:-1]):
            if part.lower() == key.lower():
                return parts[index + 1]
        return None

    @property
    def subscription_id(self) -> str:
        return self.segments[1]

    @property
    def resource_group(self) -> str | None:
        return self._after("resourceGroups")

    @property
    def name(self) -> str:
        return self.segments[-1]

    def child_name(self, collection: str) -> str | None:
        """The name that follows ``collection`` (e.g. ``"workspaces"``), if the id has one."""
        return self._after(collection)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ResourceId):
            return self.value.lower().rstrip("/") == other.value.lower().rstrip("/")
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.value.lower().rstrip("/"))

    def __str__(self) -> str:
        return self.value


def same_id(left: str, right: str) -> bool:
    """Whether two ARM ids name the same resource (case-insensitive, trailing slash ignored)."""
    return left.lower().rstrip("/") == right.lower().rstrip("/")
