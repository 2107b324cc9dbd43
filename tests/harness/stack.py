"""A harness stack: ``preview``/``up``/``refresh``/``destroy`` over a state file, each verb one simulated CLI run.

Each verb loads the state file afresh, starts the dynamic-provider host lazily (only if a dynamic resource needs
it), sends Configure with the stack config before the first call, and stops the host at the end, so consecutive
verbs behave like consecutive ``pulumi`` commands and a new :class:`Stack` on the same file continues the same stack.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pulumi.runtime import mocks as sdk_mocks

from .cipher import SecretsCipher
from .engine import Deployment, DeploymentError, EchoMocks, HarnessMonitor, Step
from .host import HostError, ProviderHost
from .program import Program, program_directory, run_program
from .state import StackState
from .values import PropertyMap, is_secret, strip_secrets

VERBS = ("preview", "up", "refresh", "destroy")


@dataclass(frozen=True)
class DeploymentResult:
    """What one verb did: its steps in order, the program's stack outputs (preview/up), the host's printed output."""

    verb: str
    steps: tuple[Step, ...]
    outputs: PropertyMap
    """Stack outputs with secrets unwrapped; which were secret is in ``secret_outputs``."""
    secret_outputs: frozenset[str]
    host_output: str
    """Everything the dynamic-provider host printed during this verb ("" if no host was needed)."""
    host_started: bool
    warnings: tuple[str, ...]

    def steps_for(self, name: str) -> list[Step]:
        """Every step for the resource with this logical name (or URN)."""
        return [step for step in self.steps if name in (step.name, step.urn)]

    def step(self, name: str) -> Step:
        """The last step for the resource with this logical name (or URN); KeyError if it has none."""
        steps = self.steps_for(name)
        if not steps:
            raise KeyError(f"no step for {name!r}; steps: {self.ops()}")
        return steps[-1]

    def op(self, name: str) -> str:
        return self.step(name).op

    def ops(self) -> dict[str, str]:
        """Logical name -> op of its last step."""
        return {step.name: step.op for step in self.steps}

    def names(self, op: str) -> list[str]:
        """Logical names whose steps have this op, in step order."""
        return [step.name for step in self.steps if step.op == op]

    @property
    def changed(self) -> bool:
        """True if any step is not ``same``."""
        return any(step.op != "same" for step in self.steps)


class Stack:
    """One stack: a state file (plus its ``.key`` file), the stack config, and the Mocks for non-dynamic resources.

    ``config`` holds namespaced keys (``azureml:subscriptionId``) with plaintext values; ``secret_config_keys``
    names the ones that are secrets (they reach the program as secret config and the host wrapped as secrets).
    """

    def __init__(
        self,
        state_path: str | os.PathLike[str],
        config: Mapping[str, str] | None = None,
        secret_config_keys: Iterable[str] = (),
        *,
        project: str = "azureml-harness",
        stack_name: str = "dev",
        mocks: sdk_mocks.Mocks | None = None,
        extra_pythonpath: Iterable[str | os.PathLike[str]] = (),
        host_env: Mapping[str, str] | None = None,
        call_timeout: float | None = 120.0,
    ) -> None:
        self.state_path = Path(state_path)
        self.key_path = self.state_path.with_name(self.state_path.name + ".key")
        self.config = dict(config or {})
        self.secret_config_keys = frozenset(secret_config_keys)
        unknown = self.secret_config_keys - set(self.config)
        if unknown:
            raise ValueError(f"secret_config_keys not in config: {sorted(unknown)}")
        self.project = project
        self.stack_name = stack_name
        self.mocks: sdk_mocks.Mocks = mocks if mocks is not None else EchoMocks()
        self.extra_pythonpath = [str(p) for p in extra_pythonpath]
        self.host_env = dict(host_env or {})
        self.call_timeout = call_timeout
        self.current_host: ProviderHost | None = None
        """The host of the verb in progress (None between verbs); a test may kill() it to interrupt the run."""
        self.last_host_output = ""
        """What the host printed during the last verb, kept even when that verb raised."""
        self._host_listeners: list[Callable[[ProviderHost], None]] = []
        self._cipher = SecretsCipher.for_key_file(self.key_path)

    # -- verbs ---------------------------------------------------------------------------------------------------

    def preview(self, program: Program) -> DeploymentResult:
        """Run the program; Check and Diff only, never Create/Update/Delete; state untouched."""
        return self._run("preview", program)

    def up(self, program: Program) -> DeploymentResult:
        """Run the program and apply: create/update/replace, then delete what the program no longer declares."""
        return self._run("up", program)

    def refresh(self) -> DeploymentResult:
        """Read every dynamic resource back from its provider (the program is not run)."""
        return self._run("refresh", None)

    def destroy(self) -> DeploymentResult:
        """Delete every resource, dependents first (the program is not run)."""
        return self._run("destroy", None)

    def run_in_background(self, verb: str, program: Program | None = None) -> BackgroundRun:
        """Start a verb on another thread, e.g. to kill its host mid-operation."""
        return BackgroundRun(self, verb, program)

    # -- inspection ----------------------------------------------------------------------------------------------

    def state(self) -> StackState:
        """The state file as stored now, secrets decrypted."""
        return StackState.load(self.state_path, self._cipher)

    def state_text(self) -> str:
        """The raw state file (what must never contain a secret's plaintext); "" if there is none."""
        return self.state_path.read_text(encoding="utf-8") if self.state_path.exists() else ""

    def add_host_listener(self, listener: Callable[[ProviderHost], None]) -> None:
        """Call ``listener(host)`` each time a verb has started and configured a host."""
        self._host_listeners.append(listener)

    def remove_host_listener(self, listener: Callable[[ProviderHost], None]) -> None:
        self._host_listeners.remove(listener)

    # -- machinery -----------------------------------------------------------------------------------------------

    def _run(self, verb: str, program: Program | None) -> DeploymentResult:
        if verb not in VERBS:
            raise ValueError(f"unknown verb {verb!r}; expected one of {VERBS}")
        if verb in ("preview", "up") and program is None:
            raise ValueError(f"{verb} needs a program")
        state = StackState.load(self.state_path, self._cipher)
        dry_run = verb == "preview"
        hosts: list[ProviderHost] = []
        program_dir = program_directory(program) if program is not None else None

        def start_host() -> ProviderHost:
            host = ProviderHost(
                project=self.project,
                extra_pythonpath=[*self.extra_pythonpath, *([program_dir] if program_dir else [])],
                env=self.host_env,
                call_timeout=self.call_timeout,
            )
            hosts.append(host)
            host.start()
            self.current_host = host
            host.configure(self.config, self.secret_config_keys)
            for listener in list(self._host_listeners):
                listener(host)
            return host

        def save(snapshot: StackState) -> None:
            snapshot.save(self.state_path, self._cipher, stack=self.stack_name, project=self.project)

        deployment = Deployment(
            stack=self.stack_name,
            project=self.project,
            state=state,
            dry_run=dry_run,
            host_factory=start_host,
            mocks=self.mocks,
            save=None if dry_run else save,
        )
        exports: PropertyMap = {}
        try:
            if verb in ("preview", "up"):
                assert program is not None
                deployment.delete_pending_from_previous_run()
                exports = self._run_program(program, deployment, dry_run)
                deployment.finish_up(exports)
            elif verb == "refresh":
                deployment.refresh_all()
            else:
                deployment.destroy_all()
        finally:
            for host in hosts:
                host.stop()
            self.last_host_output = "".join(host.output for host in hosts)
            self.current_host = None
        return DeploymentResult(
            verb=verb,
            steps=tuple(deployment.steps),
            outputs={name: strip_secrets(value) for name, value in exports.items()},
            secret_outputs=frozenset(name for name, value in exports.items() if is_secret(value)),
            host_output=self.last_host_output,
            host_started=bool(hosts),
            warnings=tuple(deployment.warnings),
        )

    def _run_program(self, program: Program, deployment: Deployment, dry_run: bool) -> PropertyMap:
        try:
            outputs = run_program(
                program,
                mocks=self.mocks,
                monitor=HarnessMonitor(self.mocks, deployment),
                project=self.project,
                stack=self.stack_name,
                preview=dry_run,
                config=self.config,
                secret_config_keys=self.secret_config_keys,
                reported_errors=(HostError, DeploymentError),
            )
        except BaseException as exc:
            # The SDK hands a failed registration's exception back to the program; report the engine-side root
            # cause (HostError, CheckFailed) rather than whatever the program made of it.
            if deployment.error is not None and deployment.error is not exc:
                raise deployment.error from exc
            raise
        if deployment.error is not None:
            # The program swallowed a failed registration; the engine would still fail the run.
            raise deployment.error
        return outputs.values


class BackgroundRun:
    """A verb running on its own thread; ``wait_for_host`` hands over its host as soon as it is configured."""

    def __init__(self, stack: Stack, verb: str, program: Program | None) -> None:
        self._stack = stack
        self._host: ProviderHost | None = None
        self._host_ready = threading.Event()
        self._result: DeploymentResult | None = None
        self._error: BaseException | None = None
        stack.add_host_listener(self._on_host)
        self._thread = threading.Thread(target=self._main, args=(verb, program), name=f"stack-{verb}", daemon=True)
        self._thread.start()

    def _on_host(self, host: ProviderHost) -> None:
        if self._host is None:
            self._host = host
            self._host_ready.set()

    def _main(self, verb: str, program: Program | None) -> None:
        try:
            self._result = self._stack._run(verb, program)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc
        finally:
            self._stack.remove_host_listener(self._on_host)
            self._host_ready.set()

    def wait_for_host(self, timeout: float = 30.0) -> ProviderHost:
        """The run's host, once started and configured; raises if the run ended or timed out without one."""
        if not self._host_ready.wait(timeout) or self._host is None:
            raise TimeoutError("the run started no provider host")
        return self._host

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self, timeout: float = 60.0) -> DeploymentResult:
        """Wait for the run; returns its result or raises its exception."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"the run did not finish within {timeout} s")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result
