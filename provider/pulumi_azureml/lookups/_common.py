"""What every lookup shares: placement from the stack config, error reporting, body readers, the ``_output`` form."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi

from pulumi_azureml.arm.client import ArmClient
from pulumi_azureml.arm.errors import ArmError, ClientInputError
from pulumi_azureml.arm.ids import render_path
from pulumi_azureml.errors import AzureMLError
from pulumi_azureml.runtime import client_for
from pulumi_azureml.schema import get_path
from pulumi_azureml.settings import CONFIG_NAMESPACE, SETTINGS, Settings
from pulumi_azureml.specs.workspace import PATH as WORKSPACE_PATH

T = TypeVar("T")


LIST_KEYS_TIMEOUT = 120.0
"""Seconds to wait for ``listkeys`` should the service answer it as a long-running operation."""

_WORKSPACE_PATH = WORKSPACE_PATH.replace("{name}", "{workspace_name}")
"""A workspace's ARM path, with the placement names of :func:`_placement`."""


# -- configuration and errors ------------------------------------------------------------------------------------------


_GIVEN_SETTINGS: contextvars.ContextVar[Settings | None] = contextvars.ContextVar(
    "azureml_lookup_settings", default=None
)


@contextlib.contextmanager
def using_settings(settings: Settings) -> Iterator[None]:
    """Lookups in this context use ``settings`` instead of the stack config: the provider plugin's invoke, where
    the settings are the provider's configuration and there is no program to read a stack config from."""
    token = _GIVEN_SETTINGS.set(settings)
    try:
        yield
    finally:
        _GIVEN_SETTINGS.reset(token)


def _stack_settings() -> Settings:
    """The ``azureml:*`` stack config as the provider host sees it (environment fallbacks included), unless
    :func:`using_settings` gave others."""
    given = _GIVEN_SETTINGS.get()
    if given is not None:
        return given
    config = pulumi.Config(CONFIG_NAMESPACE)
    return Settings({f"{CONFIG_NAMESPACE}:{setting.key}": config.get(setting.key) for setting in SETTINGS})


def _required(settings: Settings, key: str, given: str | None, argument: str) -> str:
    if given not in (None, ""):
        return str(given)
    value = settings.get(key)
    if value in (None, ""):
        raise ClientInputError(f"{argument} {Settings.how_to_set(key, 'pass it, or set the stack config')}")
    return str(value)


@contextlib.contextmanager
def _reported(action: str) -> Iterator[None]:
    """ARM and input errors become :class:`AzureMLError`, keeping the original as the cause."""
    try:
        yield
    except AzureMLError:
        raise
    except ArmError as error:
        raise AzureMLError(str(error)) from error
    except ClientInputError as error:
        raise AzureMLError(f"{action}: {error}") from error


@dataclass(frozen=True)
class _Target:
    """A resolved connection and placement for one lookup."""

    client: ArmClient
    api_version: str
    subscription_id: str
    resource_group_name: str = ""
    workspace_name: str = ""


def _target(
    *,
    subscription_id: str | None,
    resource_group_name: str | None = None,
    workspace_name: str | None = None,
    api_version: str | None = None,
    needs_group: bool = False,
    needs_workspace: bool = False,
) -> _Target:
    settings = _stack_settings()
    subscription = _required(settings, "subscriptionId", subscription_id, "subscription_id")
    group = ""
    if needs_group or needs_workspace:
        group = _required(settings, "resourceGroupName", resource_group_name, "resource_group_name")
    workspace = _required(settings, "workspaceName", workspace_name, "workspace_name") if needs_workspace else ""
    return _Target(
        client=client_for(settings),
        api_version=settings.api_version(api_version),
        subscription_id=subscription,
        resource_group_name=group,
        workspace_name=workspace,
    )


def _placement(target: _Target, **names: str) -> dict[str, str]:
    return {
        "subscription_id": target.subscription_id,
        "resource_group_name": target.resource_group_name,
        "workspace_name": target.workspace_name,
        **names,
    }


def _workspace_target(
    workspace_name: str | None, resource_group_name: str | None, subscription_id: str | None, api_version: str | None
) -> _Target:
    """The target of a lookup inside a workspace: subscription, resource group and workspace all required."""
    return _target(
        subscription_id=subscription_id,
        resource_group_name=resource_group_name,
        workspace_name=workspace_name,
        api_version=api_version,
        needs_workspace=True,
    )


Where = tuple[str | None, str | None, str | None, str | None]
"""A workspace lookup's ``(workspace_name, resource_group_name, subscription_id, api_version)``, as given."""


def _workspace_get(action: str, where: Where, template: str, **names: str) -> dict[str, Any]:
    """GET the resource at ``template`` in the workspace ``where`` names (``names`` fill the rest of the path)."""
    with _reported(action):
        target = _workspace_target(*where)
        path = render_path(template, _placement(target, **names))
        return target.client.get(path, api_version=target.api_version, action=action)


def _workspace_list(
    action: str, where: Where, template: str, params: Mapping[str, str] | None = None, **names: str
) -> list[dict[str, Any]]:
    """Every item of the collection at ``template`` in the workspace, all pages."""
    with _reported(action):
        target = _workspace_target(*where)
        path = render_path(template, _placement(target, **names))
        return list(target.client.list(path, api_version=target.api_version, action=action, params=params))


def _workspace_post(
    action: str, where: Where, template: str, body: Mapping[str, Any] | None = None, **names: str
) -> dict[str, Any]:
    """POST the action at ``template`` (``.../listKeys``, ``.../token``...); its answer, ``{}`` when empty."""
    with _reported(action):
        target = _workspace_target(*where)
        path = render_path(template, _placement(target, **names))
        answer = target.client.post(
            path, api_version=target.api_version, action=action, timeout=LIST_KEYS_TIMEOUT, body=body
        )
        return answer or {}


# -- body helpers ------------------------------------------------------------------------------------------------


def _text(body: Mapping[str, Any], path: str) -> str | None:
    value = get_path(body, path)
    return None if value is None else str(value)


def _flag(body: Mapping[str, Any], path: str) -> bool | None:
    value = get_path(body, path)
    return value if isinstance(value, bool) else None


def _count(body: Mapping[str, Any], path: str) -> int | None:
    value = get_path(body, path)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _tags(body: Mapping[str, Any], path: str = "tags") -> dict[str, str]:
    """ARM's tags; ``properties.tags`` for workspace assets, whose own tags are there."""
    tags = get_path(body, path)
    return {str(key): str(value) for key, value in tags.items()} if isinstance(tags, Mapping) else {}


def _property_tags(body: Mapping[str, Any]) -> dict[str, str]:
    """A workspace asset's own tags (``properties.tags``), which are not ARM's top-level ``tags``."""
    return _tags(body, "properties.tags")


# -- Output forms ------------------------------------------------------------------------------------------------------


def _deferred(function: Callable[..., T], *arguments: pulumi.Input[Any]) -> pulumi.Output[T]:
    """Run ``function`` once every argument is known, on a worker thread (``to_thread`` copies the context, so
    the program's stack config is visible); unknown arguments during preview give an unknown result."""

    def run(values: list[Any]) -> Any:
        return asyncio.to_thread(function, *values)

    return pulumi.Output.all(*arguments).apply(run)
