"""Resource types declared as data: fields, outputs and rules, plus the pure functions that apply them.

A :class:`ResourceSpec` says everything the generic provider needs about one ARM resource type: its path
template, its input fields (wire path, type, default, validation, secrecy, and how a change is applied:
``replace``, ``put``, ``patch``, ``action`` or ``none``), its read-only outputs, and a few hooks for behaviour that
is not a field (extra actions after a write, delete query parameters). Nothing here does I/O or imports Pulumi.

Conversions:

- inputs use snake_case names (Pulumi's Python style); the wire uses the camelCase names of the ARM body. Each
  :class:`Field` carries its wire path (dotted, relative to its parent), so nested objects convert both ways;
- ``map`` values (tags, property bags) and ``any`` values pass through unchanged.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pulumi_azureml.arm.ids import same_id

if TYPE_CHECKING:
    from pulumi_azureml.arm.client import ArmClient

# The engine's marker for a value not known during preview; equal to ``pulumi.runtime.rpc.UNKNOWN`` (a test checks
# this), spelled out here so this module needs no Pulumi import.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

FieldType = Literal["string", "integer", "number", "boolean", "map", "object", "list", "any"]
UpdateRule = Literal["replace", "put", "patch", "action", "none"]
"""How a change to a field reaches Azure:

- ``replace``: delete and create again (create-only on the service);
- ``put``: a full PUT of the resource body;
- ``patch``: a PATCH carrying only the changed PATCH-able fields;
- ``action``: no body change; a hook runs an action (e.g. start/stop a compute instance);
- ``none``: provider-side only (timeouts, adoption flag); state is updated, Azure is not called.
"""

Validator = Callable[[Any], "str | None"]
"""Returns a reason (``"must be ..."``) when a value is invalid, else ``None``."""


@dataclass(frozen=True)
class Field:
    """One input property."""

    name: str
    """snake_case input name, as users write it."""
    wire: str | None = None
    """Dotted camelCase path in the ARM body (relative to the parent object); ``None`` = never sent."""
    type: FieldType = "string"
    description: str = ""
    required: bool = False
    default: Any = None
    """Applied in ``check`` when the input is absent (``None`` = no default)."""
    choices: tuple[str, ...] = ()
    choices_case_sensitive: bool = False
    pattern: str | None = None
    pattern_rule: str = ""
    """The pattern in words, for error messages."""
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    validate: Validator | None = None
    fields: tuple[Field, ...] = ()
    """Sub-fields of an ``object``."""
    item: Field | None = None
    """Item declaration of a ``list``."""
    update: UpdateRule | Mapping[str, UpdateRule] | Callable[[Any, Any], UpdateRule] = "replace"
    """How a change is applied; a mapping is keyed by the spec's discriminator value (``"*"`` = otherwise); a
    callable gets ``(old, new)`` values (e.g. a property bag that may only grow)."""
    update_source: str = ""
    """Why the update rule is what it is (spec annotation, service behaviour, peer tool): shown in the docs."""
    secret: bool = False
    """Top-level only: the whole value is a secret (wrapped by the resource class, marked secret in state)."""
    write_only: bool = False
    """The service never returns it: ``read`` keeps the last value from state instead of reading it."""
    default_from_workspace: bool = False
    """When the program leaves it unset, create sends the parent workspace's value at the same wire path (read
    then, never in ``check``); the state remembers it was defaulted (output ``<name>_defaulted``), so a refresh
    never turns the server's value into an input and an unset input never shows as a change."""
    server_default: bool = False
    """The service fills it when absent: leaving it unset is never a change, and ``read`` keeps it unset."""
    applies_to: tuple[str, ...] = ()
    """Discriminator values this field is valid for (empty = all)."""
    equivalent: Callable[[Any, Any], bool] | None = None
    """Custom equality of desired vs. actual (e.g. location spelling); default is exact after normalisation."""
    setting: str | None = None
    """A stack-config setting (``azureml:<setting>``) that provides the default for this input."""
    server_adds_keys: bool = False
    """A ``map`` the service adds its own entries to (e.g. ``BatchEndpointCreationApiVersion``): ``read`` only
    compares the keys this program manages, so service-added entries are neither drift nor a removal."""
    unordered: bool = False
    """A ``list`` whose order the service does not keep (compute-instance schedules come back re-ordered): two
    lists with the same items in another order mean the same."""
    encode: Callable[[Any], Any] | None = None
    """Custom input-to-wire conversion when the shapes differ (e.g. a list of ids to an id-keyed object)."""
    decode: Callable[[Any], Any] | None = None
    """The inverse of ``encode``."""
    witness: bool = False
    """The provider's own record written into the resource (an asset version's content hash): the service never
    re-spells it, so it is compared even where an ``immutable`` kind keeps the program's values, and a version
    deleted and registered again with other content shows on refresh."""
    drift_when_unset: bool = False
    """A value appearing where the program set none is drift (tags: someone else's tags are shown and removed).
    Every other field the program leaves unset belongs to the service: whatever it fills there (``kind``,
    ``resourceUrl``, ``stage``, defaults) is never turned into an input by a refresh."""


@dataclass(frozen=True)
class Output:
    """One read-only output, read from the ARM body after every create, update and read."""

    name: str
    wire: str
    """Dotted camelCase path in the ARM body; ``""`` means the whole body's ``id``-like special handling."""
    type: FieldType = "string"
    description: str = ""
    secret: bool = False
    only_keys: tuple[str, ...] = ()
    """For an object output: keep only these keys (the rest is changed by others, e.g. another resource's write)."""


ARM_ID_OUTPUT = Output("arm_id", "id", description="The resource's ARM id, as the service spells it.")


def defaulted_flag(field_: Field) -> str:
    """The output recording that ``field_`` was left unset and took the workspace's value."""
    return f"{field_.name}_defaulted"


@dataclass(frozen=True)
class Timeouts:
    """Default time limits in seconds (Pulumi's ``customTimeouts`` do not reach dynamic providers)."""

    create: float
    update: float
    delete: float


@dataclass(frozen=True)
class HookContext:
    """What a spec hook gets: the client, the resource's path and api-version, its inputs, and a deadline."""

    client: ArmClient
    path: str
    api_version: str
    inputs: Mapping[str, Any]
    timeout: float
    action_prefix: str
    """E.g. ``"creating compute"``: hooks prefix their error messages with the operation they are part of."""


@dataclass(frozen=True)
class ResourceSpec:
    """Everything the generic provider needs to manage one ARM resource type."""

    kind: str
    """Short type name (``"Compute"``); part of the Pulumi type token and of every pickled provider: never rename."""
    noun: str
    """What users call it in messages (``"compute"``, ``"batch endpoint"``)."""
    path: str
    """ARM path template; every ``{placeholder}`` is a placement field, and changing one forces a replacement."""
    placement: tuple[Field, ...]
    """Fields that name the resource (path parts); always ``replace``."""
    fields: tuple[Field, ...]
    outputs: tuple[Output, ...]
    timeouts: Timeouts
    discriminator: str | None = None
    """Name of the field whose value selects per-type rules (``compute_type``)."""
    delete_params: Callable[[Mapping[str, Any], bool], dict[str, str]] | None = None
    """Query parameters of the DELETE, from the inputs and whether it cleans up a create that ended Failed."""
    after_write: Callable[[HookContext, dict[str, Any]], dict[str, Any]] | None = None
    """Runs after a create or update has finished; returns extra outputs (e.g. listkeys results, power state)."""
    validate: Callable[[Mapping[str, Any]], list[tuple[str, str]]] | None = None
    """Cross-field validation over the checked inputs; returns ``(property, reason)`` pairs."""
    ownership_tag: bool = True
    """Write an ownership marker tag at create, so an interrupted create can be recognised as ours on retry."""
    preserve_on_put: tuple[str, ...] = ()
    """Wire paths the server may hold that no input manages here (e.g. an endpoint's default deployment, set by
    another resource): an update PUT, being a full replace, first GETs them and sends them back unchanged."""
    parent_kind: str | None = None
    """Set when the resource is a property of an existing parent of this kind (``path`` is the parent's): create
    and update are a read-modify-write PUT of the parent, delete clears the fields; nothing else is created or
    deleted in Azure."""
    extra_outputs: Callable[[HookContext, dict[str, Any]], dict[str, Any]] | None = None
    """Runs after create, update and read; returns outputs that need another call (e.g. listkeys)."""
    expand: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None
    """Runs in ``check`` after defaults and normalisation, before validation: rewrites short forms the service
    never receives into the form it does (e.g. ``azureml:<name>:<version>`` into an ARM id), in place; returns
    ``(property, reason)`` for the forms it cannot rewrite. No I/O."""

    before_create: Callable[[HookContext, dict[str, Any]], None] | None = None
    """Runs in ``create`` just before the PUT, with the request body to complete in place: I/O the body depends on
    (an asset version's local files are uploaded, and the body points at where they went). Not run by updates."""

    put_params: tuple[tuple[str, str], ...] = ()
    """Query parameters every PUT of this kind carries (a datastore's ``skipValidation=true``, which every recorded
    client sends: azure-sdk-assets test_datastore.py recordings)."""
    immutable: bool = False
    """The service never changes a created resource's create-only fields (asset and environment versions): a
    refresh keeps the program's spelling of them, so the service's own spelling can never plan a replace."""

    title_fields: tuple[str, ...] = ()
    """The placement fields that name the resource in messages, joined with ``:`` (``churn:2`` for a version);
    default: the last placement field."""

    sample_inputs: Mapping[str, Any] | None = None
    """A minimal valid declaration (a plain mapping, as a program writes it, with a value for a secret input where
    the kind has one; the subscription, resource group and workspace come from the stack config): the baseline the
    fuzz, bad-input and secret-scan suites start from, so a new kind joins them without editing a list. A test fails
    on a spec without one."""

    def all_fields(self) -> tuple[Field, ...]:
        return self.placement + self.fields

    def field(self, name: str) -> Field:
        for candidate in self.all_fields():
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    def update_rule(self, field_: Field, inputs: Mapping[str, Any], old: Any = None) -> UpdateRule:
        """The update rule of ``field_`` for these inputs (resolving per-discriminator and value rules)."""
        if field_ in self.placement:
            return "replace"
        rule = field_.update
        if isinstance(rule, str):
            return rule
        if callable(rule):
            return rule(old, inputs.get(field_.name))
        selector = str(inputs.get(self.discriminator, "")) if self.discriminator else ""
        return rule.get(selector, rule.get("*", "replace"))

    def workspace_defaulted_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.default_from_workspace)

    def all_outputs(self) -> tuple[Output, ...]:
        """The declared outputs, the ARM id every resource has, and one ``<name>_defaulted`` flag per field that
        defaults from the workspace (outputs are all ``read`` gets, so the flag must live there)."""
        flags = tuple(
            Output(defaulted_flag(f), "", type="boolean", description=f"Whether {f.name} came from the workspace.")
            for f in self.workspace_defaulted_fields()
        )
        return (*self.outputs, ARM_ID_OUTPUT, *flags)

    def secret_input_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.secret)

    def secret_output_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.outputs if o.secret)


# -- value helpers -----------------------------------------------------------------------------------------------


def is_unknown(value: Any) -> bool:
    """Whether ``value`` is, or contains, a value unknown during preview."""
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


def get_path(body: Mapping[str, Any] | None, dotted: str) -> Any:
    """``body["a"]["b"]`` for ``"a.b"``; ``None`` when any step is missing."""
    current: Any = body
    for part in dotted.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def set_path(body: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``body["a"]["b"] = value`` for ``"a.b"``, creating intermediate objects."""
    parts = dotted.split(".")
    current = body
    for part in parts[:-1]:
        nested = current.get(part)
        if not isinstance(nested, dict):
            nested = {}
            current[part] = nested
        current = nested
    current[parts[-1]] = value


def whole_number(value: Any) -> int | None:
    """``3`` for ``3`` or ``3.0`` (the engine sends every number as a float); ``None`` if not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def normalize(field_: Field, value: Any) -> Any:
    """Bring a value into its canonical form: integers as ``int``, enum values in their declared casing, objects
    and lists recursively."""
    if value is None or is_unknown(value):
        return value
    if field_.type == "string" and field_.choices and not field_.choices_case_sensitive and isinstance(value, str):
        # Azure ML parses its (modelAsString) enums case-insensitively and stores the canonical spelling (a sent
        # ``aadToken`` reads back ``AADToken`` in the service's own SDK recordings), so the canonical form is the
        # meaning: ``check`` stores it, and a comparison sees ``dedicated`` and ``Dedicated`` as one value.
        return next((choice for choice in field_.choices if choice.lower() == value.lower()), value)
    if field_.type == "integer":
        number = whole_number(value)
        return number if number is not None else value
    if field_.type == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        number = whole_number(value)
        return number if number is not None else float(value)
    if field_.type == "object" and isinstance(value, Mapping) and field_.fields:
        known = {sub.name: sub for sub in field_.fields}
        result: dict[str, Any] = {}
        for key, sub_value in value.items():
            sub = known.get(key)
            normalized = normalize(sub, sub_value) if sub else sub_value
            if normalized is not None:
                result[key] = normalized
        return result
    if field_.type == "list" and isinstance(value, list | tuple):
        return [normalize(field_.item, item) if field_.item else item for item in value]
    if field_.type in ("map", "any") and isinstance(value, Mapping):
        return {key: _normalize_any(item) for key, item in value.items()}
    return value


def _normalize_any(value: Any) -> Any:
    if isinstance(value, float):
        number = whole_number(value)
        return number if number is not None else value
    if isinstance(value, Mapping):
        return {key: _normalize_any(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalize_any(item) for item in value]
    return value


# -- wire conversion -----------------------------------------------------------------------------------------------


def to_wire(field_: Field, value: Any) -> Any:
    """Convert an input value (snake_case keys) to its ARM body form (camelCase keys), typed by the declaration.

    Every number reaches ``create``/``update`` as a float (the engine's protobuf ``Struct`` has one number type,
    and ``check``'s integers do not survive the trip), but Azure's .NET JSON readers refuse a decimal token such as
    ``2.0`` for an ``int32``/``int64`` property ("Input string '2.0' is not a valid integer", Newtonsoft.Json's
    ``JsonTextReader``). So the wire form is built from the declared type, never from the arriving Python type:
    ``integer`` fields go out as JSON integers, and whole numbers inside untyped values (``map``/``any``) too.
    """
    if value is None:
        return None
    if isinstance(value, str) and value == UNKNOWN:
        return value
    if field_.encode is not None:
        return field_.encode(typed(field_, value))
    if field_.type == "integer":
        number = whole_number(value)
        return number if number is not None else value
    if field_.type == "number" and isinstance(value, float):
        number = whole_number(value)
        return number if number is not None else value
    if field_.type in ("map", "any") or (field_.type == "object" and not field_.fields):
        return _normalize_any(value)
    if field_.type == "object" and field_.fields and isinstance(value, Mapping):
        body: dict[str, Any] = {}
        for sub in field_.fields:
            sub_value = value.get(sub.name)
            if sub_value is not None and sub.wire:
                set_path(body, sub.wire, to_wire(sub, sub_value))
        return body
    if field_.type == "list" and field_.item is not None and isinstance(value, list | tuple):
        return [to_wire(field_.item, item) for item in value]
    if field_.type == "list" and isinstance(value, list | tuple):
        return [_normalize_any(item) for item in value]
    return value


def typed(field_: Field, value: Any) -> Any:
    """``value`` with every declared integer (at any depth) as an ``int``: what a custom ``encode`` receives."""
    return normalize(field_, value)


def from_wire(field_: Field, value: Any) -> Any:
    """Convert an ARM body value back to input form (snake_case keys); unknown wire keys are dropped."""
    if value is None:
        return None
    if field_.decode is not None:
        return field_.decode(value)
    if field_.type == "object" and field_.fields and isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for sub in field_.fields:
            if not sub.wire:
                continue
            sub_value = from_wire(sub, get_path(value, sub.wire))
            if sub_value is not None:
                result[sub.name] = sub_value
        return result
    if field_.type == "list" and field_.item is not None and isinstance(value, list):
        return [from_wire(field_.item, item) for item in value]
    return normalize(field_, value)


def build_body(spec: ResourceSpec, inputs: Mapping[str, Any], only: set[str] | None = None) -> dict[str, Any]:
    """The ARM request body for ``inputs`` (all wire fields, or only the named ones, e.g. for a PATCH)."""
    body: dict[str, Any] = {}
    for field_ in spec.fields:
        if field_.wire is None or (only is not None and field_.name not in only):
            continue
        value = inputs.get(field_.name)
        if value is None:
            continue
        set_path(body, field_.wire, to_wire(field_, value))
    return body


# -- comparison ------------------------------------------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    """``None``, ``""``, ``{}`` or ``[]``: the service answers each of them for the others (a batch deployment's
    sent ``resources.properties: {}`` reads back ``null``; a datastore's ``endpoint: ""`` reads back its default),
    so they all mean "nothing". ``check`` now refuses ``""`` in optional fields; a stack that stored one before keeps
    working when the program drops it."""
    return value is None or value == "" or (isinstance(value, Mapping | list | tuple) and not value)


def same_value(field_: Field, desired: Any, actual: Any) -> bool:
    """Whether ``desired`` (an input) and ``actual`` (state or server) mean the same thing for ``field_``.

    The one comparison ``diff``, ``read`` (refresh) and adoption share, declared per field in the specs: enums by
    canonical casing (``normalize``), ``equivalent`` for spellings of one value (durations, locations, ARM ids,
    VM sizes), empty the same as absent, ``unordered`` lists as multisets, and in objects only the declared
    members (the service adds its own, e.g. a schedule's ``id`` and ``provisioningStatus``).
    """
    desired = normalize(field_, desired)
    actual = normalize(field_, actual)
    if is_empty(desired) and is_empty(actual):
        return True
    if field_.equivalent is not None and desired is not None and actual is not None:
        return field_.equivalent(desired, actual)
    if field_.type == "object" and field_.fields and isinstance(desired, Mapping) and isinstance(actual, Mapping):
        for sub in field_.fields:
            sub_desired = desired.get(sub.name)
            sub_actual = actual.get(sub.name)
            if sub_desired is None and (sub.server_default or sub_actual is None):
                continue
            if not same_value(sub, sub_desired, sub_actual):
                return False
        return True
    if field_.type == "list" and field_.item is not None and isinstance(desired, list) and isinstance(actual, list):
        if len(desired) != len(actual):
            return False
        if field_.unordered:
            return _same_multiset(field_.item, desired, actual)
        return all(same_value(field_.item, d, a) for d, a in zip(desired, actual, strict=True))
    if field_.type == "map" and desired in (None, {}) and actual in (None, {}):
        return True
    if isinstance(desired, str) and isinstance(actual, str) and field_.choices and not field_.choices_case_sensitive:
        return desired.lower() == actual.lower()
    return bool(desired == actual)


def _same_multiset(item: Field, desired: list[Any], actual: list[Any]) -> bool:
    remaining = list(actual)
    for wanted in desired:
        match = next((index for index, candidate in enumerate(remaining) if same_value(item, wanted, candidate)), None)
        if match is None:
            return False
        remaining.pop(match)
    return True


def duration_equivalent(desired: Any, actual: Any) -> bool:
    """ISO-8601 durations compare by length (``PT120S`` == ``PT2M``): the service fills ``PT2M`` for a cluster's
    idle time and may spell any duration its own way."""
    first, second = _duration_seconds(desired), _duration_seconds(actual)
    if first is None or second is None:
        return bool(desired == actual)
    return abs(first - second) < 1e-6


_DURATION = re.compile(
    r"^P(?!$)(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(?P<hours>\d+(?:\.\d+)?)H)?"
    r"(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


def _duration_seconds(value: Any) -> float | None:
    match = _DURATION.match(str(value).strip().upper())
    if not match:
        return None
    units = {"days": 86400.0, "hours": 3600.0, "minutes": 60.0, "seconds": 1.0}
    return sum(units[name] * float(amount) for name, amount in match.groupdict().items() if amount)


def location_equivalent(desired: Any, actual: Any) -> bool:
    """ARM regions compare without case and spaces ("West US 2" == "westus2"), as azure-native does."""
    return _squash(desired) == _squash(actual)


def case_insensitive_equivalent(desired: Any, actual: Any) -> bool:
    """ARM ids and VM sizes come back with varying case."""
    return same_id(str(desired), str(actual))


def split_equivalent(desired: Any, actual: Any) -> bool:
    """A traffic split (deployment name → percent): names compare without case, because the service lower-cases a
    deployment's name when it creates it (Azure/azure-sdk-for-python PR #28715), and a 0 % entry is the same as no
    entry (``az ml`` drops them before sending: test_online_endpoint_update.yaml)."""
    if not isinstance(desired, Mapping) or not isinstance(actual, Mapping):
        return bool(desired == actual)

    def folded(split: Mapping[Any, Any]) -> dict[str, Any]:
        return {str(name).lower(): _normalize_any(share) for name, share in split.items() if share not in (0, 0.0)}

    return folded(desired) == folded(actual)


def document_equivalent(desired: Any, actual: Any) -> bool:
    """YAML or JSON text compared as the data it holds: the service stores a conda file sent as YAML and answers
    JSON text of the same document (azure-sdk-assets test_environment.py ...create_conda_inline recording)."""
    if desired == actual:
        return True
    first, second = _document(desired), _document(actual)
    return first is not None and first == second


def _document(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    import yaml  # only when two spellings differ: not on the preview path of a program whose files are unchanged

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


# Path segments of an `azureml://` URI whose value is a case-sensitive name (mfe.json: "Container name. This is
# case-sensitive.", "Version identifier. This is case-sensitive."); every other segment's value is an ARM name.
_CASE_SENSITIVE_SEGMENTS = frozenset({"models", "data", "codes", "environments", "components", "versions"})


def asset_uri_equivalent(desired: Any, actual: Any) -> bool:
    """Where an asset's content is, compared as the service re-spells it: ARM segments and names without case
    (a model URI sent with ``resourcegroups`` reads back ``resourceGroups``: azure-sdk-assets test_model.py
    ...crud_file recording), a short ``azureml://datastores/<d>/paths/<p>`` the same as the long form the service
    answers, with or without the trailing ``/`` (test_data.py ...create_uri_folder recording), and the path inside
    the datastore exactly (blob names are case-sensitive)."""
    if str(desired).startswith("/") and str(actual).startswith("/"):
        return asset_id_equivalent(desired, actual)
    return _uri_key(desired) == _uri_key(actual)


def _uri_key(value: Any) -> tuple[Any, ...]:
    text = str(value).strip()
    if text.lower().startswith("azureml://"):
        parts = text[len("azureml://") :].rstrip("/").split("/")
        pairs: list[tuple[str, str]] = []
        index = 0
        while index < len(parts):
            segment = parts[index].lower()
            if segment == "paths":
                pairs.append(("paths", "/".join(parts[index + 1 :])))
                break
            name = parts[index + 1] if index + 1 < len(parts) else ""
            pairs.append((segment, name if segment in _CASE_SENSITIVE_SEGMENTS else name.lower()))
            index += 2
        named = dict(pairs)
        if "datastores" in named:
            # The short form names this workspace's datastore: the datastore and the path decide.
            return ("datastore", named["datastores"], named.get("paths", ""))
        return ("azureml", tuple(pairs))
    scheme, separator, rest = text.partition("://")
    if separator:
        host, _, path = rest.partition("/")
        return (scheme.lower(), host.lower(), path.rstrip("/"))
    return ("text", text.rstrip("/"))


_ASSET_ID = re.compile(
    r"^(?P<owner>.*?/(?:workspaces|registries)/[^/]+)(?P<asset>/[^/]+/[^/]+(?:/versions/[^/]+)?)$", re.I
)


def asset_id_equivalent(desired: Any, actual: Any) -> bool:
    """Asset ids (``.../workspaces/<w>/models/<name>/versions/<v>``, or a registry's): the owner part compares
    without case, as every ARM id; the asset's name and version exactly, because mfe.json says "Container name.
    This is case-sensitive." and "Version identifier. This is case-sensitive." (``Churn`` is not ``churn``)."""
    wanted, got = _ASSET_ID.match(str(desired).rstrip("/")), _ASSET_ID.match(str(actual).rstrip("/"))
    if wanted is None or got is None:
        return same_id(str(desired), str(actual))
    if not same_id(wanted["owner"], got["owner"]):
        return False
    wanted_parts, got_parts = wanted["asset"].split("/"), got["asset"].split("/")
    if len(wanted_parts) != len(got_parts):
        return False
    # ["", collection, name] or ["", collection, name, "versions", version]: collection and "versions" are ARM
    # segments (no case); the name and the version are the user's.
    return all(
        left.lower() == right.lower() if index in (1, 3) else left == right
        for index, (left, right) in enumerate(zip(wanted_parts, got_parts, strict=True))
    )


def _squash(value: Any) -> str:
    return re.sub(r"\s+", "", str(value)).lower()
