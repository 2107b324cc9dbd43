"""Render each resource spec as the Markdown table its reference page shows, so a test can keep them in sync.

Regenerate after changing a spec: ``cd tests && ../.venv/bin/python -m support.spec_tables --write`` rewrites the
``<!-- spec-table:Kind -->`` block of each ``docs/reference/<Kind>.md`` in place (one page per kind).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path

from pulumi_azureml.schema import Field, ResourceSpec
from pulumi_azureml.settings import SETTINGS_BY_KEY
from pulumi_azureml.specs import SPECS

_RULE_WORDS = {
    "replace": "replace",
    "put": "in place (PUT)",
    "patch": "in place (PATCH)",
    "action": "in place (action)",
    "none": "no request",
}


def _kind(field: Field) -> str:
    if field.type == "list" and field.item is not None:
        return f"list of {_kind(field.item)}"
    if field.choices:
        return " \\| ".join(f"`{choice}`" for choice in field.choices)
    return field.type


def _rule(spec: ResourceSpec, field: Field) -> str:
    if field in spec.placement:
        return "replace"
    rule = field.update
    if isinstance(rule, str):
        return _RULE_WORDS[rule]
    if isinstance(rule, Mapping):
        parts = [f"{_RULE_WORDS[value]} for {key}" for key, value in rule.items() if key != "*"]
        if "*" in rule:
            parts.append(f"{_RULE_WORDS[rule['*']]} otherwise")
        return "; ".join(parts)
    # A value rule says in words what it does (`words`); the one without is the add-only property bag.
    return str(getattr(rule, "words", "in place (PUT) when entries are only added, else replace"))


def _notes(spec: ResourceSpec, field: Field) -> str:
    notes = []
    if field.required and not field.setting:
        notes.append("required")
    if field.setting:
        environment = " / ".join(f"`{name}`" for name in SETTINGS_BY_KEY[field.setting].environment)
        notes.append(f"default: `azureml:{field.setting}`, then {environment}")
    if field.default is not None and not field.setting:
        notes.append(f"default `{field.default}`")
    if field.secret:
        notes.append("**secret**")
    if field.applies_to:
        notes.append("only " + ", ".join(field.applies_to))
    if field.description:
        notes.append(field.description.replace("|", "\\|"))
    return "; ".join(notes)


def input_table(spec: ResourceSpec) -> str:
    lines = ["| input | type | on change | why | notes |", "|---|---|---|---|---|"]
    for field in spec.all_fields():
        if field.name == "owner_marker":
            continue
        why = "path parameter" if field in spec.placement else field.update_source.replace("|", "\\|")
        lines.append(f"| `{field.name}` | {_kind(field)} | {_rule(spec, field)} | {why} | {_notes(spec, field)} |")
    return "\n".join(lines)


def output_list(spec: ResourceSpec) -> str:
    names = ["`arm_id`"] + [f"`{output.name}`" + (" (secret)" if output.secret else "") for output in spec.outputs]
    return "Outputs (besides every input): " + ", ".join(names) + "."


def render(kind: str) -> str:
    spec = SPECS[kind]
    return f"{input_table(spec)}\n\n{output_list(spec)}"


REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference"


def reference_page(kind: str) -> Path:
    """The reference page of a kind, which holds its spec-table block."""
    return REFERENCE / f"{kind}.md"


def rewrite_page(page: Path) -> None:
    """Every spec-table block of ``page`` rendered again from the specs."""
    text = page.read_text(encoding="utf-8")
    for kind in SPECS:
        pattern = re.compile(rf"<!-- spec-table:{kind} -->\n.*?<!-- /spec-table:{kind} -->", re.S)
        block = f"<!-- spec-table:{kind} -->\n{render(kind)}\n<!-- /spec-table:{kind} -->"
        text = pattern.sub(block.replace("\\", "\\\\"), text)
    page.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if "--write" in sys.argv:
        for kind in SPECS:
            rewrite_page(reference_page(kind))
    else:
        for kind in SPECS:
            print(f"<!-- spec-table:{kind} -->\n{render(kind)}\n<!-- /spec-table:{kind} -->\n")
