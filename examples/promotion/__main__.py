"""The program that `promote.py` promotes through dev, staging and prod: one cluster and one batch endpoint.

Every size and text comes from stack config, so a change is a config change that the promotion applies to each
stack in turn. Defaults keep a stack with no project config deployable.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()

cluster = azureml.Compute(
    "train",
    azureml.ComputeArgs(
        compute_type="AmlCompute",
        description=config.get("clusterDescription") or "training cluster",
        # A different vm size replaces the cluster (delete, then create): promote.py stops there.
        vm_size=config.get("vmSize") or "STANDARD_DS3_V2",
        vm_priority="Dedicated",
        scale_settings=azureml.ScaleSettingsArgs(
            min_node_count=0,
            # Scale settings update in place (a PATCH).
            max_node_count=config.get_int("maxNodes") or 2,
        ),
    ),
)

endpoint = azureml.BatchEndpoint("score", description=config.get("endpointDescription") or "batch scoring")

pulumi.export("cluster", cluster.name)
pulumi.export("endpoint", endpoint.name)
pulumi.export("scoring_uri", endpoint.scoring_uri)
