"""Unnumbered reference lists: the list without a heading, and entries that repeat the
previous author as `———.` or `---.`.

`sections.py` finds lists under a heading and splits them into entries; this module adds
what an alphabetical author-date or MLA list needs beyond that.
"""

from __future__ import annotations

import dataclasses
import re

from citeaudit.adapters.sections import Heading, Section, normalise_title
from citeaudit.entries import split_authors
from citeaudit.model import Entry, Field, LineIndex
from citeaudit.patterns import LazyPattern

# `———.`, `---.`, `——,`, `___.` (and the same in Markdown emphasis) open an entry whose
# authors are those of the entry before it.
_REPEAT = LazyPattern(r"^[\s*_]*(?:[—–]{2,}|-{2,}|_{3,}|—)[\s*_]*[.,]")

# A paragraph that opens like a reference: `Surname, Given.`, `Surname, G.`, a corporate
# name followed by a year, or a quoted title; with a year or n.d. somewhere in it.
_OPENS = LazyPattern(
    r"^(?:[-*+]\s+)?(?:[A-ZÀ-Þ][\w'’\-]+(?:\s+[A-ZÀ-Þ][\w'’\-]+)?,\s+[A-ZÀ-Þ]"
    r"|[A-ZÀ-Þ][\w'’\-]+(?:\s+[A-ZÀ-Þ][\w'’\-.]+){0,5}[.,]?\s+\(?(?:1[5-9]\d\d|20\d\d|n\.\s?d\.)"
    r"|[“\"][A-Z]|[—–]{2,}|-{3})"
)
_DATED = LazyPattern(r"\b(?:1[5-9]\d\d|20\d\d)\b|n\.\s?d\.")
_PARAGRAPH = LazyPattern(r"(?:^[ \t]*\S[^\n]*(?:\n|$))+", re.M)


def inherit_authors(entries: list[Entry], index: LineIndex) -> list[Entry]:
    """Give each `———.` entry the authors of the entry before it; the author field keeps
    the span of the dashes, where the name is written by reference."""
    out: list[Entry] = []
    for entry in entries:
        previous = out[-1] if out else None
        m = _REPEAT.match(entry.raw)
        if m is None or previous is None or "author" not in previous.fields:
            out.append(entry)
            continue
        dash = entry.span.start + _raw_offset(entry, m.end())
        fields = dict(entry.fields)
        fields.pop("author", None)
        fields["author"] = Field(
            previous.fields["author"].value, index.span(entry.span.start, dash)
        )
        fields = dict(sorted(fields.items(), key=lambda item: item[1].span.start))
        authors = split_authors(previous.fields["author"].value)
        out.append(dataclasses.replace(entry, fields=fields, authors=authors))
    return out


def _raw_offset(entry: Entry, length: int) -> int:
    """The raw text collapses whitespace; the dashes sit at the very start, so the
    offset of the repeat mark in the document is its length in the raw text."""
    return max(1, length - 1)


def trailing_run(text: str) -> tuple[int, int] | None:
    """The run of at least three paragraphs at the end of the text that each open like a
    reference and carry a date: a list written without a heading. It never takes the
    whole text: a document is not all references."""
    units: list[tuple[int, int]] = []
    for m in _PARAGRAPH.finditer(text):
        lines = [(x.start(), x.end()) for x in re.finditer(r"[^\n]*\S[^\n]*", m.group(0))]
        if len(lines) > 1 and all(_OPENS.match(m.group(0)[s:e].strip()) for s, e in lines):
            units += [(m.start() + s, m.start() + e) for s, e in lines]
        else:
            units.append((m.start(), m.end()))
    run: list[tuple[int, int]] = []
    for s, e in reversed(units):
        body = text[s:e].strip()
        if len(body) > 800 or not _OPENS.match(body) or not _DATED.search(body):
            break
        run.append((s, e))
    if len(run) < 3 or len(run) == len(units):
        return None
    run.reverse()
    return run[0][0], len(text.rstrip())


# Sub-headings that divide a reference list rather than end it.
_LIST_PARTS = LazyPattern(
    r"source|work|literature|bibliograph|reference|archiv|primary|secondary|book|article|"
    r"newspaper|periodical|website|web|online|interview|document|collection|manuscript|"
    r"government|official|report|film|media|dataset|data|software|further|other|general",
    re.I,
)


def trim_sections(inside: list[Heading], found: list[Section]) -> list[Section]:
    """A reference section ends at a sub-heading that names no kind of source: `### Images`
    after a bibliography holds picture credits, not references. A section nested in
    another is part of it. `inside` is the text's headings."""
    out: list[Section] = []
    for section in found:
        if any(o.start <= section.start < o.end for o in out):
            continue  # "### Primary Sources" under "## References": one list, read once
        end = section.end
        if section.kind == "references":
            for heading in inside:
                if section.start <= heading.start < end and not _LIST_PARTS.search(
                    normalise_title(heading.title)
                ):
                    end = heading.start
                    break
        out.append(dataclasses.replace(section, end=end))
    return out
