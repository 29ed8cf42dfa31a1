"""Regular expressions compiled on first use.

Compiling a pattern costs 0.05 to 3 ms in Python, and a module is imported for any of its
functions: a one-file run would compile, at import, patterns that only other formats and
styles use (a pandoc key, a URL in a reference entry, a LaTeX bibliography). A
`LazyPattern` is written where `re.compile` was and used the same way.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import Any

Replacement = str | Callable[[re.Match[str]], str]


class LazyPattern:
    """`re.compile(pattern, flags)`, compiled when a method is first called.

    The first call puts the compiled pattern's own methods on the instance, where they
    shadow the ones below: later calls cost what a compiled pattern's do."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags!r})"

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        compiled = re.compile(self.pattern, self.flags)
        vars(self).update(
            search=compiled.search,
            match=compiled.match,
            fullmatch=compiled.fullmatch,
            finditer=compiled.finditer,
            findall=compiled.findall,
            sub=compiled.sub,
            subn=compiled.subn,
            split=compiled.split,
        )
        return compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)

    def sub(self, repl: Replacement, string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def subn(self, repl: Replacement, string: str, count: int = 0) -> tuple[str, int]:
        return self.compiled.subn(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(string, maxsplit)


def matches_at(
    pattern: re.Pattern[str] | LazyPattern, text: str, starts: Iterable[int]
) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(text)` finds, for a pattern each of whose matches starts at
    one of `starts`: tried only there. A pattern that opens with `^` or a look-behind is
    otherwise tried at every position of the text, which `str.find` for a literal every
    match holds avoids. finditer's matches do not overlap, so a start inside the last
    match is skipped."""
    done = 0
    for start in sorted(set(starts)):
        if start < done:
            continue
        found = pattern.match(text, start)
        if found:
            yield found
            done = found.end()


def lines_holding(text: str, marks: Iterable[str], haystack: str | None = None) -> set[int]:
    """The starts of the lines of `text` that hold one of `marks`, looked for in
    `haystack` (`text` itself, or a folded copy of the same length)."""
    seen = text if haystack is None else haystack
    lines: set[int] = set()
    for mark in marks:
        at = seen.find(mark)
        while at != -1:
            lines.add(text.rfind("\n", 0, at) + 1)
            # The rest of this line adds no other start.
            at = seen.find(mark, (text.find("\n", at) + 1) or len(text))
    return lines
