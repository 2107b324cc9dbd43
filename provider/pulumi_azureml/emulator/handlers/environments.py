"""Environment versions (and the environment containers they imply): put, get, delete, list.

Facts from mfe.json 2025-12-01 (``EnvironmentVersions_*``, ``EnvironmentContainers_*``) and
``examples/Workspace/EnvironmentVersion/*.json``:

* PUT ``.../environments/{name}/versions/{version}`` is synchronous: 201 with a ``Location`` when created, 200
  when updated; DELETE answers 200, or 204 when there is nothing to delete. No long-running operation.
* As recorded (``answers_newer``): a conda file sent as YAML is stored as JSON text of the same document, the
  property bag gains ``azureml.labels`` and ``stage`` is ``Development`` when none is sent.
* A version is immutable: ``image``, ``condaFile``, ``build``, ``osType``, ``inferenceConfig`` and ``autoRebuild``
  are ``x-ms-mutability [create, read]``; ``isArchived`` is ``[create, read, update]``; description, tags and
  stage carry no create-only mark and may change. Properties ("the asset property dictionary") are kept as
  created: a PUT that changes a create-only value is refused with 409 (this emulator's code and wording).
* The image comes either from ``image`` (optionally with a ``condaFile`` layered on it) or from a Docker
  ``build`` context, never both and never neither (azure-ai-ml's Environment validation says the same:
  "Docker image or Dockerfile should be provided not both"); a conda file only goes with an image.
* Server-filled: ``environmentType: UserCreated``, ``osType: Linux``, ``autoRebuild: Disabled``,
  ``isAnonymous``/``isArchived: false``, ``build.dockerfilePath: Dockerfile``, ``provisioningState: Succeeded``.
* azure-ai-ml registers a version with one PUT of the version, never of its container: the container exists
  because a version does. Here the container is derived from its versions (``latestVersion``), so it disappears
  with its last version.
"""

from __future__ import annotations

import re

from .. import answers_newer, schemas
from ..context import HandlerContext
from ..messages import ArmError, JsonObject, Response, bad_request
from ..store import ResourceRecord, StoreTransaction
from ..validation import check_pattern
from . import common

ENVIRONMENT_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$")
"""``name`` of ``EnvironmentVersions_CreateOrUpdate``."""
VERSION_TYPE = f"{common.WORKSPACE_TYPE}/environments/versions"
CONTAINER_TYPE = f"{common.WORKSPACE_TYPE}/environments"
KIND = "environmentVersion"

CREATE_ONLY = ("image", "condaFile", "build", "osType", "inferenceConfig", "autoRebuild", "properties", "isAnonymous")
MUTABLE = ("description", "tags", "stage", "isArchived")


def container_id(context: HandlerContext) -> str:
    return f"{common.workspace_id(context)}/environments/{context.params['environmentName']}"


def version_id(context: HandlerContext) -> str:
    return f"{container_id(context)}/versions/{context.params['version']}"


def _key(resource_id: str, context: HandlerContext) -> str:
    return common.case_sensitive_key(resource_id, common.workspace_id(context))


def not_found(context: HandlerContext, *, version: bool = True) -> ArmError:
    """The service's own 404 (the shape of the recorded 404 of a missing model version)."""
    name = context.params["environmentName"]
    what = f"{name}:{context.params['version']}" if version else name
    return ArmError(
        404,
        "UserError",
        "The specified resource was not found.",
        details=[
            {
                "code": "NotFound",
                "message": f"There is no environment in workspace '{context.params['workspaceName']}' with id {what}.",
            }
        ],
    )


def _validate_put(body: JsonObject) -> JsonObject:
    properties = body["properties"]
    image = properties.get("image")
    build = properties.get("build")
    if image is not None and build is not None:
        raise bad_request(
            "An environment takes either 'image' or 'build' (a Docker build context), not both.",
            target="properties.build",
        )
    if image is None and build is None:
        raise bad_request(
            "An environment needs 'image' or 'build' (a Docker build context).", target="properties.image"
        )
    if image is not None and not image.strip():
        raise bad_request("'properties.image' must not be empty.", target="properties.image")
    if build is not None and properties.get("condaFile") is not None:
        raise bad_request(
            "'properties.condaFile' only goes with 'image': a Docker build context installs its own packages.",
            target="properties.condaFile",
        )
    stored: JsonObject = {
        "description": properties.get("description"),
        "tags": dict(properties.get("tags") or {}),
        "properties": dict(properties.get("properties") or {}),
        "isAnonymous": bool(properties.get("isAnonymous") or False),
        "isArchived": bool(properties.get("isArchived") or False),
        "environmentType": "UserCreated",
        "autoRebuild": properties.get("autoRebuild") or "Disabled",
        "osType": properties.get("osType") or "Linux",
        "stage": properties.get("stage") or answers_newer.ENVIRONMENT_STAGE,
        "provisioningState": "Succeeded",
    }
    if image is not None:
        stored["image"] = image
    if properties.get("condaFile") is not None:
        stored["condaFile"] = answers_newer.conda_file_as_stored(properties["condaFile"])
    if build is not None:
        stored["build"] = {
            "contextUri": build["contextUri"],
            "dockerfilePath": build.get("dockerfilePath") or "Dockerfile",
        }
    if properties.get("inferenceConfig") is not None:
        stored["inferenceConfig"] = properties["inferenceConfig"]
    return stored


def _versions(transaction: StoreTransaction, context: HandlerContext) -> list[ResourceRecord]:
    return transaction.list(KIND, f"{_key(container_id(context), context)}/versions/")


def put_version(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=True, as_parent=True)
        name = check_pattern(context.params["environmentName"], ENVIRONMENT_NAME, "name", "The environment name")
        version = context.params["version"]
        properties = _validate_put(schemas.conform(schemas.ENVIRONMENT_VERSION, common.json_body(context)))
        resource_id = version_id(context)
        existing = transaction.get(_key(resource_id, context))
        if existing is not None:
            current = existing.body["properties"]
            for member in CREATE_ONLY:
                stored_value = current.get(member)
                if member == "properties":
                    stored_value = answers_newer.environment_properties_as_sent(stored_value or {})
                if properties.get(member) != stored_value:
                    raise ArmError(
                        409,
                        "UserError",
                        f"Environment {name}:{version} already exists and its '{member}' cannot be changed: "
                        "environment versions are immutable apart from description, tags, stage and isArchived. "
                        "Register a new version instead.",
                        target=f"properties.{member}",
                    )
            for member in MUTABLE:
                current[member] = properties[member]
            existing.body["systemData"] = common.system_data(context, existing.body.get("systemData"))
            transaction.put(existing)
            return Response(200, existing.body)
        properties["properties"] = {**properties["properties"], **answers_newer.ENVIRONMENT_LABELS}
        body: JsonObject = {
            "id": resource_id,
            "name": version,
            "type": VERSION_TYPE,
            "properties": properties,
            "systemData": common.system_data(context, None),
        }
        transaction.put(ResourceRecord(key=_key(resource_id, context), id=resource_id, kind=KIND, body=body))
        return Response(201, body, answers_newer.created_location(context))


def get_version(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=False, as_parent=True)
        record = transaction.get(_key(version_id(context), context))
    if record is None:
        raise not_found(context)
    return Response(200, record.body)


def delete_version(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=True, as_parent=True)
        record = transaction.get(_key(version_id(context), context))
        if record is None:
            return Response(204)
        transaction.delete_tree(record.key)
    return Response(200)


def _listed(context: HandlerContext, records: list[ResourceRecord]) -> list[JsonObject]:
    view = (context.request.query.get("listViewType") or "ActiveOnly").lower()
    if view not in ("activeonly", "archivedonly", "all"):
        raise bad_request(
            f"The query parameter 'listViewType' must be ActiveOnly, ArchivedOnly or All, got "
            f"'{context.request.query.get('listViewType')}'.",
            target="listViewType",
        )
    items = [record.body for record in records]
    if view == "activeonly":
        return [item for item in items if not item["properties"].get("isArchived")]
    if view == "archivedonly":
        return [item for item in items if item["properties"].get("isArchived")]
    return items


def list_versions(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=False, as_parent=True)
        records = _versions(transaction, context)
    size = common.page_size_parameter(context, "$top")
    return Response(200, common.page(context, _listed(context, records), page_size=size, keep=("$top",)))


def _container(context: HandlerContext, name: str, versions: list[ResourceRecord]) -> JsonObject:
    latest = versions[-1]
    numeric = [int(record.body["name"]) for record in versions if str(record.body["name"]).isdigit()]
    return {
        "id": f"{common.workspace_id(context)}/environments/{name}",
        "name": name,
        "type": CONTAINER_TYPE,
        "properties": {
            "description": None,
            "tags": {},
            "properties": {},
            "isArchived": all(record.body["properties"].get("isArchived") for record in versions),
            "latestVersion": latest.body["name"],
            "nextVersion": str(max(numeric) + 1) if numeric else None,
            "provisioningState": "Succeeded",
        },
        "systemData": versions[0].body.get("systemData"),
    }


def get_container(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=False, as_parent=True)
        versions = _versions(transaction, context)
    if not versions:
        raise not_found(context, version=False)
    name = versions[0].id.split("/environments/", 1)[1].split("/", 1)[0]
    return Response(200, _container(context, name, versions))


def list_containers(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        workspace = common.require_workspace(transaction, context, writing=False, as_parent=True)
        records = transaction.list(KIND, f"{workspace.key}/environments/")
    grouped: dict[str, list[ResourceRecord]] = {}
    for record in records:
        name = record.id.split("/environments/", 1)[1].split("/", 1)[0]
        grouped.setdefault(name.lower(), []).append(record)
    items = [
        _container(context, versions[0].id.split("/environments/", 1)[1].split("/", 1)[0], versions)
        for versions in grouped.values()
    ]
    return Response(200, common.page(context, items))
