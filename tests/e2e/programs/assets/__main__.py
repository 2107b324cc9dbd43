"""A folder of scoring code and a model file from the repository, uploaded and registered in one `pulumi up`.

Used by tests/e2e/test_assets_with_cli.py. Editing a file under `scoring/` makes the next preview show the code
version as a replacement (versions are immutable in Azure ML) and the next `up` upload it again; the model file
stays as it is, so its version is untouched.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()

code = azureml.CodeVersion(
    "scoring",
    name="scoring",
    path="scoring",
    description=config.get("codeDescription") or "batch scoring code",
    tags={"team": "ml"},
)
model = azureml.ModelVersion(
    "churn-model",
    name="churn",
    version="1",
    path="model/model.bin",
    description="churn classifier",
    stage=config.get("modelStage"),
)

data = azureml.DataVersion(
    "customers",
    name="customers",
    data_type="uri_file",
    path="data/customers.csv",
    tags={"source": config.get("dataSource") or "crm"},
)

pulumi.export("code_id", code.arm_id)
pulumi.export("code_uri", code.asset_uri)
pulumi.export("model_id", model.arm_id)
pulumi.export("model_uri", model.asset_uri)
pulumi.export("data_uri", data.asset_uri)
