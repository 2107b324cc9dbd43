"""docs/emulator.md's "Point a stack at it" (once in the README), as written, with the real CLI: the emulator
started by the page's command, the page's `pulumi config set` lines, then the compute-cluster example up and down
against it.

Only the port changes (8443 on the page, a free one here). The page seeds the workspace the config names, so
the example's cluster is created in it with nothing else set.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import yaml

from cli_driver import REPOSITORY, Cli, Project

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


def emulator_section_blocks() -> list[str]:
    text = (REPOSITORY / "docs" / "emulator.md").read_text()
    section = text[text.index("# The ARM emulator") : text.index("## The REST walkthrough")]
    return re.findall(r"```bash\n(.*?)```", section, re.S)


def commands(block: str) -> list[str]:
    lines = (re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def test_a_stack_pointed_at_the_emulator_as_the_readme_says(tmp_path: Path, cli: Cli) -> None:
    blocks = emulator_section_blocks()
    start = commands(blocks[0])[0]
    config = next(block for block in blocks if "pulumi config set azureml:endpoint" in block)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    emulator = subprocess.Popen(
        ["bash", "-c", "exec " + start.replace("8443", port)],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert emulator.stdout is not None
    try:
        assert emulator.stdout.readline().strip() == f"listening on http://127.0.0.1:{port}"
        name = yaml.safe_load((REPOSITORY / "examples" / "compute-cluster" / "Pulumi.yaml").read_text())["name"]
        project = Project.from_program(tmp_path / "cluster", REPOSITORY / "examples" / "compute-cluster", name)
        cli.run("stack", "init", "emulator", cwd=project.directory)
        for command in commands(config):
            completed = subprocess.run(
                ["bash", "-c", command.replace("8443", port)],
                cwd=project.directory,
                env=cli.environment(),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert completed.returncode == 0, f"{command}\n{completed.stdout}\n{completed.stderr}"
        cli.run("config", "set", "--secret", "adminPassword", "Readme-Passw0rd!", cwd=project.directory)
        cli.run("up", "--yes", cwd=project.directory)
        state = requests.get(f"http://127.0.0.1:{port}/_emulator/state", timeout=10).json()
        computes = [entry["id"] for entry in state["resources"] if entry["kind"] == "compute"]
        assert [compute.rsplit("/", 1)[-1] for compute in computes] == ["cpu-cluster"]
        assert "/workspaces/mlw-demo/" in computes[0]
        cli.run("preview", "--expect-no-changes", cwd=project.directory)
        cli.run("destroy", "--yes", cwd=project.directory)
    finally:
        emulator.send_signal(signal.SIGTERM)
        emulator.wait(timeout=10)
        emulator.stdout.close()
