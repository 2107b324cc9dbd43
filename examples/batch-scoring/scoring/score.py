"""Batch scoring entry point: Azure ML calls init() once per worker, then run() for each mini-batch of files."""

import json
import os

_weights: dict[str, float] = {}


def init() -> None:
    model_dir = os.environ.get("AZUREML_MODEL_DIR", ".")
    with open(os.path.join(model_dir, "churn-model.json"), encoding="utf-8") as handle:
        _weights.update(json.load(handle)["weights"])


def run(mini_batch: list[str]) -> list[str]:
    results = []
    for path in mini_batch:
        with open(path, encoding="utf-8") as handle:
            row = json.load(handle)
        score = sum(_weights.get(name, 0.0) * float(value) for name, value in row.items())
        results.append(f"{os.path.basename(path)},{score:.4f}")
    return results
