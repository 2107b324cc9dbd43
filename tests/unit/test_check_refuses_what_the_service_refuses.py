"""For every kind, ``check`` refuses a non-integral number, a wrong type and an unknown enum value, naming the
field and the rule, before any request: the same inputs the emulator (like the service) refuses with a 400."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_azureml.provider import AzureMLProvider

SUB = "00000000-0000-0000-0000-0000000000aa"
PLACEMENT = {"subscription_id": SUB, "resource_group_name": "rg", "workspace_name": "mlw"}
OTHER = f"/subscriptions/{SUB}/resourceGroups/rg/providers"

BASE: dict[str, dict[str, Any]] = {
    "Compute": {
        "name": "cluster",
        "compute_type": "AmlCompute",
        "vm_size": "STANDARD_DS3_V2",
        "scale_settings": {"max_node_count": 2.0},
    },
    "BatchEndpoint": {"name": "scoring", "sku": {"name": "Default", "capacity": 1.0}},
    "BatchDeployment": {
        "endpoint_name": "scoring",
        "name": "blue",
        "code_configuration": {"scoring_script": "score.py"},
        "mini_batch_size": 10.0,
    },
    "BatchEndpointDefaultDeployment": {"endpoint_name": "scoring", "deployment_name": "blue"},
    "Workspace": {
        "name": "mlw-check",
        "location": "eastus",
        "storage_account": f"{OTHER}/Microsoft.Storage/storageAccounts/st",
        "key_vault": f"{OTHER}/Microsoft.KeyVault/vaults/kv",
        "service_managed_resources_settings": {"cosmos_db": {"collections_throughput": 400.0}},
    },
}

# kind: (non-integral, wrong type, unknown enum), each (inputs to merge, property named, words of the rule)
CASES: dict[str, tuple[tuple[dict[str, Any], str, str], ...]] = {
    "Compute": (
        ({"scale_settings": {"max_node_count": 2.5}}, "scale_settings.max_node_count", "whole number"),
        ({"enable_node_public_ip": "yes"}, "enable_node_public_ip", "true or false"),
        ({"vm_priority": "Spot"}, "vm_priority", "must be one of"),
    ),
    "BatchEndpoint": (
        ({"sku": {"name": "Default", "capacity": 0.5}}, "sku.capacity", "whole number"),
        ({"description": 12}, "description", "must be a string"),
        ({"auth_mode": "Token"}, "auth_mode", "must be one of"),
    ),
    "BatchDeployment": (
        ({"mini_batch_size": 2.5}, "mini_batch_size", "whole number"),
        ({"max_concurrency_per_instance": "2"}, "max_concurrency_per_instance", "whole number"),
        ({"logging_level": "Verbose"}, "logging_level", "must be one of"),
    ),
    "BatchEndpointDefaultDeployment": (
        ({"deployment_name": 1.5}, "deployment_name", "must be a string"),
        ({"deployment_name": ["blue"]}, "deployment_name", "must be a string"),
        ({"endpoint_name": 3.0}, "endpoint_name", "must be a string"),
    ),
    "Workspace": (
        (
            {"service_managed_resources_settings": {"cosmos_db": {"collections_throughput": 400.5}}},
            "service_managed_resources_settings.cosmos_db.collections_throughput",
            "whole number",
        ),
        ({"v1_legacy_mode": "false"}, "v1_legacy_mode", "true or false"),
        ({"public_network_access": "Sometimes"}, "public_network_access", "must be one of"),
    ),
}


def check(kind: str, extra: dict[str, Any]) -> Any:
    placement = {key: value for key, value in PLACEMENT.items() if kind != "Workspace" or key != "workspace_name"}
    return AzureMLProvider(kind).check({}, {**placement, **BASE[kind], **extra})


@pytest.mark.parametrize("kind", sorted(BASE))
def test_the_valid_inputs_pass_and_integers_come_back_as_integers(kind: str) -> None:
    result = check(kind, {})
    assert result.failures == []
    floats = [key for key, value in result.inputs.items() if isinstance(value, float)]
    assert floats == []


@pytest.mark.parametrize("kind", sorted(CASES))
@pytest.mark.parametrize("which", [0, 1, 2], ids=["non-integral", "wrong-type", "unknown-enum-or-type"])
def test_check_names_the_field_and_the_rule(kind: str, which: int) -> None:
    extra, prop, rule = CASES[kind][which]
    failures = [(failure.property, failure.reason) for failure in check(kind, extra).failures]
    assert any(name == prop and rule in reason for name, reason in failures), failures


# -- issue 23: the service's generic rules, from the declared types (each case was accepted on main 192aab5) -------

from pulumi_azureml.schema import Field, ResourceSpec  # noqa: E402
from pulumi_azureml.settings import Settings  # noqa: E402
from pulumi_azureml.specs import SPECS  # noqa: E402
from pulumi_azureml.validation import INT32_MAX, validate_value  # noqa: E402

CONFIG = {
    "azureml:subscriptionId": SUB,
    "azureml:resourceGroupName": "rg",
    "azureml:workspaceName": "mlw",
    "azureml:location": "eastus",
}


def check_sample(kind: str, extra: dict[str, Any]) -> list[tuple[str, str]]:
    """Failures of the kind's sample inputs with ``extra`` merged in (a ``None`` removes an input)."""
    subject = AzureMLProvider(kind)
    subject.use_settings(Settings(CONFIG, environ={}))
    sample = dict(SPECS[kind].sample_inputs or {})
    merged = {key: value for key, value in {**sample, **extra}.items() if value is not None}
    return [(failure.property, failure.reason) for failure in subject.check({}, merged).failures]


def refused(kind: str, extra: dict[str, Any], prop: str, *rule: str) -> str:
    failures = check_sample(kind, extra)
    reasons = [reason for name, reason in failures if name == prop]
    assert reasons, f"{prop} not refused: {failures}"
    assert all(word in reasons[0] for word in rule), reasons[0]
    assert "\n" not in reasons[0]
    return reasons[0]


KUBERNETES = {"endpoint_compute_type": "Kubernetes", "instance_type": None}
NOT_OBJECTS = [
    ("ModelVersion", {"flavors": ["sklearn"]}, "flavors"),
    ("ModelVersion", {"flavors": "sklearn"}, "flavors"),
    ("OnlineDeployment", {**KUBERNETES, "container_resource_requirements": "1 cpu"}, "container_resource_requirements"),
    ("OnlineDeployment", {"data_collector": [1]}, "data_collector"),
    ("BatchDeployment", {"resources": {"instance_count": 1, "properties": ["x"]}}, "resources.properties"),
    ("Compute", {"property_bag": "x"}, "property_bag"),
]


@pytest.mark.parametrize(
    ("kind", "extra", "prop"), NOT_OBJECTS, ids=[case[2] + "-" + str(i) for i, case in enumerate(NOT_OBJECTS)]
)
def test_a_value_declared_as_an_object_must_be_one(kind: str, extra: dict[str, Any], prop: str) -> None:
    refused(kind, extra, prop, "must be an object")


PAST_INT32 = [
    ("Compute", {"scale_settings": {"max_node_count": 2**31}}, "scale_settings.max_node_count"),
    ("OnlineDeployment", {"instance_count": 3e9}, "instance_count"),
    ("OnlineDeployment", {"liveness_probe": {"failure_threshold": 2**31}}, "liveness_probe.failure_threshold"),
    (
        "OnlineDeployment",
        {"request_settings": {"max_concurrent_requests_per_instance": 2**40}},
        "request_settings.max_concurrent_requests_per_instance",
    ),
    ("BatchDeployment", {"max_concurrency_per_instance": 2**31}, "max_concurrency_per_instance"),
    ("BatchEndpoint", {"sku": {"name": "Default", "capacity": 2**31}}, "sku.capacity"),
]


@pytest.mark.parametrize(("kind", "extra", "prop"), PAST_INT32, ids=[case[2] for case in PAST_INT32])
def test_a_count_past_int32_is_refused_with_the_exact_limit(kind: str, extra: dict[str, Any], prop: str) -> None:
    refused(kind, extra, prop, "must be at most 2147483647", "32-bit")


def test_an_int64_field_takes_past_int32_but_not_past_int64() -> None:
    assert check_sample("BatchDeployment", {"mini_batch_size": 2**40}) == []
    refused("BatchDeployment", {"mini_batch_size": 2**63}, "mini_batch_size", "at most 9223372036854775807")


def _integer_fields(fields: tuple[Field, ...], prefix: str = "") -> list[tuple[str, Field]]:
    found: list[tuple[str, Field]] = []
    for field_ in fields:
        if field_.type == "integer":
            found.append((prefix + field_.name, field_))
        found += _integer_fields(field_.fields, f"{prefix}{field_.name}.")
        if field_.item is not None:
            found += _integer_fields((field_.item,), f"{prefix}{field_.name}[].")
    return found


INTEGERS = [
    pytest.param(field_, id=f"{kind}.{path}")
    for kind, spec in sorted(SPECS.items())
    for path, field_ in _integer_fields(spec.all_fields())
]


@pytest.mark.parametrize("field_", INTEGERS)
def test_every_integer_field_declares_its_range(field_: Field) -> None:
    """The REST reference says int32 or int64 for every integer: the declaration says which (INT32_MAX or less)."""
    assert field_.minimum is not None and field_.maximum is not None
    assert field_.maximum <= INT32_MAX or field_.name == "mini_batch_size"  # the one format int64


BLANK = [
    ("EnvironmentVersion", {"image": " "}, "image", "must not be blank"),
    ("Datastore", {"account_name": ""}, "account_name", "must not be empty"),
    (
        "Datastore",
        {"datastore_type": "AzureFile", "container_name": None, "file_share_name": ""},
        "file_share_name",
        "must not be empty",
    ),
    ("Datastore", {"endpoint": ""}, "endpoint", "must not be empty; leave it unset for the service's default"),
    ("Datastore", {"protocol": ""}, "protocol", "must not be empty; leave it unset for the service's default"),
    ("Datastore", {"protocol": "\t"}, "protocol", "must not be blank"),
    ("OnlineEndpoint", {"description": ""}, "description", "leave it unset"),
    ("OnlineDeployment", {"code_configuration": {"scoring_script": " "}}, "code_configuration.scoring_script", "blank"),
]


@pytest.mark.parametrize(
    ("kind", "extra", "prop", "rule"), BLANK, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(BLANK)]
)
def test_blank_and_empty_strings_are_refused(kind: str, extra: dict[str, Any], prop: str, rule: str) -> None:
    refused(kind, extra, prop, rule)


def test_a_field_whose_pattern_accepts_empty_declares_it_meaningful() -> None:
    optional = Field("suffix", pattern=r"[a-z]*")
    assert validate_value(optional, "", "suffix") == []
    assert validate_value(Field("suffix", server_default=True), "", "suffix") == [
        ("suffix", "must not be empty; leave it unset for the service's default")
    ]
    assert validate_value(Field("suffix"), " ", "suffix") == [
        ("suffix", "must not be blank (only whitespace); leave it unset")
    ]


def test_a_capitalised_online_deployment_name_is_refused_with_the_reason() -> None:
    reason = refused("OnlineDeployment", {"name": "Blue"}, "name", "must be lower case", "'blue'", "28715")
    assert len(reason) < 300


def test_a_traffic_split_naming_one_deployment_twice_by_case_is_refused() -> None:
    refused("OnlineEndpointTraffic", {"traffic": {"blue": 100, "Blue": 0}}, "traffic", "twice", "'blue'", "'Blue'")
    refused("OnlineEndpointTraffic", {"mirror_traffic": {"Green": 10, "green": 0}}, "mirror_traffic", "twice")


def test_traffic_keys_are_matched_to_deployments_without_case() -> None:
    subject = AzureMLProvider("OnlineEndpointTraffic")
    subject.use_settings(Settings(CONFIG, environ={}))
    result = subject.check({}, {"endpoint_name": "online", "traffic": {"Blue": 100}, "mirror_traffic": {"GREEN": 5}})
    assert result.failures == []
    assert result.inputs["traffic"] == {"blue": 100}
    assert result.inputs["mirror_traffic"] == {"green": 5}


MISSPELT = [
    ("Compute", {"vm_sise": "STANDARD_DS3_V2"}, "vm_sise", "did you mean vm_size?"),
    ("Compute", {"vmSize": "STANDARD_DS3_V2"}, "vmSize", "did you mean vm_size? (inputs are snake_case)"),
    (
        "Compute",
        {"scale_settings": {"max_nodes_count": 2}},
        "scale_settings.max_nodes_count",
        "did you mean max_node_count?",
    ),
    ("Datastore", {"acount_name": "x"}, "acount_name", "did you mean account_name?"),
    ("OnlineDeployment", {"instanceCount": 1}, "instanceCount", "did you mean instance_count?"),
]


@pytest.mark.parametrize(("kind", "extra", "prop", "rule"), MISSPELT, ids=[c[2] for c in MISSPELT])
def test_a_misspelt_property_name_gets_a_did_you_mean(kind: str, extra: dict[str, Any], prop: str, rule: str) -> None:
    refused(kind, extra, prop, "is not a property", rule)


def test_an_unrelated_property_name_gets_no_suggestion() -> None:
    reason = refused("Compute", {"colour": "blue"}, "colour", "is not a property of Compute")
    assert "did you mean" not in reason


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_every_kind_declares_valid_sample_inputs(kind: str) -> None:
    """The suites' baselines (fuzz, bad input, secret scan) come from here: a kind without them is not covered."""
    spec: ResourceSpec = SPECS[kind]
    assert spec.sample_inputs, f"{kind} declares no sample_inputs"
    assert check_sample(kind, {}) == []


# Found by sending every input check accepted to the emulator (one field changed at a time, every kind): the
# service refuses these at create, so check does too.


@pytest.mark.parametrize(
    ("flavors", "rule"),
    [
        ({"sklearn": "v"}, "must be an object"),
        ({"sklearn": 1}, "must be an object"),
        ({"sklearn": {"data": {}, "version": "1"}}, "takes only data"),
        ({"sklearn": {"data": {"loader": 1}}}, "mapping of strings"),
    ],
    ids=["string", "number", "extra-member", "data-not-strings"],
)
def test_each_model_flavor_is_a_flavor_data_object(flavors: dict[str, Any], rule: str) -> None:
    refused("ModelVersion", {"flavors": flavors}, "flavors", rule)


def test_a_model_flavor_data_object_passes() -> None:
    assert check_sample("ModelVersion", {"flavors": {"python_function": {"data": {"loader_module": "m"}}}}) == []


def test_an_asset_reference_takes_only_its_type_s_members() -> None:
    model = {"reference_type": "Id", "asset_id": "azureml:churn:1", "datastore_id": "x"}
    refused("BatchDeployment", {"model": model}, "model", "reference_type Id takes only asset_id", "datastore_id")
    data_path = {"reference_type": "DataPath", "datastore_id": "d", "path": "p", "job_id": "j"}
    refused("BatchDeployment", {"model": data_path}, "model", "takes only datastore_id and path", "job_id")


@pytest.mark.parametrize(
    ("requirements", "rule"),
    [
        ({"k": "v"}, "takes only containerResourceLimits and containerResourceRequests"),
        ({"containerResourceLimits": "1"}, "must be an object of cpu, gpu and memory"),
        ({"containerResourceLimits": {"disk": "1"}}, "takes only cpu, gpu and memory"),
        ({"containerResourceRequests": {"cpu": 1}}, "must be a string such as '1' or '2Gi'"),
    ],
    ids=["unknown-member", "not-an-object", "unknown-resource", "number"],
)
def test_container_resource_requirements_take_only_limits_and_requests(requirements: dict[str, Any], rule: str) -> None:
    extra = {**KUBERNETES, "container_resource_requirements": requirements}
    refused("OnlineDeployment", extra, "container_resource_requirements", rule)


def test_container_resource_requirements_as_the_reference_spells_them_pass() -> None:
    requirements = {"containerResourceLimits": {"cpu": "1", "memory": "2Gi"}, "containerResourceRequests": {}}
    assert check_sample("OnlineDeployment", {**KUBERNETES, "container_resource_requirements": requirements}) == []


def test_an_integer_without_a_declared_range_is_bounded_by_int64_and_a_number_is_not() -> None:
    assert validate_value(Field("n", type="integer"), 2**63, "n") == [
        (
            "n",
            "must be at most 9223372036854775807 (the 64-bit integer range the service reads), got 9223372036854775808",
        )
    ]
    assert validate_value(Field("n", type="integer"), 2**63 - 1, "n") == []
    assert validate_value(Field("x", type="number"), 1e300, "x") == []
