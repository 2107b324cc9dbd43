"""Encrypt the secrets of a harness stack's state file, as a passphrase secrets provider does for a real stack.

Stdlib only and for tests only: a per-stack random key in a key file next to the state file; each secret is
JSON-encoded, XORed with an HMAC-SHA256 keystream (counter mode, random nonce) and authenticated with a separate
HMAC-SHA256 tag (encrypt-then-MAC). On disk a secret keeps the engine's checkpoint shape,
``{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "..."}``, so a state file
reads like a real one and never holds a secret's plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .values import SECRET_SIG, SIG_KEY, is_secret, make_secret

_NONCE_BYTES = 16
_TAG_BYTES = 16
_FORMAT = b"harness-v1"


class SecretDecryptionError(ValueError):
    """A ciphertext failed authentication: wrong key file or tampered state."""


class SecretsCipher:
    """Seals and unseals the secrets inside property values with one stack's key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("secrets key must be at least 16 bytes")
        # Separate keys for the keystream and the tag, derived from the one stored key.
        self._enc_key = hmac.new(key, _FORMAT + b"/enc", hashlib.sha256).digest()
        self._mac_key = hmac.new(key, _FORMAT + b"/mac", hashlib.sha256).digest()

    @classmethod
    def for_key_file(cls, key_path: Path) -> SecretsCipher:
        """Load the key from ``key_path``, creating it (mode 0600) on first use."""
        if not key_path.exists():
            key_path.parent.mkdir(parents=True, exist_ok=True)
            # O_EXCL: two Stack objects racing on a new stack must not end up with different keys.
            try:
                fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(secrets.token_hex(32) + "\n")
        return cls(bytes.fromhex(key_path.read_text(encoding="ascii").strip()))

    def _keystream(self, nonce: bytes, length: int) -> bytes:
        blocks = bytearray()
        counter = 0
        while len(blocks) < length:
            blocks += hmac.new(self._enc_key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest()
            counter += 1
        return bytes(blocks[:length])

    def encrypt(self, plaintext: str) -> str:
        """Encrypt text; returns base64 of nonce || ciphertext || tag."""
        data = plaintext.encode("utf-8")
        nonce = os.urandom(_NONCE_BYTES)
        body = bytes(a ^ b for a, b in zip(data, self._keystream(nonce, len(data)), strict=True))
        tag = hmac.new(self._mac_key, nonce + body, hashlib.sha256).digest()[:_TAG_BYTES]
        return base64.b64encode(nonce + body + tag).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Inverse of :meth:`encrypt`; raises :class:`SecretDecryptionError` if the tag does not match."""
        raw = base64.b64decode(token.encode("ascii"), validate=True)
        if len(raw) < _NONCE_BYTES + _TAG_BYTES:
            raise SecretDecryptionError("ciphertext too short")
        nonce, body, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
        expected = hmac.new(self._mac_key, nonce + body, hashlib.sha256).digest()[:_TAG_BYTES]
        if not hmac.compare_digest(tag, expected):
            raise SecretDecryptionError("secret failed authentication (wrong key file or edited state)")
        return bytes(a ^ b for a, b in zip(body, self._keystream(nonce, len(body)), strict=True)).decode("utf-8")

    def seal(self, value: Any) -> Any:
        """Replace every secret wrapper in ``value`` by its encrypted on-disk form."""
        if is_secret(value):
            return {SIG_KEY: SECRET_SIG, "ciphertext": self.encrypt(json.dumps(value["value"], sort_keys=True))}
        if isinstance(value, Mapping):
            return {k: self.seal(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.seal(v) for v in value]
        return value

    def unseal(self, value: Any) -> Any:
        """Inverse of :meth:`seal`: encrypted secrets become secret wrappers holding the plaintext."""
        if isinstance(value, Mapping):
            if value.get(SIG_KEY) == SECRET_SIG and "ciphertext" in value:
                return make_secret(json.loads(self.decrypt(str(value["ciphertext"]))))
            return {k: self.unseal(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.unseal(v) for v in value]
        return value
