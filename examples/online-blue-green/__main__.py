"""A blue/green roll-out of an online endpoint, driven by one stack config value, `phase`.

- `blue` (default): the endpoint, the blue deployment, and 100% of the traffic to blue.
- `green`: the green deployment is created, then the traffic moves to it (blue stays, with no traffic, for a quick
  roll-back: set `phase` back to `blue`).
- `done`: blue is removed; the split no longer names it, so the service lets it go.

The split is an `OnlineEndpointTraffic` keyed by the deployment resources, so it depends on them: traffic is never
sent to a deployment that does not exist yet, and one `pulumi up` both creates green and shifts traffic to it.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()
phase = config.get("phase") or "blue"
if phase not in ("blue", "green", "done"):
    raise ValueError(f"phase must be blue, green or done; got {phase!r}")

endpoint = azureml.OnlineEndpoint(
    "scoring",
    description="real-time scoring",
    auth_mode="Key",
)


def deployment(name: str, model: str) -> azureml.OnlineDeployment:
    return azureml.OnlineDeployment(
        name,
        endpoint_name=endpoint.name,
        model=model,
        environment_id=config.get("environmentId") or "azureml:sklearn-env:1",
        code_configuration=azureml.CodeConfigurationArgs(scoring_script="score.py"),
        instance_type=config.get("instanceType") or "Standard_DS3_v2",
        instance_count=config.get_int("instanceCount") or 1,
    )


deployments: dict[str, azureml.OnlineDeployment] = {}
if phase in ("blue", "green"):
    deployments["blue"] = deployment("blue", config.get("blueModel") or "azureml:churn:1")
if phase in ("green", "done"):
    deployments["green"] = deployment("green", config.get("greenModel") or "azureml:churn:2")

live = "blue" if phase == "blue" else "green"
traffic = azureml.OnlineEndpointTraffic(
    "traffic",
    endpoint_name=endpoint.name,
    # Keyed by the deployment resource itself: the split waits for it (a plain name string would not).
    traffic={deployments[live]: 100},
)

pulumi.export("scoring_uri", endpoint.scoring_uri)
pulumi.export("live_deployment", live)
pulumi.export("deployments", sorted(deployments))
pulumi.export("primary_key", endpoint.primary_key)  # a secret: `pulumi stack output --show-secrets primary_key`
