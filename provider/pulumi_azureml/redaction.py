"""Keeping secrets out of what users read: every secret value a message could echo, and the scrubbing itself.

A provider error may quote anything: an input, a setting, a service answer that echoes a key. So messages are
scrubbed of every secret known here (the resource's secret inputs and outputs, the secret settings, and every long
secret another resource of this process showed), and flattened onto one line so they cannot forge engine output.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any

from pulumi_azureml.schema import ResourceSpec
from pulumi_azureml.settings import SETTINGS, Settings

MAX_REASON_CHARS = 2000
MAX_PROPERTY_CHARS = 300

_SEEN_SECRETS: set[str] = set()
_SEEN_SECRETS_LOCK = threading.Lock()
_MAX_SEEN_SECRETS = 10_000
"""Bounded: a provider host serves one stack operation; this is far more secrets than any stack holds."""
_MIN_REMEMBERED_SECRET = 8
"""Only long values are remembered: a short one would blank out ordinary words of every later message."""
_MIN_SECRET = 4

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def secret_values(spec: ResourceSpec, settings: Settings, values: Mapping[str, Any]) -> list[str]:
    """Every secret value a message must not show: ``values``' secret inputs and outputs (keys the service
    generated are there when ``values`` is a resource's state), the secret settings, and those seen before."""
    found: list[str] = []
    for name in spec.secret_input_names() + spec.secret_output_names():
        _collect_strings(values.get(name), found)
    for setting in SETTINGS:
        if setting.secret:
            value = settings.get(setting.key)
            if value and len(value) >= _MIN_SECRET:
                found.append(value)
    with _SEEN_SECRETS_LOCK:
        for value in found:
            if len(value) >= _MIN_REMEMBERED_SECRET and len(_SEEN_SECRETS) < _MAX_SEEN_SECRETS:
                _SEEN_SECRETS.add(value)
        return sorted(_SEEN_SECRETS | set(found))


def redact(message: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, "***")
    return message


def printable(text: str) -> str:
    """``text`` on one line: control characters (a key holding CR/LF, say) escaped, so a failure cannot split or
    forge lines of the engine's output."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def _collect_strings(value: Any, into: list[str]) -> None:
    if isinstance(value, str) and len(value) >= _MIN_SECRET:
        into.append(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            _collect_strings(item, into)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_strings(item, into)
