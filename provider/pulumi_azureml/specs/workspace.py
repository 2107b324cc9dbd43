"""The Workspace resource type as data: an Azure ML workspace with its update/replace table.

Update/replace table (``update`` on each field; ``update_source`` says why). The spec has no ``x-ms-mutability`` on
any workspace property, so "create-only" means "absent from the PATCH body
``WorkspaceUpdateParameters``"; every in-place change is a PATCH of just the changed fields:

=================================================  ===========  ===================================================
field                                              how          why
=================================================  ===========  ===================================================
placement (subscription, group, name), location    replace      path parameters; location is create-only
storage_account, key_vault                         replace      "cannot be changed once the workspace has been
                                                                created"
kind, hbi_workspace,                               replace      not in WorkspaceUpdateParameters
allow_public_access_when_behind_vnet,
shared_private_link_resources, associated_workspaces,
hub_resource_id, workspace_hub_config,
enable_service_side_customer_managed_key_encryption
encryption (status, vault, identity, BYO ids)      replace      only keyVaultProperties.keyIdentifier is in
                                                                EncryptionUpdateProperties
encryption_key_identifier                          PATCH        EncryptionUpdateProperties.keyVaultProperties
friendly_name, description, application_insights,  PATCH        WorkspacePropertiesUpdateParameters
container_registry, image_build_compute,
primary_user_assigned_identity,
public_network_access, v1_legacy_mode,
system_datastores_auth_mode, enable_data_isolation,
serverless_compute_settings, feature_store_settings,
service_managed_resources_settings
managed_network                                    PATCH        in WorkspacePropertiesUpdateParameters; but
                                                   (replace     managed_network_kind "cannot switch back to V1
                                                   V2 → V1)     once V2 is enabled" (spec ManagedNetworkSettings)
tags, sku, identity                                PATCH        WorkspaceUpdateParameters envelope
provision_network_now                              none         a create-time trigger: nothing to apply later
purge_on_delete, api_version, timeouts,            none         provider-side; purge_on_delete is only read at
adopt_existing                                                  delete (it must be in state before the delete)
=================================================  ===========  ===================================================

Delete: ``forceToPurge=true`` when ``purge_on_delete`` is set. Without it Azure soft-deletes the
workspace and keeps its name blocked for 14 days, so a replacement that keeps the name (delete-before-replace)
only succeeds with ``purge_on_delete=True`` already in state. The clean-up of a create that ended ``Failed``
always purges: a workspace that never finished creating holds nothing to recover and must not block its own name.

Values the service fills when they are not given (``sku``, ``kind``, ``identity``, the booleans, the network and
datastore modes, the storage/key vault/insights/registry ids of hub-owned ``Project`` workspaces, and the
registry Azure ML attaches on the first image build) are ``server_default``: leaving them unset is never drift.
So are ``friendly_name`` and ``description``, which real GETs return as ``""`` when unset (seed walkthrough).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from pulumi_azureml.schema import (
    Field,
    HookContext,
    Output,
    ResourceSpec,
    Timeouts,
    UpdateRule,
    case_insensitive_equivalent,
    from_wire,
    get_path,
    same_value,
    to_wire,
)
from pulumi_azureml.specs.common import (
    META_FIELDS,
    RESOURCE_GROUP_NAME,
    SUBSCRIPTION_ID,
    WORKSPACE_PATH,
    WORKSPACE_PATTERN,
    identity_field,
    location_field,
    sku_field,
    tags_field,
)
from pulumi_azureml.validation import INT32_MAX, arm_id, validate_value

PATH = WORKSPACE_PATH.replace("{workspace_name}", "{name}")

_PATCH = "WorkspacePropertiesUpdateParameters accepts it"
_ENVELOPE_PATCH = "WorkspaceUpdateParameters accepts it"
_NOT_PATCHABLE = "not in WorkspaceUpdateParameters, so create-only"
_IMMUTABLE = "'cannot be changed once the workspace has been created'"


def _arm_id_field(name: str, wire: str, description: str, update: UpdateRule, source: str) -> Field:
    """An ARM id input: validated, compared without case (ids come back in any case)."""
    return Field(
        name,
        wire=wire,
        description=description,
        validate=arm_id,
        equivalent=case_insensitive_equivalent,
        update=update,
        update_source=source,
        server_default=True,
    )


# -- encryption --------------------------------------------------------------------------------------------------

ENCRYPTION = Field(
    "encryption",
    wire="properties.encryption",
    type="object",
    description="Customer-managed key encryption, fixed at create. The key itself is encryption_key_identifier "
    "(the one part that changes in place).",
    update_source="EncryptionUpdateProperties carries only the key identifier",
    fields=(
        Field("status", wire="status", required=True, choices=("Enabled", "Disabled")),
        Field(
            "key_vault_id",
            wire="keyVaultProperties.keyVaultArmId",
            required=True,
            validate=arm_id,
            equivalent=case_insensitive_equivalent,
            description="ARM id of the Key Vault holding the key.",
        ),
        Field(
            "identity_client_id",
            wire="keyVaultProperties.identityClientId",
            server_default=True,
            description="Client id of the identity that reads the key (the service returns '' when unset).",
        ),
        Field(
            "user_assigned_identity",
            wire="identity.userAssignedIdentity",
            validate=arm_id,
            equivalent=case_insensitive_equivalent,
            server_default=True,
            description="ARM id of the user-assigned identity used with the Key Vault.",
        ),
        Field("cosmos_db_resource_id", wire="cosmosDbResourceId", equivalent=case_insensitive_equivalent),
        Field("search_account_resource_id", wire="searchAccountResourceId", equivalent=case_insensitive_equivalent),
        Field("storage_account_resource_id", wire="storageAccountResourceId", equivalent=case_insensitive_equivalent),
    ),
)

# Declared after ENCRYPTION on purpose: build_body writes fields in order, and this one is nested inside the
# encryption object, so it must be written into it rather than be overwritten by it.
ENCRYPTION_KEY_IDENTIFIER = Field(
    "encryption_key_identifier",
    wire="properties.encryption.keyVaultProperties.keyIdentifier",
    description="Key Vault key URL of the customer-managed key (with encryption). Rotating it is a PATCH.",
    update="patch",
    update_source="EncryptionUpdateProperties.keyVaultProperties.keyIdentifier",
)

# -- managed network ------------------------------------------------------------------------------------------------


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def _destination_to_wire(value: Any) -> Any:
    """FQDN rules have a string destination; ServiceTag/PrivateEndpoint rules an object (snake_case in inputs)."""
    if isinstance(value, Mapping):
        return {_camel(key): item for key, item in value.items()}
    return value


def _destination_from_wire(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {_snake(key): item for key, item in value.items()}
    return value


def _destination_equivalent(desired: Any, actual: Any) -> bool:
    """Host names compare without case; an object compares only the keys the program sets (the service adds
    read-only ones such as ``address_prefixes``)."""
    if isinstance(desired, str) and isinstance(actual, str):
        return desired.lower() == actual.lower()
    if isinstance(desired, Mapping) and isinstance(actual, Mapping):
        return all(actual.get(key) == item for key, item in desired.items() if item is not None)
    return bool(desired == actual)


OUTBOUND_RULE = Field(
    "rule",
    type="object",
    fields=(
        Field("type", wire="type", required=True, choices=("FQDN", "PrivateEndpoint", "ServiceTag")),
        Field(
            "category",
            wire="category",
            choices=("Required", "Recommended", "UserDefined", "Dependency"),
            server_default=True,
        ),
        Field(
            "destination",
            wire="destination",
            type="any",
            description="FQDN: a host name; ServiceTag: {service_tag, protocol, port_ranges, action}; "
            "PrivateEndpoint: {service_resource_id, subresource_target, spark_enabled}.",
            encode=_destination_to_wire,
            decode=_destination_from_wire,
            equivalent=_destination_equivalent,
        ),
    ),
)


def _to_wire_rules(rules: Any) -> Any:
    if not isinstance(rules, Mapping):
        return rules
    return {name: to_wire(OUTBOUND_RULE, rule) for name, rule in rules.items()}


def _from_wire_rules(rules: Any) -> Any:
    if not isinstance(rules, Mapping):
        return rules
    return {name: from_wire(OUTBOUND_RULE, rule) for name, rule in rules.items()}


SERVICE_RULE_CATEGORIES = frozenset({"required", "recommended", "dependency"})
"""Outbound rules the service adds on its own."""


def _rules_equivalent(desired: Any, actual: Any) -> bool:
    """The program's rules match by name (without case); rules the service added itself are not drift."""
    if not isinstance(desired, Mapping) or not isinstance(actual, Mapping):
        return bool(desired == actual)
    wanted = {str(name).lower(): rule for name, rule in desired.items()}
    present = {str(name).lower(): rule for name, rule in actual.items()}
    for name, rule in present.items():
        category = str(rule.get("category") or "").lower() if isinstance(rule, Mapping) else ""
        if name not in wanted and category not in SERVICE_RULE_CATEGORIES:
            return False
    return all(name in present and same_value(OUTBOUND_RULE, rule, present[name]) for name, rule in wanted.items())


def _rules_check(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return "must be a mapping of rule name to rule"
    for name, rule in value.items():
        failures = validate_value(OUTBOUND_RULE, rule, f"outbound_rules.{name}")
        if failures:
            where, reason = failures[0]
            return f"{where} {reason}"
    return None


def managed_network_rule(old: Any, new: Any) -> UpdateRule:
    """PATCH, except going back from managed network kind V2 to V1, which the service does not allow."""
    old_kind = str((old or {}).get("managed_network_kind") or "") if isinstance(old, Mapping) else ""
    new_kind = str((new or {}).get("managed_network_kind") or "") if isinstance(new, Mapping) else ""
    if old_kind.upper() == "V2" and new_kind.upper() == "V1":
        return "replace"
    return "patch"


MANAGED_NETWORK = Field(
    "managed_network",
    wire="properties.managedNetwork",
    type="object",
    server_default=True,
    description="Managed virtual network isolation: isolation_mode (Disabled, AllowInternetOutbound, "
    "AllowOnlyApprovedOutbound), firewall_sku, managed_network_kind, outbound_rules...",
    update=managed_network_rule,
    update_source=f"{_PATCH}; kind V2 → V1 replaces ('cannot switch back to V1 once V2 is enabled', spec)",
    fields=(
        Field(
            "isolation_mode",
            wire="isolationMode",
            choices=("Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"),
            server_default=True,
        ),
        Field("firewall_sku", wire="firewallSku", choices=("Standard", "Basic"), server_default=True),
        Field("managed_network_kind", wire="managedNetworkKind", choices=("V1", "V2"), server_default=True),
        Field("enable_network_monitor", wire="enableNetworkMonitor", type="boolean", server_default=True),
        Field(
            "enable_firewall_log",
            wire="enableFirewallLog",
            type="boolean",
            server_default=True,
            description="Hand-written 2025-12-01 form only.",
        ),
        Field(
            "outbound_rules",
            wire="outboundRules",
            type="any",
            server_default=True,
            description="Rule name → {type, category, destination}.",
            validate=_rules_check,
            encode=_to_wire_rules,
            decode=_from_wire_rules,
            equivalent=_rules_equivalent,
        ),
    ),
)

# -- hooks ------------------------------------------------------------------------------------------------------


def _delete_params(inputs: Mapping[str, Any], failed_create: bool) -> dict[str, str]:
    """``forceToPurge=true`` when asked for, and for the clean-up of a failed create.

    A workspace that never finished creating holds nothing to recover and must not keep its own name blocked by a
    14-day soft delete.
    """
    if inputs.get("purge_on_delete") or failed_create:
        return {"forceToPurge": "true"}
    return {}


def _creation_time(_context: HookContext, body: dict[str, Any]) -> dict[str, Any]:
    """``properties.creationTime`` as real GETs return it (observed), else ``systemData.createdAt``."""
    created = get_path(body, "properties.creationTime") or get_path(body, "systemData.createdAt")
    return {"creation_time": created}


def _validate(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    failures: list[tuple[str, str]] = []
    if inputs.get("encryption") is not None and inputs.get("encryption_key_identifier") is None:
        failures.append(("encryption_key_identifier", "is required with encryption (the Key Vault key URL)"))
    if inputs.get("encryption_key_identifier") is not None and inputs.get("encryption") is None:
        failures.append(("encryption_key_identifier", "applies only with encryption (status and key_vault_id)"))
    return failures


# -- the spec ------------------------------------------------------------------------------------------------------

WORKSPACE = ResourceSpec(
    kind="Workspace",
    noun="workspace",
    path=PATH,
    placement=(
        SUBSCRIPTION_ID,
        RESOURCE_GROUP_NAME,
        Field(
            "name",
            required=True,
            pattern=WORKSPACE_PATTERN,
            pattern_rule="must be 3-33 characters: a letter or digit, then letters, digits, '-' or '_'",
            equivalent=case_insensitive_equivalent,
            description="Workspace name. Default: the Pulumi resource name.",
        ),
    ),
    fields=(
        location_field(
            description="Region. Default: azureml:location, then AZURE_LOCATION.", required=True, setting="location"
        ),
        Field(
            "friendly_name",
            wire="properties.friendlyName",
            server_default=True,
            update="patch",
            update_source=_PATCH,
        ),
        Field(
            "description",
            wire="properties.description",
            server_default=True,
            update="patch",
            update_source=_PATCH,
        ),
        _arm_id_field(
            "storage_account",
            "properties.storageAccount",
            "ARM id of the storage account (e.g. a StorageAccount's id). Create-only.",
            "replace",
            _IMMUTABLE,
        ),
        _arm_id_field(
            "key_vault",
            "properties.keyVault",
            "ARM id of the Key Vault (e.g. a Vault's id). Create-only.",
            "replace",
            _IMMUTABLE,
        ),
        _arm_id_field(
            "application_insights",
            "properties.applicationInsights",
            "ARM id of the Application Insights component.",
            "patch",
            _PATCH,
        ),
        _arm_id_field(
            "container_registry",
            "properties.containerRegistry",
            "ARM id of the container registry (Azure ML attaches one on the first image build when unset).",
            "patch",
            _PATCH,
        ),
        dataclasses.replace(identity_field("patch", _ENVELOPE_PATCH), server_default=True),
        _arm_id_field(
            "primary_user_assigned_identity",
            "properties.primaryUserAssignedIdentity",
            "ARM id of the user-assigned identity that represents the workspace.",
            "patch",
            _PATCH,
        ),
        dataclasses.replace(sku_field("patch", _ENVELOPE_PATCH), server_default=True),
        Field(
            "kind",
            wire="kind",
            server_default=True,
            equivalent=case_insensitive_equivalent,
            description="Default, Hub, Project or FeatureStore (Az PowerShell docs; the spec has no enum).",
            update_source=_NOT_PATCHABLE,
        ),
        tags_field("patch", _ENVELOPE_PATCH),
        Field(
            "hbi_workspace",
            wire="properties.hbiWorkspace",
            type="boolean",
            server_default=True,
            description="High business impact: reduces the data Microsoft collects. Create-only.",
            update_source=_NOT_PATCHABLE,
        ),
        Field(
            "allow_public_access_when_behind_vnet",
            wire="properties.allowPublicAccessWhenBehindVnet",
            type="boolean",
            server_default=True,
            update_source=_NOT_PATCHABLE,
        ),
        Field(
            "public_network_access",
            wire="properties.publicNetworkAccess",
            choices=("Enabled", "Disabled"),
            server_default=True,
            update="patch",
            update_source=_PATCH,
        ),
        Field(
            "image_build_compute",
            wire="properties.imageBuildCompute",
            server_default=True,
            description="Name of the compute cluster that builds images when the registry is behind a VNet.",
            update="patch",
            update_source=_PATCH,
        ),
        Field(
            "v1_legacy_mode",
            wire="properties.v1LegacyMode",
            type="boolean",
            server_default=True,
            update="patch",
            update_source=_PATCH,
        ),
        Field(
            "system_datastores_auth_mode",
            wire="properties.systemDatastoresAuthMode",
            choices=("AccessKey", "Identity", "UserDelegationSAS"),
            server_default=True,
            update="patch",
            update_source=_PATCH,
        ),
        Field(
            "enable_data_isolation",
            wire="properties.enableDataIsolation",
            type="boolean",
            server_default=True,
            update="patch",
            update_source=_PATCH,
        ),
        ENCRYPTION,
        ENCRYPTION_KEY_IDENTIFIER,
        MANAGED_NETWORK,
        Field(
            "serverless_compute_settings",
            wire="properties.serverlessComputeSettings",
            type="object",
            server_default=True,
            update="patch",
            update_source=_PATCH,
            fields=(
                Field(
                    "serverless_compute_custom_subnet",
                    wire="serverlessComputeCustomSubnet",
                    validate=arm_id,
                    equivalent=case_insensitive_equivalent,
                ),
                Field("serverless_compute_no_public_ip", wire="serverlessComputeNoPublicIP", type="boolean"),
            ),
        ),
        Field(
            "service_managed_resources_settings",
            wire="properties.serviceManagedResourcesSettings",
            type="object",
            server_default=True,
            update="patch",
            update_source=_PATCH,
            fields=(
                Field(
                    "cosmos_db",
                    wire="cosmosDb",
                    type="object",
                    fields=(
                        Field(
                            "collections_throughput",
                            wire="collectionsThroughput",
                            type="integer",
                            minimum=0,
                            maximum=INT32_MAX,
                        ),
                    ),
                ),
            ),
        ),
        Field(
            "feature_store_settings",
            wire="properties.featureStoreSettings",
            type="object",
            server_default=True,
            update="patch",
            update_source=_PATCH,
            fields=(
                Field(
                    "compute_runtime",
                    wire="computeRuntime",
                    type="object",
                    fields=(Field("spark_runtime_version", wire="sparkRuntimeVersion"),),
                ),
                Field("offline_store_connection_name", wire="offlineStoreConnectionName"),
                Field("online_store_connection_name", wire="onlineStoreConnectionName"),
            ),
        ),
        Field(
            "shared_private_link_resources",
            wire="properties.sharedPrivateLinkResources",
            type="list",
            update_source=_NOT_PATCHABLE,
            item=Field(
                "resource",
                type="object",
                fields=(
                    Field("name", wire="name", required=True),
                    Field(
                        "private_link_resource_id",
                        wire="properties.privateLinkResourceId",
                        validate=arm_id,
                        equivalent=case_insensitive_equivalent,
                    ),
                    Field("group_id", wire="properties.groupId"),
                    Field("request_message", wire="properties.requestMessage"),
                    Field(
                        "status",
                        wire="properties.status",
                        choices=("Approved", "Pending", "Rejected", "Disconnected", "Timeout"),
                        server_default=True,
                    ),
                ),
            ),
        ),
        Field(
            "associated_workspaces",
            wire="properties.associatedWorkspaces",
            type="list",
            item=Field("workspace"),
            update_source=_NOT_PATCHABLE,
        ),
        _arm_id_field(
            "hub_resource_id",
            "properties.hubResourceId",
            "kind Project: ARM id of the hub workspace (e.g. a hub Workspace's arm_id).",
            "replace",
            _NOT_PATCHABLE,
        ),
        Field(
            "workspace_hub_config",
            wire="properties.workspaceHubConfig",
            type="object",
            description="kind Hub: extra storage accounts and the default resource group of its projects.",
            update_source=_NOT_PATCHABLE,
            fields=(
                Field(
                    "additional_workspace_storage_accounts",
                    wire="additionalWorkspaceStorageAccounts",
                    type="list",
                    item=Field("storage_account", validate=arm_id, equivalent=case_insensitive_equivalent),
                ),
                Field("default_workspace_resource_group", wire="defaultWorkspaceResourceGroup"),
            ),
        ),
        Field(
            "enable_service_side_customer_managed_key_encryption",
            wire="properties.enableServiceSideCMKEncryption",
            type="boolean",
            server_default=True,
            update_source=_NOT_PATCHABLE,
        ),
        Field(
            "provision_network_now",
            wire="properties.provisionNetworkNow",
            type="boolean",
            write_only=True,
            description="Provision the managed network at create instead of with the first compute.",
            update="none",
            update_source="a create-time trigger: nothing to apply after create",
        ),
        Field(
            "purge_on_delete",
            type="boolean",
            default=False,
            description="Delete permanently (forceToPurge=true) instead of a 14-day soft delete that keeps the name "
            "blocked. Needed for a replacement that keeps the name; must be in state before that delete runs.",
            update="none",
            update_source="provider-side: only read at delete",
        ),
        *META_FIELDS,
    ),
    outputs=(
        Output("workspace_id", "properties.workspaceId", description="The immutable workspace GUID."),
        Output("discovery_url", "properties.discoveryUrl"),
        Output("mlflow_tracking_uri", "properties.mlFlowTrackingUri"),
        Output("provisioning_state", "properties.provisioningState"),
        Output("creation_time", "", description="properties.creationTime, else systemData.createdAt."),
        Output("tenant_id", "properties.tenantId"),
        Output("storage_hns_enabled", "properties.storageHnsEnabled", type="boolean"),
        Output("private_link_count", "properties.privateLinkCount", type="integer"),
        Output("service_provisioned_resource_group", "properties.serviceProvisionedResourceGroup"),
        Output("managed_network_id", "properties.managedNetwork.networkId"),
        Output("managed_network_status", "properties.managedNetwork.status", type="any"),
        Output("notebook_info", "properties.notebookInfo", type="any"),
        Output("system_data", "systemData", type="any"),
        Output("identity_principal_id", "identity.principalId"),
        Output("identity_tenant_id", "identity.tenantId"),
        Output("identity_user_assigned_identities", "identity.userAssignedIdentities", type="any"),
    ),
    timeouts=Timeouts(create=1800, update=1800, delete=1800),
    delete_params=_delete_params,
    extra_outputs=_creation_time,
    validate=_validate,
    sample_inputs={
        "name": "mlw-sample",
        "location": "eastus",
        "storage_account": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
        "Microsoft.Storage/storageAccounts/stsample",
        "key_vault": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
        "Microsoft.KeyVault/vaults/kv-sample",
    },
)
