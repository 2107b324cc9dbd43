"""Drives the real Pulumi CLI for the e2e suite: one isolated home, file backend and passphrase per test.

Nothing here imitates the engine. `Cli.run` starts the `pulumi` binary that `tests/pulumi-cli/provide` made
available (a vendor install on PATH, or the pinned build), with every network feature off, and returns what it
printed. `Project` lays a program out as a Pulumi project whose virtualenv is this test run's interpreter.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPOSITORY = Path(__file__).resolve().parents[2]
PROVIDE = REPOSITORY / "tests" / "pulumi-cli" / "provide"
PASSPHRASE = "e2e-passphrase-not-a-secret"
# Exit code of `provide` when there is neither a `pulumi` on PATH nor Go to build one.
NO_CLI_AND_NO_GO = 3


class CliFailed(AssertionError):
    """A `pulumi` command exited non-zero where the test expected success."""


@dataclass
class Result:
    arguments: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)


def provide_cli() -> tuple[Path | None, str]:
    """The directory holding `pulumi`, or None with the reason there is none (only when no Go exists either)."""
    given = os.environ.get("PULUMI_AZUREML_CLI_DIR")
    if given:
        return Path(given), "from PULUMI_AZUREML_CLI_DIR"
    completed = subprocess.run([str(PROVIDE)], capture_output=True, text=True, check=False, timeout=3000)
    if completed.returncode == NO_CLI_AND_NO_GO:
        return None, completed.stderr.strip()
    if completed.returncode != 0:
        raise RuntimeError(f"tests/pulumi-cli/provide failed ({completed.returncode}):\n{completed.stderr}")
    return Path(completed.stdout.strip().splitlines()[-1]), completed.stderr.strip()


@dataclass
class Cli:
    """The `pulumi` binary with an environment of its own under ``root`` (home, backend, plugins)."""

    binary_dir: Path
    root: Path
    extra_environment: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        (self.root / "home").mkdir(parents=True, exist_ok=True)
        (self.root / "backend").mkdir(parents=True, exist_ok=True)

    @property
    def backend(self) -> Path:
        return self.root / "backend"

    def environment(self) -> dict[str, str]:
        environment = {
            key: value
            for key, value in os.environ.items()
            # A developer's own Pulumi settings must not leak into the tests (nor the tests into them).
            if not key.startswith(("PULUMI_", "AZURE_", "ARM_"))
        }
        environment.update(
            {
                "PATH": os.pathsep.join([str(self.binary_dir), str(Path(sys.executable).parent), environment["PATH"]]),
                "PULUMI_HOME": str(self.root / "home"),
                "PULUMI_BACKEND_URL": f"file://{self.backend}",
                "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_SKIP_CONFIRMATIONS": "true",
                "NO_COLOR": "1",
            }
        )
        environment.update(self.extra_environment)
        return environment

    def command(self, *arguments: str) -> list[str]:
        return [str(self.binary_dir / "pulumi"), *arguments]

    def run(
        self, *arguments: str, cwd: Path, check: bool = True, timeout: float = 600, stdin: str | None = None
    ) -> Result:
        """Run a command to its end, in a session of its own (the CLI, its language host, the program and the
        provider host all belong to it); if it outlives ``timeout``, every process of that session is killed."""
        process = subprocess.Popen(
            self.command(*arguments),
            cwd=cwd,
            env=self.environment(),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_session(process.pid)
            process.communicate()
            raise
        result = Result(list(arguments), process.returncode, stdout, stderr)
        if check and process.returncode != 0:
            raise CliFailed(
                f"pulumi {' '.join(arguments)} exited {process.returncode}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
            )
        return result

    def start(self, *arguments: str, cwd: Path) -> subprocess.Popen[str]:
        """Start a command without waiting (for interruption tests), in a session of its own: its pid names the
        session (:func:`session_members`), so signals stay ours and everything it starts can be found."""
        return subprocess.Popen(
            self.command(*arguments),
            cwd=cwd,
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )


def interrupt(process: subprocess.Popen[str], sig: signal.Signals) -> None:
    process.send_signal(sig)


def session_members(session: int) -> list[int]:
    """Pids of the live processes of a session. The CLI starts each plugin (language host, provider host) in a
    process group of its own, so a group is not enough to find them; the session they inherit is."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            if os.getsid(int(name)) == session and not _is_zombie(int(name)):
                found.append(int(name))
        except (OSError, ProcessLookupError):
            continue
    return found


def kill_session(session: int) -> None:
    """SIGKILL every process of a session: what a closed terminal or a cancelled CI job does to all of them."""
    for pid in session_members(session):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X")


@dataclass
class Project:
    """A Pulumi project directory for one test: a copy of a program, with Pulumi.yaml pointing at our interpreter."""

    directory: Path
    name: str

    @classmethod
    def from_program(cls, destination: Path, program: Path, name: str, *, copy_stack_files: bool = True) -> Project:
        destination.mkdir(parents=True, exist_ok=True)
        for entry in program.iterdir():
            if entry.name in {"venv", ".venv", "__pycache__", "Pulumi.yaml", "requirements.txt"}:
                continue
            if entry.name.startswith("Pulumi.") and not copy_stack_files:
                continue
            if entry.is_dir():
                shutil.copytree(entry, destination / entry.name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(entry, destination / entry.name)
        original = yaml.safe_load((program / "Pulumi.yaml").read_text()) if (program / "Pulumi.yaml").exists() else {}
        settings: dict[str, Any] = {
            "name": name,
            # The program's own virtualenv would be created from requirements.txt; the tests use theirs, which has
            # this checkout installed.
            "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": sys.prefix}},
        }
        if original.get("description"):
            settings["description"] = original["description"]
        (destination / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
        return cls(destination, name)

    def write_stack_config(self, stack: str, config: dict[str, str]) -> None:
        path = self.directory / f"Pulumi.{stack}.yaml"
        existing = yaml.safe_load(path.read_text()) if path.exists() else None
        merged = dict((existing or {}).get("config") or {})
        merged.update(config)
        path.write_text(yaml.safe_dump({"config": merged}, sort_keys=False))


def engine_events(path: Path) -> list[dict[str, Any]]:
    """The engine's event log written by `--event-log PATH` (one JSON object per line)."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def resource_operations(preview_json: dict[str, Any]) -> dict[str, str]:
    """`pulumi preview --json`'s steps as {resource name: op}, the stack itself left out."""
    operations: dict[str, str] = {}
    for step in preview_json.get("steps", []):
        urn = step.get("urn", "")
        if urn.endswith("pulumi:pulumi:Stack") or "::pulumi:pulumi:Stack::" in urn:
            continue
        operations[urn.rsplit("::", 1)[-1]] = step["op"]
    return operations


def copy_checkout(destination: Path) -> Path:
    """The files a fresh clone has (tracked and new, not ignored): no .venv, no CLI build, no local state."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=REPOSITORY,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = REPOSITORY / relative
        if not source.exists():
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return destination
