"""The SDKs generated from the plugin's schema (sdk/), end to end with the real CLI against the emulator (issue 25).

- `tests/pulumi-cli/sdkgen/generate` into a temporary directory writes exactly the checked-in sdk/ (the SDKs are
  build outputs: a schema change without regenerating fails here);
- a TypeScript Automation API inline program on sdk/nodejs (npm packages from tests/pulumi-cli/node/provide,
  compiled with tsc), a Go one on sdk/go (`sdk/v3/go/auto`) and a Python one on sdk/python (installed into a
  temporary directory; import name `pulumi_azureml_sdk`) each run up of a cluster, preview and refresh with
  `expectNoChanges`, an in-place change, a preview with no change and destroy; the emulator holds the cluster after
  up, its new size after the change and nothing after destroy.

Automation API needs no language host: the program runs in the calling process and the engine starts the plugin
`pulumi-resource-azureml` found on PATH next to the test interpreter.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pulumi_azureml.emulator import EmulatorServer

from cli_driver import REPOSITORY, Cli
from support.emulator_queries import resources, writes

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

SDK = REPOSITORY / "sdk"
GENERATE = REPOSITORY / "tests" / "pulumi-cli" / "sdkgen" / "generate"
NODE_PACKAGES = REPOSITORY / "tests" / "pulumi-cli" / "node" / "provide"
PROGRAMS = Path(__file__).resolve().parent / "programs"
SECRETS = ["azureml:accessToken"]


def require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"no `{tool}` on PATH: this language's SDK cannot be exercised here")
    return found


def differences(left: Path, right: Path) -> list[str]:
    """Paths (relative to ``left``) that differ between two trees, are missing or are extra."""
    found: list[str] = []

    def walk(comparison: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in comparison.left_only + comparison.right_only)
        found.extend(prefix + name for name in comparison.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(
            comparison.left, comparison.right, comparison.common_files, shallow=False
        )
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=[]), "")
    return sorted(found)


def test_checked_in_sdks_are_what_the_schema_generates(tmp_path: Path) -> None:
    require("go")
    out = tmp_path / "sdk"
    subprocess.run([str(GENERATE), str(out)], check=True, capture_output=True, text=True, timeout=900)
    assert differences(SDK, out) == [], "sdk/ differs from the schema's SDKs: run tests/pulumi-cli/sdkgen/generate"


def settings(directory: Path, config: dict[str, str]) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    return json.dumps({"workDir": str(directory), "config": config, "secrets": SECRETS})


def run_program(command: list[str], cwd: Path, cli: Cli, config: dict[str, str], work: Path) -> dict[str, Any]:
    """Run an Automation API program with the CLI's isolated environment; its reports by step."""
    environment = {**cli.environment(), "AZUREML_SDK_TEST_SETTINGS": settings(work, config)}
    completed = subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, check=False, timeout=400
    )
    assert completed.returncode == 0, f"--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
    reports = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith('{"step"')]
    return {entry["step"]: entry["value"] for entry in reports}


def check_lifecycle(reports: dict[str, Any], emulator: EmulatorServer, config: dict[str, str]) -> None:
    workspace = config["azureml:workspaceName"]
    assert list(reports) == ["up", "preview", "refresh", "change", "preview-after-change", "destroy"]
    assert reports["up"]["summary"] == {"create": 2}, "the stack and the cluster"
    assert str(reports["up"]["armId"]).lower().endswith(f"/workspaces/{workspace}/computes/cluster")
    assert reports["preview"].get("same") == 2 and set(reports["preview"]) == {"same"}
    assert reports["refresh"] == {"same": 2}
    assert reports["change"] == {"same": 1, "update": 1}, "the cluster changes in place"
    assert set(reports["preview-after-change"]) == {"same"}
    assert reports["destroy"] == {"delete": 2}
    # What reached the emulator: the cluster created, changed in place (never re-created), then deleted.
    cluster = [write.split(" ", 1)[0] for write in writes(emulator) if write.lower().endswith("/computes/cluster")]
    assert cluster[0] == "PUT" and cluster[-1] == "DELETE" and cluster.count("DELETE") == 1, cluster
    assert len(cluster) >= 3, f"no in-place update reached the emulator: {cluster}"
    assert resources(emulator, "computes") == {}


def test_typescript_automation_api_program_on_the_nodejs_sdk(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    node = require("node")
    require("npm")
    provided = subprocess.run([str(NODE_PACKAGES)], check=True, capture_output=True, text=True, timeout=900)
    node_modules = Path(provided.stdout.strip().splitlines()[-1])
    build = tmp_path / "ts"
    (build / "node_modules").mkdir(parents=True)
    for scope in ("@pulumi", "@types"):
        (build / "node_modules" / scope).symlink_to(node_modules / scope, target_is_directory=True)
    tsc = [node, str(node_modules / "typescript" / "bin" / "tsc")]
    # The SDK as a package of the program: compiled by its own tsconfig, with its package.json (it reads its version
    # from there at run time).
    shutil.copytree(SDK / "nodejs", build / "azureml-src")
    package = build / "node_modules" / "@pulumi-azureml" / "azureml"
    subprocess.run([*tsc, "-p", "azureml-src", "--outDir", str(package)], cwd=build, check=True, timeout=300)
    shutil.copy2(SDK / "nodejs" / "package.json", package / "package.json")
    shutil.copytree(PROGRAMS / "ts_sdk", build / "program")
    subprocess.run([*tsc, "-p", "program"], cwd=build, check=True, timeout=300)

    reports = run_program(
        [node, str(build / "program" / "bin" / "index.js")], build, cli, emulator_config, tmp_path / "stack"
    )
    check_lifecycle(reports, emulator, emulator_config)


def test_go_automation_api_program_on_the_go_sdk(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    go = require("go")
    binary = tmp_path / "go-sdk-e2e"
    subprocess.run(
        [go, "build", "-o", str(binary), "."],
        cwd=PROGRAMS / "go_sdk",
        check=True,
        timeout=900,
        env={**os.environ, "CGO_ENABLED": "0"},
    )
    reports = run_program([str(binary)], tmp_path, cli, emulator_config, tmp_path / "stack")
    check_lifecycle(reports, emulator, emulator_config)


def test_python_automation_api_program_on_the_python_sdk(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    # The generated package installed from a copy of the checkout's (its build writes beside its sources) into a
    # directory of its own; its import name, pulumi_azureml_sdk, lives beside pulumi_azureml in this venv.
    source, site = tmp_path / "python-sdk", tmp_path / "site"
    shutil.copytree(SDK / "python", source)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(source)],
        check=True,
        timeout=300,
    )
    cli.extra_environment["PYTHONPATH"] = str(site)
    reports = run_program(
        [sys.executable, str(PROGRAMS / "python_sdk" / "main.py")], tmp_path, cli, emulator_config, tmp_path / "stack"
    )
    check_lifecycle(reports, emulator, emulator_config)
