"""The provider's one way to write a progress or reason line to the host's output: one atomic write per line.

``print(text)`` writes the text and the newline as two separate calls, so lines from the provider host's worker
threads can glue together or split (a preview's reason landing beside another resource). Here each line, newline
included, is a single ``write`` under a lock, followed by a flush. And every line is printable: a file name or a
service message holding CR, ESC or another control character could otherwise move the cursor, recolour or forge
the CLI's output; :func:`printable` is also what :class:`~pulumi_azureml.errors.AzureMLError` applies.

Two channels on that one stream (stdout is all a dynamic provider has; the CLI shows it under the stack's
diagnostics): :func:`progress` for what an operation is doing or waiting for (the ARM client's reporter), and
:func:`warn_once` for a setting or option that is ignored, said once per process and subject.
"""

from __future__ import annotations

import sys
import threading

_LOCK = threading.Lock()


def printable(text: str) -> str:
    """``text`` on one line: every character Python does not call printable (control characters such as CR/LF and
    the terminal escape, line separators, format characters such as a right-to-left override, lone surrogates) is
    shown escaped (``\\n``, ``\\x1b``, ``\\u202e``), so a message cannot split, recolour or forge engine output."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape", "backslashreplace").decode("ascii")
        for char in text
    )


def say(line: str) -> None:
    """Write ``line`` as one whole printable line (embedded line breaks are flattened to spaces, other control
    characters escaped, so one call is one line)."""
    text = printable(" ".join(line.splitlines())) + "\n"
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
