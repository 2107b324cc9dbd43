"""Property-value rules the Pulumi engine applies between a program and a provider (secrets, unknowns, wire format).

Values are plain Python data (dicts, lists, str, float, bool). A secret is the SDK's RPC wrapper
``{SIG_KEY: SECRET_SIG, "value": ...}`` (``pulumi.runtime.rpc.wrap_rpc_secret``), at any depth, exactly as the
engine's ``resource.PropertyValue`` keeps secret-ness per value. An unknown (preview only) is the SDK's
``rpc.UNKNOWN`` sentinel string.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

from google.protobuf import struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import rpc

PropertyMap = dict[str, Any]

# The signature constants are fixed by the engine's wire and checkpoint formats
# (sdk/go/common/resource/sig/sig.go: Key and Secret); the SDK keeps them as private names.
SIG_KEY: str = rpc._special_sig_key
SECRET_SIG: str = rpc._special_secret_sig
UNKNOWN: str = rpc.UNKNOWN


def is_secret(value: Any) -> bool:
    """True when ``value`` is a secret wrapper."""
    return bool(rpc.is_rpc_secret(value))


def make_secret(value: Any) -> Any:
    """Wrap ``value`` as a secret (idempotent)."""
    return rpc.wrap_rpc_secret(value)


def strip_secrets(value: Any) -> Any:
    """Remove every secret wrapper, at any depth.

    The engine does this before calling a provider whose Configure answered ``acceptSecrets: false``, which the
    dynamic-provider host always does (pulumi/dynamic/__main__.py, ``Configure``); the secret-ness is kept on the
    engine side and re-applied to the results (see :func:`annotate_secrets`).
    """
    if is_secret(value):
        return strip_secrets(rpc.unwrap_rpc_secret(value))
    if isinstance(value, Mapping):
        return {k: strip_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_secrets(v) for v in value]
    return value


def contains_secrets(value: Any) -> bool:
    """True when ``value`` is, or contains, a secret."""
    if is_secret(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_secrets(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_secrets(v) for v in value)
    return False


def secret_paths(value: Any, prefix: str = "") -> list[str]:
    """Property paths (``a.b[0]``) of every secret in ``value``; for assertions and reports."""
    if is_secret(value):
        return [prefix or "<root>"]
    found: list[str] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            found.extend(secret_paths(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found.extend(secret_paths(v, f"{prefix}[{i}]"))
    return found


def annotate_secrets(outs: Mapping[str, Any], ins: Mapping[str, Any]) -> PropertyMap:
    """Copy secret-ness from ``ins`` onto same-named values of ``outs``; returns a new map.

    Port of ``annotateSecrets`` in sdk/go/common/resource/plugin/provider_plugin.go (pulumi/pulumi PR #13260):
    applied to Check, Create, Update and Read results of providers that do not accept secrets. Where both values are
    objects it recurses; otherwise an output whose input counterpart contains any secret becomes a secret as a whole.
    """
    result: PropertyMap = dict(outs)
    for key, in_value in ins.items():
        if key not in result:
            continue
        out_value = result[key]
        # A secret wrapper is a dict here, but for the engine a secret is its own kind, never an object.
        both_objects = (
            isinstance(out_value, Mapping)
            and isinstance(in_value, Mapping)
            and not is_secret(out_value)
            and not is_secret(in_value)
        )
        if both_objects:
            result[key] = annotate_secrets(out_value, in_value)
        elif not is_secret(out_value) and contains_secrets(in_value):
            result[key] = make_secret(out_value)
    return result


def mark_additional_secret_outputs(outs: Mapping[str, Any], names: Iterable[str]) -> PropertyMap:
    """Make the named top-level outputs secret (the ``additional_secret_outputs`` resource option).

    Mirrors the step executor (pkg/resource/deploy/step_executor.go, after each step): every name present in the
    outputs is wrapped; ``id`` is skipped because it cannot be secret (pulumi/pulumi#2717).
    """
    result: PropertyMap = dict(outs)
    for name in names:
        if name != "id" and name in result and not is_secret(result[name]):
            result[name] = make_secret(result[name])
    return result


def restore_unknowns(value: Any) -> Any:
    """Turn the SDK's ``Unknown`` objects back into the wire sentinel so the value can be re-sent and stored."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: restore_unknowns(v) for k, v in value.items()}
    if isinstance(value, list):
        return [restore_unknowns(v) for v in value]
    return value


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    """Serialize a property map with the SDK's own serializer, secret wrappers and unknowns included.

    Same call the host makes for its replies (``rpc.serialize_properties`` on a private event loop), so values
    round-trip exactly as they do between the real engine and the host.
    """
    loop = asyncio.new_event_loop()
    try:
        struct: struct_pb2.Struct = loop.run_until_complete(rpc.serialize_properties(dict(props), {}))
        return struct
    finally:
        loop.close()


def from_struct(struct: struct_pb2.Struct) -> PropertyMap:
    """Deserialize a property map, keeping secret wrappers and unknowns (as the sentinel string).

    ``rpc.deserialize_properties`` drops ``None`` values, which is how the host and the engine treat them too.
    """
    props = rpc.deserialize_properties(struct, keep_unknowns=True)
    restored: PropertyMap = restore_unknowns(props)
    return restored
