"""Secret scan with debug logging on (issue 14): everything a user or a log can see, across a hostile lifecycle.

Every Python logger (requests, urllib3, azure, pulumi, and this package) is set to DEBUG and recorded; the
lifecycle creates, updates, refreshes and destroys resources holding every kind of secret, and also runs into
what issue 14 found: a token read from a file (trailing newline), a token with a bad character, NaN inputs, a
wrongly typed secret, a bad setting, and service errors that echo the secrets back. Then the scan: every log
record, every line printed, every error text and check failure, the non-secret outputs (state), the pickled
provider (``__provider``), and the emulator's request log and state. The host-level scan (engine output, state
file, gRPC error details) is ``test_secret_leaks.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import pickle
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.settings import Settings
from pulumi_azureml.specs import SPECS

from reliability.catalogue import PASSWORD, PRIMARY_KEY, SECONDARY_KEY, SSH_PUBLIC_KEY, cluster, endpoint
from reliability.conftest import TOKEN, stack_config
from reliability.inprocess_engine import over_the_wire

CLIENT_SECRET = "client-secret-value-Xy9~debug-scan"
SECRETS = {
    "password": PASSWORD,
    "ssh key": SSH_PUBLIC_KEY,
    "primary key": PRIMARY_KEY,
    "secondary key": SECONDARY_KEY,
    "client secret": CLIENT_SECRET,
    "bearer token": TOKEN,
    "mistyped password": "73194628",
}


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record) + repr(record.args))


@pytest.fixture
def debug_logs() -> Iterator[_Records]:
    handler = _Records()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in ("urllib3", "requests", "azure", "pulumi", "pulumi_azureml", "msal"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def leaks(text: str) -> list[str]:
    return [name for name, value in SECRETS.items() if value in text]


def visible_outputs(kind: str, outputs: dict[str, Any]) -> str:
    """The outputs that are stored in plain text (secret ones are encrypted by the engine)."""
    spec = SPECS[kind]
    hidden = set(spec.secret_input_names()) | set(spec.secret_output_names())
    return json.dumps({key: value for key, value in outputs.items() if key not in hidden}, default=str)


def test_nothing_a_user_or_a_log_sees_holds_a_secret(emulator: EmulatorServer, debug_logs: _Records) -> None:
    seen: list[str] = []
    printed = io.StringIO()

    def provider(kind: str, **config: str) -> AzureMLProvider:
        made = AzureMLProvider(kind)
        made.use_settings(
            Settings(
                {
                    **stack_config(emulator),
                    "azureml:clientSecret": CLIENT_SECRET,
                    "azureml:clientId": "11111111-2222-3333-4444-555555555555",
                    "azureml:tenantId": "66666666-7777-8888-9999-000000000000",
                    **config,
                },
                environ={},
            )
        )
        return made

    def attempt(function: Any, *args: Any) -> Any:
        try:
            with contextlib.redirect_stdout(printed):
                return function(*args)
        except Exception as error:  # noqa: BLE001 - every error text is scanned, whatever its type
            seen.append(f"{type(error).__name__}: {error}")
            return None

    def checked(subject: AzureMLProvider, inputs: dict[str, Any]) -> dict[str, Any]:
        result = subject.check({}, over_the_wire(inputs))
        seen.extend(f"{failure.property}: {failure.reason}" for failure in result.failures)
        return over_the_wire(dict(result.inputs))

    # A token read from a file: works, and is never shown.
    compute = provider("Compute", **{"azureml:accessToken": f"{TOKEN}\n"})
    endpoints = provider("BatchEndpoint", **{"azureml:accessToken": f"{TOKEN}\n"})
    cluster_inputs = checked(compute, {**cluster("cpu-cluster").inputs, "owner_marker": "p/s/cpu-cluster"})
    created = attempt(compute.create, cluster_inputs)
    assert created is not None, seen
    keyed = checked(
        endpoints,
        {**endpoint("scoring").inputs, "owner_marker": "p/s/scoring"},
    )
    endpoint_created = attempt(endpoints.create, keyed)
    assert endpoint_created is not None, seen
    generated = checked(endpoints, {**endpoint("generated", keys=None).inputs, "owner_marker": "p/s/generated"})
    generated_created = attempt(endpoints.create, generated)
    assert generated_created is not None
    generated_key = str(generated_created.outs.get("primary_key"))
    SECRETS["generated key"] = generated_key
    try:
        states = {
            ("Compute", created.id): over_the_wire(created.outs),
            ("BatchEndpoint", endpoint_created.id): over_the_wire(endpoint_created.outs),
            ("BatchEndpoint", generated_created.id): over_the_wire(generated_created.outs),
        }
        # Update (PATCH), refresh, and service errors that echo every secret back.
        bigger = checked(compute, {**cluster("cpu-cluster", scale_settings={"max_node_count": 3}).inputs})
        attempt(compute.diff, created.id, states[("Compute", created.id)], bigger)
        echo = f"echo {PASSWORD} {SSH_PUBLIC_KEY} {TOKEN} {CLIENT_SECRET} {PRIMARY_KEY} {generated_key}"
        emulator.add_fault(method="PATCH", path="*/computes/cpu-cluster", status=400, error_message=echo, times=1)
        attempt(
            compute.update, created.id, states[("Compute", created.id)], {**bigger, "owner_marker": "p/s/cpu-cluster"}
        )
        emulator.add_fault(method="GET", path="*/batchendpoints/generated", status=409, error_message=echo, times=1)
        attempt(endpoints.read, generated_created.id, states[("BatchEndpoint", generated_created.id)])
        for (kind, id_), outputs in states.items():
            subject = compute if kind == "Compute" else endpoints
            read = attempt(subject.read, id_, outputs)
            if read is not None:
                seen.append(visible_outputs(kind, read.outs))
            seen.append(visible_outputs(kind, outputs))

        # What issue 14 found: bad token characters, NaN, a mistyped secret, a bad setting.
        for bad in (f"{TOKEN}\u20ac", f"{TOKEN[:5]}\x00{TOKEN[5:]}", f"{TOKEN[:5]}\r\n{TOKEN[5:]}"):
            broken = provider("BatchEndpoint", **{"azureml:accessToken": bad})
            checked(broken, {**endpoint("other").inputs})
            attempt(broken.create, {**endpoint("other").inputs, "owner_marker": "p/s/other"})
        checked(compute, {**cluster("nan", property_bag={"x": math.nan}).inputs})
        mistyped = {"admin_user_name": "azureuser", "admin_user_password": 73194628.0}
        checked(compute, {**cluster("typed", user_account_credentials=mistyped).inputs})
        unwell = provider("Compute", **{"azureml:pollIntervalSeconds": "nan", "azureml:hostWorkers": "lots"})
        checked(unwell, cluster("x").inputs)
        attempt(unwell.create, {**cluster("x").inputs, "owner_marker": "p/s/x"})

        # Destroy.
        for (kind, id_), outputs in states.items():
            attempt((compute if kind == "Compute" else endpoints).delete, id_, outputs)

        emulator.clear_faults()  # the test's own fault rules hold the echoed secrets; they are not the emulator's
        scanned = {
            "error texts and check failures": "\n".join(seen),
            "printed lines": printed.getvalue(),
            "debug log records": "\n".join(debug_logs.texts),
            "__provider": "\n".join(pickle.dumps(subject).decode("latin-1") for subject in (compute, endpoints)),
            # As served to anyone who reads it (GET /_emulator/requests, which carries no bodies); the in-process
            # log keeps request bodies for tests that check what went on the wire.
            "emulator request log": requests.get(f"{emulator.url}/_emulator/requests", timeout=10).text,
            # Without "settings": the accepted tokens are the emulator's own configuration, readable on purpose.
            "emulator state": json.dumps({k: v for k, v in emulator.state().items() if k != "settings"}),
        }
        assert debug_logs.texts, "no debug record at all: the scan would prove nothing"
        assert printed.getvalue() and seen
        for where, text in scanned.items():
            shown = [line[:300] for line in text.splitlines() if leaks(line)]
            assert leaks(text) == [], f"{leaks(text)} in the {where}: {shown}"
    finally:
        SECRETS.pop("generated key", None)
