"""One AmlCompute cluster that already exists in the workspace, taken over by one of two means (stack config).

- `importId` set: the `import_` resource option with that ARM id (what Pulumi offers for existing resources);
- `adopt` true: this package's `adopt_existing=True` input.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()
import_id = config.get("importId")

cluster = azureml.Compute(
    "train",
    azureml.ComputeArgs(
        compute_type="AmlCompute",
        vm_size="STANDARD_DS3_V2",
        vm_priority="Dedicated",
        scale_settings=azureml.ScaleSettingsArgs(min_node_count=0, max_node_count=2),
        adopt_existing=config.get_bool("adopt") or False,
    ),
    opts=pulumi.ResourceOptions(import_=import_id) if import_id else None,
)

pulumi.export("cluster_id", cluster.id)
