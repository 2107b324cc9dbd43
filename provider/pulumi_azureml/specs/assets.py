"""Code, model and data asset versions, as data, with the upload of local files before their registration.

Facts from the REST specification (``Azure/azure-rest-api-specs``, ``specification/machinelearningservices/
resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/mfe.json`` and its
``examples/Workspace/{CodeVersion,ModelVersion,DataVersionBase}``):

* ``PUT .../workspaces/{ws}/{codes|models|data}/{name}/versions/{version}`` is synchronous (200/201) and creates
  the container (``.../{name}``) on demand: no container resource is needed;
* ``DELETE`` of a version is synchronous (200/204);
* ``POST .../codes/{name}/versions/{version}/startPendingUpload`` answers a blob folder
  (``blobReferenceForConsumption.blobUri``) and a SAS for it (``credential.sasUri``). At workspace scope only code
  versions have this action; model and data versions have it on registries only.

Update/replace table (the same for the three kinds):

=====================  =========  ===============================================================================
field                  how        why
=====================  =========  ===============================================================================
placement              replace    path parameters
content_hash           replace    versions are immutable in Azure ML: new content needs a new registration
uri, type, flavors...  replace    the registered content of a version (the service refuses to change it)
properties             replace    part of what was registered ("cannot be replaced without increasing the version")
description, tags      PUT        ``AssetBase``: "Tag dictionary. Tags can be added, removed, and updated."
is_archived, stage     PUT        archiving and lifecycle stage are how Azure ML changes a version in place
path                   none       where the files are read from; only their content (the hash) matters
=====================  =========  ===============================================================================

A changed ``content_hash`` with the same ``version`` deletes the version and registers it again (delete, then
create: the id stays the same). A workspace version can be registered again after a delete (Azure/azureml-examples
#3743 deletes models to re-create them; registries refuse that, Azure/azureml-assets#3439). A deployment whose
create-only ``code_configuration`` refers to a replaced code version is replaced with it (its diff cannot know the
new id at preview, so the engine deletes it first and creates it again: checked with the real CLI on
``examples/batch-scoring``). What the service does when a version a deployment still uses is deleted is not
documented: giving each content its own ``version`` instead lets Pulumi register the new version first and delete
the old one last (docs/assets-and-uploads.md, ``examples/batch-scoring``).

Not a field: the workspace's default datastore, read (GET, ``listSecrets``) at create time for model and data
uploads; its key never leaves the provider process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_azureml.arm.blob import (
    BlobUploader,
    UploadError,
    blob_service_url,
    container_sas,
    hide_sas,
    sas_secrets,
)
from pulumi_azureml.arm.ids import render_path
from pulumi_azureml.console import say
from pulumi_azureml.quoting import quote
from pulumi_azureml.redaction import learn
from pulumi_azureml.schema import (
    Field,
    HookContext,
    Output,
    ResourceSpec,
    Timeouts,
    asset_uri_equivalent,
    is_unknown,
    set_path,
)
from pulumi_azureml.specs.common import (
    META_FIELDS,
    RESOURCE_GROUP_NAME,
    SUBSCRIPTION_ID,
    WORKSPACE_NAME,
    WORKSPACE_PATH,
    tags_field,
)
from pulumi_azureml.uploads import HASH_PREFIX, LocalFile, LocalPathError, collect, upload

ASSET_NAME_PATTERN = r"[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}"
ASSET_NAME_RULE = "must be 1-255 characters: a letter or digit, then letters, digits, '-' or '_'"
IMMUTABLE = "versions are immutable in Azure ML: changed content is registered as a new version (replace)"
_REGISTERED = "part of the registered version (immutable in Azure ML)"
_IN_PLACE = "PUT of the same version: Azure ML changes description, tags, stage and the archive flag in place"


def _version_field() -> Field:
    return Field(
        "version",
        required=True,
        default="1",
        pattern=r"[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,99}",
        pattern_rule="must be 1-100 characters: a letter or digit, then letters, digits, '-', '_' or '.'",
        description="Version of the asset (default 1). Versions are immutable: new content replaces this version.",
    )


def _placement(noun: str) -> tuple[Field, ...]:
    return (
        SUBSCRIPTION_ID,
        RESOURCE_GROUP_NAME,
        WORKSPACE_NAME,
        Field(
            "name",
            required=True,
            pattern=ASSET_NAME_PATTERN,
            pattern_rule=ASSET_NAME_RULE,
            description=f"Name of the {noun} (its container). Default: the Pulumi resource name.",
        ),
        _version_field(),
    )


def _content_hash(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(HASH_PREFIX) and len(value) == len(HASH_PREFIX) + 64:
        return None
    return f"must be {HASH_PREFIX}<64 hex digits>, as the resource class computes it from `path`"


def _source_fields(uri_wire: str, what: str) -> tuple[Field, ...]:
    return (
        Field(
            "path",
            update="none",
            update_source="provider-side: where the files are read; a change of content shows in content_hash",
            description=f"Local {what} to upload (relative to the Pulumi program's directory). Its content hash is "
            "computed by the program; `.amlignore` (or else `.gitignore`) in a folder excludes files.",
        ),
        Field(
            "uri",
            wire=uri_wire,
            server_default=True,
            equivalent=asset_uri_equivalent,
            update_source="create-only " + _REGISTERED,
            description="Where the content already is (https://, azureml://...), instead of `path`.",
        ),
    )


CONTENT_HASH_PROPERTY = "pulumi-azureml-content-hash"
"""The version's property that records the hash of the files it was registered from: a refresh reads the content
the service holds, and a version this stack registered can be recognised (adopted) by its content."""


def _hash_field() -> Field:
    # After `properties`: the request body's property bag is the user's, plus this entry.
    return Field(
        "content_hash",
        wire=f"properties.properties.{CONTENT_HASH_PROPERTY}",
        validate=_content_hash,
        witness=True,
        update_source=IMMUTABLE,
        description=f"sha256 of `path`'s files, computed by the resource class (not for users); registered as the "
        f"version's property {CONTENT_HASH_PROPERTY}.",
    )


def _no_reserved_property(value: Any) -> str | None:
    if isinstance(value, dict) and CONTENT_HASH_PROPERTY in value:
        return f"must not set {CONTENT_HASH_PROPERTY!r}: this package records the content hash there"
    return None


def _common_fields() -> tuple[Field, ...]:
    return (
        Field("description", wire="properties.description", update="put", update_source=_IN_PLACE),
        tags_field(
            "put", "spec: 'Tags can be added, removed, and updated' (PUT of the same version)", wire="properties.tags"
        ),
        Field(
            "properties",
            wire="properties.properties",
            type="map",
            validate=_no_reserved_property,
            server_adds_keys=True,
            update_source="create-only " + _REGISTERED,
        ),
        Field(
            "is_archived",
            wire="properties.isArchived",
            type="boolean",
            server_default=True,
            update="put",
            update_source=_IN_PLACE,
            description="Archived versions are hidden from lists and cannot be chosen by name alone.",
        ),
    )


def _check_source(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    has_path, has_uri = inputs.get("path") is not None, inputs.get("uri") is not None
    if has_path and has_uri:
        return [("path", "give either path (uploaded by this provider) or uri (already uploaded), not both")]
    if not has_path and not has_uri:
        return [("path", "is required: give a local path to upload, or the uri where the content already is")]
    if has_path and inputs.get("content_hash") is None:
        return [("content_hash", "is missing: create the resource through its class, which hashes `path`")]
    return []


OUTPUTS = (
    Output("asset_uri", "", description="Where the version's content is: the upload folder or file, or `uri`."),
    Output("provisioning_state", "properties.provisioningState"),
    Output("system_data", "systemData", type="any"),
)


# ---------------------------------------------------------------------------------------------- uploads


def _local_files(context: HookContext) -> list[LocalFile] | None:
    path = context.inputs.get("path")
    if path is None:
        return None
    try:
        return collect(str(path))
    except LocalPathError as error:
        raise UploadError(f"{context.action_prefix}: path {error}") from None


def _send_files(context: HookContext, files: list[LocalFile], folder: str, sas: str) -> None:
    try:
        upload(
            files,
            BlobUploader(folder, sas),
            expected_hash=str(context.inputs.get("content_hash") or "") or None,
            progress=lambda line: say(f"azureml: {_described(context)}: {line}"),
        )
    except (UploadError, LocalPathError) as error:
        where = "" if isinstance(error, UploadError) else f"path {context.inputs.get('path')!r}: "
        raise UploadError(hide_sas(f"{context.action_prefix}: {where}{error}")) from None


def _upload_code(context: HookContext, body: dict[str, Any]) -> None:
    """``before_create`` of a code version: local files go to the folder the service's pending upload names."""
    files = _local_files(context)
    if files is None:
        return
    answer = context.client.post(
        f"{context.path}/startPendingUpload",
        api_version=context.api_version,
        action=f"{context.action_prefix} (asking for an upload location)",
        timeout=context.timeout,
        body={"pendingUploadType": "TemporaryBlobReference"},
    )
    reference = (answer or {}).get("blobReferenceForConsumption") or {}
    folder = str(reference.get("blobUri") or "")
    sas_uri = str((reference.get("credential") or {}).get("sasUri") or "")
    if not folder or "?" not in sas_uri:
        raise UploadError(f"{context.action_prefix}: the service's pending upload answered no blob location or SAS")
    # Redacted from here on: the version PUT that follows may fail with a message quoting it (issue 23).
    learn(*sas_secrets(sas_uri))
    _send_files(context, files, folder, sas_uri.split("?", 1)[1])
    set_path(body, "properties.codeUri", folder)


def _data_path_problem(data_type: Any, path: str, names: set[str] | None = None) -> str | None:
    """What is wrong with a data version's local ``path`` for its ``data_type``: a file for uri_file, a folder
    (with an ``MLTable`` file at its top for mltable) otherwise. ``names``: the files that will be uploaded (their
    relative paths), when known; else the folder is looked at directly."""
    is_file = os.path.isfile(path)
    if data_type == "uri_file" and not is_file:
        return "is a folder, but data_type uri_file needs a file (use uri_folder for a folder)"
    if data_type in ("uri_folder", "mltable") and is_file:
        return f"is a file, but data_type {data_type} needs a folder (use uri_file for a file)"
    if data_type == "mltable":
        has_mltable = "MLTable" in names if names is not None else os.path.isfile(os.path.join(path, "MLTable"))
        if not has_mltable:
            return "has no MLTable file at its top, which data_type mltable needs"
    return None


def _check_data_path(context: HookContext, files: list[LocalFile]) -> None:
    """At create, the files about to be uploaded must be what ``data_type`` says (see :func:`_data_path_problem`)."""
    path = str(context.inputs.get("path"))
    problem = _data_path_problem(context.inputs.get("data_type"), path, {item.relative for item in files})
    if problem:
        raise UploadError(f"{_described(context)}: path {path!r} {problem}")


def _datastore_uri(inputs: Mapping[str, Any], datastore: str, path: str) -> str:
    """The long-form datastore URI Azure ML's clients register uploaded assets with."""
    return (
        f"azureml://subscriptions/{inputs['subscription_id']}/resourcegroups/{inputs['resource_group_name']}/"
        f"workspaces/{inputs['workspace_name']}/datastores/{datastore}/paths/{path}"
    )


UPLOAD_SAS_SECONDS = 3600.0
"""Lifetime of the write-only SAS made for one datastore upload."""


def _upload_to_default_datastore(uri_wire: str) -> Callable[[HookContext, dict[str, Any]], None]:
    """``before_create`` of model and data versions: local files go to the workspace's default datastore.

    Workspace model and data versions have no pending-upload action (registries do), so this is what Azure's own
    clients do for them: find the default datastore (``GET .../datastores?isDefault=true``), read its account key
    (``POST .../listSecrets``), and upload below ``LocalUpload/<content hash>/``; the version then points at the
    file or folder by its ``azureml://`` datastore URI. The key never leaves this process: a short-lived
    write-only SAS made from it authorises the upload.
    """

    def hook(context: HookContext, body: dict[str, Any]) -> None:
        files = _local_files(context)
        if files is None:
            return
        _check_data_path(context, files)
        workspace = render_path(WORKSPACE_PATH, context.inputs)
        action = f"{context.action_prefix} (finding the workspace's default datastore)"
        stores = context.client.list(
            f"{workspace}/datastores", api_version=context.api_version, action=action, params={"isDefault": "true"}
        )
        store = next((item for item in stores if (item.get("properties") or {}).get("isDefault")), None)
        properties = (store or {}).get("properties") or {}
        if store is None or properties.get("datastoreType") != "AzureBlob":
            raise UploadError(
                f"{context.action_prefix}: the workspace's default datastore is not an Azure Blob datastore; upload "
                "the files yourself and give `uri` instead of `path`"
            )
        secrets = context.client.post(
            f"{workspace}/datastores/{store.get('name')}/listSecrets",
            api_version=context.api_version,
            action=f"{context.action_prefix} (reading the default datastore's key)",
            timeout=context.timeout,
            body={},
        )
        key = (secrets or {}).get("key") if (secrets or {}).get("secretsType") == "AccountKey" else None
        if isinstance(key, str):
            learn(key)  # at once: any later message of this operation may echo it (issue 23)
        if not key:
            raise UploadError(
                f"{context.action_prefix}: the default datastore {store.get('name')} has no account key "
                "(identity-based access); upload the files yourself and give `uri` instead of `path`"
            )
        account, container = str(properties.get("accountName")), str(properties.get("containerName"))
        digest = str(context.inputs.get("content_hash") or "").removeprefix(HASH_PREFIX)[:32]
        prefix = f"LocalUpload/{digest}"
        service = blob_service_url(
            account,
            str(properties.get("endpoint") or "core.windows.net"),
            str(properties.get("protocol") or "https"),
            management_endpoint=context.client.endpoint,
        )
        try:
            sas = container_sas(account, container, str(key), permissions="cw", expiry=time.time() + UPLOAD_SAS_SECONDS)
        except UploadError as error:
            raise UploadError(f"{context.action_prefix}: the default datastore {store.get('name')}: {error}") from None
        learn(*sas_secrets(sas))
        _send_files(context, files, f"{service}/{container}/{prefix}", sas)
        # A single file is the asset itself; a folder's asset is the folder.
        target = f"{prefix}/{files[0].relative}" if os.path.isfile(str(context.inputs.get("path"))) else prefix
        set_path(body, uri_wire, _datastore_uri(context.inputs, str(store.get("name")), target))

    return hook


def _described(context: HookContext) -> str:
    inputs = context.inputs
    return f"{context.action_prefix} {inputs.get('name')}:{inputs.get('version')}"


def _asset_uri(wire: str) -> Any:
    def extra(_context: HookContext, body: dict[str, Any]) -> dict[str, Any]:
        properties = body.get("properties") or {}
        return {"asset_uri": properties.get(wire)}

    return extra


CODE_VERSION = ResourceSpec(
    immutable=True,
    kind="CodeVersion",
    noun="code version",
    path=WORKSPACE_PATH + "/codes/{name}/versions/{version}",
    placement=_placement("code asset"),
    title_fields=("name", "version"),
    fields=(*_source_fields("properties.codeUri", "folder of code"), *_common_fields(), _hash_field(), *META_FIELDS),
    outputs=OUTPUTS,
    timeouts=Timeouts(create=3600, update=600, delete=600),
    validate=_check_source,
    before_create=_upload_code,
    extra_outputs=_asset_uri("codeUri"),
    # An in-place PUT must carry the registered content again (it is a full replace); the upload's folder is in
    # no input, so it is read back.
    preserve_on_put=("properties.codeUri",),
    sample_inputs={"name": "score", "version": "1", "uri": "https://stsample.blob.core.windows.net/code/src/"},
)


def _flavors_check(value: Any) -> str | None:
    """Each flavor is a FlavorData object (mfe.json): only ``data``, a mapping of strings; the service refuses
    anything else at create."""
    for name, flavor in value.items():
        if not isinstance(flavor, Mapping):
            return f"{quote(str(name))} must be an object {{data: {{...}}}} (FlavorData), not {type(flavor).__name__}"
        extra = sorted(str(key) for key in flavor if key != "data")
        if extra:
            return f"{quote(str(name))} takes only data (FlavorData), not {quote(', '.join(extra))}"
        data = flavor.get("data")
        if data is not None and (
            not isinstance(data, Mapping) or not all(isinstance(item, str) for item in data.values())
        ):
            return f"{quote(str(name))}.data must be a mapping of strings to strings"
    return None


MODEL_VERSION = ResourceSpec(
    immutable=True,
    kind="ModelVersion",
    noun="model version",
    path=WORKSPACE_PATH + "/models/{name}/versions/{version}",
    placement=_placement("model"),
    title_fields=("name", "version"),
    fields=(
        *_source_fields("properties.modelUri", "model file or folder"),
        Field(
            "model_type",
            wire="properties.modelType",
            server_default=True,
            update_source="create-only " + _REGISTERED,
            description="The model's format: custom_model (the service's default), mlflow_model or triton_model.",
        ),
        Field(
            "flavors",
            wire="properties.flavors",
            type="object",
            validate=_flavors_check,
            update_source="create-only " + _REGISTERED,
            description="Flavor name → {data: {string: string}} (mfe.json FlavorData), e.g. {python_function: "
            "{data: {loader_module: mlflow.sklearn}}}.",
        ),
        Field("job_name", wire="properties.jobName", update_source="create-only " + _REGISTERED),
        Field(
            "stage",
            wire="properties.stage",
            server_default=True,
            update="put",
            update_source=_IN_PLACE,
            description="Lifecycle stage (the service starts with Development).",
        ),
        *_common_fields(),
        _hash_field(),
        *META_FIELDS,
    ),
    outputs=OUTPUTS,
    timeouts=Timeouts(create=3600, update=600, delete=600),
    validate=_check_source,
    before_create=_upload_to_default_datastore("properties.modelUri"),
    extra_outputs=_asset_uri("modelUri"),
    preserve_on_put=("properties.modelUri",),
    sample_inputs={
        "name": "churn",
        "version": "1",
        "uri": "https://stsample.blob.core.windows.net/models/churn/model.pkl",
    },
)


def _check_data(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    failures = _check_source(inputs)
    if inputs.get("referenced_uris") and inputs.get("data_type") != "mltable":
        failures.append(("referenced_uris", "applies only when data_type is mltable"))
    path = inputs.get("path")
    # At preview too (no request: only the local disk, where the program just hashed the same path, relative to
    # the same directory). A path that is gone or not known yet is left to the program and to create.
    if not failures and isinstance(path, str) and not is_unknown(path) and os.path.exists(path):
        problem = _data_path_problem(inputs.get("data_type"), path)
        if problem:
            failures.append(("path", f"{path!r} {problem}"))
    return failures


DATA_VERSION = ResourceSpec(
    immutable=True,
    kind="DataVersion",
    noun="data version",
    path=WORKSPACE_PATH + "/data/{name}/versions/{version}",
    placement=_placement("data asset"),
    title_fields=("name", "version"),
    fields=(
        *_source_fields("properties.dataUri", "file (uri_file) or folder (uri_folder, mltable)"),
        Field(
            "data_type",
            wire="properties.dataType",
            required=True,
            choices=("uri_file", "uri_folder", "mltable"),
            update_source="create-only " + _REGISTERED,
            description="uri_file (a file), uri_folder (a folder) or mltable (a folder with an MLTable file).",
        ),
        Field(
            "referenced_uris",
            wire="properties.referencedUris",
            type="list",
            item=Field("uri"),
            update_source="create-only " + _REGISTERED,
            description="mltable only: the URIs its MLTable file refers to.",
        ),
        Field(
            "stage",
            wire="properties.stage",
            server_default=True,
            update="put",
            update_source=_IN_PLACE,
            description="Lifecycle stage (the service starts with Development).",
        ),
        *_common_fields(),
        _hash_field(),
        *META_FIELDS,
    ),
    outputs=OUTPUTS,
    timeouts=Timeouts(create=3600, update=600, delete=600),
    validate=_check_data,
    before_create=_upload_to_default_datastore("properties.dataUri"),
    extra_outputs=_asset_uri("dataUri"),
    preserve_on_put=("properties.dataUri",),
    sample_inputs={
        "name": "events",
        "version": "1",
        "data_type": "uri_folder",
        "uri": "https://stsample.blob.core.windows.net/data/events/",
    },
)
