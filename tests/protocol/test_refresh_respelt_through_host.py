"""Refresh is safe for every kind through the SDK's provider host: after ``up``, every resource's GET answer is
re-spelt in every way the service is known to re-spell at once (:mod:`support.respell`); ``refresh`` must report
no change and the next ``preview`` must plan nothing, for every kind of ``SPECS``.

The programs are the all-kinds lifecycle's base programs (one per kind, a test there fails when a kind lacks one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer
from pulumi_azureml.specs import SPECS

from harness import Stack
from protocol.conftest import emulator_config
from protocol.test_lifecycle_all_kinds import CASES
from support.respelling_proxy import RespellingProxy, respell_everything


def test_every_kind_is_covered() -> None:
    assert sorted(CASES) == sorted(SPECS)


def _resources(stack: Stack) -> list[tuple[str, dict[str, Any]]]:
    return [
        (resource.type.rsplit(":", 1)[-1], resource.plain_inputs())
        for resource in stack.state()
        if resource.is_dynamic and not resource.delete
    ]


@pytest.mark.parametrize("kind", sorted(CASES))
def test_refresh_of_respelt_answers_plans_nothing(
    kind: str, tmp_path: Path, emulator: EmulatorServer, proxy: RespellingProxy
) -> None:
    config = {**emulator_config(emulator), "azureml:endpoint": proxy.url}
    stack = Stack(tmp_path / "state.json", config, secret_config_keys=("azureml:accessToken",))
    program = CASES[kind].program("base")
    assert stack.up(program).op(CASES[kind].target) == "create"
    respell_everything(proxy, _resources(stack))

    refreshed = stack.refresh()
    assert proxy.respelt_answers > 0
    assert set(refreshed.ops().values()) == {"same"}, refreshed.ops()
    preview = stack.preview(program)
    assert set(preview.ops().values()) == {"same"}, preview.ops()
    # The made-up fillings are not valid service values: a read-modify-write of a parent would send them back.
    proxy.clear()
    stack.destroy()
