"""A toy dynamic provider for the harness's own tests: each resource is an entry in a JSON file named by an input.

Module-level classes, so the SDK pickles the provider by reference and the host imports this module
(``harness.toy_provider``, importable there because the host's PYTHONPATH includes ``tests/``). The JSON file plays
the cloud: tests read it to see what the provider was asked to do, and edit it to make out-of-band changes.

Inputs: ``db`` (path of the JSON file), ``name`` (create-only: a change replaces), ``size`` (number, updatable),
``password`` (optional, meant to be secret), ``delete_first`` (ask for delete-before-replace), and test knobs
``sleep`` (seconds Create waits), ``block_create`` (Create waits until the process dies), ``fail_create`` (Create
raises this message). Outputs: the inputs echoed, plus ``token`` (random, declared an additional secret output),
``size_type`` (the Python type ``size`` arrived as), ``greeting``/``api_key_length`` (from the stack config) and
``peak_in_flight`` (most Creates this host process ran at once).
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, TypeGuard

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

INPUT_KEYS = ("db", "name", "size", "password", "delete_first")
"""Inputs the toy stores and reports back from Read."""

# The host serves all calls from one provider instance on 4 threads; the file and the counters need a lock.
_LOCK = threading.Lock()
_in_flight = 0
_peak_in_flight = 0


class ToyDb:
    """The toy's "cloud": ``{"resources": {id: entry}, "calls": ["create:<name>", ...]}`` in a JSON file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"resources": {}, "calls": []}
        data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        return data

    def _store(self, data: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
        os.replace(tmp, self.path)

    def resources(self) -> dict[str, dict[str, Any]]:
        resources: dict[str, dict[str, Any]] = self.load()["resources"]
        return resources

    def calls(self) -> list[str]:
        calls: list[str] = self.load()["calls"]
        return calls

    def get(self, id_: str) -> dict[str, Any] | None:
        return self.resources().get(id_)

    def put(self, id_: str, entry: dict[str, Any] | None, call: str | None = None) -> None:
        """Write (or with ``None`` remove) an entry; ``call`` is appended to the call log."""
        with _LOCK:
            data = self.load()
            if entry is None:
                data["resources"].pop(id_, None)
            else:
                data["resources"][id_] = entry
            if call is not None:
                data["calls"].append(call)
            self._store(data)

    def edit(self, id_: str, **changes: Any) -> None:
        """Out-of-band change, as someone editing the resource in the portal would make."""
        entry = self.get(id_)
        if entry is None:
            raise KeyError(id_)
        self.put(id_, {**entry, **changes})


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class ToyProvider(ResourceProvider):
    """CRUD over a :class:`ToyDb`; prints one line per call (never the password) as a real provider would log."""

    greeting: str | None = None
    api_key: str | None = None

    def configure(self, req: ConfigureRequest) -> None:
        self.greeting = req.config.get("azureml:toyGreeting")
        self.api_key = req.config.get("azureml:toyApiKey")

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures: list[CheckFailure] = []
        name = news.get("name")
        if not isinstance(name, (str, Unknown)):
            failures.append(CheckFailure("name", "name is required and must be a string"))
        size = news.get("size")
        if not isinstance(size, Unknown) and not (_is_number(size) and size >= 0):
            failures.append(CheckFailure("size", f"size must be a number >= 0, got {size!r}"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in ("name", "size", "password") if olds.get(key) != news.get(key)]
        return DiffResult(
            changes=bool(changed),
            replaces=["name"] if "name" in changed else [],
            delete_before_replace=bool(news.get("delete_first")),
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        global _in_flight, _peak_in_flight
        with _LOCK:
            _in_flight += 1
            _peak_in_flight = max(_peak_in_flight, _in_flight)
        try:
            print(f"toy: create {props['name']} size={props['size']!r}", flush=True)
            if props.get("fail_create"):
                raise RuntimeError(props["fail_create"])
            if props.get("block_create"):
                print("toy: create blocking", flush=True)
                threading.Event().wait(120)  # Ends when the test kills the host.
            if props.get("sleep"):
                time.sleep(float(props["sleep"]))
            id_ = f"{props['name']}-{secrets.token_hex(4)}"
            outs = {key: props[key] for key in INPUT_KEYS if key in props}
            outs.update(
                token=f"tok-{secrets.token_hex(8)}",
                size_type=type(props["size"]).__name__,
                greeting=self.greeting,
                api_key_length=None if self.api_key is None else len(self.api_key),
                peak_in_flight=_peak_in_flight,
            )
            ToyDb(props["db"]).put(id_, outs, call=f"create:{props['name']}")
            return CreateResult(id_, outs)
        finally:
            with _LOCK:
                _in_flight -= 1

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        entry = ToyDb(props["db"]).get(id_)
        if entry is None:
            print(f"toy: read {id_} gone", flush=True)
            return ReadResult("", {})
        print(f"toy: read {id_}", flush=True)
        return ReadResult(id_, dict(entry), {key: entry[key] for key in INPUT_KEYS if key in entry})

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        print(f"toy: update {news['name']} size={news['size']!r}", flush=True)
        db = ToyDb(news["db"])
        entry = db.get(id_)
        if entry is None:
            raise RuntimeError(f"toy resource {id_} does not exist")
        entry.update({key: news[key] for key in INPUT_KEYS if key in news})
        entry["size_type"] = type(news["size"]).__name__
        db.put(id_, entry, call=f"update:{news['name']}")
        return UpdateResult(entry)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        print(f"toy: delete {props.get('name')}", flush=True)
        ToyDb(props["db"]).put(id_, None, call=f"delete:{props.get('name')}")


class ToyProviderNoDiff(ToyProvider):
    """Leaves Diff to the engine: the SDK default answers DIFF_UNKNOWN."""

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return ResourceProvider.diff(self, _id, olds, news)


class ToyProviderPlainPickle(ToyProvider):
    """Asks the SDK not to make ``__provider`` a secret (it captures no secrets)."""

    serialize_as_secret_always = False


class ToyThing(Resource, module="toy", name="Thing"):
    """A toy resource; type token ``pulumi-python:dynamic/toy:Thing``."""

    token: pulumi.Output[str]
    size: pulumi.Output[float]
    size_type: pulumi.Output[str]
    password: pulumi.Output[str]
    greeting: pulumi.Output[str]
    api_key_length: pulumi.Output[float]
    peak_in_flight: pulumi.Output[float]

    def __init__(
        self,
        resource_name: str,
        *,
        db: pulumi.Input[str],
        name: pulumi.Input[str],
        size: pulumi.Input[float],
        password: pulumi.Input[str] | None = None,
        delete_first: bool | None = None,
        sleep: float | None = None,
        block_create: bool | None = None,
        fail_create: str | None = None,
        provider: ToyProvider | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "db": db,
            "name": name,
            "size": size,
            "password": password,
            "delete_first": delete_first,
            "sleep": sleep,
            "block_create": block_create,
            "fail_create": fail_create,
            # Output-only properties must be present (as None) to become attributes.
            "token": None,
            "size_type": None,
            "greeting": None,
            "api_key_length": None,
            "peak_in_flight": None,
        }
        opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(additional_secret_outputs=["token"]), opts)
        super().__init__(provider or ToyProvider(), resource_name, props, opts)
