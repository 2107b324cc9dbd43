"""The workspace's default datastore, read-only: what an upload of a model or data version needs from it.

Azure ML creates ``workspaceblobstore`` with every workspace (an Azure Blob datastore on the workspace's storage
account, container ``azureml-blobstore-{workspaceId}``, account-key credentials) and makes it the default; Azure's
own clients upload local model and data files to it, reading its secret with ``POST .../listSecrets``
(``AccountKeyDatastoreSecrets``). This emulator serves that one datastore, derived from the workspace, so uploads
can be tested end to end: its ``endpoint`` is this emulator's loopback blob endpoint (addressed IP-style, as
Azurite is), and its key is the one that endpoint verifies SAS signatures with.

Managing datastores (create, update, delete, other types) is not here; when it is, this module gives way to it.
"""

from __future__ import annotations

import base64

from .. import blobs
from ..context import HandlerContext
from ..messages import JsonObject, Response
from . import assets, common

DEFAULT_DATASTORE = "workspaceblobstore"


def _body(context: HandlerContext, account: str, container: str) -> JsonObject:
    host = context.base_url.split("://", 1)[1]
    return {
        "id": f"{common.workspace_id(context)}/datastores/{DEFAULT_DATASTORE}",
        "name": DEFAULT_DATASTORE,
        "type": f"{common.WORKSPACE_TYPE}/datastores",
        "properties": {
            "datastoreType": "AzureBlob",
            "accountName": account,
            "containerName": container,
            "endpoint": f"{host}{blobs.BLOB_PREFIX.rstrip('/')}",
            "protocol": "http",
            "credentials": {"credentialsType": "AccountKey"},
            "isDefault": True,
            "serviceDataAccessAuthIdentity": "None",
            "description": "",
            "tags": {},
            "properties": {},
        },
    }


def _workspace(context: HandlerContext) -> tuple[str, str]:
    with context.store.transaction() as transaction:
        workspace = common.require_workspace(transaction, context, writing=False, as_parent=True)
    _, account, container = assets.workspace_storage(workspace)
    return account, container


def _require_default(context: HandlerContext) -> tuple[str, str]:
    located = _workspace(context)
    if context.params["datastoreName"].lower() != DEFAULT_DATASTORE:
        raise common.resource_not_found(
            context,
            f"{common.WORKSPACE_TYPE}/{context.params['workspaceName']}/datastores/{context.params['datastoreName']}",
        )
    return located


def get_datastore(context: HandlerContext) -> Response:
    account, container = _require_default(context)
    return Response(200, _body(context, account, container))


def list_datastores(context: HandlerContext) -> Response:
    account, container = _workspace(context)
    wanted = context.request.query.get("isDefault")
    items = [_body(context, account, container)]
    if wanted is not None and wanted.lower() == "false":
        items = []
    return Response(200, {"value": items})


def list_secrets(context: HandlerContext) -> Response:
    _require_default(context)
    key = base64.b64encode(context.blob_key()).decode("ascii")
    return Response(200, {"secretsType": "AccountKey", "key": key})
