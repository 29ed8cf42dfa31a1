"""Which characters of a document a fix may change: the guard that `--fix` applies, and
that every report applies first, so that none offers a fix `--fix` would refuse.

Apart from `citeaudit.fix`: a check whose findings carry fixes needs only this, not the
machinery that writes them (its import cost a one-file run about 0.8 ms).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from citeaudit.model import Diagnostic, Document, Edit


def prose_fixes_only(doc: Document, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics with any fix that would edit non-prose taken off, so that no report
    offers a fix that `--fix` would refuse."""
    guard = ProseGuard(doc)
    return [
        dataclasses.replace(d, fix=None)
        if d.fix is not None and d.path == doc.path and not guard.allows(d.fix.edits)
        else d
        for d in diagnostics
    ]


class ProseGuard:
    """Which characters a fix may change: prose (what `Document.prose` keeps), white
    space, and the suppression comments that are really comments of this file (not an
    example of one inside a code block)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._comments: list[tuple[int, int]] | None = None

    def allows(self, edits: Iterable[Edit]) -> bool:
        doc = self.doc
        if not doc.prose or len(doc.prose) != len(doc.text):
            return True  # no mask to go by (a .bib file)
        text, prose = doc.text, doc.prose
        for edit in edits:
            if not 0 <= edit.start <= edit.end <= len(text):
                return False
            for i in range(edit.start, edit.end):
                if prose[i] == text[i] or text[i].isspace() or self._in_comment(i):
                    continue
                return False
        return True

    def _in_comment(self, i: int) -> bool:
        if self._comments is None:
            self._comments = self._real_comments()
        return any(start <= i < end for start, end in self._comments)

    def _real_comments(self) -> list[tuple[int, int]]:
        # The suppression reader saw the text with code and front matter blanked (the
        # prose mask's first layer), so every suppression it found is a real comment; one
        # shown in a code block is an example, was never read, and stays untouched.
        doc = self.doc
        if doc.format not in ("latex", "markdown", "plain", "rst", "asciidoc"):
            return []
        return [(s.span.start, s.span.end) for s in doc.suppressions if s.path in (None, doc.path)]
