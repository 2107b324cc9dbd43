"""The emulator is an independent oracle: it imports nothing from the rest of the project, nor Pulumi.

If the emulator shared code with the ARM client, their bugs would cancel out. The check
parses every source file of ``pulumi_azureml.emulator`` with ``ast`` instead of importing it, so it also sees
imports inside functions and ``TYPE_CHECKING`` blocks.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pulumi_azureml.emulator

PACKAGE_DIRECTORY = Path(pulumi_azureml.emulator.__file__).parent
PACKAGE = "pulumi_azureml.emulator"


def _sources() -> list[tuple[str, list[str], str]]:
    """(file name, dotted package of the module, source) for every emulator module."""
    result = []
    for path in sorted(PACKAGE_DIRECTORY.rglob("*.py")):
        relative = path.relative_to(PACKAGE_DIRECTORY)
        package = [*PACKAGE.split("."), *relative.parent.parts]
        result.append((str(relative), package, path.read_text()))
    assert result, "no emulator sources found"
    return result


def _imports(source: str, package: list[str]) -> list[str]:
    """Absolute names of every module a source imports; relative imports are resolved against ``package``."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names.append(node.module or "")
                continue
            base = package[: len(package) - (node.level - 1)] if node.level - 1 < len(package) else []
            names.append(".".join([*base, *([node.module] if node.module else [])]) or "<above the top level>")
    return names


def _forbidden(module: str) -> str | None:
    """Why an import is not allowed in the emulator, or None."""
    if module == "pulumi" or module.startswith("pulumi."):
        return "Pulumi"
    if module == PACKAGE or module.startswith(PACKAGE + "."):
        return None
    if module == "pulumi_azureml" or module.startswith("pulumi_azureml."):
        return "the project outside the emulator"
    if module.split(".")[0] not in sys.stdlib_module_names:
        return "not the standard library"
    return None


def test_emulator_imports_only_itself_and_the_standard_library() -> None:
    offenders = [
        f"{name} imports {module} ({reason})"
        for name, package, source in _sources()
        for module in _imports(source, package)
        if (reason := _forbidden(module)) is not None
    ]
    assert offenders == []


def test_relative_imports_resolve_inside_the_emulator() -> None:
    resolved = {module for _, package, source in _sources() for module in _imports(source, package)}
    assert f"{PACKAGE}.messages" in resolved
    assert PACKAGE in resolved  # "from .. import operations" inside handlers/


def test_the_checker_rejects_project_and_pulumi_imports() -> None:
    """The checker must notice forbidden imports, or the test above proves nothing."""
    handlers_package = [*PACKAGE.split("."), "handlers"]
    source = (
        "import pulumi\n"
        "from pulumi.dynamic import ResourceProvider\n"
        "from pulumi_azureml.arm import client\n"
        "from ...arm import polling\n"
        "import pulumi_azureml\n"
        "import requests\n"
        "from .. import operations\n"
        "from pulumi_azureml.emulator import store\n"
    )
    verdicts = [(module, _forbidden(module)) for module in _imports(source, handlers_package)]
    assert verdicts == [
        ("pulumi", "Pulumi"),
        ("pulumi.dynamic", "Pulumi"),
        ("pulumi_azureml.arm", "the project outside the emulator"),
        ("pulumi_azureml.arm", "the project outside the emulator"),
        ("pulumi_azureml", "the project outside the emulator"),
        ("requests", "not the standard library"),
        ("pulumi_azureml.emulator", None),
        ("pulumi_azureml.emulator", None),
    ]
