// Azure Machine Learning computes, endpoints, deployments, workspaces, datastores, environments and asset versions over the ARM REST API.
package azureml
