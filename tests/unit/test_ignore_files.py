"""Ignore files read as git reads them, in time linear in the path (issue 23).

Before the fix the hand-written translation to a regular expression backtracked (``*a*a*a*a*a*a*a*a*b`` against a
40-character name: 6 s), raised ``re.error`` for ``[z-a]``, ``[^]`` and ``[!]``, and read POSIX classes, a byte
order mark and ``[\\]]`` differently from git. The table below is checked against git itself when it is installed
(``git ls-files --others --exclude-standard`` in a scratch repository, no global or system config).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from pulumi_azureml.ignore_files import IgnoreRules, Wildmatch
from pulumi_azureml.uploads import LocalPathError, collect

# (pattern, a long path it matches): none matches a run of "a" (with or without slashes) lacking its final "b".
ADVERSARIAL = [
    (b"*a*a*a*a*a*a*a*a*b", b"a" * 9_000 + b"b"),
    (b"**/*a*a*a*a*a*a*a*a*b", b"a/" * 100 + b"a" * 9_000 + b"b"),
    (b"*?*?*?*?*?*?*?*?*?*?*b", b"a" * 9_000 + b"b"),
    (b"[a]*[a]*[a]*[a]*[a]*[a]*[a]*[a]*b", b"a" * 9_000 + b"b"),
    (b"a/**/a/**/a/**/a/**/a/**/b", b"a/" * 5_000 + b"b"),
]


@pytest.mark.parametrize(("pattern", "matching"), ADVERSARIAL)
def test_adversarial_patterns_take_work_linear_in_the_name(pattern: bytes, matching: bytes) -> None:
    """A bound on the work done, not on time: at most (pattern positions + 1) steps per byte of the path."""
    compiled = Wildmatch.compile(pattern)
    assert compiled.tokens is not None
    bound = len(compiled.tokens) + 1
    for name in (b"a" * 40, b"a" * 10_000, b"a/" * 5_000, (b"a" * 99 + b"/") * 100):
        matched, steps = compiled.run(name)
        assert not matched
        assert steps <= len(name) * bound, (pattern, len(name), steps)
    matched, steps = compiled.run(matching)  # and they still match what they should
    assert matched and steps <= len(matching) * bound


def test_the_adversarial_pattern_in_an_ignore_file_completes_on_a_long_name(tmp_path: Path) -> None:
    name = "a" * 200  # a longer file name than most file systems allow is covered above
    (tmp_path / ".gitignore").write_text("*a*a*a*a*a*a*a*a*b\n")
    (tmp_path / name).write_text("")
    (tmp_path / (name + "b")[:255]).write_text("")
    assert sorted(item.relative for item in collect(str(tmp_path))) == [".gitignore", name]


@pytest.mark.parametrize("pattern", [b"[^]", b"[!]", b"[", b"a[", b"[[:nope:]]", b"x\\", b"[a-\\"])
def test_patterns_git_cannot_use_match_nothing_and_raise_nothing(pattern: bytes) -> None:
    rules = IgnoreRules.parse(pattern + b"\n*.log\n")
    for name in ("z", "a", "]", "[", "x", "x\\", "[z-a]", "anything"):
        assert rules.excluded(name, False) is False
    assert rules.excluded("run.log", False) is True


# (ignore file content, files, the files git keeps): each row is checked against git when it is installed.
CASES: list[tuple[str, bytes, list[str], list[str]]] = [
    ("posix class", b"[[:digit:]]x\n", ["1x", "ax", "d/2x"], ["ax"]),
    ("posix classes", b"[[:upper:][:space:]]*\n[[:punct:]]q\n", ["Ab", "ab", " b", "-q", "aq"], ["aq", "ab"]),
    ("escaped bracket", b"[\\]]y\n", ["]y", "\\y", "y"], ["\\y", "y"]),
    ("bracket first", b"[]]z\n[!]]w\n", ["]z", "az", "]w", "aw"], ["]w", "az"]),
    ("byte order mark", b"\xef\xbb\xbf*.tmp\n", ["a.tmp", "b.txt"], ["b.txt"]),
    ("crlf lines", b"*.tmp\r\nkeep/\r\n", ["a.tmp", "keep/x", "b"], ["b"]),
    ("inverted range", b"[z-a]\n", ["a", "z", "m", "-"], ["-", "a", "m"]),  # git: the "z" alone, no range
    ("unclosed classes", b"[!]\n[^]\n[\n", ["!", "^", "[", "a"], ["!", "[", "^", "a"]),
    ("range edges", b"[a-]x\n[-b]y\n", ["ax", "-x", "bx", "by", "-y", "cy"], ["bx", "cy"]),
    ("negated class", b"[!ab]c\n[^x]d\n", ["ac", "zc", "xd", "yd"], ["ac", "xd"]),
    ("not a posix class", b"[[:]x\n[[:a]y\n", ["[x", ":x", "ay", "[y", "by"], ["by"]),
    ("stars", b"a*b\n*.c\n", ["ab", "axxb", "d/ab", "d/x.c", "a/b"], ["a/b"]),
    ("anchored", b"/top\nsub/deep\n", ["top", "d/top", "sub/deep", "x/sub/deep"], ["d/top", "x/sub/deep"]),
    ("double stars", b"**/cache\nlogs/**\na/**/z\n", ["cache", "p/q/cache", "logs/x/y", "a/z", "a/b/c/z"], []),
    ("double star kept", b"x**y\nm/**n\n", ["xy", "xay", "x/y", "m/n", "m/an", "m/a/n"], ["m/a/n", "x/y"]),
    ("directories only", b"build/\n", ["build/a", "lib/build", "src/build/b"], ["lib/build"]),
    ("negation", b"*.log\n!keep.log\nd/\n!d/x\n", ["a.log", "keep.log", "d/x", "e/d/y"], ["keep.log"]),
    ("escapes", b"\\#hash\n\\!bang\nsp\\ \nq\\?\n", ["#hash", "!bang", "sp ", "q?", "qa"], ["qa"]),
    ("trailing spaces", b"tail   \n", ["tail", "tail "], ["tail "]),
    ("question mark", b"?.py\n", ["a.py", "ab.py", "d/b.py"], ["ab.py"]),
    ("unicode", "é*\n".encode(), ["éa", "ea", "é.md"], ["ea"]),
    ("bytes, not characters", b"?.md\n", ["é.md", "x.md"], ["é.md"]),  # git's ? is one byte
    ("comment and blank", b"# a.py\n\n   \n", ["# a.py", "a.py"], ["# a.py", "a.py"]),
    ("after a literal run", b"a**/\\b*\n:**//\n", ["ab", "axb", ":/x", "c"], ["axb", "c"]),  # git's prefix rule
]


def _build(root: Path, content: bytes, files: list[str]) -> None:
    root.mkdir()
    (root / ".gitignore").write_bytes(content)
    for relative in files:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")


@pytest.mark.parametrize(("content", "files", "kept"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_ignore_files_read_as_git_reads_them(tmp_path: Path, content: bytes, files: list[str], kept: list[str]) -> None:
    root = tmp_path / "asset"
    _build(root, content, files)
    collected = sorted(item.relative for item in collect(str(root)))
    assert collected == sorted([".gitignore", *kept])


GIT = shutil.which("git")


def _kept_by_git(tmp_path: Path, root: Path) -> list[str]:
    """The files of ``root`` git does not ignore (untracked, after its .gitignore; no global or system config)."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    run = [str(GIT), f"--git-dir={tmp_path / (root.name + '.git')}", f"--work-tree={root}"]
    subprocess.run([*run, "init", "-q"], check=True, env=environment, cwd=root)
    listed = subprocess.run(
        [*run, "ls-files", "-z", "--others", "--exclude-standard"],
        check=True,
        env=environment,
        cwd=root,
        capture_output=True,
    ).stdout
    return sorted(os.fsdecode(item) for item in listed.split(b"\0") if item)


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_the_table_is_what_git_itself_does(tmp_path: Path) -> None:
    differing = []
    for name, content, files, kept in CASES:
        root = tmp_path / name.replace(" ", "-")
        _build(root, content, files)
        from_git = _kept_by_git(tmp_path, root)
        if from_git != sorted([".gitignore", *kept]):
            differing.append((name, from_git))
    assert differing == []


_PIECES = [*"ab/*?[]!^-\\:1A ", "[:digit:]", "[:alpha:]", "**", "**/", "/**"]
_NAMES = ["a", "b", "ab", "ba", "a1", "A", "1", "[", "]", "!", "-", "^", "a b", "\\", ":", "aa", "b-a", "x"]


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_random_ignore_files_read_as_git_reads_them(tmp_path: Path) -> None:
    """Seeded: the same 60 generated ignore files and trees every run, each compared with git."""
    rng = random.Random(23)
    differing = []
    for case in range(60):
        lines = [
            ("!" if rng.random() < 0.2 else "") + "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 10)))
            for _ in range(rng.randint(1, 3))
        ]
        files: set[str] = set()
        for _ in range(12):
            path = "/".join(rng.choice(_NAMES) for _ in range(rng.randint(1, 3)))
            parts = path.split("/")
            clash = any("/".join(parts[:index]) in files for index in range(1, len(parts)))
            if not clash and not any(other.startswith(path + "/") for other in files):
                files.add(path)
        root = tmp_path / f"case{case}"
        _build(root, ("\n".join(lines) + "\n").encode(), sorted(files))
        try:
            ours = sorted(item.relative for item in collect(str(root)))
        except LocalPathError:
            ours = []  # everything ignored, .gitignore too
        if ours != _kept_by_git(tmp_path, root):
            differing.append(lines)
    assert differing == []
