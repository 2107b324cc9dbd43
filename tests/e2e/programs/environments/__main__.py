"""One program for every environment: sizes, names and credentials come from the stack's config.

Used by tests/e2e/test_environments.py with a `dev` and a `prod` stack. It holds each kind of secret the package
handles: an admin password (secret config → write-only input), a Key-auth endpoint's keys (secret outputs) and,
in the stack config, an access token and a client secret.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()
environment = config.require("environment")

cluster = azureml.Compute(
    f"train-{environment}",
    compute_type="AmlCompute",
    vm_size=config.require("vmSize"),
    scale_settings=azureml.ScaleSettingsArgs(min_node_count=0, max_node_count=config.require_int("maxNodes")),
    user_account_credentials=azureml.UserAccountCredentialsArgs(
        admin_user_name="azureuser", admin_user_password=config.require_secret("adminPassword")
    ),
    tags={"environment": environment},
)

endpoint = azureml.BatchEndpoint(f"score-{environment}", auth_mode="Key", tags={"environment": environment})

pulumi.export("cluster", cluster.name)
pulumi.export("endpoint_key", endpoint.primary_key)
