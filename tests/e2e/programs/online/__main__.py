"""An online endpoint with a live deployment (green, all the traffic) and an idle one (blue), each field driven by
stack config so tests/e2e/test_online_with_cli.py can change one at a time."""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()

endpoint = azureml.OnlineEndpoint(
    "scoring",
    auth_mode="Key",
    description=config.get("endpointDescription") or "real-time scoring",
    tags={"team": config.get("team") or "ml"},
)


def deployment(name: str) -> azureml.OnlineDeployment:
    return azureml.OnlineDeployment(
        name,
        endpoint_name=endpoint.name,
        model=config.get(f"{name}Model") or "azureml:churn:1",
        environment_id="azureml:sklearn-env:1",
        code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py"),
        instance_type=config.get(f"{name}InstanceType") or "Standard_DS3_v2",
        instance_count=config.get_int("instanceCount") or 1,
    )


blue = deployment("blue")
green = deployment("green")
traffic = azureml.OnlineEndpointTraffic("traffic", endpoint_name=endpoint.name, traffic={green: 100})

pulumi.export("scoring_uri", endpoint.scoring_uri)
