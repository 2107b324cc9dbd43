"""The ``azureml`` resource provider plugin: the Pulumi provider protocol over the same core (issue 25).

Every language reaches the package through this plugin (YAML, TypeScript, Go...), as ``azureml:index:<Kind>``
resources of the schema :mod:`pulumi_schema` generates. It is a translation layer and holds no rule of its own:

- names: the schema's camelCase properties to the specs' snake_case fields and back (nested objects by their
  declared members; ``map`` and ``any`` values pass through untouched), numbers as the engine sends them;
- check, create, read, update, delete: :class:`~pulumi_azureml.provider.AzureMLProvider`'s own methods (validation,
  lifecycle, adoption, ownership, state, redaction), with the provider's configuration as its settings;
- diff: :func:`~pulumi_azureml.diffing.plan_diff` (the rule the dynamic provider's ``diff`` applies), reported in
  detail (per property, replacing or not) with **stables**, so a dependent of an in-place change previews no change;
- ``customTimeouts``: the engine's per-operation timeout becomes the ``timeouts`` input of that operation;
- ``pulumi import``: a read with an ARM id and no inputs derives the placement from the id and reads every value
  the service holds back as an input.

Errors reach the engine as one line (the SDK's server appends a Python stack to every error: :class:`_Servicer`
takes the message back off it). The core is synchronous: each call runs on a worker thread, so the engine's
parallel operations run in parallel.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import grpc
import grpc.aio
from pulumi.provider.experimental import provider as protocol
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime.proto import provider_pb2_grpc

from pulumi_azureml import plugin_functions
from pulumi_azureml._version import __version__
from pulumi_azureml.console import printable
from pulumi_azureml.diffing import DiffPlan, plan_diff
from pulumi_azureml.errors import AzureMLError
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.pulumi_schema import HIDDEN_FIELDS, PACKAGE, SCHEMA_FILE, camel, user_fields
from pulumi_azureml.redaction import MAX_REASON_CHARS
from pulumi_azureml.schema import UNKNOWN, Field, ResourceSpec, is_empty
from pulumi_azureml.settings import CONFIG_NAMESPACE, DEFAULT_HOST_WORKERS, SETTINGS, Settings
from pulumi_azureml.specs import SPECS

T = TypeVar("T")
OWNER_MARKER = "owner_marker"
NAME = "name"


# -- names and values between the engine and the core -----------------------------------------------------------


def kind_of(type_token: str) -> str:
    package, _, rest = type_token.partition(":")
    _, _, kind = rest.partition(":")
    if package != PACKAGE or kind not in SPECS:
        raise ValueError(f"unknown resource type {type_token!r}")
    return kind


def _top_fields(spec: ResourceSpec) -> dict[str, Field]:
    fields = {camel(f.name): f for f in spec.all_fields()}
    for output in spec.all_outputs():
        fields.setdefault(camel(output.name), Field(output.name, type=output.type))
    return fields


def to_core(spec: ResourceSpec, props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Engine properties as the core's inputs/outputs: snake_case, secrets unwrapped, unknowns as the marker."""
    fields = _top_fields(spec)
    result: dict[str, Any] = {}
    for key, value in props.items():
        field_ = fields.get(key)
        result[field_.name if field_ else key] = _value_to_core(field_, value)
    return result


def _value_to_core(field_: Field | None, value: PropertyValue) -> Any:
    raw = value.value
    if isinstance(raw, Computed):
        return UNKNOWN
    if isinstance(raw, Mapping):
        members = {camel(sub.name): sub for sub in field_.fields} if field_ and field_.type == "object" else {}
        converted: dict[str, Any] = {}
        for key, item in raw.items():
            sub = members.get(key)
            converted[sub.name if sub else key] = _value_to_core(sub, item)
        return converted
    if isinstance(raw, tuple):
        item_field = field_.item if field_ else None
        return [_value_to_core(item_field, item) for item in raw]
    return raw


def secret_names(spec: ResourceSpec, *props: Mapping[str, PropertyValue]) -> frozenset[str]:
    """The core names of the properties the program made secret (a secret anywhere inside makes the whole property
    secret): they stay secret in what the plugin answers, as the spec's own secrets do."""
    fields = _top_fields(spec)
    return frozenset(
        (fields[key].name if key in fields else key)
        for given in props
        for key, value in given.items()
        if value.contains_secret()
    )


def to_engine(
    spec: ResourceSpec, values: Mapping[str, Any], secret: frozenset[str] = frozenset()
) -> dict[str, PropertyValue]:
    """The core's values as engine properties: camelCase; the spec's secret inputs and outputs, and the names in
    ``secret``, marked secret."""
    secrets = set(spec.secret_input_names()) | set(spec.secret_output_names()) | secret
    fields = {f.name: f for f in spec.all_fields()}
    for output in spec.all_outputs():
        fields.setdefault(output.name, Field(output.name, type=output.type))
    result: dict[str, PropertyValue] = {}
    for name, value in values.items():
        if name in HIDDEN_FIELDS and name != OWNER_MARKER:
            continue
        field_ = fields.get(name)
        converted = _value_to_engine(field_, value)
        result[camel(name) if field_ else name] = converted.with_secret(True) if name in secrets else converted
    return result


def _value_to_engine(field_: Field | None, value: Any) -> PropertyValue:
    if value is None:
        return PropertyValue.null()
    if isinstance(value, bool | str):
        # An unknown stays the wire's marker string (schema.UNKNOWN): the SDK's PropertyValue cannot marshal its
        # own Computed value.
        return PropertyValue(value)
    if isinstance(value, int | float):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        members = {sub.name: sub for sub in field_.fields} if field_ and field_.type == "object" else {}
        return PropertyValue(
            {
                (camel(key) if key in members else key): _value_to_engine(members.get(key), item)
                for key, item in value.items()
            }
        )
    if isinstance(value, list | tuple):
        return PropertyValue([_value_to_engine(field_.item if field_ else None, item) for item in value])
    return PropertyValue(str(value))


def engine_name(spec: ResourceSpec, dotted: str) -> str:
    """A core property path (``scale_settings.max_node_count``) as the schema spells it."""
    return ".".join(camel(part) for part in dotted.split("."))


def placement_from_id(spec: ResourceSpec, arm_id: str) -> dict[str, str]:
    """The placement inputs an ARM id names, by the spec's path template; ``ValueError`` when it does not fit."""
    template = [part for part in spec.path.split("/") if part]
    given = [part for part in arm_id.split("/") if part]
    if len(given) != len(template):
        raise ValueError(f"{arm_id!r} is not the ARM id of a {spec.noun} (expected {spec.path})")
    values: dict[str, str] = {}
    for pattern, part in zip(template, given, strict=True):
        if pattern.startswith("{") and pattern.endswith("}"):
            values[pattern[1:-1]] = part
        elif pattern.lower() != part.lower():
            raise ValueError(f"{arm_id!r} is not the ARM id of a {spec.noun} (expected {spec.path})")
    return values


def detailed_diff(spec: ResourceSpec, plan: DiffPlan, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
    """The plan as the engine's detailed diff: one entry per changed property, replacing or not."""
    kinds = protocol.PropertyDiffKind
    result: dict[str, protocol.PropertyDiff] = {}
    for name in plan.changed:
        replacing = name in plan.replaces
        if is_empty(olds.get(name)):
            kind = kinds.ADD_REPLACE if replacing else kinds.ADD
        elif is_empty(news.get(name)):
            kind = kinds.DELETE_REPLACE if replacing else kinds.DELETE
        else:
            kind = kinds.UPDATE_REPLACE if replacing else kinds.UPDATE
        result[camel(name)] = protocol.PropertyDiff(kind, input_diff=True)
    return result


def stables(spec: ResourceSpec, plan: DiffPlan) -> list[str]:
    """What an in-place update cannot change: every input it does not change, and the ARM id (same path)."""
    if plan.replaces or not plan.changed:
        return []
    unchanged = [camel(f.name) for f in user_fields(spec) if f.name not in plan.changed]
    return [*unchanged, "armId"]


def preview_of_update(
    spec: ResourceSpec, olds: Mapping[str, Any], news: Mapping[str, Any], plan: DiffPlan
) -> dict[str, Any]:
    """What a preview promises an in-place update leaves: the new inputs, every input it does not change and the
    ARM id as they are (the engine applies no ``stables`` itself: a dependent of ``armId`` previews no change), and
    every other output unknown until the service answers."""
    result: dict[str, Any] = dict(news)
    for field_ in spec.all_fields():
        if field_.name not in plan.changed and field_.name in olds:
            result[field_.name] = olds[field_.name]
    kept = {"arm_id", *(o.name for o in spec.all_outputs() if o.name.endswith("_defaulted"))}
    for output in spec.all_outputs():
        result[output.name] = olds.get(output.name) if output.name in kept else UNKNOWN
    return result


def preview_of_create(spec: ResourceSpec, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A create's preview: the inputs, and every output unknown."""
    return {**inputs, **{output.name: UNKNOWN for output in spec.all_outputs()}}


def settings_from_config(args: Mapping[str, PropertyValue], variables: Mapping[str, str]) -> Settings:
    """Provider configuration (an explicit provider's inputs, or the stack's ``azureml:`` config) as settings."""
    config: dict[str, object] = {}
    for setting in SETTINGS:
        value = args.get(setting.key)
        raw = value.value if value is not None else variables.get(f"{CONFIG_NAMESPACE}:{setting.key}")
        if raw is None or isinstance(raw, Computed):
            continue
        if isinstance(raw, bool):
            raw = "true" if raw else "false"
        elif isinstance(raw, float) and raw.is_integer():
            raw = str(int(raw))
        config[f"{CONFIG_NAMESPACE}:{setting.key}"] = str(raw)
    return Settings(config)


def _owner_marker(urn: str) -> str:
    # urn:pulumi:<stack>::<project>::<type>::<name>, as the resource classes spell it: project/stack/name.
    parts = urn.split("::")
    stack = parts[0].rsplit(":", 1)[-1] if parts else ""
    project = parts[1] if len(parts) > 1 else ""
    return f"{project}/{stack}/{parts[-1]}"


def _name_of(urn: str) -> str:
    return urn.split("::")[-1]


# -- the provider -----------------------------------------------------------------------------------------------


class AzureMLPlugin(protocol.Provider):
    """The ``azureml`` provider: one per provider instance (the default one, or each explicit one)."""

    def __init__(self, workers: int = DEFAULT_HOST_WORKERS) -> None:
        self._settings = Settings()
        self._executor = ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="azureml")

    def _core(self, kind: str) -> AzureMLProvider:
        core = AzureMLProvider(kind)
        core.use_settings(self._settings)
        return core

    async def _run(self, call: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def get_schema(self, request: protocol.GetSchemaRequest) -> protocol.GetSchemaResponse:
        return protocol.GetSchemaResponse(SCHEMA_FILE.read_text(encoding="utf-8"))

    async def check_config(self, request: protocol.CheckRequest) -> protocol.CheckResponse:
        settings = settings_from_config(request.new_inputs, {})
        # A provider's properties are the settings' own names (`endpoint`), not the stack config keys.
        failures = [
            protocol.CheckFailure(key.removeprefix(f"{CONFIG_NAMESPACE}:"), reason)
            for key, reason in settings.problems()
        ]
        return protocol.CheckResponse(inputs=request.new_inputs, failures=failures)

    async def configure(self, request: protocol.ConfigureRequest) -> protocol.ConfigureResponse:
        self._settings = settings_from_config(request.args, request.variables)
        return protocol.ConfigureResponse(accept_secrets=True, supports_preview=True)

    async def invoke(self, request: protocol.InvokeRequest) -> protocol.InvokeResponse:
        """A lookup (:mod:`plugin_functions`), with this provider's configuration as its settings."""
        arguments = {key: _value_to_core(None, value) for key, value in request.args.items()}
        settings = self._settings
        result, secret = await self._run(lambda: plugin_functions.invoke(request.tok, arguments, settings))
        converted = {key: _value_to_engine(None, value) for key, value in result.items()}
        return protocol.InvokeResponse(
            return_value={key: value.with_secret(True) for key, value in converted.items()} if secret else converted
        )

    async def check(self, request: protocol.CheckRequest) -> protocol.CheckResponse:
        spec = SPECS[kind_of(request.type)]
        olds = to_core(spec, request.old_inputs)
        news = to_core(spec, request.new_inputs)
        if any(f.name == NAME for f in spec.placement):
            news.setdefault(NAME, _name_of(request.urn))  # as the resource classes default it
        # The marker only matters at create (ownership), and an imported resource's state has none.
        if OWNER_MARKER in olds or not olds:
            news[OWNER_MARKER] = olds.get(OWNER_MARKER) or _owner_marker(request.urn)
        result = self._core(spec.kind).check(olds, news)
        return protocol.CheckResponse(
            inputs=to_engine(spec, result.inputs, secret_names(spec, request.new_inputs)),
            failures=[
                protocol.CheckFailure(engine_name(spec, f.property or ""), f.reason) for f in result.failures or []
            ],
        )

    async def diff(self, request: protocol.DiffRequest) -> protocol.DiffResponse:
        spec = SPECS[kind_of(request.type)]
        olds = to_core(spec, request.old_state)
        news = to_core(spec, request.new_inputs)
        if OWNER_MARKER not in olds:
            news.pop(OWNER_MARKER, None)  # imported: the marker is never consulted after create
        plan = plan_diff(spec, olds, news)
        return protocol.DiffResponse(
            changes=plan.has_changes,
            replaces=[camel(name) for name in plan.replaces],
            stables=stables(spec, plan),
            delete_before_replace=plan.delete_before_replace,
            diffs=[camel(name) for name in plan.changed],
            detailed_diff=detailed_diff(spec, plan, olds, news),
        )

    async def create(self, request: protocol.CreateRequest) -> protocol.CreateResponse:
        spec = SPECS[kind_of(request.type)]
        inputs = to_core(spec, request.properties)
        if request.preview:
            preview = to_engine(spec, preview_of_create(spec, inputs), secret_names(spec, request.properties))
            return protocol.CreateResponse(resource_id="", properties=preview)
        result = await self._run(lambda: self._core(spec.kind).create(_with_timeout(inputs, "create", request.timeout)))
        outputs = _without_timeout_override(result.outs or {}, inputs)
        secret = secret_names(spec, request.properties)
        return protocol.CreateResponse(resource_id=str(result.id), properties=to_engine(spec, outputs, secret))

    async def read(self, request: protocol.ReadRequest) -> protocol.ReadResponse:
        spec = SPECS[kind_of(request.type)]
        old = to_core(spec, request.properties or request.inputs)
        importing = not old
        if importing:
            old = placement_from_id(spec, request.resource_id)
        core = self._core(spec.kind)
        result = await self._run(lambda: core.read(request.resource_id, old, include_server_defaults=importing))
        if not result.id:
            return protocol.ReadResponse(resource_id="", properties={}, inputs={})
        inputs = dict(result.inputs or {})
        outputs = dict(result.outs or {})
        if importing:
            # What check would make of these inputs (defaults, settings) is what the state must echo, or the
            # import's own check-then-diff would see the defaults as changes.
            checked = core.check({}, inputs)
            if not checked.failures:
                inputs = {key: value for key, value in checked.inputs.items() if key != OWNER_MARKER}
                outputs = {**outputs, **inputs}
        return protocol.ReadResponse(
            resource_id=str(result.id),
            properties=to_engine(spec, outputs, secret_names(spec, request.properties)),
            inputs=to_engine(spec, inputs, secret_names(spec, request.inputs, request.properties)),
        )

    async def update(self, request: protocol.UpdateRequest) -> protocol.UpdateResponse:
        spec = SPECS[kind_of(request.type)]
        olds = to_core(spec, request.olds)
        news = to_core(spec, request.news)
        if OWNER_MARKER not in olds:
            news.pop(OWNER_MARKER, None)
        if request.preview:
            preview = preview_of_update(spec, olds, news, plan_diff(spec, olds, news))
            return protocol.UpdateResponse(properties=to_engine(spec, preview, secret_names(spec, request.news)))
        timed = _with_timeout(news, "update", request.timeout)
        result = await self._run(lambda: self._core(spec.kind).update(request.resource_id, olds, timed))
        outputs = _without_timeout_override(result.outs or {}, news)
        return protocol.UpdateResponse(properties=to_engine(spec, outputs, secret_names(spec, request.news)))

    async def delete(self, request: protocol.DeleteRequest) -> None:
        spec = SPECS[kind_of(request.type)]
        props = to_core(spec, request.properties)
        timed = _with_timeout(props, "delete", request.timeout)
        await self._run(lambda: self._core(spec.kind).delete(request.resource_id, timed))


def _with_timeout(inputs: Mapping[str, Any], step: str, seconds: float) -> dict[str, Any]:
    """``customTimeouts`` (the engine sends the step's limit, 0 when none is set) as the ``timeouts`` input."""
    if not seconds or seconds <= 0:
        return dict(inputs)
    timeouts = dict(inputs.get("timeouts") or {})
    timeouts[step] = float(seconds)
    return {**inputs, "timeouts": timeouts}


def _without_timeout_override(outputs: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The state keeps the program's ``timeouts``, not the per-operation limit (else every diff would show it)."""
    result = dict(outputs)
    if inputs.get("timeouts") is None:
        result.pop("timeouts", None)
    else:
        result["timeouts"] = inputs["timeouts"]
    return result


# -- serving ----------------------------------------------------------------------------------------------------


def one_line(error: BaseException) -> str:
    """The error's own message on one printable line: the SDK's server wraps every error in a new one whose text
    ends in a Python stack; the original is its ``__context__``."""
    original = error.__context__ if error.__context__ is not None and "\n" in str(error) else error
    text = str(original)
    if not isinstance(original, AzureMLError):
        # Not one of the core's own messages (those name the operation and the resource): say what it was.
        text = f"azureml: {type(original).__name__}: {text}"
    return printable(" ".join(text.splitlines()))[:MAX_REASON_CHARS]


def _one_line_errors(
    method: Callable[[Any, Any, Any], Awaitable[Any]],
) -> Callable[[Any, Any, Any], Awaitable[Any]]:
    async def wrapper(self: Any, request: Any, context: Any) -> Any:
        try:
            return await method(self, request, context)
        except NotImplementedError:
            raise
        except grpc.aio.AbortError:
            raise
        except Exception as error:  # noqa: BLE001 - every error is answered as one line
            await context.abort(grpc.StatusCode.UNKNOWN, one_line(error))

    return wrapper


class _Servicer(ProviderServicer):
    """The SDK's servicer, with each resource call's error answered as its one-line message."""

    Check = _one_line_errors(ProviderServicer.Check)
    Diff = _one_line_errors(ProviderServicer.Diff)
    Create = _one_line_errors(ProviderServicer.Create)
    Read = _one_line_errors(ProviderServicer.Read)
    Update = _one_line_errors(ProviderServicer.Update)
    Delete = _one_line_errors(ProviderServicer.Delete)
    Configure = _one_line_errors(ProviderServicer.Configure)
    CheckConfig = _one_line_errors(ProviderServicer.CheckConfig)
    Invoke = _one_line_errors(ProviderServicer.Invoke)


async def _serve(engine: str) -> None:
    # What `pulumi.provider.experimental.server.main` does, with the servicer above.
    server = grpc.aio.server()
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(
        _Servicer(sys.argv[1:], __version__, AzureMLPlugin(), engine_address=engine), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    await server.wait_for_termination()


def main() -> None:
    """``pulumi-resource-azureml <engine address>``: started by the Pulumi engine, prints its port, serves."""
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("-")]
    if not arguments:
        sys.stderr.write("pulumi-resource-azureml: started by the Pulumi engine with its address\n")
        raise SystemExit(2)
    try:
        asyncio.run(_serve(arguments[0]))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
