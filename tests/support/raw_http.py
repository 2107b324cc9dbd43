"""Raw HTTP/1.1 over a socket, for the emulator's hostile-input tests and its HTTP fuzzer.

``exchange`` sends bytes exactly as given (no client library would send most of them), half-closes, and parses
every answer that comes back; ``contract_violations`` states the emulator's contract for one exchange: a status
line for every request, an ARM-shaped strict-JSON body, no 5xx it did not choose, and no header that a request
could have injected.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any

CHOSEN_5XX = frozenset({505})
"""The one 5xx the emulator chooses on its own: HTTP versions 2.0 and above over this HTTP/1.1 socket."""


@dataclass
class Answer:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


@dataclass
class Exchange:
    answers: list[Answer] = field(default_factory=list)
    leftover: bytes = b""
    """Bytes after the last complete answer (a framing error if not empty)."""
    timed_out: bool = False
    seconds: float = 0.0


def exchange(port: int, raw: bytes, *, timeout: float = 10.0, half_close: bool = True) -> Exchange:
    """Send ``raw`` on a fresh connection, then read until the server closes (or ``timeout``)."""
    started = time.monotonic()
    result = Exchange()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(raw)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may answer (413, 431...) and close before reading everything
        received = bytearray()
        deadline = started + timeout
        while True:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                result.timed_out = True
                break
            except OSError:
                break
            if not chunk:
                break
            received.extend(chunk)
            if not half_close and _complete(bytes(received)):
                break
    result.answers, result.leftover = parse_answers(bytes(received))
    result.seconds = time.monotonic() - started
    return result


def _complete(data: bytes) -> bool:
    answers, leftover = parse_answers(data)
    return bool(answers) and not leftover


def parse_answers(data: bytes) -> tuple[list[Answer], bytes]:
    answers: list[Answer] = []
    while data:
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            break
        lines = data[:head_end].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            break
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name, value.strip()))
        length_text = next((value for name, value in headers if name.lower() == "content-length"), "0")
        length = int(length_text)
        body_start = head_end + 4
        if len(data) < body_start + length:
            break
        status = int(parts[1])
        answers.append(
            Answer(status, parts[2] if len(parts) > 2 else "", headers, data[body_start : body_start + length])
        )
        data = data[body_start + length :]
    return answers, data


def _strict(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"non-strict JSON literal {name}")

    return json.loads(text, parse_constant=refuse)


def contract_violations(result: Exchange, *, head: bool = False, allow_5xx: frozenset[int] = CHOSEN_5XX) -> list[str]:
    """Everything wrong with one exchange, per the emulator's contract (empty when it held)."""
    problems: list[str] = []
    if result.timed_out:
        problems.append(f"no end of answer within {result.seconds:.1f}s (a hang)")
    if not result.answers:
        problems.append(f"the connection closed without a status line (received {result.leftover[:80]!r})")
    if result.leftover:
        problems.append(f"bytes after the last answer: {result.leftover[:80]!r}")
    for answer in result.answers:
        if answer.status >= 500 and answer.status not in allow_5xx:
            problems.append(f"unchosen {answer.status}: {answer.body[:200]!r}")
        names = [name.lower() for name, _ in answer.headers]
        if "x-injected" in names or any(not name or " " in name for name in names):
            problems.append(f"an injected or malformed header: {answer.headers}")
        for name, value in answer.headers:
            if any(ord(character) < 32 and character != "\t" or ord(character) > 126 for character in value):
                problems.append(f"header {name} carries a raw control or non-ASCII character: {value[:80]!r}")
        if head or answer.status in (204, 304) or 100 <= answer.status < 200:
            continue
        if not answer.body:
            if answer.status >= 400:
                problems.append(f"{answer.status} without a body")
            continue
        try:
            body = _strict(answer.body.decode("utf-8"))
        except ValueError as error:
            problems.append(f"{answer.status} body is not strict JSON ({error}): {answer.body[:120]!r}")
            continue
        if answer.status >= 400:
            error = body.get("error") if isinstance(body, dict) else None
            if not (isinstance(error, dict) and isinstance(error.get("code"), str) and "message" in error):
                problems.append(f"{answer.status} body is not an ARM error envelope: {answer.body[:120]!r}")
    return problems
