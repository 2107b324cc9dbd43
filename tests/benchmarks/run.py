"""Run the pulumi-azureml benchmark suite and print one table (also written as JSON).

    .venv/bin/python tests/benchmarks/run.py                # full run, under 10 minutes on 2 cores
    .venv/bin/python tests/benchmarks/run.py --quick        # under 2 minutes
    .venv/bin/python tests/benchmarks/run.py --only requests,cold_start --json /tmp/bench.json

Loopback only: the provider talks to the bundled ARM emulator. See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import sys

from benchsuite.cli import main

if __name__ == "__main__":
    sys.exit(main())
