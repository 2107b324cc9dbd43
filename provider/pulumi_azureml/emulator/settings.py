"""Run-time knobs of one emulator instance, and the api-versions it accepts.

Settings are an immutable value; the control plane and ``EmulatorServer.configure`` replace the whole value,
so a request always sees one consistent snapshot.
"""

from __future__ import annotations

import dataclasses
import re
import types
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .messages import JsonObject

MACHINE_LEARNING_API_VERSIONS: tuple[str, ...] = (
    "2024-04-01",
    "2024-10-01",
    "2025-04-01",
    "2025-06-01",
    "2025-09-01",
    "2025-12-01",
    "2026-03-01",
)
"""The stable Azure ML versions with the same wire shapes."""

LEGACY_API_VERSIONS: tuple[str, ...] = ("2021-03-01-preview",)
"""Accepted only so the seed walkthrough (seeds/000, every curl call) runs with just host and token replaced."""

RESOURCE_GROUP_API_VERSION_RANGE = ("2021-04-01", "2025-04-01")
"""Microsoft.Resources versions accepted on resource-group paths, inclusive."""

_DATE_VERSION = re.compile(r"^(\d{4}-\d{2}-\d{2})(-preview)?$")

DEFAULT_TENANT_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/pulumi-azureml/emulator/tenant"))
"""A fixed tenant id so identities and workspaces look the same across runs."""

FINAL_STATUSES = ("Succeeded", "Failed", "Canceled")
"""The terminal states of the ARM async contract."""


def is_machine_learning_api_version(version: str) -> bool:
    """Whether Azure ML paths accept this api-version."""
    return version in MACHINE_LEARNING_API_VERSIONS or version in LEGACY_API_VERSIONS


def is_resource_group_api_version(version: str) -> bool:
    """Whether resource-group paths accept this api-version (the ML versions are accepted there too)."""
    if is_machine_learning_api_version(version):
        return True
    match = _DATE_VERSION.match(version)
    if match is None:
        return False
    lowest, highest = RESOURCE_GROUP_API_VERSION_RANGE
    return lowest <= match.group(1) <= highest


@dataclass(frozen=True)
class Settings:
    """Everything a test may change at run time. Field names are the JSON names of ``/_emulator/settings``."""

    polls_to_complete: int = 1
    """An operation turns terminal on this poll (status URL, Location URL or GET of the resource); 0 = at once."""
    seconds_to_complete: float | None = None
    """When set, operations turn terminal after this many seconds instead of after polls."""
    retry_after: int = 0
    """Value of Retry-After on accepted operations (the live service says 10..600; 0 keeps tests fast)."""
    page_size: int = 100
    """Items per page of every list before a nextLink is handed out."""
    tokens: tuple[str, ...] | None = None
    """Strict mode: only these bearer tokens are accepted. None accepts any token."""
    expired_tokens: tuple[str, ...] = ()
    """Tokens answered with 401 ExpiredAuthenticationToken."""
    throttle_capacity: int | None = None
    """Per-subscription token bucket size; None turns throttling off."""
    throttle_refill_per_second: float = 1.0
    operation_final_status: str = "Succeeded"
    """How every long-running operation ends unless a fault rule overrides it."""
    operation_error_code: str | None = None
    operation_error_message: str | None = None
    async_operation_timeout: str = "PT30M"
    """``x-ms-async-operation-timeout`` of batch operations: PT30M in every recording (``answers``)."""
    soft_delete_workspaces: bool = True
    """A workspace delete without forceToPurge keeps the name blocked."""
    tenant_id: str = DEFAULT_TENANT_ID
    principal_name: str = "emulator-user@example.com"
    """Shown as systemData.createdBy and computeInstance createdBy.userName."""

    def updated(self, changes: Mapping[str, object]) -> Settings:
        """Return a copy with ``changes`` applied; raise ValueError on an unknown name or a bad value."""
        parsed: dict[str, object] = {}
        for name, value in changes.items():
            parser = _PARSERS.get(name)
            if parser is None:
                raise ValueError(f"unknown setting {name!r}; known settings: {', '.join(sorted(_PARSERS))}")
            parsed[name] = parser(name, value)
        return dataclasses.replace(self, **parsed)  # type: ignore[arg-type]

    def to_json(self) -> JsonObject:
        """The settings as JSON (tuples become lists)."""
        result: JsonObject = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            result[item.name] = list(value) if isinstance(value, tuple) else value
        return result


def _integer(name: str, value: object, minimum: int) -> int:
    # bool is an int subclass; True must not silently mean 1 poll.
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"setting {name!r} must be an integer >= {minimum}, got {value!r}")
    return value


def _non_negative_integer(name: str, value: object) -> int:
    return _integer(name, value, 0)


def _positive_integer(name: str, value: object) -> int:
    return _integer(name, value, 1)


def _optional_positive_integer(name: str, value: object) -> int | None:
    return None if value is None else _integer(name, value, 1)


def _positive_number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"setting {name!r} must be a number > 0, got {value!r}")
    return float(value)


def _optional_non_negative_number(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"setting {name!r} must be a number >= 0 or null, got {value!r}")
    return float(value)


def _token_list(name: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) and item for item in value):
        raise ValueError(f"setting {name!r} must be a list of non-empty strings, got {value!r}")
    return tuple(value)


def _optional_token_list(name: str, value: object) -> tuple[str, ...] | None:
    return None if value is None else _token_list(name, value)


def _final_status(name: str, value: object) -> str:
    if value not in FINAL_STATUSES:
        raise ValueError(f"setting {name!r} must be one of {', '.join(FINAL_STATUSES)}, got {value!r}")
    return str(value)


def _string(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"setting {name!r} must be a non-empty string, got {value!r}")
    return value


def _optional_string(name: str, value: object) -> str | None:
    return None if value is None else _string(name, value)


def _boolean(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"setting {name!r} must be true or false, got {value!r}")
    return value


_PARSERS: Mapping[str, Callable[[str, object], object]] = types.MappingProxyType(
    {
        "polls_to_complete": _non_negative_integer,
        "seconds_to_complete": _optional_non_negative_number,
        "retry_after": _non_negative_integer,
        "page_size": _positive_integer,
        "tokens": _optional_token_list,
        "expired_tokens": _token_list,
        "throttle_capacity": _optional_positive_integer,
        "throttle_refill_per_second": _positive_number,
        "operation_final_status": _final_status,
        "operation_error_code": _optional_string,
        "operation_error_message": _optional_string,
        "async_operation_timeout": _string,
        "soft_delete_workspaces": _boolean,
        "tenant_id": _string,
        "principal_name": _string,
    }
)
