"""The batch scoring story in one `pulumi up`: a model file and a scoring folder from this repository become a
ModelVersion and a CodeVersion (uploaded, then registered), the conda file an EnvironmentVersion, then a cluster,
an endpoint, two deployments running them, and the endpoint's default routing.

Edit `scoring/score.py` and the next preview shows the code version replaced (versions are immutable in Azure ML)
and the deployments that use it updated; change `defaultDeployment` in config to switch traffic.
"""

from pathlib import Path

import pulumi

import pulumi_azureml as azureml

HERE = Path(__file__).parent
config = pulumi.Config()

# The environment the scoring runs in: an image plus the conda file beside this program (or, with `environmentId`
# set, any environment the workspace or a registry already has).
environment = (
    config.get("environmentId")
    or azureml.EnvironmentVersion(
        "churn-env",
        name="churn-scoring-env",
        version="1",
        image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest",
        conda_file=(HERE / "conda.yml").read_text(),
        description="Scoring environment",
    ).arm_id
)

model = azureml.ModelVersion(
    "churn-model",
    name="churn",
    path=str(HERE / "model" / "churn-model.json"),
    description="Linear churn model",
    tags={"team": "ml-platform"},
)
code = azureml.CodeVersion(
    "scoring-code",
    name="churn-scoring",
    path=str(HERE / "scoring"),
    description="Batch scoring script",
)

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
            # Outputs, not strings: the model and the code are registered before the deployment is created.
            model=azureml.AssetReferenceArgs(reference_type="Id", asset_id=model.arm_id),
            code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py", code_id=code.arm_id),
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
pulumi.export("model_id", model.arm_id)
pulumi.export("code_id", code.arm_id)
