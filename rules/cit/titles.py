"""CIT003 for author-date and MLA: the sentence names another entry's title."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from citeaudit.geometry import geometry
from citeaudit.linking import describe
from citeaudit.model import Diagnostic, Document
from citeaudit.normalize import words
from citeaudit.rules import RuleContext


def title_mismatches(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """CIT003 for author-date and MLA: the citation's sentence names, by its title, another
    entry of the list than the one the citation links to, and names neither the linked
    entry's title nor cites the other entry."""
    links = [f for f in ctx.links.of_style("author-date") if f.entry is not None]
    if not links:
        return
    # Only a document that cites by author and year needs its linker (and its patterns).
    from citeaudit.linkers.authordate import named_title, title_key

    geo = geometry(doc)
    text = geo.prose
    sentences = geo.quoted_sentences
    starts = geo.quoted_sentence_starts
    cited_in: dict[int, set[int]] = {}
    for found in links:
        at = max(0, bisect.bisect_right(starts, found.citation.span.start) - 1)
        cited_in.setdefault(at, set()).add(id(found.entry))
    for found in links:
        entry = found.entry
        assert entry is not None
        at = max(0, bisect.bisect_right(starts, found.citation.span.start) - 1)
        s_start = sentences[at][0] if sentences else 0
        better = named_title(text[s_start : found.citation.span.start], doc.entries)
        if better is None or better is entry or id(better) in cited_in.get(at, set()):
            continue
        if title_key(entry) and title_key(entry) <= set(
            words(text[s_start : found.citation.span.end])
        ):
            continue
        yield ctx.diagnostic(
            found.span or found.citation.span,
            f"{found.citation.raw} cites {describe(entry)}, but the sentence names the title "
            f"of {describe(better)}, '{_short(better.title or '')}'",
            related=[ctx.related(better.span, f"entry {describe(better)}")],
            context=f"{found.target} -> {describe(better)}",
        )


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
