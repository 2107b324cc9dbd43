"""Keeping secrets out of what users read: every secret value a message of one operation could echo, and the
scrubbing itself.

A provider error may quote anything: an input, a setting, a service answer that echoes a key. So the messages of
one provider operation (one protocol call for one resource) are scrubbed of the secrets of that operation: the
resource's secret inputs and outputs, old and new, the secret settings, and every secret the operation learnt on
the way (an upload's SAS, a datastore key read for an upload, keys from ``listkeys``), registered with
:func:`learn` the moment it is learnt.

Secrets of the other resources of this process are scrubbed too (a careless service may echo one resource's key
in another's error), except where such a value is one of this resource's own plain values: there it is an ordinary
name, not the other's secret. Before issue 23 a secret input that happened to equal a workspace's name (a
deployment's environment variable, say) blanked that name in every later error of every resource.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_azureml.console import printable
from pulumi_azureml.schema import ResourceSpec
from pulumi_azureml.settings import SETTINGS, Settings

__all__ = ["MAX_PROPERTY_CHARS", "MAX_REASON_CHARS", "learn", "operation", "printable", "redact", "secret_values"]

MAX_REASON_CHARS = 2000
MAX_PROPERTY_CHARS = 300

_MIN_SECRET = 4
"""Shorter values are not looked for: they would blank out ordinary words ("requ" is part of "is required")."""

_LEARNT: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("pulumi_azureml_learnt", default=None)
"""The secrets learnt by the operation running in this context (each protocol call runs in its own thread)."""

_OTHERS: set[str] = set()
"""Every secret of 8+ characters an operation of this process learnt: scrubbed from other resources' messages too,
unless it is one of their own plain values. Bounded: a provider host serves one stack operation."""
_OTHERS_LOCK = threading.Lock()
_MAX_OTHERS = 10_000
_MIN_OTHER = 8
"""Only long values are looked for in other resources' messages: a short one would blank ordinary words."""


@contextlib.contextmanager
def operation(spec: ResourceSpec, *values: Mapping[str, Any]) -> Iterator[None]:
    """The scope of one provider operation; ``values``' secret inputs and outputs are learnt at its start (an
    update's old and new values, so a rotated secret's old value is hidden too)."""
    token = _LEARNT.set(set())
    try:
        for mapping in values:
            learn(*resource_secrets(spec, mapping))
        yield
    finally:
        _LEARNT.reset(token)


def learn(*secrets: str) -> None:
    """Register secrets the running operation has just learnt or made: its messages are scrubbed of them.

    Outside an operation (a hook called directly) there is no message to scrub, so nothing is kept."""
    scope = _LEARNT.get()
    if scope is None:
        return
    found = {value for value in secrets if isinstance(value, str) and len(value) >= _MIN_SECRET}
    scope.update(found)
    with _OTHERS_LOCK:
        for value in found:
            if len(value) >= _MIN_OTHER and len(_OTHERS) < _MAX_OTHERS:
                _OTHERS.add(value)


def resource_secrets(spec: ResourceSpec, values: Mapping[str, Any]) -> list[str]:
    """``values``' secret inputs and outputs (keys the service generated are there when ``values`` is a state)."""
    found: list[str] = []
    for name in spec.secret_input_names() + spec.secret_output_names():
        _collect_strings(values.get(name), found)
    return found


def secret_values(spec: ResourceSpec, settings: Settings, values: Mapping[str, Any]) -> list[str]:
    """Every secret value a message about the resource of ``values`` must not show: its secret inputs and outputs,
    the secret settings, what the running operation learnt, and the other resources' secrets that are none of
    ``values``' plain (not secret) strings."""
    own = set(resource_secrets(spec, values)) | set(_LEARNT.get() or ())
    for setting in SETTINGS:
        if setting.secret:
            value = settings.get(setting.key)
            if value and len(value) >= _MIN_SECRET:
                own.add(value)
    hidden = set(spec.secret_input_names()) | set(spec.secret_output_names())
    plain: list[str] = []
    _collect_strings({key: value for key, value in values.items() if key not in hidden}, plain)
    with _OTHERS_LOCK:
        others = {value for value in _OTHERS - own if not any(value in text for text in plain)}
    return sorted(own | others)


def redact(message: str, secrets: list[str]) -> str:
    """``message`` with every secret replaced by ``***``: as given, and as :func:`printable` shows it (a message
    flattened before it got here)."""
    forms = {form for secret in secrets for form in (secret, printable(secret))}
    for secret in sorted(forms, key=len, reverse=True):
        message = message.replace(secret, "***")
    return message


def _collect_strings(value: Any, into: list[str]) -> None:
    if isinstance(value, str) and len(value) >= _MIN_SECRET:
        into.append(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            _collect_strings(item, into)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_strings(item, into)
