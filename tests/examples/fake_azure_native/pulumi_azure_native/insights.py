"""`azure-native:insights:Component` stand-in."""

from ._base import AzureNativeResource


class Component(AzureNativeResource):
    type_token = "azure-native:insights:Component"
