"""Resource types declared as data, by kind. The kind strings are persisted in every stack's state: never rename."""

from __future__ import annotations

from pulumi_azureml.schema import ResourceSpec
from pulumi_azureml.specs.assets import CODE_VERSION, DATA_VERSION, MODEL_VERSION
from pulumi_azureml.specs.batch import BATCH_DEPLOYMENT, BATCH_ENDPOINT, BATCH_ENDPOINT_DEFAULT_DEPLOYMENT
from pulumi_azureml.specs.compute import COMPUTE
from pulumi_azureml.specs.workspace import WORKSPACE

SPECS: dict[str, ResourceSpec] = {
    spec.kind: spec
    for spec in (COMPUTE, BATCH_ENDPOINT, BATCH_DEPLOYMENT, BATCH_ENDPOINT_DEFAULT_DEPLOYMENT, WORKSPACE)
}

# -- Datastores and environment versions ------------------------------------------------------------
from pulumi_azureml.specs.datastores import DATASTORE  # noqa: E402
from pulumi_azureml.specs.environments import ENVIRONMENT_VERSION  # noqa: E402

SPECS.update({spec.kind: spec for spec in (DATASTORE, ENVIRONMENT_VERSION)})
# -- end of datastores and environment versions -----------------------------------------------------------------
# -- online endpoints --
from pulumi_azureml.specs.online import ONLINE_DEPLOYMENT, ONLINE_ENDPOINT, ONLINE_ENDPOINT_TRAFFIC  # noqa: E402

SPECS.update({spec.kind: spec for spec in (ONLINE_ENDPOINT, ONLINE_DEPLOYMENT, ONLINE_ENDPOINT_TRAFFIC)})

# -- asset versions ----------------------------------------------------------------------------
SPECS.update({spec.kind: spec for spec in (CODE_VERSION, MODEL_VERSION, DATA_VERSION)})

__all__ = ["SPECS"]
