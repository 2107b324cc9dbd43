"""Run the SDK's dynamic-provider host (``python -m pulumi.dynamic``) as the Pulumi CLI does and speak its gRPC.

The CLI starts the host through the ``pulumi-resource-pulumi-python`` shim, which runs ``python -u -m
pulumi.dynamic`` (sdk/python/dist/pulumi-resource-pulumi-python.cmd and its POSIX twin); the host prints its port on
the first line of stdout and serves ``pulumirpc.ResourceProvider`` on 127.0.0.1. Everything the host prints after
that line is what a user would see from a dynamic provider, so it is kept for tests to read.
"""

from __future__ import annotations

import atexit
import functools
import os
import queue
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

import grpc
from google.protobuf import empty_pb2
from pulumi.dynamic.dynamic import ResourceProvider, serialize_provider
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from .values import PropertyMap, from_struct, make_secret, to_struct

REPO_ROOT = Path(__file__).resolve().parents[2]
TESTS_DIR = REPO_ROOT / "tests"
PROVIDER_DIR = REPO_ROOT / "provider"

_T = TypeVar("_T")

# Status codes that mean the host process is gone (killed, crashed), as opposed to a provider raising:
# the host turns provider exceptions into UNKNOWN with the traceback (pulumi/dynamic/__main__.py,
# ``_abort_with_traceback``).
_HOST_GONE_CODES = frozenset({"UNAVAILABLE", "CANCELLED"})


class HostError(Exception):
    """A gRPC call to the host failed; ``details`` carries the host's message (a Python traceback for provider
    exceptions)."""

    def __init__(self, method: str, code: str, details: str) -> None:
        super().__init__(f"{method} failed ({code}): {details}")
        self.method = method
        self.code = code
        self.details = details

    @property
    def host_gone(self) -> bool:
        """True when the host process was unreachable (killed or crashed) rather than the provider raising."""
        return self.code in _HOST_GONE_CODES


@dataclass(frozen=True)
class CheckReply:
    """Result of Check: the inputs the provider wants stored, and its validation failures (property, reason)."""

    inputs: PropertyMap
    failures: list[tuple[str, str]]


@dataclass(frozen=True)
class DiffReply:
    """Result of Diff as the host forwards it: ``changes`` is True/False, or None for DIFF_UNKNOWN."""

    changes: bool | None
    replaces: tuple[str, ...]
    delete_before_replace: bool


@dataclass(frozen=True)
class CreateReply:
    id: str
    outputs: PropertyMap


@dataclass(frozen=True)
class ReadReply:
    """Result of Read; ``id == ""`` means gone; ``inputs`` is None when the provider returned none."""

    id: str
    outputs: PropertyMap
    inputs: PropertyMap | None


@dataclass(frozen=True)
class ConcurrentOutcome(Generic[_T]):
    """One call of :func:`run_host_concurrently`: its value or error, and when it ran (``time.monotonic``)."""

    value: _T | None
    error: BaseException | None
    started: float
    finished: float


class _OutputBuffer:
    """Lines the host printed after its port line, from stdout and stderr, in arrival order."""

    def __init__(self) -> None:
        self._lines: list[tuple[str, str]] = []
        self._changed = threading.Condition()

    def append(self, stream: str, line: str) -> None:
        with self._changed:
            self._lines.append((stream, line))
            self._changed.notify_all()

    def text(self, stream: str | None = None) -> str:
        with self._changed:
            return "".join(line for name, line in self._lines if stream is None or name == stream)

    def wait_for(self, needle: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while needle not in "".join(line for _, line in self._lines):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True


_LIVE_HOSTS: weakref.WeakSet[ProviderHost] = weakref.WeakSet()


@atexit.register
def _kill_leftover_hosts() -> None:
    # Only processes this module started, each by its own handle.
    for host in list(_LIVE_HOSTS):
        host.kill()


def provider_property(provider: ResourceProvider) -> str:
    """The ``__provider`` value the SDK would send for ``provider`` (base64 dill pickle)."""
    value: str = serialize_provider(provider)
    return value


class ProviderHost:
    """One ``python -m pulumi.dynamic`` process plus a gRPC stub to it.

    Property maps in and out are plain Python dicts; secrets must already be stripped (the engine strips them because
    the host answers ``acceptSecrets: false``), except in :meth:`configure`, whose secret keys are sent wrapped and
    unwrapped by the host as the engine's Configure does.
    """

    def __init__(
        self,
        *,
        project: str = "project",
        extra_pythonpath: Iterable[str | os.PathLike[str]] = (),
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 30.0,
        call_timeout: float | None = 120.0,
    ) -> None:
        self.project = project
        self.extra_pythonpath = [str(p) for p in extra_pythonpath]
        self.env_overrides = dict(env or {})
        self.startup_timeout = startup_timeout
        self.call_timeout = call_timeout
        self.port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: provider_pb2_grpc.ResourceProviderStub | None = None
        self._output = _OutputBuffer()
        self._readers: list[threading.Thread] = []
        # kill() may come from a test thread while the run's own thread is stopping the host.
        self._shutdown_lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------------------------------

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.env_overrides)
        # The host unpickles each ``__provider`` by module path, so the modules defining providers must be
        # importable there: the project's provider package, the tests tree (toy providers) and anything extra.
        paths = [*self.extra_pythonpath, str(TESTS_DIR), str(PROVIDER_DIR)]
        if env.get("PYTHONPATH"):
            paths.append(env["PYTHONPATH"])
        env["PYTHONPATH"] = os.pathsep.join(paths)
        # The host's get_provider() reads it for Settings(project=...) (pulumi/dynamic/__main__.py).
        env["PULUMI_PROJECT"] = self.project
        return env

    def start(self) -> ProviderHost:
        """Start the process, read its port, connect, and call GetPluginInfo as the engine does first."""
        if self._proc is not None:
            raise RuntimeError("host already started")
        self._proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self._environment(),
        )
        _LIVE_HOSTS.add(self)
        assert self._proc.stdout is not None and self._proc.stderr is not None
        port_line: queue.Queue[str | None] = queue.Queue(maxsize=1)
        self._readers = [
            threading.Thread(
                target=self._pump, args=(self._proc.stdout, "stdout", port_line), name="host-stdout", daemon=True
            ),
            threading.Thread(
                target=self._pump, args=(self._proc.stderr, "stderr", None), name="host-stderr", daemon=True
            ),
        ]
        for reader in self._readers:
            reader.start()
        try:
            first = port_line.get(timeout=self.startup_timeout)
        except queue.Empty:
            self.kill()
            raise HostError("start", "DEADLINE_EXCEEDED", "host printed no port line in time") from None
        if first is None or not first.strip().isdigit():
            self.kill()
            raise HostError("start", "UNAVAILABLE", f"host exited before serving: {first!r}\n{self.stderr}")
        self.port = int(first.strip())
        # Same channel options (message size limits) as the host's server and the SDK's clients.
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=_GRPC_CHANNEL_OPTIONS)
        grpc.channel_ready_future(self._channel).result(timeout=self.startup_timeout)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        self._call("GetPluginInfo", empty_pb2.Empty())
        return self

    def _pump(self, stream: IO[bytes], name: str, port_line: queue.Queue[str | None] | None) -> None:
        first = port_line is not None
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace")
            if first and port_line is not None:
                port_line.put(line)
                first = False
            else:
                self._output.append(name, line)
        if first and port_line is not None:
            port_line.put(None)

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise RuntimeError("host not started")
        return self._proc.pid

    @property
    def returncode(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    @property
    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """End the process (SIGTERM, then SIGKILL after ``timeout``) and release pipes and channel."""
        self._shutdown(kill=False, timeout=timeout)

    def kill(self) -> None:
        """SIGKILL the process at once (an interrupted run); in-flight calls fail with a host-gone HostError."""
        self._shutdown(kill=True, timeout=10.0)

    def _shutdown(self, *, kill: bool, timeout: float) -> None:
        with self._shutdown_lock:
            self._shutdown_locked(kill=kill, timeout=timeout)

    def _shutdown_locked(self, *, kill: bool, timeout: float) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            if kill:
                proc.kill()
            else:
                proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for reader in self._readers:
            reader.join(timeout=timeout)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        _LIVE_HOSTS.discard(self)

    def __enter__(self) -> ProviderHost:
        return self if self._proc is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- captured output -------------------------------------------------------------------------------------------

    @property
    def output(self) -> str:
        """Everything the host printed after the port line, stdout and stderr interleaved."""
        return self._output.text()

    @property
    def stdout(self) -> str:
        return self._output.text("stdout")

    @property
    def stderr(self) -> str:
        return self._output.text("stderr")

    def wait_for_output(self, needle: str, timeout: float = 30.0) -> bool:
        """Block until ``needle`` appears in the output (True) or ``timeout`` passes (False)."""
        return self._output.wait_for(needle, timeout)

    # -- RPCs ------------------------------------------------------------------------------------------------------

    def _call(self, method: str, request: Any, timeout: float | None = None) -> Any:
        if self._stub is None:
            raise RuntimeError("host not started")
        rpc: Callable[..., Any] = getattr(self._stub, method)
        try:
            return rpc(request, timeout=timeout if timeout is not None else self.call_timeout)
        except grpc.RpcError as exc:
            raise HostError(method, exc.code().name, exc.details() or "") from exc

    def configure(self, config: Mapping[str, str], secret_keys: Iterable[str] = ()) -> bool:
        """Send the stack config (namespaced keys, e.g. ``azureml:subscriptionId``); returns ``acceptSecrets``.

        Secret keys travel secret-wrapped, as the engine sends them; the host unwraps them (``Configure``).
        """
        secret = set(secret_keys)
        args = {k: make_secret(v) if k in secret else v for k, v in config.items()}
        reply = self._call(
            "Configure",
            provider_pb2.ConfigureRequest(
                variables=dict(config), args=to_struct(args), acceptSecrets=True, acceptResources=True
            ),
        )
        return bool(reply.acceptSecrets)

    def check(self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckReply:
        name, type_ = _name_type(urn)
        reply = self._call(
            "Check",
            provider_pb2.CheckRequest(urn=urn, olds=to_struct(olds), news=to_struct(news), name=name, type=type_),
        )
        return CheckReply(inputs=from_struct(reply.inputs), failures=[(f.property, f.reason) for f in reply.failures])

    def diff(
        self,
        urn: str,
        id_: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
    ) -> DiffReply:
        """``olds`` are the prior *outputs* (the host hands them to ``provider.diff``), ``news`` the checked inputs."""
        name, type_ = _name_type(urn)
        reply = self._call(
            "Diff",
            provider_pb2.DiffRequest(
                id=id_,
                urn=urn,
                olds=to_struct(olds),
                news=to_struct(news),
                old_inputs=to_struct(old_inputs or {}),
                name=name,
                type=type_,
            ),
        )
        changes: bool | None = {
            provider_pb2.DiffResponse.DIFF_SOME: True,
            provider_pb2.DiffResponse.DIFF_NONE: False,
        }.get(reply.changes)
        return DiffReply(
            changes=changes, replaces=tuple(reply.replaces), delete_before_replace=bool(reply.deleteBeforeReplace)
        )

    def create(self, urn: str, properties: Mapping[str, Any], *, timeout: float | None = None) -> CreateReply:
        name, type_ = _name_type(urn)
        reply = self._call(
            "Create",
            provider_pb2.CreateRequest(urn=urn, properties=to_struct(properties), name=name, type=type_),
            timeout,
        )
        return CreateReply(id=reply.id, outputs=from_struct(reply.properties))

    def read(
        self, urn: str, id_: str, properties: Mapping[str, Any], inputs: Mapping[str, Any] | None = None
    ) -> ReadReply:
        """Refresh-style Read: ``properties`` are the prior outputs, ``inputs`` the prior inputs."""
        name, type_ = _name_type(urn)
        reply = self._call(
            "Read",
            provider_pb2.ReadRequest(
                id=id_,
                urn=urn,
                properties=to_struct(properties),
                inputs=to_struct(inputs or {}),
                name=name,
                type=type_,
            ),
        )
        return ReadReply(
            id=reply.id,
            outputs=from_struct(reply.properties),
            inputs=from_struct(reply.inputs) if reply.HasField("inputs") else None,
        )

    def update(
        self,
        urn: str,
        id_: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> PropertyMap:
        """``olds`` are the prior outputs, ``news`` the checked inputs; returns the new outputs."""
        name, type_ = _name_type(urn)
        reply = self._call(
            "Update",
            provider_pb2.UpdateRequest(
                id=id_,
                urn=urn,
                olds=to_struct(olds),
                news=to_struct(news),
                old_inputs=to_struct(old_inputs or {}),
                name=name,
                type=type_,
            ),
            timeout,
        )
        return from_struct(reply.properties)

    def delete(
        self,
        urn: str,
        id_: str,
        properties: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> None:
        """``properties`` are the prior outputs (what the host hands to ``provider.delete``)."""
        name, type_ = _name_type(urn)
        self._call(
            "Delete",
            provider_pb2.DeleteRequest(
                id=id_,
                urn=urn,
                properties=to_struct(properties),
                old_inputs=to_struct(old_inputs or {}),
                name=name,
                type=type_,
            ),
            timeout,
        )

    def create_many(
        self, requests: Sequence[tuple[str, Mapping[str, Any]]], *, timeout: float = 120.0
    ) -> list[ConcurrentOutcome[CreateReply]]:
        """Send one Create per ``(urn, properties)`` at the same moment, from separate threads."""
        calls: list[Callable[[], CreateReply]] = [functools.partial(self.create, urn, props) for urn, props in requests]
        return run_host_concurrently(calls, timeout=timeout)


def _name_type(urn: str) -> tuple[str, str]:
    # Recent engines send name and type alongside the URN; the dynamic host ignores all three.
    parts = urn.split("::")
    if len(parts) < 4:
        return "", ""
    return parts[-1], parts[-2].split("$")[-1]


def run_host_concurrently(calls: Sequence[Callable[[], _T]], *, timeout: float = 120.0) -> list[ConcurrentOutcome[_T]]:
    """Run every call in its own thread, released together by a barrier; outcomes in call order.

    Meant for calls into one :class:`ProviderHost` (gRPC stubs are thread-safe), to exercise the host's shared
    4-thread server pool.
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list[ConcurrentOutcome[_T] | None] = [None] * len(calls)

    def worker(index: int, call: Callable[[], _T]) -> None:
        barrier.wait()
        started = time.monotonic()
        try:
            value = call()
        except BaseException as exc:  # handed back to the caller in the outcome
            outcomes[index] = ConcurrentOutcome(None, exc, started, time.monotonic())
        else:
            outcomes[index] = ConcurrentOutcome(value, None, started, time.monotonic())

    threads = [
        threading.Thread(target=worker, args=(i, call), name=f"concurrent-call-{i}", daemon=True)
        for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError(f"concurrent host calls still running after {timeout} s")
    return [outcome for outcome in outcomes if outcome is not None]
