"""Run the pulumi-azureml benchmark suite and print one table (also written as JSON).

    python3 tests/benchmarks/run.py                # full run (the time it takes is in benchmarks/README.md)
    python3 tests/benchmarks/run.py --quick        # smaller sizes and shorter operations
    python3 tests/benchmarks/run.py --only requests,cold_start --json bench.json
    python3 tests/benchmarks/run.py --only preview,cold_start,cli_scale --publish   # update the docs' table

From a fresh clone it sets itself up: with any Python 3.10+ it creates ``.venv`` at the repository root (the
package with its dev extra, as ``./tests/run`` does) if there is none, and runs again inside it; the real-CLI
sections get the Pulumi CLI from ``tests/pulumi-cli/provide``. Loopback only: the provider talks to the bundled
ARM emulator. See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV = REPO_ROOT / ".venv"


def _inside_project_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _run_inside_project_venv() -> None:
    """Create ``.venv`` if it is missing, then replace this process with the same command inside it."""
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"run.py: creating {VENV} with the package and its dev extra (once)", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f"{REPO_ROOT}[dev]"],
            check=True,
        )
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


if __name__ == "__main__":
    if not _inside_project_venv():
        _run_inside_project_venv()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from benchsuite.cli import main

    sys.exit(main())
