"""Files beside the checkout (`../shared`: the seed articles and official Azure examples the tests replay).

They are found relative to the repository root, never by an absolute path. A test that needs one fails when it is
missing in CI (`CI=true`, where `../shared` is always laid out) and skips with the reason elsewhere, so a fork
without it can still run the rest.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SHARED = REPOSITORY.parent / "shared"
SEEDS = SHARED / "seeds"
OFFICIAL_EXAMPLES = SHARED / "docs" / "azure-specs" / "examples"


def require(path: Path) -> Path:
    """``path`` if it exists; otherwise fail in CI and skip elsewhere, naming what is missing."""
    if path.exists():
        return path
    message = f"{path.relative_to(REPOSITORY.parent)} is not beside this checkout (expected at ../shared)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)
