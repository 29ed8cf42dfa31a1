"""REF007: an author-date or MLA list that is not in alphabetical order."""

from __future__ import annotations

import re
from collections.abc import Iterator

from citeaudit.linking import describe
from citeaudit.model import Diagnostic, Document, Entry
from citeaudit.normalize import words
from citeaudit.patterns import LazyPattern
from citeaudit.rules import RuleContext, rule

_ARTICLE = LazyPattern(r"^(?:the|a|an|der|die|das|le|la|les|el|il)\s+", re.I)


_REPEAT = LazyPattern(r"^[\s*_]*(?:[—–]{2,}|-{2,}|_{3,}|—)")


@rule("REF007", "unsorted-references", "info")
def unsorted_references(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    In an unnumbered (author-date or MLA) list that is alphabetical on the whole, reports
    each entry that breaks the order, with the entry it follows. Entries are compared as
    a reader finds them: by the first words as printed (a leading article aside), so an
    entry written first-name-first is filed where its first word puts it. A list under
    several sub-headings (Primary Sources, Secondary Sources) is judged part by part, and
    a list that is not mostly alphabetical (a chronological list of documents) is left
    alone.

    ## Why is this bad?
    Readers look an author up by name. An entry out of place looks missing, and often is
    a late addition whose citation was never checked.

    ## Example
    ```markdown
    ## References

    White, Deborah G. 2008. *Telling Histories*. Chapel Hill: UNC Press.

    Walker, Rebecca. 1993. "Becoming the Third Wave." *Ms.*
    ```
    Move Walker before White.
    """
    if doc.list_style != "unnumbered" or len(doc.entries) < 4:
        return
    keys = _sort_keys(doc.entries)
    pairs = [
        (i, keys[i - 1], keys[i])
        for i in range(1, len(keys))
        if not _divided(doc, doc.entries[i - 1], doc.entries[i])
    ]
    if not pairs:
        return
    misplaced = sum(1 for _, a, b in pairs if not _in_order(a, b))
    if misplaced > max(1, len(pairs) // 4):
        return
    for i, before, key in pairs:
        if not _in_order(before, key):
            entry, previous = doc.entries[i], doc.entries[i - 1]
            yield ctx.diagnostic(
                entry.span,
                f"entry {describe(entry)} is out of alphabetical order: it follows "
                f"{describe(previous)}",
                related=[ctx.related(previous.span, "the entry it follows")],
                context=entry.raw[:80],
            )


def _sort_keys(entries: list[Entry]) -> list[tuple[str, ...]]:
    """Each entry's possible filing keys: its first words as printed, and the same
    without a leading article (lists differ on whether "A History" files under A)."""
    keys: list[tuple[str, ...]] = []
    for entry in entries:
        if _REPEAT.match(entry.raw) and keys:
            keys.append(keys[-1])
            continue
        author = entry.get("author")
        # One author's works follow their own order (by year or by title): compare the
        # name only, as far as the first given name.
        authored = bool(author) and entry.raw.startswith((author or "")[:3])
        lead = author if authored and author else (entry.title or entry.raw)
        if (
            not authored
            and entry.title
            and not entry.raw.lstrip("\"“‘'*_[( ").startswith(entry.title[:3])
        ):
            lead = entry.raw
        text = re.sub(r"^[\s\"“‘'*_\[(]+", "", lead)
        plain = _ARTICLE.sub("", text)
        width = 2 if authored else 4
        keys.append(tuple(" ".join(words(t, keep_stop_words=True)[:width]) for t in (text, plain)))
    return keys


def _in_order(before: tuple[str, ...], after: tuple[str, ...]) -> bool:
    return any(a <= b or a.startswith(b) for a in before for b in after)


def _divided(doc: Document, a: Entry, b: Entry) -> bool:
    """A heading or a bold label between two entries starts a new part of the list."""
    between = doc.text[a.span.end : b.span.start]
    return re.search(r"^\s{0,3}(?:#|\*\*|__|<h\d)", between, re.M) is not None
