"""Structural rules of the generic core that keep each next resource kind cheap (see CONTRIBUTING).

Behaviour changes through spec declarations, never through a field-name test in the generic code, and the
provider stays a dispatcher whose protocol methods read top to bottom.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import pulumi_azureml
from pulumi_azureml.provider import AzureMLProvider

PACKAGE = Path(pulumi_azureml.__file__).parent
GENERIC_MODULES = ("provider.py", "lifecycle.py", "parent_property.py", "adoption.py", "bodies.py", "state.py")
PROTOCOL_METHODS = ("configure", "check", "diff", "create", "read", "update", "delete")
MAX_METHOD_LINES = 30


@pytest.mark.parametrize("module", GENERIC_MODULES)
def test_the_generic_core_tests_no_field_by_name(module: str) -> None:
    source = (PACKAGE / module).read_text(encoding="utf-8")
    assert not re.findall(r"\.name\s*==\s*[\"']", source), f"{module}: declare the behaviour in the spec instead"
    assert '"location"' not in source and '"tags"' not in source, module


@pytest.mark.parametrize("method", PROTOCOL_METHODS)
def test_protocol_methods_are_short(method: str) -> None:
    lines, _ = inspect.getsourcelines(getattr(AzureMLProvider, method))
    assert len(lines) <= MAX_METHOD_LINES, f"AzureMLProvider.{method} has {len(lines)} lines"
