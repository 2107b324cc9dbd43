"""Datastores with secret, write-only credentials and an environment version, configured from the stack.

Used by tests/e2e/test_datastores_with_cli.py: a blob datastore whose account key comes from
`pulumi config set --secret storageKey`, an ADLS Gen2 datastore with a service principal (`lakeSecret`), and an
environment version. `description` and `image` are plain config so the test can change a mutable and a create-only
field.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()
description = config.get("description") or "landing zone"

landing = azureml.Datastore(
    "landing",
    datastore_type="AzureBlob",
    account_name="e2estorage",
    container_name="landing",
    account_key=config.require_secret("storageKey"),
    description=description,
    tags={"team": "ml"},
)

lake = azureml.Datastore(
    "lake",
    datastore_type="AzureDataLakeGen2",
    account_name="e2elake",
    filesystem="curated",
    tenant_id="00000000-1111-2222-3333-444444444444",
    client_id="55555555-6666-7777-8888-999999999999",
    client_secret=config.require_secret("lakeSecret"),
)

environment = azureml.EnvironmentVersion(
    "sklearn",
    version="1",
    image=config.get("image") or "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest",
    conda_file="name: scoring\ndependencies:\n  - python=3.11\n  - pip:\n    - scikit-learn\n",
    description=description,
)

pulumi.export("landing", landing.arm_id)
pulumi.export("lake", lake.arm_id)
pulumi.export("environment", environment.arm_id)
