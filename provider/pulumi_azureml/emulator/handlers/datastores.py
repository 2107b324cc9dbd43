"""Datastores: put, get, delete, list, listSecrets, and the workspace's own default datastores.

Facts from mfe.json 2025-12-01 (``Datastores_*``) and its examples (``examples/Datastore/*.json``):

* PUT ``.../datastores/{name}?skipValidation=`` is synchronous: 201 with the datastore and a ``Location`` when
  created, 200 when updated. DELETE answers 200, or 204 when there is nothing to delete. No long-running operation
  anywhere. Every recorded client sends ``skipValidation=true``.
* ``credentials.secrets`` is ``x-ms-secret`` with ``x-ms-mutability [create, update]``: a GET (and the PUT's own
  answer) returns the credentials with no ``secrets`` key at all, and an empty property bag, the storage
  subscription and resource group as null (``answers_newer.datastore_credentials`` and the rules after it); only
  ``POST .../listSecrets`` returns the secret (``answers_newer.list_secrets_answer``).
* The storage location (account, container/filesystem/file share, endpoint, protocol, the identity used for
  service data access) is ``[create, read]``: a PUT that changes it is refused. Description, tags, properties,
  the storage resource group/subscription and the credentials can change.
* ``isDefault`` is documented read-only, but the service honours ``true`` on a PUT that updates an existing
  datastore (azurerm's ``machine_learning_datastore_*`` docs: "is_default can only be set to true on update"): the
  datastore becomes the workspace default and the previous default stops being it. On the PUT that creates the
  datastore it is not honoured (ignored here), and ``false`` never un-defaults one (a workspace always keeps its
  default).
* Per type, the members of ``AzureBlobDatastore``/``AzureDataLakeGen2Datastore``/``AzureFileDatastore`` are
  closed, and this emulator requires the storage location even where the swagger leaves it nullable (the
  service cannot reach storage without it). The credential kinds each type takes follow azure-ai-ml's datastore
  classes: Blob any, ADLS Gen2 service principal/certificate/none, Azure Files account key/SAS/none. ADLS Gen1
  and OneLake are refused as not emulated.
* Every workspace comes with ``workspaceblobstore`` (the default) and ``workspacefilestore`` (Azure ML docs,
  "Datastores": "Each workspace has default datastores"), pointing at the workspace's storage account.
"""

from __future__ import annotations

import base64
import re
import secrets
import urllib.parse
from typing import Any

from .. import answers_newer, blobs, schemas
from ..blobs import BlobStore
from ..context import HandlerContext
from ..messages import ArmError, JsonObject, Response, bad_request
from ..settings import Settings
from ..store import ResourceRecord, StoreTransaction
from ..validation import check_pattern, enum_value, expect_object, expect_string, is_guid, reject_unknown_keys
from . import assets, common

DATASTORE_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$")
"""``name`` of ``Datastores_CreateOrUpdate``."""
DATASTORE_TYPE = f"{common.WORKSPACE_TYPE}/datastores"
KIND = "datastore"

EMULATED_TYPES = ("AzureBlob", "AzureDataLakeGen2", "AzureFile")
LOCATION_MEMBER = {"AzureBlob": "containerName", "AzureDataLakeGen2": "filesystem", "AzureFile": "fileShareName"}
CREDENTIALS_BY_TYPE = {
    "AzureBlob": ("AccountKey", "Certificate", "None", "Sas", "ServicePrincipal"),
    "AzureDataLakeGen2": ("Certificate", "None", "ServicePrincipal"),
    "AzureFile": ("AccountKey", "None", "Sas"),
}
COMMON_MEMBERS = (
    "datastoreType",
    "credentials",
    "description",
    "tags",
    "properties",
    "isDefault",
    "accountName",
    "endpoint",
    "protocol",
    "serviceDataAccessAuthIdentity",
    "resourceGroup",
    "subscriptionId",
)
CREATE_ONLY = ("datastoreType", "accountName", "containerName", "filesystem", "fileShareName", "endpoint", "protocol")
SERVER_DEFAULTS = {"endpoint": "core.windows.net", "protocol": "https", "serviceDataAccessAuthIdentity": "None"}

SECRET_MEMBER = {
    "AccountKey": "key",
    "Sas": "sasToken",
    "ServicePrincipal": "clientSecret",
    "Certificate": "certificate",
}
"""The one secret member of each ``*DatastoreSecrets`` variant."""
CREDENTIAL_MEMBERS = {
    "None": (),
    "AccountKey": (),
    "Sas": (),
    "ServicePrincipal": ("authorityUrl", "clientId", "resourceUrl", "tenantId"),
    "Certificate": ("authorityUrl", "clientId", "resourceUrl", "tenantId", "thumbprint"),
}
REQUIRED_CREDENTIAL_MEMBERS = {
    "ServicePrincipal": ("tenantId", "clientId"),
    "Certificate": ("tenantId", "clientId", "thumbprint"),
}

SYSTEM_DATASTORES = ("workspaceblobstore", "workspacefilestore")

EXPIRABLE_SECRET_SECONDS = 3600.0
"""Lifetime of the SAS ``listSecrets`` answers for an expirable secret (recorded clients ask for one hour)."""


def datastore_id(context: HandlerContext, name: str | None = None) -> str:
    return f"{common.workspace_id(context)}/datastores/{name or context.params['datastoreName']}"


def _type_and_name(context: HandlerContext) -> str:
    return f"{common.WORKSPACE_TYPE}/{context.params['workspaceName']}/datastores/{context.params['datastoreName']}"


def not_found(context: HandlerContext) -> ArmError:
    """Datastores are served by the service itself (not the ARM gateway): its 404 is a ``UserError`` (the shape
    of the recorded 404 of a missing model version; the datastore wording is this emulator's)."""
    name = context.params["datastoreName"]
    return ArmError(
        404,
        "UserError",
        "The specified resource was not found.",
        details=[
            {
                "code": "NotFound",
                "message": f"Datastore '{name}' was not found in workspace '{context.params['workspaceName']}'.",
            }
        ],
    )


def _skip_validation(context: HandlerContext) -> bool:
    raw = context.request.query.get("skipValidation")
    if raw is None:
        return False
    if raw.lower() not in ("true", "false"):
        raise bad_request(
            f"The query parameter 'skipValidation' must be true or false, got '{raw}'.", target="skipValidation"
        )
    return raw.lower() == "true"


def _validate_credentials(value: Any, datastore_type: str, *, skip_validation: bool) -> tuple[JsonObject, JsonObject]:
    """The credentials as stored (no secret) and the secret part, or a 400 naming the member."""
    target = "properties.credentials"
    credentials = expect_object(value, target)
    kind = enum_value(credentials.get("credentialsType"), schemas.CREDENTIALS_TYPES, f"{target}.credentialsType")
    allowed = CREDENTIALS_BY_TYPE[datastore_type]
    if kind not in allowed:
        raise bad_request(
            f"Credentials of type '{kind}' are not supported for a datastore of type '{datastore_type}'; use one "
            f"of: {', '.join(allowed)}.",
            target=f"{target}.credentialsType",
        )
    members = CREDENTIAL_MEMBERS[kind]
    has_secrets = kind in SECRET_MEMBER
    reject_unknown_keys(credentials, ("credentialsType", *members, *(("secrets",) if has_secrets else ())), target)
    stored: JsonObject = {"credentialsType": kind}
    for member in members:
        if credentials.get(member) is not None:
            stored[member] = expect_string(credentials[member], f"{target}.{member}")
    for member in REQUIRED_CREDENTIAL_MEMBERS.get(kind, ()):
        if not stored.get(member):
            raise bad_request(f"The field '{target}.{member}' is required.", target=f"{target}.{member}")
    for member in ("tenantId", "clientId"):
        if member in stored and not is_guid(stored[member]):
            raise bad_request(
                f"'{target}.{member}' must be a GUID (format: uuid), got '{stored[member]}'.",
                target=f"{target}.{member}",
            )
    if not has_secrets:
        return stored, {}
    secrets_target = f"{target}.secrets"
    given = (
        expect_object(credentials.get("secrets"), secrets_target) if credentials.get("secrets") is not None else None
    )
    if given is None:
        raise bad_request(f"The field '{secrets_target}' is required.", target=secrets_target)
    secret_kind = enum_value(
        given.get("secretsType"),
        ("AccountKey", "Certificate", "Sas", "ServicePrincipal"),
        f"{secrets_target}.secretsType",
    )
    if secret_kind != kind:
        raise bad_request(
            f"'{secrets_target}.secretsType' is '{secret_kind}' but the credentials are '{kind}'.",
            target=f"{secrets_target}.secretsType",
        )
    member = SECRET_MEMBER[kind]
    reject_unknown_keys(given, ("secretsType", member), secrets_target)
    secret = given.get(member)
    if secret is not None:
        expect_string(secret, f"{secrets_target}.{member}")
    # Without skipValidation the service checks the credentials against the storage account, which an empty
    # secret never passes.
    if not secret and not skip_validation:
        raise bad_request(
            f"The field '{secrets_target}.{member}' is required to validate the datastore's credentials.",
            target=f"{secrets_target}.{member}",
        )
    return stored, {"secretsType": kind, member: secret}


def _validate_put(body: JsonObject, *, skip_validation: bool) -> tuple[JsonObject, JsonObject]:
    """The datastore properties as stored and the credentials' secret part."""
    properties = body["properties"]
    datastore_type = properties["datastoreType"]
    if datastore_type not in EMULATED_TYPES:
        raise bad_request(
            f"Datastores of type '{datastore_type}' are not emulated; use AzureBlob, AzureDataLakeGen2 or AzureFile.",
            target="properties.datastoreType",
        )
    location_member = LOCATION_MEMBER[datastore_type]
    reject_unknown_keys(properties, (*COMMON_MEMBERS, location_member), "properties", f"{datastore_type}Datastore")
    for member in ("accountName", location_member):
        if properties.get(member) is None:
            raise bad_request(f"The field 'properties.{member}' is required.", target=f"properties.{member}")
        expect_string(properties[member], f"properties.{member}", min_length=1)
    credentials, secret = _validate_credentials(
        properties["credentials"], datastore_type, skip_validation=skip_validation
    )
    stored: JsonObject = {
        "description": properties.get("description"),
        "tags": dict(properties.get("tags") or {}),
        "properties": answers_newer.datastore_property_bag(properties.get("properties")),
        "isDefault": False,
        "credentials": answers_newer.datastore_credentials(datastore_type, credentials),
        **answers_newer.datastore_storage_scope(properties),
        "datastoreType": datastore_type,
        "accountName": properties["accountName"],
        location_member: properties[location_member],
    }
    for member, default in SERVER_DEFAULTS.items():
        stored[member] = properties.get(member) or default
    return stored, secret


def _load(transaction: StoreTransaction, context: HandlerContext, *, writing: bool) -> ResourceRecord | None:
    common.require_workspace(transaction, context, writing=writing, as_parent=True)
    return transaction.get(common.key_of(datastore_id(context)))


def _workspace_datastores(transaction: StoreTransaction, context: HandlerContext) -> list[ResourceRecord]:
    return transaction.list(KIND, f"{common.key_of(common.workspace_id(context))}/datastores/")


def _make_default(transaction: StoreTransaction, records: list[ResourceRecord], chosen_key: str) -> None:
    """The workspace has one default datastore: the chosen one; every other stops being it."""
    for other in records:
        if other.key != chosen_key and other.body["properties"].get("isDefault"):
            other.body["properties"]["isDefault"] = False
            transaction.put(other)


def put_datastore(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=True, as_parent=True)
        name = check_pattern(context.params["datastoreName"], DATASTORE_NAME, "name", "The datastore name")
        skip = _skip_validation(context)
        request = schemas.conform(schemas.DATASTORE, common.json_body(context))
        properties, secret = _validate_put(request, skip_validation=skip)
        wants_default = request["properties"].get("isDefault") is True
        existing = _load(transaction, context, writing=True)
        if existing is not None:
            current = existing.body["properties"]
            for member in CREATE_ONLY:
                if properties.get(member) != current.get(member):
                    raise bad_request(
                        f"The datastore property '{member}' cannot be changed once the datastore exists (it is "
                        f"create-only); it is '{current.get(member)}', the request has '{properties.get(member)}'. "
                        "Delete the datastore and create it again instead.",
                        target=f"properties.{member}",
                    )
            identity = properties["serviceDataAccessAuthIdentity"]
            if identity != current.get("serviceDataAccessAuthIdentity"):
                raise bad_request(
                    "The datastore property 'serviceDataAccessAuthIdentity' cannot be changed once the datastore "
                    "exists (it is create-only).",
                    target="properties.serviceDataAccessAuthIdentity",
                )
            properties["isDefault"] = bool(current.get("isDefault")) or wants_default
            existing.body["properties"] = properties
            existing.body["systemData"] = common.system_data(context, existing.body.get("systemData"))
            existing.secrets = secret
            transaction.put(existing)
            if wants_default:
                _make_default(transaction, _workspace_datastores(transaction, context), existing.key)
            return Response(200, existing.body)
        resource_id = datastore_id(context)
        properties["isDefault"] = False  # only an update makes a datastore the default (see the module docstring)
        body: JsonObject = {
            "id": resource_id,
            "name": name,
            "type": DATASTORE_TYPE,
            "properties": properties,
            "systemData": common.system_data(context, None),
        }
        record = ResourceRecord(key=common.key_of(resource_id), id=resource_id, kind=KIND, body=body, secrets=secret)
        transaction.put(record)
        return Response(201, body, answers_newer.created_location(context))


def get_datastore(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        record = _load(transaction, context, writing=False)
    if record is None:
        raise not_found(context)
    return Response(200, record.body)


def delete_datastore(context: HandlerContext) -> Response:
    with context.store.transaction() as transaction:
        record = _load(transaction, context, writing=True)
        if record is None:
            return Response(204)
        transaction.delete_tree(record.key)
    return Response(200)


def list_datastores(context: HandlerContext) -> Response:
    query = context.request.query
    with context.store.transaction() as transaction:
        common.require_workspace(transaction, context, writing=False, as_parent=True)
        items = [record.body for record in _workspace_datastores(transaction, context)]
    raw_default = query.get("isDefault")
    if raw_default is not None:
        if raw_default.lower() not in ("true", "false"):
            raise bad_request(
                f"The query parameter 'isDefault' must be true or false, got '{raw_default}'.", target="isDefault"
            )
        wanted = raw_default.lower() == "true"
        items = [item for item in items if bool(item["properties"].get("isDefault")) is wanted]
    # ``names`` is an array parameter: repeated (``names=a&names=b``) or comma-separated.
    names = [
        name
        for raw in urllib.parse.parse_qs(context.request.raw_query).get("names", [])
        for name in raw.split(",")
        if name
    ]
    if names:
        wanted_names = {name.lower() for name in names}
        items = [item for item in items if str(item["name"]).lower() in wanted_names]
    search = query.get("searchText")
    if search:
        items = [item for item in items if search.lower() in str(item["name"]).lower()]
    size = common.page_size_parameter(context, "count")
    return Response(200, common.page(context, items, page_size=size, keep=("count",)))


def list_secrets(context: HandlerContext) -> Response:
    """``DatastoreSecrets``: the only place a datastore's secret leaves the emulator; the account key, or a SAS
    when asked for an expirable secret (``answers_newer.list_secrets_answer``)."""
    with context.store.transaction() as transaction:
        record = _load(transaction, context, writing=False)
    if record is None:
        raise not_found(context)
    if not record.secrets:
        kind = record.body["properties"]["credentials"]["credentialsType"]
        if kind == "None":
            raise ArmError(400, "UserError", answers_newer.NO_SECRETS_MESSAGE, target="credentials")
        raise bad_request(
            f"The datastore '{record.body['name']}' uses credentials of type '{kind}', which hold no secrets.",
            target="credentials",
        )
    properties = record.body["properties"]
    request_body = common.json_body(context) if context.request.body.strip() else None

    def issue_sas() -> str:
        key = base64.b64decode(str(record.secrets.get("key") or ""))
        return blobs.issue_container_sas(
            key,
            str(properties.get("accountName")),
            str(properties.get(LOCATION_MEMBER[properties["datastoreType"]])),
            now=context.now(),
            lifetime_seconds=EXPIRABLE_SECRET_SECONDS,
        )

    return Response(200, answers_newer.list_secrets_answer(request_body, dict(record.secrets), issue_sas))


# ---------------------------------------------------------------------------------------------- system datastores


def seed_system_datastores(
    transaction: StoreTransaction,
    workspace: ResourceRecord,
    *,
    settings: Settings,
    moment: float,
    blob_store: BlobStore | None,
) -> None:
    """``workspaceblobstore`` (the default) and ``workspacefilestore`` of a new workspace, on its storage account.

    The storage account comes into being here, in the emulator's storage (``blob_store``), as the service creates one
    with a workspace. With ``systemDatastoresAuthMode: Identity`` the datastores hold no key (identity-based
    access); otherwise the account's first key, as the service stores it for them: the one key, with the account's
    second, that signs a SAS the blob endpoint accepts (issue 23).
    """
    properties = workspace.body.get("properties") or {}
    guid = str(properties.get("workspaceId") or "")
    # The same account pending uploads go to (one rule for a workspace's storage account).
    _, account, _ = assets.workspace_storage(workspace)
    identity = str(properties.get("systemDatastoresAuthMode") or "").lower() == "identity"
    # Clients sign SAS with the decoded bytes of the key, and the blob endpoint verifies them with the account's.
    account_keys = (
        blob_store.create_account(account)
        if blob_store is not None
        else [base64.b64encode(secrets.token_bytes(64)).decode("ascii")]  # no storage: a key that signs nothing
    )
    for name, datastore_type, member, prefix in (
        ("workspaceblobstore", "AzureBlob", "containerName", "azureml-blobstore"),
        ("workspacefilestore", "AzureFile", "fileShareName", "azureml-filestore"),
    ):
        resource_id = f"{workspace.id}/datastores/{name}"
        key = common.key_of(resource_id)
        if transaction.get(key) is not None:
            continue
        credentials: JsonObject = {"credentialsType": "None" if identity else "AccountKey"}
        scope = workspace.id.split("/")
        body: JsonObject = {
            "id": resource_id,
            "name": name,
            "type": DATASTORE_TYPE,
            "properties": {
                "description": None,
                "isDefault": name == "workspaceblobstore",
                "credentials": credentials,
                "datastoreType": datastore_type,
                "accountName": account,
                member: f"{prefix}-{guid}",
                **SERVER_DEFAULTS,
                **answers_newer.workspace_datastore_view(scope[2], scope[4]),
            },
            "systemData": common.system_data_at(moment, settings.principal_name, None),
        }
        stored_secret = {} if identity else {"secretsType": "AccountKey", "key": account_keys[0]}
        transaction.put(ResourceRecord(key=key, id=resource_id, kind=KIND, body=body, secrets=stored_secret))
