"""Where resources, operations and soft-deleted workspace names live: in memory, or in a SQLite file.

Every request runs its logic inside one :meth:`Store.transaction`. The memory store serialises transactions
with a lock; the SQLite store uses ``BEGIN IMMEDIATE`` (WAL, busy timeout) so several emulator processes can
share one file safely. Both keep bodies as JSON text, so a caller can never mutate stored state by accident
and both stores behave the same way.

Keys are lower-cased resource ids: ARM names are case-insensitive, while the ``id``
stored with each record keeps the casing the client used when it created the resource.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from .messages import JsonObject


@dataclass
class ResourceRecord:
    """One stored resource. ``body`` is its wire representation minus write-only values."""

    key: str
    id: str
    kind: str
    body: JsonObject
    secrets: JsonObject = field(default_factory=dict)
    """Write-only values (keys, passwords) that GET never returns."""
    pending_operation: str | None = None
    """Id of the long-running operation still running on this resource, if any."""
    sequence: int = 0
    """Creation order; lists are returned in this order so paging is stable."""


class StoreTransaction(Protocol):
    """Reads and writes inside one atomic transaction."""

    def get(self, key: str) -> ResourceRecord | None:
        """Return the resource with this key, or None."""

    def put(self, record: ResourceRecord) -> None:
        """Insert or replace a resource; a new resource gets the next sequence number."""

    def delete_tree(self, key: str) -> None:
        """Delete a resource and everything nested under it, soft-deleted workspace names included."""

    def list(self, kind: str, key_prefix: str) -> list[ResourceRecord]:
        """Resources of one kind whose key starts with ``key_prefix``, in creation order."""

    def get_operation(self, operation_id: str) -> JsonObject | None:
        """Return a stored operation, or None."""

    def put_operation(self, operation_id: str, data: JsonObject) -> None:
        """Insert or replace an operation."""

    def soft_deleted(self, key: str) -> bool:
        """Whether a soft-deleted workspace still holds this key."""

    def mark_soft_deleted(self, key: str, resource_id: str) -> None:
        """Remember a soft-deleted workspace name."""

    def purge_soft_deleted(self, key: str) -> bool:
        """Forget a soft-deleted workspace; return whether there was one."""


class Store(Protocol):
    """A source of transactions plus whole-store maintenance."""

    def transaction(self) -> contextlib.AbstractContextManager[StoreTransaction]:
        """Open one atomic transaction."""

    def reset(self) -> None:
        """Delete everything."""

    def dump(self) -> JsonObject:
        """Everything stored, secrets excluded, for ``GET /_emulator/state``."""

    def close(self) -> None:
        """Release files and connections."""


_Row = tuple[str, str, str, str, str, str | None, int]
"""(key, id, kind, body JSON, secrets JSON, pending operation, sequence): the shape both stores keep."""


def _to_row(record: ResourceRecord, sequence: int) -> _Row:
    return (
        record.key,
        record.id,
        record.kind,
        json.dumps(record.body, separators=(",", ":")),
        json.dumps(record.secrets, separators=(",", ":")),
        record.pending_operation,
        sequence,
    )


def _from_row(row: _Row) -> ResourceRecord:
    key, resource_id, kind, body, secrets, pending, sequence = row
    return ResourceRecord(key, resource_id, kind, json.loads(body), json.loads(secrets), pending, sequence)


def _dump_records(records: list[ResourceRecord], operations: list[JsonObject], soft: list[str]) -> JsonObject:
    return {
        "resources": [
            {
                "id": record.id,
                "kind": record.kind,
                "pendingOperation": record.pending_operation,
                "hasSecrets": bool(record.secrets),
                "body": record.body,
            }
            for record in records
        ],
        "operations": operations,
        # The soft-deleted table also remembers deleted batch endpoints (answers.deleted_endpoint_not_found).
        "softDeletedWorkspaces": [item for item in soft if "/batchendpoints/" not in item.lower()],
        "deletedBatchEndpoints": [item for item in soft if "/batchendpoints/" in item.lower()],
    }


class _MemoryTransaction:
    """Direct access to the memory store's tables; only used while the store lock is held."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def get(self, key: str) -> ResourceRecord | None:
        row = self._store.resources.get(key)
        return None if row is None else _from_row(row)

    def put(self, record: ResourceRecord) -> None:
        existing = self._store.resources.get(record.key)
        if existing is not None:
            sequence = existing[6]
        else:
            self._store.sequence += 1
            sequence = self._store.sequence
        record.sequence = sequence
        self._store.resources[record.key] = _to_row(record, sequence)

    def delete_tree(self, key: str) -> None:
        prefix = key + "/"
        for table in (self._store.resources, self._store.soft_deleted):
            for name in [name for name in table if name == key or name.startswith(prefix)]:
                del table[name]

    def list(self, kind: str, key_prefix: str) -> list[ResourceRecord]:
        rows = [row for row in self._store.resources.values() if row[2] == kind and row[0].startswith(key_prefix)]
        rows.sort(key=lambda row: row[6])
        return [_from_row(row) for row in rows]

    def get_operation(self, operation_id: str) -> JsonObject | None:
        text = self._store.operations.get(operation_id)
        return None if text is None else json.loads(text)

    def put_operation(self, operation_id: str, data: JsonObject) -> None:
        self._store.operations[operation_id] = json.dumps(data, separators=(",", ":"))

    def soft_deleted(self, key: str) -> bool:
        return key in self._store.soft_deleted

    def mark_soft_deleted(self, key: str, resource_id: str) -> None:
        self._store.soft_deleted[key] = resource_id

    def purge_soft_deleted(self, key: str) -> bool:
        return self._store.soft_deleted.pop(key, None) is not None


class MemoryStore:
    """The default store: dictionaries behind one lock, gone when the process exits."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.resources: dict[str, _Row] = {}
        self.operations: dict[str, str] = {}
        self.soft_deleted: dict[str, str] = {}
        self.sequence = 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        # Handlers validate everything before their first write, so a failed request leaves no partial
        # state behind even though this store has no rollback.
        with self._lock:
            yield _MemoryTransaction(self)

    def reset(self) -> None:
        with self._lock:
            self.resources.clear()
            self.operations.clear()
            self.soft_deleted.clear()
            self.sequence = 0

    def dump(self) -> JsonObject:
        with self._lock:
            records = [_from_row(row) for row in sorted(self.resources.values(), key=lambda row: row[6])]
            operations = [json.loads(text) for text in self.operations.values()]
            return _dump_records(records, operations, sorted(self.soft_deleted.values()))

    def close(self) -> None:
        """Nothing to release."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    key TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    secrets TEXT NOT NULL,
    pending_operation TEXT,
    sequence INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_by_kind ON resources (kind, sequence);
CREATE TABLE IF NOT EXISTS operations (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS soft_deleted (key TEXT PRIMARY KEY, id TEXT NOT NULL);
"""

_BUSY_TIMEOUT_SECONDS = 30.0


class _SqliteTransaction:
    """SQL behind the :class:`StoreTransaction` methods, on a connection inside ``BEGIN IMMEDIATE``."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def get(self, key: str) -> ResourceRecord | None:
        row = self._connection.execute(
            "SELECT key, id, kind, body, secrets, pending_operation, sequence FROM resources WHERE key = ?",
            (key,),
        ).fetchone()
        return None if row is None else _from_row(row)

    def put(self, record: ResourceRecord) -> None:
        existing = self._connection.execute("SELECT sequence FROM resources WHERE key = ?", (record.key,)).fetchone()
        if existing is not None:
            sequence = int(existing[0])
        else:
            (highest,) = self._connection.execute("SELECT COALESCE(MAX(sequence), 0) FROM resources").fetchone()
            sequence = int(highest) + 1
        record.sequence = sequence
        self._connection.execute(
            "INSERT OR REPLACE INTO resources (key, id, kind, body, secrets, pending_operation, sequence) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            _to_row(record, sequence),
        )

    def delete_tree(self, key: str) -> None:
        prefix = key + "/"
        for table in ("resources", "soft_deleted"):
            self._connection.execute(
                f"DELETE FROM {table} WHERE key = ? OR substr(key, 1, ?) = ?", (key, len(prefix), prefix)
            )

    def list(self, kind: str, key_prefix: str) -> list[ResourceRecord]:
        rows = self._connection.execute(
            "SELECT key, id, kind, body, secrets, pending_operation, sequence FROM resources "
            "WHERE kind = ? AND substr(key, 1, ?) = ? ORDER BY sequence",
            (kind, len(key_prefix), key_prefix),
        ).fetchall()
        return [_from_row(row) for row in rows]

    def get_operation(self, operation_id: str) -> JsonObject | None:
        row = self._connection.execute("SELECT data FROM operations WHERE id = ?", (operation_id,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_operation(self, operation_id: str, data: JsonObject) -> None:
        self._connection.execute(
            "INSERT OR REPLACE INTO operations (id, data) VALUES (?, ?)",
            (operation_id, json.dumps(data, separators=(",", ":"))),
        )

    def soft_deleted(self, key: str) -> bool:
        return self._connection.execute("SELECT 1 FROM soft_deleted WHERE key = ?", (key,)).fetchone() is not None

    def mark_soft_deleted(self, key: str, resource_id: str) -> None:
        self._connection.execute("INSERT OR REPLACE INTO soft_deleted (key, id) VALUES (?, ?)", (key, resource_id))

    def purge_soft_deleted(self, key: str) -> bool:
        cursor = self._connection.execute("DELETE FROM soft_deleted WHERE key = ?", (key,))
        return cursor.rowcount > 0


class SqliteStore:
    """A store in a SQLite file: survives restarts and can be shared by several processes.

    Connections are pooled and handed to one transaction at a time, because the HTTP server starts a thread
    per client connection and a sqlite3 connection must not be used by two threads at once.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = os.fspath(path)
        self._pool: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._all: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._closed = False
        connection = self._connect()
        connection.executescript(_SCHEMA)
        self._pool.put(connection)

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so each request is one write transaction
        # that takes the database write lock up front instead of failing to upgrade a read lock later.
        connection = sqlite3.connect(
            self._path, timeout=_BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        connection.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_SECONDS * 1000)}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        with self._pool_lock:
            self._all.append(connection)
        return connection

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        if self._closed:
            raise RuntimeError("the SQLite store is closed")
        try:
            connection = self._pool.get_nowait()
        except queue.Empty:
            connection = self._connect()
        try:
            yield connection
        finally:
            self._pool.put(connection)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        with self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTransaction(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def reset(self) -> None:
        with self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("DELETE FROM resources")
            connection.execute("DELETE FROM operations")
            connection.execute("DELETE FROM soft_deleted")
            connection.execute("COMMIT")

    def dump(self) -> JsonObject:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT key, id, kind, body, secrets, pending_operation, sequence FROM resources ORDER BY sequence"
            ).fetchall()
            operations = [json.loads(text) for (text,) in connection.execute("SELECT data FROM operations")]
            soft = sorted(resource_id for (resource_id,) in connection.execute("SELECT id FROM soft_deleted"))
        return _dump_records([_from_row(row) for row in rows], operations, soft)

    def close(self) -> None:
        self._closed = True
        with self._pool_lock:
            connections, self._all = self._all, []
        for connection in connections:
            connection.close()
