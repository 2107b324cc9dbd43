"""The loopback blob endpoint: the storage side of an asset upload, authorised by SAS only.

Azure ML's ``startPendingUpload`` action answers a blob location and a SAS URI for it; the client then talks to
Azure Storage directly. This module plays the storage accounts, path-style as Azurite does
(``{emulator}/_blob/{account}/{container}/{blob}``), with the Blob service operations an upload needs:

* ``PUT ?comp=block&blockid=...`` (Put Block) → 201; ``PUT ?comp=blocklist`` (Put Block List, XML body) → 201;
* ``PUT`` with ``x-ms-blob-type: BlockBlob`` (Put Blob) → 201; ``GET`` (Get Blob) → 200 with the bytes.

A storage account exists here once a workspace on it has been created or seeded (:meth:`BlobStore.create_account`,
called with the workspace's default datastores); it has two keys, as every storage account has. Every request must
carry a service SAS signed with one of THAT account's keys, as Azure Storage checks it
(https://learn.microsoft.com/rest/api/storageservices/create-service-sas): the signature over the documented
string-to-sign, the expiry ``se`` (and start ``st``), the permissions ``sp`` the operation needs. A key some
datastore merely claims for the account signs nothing (issue 23). A bad or expired SAS is 403
``AuthenticationFailed``, a missing permission 403 ``AuthorizationPermissionMismatch``, no credential at all 401
``NoAuthenticationInformation``. An ``Authorization`` header is refused too (403): the ARM bearer token must never
be sent to a storage host.

Every answer of this endpoint, the transport's refusals included (:func:`transport_error`), is Storage's XML error
shape with the code in ``x-ms-error-code`` (https://learn.microsoft.com/rest/api/storageservices/status-and-error-codes2),
never ARM's JSON; :func:`handle` never raises.

Blob names follow Storage's rules for an account without a hierarchical namespace (the workspace's storage here
has ``storageHnsEnabled: false``), from "Naming and Referencing Containers, Blobs, and Metadata"
(https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata):
1 to 1,024 characters, at most 254 path segments, no limit on one segment's length; blob names are flat, so
``a`` and ``a/b`` are two blobs that can both exist. Beyond the limits Storage answers 400 ``OutOfRangeInput``
(the length, as reported in Azure/azure-powershell#16628 and Azure/Azurite#398; the segment count is not
recorded anywhere, the same answer is assumed). Blobs live as files under a directory (beside the SQLite store when
there is one, so every emulator process on that file sees the same blobs), each named by the hash of its blob name
(with the name beside it), so no name can collide with another's folder or exceed a file system's limits; blocks
are written straight to disk, so memory stays bounded by one request body.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import hmac
import os
import re
import secrets
import shutil
import tempfile
import threading
import urllib.parse
import uuid
from xml.etree import ElementTree

from .messages import Request, Response

BLOB_PREFIX = "/_blob/"
SAS_VERSION = "2022-11-02"
PENDING_UPLOAD_PERMISSIONS = "racwl"
"""What the SAS of a pending upload allows (read, add, create, write, list), as the service hands out."""
MAX_BLOCK_ID_BYTES = 64
"""Azure Storage: a block id is at most 64 bytes before base64 encoding."""
MAX_BLOB_NAME_CHARACTERS = 1024
"""Storage's limit, counted in UTF-16 code units (a character outside the BMP counts twice: azure-storage-cpp#291)."""
MAX_BLOB_PATH_SEGMENTS = 254
"""Storage's limit on the ``/``-separated segments of a blob name in an account without a hierarchical namespace."""

_TIME = "%Y-%m-%dT%H:%M:%SZ"
_ACCOUNT = re.compile(r"^[a-z0-9]{3,24}$", re.IGNORECASE)
_CONTAINER = re.compile(r"^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", re.IGNORECASE)
_BLOB_CHARACTERS = re.compile(r"^[^\x00-\x1f\x7f\\]+$")
"""Storage refuses control characters; backslashes, and empty, ``.`` or ``..`` segments, which HTTP stacks rewrite
or Storage's docs advise against, are refused too (nothing recorded; the provider never makes such names)."""
_DATA = ".blob"
_NAME = ".name"


class BlobStore:
    """The storage accounts (their keys), blob files and uncommitted blocks under one directory."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self._owned = root is None
        self.root = str(root) if root is not None else tempfile.mkdtemp(prefix="azureml-emulator-blobs-")
        os.makedirs(self.root, exist_ok=True)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------------------ accounts

    def _account_file(self, account: str) -> str:
        return os.path.join(self.root, "accounts", f"{account.lower()}.keys")

    def create_account(self, account: str) -> list[str]:
        """The account's two keys (base64 of 64 random bytes, as Storage makes them), created on first use.

        Shared by every emulator process on this directory: the keys are written to a private file and linked into
        place, so a reader never sees half a file and the first creator wins.
        """
        path = self._account_file(account)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            keys = [base64.b64encode(secrets.token_bytes(64)).decode("ascii") for _ in range(2)]
            temporary = f"{path}.{uuid.uuid4().hex}.tmp"
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write("\n".join(keys) + "\n")
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
            os.unlink(temporary)
        with open(path, encoding="ascii") as handle:
            return handle.read().split()

    def account_keys(self, account: str) -> list[bytes]:
        """The keys a SAS for ``account`` may be signed with (none for an account this emulator does not hold)."""
        try:
            with open(self._account_file(account), encoding="ascii") as handle:
                return [base64.b64decode(key) for key in handle.read().split()]
        except FileNotFoundError:
            return []

    def signing_key(self, account: str) -> bytes:
        """The key this emulator's Azure ML side signs pending-upload SAS with: the account's first key."""
        return base64.b64decode(self.create_account(account)[0])

    # ------------------------------------------------------------------------------------------ files

    def _blob_base(self, account: str, container: str, blob: str) -> str:
        digest = hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()
        return os.path.join(self.root, "blobs", account.lower(), container.lower(), digest)

    def _block_dir(self, account: str, container: str, blob: str) -> str:
        text = f"{account.lower()}/{container.lower()}/{blob}"
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return os.path.join(self.root, "blocks", digest)

    def put_block(self, account: str, container: str, blob: str, block_id: str, data: bytes) -> None:
        directory = self._block_dir(account, container, blob)
        os.makedirs(directory, exist_ok=True)
        _write_atomically(os.path.join(directory, _block_file(block_id)), [data])

    def commit(self, account: str, container: str, blob: str, block_ids: list[str]) -> str | None:
        """Put Block List: the blob becomes the named blocks in order; returns a missing block id, if any."""
        directory = self._block_dir(account, container, blob)
        parts = [os.path.join(directory, _block_file(block_id)) for block_id in block_ids]
        for block_id, part in zip(block_ids, parts, strict=True):
            if not os.path.exists(part):
                return block_id
        base = self._prepare(account, container, blob)
        temporary = f"{base}{_DATA}.{uuid.uuid4().hex}.tmp"
        with open(temporary, "wb") as output:
            for part in parts:
                with open(part, "rb") as source:
                    shutil.copyfileobj(source, output, 1024 * 1024)
        os.replace(temporary, base + _DATA)
        shutil.rmtree(directory, ignore_errors=True)  # committing discards the uncommitted blocks, as Storage does
        return None

    def put_blob(self, account: str, container: str, blob: str, data: bytes) -> None:
        base = self._prepare(account, container, blob)
        _write_atomically(base + _DATA, [data])

    def _prepare(self, account: str, container: str, blob: str) -> str:
        """The blob's file path without suffix, its folder made and its name written beside it."""
        base = self._blob_base(account, container, blob)
        os.makedirs(os.path.dirname(base), exist_ok=True)
        if not os.path.exists(base + _NAME):
            _write_atomically(base + _NAME, [blob.encode("utf-8", "surrogatepass")])
        return base

    def blob_file(self, account: str, container: str, blob: str) -> str | None:
        """The file holding a committed blob (tests compare its bytes with the uploaded ones), or None."""
        path = self._blob_base(account, container, blob) + _DATA
        return path if os.path.isfile(path) else None

    def list_blobs(self) -> list[str]:
        """Every committed blob as ``account/container/name``."""
        base = os.path.join(self.root, "blobs")
        found: list[str] = []
        for directory, _, files in os.walk(base):
            for name in files:
                if not name.endswith(_DATA):
                    continue
                with open(os.path.join(directory, name[: -len(_DATA)] + _NAME), "rb") as handle:
                    blob = handle.read().decode("utf-8", "surrogatepass")
                folder = os.path.relpath(directory, base).replace(os.sep, "/")
                found.append(f"{folder}/{blob}")
        return sorted(found)

    def reset(self) -> None:
        """Forget every storage account, blob and block."""
        with self._lock:
            for name in ("accounts", "blobs", "blocks"):
                shutil.rmtree(os.path.join(self.root, name), ignore_errors=True)

    def close(self) -> None:
        if self._owned:
            shutil.rmtree(self.root, ignore_errors=True)


def _block_file(block_id: str) -> str:
    return hashlib.sha256(block_id.encode()).hexdigest()


def _write_atomically(path: str, chunks: list[bytes]) -> None:
    temporary = f"{path}.{uuid.uuid4().hex}.tmp"
    with open(temporary, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    os.replace(temporary, path)


# ---------------------------------------------------------------------------------------------- SAS


def string_to_sign(fields: dict[str, str], account: str, container: str) -> str:
    """The service SAS string-to-sign of version 2020-12-06 and later, for a container (``sr=c``) SAS."""
    resource = f"/blob/{account}/{container}"
    return "\n".join(
        [
            fields.get("sp", ""),
            fields.get("st", ""),
            fields.get("se", ""),
            resource,
            fields.get("si", ""),
            fields.get("sip", ""),
            fields.get("spr", ""),
            fields.get("sv", ""),
            fields.get("sr", ""),
            "",  # signed snapshot time
            fields.get("ses", ""),
            fields.get("rscc", ""),
            fields.get("rscd", ""),
            fields.get("rsce", ""),
            fields.get("rscl", ""),
            fields.get("rsct", ""),
        ]
    )


def sign(key: bytes, text: str) -> str:
    return base64.b64encode(hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()).decode("ascii")


def issue_container_sas(key: bytes, account: str, container: str, *, now: float, lifetime_seconds: float) -> str:
    """A container SAS query string (without ``?``) valid from now for ``lifetime_seconds``."""
    fields = {
        "sv": SAS_VERSION,
        "sr": "c",
        "sp": PENDING_UPLOAD_PERMISSIONS,
        "st": _format_time(now - 300),  # Storage's own advice: allow for clock skew
        "se": _format_time(now + lifetime_seconds),
        "spr": "https,http",
    }
    fields["sig"] = sign(key, string_to_sign(fields, account, container))
    return urllib.parse.urlencode(fields)


def _format_time(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, tz=datetime.timezone.utc).strftime(_TIME)


def _parse_time(text: str) -> float | None:
    for layout in (_TIME, "%Y-%m-%dT%H:%MZ", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, layout).replace(tzinfo=datetime.timezone.utc).timestamp()
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------------------------------------- requests


def handle(store: BlobStore, request: Request, now: float) -> Response:
    """Answer one request under :data:`BLOB_PREFIX`; never raises (a failure is Storage's 500 ``InternalError``)."""
    try:
        return _handle(store, request, now)
    except Exception as error:  # noqa: BLE001 - a bug or a full disk must still get a status line, never a hang-up
        return _error(
            500,
            "InternalError",
            "The server encountered an internal error. Please retry the request.",
            details={"ExceptionDetails": f"{type(error).__name__}: {error}"[:300]},
        )


def _handle(store: BlobStore, request: Request, now: float) -> Response:
    parts = request.path[len(BLOB_PREFIX) :].split("/", 2)
    if len(parts) < 3 or not _valid_names(*parts):
        return _error(400, "InvalidUri", "The requested URI does not represent any resource on the server.")
    account, container, blob = parts
    if _utf16_length(blob) > MAX_BLOB_NAME_CHARACTERS or blob.count("/") + 1 > MAX_BLOB_PATH_SEGMENTS:
        return _error(400, "OutOfRangeInput", "One of the request inputs is out of range.")
    failure = _authorise(store.account_keys(account), request, account, container, now)
    if failure is not None:
        return failure
    query = {name.lower(): value for name, value in request.query.items()}
    permissions = request.query.get("sp", "")
    comp = query.get("comp", "")
    if request.method == "PUT" and comp == "block":
        if not any(flag in permissions for flag in "wa"):
            return _permission_mismatch()
        block_id = query.get("blockid", "")
        if not _valid_block_id(block_id):
            return _error(400, "InvalidQueryParameterValue", "Value for one of the query parameters is not valid.")
        store.put_block(account, container, blob, block_id, request.body)
        return _created()
    if request.method == "PUT" and comp == "blocklist":
        if "w" not in permissions:
            return _permission_mismatch()
        block_ids = _block_list(request.body)
        if block_ids is None:
            return _error(400, "InvalidXmlDocument", "XML specified is not syntactically valid.")
        missing = store.commit(account, container, blob, block_ids)
        if missing is not None:
            return _error(400, "InvalidBlockList", "The specified block list is invalid.")
        return _created()
    if request.method == "PUT" and not comp:
        if not any(flag in permissions for flag in "cw"):
            return _permission_mismatch()
        blob_type = request.header("x-ms-blob-type")
        if blob_type is None:
            return _error(
                400, "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified."
            )
        if blob_type != "BlockBlob":
            return _error(
                400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format."
            )
        store.put_blob(account, container, blob, request.body)
        return _created()
    if request.method == "GET" and not comp:
        if "r" not in permissions:
            return _permission_mismatch()
        path = store.blob_file(account, container, blob)
        if path is None:
            return _error(404, "BlobNotFound", "The specified blob does not exist.")
        with open(path, "rb") as handle_:
            data = handle_.read()
        return Response(
            200, raw=data, headers={"Content-Type": "application/octet-stream", "x-ms-blob-type": "BlockBlob"}
        )
    return _error(405, "UnsupportedHttpVerb", "The resource doesn't support specified Http Verb.")


def _valid_names(account: str, container: str, blob: str) -> bool:
    if not (_ACCOUNT.match(account) and _CONTAINER.match(container) and _BLOB_CHARACTERS.match(blob)):
        return False
    return all(segment not in ("", ".", "..") for segment in blob.split("/"))


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _authorise(keys: list[bytes], request: Request, account: str, container: str, now: float) -> Response | None:
    if request.header("authorization") is not None:
        # The only credential this endpoint takes is the SAS the service handed out: an Authorization header here
        # means a client sent a token meant for another audience (the ARM bearer token) to a storage host.
        return _auth_failed(
            "This endpoint accepts SAS authorisation only; the request carried an Authorization header."
        )
    fields = dict(request.query)
    if "sig" not in fields:
        return _error(
            401,
            "NoAuthenticationInformation",
            "Server failed to authenticate the request. "
            "Please refer to the information in the www-authenticate header.",
        )
    if not keys:
        # Storage would not even resolve the host of an account that does not exist.
        return _auth_failed(f"This emulator holds no storage account named '{account}'.")
    to_sign = string_to_sign(fields, account, container)
    given = fields["sig"].encode("utf-8", "surrogatepass")  # bytes: compare_digest refuses non-ASCII text
    signed = any(hmac.compare_digest(sign(key, to_sign).encode("ascii"), given) for key in keys)
    if fields.get("sr") != "c" or not signed:
        return _auth_failed("Signature did not match.")
    expiry = _parse_time(fields.get("se", ""))
    if expiry is None or expiry <= now:
        return _auth_failed(
            f"Signed expiry time [{fields.get('se', '')}] must be after signed start time and current time "
            f"[{_format_time(now)}]"
        )
    start = _parse_time(fields["st"]) if fields.get("st") else None
    if fields.get("st") and (start is None or start > now):
        return _auth_failed(f"Signed start time [{fields.get('st')}] is after the current time [{_format_time(now)}]")
    return None


def _valid_block_id(block_id: str) -> bool:
    try:
        raw = base64.b64decode(block_id, validate=True)
    except ValueError:
        return False
    return 0 < len(raw) <= MAX_BLOCK_ID_BYTES


def _block_list(body: bytes) -> list[str] | None:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    if root.tag != "BlockList":
        return None
    ids: list[str] = []
    for element in root:
        if element.tag not in ("Latest", "Uncommitted", "Committed") or not element.text:
            return None
        if not _valid_block_id(element.text.strip()):
            return None
        ids.append(element.text.strip())
    return ids


def _created() -> Response:
    return Response(201, headers={"x-ms-request-server-encrypted": "true"})


def _permission_mismatch() -> Response:
    return _error(
        403,
        "AuthorizationPermissionMismatch",
        "This request is not authorized to perform this operation using this permission.",
    )


def _auth_failed(detail: str) -> Response:
    return _error(
        403,
        "AuthenticationFailed",
        "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly "
        "including the signature.",
        details={"AuthenticationErrorDetail": detail},
    )


def _error(status: int, code: str, message: str, *, details: dict[str, str] | None = None) -> Response:
    """Azure Storage's XML error body, with the code also in ``x-ms-error-code``."""
    request_id = str(uuid.uuid4())
    root = ElementTree.Element("Error")
    ElementTree.SubElement(root, "Code").text = code
    ElementTree.SubElement(root, "Message").text = f"{message}\nRequestId:{request_id}"
    for element, text in (details or {}).items():
        ElementTree.SubElement(root, element).text = text
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(
        root, encoding="utf-8", xml_declaration=False
    )
    return Response(
        status,
        raw=body,
        headers={"Content-Type": "application/xml", "x-ms-error-code": code, "x-ms-request-id": request_id},
    )


_TRANSPORT_CODES = {
    400: ("InvalidInput", "One of the request inputs is not valid."),
    413: ("RequestBodyTooLarge", "The size of the request body exceeds the maximum size permitted."),
    414: ("InvalidUri", "The requested URI does not represent any resource on the server."),
}
"""Storage's common error codes (https://learn.microsoft.com/rest/api/storageservices/common-rest-api-error-codes)
for what the HTTP transport refuses; a status Storage documents no code for keeps the transport's own code."""


def transport_error(status: int, code: str, message: str) -> Response:
    """A refusal of the HTTP transport (bad request line, framing, size, timeout) for a request to this endpoint,
    in Storage's XML shape, the transport's reason kept as a detail."""
    storage_code, storage_message = _TRANSPORT_CODES.get(status, (code, message))
    return _error(status, storage_code, storage_message, details={"Reason": message})


def is_blob_target(request_line: bytes) -> bool:
    """Whether a (possibly malformed) request line is addressed to this endpoint, origin or absolute form: its
    first word that looks like a request target (a method with a space in it is still refused in XML)."""
    words = request_line.decode("latin-1").split()[1:]
    target = next((word for word in words if word.startswith("/") or "://" in word), "")
    if "://" in target:
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    return urllib.parse.unquote(target).startswith(BLOB_PREFIX)


def redact_query(raw_query: str) -> str:
    """A query string with its SAS signature hidden (for the request log)."""
    return re.sub(r"(?i)(^|&)sig=[^&]*", r"\1sig=***", raw_query)
