"""Field declarations shared by several resource types: placement, identity, sku, tags and provider-side meta."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_azureml.quoting import quote
from pulumi_azureml.schema import Field, UpdateRule, case_insensitive_equivalent, location_equivalent
from pulumi_azureml.validation import INT32_MAX, arm_id, azure_region, timeout_seconds

OWNERSHIP_TAG = "pulumi-azureml-owner"
"""Tag written at create: lets a retried create recognise a resource its own interrupted run made
(docs/design-and-traps.md)."""

WORKSPACE_PATH = (
    "/subscriptions/{subscription_id}/resourceGroups/{resource_group_name}/providers/"
    "Microsoft.MachineLearningServices/workspaces/{workspace_name}"
)
"""The ARM path of a workspace; computes and batch endpoints live below it."""

RESOURCE_GROUP_PATTERN = r"[-\w\._\(\)]*[-\w_\(\)]"
"""ARM: letters, digits, '-', '_', '.', '(' and ')', and it must not end with a period."""
SUBSCRIPTION_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
MAX_TAGS = 50
MAX_TAG_NAME_LENGTH = 512
MAX_TAG_VALUE_LENGTH = 256
TAG_NAME_FORBIDDEN = "<>%&\\?/"
"""ARM tag limits ("Use tags to organize your Azure resources"): 50 tags, names up to 512 characters without any
of ``< > % & \\ ? /``, values up to 256 characters. Checked before any request (a preview shows them)."""
WORKSPACE_PATTERN = r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}"

SUBSCRIPTION_ID = Field(
    "subscription_id",
    description="Azure subscription id.",
    required=True,
    setting="subscriptionId",
    pattern=SUBSCRIPTION_PATTERN,
    pattern_rule="must be a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)",
    equivalent=case_insensitive_equivalent,
)
RESOURCE_GROUP_NAME = Field(
    "resource_group_name",
    description="Resource group.",
    required=True,
    setting="resourceGroupName",
    pattern=RESOURCE_GROUP_PATTERN,
    pattern_rule="must contain only letters, digits, '-', '_', '.', '(' and ')' and must not end with '.' (ARM rule)",
    max_length=90,
    equivalent=case_insensitive_equivalent,
)
WORKSPACE_NAME = Field(
    "workspace_name",
    description="Azure ML workspace.",
    required=True,
    setting="workspaceName",
    pattern=WORKSPACE_PATTERN,
    pattern_rule="must be 3-33 characters: a letter or digit, then letters, digits, '-' or '_'",
    equivalent=case_insensitive_equivalent,
)


def location_field(
    *, description: str, required: bool = False, setting: str | None = None, from_workspace: bool = False
) -> Field:
    return Field(
        "location",
        wire="location",
        description=description,
        required=required,
        setting=setting,
        equivalent=location_equivalent,
        validate=azure_region,
        default_from_workspace=from_workspace,
        update_source="ARM TrackedResource: location is create-only ([read, create])",
    )


def tags_field(
    update: UpdateRule | Mapping[str, UpdateRule],
    source: str,
    *,
    non_empty_values: bool = False,
    wire: str = "tags",
) -> Field:
    """Tags, validated with ARM's limits; ``wire`` is ``properties.tags`` for kinds that keep them there (asset
    versions, datastores). The ownership marker goes wherever they are (``ownership.tags_wire``)."""

    def check(value: Any) -> str | None:
        if OWNERSHIP_TAG in value:
            return f"must not set the tag {OWNERSHIP_TAG!r}: this package manages it"
        if len(value) > MAX_TAGS:
            return f"must be at most {MAX_TAGS} tags (ARM limit), got {len(value)}"
        for key, item in value.items():
            if len(key) > MAX_TAG_NAME_LENGTH:
                return f"names must be at most {MAX_TAG_NAME_LENGTH} characters (ARM limit): {quote(key)}"
            forbidden = sorted({character for character in key if character in TAG_NAME_FORBIDDEN})
            if forbidden:
                return f"names must not contain {' '.join(forbidden)} (ARM rule): {quote(key)}"
            if isinstance(item, str) and len(item) > MAX_TAG_VALUE_LENGTH:
                return f"values must be at most {MAX_TAG_VALUE_LENGTH} characters (ARM limit): {quote(key)}"
        if non_empty_values:
            empty = sorted(key for key, item in value.items() if item == "")
            if empty:
                return f"values must not be empty (the service rejects them): {', '.join(empty)}"
        return None

    return Field(
        "tags",
        wire=wire,
        type="map",
        description="Resource tags.",
        update=update,
        update_source=source,
        validate=check,
        # Tags added by someone else are drift the next `up` removes (what azure-native and terraform show too).
        drift_when_unset=True,
    )


IDENTITY_TYPES = ("None", "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned")


def _identity_check(value: Any) -> str | None:
    kind = str(value.get("type", ""))
    ids = value.get("user_assigned_identities") or []
    if "UserAssigned" in kind and not ids:
        return "user_assigned_identities must list at least one identity id when type includes UserAssigned"
    if ids and "UserAssigned" not in kind:
        return "user_assigned_identities is only allowed when type includes UserAssigned"
    return None


def identity_field(
    update: UpdateRule | Mapping[str, UpdateRule], source: str, *, types: tuple[str, ...] = IDENTITY_TYPES
) -> Field:
    return Field(
        "identity",
        wire="identity",
        type="object",
        description="Managed identity: type and, for UserAssigned, the identity ARM ids.",
        update=update,
        update_source=source,
        validate=_identity_check,
        fields=(
            Field("type", wire="type", required=True, choices=types),
            Field(
                "user_assigned_identities",
                wire="userAssignedIdentities",
                type="list",
                item=Field("identity", validate=arm_id),
                # The wire form is an object keyed by identity id ({"<id>": {}}); the service fills the values.
                encode=lambda ids: {identity: {} for identity in ids},
                decode=lambda keyed: sorted(keyed) if isinstance(keyed, dict) else keyed,
                equivalent=lambda desired, actual: (
                    {str(i).lower() for i in desired} == {str(i).lower() for i in actual}
                ),
            ),
        ),
    )


def sku_field(update: UpdateRule | Mapping[str, UpdateRule], source: str) -> Field:
    return Field(
        "sku",
        wire="sku",
        type="object",
        description="SKU: name (required), tier, size, family, capacity.",
        update=update,
        update_source=source,
        fields=(
            Field("name", wire="name", required=True),
            Field("tier", wire="tier", choices=("Free", "Basic", "Standard", "Premium")),
            Field("size", wire="size"),
            Field("family", wire="family"),
            Field("capacity", wire="capacity", type="integer", minimum=0, maximum=INT32_MAX),
        ),
    )


def _timeouts_check(value: Any) -> str | None:
    for key in ("create", "update", "delete"):
        raw = value.get(key)
        if raw is None:
            continue
        seconds = timeout_seconds(raw)
        if seconds is None:
            return f"{key} must be seconds or a duration such as '45m', '2h' or 'PT45M', got {quote(raw)}"
        if not 1 <= seconds <= 86400:
            return f"{key} must be between 1 second and 24 hours, got {quote(raw)}"
    return None


META_FIELDS: tuple[Field, ...] = (
    Field(
        "api_version",
        description="ARM api-version for this resource (default 2025-12-01).",
        setting="apiVersion",
        pattern=r"\d{4}-\d{2}-\d{2}(-preview)?",
        pattern_rule="must look like 2025-12-01",
        update="none",
        update_source="provider-side: changes which api-version later requests use",
    ),
    Field(
        "timeouts",
        type="object",
        description="Time limits for create/update/delete: seconds or '45m', '2h', 'PT45M'.",
        update="none",
        update_source="provider-side (Pulumi customTimeouts do not reach dynamic providers)",
        validate=_timeouts_check,
        fields=(Field("create", type="any"), Field("update", type="any"), Field("delete", type="any")),
    ),
    Field(
        "adopt_existing",
        type="boolean",
        default=False,
        description="Take over a resource that already exists instead of refusing (pulumi import does not work "
        "for dynamic providers).",
        update="none",
        update_source="provider-side: only consulted at create",
    ),
    Field(
        "owner_marker",
        description="Set by the resource class (project/stack/name); written as a tag at create. Not for users.",
        update="none",
        update_source="provider-side: only consulted at create",
    ),
)
