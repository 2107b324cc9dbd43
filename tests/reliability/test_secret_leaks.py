"""Secrets never leak: full lifecycles using every secret input and output, then a scan of everything a user sees.

Secret values in play: the compute's ``user_account_credentials`` (password and SSH key), the batch endpoint's
``keys`` (input) and ``primary_key``/``secondary_key`` (outputs, also when the service generates them), the stack
config's ``azureml:clientSecret`` and ``azureml:accessToken`` (the bearer token). The lifecycle creates, updates
(PATCH and PUT), replaces, refreshes, fails (with a service error message that echoes the secrets back, as a
careless service might) and destroys.

Scanned for every secret value: the raw state file after every verb, the ``__provider`` of every resource (decoded
from base64: the pickled provider), everything the host printed (stdout and stderr), the error texts the engine
reports (the host's gRPC details), and the ``repr`` of the client objects. Zero hits. Secret outputs must be
secret in state.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.arm.auth import StaticTokenSource
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.lookups import OnlineEndpointKeys, OnlineEndpointToken
from pulumi_azureml.provider import AzureMLError, AzureMLProvider
from pulumi_azureml.settings import Settings

from harness import DeploymentError, HostError, Stack, is_secret
from reliability.catalogue import (
    DEPLOYMENT_SECRET,
    PASSWORD,
    PRIMARY_KEY,
    PROJECT,
    SECONDARY_KEY,
    SSH_PUBLIC_KEY,
    STACK,
    Declared,
    cluster,
    default_deployment,
    deployment,
    endpoint,
    online_deployment,
    online_endpoint,
    online_traffic,
)
from reliability.conftest import TOKEN, fast_client, stack_config
from reliability.host_programs import program_of
from reliability.inprocess_engine import over_the_wire

CLIENT_SECRET = "client-secret-value-Xy9~never-log-me"
SECRETS = {
    "password": PASSWORD,
    "ssh key": SSH_PUBLIC_KEY,
    "primary key": PRIMARY_KEY,
    "secondary key": SECONDARY_KEY,
    "client secret": CLIENT_SECRET,
    "bearer token": TOKEN,
}


def leaks(text: str, *, extra: dict[str, str] | None = None) -> list[str]:
    """The names of the secrets found in ``text``."""
    found = [name for name, value in {**SECRETS, **(extra or {})}.items() if value and value in text]
    return found


def host_error_text(error: BaseException) -> str:
    """Everything the engine reports for a failed run: the error, its cause, and the host's gRPC details."""
    cause = error if isinstance(error, HostError) else error.__cause__
    details = cause.details if isinstance(cause, HostError) else ""
    return f"{error}\n{cause}\n{details}"


def provider_pickles(stack: Stack) -> str:
    """Every ``__provider`` in state, decoded (the pickle bytes as text)."""
    decoded: list[str] = []
    for resource in stack.state().resources:
        for values in (resource.inputs, resource.outputs):
            pickled = values.get("__provider")
            if isinstance(pickled, dict):
                pickled = pickled.get("value")
            if isinstance(pickled, str):
                decoded.append(base64.b64decode(pickled).decode("latin-1"))
    return "\n".join(decoded)


def program(*, max_nodes: int = 2, vm_size: str = "STANDARD_DS3_V2", description: str = "scoring") -> Any:
    declared: dict[str, Declared] = {
        "cpu-cluster": cluster(
            "cpu-cluster", vm_size=vm_size, scale_settings={"max_node_count": max_nodes, "min_node_count": 0}
        ),
        "scoring": endpoint("scoring", description=description),
        # Service-generated keys: secret outputs that match no input.
        "generated": endpoint("generated", keys=None, description="keys made by the service"),
        "blue": deployment("scoring", "blue", "cpu-cluster"),
        "routing": default_deployment("scoring", "blue"),
    }
    return program_of(declared)


@pytest.mark.timeout(120)
def test_no_secret_leaks_through_a_full_lifecycle(tmp_path: Path, emulator: EmulatorServer) -> None:
    config = stack_config(
        emulator,
        **{
            "azureml:clientSecret": CLIENT_SECRET,
            "azureml:clientId": "11111111-2222-3333-4444-555555555555",
            "azureml:tenantId": "66666666-7777-8888-9999-000000000000",
        },
    )
    stack = Stack(
        tmp_path / "state.json",
        config,
        secret_config_keys=("azureml:accessToken", "azureml:clientSecret"),
        project=PROJECT,
        stack_name=STACK,
    )
    seen_output: list[str] = []
    seen_errors: list[str] = []

    def scan(where: str) -> None:
        assert leaks(stack.state_text()) == [], f"state file after {where}"
        assert leaks(provider_pickles(stack)) == [], f"__provider after {where}"
        assert leaks(stack.last_host_output) == [], f"host output during {where}: {stack.last_host_output}"
        seen_output.append(stack.last_host_output)

    stack.up(program())
    scan("create")
    generated = stack.state().find("generated").outputs["primary_key"]
    assert is_secret(generated)
    generated_key = str(generated["value"] if isinstance(generated, dict) else generated)
    assert generated_key and leaks(stack.state_text(), extra={"generated key": generated_key}) == []

    stack.up(program(max_nodes=4))  # PATCH
    scan("update by PATCH")
    stack.up(program(max_nodes=4, description="scoring v2"))  # endpoint PUT (keys preserved, listkeys again)
    scan("update by PUT")
    stack.up(program(max_nodes=4, description="scoring v2", vm_size="STANDARD_NC6"))  # replace
    scan("replace")
    stack.refresh()
    scan("refresh")

    # A service error that echoes the resource's secrets and the credentials back: the engine sees it redacted.
    echo = f"bad request: password {PASSWORD}, key {SSH_PUBLIC_KEY}, token {TOKEN}, secret {CLIENT_SECRET}"
    emulator.add_fault(method="PATCH", path="*/computes/cpu-cluster", status=400, error_message=echo, times=1)
    with pytest.raises((HostError, DeploymentError)) as raised:
        stack.up(program(max_nodes=5, description="scoring v2", vm_size="STANDARD_NC6"))
    seen_errors.append(host_error_text(raised.value))
    assert "bad request: password ***" in seen_errors[-1], seen_errors[-1]
    scan("a failed update")

    # An error about the endpoint echoing its keys back.
    emulator.add_fault(
        method="PUT",
        path="*/batchendpoints/scoring",
        status=400,
        error_message=f"keys {PRIMARY_KEY} {SECONDARY_KEY}",
        times=1,
    )
    with pytest.raises((HostError, DeploymentError)) as raised:
        stack.up(program(max_nodes=5, description="scoring v3", vm_size="STANDARD_NC6"))
    seen_errors.append(host_error_text(raised.value))
    scan("a failed endpoint update")

    # A refresh whose error echoes keys the service generated (secret outputs that match no input).
    emulator.add_fault(
        method="GET", path="*/batchendpoints/generated", status=400, error_message=f"key {generated_key}", times=1
    )
    with pytest.raises((HostError, DeploymentError)) as raised:
        stack.refresh()
    seen_errors.append(host_error_text(raised.value))
    assert "key ***" in seen_errors[-1], seen_errors[-1]
    scan("a failed refresh")

    stack.destroy()
    scan("destroy")
    for text in seen_errors:
        assert leaks(text, extra={"generated key": generated_key}) == [], text
    assert "".join(seen_output), "the host printed nothing at all: the scan would prove nothing"


@pytest.mark.timeout(60)
def test_secret_outputs_are_secret_in_state(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = Stack(
        tmp_path / "state.json",
        stack_config(emulator),
        secret_config_keys=("azureml:accessToken",),
        project=PROJECT,
        stack_name=STACK,
    )
    stack.up(program())
    state = stack.state()
    expected = {
        "cpu-cluster": ("user_account_credentials",),
        "scoring": ("keys", "primary_key", "secondary_key"),
        "generated": ("primary_key", "secondary_key"),
    }
    for name, outputs in expected.items():
        resource = state.find(name)
        for output in outputs:
            assert is_secret(resource.outputs[output]), f"{name}.{output} is stored in plain text"
    # Inputs too.
    assert is_secret(state.find("cpu-cluster").inputs["user_account_credentials"])
    assert is_secret(state.find("scoring").inputs["keys"])
    stack.destroy()


def test_errors_and_reprs_in_process_never_show_secrets(
    emulator: EmulatorServer, install_client: Callable[[Any], None], make_provider: Callable[[str], AzureMLProvider]
) -> None:
    client = fast_client(emulator, StaticTokenSource(TOKEN))
    install_client(client)
    settings = Settings({**stack_config(emulator), "azureml:clientSecret": CLIENT_SECRET}, environ={})
    for text in (repr(client), repr(settings), repr(StaticTokenSource(TOKEN))):
        assert leaks(text) == [], text
    provider = make_provider("Compute")
    provider.use_settings(settings)
    inputs = provider.check({}, over_the_wire(cluster("cpu-cluster").provider_inputs("cpu-cluster"))).inputs
    emulator.add_fault(method="PUT", path="*", status=400, error_message=f"{PASSWORD} {CLIENT_SECRET} {TOKEN}")
    with pytest.raises(AzureMLError) as raised:
        provider.create(dict(inputs))
    assert leaks(str(raised.value)) == [], str(raised.value)
    # The original error (unredacted) is chained with ``from None``: no traceback prints it.
    assert raised.value.__suppress_context__ is True


# -- Datastores and environment versions (issue 17) ------------------------------------------------------------
from reliability.catalogue import (  # noqa: E402
    ACCOUNT_KEY,
    SAS_TOKEN,
    datastore,
    environment_version,
    lake_datastore,
)
from reliability.catalogue import CLIENT_SECRET as DATASTORE_CLIENT_SECRET  # noqa: E402

ROTATED_KEY = "cm90YXRlZC1hY2NvdW50LWtleS1uZXZlci1sb2ctbWU="
DATASTORE_SECRETS = {
    "account key": ACCOUNT_KEY,
    "rotated account key": ROTATED_KEY,
    "sas token": SAS_TOKEN,
    "datastore client secret": DATASTORE_CLIENT_SECRET,
}


def datastore_program(*, key: str = ACCOUNT_KEY, description: str = "landing zone", container: str = "landing") -> Any:
    declared: dict[str, Declared] = {
        "landing": datastore("landing", account_key=key, description=description, container_name=container),
        "lake": lake_datastore("lake"),
        "share": Declared(
            "Datastore",
            {
                "datastore_type": "AzureFile",
                "account_name": "reliabilitystore",
                "file_share_name": "share",
                "sas_token": SAS_TOKEN,
            },
        ),
        "sklearn": environment_version("sklearn", description=description),
    }
    return program_of(declared)


@pytest.mark.timeout(120)
def test_datastore_credentials_never_leak_through_a_full_lifecycle(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = Stack(
        tmp_path / "state.json",
        stack_config(emulator),
        secret_config_keys=("azureml:accessToken",),
        project=PROJECT,
        stack_name=STACK,
    )
    seen: list[str] = []

    def scan(where: str) -> None:
        assert leaks(stack.state_text(), extra=DATASTORE_SECRETS) == [], f"state file after {where}"
        assert leaks(provider_pickles(stack), extra=DATASTORE_SECRETS) == [], f"__provider after {where}"
        assert leaks(stack.last_host_output, extra=DATASTORE_SECRETS) == [], f"host output during {where}"
        seen.append(stack.last_host_output)

    stack.up(datastore_program())
    scan("create")
    state = stack.state()
    for name, secret_input in (("landing", "account_key"), ("lake", "client_secret"), ("share", "sas_token")):
        resource = state.find(name)
        assert is_secret(resource.inputs[secret_input]), f"{name}.{secret_input} input in plain text"
        assert is_secret(resource.outputs[secret_input]), f"{name}.{secret_input} output in plain text"
    stack.up(datastore_program(description="v2"))
    scan("update")

    # A key rotation the service refuses with an error that echoes the old and the new key: both redacted.
    echo = f"storage refused key {ROTATED_KEY} (was {ACCOUNT_KEY})"
    emulator.add_fault(method="PUT", path="*/datastores/landing", status=400, error_message=echo, times=1)
    with pytest.raises((HostError, DeploymentError)) as raised:
        stack.up(datastore_program(description="v2", key=ROTATED_KEY))
    error = host_error_text(raised.value)
    assert "storage refused key *** (was ***)" in error, error
    assert leaks(error, extra=DATASTORE_SECRETS) == [], error
    scan("a failed key rotation")

    stack.up(datastore_program(description="v2", key=ROTATED_KEY))
    scan("key rotation")
    stack.refresh()
    scan("refresh")
    stack.up(datastore_program(description="v2", key=ROTATED_KEY, container="other"))
    scan("replace")

    stack.destroy()
    scan("destroy")
    assert "".join(seen), "the host printed nothing at all: the scan would prove nothing"
    left = [r["id"] for r in emulator.state()["resources"] if "/datastores/" in r["id"] or "/environments/" in r["id"]]
    assert [rid for rid in left if not rid.endswith(("workspaceblobstore", "workspacefilestore"))] == []


# -- end of datastores and environment versions -----------------------------------------------------------------


# -- online endpoints (issue 18) ---------------------------------------------------------------------------------


def online_program(
    *, description: str = "real-time", instance_count: int = 1, split: str = "blue", model: int = 1
) -> Any:
    declared: dict[str, Declared] = {
        "online": online_endpoint("online", description=description),
        "online-generated": online_endpoint("online-generated", keys=None),
        "blue": online_deployment("online", "blue", instance_count=instance_count, model=f"azureml:churn:{model}"),
        "green": online_deployment("online", "green"),
        "traffic": online_traffic("online", {split: 100}),
    }
    return program_of(declared)


@pytest.mark.timeout(120)
def test_no_online_secret_leaks_through_a_full_lifecycle(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = Stack(
        tmp_path / "state.json",
        stack_config(emulator),
        secret_config_keys=("azureml:accessToken",),
        project=PROJECT,
        stack_name=STACK,
    )
    extra = {"deployment secret": DEPLOYMENT_SECRET}

    def scan(where: str) -> None:
        assert leaks(stack.state_text(), extra=extra) == [], f"state file after {where}"
        assert leaks(provider_pickles(stack), extra=extra) == [], f"__provider after {where}"
        assert leaks(stack.last_host_output, extra=extra) == [], f"host output during {where}"

    stack.up(online_program())
    scan("create")
    state = stack.state()
    for name, names in {
        "online": ("keys", "primary_key", "secondary_key"),
        "online-generated": ("primary_key", "secondary_key"),
        "blue": ("environment_variables",),
    }.items():
        for output in names:
            assert is_secret(state.find(name).outputs[output]), f"{name}.{output} is stored in plain text"
    generated = state.find("online-generated").outputs["primary_key"]
    extra["generated key"] = str(generated["value"] if isinstance(generated, dict) else generated)

    stack.up(online_program(instance_count=2, split="green"))  # deployment PATCH, traffic PUT of the endpoint
    scan("scale and shift")
    stack.up(online_program(instance_count=2, split="green", description="v2"))  # endpoint PUT, listKeys again
    scan("endpoint PUT")
    stack.refresh()
    scan("refresh")

    emulator.add_fault(
        method="PUT",
        path="*/onlineendpoints/online",
        status=400,
        error_message=f"keys {PRIMARY_KEY} {SECONDARY_KEY}",
        times=1,
    )
    with pytest.raises((HostError, DeploymentError)) as raised:
        stack.up(online_program(instance_count=2, split="green", description="v3"))
    error = host_error_text(raised.value)
    assert "keys *** ***" in error, error
    assert leaks(error, extra=extra) == [], error
    scan("a failed endpoint update")

    # A deployment PUT (new model version) whose error echoes the deployment's secret environment back.
    emulator.add_fault(
        method="PUT",
        path="*/onlineendpoints/online/deployments/blue",
        status=400,
        error_message=f"env {DEPLOYMENT_SECRET}",
        times=1,
    )
    with pytest.raises((HostError, DeploymentError)) as raised:
        stack.up(online_program(instance_count=2, split="green", description="v2", model=2))
    error = host_error_text(raised.value)
    assert "env ***" in error, error
    assert leaks(error, extra=extra) == [], error
    scan("a failed deployment update")

    stack.destroy()
    scan("destroy")


def test_online_lookup_results_hide_their_secrets() -> None:
    keys = OnlineEndpointKeys(primary_key=PRIMARY_KEY, secondary_key=SECONDARY_KEY, raw={})
    token = OnlineEndpointToken(
        access_token="token-value-never-shown", token_type="Bearer", expiry_time_utc=1, refresh_after_time_utc=1, raw={}
    )
    assert leaks(repr(keys)) == [], repr(keys)
    assert "token-value-never-shown" not in repr(token)
    assert "expiry_time_utc=1" in repr(token)


# -- every kind with secret inputs, from its spec's sample_inputs (issue 23): a new kind joins by declaring them ---
from pulumi_azureml.specs import SPECS  # noqa: E402

SECRET_KINDS = sorted(kind for kind, spec in SPECS.items() if spec.secret_input_names())


def sample_secrets(kind: str) -> list[str]:
    """The secret values in the kind's sample inputs (a secret object's or map's members, or the value)."""
    sample = SPECS[kind].sample_inputs or {}
    found: list[str] = []
    for name in SPECS[kind].secret_input_names():
        value = sample.get(name)
        if isinstance(value, dict):
            found += [str(item) for item in value.values()]
        elif value is not None:
            found.append(str(value))
    return found


@pytest.mark.parametrize("kind", SECRET_KINDS)
def test_every_kind_keeps_its_sample_secrets_out_of_failures_and_errors(
    kind: str,
    emulator: EmulatorServer,
    install_client: Callable[[Any], None],
    make_provider: Callable[[str], AzureMLProvider],
) -> None:
    secrets = {f"{kind} secret {index}": value for index, value in enumerate(sample_secrets(kind))}
    assert secrets, f"{kind}'s sample_inputs set none of its secret inputs: the scan would prove nothing"
    install_client(fast_client(emulator, StaticTokenSource(TOKEN)))
    provider = make_provider(kind)
    sample = dict(SPECS[kind].sample_inputs or {})
    refused = provider.check({}, over_the_wire({**sample, "surprise": 1}))
    text = " ".join(f"{failure.property} {failure.reason}" for failure in refused.failures)
    assert refused.failures and leaks(text, extra=secrets) == [], text
    checked = provider.check({}, over_the_wire({**sample, "owner_marker": f"{PROJECT}/{STACK}/{kind}"}))
    assert checked.failures == []
    emulator.add_fault(method="PUT", path="*", status=400, error_message=" ".join(secrets.values()))
    with pytest.raises(AzureMLError) as raised:
        provider.create(dict(checked.inputs))
    assert leaks(str(raised.value), extra=secrets) == [], str(raised.value)
