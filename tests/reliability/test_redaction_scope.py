"""Redaction per operation, and messages on one printable line (issue 23).

Before the fix every secret of 8+ characters any resource of the process showed was remembered for good, so a
secret of one resource that happened to equal an ordinary name (a workspace's) blanked that name in every later
error of every resource; and a service message holding a newline, a CR or a terminal escape reached the CLI as is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from pulumi_azureml import redaction
from pulumi_azureml.arm.auth import StaticTokenSource
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.errors import AzureMLError
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.settings import Settings
from pulumi_azureml.specs import SPECS

from reliability.catalogue import PRIMARY_KEY, WORKSPACE, cluster, endpoint
from reliability.conftest import TOKEN, fast_client
from reliability.inprocess_engine import over_the_wire


def _create(provider: AzureMLProvider, inputs: dict[str, Any]) -> Any:
    checked = provider.check({}, over_the_wire(inputs))
    assert not checked.failures, checked.failures
    return provider.create(over_the_wire(dict(checked.inputs)))


def test_a_secret_of_one_resource_does_not_blank_the_same_text_in_another(
    emulator: EmulatorServer, install_client: Callable[[Any], None], make_provider: Callable[[str], AzureMLProvider]
) -> None:
    install_client(fast_client(emulator, StaticTokenSource(TOKEN)))
    # A careless key that equals the workspace's name: a secret of this endpoint, an ordinary name elsewhere.
    keyed = endpoint("careless", keys={"primary_key": WORKSPACE, "secondary_key": PRIMARY_KEY})
    _create(make_provider("BatchEndpoint"), keyed.provider_inputs("careless"))
    emulator.add_fault(
        method="PUT", path="*/computes/*", status=400, error_message=f"quota of {WORKSPACE} exceeded", times=1
    )
    with pytest.raises(AzureMLError) as raised:
        _create(make_provider("Compute"), cluster("cpu").provider_inputs("cpu"))
    assert f"quota of {WORKSPACE} exceeded" in str(raised.value), str(raised.value)
    # Still redacted where it is the secret: the endpoint's own operation.
    emulator.add_fault(
        method="PUT", path="*/batchendpoints/careless", status=400, error_message=f"key {PRIMARY_KEY}", times=1
    )
    updated = over_the_wire({**keyed.provider_inputs("careless"), "description": "v2"})
    subject = make_provider("BatchEndpoint")
    state = subject.read("id", over_the_wire(dict(subject.check({}, updated).inputs)))
    with pytest.raises(AzureMLError) as raised:
        subject.update("id", over_the_wire(state.outs), dict(subject.check({}, updated).inputs))
    assert "key ***" in str(raised.value) and PRIMARY_KEY not in str(raised.value)


def test_service_messages_reach_the_cli_on_one_printable_line(
    emulator: EmulatorServer, install_client: Callable[[Any], None], make_provider: Callable[[str], AzureMLProvider]
) -> None:
    install_client(fast_client(emulator, StaticTokenSource(TOKEN)))
    forged = "refused\nazureml: creating compute cpu: done\r\x1b[2K\x1b[32msucceeded\u2028\x00"
    emulator.add_fault(method="PUT", path="*/computes/*", status=400, error_message=forged, times=1)
    with pytest.raises(AzureMLError) as raised:
        _create(make_provider("Compute"), cluster("cpu").provider_inputs("cpu"))
    message = str(raised.value)
    assert message.isprintable(), repr(message)
    assert "refused\\nazureml: creating compute cpu: done\\r\\x1b[2K\\x1b[32msucceeded\\u2028\\x00" in message


def test_secrets_learnt_belong_to_their_operation_and_are_no_plain_value_elsewhere() -> None:
    spec = SPECS["BatchEndpoint"]
    settings = Settings({}, environ={})
    redaction.learn("learnt-outside-any-operation")  # no operation: nothing to scrub, nothing kept
    assert "learnt-outside-any-operation" not in redaction.secret_values(spec, settings, {})
    seen_elsewhere: list[list[str]] = []
    with redaction.operation(spec, {"keys": {"primary_key": "the-key-of-this-endpoint"}}):
        redaction.learn("a-sas-learnt-now", "abc", "abcd")
        inside = redaction.secret_values(spec, settings, {"name": "the-key-of-this-endpoint"})
        other = threading.Thread(
            target=lambda: seen_elsewhere.append(redaction.secret_values(spec, settings, {"name": "a-sas-learnt-now"}))
        )
        other.start()
        other.join()
    # Its own secrets, even where it also holds the value as a plain one; "abc" is too short to look for.
    assert {"the-key-of-this-endpoint", "a-sas-learnt-now", "abcd"} <= set(inside) and "abc" not in inside
    # Another operation (thread): the other resource's long secrets, except its own plain value; not the short one.
    assert "the-key-of-this-endpoint" in seen_elsewhere[0]
    assert "a-sas-learnt-now" not in seen_elsewhere[0] and "abcd" not in seen_elsewhere[0]
    assert redaction.redact("x a-sas-learnt-now y", inside) == "x *** y"
    # A secret holding a line break is found as given and as a flattened message shows it.
    assert redaction.redact("k=line\\none", ["line\none"]) == "k=***"
