"""An Automation API inline program on the generated Python SDK (sdk/python, import name `pulumi_azureml_sdk`), run
by tests/e2e/test_plugin_sdks.py with sdk/python on PYTHONPATH: up (one cluster), preview and refresh with no
change, an in-place change, a no-change preview, destroy. The engine starts the azureml provider plugin
(pulumi-resource-azureml, on PATH) against the emulator named in the stack config. Prints one JSON line per step.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import pulumi
import pulumi_azureml_sdk as azureml
from pulumi import automation as auto


def program(max_nodes: int) -> Callable[[], None]:
    def run() -> None:
        cluster = azureml.Compute(
            "cluster",
            compute_type="AmlCompute",
            vm_size="STANDARD_DS3_V2",
            scale_settings=azureml.ComputeScaleSettingsArgs(max_node_count=max_nodes),
        )
        pulumi.export("armId", cluster.arm_id)

    return run


def report(step: str, value: object) -> None:
    print(json.dumps({"step": step, "value": value}), flush=True)


def main() -> None:
    settings = json.loads(os.environ["AZUREML_SDK_TEST_SETTINGS"])

    first = auto.create_or_select_stack(
        stack_name="dev", project_name="azureml-python-sdk", program=program(1), work_dir=settings["workDir"]
    )
    for key, value in settings["config"].items():
        first.set_config(key, auto.ConfigValue(value=value, secret=key in settings["secrets"]))
    up = first.up()
    report("up", {"summary": up.summary.resource_changes, "armId": up.outputs["armId"].value})
    report("preview", first.preview(expect_no_changes=True).change_summary)
    report("refresh", first.refresh(expect_no_changes=True).summary.resource_changes)
    first.workspace.program = program(2)
    report("change", first.up().summary.resource_changes)
    report("preview-after-change", first.preview(expect_no_changes=True).change_summary)
    report("destroy", first.destroy().summary.resource_changes)


if __name__ == "__main__":
    main()
