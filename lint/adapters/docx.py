"""The adapter for Word manuscripts (.docx).

The document is rendered as Markdown, one paragraph per line with blank lines between
(list items excepted), headings as `#`, superscript runs as `<sup>…</sup>`, footnote and
endnote references as `[^n]` and the notes as definitions after the body, and the
Markdown adapter reads that. A `ParagraphIndex` then maps every offset of the rendering
to the paragraph number (line) and the character offset in that paragraph's visible text
(column); notes continue the numbering after the body and are labelled by note number.
"""

from __future__ import annotations

import bisect
import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any

from citeaudit.adapters import docxwalk as dw
from citeaudit.model import Document, LineIndex, Span, Suppression
from citeaudit.problems import problem

_BULLETS = frozenset({"bullet", "none", ""})
_MARKDOWN_STARTS = ("```", "~~~", "---", "+++", "#")


@dataclass(slots=True)
class FieldSpan:
    """A field's result as rendered: its instruction and where its visible text lies."""

    instruction: str
    start: int
    end: int
    visible: str


@dataclass(slots=True)
class Anchor:
    """Where a line of the rendering is in the Word file."""

    part: str  # document, footnotes, endnotes
    paragraph: int  # index among that part's walked paragraphs (body) or the note's number
    label: str  # "paragraph 48", "footnote 12"


class ParagraphIndex(LineIndex):
    """Offsets of the rendering to (paragraph number, visible character offset)."""

    __slots__ = ("anchors", "display", "line_spans", "map_rows", "map_starts")

    def __init__(
        self,
        text: str,
        map_starts: list[int],
        map_rows: list[tuple[int, int, bool]],
        line_spans: list[tuple[int, int]],
        display: list[str],
        anchors: list[Anchor],
    ) -> None:
        self.length = len(text)
        self.map_starts = map_starts
        self.map_rows = map_rows
        self.line_spans = line_spans
        self.starts = [start for start, _ in line_spans]
        self.display = display
        self.anchors = anchors

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        i = bisect.bisect_right(self.map_starts, offset) - 1
        if i < 0:
            return 1, 1
        line, col0, visible = self.map_rows[i]
        return line, col0 + (offset - self.map_starts[i] if visible else 0) + 1

    def line_bounds(self, line: int) -> tuple[int, int]:
        return self.line_spans[min(max(line, 1), len(self.line_spans)) - 1]

    # The Places protocol (model.py) of the text report.
    def label(self, line: int) -> str:
        if 1 <= line <= len(self.anchors):
            return self.anchors[line - 1].label
        return f"paragraph {line}"

    def display_text(self) -> str:
        return "\n".join(self.display)


class _Builder:
    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.pos = 0
        self.map_starts: list[int] = []
        self.map_rows: list[tuple[int, int, bool]] = []
        self.line_spans: list[tuple[int, int]] = []
        self.display: list[str] = []
        self.anchors: list[Anchor] = []
        self.visible: list[str] = []
        self.col = 0
        self.line = 0
        self.line_start = 0
        self.open_fields: list[tuple[str, int, list[str]]] = []
        self.fields: list[FieldSpan] = []

    def begin_line(self, anchor: Anchor) -> None:
        self.line += 1
        self.anchors.append(anchor)
        self.line_start = self.pos
        self.visible = []
        self.col = 0

    def emit(self, synth: str, visible: str) -> None:
        if synth:
            self.map_starts.append(self.pos)
            self.map_rows.append((self.line, self.col, synth == visible))
            self.chunks.append(synth)
            self.pos += len(synth)
        if visible:
            self.visible.append(visible)
            self.col += len(visible)
            for _, _, parts in self.open_fields:
                parts.append(visible)

    def end_line(self, separator: str) -> None:
        self.line_spans.append((self.line_start, self.pos))
        self.display.append("".join(self.visible))
        for _, _, parts in self.open_fields:
            parts.append("\n")
        if separator:
            self.emit(separator, "")

    def field_start(self, instruction: str) -> None:
        self.open_fields.append((instruction, self.pos, []))

    def field_end(self) -> None:
        if self.open_fields:
            instruction, start, parts = self.open_fields.pop()
            self.fields.append(FieldSpan(instruction, start, self.pos, "".join(parts).strip()))

    def text(self) -> str:
        return "".join(self.chunks)


@dataclass(slots=True)
class Rendering:
    text: str
    index: ParagraphIndex
    fields: list[FieldSpan] = field(default_factory=list)


def render(lay: dw.Layout) -> Rendering:
    b = _Builder()
    labels = note_labels(lay)
    counters: dict[str, list[int]] = {}
    listed = [dw.paragraph_numbering(p.element, lay.styles) is not None for p in lay.body]
    for i, para in enumerate(lay.body):
        b.begin_line(Anchor("document", i, f"paragraph {i + 1}"))
        prefix = _prefix(para, lay, counters)
        b.emit(prefix, "")
        _pieces(b, para.pieces, labels, line_start=not prefix)
        last = i + 1 == len(lay.body)
        joined = not last and listed[i] and listed[i + 1]
        b.end_line("" if last and not lay.notes else "\n" if joined else "\n\n")
    for note in lay.notes:
        label = labels[(note.kind, note.id)]
        b.begin_line(Anchor(f"{note.kind}s", note.number, f"{note.kind} {note.number}"))
        b.emit(f"[^{label}]: ", "")
        for k, para in enumerate(note.paragraphs):
            if k:
                b.emit(" ", " ")
            _pieces(b, para.pieces, labels)
        # One definition a line, as Markdown writers put them: a blank line between would
        # make a reference section above the notes read them as its entries.
        b.end_line("\n")
    while b.open_fields:  # a field left open at the end of the document
        b.field_end()
    text = b.text()
    index = ParagraphIndex(text, b.map_starts, b.map_rows, b.line_spans, b.display, b.anchors)
    return Rendering(text, index, b.fields)


def note_labels(lay: dw.Layout) -> dict[tuple[str, str], str]:
    both = len({n.kind for n in lay.notes}) > 1
    return {
        (n.kind, n.id): (f"e{n.number}" if both and n.kind == "endnote" else str(n.number))
        for n in lay.notes
    }


def _prefix(para: dw.Paragraph, lay: dw.Layout, counters: dict[str, list[int]]) -> str:
    level = lay.styles.heading_level(para.style)
    if level is not None:
        return "#" * min(level, 6) + " "
    numbered = dw.paragraph_numbering(para.element, lay.styles)
    if numbered is None:
        return ""
    num_id, ilvl_text = numbered
    ilvl = int(ilvl_text) if ilvl_text.isdigit() else 0
    levels = lay.numbering.get(num_id, {})
    fmt, pattern, _ = levels.get(str(ilvl), ("bullet", "", 1))
    indent = "  " * min(ilvl, 8)
    if fmt in _BULLETS or "%" not in pattern:
        return f"{indent}- "
    count = counters.setdefault(num_id, [])
    while len(count) <= ilvl:
        count.append(levels.get(str(len(count)), ("", "", 1))[2] - 1)
    count[ilvl] += 1
    del count[ilvl + 1 :]
    marker = pattern
    for k, value in enumerate(count):
        marker = marker.replace(f"%{k + 1}", str(value))
    return f"{indent}{marker} "


def _pieces(
    b: _Builder,
    pieces: list[dw.Piece],
    labels: dict[tuple[str, str], str],
    line_start: bool = False,
) -> None:
    in_sup = False
    leading = True
    for piece in pieces:
        if piece.kind == "field-start":
            b.field_start(piece.instruction)
            continue
        if piece.kind == "field-end":
            b.field_end()
            continue
        sup = piece.kind == "text" and piece.superscript
        if in_sup and not sup:
            b.emit("</sup>", "")
            in_sup = False
        if piece.kind == "noteref" and piece.note is not None:
            label = labels.get(piece.note, piece.note[1])
            b.emit(f"[^{label}]", dw.note_mark(int(label)) if label.isdigit() else label)
            leading = False
            continue
        text = piece.text
        if leading:
            # Leading blanks would make Markdown read an indented code block.
            stripped = text.lstrip()
            if len(stripped) < len(text):
                b.emit("", text[: len(text) - len(stripped)])
                text = stripped
            if not text:
                continue
            leading = False
            if line_start and text.startswith(_MARKDOWN_STARTS):
                # Typed text, not Markdown: a paragraph that opens with ``` must not open a
                # code block that hides the rest of the document, nor "#" make a heading.
                b.emit("\\", "")
        if sup and not in_sup:
            b.emit("<sup>", "")
            in_sup = True
        b.emit(text, text)
    if in_sup:
        b.emit("</sup>", "")


def load_docx(path: str, data: bytes | None) -> Document:
    from citeaudit.adapters import docxsafe

    if data is None:
        try:
            size = os.path.getsize(path)
            if size > docxsafe.MAX_FILE:
                return unreadable(
                    path, f"file is over the {docxsafe.MAX_FILE // (1024 * 1024)} MiB limit"
                )
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return unreadable(path, f"cannot read file: {error.strerror or error}")
    if not data:
        return unreadable(path, "file is empty: there is nothing to check")
    try:
        docxsafe.check(data)
    except docxsafe.UnsafeDocx as error:
        return unreadable(path, str(error))
    try:
        lay = dw.layout(dw.open_package(data))
    except Exception as error:  # python-docx raises many kinds on a damaged package
        return unreadable(path, f"the Word file is corrupt: {type(error).__name__}: {error}")
    return parse_layout(path, lay)


def paragraph_texts(data: bytes) -> list[str] | None:
    """The visible text of each located line (paragraphs, then notes), or None when the
    bytes are not a Word file citeaudit can open: what `--changed-since` compares."""
    from citeaudit.adapters import docxsafe

    try:
        docxsafe.check(data)
        return render(dw.layout(dw.open_package(data))).index.display
    except Exception:  # an unreadable old version: the caller counts every line as changed
        return None


def parse_layout(path: str, lay: dw.Layout) -> Document:
    from citeaudit.adapters.text import parse_text

    rendering = render(lay)
    doc = parse_text(path, rendering.text, "markdown")
    _remap(doc, rendering.index)
    doc.format = "docx"
    doc.places = rendering.index
    from citeaudit.adapters.cslfields import apply_fields

    apply_fields(doc, rendering.fields)
    return doc


def unreadable(path: str, message: str) -> Document:
    doc = Document(path=path, format="docx", text="", lines=LineIndex(""), certain=False)
    doc.problems.append(problem(path, doc.span(0, 0), "IO001", message))
    return doc


def _remap(doc: Document, index: ParagraphIndex) -> None:
    """Give every span the adapter made a paragraph number and visible column."""
    doc.lines = index
    for name in (
        "citations",
        "entries",
        "notes",
        "note_refs",
        "problems",
        "references",
    ):
        setattr(doc, name, _respan(getattr(doc, name), index))
    doc.suppressions = [_suppression(s, index) for s in doc.suppressions]


def _suppression(s: Suppression, index: ParagraphIndex) -> Suppression:
    span = index.span(s.span.start, s.span.end)
    targets = (span.line, span.end_line + 1) if len(s.target_lines) > 1 else (span.line,)
    return dataclasses.replace(s, span=span, target_lines=() if s.file_wide else targets)


def _respan(value: Any, index: ParagraphIndex) -> Any:
    if isinstance(value, Span):
        return index.span(value.start, value.end)
    if isinstance(value, list):
        return [_respan(v, index) for v in value]
    if isinstance(value, tuple):
        return tuple(_respan(v, index) for v in value)
    if isinstance(value, dict):
        return {k: _respan(v, index) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _respan(getattr(value, f.name), index)
            for f in dataclasses.fields(value)
            if isinstance(getattr(value, f.name), Span | list | tuple | dict)
            or dataclasses.is_dataclass(getattr(value, f.name))
        }
        return dataclasses.replace(value, **changes) if changes else value
    return value
