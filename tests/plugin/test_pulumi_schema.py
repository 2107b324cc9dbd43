"""The plugin's package schema stays what the specs say: regenerated and compared with the checked-in file."""

from __future__ import annotations

import json

from pulumi_azureml import pulumi_schema
from pulumi_azureml.specs import SPECS


def test_checked_in_schema_is_regenerated_from_the_specs() -> None:
    assert pulumi_schema.SCHEMA_FILE.read_text(encoding="utf-8") == pulumi_schema.render(), (
        "pulumi-schema.json is stale: regenerate with `.venv/bin/python -m pulumi_azureml.pulumi_schema --write`"
    )


def test_every_kind_is_a_resource_with_arm_id_and_its_outputs() -> None:
    schema = json.loads(pulumi_schema.render())
    assert set(schema["resources"]) == {f"azureml:index:{kind}" for kind in SPECS}
    for kind, spec in SPECS.items():
        resource = schema["resources"][f"azureml:index:{kind}"]
        assert "armId" in resource["properties"]
        for output in spec.outputs:
            assert pulumi_schema.camel(output.name) in resource["properties"], (kind, output.name)
        assert "ownerMarker" not in resource["inputProperties"]


def test_secrets_are_marked_in_inputs_outputs_and_config() -> None:
    schema = json.loads(pulumi_schema.render())
    compute = schema["resources"]["azureml:index:Compute"]
    assert compute["inputProperties"]["userAccountCredentials"]["secret"] is True
    assert schema["config"]["variables"]["clientSecret"]["secret"] is True
    assert "secret" not in schema["config"]["variables"]["subscriptionId"]
    for kind, spec in SPECS.items():
        properties = schema["resources"][f"azureml:index:{kind}"]["properties"]
        for name in spec.secret_input_names() + spec.secret_output_names():
            assert properties[pulumi_schema.camel(name)].get("secret") is True, (kind, name)


def test_nested_objects_are_types_and_settings_make_placement_optional() -> None:
    schema = json.loads(pulumi_schema.render())
    compute = schema["resources"]["azureml:index:Compute"]
    ref = compute["inputProperties"]["scaleSettings"]["$ref"]
    scale = schema["types"][ref.removeprefix("#/types/")]
    assert scale["required"] == ["maxNodeCount"]
    assert "subscriptionId" not in compute["requiredInputs"]
    assert "name" not in compute["requiredInputs"]
    assert "computeType" in compute["requiredInputs"]


def test_every_lookup_is_a_function_and_secret_results_are_secret() -> None:
    import pulumi_azureml.lookups as lookups

    schema = json.loads(pulumi_schema.render())
    public = {n for n in lookups.__all__ if n.startswith(("get_", "list_")) and not n.endswith("_output")}
    assert {f"azureml:index:{pulumi_schema.camel(name)}" for name in public} == set(schema["functions"])
    keys = schema["functions"]["azureml:index:getBatchEndpointKeys"]["outputs"]["properties"]
    assert keys["primaryKey"]["secret"] is True
    compute = schema["functions"]["azureml:index:getCompute"]
    assert compute["inputs"]["required"] == ["name"] and "secret" not in compute["outputs"]["properties"]["vmSize"]
