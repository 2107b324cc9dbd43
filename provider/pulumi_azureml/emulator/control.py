"""The ``/_emulator/`` control plane: reset, faults, settings, tokens, request log, state dump, seeding.

These calls need no token and no api-version, and never appear in the request log (as moto's ``/moto-api`` and
LocalStack's chaos API).

=========================================  ===============================================================
``GET  /_emulator/health``                 ``{"status": "ok"}``
``POST /_emulator/reset``                  forget resources, operations, faults, log and setting changes
``GET  /_emulator/faults``                 ``{"value": [rule, ...]}``
``POST /_emulator/faults``                 add one rule (object → the rule) or several (array → value list)
``DELETE /_emulator/faults[/{id}]``        remove all rules, or one
``GET|POST /_emulator/settings``           read, or change some settings (JSON object of new values)
``POST /_emulator/tokens/expire``          ``{"token": "..."}`` answers 401 ExpiredAuthenticationToken
``GET|DELETE /_emulator/requests``         the request log ``{"value": [{method, path, query, params, status}]}``
``GET  /_emulator/state``                  everything stored (secrets excluded), settings and faults
``POST /_emulator/resource-groups``        ``{"subscription_id", "name", "location"}`` seeds a Succeeded group
``POST /_emulator/workspaces``             ``{"subscription_id", "resource_group", "name", "location"}``
=========================================  ===============================================================
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .faults import FaultRule
from .handlers import resource_groups, workspaces
from .messages import JsonObject, Request, Response, error_body
from .validation import is_guid

if TYPE_CHECKING:
    from .app import Application


def _check_seed(subscription_id: str, resource_group: str, workspace: str | None = None) -> None:
    # Seeded names obey the same rules as names created over HTTP, or later ARM calls could not reach them.
    if not is_guid(subscription_id):
        raise ValueError(f"subscription id {subscription_id!r} is not a GUID")
    if not resource_groups.NAME.match(resource_group) or len(resource_group) > 90:
        raise ValueError(f"resource group name {resource_group!r} is not valid")
    if workspace is not None and not workspaces.WORKSPACE_NAME.match(workspace):
        raise ValueError(f"workspace name {workspace!r} is not valid")


def seed_resource_group(application: Application, subscription_id: str, name: str, location: str) -> JsonObject:
    """Write a Succeeded resource group straight into the store."""
    _check_seed(subscription_id, name)
    with application.store.transaction() as transaction:
        record = resource_groups.seed(transaction, subscription_id, name, location)
    return record.body


def seed_workspace(
    application: Application, base_url: str, subscription_id: str, resource_group: str, name: str, location: str
) -> JsonObject:
    """Write a Succeeded workspace (and its resource group if missing) straight into the store."""
    _check_seed(subscription_id, resource_group, name)
    with application.store.transaction() as transaction:
        record = workspaces.seed(
            transaction,
            settings=application.settings,
            moment=application.now(),
            subscription_id=subscription_id,
            resource_group=resource_group,
            name=name,
            location=location,
            blob_store=application.blobs,
        )
    return workspaces.render_at(record, base_url)


def handle(application: Application, request: Request) -> Response:
    """Answer one control-plane call."""
    path = request.path.rstrip("/")
    method = request.method
    try:
        if path == "/_emulator/health" and method == "GET":
            return Response(200, {"status": "ok"})
        if path == "/_emulator/reset" and method == "POST":
            application.reset()
            return Response(200, {"status": "reset"})
        if path == "/_emulator/state" and method == "GET":
            return Response(200, application.state())
        if path == "/_emulator/faults":
            return _faults(application, request)
        if path.startswith("/_emulator/faults/") and method == "DELETE":
            removed = application.faults.remove(path.rsplit("/", 1)[1])
            return Response(204) if removed else _error(404, "NotFound", "No fault rule has this id.")
        if path == "/_emulator/settings":
            if method == "GET":
                return Response(200, application.settings.to_json())
            if method == "POST":
                return Response(200, application.configure(_json_object(request)).to_json())
        if path == "/_emulator/tokens/expire" and method == "POST":
            token = _json_object(request).get("token")
            if not isinstance(token, str) or not token:
                raise ValueError("'token' must be a non-empty string")
            application.expire_token(token)
            return Response(204)
        if path == "/_emulator/requests":
            if method == "GET":
                # Bodies stay in-process (EmulatorServer.requests_log): they may carry credentials, and this
                # endpoint is reachable by anything that can reach the emulator.
                entries = [{k: v for k, v in entry.items() if k != "body"} for entry in application.requests.entries()]
                return Response(200, {"value": entries})
            if method == "DELETE":
                application.requests.clear()
                return Response(204)
        if path == "/_emulator/resource-groups" and method == "POST":
            data = _json_object(request)
            body = seed_resource_group(
                application, _text(data, "subscription_id"), _text(data, "name"), _text(data, "location")
            )
            return Response(201, body)
        if path == "/_emulator/workspaces" and method == "POST":
            data = _json_object(request)
            body = seed_workspace(
                application,
                request.base_url,
                _text(data, "subscription_id"),
                _text(data, "resource_group"),
                _text(data, "name"),
                _text(data, "location"),
            )
            return Response(201, body)
    except ValueError as error:
        return _error(400, "InvalidControlRequest", str(error))
    return _error(404, "NotFound", f"No control call '{method} {request.path}'.")


def _faults(application: Application, request: Request) -> Response:
    if request.method == "GET":
        return Response(200, {"value": application.faults.to_json()})
    if request.method == "DELETE":
        application.faults.clear()
        return Response(204)
    if request.method == "POST":
        data = _json(request)
        if isinstance(data, list):
            rules = [FaultRule.from_json(_as_object(item)) for item in data]
            for rule in rules:
                application.faults.add(rule)
            return Response(201, {"value": [rule.to_json() for rule in rules]})
        rule = application.faults.add(FaultRule.from_json(_as_object(data)))
        return Response(201, rule.to_json())
    return _error(405, "MethodNotAllowed", f"'{request.method}' is not supported on /_emulator/faults.")


def _json(request: Request) -> object:
    if not request.body.strip():
        raise ValueError("the request body must be JSON")
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"the request body is not valid JSON: {error}") from None


def _json_object(request: Request) -> JsonObject:
    return _as_object(_json(request))


def _as_object(value: object) -> JsonObject:
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value


def _text(data: JsonObject, name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"'{name}' must be a non-empty string")
    return value


def _error(status: int, code: str, message: str) -> Response:
    return Response(status, error_body(code, message))
