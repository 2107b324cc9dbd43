"""Azure Storage on loopback for Pulumi state: Azurite's blob service started and ended, a container made in it.

Pulumi's `azblob://` backend keeps each stack's state, history and lock as blobs in one container; Azurite (npm
`azurite`, installed once by `tests/azurite/provide`) serves the Blob REST API on 127.0.0.1 with its documented
development account. Azurite starts with `--disableTelemetry` (otherwise it tries to reach an outside host) and
`--blobPort 0`: it picks a free port and prints it. The container is made with one Blob REST `PUT`, signed with
Shared Key (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key); the backend does not
create it.

Standard library only, so the offline recipe of `examples/promotion` runs it with any Python:
`python3 tests/support/azurite.py create-container http://127.0.0.1:10000 state`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

PROVIDE = Path(__file__).resolve().parents[1] / "azurite" / "provide"
# Azurite's well-known development account and key, published in its README
# (https://github.com/Azure/Azurite#default-storage-account); not a secret.
ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
API_VERSION = "2021-08-06"
# Exit status of `provide` when the machine has no npm.
NO_NPM = 3
# Azurite prints "successfully listens on URL", the ARM emulator "listening on URL".
LISTENING = re.compile(r"listen(?:s|ing) on (http://127\.0\.0\.1:\d+)")


class AzuriteUnavailable(RuntimeError):
    """No npm to install Azurite with."""


def provide() -> Path:
    """The directory holding `azurite-blob` (installed once at the pinned version)."""
    completed = subprocess.run([str(PROVIDE)], capture_output=True, text=True, check=False, timeout=900)
    if completed.returncode == NO_NPM:
        raise AzuriteUnavailable(completed.stderr.strip())
    if completed.returncode != 0:
        raise RuntimeError(f"tests/azurite/provide failed ({completed.returncode}):\n{completed.stderr}")
    return Path(completed.stdout.strip().splitlines()[-1])


def _authorization(method: str, url: str, headers: dict[str, str], content_type: str) -> str:
    """The Shared Key `Authorization` header of one request (no body; path-style URL of the emulator)."""
    parts = urllib.parse.urlsplit(url)
    canonical_headers = "".join(
        f"{name}:{value}\n" for name, value in sorted(headers.items()) if name.startswith("x-ms-")
    )
    # Path-style (emulator) URLs carry the account in the path as well: /account/account/container.
    resource = f"/{ACCOUNT}{parts.path}"
    for name, values in sorted(urllib.parse.parse_qs(parts.query).items()):
        resource += f"\n{name.lower()}:{','.join(sorted(values))}"
    # VERB, Content-Encoding, -Language, -Length (empty when 0), -MD5, Content-Type, Date (x-ms-date instead),
    # If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range; then the x-ms- headers.
    to_sign = "\n".join([method, "", "", "", "", content_type, "", "", "", "", "", ""]) + "\n"
    to_sign += canonical_headers + resource
    signature = hmac.new(base64.b64decode(KEY), to_sign.encode("utf-8"), hashlib.sha256).digest()
    return f"SharedKey {ACCOUNT}:{base64.b64encode(signature).decode()}"


def _request(method: str, url: str) -> tuple[int, bytes]:
    headers = {"x-ms-date": formatdate(usegmt=True), "x-ms-version": API_VERSION}
    # urllib gives a request with a body (even an empty one) a form Content-Type; name one, and sign it.
    content_type = "application/octet-stream" if method == "PUT" else ""
    headers["Authorization"] = _authorization(method, url, headers, content_type)
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, method=method, headers=headers, data=b"" if method == "PUT" else None)
    # Loopback only: no proxy from the environment may see the request.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), bytes(error.read())


def create_container(blob_url: str, container: str) -> None:
    """Make ``container`` (already there is fine)."""
    status, body = _request("PUT", f"{blob_url}/{ACCOUNT}/{container}?restype=container")
    if status not in (201, 409):
        raise RuntimeError(f"creating container {container!r} at {blob_url}: HTTP {status} {body[:300]!r}")


def blob_names(blob_url: str, container: str) -> list[str]:
    """The names of the blobs in ``container`` (one page: plenty for a test's state)."""
    status, body = _request("GET", f"{blob_url}/{ACCOUNT}/{container}?comp=list&restype=container")
    if status != 200:
        raise RuntimeError(f"listing container {container!r} at {blob_url}: HTTP {status} {body[:300]!r}")
    return [element.text or "" for element in ElementTree.fromstring(body).iter("Name")]


def backend_url(blob_url: str, container: str) -> str:
    """The `pulumi login` URL of ``container`` in the Azurite at ``blob_url``."""
    host = urllib.parse.urlsplit(blob_url).netloc
    return f"azblob://{container}?storage_account={ACCOUNT}&domain={host}&protocol=http"


def environment() -> dict[str, str]:
    """What the azblob backend reads to sign its requests."""
    return {"AZURE_STORAGE_ACCOUNT": ACCOUNT, "AZURE_STORAGE_KEY": KEY}


@dataclass
class Server:
    """A server process started in the background: where it listens, and what it printed so far."""

    process: subprocess.Popen[str]
    url: str
    output: list[str] = field(default_factory=list)
    drain: threading.Thread | None = None


def start_command(binary_dir: Path, location: Path, port: int = 0) -> list[str]:
    return [
        str(binary_dir / "azurite-blob"),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--location",
        str(location),
        "--skipApiVersionCheck",
        "--disableTelemetry",
        "--silent",
    ]


def start_server(command: list[str], **options: Any) -> Server:
    """Start ``command`` in a session of its own and wait until it prints where it listens ("listens on URL", as
    Azurite says, or "listening on URL", as the ARM emulator says). Its later output is read on, so a full pipe
    never blocks it."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True, **options
    )
    assert process.stdout is not None
    seen: list[str] = []
    for line in process.stdout:
        seen.append(line)
        found = LISTENING.search(line)
        if found:
            server = Server(process, found.group(1), seen)
            server.drain = threading.Thread(target=seen.extend, args=(process.stdout,), daemon=True)
            server.drain.start()
            return server
    stop(Server(process, "", seen))
    raise RuntimeError(f"{command[0]} ended ({process.returncode}) before listening:\n{''.join(seen)}")


@contextmanager
def running_azurite(binary_dir: Path, location: Path) -> Iterator[Server]:
    """Azurite (from ``binary_dir``, see `provide`) on a free loopback port, its data under ``location``; ended, and
    waited for, on the way out."""
    location.mkdir(parents=True, exist_ok=True)
    server = start_server(start_command(binary_dir, location))
    try:
        yield server
    finally:
        stop(server)


def stop(server: Server) -> None:
    """End the server (SIGTERM: Azurite closes its files) and wait until it has; kill it only if it does not end."""
    process = server.process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    if server.drain is not None:
        server.drain.join(timeout=30)
    if process.stdout is not None:
        process.stdout.close()


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "create-container":
        # From a shell script, right after Azurite was started in the background: wait (a minute at most) until it
        # listens, then make the container.
        deadline = time.monotonic() + 60
        while True:
            try:
                create_container(argv[1].rstrip("/"), argv[2])
                return 0
            except urllib.error.URLError as error:
                if not isinstance(error.reason, ConnectionRefusedError) or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    print("usage: azurite.py create-container http://127.0.0.1:PORT CONTAINER", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
