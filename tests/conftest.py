"""Suite-wide collection rules: which tests must not share the machine with other tests.

The default run spreads the in-process suites over two workers (pytest-xdist), except the tests that measure
concurrency or run many threads against short client timeouts: on 2 cores, a neighbour would starve them into
false failures (a 40-resource concurrency test saw its own 409s, a fault-matrix cell its client timeout). Those
are marked ``serial`` here and run one at a time after the rest (see tests/run).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.respelling_proxy import RespellingProxy, respelling_proxy

TESTS = Path(__file__).parent
SERIAL = (
    TESTS / "reliability",
    TESTS / "protocol" / "test_host_workers.py",
    TESTS / "emulator" / "test_emulator_concurrency.py",
    TESTS / "emulator" / "test_emulator_performance.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path))
        if any(path == serial or serial in path.parents for serial in SERIAL):
            item.add_marker(pytest.mark.serial)


@pytest.fixture
def proxy(emulator: object) -> Iterator[RespellingProxy]:
    """A re-spelling proxy in front of the suite's ``emulator`` fixture (support.respelling_proxy)."""
    with respelling_proxy(emulator.url) as server:  # type: ignore[attr-defined]
        yield server
