"""What a request body may hold, as data: one declarative table per resource type, and the one walker that
applies them (types, integer formats, enums, required members, patterns, lengths, closed objects).

The facts are those of Azure ML's published REST specification (``Azure/azure-rest-api-specs``,
``specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01``:
``machineLearningServices.json`` for computes, ``mfe.json`` for batch endpoints and deployments,
``workspaceRP.json``/TypeSpec ``openapi.json`` for workspaces), written here in this emulator's own form so an
installed package needs nothing beside it. Where the service reads a body, it reads it with Newtonsoft.Json into
typed .NET models, and the walker refuses what that reader refuses:

* ``int32``/``int64``: only a JSON integer token within range. ``2.0`` is refused ("Input string '2.0' is not a
  valid integer", ``JsonTextReader.ReadAsInt32``), a string or boolean too ("Error converting value ...");
* ``boolean``: only ``true``/``false``;
* enums (``x-ms-enum`` with ``modelAsString``): any casing of a declared value, stored canonically (the service's
  own recordings send ``aadToken`` and read back ``AADToken``); anything else is refused;
* ``required``, ``pattern``, ``minLength``/``maxLength``, ``minimum``/``maximum`` and
  ``additionalProperties: false`` as declared.

Handlers validate a body against its table first (:func:`conform`), then apply the rules that are not about one
value (cross-field rules, create-only fields, server defaults).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .messages import bad_request

Kind = Literal["int32", "int64", "number", "boolean", "string", "duration", "object", "array", "map", "any"]

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_NET_TYPES = {"int32": "System.Int32", "int64": "System.Int64", "boolean": "System.Boolean"}


@dataclass(frozen=True)
class Prop:
    """One value's declaration."""

    kind: Kind
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    members: Mapping[str, Prop] = field(default_factory=dict)
    """Members of an ``object``."""
    closed: bool = False
    """``additionalProperties: false``: an undeclared member is refused."""
    items: Prop | None = None
    """Items of an ``array``, values of a ``map``."""
    discriminator: str | None = None
    """An ``object`` whose member ``variant_member`` is declared per value of its member ``discriminator``."""
    variant_member: str = ""
    variants: Mapping[str, Prop] = field(default_factory=dict)


def obj(members: Mapping[str, Prop] | None = None, *, required: bool = False, closed: bool = False) -> Prop:
    return Prop("object", required=required, members=dict(members or {}), closed=closed)


def string(**rules: Any) -> Prop:
    return Prop("string", **rules)


def enum(*values: str, required: bool = False) -> Prop:
    return Prop("string", enum=values, required=required)


INT32 = Prop("int32")
INT64 = Prop("int64")
BOOLEAN = Prop("boolean")
STRING = Prop("string")
DURATION = Prop("duration")
ANY = Prop("any")
STRING_MAP = Prop("map", items=Prop("string"))
"""``map<string, string>``; a null value passes here (PATCH removes a tag with it) and handlers decide."""


def array(items: Prop, *, required: bool = False) -> Prop:
    return Prop("array", items=items, required=required)


# ---------------------------------------------------------------------------------------------- the walker


def conform(table: Prop, value: Any, path: str = "") -> Any:
    """``value`` checked against ``table``, with enum values in their canonical casing; a 400 otherwise."""
    where = path or "body"
    if value is None:
        return None
    kind = table.kind
    if kind in ("int32", "int64"):
        return _integer(table, value, where)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise bad_request(
                f"Error converting value {_token(value)} to type 'System.Double'. Path '{where}'.", target=where
            )
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise bad_request(
                f"Error converting value {_token(value)} to type 'System.Boolean'. Path '{where}'.", target=where
            )
        return value
    if kind in ("string", "duration"):
        return _string(table, value, where)
    if kind == "array":
        if not isinstance(value, list):
            raise bad_request(f"'{where}' must be an array.", target=where)
        item = table.items or ANY
        for index, entry in enumerate(value):
            if entry is None and item.kind != "any":
                raise _null_item(item, f"{where}[{index}]")
        return [conform(item, entry, f"{where}[{index}]") for index, entry in enumerate(value)]
    if kind == "map":
        if not isinstance(value, dict):
            raise bad_request(f"'{where}' must be a JSON object.", target=where)
        item = table.items or ANY
        return {name: conform(item, entry, f"{where}.{name}") for name, entry in value.items()}
    if kind == "object":
        return _object(table, value, path)
    return value


def _object(table: Prop, value: Any, path: str) -> Any:
    where = path or "body"
    if not isinstance(value, dict):
        raise bad_request(f"'{where}' must be a JSON object.", target=where)
    result = dict(value)
    for name, declared in table.members.items():
        member_path = f"{path}.{name}" if path else name
        if declared.required and value.get(name) is None:
            raise bad_request(f"The field '{member_path}' is required.", target=member_path)
        if name in value:
            result[name] = conform(declared, value[name], member_path)
    if table.discriminator and table.variant_member in value:
        selector = result.get(table.discriminator)
        variant = table.variants.get(selector) if isinstance(selector, str) else None
        if variant is not None:
            member_path = f"{path}.{table.variant_member}" if path else table.variant_member
            result[table.variant_member] = conform(variant, value[table.variant_member], member_path)
    if table.closed:
        allowed = set(table.members) | ({table.variant_member} if table.discriminator else set())
        for name in value:
            if name not in allowed:
                member_path = f"{path}.{name}" if path else name
                raise bad_request(
                    f"Could not find member '{name}' on object. Path '{member_path}'; allowed members: "
                    f"{', '.join(sorted(allowed))}.",
                    target=member_path,
                )
    return result


def _null_item(item: Prop, where: str) -> Exception:
    """A ``null`` list item (issue 23: ``schedule.hours: [null]`` was a 500). Newtonsoft.Json cannot read ``null``
    into a list of a .NET value type (numbers, booleans, and ``modelAsString`` enums, which AutoRest makes structs)
    and says so; a ``null`` object or string in a list is refused by this emulator too (nothing recorded; the
    service's models have no use for one), naming the item."""
    net = _NET_TYPES.get(item.kind, "System.Double" if item.kind == "number" else None)
    if net is not None:
        return bad_request(f"Error converting value {{null}} to type '{net}'. Path '{where}'.", target=where)
    return bad_request(f"'{where}' must not be null.", target=where)


def _integer(table: Prop, value: Any, where: str) -> int:
    net = _NET_TYPES[table.kind]
    if isinstance(value, float):
        raise bad_request(f"Input string '{_token(value)}' is not a valid integer. Path '{where}'.", target=where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"Error converting value {_token(value)} to type '{net}'. Path '{where}'.", target=where)
    low, high = _INT_RANGES[table.kind]
    if not low <= value <= high:
        raise bad_request(
            f"JSON integer {value} is too large or small for an {net.split('.')[-1]}. Path '{where}'.", target=where
        )
    if table.minimum is not None and value < table.minimum:
        raise bad_request(f"'{where}' must be greater than or equal to {table.minimum}.", target=where)
    if table.maximum is not None and value > table.maximum:
        raise bad_request(f"'{where}' must be less than or equal to {table.maximum}.", target=where)
    return value


def _string(table: Prop, value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise bad_request(f"'{where}' must be a string, got {_token(value)}.", target=where)
    if table.enum:
        for candidate in table.enum:
            if candidate.lower() == value.lower():
                return candidate
        raise bad_request(
            f"'{where}' has the invalid value {value!r}; allowed values: {', '.join(table.enum)}.", target=where
        )
    if table.min_length is not None and len(value) < table.min_length:
        raise bad_request(f"'{where}' must be at least {table.min_length} character(s) long.", target=where)
    if table.max_length is not None and len(value) > table.max_length:
        raise bad_request(f"'{where}' must be at most {table.max_length} characters long.", target=where)
    if table.pattern is not None and re.search(table.pattern, value) is None:
        raise bad_request(f"'{where}' value '{value}' does not match the pattern '{table.pattern}'.", target=where)
    if table.kind == "duration" and _DURATION.match(value) is None:
        raise bad_request(f"'{where}' must be an ISO-8601 duration such as 'PT5M', got {value!r}.", target=where)
    return value


_DURATION = re.compile(
    r"^-?P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)
"""``format: duration`` (ISO 8601, as .NET's ``XmlConvert.ToTimeSpan`` reads it)."""


def _token(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value[:80]}"'
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, list):
        return "[...]"
    return str(value)[:80]


# ---------------------------------------------------------------------------------------------- common types

SKU = obj(
    {
        "name": string(required=True, min_length=1),
        "tier": enum("Free", "Basic", "Standard", "Premium"),
        "size": STRING,
        "family": STRING,
        "capacity": INT32,
    }
)
"""common-types v3 ``Sku``."""

IDENTITY = obj(
    {
        "type": enum("None", "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned", required=True),
        "userAssignedIdentities": Prop("map", items=ANY),
    }
)
"""common-types v3 ``ManagedServiceIdentity``."""

# ---------------------------------------------------------------------------------------------- computes

_RESOURCE_ID = obj({"id": string(required=True, min_length=1)})

SCALE_SETTINGS = obj(
    {"maxNodeCount": Prop("int32", required=True), "minNodeCount": INT32, "nodeIdleTimeBeforeScaleDown": DURATION}
)

AML_COMPUTE_PROPERTIES = obj(
    {
        "osType": enum("Linux", "Windows"),
        "vmSize": STRING,
        "vmPriority": enum("Dedicated", "LowPriority"),
        "virtualMachineImage": _RESOURCE_ID,
        "isolatedNetwork": BOOLEAN,
        "scaleSettings": SCALE_SETTINGS,
        "userAccountCredentials": obj(
            {"adminUserName": string(required=True), "adminUserSshPublicKey": STRING, "adminUserPassword": STRING}
        ),
        "subnet": _RESOURCE_ID,
        "remoteLoginPortPublicAccess": enum("Enabled", "Disabled", "NotSpecified"),
        "enableNodePublicIp": BOOLEAN,
        "propertyBag": ANY,
    }
)
"""``AmlComputeProperties``."""

_SCRIPT = obj({"scriptSource": STRING, "scriptData": STRING, "scriptArguments": STRING, "timeout": STRING})

SCHEDULE = obj(
    {
        "status": enum("Enabled", "Disabled"),
        "action": enum("Start", "Stop"),
        "triggerType": enum("Recurrence", "Cron"),
        "recurrence": obj(
            {
                "frequency": enum("Minute", "Hour", "Day", "Week", "Month"),
                "interval": INT32,
                "startTime": STRING,
                "timeZone": STRING,
                "schedule": obj(
                    {
                        "hours": array(INT32, required=True),
                        "minutes": array(INT32, required=True),
                        "monthDays": array(INT32),
                        "weekDays": array(
                            enum("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
                        ),
                    },
                    closed=True,
                ),
            }
        ),
        "cron": obj({"startTime": STRING, "timeZone": STRING, "expression": STRING}),
    }
)
"""``ComputeStartStopSchedule`` (its ``ComputeRecurrenceSchedule`` is ``additionalProperties: false``)."""

COMPUTE_INSTANCE_PROPERTIES = obj(
    {
        "vmSize": STRING,
        "subnet": _RESOURCE_ID,
        "applicationSharingPolicy": enum("Personal", "Shared"),
        "sshSettings": obj({"sshPublicAccess": enum("Enabled", "Disabled"), "adminPublicKey": STRING}),
        "customServices": array(ANY),
        "computeInstanceAuthorizationType": enum("personal"),
        "personalComputeInstanceSettings": obj(
            {"assignedUser": obj({"objectId": string(required=True), "tenantId": string(required=True)})}
        ),
        "setupScripts": obj({"scripts": obj({"startupScript": _SCRIPT, "creationScript": _SCRIPT})}),
        "schedules": obj({"computeStartStop": array(SCHEDULE)}),
        "enableNodePublicIp": BOOLEAN,
        "enableSSO": BOOLEAN,
        "enableOSPatching": BOOLEAN,
        "enableRootAccess": BOOLEAN,
        "releaseQuotaOnStop": BOOLEAN,
        "idleTimeBeforeShutdown": STRING,
    }
)
"""``ComputeInstanceProperties`` (plus the 2026-03-01 ``enableSSO``/``enableOSPatching``/``enableRootAccess``/
``releaseQuotaOnStop`` flags and ``idleTimeBeforeShutdown``)."""

COMPUTE_TYPES = (
    "AKS",
    "Kubernetes",
    "AmlCompute",
    "ComputeInstance",
    "DataFactory",
    "VirtualMachine",
    "HDInsight",
    "Databricks",
    "DataLakeAnalytics",
    "SynapseSpark",
)

COMPUTE = obj(
    {
        "location": STRING,
        "tags": STRING_MAP,
        "sku": SKU,
        "identity": IDENTITY,
        "properties": Prop(
            "object",
            required=True,
            members={
                "computeType": enum(*COMPUTE_TYPES, required=True),
                "computeLocation": STRING,
                "description": STRING,
                "resourceId": STRING,
                "disableLocalAuth": BOOLEAN,
            },
            discriminator="computeType",
            variant_member="properties",
            variants={"AmlCompute": AML_COMPUTE_PROPERTIES, "ComputeInstance": COMPUTE_INSTANCE_PROPERTIES},
        ),
    }
)
"""PUT body of a compute: ``ComputeResource`` with the ``Compute`` discriminated by ``computeType``."""

COMPUTE_PATCH = obj({"properties": obj({"properties": obj({"scaleSettings": SCALE_SETTINGS})})})
"""``ClusterUpdateParameters``."""

# ---------------------------------------------------------------------------------------------- batch

_TRACKED = {
    "location": string(required=True, min_length=1),
    "tags": STRING_MAP,
    "kind": STRING,
    "identity": IDENTITY,
    "sku": SKU,
    # Read-only members a client may send back from a GET; the service ignores them.
    "id": ANY,
    "name": ANY,
    "type": ANY,
    "systemData": ANY,
}

BATCH_ENDPOINT = obj(
    {
        **_TRACKED,
        "properties": obj(
            {
                "authMode": enum("AMLToken", "Key", "AADToken", required=True),
                "description": STRING,
                "keys": obj({"primaryKey": STRING, "secondaryKey": STRING}, closed=True),
                "properties": STRING_MAP,
                "defaults": obj({"deploymentName": STRING}, closed=True),
                "scoringUri": ANY,
                "swaggerUri": ANY,
                "provisioningState": ANY,
            },
            required=True,
            closed=True,
        ),
    },
    closed=True,
)
"""``BatchEndpointTrackedResource`` (closed at both levels)."""

BATCH_ENDPOINT_PATCH = obj(
    {"tags": STRING_MAP, "identity": obj({"type": IDENTITY.members["type"], "userAssignedIdentities": ANY})},
    closed=True,
)
"""``PartialMinimalTrackedResourceWithIdentity``."""

ASSET_ID = string(pattern=r"(?i)^(/subscriptions/[^/]+/resourceGroups/[^/]+/providers/[^/]+/|azureml://registries/)")
"""An asset (model, environment, code, component) as the service receives it: a full ARM id or a registry
reference. Azure ML's own clients resolve ``azureml:<name>:<version>`` before sending (their recorded PUTs carry
only full ids), and this emulator refuses the short form rather than guess that the service resolves it."""

COMPUTE_ID = string(
    pattern=r"(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.MachineLearningServices/"
    r"workspaces/[^/]+/computes/[^/]+$"
)
"""A batch deployment's ``compute``: the compute's ARM id, as the recorded PUTs send it."""

_ASSET_REFERENCE = obj(
    {
        "referenceType": enum("Id", "DataPath", "OutputPath", required=True),
        "assetId": ASSET_ID,
        "datastoreId": STRING,
        "path": STRING,
        "jobId": STRING,
    }
)
"""``AssetReferenceBase`` and its three variants (each variant's closed member list is the handler's)."""

BATCH_DEPLOYMENT = obj(
    {
        **_TRACKED,
        "properties": obj(
            {
                "codeConfiguration": obj(
                    {"codeId": ASSET_ID, "scoringScript": string(required=True, min_length=1, pattern="[a-zA-Z0-9_]")},
                    closed=True,
                ),
                "description": STRING,
                "environmentId": ASSET_ID,
                "environmentVariables": STRING_MAP,
                "properties": STRING_MAP,
                "compute": COMPUTE_ID,
                "deploymentConfiguration": obj(
                    {
                        "deploymentConfigurationType": enum("Model", "PipelineComponent", required=True),
                        "componentId": _ASSET_REFERENCE,
                    }
                ),
                "errorThreshold": INT32,
                "loggingLevel": enum("Info", "Warning", "Debug"),
                "maxConcurrencyPerInstance": INT32,
                "miniBatchSize": INT64,
                "model": _ASSET_REFERENCE,
                "outputAction": enum("SummaryOnly", "AppendRow"),
                "outputFileName": STRING,
                "resources": obj(
                    {"instanceCount": INT32, "instanceType": STRING, "properties": Prop("map", items=ANY)}, closed=True
                ),
                "retrySettings": obj({"maxRetries": INT32, "timeout": DURATION}, closed=True),
                "provisioningState": ANY,
            },
            required=True,
            closed=True,
        ),
    },
    closed=True,
)
"""``BatchDeploymentTrackedResource`` (``BatchDeployment`` + ``EndpointDeploymentPropertiesBase``, closed)."""

BATCH_DEPLOYMENT_PATCH = obj({"properties": obj({"description": STRING}, closed=True), "tags": STRING_MAP}, closed=True)
"""``PartialBatchDeploymentPartialMinimalTrackedResourceWithProperties``."""

# ---------------------------------------------------------------------------------------------- workspaces

_SERVERLESS = obj({"serverlessComputeCustomSubnet": STRING, "serverlessComputeNoPublicIP": BOOLEAN})
_SERVICE_MANAGED = obj({"cosmosDb": obj({"collectionsThroughput": INT32})})
_FEATURE_STORE = obj(
    {
        "computeRuntime": obj({"sparkRuntimeVersion": STRING}),
        "offlineStoreConnectionName": STRING,
        "onlineStoreConnectionName": STRING,
    }
)
_MANAGED_NETWORK = obj(
    {
        "enableFirewallLog": BOOLEAN,
        "enableNetworkMonitor": BOOLEAN,
        "isolationMode": enum("Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"),
        "outboundRules": Prop(
            "map",
            items=obj(
                {
                    "type": enum("FQDN", "PrivateEndpoint", "ServiceTag", required=True),
                    "category": enum("Required", "Recommended", "UserDefined", "Dependency"),
                }
            ),
        ),
        "firewallSku": enum("Standard", "Basic"),
        "managedNetworkKind": enum("V1", "V2"),
    }
)
_ENCRYPTION = obj(
    {
        "status": enum("Enabled", "Disabled", required=True),
        "identity": obj({"userAssignedIdentity": STRING}),
        "keyVaultProperties": obj(
            {
                "keyVaultArmId": string(required=True, min_length=1),
                "keyIdentifier": string(required=True, min_length=1),
                "identityClientId": STRING,
            },
            required=True,
        ),
    }
)
_WORKSPACE_COMMON = {
    "description": STRING,
    "friendlyName": STRING,
    "imageBuildCompute": STRING,
    "serviceManagedResourcesSettings": _SERVICE_MANAGED,
    "primaryUserAssignedIdentity": STRING,
    "serverlessComputeSettings": _SERVERLESS,
    "publicNetworkAccess": enum("Enabled", "Disabled"),
    "applicationInsights": STRING,
    "containerRegistry": STRING,
    "featureStoreSettings": _FEATURE_STORE,
    "managedNetwork": _MANAGED_NETWORK,
    "enableDataIsolation": BOOLEAN,
    "systemDatastoresAuthMode": enum("AccessKey", "Identity", "UserDelegationSAS"),
    "v1LegacyMode": BOOLEAN,
}

WORKSPACE = obj(
    {
        "location": STRING,
        "tags": STRING_MAP,
        "sku": SKU,
        "identity": IDENTITY,
        "kind": STRING,
        "properties": obj(
            {
                **_WORKSPACE_COMMON,
                "keyVault": STRING,
                "storageAccount": STRING,
                "encryption": _ENCRYPTION,
                "hbiWorkspace": BOOLEAN,
                "provisionNetworkNow": BOOLEAN,
                "allowPublicAccessWhenBehindVnet": BOOLEAN,
                "sharedPrivateLinkResources": array(
                    obj(
                        {
                            "name": STRING,
                            "properties": obj(
                                {
                                    "privateLinkResourceId": STRING,
                                    "groupId": STRING,
                                    "requestMessage": STRING,
                                    "status": enum("Approved", "Pending", "Rejected", "Disconnected", "Timeout"),
                                }
                            ),
                        }
                    )
                ),
                "associatedWorkspaces": array(STRING),
                "enableServiceSideCMKEncryption": BOOLEAN,
                "hubResourceId": STRING,
                "workspaceHubConfig": obj(
                    {"additionalWorkspaceStorageAccounts": array(STRING), "defaultWorkspaceResourceGroup": STRING}
                ),
            }
        ),
    }
)
"""``Workspace`` PUT body (``WorkspaceProperties``; read-only members are ignored, as the service does)."""

WORKSPACE_PATCH = obj(
    {
        "tags": STRING_MAP,
        "sku": SKU,
        "identity": IDENTITY,
        "properties": obj({**_WORKSPACE_COMMON, "encryption": ANY}),
    }
)
"""``WorkspaceUpdateParameters``."""

# ---------------------------------------------------------------------------------------------- datastores and
# environment versions (mfe.json 2025-12-01: ``DatastoreResource``, ``EnvironmentVersionResource``)

_PROXY = {"id": ANY, "name": ANY, "type": ANY, "systemData": ANY}
"""Read-only members of a ``ProxyResource`` a client may send back from a GET; the service ignores them."""

DATASTORE_TYPES = ("AzureBlob", "AzureDataLakeGen1", "AzureDataLakeGen2", "AzureFile", "OneLake")
CREDENTIALS_TYPES = ("AccountKey", "Certificate", "None", "Sas", "ServicePrincipal")
SERVICE_DATA_ACCESS_AUTH_IDENTITIES = ("None", "WorkspaceSystemAssignedIdentity", "WorkspaceUserAssignedIdentity")

DATASTORE = obj(
    {
        **_PROXY,
        "properties": obj(
            {
                "datastoreType": enum(*DATASTORE_TYPES, required=True),
                # Discriminated by credentialsType; each variant's closed member list is the handler's.
                "credentials": obj({"credentialsType": enum(*CREDENTIALS_TYPES, required=True)}, required=True),
                "description": STRING,
                "tags": STRING_MAP,
                "properties": STRING_MAP,
                "isDefault": BOOLEAN,
                "accountName": STRING,
                "containerName": STRING,
                "filesystem": STRING,
                "fileShareName": STRING,
                "storeName": STRING,
                "endpoint": STRING,
                "protocol": STRING,
                "serviceDataAccessAuthIdentity": enum(*SERVICE_DATA_ACCESS_AUTH_IDENTITIES),
                "resourceGroup": STRING,
                "subscriptionId": STRING,
            },
            required=True,
        ),
    },
    closed=True,
)
"""``DatastoreResource``: ``DatastoreProperties`` discriminated by ``datastoreType`` (each variant closed: the
handler checks the members per type)."""

_ROUTE = obj(
    {"path": string(required=True, min_length=1, pattern="[a-zA-Z0-9_]"), "port": Prop("int32", required=True)},
    closed=True,
)

ENVIRONMENT_VERSION = obj(
    {
        **_PROXY,
        "properties": obj(
            {
                "description": STRING,
                "tags": STRING_MAP,
                "properties": STRING_MAP,
                "isAnonymous": BOOLEAN,
                "isArchived": BOOLEAN,
                "autoRebuild": enum("Disabled", "OnBaseImageUpdate"),
                "build": obj(
                    {
                        "contextUri": string(required=True, min_length=1, pattern="[a-zA-Z0-9_]"),
                        "dockerfilePath": STRING,
                    },
                    closed=True,
                ),
                "condaFile": STRING,
                "environmentType": ANY,
                "image": STRING,
                "inferenceConfig": obj(
                    {"livenessRoute": _ROUTE, "readinessRoute": _ROUTE, "scoringRoute": _ROUTE}, closed=True
                ),
                "osType": enum("Linux", "Windows"),
                "provisioningState": ANY,
                "stage": STRING,
            },
            required=True,
            closed=True,
        ),
    },
    closed=True,
)
"""``EnvironmentVersionResource`` (``EnvironmentVersion`` + ``AssetBase`` + ``ResourceBase``, closed)."""


# ---------------------------------------------------------------------------------------------- online endpoints
# mfe.json 2025-12-01: ``OnlineEndpointTrackedResource``, ``OnlineDeploymentTrackedResource`` (``Managed`` and
# ``Kubernetes`` variants of ``OnlineDeployment``), ``PartialMinimalTrackedResourceWithIdentity`` (endpoint PATCH),
# ``PartialMinimalTrackedResourceWithSku`` (deployment PATCH), ``RegenerateEndpointKeysRequest``,
# ``DeploymentLogsRequest``.

_TRAFFIC = Prop("map", items=INT32)
"""``traffic`` and ``mirrorTraffic``: ``map<string, int32>`` (the sums are the handler's rules)."""

ONLINE_ENDPOINT = obj(
    {
        **_TRACKED,
        "properties": obj(
            {
                "authMode": enum("AMLToken", "Key", "AADToken", required=True),
                "description": STRING,
                "keys": obj({"primaryKey": STRING, "secondaryKey": STRING}, closed=True),
                "properties": STRING_MAP,
                "compute": COMPUTE_ID,
                "publicNetworkAccess": enum("Enabled", "Disabled"),
                "traffic": _TRAFFIC,
                "mirrorTraffic": _TRAFFIC,
                "scoringUri": ANY,
                "swaggerUri": ANY,
                "provisioningState": ANY,
            },
            required=True,
            closed=True,
        ),
    },
    closed=True,
)
"""``OnlineEndpointTrackedResource`` (closed at both levels)."""

ONLINE_ENDPOINT_PATCH = BATCH_ENDPOINT_PATCH
"""``PartialMinimalTrackedResourceWithIdentity``, as for batch endpoints."""

PROBE = obj(
    {
        "failureThreshold": INT32,
        "initialDelay": DURATION,
        "period": DURATION,
        "successThreshold": INT32,
        "timeout": DURATION,
    },
    closed=True,
)
"""``ProbeSettings``."""

ONLINE_SCALE_SETTINGS = obj(
    {
        "scaleType": enum("Default", "TargetUtilization", required=True),
        "maxInstances": INT32,
        "minInstances": INT32,
        "pollingInterval": DURATION,
        "targetUtilizationPercentage": INT32,
    },
    closed=True,
)
"""``OnlineScaleSettings`` (``DefaultScaleSettings`` | ``TargetUtilizationScaleSettings``; the members of the
second variant are refused on the first by the handler)."""

_RESOURCE_QUANTITY = obj({"cpu": STRING, "gpu": STRING, "memory": STRING}, closed=True)

ONLINE_DEPLOYMENT = obj(
    {
        **_TRACKED,
        "properties": obj(
            {
                "endpointComputeType": enum("Managed", "Kubernetes", "AzureMLCompute", required=True),
                "codeConfiguration": obj(
                    {"codeId": ASSET_ID, "scoringScript": string(required=True, min_length=1, pattern="[a-zA-Z0-9_]")},
                    closed=True,
                ),
                "description": STRING,
                "environmentId": ASSET_ID,
                "environmentVariables": STRING_MAP,
                "properties": STRING_MAP,
                "appInsightsEnabled": BOOLEAN,
                "dataCollector": ANY,
                "egressPublicNetworkAccess": enum("Enabled", "Disabled"),
                "instanceType": STRING,
                "livenessProbe": PROBE,
                "readinessProbe": PROBE,
                "startupProbe": PROBE,
                "model": ASSET_ID,
                "modelMountPath": STRING,
                "requestSettings": obj(
                    {"maxConcurrentRequestsPerInstance": INT32, "maxQueueWait": DURATION, "requestTimeout": DURATION},
                    closed=True,
                ),
                "scaleSettings": ONLINE_SCALE_SETTINGS,
                "containerResourceRequirements": obj(
                    {"containerResourceLimits": _RESOURCE_QUANTITY, "containerResourceRequests": _RESOURCE_QUANTITY},
                    closed=True,
                ),
                "provisioningState": ANY,
            },
            required=True,
            closed=True,
        ),
    },
    closed=True,
)
"""``OnlineDeploymentTrackedResource`` (closed at both levels)."""

ONLINE_DEPLOYMENT_PATCH = obj(
    {
        "tags": STRING_MAP,
        "sku": obj(
            {
                "capacity": INT32,
                "family": STRING,
                "name": STRING,
                "size": STRING,
                "tier": enum("Free", "Basic", "Standard", "Premium"),
            },
            closed=True,
        ),
    },
    closed=True,
)
"""``PartialMinimalTrackedResourceWithSku`` (sku is a ``PartialSku``: every member optional)."""

REGENERATE_KEYS = obj(
    {"keyType": enum("Primary", "Secondary", required=True), "keyValue": STRING},
    closed=True,
)
"""``RegenerateEndpointKeysRequest``."""

DEPLOYMENT_LOGS = obj(
    {"containerType": enum("StorageInitializer", "InferenceServer", "ModelDataCollector"), "tail": INT32},
    closed=True,
)
"""``DeploymentLogsRequest``."""
