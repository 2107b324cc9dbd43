"""`azure-native:resources:ResourceGroup` stand-in."""

from ._base import AzureNativeResource


class ResourceGroup(AzureNativeResource):
    type_token = "azure-native:resources:ResourceGroup"
