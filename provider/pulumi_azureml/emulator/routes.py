"""The single route table: (method, path template) → handler, matched case-insensitively.

Each route also says what kind of request it is for fault matching (``request``, ``lro`` for requests that
start a long-running operation, ``poll`` for status/result URLs), which api-versions it accepts, and whether it
needs a bearer token. Templates are literal ARM paths with ``{name}`` placeholders; ARM matches path segments
case-insensitively, so ``resourcegroups`` and ``listkeys`` match any casing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .context import HandlerContext
from .handlers import (
    assets,
    batch_deployments,
    batch_endpoints,
    computes,
    datastores,
    environments,
    online_deployments,
    online_endpoints,
    operation_status,
    resource_groups,
    workspaces,
)
from .messages import Response
from .operations import RESULT_SEGMENTS, STATUS_SEGMENTS

Handler = Callable[[HandlerContext], Response]

MACHINE_LEARNING = "ml"
RESOURCE_GROUPS = "resource_groups"


@dataclass(frozen=True)
class Route:
    """One operation of the emulated API."""

    method: str
    template: str
    handler: Handler
    kind: str = "request"
    """``request``, ``lro`` or ``poll`` (see :mod:`.faults`)."""
    api_versions: str | None = MACHINE_LEARNING
    """Which api-version set applies; None means the route takes no api-version (discovery)."""
    authenticated: bool = True
    pattern: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", _compile(self.template))


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[A-Za-z]+(?::[A-Za-z|]+)?\})", template)
    expression = "".join(
        _placeholder(part) if part.startswith("{") and part.endswith("}") else re.escape(part) for part in parts
    )
    return re.compile(f"^{expression}$", re.IGNORECASE)


def _placeholder(part: str) -> str:
    """``{name}`` matches one path segment; ``{name:a|b}`` only the literal segments ``a`` or ``b``."""
    name, _, choices = part[1:-1].partition(":")
    return f"(?P<{name}>{choices})" if choices else f"(?P<{name}>[^/]+)"


@dataclass(frozen=True)
class RouteMatch:
    """A route and the path parameters it captured."""

    route: Route
    params: dict[str, str]


_SUBSCRIPTION = "/subscriptions/{subscriptionId}"
_RESOURCE_GROUP = f"{_SUBSCRIPTION}/resourcegroups/{{resourceGroupName}}"
_PROVIDER = "/providers/Microsoft.MachineLearningServices"
_WORKSPACES = f"{_RESOURCE_GROUP}{_PROVIDER}/workspaces"
_WORKSPACE = f"{_WORKSPACES}/{{workspaceName}}"
_COMPUTES = f"{_WORKSPACE}/computes"
_COMPUTE = f"{_COMPUTES}/{{computeName}}"
_ENDPOINTS = f"{_WORKSPACE}/batchEndpoints"
_ENDPOINT = f"{_ENDPOINTS}/{{endpointName}}"
_DEPLOYMENTS = f"{_ENDPOINT}/deployments"
_DEPLOYMENT = f"{_DEPLOYMENTS}/{{deploymentName}}"
_LOCATION = f"{_SUBSCRIPTION}{_PROVIDER}/locations/{{location}}"
_ONLINE_ENDPOINTS = f"{_WORKSPACE}/onlineEndpoints"
_ONLINE_ENDPOINT = f"{_ONLINE_ENDPOINTS}/{{endpointName}}"
_ONLINE_DEPLOYMENTS = f"{_ONLINE_ENDPOINT}/deployments"
_ONLINE_DEPLOYMENT = f"{_ONLINE_DEPLOYMENTS}/{{deploymentName}}"
_ASSETS = f"{_WORKSPACE}/{{collection:codes|models|data}}"
_ASSET = f"{_ASSETS}/{{name}}"
_ASSET_VERSION = f"{_ASSET}/versions/{{version}}"

ROUTES: tuple[Route, ...] = (
    # Resource groups.
    Route("GET", f"{_SUBSCRIPTION}/resourcegroups", resource_groups.list_resource_groups, api_versions=RESOURCE_GROUPS),
    Route("GET", _RESOURCE_GROUP, resource_groups.get_resource_group, api_versions=RESOURCE_GROUPS),
    Route("HEAD", _RESOURCE_GROUP, resource_groups.head_resource_group, api_versions=RESOURCE_GROUPS),
    Route("PUT", _RESOURCE_GROUP, resource_groups.put_resource_group, api_versions=RESOURCE_GROUPS),
    Route("PATCH", _RESOURCE_GROUP, resource_groups.patch_resource_group, api_versions=RESOURCE_GROUPS),
    Route("DELETE", _RESOURCE_GROUP, resource_groups.delete_resource_group, "lro", api_versions=RESOURCE_GROUPS),
    Route(
        "GET",
        f"{_SUBSCRIPTION}/operationresults/{{operationId}}",
        operation_status.result_handler("resources"),
        "poll",
        api_versions=RESOURCE_GROUPS,
    ),
    # Workspaces.
    Route("GET", f"{_SUBSCRIPTION}{_PROVIDER}/workspaces", workspaces.list_by_subscription),
    Route("GET", _WORKSPACES, workspaces.list_by_resource_group),
    Route("GET", _WORKSPACE, workspaces.get_workspace),
    Route("PUT", _WORKSPACE, workspaces.put_workspace, "lro"),
    Route("PATCH", _WORKSPACE, workspaces.patch_workspace),
    Route("DELETE", _WORKSPACE, workspaces.delete_workspace, "lro"),
    # Computes.
    Route("GET", _COMPUTES, computes.list_computes),
    Route("GET", _COMPUTE, computes.get_compute),
    Route("PUT", _COMPUTE, computes.put_compute, "lro"),
    Route("PATCH", _COMPUTE, computes.patch_compute, "lro"),
    Route("DELETE", _COMPUTE, computes.delete_compute, "lro"),
    Route("POST", f"{_COMPUTE}/listKeys", computes.list_keys),
    Route("POST", f"{_COMPUTE}/listNodes", computes.list_nodes),
    Route("POST", f"{_COMPUTE}/start", computes.start_compute, "lro"),
    Route("POST", f"{_COMPUTE}/stop", computes.stop_compute, "lro"),
    Route("POST", f"{_COMPUTE}/restart", computes.restart_compute, "lro"),
    Route("POST", f"{_COMPUTE}/updateIdleShutdownSetting", computes.update_idle_shutdown_setting),
    # Batch endpoints and deployments.
    Route("GET", _ENDPOINTS, batch_endpoints.list_endpoints),
    Route("GET", _ENDPOINT, batch_endpoints.get_endpoint),
    Route("PUT", _ENDPOINT, batch_endpoints.put_endpoint, "lro"),
    Route("PATCH", _ENDPOINT, batch_endpoints.patch_endpoint, "lro"),
    Route("DELETE", _ENDPOINT, batch_endpoints.delete_endpoint, "lro"),
    Route("POST", f"{_ENDPOINT}/listkeys", batch_endpoints.list_keys),
    Route("GET", _DEPLOYMENTS, batch_deployments.list_deployments),
    Route("GET", _DEPLOYMENT, batch_deployments.get_deployment),
    Route("PUT", _DEPLOYMENT, batch_deployments.put_deployment, "lro"),
    Route("PATCH", _DEPLOYMENT, batch_deployments.patch_deployment, "lro"),
    Route("DELETE", _DEPLOYMENT, batch_deployments.delete_deployment, "lro"),
    # Online endpoints and deployments (mfe.json OnlineEndpoints_* and OnlineDeployments_*).
    Route("GET", _ONLINE_ENDPOINTS, online_endpoints.list_endpoints),
    Route("GET", _ONLINE_ENDPOINT, online_endpoints.get_endpoint),
    Route("PUT", _ONLINE_ENDPOINT, online_endpoints.put_endpoint, "lro"),
    Route("PATCH", _ONLINE_ENDPOINT, online_endpoints.patch_endpoint, "lro"),
    Route("DELETE", _ONLINE_ENDPOINT, online_endpoints.delete_endpoint, "lro"),
    Route("POST", f"{_ONLINE_ENDPOINT}/listKeys", online_endpoints.list_keys),
    Route("POST", f"{_ONLINE_ENDPOINT}/regenerateKeys", online_endpoints.regenerate_keys, "lro"),
    Route("POST", f"{_ONLINE_ENDPOINT}/token", online_endpoints.get_token),
    Route("GET", _ONLINE_DEPLOYMENTS, online_deployments.list_deployments),
    Route("GET", _ONLINE_DEPLOYMENT, online_deployments.get_deployment),
    Route("PUT", _ONLINE_DEPLOYMENT, online_deployments.put_deployment, "lro"),
    Route("PATCH", _ONLINE_DEPLOYMENT, online_deployments.patch_deployment, "lro"),
    Route("DELETE", _ONLINE_DEPLOYMENT, online_deployments.delete_deployment, "lro"),
    Route("POST", f"{_ONLINE_DEPLOYMENT}/getLogs", online_deployments.get_logs),
    # -- Code, model and data assets (versions, their containers, the code version's pending upload) --------------
    Route("GET", f"{_ASSETS}", assets.list_containers),
    Route("GET", _ASSET, assets.get_container),
    Route("DELETE", _ASSET, assets.delete_container),
    Route("GET", f"{_ASSET}/versions", assets.list_versions),
    Route("GET", _ASSET_VERSION, assets.get_version),
    Route("PUT", _ASSET_VERSION, assets.put_version),
    Route("DELETE", _ASSET_VERSION, assets.delete_version),
    Route(
        "POST",
        f"{_WORKSPACE}/{{collection:codes}}/{{name}}/versions/{{version}}/startPendingUpload",
        assets.start_pending_upload,
    ),
    # -- end of assets ------------------------------------------------------------------------------------------
    # Operation status and result URLs.
    *(
        Route("GET", f"{_LOCATION}/{segment}/{{operationId}}", operation_status.status_handler(family), "poll")
        for family, segment in STATUS_SEGMENTS.items()
    ),
    *(
        Route("GET", f"{_LOCATION}/{segment}/{{operationId}}", operation_status.result_handler(family), "poll")
        for family, segment in RESULT_SEGMENTS.items()
    ),
    # The discovery document a workspace's discoveryUrl points at: data plane, no
    # api-version, and no token (its auth requirement is unverified; it is served openly here).
    Route(
        "GET", "/discovery/workspaces/{workspaceGuid}", workspaces.get_discovery, api_versions=None, authenticated=False
    ),
    Route("GET", "/discovery", workspaces.get_discovery, api_versions=None, authenticated=False),
)


# -- Datastores and environment versions ------------------------------------------------------------
_DATASTORES = f"{_WORKSPACE}/datastores"
_DATASTORE = f"{_DATASTORES}/{{datastoreName}}"
_ENVIRONMENTS = f"{_WORKSPACE}/environments"
_ENVIRONMENT = f"{_ENVIRONMENTS}/{{environmentName}}"
_ENVIRONMENT_VERSIONS = f"{_ENVIRONMENT}/versions"
_ENVIRONMENT_VERSION = f"{_ENVIRONMENT_VERSIONS}/{{version}}"

ROUTES = (
    *ROUTES,
    Route("GET", _DATASTORES, datastores.list_datastores),
    Route("GET", _DATASTORE, datastores.get_datastore),
    Route("PUT", _DATASTORE, datastores.put_datastore),
    Route("DELETE", _DATASTORE, datastores.delete_datastore),
    Route("POST", f"{_DATASTORE}/listSecrets", datastores.list_secrets),
    Route("GET", _ENVIRONMENTS, environments.list_containers),
    Route("GET", _ENVIRONMENT, environments.get_container),
    Route("GET", _ENVIRONMENT_VERSIONS, environments.list_versions),
    Route("GET", _ENVIRONMENT_VERSION, environments.get_version),
    Route("PUT", _ENVIRONMENT_VERSION, environments.put_version),
    Route("DELETE", _ENVIRONMENT_VERSION, environments.delete_version),
)
# -- end of datastores and environment versions -----------------------------------------------------------------


class RouteTable:
    """Finds the route for a request."""

    def __init__(self, routes: tuple[Route, ...] = ROUTES) -> None:
        self._routes = routes

    def match(self, method: str, path: str) -> tuple[RouteMatch | None, bool]:
        """Return (match, path_known). ``path_known`` without a match means the method is not allowed."""
        path_known = False
        for route in self._routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return RouteMatch(route, found.groupdict()), True
            path_known = True
        return None, path_known
