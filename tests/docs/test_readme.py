"""The README stays true: its resource tables match the specs, and its two top commands are what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pulumi_azureml.specs import SPECS

from support.spec_tables import render

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_readme_table_matches_the_spec(kind: str) -> None:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"<!-- spec-table:{kind} -->\n(.*?)\n<!-- /spec-table:{kind} -->", text, re.S)
    assert match, f"README has no spec-table block for {kind}"
    assert match.group(1).strip() == render(kind).strip(), (
        f"README table for {kind} is stale: regenerate with "
        "`cd tests && ../.venv/bin/python -m support.spec_tables --write`"
    )


def test_ci_runs_the_readme_test_command() -> None:
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "./tests/run" in README.read_text(encoding="utf-8")
    assert "tests/run" in ci
