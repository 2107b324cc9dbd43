"""Canaries of the three Pulumi SDK internals this package patches: they fail, never skip, when the SDK changes shape.

When one fails, re-verify the patch in ``pulumi_azureml/_sdk_compat.py`` against the new SDK (and widen
``VERIFIED_SDK``), or remove the patch if upstream fixed the problem it works around.
"""

from __future__ import annotations

import concurrent.futures
import gc
import pickle
import subprocess
import sys

import pulumi
import pulumi.dynamic
import pytest

from pulumi_azureml import _sdk_compat


def test_the_host_pool_patch_still_fits_the_installed_sdk() -> None:
    assert _sdk_compat.host_pool_canary() == []


def test_the_pickler_patch_still_fits_the_installed_sdk() -> None:
    assert _sdk_compat.pickler_chain_canary() == []


def test_the_wrapper_chain_does_not_grow() -> None:
    import pulumi.dynamic.dynamic as dynamic

    class Probe(dynamic.ResourceProvider):  # type: ignore[misc]
        pass

    for _ in range(50):
        _sdk_compat.undo_sdk_pickler_wrapping()
        dynamic.serialize_provider(Probe())
    depth, method = 0, pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    while getattr(method, "__closure__", None) and method.__name__.startswith("batch_set_items_sorted"):
        depth += 1
        method = dict(zip(method.__code__.co_freevars, method.__closure__, strict=True))[
            "unsorted_batch_setitems"
        ].cell_contents
    assert depth <= 1, depth


def test_the_resource_types_patch_still_fits_the_installed_sdk() -> None:
    assert _sdk_compat.resource_types_canary() == []


# -- issue 28: what used to be paid per resource or at every host start is paid once per process ------------------


def test_the_sdk_version_is_read_once_and_without_importlib_metadata() -> None:
    # importlib.metadata (with zipfile, csv...) cost the host's cold start ~20 ms; reading it per resource cost
    # 0.4-3.5 ms each.
    code = (
        "import sys; from pulumi_azureml import _sdk_compat as c; "
        "print(c.sdk_version() is c.sdk_version() and c.sdk_version() is not None, 'importlib.metadata' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "False"]


def test_the_host_pool_is_found_without_scanning_every_object(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_scan() -> list[object]:
        raise AssertionError("gc.get_objects() scans the whole heap")

    monkeypatch.setattr(gc, "get_objects", no_scan)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        assert executor.submit(_sdk_compat._executor_running_current_thread).result() is executor
    assert _sdk_compat._executor_running_current_thread() is None  # not a pool worker


def test_output_types_are_computed_once_per_class_of_ours_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi._types as sdk_types

    from pulumi_azureml.resources.compute import Compute

    _sdk_compat.cache_resource_types()  # what registering any of our resources does (resources/base.py)
    evaluated: list[type] = []
    original = sdk_types._types_from_annotations

    def counting(cls: type) -> dict[str, type]:
        evaluated.append(cls)
        return original(cls)  # type: ignore[no-any-return]

    monkeypatch.setattr(sdk_types, "_types_from_annotations", counting)

    class Theirs(pulumi.dynamic.Resource):  # type: ignore[misc]
        size: pulumi.Output[int]

    for _ in range(5):
        assert sdk_types.resource_types(Compute)["current_node_count"] is int
        assert sdk_types.resource_types(Theirs) == {"size": int}
    assert evaluated.count(Compute) <= 1  # once per process (0 if an earlier test already asked)
    assert evaluated.count(Theirs) == 5  # anyone else's class: the SDK's own answer, every time


def test_registering_resources_reads_no_package_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    calls: list[str] = []
    real_version = metadata.version

    def counting(name: str) -> str:
        calls.append(name)
        return real_version(name)

    monkeypatch.setattr(metadata, "version", counting)
    from pulumi_azureml.resources.base import prepare

    for index in range(20):
        prepare("Compute", f"c{index}", None, {"compute_type": "AmlCompute"}, None)
    assert calls == []
