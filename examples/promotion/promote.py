"""Promote one release change through the stacks of this program in order (dev, staging, prod) with the Automation API.

The change (`--set KEY=VALUE`) goes into the first stack's config only; each later stack takes the release from
the stack before it through a stack reference (see `__main__.py`), so promoting is: for each stack in turn,
preview, and stop (exit 3, nothing applied to this stack or any later one; the first stack's config restored)
when the preview would replace or delete a stateful resource; otherwise `up`, then go on to the next stack. The
check reads the engine's structured step events (`op`, `type`, `keys`, `diffs`), not the preview's text. Only
release settings (the keys of the first stack's `release` output) are promoted: an environment's own settings,
such as `maxNodes`, are refused here and set per stack with `pulumi config set`.

    python promote.py --set endpointDescription="nightly scoring"
    python promote.py --stacks staging,prod            # go on from where a promotion stopped

Exit status: 0 promoted to every stack; 1 a preview or an update failed; 2 bad arguments; 3 refused.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pulumi import automation as auto

# A resource is stateful when deleting it loses something a new one does not bring back. A replace is a delete
# followed by a create (these resources are replaced delete-first), so it is refused for:
# - Workspace: it holds the registered models, data assets, environments and the run history, and owns its
#   storage account, key vault and container registry links;
# - Compute: a cluster's running and queued jobs are cancelled and its nodes released; a compute instance's OS
#   disk (notebooks, installed packages) is gone;
# - BatchEndpoint: deleting an endpoint deletes its deployments and its jobs' records.
# A BatchDeployment or the default-deployment routing is configuration: re-creating it loses nothing.
STATEFUL_TYPES = {
    "pulumi-python:dynamic/azureml:Workspace": "workspace",
    "pulumi-python:dynamic/azureml:Compute": "compute",
    "pulumi-python:dynamic/azureml:BatchEndpoint": "batch endpoint",
}
# The step operations of a preview that delete the existing resource (pulumi's OpType values).
DESTRUCTIVE_OPS = {"replace", "create-replacement", "delete-replaced", "delete"}

EXIT_FAILED = 1
EXIT_BAD_ARGUMENTS = 2
EXIT_REFUSED = 3


@dataclass
class Destructive:
    """A stateful resource the preview would delete or replace, and why (from the step and the provider)."""

    urn: str
    kind: str
    op: str
    keys: list[str] = field(default_factory=list)
    provider_says: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    def describe(self) -> str:
        what = "deleted" if self.op == "delete" else "REPLACED (deleted, then created)"
        reason = f" because {', '.join(self.keys)} changed" if self.keys else ""
        text = f"{self.kind} '{self.name}' would be {what}{reason}"
        if self.provider_says:
            text += "\n    the provider says: " + "\n    the provider says: ".join(self.provider_says)
        return text


class PreviewWatcher:
    """Collects, from the engine events of one preview, the steps that touch stateful resources destructively."""

    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed
        self.found: dict[str, Destructive] = {}
        self.messages: list[str] = []

    def __call__(self, event: auto.EngineEvent) -> None:
        if event.diagnostic_event is not None:
            self.messages.append(event.diagnostic_event.message.strip())
        if event.resource_pre_event is None:
            return
        step = event.resource_pre_event.metadata
        op = str(step.op.value if hasattr(step.op, "value") else step.op)
        kind = STATEFUL_TYPES.get(step.type)
        if kind is None or op not in DESTRUCTIVE_OPS:
            return
        if step.urn.rsplit("::", 1)[-1] in self.allowed:
            return
        # One replace shows as several steps (delete-replaced, create-replacement, replace): keep one per resource.
        entry = self.found.setdefault(step.urn, Destructive(step.urn, kind, "replace" if op != "delete" else op))
        for key in (step.keys or []) + (step.diffs or []):
            if key not in entry.keys and not key.startswith("__"):
                entry.keys.append(key)

    def refusals(self) -> list[Destructive]:
        # The provider explains each replace in a line of its own ("azureml: compute train: will be REPLACED ...");
        # the engine passes it on as a diagnostic message.
        for entry in self.found.values():
            entry.provider_says = [
                message
                for message in self.messages
                if message.startswith("azureml:") and f" {entry.name}:" in message and "REPLACED" in message
            ]
        return list(self.found.values())


def _parse_changes(pairs: Sequence[str], project: str) -> dict[str, str]:
    changes: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise SystemExit(f"--set takes KEY=VALUE, got {pair!r}")
        changes[key if ":" in key else f"{project}:{key}"] = value
    return changes


def _set_change(stack: auto.Stack, changes: dict[str, str]) -> dict[str, auto.ConfigValue | None]:
    """Apply the change to the stack's config; return what it replaced (None: the key was not set)."""
    current = stack.get_all_config()
    previous = {key: current.get(key) for key in changes}
    stack.set_all_config({key: auto.ConfigValue(value) for key, value in changes.items()})
    return previous


def _restore(stack: auto.Stack, previous: dict[str, auto.ConfigValue | None]) -> None:
    for key, value in previous.items():
        if value is None:
            stack.remove_config(key)
        else:
            stack.set_config(key, value)


def _not_promotable(stack: auto.Stack, wanted: dict[str, str], project: str) -> str | None:
    """Why the change cannot be promoted from ``stack`` (None: it can): each key must be a release setting, one of
    the keys of the stack's `release` output, which the later stacks take through their stack references."""
    output = stack.outputs().get("release")
    if output is None or not isinstance(output.value, dict):
        return f"stack '{stack.name}' has no `release` output yet: deploy it once (`pulumi up --stack {stack.name}`)"
    release = sorted(output.value)
    for key in wanted:
        namespace, _, short = key.partition(":")
        if namespace != project or short not in release:
            return (
                f"{key} is not part of the release this program promotes ({', '.join(release)}): it belongs to each "
                f"environment; set it per stack (`pulumi config set {key} VALUE --stack STACK`)"
            )
    return None


def promote(work_dir: Path, stacks: Sequence[str], changes: Sequence[str], allowed: set[str]) -> int:
    project = auto.LocalWorkspace(work_dir=str(work_dir)).project_settings().name
    wanted = _parse_changes(changes, project)
    for position, stack_name in enumerate(stacks):
        earlier, later = list(stacks[:position]), list(stacks[position + 1 :])
        stack = auto.create_or_select_stack(stack_name=stack_name, work_dir=str(work_dir))
        previous: dict[str, auto.ConfigValue | None] = {}
        if position == 0 and wanted:
            problem = _not_promotable(stack, wanted, project)
            if problem:
                print(f"nothing promoted: {problem}", file=sys.stderr)
                return EXIT_BAD_ARGUMENTS
            print(f"== {stack_name}: set {', '.join(f'{key}={value}' for key, value in wanted.items())}", flush=True)
            previous = _set_change(stack, wanted)
        else:
            print(f"== {stack_name}: taking the release of the stack it follows", flush=True)
        watcher = PreviewWatcher(allowed)
        try:
            preview = stack.preview(on_event=watcher, on_output=print)
        except auto.CommandError as error:
            _restore(stack, previous)
            print(f"promotion stopped at stack '{stack_name}': the preview failed\n{error}", file=sys.stderr)
            return EXIT_FAILED
        refusals = watcher.refusals()
        if refusals:
            _restore(stack, previous)
            if previous:
                state = ", the stack's config is back as it was"
            else:
                state = f", already promoted to {', '.join(earlier)}" if earlier else ""
            untouched = f"; not promoted to {', '.join(later)}" if later else ""
            print(
                f"promotion stopped at stack '{stack_name}': the change would destroy stateful resources "
                f"(nothing was applied{state}{untouched}):\n"
                + "\n".join(f"  - {entry.describe()}" for entry in refusals)
                + "\nTo go ahead anyway for a resource, name it with --allow-replace.",
                file=sys.stderr,
                flush=True,
            )
            return EXIT_REFUSED
        print(f"== {stack_name}: preview {dict(preview.change_summary)}; updating", flush=True)
        try:
            result = stack.up(on_output=print)
        except auto.CommandError as error:
            print(f"promotion stopped at stack '{stack_name}': the update failed\n{error}", file=sys.stderr)
            return EXIT_FAILED
        print(f"== {stack_name}: {result.summary.result} {result.summary.resource_changes}", flush=True)
    print(f"promoted to {', '.join(stacks)}", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--work-dir", type=Path, default=Path(__file__).resolve().parent, help="the Pulumi project")
    parser.add_argument("--stacks", default="dev,staging,prod", help="stacks in promotion order (comma-separated)")
    parser.add_argument("--set", dest="changes", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument(
        "--allow-replace",
        action="append",
        default=[],
        metavar="RESOURCE",
        help="a resource (Pulumi name) that may be replaced or deleted anyway",
    )
    arguments = parser.parse_args(argv)
    stacks = [name.strip() for name in arguments.stacks.split(",") if name.strip()]
    return promote(arguments.work_dir, stacks, arguments.changes, set(arguments.allow_replace))


if __name__ == "__main__":
    sys.exit(main())
