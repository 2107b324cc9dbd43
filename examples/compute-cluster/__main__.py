"""An autoscaling AmlCompute cluster: scale settings update in place, a vm size change replaces it."""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()

cluster = azureml.Compute(
    "cpu-cluster",
    azureml.ComputeArgs(
        compute_type="AmlCompute",
        description="CPU cluster for training jobs",
        vm_size=config.get("vmSize") or "STANDARD_DS3_V2",
        vm_priority="Dedicated",
        scale_settings=azureml.ScaleSettingsArgs(
            min_node_count=0,
            max_node_count=config.get_int("maxNodes") or 4,
            node_idle_time_before_scale_down="PT15M",
        ),
        # The admin password is a secret: it is encrypted in state and never printed.
        user_account_credentials=azureml.UserAccountCredentialsArgs(
            admin_user_name="azureuser",
            admin_user_password=config.get_secret("adminPassword"),
        ),
        tags={"team": "ml-platform"},
    ),
)

pulumi.export("cluster_id", cluster.id)
pulumi.export("provisioning_state", cluster.provisioning_state)
pulumi.export("location", cluster.location)
