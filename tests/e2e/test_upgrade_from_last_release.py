"""Stacks made by the last release keep working: `up` with the last release's provider code, then, with this
checkout's, `pulumi refresh --expect-no-changes` and `pulumi preview --expect-no-changes` hold, and `destroy` works.

The last release's code is taken from git (`git archive LAST_RELEASE provider`) and put first on the program's and
the provider host's `PYTHONPATH`, so the same virtualenv runs either version; the pickled provider in the state
(`pulumi_azureml.provider.AzureMLProvider`) is then unpickled by the new code. The program has one resource of each
kind whose stored values the service re-spells (programs/respelt).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import REPOSITORY, Cli, Project

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

LAST_RELEASE = "192aab5"
"""main as the last landed release left it (move it forward when a release lands)."""
PROGRAM = Path(__file__).resolve().parent / "programs" / "respelt"


def last_release_provider(destination: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", LAST_RELEASE, "provider"],
        cwd=REPOSITORY,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination / "provider"


def test_a_stack_from_the_last_release_refreshes_and_previews_without_change(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    old_code = last_release_provider(tmp_path / "release")
    project = Project.from_program(tmp_path / "project", PROGRAM, "azureml-upgrade")
    project.write_stack_config("dev", emulator_config)
    old = Cli(cli.binary_dir, cli.root, extra_environment={"PYTHONPATH": str(old_code)})
    old.run("stack", "init", "dev", cwd=project.directory)
    old.run("up", "--yes", "--skip-preview", cwd=project.directory)
    # The last release's code did run: it PUT datastores without skipValidation (this checkout sends it).
    datastore_puts = [e for e in emulator.requests_log() if e["method"] == "PUT" and "/datastores/" in e["path"]]
    assert datastore_puts and all("skipValidation" not in entry["params"] for entry in datastore_puts)

    emulator.clear_requests_log()
    cli.run("refresh", "--yes", "--expect-no-changes", cwd=project.directory)
    cli.run("preview", "--expect-no-changes", cwd=project.directory)
    changed = [e for e in emulator.requests_log() if e["method"] in ("PUT", "PATCH", "DELETE")]
    assert changed == [], "refreshing and previewing after the upgrade changed nothing in Azure"
    cli.run("destroy", "--yes", "--skip-preview", cwd=project.directory)
