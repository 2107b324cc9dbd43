"""Loopback stand-ins for the two services of an OIDC sign-in, over real HTTP, recording what reached them.

- **GitHub Actions' token request** (plain http on loopback, as the provider allows for loopback only):
  ``GET <request url>&audience=api://AzureADTokenExchange`` with ``Authorization: bearer <request token>`` answers
  ``{"count": 1, "value": "<federated token>"}`` (the shape GitHub documents for ``ACTIONS_ID_TOKEN_REQUEST_URL``).
- **Microsoft Entra's token endpoint** (https with a throwaway self-signed certificate, since azure-identity accepts
  only an https authority): ``POST /<tenant>/oauth2/v2.0/token``, a client-credentials grant whose client assertion
  (``client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer``) is a federated token it knows,
  answers an access token. The certificate is trusted through ``REQUESTS_CA_BUNDLE`` (``ca_bundle``), which
  requests and azure-core honour: nothing turns verification off.
"""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from support.tls import self_signed_context

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
AUDIENCE = "api://AzureADTokenExchange"


@dataclass
class Seen:
    """One request as it reached a stand-in."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    form: dict[str, list[str]]


@dataclass
class OidcEndpoints:
    """Both stand-ins; ``exchanges`` maps each federated token the token endpoint accepts to the token it issues."""

    directory: Path
    request_token: str
    federated_token: str
    exchanges: dict[str, str]
    client_id: str
    tenant_id: str
    expires_in: int = 3600
    request_status: int = 200
    token_requests: list[Seen] = field(default_factory=list)
    exchange_requests: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._request_server = _server(self._answer_request, None)
        self._token_server = _server(
            self._answer_exchange, self_signed_context(self.directory, prefix="oidc-", as_authority=True)
        )

    @property
    def request_url(self) -> str:
        """Like GitHub's ``ACTIONS_ID_TOKEN_REQUEST_URL``: it has a query string of its own already."""
        return f"http://127.0.0.1:{self._request_server.server_address[1]}/_apis/idtoken?api-version=2.0"

    @property
    def authority(self) -> str:
        return f"https://127.0.0.1:{self._token_server.server_address[1]}"

    @property
    def ca_bundle(self) -> Path:
        return self.directory / "oidc-certificate.pem"

    def _answer_request(self, seen: Seen) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(seen)
        if seen.headers.get("authorization", "").lower() != f"bearer {self.request_token}".lower():
            return 401, {"message": "Bad credentials"}
        if seen.query.get("audience") != [AUDIENCE]:
            return 400, {"message": "wrong audience"}
        if self.request_status != 200:
            return self.request_status, {"message": "unavailable", "echo": self.request_token}
        return 200, {"count": 1, "value": self.federated_token}

    def _answer_exchange(self, seen: Seen) -> tuple[int, dict[str, Any]]:
        self.exchange_requests.append(seen)
        form = {key: values[0] for key, values in seen.form.items()}
        issued = self.exchanges.get(form.get("client_assertion", ""))
        if (
            seen.path != f"/{self.tenant_id}/oauth2/v2.0/token"
            or form.get("grant_type") != "client_credentials"
            or form.get("client_assertion_type") != JWT_BEARER
            or form.get("client_id") != self.client_id
            or issued is None
        ):
            return 400, {"error": "invalid_client", "error_description": "AADSTS700213: No matching federated identity"}
        return 200, {
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "ext_expires_in": self.expires_in,
            "access_token": issued,
        }

    def stop(self) -> None:
        for server in (self._request_server, self._token_server):
            server.shutdown()
            server.server_close()


def _server(answer: Any, tls: ssl.SSLContext | None) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
            return None

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            parts = urlsplit(self.path)
            seen = Seen(
                self.command,
                parts.path,
                parse_qs(parts.query),
                {key.lower(): value for key, value in self.headers.items()},
                parse_qs(body),
            )
            status, payload = answer(seen)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer  # noqa: N815 - http.server's names

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server
