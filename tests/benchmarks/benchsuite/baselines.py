"""Dynamic providers the benchmarks compare against, imported by the provider host when it unpickles them.

- :class:`EmptyProvider` does nothing: its Check/Diff/Create cost is the SDK host's own, the baseline to subtract.
- :class:`ImportProbe` answers Check with which watched modules the host process has imported so far, so the
  suite can tell whether a preview (or a create with a static token) pulled in ``azure.identity``.

Both live in an importable module so dill pickles them by reference, as it pickles ``AzureMLProvider``; this module
imports only what a dynamic provider must.
"""

from __future__ import annotations

import sys
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

WATCHED_MODULES = (
    "azure.identity",
    "msal",
    "azure.core",
    "requests",
    "urllib3",
    "pulumi_azureml.lookups",
    "pulumi_azureml.emulator",
)


class EmptyProvider(ResourceProvider):
    """Accepts any inputs, never sees a change, creates instantly."""

    # Same secrecy as AzureMLProvider, so the harness handles both ``__provider`` values alike.
    serialize_as_secret_always = False

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"empty-{props.get('name', 'resource')}", dict(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, dict(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(dict(news))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class EmptyResource(pulumi.dynamic.Resource, module="bench", name="Empty"):
    """A resource of :class:`EmptyProvider` with whatever inputs it is given."""

    def __init__(self, resource_name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(EmptyProvider(), resource_name, props, opts)


class ImportProbe(ResourceProvider):
    """Check answers ``{"loaded": [watched modules imported in this process], "module_count": n}``."""

    serialize_as_secret_always = False

    def check(self, _olds: dict[str, Any], _news: dict[str, Any]) -> CheckResult:
        loaded = [name for name in WATCHED_MODULES if name in sys.modules]
        return CheckResult({"loaded": loaded, "module_count": len(sys.modules)}, [])
