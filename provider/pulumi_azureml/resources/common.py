"""Args shared by several resources: identity, sku, timeouts."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass
class IdentityArgs:
    """Managed identity."""

    type: pulumi.Input[str]
    """``None``, ``SystemAssigned``, ``UserAssigned`` or ``SystemAssigned,UserAssigned``."""
    user_assigned_identities: pulumi.Input[list[str]] | None = None
    """ARM ids of user-assigned identities."""


@dataclass
class SkuArgs:
    name: pulumi.Input[str]
    tier: pulumi.Input[str] | None = None
    size: pulumi.Input[str] | None = None
    family: pulumi.Input[str] | None = None
    capacity: pulumi.Input[int] | None = None


@dataclass
class TimeoutsArgs:
    """Time limits: seconds, or ``"45m"``, ``"2h"``, ``"PT45M"`` (Pulumi's customTimeouts don't reach dynamic
    providers)."""

    create: pulumi.Input[str] | pulumi.Input[float] | None = None
    update: pulumi.Input[str] | pulumi.Input[float] | None = None
    delete: pulumi.Input[str] | pulumi.Input[float] | None = None
