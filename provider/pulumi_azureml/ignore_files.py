"""Ignore files (``.amlignore``, ``.gitignore``) read as git reads them, matched in time linear in the path.

The rules are gitignore(5)'s, with git's own code (``dir.c``, ``wildmatch.c``) settling what the manual leaves out:

* a UTF-8 byte order mark at the start of the file is skipped; ``\\r\\n`` line ends are read as ``\\n``;
* a line starting with ``#`` is a comment; trailing spaces are dropped unless escaped (``\\ ``);
* ``!`` negates; the last pattern that matches a path decides; a folder that is excluded is not entered, so nothing
  below it can be included again;
* one trailing ``/`` makes the pattern match folders only; a pattern with no other ``/`` matches a name at any depth,
  one with a ``/`` matches the whole path below the ignore file's folder (a leading ``/`` only anchors it);
* ``*`` and ``?`` never match ``/``; ``**`` between slashes (or at either end) matches across folders, and ``**/``
  also matches no folder at all; any other ``**`` is a ``*`` (except right after the leading run without
  wildcards of a pattern with a ``/``, which git matches apart: ``a**/b`` matches ``ab`` in git, and here);
* ``[...]``: ``!`` or ``^`` negates, a ``]`` first is itself, ``a-z`` ranges (an inverted one like ``[z-a]`` matches
  nothing), ``\\`` escapes the next character (``[\\]]`` is a ``]``), POSIX classes (``[[:digit:]]``); never ``/``;
* ``\\`` outside a class makes the next character literal;
* matching is on the UTF-8 bytes of the path, case-sensitive (git's default ``core.ignoreCase=false``).

A pattern git cannot use (an unclosed class such as ``[!]`` or ``[^]``, an unknown POSIX class, a trailing ``\\``)
matches nothing, which is what git does with it: git reports no error and the line has no effect. The same here, so
that a file that works with git works with this package.

Why not a regular expression: Python's ``re`` backtracks, and ``*a*a*a*a*a*a*a*a*b`` against a 40-character name
took 6 s (issue 23). Here each pattern is run as a small automaton: after each byte of the path, the set of pattern
positions it could be at. That is at most ``len(path) x (len(pattern) + 1)`` steps, whatever the pattern.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

BOM = b"\xef\xbb\xbf"
_SLASH = ord("/")

# Token kinds: a byte (or a set of bytes) consumed, a star that may stay, or an epsilon jump (``**/`` as no folder).
_BYTES = 0
_STAR = 1
_STAR_ACROSS = 2
_SKIP = 3
_SKIPPED = 3
"""A ``_SKIP`` jumps over itself, the ``**`` and the ``/`` of a ``**/``."""
_NONE: frozenset[int] = frozenset()
_Token = tuple[int, frozenset[int]]
"""``(kind, the bytes a _BYTES token consumes)``."""

_POSIX_TESTS: dict[bytes, Callable[[str], bool]] = {
    b"alnum": str.isalnum,
    b"alpha": str.isalpha,
    b"blank": lambda c: c in " \t",
    b"cntrl": lambda c: ord(c) < 32 or ord(c) == 127,
    b"digit": str.isdigit,
    b"graph": lambda c: 32 < ord(c) < 127,
    b"lower": str.islower,
    b"print": lambda c: 32 <= ord(c) < 127,
    b"punct": lambda c: 32 < ord(c) < 127 and not c.isalnum(),
    b"space": lambda c: c in " \t\n\r",  # git's own isspace (sane_ctype): no \v, no \f
    b"upper": str.isupper,
    b"xdigit": lambda c: c in "0123456789abcdefABCDEF",
}
_POSIX_CLASSES = {
    name: frozenset(code for code in range(128) if test(chr(code))) for name, test in _POSIX_TESTS.items()
}
"""git's POSIX classes: ASCII only, as git's own ctype (``sane_ctype``) has them."""


class _Unusable(Exception):
    """The pattern is one git cannot use: it matches nothing."""


@dataclass(frozen=True)
class Wildmatch:
    """One wildmatch pattern (git's, with ``WM_PATHNAME``), compiled to tokens; ``None`` tokens: matches nothing."""

    text: bytes
    tokens: tuple[_Token, ...] | None

    @classmethod
    def compile(cls, pattern: bytes, *, literal_prefix: bool = False) -> Wildmatch:
        """``literal_prefix``: match as git matches a pattern with a ``/`` (``match_pathname``), which compares the
        pattern's leading run without wildcards first and wildmatches the rest alone, so a ``**`` right after that
        run counts as at the start (``a**/b`` matches ``ab``): git's behaviour, kept to read files as git does."""
        origin = _literal_length(pattern) if literal_prefix else 0
        try:
            return cls(pattern, tuple(_tokens(pattern, origin)))
        except _Unusable:
            return cls(pattern, None)

    def matches(self, path: bytes) -> bool:
        return self.run(path)[0]

    def run(self, path: bytes) -> tuple[bool, int]:
        """Whether ``path`` matches, and the steps it took (one per pattern position alive per byte): the bound
        the tests hold this to is ``len(path) * (len(tokens) + 1)``."""
        tokens = self.tokens
        if tokens is None:
            return False, 0
        end = len(tokens)
        steps = 0
        alive = _closure(tokens, {0})
        for byte in path:
            following: set[int] = set()
            for position in alive:
                steps += 1
                if position == end:
                    continue
                kind, value = tokens[position]
                if kind == _BYTES:
                    if byte in value:
                        following.add(position + 1)
                elif kind == _STAR_ACROSS or (kind == _STAR and byte != _SLASH):
                    following.add(position)
            if not following:
                return False, steps
            alive = _closure(tokens, following)
        return end in alive, steps


def _closure(tokens: tuple[_Token, ...], positions: set[int]) -> set[int]:
    """``positions`` and every position reachable from them without consuming a byte."""
    pending = list(positions)
    reached = set(positions)
    while pending:
        position = pending.pop()
        if position == len(tokens):
            continue
        kind = tokens[position][0]
        targets: tuple[int, ...] = ()
        if kind in (_STAR, _STAR_ACROSS):
            targets = (position + 1,)
        elif kind == _SKIP:
            targets = (position + 1, position + _SKIPPED)
        for target in targets:
            if target not in reached:
                reached.add(target)
                pending.append(target)
    return reached


_ANY_BUT_SLASH = frozenset(range(256)) - {_SLASH}


def _literal_length(pattern: bytes) -> int:
    """git's ``simple_length``: how many leading bytes hold no ``*``, ``?``, ``[`` or ``\\``."""
    for index, byte in enumerate(pattern):
        if byte in b"*?[\\":
            return index
    return len(pattern)


def _tokens(pattern: bytes, origin: int = 0) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(pattern):
        byte = pattern[index]
        if byte == ord("*"):
            start = index
            while index < len(pattern) and pattern[index] == ord("*"):
                index += 1
            rest = pattern[index:]
            after_slash = start == origin or pattern[start - 1] == _SLASH
            if index - start >= 2 and after_slash and (not rest or rest.startswith((b"/", b"\\/"))):
                if rest.startswith(b"/"):
                    # ``**/``: any folders, or none (git tries the rest of the pattern right here first).
                    tokens += [(_SKIP, _NONE), (_STAR_ACROSS, _NONE), (_BYTES, frozenset({_SLASH}))]
                    index += 1
                else:
                    tokens.append((_STAR_ACROSS, _NONE))
            else:
                tokens.append((_STAR, _NONE))
            continue
        if byte == ord("?"):
            tokens.append((_BYTES, _ANY_BUT_SLASH))
            index += 1
        elif byte == ord("["):
            members, index = _class(pattern, index + 1)
            tokens.append((_BYTES, members - {_SLASH}))
        elif byte == ord("\\"):
            if index + 1 >= len(pattern):
                raise _Unusable  # git compares the end of the pattern with a byte: never equal
            tokens.append((_BYTES, frozenset({pattern[index + 1]})))
            index += 2
        else:
            tokens.append((_BYTES, frozenset({byte})))
            index += 1
    return tokens


def _class(pattern: bytes, index: int) -> tuple[frozenset[int], int]:
    """The bytes a class matches, and the index after its ``]``; ``index`` is just after the ``[``."""
    negated = index < len(pattern) and pattern[index] in b"!^"
    if negated:
        index += 1
    members: set[int] = set()
    previous: int | None = None  # the last single byte, which a following ``-`` makes a range start
    first = True
    while True:
        if index >= len(pattern):
            raise _Unusable  # unclosed class: git aborts the whole match
        byte = pattern[index]
        if byte == ord("]") and not first:
            index += 1
            break
        first = False
        if byte == ord("\\"):
            index += 1
            if index >= len(pattern):
                raise _Unusable
            byte = pattern[index]
            members.add(byte)
            previous = byte
            index += 1
        elif byte == ord("-") and previous is not None and index + 1 < len(pattern) and pattern[index + 1] != ord("]"):
            index += 1
            upper = pattern[index]
            if upper == ord("\\"):
                index += 1
                if index >= len(pattern):
                    raise _Unusable
                upper = pattern[index]
            members.update(range(previous, upper + 1))  # empty when inverted, as in git
            previous = None
            index += 1
        elif byte == ord("[") and pattern[index + 1 : index + 2] == b":":
            close = pattern.find(b"]", index + 2)
            if close == -1:
                raise _Unusable
            if pattern[close - 1] != ord(":") or close - 1 < index + 2:
                # No ``:]`` before the next ``]``: the ``[`` is an ordinary member (git does the same).
                members.add(byte)
                previous = byte
                index += 1
                continue
            name = pattern[index + 2 : close - 1]
            if name not in _POSIX_CLASSES:
                raise _Unusable  # git: a malformed class name aborts the match
            members.update(_POSIX_CLASSES[name])
            previous = None
            index = close + 1
        else:
            members.add(byte)
            previous = byte
            index += 1
    chosen = frozenset(members)
    return (frozenset(range(256)) - chosen if negated else chosen), index


@dataclass(frozen=True)
class Rule:
    pattern: Wildmatch
    negated: bool
    directory_only: bool
    basename_only: bool
    line: int


def parse_line(raw: bytes, line: int) -> Rule | None:
    """One line of an ignore file (without its ``\\n``) as a rule; ``None`` for a blank line or a comment."""
    text = raw[:-1] if raw.endswith(b"\r") else raw
    if not text or text.startswith(b"#"):
        return None
    text = _trim_trailing_spaces(text)
    negated = text.startswith(b"!")
    if negated:
        text = text[1:]
    directory_only = text.endswith(b"/")
    if directory_only:
        text = text[:-1]
    basename_only = b"/" not in text
    if text.startswith(b"/"):
        text = text[1:]
    if not text:
        return None  # an empty pattern matches no path
    return Rule(Wildmatch.compile(text, literal_prefix=not basename_only), negated, directory_only, basename_only, line)


def _trim_trailing_spaces(text: bytes) -> bytes:
    """git's ``trim_trailing_spaces``: drop the run of spaces at the end, unless escaped by a backslash."""
    last_space: int | None = None
    index = 0
    while index < len(text):
        byte = text[index]
        if byte == ord(" "):
            if last_space is None:
                last_space = index
        elif byte == ord("\\"):
            index += 1
            if index >= len(text):
                return text
            last_space = None
        else:
            last_space = None
        index += 1
    return text if last_space is None else text[:last_space]


class IgnoreRules:
    """The rules of one ignore file, for paths relative to the folder that holds it."""

    def __init__(self, rules: list[Rule], source: str = "") -> None:
        self.rules = rules
        self.source = source
        """The ignore file's name (``.amlignore``), or ``""`` when the folder has none."""

    @classmethod
    def parse(cls, content: bytes, source: str = "") -> IgnoreRules:
        if content.startswith(BOM):
            content = content[len(BOM) :]
        rules = [rule for number, raw in enumerate(content.split(b"\n"), 1) if (rule := parse_line(raw, number))]
        return cls(rules, source)

    def excluded(self, relative: str, is_directory: bool) -> bool:
        """Whether ``relative`` (``/``-separated) is excluded: the last rule that matches it decides."""
        path = os.fsencode(relative)
        name = path.rsplit(b"/", 1)[-1]
        for rule in reversed(self.rules):
            if rule.directory_only and not is_directory:
                continue
            if rule.pattern.matches(name if rule.basename_only else path):
                return not rule.negated
        return False
