"""The link stage: every citation of every style resolved to entries, once per document.

It runs between parse and rules. Rules read `doc.links` and never resolve citations
themselves. A style's linker (see `LINKERS`) turns the document's citations of that style
into `Link` records; the source audit (`citeaudit.audit`), which re-reads each citing
sentence, is part of this stage and is computed at most once, on first use.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from citeaudit.model import Citation, CitationStyle, Document, Entry, Span

if TYPE_CHECKING:
    from citeaudit.audit import Analysis
    from citeaudit.context import CitationContext


@dataclass(frozen=True, slots=True)
class Link:
    """One written target of one citation (`[2-4]` gives three) and what it resolves to."""

    citation: Citation
    target: str  # as the citation names it: "3", "stueck2002", "Stueck 2002"
    entry: Entry | None  # None: the target resolves to no entry
    # For an unresolved target: the entries that come closest, best first, and what
    # differs, in words ("the list has Foucault 1988").
    near: tuple[Entry, ...] = ()
    why: str = ""
    # The span of the written target inside the citation, where it has its own.
    span: Span | None = None
    # False when the citation could not be checked (no list or bibliography to check it
    # against): such links are neither resolved nor unresolved.
    checked: bool = True
    # What is wrong with a doubtful link, for the rule that reports it: "ambiguous-ibid",
    # "orphan", "ambiguous", "mismatch" (notes). Empty when nothing is.
    problem: str = ""


Linker = Callable[[Document, Sequence[Citation]], list[Link]]

# A style's linker lives in `citeaudit.linkers.<module>`, with a function `link`.
LINKERS: dict[CitationStyle, str] = {
    "numeric": "label",
    "key": "label",
    "author-date": "authordate",
    "note": "notes",
}


class Links:
    """The link stage's result for one document."""

    def __init__(self, doc: Document, links: list[Link]) -> None:
        self.doc = doc
        self.links = links
        self._index()

    def _index(self) -> None:
        self._by_entry: dict[int, list[Link]] = defaultdict(list)
        for found in self.links:
            if found.entry is not None:
                self._by_entry[id(found.entry)].append(found)
        self._audit: Analysis | None = None
        self._by_citation: dict[int, list[Link]] | None = None
        self._contexts: dict[int, CitationContext] | None = None

    def __getstate__(self) -> dict[str, object]:
        # The indexes are keyed by object identity, which a copy to another process (a
        # `--jobs` worker sends its documents back) does not keep: rebuild them there.
        return {"doc": self.doc, "links": self.links}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.doc = state["doc"]  # type: ignore[assignment]
        self.links = state["links"]  # type: ignore[assignment]
        self._index()

    def __iter__(self) -> Iterator[Link]:
        return iter(self.links)

    def of_style(self, *styles: CitationStyle) -> list[Link]:
        return [found for found in self.links if found.citation.style in styles]

    def unresolved(self) -> list[Link]:
        return [found for found in self.links if found.checked and found.entry is None]

    def unchecked(self) -> list[Link]:
        return [found for found in self.links if not found.checked]

    def of_citation(self, citation: Citation) -> list[Link]:
        """The links of one citation, one per written target."""
        if self._by_citation is None:
            self._by_citation = defaultdict(list)
            for found in self.links:
                self._by_citation[id(found.citation)].append(found)
        return self._by_citation.get(id(citation), [])

    def citing(self, entry: Entry) -> list[Link]:
        """The links that resolve to `entry`."""
        return self._by_entry.get(id(entry), [])

    @property
    def audit(self) -> Analysis:
        """The source audit: each citing sentence scored against every entry, computed on
        first use so that a run without audit rules never pays for it."""
        if self._audit is None:
            from citeaudit.audit import analyse_document

            self._audit = analyse_document(self.doc)
        return self._audit

    def context_of(self, citation: Citation) -> CitationContext:
        """What the citing sentence says (names, dates, kinds of document), for a citation
        the numeric audit does not read: computed once, for all of them, on first use."""
        if self._contexts is None:
            from citeaudit.context import citation_contexts

            wanted = [c for c in self.doc.citations if c.style in ("author-date", "note")]
            self._contexts = {
                id(found.citation): found for found in citation_contexts(self.doc, wanted)
            }
        return self._contexts[id(citation)]

    @property
    def relinked(self) -> dict[str, str]:
        """`f"{citation.span.start}:{label}"` -> the label of the entry the audit is sure
        the citation really uses (numbering shifts and clear mismatches)."""
        return self.audit.relinked


def link(doc: Document) -> Links:
    """Resolve every citation of `doc`; store and return the result."""
    by_style: dict[CitationStyle, list[Citation]] = defaultdict(list)
    for citation in doc.citations:
        by_style[citation.style].append(citation)
    links: list[Link] = []
    done: set[str] = set()
    for style in by_style:
        module = LINKERS.get(style)
        if module is None or module in done:
            continue
        done.add(module)
        styles = [s for s, m in LINKERS.items() if m == module]
        citations = [c for s in styles for c in by_style.get(s, [])]
        linker: Linker = importlib.import_module(f"citeaudit.linkers.{module}").link
        links.extend(linker(doc, citations))
    links.sort(key=lambda found: found.citation.span.start)
    doc.links = Links(doc, links)
    return doc.links
