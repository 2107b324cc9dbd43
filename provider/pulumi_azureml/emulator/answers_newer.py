"""How Azure ML answers for the kinds added last, as its recorded traffic shows: each behaviour one named rule here.

The kinds: online endpoints, online deployments and their traffic; code, model, data and environment versions
and the code version's pending upload; datastores. :mod:`.answers` holds the rules of the older kinds. Each rule
names the recording it follows, among these public recordings of real traffic (Azure's own test suites replay
them); where nothing is recorded the rule says so and answers least like an echo of the request, so a client
that passes here is tolerant of both answers:

* [OE26] ``Azure/azure-sdk-assets`` ``python/sdk/ml/azure-ai-ml/tests/recordings/online_services/e2etests/
  test_online_endpoint.pyTestOnlineEndpointtest_online_endpoint_e2e.json`` @a08060416d9ce8aedb312a9d693b886f3a9d0197;
* [OE25] the same folder's ``test_online_deployment.pyTestOnlineDeploymenttest_online_deployment_update.json``
  @04f5fde4ea10;
* ``Azure/azure-cli-extensions`` ``src/machinelearningservices/azext_mlv2/tests/latest/recordings/``:
  [OD22] ``test_online_endpoint_mir_deployment_create.yaml`` @2fdd96fc3056649fe32af3dc9e106de642fb5fbd,
  [ODD22] ``test_online_endpoint_mir_deployment_delete.yaml`` @f2ae6c4db222cd55061ee18bc2cdc045328a6253,
  [OU22] ``test_online_endpoint_update.yaml`` @4109f415fdf967dd9a19235ce11e45889bf1397f,
  [OM22] ``test_online_endpoint_mir.yaml`` @cfc11d8ecb4f98e3d9c3dac4c742a05030c0abfe,
  [DSG2] ``test_datastore_adlsgen2.yaml`` @3c8f033c52066fa68c1fa6fd42c5611155258529;
* ``Azure/azure-sdk-assets`` ``python/sdk/ml/azure-ai-ml/tests/recordings/``:
  [CODE23] ``code_asset/e2etests/test_code.pyTestCodetest_create_and_get.json``
  @2238c1b72057257a36f3d7c36285036f95362a20,
  [MOD26] ``model/e2etests/test_model.pyTestModeltest_crud_file.json`` @0f205ad0ccc3172a5f53d86f21c9f2a79da41099,
  [DATA26] ``dataset/e2etests/test_data.pyTestDatatest_create_uri_folder.json``
  @0f205ad0ccc3172a5f53d86f21c9f2a79da41099,
  [ENV24] ``environment/e2etests/test_environment.pyTestEnvironmenttest_environment_create_conda_inline.json``
  @0297e866b4e1614e0d223509c9bacb1ac5b12409,
  [DS26] ``datastore/e2etests/test_datastore.pyTestDatastoretest_blob_store.json``
  @0f205ad0ccc3172a5f53d86f21c9f2a79da41099.

Handlers call these; none of them is switched off by a setting (the emulator has no lenient mode).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import string
import uuid
from typing import Any

from . import conda_yaml
from .context import HandlerContext
from .messages import ArmError, JsonObject, Response, bad_request
from .timestamps import dotnet_offset

# ------------------------------------------------------------------------------------------ operations

ONLINE_ENDPOINT_OPERATION_PREFIX = "oeidp"
"""An online endpoint operation's id is ``oeidp:{workspaceId}:{guid}`` ([OE26]; ``oe:`` in 2022, [OD22])."""

ONLINE_DEPLOYMENT_OPERATION_PREFIX = "od"
"""An online deployment operation's id is ``od:{workspaceId}:{guid}`` ([OD22], [ODD22])."""

_ONLINE_PREFIXES = (ONLINE_ENDPOINT_OPERATION_PREFIX, ONLINE_DEPLOYMENT_OPERATION_PREFIX)

UNFINISHED_END_TIME = "0001-01-01T00:00:00+00:00"
"""``endTime`` of an online operation that still runs: .NET's zero date ([OE26])."""


def online_operation_id(prefix: str, workspace_guid: str) -> str:
    """``{prefix}:{workspaceId}:{guid}``, the shape of every recorded online operation id ([OE26], [OD22])."""
    return f"{prefix}:{workspace_guid}:{uuid.uuid4()}"


def is_online_operation(operation_id: str) -> bool:
    return operation_id.split(":", 1)[0] in _ONLINE_PREFIXES and operation_id.count(":") == 2


def online_operation_status(
    *,
    status_id: str,
    name: str,
    status: str,
    running: bool,
    started_at: float,
    ended_at: float | None,
    error: JsonObject | None,
) -> JsonObject:
    """The poll body of an online endpoint or deployment operation: ``{id, name, startTime, endTime,
    percentComplete, status}`` with ``Updating`` and ``endTime`` the zero date while it runs ([OE26]). The 2026
    recording answers ``percentComplete: 0.0`` on every poll, the terminal one included (the 2022 ones said
    100.0 when done, [OD22]): a client must not read progress from it. A failed operation also carries its
    ``error`` (no recording shows one)."""
    body: JsonObject = {
        "id": status_id,
        "name": name,
        "startTime": dotnet_offset(started_at),
        "endTime": UNFINISHED_END_TIME if running or ended_at is None else dotnet_offset(ended_at),
        "percentComplete": 0.0,
        "status": "Updating" if running else status,
    }
    if not running and error is not None:
        body["error"] = error
    return body


def online_delete_response(context: HandlerContext, status_url: str, result_url: str) -> Response:
    """DELETE of an online endpoint or deployment: 202 whose body is the JSON literal ``null`` (Content-Length 4),
    with ``Azure-AsyncOperation``, a ``Location`` on ``mfeOperationResults`` and ``x-ms-async-operation-timeout``
    ([OD22] endpoint delete, [ODD22] deployment delete)."""
    headers = {
        "Azure-AsyncOperation": status_url,
        "Location": result_url,
        "x-ms-async-operation-timeout": context.settings.async_operation_timeout,
        "Content-Type": "application/json; charset=utf-8",
    }
    if context.settings.retry_after > 0:
        headers["Retry-After"] = str(context.settings.retry_after)
    return Response(202, headers=headers, raw=b"null")


def deleted_online_not_found(
    context: HandlerContext, *, endpoint: str, deployment: str | None, resource_group: str
) -> ArmError:
    """The GET of an online deployment the service deleted is answered by the service (MFE), not the gateway:
    404 ``NotFound`` "The specified resource was not found." with one detail ``NoSuchService`` "There is no
    service with name: {deployment}-{endpoint} in ..." ([ODD22], the GET right after the deployment's delete).
    For a deleted online *endpoint* no GET afterwards is recorded; it gets the same service 404 here (named by
    the endpoint), the answer least like the gateway's ``ResourceNotFound``, so a client must take any 404 as
    gone."""
    params = context.params
    service = f"{deployment}-{endpoint}" if deployment else endpoint
    message = (
        f"There is no service with name: {service} in Subscription: {params['subscriptionId']}, ResourceGroup: "
        f"{resource_group}, Workspace: {params['workspaceName']}"
    )
    return ArmError(
        404,
        "NotFound",
        "The specified resource was not found.",
        details=[{"code": "NoSuchService", "message": message, "details": [], "additionalInfo": []}],
        additional_info=[{"type": "ComponentName", "info": {"value": "managementfrontend"}}],
    )


# ------------------------------------------------------------------------------------------ online endpoints

ONLINE_ENDPOINT_KIND = "Managed"
"""The ``kind`` an online endpoint gets when the client sends none: ``Managed``, in the PUT echo and on every
GET ([OE26], [OD22]; no recorded client sends a kind on create)."""

ONLINE_ENDPOINT_ID_PROPERTY = "azureml.onlineendpointid"
ASYNC_OPERATION_PROPERTY = "AzureAsyncOperationUri"
SERVICE_PROPERTY_KEYS = (ONLINE_ENDPOINT_ID_PROPERTY, ASYNC_OPERATION_PROPERTY)
"""Keys the service writes into ``properties.properties`` itself. Recorded clients send them back on an update
with the value they last read, and the service overwrites ``AzureAsyncOperationUri`` with the new operation's
URL ([OU22], [OM22]): a client sending an older value is not refused."""


def online_endpoint_service_properties(resource_id: str, status_url: str) -> dict[str, str]:
    """The property bag's additions on every online endpoint PUT: ``azureml.onlineendpointid`` (the endpoint's
    ARM id lower-cased) and ``AzureAsyncOperationUri`` (this PUT's operation status URL) ([OE26], [OD22],
    [OU22])."""
    return {ONLINE_ENDPOINT_ID_PROPERTY: resource_id.lower(), ASYNC_OPERATION_PROPERTY: status_url}


def online_endpoint_uris(name: str, region: str) -> tuple[str, str]:
    """(``scoringUri``, ``swaggerUri``) once the create succeeded; both are null in the 201 echo and while the
    create runs ([OE26], [OD22])."""
    host = f"https://{name.lower()}.{region}.inference.ml.azure.com"
    return f"{host}/score", f"{host}/swagger.json"


STALE_ON_UPDATE: tuple[tuple[str, ...], ...] = (("tags",), ("properties", "traffic"), ("properties", "mirrorTraffic"))
"""An update PUT of an online endpoint answers 201 with a STALE echo: the tags and the traffic maps are still the
old ones ([OM22]: a new tag is missing from the echo; [OU22]: the echo still shows the old ``mirrorTraffic``);
only the GET after the operation shows the new values. The emulator keeps these paths at their old value until
the operation succeeds, so a client must take its view from the GET after the operation."""


def traffic_values(split: JsonObject) -> JsonObject:
    """A traffic map as the service answers it: integer percentages ([OU22]: ``{"green": 100}``)."""
    return {name: int(value) for name, value in split.items()}


def deployment_name_as_created(name: str) -> str:
    """The service lower-cases an online deployment's name when it creates it, and then refuses traffic keys
    spelled with the original capitals (Azure/azure-sdk-for-python PR #28715, an Azure ML team member; not a
    recording)."""
    return name.lower()


def refuse_capitalised_traffic_key(key: str, target: str, deployments: dict[str, str]) -> None:
    """A traffic key that names an existing deployment only when lower-cased is refused (see
    :func:`deployment_name_as_created`); ``deployments`` maps lower-cased names to the stored ones."""
    stored = deployments.get(key.lower())
    if stored is not None and stored != key:
        raise bad_request(
            f"The deployment '{key}' named in {target} does not exist on this endpoint: deployment names are "
            f"lower-cased when created; use '{stored}'.",
            target=f"{target}.{key}",
        )


# ------------------------------------------------------------------------------------------ online deployments

DEPLOYMENT_ECHO_REQUEST_SETTINGS = {
    "maxQueueWait": "PT0S",
    "requestTimeout": "PT0S",
    "maxConcurrentRequestsPerInstance": 1,
}
"""``requestSettings`` in the 201 echo of a deployment PUT that sent none ([OD22])."""

DEPLOYMENT_REQUEST_SETTINGS = {"maxQueueWait": "PT0S", "requestTimeout": "PT5S", "maxConcurrentRequestsPerInstance": 1}
"""``requestSettings`` on GET when the PUT sent none ([OD22], [OU22])."""

DEPLOYMENT_PROBE = {
    "failureThreshold": 30,
    "successThreshold": 1,
    "timeout": "PT2S",
    "period": "PT10S",
    "initialDelay": "PT10S",
}
"""``livenessProbe`` and ``readinessProbe`` on GET when the PUT sent none; null in the 201 echo ([OD22])."""

DEPLOYMENT_SKU_TIER = "Standard"
"""``sku.tier`` the service adds to the sent ``{name: Default, capacity: n}``, in the echo and on GET ([OD22])."""

DEPLOYMENT_ECHO_STATE = "Updating"
"""The provisioning state a deployment PUT answers and reports while it runs, on create too ([OD22])."""


def online_deployment_filled(properties: JsonObject, sent: JsonObject, status_url: str) -> JsonObject:
    """A deployment's ``properties`` as the GET shows them ([OD22]): ``requestSettings`` and both probes filled
    member by member where ``sent`` (the request's ``properties``) left them out, ``privateNetworkConnection``
    false, ``egressPublicNetworkAccess`` Enabled, ``modelMountPath`` null, and ``AzureAsyncOperationUri`` (this
    PUT's status URL) in the property bag."""
    result = dict(properties)
    result["requestSettings"] = {**DEPLOYMENT_REQUEST_SETTINGS, **_present(sent.get("requestSettings"))}
    for probe in ("livenessProbe", "readinessProbe"):
        result[probe] = {**DEPLOYMENT_PROBE, **_present(sent.get(probe))}
    result.setdefault("privateNetworkConnection", False)
    result["egressPublicNetworkAccess"] = result.get("egressPublicNetworkAccess") or "Enabled"
    result.setdefault("modelMountPath", None)
    result["properties"] = {**dict(result.get("properties") or {}), ASYNC_OPERATION_PROPERTY: status_url}
    return result


def online_deployment_echo(body: JsonObject, sent: JsonObject) -> JsonObject:
    """The 201 echo of a deployment PUT differs from the GET after it ([OD22]): ``requestSettings`` defaults are
    ``PT0S``/``PT0S``/1 and the probes the client did not send are null. ``sent`` is the request's
    ``properties``."""
    echo = copy.deepcopy(body)
    properties = echo["properties"]
    properties["requestSettings"] = {**DEPLOYMENT_ECHO_REQUEST_SETTINGS, **_present(sent.get("requestSettings"))}
    for probe in ("livenessProbe", "readinessProbe"):
        if sent.get(probe) is None:
            properties[probe] = None
    return echo


def online_deployment_kind(compute_type: str) -> str:
    """``kind`` when the client sends none: ``Managed`` for a Managed deployment ([OD22]); for Kubernetes nothing
    is recorded, and the compute type is answered."""
    return compute_type


def online_deployment_sku(sku: JsonObject) -> JsonObject:
    """The sku with the service's ``tier`` ([OD22])."""
    return {**sku, "tier": sku.get("tier") or DEPLOYMENT_SKU_TIER}


def _present(value: Any) -> JsonObject:
    return {key: item for key, item in (value or {}).items() if item is not None} if isinstance(value, dict) else {}


# ------------------------------------------------------------------------------------------ versions and uploads

PENDING_UPLOAD_TYPE_ANSWERED = "None"
"""``startPendingUpload`` is asked for ``TemporaryBlobReference`` and answers ``pendingUploadType: "None"``
([CODE23])."""

_CONTAINER_SUFFIX = string.ascii_lowercase + string.digits


def pending_upload_container(workspace_guid: str, pending_upload_id: str) -> str:
    """The blob container a pending upload hands out: ``{workspaceId}-{26 lower-case letters and digits}``, a
    container of its own; the answer's ``blobUri`` is that container's ROOT and its SAS a container SAS
    (``sr=c``) ([CODE23]: the client then writes ``code.txt`` straight under it). The same upload id gives the
    same container (the action is CreateOrGet)."""
    digest = hashlib.sha256(pending_upload_id.encode("utf-8")).digest()
    suffix = "".join(_CONTAINER_SUFFIX[byte % len(_CONTAINER_SUFFIX)] for byte in digest[:26])
    return f"{workspace_guid.lower()}-{suffix}"


def created_location(context: HandlerContext) -> dict[str, str]:
    """A version PUT (code, model, data, environment) or datastore PUT that creates answers 201 WITH a
    ``Location``: the resource's own URL with the request's query ([CODE23], [MOD26], [DATA26], [ENV24], [DS26]:
    the datastore's keeps ``skipValidation=true``). An update answers 200 without one ([OD22], a code version
    PUT again)."""
    query = context.request.raw_query
    return {"Location": f"{context.base_url}{context.request.path}" + (f"?{query}" if query else "")}


_RESOURCE_GROUPS_SEGMENT = re.compile(r"/resourcegroups/", re.IGNORECASE)


def model_uri_as_stored(uri: str) -> str:
    """A model's ``azureml://subscriptions/.../resourcegroups/...`` URI comes back with ``resourceGroups``
    ([MOD26]); other URIs are kept as sent."""
    if not uri.startswith("azureml://subscriptions/"):
        return uri
    return _RESOURCE_GROUPS_SEGMENT.sub("/resourceGroups/", uri, count=1)


_SHORT_DATASTORE_URI = re.compile(r"^azureml://datastores/(?P<rest>[^/]+/paths/.*)$", re.IGNORECASE)
_LONG_DATASTORE_URI = re.compile(
    r"^azureml://subscriptions/[^/]+/resourcegroups/[^/]+/workspaces/[^/]+/datastores/", re.I
)


def data_uri_as_stored(uri: str, data_type: str, *, subscription: str, resource_group: str, workspace: str) -> str:
    """A data version's short datastore URI ``azureml://datastores/<name>/paths/<path>`` comes back in the long
    form ``azureml://subscriptions/<s>/resourcegroups/<rg>/workspaces/<w>/datastores/<name>/paths/<path>/``
    (lower-case ``resourcegroups``) and, for ``uri_folder``, with a trailing ``/`` ([DATA26]). Not recorded: a
    ``uri_file`` (no ``/`` added here, a file is no folder), an ``mltable`` (a folder: ``/`` added) or a long
    form sent for a folder (``/`` added, the least echo-like answer)."""
    short = _SHORT_DATASTORE_URI.match(uri)
    if short is not None:
        uri = (
            f"azureml://subscriptions/{subscription}/resourcegroups/{resource_group}/workspaces/{workspace}/"
            f"datastores/{short.group('rest')}"
        )
    if data_type in ("uri_folder", "mltable") and _LONG_DATASTORE_URI.match(uri) and not uri.endswith("/"):
        uri += "/"
    return uri


DATA_STAGE = None
"""A data version's ``stage`` when none is sent: null ([DATA26]); a model version's is ``Development``
([MOD26])."""

MODEL_STAGE = "Development"

# ------------------------------------------------------------------------------------------ environment versions

ENVIRONMENT_LABELS = {"azureml.labels": "latest"}
"""The property the service adds to a new environment version ([ENV24])."""

ENVIRONMENT_STAGE = "Development"
"""An environment version's ``stage`` when none is sent ([ENV24])."""


def conda_file_as_stored(text: str) -> str:
    """A conda file sent as YAML text comes back as JSON text of the same document: two-space indent, keys in
    sorted order ([ENV24]; the 2022 [OD22] answer is the same). Text that is no YAML mapping is kept."""
    try:
        document = conda_yaml.load(text)
    except conda_yaml.Unsupported:
        return text
    if not isinstance(document, dict):
        return text
    return json.dumps(document, indent=2, sort_keys=True)


def environment_properties_as_sent(stored: JsonObject) -> JsonObject:
    """The property bag without the service's additions, to compare with a PUT of the same version."""
    return {key: value for key, value in stored.items() if key not in ENVIRONMENT_LABELS}


# ------------------------------------------------------------------------------------------ datastores

SERVICE_PRINCIPAL_RESOURCE_URL = "https://storage.azure.com/"
"""``credentials.resourceUrl`` an ADLS Gen2 datastore with a service principal gets when the client sends none
([DSG2])."""

SERVICE_PRINCIPAL_AUTHORITY_URL = "https://login.microsoftonline.com"
"""``credentials.authorityUrl`` for the same: the recorded client sent this value; that the service fills it
when none is sent is NOT recorded (filled here: the least echo-like answer)."""

WORKSPACE_DATASTORE_IDENTITY = "WorkspaceSystemAssignedIdentity"
"""``serviceDataAccessAuthIdentity`` of the workspace's own ``workspaceblobstore`` ([OD22], [MOD26])."""


def datastore_credentials(datastore_type: str, credentials: JsonObject) -> JsonObject:
    """Credentials as every read shows them: ``credentialsType`` and the non-secret members only, no ``secrets``
    key at all ([DS26]); for ADLS Gen2 with a service principal the service's ``resourceUrl`` (and
    ``authorityUrl``) filled in ([DSG2])."""
    shown = {key: value for key, value in credentials.items() if key != "secrets"}
    if datastore_type == "AzureDataLakeGen2" and shown.get("credentialsType") == "ServicePrincipal":
        shown["authorityUrl"] = shown.get("authorityUrl") or SERVICE_PRINCIPAL_AUTHORITY_URL
        shown["resourceUrl"] = shown.get("resourceUrl") or SERVICE_PRINCIPAL_RESOURCE_URL
    return shown


def datastore_property_bag(properties: JsonObject | None) -> JsonObject | None:
    """An empty ``properties`` bag comes back null ([DS26], [DSG2])."""
    return dict(properties) if properties else None


def datastore_storage_scope(properties: JsonObject) -> dict[str, Any]:
    """``subscriptionId`` and ``resourceGroup`` are always present, null when not sent ([DS26], [DSG2])."""
    return {name: properties.get(name) for name in ("subscriptionId", "resourceGroup")}


def workspace_datastore_view(subscription: str, resource_group: str) -> JsonObject:
    """What the workspace's own ``workspaceblobstore`` shows besides its storage: ``tags`` and ``properties``
    null, ``serviceDataAccessAuthIdentity`` ``WorkspaceSystemAssignedIdentity`` and the workspace's subscription
    and resource group ([MOD26], [DATA26]; [OD22] has the same nulls). ``workspacefilestore`` is not recorded; it
    gets the same here."""
    return {
        "tags": None,
        "properties": None,
        "serviceDataAccessAuthIdentity": WORKSPACE_DATASTORE_IDENTITY,
        "subscriptionId": subscription,
        "resourceGroup": resource_group,
    }


NO_SECRETS_MESSAGE = "No secrets for credentials of type None."
"""``listSecrets`` of an identity-based datastore (credentials ``None``) is a 400 with this message ([OE25])."""


def list_secrets_answer(request_body: Any, stored: JsonObject, issue_sas: Any) -> JsonObject:
    """``listSecrets``: without a body the account key is answered (``{"secretsType": "AccountKey", "key"}``,
    [OD22], 2022); with ``{"expirableSecret": true, ...}`` a SAS instead (``{"secretsType": "Sas", "sasToken":
    "?..."}``, [DS26], [MOD26], 2026). A body of ``{}`` (what this project's provider sends) is not recorded: it
    is answered as no body. ``issue_sas()`` makes the SAS (a container SAS here; the recorded one is an account
    SAS)."""
    expirable = isinstance(request_body, dict) and request_body.get("expirableSecret") is True
    if expirable and stored.get("secretsType") == "AccountKey":
        return {"secretsType": "Sas", "sasToken": f"?{issue_sas()}"}
    return dict(stored)
