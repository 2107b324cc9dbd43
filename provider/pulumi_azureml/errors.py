"""The error the provider and the lookups report to users: a complete, actionable message free of secrets."""

from __future__ import annotations


class AzureMLError(Exception):
    """An error reported to the user by the provider; its message is complete, actionable and free of secrets."""
