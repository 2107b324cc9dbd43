"""The HTTP transport and the Python handle tests use: :class:`EmulatorServer`.

``http.server.ThreadingHTTPServer`` speaks HTTP/1.1 with keep-alive; each response is written in one
``sendall`` with Nagle disabled, so a GET on loopback costs well under a millisecond. Nothing is logged per
request. ``stop()`` also closes idle keep-alive connections, so a stopped emulator really stops answering.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from . import control
from .app import Application
from .faults import FaultRule
from .messages import JsonObject, Request, Response
from .settings import Settings
from .store import MemoryStore, SqliteStore, Store

_MAX_BODY_BYTES = 16 * 1024 * 1024
"""ARM rejects request bodies above a few MB; this cap only protects the emulator."""


class _RequestHandler(BaseHTTPRequestHandler):
    """Reads one request, hands it to the application, writes the response in one piece."""

    protocol_version = "HTTP/1.1"
    server_version = "pulumi-azureml-emulator"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 300
    """Idle keep-alive connections are dropped after five minutes."""
    server: _HttpServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        """Quiet by default: the emulator never writes a line per request."""

    def do_GET(self) -> None:  # noqa: N802 - http.server dispatches on do_<METHOD>
        self._serve()

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve()

    def do_PUT(self) -> None:  # noqa: N802
        self._serve()

    def do_PATCH(self) -> None:  # noqa: N802
        self._serve()

    def do_POST(self) -> None:  # noqa: N802
        self._serve()

    def do_DELETE(self) -> None:  # noqa: N802
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY_BYTES:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        raw_path, _, raw_query = self.path.partition("?")
        query = {name: values[0] for name, values in urllib.parse.parse_qs(raw_query, keep_blank_values=True).items()}
        host = self.headers.get("Host") or f"{self.server.public_host}:{self.server.server_port}"
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._write(Response(413))
            return
        request = Request(
            method=self.command,
            path=urllib.parse.unquote(raw_path) or "/",
            query=query,
            raw_query=raw_query,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            base_url=f"http://{host}",
        )
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
        headers = dict(response.headers)
        if response.body is not None:
            payload = json.dumps(response.body, separators=(",", ":")).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        lines = [
            f"HTTP/1.1 {response.status} {reason}",
            f"Date: {self.date_time_string()}",
            f"Server: {self.server_version}",
            "Cache-Control: no-cache",
            "Pragma: no-cache",
            "Expires: -1",
            *(f"{name}: {value}" for name, value in headers.items()),
            f"Content-Length: {len(payload)}",
        ]
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # A HEAD answer announces the length but carries no body.
        self.wfile.write(head if self.command == "HEAD" else head + payload)


class _HttpServer(ThreadingHTTPServer):
    """A threading server that remembers its open connections so ``stop`` can close them."""

    daemon_threads = True
    request_queue_size = 128
    """Fifty clients connecting at once must not overflow the listen backlog."""

    def __init__(self, address: tuple[str, int], application: Application, public_host: str) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _RequestHandler)
        self.application = application
        self.public_host = public_host
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
        self._application = Application(store=store, settings=settings, clock=clock)
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
        self._server = _HttpServer((self._host, self._port), self._application, self._host)
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

    def ensure_resource_group(self, subscription_id: str, name: str, location: str) -> JsonObject:
        """Create a Succeeded resource group directly in the store (no-op if it exists); return its body."""
        return control.seed_resource_group(self._application, subscription_id, name, location)

    def ensure_workspace(self, subscription_id: str, resource_group: str, name: str, location: str) -> JsonObject:
        """Create a Succeeded workspace (and its resource group) directly in the store; return its body."""
        base_url = self.url if self._server is not None else f"http://{self._host}:{self._port}"
        return control.seed_workspace(self._application, base_url, subscription_id, resource_group, name, location)
