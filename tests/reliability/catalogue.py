"""The resource kinds the reliability suites exercise: inputs, the changes each operation makes, and fault targets.

One :class:`KindCase` per resource kind says, as a program would, what to declare before the operation under test
(``prerequisites`` plus ``subject``), what an in-place update and a replacement change, which HTTP request of each
operation a fault is aimed at, and how to touch the resource out of band so that its last operation can be made to
end ``Failed``/``Canceled`` before a refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SUBSCRIPTION = "00000000-0000-0000-0000-00000000c0de"
RESOURCE_GROUP = "rg-reliability"
WORKSPACE = "mlw-reliability"
LOCATION = "eastus"
API_VERSION = "2025-12-01"
WORKSPACE_PATH = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)

PASSWORD = "Reliab1lity-Passw0rd!"
SSH_PUBLIC_KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7reliabilitytestkeyonly user@host"
PRIMARY_KEY = "primary-key-reliability-0123456789"
SECONDARY_KEY = "secondary-key-reliability-9876543210"


PROJECT = "reliability"
STACK = "dev"


def owner_marker(resource_name: str) -> str:
    """The ``owner_marker`` the resource classes write for this logical name (``resources/base.py``, ``prepare``)."""
    return f"{PROJECT}/{STACK}/{resource_name}"


@dataclass(frozen=True)
class Declared:
    """One resource as a program declares it: its kind and its raw inputs (before ``check``)."""

    kind: str
    inputs: dict[str, Any]

    def provider_inputs(self, resource_name: str) -> dict[str, Any]:
        """What the resource class hands the provider: the inputs plus the ownership marker of this name."""
        return {**self.inputs, "owner_marker": owner_marker(resource_name)}


def cluster(name: str, **changes: Any) -> Declared:
    inputs: dict[str, Any] = {
        "name": name,
        "compute_type": "AmlCompute",
        "vm_size": "STANDARD_DS3_V2",
        "scale_settings": {"max_node_count": 2, "min_node_count": 0, "node_idle_time_before_scale_down": "PT5M"},
        "user_account_credentials": {
            "admin_user_name": "azureuser",
            "admin_user_password": PASSWORD,
            "admin_user_ssh_public_key": SSH_PUBLIC_KEY,
        },
        "tags": {"team": "ml"},
    }
    inputs.update(changes)
    return Declared("Compute", inputs)


def endpoint(name: str, **changes: Any) -> Declared:
    inputs: dict[str, Any] = {
        "name": name,
        "description": "batch scoring",
        "auth_mode": "Key",
        "keys": {"primary_key": PRIMARY_KEY, "secondary_key": SECONDARY_KEY},
        "properties": {"team": "ml"},
        "tags": {"env": "dev"},
    }
    inputs.update(changes)
    return Declared("BatchEndpoint", inputs)


def deployment(endpoint_name: str, name: str, compute_name: str, **changes: Any) -> Declared:
    inputs: dict[str, Any] = {
        "endpoint_name": endpoint_name,
        "name": name,
        "description": "first model",
        "model": {"reference_type": "Id", "asset_id": f"azureml:{WORKSPACE_PATH}/models/churn/versions/1"},
        "code_configuration": {"scoring_script": "score.py"},
        "environment_id": f"azureml:{WORKSPACE_PATH}/environments/sklearn/versions/3",
        "compute": f"{WORKSPACE_PATH}/computes/{compute_name}",
        "resources": {"instance_count": 1},
        "mini_batch_size": 10,
        "retry_settings": {"max_retries": 3, "timeout": "PT30S"},
        "tags": {"model": "churn"},
    }
    inputs.update(changes)
    return Declared("BatchDeployment", inputs)


def default_deployment(endpoint_name: str, deployment_name: str) -> Declared:
    return Declared(
        "BatchEndpointDefaultDeployment",
        {
            "endpoint_name": endpoint_name,
            "deployment_name": deployment_name,
        },
    )


def workspace(name: str, **changes: Any) -> Declared:
    resource_group = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers"
    inputs: dict[str, Any] = {
        "name": name,
        "location": LOCATION,
        "friendly_name": "reliability workspace",
        "description": "made by the reliability suites",
        "storage_account": f"{resource_group}/Microsoft.Storage/storageAccounts/streliability",
        "key_vault": f"{resource_group}/Microsoft.KeyVault/vaults/kv-reliability",
        "application_insights": f"{resource_group}/Microsoft.Insights/components/ai-reliability",
        "tags": {"env": "dev"},
        "purge_on_delete": True,
    }
    inputs.update(changes)
    return Declared("Workspace", inputs)


Touch = Callable[[], tuple[str, str, dict[str, Any]]]
"""An out-of-band write that changes nothing: (method, ARM path, body)."""


@dataclass(frozen=True)
class KindCase:
    """Everything the fault matrix needs to run each operation on one resource kind.

    ``subject`` is the logical name of the resource under test inside ``program`` (the initial declarations, in
    creation order). ``updated`` and ``replaced`` are the subject after an in-place change and after a
    replace-triggering change; ``targets`` maps each operation to the (HTTP method, path glob) of the request a
    fault is aimed at; ``touch`` is a no-op write used to end the subject's last operation ``Failed`` before a
    refresh.
    """

    kind: str
    subject: str
    program: dict[str, Declared]
    updated: Declared
    replaced: Declared
    targets: dict[str, tuple[str, str]]
    touch: tuple[str, str, dict[str, Any]]
    update_write: str
    """How the update reaches Azure (``PATCH`` or ``PUT``), for the report."""
    synchronous_operations: frozenset[str] = frozenset()
    """Operations whose write is answered at once (200, no long-running operation): nothing can end
    ``Failed``/``Canceled`` and there is no poll, so the token expires on the write itself. ``refresh`` here means
    the out-of-band touch before a refresh is answered at once too."""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def program_with(self, subject: Declared | None) -> dict[str, Declared]:
        """The program with the subject replaced (or removed when ``subject`` is None)."""
        result = {name: declared for name, declared in self.program.items() if name != self.subject}
        if subject is not None:
            result[self.subject] = subject
        return result

    def program_without_subject(self) -> dict[str, Declared]:
        return self.program_with(None)


def _compute_path(name: str) -> str:
    return f"{WORKSPACE_PATH}/computes/{name}"


def _endpoint_path(name: str) -> str:
    return f"{WORKSPACE_PATH}/batchEndpoints/{name}"


def _glob(path: str) -> str:
    """A fault path glob for exactly this resource path (rules match the whole path, case-insensitively)."""
    return f"*{path.split('/providers/Microsoft.MachineLearningServices', 1)[1]}"


def _same_targets(method_for_update: str, path: str, create_path: str | None = None) -> dict[str, tuple[str, str]]:
    glob = _glob(path)
    return {
        "create": ("PUT", _glob(create_path or path)),
        "update": (method_for_update, glob),
        "replace": ("PUT", glob),
        "refresh": ("GET", glob),
        "delete": ("DELETE", glob),
    }


def compute_case() -> KindCase:
    program = {"cpu-cluster": cluster("cpu-cluster")}
    return KindCase(
        kind="Compute",
        subject="cpu-cluster",
        program=program,
        updated=cluster("cpu-cluster", scale_settings={"max_node_count": 4, "min_node_count": 1}),
        replaced=cluster("cpu-cluster", vm_size="STANDARD_NC6"),
        targets=_same_targets("PATCH", _compute_path("cpu-cluster")),
        touch=(
            "PATCH",
            _compute_path("cpu-cluster"),
            {"properties": {"properties": {"scaleSettings": {"maxNodeCount": 2, "minNodeCount": 0}}}},
        ),
        update_write="PATCH",
    )


def endpoint_case() -> KindCase:
    return KindCase(
        kind="BatchEndpoint",
        subject="scoring",
        program={"scoring": endpoint("scoring")},
        updated=endpoint("scoring", description="nightly batch scoring"),
        replaced=endpoint("scoring", properties={"team": "research"}),
        targets=_same_targets("PUT", _endpoint_path("scoring")),
        touch=("PATCH", _endpoint_path("scoring"), {"tags": {"env": "dev"}}),
        update_write="PUT",
    )


def deployment_case() -> KindCase:
    program = {
        "batch-cluster": cluster("batch-cluster"),
        "scoring": endpoint("scoring"),
        "blue": deployment("scoring", "blue", "batch-cluster"),
    }
    path = f"{_endpoint_path('scoring')}/deployments/blue"
    return KindCase(
        kind="BatchDeployment",
        subject="blue",
        program=program,
        updated=deployment("scoring", "blue", "batch-cluster", description="second model", tags={"model": "v2"}),
        replaced=deployment("scoring", "blue", "batch-cluster", resources={"instance_count": 2}),
        targets=_same_targets("PATCH", path),
        touch=("PATCH", path, {"tags": {"model": "churn"}}),
        update_write="PATCH",
    )


def default_deployment_case() -> KindCase:
    program = {
        "batch-cluster": cluster("batch-cluster"),
        "scoring": endpoint("scoring"),
        "blue": deployment("scoring", "blue", "batch-cluster"),
        "green": deployment("scoring", "green", "batch-cluster"),
        "scoring2": endpoint("scoring2"),
        "blue2": deployment("scoring2", "blue", "batch-cluster"),
        "routing": default_deployment("scoring", "blue"),
    }
    scoring = _endpoint_path("scoring")
    targets = {
        # The routing is a property of the endpoint: every write is a read-modify-write PUT of the endpoint.
        "create": ("PUT", _glob(scoring)),
        "update": ("PUT", _glob(scoring)),
        "replace": ("PUT", _glob(_endpoint_path("scoring2"))),
        "refresh": ("GET", _glob(scoring)),
        "delete": ("PUT", _glob(scoring)),
    }
    return KindCase(
        kind="BatchEndpointDefaultDeployment",
        subject="routing",
        program=program,
        updated=default_deployment("scoring", "green"),
        replaced=default_deployment("scoring2", "blue"),
        targets=targets,
        touch=("PATCH", scoring, {"tags": {"env": "dev"}}),
        update_write="PUT",
        notes=("replace moves the routing to another endpoint: create-before-delete (a different ARM id)",),
    )


def workspace_case() -> KindCase:
    path = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
    path += "Microsoft.MachineLearningServices/workspaces/mlw-subject"
    return KindCase(
        kind="Workspace",
        subject="mlw-subject",
        program={"mlw-subject": workspace("mlw-subject")},
        updated=workspace("mlw-subject", description="changed in place"),
        replaced=workspace("mlw-subject", storage_account=workspace("x").inputs["storage_account"] + "2"),
        targets=_same_targets("PATCH", path),
        touch=("PATCH", path, {"tags": {"env": "dev"}}),
        update_write="PATCH",
        synchronous_operations=frozenset({"update", "refresh"}),
    )


def all_cases() -> list[KindCase]:
    """Every kind under test; Workspace only when its spec is registered (another engineer is writing it)."""
    from pulumi_azureml.specs import SPECS

    cases = [compute_case(), endpoint_case(), deployment_case(), default_deployment_case()]
    if "Workspace" in SPECS:
        cases.append(workspace_case())
    cases.extend(online_cases())  # issue 18
    return cases


# -- Datastores and environment versions (issue 17) ------------------------------------------------------------
ACCOUNT_KEY = "cmVsaWFiaWxpdHktYWNjb3VudC1rZXktMDEyMzQ1Njc4OQ=="
SAS_TOKEN = "sv=2024-11-04&ss=b&srt=co&sp=rl&sig=reliabilitysasSignature0123"
CLIENT_SECRET = "reliability-client-secret-0123456789"
TENANT_ID = "00000000-1111-2222-3333-444444444444"
CLIENT_ID = "55555555-6666-7777-8888-999999999999"
DATASTORE_SECRETS = (ACCOUNT_KEY, SAS_TOKEN, CLIENT_SECRET)


def datastore(name: str, **changes: Any) -> Declared:
    """An AzureBlob datastore with an account key."""
    inputs: dict[str, Any] = {
        "name": name,
        "datastore_type": "AzureBlob",
        "account_name": "reliabilitystore",
        "container_name": "landing",
        "account_key": ACCOUNT_KEY,
        "description": "landing zone",
        "tags": {"team": "ml"},
    }
    inputs.update(changes)
    return Declared("Datastore", {key: value for key, value in inputs.items() if value is not None})


def lake_datastore(name: str, **changes: Any) -> Declared:
    """An ADLS Gen2 datastore with a service principal."""
    inputs: dict[str, Any] = {
        "name": name,
        "datastore_type": "AzureDataLakeGen2",
        "account_name": "reliabilitylake",
        "filesystem": "curated",
        "tenant_id": TENANT_ID,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    inputs.update(changes)
    return Declared("Datastore", {key: value for key, value in inputs.items() if value is not None})


def environment_version(name: str, **changes: Any) -> Declared:
    inputs: dict[str, Any] = {
        "name": name,
        "version": "1",
        "image": "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest",
        "conda_file": "name: scoring\ndependencies:\n  - python=3.11\n",
        "description": "scoring image",
    }
    inputs.update(changes)
    return Declared("EnvironmentVersion", {key: value for key, value in inputs.items() if value is not None})


def _datastore_touch_body() -> dict[str, Any]:
    return {
        "properties": {
            "datastoreType": "AzureBlob",
            "accountName": "reliabilitystore",
            "containerName": "landing",
            "description": "landing zone",
            "tags": {"team": "ml"},
            "credentials": {
                "credentialsType": "AccountKey",
                "secrets": {"secretsType": "AccountKey", "key": ACCOUNT_KEY},
            },
        }
    }


SYNCHRONOUS = frozenset({"create", "update", "replace", "refresh", "delete"})
"""Datastores and environment versions answer every write at once (200/201/204): no long-running operation."""


def datastore_case() -> KindCase:
    path = f"{WORKSPACE_PATH}/datastores/landing"
    return KindCase(
        kind="Datastore",
        subject="landing",
        program={"landing": datastore("landing")},
        updated=datastore("landing", description="landing zone v2"),
        replaced=datastore("landing", container_name="other"),
        targets=_same_targets("PUT", path),
        touch=("PUT", path, _datastore_touch_body()),
        update_write="PUT",
        synchronous_operations=SYNCHRONOUS,
    )


def environment_version_case() -> KindCase:
    path = f"{WORKSPACE_PATH}/environments/sklearn/versions/1"
    base = environment_version("sklearn")
    return KindCase(
        kind="EnvironmentVersion",
        subject="sklearn",
        program={"sklearn": base},
        updated=environment_version("sklearn", description="scoring image v2"),
        replaced=environment_version("sklearn", image="python:3.12-slim"),
        targets=_same_targets("PUT", path),
        touch=(
            "PUT",
            path,
            {
                "properties": {
                    "image": base.inputs["image"],
                    "condaFile": base.inputs["conda_file"],
                    "description": base.inputs["description"],
                }
            },
        ),
        update_write="PUT",
        synchronous_operations=SYNCHRONOUS,
        notes=("replace keeps the ARM id (same name and version): delete, then create",),
    )


_all_cases_before_issue_17 = all_cases


def all_cases() -> list[KindCase]:  # noqa: F811 - extends the list above
    """Every kind under test, datastores and environment versions included."""
    return [*_all_cases_before_issue_17(), datastore_case(), environment_version_case()]


# -- end of datastores and environment versions -----------------------------------------------------------------
# -- online endpoints (issue 18) ---------------------------------------------------------------------------------

DEPLOYMENT_SECRET = "deployment-env-secret-0123456789"
"""A secret environment variable of the online deployments: must never show in state, logs or errors."""


def online_endpoint(name: str, **changes: Any) -> Declared:
    inputs: dict[str, Any] = {
        "name": name,
        "description": "real-time scoring",
        "auth_mode": "Key",
        "keys": {"primary_key": PRIMARY_KEY, "secondary_key": SECONDARY_KEY},
        "tags": {"env": "dev"},
    }
    inputs.update(changes)
    return Declared("OnlineEndpoint", inputs)


def online_deployment(endpoint_name: str, name: str, **changes: Any) -> Declared:
    inputs: dict[str, Any] = {
        "endpoint_name": endpoint_name,
        "name": name,
        "model": f"azureml:{WORKSPACE_PATH}/models/churn/versions/1",
        "environment_id": f"azureml:{WORKSPACE_PATH}/environments/sklearn/versions/3",
        "code_configuration": {"scoring_script": "score.py"},
        "instance_type": "Standard_DS3_v2",
        "instance_count": 1,
        "environment_variables": {"DB_PASSWORD": DEPLOYMENT_SECRET},
        "tags": {"model": "churn"},
    }
    inputs.update(changes)
    return Declared("OnlineDeployment", inputs)


def online_traffic(endpoint_name: str, traffic: dict[str, int], **changes: Any) -> Declared:
    return Declared("OnlineEndpointTraffic", {"endpoint_name": endpoint_name, "traffic": traffic, **changes})


def _online_endpoint_path(name: str) -> str:
    return f"{WORKSPACE_PATH}/onlineEndpoints/{name}"


def online_endpoint_case() -> KindCase:
    return KindCase(
        kind="OnlineEndpoint",
        subject="online",
        program={"online": online_endpoint("online")},
        updated=online_endpoint("online", description="changed in place"),
        replaced=online_endpoint("online", properties={"team": "research"}),
        targets=_same_targets("PUT", _online_endpoint_path("online")),
        touch=("PATCH", _online_endpoint_path("online"), {"tags": {"env": "dev"}}),
        update_write="PUT",
    )


def online_deployment_case() -> KindCase:
    path = f"{_online_endpoint_path('online')}/deployments/blue"
    return KindCase(
        kind="OnlineDeployment",
        subject="blue",
        program={"online": online_endpoint("online"), "blue": online_deployment("online", "blue")},
        updated=online_deployment("online", "blue", instance_count=2),
        replaced=online_deployment("online", "blue", instance_type="Standard_DS4_v2"),
        targets=_same_targets("PATCH", path),
        touch=("PATCH", path, {"tags": {"model": "churn"}}),
        update_write="PATCH",
    )


def online_traffic_case() -> KindCase:
    online = _online_endpoint_path("online")
    return KindCase(
        kind="OnlineEndpointTraffic",
        subject="traffic",
        program={
            "online": online_endpoint("online"),
            "blue": online_deployment("online", "blue"),
            "green": online_deployment("online", "green"),
            "online2": online_endpoint("online2"),
            "blue2": online_deployment("online2", "blue"),
            "traffic": online_traffic("online", {"blue": 100}),
        },
        updated=online_traffic("online", {"blue": 0, "green": 100}),
        replaced=online_traffic("online2", {"blue": 100}),
        targets={
            # The split is a property of the endpoint: every write is a read-modify-write PUT of the endpoint.
            "create": ("PUT", _glob(online)),
            "update": ("PUT", _glob(online)),
            "replace": ("PUT", _glob(_online_endpoint_path("online2"))),
            "refresh": ("GET", _glob(online)),
            "delete": ("PUT", _glob(online)),
        },
        touch=("PATCH", online, {"tags": {"env": "dev"}}),
        update_write="PUT",
        notes=("replace moves the split to another endpoint: create-before-delete (a different ARM id)",),
    )


def online_cases() -> list[KindCase]:
    return [online_endpoint_case(), online_deployment_case(), online_traffic_case()]


_all_cases_before_uploads = all_cases

# -- asset versions (issue 17, uploads) --------------------------------------------------------------------------------

ASSET_URI = "https://stassets.blob.core.windows.net/assets/LocalUpload/0123/"


def code_version(name: str, **changes: Any) -> Declared:
    """A code version by URI (uploads need local files; the bad-input catalogue checks without any)."""
    return Declared("CodeVersion", {"name": name, "version": "1", "uri": ASSET_URI + "src", **changes})


def model_version(name: str, **changes: Any) -> Declared:
    return Declared("ModelVersion", {"name": name, "version": "1", "uri": ASSET_URI + "model.pkl", **changes})


def data_version(name: str, **changes: Any) -> Declared:
    return Declared(
        "DataVersion", {"name": name, "version": "1", "data_type": "uri_folder", "uri": ASSET_URI + "data", **changes}
    )


def _code_folder(variant: str) -> Declared:
    """A code version from a local folder (made once per process), so faults also meet the upload around them."""
    import tempfile
    from pathlib import Path

    from pulumi_azureml.uploads import hash_path

    root = Path(_FOLDERS.setdefault("root", tempfile.mkdtemp(prefix="azureml-reliability-code-")))
    folder = root / variant
    if not folder.exists():
        folder.mkdir(parents=True)
        (folder / "score.py").write_text(f"# {variant}\ndef run(batch):\n    return batch\n")
    return Declared(
        "CodeVersion",
        {"name": "score", "version": "1", "path": str(folder), "content_hash": hash_path(str(folder))},
    )


_FOLDERS: dict[str, str] = {}


def code_version_case() -> KindCase:
    base = _code_folder("base")
    path = f"{WORKSPACE_PATH}/codes/score/versions/1"
    return KindCase(
        kind="CodeVersion",
        subject="score",
        program={"score": base},
        updated=Declared("CodeVersion", {**base.inputs, "description": "changed in place"}),
        replaced=_code_folder("edited"),
        targets=_same_targets("PUT", path),
        # Unused: every operation of a version is answered at once (nothing can end Failed).
        touch=("GET", path, {}),
        update_write="PUT",
        synchronous_operations=frozenset(OPERATIONS_OF_A_VERSION),
        notes=("replace = new content: the version is deleted, then uploaded and registered again",),
    )


OPERATIONS_OF_A_VERSION = ("create", "update", "replace", "refresh", "delete")


def all_cases() -> list[KindCase]:  # noqa: F811 - extends the list above
    """Every kind under test, asset versions from local files included (issue 17, uploads)."""
    from pulumi_azureml.specs import SPECS

    cases = _all_cases_before_uploads()
    if "CodeVersion" in SPECS:
        cases.append(code_version_case())
    return cases
