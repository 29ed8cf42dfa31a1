"""What the report shows of a citation's links: read from the link stage (`doc.links`),
never worked out again here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from citeaudit.model import Citation, Document, Entry

_UNCHECKED = {
    "key": "No bibliography could be read for this document, so its keys link to nothing.",
    "numeric": "The document has no numbered reference list for this number to point into.",
    "author-date": "The document has no reference list to check this citation against.",
    "note": "This note could not be linked to a bibliography entry or an earlier full note.",
}


@dataclass
class Link:
    entries: list[Entry]
    missing: tuple[str, ...]
    checked: bool
    reason: str = ""


def linked_entries(citation: Citation, labels: Mapping[str, Entry], doc: Document) -> Link:
    """The entries a citation resolves to, and the targets that resolve to none."""
    if doc.links is None:
        from citeaudit.link import link

        link(doc)
    assert doc.links is not None
    found = [f for f in doc.links.of_citation(citation)]
    if not found:
        why = _UNCHECKED.get(citation.style, "citeaudit does not link this kind of citation.")
        return Link([], (), checked=False, reason=why)
    if not any(f.checked for f in found):
        return Link([], (), checked=False, reason=_UNCHECKED.get(citation.style, ""))
    entries: list[Entry] = []
    missing: list[str] = []
    for f in found:
        if f.entry is None:
            missing.append(f.target)
        elif f.entry not in entries:
            entries.append(f.entry)
    return Link(entries, tuple(missing), checked=True)
