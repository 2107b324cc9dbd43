"""The package's `pulumi-plugin.json`, and the language host's package scan that reads it (issue 26).

The vendor's Python language host reports every installed `pulumi-*` distribution as needing a resource plugin,
unless the distribution's import package ships a `pulumi-plugin.json` saying `"resource": false` (pulumi/pulumi,
`sdk/python/cmd/pulumi-language-python/main.go`). Without the file, every `pulumi preview` and `up` made the engine
look for a plugin `azureml` and try to download a release that does not exist. The project's own language host
(`tests/pulumi-cli/language-host`) follows the same rules, so that these tests see what a vendor install does:

- the host, asked directly over gRPC, reports a plugin for a fake `pulumi-foo` distribution with no json (the scan is
  real), honours a json's name, version and server, and reports none for `"resource": false` or for this package;
- `pulumi preview -v=7` of a program using this package makes no plugin install or download attempt for `azureml`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import language_pb2, language_pb2_grpc

import pulumi_azureml
from pulumi_azureml.emulator import EmulatorServer

from cli_driver import Cli, Project

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PROGRAM = Path(__file__).parent / "programs" / "clusters"


def test_the_package_ships_a_plugin_json_that_says_it_has_no_plugin() -> None:
    path = Path(pulumi_azureml.__file__).parent / "pulumi-plugin.json"
    assert json.loads(path.read_text()) == {"resource": False}


def fake_distribution(site: Path, name: str, version: str, plugin_json: dict[str, object] | None) -> None:
    """An installed distribution as `pip list` and importlib.metadata see it: a dist-info and its import package."""
    module = name.replace("-", "_")
    info = site / f"{module}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (site / module).mkdir()
    (site / module / "__init__.py").write_text("")
    if plugin_json is not None:
        (site / module / "pulumi-plugin.json").write_text(json.dumps(plugin_json))


@pytest.fixture
def language_host(cli_directory: Path, tmp_path: Path) -> Iterator[language_pb2_grpc.LanguageRuntimeStub]:
    """The project's language host, started as the engine starts it, with fake distributions on its Python path."""
    site = tmp_path / "site"
    fake_distribution(site, "pulumi-foo", "1.2.3", None)
    fake_distribution(site, "pulumi-bar", "2.0.0", {"resource": False})
    fake_distribution(
        site,
        "pulumi-baz",
        "3.0.0",
        {"resource": True, "name": "bazplugin", "version": "4.5.6", "server": "https://plugins.example.invalid"},
    )
    fake_distribution(site, "pulumi-alpha", "1.0a1.dev2", None)
    fake_distribution(site, "pulumi-policy", "1.0.0", None)
    fake_distribution(site, "nopulumi", "1.0.0", None)
    environment = {**os.environ, "PYTHONPATH": str(site)}
    with subprocess.Popen(
        [str(cli_directory / "pulumi-language-python")], stdout=subprocess.PIPE, env=environment, text=True
    ) as process:
        try:
            assert process.stdout is not None
            port = int(process.stdout.readline().strip())
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                yield language_pb2_grpc.LanguageRuntimeStub(channel)
        finally:
            process.kill()


def program_info(directory: Path) -> language_pb2.ProgramInfo:
    options = struct_pb2.Struct()
    options.update({"toolchain": "pip", "virtualenv": sys.prefix})
    return language_pb2.ProgramInfo(
        root_directory=str(directory), program_directory=str(directory), entry_point=".", options=options
    )


def test_the_language_host_reports_plugins_by_the_vendor_rules(
    language_host: language_pb2_grpc.LanguageRuntimeStub, tmp_path: Path
) -> None:
    info = program_info(tmp_path)
    packages = language_host.GetRequiredPackages(language_pb2.GetRequiredPackagesRequest(info=info)).packages
    reported = {package.name: (package.kind, package.version, package.server) for package in packages}
    assert reported == {
        # No pulumi-plugin.json: a plugin named after the distribution, at its version (this is what a pulumi-*
        # distribution without the file gets, and what pulumi-azureml got before it shipped one).
        "foo": ("resource", "v1.2.3", ""),
        "bazplugin": ("resource", "v4.5.6", "https://plugins.example.invalid"),
        "alpha": ("resource", "v1.0.0-alpha.1+dev2", ""),
    }, reported
    # pulumi-bar ("resource": false), pulumi-policy (skipped by name), nopulumi (not a Pulumi package) and
    # pulumi-azureml (installed in this interpreter, with its "resource": false) are absent.
    plugins = language_host.GetRequiredPlugins(language_pb2.GetRequiredPluginsRequest(info=info)).plugins
    assert {plugin.name: (plugin.kind, plugin.version, plugin.server) for plugin in plugins} == reported


def test_preview_makes_no_plugin_install_attempt_for_azureml(
    tmp_path: Path, cli: Cli, emulator: EmulatorServer, emulator_config: dict[str, str]
) -> None:
    # As on a user's machine: the engine may acquire plugins (the suite's default turns that off).
    cli.extra_environment["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] = "false"
    project = Project.from_program(tmp_path / "project", PROGRAM, "plugin-metadata")
    cli.run("stack", "init", "e2e", cwd=project.directory)
    project.write_stack_config("e2e", {**emulator_config, "count": "1"})
    result = cli.run("preview", "--non-interactive", "-v=7", "--logtostderr", cwd=project.directory)
    # Nothing asked for, looked for or downloaded a resource plugin `azureml` (without pulumi-plugin.json the log has
    # "plugin azureml 0.1.0 not installed, doing install" and five downloads of a release that does not exist)...
    attempts = [
        line
        for line in result.stderr.splitlines()
        if "pulumi-resource-azureml" in line or re.search(r"(?i)(install|download).*\bazureml\b", line)
    ]
    assert attempts == [], "\n".join(attempts[:20])
    # ...because the scan ran and found nothing to install.
    assert re.search(r"GetRequiredPackages\(.*\) success: #versions=0", result.stderr), result.stderr[-4000:]
    assert "cluster-a" in result.stdout
