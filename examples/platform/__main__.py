"""The root project's program: a workspace, a compute cluster, and batch scoring routed to a deployment.

Workspace → AmlCompute cluster → BatchEndpoint → BatchDeployment → BatchEndpointDefaultDeployment, all in one
`pulumi up`. Every size, name and id comes from stack config, so the same program serves the `local` stack (the
bundled emulator, no Azure account) and the `dev`/`prod` stacks (real Azure): see stacks/Pulumi.<stack>.yaml.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()
azure = pulumi.Config("azureml")

subscription = azure.require("subscriptionId")
group = azure.require("resourceGroupName")


def dependency(kind: str, name: str) -> str:
    """The ARM id of a workspace dependency: from config, else the conventional id in this resource group."""
    return config.get(f"{name}Id") or (
        f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{kind}/{config.require(name)}"
    )


workspace = azureml.Workspace(
    "workspace",
    azureml.WorkspaceArgs(
        name=azure.require("workspaceName"),
        friendly_name=config.get("friendlyName") or "ML platform",
        storage_account=dependency("Microsoft.Storage/storageAccounts", "storageAccount"),
        key_vault=dependency("Microsoft.KeyVault/vaults", "keyVault"),
        application_insights=dependency("Microsoft.Insights/components", "applicationInsights"),
        identity=azureml.IdentityArgs(type="SystemAssigned"),
        tags={"managed-by": "pulumi-azureml"},
        # Azure soft-deletes workspaces for 14 days, keeping the name taken; the local stack purges instead.
        purge_on_delete=config.get_bool("purgeWorkspaceOnDelete") or False,
    ),
)

cluster = azureml.Compute(
    "cpu-cluster",
    azureml.ComputeArgs(
        workspace_name=workspace.name,
        compute_type="AmlCompute",
        vm_size=config.get("clusterVmSize") or "STANDARD_DS3_V2",
        scale_settings=azureml.ScaleSettingsArgs(
            min_node_count=config.get_int("clusterMinNodes") or 0,
            max_node_count=config.get_int("clusterMaxNodes") or 2,
            node_idle_time_before_scale_down="PT15M",
        ),
    ),
)

endpoint = azureml.BatchEndpoint(
    "scoring",
    azureml.BatchEndpointArgs(
        workspace_name=workspace.name,
        name=config.get("endpointName") or "platform-scoring",
        description="Batch scoring for the ML platform",
    ),
)

deployment = azureml.BatchDeployment(
    "scoring-v1",
    azureml.BatchDeploymentArgs(
        workspace_name=workspace.name,
        endpoint_name=endpoint.name,
        model=azureml.AssetReferenceArgs(
            reference_type="Id",
            asset_id=config.get("modelAssetId")
            or workspace.arm_id.apply(lambda i: f"azureml:{i}/models/churn/versions/1"),
        ),
        code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py"),
        environment_id=config.get("environmentId")
        or workspace.arm_id.apply(lambda i: f"azureml:{i}/environments/sklearn/versions/1"),
        compute=cluster.arm_id,
        resources=azureml.DeploymentResourcesArgs(instance_count=config.get_int("deploymentInstances") or 1),
        mini_batch_size=10,
    ),
)

azureml.BatchEndpointDefaultDeployment(
    "scoring-default",
    workspace_name=workspace.name,
    endpoint_name=endpoint.name,
    deployment_name=deployment.name,
)

pulumi.export("workspace_id", workspace.id)
pulumi.export("discovery_url", workspace.discovery_url)
pulumi.export("cluster_id", cluster.id)
pulumi.export("scoring_uri", endpoint.scoring_uri)
pulumi.export("default_deployment", deployment.name)
