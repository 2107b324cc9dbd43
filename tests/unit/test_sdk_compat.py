"""Canaries of the two Pulumi SDK internals this package patches: they fail, never skip, when the SDK changes shape.

When one fails, re-verify the patch in ``pulumi_azureml/_sdk_compat.py`` against the new SDK (and widen
``VERIFIED_SDK``), or remove the patch if upstream fixed the problem it works around.
"""

from __future__ import annotations

import pickle

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
