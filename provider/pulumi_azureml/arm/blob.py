"""``BlobUploader``: the few Azure Blob Storage REST calls an asset upload needs, authorised by a SAS only.

Put Blob for a small file, Put Block + Put Block List for a large one, read from the file in blocks so memory stays
bounded by one block (https://learn.microsoft.com/rest/api/storageservices/put-block). There is no bearer token
here, by construction: the session sends no ``Authorization`` header, and the SAS the service handed out is the
only credential (the ARM token must never reach a storage host).

The SAS is a secret. It travels only in the query string of these requests; every error message names the blob
by its path without the query, and every log record that quotes it (urllib3 logs request URLs at DEBUG, and
"Failed to parse headers (url=...)" at WARNING) has its ``sig`` hidden as it is made (:func:`install_log_scrubbing`).
Storage never redirects a blob write: a redirect is refused, like the ARM client does, since following it would send
the SAS elsewhere and leave the files somewhere the version does not point. The module knows nothing of Pulumi.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from pulumi_azureml._version import __version__
from pulumi_azureml.arm.clouds import is_loopback
from pulumi_azureml.arm.errors import ArmError

if TYPE_CHECKING:
    # Imported where an upload starts: the provider host must not load requests for a preview.
    import requests

BLOCK_SIZE = 4 * 1024 * 1024
"""Bytes per block (and the largest file sent in one Put Blob): 4 MiB, Azure's own tools' default chunk."""
STORAGE_VERSION = "2021-08-06"
SAS_VERSION = "2022-11-02"
ATTEMPTS = 4
TIMEOUTS = (10.0, 300.0)
_RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
_SIG = re.compile(r"(?i)([?&]sig=)[^&\s\"']*")


class UploadError(ArmError):
    """An upload to blob storage failed; the message names the blob, never the SAS."""


def hide_sas(text: str) -> str:
    """``text`` with every SAS signature (``sig=...``) replaced by ``***``."""
    return _SIG.sub(r"\1***", text)


def sas_secrets(sas: str) -> list[str]:
    """Every form of ``sas`` (a query string) a message could quote: itself, and its signature as sent and decoded;
    for :func:`pulumi_azureml.redaction.learn`."""
    query = sas.split("?", 1)[-1]
    found = [query]
    for signature in parse_qs(query).get("sig", []):
        found += [signature, quote(signature, safe="")]
    return [value for value in found if value]


def _scrubbed_record(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record logging cannot format is left to logging's own report
            return record
        if "sig=" in message.lower():
            record.msg, record.args = hide_sas(message), ()
        if record.exc_info and not record.exc_text:
            # The exception's text may quote the URL (requests' ConnectionError does): format it now, scrubbed.
            text = logging.Formatter().formatException(record.exc_info)
            if "sig=" in text.lower():
                record.exc_text = hide_sas(text)
        return record

    factory.hides_sas = True  # type: ignore[attr-defined]
    return factory


def install_log_scrubbing() -> None:
    """Hide every SAS signature in every log record of this process, as the record is made.

    A filter on a logger sees only the records logged to that very logger, not those of its children (the logging
    HOWTO), so the filter this replaced, on ``urllib3.connectionpool``, missed ``urllib3.connection``'s WARNING
    "Failed to parse headers (url=...&sig=...)" (issue 23); listing loggers misses the next one a library adds. The
    record factory sees every record of every logger (urllib3, requests, azure.core, this package)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "hides_sas", False):
        logging.setLogRecordFactory(_scrubbed_record(current))


install_log_scrubbing()


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class BlobUploader:
    """Uploads files below one blob folder, authorised by that folder's SAS (a query string without ``?``)."""

    def __init__(
        self,
        folder_url: str,
        sas: str,
        *,
        session: requests.Session | None = None,
        block_size: int = BLOCK_SIZE,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urlsplit(folder_url)
        if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
            # The SAS would cross the network in clear text.
            raise UploadError(f"refusing to upload to {parts.scheme}://{parts.hostname}: storage must use https")
        if parts.query:
            raise UploadError("the blob folder URL must not carry a query string")
        self.folder_url = folder_url.rstrip("/")
        self._sas = sas.lstrip("?")
        self._session = session or _session()
        # No credential but the SAS: drop anything a shared session might add.
        self._session.headers.pop("Authorization", None)
        self._block_size = block_size
        self._sleep = sleep

    def blob_url(self, relative: str) -> str:
        """The URL of a blob below the folder, without its SAS."""
        return f"{self.folder_url}/{quote(relative, safe='/')}"

    def upload_file(self, relative: str, handle: Readable, size: int, on_bytes: Callable[[bytes], None]) -> None:
        """Upload ``size`` bytes from ``handle`` as the blob ``relative``; ``on_bytes`` sees each chunk read."""
        url = self.blob_url(relative)
        if size <= self._block_size:
            data = handle.read(size)
            on_bytes(data)
            self._send("PUT", url, {}, data, {"x-ms-blob-type": "BlockBlob"}, relative)
            return
        block_ids: list[str] = []
        for index, chunk in enumerate(_chunks(handle, self._block_size)):
            on_bytes(chunk)
            # Fixed-length ids: Storage requires every block id of a blob to have the same length.
            block_id = base64.b64encode(f"block-{index:010d}".encode()).decode("ascii")
            self._send("PUT", url, {"comp": "block", "blockid": block_id}, chunk, {}, relative)
            block_ids.append(block_id)
        body = (
            '<?xml version="1.0" encoding="utf-8"?><BlockList>'
            + "".join(f"<Latest>{block_id}</Latest>" for block_id in block_ids)
            + "</BlockList>"
        ).encode("utf-8")
        self._send("PUT", url, {"comp": "blocklist"}, body, {"Content-Type": "application/xml"}, relative)

    def _send(
        self, method: str, url: str, params: dict[str, str], data: bytes, headers: dict[str, str], relative: str
    ) -> None:
        query = "&".join([self._sas, *(f"{name}={quote(value, safe='')}" for name, value in params.items())])
        request_headers = {"x-ms-version": STORAGE_VERSION, "Content-Length": str(len(data)), **headers}
        import requests

        problem = ""
        for attempt in range(ATTEMPTS):
            try:
                response = self._session.request(
                    method,
                    f"{url}?{query}",
                    data=data,
                    headers=request_headers,
                    timeout=TIMEOUTS,
                    allow_redirects=False,
                )
            except requests.RequestException as error:
                # The exception text carries the URL, SAS included: only its type is kept.
                problem = f"{type(error).__name__} (no answer from storage)"
            else:
                if 300 <= response.status_code < 400:
                    # Storage does not redirect a blob write; following one would hand the SAS to whatever host it
                    # names and register the version without its files (issue 23). Refused, as the ARM client does.
                    where = urlsplit(response.headers.get("Location") or "")
                    elsewhere = f" to {where.scheme}://{where.netloc}" if where.netloc else ""
                    raise UploadError(
                        f"uploading {_shown(relative)} to {self.folder_url}: storage answered a redirect "
                        f"(HTTP {response.status_code}{elsewhere}), which is refused, never followed"
                    )
                if response.status_code < 300:
                    return
                code = response.headers.get("x-ms-error-code") or _xml_code(response.text) or "unknown"
                problem = f"HTTP {response.status_code} {code}"
                if response.status_code not in _RETRYABLE:
                    break
            if attempt + 1 < ATTEMPTS:
                self._sleep(min(2.0**attempt, 8.0))
        hint = (
            "; the upload SAS was refused (expired or not valid for this blob): run `pulumi up` again to get a new one"
            if "Authentication" in problem or "Authorization" in problem
            else ""
        )
        raise UploadError(f"uploading {_shown(relative)} to {self.folder_url}: {problem}{hint}")


def _shown(relative: str) -> str:
    """A file name as messages show it: quoted, escapes visible (it may hold a newline or a terminal escape)."""
    return repr(relative)


def _chunks(handle: Readable, size: int) -> Iterator[bytes]:
    while True:
        chunk = handle.read(size)
        if not chunk:
            return
        yield chunk


def _no_credentials(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


def _xml_code(text: str) -> str:
    match = re.search(r"<Code>([^<]{1,100})</Code>", text or "")
    return match.group(1) if match else ""


def _session() -> requests.Session:
    import requests
    import requests.adapters

    session = requests.Session()
    # A no-op auth hook: requests would otherwise add ~/.netrc credentials for a matching host (proxies from the
    # environment still apply).
    session.auth = _no_credentials
    session.headers["User-Agent"] = f"pulumi-azureml/{__version__}"
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=4, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# -- SAS from an account key ------------------------------------------------------------------------------------------


def container_sas(account: str, container: str, account_key: str, *, permissions: str, expiry: float) -> str:
    """A service SAS for a container (``sr=c``), signed with the storage account key, as a query string.

    The string-to-sign is Storage's documented one for versions 2020-12-06 and later
    (https://learn.microsoft.com/rest/api/storageservices/create-service-sas#version-2020-12-06-and-later); used for
    uploads to a datastore whose secret is its account key, so that one short-lived, write-only credential goes on
    the wire instead of the key itself (which never leaves this process).
    """
    fields = {
        "sv": SAS_VERSION,
        "sr": "c",
        "sp": permissions,
        "se": datetime.fromtimestamp(expiry, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "spr": "https,http",
    }
    to_sign = "\n".join(
        [
            fields["sp"],
            "",  # signed start
            fields["se"],
            f"/blob/{account}/{container}",
            "",  # signed identifier
            "",  # signed IP
            fields["spr"],
            fields["sv"],
            fields["sr"],
            "",  # snapshot time
            "",  # encryption scope
            "",  # rscc
            "",  # rscd
            "",  # rsce
            "",  # rscl
            "",  # rsct
        ]
    )
    try:
        key = base64.b64decode(account_key, validate=True)
    except (binascii.Error, ValueError):
        # Never the key itself in the message. Storage's keys are base64 with padding (88 characters ending "=="),
        # and Azure's own Python storage SDK refuses one without it too (azure-sdk-for-python, azure-storage-*
        # `_shared/__init__.py`: sign_string decodes the key with base64.b64decode): say so, guess no bytes.
        raise UploadError(
            f"the account key is not valid base64 ({len(account_key)} characters; a storage account key is 88, "
            "ending with '=='): set the datastore's key to the storage account's key exactly as Azure shows it"
        ) from None
    fields["sig"] = base64.b64encode(hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).digest()).decode("ascii")
    return urlencode(fields)


LOOPBACK_STORAGE_PATH = "/_blob"
"""Where a management endpoint on loopback (the bundled emulator) serves its storage accounts, path-style."""


def blob_service_url(account: str, endpoint: str, protocol: str, *, management_endpoint: str = "") -> str:
    """The Blob service URL of ``account`` for a datastore's ``endpoint`` suffix and ``protocol``.

    ``https://{account}.blob.{endpoint}`` (``core.windows.net`` and the sovereign clouds' suffixes). Against a
    management endpoint on loopback (the bundled emulator, which answers for every storage account it knows) and
    for an endpoint on a loopback host, storage is addressed IP-style, as Azure's storage SDKs and Azurite do:
    ``{origin}{path}/{account}``.
    """
    management = urlsplit(management_endpoint)
    if management.scheme and is_loopback(management.hostname or ""):
        return f"{management.scheme}://{management.netloc}{LOOPBACK_STORAGE_PATH}/{account}"
    host = endpoint.split("/", 1)[0].rsplit(":", 1)[0]
    if is_loopback(host):
        return f"{protocol}://{endpoint.rstrip('/')}/{account}"
    return f"{protocol}://{account}.blob.{endpoint}"
