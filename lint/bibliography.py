"""Give a manuscript the bibliography it names: front matter, \\bibliography, or `library`."""

from __future__ import annotations

import os

from citeaudit.config import Settings
from citeaudit.model import Document


def attach_bibliographies(doc: Document, settings: Settings) -> None:
    """Load the .bib files a key-citing document names and add their entries."""
    if doc.format == "bibtex" or doc.list_style in ("numbered",):
        return
    if not any(c.style == "key" for c in doc.citations) and not doc.bibliographies:
        return
    paths = list(doc.bibliographies)
    if not paths and settings.library:
        paths = [os.path.join(settings.root, p) for p in settings.library]
    if not paths:
        return
    from citeaudit.adapters.bibtex import load_bib_file

    for path in paths:
        entries, problems, _ = load_bib_file(path)
        doc.entries.extend(entries)
        doc.problems.extend(problems)
    doc.list_style = "bibtex"
