"""Local files of an asset version: which ones (ignore files, symbolic links), their content hash, and their upload.

The files of a folder are those Azure's own tools upload: everything below it except what its ignore file
excludes, where ``.amlignore`` is used when present and ``.gitignore`` otherwise (azure-ai-ml's
``get_ignore_file``), read as git reads it (:mod:`pulumi_azureml.ignore_files`). A single file is itself.

Symbolic links, one policy for the hash and the upload (both use :func:`collect`): a link to a file or a folder
inside the asset's folder is followed (its target's bytes under the link's own name; a linked folder is walked); a
link that leads outside the folder, a broken link and a link that loops back to a folder it is in are refused with
the link's name, as is anything that is neither a file nor a folder (a socket, a pipe). Nothing is ever left out
silently: to leave such an entry out, name it in the ignore file, which is read before these rules. A file that
cannot be read is refused with its name (issue 23).

The content hash (``sha256:<hex>``) covers, in sorted order of their relative paths (``/``-separated), each file's
path, size and bytes, so renaming, adding, removing or editing any file changes it and nothing else does (not
timestamps, not the folder's own location). The resource classes compute it in the program, so it is an input:
an edited file previews as a new version, an unchanged folder as no change, without a request.

The upload streams each file in blocks (:class:`pulumi_azureml.arm.blob.BlobUploader`) and hashes what it sends;
if that differs from the hash the program computed (a file changed between preview and upload), the upload is
refused rather than registering content nobody previewed. This module knows nothing of Pulumi.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from pulumi_azureml.arm.blob import BlobUploader, UploadError
from pulumi_azureml.ignore_files import IgnoreRules

HASH_PREFIX = "sha256:"
IGNORE_FILES = (".amlignore", ".gitignore")
"""In order of precedence: the first present in the folder's root is used."""


class LocalPathError(ValueError):
    """The local path of an asset cannot be read (missing, empty, unreadable)."""


@dataclass(frozen=True)
class LocalFile:
    relative: str
    """Path below the uploaded folder, ``/``-separated (a single file: its name)."""
    path: str
    size: int


def collect(path: str) -> list[LocalFile]:
    """The files to upload for ``path`` (a file or a folder), sorted by relative path.

    Raises :class:`LocalPathError` (one line, naming the entry) for what the module docstring's policy refuses.
    """
    shown = _shown(path)
    if not os.path.lexists(path):
        raise LocalPathError(f"{shown} does not exist (relative paths start at the Pulumi program's directory)")
    try:
        status = os.stat(path)
    except OSError as error:
        raise LocalPathError(f"{shown} {_link_problem(error)}") from None
    if stat.S_ISREG(status.st_mode):
        return [LocalFile(_name(os.path.basename(path), shown), path, status.st_size)]
    if not stat.S_ISDIR(status.st_mode):
        raise LocalPathError(f"{shown} is neither a file nor a folder")
    root = os.path.realpath(path)
    rules = _ignore_rules(path)
    files = list(_walk(path, root, rules, shown))
    if not files:
        raise LocalPathError(f"{shown} holds no file to upload (after its ignore file)")
    return sorted(files, key=lambda item: item.relative)


def _walk(path: str, root: str, rules: IgnoreRules, shown: str) -> Iterator[LocalFile]:
    """The files below the asset folder ``path`` (real path ``root``), links followed by the module's policy.

    A stack rather than recursion: a deep tree must not end in a RecursionError. Each folder carries the real paths
    of the folders it is in (a link to one of them is a loop)."""
    pending: list[tuple[str, str, str, tuple[str, ...]]] = [(path, "", root, (root,))]
    while pending:
        directory, prefix, real_directory, ancestors = pending.pop()
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            where = _shown(prefix.rstrip("/")) if prefix else "the folder"
            problem = error.strerror or type(error).__name__
            raise LocalPathError(f"{shown}: {where} cannot be read ({problem})") from None
        for entry in entries:
            relative = prefix + entry.name
            named = f"{shown}: {_shown(relative)}"
            try:
                link = entry.is_symlink()
                status = os.stat(entry.path) if link else entry.stat(follow_symlinks=False)
            except OSError as error:
                if rules.excluded(relative, False):
                    continue
                raise LocalPathError(f"{named} {_link_problem(error)}{_leave_out(rules)}") from None
            is_directory = stat.S_ISDIR(status.st_mode)
            if rules.excluded(relative, is_directory):
                continue
            real = os.path.realpath(entry.path) if link else os.path.join(real_directory, entry.name)
            if link and os.path.commonpath([root, real]) != root:
                raise LocalPathError(
                    f"{named} is a symbolic link to {_shown(real)}, outside the folder: only links inside it are "
                    f"followed{_leave_out(rules)}, or copy the file into the folder"
                )
            if is_directory:
                if real in ancestors:
                    raise LocalPathError(
                        f"{named} is a symbolic link that loops back to a folder it is in{_leave_out(rules)}"
                    )
                pending.append((entry.path, relative + "/", real, (*ancestors, real)))
            elif stat.S_ISREG(status.st_mode):
                yield LocalFile(_name(relative, named), entry.path, status.st_size)
            else:
                raise LocalPathError(
                    f"{named} is neither a file nor a folder (a socket, pipe or device){_leave_out(rules)}"
                )


def _link_problem(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "is a symbolic link that loops (it leads back to itself)"
    if error.errno == errno.ENOENT:
        return "is a broken symbolic link (what it points to does not exist)"
    return f"cannot be read ({error.strerror or type(error).__name__})"


def _leave_out(rules: IgnoreRules) -> str:
    return f"; to leave it out, name it in {rules.source or '.amlignore'}"


def _name(relative: str, named: str) -> str:
    """``relative``, refused when it is not valid UTF-8: blob names are, and so is the content hash's header."""
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        raise LocalPathError(f"{named}: its name is not valid UTF-8, which blob names must be") from None
    return relative


def _shown(text: str) -> str:
    """A path as messages show it: quoted, on one printable line (``repr`` escapes a newline, a terminal escape and
    every other character that is not printable, so a file name cannot forge output lines)."""
    return repr(text)


def _open(item: LocalFile) -> BinaryIO:
    try:
        return open(item.path, "rb")
    except OSError as error:
        raise LocalPathError(
            f"{_shown(item.relative)} cannot be read ({error.strerror or type(error).__name__})"
        ) from None


def _read(item: LocalFile, handle: BinaryIO, size: int) -> bytes:
    try:
        return handle.read(size)
    except OSError as error:
        raise LocalPathError(
            f"{_shown(item.relative)} cannot be read ({error.strerror or type(error).__name__})"
        ) from None


def content_hash(files: Sequence[LocalFile]) -> str:
    """``sha256:<hex>`` over each file's relative path, size and bytes, in order."""
    digest = hashlib.sha256()
    for item in files:
        digest.update(_header(item))
        with _open(item) as handle:
            while chunk := _read(item, handle, 1024 * 1024):
                digest.update(chunk)
    return HASH_PREFIX + digest.hexdigest()


def hash_path(path: str) -> str:
    """The content hash of a local file or folder (what the resource classes put in their inputs)."""
    return content_hash(collect(path))


def upload(
    files: Sequence[LocalFile],
    uploader: BlobUploader,
    *,
    expected_hash: str | None,
    progress: Callable[[str], None] | None = None,
) -> str:
    """Upload every file below the uploader's folder; return the hash of what was sent.

    Raises :class:`UploadError` when that differs from ``expected_hash``.
    """
    digest = hashlib.sha256()
    total = sum(item.size for item in files)
    for item in files:
        digest.update(_header(item))
        with _open(item) as handle:
            uploader.upload_file(item.relative, _Reading(item, handle), item.size, digest.update)
    actual = HASH_PREFIX + digest.hexdigest()
    if expected_hash and actual != expected_hash:
        raise UploadError(
            "the local files changed after the program computed their hash (between preview and upload); "
            "run `pulumi up` again so the new content is previewed and uploaded"
        )
    if progress is not None:
        progress(f"uploaded {len(files)} file(s), {total} bytes")
    return actual


class _Reading:
    """A file being uploaded: a read error becomes a :class:`LocalPathError` naming it, not an ``OSError``."""

    def __init__(self, item: LocalFile, handle: BinaryIO) -> None:
        self._item = item
        self._handle = handle

    def read(self, size: int) -> bytes:
        return _read(self._item, self._handle, size)


def _header(item: LocalFile) -> bytes:
    return item.relative.encode("utf-8") + b"\0" + str(item.size).encode("ascii") + b"\0"


def _ignore_rules(root: str) -> IgnoreRules:
    for name in IGNORE_FILES:
        candidate = os.path.join(root, name)
        if os.path.isfile(candidate):
            try:
                with open(candidate, "rb") as handle:
                    return IgnoreRules.parse(handle.read(), name)
            except OSError as error:
                raise LocalPathError(
                    f"{_shown(root)}: {name} cannot be read ({error.strerror or type(error).__name__})"
                ) from None
    return IgnoreRules([])
