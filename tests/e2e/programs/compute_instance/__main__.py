"""One compute instance whose idle shutdown comes from the stack config (`idleShutdown`, default PT30M).

Used by tests/e2e/test_compute_instance_idle_shutdown.py: changing the config must update the instance in place
(POST .../updateIdleShutdownSetting), never replace it.
"""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()

instance = azureml.Compute(
    "ci-dev",
    compute_type="ComputeInstance",
    vm_size="STANDARD_DS3_V2",
    idle_time_before_shutdown=config.get("idleShutdown") or "PT30M",
)

pulumi.export("created_on", instance.created_on)
