"""``check``: apply defaults, normalise and validate inputs against a :class:`ResourceSpec`, with no I/O.

Every failure names the property (dotted for nested values, e.g. ``scale_settings.max_node_count``) and the rule
it broke, so a user can fix it from the message alone. Values unknown during preview are not validated.

Besides each field's own rules, the declared types carry the service's generic ones (issue 23), so check refuses
what a create would: an ``object`` that is not one; an integer beyond the 64-bit range the service parses (fields
the REST reference marks ``format: int32`` declare :data:`INT32_MAX` as their maximum); a blank string anywhere,
and an empty one in an optional field, since the service stores an empty string as absent and fills its default,
so the next refresh would see a change (a field declares ``""`` meaningful by accepting it in its ``pattern`` or
``choices``). A misspelt property name is answered with the closest declared one.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from pulumi_azureml.arm.errors import ClientInputError
from pulumi_azureml.arm.ids import validate_name
from pulumi_azureml.quoting import quote
from pulumi_azureml.schema import Field, ResourceSpec, build_body, is_unknown, normalize, to_wire, whole_number
from pulumi_azureml.settings import Settings

Failure = tuple[str, str]

_ISO_DURATION = re.compile(
    r"^P(?!$)(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(?P<hours>\d+(?:\.\d+)?)H)?"
    r"(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
_SHORT_DURATION = re.compile(r"^(?P<amount>\d+(?:\.\d+)?)(?P<unit>s|m|h|d)$")
_SHORT_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
MAX_NESTING = 32
"""Deepest nesting of an input value. Json.NET, which Azure services parse JSON with, refuses documents nested
deeper than 64 levels by default (JsonSerializerSettings.MaxDepth, since 13.0.1); an input's value sits a few
levels down in the request body, so half of that is left for it."""
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_REGION = re.compile(r"[A-Za-z][A-Za-z0-9]*(?: [A-Za-z0-9]+)*")
MAX_REGION_LENGTH = 50
MAX_REQUEST_BODY_BYTES = 4 * 1024 * 1024
"""Azure Resource Manager refuses request bodies over 4 MB; saying so at check time names the field responsible."""
INT32_MAX = 2**31 - 1
"""The maximum of an integer the REST reference declares ``format: int32`` (counts, sizes, thresholds): the
service's .NET reader refuses anything larger. Fields declare it as their ``maximum``."""
MAX_SUGGESTED_KEY = 100
"""Longer unknown property names get no "did you mean" (no declared name is nearly that long)."""
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
"""The range of every other integer (``format: int64``): the bound check applies when a field declares none."""


def iso8601_seconds(text: str) -> float | None:
    """Seconds in an ISO-8601 duration such as ``PT5M`` or ``P1DT2H`` (days and time parts only), else ``None``."""
    match = _ISO_DURATION.match(text)
    if not match:
        return None
    parts = {key: float(value) for key, value in match.groupdict().items() if value}
    return (
        parts.get("days", 0.0) * 86400
        + parts.get("hours", 0.0) * 3600
        + parts.get("minutes", 0.0) * 60
        + parts.get("seconds", 0.0)
    )


def timeout_seconds(value: Any) -> float | None:
    """A timeout given as seconds, ``"45m"``/``"2h"``/``"90s"``, or ISO-8601 (``"PT45M"``); ``None`` if invalid."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        short = _SHORT_DURATION.match(value.strip().lower())
        if short:
            return float(short.group("amount")) * _SHORT_UNITS[short.group("unit")]
        return iso8601_seconds(value.strip().upper())
    return None


def duration_between(minimum: float, maximum: float) -> Any:
    """A validator for ISO-8601 durations within ``[minimum, maximum]`` seconds."""

    def check(value: Any) -> str | None:
        seconds = iso8601_seconds(value) if isinstance(value, str) else None
        if seconds is None:
            return f"must be an ISO-8601 duration such as 'PT15M' or 'P1D', got {quote(value)}"
        if not minimum <= seconds <= maximum:
            return f"must be between {_human(minimum)} and {_human(maximum)}, got {quote(value)}"
        return None

    return check


def iso_duration(value: Any) -> str | None:
    """Validator: any ISO-8601 duration."""
    if not isinstance(value, str) or iso8601_seconds(value) is None:
        return f"must be an ISO-8601 duration such as 'PT5M' or 'PT30S', got {quote(value)}"
    return None


def azure_region(value: Any) -> str | None:
    """Validator: an Azure region name, as ``az account list-locations`` gives it (``westus2``) or its display
    name (``West US 2``): letters and digits, single spaces between words. It is checked for shape only (no I/O):
    the service refuses a region that does not exist, and this value ends up in URLs and headers."""
    if not isinstance(value, str) or len(value) > MAX_REGION_LENGTH or not _REGION.fullmatch(value):
        return (
            f"must be an Azure region name such as 'westus2' or 'West US 2' (letters and digits, single spaces "
            f"between words, at most {MAX_REGION_LENGTH} characters), got {quote(value)}"
        )
    return None


def json_value_problem(value: Any, where: str) -> Failure | None:
    """The first part of ``value`` the engine or ARM cannot carry: a non-finite number (JSON has no NaN or
    Infinity, RFC 8259 §6), a string that is not valid Unicode (a lone surrogate), or nesting deeper than
    :data:`MAX_NESTING`. Walks iteratively, so even a value nested thousands of levels deep is answered."""
    pending: list[tuple[str, Any, int]] = [(where, value, 0)]
    while pending:
        path, item, depth = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return (path, f"must be a finite number (JSON has no NaN or Infinity), got {item!r}")
        if isinstance(item, str):
            surrogate = _LONE_SURROGATE.search(item)
            if surrogate is not None:
                return (path, f"must be valid Unicode text (a lone surrogate at position {surrogate.start()})")
        elif isinstance(item, Mapping | list | tuple):
            if depth >= MAX_NESTING:
                return (path, f"must not nest deeper than {MAX_NESTING} levels (objects and lists)")
            if isinstance(item, Mapping):
                for key, sub in item.items():
                    key_text = str(key)
                    surrogate = _LONE_SURROGATE.search(key_text)
                    if surrogate is not None:
                        return (path, f"keys must be valid Unicode text (a lone surrogate in {quote(key_text)})")
                    pending.append((f"{path}.{key_text}", sub, depth + 1))
            else:
                pending.extend((f"{path}[{index}]", sub, depth + 1) for index, sub in enumerate(item))
    return None


def arm_id(value: Any) -> str | None:
    """Validator: an absolute ARM resource id."""
    # Without case, as ARM compares ids: another resource's id output comes in the service's own spelling.
    if not isinstance(value, str) or not value.lower().startswith("/subscriptions/") or len(value.split("/")) < 5:
        return f"must be an ARM resource id starting with /subscriptions/, got {quote(value)}"
    return None


def _human(seconds: float) -> str:
    if seconds % 86400 == 0:
        return f"{seconds / 86400:g} day(s)"
    if seconds % 3600 == 0:
        return f"{seconds / 3600:g} hour(s)"
    return f"{seconds / 60:g} minute(s)"


def check_inputs(
    spec: ResourceSpec,
    news: Mapping[str, Any],
    settings: Settings,
    *,
    ignored_keys: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], list[Failure]]:
    """Return the checked inputs (defaults applied, normalised) and the failures; does no I/O."""
    failures: list[Failure] = []
    fields, known, placement_names = _field_tables(spec)
    inputs: dict[str, Any] = {}
    for key, value in news.items():
        if key in ignored_keys:
            continue
        if key not in known:
            hint = _did_you_mean_property(str(key), known) or "; check the spelling (inputs are snake_case)"
            failures.append((key, f"is not a property of {spec.kind}{hint}"))
            continue
        if value is not None:
            problem = json_value_problem(value, key)
            if problem is not None:
                failures.append(problem)
                continue
            inputs[key] = value

    for field_ in fields:
        if inputs.get(field_.name) is None:
            if field_.setting:
                value = settings.get(field_.setting)
                if value not in (None, ""):
                    problem = json_value_problem(value, field_.name)
                    if problem is not None:
                        failures.append(problem)
                        continue
                    inputs[field_.name] = value
                    continue
            if field_.default is not None:
                inputs[field_.name] = field_.default
        if field_.name in inputs:
            inputs[field_.name] = normalize(field_, inputs[field_.name])

    if spec.expand is not None:
        failures.extend(spec.expand(inputs))
    selector = str(inputs.get(spec.discriminator, "")) if spec.discriminator else ""
    if selector and spec.discriminator and not is_unknown(selector):
        choices = known[spec.discriminator].choices if spec.discriminator in known else ()
        if choices and selector.lower() not in {choice.lower() for choice in choices}:
            # An unknown type (a typo) would make every type-specific field look misplaced: say only the one thing.
            selector = ""
    for field_ in fields:
        value = inputs.get(field_.name)
        if value is None:
            if field_.required and _applies(field_, selector):
                reason = _missing_reason(field_)
                if field_.applies_to and spec.discriminator and selector:
                    reason = f"{reason} for {spec.discriminator} {selector}"  # e.g. file_share_name for AzureFile
                failures.append((field_.name, reason))
            continue
        if field_.applies_to and selector and not is_unknown(selector) and selector not in field_.applies_to:
            allowed = ", ".join(field_.applies_to)
            failures.append((field_.name, f"applies only to {spec.discriminator} {allowed}, not {selector}; remove it"))
            continue
        if field_.name in placement_names and not is_unknown(value):
            try:
                validate_name(field_.name, value)
            except ClientInputError as error:
                failures.append((field_.name, str(error).removeprefix(f"{field_.name} ")))
                continue
        failures.extend(validate_value(field_, value, field_.name, secret=field_.secret))

    if not failures and spec.validate is not None:
        failures.extend(spec.validate(inputs))
    if not failures:
        failures.extend(_body_size(spec, inputs))
    # One reason per property: a value ``expand`` could not rewrite also fails its validator, which would only
    # repeat the same problem less helpfully.
    first: dict[str, Failure] = {}
    for failure in failures:
        first.setdefault(failure[0], failure)
    return inputs, list(first.values())


_FIELD_TABLES: dict[int, tuple[ResourceSpec, tuple[Field, ...], dict[str, Field], frozenset[str]]] = {}


def _field_tables(spec: ResourceSpec) -> tuple[tuple[Field, ...], dict[str, Field], frozenset[str]]:
    """``spec.all_fields()``, the same by name, and the placement names: built once per spec, not per check (a
    spec is frozen; issue 28). Keyed by identity, with the spec kept alive so that its id is never reused."""
    entry = _FIELD_TABLES.get(id(spec))
    if entry is None or entry[0] is not spec:
        if len(_FIELD_TABLES) >= 256:
            _FIELD_TABLES.clear()  # specs made on the fly (tests): the dozen real ones are cached again at once
        fields = spec.all_fields()
        entry = (spec, fields, {f.name: f for f in fields}, frozenset(f.name for f in spec.placement))
        _FIELD_TABLES[id(spec)] = entry
    return entry[1], entry[2], entry[3]


def _json_size(value: Any) -> int:
    # ``default=str``: a value unknown during preview may be an SDK object; it is small either way.
    return len(json.dumps(value, separators=(",", ":"), default=str).encode())


def _body_size(spec: ResourceSpec, inputs: Mapping[str, Any]) -> list[Failure]:
    """A failure on the largest field when the request body would exceed what ARM accepts."""
    # Cheap first: the body is these inputs under wire keys (camelCase, no longer than the snake_case names) inside
    # a few wrapper objects, so inputs a quarter of the limit in size cannot make a body over it; only a large input
    # pays for building and encoding the body (issue 28: this ran for every resource of every preview).
    if _json_size(inputs) <= MAX_REQUEST_BODY_BYTES // 4:
        return []
    size = _json_size(build_body(spec, inputs))
    if size <= MAX_REQUEST_BODY_BYTES:
        return []
    sizes = {
        field_.name: _json_size(to_wire(field_, inputs[field_.name]))
        for field_ in spec.fields
        if field_.wire and inputs.get(field_.name) is not None
    }
    largest = max(sizes, key=lambda name: sizes[name])
    return [
        (
            largest,
            f"makes the request body {size} bytes; Azure Resource Manager accepts at most 4 MB "
            f"({MAX_REQUEST_BODY_BYTES} bytes), and this value alone is {sizes[largest]} bytes",
        )
    ]


def _applies(field_: Field, selector: str) -> bool:
    return not field_.applies_to or selector in field_.applies_to


def _missing_reason(field_: Field) -> str:
    return Settings.how_to_set(field_.setting, "set it on the resource") if field_.setting else "is required"


def validate_value(field_: Field, value: Any, where: str, *, secret: bool = False) -> list[Failure]:
    """Validate one (normalised) value against its field declaration; nested failures carry dotted paths.

    ``secret``: the value belongs to a secret field, so a failure names its type and the rule, never the value.
    """
    if is_unknown(value):
        return []
    if secret:
        return [(where, _hide(reason)) for where, reason in _validate_value(field_, value, where, True)]
    return _validate_value(field_, value, where, False)


def _hide(reason: str) -> str:
    """A secret field's failure without the value: everything from "got ..." on is dropped."""
    for marker in ("; got ", ", got "):
        if marker in reason:
            return reason.split(marker, 1)[0] + " (the value is secret, so it is not shown)"
    return reason


def _validate_value(field_: Field, value: Any, where: str, secret: bool) -> list[Failure]:
    if is_unknown(value):
        return []
    failures: list[Failure] = []
    type_name = _secret_type_name if secret else _type_name
    kind = field_.type
    if kind == "string":
        if not isinstance(value, str):
            return [(where, f"must be a string, got {type_name(value)}")]
        if field_.choices:
            allowed = field_.choices if field_.choices_case_sensitive else tuple(c.lower() for c in field_.choices)
            probe = value if field_.choices_case_sensitive else value.lower()
            if probe not in allowed:
                failures.append(
                    (
                        where,
                        f"must be one of {', '.join(field_.choices)}; got {quote(value)}"
                        + _did_you_mean(value, field_.choices),
                    )
                )
        if field_.max_length is not None and len(value) > field_.max_length:
            failures.append((where, f"must be at most {field_.max_length} characters, got {len(value)}"))
        if field_.pattern and not re.fullmatch(field_.pattern, value):
            rule = field_.pattern_rule or f"must match {field_.pattern}"
            failures.append((where, f"{rule}; got {quote(value)}"))
    elif kind == "integer":
        number = whole_number(value)
        if number is None:
            return [(where, f"must be a whole number, got {quote(value)}")]
        failures.extend(_range(field_, number, where))
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [(where, f"must be a number, got {type_name(value)}")]
        failures.extend(_range(field_, value, where))
    elif kind == "boolean":
        if not isinstance(value, bool):
            return [(where, f"must be true or false, got {quote(value)}")]
    elif kind == "map":
        if not isinstance(value, Mapping):
            return [(where, f"must be a mapping of strings to strings, got {type_name(value)}")]
        for key, item in value.items():
            if is_unknown(item):
                continue
            if not isinstance(item, str):
                failures.append((f"{where}.{key}", f"must be a string, got {type_name(item)}"))
    elif kind == "object":
        if not isinstance(value, Mapping):
            return [(where, f"must be an object, got {type_name(value)}")]
        if field_.fields:
            known = {sub.name: sub for sub in field_.fields}
            for key in value:
                if key not in known:
                    names = ", ".join(sorted(known))
                    hint = _did_you_mean_property(str(key), known) or f"; expected one of: {names}"
                    failures.append((f"{where}.{key}", f"is not a property of {where}{hint}"))
            for sub in field_.fields:
                sub_value = value.get(sub.name)
                if sub_value is None:
                    if sub.required:
                        failures.append((f"{where}.{sub.name}", "is required"))
                    continue
                failures.extend(_validate_value(sub, sub_value, f"{where}.{sub.name}", secret))
    elif kind == "list":
        if not isinstance(value, list | tuple):
            return [(where, f"must be a list, got {type_name(value)}")]
        if field_.max_length is not None and len(value) > field_.max_length:
            failures.append((where, f"must have at most {field_.max_length} items, got {len(value)}"))
        if field_.item is not None:
            for index, item in enumerate(value):
                failures.extend(_validate_value(field_.item, item, f"{where}[{index}]", secret))
    if not failures and field_.validate is not None:
        reason = field_.validate(value)
        if reason:
            failures.append((where, reason))
    if not failures and isinstance(value, str) and kind == "string" and not value.strip():
        reason = _blank(field_, value, in_list=where.endswith("]"))
        if reason:
            failures.append((where, reason))
    return failures


def _blank(field_: Field, value: str, *, in_list: bool) -> str | None:
    """Why an empty or whitespace-only string is refused, or ``None`` when the field declares it meaningful (its
    pattern or choices accept it). The service stores ``""`` as absent and fills its own default (a datastore's
    ``endpoint``/``protocol``), so the program's ``""`` would differ from every refresh: a change on each ``up``."""
    if value in field_.choices or (field_.pattern is not None and re.fullmatch(field_.pattern, value)):
        return None
    what = "must not be empty" if value == "" else "must not be blank (only whitespace)"
    if field_.required or in_list:
        return what
    return f"{what}; leave it unset for the service's default" if field_.server_default else f"{what}; leave it unset"


def _range(field_: Field, number: float, where: str) -> list[Failure]:
    # An integer without a declared range still has the one the service reads it in (int64); a number has none.
    integer = field_.type == "integer"
    minimum = field_.minimum if field_.minimum is not None else (INT64_MIN if integer else -math.inf)
    maximum = field_.maximum if field_.maximum is not None else (INT64_MAX if integer else math.inf)
    if number < minimum:
        return [(where, f"must be at least {_number(minimum)}{_limit_name(minimum)}, got {_number(number)}")]
    if number > maximum:
        return [(where, f"must be at most {_number(maximum)}{_limit_name(maximum)}, got {_number(number)}")]
    return []


def _limit_name(bound: float) -> str:
    if bound == INT32_MAX:
        return " (the largest 32-bit integer: the service reads it as an int32)"
    if bound in (INT64_MIN, INT64_MAX):
        return " (the 64-bit integer range the service reads)"
    return ""


def _number(value: float) -> str:
    """A bound or value as written: ``2147483647``, not ``2.14748e+09``; huge or fractional values as ``%g``."""
    if isinstance(value, int) and abs(value) < 10**20:
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return f"{value:g}"


def _secret_type_name(value: Any) -> str:
    """A secret value's type only: "a number", never "the number 73194628.0"."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return _type_name(value)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {quote(value)}"
    if isinstance(value, str):
        return f"the string {quote(value)}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _did_you_mean_property(key: str, known: Mapping[str, Any]) -> str:
    """ "; did you mean vm_size?" for a misspelt or camelCase property name, else ""."""
    if len(key) > MAX_SUGGESTED_KEY:
        return ""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()
    if snake in known:
        return f"; did you mean {snake}? (inputs are snake_case)"
    return _did_you_mean(snake, tuple(known), cutoff=0.6)


def _did_you_mean(value: str, choices: tuple[str, ...], cutoff: float = 0.75) -> str:
    """ "; did you mean X?" for a near miss of one of ``choices`` (a typo or a slip of the case), else ""."""
    by_lower = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=1, cutoff=cutoff)
    return f"; did you mean {by_lower[close[0]]}?" if close else ""
