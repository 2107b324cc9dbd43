"""The one table the suite prints, and the JSON file it writes (same rows, plus every raw figure)."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchsuite.common import Row, SectionResult

COLUMNS = ("#", "figure", "measured", "target", "status")


def ordered_rows(sections: Sequence[SectionResult]) -> list[Row]:
    """All rows, by section number (preview and state come from one run but are sections 3 and 5)."""
    rows = [row for section in sections for row in section.rows]
    return sorted(rows, key=lambda row: _section_number(row.section))


def _section_number(label: str) -> int:
    match = re.match(r"\d+", label)
    return int(match.group()) if match else 99


def render(rows: Sequence[Row], machine: dict[str, Any], mode: str, seconds: float) -> str:
    """The table with numbered notes under it, headed by the machine and the date."""
    header = [
        f"pulumi-azureml benchmarks, {mode} mode, {machine['date']}, {seconds:.0f} s",
        f"machine: {machine['cpu']}, {machine['cores']} cores, {(machine['memory_mb'] or 0) / 1024:.1f} GiB; "
        f"{machine['python']}; pulumi SDK {machine['pulumi_sdk']}; pulumi-azureml {machine['pulumi_azureml']} "
        f"({machine['commit']})",
        "",
    ]
    notes: list[str] = []
    cells: list[tuple[str, ...]] = []
    for row in rows:
        figure = row.figure
        if row.note:
            notes.append(row.note)
            figure = f"{figure} [{len(notes)}]"
        cells.append((row.section, figure, row.measured, row.target, row.status))
    widths = [max(len(COLUMNS[i]), *(len(cell[i]) for cell in cells)) for i in range(len(COLUMNS))]
    lines = [" | ".join(name.ljust(width) for name, width in zip(COLUMNS, widths, strict=True)).rstrip()]
    lines.append("-+-".join("-" * width for width in widths))
    previous = ""
    for cell in cells:
        if previous and cell[0] != previous:
            lines.append("-+-".join("-" * width for width in widths))
        previous = cell[0]
        lines.append(" | ".join(value.ljust(width) for value, width in zip(cell, widths, strict=True)).rstrip())
    footer = ["", "notes:"] + [f"[{index}] {note}" for index, note in enumerate(notes, start=1)] if notes else []
    return "\n".join(header + lines + footer)


def write_json(
    path: Path,
    sections: Sequence[SectionResult],
    rows: Sequence[Row],
    machine: dict[str, Any],
    extra: dict[str, Any],
) -> None:
    document = {
        "suite": "pulumi-azureml benchmarks (tests/benchmarks/run.py)",
        **extra,
        "machine": machine,
        "rows": [dataclasses.asdict(row) for row in rows],
        "sections": {
            section.key: {"title": section.title, "seconds": round(section.seconds, 2), "details": section.details}
            for section in sections
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_finite(document), indent=2, default=str) + "\n", encoding="utf-8")


def _finite(value: Any) -> Any:
    """JSON has no NaN: missing medians become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
