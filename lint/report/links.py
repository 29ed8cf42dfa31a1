"""How the report links a citation to entries: one function, so that a typed link
stage can replace it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from citeaudit.model import Citation, Document, Entry


def linked_entries(citation: Citation, labels: Mapping[str, Entry], doc: Document) -> Link:
    """The entries a citation names, and the targets that name none.

    The one place the report links citations to entries, so that a typed link stage
    can replace it. Numbers against a numbered list and keys against a bibliography link
    by label, as CIT001 does. No rule links an author-date citation yet, so the report
    only offers the entry whose first author and year match, and marks it unchecked.
    """
    if citation.style == "author-date":
        found = [e for e in doc.entries if _names(citation, e)]
        why = (
            "Author-date citations are not yet checked against the list; this is the "
            "entry with the same first author and year."
            if found
            else "Author-date citations are not yet checked against the list, and no "
            "entry has the same first author and year."
        )
        return Link(found[:1], (), checked=False, reason=why)
    wanted = {"numeric": "numbered", "key": "bibtex"}.get(citation.style)
    if wanted is None or doc.list_style != wanted or not labels:
        if citation.style == "key" and not labels:
            why = "No bibliography could be read for this document, so keys link to nothing."
        elif citation.style == "numeric":
            why = "The document has no numbered reference list for this number to point into."
        else:
            why = "citeaudit does not link this kind of citation to an entry."
        return Link([], (), checked=False, reason=why)
    entries: list[Entry] = []
    missing: list[str] = []
    for target in citation.targets:
        if target == "*":  # \nocite{*} cites everything and names nothing
            continue
        entry = labels.get(target)
        if entry is None:
            missing.append(target)
        elif entry not in entries:
            entries.append(entry)
    return Link(entries, tuple(missing), checked=True)


@dataclass
class Link:
    entries: list[Entry]
    missing: tuple[str, ...]
    checked: bool
    reason: str = ""


def _names(citation: Citation, entry: Entry) -> bool:
    if not citation.authors or entry.year is None or citation.year is None:
        return False
    if entry.year[:4] != citation.year[:4]:
        return False
    family = _family(citation.authors[0])
    names = entry.authors or (entry.raw,)
    return any(_family(author) == family for author in names[:1])


def _family(name: str) -> str:
    """'Sorek' from 'Sorek', 'Sorek, Susan' or 'Susan Sorek'."""
    name = name.strip()
    if "," in name:
        return name.split(",", 1)[0].strip().casefold()
    words = name.split()
    return words[-1].casefold() if words else ""
