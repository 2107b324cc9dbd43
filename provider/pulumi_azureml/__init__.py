"""pulumi-azureml: Pulumi dynamic providers for Azure Machine Learning over the ARM REST API."""

from __future__ import annotations

from pulumi_azureml._version import __version__

__all__ = ["__version__"]
