"""The docs stay true: each kind's reference table matches its spec, the README fits on a page, links resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pulumi_azureml.specs import SPECS

from support.spec_tables import reference_page, render

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_reference_table_matches_the_spec(kind: str) -> None:
    page = reference_page(kind)
    assert page.exists(), f"{kind} has no reference page {page.relative_to(ROOT)}"
    text = page.read_text(encoding="utf-8")
    match = re.search(rf"<!-- spec-table:{kind} -->\n(.*?)\n<!-- /spec-table:{kind} -->", text, re.S)
    assert match, f"{page.name} has no spec-table block for {kind}"
    assert match.group(1).strip() == render(kind).strip(), (
        f"{page.name}: the table for {kind} is stale: regenerate with "
        "`cd tests && ../.venv/bin/python -m support.spec_tables --write`"
    )


def test_the_readme_fits_on_a_page() -> None:
    # Issue 26: the README is read first; everything else lives in docs/.
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= 200, f"README.md has {lines} lines (at most 200: move the rest to docs/)"


def test_the_readme_names_every_example() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [
        path.name
        for path in sorted((ROOT / "examples").iterdir())
        if path.is_dir() and f"examples/{path.name}" not in text
    ]
    assert not missing, f"README.md does not name the examples {missing}"


def test_no_stray_rule_lines_in_tables() -> None:
    for page in PAGES:
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            assert not re.fullmatch(r"=+", line), f"{page.relative_to(ROOT)}:{number}: a stray `{line}` line"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        assert (page.parent / target).exists(), f"{page.relative_to(ROOT)} links to {target}, which does not exist"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_anchors_name_a_heading(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target, anchor in re.findall(r"\]\(([^)#]*)#([^)]+)\)", text):
        if target.startswith(("http://", "https://")):
            continue
        linked = page if not target else page.parent / target
        if not linked.exists():
            continue  # test_relative_links_resolve names it
        headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), re.M)
        assert anchor in {slug(heading) for heading in headings}, f"{page.relative_to(ROOT)}: no heading for #{anchor}"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./tests/run" in README.read_text(encoding="utf-8")
    assert "tests/run" in ci
