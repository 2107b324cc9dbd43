"""Hostile and careless input to the provider (issue 14): each defect found by fuzzing, reproduced and now refused.

1. a bearer token with a trailing newline, a non-Latin-1 character or a NUL (stack config or environment);
2. NaN and infinities in free-form inputs;
3. a ``location`` that is not a region name (CR/LF, non-Latin-1);
5. settings that are not finite numbers in range (``pollIntervalSeconds=nan``, a bad ``hostWorkers``);
6. failure messages that repeat a huge value or a wrongly typed secret, and output lines glued by threads.

(Defect 4, the emulator's HTTP robustness, is in ``tests/emulator/test_emulator_hostile_http.py``.)
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests

from pulumi_azureml.arm.client import ArmClient
from pulumi_azureml.arm.errors import ArmError, ArmRequestError, ClientInputError
from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.provider import AzureMLError, AzureMLProvider
from pulumi_azureml.settings import Settings

from reliability.catalogue import PASSWORD, SUBSCRIPTION, cluster, endpoint, workspace
from reliability.conftest import FAST_RETRIES, TOKEN, stack_config
from reliability.inprocess_engine import over_the_wire
from support.fake_http import UncheckedTokens

BAD_TOKENS = {
    "NUL": f"{TOKEN[:6]}\x00{TOKEN[6:]}",
    "non-Latin-1": f"{TOKEN}\u20ac",
    "Latin-1 but not ASCII": f"{TOKEN}\u00e9",
    "inner line break": f"{TOKEN[:6]}\r\n{TOKEN[6:]}",
    "inner space": f"{TOKEN[:6]} {TOKEN[6:]}",
}


def provider_with(
    emulator: EmulatorServer, kind: str, *, environ: dict[str, str] | None = None, **config: str
) -> AzureMLProvider:
    provider = AzureMLProvider(kind)
    settings = stack_config(emulator, **config)
    if environ is not None:
        settings.pop("azureml:accessToken")
    provider.use_settings(Settings(settings, environ=environ or {}))
    return provider


def failures_of(provider: AzureMLProvider, inputs: dict[str, Any]) -> list[tuple[str, str]]:
    result = provider.check({}, inputs)
    return [(failure.property, failure.reason) for failure in result.failures]


# ---------------------------------------------------------------------------------------------- 1. tokens


@pytest.mark.parametrize("where", ["stack config", "environment"])
def test_a_token_read_from_a_file_with_its_trailing_newline_works(emulator: EmulatorServer, where: str) -> None:
    """Before: requests raised ``InvalidHeader ... 'Bearer <token>\\n'``, which reached the user in full."""
    token = f"{TOKEN}\r\n"
    if where == "stack config":
        provider = provider_with(emulator, "BatchEndpoint", **{"azureml:accessToken": token})
    else:
        provider = provider_with(emulator, "BatchEndpoint", environ={"AZURE_ML_ACCESS_TOKEN": token})
    inputs = {**endpoint("newline-token").inputs, "owner_marker": "p/s/newline-token"}
    checked = provider.check({}, inputs)
    assert checked.failures == []
    created = provider.create(checked.inputs)
    assert created.id.endswith("/batchEndpoints/newline-token")


@pytest.mark.parametrize("name", sorted(BAD_TOKENS))
@pytest.mark.parametrize("where", ["stack config", "environment"])
def test_a_token_with_a_bad_character_is_refused_by_name_and_never_shown(
    emulator: EmulatorServer, name: str, where: str
) -> None:
    """Before: a raw ``UnicodeEncodeError`` (non-Latin-1), or the token sent as it is (NUL)."""
    token = BAD_TOKENS[name]
    if where == "stack config":
        provider = provider_with(emulator, "BatchEndpoint", **{"azureml:accessToken": token})
        source = "azureml:accessToken"
    else:
        provider = provider_with(emulator, "BatchEndpoint", environ={"AZURE_ML_ACCESS_TOKEN": token})
        source = "AZURE_ML_ACCESS_TOKEN"
    emulator.clear_requests_log()
    inputs = {**endpoint("bad-token").inputs, "owner_marker": "p/s/bad-token"}
    failures = failures_of(provider, inputs)
    assert [prop for prop, _ in failures] == [source]
    assert "not a valid bearer token" in failures[0][1] and "RFC 6750" in failures[0][1]
    with pytest.raises(AzureMLError) as raised:
        provider.create(inputs)
    message = str(raised.value)
    assert source in message and "not a valid bearer token" in message
    assert TOKEN not in message and token not in message
    assert emulator.requests_log() == []


@pytest.mark.parametrize("token", [*BAD_TOKENS.values(), f"{TOKEN}\n"])
def test_the_client_refuses_a_bad_token_from_any_source_as_an_arm_error(emulator: EmulatorServer, token: str) -> None:
    """A credential handing out a bad token (not only the static one) never reaches requests' header check."""
    client = ArmClient(endpoint=emulator.url, token_source=UncheckedTokens(token), retry_policy=FAST_RETRIES)
    with pytest.raises(ArmRequestError) as raised:
        client.get(f"/subscriptions/{SUBSCRIPTION}/resourcegroups/rg", api_version="2021-04-01", action="reading")
    assert token not in str(raised.value) and TOKEN not in str(raised.value)
    assert "access token" in str(raised.value)


class _RaisingSession(requests.Session):
    """A session whose send fails as requests/urllib3/the codecs do, repeating the Authorization header."""

    def __init__(self, error: Callable[[str], BaseException]) -> None:
        super().__init__()
        self._error = error

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        raise self._error(str(kwargs["headers"]["Authorization"]))


@pytest.mark.parametrize(
    "error",
    [
        lambda header: requests.exceptions.InvalidHeader(f"Invalid return character in header value: {header!r}"),
        lambda header: UnicodeEncodeError("latin-1", header, 7, 8, "ordinal not in range(256)"),
        lambda header: requests.exceptions.InvalidURL(f"bad URL near {header}"),
        lambda header: requests.exceptions.SSLError(f"handshake failed sending {header}"),
        lambda header: ValueError(f"Invalid header value {header!r}"),
    ],
    ids=["InvalidHeader", "UnicodeEncodeError", "InvalidURL", "SSLError", "ValueError"],
)
def test_every_exception_while_sending_is_an_arm_error_without_the_token(
    emulator: EmulatorServer, error: Callable[[str], BaseException]
) -> None:
    client = ArmClient(
        endpoint=emulator.url,
        token_source=UncheckedTokens(TOKEN),
        session=_RaisingSession(error),
        retry_policy=FAST_RETRIES,
    )
    with pytest.raises(ArmError) as raised:
        client.get(f"/subscriptions/{SUBSCRIPTION}/resourcegroups/rg", api_version="2021-04-01", action="reading")
    assert isinstance(raised.value, ArmRequestError)
    assert TOKEN not in str(raised.value)
    assert "reading /subscriptions/" in str(raised.value)


def test_a_request_body_with_nan_is_an_arm_error_before_any_request(emulator: EmulatorServer) -> None:
    """Before: requests' raw ``InvalidJSONError`` after two requests (a GET, then the failing PUT)."""
    client = ArmClient(endpoint=emulator.url, token_source=UncheckedTokens(TOKEN), retry_policy=FAST_RETRIES)
    emulator.clear_requests_log()
    with pytest.raises(ArmRequestError, match="not valid JSON"):
        client.put("/subscriptions/x/resourcegroups/rg", {"a": math.nan}, api_version="v", action="creating", timeout=1)
    assert emulator.requests_log() == []


# ---------------------------------------------------------------------------------------------- 2. NaN, infinity


NON_FINITE = [math.nan, math.inf, -math.inf]


def _attached(value: float) -> dict[str, Any]:
    return {
        "name": "aks-attached",
        "compute_type": "AKS",
        "resource_id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/"
        "Microsoft.ContainerService/managedClusters/aks1",
        "properties": {"agentCount": value},
    }


def _outbound(value: float) -> dict[str, Any]:
    rule = {"type": "ServiceTag", "destination": {"service_tag": "Storage", "port_ranges": value}}
    return workspace("mlw-nan", managed_network={"outbound_rules": {"storage": rule}}).inputs


CARRIERS: dict[str, tuple[str, Callable[[float], dict[str, Any]], str]] = {
    "property_bag": (
        "Compute",
        lambda v: cluster("nan-cluster", property_bag={"x": [1, {"y": v}]}).inputs,
        "property_bag",
    ),
    "attached properties": ("Compute", _attached, "properties"),
    "outbound rule destination": ("Workspace", _outbound, "managed_network"),
    "integer field": ("Compute", lambda v: cluster("nan-cluster", scale_settings={"max_node_count": v}).inputs, ""),
}


@pytest.mark.parametrize("over_grpc", [False, True], ids=["raw", "after a Struct round trip"])
@pytest.mark.parametrize("value", NON_FINITE, ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("carrier", sorted(CARRIERS))
def test_non_finite_numbers_are_refused_by_check_in_every_field(
    emulator: EmulatorServer, carrier: str, value: float, over_grpc: bool
) -> None:
    """Before: NaN passed check, so diff of identical state reported a replace (NaN != NaN) on every ``up``."""
    kind, make, field_name = CARRIERS[carrier]
    provider = provider_with(emulator, kind)
    inputs = make(value)
    if over_grpc:
        inputs = over_the_wire(inputs)
    emulator.clear_requests_log()
    failures = failures_of(provider, inputs)
    assert failures, f"{carrier}={value} passed check"
    prop, reason = failures[0]
    assert prop.startswith(field_name or "scale_settings")
    assert "finite" in reason or "whole number" in reason
    assert emulator.requests_log() == []


# ---------------------------------------------------------------------------------------------- 3. location


@pytest.mark.parametrize(
    "location",
    ["eastus\r\nX-Injected: 1", "east\nus", "w\u00ebsteurope", "\u6771\u4eac", "east us;", "", " eastus", "a" * 51],
)
def test_location_must_be_a_region_name(emulator: EmulatorServer, location: str) -> None:
    """Before: any string passed; the emulator copied it into headers (CR/LF injection, dropped answers)."""
    provider = provider_with(emulator, "Workspace")
    emulator.clear_requests_log()
    failures = failures_of(provider, over_the_wire(workspace("mlw-region", location=location).inputs))
    if location == "":
        # An empty location is absent: the setting's fallback is unset here, so it is reported as required.
        assert failures and failures[0][0] == "location"
        return
    assert failures and failures[0][0] == "location"
    assert "Azure region name" in failures[0][1]
    assert "\r" not in failures[0][1] and "\n" not in failures[0][1]
    assert emulator.requests_log() == []


@pytest.mark.parametrize("location", ["eastus", "westus2", "West US 2", "global", "East US 2 EUAP"])
def test_real_region_names_pass(emulator: EmulatorServer, location: str) -> None:
    provider = provider_with(emulator, "Workspace")
    assert failures_of(provider, workspace("mlw-region", location=location).inputs) == []


# ---------------------------------------------------------------------------------------------- 5. settings


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "-1", "601", "1e999", "ten"])
def test_poll_interval_must_be_a_finite_number_in_range(emulator: EmulatorServer, value: str) -> None:
    """Before: ``nan`` passed the range check (every comparison with NaN is false) and polled in a tight loop."""
    settings = Settings({"azureml:pollIntervalSeconds": value}, environ={})
    with pytest.raises(ClientInputError, match="pollIntervalSeconds must be"):
        settings.poll_interval()
    provider = provider_with(emulator, "BatchEndpoint", **{"azureml:pollIntervalSeconds": value})
    failures = failures_of(provider, endpoint("poll").inputs)
    assert [prop for prop, _ in failures] == ["azureml:pollIntervalSeconds"]


@pytest.mark.parametrize("value", ["nan", "many", "-1", "65", "1.5", "1e3"])
def test_a_bad_host_workers_setting_is_a_clear_check_failure_not_a_traceback(
    emulator: EmulatorServer, value: str
) -> None:
    """Before: ``configure`` raised, so every preview failed with a traceback from the host."""
    from pulumi.dynamic import ConfigureRequest

    provider = AzureMLProvider("BatchEndpoint")
    config = {**stack_config(emulator), "azureml:hostWorkers": value}
    provider.configure(ConfigureRequest(config))
    failures = failures_of(provider, endpoint("workers").inputs)
    assert failures == [("azureml:hostWorkers", f"must be a whole number between 0 and 64, got '{value}'")]
    with pytest.raises(AzureMLError, match="azureml:hostWorkers must be a whole number between 0 and 64"):
        provider.create({**endpoint("workers").inputs, "owner_marker": "p/s/workers"})


@pytest.mark.parametrize("key", ["subscriptionId", "resourceGroupName", "workspaceName", "endpoint", "clientId"])
def test_settings_refuse_control_characters(key: str) -> None:
    settings = Settings({f"azureml:{key}": "abc\x00def"}, environ={})
    assert settings.problems() and settings.problems()[0][0] == f"azureml:{key}"
    assert "control characters" in settings.problems()[0][1]


def test_a_secret_setting_problem_never_quotes_the_secret() -> None:
    secret = "client-secret-with\x07bell"
    settings = Settings({"azureml:clientSecret": secret}, environ={})
    ((source, reason),) = settings.problems()
    assert source == "azureml:clientSecret" and secret not in reason and "secret-with" not in reason


# ---------------------------------------------------------------------------------------------- 6. messages


def test_a_huge_bad_value_is_quoted_by_a_short_prefix(emulator: EmulatorServer) -> None:
    """Before: a 5 MB name gave a 5 MB message."""
    provider = provider_with(emulator, "BatchEndpoint")
    huge = "x/" * (2_500_000)
    failures = failures_of(provider, over_the_wire({**endpoint("ok").inputs, "name": huge, "description": 7}))
    assert failures
    for prop, reason in failures:
        assert len(reason) < 400, (prop, len(reason))
    assert any(prop == "name" and "5000000 characters" in reason for prop, reason in failures)


@pytest.mark.parametrize("value", [73194628.0, True, ["Hunter2-Secret"], {"nested": "Hunter2-Secret"}])
@pytest.mark.parametrize("over_grpc", [False, True], ids=["raw", "after a Struct round trip"])
def test_a_wrongly_typed_secret_is_never_echoed(emulator: EmulatorServer, value: Any, over_grpc: bool) -> None:
    """Before: ``admin_user_password: must be a string, got the number 73194628.0``."""
    provider = provider_with(emulator, "Compute")
    inputs = cluster(
        "secret-type", user_account_credentials={"admin_user_name": "azureuser", "admin_user_password": value}
    ).inputs
    failures = failures_of(provider, over_the_wire(inputs) if over_grpc else inputs)
    assert [prop for prop, _ in failures] == ["user_account_credentials.admin_user_password"]
    reason = failures[0][1]
    assert "must be a string" in reason
    for shown in ("73194628", "Hunter2", "True", "nested"):
        assert shown not in reason


def test_a_secret_with_a_bad_choice_or_pattern_is_never_echoed(emulator: EmulatorServer) -> None:
    provider = provider_with(emulator, "BatchEndpoint")
    inputs = endpoint("keyed", keys={"primary_key": 1234567.5, "secondary_key": PASSWORD, "extra": "Hunter2"}).inputs
    for prop, reason in failures_of(provider, over_the_wire(inputs)):
        assert "1234567" not in reason and PASSWORD not in reason and "Hunter2" not in prop + reason


class _RecordingStream(io.TextIOBase):
    """A stdout that records each ``write`` call separately, as a pipe to the engine receives them."""

    def __init__(self) -> None:
        self.writes: list[str] = []
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self.writes.append(text)
        return len(text)

    def flush(self) -> None:
        return None


def test_concurrent_diff_reasons_are_written_one_whole_line_per_write(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: ``print`` wrote the text and the newline separately; under 30 threads lines glued and split."""
    provider = provider_with(emulator, "Compute")
    recorded_stdout = _RecordingStream()
    # Patched in the test body: pytest's own capture re-installs sys.stdout when the call phase starts.
    monkeypatch.setattr("sys.stdout", recorded_stdout)
    barrier = threading.Barrier(30)

    def run(index: int) -> None:
        olds = cluster(f"c{index}").inputs
        news = cluster(f"c{index}", vm_size="STANDARD_NC6").inputs
        barrier.wait()
        for _ in range(20):
            provider.diff("id", olds, news)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(recorded_stdout.writes) == 600
    for text in recorded_stdout.writes:
        assert text.endswith("\n") and text.count("\n") == 1 and text.startswith("azureml: compute c"), text
