"""A loopback HTTP proxy in front of the emulator that re-spells the GET answers of chosen resources.

The provider talks to it as to the service (real HTTP, the Host header kept, so the emulator's operation URLs point
back at the proxy); while a resource path is registered with a transform, a GET of exactly that path answers the
emulator's body passed through the transform. Everything else passes unchanged. Test machinery only.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from pulumi_azureml.arm.ids import render_path
from pulumi_azureml.specs import SPECS

from support.respell import RESPELLINGS, respelt

Transform = Callable[[dict[str, Any]], dict[str, Any]]


class RespellingProxy:
    def __init__(self, upstream: str) -> None:
        self._upstream = urlsplit(upstream)
        self._transforms: dict[str, Transform] = {}
        self._lock = threading.Lock()
        self.respelt_answers = 0
        """How many answers were re-spelt (a test asserts the proxy was in the path)."""
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
                return

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                connection = http.client.HTTPConnection(proxy._upstream.hostname, proxy._upstream.port, timeout=60)
                headers = {name: value for name, value in self.headers.items() if name.lower() != "connection"}
                connection.request(self.command, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                payload = answer.read()
                transform = proxy._transform_for(self.command, self.path)
                if transform is not None and answer.status == 200 and payload:
                    payload = json.dumps(transform(json.loads(payload))).encode()
                    with proxy._lock:
                        proxy.respelt_answers += 1
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                connection.close()

            do_GET = do_PUT = do_PATCH = do_POST = do_DELETE = _forward  # noqa: N815 - the stdlib's names

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> RespellingProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def respell(self, path: str, transform: Transform) -> None:
        """Re-spell every later GET answer of ``path`` (an ARM path, compared without case, query ignored)."""
        with self._lock:
            self._transforms[path.lower().rstrip("/")] = transform

    def clear(self) -> None:
        with self._lock:
            self._transforms.clear()

    def _transform_for(self, method: str, raw_path: str) -> Transform | None:
        if method != "GET":
            return None
        with self._lock:
            return self._transforms.get(raw_path.split("?", 1)[0].lower().rstrip("/"))


@contextmanager
def respelling_proxy(upstream: str) -> Iterator[RespellingProxy]:
    proxy = RespellingProxy(upstream).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def respell_everything(proxy: RespellingProxy, resources: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
    """Re-spell, in every known way at once, the GET answers of ``resources`` (``(kind, inputs)`` pairs, e.g. from a
    stack's state); resources sharing a path (an endpoint and its traffic) get each one's re-spellings in turn.
    Returns how many resources were registered."""
    by_path: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for kind, inputs in resources:
        by_path.setdefault(render_path(SPECS[kind].path, inputs).lower(), []).append((kind, inputs))

    def transform_for(owners: list[tuple[str, Mapping[str, Any]]]) -> Transform:
        def transform(body: dict[str, Any]) -> dict[str, Any]:
            for kind, inputs in owners:
                body = respelt(tuple(RESPELLINGS), SPECS[kind], inputs, body)
            return body

        return transform

    for path, owners in by_path.items():
        proxy.respell(path, transform_for(owners))
    return sum(len(owners) for owners in by_path.values())
