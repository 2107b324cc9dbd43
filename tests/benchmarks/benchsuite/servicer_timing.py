"""Time the dynamic-provider host's own Check and Diff handlers, without gRPC transport, in a fresh process.

Run as ``python -m benchsuite.servicer_timing REQUESTS.json``: the file holds ``{"config": {...}, "resources":
[{"urn", "id", "inputs", "outputs"}]}`` as stored in a stack's state. The SDK's
``DynamicResourceProviderServicer`` (the class ``python -m pulumi.dynamic`` serves) gets, per resource, the Check
and then the Diff a preview of a deployed stack sends; each handler call is timed. That is the host's time per
resource — property (de)serialisation, the provider cache lookup and the provider's check/diff — as measured
inside the host. It prints ``{"check": [seconds...], "diff": [seconds...]}``; the first Check also unpickles and
configures the provider.

It runs in its own process because the handlers configure the Pulumi runtime's global settings. The host module
starts its gRPC server at import (a bare ``main()`` at the end), so its code is loaded here without that one
statement: the servicer is the host's own code, unchanged.
"""

from __future__ import annotations

import ast
import json
import sys
import time
import types
from pathlib import Path
from typing import Any

import pulumi.dynamic
from pulumi.runtime.proto import provider_pb2

# `harness` is importable because this module's package (benchsuite) put tests/ on sys.path.
from harness.values import to_struct


def load_host_module() -> types.ModuleType:
    """``pulumi/dynamic/__main__.py`` as a module, minus its module-level ``main()`` call (the server start)."""
    path = Path(pulumi.dynamic.__file__).with_name("__main__.py")
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    kept = [
        statement
        for statement in tree.body
        if not (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name)
            and statement.value.func.id == "main"
        )
    ]
    if len(kept) != len(tree.body) - 1:
        raise SystemExit(f"{path}: expected exactly one module-level main() call; the SDK changed")
    tree.body = kept
    module = types.ModuleType("pulumi_dynamic_host")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    exec(compile(tree, str(path), "exec"), module.__dict__)
    return module


def time_handlers(config: dict[str, Any], resources: list[dict[str, Any]]) -> dict[str, list[float]]:
    servicer = load_host_module().DynamicResourceProviderServicer()
    servicer.Configure(provider_pb2.ConfigureRequest(args=to_struct(config)), None)
    checks: list[float] = []
    diffs: list[float] = []
    for resource in resources:
        request = provider_pb2.CheckRequest(
            urn=resource["urn"], olds=to_struct(resource["inputs"]), news=to_struct(resource["inputs"])
        )
        started = time.perf_counter()
        reply = servicer.Check(request, None)
        checks.append(time.perf_counter() - started)
        diff_request = provider_pb2.DiffRequest(
            id=resource["id"],
            urn=resource["urn"],
            olds=to_struct(resource["outputs"]),
            news=reply.inputs,
            old_inputs=to_struct(resource["inputs"]),
        )
        started = time.perf_counter()
        answer = servicer.Diff(diff_request, None)
        diffs.append(time.perf_counter() - started)
        if answer.changes == provider_pb2.DiffResponse.DIFF_SOME:
            raise SystemExit(f"{resource['urn']}: the deployed resource diffs against its own state")
    return {"check": checks, "diff": diffs}


def main(argv: list[str]) -> int:
    data = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(time_handlers(data["config"], data["resources"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
