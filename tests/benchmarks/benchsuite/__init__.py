"""The pulumi-azureml benchmark suite (issue 8): one command (``tests/benchmarks/run.py``), one table, one JSON file.

Importing this package puts ``tests/`` on ``sys.path`` so the sections can use the engine-protocol harness
(``harness``), which is test support and not installed. It imports nothing else: the provider host imports
:mod:`benchsuite.baselines` too, and the empty-provider baseline must not pay for anything it does not need.
"""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS_DIR = str(Path(__file__).resolve().parents[2])
if _TESTS_DIR not in sys.path:
    sys.path.append(_TESTS_DIR)
