"""``AzureMLProvider``: the one generic dynamic provider that turns a :class:`ResourceSpec` into Pulumi CRUD.

Trap — this module path and class name are persisted in every resource's state: Pulumi pickles the provider
object *by reference* (``pulumi_azureml.provider.AzureMLProvider``) into ``__provider``. Renaming either breaks
refresh and destroy of existing stacks. The pickled object holds only ``{"kind": ...}`` (see ``__getstate__``):
no credentials, session, token or config; those are rebuilt in the provider host from stack config.

Lifecycle rules (README "Design and traps"):

- ``check`` and ``diff`` do no I/O: a preview never needs a token or waits on Azure;
- ``create`` GETs first and refuses an existing resource unless it is ours (ownership tag) or ``adopt_existing``;
  a create that ends ``Failed`` deletes what it made, so it leaves nothing behind;
- ``read`` returns an empty id when the resource is gone, and otherwise returns the server's view as inputs
  (``ReadResult.inputs``) so drift shows in the next preview; write-only secrets are kept from state;
- ``update`` sends the minimal request: a PATCH with only the changed PATCH-able fields, or a full PUT;
- ``delete`` treats 204/404 as done.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

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

from pulumi_azureml._sdk_compat import widen_host_workers
from pulumi_azureml.arm.errors import ArmError, ClientInputError, ConflictError, NotFoundError, OperationFailedError
from pulumi_azureml.arm.ids import render_path
from pulumi_azureml.console import say
from pulumi_azureml.diffing import DiffPlan, plan_diff
from pulumi_azureml.runtime import client_for, embedded_emulator
from pulumi_azureml.schema import (
    UNKNOWN,
    HookContext,
    ResourceSpec,
    build_body,
    from_wire,
    get_path,
    normalize,
    same_value,
    set_path,
    to_wire,
)
from pulumi_azureml.settings import CONFIG_NAMESPACE, DEFAULT_API_VERSION, DEFAULT_HOST_WORKERS, SETTINGS, Settings
from pulumi_azureml.specs import SPECS
from pulumi_azureml.specs.common import OWNERSHIP_TAG, WORKSPACE_PATH
from pulumi_azureml.validation import check_inputs, timeout_seconds

if TYPE_CHECKING:
    from pulumi_azureml.arm.client import ArmClient

_Result = TypeVar("_Result")

PROVIDER_KEY = "__provider"
MAX_REASON_CHARS = 2000
MAX_PROPERTY_CHARS = 300
LOCATION_DEFAULTED = "location_defaulted"
"""Output flag: the location came from the workspace, not from the program."""


_LOG = logging.getLogger("pulumi_azureml")


class AzureMLError(Exception):
    """An error reported to the user by the provider; its message is complete, actionable and free of secrets."""


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

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.kind = state["kind"]
        self._settings = Settings()

    @property
    def spec(self) -> ResourceSpec:
        return SPECS[self.kind]

    # -- Pulumi protocol ----------------------------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        """Take the stack config. Never raises: an invalid setting is reported by ``check`` (as a failure naming the
        setting and the rule) and by every operation, not as a traceback from the host."""
        config = {f"{CONFIG_NAMESPACE}:{s.key}": req.config.get(f"{CONFIG_NAMESPACE}:{s.key}") for s in SETTINGS}
        self._settings = Settings(config)
        try:
            workers = self._settings.host_workers()
        except ClientInputError:
            workers = DEFAULT_HOST_WORKERS  # reported by check and every operation (see _problems)
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
        failures = [*self._problems(), *failures]
        # Defence in depth: no failure may show a secret (inputs or settings) or run to megabytes.
        secrets = self._secret_values(inputs)
        return CheckResult(
            inputs,
            [
                CheckFailure(
                    _printable(prop)[:MAX_PROPERTY_CHARS], _printable(_redact(reason, secrets))[:MAX_REASON_CHARS]
                )
                for prop, reason in failures
            ],
        )

    def _problems(self) -> list[tuple[str, str]]:
        return self._settings.problems()

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        news = _with_unknown_markers(news)
        plan = plan_diff(self.spec, _with_unknown_markers(olds), news)
        if plan.has_changes:
            say(f"azureml: {self._describe(news)}: {self._explain(plan)}")
        return DiffResult(
            changes=plan.has_changes,
            replaces=plan.replaces,
            delete_before_replace=plan.delete_before_replace,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        spec = self.spec
        inputs = _inputs_only(props)
        with self._reported("creating", inputs):
            client = self._client(inputs)
            path = render_path(spec.path, inputs)
            api_version = self._api_version(inputs)
            timeout = self._timeout(inputs, "create")
            if spec.parent_kind:
                body = self._write_into_parent(client, path, api_version, inputs, timeout, f"creating {spec.noun}")
                return CreateResult(f"{body.get('id') or path}#{spec.kind}", self._outputs(inputs, body))
            # The verb is the operation the user asked for: a failure here is a failed create, not a failed read.
            existing = client.get_if_exists(path, api_version=api_version, action=f"creating {spec.noun}")
            if existing is not None and self._is_own_failed_leftover(existing, inputs):
                # An earlier run of this stack created it and the operation ended Failed after that run was
                # interrupted: it holds nothing worth keeping, so delete it and create afresh.
                say(f"azureml: creating {self._describe(inputs)}: replacing the failed leftover of an earlier run")
                params = spec.delete_params(inputs, True) if spec.delete_params else None
                client.delete(
                    path,
                    api_version=api_version,
                    action=f"deleting the failed {spec.noun}",
                    timeout=self._timeout(inputs, "delete"),
                    params=params,
                )
                existing = None
            if existing is not None:
                body = self._take_over(client, path, api_version, inputs, existing, timeout)
            else:
                location = inputs.get("location") or self._default_location(client, inputs, api_version)
                request = self._request_body(inputs, location, ownership=True)
                if spec.before_create:
                    hooks = HookContext(client, path, api_version, inputs, timeout, f"creating {spec.noun}")
                    spec.before_create(hooks, request)
                try:
                    body = client.put(
                        path, request, api_version=api_version, action=f"creating {spec.noun}", timeout=timeout
                    )
                except OperationFailedError as failure:
                    message = self._clean_up_failed_create(client, path, api_version, inputs, failure)
                    raise AzureMLError(message) from None
            action = f"creating {spec.noun}"
            hooks = HookContext(client, path, api_version, inputs, timeout, action)
            body = self._after_write(hooks, body)
            extra = self._extra_outputs(hooks, body)
            return CreateResult(str(body.get("id") or path), self._outputs(inputs, body, extra))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        spec = self.spec
        old = _inputs_only(props)
        with self._reported("reading", old):
            client = self._client(old)
            path = render_path(spec.path, old)
            body = client.get_if_exists(path, api_version=self._api_version(old), action=f"reading {spec.noun}")
            if body is None:
                return ReadResult("", {})
            inputs = self._inputs_from_body(body, old)
            if spec.parent_kind:
                return ReadResult(id_, self._outputs(inputs, body), inputs)
            timeout = self._timeout(old, "update")
            hooks = HookContext(client, path, self._api_version(old), inputs, timeout, f"reading {spec.noun}")
            extra = self._extra_outputs(hooks, body)
            return ReadResult(str(body.get("id") or id_), self._outputs(inputs, body, extra), inputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        spec = self.spec
        plan = plan_diff(spec, olds, news)
        inputs = _inputs_only(news)
        # The old outputs too: service-generated secrets (listkeys results) are only there, and must be redacted.
        with self._reported("updating", {**_inputs_only(olds), **inputs}):
            client = self._client(inputs)
            path = render_path(spec.path, inputs)
            api_version = self._api_version(inputs)
            timeout = self._timeout(inputs, "update")
            action = f"updating {spec.noun}"
            body: dict[str, Any] | None = None
            if spec.parent_kind:
                if plan.write:
                    body = self._write_into_parent(client, path, api_version, inputs, timeout, action)
                    return UpdateResult(self._outputs(inputs, body))
            elif plan.write == "PATCH":
                patchable = {name for name in plan.changed if plan.rules[name] == "patch"}
                request = self._patch_body(inputs, patchable)
                body = self._once_idle(
                    client,
                    path,
                    api_version,
                    action,
                    timeout,
                    lambda: client.patch(path, request, api_version=api_version, action=action, timeout=timeout),
                )
            elif plan.write == "PUT":
                location = inputs.get("location") or olds.get("location")
                request = self._request_body(inputs, location, ownership=True)
                self._preserve_server_values(client, path, api_version, request)
                body = self._once_idle(
                    client,
                    path,
                    api_version,
                    action,
                    timeout,
                    lambda: client.put(path, request, api_version=api_version, action=action, timeout=timeout),
                )
            if body is None and any(rule == "action" for rule in plan.rules.values()):
                body = client.get(path, api_version=api_version, action=f"updating {spec.noun}")
            if body is None:
                # Provider-side changes only (timeouts, adoption flag): no request, read-only outputs unchanged.
                outputs = dict(olds)
                outputs.update(inputs)
                outputs.pop(PROVIDER_KEY, None)
                return UpdateResult(outputs)
            hooks = HookContext(client, path, api_version, inputs, timeout, action)
            body = self._after_write(hooks, body)
            return UpdateResult(self._outputs(inputs, body, self._extra_outputs(hooks, body)))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        spec = self.spec
        inputs = _inputs_only(props)
        with self._reported("deleting", inputs):
            client = self._client(inputs)
            if spec.parent_kind:
                self._clear_from_parent(client, render_path(spec.path, inputs), inputs)
                return
            params = spec.delete_params(inputs, False) if spec.delete_params else None
            path = render_path(spec.path, inputs)
            api_version = self._api_version(inputs)
            action = f"deleting {spec.noun}"
            timeout = self._timeout(inputs, "delete")
            self._once_idle(
                client,
                path,
                api_version,
                action,
                timeout,
                lambda: client.delete(path, api_version=api_version, action=action, timeout=timeout, params=params),
                done_if_gone=True,
            )

    # -- helpers ------------------------------------------------------------------------------------------------

    def _client(self, inputs: Mapping[str, Any]) -> ArmClient:
        problems = self._problems()
        if problems:
            raise ClientInputError("; ".join(f"{source} {reason}" for source, reason in problems))
        emulator_db = self._settings.get("emulator")
        if emulator_db:
            # The local stack has no resource-group resource: the embedded emulator provides the group.
            server = embedded_emulator(emulator_db)
            subscription = inputs.get("subscription_id")
            group = inputs.get("resource_group_name")
            if subscription and group:
                server.ensure_resource_group(str(subscription), str(group), self._settings.get("location") or "eastus")
        return client_for(self._settings)

    def _api_version(self, inputs: Mapping[str, Any]) -> str:
        return str(inputs.get("api_version") or self._settings.get("apiVersion") or DEFAULT_API_VERSION)

    def _timeout(self, inputs: Mapping[str, Any], operation: str) -> float:
        configured = (inputs.get("timeouts") or {}).get(operation)
        seconds = timeout_seconds(configured) if configured is not None else None
        return seconds if seconds is not None else float(getattr(self.spec.timeouts, operation))

    def _default_location(self, client: ArmClient, inputs: Mapping[str, Any], api_version: str) -> str | None:
        """The parent workspace's region (not the resource group's: azure-native's mistake)."""
        if not self.spec.location_from_workspace:
            return None
        workspace_path = render_path(WORKSPACE_PATH, inputs)
        workspace = client.get(
            workspace_path, api_version=api_version, action=f"creating {self.spec.noun}: reading the workspace"
        )
        location = workspace.get("location")
        return str(location) if location else None

    def _request_body(self, inputs: Mapping[str, Any], location: object, *, ownership: bool) -> dict[str, Any]:
        body = build_body(self.spec, inputs)
        if location:
            body["location"] = location
        marker = inputs.get("owner_marker")
        if ownership and self.spec.ownership_tag and marker:
            tags = dict(body.get("tags") or {})
            tags[OWNERSHIP_TAG] = str(marker)
            body["tags"] = tags
        return body

    def _patch_body(self, inputs: Mapping[str, Any], names: set[str]) -> dict[str, Any]:
        """A PATCH body with only the named fields; a field removed from the program is cleared explicitly (a PATCH
        merges, so leaving it out would keep the old value), and a tags PATCH keeps the ownership tag."""
        body = build_body(self.spec, inputs, only=names)
        for name in names:
            field_ = self.spec.field(name)
            if inputs.get(name) is None and field_.wire:
                set_path(body, field_.wire, {} if field_.type == "map" else None)
        marker = inputs.get("owner_marker")
        if "tags" in names and self.spec.ownership_tag and marker:
            body["tags"] = {**(body.get("tags") or {}), OWNERSHIP_TAG: str(marker)}
        return body

    def _once_idle(
        self,
        client: ArmClient,
        path: str,
        api_version: str,
        action: str,
        timeout: float,
        send: Callable[[], _Result],
        *,
        done_if_gone: bool = False,
    ) -> _Result | None:
        """Send a write; if Azure refuses it (409) while the resource runs an operation, wait, then send it once more.

        The running operation is typically one an interrupted run started (the host was killed, or the token
        expired while polling): the next run must wait for it rather than fail with "operation in progress" until
        someone cleans up by hand. The write was refused, not accepted, so sending it again is safe; a second
        conflict is reported as it is. ``done_if_gone``: for a delete, a resource that disappeared meanwhile (its
        earlier delete finished) is success.
        """
        try:
            return send()
        except ConflictError:
            if not self._wait_out_running_operation(client, path, api_version, action, timeout):
                if done_if_gone:
                    return None
                raise
        return send()

    def _wait_out_running_operation(
        self, client: ArmClient, path: str, api_version: str, action: str, timeout: float
    ) -> bool:
        """Wait until the resource's running operation (if any) has ended; False when the resource is gone."""
        current = client.get_if_exists(path, api_version=api_version, action=action)
        if current is None:
            return False
        state = str(get_path(current, "properties.provisioningState") or "Succeeded")
        if state.lower() in ("succeeded", "failed", "canceled"):
            # Already over (the GET itself may be what saw it end): the write is simply sent again.
            return True
        name = path.rsplit("/", 1)[-1]
        say(f"azureml: {action} {name}: waiting for its running operation ({state}) to end first")
        try:
            client.wait_until_terminal(path, api_version=api_version, action=action, timeout=timeout)
        except NotFoundError:
            return False
        except OperationFailedError:
            pass  # that operation failed, not ours: ours is sent now and reports its own outcome
        return True

    def _is_own_failed_leftover(self, existing: Mapping[str, Any], inputs: Mapping[str, Any]) -> bool:
        marker = inputs.get("owner_marker")
        owned = bool(marker) and (existing.get("tags") or {}).get(OWNERSHIP_TAG) == marker
        state = str(get_path(existing, "properties.provisioningState") or "").lower()
        return owned and state == "failed"

    def _take_over(
        self,
        client: ArmClient,
        path: str,
        api_version: str,
        inputs: dict[str, Any],
        existing: dict[str, Any],
        timeout: float,
    ) -> dict[str, Any]:
        """Adopt an existing resource: ours from an interrupted run, or explicitly with ``adopt_existing``."""
        spec = self.spec
        marker = inputs.get("owner_marker")
        owned = bool(marker) and (existing.get("tags") or {}).get(OWNERSHIP_TAG) == marker
        if not owned and not inputs.get("adopt_existing"):
            raise AzureMLError(
                f"creating {spec.noun} {path}: a {spec.noun} with this name already exists and this stack did not "
                f"create it. To manage it from this stack, set adopt_existing=True on the resource (Python dynamic "
                f"providers cannot `pulumi import`); otherwise choose another name"
            )
        action = f"adopting {spec.noun}"
        state = str(get_path(existing, "properties.provisioningState") or "Succeeded").lower()
        if state not in ("succeeded", "failed", "canceled"):
            # ``action`` already names the noun ("adopting compute").
            say(f"azureml: {action} {path.rsplit('/', 1)[-1]}: waiting for its {state} to end")
            existing = client.wait_until_terminal(path, api_version=api_version, action=action, timeout=timeout)
        desired = dict(inputs)
        if not desired.get("location") and existing.get("location"):
            desired["location"] = existing["location"]
        # Everything the server holds counts here, server-filled values included: skipping those (as a refresh
        # does for values the program leaves unset) would make a value the program does set look absent, i.e. a
        # create-only change, and refuse to take over a resource that already matches.
        current = self._inputs_from_body(
            existing, {**desired, **{f.name: None for f in spec.fields if f.wire}}, include_server_defaults=True
        )
        for field_ in spec.fields:
            if field_.write_only and desired.get(field_.name) is not None:
                current[field_.name] = desired[field_.name]  # not readable: trust the program
        plan = plan_diff(spec, current, desired)
        conflicts = [name for name in plan.replaces if name not in {f.name for f in spec.placement}]
        if conflicts:
            raise AzureMLError(
                f"{action} {path}: the existing {spec.noun} differs in properties that cannot change in place: "
                f"{', '.join(conflicts)}. Make the program match it, or delete it and let Pulumi create it"
            )
        write = plan.write
        patchable = {name for name in plan.changed if plan.rules[name] == "patch"}
        if not owned and spec.ownership_tag:
            # Adopted: write the ownership tag too, by whatever request can carry tags here. Where tags cannot
            # change in place (compute instances), the marker is left out rather than replacing the resource.
            tags_rule = spec.update_rule(spec.field("tags"), desired) if _has_field(spec, "tags") else "replace"
            if tags_rule == "patch" and write != "PUT":
                write, patchable = "PATCH", patchable | {"tags"}
            elif tags_rule == "put":
                write = "PUT"
        if write == "PATCH":
            return client.patch(
                path, self._patch_body(desired, patchable), api_version=api_version, action=action, timeout=timeout
            )
        if write == "PUT":
            request = self._request_body(desired, desired.get("location"), ownership=True)
            for preserved in spec.preserve_on_put:
                if get_path(request, preserved) is None and get_path(existing, preserved) is not None:
                    set_path(request, preserved, get_path(existing, preserved))
            return client.put(path, request, api_version=api_version, action=action, timeout=timeout)
        return existing

    def _clean_up_failed_create(
        self, client: ArmClient, path: str, api_version: str, inputs: Mapping[str, Any], failure: OperationFailedError
    ) -> str:
        """Delete what a failed create left, so Pulumi's 'create is all or nothing' holds; return the message."""
        spec = self.spec
        params = spec.delete_params(inputs, True) if spec.delete_params else None
        try:
            client.delete(
                path,
                api_version=api_version,
                action=f"deleting the failed {spec.noun}",
                timeout=self._timeout(inputs, "delete"),
                params=params,
            )
        except ArmError as cleanup_error:
            return (
                f"{failure}. Deleting the failed {spec.noun} did not succeed either ({cleanup_error}); delete it "
                "in the portal, or run `pulumi up` again (this stack will recognise it as its own)"
            )
        return f"{failure}. The failed {spec.noun} was deleted, so nothing was left behind"

    def _after_write(self, hooks: HookContext, body: dict[str, Any]) -> dict[str, Any]:
        return self.spec.after_write(hooks, body) if self.spec.after_write else body

    def _preserve_server_values(self, client: ArmClient, path: str, api_version: str, request: dict[str, Any]) -> None:
        """A PUT is a full replace: carry over server values that no input here manages (``preserve_on_put``)."""
        missing = [p for p in self.spec.preserve_on_put if get_path(request, p) is None]
        if not missing:
            return
        current = client.get(path, api_version=api_version, action=f"updating {self.spec.noun}")
        for preserved in missing:
            value = get_path(current, preserved)
            if value is not None:
                set_path(request, preserved, value)

    def _parent_body(
        self, client: ArmClient, path: str, api_version: str, action: str
    ) -> tuple[dict[str, Any], str] | None:
        """The parent resource as a PUT body (the GET response without its read-only parts) and its
        provisioningState; None when the parent does not exist."""
        parent_spec = SPECS[str(self.spec.parent_kind)]
        current = client.get_if_exists(path, api_version=api_version, action=action)
        if current is None:
            return None
        state = str(get_path(current, "properties.provisioningState") or "Succeeded")
        body = {key: value for key, value in current.items() if key not in ("id", "name", "type", "systemData")}
        writable = {field_.wire for field_ in parent_spec.fields if field_.wire}
        for output in parent_spec.outputs:
            if output.wire and "." in output.wire and output.wire not in writable:
                parent, _, leaf = output.wire.rpartition(".")
                container = get_path(body, parent)
                if isinstance(container, dict):
                    container.pop(leaf, None)
        identity = body.get("identity")
        if isinstance(identity, dict):
            identity.pop("principalId", None)
            identity.pop("tenantId", None)
            if isinstance(identity.get("userAssignedIdentities"), dict):
                identity["userAssignedIdentities"] = {key: {} for key in identity["userAssignedIdentities"]}
        return body, state

    def _write_into_parent(
        self, client: ArmClient, path: str, api_version: str, inputs: Mapping[str, Any], timeout: float, action: str
    ) -> dict[str, Any]:
        parent_noun = SPECS[str(self.spec.parent_kind)].noun

        def read_modify_write() -> dict[str, Any]:
            # Read inside the retried call: after waiting out a running operation the parent may have changed.
            parent = self._parent_body(client, path, api_version, action)
            if parent is None:
                raise AzureMLError(f"{action} {path}: the {parent_noun} does not exist; create it first")
            body = parent[0]
            for field_ in self.spec.fields:
                if field_.wire and inputs.get(field_.name) is not None:
                    set_path(body, field_.wire, to_wire(field_, inputs[field_.name]))
            return client.put(path, body, api_version=api_version, action=action, timeout=timeout)

        result = self._once_idle(client, path, api_version, action, timeout, read_modify_write)
        return result or {}

    def _clear_from_parent(self, client: ArmClient, path: str, inputs: Mapping[str, Any]) -> None:
        """Unset our fields on the parent, if it still exists and still holds our values.

        The parent is also written when its last write ended Failed/Canceled, even if our fields look clear: that
        write may have been this very clearing in an earlier run, and a Failed ARM resource is repaired by writing
        its desired state again (otherwise nothing would ever touch it and it would stay Failed).
        """
        api_version = self._api_version(inputs)
        action = f"deleting {self.spec.noun}"
        timeout = self._timeout(inputs, "delete")

        def read_modify_write() -> None:
            parent = self._parent_body(client, path, api_version, action)
            if parent is None:
                return
            body, state = parent
            changed = state.lower() in ("failed", "canceled")
            for field_ in self.spec.fields:
                if not field_.wire:
                    continue
                current = get_path(body, field_.wire)
                if current is not None and same_value(field_, inputs.get(field_.name), current):
                    set_path(body, field_.wire, None)
                    changed = True
            if changed:
                client.put(path, body, api_version=api_version, action=action, timeout=timeout)

        self._once_idle(client, path, api_version, action, timeout, read_modify_write, done_if_gone=True)

    def _extra_outputs(self, hooks: HookContext, body: dict[str, Any]) -> dict[str, Any]:
        return self.spec.extra_outputs(hooks, body) if self.spec.extra_outputs else {}

    def _inputs_from_body(
        self, body: Mapping[str, Any], old: Mapping[str, Any], *, include_server_defaults: bool = False
    ) -> dict[str, Any]:
        """The inputs as the server now has them, keeping what the server cannot tell (secrets, unset defaults).

        ``include_server_defaults``: also report values the server filled in where ``old`` has none (adoption
        compares with them; a refresh leaves them out so an unset input never turns into drift).
        """
        spec = self.spec
        inputs: dict[str, Any] = {}
        selector = ""
        if spec.discriminator:
            discriminator = spec.field(spec.discriminator)
            selector = str(old.get(spec.discriminator) or get_path(body, discriminator.wire or "") or "")
        for field_ in spec.all_fields():
            previous = old.get(field_.name)
            if field_.name == "location" and old.get(LOCATION_DEFAULTED):
                continue
            if field_.applies_to and selector and selector not in field_.applies_to:
                continue  # e.g. an attached type's raw `properties` overlaps a cluster's typed fields
            if field_.wire is None or field_.write_only or field_.secret:
                if previous is not None:
                    inputs[field_.name] = previous
                continue
            actual = from_wire(field_, get_path(body, field_.wire))
            if field_.name == "tags" and isinstance(actual, dict):
                actual = {key: value for key, value in actual.items() if key != OWNERSHIP_TAG} or None
            if field_.server_adds_keys and isinstance(actual, dict):
                managed = previous if isinstance(previous, dict) else {}
                actual = {key: value for key, value in actual.items() if key in managed} or None
            if previous is not None and actual is not None and same_value(field_, previous, actual):
                inputs[field_.name] = previous  # keep the user's spelling ("West US 2", "NotSpecified"...)
            elif previous is None and field_.server_default and not include_server_defaults:
                continue
            elif actual is not None and actual != {} and actual != []:
                inputs[field_.name] = actual
        return inputs

    def _outputs(
        self, inputs: Mapping[str, Any], body: Mapping[str, Any], extra: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        outputs: dict[str, Any] = {key: value for key, value in inputs.items() if key != PROVIDER_KEY}
        if self.spec.location_from_workspace:
            # Remember that the location was defaulted, so `read` does not turn it into an input (outputs are
            # all `read` gets; a defaulted location appearing as an input on refresh would look like drift).
            defaulted = not inputs.get("location")
            outputs[LOCATION_DEFAULTED] = defaulted
            if defaulted and body.get("location"):
                outputs["location"] = body["location"]
        for output in self.spec.outputs:
            if output.wire:
                value = _normalize_output(output.type, get_path(body, output.wire))
                if output.only_keys and isinstance(value, dict):
                    value = {key: item for key, item in value.items() if key in output.only_keys}
                outputs[output.name] = value
        outputs.update(extra or {})
        outputs["arm_id"] = body.get("id")
        self._secret_values(outputs)  # remembered, so another resource's error that echoes them is redacted too
        return outputs

    def _describe(self, inputs: Mapping[str, Any]) -> str:
        name = inputs.get("name") or inputs.get("endpoint_name") or "?"
        return f"{self.spec.noun} {'(not yet known)' if name == UNKNOWN else name}"

    def _explain(self, plan: DiffPlan) -> str:
        # A value unknown at preview comes from a resource not created (or replaced) yet: promise nothing about it.
        note = (
            f"; {', '.join(plan.unknown)} not known until the resources it comes from are created or replaced"
            if plan.unknown
            else ""
        )
        # Tentative when every field that decides the step (the replacing ones, else all) is unknown.
        maybe = bool(plan.unknown) and set(plan.replaces or plan.changed) <= set(plan.unknown)
        if plan.replaces:
            reasons = ", ".join(
                f"{name} ({self._field_source(name) or 'cannot change in place'})" for name in plan.replaces
            )
            order = "delete, then create" if plan.delete_before_replace else "create, then delete"
            verb = "may be REPLACED" if maybe else "will be REPLACED"
            return f"{verb} ({order}) because {reasons} changed{note}"
        how = {"PATCH": "PATCH", "PUT": "full PUT"}.get(plan.write or "", "")
        actions = [name for name in plan.changed if plan.rules[name] == "action"]
        parts = [f"{'may update' if maybe else 'update'} in place by {how} ({', '.join(plan.changed)})"] if how else []
        if actions:
            parts.append(f"run actions for {', '.join(actions)}")
        if not parts:
            parts.append(f"provider-side settings change ({', '.join(plan.changed)}); no request to Azure")
        return "; ".join(parts) + note

    def _field_source(self, name: str) -> str:
        try:
            return self.spec.field(name).update_source
        except KeyError:
            return ""

    @contextlib.contextmanager
    def _reported(self, verb: str, inputs: Mapping[str, Any]) -> Iterator[None]:
        """Turn known errors into :class:`AzureMLError` with any secret value scrubbed from the message.

        ``verb`` is the operation alone ("creating"): the message adds the kind and the name once.
        """
        try:
            yield
        except (ArmError, ClientInputError, AzureMLError) as error:
            message = str(error)
            if isinstance(error, ClientInputError):
                message = f"{verb} {self._describe(inputs)}: {message}"
            raise AzureMLError(_redact(message, self._secret_values(inputs))) from None
        except Exception as error:  # noqa: BLE001 - whatever it is, its text may hold a secret: redact, never leak
            message = f"{verb} {self._describe(inputs)}: unexpected {type(error).__name__}: {error}"
            raise AzureMLError(_redact(message, self._secret_values(inputs))[:MAX_REASON_CHARS]) from None

    def _secret_values(self, inputs: Mapping[str, Any]) -> list[str]:
        """Every secret value an error message must not show: secret inputs, secret outputs (e.g. keys the service
        generated, present when ``inputs`` are a resource's state), and the secret settings (token, client secret)."""
        values: list[str] = []
        for name in self.spec.secret_input_names() + self.spec.secret_output_names():
            _collect_strings(inputs.get(name), values)
        for setting in SETTINGS:
            if setting.secret:
                value = self._settings.get(setting.key)
                if value and len(value) >= 4:
                    values.append(value)
        # Also every secret another resource of this process showed us: a service error may echo those too. Only
        # long values are remembered: a short one would blank out ordinary words of every later message.
        with _SEEN_SECRETS_LOCK:
            for value in values:
                if len(value) >= _MIN_REMEMBERED_SECRET and len(_SEEN_SECRETS) < _MAX_SEEN_SECRETS:
                    _SEEN_SECRETS.add(value)
            return sorted(_SEEN_SECRETS | set(values))


_SEEN_SECRETS: set[str] = set()
_SEEN_SECRETS_LOCK = threading.Lock()
_MAX_SEEN_SECRETS = 10_000
_MIN_REMEMBERED_SECRET = 8
"""Bounded: a provider host serves one stack operation; this is far more secrets than any stack holds."""


def _with_unknown_markers(value: Any) -> Any:
    """Replace the SDK's ``Unknown`` objects with the wire marker the specs understand (``schema.UNKNOWN``).

    During preview the host deserialises Check/Diff inputs with ``keep_unknowns=True``, which turns each value that
    depends on a resource not yet created into a ``pulumi.output.Unknown`` instance (pulumi/runtime/rpc.py,
    ``deserialize_property``); the marker string serialises back to the engine as "unknown" unchanged.
    """
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {key: _with_unknown_markers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_unknown_markers(item) for item in value]
    return value


def _has_field(spec: ResourceSpec, name: str) -> bool:
    return any(field_.name == name for field_ in spec.all_fields())


def _inputs_only(props: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in props.items() if key != PROVIDER_KEY}


def _normalize_output(kind: str, value: Any) -> Any:
    from pulumi_azureml.schema import Field

    return normalize(Field("output", type=kind), value)  # type: ignore[arg-type]


def _collect_strings(value: Any, into: list[str]) -> None:
    if isinstance(value, str) and len(value) >= 4:
        into.append(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            _collect_strings(item, into)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_strings(item, into)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _printable(text: str) -> str:
    """``text`` on one line: control characters (a key holding CR/LF, say) escaped, so a failure cannot split or
    forge lines of the engine's output."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def _redact(message: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, "***")
    return message
