"""N independent AmlCompute clusters (config `count`): the engine may create them all at once.

Used by tests/e2e/test_parallel.py to see how many creates the real engine and the provider host run at once.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()
for index in range(config.require_int("count")):
    azureml.Compute(
        f"cluster-{chr(ord('a') + index)}",  # compute names may not end in -<digits>
        compute_type="AmlCompute",
        vm_size="STANDARD_DS2_V2",
        scale_settings=azureml.ScaleSettingsArgs(min_node_count=0, max_node_count=1),
    )
