"""The program the real-CLI sections run: ``bench:count`` clusters, of this package or of the do-nothing provider.

``bench:kind`` is ``azureml`` (``pulumi_azureml.Compute``, against the emulator) or ``empty``
(:class:`benchsuite.baselines.EmptyResource` with the same inputs: the engine's and the SDK's own cost, the
baseline of the ratios). The inputs are those of section 3 (``preview_scale.compute_inputs``), repeated here so
the program imports nothing of the suite but the baseline.
"""

from typing import Any

import pulumi

config = pulumi.Config("bench")
count = config.require_int("count")
kind = config.require("kind")
prefix = config.get("prefix") or "scale"


def inputs(index: int) -> dict[str, Any]:
    return {
        "name": f"{prefix}{index:03d}x",
        "compute_type": "AmlCompute",
        "vm_size": "STANDARD_DS3_V2",
        "description": f"cluster {index}",
        "tags": {"team": "ml", "index": str(index)},
        "scale_settings": {"max_node_count": 2, "min_node_count": 0, "node_idle_time_before_scale_down": "PT5M"},
    }


if kind == "azureml":
    import pulumi_azureml as azureml

    for index in range(count):
        values = inputs(index)
        scale = values.pop("scale_settings")
        azureml.Compute(values["name"], scale_settings=azureml.ScaleSettingsArgs(**scale), **values)
else:
    # Found by the provider host on PYTHONPATH (tests/benchmarks), as dill pickles the provider by reference.
    from benchsuite.baselines import EmptyResource

    for index in range(count):
        values = inputs(index)
        EmptyResource(values["name"], values)
