"""The Pulumi package schema of the ``azureml`` provider plugin, generated from the specs (issue 25).

Every kind in :data:`~pulumi_azureml.specs.SPECS` becomes a resource ``azureml:index:<Kind>``: its input fields
become input properties (camelCase, as Pulumi schemas spell them; the plugin converts to the specs' snake_case),
nested objects become object types, and the outputs are the inputs plus the spec's read-only outputs and
``armId``. Secret fields and outputs are marked secret. The lookups are its functions, derived from their
signatures and result classes by :mod:`plugin_functions`. The provider's configuration is the ``azureml:`` settings
of :mod:`pulumi_azureml.settings`. Nothing is written by hand: the checked-in ``pulumi-schema.json`` beside this
module is regenerated with

    .venv/bin/python -m pulumi_azureml.pulumi_schema --write

and ``tests/plugin/test_pulumi_schema.py`` fails when it is stale.

Not in the schema:

- ``owner_marker`` (the plugin sets it from the resource's URN, as the resource classes do from the program);
- ``hostWorkers`` (a setting of the dynamic-provider host only).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pulumi_azureml._version import __version__
from pulumi_azureml.plugin_functions import functions_schema
from pulumi_azureml.schema import Field, Output, ResourceSpec
from pulumi_azureml.settings import SETTINGS
from pulumi_azureml.specs import SPECS

PACKAGE = "azureml"
SCHEMA_FILE = Path(__file__).with_name("pulumi-schema.json")
HIDDEN_FIELDS = frozenset({"owner_marker"})
"""Inputs the plugin fills itself."""
PLUGIN_ONLY_SETTINGS_EXCLUDED = frozenset({"hostWorkers"})
ANY = {"$ref": "pulumi.json#/Any"}


def camel(name: str) -> str:
    """``resource_group_name`` -> ``resourceGroupName``: the schema's spelling of a spec field."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def pascal(name: str) -> str:
    camelled = camel(name)
    return camelled[:1].upper() + camelled[1:]


def token(kind: str) -> str:
    return f"{PACKAGE}:index:{kind}"


def user_fields(spec: ResourceSpec) -> tuple[Field, ...]:
    """The input fields a program sets (in schema order)."""
    return tuple(f for f in spec.all_fields() if f.name not in HIDDEN_FIELDS)


def build() -> dict[str, Any]:
    """The whole package schema, as a JSON-ready dict (deterministic: same specs, same schema)."""
    types: dict[str, Any] = {}
    resources: dict[str, Any] = {}
    for kind in sorted(SPECS):
        resources[token(kind)] = _resource(SPECS[kind], types)
    functions = functions_schema(types)
    config_variables = {
        s.key: _setting_property(s.description, s.secret)
        for s in SETTINGS
        if s.key not in PLUGIN_ONLY_SETTINGS_EXCLUDED
    }
    return {
        "name": PACKAGE,
        "displayName": "Azure Machine Learning",
        "version": __version__,
        "description": "Azure Machine Learning computes, endpoints, deployments, workspaces, datastores, environments "
        "and asset versions over the ARM REST API.",
        "keywords": ["pulumi", "azure", "machinelearning", "category/cloud"],
        "license": "Apache-2.0",
        "repository": "https://github.com/pulumi-azureml/pulumi-azureml",
        "publisher": "pulumi-azureml",
        # supportPack: each SDK is a package of its own with the schema's version (a go.mod for Go, pyproject.toml
        # for Python, the version in package.json), as `pulumi package gen-sdk` writes them.
        "meta": {"moduleFormat": "(.*)", "supportPack": True},
        "config": {"variables": config_variables},
        "provider": {
            "description": "The azureml provider: its settings, one instance per subscription or workspace.",
            "inputProperties": config_variables,
        },
        "types": dict(sorted(types.items())),
        "resources": resources,
        "functions": functions,
        "language": {
            # A generated Python SDK must not take this package's import name (issue 25).
            "python": {"packageName": "pulumi_azureml_sdk"},
            "nodejs": {"packageName": "@pulumi-azureml/azureml"},
            "go": {"importBasePath": "github.com/pulumi-azureml/pulumi-azureml/sdk/go/azureml"},
        },
    }


def _setting_property(description: str, secret: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"type": "string", "description": description}
    if secret:
        result["secret"] = True
    return result


def _resource(spec: ResourceSpec, types: dict[str, Any]) -> dict[str, Any]:
    inputs = {camel(f.name): _property(spec.kind, f, types) for f in user_fields(spec)}
    outputs = dict(inputs)
    for output in spec.all_outputs():
        outputs[camel(output.name)] = _output_property(output)
    required_inputs = sorted(camel(f.name) for f in user_fields(spec) if _required(f))
    description = f"An Azure ML {spec.noun} (ARM path {spec.path})."
    return {
        "description": description,
        "inputProperties": inputs,
        "requiredInputs": required_inputs,
        "properties": outputs,
        "required": ["armId"],
    }


def _required(field_: Field) -> bool:
    # A setting or a default fills it, and `name` defaults to the resource's name (as the resource classes do).
    return field_.required and field_.setting is None and field_.default is None and field_.name != "name"


def _property(kind: str, field_: Field, types: dict[str, Any], path: str = "") -> dict[str, Any]:
    result = _type_of(kind, field_, types, path)
    description = field_.description
    if field_.choices:
        description = f"{description} One of: {', '.join(field_.choices)}.".strip()
    if description:
        result["description"] = description
    if field_.secret:
        result["secret"] = True
    if field_.default is not None and not isinstance(field_.default, dict | list):
        result["default"] = field_.default
    return result


def _type_of(kind: str, field_: Field, types: dict[str, Any], path: str) -> dict[str, Any]:
    if field_.type in ("string", "integer", "number", "boolean"):
        return {"type": field_.type}
    if field_.type == "any":
        return dict(ANY)
    if field_.type == "map" or (field_.type == "object" and not field_.fields):
        return {"type": "object", "additionalProperties": dict(ANY)}
    if field_.type == "list":
        item = field_.item
        items = _type_of(kind, item, types, path + pascal(field_.name)) if item else dict(ANY)
        return {"type": "array", "items": items}
    # An object with declared members: a named type, one per place it is used (members differ by kind).
    name = f"{kind}{path}{pascal(field_.name)}"
    types[token(name)] = {
        "type": "object",
        "properties": {
            camel(sub.name): _property(kind, sub, types, path + pascal(field_.name)) for sub in field_.fields
        },
        "required": sorted(camel(sub.name) for sub in field_.fields if sub.required and sub.default is None),
    }
    return {"$ref": f"#/types/{token(name)}"}


def _output_property(output: Output) -> dict[str, Any]:
    if output.type in ("string", "integer", "number", "boolean"):
        result: dict[str, Any] = {"type": output.type}
    elif output.type == "list":
        result = {"type": "array", "items": dict(ANY)}
    elif output.type in ("map", "object"):
        result = {"type": "object", "additionalProperties": dict(ANY)}
    else:
        result = dict(ANY)
    if output.description:
        result["description"] = output.description
    if output.secret:
        result["secret"] = True
    return result


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=False) + "\n"


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        SCHEMA_FILE.write_text(render(), encoding="utf-8")
        return 0
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
