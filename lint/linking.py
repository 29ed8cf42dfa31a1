"""Resolve citations to entries by label: the plain, lexical link."""

from __future__ import annotations

from collections import defaultdict

from citeaudit.model import Citation, Document, Entry


def by_label(doc: Document) -> dict[str, Entry]:
    """Entries by label; for a repeated label the first entry wins."""
    table: dict[str, Entry] = {}
    for entry in doc.entries:
        if entry.label is not None:
            table.setdefault(entry.label, entry)
    return table


def labelled_citations(doc: Document) -> list[Citation]:
    """Citations that name entries by label: numbers against a numbered list, keys
    against a bibliography."""
    if doc.list_style == "numbered":
        return [c for c in doc.citations if c.style == "numeric"]
    if doc.list_style == "bibtex":
        return [c for c in doc.citations if c.style == "key"]
    return []


def citations_of(doc: Document) -> dict[str, list[Citation]]:
    cited: dict[str, list[Citation]] = defaultdict(list)
    for citation in labelled_citations(doc):
        for target in citation.targets:
            cited[target].append(citation)
    return cited


def label_text(entry: Entry) -> str:
    if entry.label is None:
        return _short(entry.raw)
    return f"[{entry.label}]" if entry.kind == "text" else f"'{entry.label}'"


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
