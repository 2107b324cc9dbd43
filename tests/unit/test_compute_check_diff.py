"""Compute check and diff through the provider object: defaults, normalisation, validation, update vs replace."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.schema import UNKNOWN
from pulumi_azureml.settings import Settings

SUB = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def provider() -> AzureMLProvider:
    provider = AzureMLProvider("Compute")
    provider.use_settings(
        Settings(
            {"azureml:subscriptionId": SUB, "azureml:resourceGroupName": "rg", "azureml:workspaceName": "mlws"},
            environ={},
        )
    )
    return provider


def cluster(**overrides: Any) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "name": "cpu-cluster",
        "compute_type": "AmlCompute",
        "vm_size": "STANDARD_DS3_V2",
        "scale_settings": {"max_node_count": 4.0, "min_node_count": 0.0},
    }
    inputs.update(overrides)
    return inputs


def checked(provider: AzureMLProvider, inputs: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, inputs)
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return result.inputs


def failures(provider: AzureMLProvider, inputs: dict[str, Any]) -> dict[str, str]:
    return {f.property: f.reason for f in provider.check({}, inputs).failures}


def test_check_applies_config_defaults_and_turns_engine_floats_into_integers(provider: AzureMLProvider) -> None:
    inputs = checked(provider, cluster())
    assert inputs["subscription_id"] == SUB
    assert inputs["resource_group_name"] == "rg"
    assert inputs["workspace_name"] == "mlws"
    assert inputs["api_version"] == "2025-12-01"
    assert inputs["scale_settings"] == {"max_node_count": 4, "min_node_count": 0}
    assert type(inputs["scale_settings"]["max_node_count"]) is int
    assert inputs["adopt_existing"] is False


def test_resource_input_beats_stack_config(provider: AzureMLProvider) -> None:
    assert checked(provider, cluster(workspace_name="other-ws"))["workspace_name"] == "other-ws"


def test_missing_placement_names_the_config_key_and_environment_variable() -> None:
    provider = AzureMLProvider("Compute")
    provider.use_settings(Settings({}, environ={}))
    reasons = failures(provider, cluster())
    assert "azureml:subscriptionId" in reasons["subscription_id"]
    assert "AZURE_SUBSCRIPTION_ID" in reasons["subscription_id"]


@pytest.mark.parametrize(
    ("overrides", "prop", "fragment"),
    [
        ({"name": "cpu-1"}, "name", "not ending in '-<digits>'"),
        ({"name": "ab"}, "name", "3-24 characters"),
        ({"name": "a/b-c"}, "name", "'/'"),
        ({"scale_settings": {"max_node_count": 1.5}}, "scale_settings.max_node_count", "whole number"),
        ({"scale_settings": {"max_node_count": -1.0}}, "scale_settings.max_node_count", "at least 0"),
        ({"scale_settings": {"max_node_count": 1.0, "min_node_count": 3.0}}, "scale_settings", "must not be greater"),
        ({"scale_settings": {"max_node_count": "4"}}, "scale_settings.max_node_count", "whole number"),
        ({"vm_priority": "Cheap"}, "vm_priority", "Dedicated, LowPriority"),
        (
            {"scale_settings": {"max_node_count": 1.0, "node_idle_time_before_scale_down": "5 minutes"}},
            "scale_settings.node_idle_time_before_scale_down",
            "ISO-8601",
        ),
        ({"power_state": "Running"}, "power_state", "applies only to compute_type ComputeInstance"),
        ({"compute_type": "Supercomputer"}, "compute_type", "must be one of"),
        ({"vm_sise": "x"}, "vm_sise", "not a property of Compute"),
        ({"scale_settings": {"max_nodes": 1.0}}, "scale_settings.max_nodes", "not a property"),
        ({"timeouts": {"create": "forever"}}, "timeouts", "duration"),
        ({"tags": {"pulumi-azureml-owner": "x"}}, "tags", "manages it"),
    ],
)
def test_bad_input_names_the_field_and_the_rule(
    provider: AzureMLProvider, overrides: dict[str, Any], prop: str, fragment: str
) -> None:
    reasons = failures(provider, cluster(**overrides))
    assert prop in reasons, reasons
    assert fragment in reasons[prop]


def test_compute_instance_idle_shutdown_range(provider: AzureMLProvider) -> None:
    instance = {"name": "ci-dev", "compute_type": "ComputeInstance", "vm_size": "STANDARD_DS3_V2"}
    assert (
        "between 15 minute(s) and 3 day(s)"
        in failures(provider, {**instance, "idle_time_before_shutdown": "PT10M"})["idle_time_before_shutdown"]
    )
    checked(provider, {**instance, "idle_time_before_shutdown": "PT30M"})
    checked(provider, {**instance, "idle_time_before_shutdown": "P3D"})


def test_unknown_values_are_not_validated_during_preview(provider: AzureMLProvider) -> None:
    checked(provider, cluster(workspace_name=UNKNOWN, subnet_id=UNKNOWN))


def test_the_hosts_unknown_objects_are_understood(provider: AzureMLProvider) -> None:
    # The SDK host hands check/diff pulumi.output.Unknown objects for values not known during preview.
    from pulumi.output import Unknown

    result = provider.check({}, cluster(workspace_name=Unknown(), subnet_id=Unknown()))
    assert result.failures == []
    assert result.inputs["workspace_name"] == UNKNOWN
    olds = outputs_of(provider, cluster(subnet_id="/subscriptions/s/resourceGroups/r/providers/N/v/a/subnets/b"))
    news = {**checked(provider, cluster()), "subnet_id": Unknown()}
    assert provider.diff("id", olds, news).replaces == ["subnet_id"]


def test_unknown_marker_matches_the_sdk() -> None:
    from pulumi.runtime import rpc

    assert rpc.UNKNOWN == UNKNOWN


def outputs_of(provider: AzureMLProvider, inputs: dict[str, Any]) -> dict[str, Any]:
    """What state holds after a create: the checked inputs echoed plus server outputs."""
    state = dict(checked(provider, inputs))
    state.update({"location": "eastus", "provisioning_state": "Succeeded", "arm_id": "/subscriptions/x"})
    return state


def test_no_changes_when_inputs_are_the_same_even_as_floats(provider: AzureMLProvider) -> None:
    olds = outputs_of(provider, cluster())
    news = checked(provider, cluster())
    result = provider.diff("id", olds, news)
    assert result.changes is False
    assert result.replaces == []


def test_scale_change_is_an_in_place_patch(provider: AzureMLProvider, capsys: pytest.CaptureFixture[str]) -> None:
    olds = outputs_of(provider, cluster())
    result = provider.diff("id", olds, checked(provider, cluster(scale_settings={"max_node_count": 8.0})))
    assert result.changes is True
    assert result.replaces == []
    assert "update in place by PATCH (scale_settings)" in capsys.readouterr().out


def test_vm_size_change_is_a_delete_before_replace_with_the_reason(
    provider: AzureMLProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    olds = outputs_of(provider, cluster())
    result = provider.diff("id", olds, checked(provider, cluster(vm_size="STANDARD_NC6")))
    assert result.replaces == ["vm_size"]
    assert result.delete_before_replace is True
    out = capsys.readouterr().out
    assert "will be REPLACED (delete, then create) because vm_size" in out


def test_vm_size_case_is_not_a_change(provider: AzureMLProvider) -> None:
    olds = outputs_of(provider, cluster())
    assert provider.diff("id", olds, checked(provider, cluster(vm_size="standard_ds3_v2"))).changes is False


def test_renaming_replaces_create_before_delete(provider: AzureMLProvider) -> None:
    olds = outputs_of(provider, cluster())
    result = provider.diff("id", olds, checked(provider, cluster(name="gpu-cluster")))
    assert result.replaces == ["name"]
    assert result.delete_before_replace is False


def test_description_on_a_cluster_is_a_put_but_on_an_instance_a_replace(provider: AzureMLProvider) -> None:
    olds = outputs_of(provider, cluster())
    assert provider.diff("id", olds, checked(provider, cluster(description="new"))).replaces == []
    instance = {"name": "ci-dev", "compute_type": "ComputeInstance", "vm_size": "STANDARD_DS3_V2"}
    olds = outputs_of(provider, instance)
    assert provider.diff("id", olds, checked(provider, {**instance, "description": "new"})).replaces == ["description"]


def test_power_state_is_an_action_not_a_replace(provider: AzureMLProvider) -> None:
    instance = {"name": "ci-dev", "compute_type": "ComputeInstance", "vm_size": "STANDARD_DS3_V2"}
    olds = outputs_of(provider, {**instance, "power_state": "Running"})
    result = provider.diff("id", olds, checked(provider, {**instance, "power_state": "Stopped"}))
    assert result.changes is True and result.replaces == []


def test_idle_shutdown_change_is_an_action_in_place_not_a_replace(
    provider: AzureMLProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 26: a changed idle shutdown replaced the instance (its disk and the user's work), while the service
    # changes it in place with POST .../updateIdleShutdownSetting.
    instance = {"name": "ci-dev", "compute_type": "ComputeInstance", "vm_size": "STANDARD_DS3_V2"}
    olds = outputs_of(provider, {**instance, "idle_time_before_shutdown": "PT30M"})
    capsys.readouterr()
    result = provider.diff("id", olds, checked(provider, {**instance, "idle_time_before_shutdown": "PT1H"}))
    assert result.changes is True and result.replaces == []
    line = capsys.readouterr().out
    assert "run actions for idle_time_before_shutdown" in line and "REPLACED" not in line, line
    # The same length spelt otherwise is no change at all.
    same = provider.diff("id", olds, checked(provider, {**instance, "idle_time_before_shutdown": "PT1800S"}))
    assert same.changes is False


def test_removing_idle_shutdown_replaces_with_the_reason(
    provider: AzureMLProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = {"name": "ci-dev", "compute_type": "ComputeInstance", "vm_size": "STANDARD_DS3_V2"}
    olds = outputs_of(provider, {**instance, "idle_time_before_shutdown": "PT30M"})
    capsys.readouterr()
    result = provider.diff("id", olds, checked(provider, instance))
    assert result.replaces == ["idle_time_before_shutdown"]
    assert "no value documented to turn idle shutdown off" in capsys.readouterr().out


def test_vm_size_is_required_for_clusters_and_instances_and_the_reference_says_so(provider: AzureMLProvider) -> None:
    from pulumi_azureml.specs import SPECS

    assert failures(provider, {"name": "ci-dev", "compute_type": "ComputeInstance"})["vm_size"].startswith(
        "is required for ComputeInstance"
    )
    assert "Required for AmlCompute and ComputeInstance" in SPECS["Compute"].field("vm_size").description
    assert "Required for AmlCompute" in SPECS["Compute"].field("scale_settings").description


def test_server_filled_defaults_and_location_default_never_diff(provider: AzureMLProvider) -> None:
    olds = outputs_of(provider, cluster())
    olds.update({"os_type": "Linux", "remote_login_port_public_access": "Enabled", "location": "eastus"})
    assert provider.diff("id", olds, checked(provider, cluster())).changes is False
    # An explicit location that only differs in spelling is the same region.
    assert provider.diff("id", olds, checked(provider, cluster(location="East US"))).changes is False
    assert provider.diff("id", olds, checked(provider, cluster(location="westus"))).replaces == ["location"]


def test_unknown_create_only_value_previews_as_replace(provider: AzureMLProvider) -> None:
    olds = outputs_of(provider, cluster(subnet_id="/subscriptions/s/resourceGroups/r/providers/N/v/a/subnets/b"))
    result = provider.diff("id", olds, checked(provider, cluster(subnet_id=UNKNOWN)))
    assert result.replaces == ["subnet_id"]


def test_timeouts_change_is_provider_side_only(provider: AzureMLProvider, capsys: pytest.CaptureFixture[str]) -> None:
    olds = outputs_of(provider, cluster())
    result = provider.diff("id", olds, checked(provider, cluster(timeouts={"create": "2h"})))
    assert result.changes is True and result.replaces == []
    assert "no request to Azure" in capsys.readouterr().out


def test_pickled_provider_holds_only_the_kind() -> None:
    import pickle

    provider = AzureMLProvider("Compute")
    provider.use_settings(Settings({"azureml:clientSecret": "s3cret-value"}, environ={}))
    data = pickle.dumps(provider)
    assert b"s3cret-value" not in data
    assert pickle.loads(data).kind == "Compute"
