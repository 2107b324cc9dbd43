"""Datastores (Azure Blob, ADLS Gen2, Azure Files) with write-only, secret credentials, as data.

Update/replace table (``Datastores_CreateOrUpdate`` in mfe.json 2025-12-01, ``DatastoreProperties``):

================================================  =======  ==========================================================
field                                             how      why
================================================  =======  ==========================================================
placement, datastore_type                         replace  path parameters; the discriminator
account_name, container_name, filesystem,         replace  spec x-ms-mutability [create, read]
file_share_name, endpoint, protocol,
service_data_access_auth_identity
account_key, sas_token, client_secret,            PUT      ``credentials.secrets`` is x-ms-mutability [create, update]
certificate, credentials_type and the service              and x-ms-secret: never read back, compared against the
principal's ids                                            last inputs
description, tags, properties,                    PUT      ResourceBase/AzureDatastore carry no create-only mark
storage_resource_group, storage_subscription_id
is_default                                        PUT      only ``true``; the service takes it on an update only, so a
                                                           create with it is followed by one more PUT
================================================  =======  ==========================================================

The credential values are four separate secret inputs rather than one object, so that only the values that are
secret are treated as such (the credential kind and a service principal's ids stay readable, and drift in them
shows on refresh). ``credentials_type`` may be left out: it follows from the secret given (``expand``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_azureml import bodies
from pulumi_azureml.quoting import quote
from pulumi_azureml.schema import (
    Field,
    HookContext,
    Output,
    ResourceSpec,
    Timeouts,
    case_insensitive_equivalent,
    get_path,
)
from pulumi_azureml.specs.common import (
    META_FIELDS,
    RESOURCE_GROUP_NAME,
    SUBSCRIPTION_ID,
    WORKSPACE_NAME,
    WORKSPACE_PATH,
    tags_field,
)

PATH = WORKSPACE_PATH + "/datastores/{name}"
NAME_PATTERN = r"[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}"
NAME_RULE = "must be 1-255 characters: a letter or digit, then letters, digits, '-' or '_'"
GUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

BLOB, GEN2, FILES = "AzureBlob", "AzureDataLakeGen2", "AzureFile"
DATASTORE_TYPES = (BLOB, GEN2, FILES)
CREDENTIALS_TYPES = ("AccountKey", "Sas", "ServicePrincipal", "Certificate", "None")
CREDENTIALS_BY_TYPE = {
    BLOB: ("AccountKey", "Sas", "ServicePrincipal", "Certificate", "None"),
    GEN2: ("ServicePrincipal", "Certificate", "None"),
    FILES: ("AccountKey", "Sas", "None"),
}
"""The credential kinds each datastore type takes (azure-ai-ml's AzureBlobDatastore, AzureDataLakeGen2Datastore
and AzureFileDatastore accept these and no others)."""

SECRET_INPUT = {
    "AccountKey": "account_key",
    "Sas": "sas_token",
    "ServicePrincipal": "client_secret",
    "Certificate": "certificate",
}
"""The secret input each credential kind needs."""
IDENTITY_INPUTS = {
    "ServicePrincipal": ("tenant_id", "client_id"),
    "Certificate": ("tenant_id", "client_id", "thumbprint"),
}
"""The non-secret inputs each credential kind requires."""
OPTIONAL_IDENTITY_INPUTS = ("authority_url", "resource_url")
CREDENTIAL_INPUTS = (*SECRET_INPUT.values(), "tenant_id", "client_id", "thumbprint", *OPTIONAL_IDENTITY_INPUTS)

_CREATE_ONLY = "spec x-ms-mutability [create, read]: a new datastore"
_SECRETS = "credentials.secrets is x-ms-mutability [create, update] and x-ms-secret: PUT, never read back"
_PUT = "no create-only mark in the spec: PUT (datastores have no PATCH)"


def _secret_field(name: str, member: str, kind: str, description: str) -> Field:
    def encode(value: Any) -> dict[str, Any]:
        # The wire form is the whole ``*DatastoreSecrets`` object; only one secret input is ever set.
        return {"secretsType": kind, member: value}

    return Field(
        name,
        wire="properties.credentials.secrets",
        secret=True,
        write_only=True,
        description=description,
        update="put",
        update_source=_SECRETS,
        encode=encode,
    )


def _credentials_field(name: str, wire: str, description: str, **rules: Any) -> Field:
    return Field(
        name,
        wire=f"properties.credentials.{wire}",
        description=description,
        update="put",
        update_source="part of the credentials, which a PUT replaces",
        **rules,
    )


def infer_credentials_type(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """``check``: leave ``credentials_type`` out and it follows from the secret given (none: identity-based)."""
    if inputs.get("credentials_type") is None:
        given = [kind for kind, name in SECRET_INPUT.items() if inputs.get(name) is not None]
        if len(given) > 1:
            names = " and ".join(SECRET_INPUT[kind] for kind in given)
            return [("credentials_type", f"is required when {names} are both set: say which credentials to use")]
        inputs["credentials_type"] = given[0] if given else "None"
    return []


def _ways(kinds: tuple[str, ...]) -> str:
    """How a program gives each credential kind, in input names: 'account_key, sas_token, or no secret ...'."""
    ways = []
    for kind in kinds:
        if kind in SECRET_INPUT:
            identity = IDENTITY_INPUTS.get(kind, ())
            with_ = f" (with {', '.join(identity[:-1])} and {identity[-1]})" if identity else ""
            ways.append(SECRET_INPUT[kind] + with_)
    return ", ".join(ways) + (", or no secret for identity-based access" if "None" in kinds else "")


def check_credentials(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The credential inputs each credential kind and datastore type need and allow (no value is ever shown)."""
    kind = str(inputs.get("credentials_type"))
    datastore_type = str(inputs.get("datastore_type"))
    failures: list[tuple[str, str]] = []
    allowed = CREDENTIALS_BY_TYPE.get(datastore_type, CREDENTIALS_TYPES)
    if kind not in allowed:
        article = "an" if datastore_type[:1] in "AEIOU" else "a"
        secret = SECRET_INPUT.get(kind)
        if secret is not None and inputs.get(secret) is not None:
            # The secret given decided the kind (or agrees with it): name the input the program actually set.
            failures.append((secret, f"does not work with {article} {datastore_type} datastore; give {_ways(allowed)}"))
        else:
            failures.append(
                (
                    "credentials_type",
                    f"{quote(kind)} does not work with {article} {datastore_type} datastore; use "
                    f"{', '.join(allowed)} ({_ways(allowed)})",
                )
            )
    needed = [SECRET_INPUT[kind]] if kind in SECRET_INPUT else []
    needed += list(IDENTITY_INPUTS.get(kind, ()))
    for name in needed:
        if inputs.get(name) is None:
            failures.append((name, f"is required for credentials_type {kind}"))
    usable = set(needed) | (set(OPTIONAL_IDENTITY_INPUTS) if kind in IDENTITY_INPUTS else set())
    for name in CREDENTIAL_INPUTS:
        if inputs.get(name) is not None and name not in usable:
            failures.append((name, f"does not apply to credentials_type {kind}; remove it"))
    return failures


def _only_true(value: Any) -> str | None:
    if value is not True:
        return (
            "can only be true: a workspace always has a default datastore, so it moves by setting is_default on "
            "another datastore (leave it unset to leave the default alone)"
        )
    return None


def make_default(context: HookContext, body: dict[str, Any]) -> dict[str, Any]:
    """``is_default=True`` after a create: the service sets the default only on an update of an existing datastore
    (azurerm: "is_default can only be set to true on update"), so a create that did not take it is followed by the
    same PUT once more."""
    if context.inputs.get("is_default") is not True or get_path(body, "properties.isDefault") is not False:
        return body
    return context.client.put(
        context.path,
        # The create's own body (ownership marker included), sent once more.
        bodies.put_body(DATASTORE, context.inputs, {}),
        api_version=context.api_version,
        action=f"{context.action_prefix} (making it the workspace's default datastore)",
        timeout=context.timeout,
        params=dict(DATASTORE.put_params),
    )


DATASTORE = ResourceSpec(
    kind="Datastore",
    # Every recorded client PUTs a datastore with skipValidation=true (azure-sdk-assets test_datastore.py
    # ...blob_store recording; az ml's test_datastore_adlsgen2.yaml): the service then does not try to reach the
    # storage account with the given credentials at registration.
    put_params=(("skipValidation", "true"),),
    noun="datastore",
    path=PATH,
    placement=(
        SUBSCRIPTION_ID,
        RESOURCE_GROUP_NAME,
        WORKSPACE_NAME,
        Field(
            "name",
            required=True,
            pattern=NAME_PATTERN,
            pattern_rule=NAME_RULE,
            description="Datastore name. Default: the Pulumi resource name.",
            equivalent=case_insensitive_equivalent,
        ),
    ),
    fields=(
        Field(
            "datastore_type",
            wire="properties.datastoreType",
            required=True,
            choices=DATASTORE_TYPES,
            description="AzureBlob, AzureDataLakeGen2 or AzureFile.",
            update_source="the discriminator of DatastoreProperties: a new datastore",
        ),
        Field(
            "account_name",
            wire="properties.accountName",
            required=True,
            description="Storage account name.",
            update_source=_CREATE_ONLY,
        ),
        Field(
            "container_name",
            wire="properties.containerName",
            required=True,
            applies_to=(BLOB,),
            description="AzureBlob: the blob container.",
            update_source=_CREATE_ONLY,
        ),
        Field(
            "filesystem",
            wire="properties.filesystem",
            required=True,
            applies_to=(GEN2,),
            description="AzureDataLakeGen2: the filesystem (container).",
            update_source=_CREATE_ONLY,
        ),
        Field(
            "file_share_name",
            wire="properties.fileShareName",
            required=True,
            applies_to=(FILES,),
            description="AzureFile: the file share.",
            update_source=_CREATE_ONLY,
        ),
        Field(
            "endpoint",
            wire="properties.endpoint",
            server_default=True,
            description="Storage endpoint suffix. Default (service): core.windows.net.",
            update_source=_CREATE_ONLY,
        ),
        Field(
            "protocol",
            wire="properties.protocol",
            server_default=True,
            description="Default (service): https.",
            update_source=_CREATE_ONLY,
        ),
        Field(
            "service_data_access_auth_identity",
            wire="properties.serviceDataAccessAuthIdentity",
            choices=("None", "WorkspaceSystemAssignedIdentity", "WorkspaceUserAssignedIdentity"),
            server_default=True,
            description="Identity the service uses for data access: None (default), WorkspaceSystemAssignedIdentity "
            "or WorkspaceUserAssignedIdentity.",
            update_source=_CREATE_ONLY,
        ),
        Field(
            "credentials_type",
            wire="properties.credentials.credentialsType",
            choices=CREDENTIALS_TYPES,
            description="AccountKey, Sas, ServicePrincipal, Certificate or None (identity-based). Default: from the "
            "secret given (account_key, sas_token, client_secret, certificate), else None.",
            update="put",
            update_source="part of the credentials, which a PUT replaces",
        ),
        _secret_field("account_key", "key", "AccountKey", "AccountKey: the storage account key (secret)."),
        _secret_field("sas_token", "sasToken", "Sas", "Sas: a SAS token (secret)."),
        _secret_field("client_secret", "clientSecret", "ServicePrincipal", "ServicePrincipal: the client secret."),
        _secret_field("certificate", "certificate", "Certificate", "Certificate: the certificate (secret)."),
        _credentials_field(
            "tenant_id",
            "tenantId",
            "ServicePrincipal/Certificate: the tenant id (GUID).",
            pattern=GUID_PATTERN,
            pattern_rule="must be a GUID such as 00000000-0000-0000-0000-000000000000",
            equivalent=case_insensitive_equivalent,
        ),
        _credentials_field(
            "client_id",
            "clientId",
            "ServicePrincipal/Certificate: the application (client) id (GUID).",
            pattern=GUID_PATTERN,
            pattern_rule="must be a GUID such as 00000000-0000-0000-0000-000000000000",
            equivalent=case_insensitive_equivalent,
        ),
        _credentials_field("thumbprint", "thumbprint", "Certificate: the certificate thumbprint."),
        _credentials_field("authority_url", "authorityUrl", "ServicePrincipal/Certificate: authority URL."),
        _credentials_field("resource_url", "resourceUrl", "ServicePrincipal/Certificate: resource URL."),
        Field("description", wire="properties.description", update="put", update_source=_PUT),
        tags_field("put", _PUT, wire="properties.tags"),
        Field(
            "properties",
            wire="properties.properties",
            type="map",
            server_adds_keys=True,
            update="put",
            update_source=_PUT,
        ),
        Field(
            "storage_resource_group",
            wire="properties.resourceGroup",
            server_default=True,
            description="Resource group of the storage account (for the workspace's own features).",
            update="put",
            update_source=_PUT,
        ),
        Field(
            "storage_subscription_id",
            wire="properties.subscriptionId",
            server_default=True,
            description="Subscription of the storage account.",
            update="put",
            update_source=_PUT,
        ),
        Field(
            "is_default",
            wire="properties.isDefault",
            type="boolean",
            server_default=True,
            validate=_only_true,
            description="true: make this the workspace's default datastore (the previous default stops being it).",
            update="put",
            update_source="the service takes isDefault=true on a PUT of an existing datastore (azurerm docs)",
        ),
        *META_FIELDS,
    ),
    outputs=(
        Output("resource_type", "type"),
        Output("system_data", "systemData", type="any"),
    ),
    timeouts=Timeouts(create=300, update=300, delete=300),
    discriminator="datastore_type",
    # Datastores carry their tags in properties.tags (ResourceBase); a top-level ownership tag would be refused.
    expand=infer_credentials_type,
    validate=check_credentials,
    after_write=make_default,
    sample_inputs={
        "name": "landing",
        "datastore_type": "AzureBlob",
        "account_name": "stsample",
        "container_name": "landing",
        "account_key": "c2FtcGxlLWFjY291bnQta2V5LTAxMjM0NTY3ODk=",
    },
)
