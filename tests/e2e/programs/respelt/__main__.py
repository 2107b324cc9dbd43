"""One resource of each kind whose stored values the service is known to re-spell, written the way users write them.

Used by tests/e2e/test_refresh_respelt_with_cli.py: after `up`, every GET answer is re-spelt (ARM segment case,
server-filled fields, `{}` as null, YAML as JSON, short URIs in the long form, property-bag additions ...) and
`pulumi refresh --expect-no-changes` then `pulumi preview --expect-no-changes` must hold.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config("azureml")
workspace = (
    f"/subscriptions/{config.require('subscriptionId')}/resourcegroups/{config.require('resourceGroupName')}"
    f"/providers/Microsoft.MachineLearningServices/workspaces/{config.require('workspaceName')}"
)

cluster = azureml.Compute(
    "cpu",
    compute_type="AmlCompute",
    vm_size="Standard_DS3_v2",
    vm_priority="dedicated",
    scale_settings=azureml.ScaleSettingsArgs(max_node_count=2, node_idle_time_before_scale_down="PT120S"),
)
model = azureml.ModelVersion(
    "churn",
    version="1",
    uri=f"azureml://subscriptions/{config.require('subscriptionId')}/resourcegroups/"
    f"{config.require('resourceGroupName')}/workspaces/{config.require('workspaceName')}"
    "/datastores/workspaceblobstore/paths/models/churn/model.pkl",
)
data = azureml.DataVersion(
    "events",
    version="1",
    data_type="uri_folder",
    uri="azureml://datastores/workspaceblobstore/paths/events/2026",
)
environment = azureml.EnvironmentVersion(
    "sklearn",
    version="1",
    image="python:3.11-slim",
    conda_file="name: scoring\ndependencies:\n  - python=3.11\n  - pip:\n    - scikit-learn\n",
)
lake = azureml.Datastore(
    "lake",
    datastore_type="AzureDataLakeGen2",
    account_name="e2elake",
    filesystem="curated",
    tenant_id="00000000-1111-2222-3333-444444444444",
    client_id="55555555-6666-7777-8888-999999999999",
    client_secret=pulumi.Output.secret("e2e-respelt-client-secret"),
)
batch = azureml.BatchEndpoint("scoring")
batch_deployment = azureml.BatchDeployment(
    "nightly",
    endpoint_name=batch.name,
    model=azureml.AssetReferenceArgs(reference_type="Id", asset_id=model.arm_id),
    environment_id=environment.arm_id,
    code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py"),
    compute=cluster.arm_id,
    properties={},
)
azureml.BatchEndpointDefaultDeployment("default", endpoint_name=batch.name, deployment_name=batch_deployment.name)
online = azureml.OnlineEndpoint("online", auth_mode="Key")
blue = azureml.OnlineDeployment(
    "blue",
    endpoint_name=online.name,
    model=model.arm_id,
    environment_id=f"{workspace}/environments/sklearn/versions/1",
    code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py"),
    instance_type="Standard_DS3_v2",
    instance_count=1,
    opts=pulumi.ResourceOptions(depends_on=[environment]),
)
azureml.OnlineEndpointTraffic("traffic", endpoint_name=online.name, traffic={blue: 100})
