"""A custom resource registered under an azure-native type token, with `name`, `location` and `id` outputs."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

import pulumi


def plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {key: plain(item) for key, item in asdict(value).items() if item is not None}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


class AzureNativeResource(pulumi.CustomResource):
    type_token = ""
    name: pulumi.Output[str]
    location: pulumi.Output[str]

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **properties: Any) -> None:
        props = {key: plain(value) for key, value in properties.items()}
        props.setdefault("name", None)
        props.setdefault("location", None)
        super().__init__(self.type_token, resource_name, props, opts)
