"""Give a manuscript the bibliography it names: front matter, \\bibliography, or `library`."""

from __future__ import annotations

import os

from citeaudit.config import Settings
from citeaudit.model import Document


def attach_bibliographies(doc: Document, settings: Settings) -> None:
    """Load the .bib files a key-citing document names and add their entries."""
    if doc.format == "bibtex" or doc.list_style in ("numbered", "unnumbered"):
        return
    paths = list(doc.bibliographies)
    if not paths and settings.library and any(c.style == "key" for c in doc.citations):
        paths = [os.path.join(settings.root, p) for p in settings.library]
    if not paths:
        return
    from citeaudit.adapters.bibtex import load_bib_file

    for path in paths:
        entries, problems, _ = load_bib_file(path)
        doc.entries.extend(entries)
        doc.problems.extend(problems)
    doc.list_style = "bibtex"
    if doc.format == "markdown":
        _bare_keys(doc)


def _bare_keys(doc: Document) -> None:
    """With the keys known, a bare `@key` in running text is a citation too."""
    from citeaudit.adapters.pandoc import find_pandoc_citations

    keys = {e.label for e in doc.entries if e.label}
    spans = {c.span.start for c in doc.citations}
    bare = find_pandoc_citations(doc.prose, doc.text, doc.lines, known_keys=keys)
    doc.citations += [c for c in bare if c.span.start not in spans]
    doc.citations.sort(key=lambda c: c.span.start)
