"""`azure-native:keyvault:Vault` stand-in."""

from dataclasses import dataclass, field
from typing import Any

from ._base import AzureNativeResource


@dataclass
class SkuArgs:
    family: str
    name: str


@dataclass
class VaultPropertiesArgs:
    tenant_id: Any
    sku: SkuArgs
    access_policies: list[Any] = field(default_factory=list)


class Vault(AzureNativeResource):
    type_token = "azure-native:keyvault:Vault"
