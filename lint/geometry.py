"""Prose geometry, computed once per document and read by every rule that needs it.

`quoted_sentences(doc)`: the sentences of the document's prose, read with quotations
filled in (a full stop inside a quotation ends no sentence) and footnote markers blanked
(one after a full stop does not hide the sentence's end). Offsets are the document's.
"""

from __future__ import annotations

import re

from citeaudit.model import Document

QUOTED = re.compile(r"“(?:[^“”\n]|\n(?!\s*\n))*”|(?<![\w\"])\"[^\"\n]*\"(?!\w)")
_NOTE_MARKER = re.compile(r"\[\^[^\]\n]*\]")

_KEY = "quoted_sentences"


def flat_quotes(text: str) -> str:
    """`text` with quotations filled in and footnote markers blanked, offsets kept."""
    text = _NOTE_MARKER.sub(lambda m: " " * len(m.group(0)), text)
    return QUOTED.sub(lambda m: m.group(0)[0] + "x" * (len(m.group(0)) - 2) + m.group(0)[-1], text)


def quoted_sentences(doc: Document) -> list[tuple[int, int]]:
    found = doc.geometry.get(_KEY)
    if found is None:
        from citeaudit.context import sentence_bounds

        found = doc.geometry[_KEY] = sentence_bounds(flat_quotes(doc.prose or doc.text))
    return found
