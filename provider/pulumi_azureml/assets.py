"""Asset references in the form the service receives: ``azureml:`` short forms expanded at ``check``, no I/O.

Azure ML's own clients never send the ``azureml:<name>:<version>`` short form: the azure-ai-ml SDK and the
``az ml`` CLI resolve it client-side to the workspace-scoped ARM id before the PUT (their recorded traffic shows
``model.assetId``, ``environmentId``, ``codeConfiguration.codeId`` and ``compute`` always as
``/subscriptions/.../workspaces/{ws}/models/{name}/versions/{v}`` and the like; see the SDK's
``azure.ai.ml._utils._arm_id_utils``). So this package expands it the same way, from the resource's own
subscription, resource group and workspace:

* ``azureml:<name>:<version>`` → ``/subscriptions/{s}/resourceGroups/{g}/providers/
  Microsoft.MachineLearningServices/workspaces/{w}/{models|environments|codes|components}/{name}/versions/{v}``;
* ``azureml:<compute name>`` (compute only) → ``.../workspaces/{w}/computes/{name}``;
* ``azureml:/subscriptions/...`` → the ARM id after the prefix (the SDK strips it the same way);
* ARM ids and registry references (``azureml://registries/{registry}/...``) pass through unchanged.

A label (``azureml:<name>@latest``) or a version-less name needs a lookup in the workspace, which ``check`` cannot
do (it runs in previews, without credentials): it is refused with the fix.
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_azureml.schema import is_unknown
from pulumi_azureml.specs.common import WORKSPACE_PATH

PREFIX = "azureml:"
REGISTRY_PREFIX = "azureml://registries/"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,254}$")
_VERSION = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def expand(value: Any, collection: str, placement: dict[str, Any]) -> tuple[Any, str | None]:
    """``(expanded value, None)``, or ``(value, reason)`` when the form cannot be sent to the service.

    ``collection`` is the asset type's path segment: ``models``, ``environments``, ``codes``, ``components`` or
    ``computes``.
    """
    if not isinstance(value, str) or is_unknown(value):
        return value, None
    text = value.strip()
    # ARM ids are case-insensitive, and the service answers them in its own segment case ("/Subscriptions/",
    # "resourcegroups"): an id another resource reports back is accepted whatever its spelling.
    if text.lower().startswith(("/subscriptions/", REGISTRY_PREFIX)):
        return text, None
    if text.lower().startswith(PREFIX + "/subscriptions/"):
        return text[len(PREFIX) :], None
    if not text.startswith(PREFIX) or text.startswith(PREFIX + "//"):
        return value, _reason(collection, value)
    if any(is_unknown(placement.get(key)) or not placement.get(key) for key in _PLACEMENT):
        return value, None  # not known during this preview; checked again when it is
    workspace = WORKSPACE_PATH.format(**{key: placement[key] for key in _PLACEMENT})
    rest = text[len(PREFIX) :]
    if collection == "computes":
        if _NAME.match(rest):
            return f"{workspace}/computes/{rest}", None
        return value, _reason(collection, value)
    name, separator, version = rest.rpartition(":")
    if "@" in rest:
        return value, (
            f"uses a label ({value!r}); labels are resolved by a lookup in the workspace, which `check` cannot do: "
            f"name the version instead (azureml:<name>:<version>) or give the ARM id"
        )
    if not separator or not _NAME.match(name) or not _VERSION.match(version):
        return value, _reason(collection, value)
    return f"{workspace}/{collection}/{name}/versions/{version}", None


_PLACEMENT = ("subscription_id", "resource_group_name", "workspace_name")


def _reason(collection: str, value: Any) -> str:
    short = "azureml:<name>" if collection == "computes" else "azureml:<name>:<version>"
    return (
        f"must be an ARM resource id (/subscriptions/.../{collection}/...), a registry reference "
        f"(azureml://registries/<registry>/...) or {short}; got {value!r}"
    )
