"""Resource types declared as data, by kind. The kind strings are persisted in every stack's state: never rename."""

from __future__ import annotations

from pulumi_azureml.schema import ResourceSpec
from pulumi_azureml.specs.batch import BATCH_DEPLOYMENT, BATCH_ENDPOINT, BATCH_ENDPOINT_DEFAULT_DEPLOYMENT
from pulumi_azureml.specs.compute import COMPUTE

SPECS: dict[str, ResourceSpec] = {
    spec.kind: spec for spec in (COMPUTE, BATCH_ENDPOINT, BATCH_DEPLOYMENT, BATCH_ENDPOINT_DEFAULT_DEPLOYMENT)
}

__all__ = ["SPECS"]
