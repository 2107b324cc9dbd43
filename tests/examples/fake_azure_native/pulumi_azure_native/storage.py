"""`azure-native:storage:StorageAccount` stand-in."""

from dataclasses import dataclass

from ._base import AzureNativeResource


@dataclass
class SkuArgs:
    name: str


class StorageAccount(AzureNativeResource):
    type_token = "azure-native:storage:StorageAccount"
