"""Numbers against a numbered list, keys against a bibliography: the link by label."""

from __future__ import annotations

import re
from collections.abc import Sequence

from citeaudit.link import Link
from citeaudit.model import Citation, Document, Entry, Span


def link(doc: Document, citations: Sequence[Citation]) -> list[Link]:
    table = by_label(doc)
    links = []
    for citation in citations:
        checked = _checkable(doc, citation) and bool(table)
        for target in citation.targets:
            if target == "*":  # \nocite{*}: cites every entry, resolves to none
                continue
            links.append(
                Link(
                    citation,
                    target,
                    table.get(target) if checked else None,
                    span=target_span(doc, citation, target),
                    checked=checked,
                )
            )
    return links


def by_label(doc: Document) -> dict[str, Entry]:
    """Entries by label; for a repeated label the first entry wins."""
    table: dict[str, Entry] = {}
    for entry in doc.entries:
        if entry.label is not None:
            table.setdefault(entry.label, entry)
    return table


def _checkable(doc: Document, citation: Citation) -> bool:
    if citation.style == "numeric":
        return doc.list_style == "numbered"
    return doc.list_style == "bibtex"


def target_span(doc: Document, citation: Citation, target: str) -> Span:
    """The span of the written item that names `target` (a number inside a range too)."""
    if len(citation.label_spans) == len(citation.targets):
        return citation.label_spans[citation.targets.index(target)]
    for written in citation.label_spans:
        item = doc.text[written.start : written.end]
        numbers = [int(n) for n in re.findall(r"\d+", item)]
        if target.isdigit() and numbers and numbers[0] <= int(target) <= numbers[-1]:
            return written
        if item == target:
            return written
    return citation.span
