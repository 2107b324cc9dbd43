"""Nothing the user sets is ignored without a word (issue 26).

- an `azureml:*` stack config key that is no setting (`azureml:emulater`) warns once, with a did-you-mean, on the
  provider's warning channel (stdout, `azureml: warning: ...`), however many resource kinds are configured;
- `custom_timeouts` on one of this package's resources warns, naming the resource and the `timeouts` input: Pulumi
  does not pass the option to dynamic providers;
- the "is required" errors of the placement settings say how to run on the bundled emulator instead of Azure.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_azureml import console
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.resources import base
from pulumi_azureml.settings import Settings, unknown_config_keys


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_WARNED", set())


def configure(kind: str, config: dict[str, Any]) -> AzureMLProvider:
    provider = AzureMLProvider(kind)
    provider.configure(ConfigureRequest(Config(raw_config=config, project_name="proj")))
    return provider


def test_a_misspelt_config_key_warns_once_with_a_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    config = {"azureml:emulater": ".pulumi-local/emulator.db", "azureml:workspaceName": "mlw", "aws:region": "x"}
    for kind in ("Compute", "Workspace", "BatchEndpoint"):  # one provider object per kind, each configured
        configure(kind, config)
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert lines == [
        "azureml: warning: stack config 'azureml:emulater' is not a pulumi-azureml setting and is ignored; "
        "did you mean azureml:emulator?"
    ]


def test_known_keys_and_other_namespaces_are_not_warned_about(capsys: pytest.CaptureFixture[str]) -> None:
    configure("Compute", {"azureml:emulator": "x.db", "azureml:pollIntervalSeconds": "1", "proj:count": "2"})
    assert "warning" not in capsys.readouterr().out


def test_an_unrelated_key_lists_the_settings_and_never_shows_its_value() -> None:
    [(key, line)] = unknown_config_keys(["azureml:zzzz"])
    assert key == "azureml:zzzz"
    assert "the settings are subscriptionId, resourceGroupName" in line
    assert "\n" not in line
    assert unknown_config_keys(["azureml:SubscriptionID"])[0][1].endswith("did you mean azureml:subscriptionId?")


def test_custom_timeouts_on_a_dynamic_resource_warn_naming_the_resource_and_the_timeouts_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warned: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *args, **kwargs: warned.append(message))
    monkeypatch.setattr(pulumi, "get_project", lambda: "proj")
    monkeypatch.setattr(pulumi, "get_stack", lambda: "dev")
    inputs = {"compute_type": "AmlCompute", "vm_size": "STANDARD_DS3_V2"}
    base.prepare("Compute", "cpu-cluster", None, inputs, pulumi.ResourceOptions())
    assert warned == []
    options = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="90m"))
    base.prepare("Compute", "cpu-cluster", None, inputs, options)
    assert len(warned) == 1
    assert warned[0].startswith("Compute 'cpu-cluster': the custom_timeouts resource option is ignored")
    assert "`timeouts` input" in warned[0]


def test_required_placement_errors_say_how_to_run_on_the_emulator() -> None:
    provider = AzureMLProvider("Compute")
    provider.use_settings(Settings({}, environ={}))
    result = provider.check({}, {"name": "cpu", "compute_type": "AmlCompute", "vm_size": "STANDARD_DS3_V2"})
    reasons = {failure.property: failure.reason for failure in result.failures}
    for name in ("subscription_id", "resource_group_name", "workspace_name"):
        assert "`pulumi config set azureml:emulator <file>.db`" in reasons[name], reasons


def test_a_bad_name_says_it_comes_from_the_resource_name_unless_name_is_given() -> None:
    provider = AzureMLProvider("Compute")
    provider.use_settings(
        Settings(
            {"azureml:subscriptionId": "s", "azureml:resourceGroupName": "rg", "azureml:workspaceName": "mlw"},
            environ={},
        )
    )
    inputs = {"name": "cluster_1", "compute_type": "AmlCompute", "vm_size": "STANDARD_DS3_V2"}
    inputs["scale_settings"] = {"max_node_count": 1}
    reasons = {failure.property: failure.reason for failure in provider.check({}, inputs).failures}
    assert reasons["name"].startswith("must be 3-24 characters"), reasons
    assert reasons["name"].endswith("(the Azure name is the Pulumi resource name unless `name=` is given)")
