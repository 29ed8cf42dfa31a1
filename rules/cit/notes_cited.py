"""CIT002 for a notes document's own bibliography: entries that no note cites."""

from __future__ import annotations

from collections.abc import Iterator

from citeaudit.linking import label_text
from citeaudit.model import Diagnostic, Document, Entry, Span
from citeaudit.normalize import family_names, words
from citeaudit.rules import RuleContext


def unused_by_notes(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """CIT002 for a notes document's own bibliography: an entry that no note citation
    resolves to and that neither the text nor any note names or links to (a note this
    parser could not read still names its source). Only when every citation of the
    document has been linked, so that an entry cited in a style not yet linked is never
    reported; only when most notes cite something; never for a bibliography page of its
    own, which serves every chapter as a shared .bib does."""
    links = ctx.links
    notes = links.of_style("note")
    if not any(found.entry is not None for found in notes):
        return
    linked = {id(found.citation) for found in links}
    if any(id(c) not in linked for c in doc.citations):
        return
    if any(entry.path for entry in doc.entries):
        return
    # A notes document cites in its notes: most of them hold a citation. An MLA or
    # author-date paper with a few discursive notes cites in its text, which the author-date
    # linker reads.
    texts = [n for n in doc.notes if n.text.strip()]
    citing = {found.citation.note_label for found in notes}
    if len(citing) < 2 or 2 * len(citing) < len(texts):
        return
    source = _outside(doc.text, doc.references)
    text = words(_outside(doc.prose or doc.text, doc.references), keep_stop_words=True)
    in_notes = [words(n.text, keep_stop_words=True) for n in doc.notes]
    for entry in doc.entries:
        if links.citing(entry) or _named(entry, text, source, in_notes):
            continue
        yield ctx.diagnostic(
            entry.span,
            f"entry {label_text(entry)} is cited in no note",
            context=entry.raw[:80],
            path=entry.path,
        )


def _outside(text: str, span: Span | None) -> str:
    return text if span is None else text[: span.start] + text[span.end :]


def _named(entry: Entry, text: list[str], source: str, in_notes: list[list[str]]) -> bool:
    """The essay names the work (`McCullough's *Caesar*`), links to it
    (`[Narrative](https://www.vocabulary.com/...)`), opens a note with the entry's own
    words, or has a note whose whole text is part of the entry (`[^Beula]: Beula Fleming
    Architectural Drawings` for one drawing of that collection)."""
    url = (entry.get("url") or "").rstrip("./")
    if url and url.split("://", 1)[-1] in source:
        return True
    families = family_names(entry.authors)
    if families and any(f in text for f in families):
        return True
    raw = words(entry.raw, keep_stop_words=True)
    title = words(entry.title or "", keep_stop_words=True)
    if len(title) >= 2 and _contains(text, title):
        return True
    if len(raw) >= 5 and _contains(text, raw[:6]):
        return True
    return any(len(n) >= 3 and _contains(raw, n) for n in in_notes)


def _contains(seq: list[str], sub: list[str]) -> bool:
    n = len(sub)
    return any(seq[i : i + n] == sub for i in range(len(seq) - n + 1))
