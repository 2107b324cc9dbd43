"""The performance table (docs/testing-and-performance.md) is the checked-in result, rendered (issue 28):
not a figure typed by hand.

Runs in the default test run (no marker): it reads two files and runs nothing. When it fails, run the benchmark
with ``--publish`` (``python3 tests/benchmarks/run.py --publish``, or ``--only <sections> --publish``), which
writes ``tests/benchmarks/performance.json`` and the table together.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from benchsuite import publish  # noqa: E402 - needs the path above


def test_the_readme_table_is_the_published_result() -> None:
    published = publish.load()
    assert published["sections"], "tests/benchmarks/performance.json holds no measured section"
    shown = publish.readme_table(publish.README.read_text(encoding="utf-8"))
    assert shown is not None, f"{publish.README.name} lost the performance table markers"
    assert shown == publish.table(published), (
        f"{publish.README.name} table != performance.json: run tests/benchmarks/run.py --publish"
    )


def test_every_published_section_says_when_and_where_it_was_measured() -> None:
    for key, entry in publish.load()["sections"].items():
        assert entry["date"] and entry["machine"]["cpu"] and entry["machine"]["cores"], key
        assert entry["command"][0] == "tests/benchmarks/run.py", key
        assert entry["rows"], key


def test_the_table_changes_when_a_figure_changes() -> None:
    published = publish.load()
    key = next(iter(published["sections"]))
    changed = {"sections": {**published["sections"]}}
    entry = dict(changed["sections"][key])
    entry["rows"] = [{**entry["rows"][0], "measured": "something else"}, *entry["rows"][1:]]
    changed["sections"][key] = entry
    assert publish.table(changed) != publish.table(published)
