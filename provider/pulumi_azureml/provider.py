"""``AzureMLProvider``: the Pulumi protocol (check, diff, create, read, update, delete) for every resource kind,
as a thin dispatcher over the spec-driven core.

Trap — this module path and class name are persisted in every resource's state: Pulumi pickles the provider
object *by reference* (``pulumi_azureml.provider.AzureMLProvider``) into ``__provider``. Renaming either breaks
refresh and destroy of existing stacks. The pickled object holds only ``{"kind": ...}`` (see ``__getstate__``):
no credentials, session, token or config; those are rebuilt in the provider host from stack config.

Where each rule lives:

- ``check``: :mod:`validation` (defaults, normalisation, every field's rule; no I/O, ever);
- ``diff``: :mod:`diffing` (update in place or replace, and the one-line reason the preview prints; no I/O);
- create / read / update / delete: the spec's :mod:`lifecycle` strategy (its own ARM resource, or a property of
  a parent: :mod:`parent_property`), what an existing resource means (:mod:`adoption`, :mod:`ownership`), the
  request bodies (:mod:`bodies`), waiting out a busy resource (:mod:`arm.busy`);
- what state holds: :mod:`state` (outputs; the server's view as inputs, so a refresh shows drift);
- what messages must not show: :mod:`redaction`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from pulumi_azureml import ownership, state
from pulumi_azureml._sdk_compat import widen_host_workers
from pulumi_azureml.arm.errors import ArmError, ClientInputError
from pulumi_azureml.arm.ids import render_path
from pulumi_azureml.console import say, warn_once
from pulumi_azureml.diffing import describe, explain, plan_diff
from pulumi_azureml.errors import AzureMLError
from pulumi_azureml.redaction import (
    MAX_PROPERTY_CHARS,
    MAX_REASON_CHARS,
    learn,
    printable,
    redact,
    resource_secrets,
    secret_values,
)
from pulumi_azureml.redaction import operation as redaction_scope
from pulumi_azureml.schema import UNKNOWN, ResourceSpec
from pulumi_azureml.settings import CONFIG_NAMESPACE, DEFAULT_HOST_WORKERS, SETTINGS, Settings, unknown_config_keys
from pulumi_azureml.specs import SPECS
from pulumi_azureml.state import PROVIDER_KEY, inputs_only
from pulumi_azureml.validation import check_inputs

if TYPE_CHECKING:
    # Loaded on the first create/read/update/delete, not by the host's cold start: a preview's Check and Diff
    # never need them (issue 28; tests/unit/test_arm_ids_auth.py lists what the import path must not load).
    from pulumi_azureml.lifecycle import Lifecycle
    from pulumi_azureml.operation import Operation, Step

__all__ = ["AzureMLError", "AzureMLProvider"]

_LOG = logging.getLogger("pulumi_azureml")


class AzureMLProvider(ResourceProvider):
    """The generic ARM dynamic provider; one instance per resource kind (``"Compute"``, ``"BatchEndpoint"``...)."""

    # The pickled state is only the kind, so it need not be a secret; always-secret providers slow big stacks
    # down (pulumi/pulumi#15539).
    serialize_as_secret_always = False

    def __init__(self, kind: str) -> None:
        super().__init__()
        if kind not in SPECS:
            raise ValueError(f"unknown resource kind {kind!r}")
        self.kind = kind
        self._settings = Settings()

    def __getstate__(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def __setstate__(self, pickled: dict[str, Any]) -> None:
        self.kind = pickled["kind"]
        self._settings = Settings()

    @property
    def spec(self) -> ResourceSpec:
        return SPECS[self.kind]

    @property
    def _lifecycle(self) -> Lifecycle:
        from pulumi_azureml.lifecycle import lifecycle_for  # not on the host's import path (see the imports)

        return lifecycle_for(self.spec)

    # -- Pulumi protocol ----------------------------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        """Take the stack config. Never raises: an invalid setting is reported by ``check`` (as a failure naming the
        setting and the rule) and by every operation, not as a traceback from the host."""
        config = {f"{CONFIG_NAMESPACE}:{s.key}": req.config.get(f"{CONFIG_NAMESPACE}:{s.key}") for s in SETTINGS}
        self._settings = Settings(config)
        # The SDK's Config has no public way to list its keys: its raw mapping is the only place they are.
        raw = getattr(req.config, "_props", None)
        for key, warning in unknown_config_keys(raw if isinstance(raw, Mapping) else {}):
            warn_once(f"config {key}", warning)
        try:
            workers = self._settings.host_workers()
        except ClientInputError:
            workers = DEFAULT_HOST_WORKERS  # reported by check and every operation
        report = widen_host_workers(workers)
        if report and "left unchanged" in report:
            # The user asked for a wider pool and did not get it: worth a line on every run.
            say(report)
        elif report:
            # Routine and the same on every run: the `pulumi_azureml` logger, not the user's output (the CLI shows
            # everything a dynamic provider prints, on every run).
            _LOG.info(report)

    def use_settings(self, settings: Settings) -> None:
        """Use ``settings`` instead of the stack config that ``configure`` reads in the provider host: the way to
        drive a provider outside the host (tests, benchmarks, tools). Settings are never pickled with it."""
        self._settings = settings

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        news = _with_unknown_markers(news)
        inputs, failures = check_inputs(self.spec, news, self._settings, ignored_keys=frozenset({PROVIDER_KEY}))
        failures = [*self._settings.problems(), *(_with_naming_note(self.spec, prop, why) for prop, why in failures)]
        # Defence in depth: no failure may show a secret (inputs or settings) or run to megabytes.
        secrets = secret_values(self.spec, self._settings, inputs)
        return CheckResult(
            inputs,
            [
                CheckFailure(
                    printable(prop)[:MAX_PROPERTY_CHARS], printable(redact(reason, secrets))[:MAX_REASON_CHARS]
                )
                for prop, reason in failures
            ],
        )

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        news = _with_unknown_markers(news)
        plan = plan_diff(self.spec, _with_unknown_markers(olds), news)
        if plan.has_changes:
            say(f"azureml: {describe(self.spec, news)}: {explain(self.spec, plan)}")
        return DiffResult(
            changes=plan.has_changes, replaces=plan.replaces, delete_before_replace=plan.delete_before_replace
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = inputs_only(props)
        with self._reported("creating", inputs):
            operation = self._operation(inputs, "creating")
            body = self._lifecycle.create(operation)
            outputs = self._outputs_after_write(operation, "create", body)
            return CreateResult(self._lifecycle.resource_id(operation, body), outputs)

    def read(self, id_: str, props: dict[str, Any], *, include_server_defaults: bool = False) -> ReadResult:
        """Read the resource back. ``include_server_defaults``: every value the service holds becomes an input,
        not only those the program set (``pulumi import`` through the provider plugin, which has no program
        values yet)."""
        old = inputs_only(props)
        with self._reported("reading", old):
            operation = self._operation(old, "reading")
            body = self._lifecycle.read(operation)
            if body is None:
                return ReadResult("", {})
            inputs = state.inputs_from_body(
                self.spec,
                ownership.without_marker(self.spec, body),
                old,
                include_server_defaults=include_server_defaults,
            )
            outputs = self._outputs(operation.with_inputs(inputs), "update", body)
            return ReadResult(self._lifecycle.resource_id(operation, body), outputs, inputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        plan = plan_diff(self.spec, olds, news)
        inputs = inputs_only(news)
        # The old values too: a rotated secret's old value, and service-generated secrets (listkeys results) that
        # only the old outputs hold, must be redacted.
        with self._reported("updating", {**inputs_only(olds), **inputs}, inputs_only(olds)):
            operation = self._operation(inputs, "updating")
            body = self._lifecycle.update(operation, plan, olds)
            if body is None and plan.runs_actions:
                body = operation.client.get(operation.path, api_version=operation.api_version, action=operation.action)
            if body is None:
                # Provider-side changes only (timeouts, adoption flag): no request, read-only outputs unchanged.
                return UpdateResult({**inputs_only(olds), **inputs})
            return UpdateResult(self._outputs_after_write(operation, "update", body))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        inputs = inputs_only(props)
        with self._reported("deleting", inputs):
            self._lifecycle.delete(self._operation(inputs, "deleting"))

    # -- helpers ------------------------------------------------------------------------------------------------

    def _operation(self, inputs: Mapping[str, Any], verb: str) -> Operation:
        from pulumi_azureml.operation import Operation  # not on the host's import path (see the imports)
        from pulumi_azureml.runtime import client_for_resource

        client = client_for_resource(self._settings, inputs)
        path = render_path(self.spec.path, inputs)
        api_version = self._settings.api_version(inputs.get("api_version"))
        return Operation(self.spec, client, path, api_version, inputs, verb)

    def _outputs_after_write(self, operation: Operation, step: Step, body: dict[str, Any]) -> dict[str, Any]:
        if self.spec.after_write:
            body = self.spec.after_write(operation.hooks(step), body)
        return self._outputs(operation, step, body)

    def _outputs(self, operation: Operation, step: Step, body: dict[str, Any]) -> dict[str, Any]:
        extra = self.spec.extra_outputs(operation.hooks(step), body) if self.spec.extra_outputs else {}
        # Learnt now (keys from listkeys): a message later in this operation may echo them.
        learn(*resource_secrets(self.spec, extra))
        outputs = state.outputs(self.spec, operation.inputs, body, extra)
        learn(*resource_secrets(self.spec, outputs))
        return outputs

    @contextlib.contextmanager
    def _reported(self, verb: str, inputs: Mapping[str, Any], *others: Mapping[str, Any]) -> Iterator[None]:
        """Turn known errors into :class:`AzureMLError` with any secret value scrubbed from the message (and
        flattened onto one printable line, by :class:`AzureMLError` itself).

        ``verb`` is the operation alone ("creating"): the message adds the kind and the name once. The operation's
        redaction scope starts here (:mod:`redaction`): the secrets of ``inputs`` and ``others``, and those the
        operation learns.
        """
        with redaction_scope(self.spec, inputs, *others), self._mapped(verb, inputs):
            yield

    @contextlib.contextmanager
    def _mapped(self, verb: str, inputs: Mapping[str, Any]) -> Iterator[None]:
        try:
            yield
        except (ArmError, ClientInputError, AzureMLError) as error:
            message = str(error)
            if isinstance(error, ClientInputError):
                message = f"{verb} {describe(self.spec, inputs)}: {message}"
            raise AzureMLError(redact(message, secret_values(self.spec, self._settings, inputs))) from None
        except Exception as error:  # noqa: BLE001 - whatever it is, its text may hold a secret: redact, never leak
            message = f"{verb} {describe(self.spec, inputs)}: unexpected {type(error).__name__}: {error}"
            secrets = secret_values(self.spec, self._settings, inputs)
            raise AzureMLError(redact(message, secrets)[:MAX_REASON_CHARS]) from None


def _with_naming_note(spec: ResourceSpec, prop: str, reason: str) -> tuple[str, str]:
    """A failure of the placement field the resource classes fill from the Pulumi resource's name
    (``resources.base.RESOURCE_NAME_FIELD``) says so: a user who never wrote ``name=`` cannot guess where the
    refused name came from (issue 26)."""
    from pulumi_azureml.resources.base import RESOURCE_NAME_FIELD  # here: resources.base imports this module

    if prop == RESOURCE_NAME_FIELD and any(field_.name == prop for field_ in spec.placement):
        return prop, f"{reason} (the Azure name is the Pulumi resource name unless `name=` is given)"
    return prop, reason


def _with_unknown_markers(value: Any) -> Any:
    """Replace the SDK's ``Unknown`` objects with the wire marker the specs understand (``schema.UNKNOWN``).

    During preview the host deserialises Check/Diff inputs with ``keep_unknowns=True``, which turns each value that
    depends on a resource not yet created into a ``pulumi.output.Unknown`` instance (pulumi/runtime/rpc.py,
    ``deserialize_property``); the marker string serialises back to the engine as "unknown" unchanged.

    Check and Diff run it on every resource (three walks per deployed resource), and only a preview's values that
    wait on another resource hold an ``Unknown``: a value without one is returned as it is, not copied (issue 28).
    """
    if not _holds_unknown(value):
        return value
    return _replace_unknowns(value)


def _holds_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if not isinstance(value, dict | list):
        return False
    # A plain loop that descends only into containers: this runs on every value of every Check and Diff.
    for item in value.values() if isinstance(value, dict) else value:
        if isinstance(item, Unknown | dict | list) and _holds_unknown(item):
            return True
    return False


def _replace_unknowns(value: Any) -> Any:
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {key: _replace_unknowns(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_unknowns(item) for item in value]
    return value
