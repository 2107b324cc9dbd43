"""A personal compute instance with start/stop schedules, idle shutdown and a desired power state."""

import pulumi

import pulumi_azureml as azureml

config = pulumi.Config()

instance = azureml.Compute(
    "ci-notebooks",
    azureml.ComputeArgs(
        compute_type="ComputeInstance",
        vm_size="STANDARD_DS3_V2",
        # Stop after 30 idle minutes (allowed: 15 minutes to 3 days).
        idle_time_before_shutdown="PT30M",
        schedules=[
            azureml.ScheduleArgs(
                action="Start",
                trigger_type="Recurrence",
                recurrence=azureml.RecurrenceArgs(
                    frequency="Week",
                    interval=1,
                    time_zone="UTC",
                    schedule=azureml.RecurrenceScheduleArgs(
                        hours=[8], minutes=[0], week_days=["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
                    ),
                ),
            ),
            azureml.ScheduleArgs(
                action="Stop",
                trigger_type="Cron",
                cron=azureml.CronArgs(expression="0 19 * * *", time_zone="UTC"),
            ),
        ],
        # `pulumi config set powerState Stopped` stops it on the next `up`; Running starts it again.
        power_state=config.get("powerState") or "Running",
    ),
)

pulumi.export("instance_id", instance.id)
pulumi.export("state", instance.state)
