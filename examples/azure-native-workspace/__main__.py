"""Compose with pulumi-azure-native: its resource group, storage account, key vault and Application Insights feed
an Azure ML `Workspace`, and a cluster lands in that workspace — one program, two providers, one `pulumi up`.
"""

import pulumi
import pulumi_azure_native as azure_native

import pulumi_azureml as azureml

config = pulumi.Config()
location = config.get("location") or "westeurope"
tenant_id = config.require("tenantId")

group = azure_native.resources.ResourceGroup("ml", location=location)

storage = azure_native.storage.StorageAccount(
    "mlstorage",
    resource_group_name=group.name,
    location=group.location,
    kind="StorageV2",
    sku=azure_native.storage.SkuArgs(name="Standard_LRS"),
)

vault = azure_native.keyvault.Vault(
    "ml-vault",
    resource_group_name=group.name,
    location=group.location,
    properties=azure_native.keyvault.VaultPropertiesArgs(
        tenant_id=tenant_id,
        sku=azure_native.keyvault.SkuArgs(family="A", name="standard"),
        access_policies=[],
    ),
)

insights = azure_native.insights.Component(
    "ml-insights",
    resource_group_name=group.name,
    location=group.location,
    kind="web",
    application_type="web",
)

workspace = azureml.Workspace(
    "workspace",
    azureml.WorkspaceArgs(
        resource_group_name=group.name,
        name="mlw-composed",
        location=group.location,
        friendly_name="Composed with azure-native",
        storage_account=storage.id,
        key_vault=vault.id,
        application_insights=insights.id,
        identity=azureml.IdentityArgs(type="SystemAssigned"),
    ),
)

cluster = azureml.Compute(
    "cpu-cluster",
    resource_group_name=group.name,
    workspace_name=workspace.name,
    compute_type="AmlCompute",
    vm_size="STANDARD_DS3_V2",
    scale_settings=azureml.ScaleSettingsArgs(max_node_count=2),
)

pulumi.export("workspace_id", workspace.id)
pulumi.export("discovery_url", workspace.discovery_url)
pulumi.export("cluster_id", cluster.id)
