"""Local files of an asset version: which ones (ignore files), their content hash, and their upload.

The files of a folder are those Azure's own tools upload: everything below it except what its ignore file
excludes, where ``.amlignore`` is used when present and ``.gitignore`` otherwise (azure-ai-ml's
``get_ignore_file``), with gitignore's pattern rules. A single file is itself.

The content hash (``sha256:<hex>``) covers, in sorted order of their relative paths (``/``-separated), each file's
path, size and bytes, so renaming, adding, removing or editing any file changes it and nothing else does (not
timestamps, not the folder's own location). The resource classes compute it in the program, so it is an input:
an edited file previews as a new version, an unchanged folder as no change, without a request.

The upload streams each file in blocks (:class:`pulumi_azureml.arm.blob.BlobUploader`) and hashes what it sends;
if that differs from the hash the program computed (a file changed between preview and upload), the upload is
refused rather than registering content nobody previewed. This module knows nothing of Pulumi.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pulumi_azureml.arm.blob import BlobUploader, UploadError

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
    """The files to upload for ``path`` (a file or a folder), sorted by relative path."""
    if not os.path.exists(path):
        raise LocalPathError(f"{path!r} does not exist (relative paths start at the Pulumi program's directory)")
    if os.path.isfile(path):
        return [LocalFile(os.path.basename(path), path, os.path.getsize(path))]
    if not os.path.isdir(path):
        raise LocalPathError(f"{path!r} is neither a file nor a folder")
    rules = _ignore_rules(path)
    files: list[LocalFile] = []
    for directory, subdirectories, names in os.walk(path):
        relative_directory = os.path.relpath(directory, path).replace(os.sep, "/")
        prefix = "" if relative_directory == "." else relative_directory + "/"
        subdirectories[:] = sorted(name for name in subdirectories if not rules.excluded(prefix + name, True))
        for name in names:
            relative = prefix + name
            full = os.path.join(directory, name)
            if rules.excluded(relative, False) or not os.path.isfile(full):
                continue
            files.append(LocalFile(relative, full, os.path.getsize(full)))
    if not files:
        raise LocalPathError(f"{path!r} holds no file to upload (after its ignore file)")
    return sorted(files, key=lambda item: item.relative)


def content_hash(files: Sequence[LocalFile]) -> str:
    """``sha256:<hex>`` over each file's relative path, size and bytes, in order."""
    digest = hashlib.sha256()
    for item in files:
        digest.update(_header(item))
        with open(item.path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
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
        with open(item.path, "rb") as handle:
            uploader.upload_file(item.relative, handle, item.size, digest.update)
    actual = HASH_PREFIX + digest.hexdigest()
    if expected_hash and actual != expected_hash:
        raise UploadError(
            "the local files changed after the program computed their hash (between preview and upload); "
            "run `pulumi up` again so the new content is previewed and uploaded"
        )
    if progress is not None:
        progress(f"uploaded {len(files)} file(s), {total} bytes")
    return actual


def _header(item: LocalFile) -> bytes:
    return item.relative.encode("utf-8") + b"\0" + str(item.size).encode("ascii") + b"\0"


# ---------------------------------------------------------------------------------------------- ignore files


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    negated: bool
    directory_only: bool


class _Rules:
    def __init__(self, rules: list[_Rule]) -> None:
        self._rules = rules

    def excluded(self, relative: str, is_directory: bool) -> bool:
        """Whether ``relative`` is excluded: the last matching pattern decides (gitignore)."""
        result = False
        for rule in self._rules:
            if rule.directory_only and not is_directory:
                continue
            if rule.pattern.match(relative):
                result = not rule.negated
        return result


def _ignore_rules(root: str) -> _Rules:
    for name in IGNORE_FILES:
        candidate = os.path.join(root, name)
        if os.path.isfile(candidate):
            with open(candidate, encoding="utf-8", errors="replace") as handle:
                return _Rules([rule for line in handle if (rule := _parse(line)) is not None])
    return _Rules([])


def _parse(line: str) -> _Rule | None:
    text = line.rstrip("\n").rstrip("\r")
    if not text.endswith("\\ "):
        text = text.rstrip(" ")
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated:
        text = text[1:]
    if text.startswith(("\\#", "\\!")):
        text = text[1:]
    directory_only = text.endswith("/")
    text = text.rstrip("/")
    if not text:
        return None
    anchored = "/" in text
    text = text.lstrip("/")
    body = _translate(text)
    # Unanchored patterns match at any depth; a matched directory excludes everything below it via the walk's
    # pruning, and a file pattern also matches the file inside any folder.
    expression = f"^{body}$" if anchored else f"^(?:.*/)?{body}$"
    return _Rule(re.compile(expression), negated, directory_only)


def _translate(pattern: str) -> str:
    """gitignore wildmatch → regex: ``**`` spans folders, ``*`` and ``?`` stay within one, ``[...]`` classes."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("/**", index) and index + 3 == len(pattern):
            out.append("/.*")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif char == "*":
            out.append("[^/]*")
            index += 1
        elif char == "?":
            out.append("[^/]")
            index += 1
        elif char == "[":
            end = pattern.find("]", index + 2)
            if end == -1:
                out.append(re.escape(char))
                index += 1
            else:
                inner = pattern[index + 1 : end]
                if inner.startswith("!"):
                    inner = "^" + inner[1:]
                out.append(f"[{inner.replace(chr(92), chr(92) * 2)}]")
                index = end + 1
        elif char == "\\" and index + 1 < len(pattern):
            out.append(re.escape(pattern[index + 1]))
            index += 2
        else:
            out.append(re.escape(char))
            index += 1
    return "".join(out)
