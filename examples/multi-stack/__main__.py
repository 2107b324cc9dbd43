"""One program, many stacks: sizes, names and credentials come from each stack's config.

`Pulumi.dev.yaml` and `Pulumi.prod.yaml` beside this file show the same program with a small, cheap dev cluster
and a large production one in another subscription, each with its own service principal secret.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()
environment = config.require("environment")

cluster = azureml.Compute(
    f"train-{environment}",
    compute_type="AmlCompute",
    vm_size=config.require("vmSize"),
    vm_priority=config.get("vmPriority") or "Dedicated",
    scale_settings=azureml.ScaleSettingsArgs(
        min_node_count=config.get_int("minNodes") or 0,
        max_node_count=config.require_int("maxNodes"),
    ),
    tags={"environment": environment},
)

endpoint = azureml.BatchEndpoint(f"score-{environment}", tags={"environment": environment})

pulumi.export("cluster", cluster.name)
pulumi.export("endpoint", endpoint.name)
pulumi.export("scoring_uri", endpoint.scoring_uri)
