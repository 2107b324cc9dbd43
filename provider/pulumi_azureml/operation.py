"""One provider operation's context: which spec, which client, which ARM path and api-version, which inputs.

Built once per protocol call by the provider and handed to the lifecycle; everything the lifecycle needs to send
a request and name it in a message is here, so no function takes six positional arguments.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pulumi_azureml.schema import HookContext, ResourceSpec
from pulumi_azureml.validation import timeout_seconds

if TYPE_CHECKING:
    from pulumi_azureml.arm.client import ArmClient

Step = Literal["create", "update", "delete"]


@dataclass(frozen=True)
class Operation:
    spec: ResourceSpec
    client: ArmClient
    path: str
    api_version: str
    inputs: Mapping[str, Any]
    verb: str
    """What the user asked for, as a participle (``"creating"``): every message names it."""

    @property
    def action(self) -> str:
        return f"{self.verb} {self.spec.noun}"

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    def timeout(self, step: Step) -> float:
        """The program's ``timeouts`` for ``step`` if set (``customTimeouts`` never reach dynamic providers),
        else the spec's."""
        configured = (self.inputs.get("timeouts") or {}).get(step)
        seconds = timeout_seconds(configured) if configured is not None else None
        return seconds if seconds is not None else float(getattr(self.spec.timeouts, step))

    def hooks(self, step: Step) -> HookContext:
        return HookContext(self.client, self.path, self.api_version, self.inputs, self.timeout(step), self.action)

    def with_inputs(self, inputs: Mapping[str, Any]) -> Operation:
        return dataclasses.replace(self, inputs=inputs)

    def with_verb(self, verb: str) -> Operation:
        return dataclasses.replace(self, verb=verb)

    def delete_params(self, *, cleaning_up: bool) -> dict[str, str] | None:
        return self.spec.delete_params(self.inputs, cleaning_up) if self.spec.delete_params else None
