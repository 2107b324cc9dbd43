"""The error the provider and the lookups report to users: a complete, actionable message free of secrets, on one
printable line (a service message or a file name quoted in it cannot split or forge the CLI's output)."""

from __future__ import annotations

from pulumi_azureml.console import printable


class AzureMLError(Exception):
    """An error reported to the user by the provider; its message is complete, actionable and free of secrets.

    The message is flattened here, once for every place that raises one: control characters shown escaped."""

    def __init__(self, message: object = "") -> None:
        super().__init__(printable(str(message)))
