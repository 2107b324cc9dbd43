"""The symbolic link policy of an asset's files, unreadable files and hostile file names (issue 23).

One policy for the content hash and the upload, since both take their files from ``collect``: links inside the
folder are followed (a linked folder is walked), a link that leaves the folder, a broken link and a loop are refused
with the link's name, and nothing is left out silently. Before the fix a link to a file outside was uploaded with
the outside file's bytes, a linked folder, a loop or a broken link were silently left out, and an unreadable file
ended in a raw ``OSError``.
"""

from __future__ import annotations

import io
import os
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_azureml import uploads
from pulumi_azureml.arm.blob import BlobUploader, UploadError
from pulumi_azureml.uploads import LocalPathError, collect, hash_path, upload


def tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def names(root: Path) -> list[str]:
    return [item.relative for item in collect(str(root))]


class Answering:
    """A storage session that answers every request with one status."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.headers: dict[str, str] = {}

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = self.status
        return response


def refusal(root: Path) -> str:
    with pytest.raises(LocalPathError) as raised:
        collect(str(root))
    message = str(raised.value)
    assert "\n" not in message and "\r" not in message and "\x1b" not in message
    return message


def test_links_inside_the_folder_are_followed_files_and_folders(tmp_path: Path) -> None:
    root = tree(tmp_path / "asset", {"real/a.py": "A", "b.py": "B"})
    (root / "alias.py").symlink_to("b.py")
    (root / "linked").symlink_to("real", target_is_directory=True)
    assert names(root) == ["alias.py", "b.py", "linked/a.py", "real/a.py"]
    # The hash follows the link: the bytes of its target, under the link's name.
    copy = tree(tmp_path / "copy", {"real/a.py": "A", "b.py": "B", "alias.py": "B", "linked/a.py": "A"})
    assert hash_path(str(root)) == hash_path(str(copy))


def test_a_link_that_leaves_the_folder_is_refused_with_its_name(tmp_path: Path) -> None:
    outside = tree(tmp_path / "outside", {"secret.txt": "not for upload"})
    root = tree(tmp_path / "asset", {"a.py": ""})
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    message = refusal(root)
    assert "'leak.txt' is a symbolic link to" in message and "outside the folder" in message
    (root / "leak.txt").unlink()
    (root / "up").symlink_to(outside, target_is_directory=True)
    assert "'up' is a symbolic link to" in refusal(root)


def test_a_link_the_ignore_file_names_is_left_out_as_asked(tmp_path: Path) -> None:
    outside = tree(tmp_path / "outside", {"x": ""})
    root = tree(tmp_path / "asset", {"a.py": "", ".amlignore": "leak\nbroken\n"})
    (root / "leak").symlink_to(outside / "x")
    (root / "broken").symlink_to(root / "missing")
    assert names(root) == [".amlignore", "a.py"]


def test_broken_links_and_loops_are_refused_with_their_names(tmp_path: Path) -> None:
    root = tree(tmp_path / "broken", {"a.py": ""})
    (root / "gone.py").symlink_to(root / "nowhere.py")
    message = refusal(root)
    assert "'gone.py' is a broken symbolic link" in message and "name it in .amlignore" in message

    root = tree(tmp_path / "loop", {"sub/a.py": ""})
    (root / "sub" / "back").symlink_to("..", target_is_directory=True)
    assert "'sub/back' is a symbolic link that loops back" in refusal(root)

    root = tree(tmp_path / "self", {"a.py": ""})
    (root / "me").symlink_to("me")
    assert "'me' is a symbolic link that loops" in refusal(root)


def test_a_socket_is_refused_not_skipped(tmp_path: Path) -> None:
    root = tree(tmp_path / "asset", {"a.py": ""})
    path = root / "s"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
    except OSError:  # pragma: no cover - path too long for a socket on this machine
        pytest.skip("cannot bind a unix socket here")
    try:
        assert "'s' is neither a file nor a folder" in refusal(root)
    finally:
        server.close()


def test_an_unreadable_file_is_a_one_line_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path / "asset", {"a.py": "", "sub/locked.bin": "x"})
    real_open = open

    def refusing(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith("locked.bin"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    # Root reads any file whatever its mode, so the refusal is made by the file system call itself.
    monkeypatch.setattr(uploads, "open", refusing, raising=False)
    with pytest.raises(LocalPathError) as raised:
        hash_path(str(root))
    assert str(raised.value) == "'sub/locked.bin' cannot be read (Permission denied)"
    files = collect(str(root))
    made = BlobUploader("https://acct.blob.core.windows.net/c/x", "sig=x", session=Answering(201))  # type: ignore[arg-type]
    with pytest.raises(LocalPathError, match="'sub/locked.bin' cannot be read"):
        upload(files, made, expected_hash=None)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_folder_is_a_one_line_error_naming_it(tmp_path: Path) -> None:  # pragma: no cover
    root = tree(tmp_path / "asset", {"a.py": "", "sub/b.py": ""})
    (root / "sub").chmod(0)
    try:
        assert "'sub' cannot be read" in refusal(root)
    finally:
        (root / "sub").chmod(0o755)


def test_file_names_with_control_characters_reach_messages_as_one_line(tmp_path: Path) -> None:
    name = "evil\n\x1b[31mazureml: done\r.py"
    root = tree(tmp_path / "asset", {"a.py": ""})
    (root / name).symlink_to(root / "missing")
    message = refusal(root)
    assert "evil\\n\\x1b[31mazureml: done\\r.py" in message

    made = BlobUploader("https://acct.blob.core.windows.net/c/x", "sig=x", session=Answering(403))  # type: ignore[arg-type]
    with pytest.raises(UploadError) as raised:
        made.upload_file(name, io.BytesIO(b"x"), 1, lambda chunk: None)
    assert "\n" not in str(raised.value) and "\x1b" not in str(raised.value) and "\\x1b" in str(raised.value)


def test_a_name_that_is_not_utf8_is_refused_with_its_name(tmp_path: Path) -> None:
    root = tree(tmp_path / "asset", {"a.py": ""})
    try:
        (root / os.fsdecode(b"caf\xe9.txt")).write_text("")
    except (OSError, UnicodeEncodeError):  # pragma: no cover - a file system that insists on UTF-8
        pytest.skip("this file system refuses names that are not UTF-8")
    assert "is not valid UTF-8" in refusal(root)


def test_a_deep_tree_is_walked_without_recursion(tmp_path: Path) -> None:
    """A tree deeper than the recursion limit. The limit is lowered for the walk instead of making 1 000+ folders:
    a tree that deep would also break shutil.rmtree, which recurses, in pytest's clean-up of old temporary folders
    (shared by every run on the machine)."""
    root = tmp_path / "asset"
    deep = root
    for _ in range(300):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "leaf.txt").write_text("x")
    limit = sys.getrecursionlimit()
    frames, frame = 0, sys._getframe()
    while frame is not None:
        frames, frame = frames + 1, frame.f_back  # type: ignore[assignment]
    sys.setrecursionlimit(frames + 150)
    try:
        found = names(root)
    finally:
        sys.setrecursionlimit(limit)
    assert found == ["d/" * 300 + "leaf.txt"]
