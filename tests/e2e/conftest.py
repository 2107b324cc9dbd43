"""Fixtures of the e2e suite: the real Pulumi CLI (provided once per run) and a seeded emulator per test.

Where the CLI can be provided (a `pulumi` on PATH, or Go to build the pinned one), a test that cannot run fails.
The suite skips, with the reason printed, only on a machine with neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, provide_cli
from support.emulators import Placement, seeded_emulator, stack_config

PLACEMENT = Placement(
    subscription="00000000-0000-0000-0000-0000000000e2",
    resource_group="rg-e2e",
    workspace="mlw-e2e",
    location="eastus",
    token="e2e-static-token-value",
)


@pytest.fixture(scope="session")
def cli_directory() -> Path:
    directory, message = provide_cli()
    if directory is None:
        pytest.skip(f"no Pulumi CLI and no Go toolchain to build one: {message}")
    return directory


@pytest.fixture
def cli(cli_directory: Path, tmp_path: Path) -> Cli:
    return Cli(cli_directory, tmp_path / "pulumi")


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with seeded_emulator(PLACEMENT) as server:
        yield server


@pytest.fixture
def emulator_config(emulator: EmulatorServer) -> dict[str, str]:
    return stack_config(emulator, PLACEMENT)
