"""Footnote definitions: `[^label]: text`, wrapped or indented over several lines."""

from __future__ import annotations

import re

from citeaudit.adapters.markers import Malformed
from citeaudit.model import LineIndex, Note

_DEFINITION = re.compile(r"^ {0,3}\[\^(?P<label>[^\]]+)\]:[ \t]*", re.M)
# A definition written without its colon: `[^1] text` at the start of a line.
_NO_COLON = re.compile(r"^ {0,3}\[\^(?P<label>[^\]\s]+)\][ \t]+(?=[A-Z\"“'‘_*])", re.M)
# An unindented block, or a Markdown link reference definition (`  [label]: url`), ends
# a note.
_NEXT_BLOCK = re.compile(r"\n[ \t]*\r?\n(?=\S|[ \t]{1,3}\[[^\]^][^\]]*\]:)")


def definitions(text: str, index: LineIndex) -> list[Note]:
    return _notes(list(_DEFINITION.finditer(text)), text, index)


def _notes(
    found: list[re.Match[str]], text: str, index: LineIndex, malformed: bool = False
) -> list[Note]:
    """Each definition runs to the next one, or to the block that ends it."""
    notes = []
    for i, m in enumerate(found):
        limit = found[i + 1].start() if i + 1 < len(found) else len(text)
        body_end = _body_end(text, m.end(), limit)
        notes.append(
            Note(
                label=m.group("label"),
                span=index.span(m.start(), body_end),
                text=" ".join(text[m.end() : body_end].split()),
                body_span=index.span(m.end(), body_end),
                malformed=malformed,
            )
        )
    return notes


def _body_end(text: str, start: int, limit: int) -> int:
    """A note continues over indented paragraphs; an unindented block after a blank line
    ends it."""
    block = _NEXT_BLOCK.search(text, start, limit)
    end = block.start() if block else limit
    return len(text[start:end].rstrip()) + start


def colonless_definitions(prose: str) -> list[Malformed]:
    """Lines that start like a note definition but lack the colon. Only reported when the
    document has several, as a single one may be a marker that happens to open a line."""
    found = [m for m in _NO_COLON.finditer(prose)]
    if len(found) < 2:
        return []
    return [
        Malformed(
            m.start(),
            m.start() + len(m.group(0).rstrip()),
            f"note definition [^{m.group('label')}] has no colon after the label",
        )
        for m in found
    ]


def colonless_notes(prose: str, index: LineIndex) -> list[Note]:
    """The notes of definitions written without their colon, when there are several (as
    `colonless_definitions` reports them): their citations are still worth reading."""
    found = list(_NO_COLON.finditer(prose))
    return _notes(found, prose, index, malformed=True) if len(found) >= 2 else []


_INLINE = re.compile(r"\^\[")


def inline_notes(prose: str, index: LineIndex) -> list[Note]:
    """Pandoc inline notes `^[...]`, brackets balanced; each is its own marker."""
    notes = []
    for n, m in enumerate(_INLINE.finditer(prose), start=1):
        depth, end = 0, None
        for i in range(m.end() - 1, min(len(prose), m.end() + 5000)):
            if prose[i] == "[" and prose[i - 1] != "\\":
                depth += 1
            elif prose[i] == "]" and prose[i - 1] != "\\":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        if end is None:
            continue
        notes.append(
            Note(
                label=f"^{n}",
                span=index.span(m.start(), end + 1),
                text=" ".join(prose[m.end() : end].split()),
                body_span=index.span(m.end(), end),
                inline=True,
            )
        )
    return notes
