"""Pieces shared by the machine-readable formats: the diagnostic record, edit
positions, portable paths and line-independent fingerprints.

The record shape is a public contract (the `json` and `json-lines` formats emit it),
so keys and their order change only with a format version bump.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

from citeaudit.model import Diagnostic, Edit, Fix, LineIndex, Related, Span

# Bumping this invalidates every stored baseline and code-scanning alert, so only do
# it when the recipe below changes.
FINGERPRINT_VERSION = "citeaudit-fingerprint-v1"


def diagnostic_record(d: Diagnostic, source: str | LineIndex | None = None) -> dict[str, Any]:
    """The JSON object for one diagnostic.

    `source` is the text of `d.path` (or an index over it, so callers rendering many
    diagnostics index each file once); without it edit positions come from the span.
    """
    return {
        "path": d.path,
        "line": d.span.line,
        "column": d.span.column,
        "end_line": d.span.end_line,
        "end_column": d.span.end_column,
        "code": d.code,
        "rule": d.rule,
        "severity": d.severity,
        "message": d.message,
        "fix": None if d.fix is None else fix_record(d.fix, d.span, _index(source)),
        "related": [related_record(r) for r in d.related],
    }


def diagnostic_records(
    diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Records in the given order, indexing each source file at most once."""
    indexes = LineIndexes(sources)
    return [
        diagnostic_record(d, indexes.get(d.path) if d.fix is not None else None)
        for d in diagnostics
    ]


def fix_record(fix: Fix, span: Span, lines: LineIndex | None) -> dict[str, Any]:
    edits = []
    for edit in fix.edits:
        where = edit_span(edit, lines, span) or span
        edits.append(
            {
                "line": where.line,
                "column": where.column,
                "end_line": where.end_line,
                "end_column": where.end_column,
                "content": edit.replacement,
            }
        )
    return {"message": fix.message, "applicability": fix.applicability, "edits": edits}


def related_record(related: Related) -> dict[str, Any]:
    return {
        "path": related.path,
        "line": related.span.line,
        "column": related.span.column,
        "message": related.message,
    }


def edit_span(edit: Edit, lines: LineIndex | None, span: Span | None = None) -> Span | None:
    """Line and column of an edit, or None when they cannot be known exactly.

    Without the source an edit inside a one-line `span` can still be placed exactly,
    because columns and offsets both count code points; anything else would be a guess.
    """
    if lines is not None and edit.end <= lines.length:
        return lines.span(edit.start, edit.end)
    if (
        span is not None
        and span.line == span.end_line
        and span.start <= edit.start <= edit.end <= span.end
    ):
        return Span(
            edit.start,
            edit.end,
            span.line,
            span.column + edit.start - span.start,
            span.line,
            span.column + edit.end - span.start,
        )
    return None


class LineIndexes:
    """Line indexes of the checked sources, built on first use: only files with fixes
    need one, and indexing every file of a large run would be wasted work."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self._sources = sources
        self._built: dict[str, LineIndex] = {}

    def get(self, path: str) -> LineIndex | None:
        if path not in self._built:
            source = self._sources.get(path)
            if source is None:
                return None
            self._built[path] = LineIndex(source)
        return self._built[path]


def _index(source: str | LineIndex | None) -> LineIndex | None:
    return LineIndex(source) if isinstance(source, str) else source


def posix_path(path: str) -> str:
    """The path with forward slashes, as CI systems match it against the repository."""
    return PurePath(path).as_posix()


def normalise_context(context: str) -> str:
    # Reflowing a paragraph or changing case should not turn a known finding into a new one.
    return " ".join(context.split()).casefold()


def fingerprints(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """A fingerprint per diagnostic, in the given order.

    The line number is deliberately left out so that findings keep their identity when
    text above them is added or removed. Identical (code, path, context) findings are
    told apart by their rank in document order, which also survives such moves.
    """
    order = sorted(range(len(diagnostics)), key=lambda i: diagnostics[i].sort_key())
    seen: dict[tuple[str, str, str], int] = {}
    result = [""] * len(diagnostics)
    for i in order:
        d = diagnostics[i]
        key = (d.code, posix_path(d.path), normalise_context(d.context))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        result[i] = _digest((FINGERPRINT_VERSION, *key, str(occurrence)))
    return result


def _digest(parts: Sequence[str]) -> str:
    # NUL occurs in neither codes nor paths, so text cannot shift between those fields
    # and make two different findings hash alike.
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
