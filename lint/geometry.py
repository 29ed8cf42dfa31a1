"""Prose geometry, computed once per document and read by every rule and by the link stage.

`geometry(doc)` returns the document's one `Geometry`, built on first use and kept on the
document. Every scanner reads its texts and bounds; none masks text or finds sentences
itself. Offsets are always the document's.

The texts, each derived from the one before it (every view keeps offsets and newlines):

- `prose`: the adapter's mask (code, math, URLs, comments and tags blanked).
- `text`: `prose` with the reference list, the citation markers and the footnote markers
  blanked. Sentences and paragraphs are found on it, once. A marker after a full stop
  (`... attack.[^3] Then`) hides no sentence's end, and a citation's own years and names
  are never read as what the sentence says.
- `body`: `prose` with the reference list, the footnote definitions and template tags
  (`{% include ... %}`) blanked: the running text, where a quotation or a claim can
  stand uncited. Citation markers are kept, since a rule reads what sits between a
  quotation and its citation.
- `claims`: `body` with quotations and emphasised titles blanked: words that the writer
  says in their own voice.

The bounds, all sorted:

- `sentences`: the sentences of `text` (`citeaudit.context.sentence_cuts`, the one pass);
  paragraph breaks and headings end them too.
- `quoted_sentences`: the same cuts, less those made by a full stop inside a quotation
  (`QUOTED`, on `prose`): "He said “We go.” and left (Chen 1994)." is one sentence. The
  view for rules that ask which sentence a quotation belongs to; no second pass.
- `paragraphs`: the paragraphs of `text`, with those a page break split joined again.
- `quotations`: each paragraph with the quotations of `body` in it. Unlike `QUOTED`, a
  pair of straight marks may break a line here: text converted from PDF breaks lines
  inside quotations, and SRC005 must still see them (its golden cases do).
- `markers`: where every citation marker and footnote marker of the text starts.

Who reads what: the source audit and `context_of` (`citeaudit.context`) read `text`,
`sentences` and `paragraphs`; the author-date linker reads `sentences` (the text of a
citation's sentence before it); SRC001 reads `text` and `sentences` (events) and `prose`
(years, numeric lists); SRC005 reads `body`, `quotations`, `quoted_sentences` and
`markers`; SRC006 and CIT003 (author-date) read `prose` and `quoted_sentences`; SRC007
reads `claims`, `quoted_sentences` and `markers`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citeaudit.model import Citation, Document

# A quotation in curly marks may break lines but not a paragraph; one in straight marks
# stays on its line. Both alternatives open with their mark, so the regex engine skips
# to the marks (`"(?<![\w"]")` is `(?<![\w"])"`), and the curly one is unrolled.
QUOTED = re.compile(r"“[^“”\n]*(?:\n(?!\s*\n)[^“”\n]*)*”|\"(?<![\w\"]\")[^\"\n]*\"(?!\w)")
# Quotations of the running text, by paragraph: a straight pair may break a line.
_STRAIGHT = re.compile(r'"(?<![\w"]")(?=\S)[^"]*?(?<=\S)"(?!\w)', re.S)
_CURLY = re.compile(r"“[^“”]*?”", re.S)
_TEMPLATE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_UNVOICED = re.compile(r"“[^“”]*”|\"[^\"\n]*\"|\*[^*\n]+\*|_[^_\n]+_|\{%.*?%\}")

Bounds = list[tuple[int, int]]


def geometry(doc: Document) -> Geometry:
    """The document's geometry, computed on first use and shared from then on."""
    found = doc.geometry
    if found is None or found.doc is not doc:
        found = doc.geometry = Geometry(doc)
    return found


_LINE = re.compile(r"[^\r\n]+")


def blanked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with spaces over each of `spans` (which may overlap), newlines kept."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out.append(text[pos:start])
        out.append(_LINE.sub(_spaces, text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _spaces(m: re.Match[str]) -> str:
    return " " * (m.end() - m.start())


class Geometry:
    """One document's texts and bounds (see the module's doc). Each is computed the first
    time a rule asks for it, so a run that never reads quotations never finds them."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def __getstate__(self) -> dict[str, object]:
        # A `--jobs` worker sends documents back: the views are recomputed on demand there.
        return {"doc": self.doc}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.doc = state["doc"]  # type: ignore[assignment]

    # -- texts -----------------------------------------------------------------------

    @cached_property
    def prose(self) -> str:
        return self.doc.prose or self.doc.text

    @cached_property
    def text(self) -> str:
        doc = self.doc
        spans = [(c.span.start, c.span.end) for c in self.own_citations]
        spans += [(r.span.start, r.span.end) for r in doc.note_refs]
        if doc.references is not None:
            spans.append((doc.references.start, doc.references.end))
        return blanked(self.prose, spans)

    @cached_property
    def body(self) -> str:
        doc = self.doc
        spans = [(n.span.start, n.span.end) for n in doc.notes]
        if doc.references is not None:
            spans.append((doc.references.start, doc.references.end))
        # Tags are looked for once the notes are gone, so none runs out of a note.
        text = blanked(self.prose, spans)
        return blanked(text, [m.span() for m in _TEMPLATE.finditer(text)])

    @cached_property
    def claims(self) -> str:
        return blanked(self.body, [m.span() for m in _UNVOICED.finditer(self.body)])

    # -- bounds ----------------------------------------------------------------------

    @cached_property
    def _cuts(self) -> list[tuple[int, int]]:
        from citeaudit.context import sentence_cuts

        return sentence_cuts(self.text)

    @cached_property
    def sentences(self) -> Bounds:
        from citeaudit.context import bounds_from_cuts

        return bounds_from_cuts(self.text, [cut for cut, _ in self._cuts])

    @cached_property
    def sentence_starts(self) -> list[int]:
        return [start for start, _ in self.sentences]

    @cached_property
    def quoted_sentences(self) -> Bounds:
        from citeaudit.context import bounds_from_cuts

        inside = self._quotation_interiors
        starts = [a for a, _ in inside]
        kept = []
        for cut, mark in self._cuts:
            k = bisect.bisect_right(starts, mark) - 1
            if k >= 0 and mark < inside[k][1]:
                continue
            kept.append(cut)
        return bounds_from_cuts(self.text, kept)

    @cached_property
    def quoted_sentence_starts(self) -> list[int]:
        return [start for start, _ in self.quoted_sentences]

    @cached_property
    def _quotation_interiors(self) -> Bounds:
        # Found on `prose`, as the reader sees the quotation, markers and all.
        return [(m.start() + 1, m.end() - 1) for m in QUOTED.finditer(self.prose)]

    @cached_property
    def paragraphs(self) -> Bounds:
        from citeaudit.context import paragraph_bounds

        return paragraph_bounds(self.text)

    @cached_property
    def quotations(self) -> list[tuple[int, int, Bounds]]:
        """Each paragraph, with the quotations of `body` inside it: straight pairs first,
        then curly ones, each as (start, end) with its marks."""
        body = self.body
        out = []
        for start, end in self.paragraphs:
            found = [
                (m.start(), m.end())
                for pattern in (_STRAIGHT, _CURLY)
                for m in pattern.finditer(body, start, end)
            ]
            out.append((start, end, found))
        return out

    @cached_property
    def own_citations(self) -> list[Citation]:
        """The citations written in this document's text: those of an included file
        (`\\input`) have their own path and offsets into that file's text."""
        doc = self.doc
        return [c for c in doc.citations if c.path in (None, doc.path)]

    @cached_property
    def markers(self) -> list[int]:
        starts = [c.span.start for c in self.own_citations]
        return sorted(starts + [r.span.start for r in self.doc.note_refs])

    # -- lookups ---------------------------------------------------------------------

    def sentence_at(self, offset: int, *, quoted: bool = False) -> tuple[int, int] | None:
        """The sentence that starts at or before `offset` (None before the first)."""
        bounds = self.quoted_sentences if quoted else self.sentences
        starts = self.quoted_sentence_starts if quoted else self.sentence_starts
        at = bisect.bisect_right(starts, offset) - 1
        return bounds[at] if at >= 0 else None

    def has_marker(self, start: int, end: int) -> bool:
        """Whether a citation or footnote marker starts in start:end."""
        at = bisect.bisect_left(self.markers, start)
        return at < len(self.markers) and self.markers[at] < end
