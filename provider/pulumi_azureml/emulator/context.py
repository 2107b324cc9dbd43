"""What a handler gets to answer one ARM request: the request, its path parameters, and the emulator state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .blobs import BlobStore
from .messages import JsonObject, Request
from .settings import Settings
from .store import Store


@dataclass(frozen=True)
class Outcome:
    """How a long-running operation will end, decided when it starts."""

    status: str
    """``Succeeded``, ``Failed`` or ``Canceled``."""
    error: JsonObject | None = None
    """``{"code", "message"}`` when the operation does not succeed."""
    result_status: int = 400
    """HTTP status the operation-result (Location) URL answers once a failed operation is over."""


@dataclass(frozen=True)
class HandlerContext:
    """One request as a handler sees it."""

    request: Request
    params: dict[str, str]
    """Path parameters by template name, as the client spelled them."""
    api_version: str
    settings: Settings
    store: Store
    clock: Callable[[], float]
    forced_outcome: Outcome | None = None
    """Set by a matching fault rule: the operation this request starts ends this way."""
    blobs: BlobStore | None = None
    """The loopback storage behind pending uploads."""

    def blob_key(self, account: str) -> bytes:
        """The key of the storage account ``account`` that a SAS the service hands out is signed with."""
        if self.blobs is None:
            raise RuntimeError("this emulator has no blob storage")
        return self.blobs.signing_key(account)

    @property
    def base_url(self) -> str:
        """``http://host:port`` as the client addressed the emulator."""
        return self.request.base_url

    def now(self) -> float:
        """Current time in seconds since the epoch (injectable for tests)."""
        return self.clock()
