"""The HTTP transport and the Python handle tests use: :class:`EmulatorServer`.

``http.server.ThreadingHTTPServer`` speaks HTTP/1.1 with keep-alive; each response is written in one
``sendall`` with Nagle disabled, so a GET on loopback costs well under a millisecond. Nothing is logged per
request. ``stop()`` also closes idle keep-alive connections, so a stopped emulator really stops answering.

Whatever bytes arrive, the client gets a status line and an ARM-shaped JSON answer (see ``_RequestHandler``), or
Storage's XML error shape for a request to the loopback blob endpoint (:mod:`.blobs`);
header values are percent-encoded where they hold anything but visible ASCII, so nothing a request or a stored
resource carries can split a response or make it unsendable.
"""

from __future__ import annotations

import io
import math
import os
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast

from . import blobs, control, strict_json
from .app import Application
from .blobs import BlobStore
from .faults import FaultRule
from .messages import JsonObject, Request, Response, error_body
from .settings import Settings
from .store import MemoryStore, SqliteStore, Store

_MAX_BODY_BYTES = 16 * 1024 * 1024
"""ARM rejects request bodies above a few MB; this cap only protects the emulator. Chunked bodies count too."""
_MAX_LINE_BYTES = 65536
"""Longest request line or header line (http.server's own limit; 414 / 431 beyond it)."""
_MAX_CHUNK_LINE_BYTES = 1024
_MAX_TRAILER_LINES = 100
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""RFC 9110 §5.6.2 ``token``: what a method and a header name are made of."""
_UNSAFE_HEADER_CHARACTERS = re.compile(r"[^\x20-\x7e\t]")
_DIGITS = re.compile(r"[0-9]{1,20}")
_HEX = re.compile(r"[0-9A-Fa-f]{1,16}")
DEFAULT_REQUEST_TIMEOUT_SECONDS = 300.0


class _BadRequest(Exception):
    """A request the transport refuses before the application sees it (bad framing, too large, timed out)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def header_safe(value: str) -> str:
    """A header value the transport can always send: each character outside visible ASCII, space and tab is
    percent-encoded as UTF-8 (RFC 3986 §2.1), so a resource id with CR/LF or a non-Latin-1 character can neither
    inject a header nor make the answer unsendable."""
    if not _UNSAFE_HEADER_CHARACTERS.search(value):
        return value
    return _UNSAFE_HEADER_CHARACTERS.sub(
        lambda match: "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8", "surrogatepass")), value
    )


class _RequestHandler(BaseHTTPRequestHandler):
    """Reads one request, hands it to the application, writes the response in one piece.

    Every request gets a status line and an ARM-shaped JSON body, whatever its bytes: any method (the application
    answers 405 or 404), a malformed request line or header (400, 414, 431, 505 from http.server, rendered as ARM
    errors instead of its HTML page), bad framing (400), an oversized body (413, chunked included) and a request
    that stops arriving (408 after the request timeout). Only an idle keep-alive connection is closed silently.
    A request line addressed to the blob endpoint gets the same refusals in Storage's XML shape instead.
    """

    protocol_version = "HTTP/1.1"
    server_version = "pulumi-azureml-emulator"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = DEFAULT_REQUEST_TIMEOUT_SECONDS
    """Idle keep-alive connections are dropped after five minutes (overridden by the server's request timeout)."""
    server: _HttpServer

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.request_timeout)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        """Quiet by default: the emulator never writes a line per request."""

    def handle_one_request(self) -> None:
        """http.server's loop step, with every method dispatched to the application and every failure answered."""
        self.command = ""
        self.request_version = "HTTP/1.1"
        self.requestline = ""
        self.raw_requestline = b""  # never the previous request's line: a refusal is shaped by this one's target
        try:
            try:
                # Wait for the first byte without consuming it: an idle keep-alive connection is closed quietly,
                # but once a request has started, running out of time is answered (408).
                if not cast(io.BufferedReader, self.rfile).peek(1):
                    self.close_connection = True  # the client closed an idle connection
                    return
            except (TimeoutError, OSError):
                self.close_connection = True  # idle keep-alive connection: nothing was asked, nothing to answer
                return
            self.raw_requestline = self.rfile.readline(_MAX_LINE_BYTES + 1)
            # RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request line.
            for _ in range(8):
                if self.raw_requestline not in (b"\r\n", b"\n"):
                    break
                self.raw_requestline = self.rfile.readline(_MAX_LINE_BYTES + 1)
            if not self.raw_requestline.strip():
                self.send_error(HTTPStatus.BAD_REQUEST, "The request line is empty.")
                return
            if len(self.raw_requestline) > _MAX_LINE_BYTES:
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG, "The request line is too long.")
                return
            if not self.parse_request():
                return  # parse_request answered (through send_error) and asked to close
            if self.request_version == "HTTP/0.9" or not self.request_version.startswith("HTTP/1."):
                self.send_error(HTTPStatus.BAD_REQUEST, "Only HTTP/1.0 and HTTP/1.1 requests are served.")
                return
            if not _TOKEN.fullmatch(self.command):
                self.send_error(HTTPStatus.BAD_REQUEST, "The request method is not an HTTP token.")
                return
            self._serve()
            self.wfile.flush()
        except TimeoutError:
            self._refuse(_BadRequest(408, "RequestTimeout", "The request did not arrive within the request timeout."))
        except (ConnectionError, BrokenPipeError):
            self.close_connection = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's error page, as an ARM error envelope (it calls this for bad request lines and headers)."""
        status = int(code)
        text = message or HTTPStatus(status).phrase
        codes = {400: "BadRequest", 408: "RequestTimeout", 414: "RequestUriTooLong", 431: "RequestHeaderFieldsTooLarge"}
        self._refuse(_BadRequest(status, codes.get(status, HTTPStatus(status).phrase.replace(" ", "")), text))

    def _refuse(self, error: _BadRequest) -> None:
        """Answer a request the transport refused, and close: its framing can no longer be trusted."""
        self.close_connection = True
        message = error.message if len(error.message) <= 300 else error.message[:300] + "..."
        # The storage endpoint answers in Storage's XML error shape, whatever failed (issue 23).
        answer = (
            blobs.transport_error(error.status, error.code, message)
            if blobs.is_blob_target(self.raw_requestline)
            else Response(error.status, error_body(error.code, message))
        )
        try:
            self._write(answer)
        except OSError:
            pass

    def _read_body(self) -> bytes:
        """The body per RFC 9112 §6: chunked, or Content-Length, never both; at most :data:`_MAX_BODY_BYTES`."""
        transfer_encodings = self.headers.get_all("Transfer-Encoding") or []
        lengths = self.headers.get_all("Content-Length") or []
        if transfer_encodings:
            if lengths:
                # Both framings at once is how requests are smuggled past proxies (RFC 9112 §6.3): refuse.
                raise _BadRequest(400, "InvalidRequestFraming", "Both Transfer-Encoding and Content-Length were sent.")
            codings = [part.strip().lower() for value in transfer_encodings for part in value.split(",")]
            if codings != ["chunked"]:
                raise _BadRequest(400, "InvalidRequestFraming", "Only 'Transfer-Encoding: chunked' is supported.")
            return self._read_chunked()
        if not lengths:
            return b""
        values = {value.strip() for value in ",".join(lengths).split(",")}
        if len(values) != 1 or not _DIGITS.fullmatch(next(iter(values))):
            raise _BadRequest(400, "InvalidRequestFraming", "Content-Length must be one non-negative whole number.")
        length = int(next(iter(values)))
        if length > _MAX_BODY_BYTES:
            raise _BadRequest(413, "RequestEntityTooLarge", f"The request body exceeds {_MAX_BODY_BYTES} bytes.")
        body = self.rfile.read(length) if length else b""
        if len(body) != length:
            raise _BadRequest(400, "InvalidRequestFraming", "The request body is shorter than its Content-Length.")
        return body

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(_MAX_CHUNK_LINE_BYTES + 1)
            if len(line) > _MAX_CHUNK_LINE_BYTES or not line.endswith(b"\n"):
                raise _BadRequest(400, "InvalidRequestFraming", "A chunk size line is missing or too long.")
            size_text = line.split(b";", 1)[0].strip().decode("latin-1")
            if not _HEX.fullmatch(size_text):
                raise _BadRequest(400, "InvalidRequestFraming", "A chunk size is not a hexadecimal number.")
            size = int(size_text, 16)
            if size == 0:
                break
            total += size
            if total > _MAX_BODY_BYTES:
                raise _BadRequest(413, "RequestEntityTooLarge", f"The request body exceeds {_MAX_BODY_BYTES} bytes.")
            chunk = self.rfile.read(size)
            if len(chunk) != size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise _BadRequest(400, "InvalidRequestFraming", "A chunk is shorter than its size.")
            chunks.append(chunk)
        for _ in range(_MAX_TRAILER_LINES):
            trailer = self.rfile.readline(_MAX_LINE_BYTES + 1)
            if trailer in (b"\r\n", b"\n"):
                return b"".join(chunks)
            if not trailer or len(trailer) > _MAX_LINE_BYTES:
                break
        raise _BadRequest(400, "InvalidRequestFraming", "The chunked body does not end properly.")

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except _BadRequest as error:
            self._refuse(error)
            return
        try:
            raw_path, _, raw_query = self.path.partition("?")
            query = {
                name: values[0]
                for name, values in urllib.parse.parse_qs(
                    raw_query, keep_blank_values=True, max_num_fields=1000
                ).items()
            }
            host = self.headers.get("Host") or f"{self.server.public_host}:{self.server.server_port}"
            if not _valid_host(host):
                raise _BadRequest(400, "InvalidHost", "The Host header is not a host name or address with a port.")
            request = Request(
                method=self.command,
                path=urllib.parse.unquote(raw_path) or "/",
                query=query,
                raw_query=raw_query,
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
                base_url=f"http://{host}",
            )
        except _BadRequest as error:
            self._refuse(error)
            return
        except ValueError as error:
            self._refuse(_BadRequest(400, "BadRequest", f"The request URL could not be parsed: {error}"))
            return
        response = self.server.application.handle(request)
        if response.drop_connection:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._write(response)

    def _write(self, response: Response) -> None:
        payload = b""
        headers = {header_safe(name): header_safe(str(value)) for name, value in response.headers.items()}
        status = response.status
        if response.raw is not None:
            payload = response.raw
        elif response.body is not None:
            try:
                payload = strict_json.dumps(response.body)
            except (ValueError, TypeError, RecursionError) as error:
                # Strict JSON out: never a NaN literal. Unreachable while input is strict, but answered if not.
                status, headers = 500, {}
                payload = strict_json.dumps(
                    error_body("InternalServerError", f"The emulator built an invalid JSON answer: {error}"[:300])
                )
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        lines = [
            f"HTTP/1.1 {status} {reason}",
            f"Date: {self.date_time_string()}",
            f"Server: {self.server_version}",
            "Cache-Control: no-cache",
            "Pragma: no-cache",
            "Expires: -1",
            *(f"{name}: {value}" for name, value in headers.items() if _TOKEN.fullmatch(name)),
            f"Content-Length: {len(payload)}",
        ]
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # A HEAD answer announces the length but carries no body.
        self.wfile.write(head if self.command == "HEAD" else head + payload)


_HOST = re.compile(r"(?:[A-Za-z0-9.\-_~]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?")


def _valid_host(host: str) -> bool:
    # It becomes the base of every URL the emulator hands out (Location, nextLink): no spaces, slashes or CR/LF.
    return bool(_HOST.fullmatch(host))


class _HttpServer(ThreadingHTTPServer):
    """A threading server that remembers its open connections so ``stop`` can close them."""

    daemon_threads = True
    request_queue_size = 128
    """Fifty clients connecting at once must not overflow the listen backlog."""

    def __init__(
        self, address: tuple[str, int], application: Application, public_host: str, request_timeout: float
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _RequestHandler)
        self.application = application
        self.public_host = public_host
        self.request_timeout = request_timeout
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-request are normal in fault tests; stay quiet."""

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class EmulatorServer:
    """An ARM emulator for the Azure ML resources of this project, served from a daemon thread.

    Each instance has its own store, faults, settings and request log; nothing is shared between instances
    unless they open the same SQLite file.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        db_path: str | os.PathLike[str] | None = None,
        retry_after: int = 0,
        polls_to_complete: int = 1,
        seconds_to_complete: float | None = None,
        tokens: Iterable[str] | None = None,
        page_size: int = 100,
        clock: Callable[[], float] = time.time,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        settings = Settings().updated(
            {
                "retry_after": retry_after,
                "polls_to_complete": polls_to_complete,
                "seconds_to_complete": seconds_to_complete,
                "tokens": None if tokens is None else list(tokens),
                "page_size": page_size,
            }
        )
        store: Store = MemoryStore() if db_path is None else SqliteStore(db_path)
        # Beside the SQLite file, so every emulator process on that file serves the same blobs.
        blob_store = BlobStore(None if db_path is None else f"{os.fspath(db_path)}.blobs")
        self._application = Application(store=store, settings=settings, clock=clock, blob_store=blob_store)
        if not (math.isfinite(request_timeout) and request_timeout > 0):
            raise ValueError("request_timeout must be a finite number of seconds > 0")
        self._request_timeout = request_timeout
        self._host = host
        self._port = port
        self._server: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    # ------------------------------------------------------------------------------------------ lifecycle

    def start(self) -> EmulatorServer:
        """Bind and serve in a daemon thread; return self so ``EmulatorServer().start()`` reads well."""
        if self._stopped:
            raise RuntimeError("a stopped EmulatorServer cannot be started again; create a new one")
        if self._server is not None:
            return self
        self._server = _HttpServer((self._host, self._port), self._application, self._host, self._request_timeout)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="azureml-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and release the store."""
        if self._stopped:
            return
        self._stopped = True
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._application.store.close()
        self._application.blobs.close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exception_type: type[BaseException] | None,
        exception: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The bound port (the real one when constructed with port 0)."""
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://host:port`` of the running emulator."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    # ------------------------------------------------------------------------------------------ control

    def reset(self) -> None:
        """Forget every resource, operation, fault rule, logged request and setting change."""
        self._application.reset()

    def add_fault(
        self,
        *,
        method: str = "*",
        path: str = "*",
        operation: str = "*",
        times: int | None = None,
        status: int | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
        headers: Mapping[str, str] | None = None,
        drop: bool = False,
        latency_seconds: float | None = None,
        lro_status: str | None = None,
        result_status: int | None = None,
    ) -> JsonObject:
        """Append a fault rule (the fields of ``POST /_emulator/faults``) and return it with its id.

        Exactly one action: ``status`` (+ ``error_code``, ``error_message``, ``headers``), ``drop``,
        ``latency_seconds``, or ``lro_status`` ("Failed"/"Canceled", + ``error_code``, ``error_message``,
        ``result_status`` for the Location URL). Raises ValueError for an invalid rule.
        """
        rule: dict[str, object] = {"method": method, "path": path, "operation": operation, "drop": drop}
        optional = {
            "times": times,
            "status": status,
            "error_code": error_code,
            "error_message": error_message,
            "headers": dict(headers) if headers is not None else None,
            "latency_seconds": latency_seconds,
            "lro_status": lro_status,
            "result_status": result_status,
        }
        rule.update({name: value for name, value in optional.items() if value is not None})
        return self._application.faults.add(FaultRule.from_json(rule)).to_json()

    def faults(self) -> list[JsonObject]:
        """The fault rules in match order, with how often each matched."""
        return self._application.faults.to_json()

    def remove_fault(self, fault_id: str) -> bool:
        """Remove one fault rule; return whether it existed."""
        return self._application.faults.remove(fault_id)

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._application.faults.clear()

    def requests_log(self) -> list[JsonObject]:
        """Answered ARM requests, oldest first.

        Each entry: ``{method, path, query (raw string), params (dict), status (None if dropped), requestId,
        fault (rule id or None), durationMs, body (text as received, or None)}``.
        """
        return self._application.requests.entries()

    def clear_requests_log(self) -> None:
        self._application.requests.clear()

    def state(self) -> JsonObject:
        """Everything stored (secrets excluded), the settings and the fault rules."""
        return self._application.state()

    def configure(self, **changes: object) -> JsonObject:
        """Change settings by name (see :class:`~pulumi_azureml.emulator.settings.Settings`); return them all."""
        return self._application.configure(dict(changes)).to_json()

    def settings(self) -> JsonObject:
        """The current settings."""
        return self._application.settings.to_json()

    def expire_token(self, token: str) -> None:
        """Make ``token`` answer 401 ExpiredAuthenticationToken."""
        self._application.expire_token(token)

    @property
    def blobs(self) -> BlobStore:
        """The loopback storage behind pending uploads (tests read the uploaded bytes from it)."""
        return self._application.blobs

    def ensure_resource_group(self, subscription_id: str, name: str, location: str) -> JsonObject:
        """Create a Succeeded resource group directly in the store (no-op if it exists); return its body."""
        return control.seed_resource_group(self._application, subscription_id, name, location)

    def ensure_workspace(self, subscription_id: str, resource_group: str, name: str, location: str) -> JsonObject:
        """Create a Succeeded workspace (and its resource group) directly in the store; return its body."""
        base_url = self.url if self._server is not None else f"http://{self._host}:{self._port}"
        return control.seed_workspace(self._application, base_url, subscription_id, resource_group, name, location)
