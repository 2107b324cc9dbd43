"""Installing as the README and the examples say: each command from nothing, in a fresh virtualenv.

- The README's Install commands, extracted from its Markdown and run as written in a fresh copy of the checkout.
- Each example's `requirements.txt`, installed with pip from the example's own folder into a fresh virtualenv,
  after which every module the program imports imports there.

These need PyPI (or pip's cache) for pulumi, requests and azure-identity, like a new user's machine. They run in
the e2e phase of ./tests/run, where tests run several at once, because each spends its time in pip.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli_driver import REPOSITORY, copy_checkout

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


def examples_by_requirements() -> dict[str, list[str]]:
    """Examples grouped by the exact text of their requirements.txt: identical files give identical environments,
    so one fresh virtualenv per distinct file serves every program that shares it."""
    groups: dict[str, list[str]] = {}
    for path in sorted((REPOSITORY / "examples").glob("*/requirements.txt")):
        groups.setdefault(path.read_text(), []).append(path.parent.name)
    return {"+".join(names): names for names in groups.values()}


GROUPS = examples_by_requirements()


def run(command: list[str] | str, cwd: Path) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        command, cwd=cwd, shell=isinstance(command, str), capture_output=True, text=True, timeout=800
    )
    assert completed.returncode == 0, f"{command}\n--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
    return completed


def imported_modules(program: Path) -> set[str]:
    """Top-level modules the program imports (its own local modules excluded)."""
    tree = ast.parse(program.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    local = {path.stem for path in program.parent.glob("*.py")}
    return {name for name in names if name.split(".")[0] not in local}


def test_readme_install_commands_work_as_written(tmp_path: Path) -> None:
    text = (REPOSITORY / "README.md").read_text()
    section = text[text.index("## Install\n") : text.index("\n## ", text.index("## Install\n") + 1)]
    commands = [
        line.strip()
        for block in re.findall(r"```bash\n(.*?)```", section, re.S)
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert len(commands) >= 2, commands
    checkout = copy_checkout(tmp_path / "checkout")
    for command in commands:
        run(command, checkout)
    for environment in (".venv", ".venv-wheel"):
        python = checkout / environment / "bin" / "python"
        shown = run([str(python), "-c", "import pulumi_azureml, sys; print(pulumi_azureml.__file__)"], checkout)
        assert str(tmp_path) in shown.stdout, f"{environment} imports pulumi_azureml from elsewhere: {shown.stdout}"


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_example_requirements_install_and_the_programs_import(tmp_path: Path, group: str) -> None:
    examples = GROUPS[group]
    folder = REPOSITORY / "examples" / examples[0]
    environment = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(environment)], tmp_path)
    python = environment / "bin" / "python"
    run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt"],
        folder,
    )
    modules = imported_modules(folder / "__main__.py")
    assert "pulumi_azureml" in modules
    run(
        [str(python), "-c", "import importlib, sys; [importlib.import_module(m) for m in sys.argv[1:]]", *modules],
        folder,
    )
