"""A batch endpoint with two deployments and default routing, created in one `pulumi up`.

Change `defaultDeployment` in config to switch traffic: an in-place update of one small resource.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()
model_asset = config.get("modelAssetId") or "azureml:churn-model:1"
environment = config.get("environmentId") or "azureml:sklearn-env:1"

cluster = azureml.Compute(
    "batch-cluster",
    compute_type="AmlCompute",
    vm_size="STANDARD_DS3_V2",
    scale_settings=azureml.ScaleSettingsArgs(max_node_count=2),
)

endpoint = azureml.BatchEndpoint(
    "churn-scoring",
    azureml.BatchEndpointArgs(description="Nightly churn scoring", tags={"team": "ml-platform"}),
)

deployments = {
    name: azureml.BatchDeployment(
        name,
        azureml.BatchDeploymentArgs(
            endpoint_name=endpoint.name,
            description=f"{name} deployment",
            model=azureml.AssetReferenceArgs(reference_type="Id", asset_id=model_asset),
            code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py"),
            environment_id=environment,
            compute=cluster.arm_id,
            resources=azureml.DeploymentResourcesArgs(instance_count=1),
            mini_batch_size=10,
            retry_settings=azureml.RetrySettingsArgs(max_retries=3, timeout="PT5M"),
            output_action="AppendRow",
        ),
    )
    for name in ("blue", "green")
}

default = config.get("defaultDeployment") or "blue"
azureml.BatchEndpointDefaultDeployment(
    "churn-scoring-default",
    endpoint_name=endpoint.name,
    deployment_name=deployments[default].name,
)

pulumi.export("scoring_uri", endpoint.scoring_uri)
pulumi.export("default_deployment", deployments[default].name)
