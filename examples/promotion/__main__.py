"""The program that `promote.py` promotes through dev, staging and prod: one cluster and one batch endpoint.

Two kinds of stack config. The *release* (`RELEASE`: the cluster's vm size, the texts) is what a promotion carries:
the first stack (dev) sets it in its own config; every later stack names the stack it follows
(`azureml-promotion:promoteFrom`) and takes the release from that stack's `release` output through a
[stack reference](https://www.pulumi.com/docs/iac/concepts/stacks/#stackreferences), so staging runs what dev
runs and prod what staging runs, never something else. The *environment* (`maxNodes`, the workspace) is each
stack's own and is never promoted: prod keeps its 10 nodes whatever dev does.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()

# The release settings and their defaults (a source stack that sets none of them deploys these).
RELEASE = {
    "vmSize": "STANDARD_DS3_V2",
    "clusterDescription": "training cluster",
    "endpointDescription": "batch scoring",
}

upstream = config.get("promoteFrom")
if upstream:
    # A release setting in a following stack's own config would be ignored: say so instead.
    for key in RELEASE:
        if config.get(key) is not None:
            raise ValueError(
                f"{pulumi.get_project()}:{key} is set on this stack, which takes its release from stack "
                f"'{upstream}' ({pulumi.get_project()}:promoteFrom): remove it here "
                f"(`pulumi config rm {key}`), set it on the first stack and promote"
            )
    # On a DIY backend (file://, azblob://) the organization is always "organization"; the CLI knows it.
    source = pulumi.StackReference(f"{pulumi.get_organization()}/{pulumi.get_project()}/{upstream}")
    release = source.require_output("release")
else:
    release = pulumi.Output.from_input({key: config.get(key) or default for key, default in RELEASE.items()})

cluster = azureml.Compute(
    "train",
    azureml.ComputeArgs(
        compute_type="AmlCompute",
        description=release["clusterDescription"],
        # A different vm size replaces the cluster (delete, then create): promote.py stops there.
        vm_size=release["vmSize"],
        vm_priority="Dedicated",
        scale_settings=azureml.ScaleSettingsArgs(
            min_node_count=0,
            # This environment's own size; scale settings update in place (a PATCH).
            max_node_count=config.get_int("maxNodes") or 2,
        ),
    ),
)

endpoint = azureml.BatchEndpoint("score", description=release["endpointDescription"])

pulumi.export("release", release)
pulumi.export("cluster", cluster.name)
pulumi.export("endpoint", endpoint.name)
pulumi.export("scoring_uri", endpoint.scoring_uri)
