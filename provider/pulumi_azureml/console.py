"""The provider's one way to write a progress or reason line to the host's output: one atomic write per line.

``print(text)`` writes the text and the newline as two separate calls, so lines from the provider host's worker
threads can glue together or split (a preview's reason landing beside another resource). Here each line, newline
included, is a single ``write`` under a lock, followed by a flush.

Two channels on that one stream (stdout is all a dynamic provider has; the CLI shows it under the stack's
diagnostics): :func:`progress` for what an operation is doing or waiting for (the ARM client's reporter), and
:func:`warn_once` for a setting or option that is ignored, said once per process and subject.
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


_WARNED: set[str] = set()


def progress(line: str) -> None:
    """The provider's progress channel: ``azureml: <line>``."""
    say(f"azureml: {line}")


def warn_once(subject: str, line: str) -> None:
    """The provider's warning channel: ``azureml: warning: <line>``, once per ``subject`` in this process (every
    resource kind has its own provider object, and each is configured with the same stack config)."""
    with _LOCK:
        if subject in _WARNED:
            return
        _WARNED.add(subject)
    say(f"azureml: warning: {line}")
