"""The README's new-project program with the real CLI, and its offline stack commands as written.

The program and the commands are read from the README's "A new project" section (the Quick start it replaced);
test_new_project_from_readme.py runs every step of that section, virtualenv and login included. Here the program
becomes a project's `__main__.py` (with this test run's virtualenv), and the offline block runs line by line.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cli_driver import REPOSITORY, Cli

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


def quick_start() -> tuple[str, list[str]]:
    text = (REPOSITORY / "README.md").read_text()
    section = text[text.index("## A new project") : text.index("### The same project on Azure")]
    program = re.search(r"```python\n(.*?)```", section, re.S)
    assert program, "the new-project section has no program"
    block = next(
        (b for b in re.finditer(r"```bash\n(.*?)```", section, re.S) if "pulumi stack init" in b.group(1)), None
    )
    assert block, "the new-project section has no offline stack commands"
    lines = [line.strip() for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]
    return program.group(1), lines


def test_the_quick_start_runs_offline_as_written(tmp_path: Path, cli: Cli) -> None:
    program, commands = quick_start()
    project = tmp_path / "quick-start"
    project.mkdir()
    (project / "__main__.py").write_text(program)
    (project / "Pulumi.yaml").write_text(
        yaml.safe_dump({"name": "quick-start", "runtime": {"name": "python", "options": {"virtualenv": sys.prefix}}})
    )
    outputs = ""
    for command in commands:
        completed = subprocess.run(
            ["bash", "-c", command], cwd=project, env=cli.environment(), capture_output=True, text=True, timeout=300
        )
        assert completed.returncode == 0, f"{command}\n{completed.stdout}\n{completed.stderr}"
        if command.startswith("pulumi up"):
            outputs = completed.stdout
    assert "5 created" in outputs, outputs
    assert "scoring_uri" in outputs
