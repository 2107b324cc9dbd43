"""The published figures: ``tests/benchmarks/performance.json`` (checked in) and the docs' table made from it.

``run.py --publish`` merges the sections it just ran into ``performance.json``, each section with the date,
machine, load and command of its own run (a section not run keeps its last published figures), then rewrites the
table between the markers in the Performance section of ``docs/testing-and-performance.md`` from that
file alone. ``test_published_table.py`` fails when that table is not what this module renders from the
checked-in file, so the docs never show a figure that no recorded run produced.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchsuite.common import BENCH_DIR, REPO_ROOT, SectionResult

PUBLISHED = BENCH_DIR / "performance.json"
# The performance table lives in the testing-and-performance page (moved out of the README, issue 26).
README = REPO_ROOT / "docs" / "testing-and-performance.md"
BEGIN = "<!-- performance table: made by tests/benchmarks/run.py --publish from tests/benchmarks/performance.json -->"
END = "<!-- end of performance table -->"


def load(path: Path = PUBLISHED) -> dict[str, Any]:
    if not path.exists():
        return {"sections": {}}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def merged(
    published: Mapping[str, Any],
    sections: Sequence[SectionResult],
    machine: Mapping[str, Any],
    run: Mapping[str, Any],
) -> dict[str, Any]:
    """``published`` with the sections of this run replaced (failed sections are never published)."""
    result = {
        "about": (
            "Written by tests/benchmarks/run.py --publish; "
            "the Performance table of docs/testing-and-performance.md is made from it."
        )
    }
    entries = dict(published.get("sections", {}))
    for section in sections:
        if any(row.status == "error" for row in section.rows):
            continue
        entries[section.key] = {
            "title": section.title,
            "date": machine["date"],
            "machine": {key: machine[key] for key in ("cpu", "cores", "memory_mb", "python", "pulumi_sdk", "commit")},
            "load_average_at_end": [round(value, 2) for value in section.details.get("load_average", ())] or None,
            "mode": run["mode"],
            "command": run["command"],
            "seconds": round(section.seconds, 1),
            "rows": [
                {"section": row.section, "figure": row.figure, "measured": row.measured, "target": row.target}
                | ({"note": row.note} if row.note else {})
                for row in section.rows
            ],
        }
    order = {key: index for index, key in enumerate(_SECTION_ORDER)}
    result["sections"] = dict(sorted(entries.items(), key=lambda item: order.get(item[0], 99)))
    return result


_SECTION_ORDER = (
    "requests",
    "latency",
    "preview",
    "state",
    "cold_start",
    "parallel",
    "azure_native",
    "emulator",
    "cli_scale",
    "cli_parallel",
    "cli_build_warm",
    "cli_build_cold",
    "upload",
    "program",
)


def table(published: Mapping[str, Any]) -> str:
    """The README's table (markers included): one row per published figure, with when and where it was measured."""
    lines = [
        BEGIN,
        "",
        "| # | figure | measured | target | measured on |",
        "|---|---|---|---|---|",
    ]
    for entry in published.get("sections", {}).values():
        machine = entry["machine"]
        load = entry.get("load_average_at_end")
        where = f"{entry['date'][:10]}, {machine['cores']} cores" + (f", load {load[0]:g}" if load else "")
        for row in entry["rows"]:
            figure = row["figure"] + (f" ({row['note']})" if row.get("note") else "")
            cells = (row["section"], figure, row["measured"], row["target"], where)
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    machines = sorted({_machine(entry["machine"]) for entry in published.get("sections", {}).values()})
    lines += ["", f"Machine: {'; '.join(machines)}.", "", END]
    return "\n".join(lines)


def _machine(machine: Mapping[str, Any]) -> str:
    memory = f", {machine['memory_mb'] / 1024:.1f} GiB" if machine.get("memory_mb") else ""
    return (
        f"{machine['cpu']}, {machine['cores']} cores{memory}, {machine['python']}, pulumi SDK {machine['pulumi_sdk']}"
    )


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def readme_table(readme: str) -> str | None:
    """The generated block as it stands in the README, or None without markers."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        return None
    return readme[start : end + len(END)]


def rewrite_readme(published: Mapping[str, Any], path: Path = README) -> None:
    text = path.read_text(encoding="utf-8")
    current = readme_table(text)
    if current is None:
        raise SystemExit(f"{path}: no performance table markers ({BEGIN!r} ... {END!r})")
    path.write_text(text.replace(current, table(published)), encoding="utf-8")


def publish(sections: Sequence[SectionResult], machine: Mapping[str, Any], run: Mapping[str, Any]) -> None:
    document = merged(load(), sections, machine, run)
    PUBLISHED.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    rewrite_readme(document)
