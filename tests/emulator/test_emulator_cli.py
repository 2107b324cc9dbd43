"""``python -m pulumi_azureml.emulator``: first line, serving, clean exit on SIGTERM and SIGINT."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from pulumi_azureml.emulator.__main__ import main

LISTENING = re.compile(r"^listening on (http://127\.0\.0\.1:(\d+))$")

Launcher = Callable[..., tuple[subprocess.Popen[str], str]]


@pytest.fixture
def launch() -> Iterator[Launcher]:
    started: list[subprocess.Popen[str]] = []

    def run(*arguments: str) -> tuple[subprocess.Popen[str], str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "pulumi_azureml.emulator", *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        assert process.stdout is not None
        first = process.stdout.readline().rstrip("\n")
        match = LISTENING.match(first)
        assert match, f"unexpected first line {first!r}"
        return process, match.group(1)

    yield run
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def test_first_line_then_serves_then_exits_zero_on_sigterm(launch: Launcher) -> None:
    process, url = launch()
    assert requests.get(f"{url}/_emulator/health", timeout=5).json() == {"status": "ok"}
    response = requests.get(
        f"{url}/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups",
        params={"api-version": "2025-04-01"},
        headers={"Authorization": "Bearer cli"},
        timeout=5,
    )
    assert response.status_code == 200
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    # Quiet: nothing is logged per request.
    assert stdout == ""
    assert stderr == ""


def test_sigint_also_exits_zero(launch: Launcher) -> None:
    process, _ = launch()
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=10)
    assert process.returncode == 0


def test_options_reach_the_server(launch: Launcher, tmp_path: Path) -> None:
    database = tmp_path / "cli.db"
    process, url = launch(
        "--db", str(database), "--retry-after", "4", "--polls", "2", "--token", "a", "--token", "b", "--page-size", "3"
    )
    settings = requests.get(f"{url}/_emulator/settings", timeout=5).json()
    assert settings["retry_after"] == 4
    assert settings["polls_to_complete"] == 2
    assert settings["tokens"] == ["a", "b"]
    assert settings["page_size"] == 3
    path = f"{url}/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups"
    assert (
        requests.get(
            path, params={"api-version": "2025-04-01"}, headers={"Authorization": "Bearer c"}, timeout=5
        ).status_code
        == 401
    )
    assert (
        requests.get(
            path, params={"api-version": "2025-04-01"}, headers={"Authorization": "Bearer b"}, timeout=5
        ).status_code
        == 200
    )
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=10)
    assert database.exists()


def test_main_reports_a_port_it_cannot_bind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--port", "70000"]) == 2
    assert "cannot start the emulator" in capsys.readouterr().err
