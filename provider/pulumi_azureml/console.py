"""The provider's one way to write a progress or reason line to the host's output: one atomic write per line.

``print(text)`` writes the text and the newline as two separate calls, so lines from the provider host's worker
threads can glue together or split (a preview's reason landing beside another resource). Here each line, newline
included, is a single ``write`` under a lock, followed by a flush.
"""

from __future__ import annotations

import sys
import threading

_LOCK = threading.Lock()


def say(line: str) -> None:
    """Write ``line`` as one whole line (embedded line breaks are flattened, so one call is one line)."""
    text = " ".join(line.splitlines()) + "\n"
    with _LOCK:
        stream = sys.stdout
        stream.write(text)
        stream.flush()
