"""Property-based fuzzing of ``check``, ``diff`` and the settings (issue 14), raw and after a Protobuf round trip.

Contract, for any input: nothing but the documented outcome (check returns failures, never raises; settings raise
only :class:`ClientInputError`); no I/O (sockets are refused for the whole module); every failure names a field
(or setting) and a rule in a bounded, single-line message; no secret value in any failure, message or output
line; the same input gives the same answer; valid inputs check again to themselves and diff against themselves,
also after the engine's ``Struct`` round trip, to no change.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pulumi.dynamic import ConfigureRequest

from pulumi_azureml.arm.errors import ClientInputError
from pulumi_azureml.provider import AzureMLProvider
from pulumi_azureml.redaction import printable as _printable
from pulumi_azureml.settings import SETTINGS, Settings
from pulumi_azureml.specs import SPECS

from fuzz import profiles
from fuzz.strategies import BASES, SECRET_PREFIX, hostile_inputs, struct_round_trip
from reliability.catalogue import RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE

TOKEN = "Fuzz-Bearer-Token-0123456789abcdef"
CLIENT_SECRET = "Fuzz-Client-Secret~0123456789"
CONFIG = {
    "azureml:subscriptionId": SUBSCRIPTION,
    "azureml:resourceGroupName": RESOURCE_GROUP,
    "azureml:workspaceName": WORKSPACE,
    "azureml:location": "eastus",
    "azureml:endpoint": "https://management.azure.com",
    "azureml:accessToken": TOKEN,
    "azureml:clientSecret": CLIENT_SECRET,
    "azureml:clientId": "11111111-2222-3333-4444-555555555555",
    "azureml:tenantId": "66666666-7777-8888-9999-000000000000",
}
_PROVIDERS: dict[str, AzureMLProvider] = {}


@pytest.fixture(scope="module", autouse=True)
def no_io() -> Iterator[None]:
    """Any socket use in this module is a failure: check, diff and settings must never do I/O."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("I/O attempted (a socket was opened) during check/diff/settings")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        yield


def provider(kind: str) -> AzureMLProvider:
    if kind not in _PROVIDERS:
        made = AzureMLProvider(kind)
        made.use_settings(Settings(CONFIG, environ={}))
        _PROVIDERS[kind] = made
    return _PROVIDERS[kind]


def secret_texts(secrets: list[Any], plain: str = "") -> list[str]:
    """The forms a secret could be shown in; ``plain`` is everything given to non-secret fields (a value that is
    also given there may rightly be quoted there)."""
    texts = [TOKEN, CLIENT_SECRET, SECRET_PREFIX]
    for secret in secrets:
        if isinstance(secret, float):
            texts.extend([repr(secret), f"{secret:g}"])
        elif isinstance(secret, list):
            texts.extend(str(item) for item in secret)
        else:
            texts.append(str(secret))
    return [text for text in texts if text not in plain]


def names_a_field(prop: str, candidates: set[str]) -> bool:
    return prop.startswith("azureml:") or any(
        prop == name or prop.startswith((f"{name}.", f"{name}[")) for name in candidates
    )


def assert_no_secret(texts: list[str], *outputs: str) -> None:
    for output in outputs:
        for secret in texts:
            assert secret not in output, f"secret {secret[:12]!r}... shown in {output[:200]!r}"


def check_contract(kind: str, inputs: dict[str, Any], secrets: list[Any]) -> None:
    subject = provider(kind)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = subject.check({}, inputs)
        again = subject.check({}, inputs)
    failures = [(failure.property, failure.reason) for failure in result.failures]
    assert failures == [(failure.property, failure.reason) for failure in again.failures], "not deterministic"
    assert repr(result.inputs) == repr(again.inputs), "not deterministic"
    candidates = {str(key) for key in inputs} | {field.name for field in SPECS[kind].all_fields()}
    secret_fields = {field.name for field in SPECS[kind].all_fields() if field.secret}
    plain = repr({key: value for key, value in inputs.items() if key not in secret_fields})
    texts = secret_texts(secrets, plain)
    for prop, reason in failures:
        assert isinstance(prop, str) and prop and isinstance(reason, str), (prop, reason)
        # Names are shown with control characters escaped (one line per failure), and cut at 300 characters.
        assert names_a_field(prop, {_printable(candidate)[:300] for candidate in candidates}), (prop, reason)
        assert 5 <= len(reason) <= 2000 and len(prop) <= 300, (prop, len(reason))
        assert "\n" not in reason + prop and "\r" not in reason + prop, (prop, reason)
        assert_no_secret(texts, prop, reason)
    assert_no_secret(texts, printed.getvalue())
    if failures:
        return
    checked = dict(result.inputs)
    with contextlib.redirect_stdout(printed):
        rechecked = subject.check({}, checked)
        assert rechecked.failures == [], "checked inputs do not check again"
        assert repr(rechecked.inputs) == repr(checked), "check is not idempotent"
        assert not subject.diff("id", checked, checked).changes, "identical inputs give a change"
        wire = struct_round_trip(checked)
        assert wire is not None, "checked inputs cannot cross the engine's Struct"
        rewired = subject.check({}, wire)
        assert rewired.failures == []
        assert not subject.diff("id", wire, struct_round_trip(dict(rewired.inputs)) or {}).changes, (
            "identical inputs give a change after the Struct round trip"
        )
    assert_no_secret(texts, printed.getvalue())


@st.composite
def check_cases(draw: st.DrawFn, base: str | None = None) -> tuple[str, dict[str, Any], list[Any]]:
    _, kind, inputs, secrets = draw(hostile_inputs(base))
    if draw(st.booleans()):
        wire = struct_round_trip(inputs)
        assume(wire is not None)
        assert wire is not None
        inputs = wire
    return kind, inputs, secrets


def test_every_kind_has_a_valid_baseline() -> None:
    """Each spec's ``sample_inputs`` is a fuzz base (a new kind joins without editing a list) and checks clean."""
    assert {kind for kind, _ in BASES.values()} == set(SPECS)
    for name, (kind, inputs) in sorted(BASES.items()):
        assert inputs, f"{kind} declares no sample_inputs"
        failures = [(failure.property, failure.reason) for failure in provider(kind).check({}, inputs).failures]
        assert failures == [], (name, failures)


CHECK_EXAMPLES = 30
"""Per base in the default run (20 bases: 13 kinds and 7 fuller declarations); the slow run draws 2,400."""


@pytest.mark.parametrize("base", sorted(BASES))
@profiles.default(CHECK_EXAMPLES)
@given(data=st.data())
def test_check_contract(base: str, data: st.DataObject) -> None:
    check_contract(*data.draw(check_cases(base)))


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("base", sorted(BASES))
@profiles.slow(2_400)
@given(data=st.data())
def test_check_contract_slow(base: str, data: st.DataObject) -> None:
    check_contract(*data.draw(check_cases(base)))


# ---------------------------------------------------------------------------------------------- diff


CHANGES = st.one_of(
    st.integers(min_value=0, max_value=8),
    st.sampled_from(["PT10M", "westus2", "West US 2", "Standard_NC6", "Disabled", "Enabled", "AADToken", "Key"]),
    st.booleans(),
    st.dictionaries(st.sampled_from(["env", "team"]), st.sampled_from(["dev", "prod"]), max_size=2),
)


@st.composite
def diff_cases(draw: st.DrawFn, base: str | None = None) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Two declarations of one resource, each a base with up to two fields changed to plausible values (so most
    pass check: diff only ever sees checked inputs)."""
    base = base or draw(st.sampled_from(sorted(BASES)))
    kind, original = BASES[base]
    names = [field.name for field in SPECS[kind].all_fields() if field.name not in ("name", "endpoint_name")]
    pair = []
    for _ in range(2):
        inputs = dict(original)
        for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)):
            inputs[name] = draw(CHANGES)
        pair.append(inputs)
    return kind, pair[0], pair[1]


def diff_contract(kind: str, olds: dict[str, Any], news: dict[str, Any]) -> None:
    """Diff of two checked inputs (what the engine sends): never raises, deterministic, secret-free output."""
    subject = provider(kind)
    checked_olds = subject.check({}, olds)
    checked_news = subject.check({}, news)
    if checked_olds.failures or checked_news.failures:
        return  # never diffed by the engine (check refused it); not filtered out, to keep the run's length fixed
    old_state = struct_round_trip(dict(checked_olds.inputs)) or {}
    new_inputs = struct_round_trip(dict(checked_news.inputs)) or {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        first = subject.diff("id", old_state, new_inputs)
        second = subject.diff("id", old_state, new_inputs)
        assert not subject.diff("id", new_inputs, new_inputs).changes
    assert (first.changes, first.replaces, first.delete_before_replace) == (
        second.changes,
        second.replaces,
        second.delete_before_replace,
    )
    for name in first.replaces or []:
        assert name in {field.name for field in SPECS[kind].all_fields()}
    assert_no_secret(secret_texts([]), printed.getvalue())
    for line in printed.getvalue().splitlines():
        assert line.startswith("azureml: "), line


@pytest.mark.parametrize("base", sorted(BASES))
@profiles.default(15)
@given(data=st.data())
def test_diff_contract(base: str, data: st.DataObject) -> None:
    diff_contract(*data.draw(diff_cases(base)))


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("base", sorted(BASES))
@profiles.slow(1_200)
@given(data=st.data())
def test_diff_contract_slow(base: str, data: st.DataObject) -> None:
    diff_contract(*data.draw(diff_cases(base)))


# ---------------------------------------------------------------------------------------------- settings

_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
SETTING_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "nan",
            "NaN",
            "inf",
            "-inf",
            "1e999",
            "-1",
            "0",
            "0.5",
            "600",
            "601",
            "64",
            "65",
            " 5 ",
            "5\n",
            "\x00",
            "\ud800",
        ]
    ),
    st.text(alphabet="abcXYZ019-._~+/=", min_size=1, max_size=30).map(lambda text: f"Sek-{text}"),
    st.sampled_from([" \t", "tok en", "tok\u20acen", "tok\x00en", "\r\ntok"]).map(lambda text: f"Sek-{text}"),
)


@st.composite
def settings_cases(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, str]]:
    keys = [setting.key for setting in SETTINGS]
    config: dict[str, Any] = {
        f"azureml:{key}": draw(st.one_of(SETTING_TEXT, st.floats(), st.integers(), st.none()))
        for key in draw(st.lists(st.sampled_from(keys), max_size=5, unique=True))
    }
    names = [name for setting in SETTINGS for name in setting.environment]
    environ = {name: draw(SETTING_TEXT) for name in draw(st.lists(st.sampled_from(names), max_size=4, unique=True))}
    return config, environ


def settings_contract(config: dict[str, Any], environ: dict[str, str]) -> None:
    settings = Settings(config, environ=environ)
    secrets = [
        value.strip()
        for key in ("accessToken", "clientSecret")
        for value in (str(config.get(f"azureml:{key}") or ""),)
        if len(value.strip()) >= 8
    ] + [
        value.strip()
        for name in ("AZURE_ML_ACCESS_TOKEN", "AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET")
        for value in (environ.get(name, ""),)
        if len(value.strip()) >= 8
    ]
    # (Shorter values are not looked for: "requ" is rightly part of "is required"; redaction is by value.)
    # Only the distinctive generated secrets ("Sek-..."): any other text may rightly occur in a message (a setting
    # name, "required"...). A value that is also given to a non-secret setting may rightly be quoted there too.
    secrets = [secret for secret in secrets if secret.startswith("Sek-")]
    # A value that is also given to a non-secret setting may rightly be quoted there: not a leak.
    plain = [str(value) for key, value in config.items() if key not in ("azureml:accessToken", "azureml:clientSecret")]
    plain += [value for name, value in environ.items() if "TOKEN" not in name and "SECRET" not in name]
    secrets = [secret for secret in secrets if not any(secret in value for value in plain)]
    problems = settings.problems()
    assert problems == Settings(config, environ=environ).problems(), "not deterministic"
    messages: list[str] = [f"{source} {reason}" for source, reason in problems]
    outcomes: dict[str, Any] = {}
    for name, call in [
        ("poll", settings.poll_interval),
        ("workers", settings.host_workers),
        ("token", settings.access_token),
        *[(setting.key, lambda key=setting.key: settings.checked(key)) for setting in SETTINGS],
    ]:
        try:
            outcomes[name] = call()
        except ClientInputError as error:
            messages.append(str(error))
            outcomes[name] = error
    poll = outcomes["poll"]
    assert isinstance(poll, ClientInputError) or (math.isfinite(poll) and 0 <= poll <= 600)
    workers = outcomes["workers"]
    assert isinstance(workers, ClientInputError) or (isinstance(workers, int) and 0 <= workers <= 64)
    token = outcomes["token"]
    assert token is None or isinstance(token, ClientInputError) or _B64TOKEN.fullmatch(token)
    if not problems:
        failed = [name for name, outcome in outcomes.items() if isinstance(outcome, ClientInputError)]
        assert failed == [], f"no problems reported, yet {failed} refused"
    for message in messages:
        assert "\n" not in message and len(message) < 1000, message
        for secret in secrets:
            assert secret not in message, f"secret shown: {message}"
    subject = AzureMLProvider("BatchEndpoint")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        subject.configure(ConfigureRequest(config))
        result = subject.check({}, {"name": "scoring", "auth_mode": "AADToken"})
    for failure in result.failures:
        for secret in secrets:
            assert secret not in failure.reason and secret not in failure.property
    for secret in secrets:
        assert secret not in printed.getvalue()


@profiles.default(200)
@given(settings_cases())
def test_settings_contract(case: tuple[dict[str, Any], dict[str, str]]) -> None:
    settings_contract(*case)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@profiles.slow(25_000)
@given(settings_cases())
def test_settings_contract_slow(case: tuple[dict[str, Any], dict[str, str]]) -> None:
    settings_contract(*case)
