"""Resource ids and names, token caching, clouds, and the lazy import of azure-identity."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import dataclass

import pytest

from pulumi_azureml.arm import ClientInputError, ResourceId, cloud_by_name, render_path, same_id, validate_name
from pulumi_azureml.arm.auth import CredentialTokenSource, SecretString, StaticTokenSource

from support.fake_http import FakeClock

PATH_CHANGING = ["a/b", "..", ".", "a?b", "a#b", "a%2Fb", "a b", "a\tb", "a\nb", "a\\b", "a\x00b", "a\x7fb", ""]


@pytest.mark.parametrize("name", PATH_CHANGING)
def test_every_path_changing_name_is_rejected(name: str) -> None:
    with pytest.raises(ClientInputError) as raised:
        validate_name("compute name", name)
    assert "compute name" in str(raised.value)


def test_render_path_validates_every_placeholder() -> None:
    template = "/subscriptions/{subscription_id}/resourceGroups/{resource_group_name}"
    assert (
        render_path(template, {"subscription_id": "s", "resource_group_name": "rg"})
        == "/subscriptions/s/resourceGroups/rg"
    )
    with pytest.raises(ClientInputError, match="resource_group_name"):
        render_path(template, {"subscription_id": "s", "resource_group_name": "../x"})
    with pytest.raises(ClientInputError, match="resource_group_name is required"):
        render_path(template, {"subscription_id": "s"})


def test_resource_ids_parse_and_compare_case_insensitively() -> None:
    rid = ResourceId(
        "/subscriptions/S1/resourceGroups/RG/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/cpu"
    )
    assert rid.subscription_id == "S1"
    assert rid.resource_group == "RG"
    assert rid.child_name("workspaces") == "ws"
    assert rid.name == "cpu"
    assert rid == ResourceId(rid.value.lower())
    assert hash(rid) == hash(ResourceId(rid.value.upper().replace("/SUBSCRIPTIONS/", "/subscriptions/")))
    assert same_id(rid.value + "/", rid.value.lower())
    with pytest.raises(ClientInputError):
        ResourceId("/subscriptions/s/resourceGroups/../x")
    with pytest.raises(ClientInputError):
        ResourceId("not-an-id")


def test_clouds_by_name() -> None:
    assert cloud_by_name("AzureChinaCloud").management_endpoint == "https://management.chinacloudapi.cn"
    assert cloud_by_name("azureusgovernment").token_scope == "https://management.usgovcloudapi.net/.default"
    assert cloud_by_name("public").authority_host == "login.microsoftonline.com"
    with pytest.raises(ClientInputError, match="azureml:cloud"):
        cloud_by_name("mars")


@dataclass
class FakeAccessToken:
    token: str
    expires_on: float


class FakeCredential:
    def __init__(self, clock: FakeClock) -> None:
        self.calls = 0
        self.clock = clock
        self.lock = threading.Lock()

    def get_token(self, *scopes: str) -> FakeAccessToken:
        with self.lock:
            self.calls += 1
            return FakeAccessToken(f"t{self.calls}", self.clock.wall() + 3600)


def test_token_is_cached_and_refreshed_before_expiry() -> None:
    clock = FakeClock()
    credential = FakeCredential(clock)
    built: list[int] = []

    def factory() -> FakeCredential:
        built.append(1)
        return credential

    source = CredentialTokenSource(factory, "scope", clock=clock, refresh_margin=300)
    assert source.token() == "t1"
    assert source.token() == "t1"
    clock.now += 3600 - 299  # inside the refresh margin
    assert source.token() == "t2"
    source.invalidate("t2")
    assert source.token() == "t3"
    source.invalidate("stale")  # an old token does not drop the current one
    assert source.token() == "t3"
    assert built == [1]


def test_token_source_is_thread_safe() -> None:
    clock = FakeClock()
    credential = FakeCredential(clock)
    source = CredentialTokenSource(lambda: credential, "scope", clock=clock)
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(source.token())) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(tokens) == {"t1"}
    assert credential.calls == 1


def test_secrets_never_show_in_repr_and_refuse_pickling() -> None:
    import pickle

    secret = SecretString("hunter2")
    assert "hunter2" not in repr(secret) and "hunter2" not in str(secret)
    assert "hunter2" not in repr(StaticTokenSource("hunter2"))
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_importing_the_package_does_not_import_azure_identity_or_msal() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pulumi_azureml"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line]
    assert not [name for name in imported if name.startswith(("azure.identity", "msal"))]


def test_the_provider_hosts_import_path_stays_small() -> None:
    # Unpickling the provider imports pulumi_azureml.provider; a preview must not pay for requests, the resource
    # classes or the lookups (measured: ~35 ms of cold start, tests/benchmarks section 4), nor for what only
    # create/read/update/delete use, nor importlib.metadata (~20 ms; issue 28).
    unwanted = (
        "requests",
        "pulumi_azureml.lookups",
        "pulumi_azureml.resources.compute",
        "pulumi_azureml.emulator",
        "azure.identity",
        "importlib.metadata",
        "pulumi_azureml.lifecycle",
        "pulumi_azureml.adoption",
        "pulumi_azureml.operation",
        "pulumi_azureml.runtime",
        "pulumi_azureml.arm.busy",
    )
    code = (
        "import sys, pulumi.dynamic, pulumi_azureml.provider; "
        f"print(sorted(m for m in {unwanted!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_every_public_name_resolves() -> None:
    import pulumi_azureml
    import pulumi_azureml.arm

    for module in (pulumi_azureml, pulumi_azureml.arm):
        missing = [name for name in module.__all__ if getattr(module, name, None) is None]
        assert missing == []
        assert sorted(module.__all__) == sorted(set(module.__all__))
