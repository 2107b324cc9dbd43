"""A program may declare well over a thousand dynamic resources: pickling each ``__provider`` must keep working.

The Pulumi SDK's ``serialize_provider`` wraps ``pickle._Pickler._batch_setitems`` again on every call and never
restores it (pulumi 3.x, ``pulumi/dynamic/dynamic.py``), so the wrapper chain grows by one per dynamic resource and
the ~950th pickling fails with ``RecursionError``. The soak suite found it (many programs in one process); the
resource classes now unwrap the chain before each registration (``resources/base.py``,
``undo_sdk_pickler_wrapping``). This test declares the resources the way a program does, in one process.
"""

from __future__ import annotations

import pickle
import sys

import pytest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_azureml.resources.base import prepare

RESOURCES = 1500


@pytest.mark.timeout(60)
def test_fifteen_hundred_registrations_pickle_their_providers() -> None:
    assert RESOURCES > sys.getrecursionlimit()
    pickled = set()
    for index in range(RESOURCES):
        provider, _, _ = prepare("Compute", f"cluster{index}", None, {"compute_type": "AmlCompute"}, None)
        pickled.add(serialize_provider(provider))
    # Deterministic (sorted) and identical for every resource of a kind, as before the work-around.
    assert len(pickled) == 1
    assert wrapper_layers(pickle._Pickler._batch_setitems) <= 1  # type: ignore[attr-defined]


def wrapper_layers(method: object) -> int:
    layers = 0
    while getattr(method, "__name__", "").startswith("batch_set_items_sorted"):
        layers += 1
        method = method.__closure__[0].cell_contents  # type: ignore[attr-defined]
    return layers
