"""Refresh is safe with the real Pulumi CLI: after `up`, every resource's GET answer is re-spelt in every way the
service is known to re-spell (support.respell, all at once), and `pulumi refresh --expect-no-changes` then
`pulumi preview --expect-no-changes` hold.

The program (programs/respelt) has one resource of each kind whose values the service re-spells, written as
users write them: a model URI with `resourcegroups`, a short datastore URI, a conda file in YAML, an ADLS Gen2
datastore with a service principal, a batch deployment with `properties: {}`, an online endpoint without `kind`,
a traffic split keyed by the deployment resource.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli_driver import Cli, Project
from support.respelling_proxy import RespellingProxy, respell_everything

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

PROGRAM = Path(__file__).resolve().parent / "programs" / "respelt"
DYNAMIC = "pulumi-python:dynamic/azureml:"


def dynamic_resources(exported: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (resource["type"][len(DYNAMIC) :], resource.get("inputs", {}))
        for resource in exported["deployment"]["resources"]
        if resource["type"].startswith(DYNAMIC)
    ]


def test_refresh_and_preview_see_no_change_in_respelt_answers(
    tmp_path: Path, cli: Cli, emulator_config: dict[str, str], proxy: RespellingProxy
) -> None:
    project = Project.from_program(tmp_path / "project", PROGRAM, "azureml-respelt")
    project.write_stack_config("dev", {**emulator_config, "azureml:endpoint": proxy.url})
    cli.run("stack", "init", "dev", cwd=project.directory)
    cli.run("up", "--yes", "--skip-preview", cwd=project.directory)

    exported = cli.run("stack", "export", cwd=project.directory).json()
    assert respell_everything(proxy, dynamic_resources(exported)) == 11

    cli.run("refresh", "--yes", "--expect-no-changes", cwd=project.directory)
    assert proxy.respelt_answers >= 11, "every resource's refresh read a re-spelt answer"
    cli.run("preview", "--expect-no-changes", cwd=project.directory)

    # The made-up fillings are not valid values to send back (a parent's read-modify-write would): stop first.
    proxy.clear()
    cli.run("destroy", "--yes", "--skip-preview", cwd=project.directory)
