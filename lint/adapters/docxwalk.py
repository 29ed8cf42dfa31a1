"""Walk a Word document's paragraphs in reading order, as pieces of visible text.

The reader (docx.py) and the comment writer (report/docx_comments.py) both walk the
document through here, so a paragraph number and a character offset mean the same
paragraph and character to both. Each piece keeps the `w:r` element it came from, so the
writer can anchor a comment on exactly the runs a finding is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_HEADING_NAME = re.compile(r"^heading\s*(\d)$", re.I)

PieceKind = Literal["text", "noteref", "field-start", "field-end"]
Part = Literal["document", "footnotes", "endnotes"]


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_INLINE_CONTAINERS = frozenset(
    w(t) for t in ("hyperlink", "ins", "smartTag", "customXml", "moveTo", "dir", "bdo")
)
_SKIPPED = frozenset(w(t) for t in ("del", "moveFrom"))


@dataclass(slots=True)
class Piece:
    kind: PieceKind
    text: str = ""  # visible text ("text" pieces; the mark of a "noteref")
    run: Any = None  # the w:r element the text is in
    superscript: bool = False
    note: tuple[str, str] | None = None  # ("footnote" | "endnote", w:id)
    instruction: str = ""  # field-start: the field's instruction


@dataclass(slots=True)
class Paragraph:
    part: Part
    element: Any
    pieces: list[Piece]
    style: str | None = None  # paragraph style id
    note: tuple[str, str] | None = None  # the note a note paragraph belongs to


@dataclass(slots=True)
class _Frame:
    instruction: list[str] = field(default_factory=list)
    in_result: bool = False


@dataclass(slots=True)
class Styles:
    """What the walk needs from styles.xml: names, heading levels, superscript styles."""

    names: dict[str, str] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    superscript: set[str] = field(default_factory=set)
    num: dict[str, tuple[str, str]] = field(default_factory=dict)  # style id -> (numId, ilvl)

    @classmethod
    def from_xml(cls, root: Any) -> Styles:
        styles = cls()
        if root is None:
            return styles
        for style in root.iter(w("style")):
            sid = style.get(w("styleId"))
            if not sid:
                continue
            name = style.find(w("name"))
            if name is not None:
                styles.names[sid] = name.get(w("val"), "")
            based = style.find(w("basedOn"))
            if based is not None:
                styles.based_on[sid] = based.get(w("val"), "")
            align = style.find(f"{w('rPr')}/{w('vertAlign')}")
            if align is not None and align.get(w("val")) == "superscript":
                styles.superscript.add(sid)
            num = style.find(f"{w('pPr')}/{w('numPr')}")
            if num is not None:
                styles.num[sid] = _num_pr(num)
        return styles

    def chain(self, sid: str | None) -> Iterator[str]:
        seen: set[str] = set()
        while sid and sid not in seen:
            seen.add(sid)
            yield sid
            sid = self.based_on.get(sid)

    def is_superscript(self, sid: str | None) -> bool:
        return any(s in self.superscript for s in self.chain(sid))

    def heading_level(self, sid: str | None) -> int | None:
        for s in self.chain(sid):
            name = self.names.get(s, s)
            if name.lower() == "title":
                return 1
            m = _HEADING_NAME.match(name)
            if m:
                return max(1, int(m.group(1)))
        return None

    def numbering(self, sid: str | None) -> tuple[str, str] | None:
        for s in self.chain(sid):
            if s in self.num:
                return self.num[s]
        return None


def _num_pr(num: Any) -> tuple[str, str]:
    num_id = num.find(w("numId"))
    ilvl = num.find(w("ilvl"))
    return (
        num_id.get(w("val"), "0") if num_id is not None else "0",
        ilvl.get(w("val"), "0") if ilvl is not None else "0",
    )


def paragraph_numbering(p: Any, styles: Styles) -> tuple[str, str] | None:
    """(numId, ilvl) of a list paragraph, or None."""
    ppr = p.find(w("pPr"))
    if ppr is not None:
        num = ppr.find(w("numPr"))
        if num is not None:
            direct = _num_pr(num)
            return None if direct[0] == "0" else direct
    found = styles.numbering(paragraph_style(p))
    return None if found is None or found[0] == "0" else found


def paragraph_style(p: Any) -> str | None:
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val")) if style is not None else None


def blocks(container: Any) -> Iterator[Any]:
    """The w:p elements of a body, cell, note or content control, in reading order."""
    for child in container:
        tag = child.tag
        if tag == w("p"):
            yield child
        elif tag == w("tbl"):
            for row in child.iter(w("tr")):
                for cell in row.findall(w("tc")):
                    yield from blocks(cell)
        elif tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from blocks(content)
        elif tag == w("customXml"):
            yield from blocks(child)


class Walker:
    """Turns paragraphs into pieces; keeps the state of fields that span paragraphs."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.stack: list[_Frame] = []

    def paragraph(self, p: Any, part: Part) -> Paragraph:
        pieces: list[Piece] = []
        self._inline(p, pieces)
        return Paragraph(part, p, pieces, paragraph_style(p))

    def _in_instruction(self) -> bool:
        return bool(self.stack) and not self.stack[-1].in_result

    def _inline(self, element: Any, out: list[Piece]) -> None:
        for child in element:
            tag = child.tag
            if tag == w("r"):
                self._run(child, out)
            elif tag in _INLINE_CONTAINERS:
                self._inline(child, out)
            elif tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is None:
                    continue
                instruction = _mendeley_cite(child)
                if instruction:
                    out.append(Piece("field-start", instruction=instruction))
                self._inline(content, out)
                if instruction:
                    out.append(Piece("field-end"))
            elif tag == w("fldSimple"):
                out.append(Piece("field-start", instruction=child.get(w("instr"), "")))
                self._inline(child, out)
                out.append(Piece("field-end"))
            elif tag in _SKIPPED:
                continue

    def _superscript(self, r: Any) -> bool:
        rpr = r.find(w("rPr"))
        if rpr is None:
            return False
        align = rpr.find(w("vertAlign"))
        if align is not None:
            return bool(align.get(w("val")) == "superscript")
        style = rpr.find(w("rStyle"))
        return style is not None and self.styles.is_superscript(style.get(w("val")))

    def _run(self, r: Any, out: list[Piece]) -> None:
        sup: bool | None = None
        for child in r:
            tag = child.tag
            if tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    self.stack.append(_Frame())
                elif kind == "separate" and self.stack:
                    frame = self.stack[-1]
                    frame.in_result = True
                    out.append(Piece("field-start", instruction="".join(frame.instruction)))
                elif kind == "end" and self.stack:
                    frame = self.stack.pop()
                    if frame.in_result:
                        out.append(Piece("field-end"))
                continue
            if tag == w("instrText"):
                if self.stack and not self.stack[-1].in_result:
                    self.stack[-1].instruction.append(child.text or "")
                continue
            if self._in_instruction():
                continue
            text = None
            if tag == w("t"):
                text = (child.text or "").replace("\n", " ").replace("\r", " ")
            elif tag in (w("tab"), w("ptab")):
                text = "\t"
            elif tag in (w("br"), w("cr")):
                text = " "
            elif tag == w("noBreakHyphen"):
                text = "-"
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                kind = "footnote" if tag == w("footnoteReference") else "endnote"
                out.append(Piece("noteref", run=r, note=(kind, child.get(w("id"), ""))))
                continue
            if text:
                if sup is None:
                    sup = self._superscript(r)
                out.append(Piece("text", text, r, sup))


def _mendeley_cite(sdt: Any) -> str | None:
    """Mendeley Cite keeps a citation in a content control whose tag is
    `MENDELEY_CITATION_v3_` and the citation's JSON in base64: read it as the field
    instruction Mendeley Desktop would have written."""
    import base64
    import binascii

    tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
    value = tag.get(w("val"), "") if tag is not None else ""
    if not value.startswith("MENDELEY_CITATION_v3_"):
        return None
    payload = value.removeprefix("MENDELEY_CITATION_v3_")
    try:
        data = base64.b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        data = "(undecodable)"
    return f"ADDIN CSL_CITATION {data}"


def note_mark(number: int) -> str:
    return str(number).translate(_SUPERSCRIPT_DIGITS)


@dataclass(slots=True)
class NoteBlock:
    kind: str  # "footnote" or "endnote"
    id: str
    number: int
    paragraphs: list[Paragraph]


@dataclass(slots=True)
class Layout:
    """A Word document in reading order: body paragraphs, then notes by number."""

    package: Any  # the python-docx Document
    styles: Styles
    numbering: dict[str, dict[str, tuple[str, str, int]]]  # numId -> ilvl -> (fmt, text, start)
    body: list[Paragraph]
    notes: list[NoteBlock]


def open_package(data: bytes) -> Any:
    import io

    import docx

    return docx.Document(io.BytesIO(data))


def related_xml(package: Any, reltype_suffix: str) -> Any:
    """The root element of the document part's related part of this type, or None."""
    from docx.oxml.parser import parse_xml

    for rel in package.part.rels.values():
        if rel.is_external or not rel.reltype.endswith(reltype_suffix):
            continue
        part = rel.target_part
        element = getattr(part, "element", None)
        if element is None:
            element = getattr(part, "_element", None)
        return element if element is not None else parse_xml(part.blob)
    return None


def layout(package: Any) -> Layout:
    styles = Styles.from_xml(related_xml(package, "/styles"))
    walker = Walker(styles)
    body = [walker.paragraph(p, "document") for p in blocks(package.element.body)]
    notes: list[NoteBlock] = []
    for kind in ("footnote", "endnote"):
        root = related_xml(package, f"/{kind}s")
        if root is None:
            continue
        by_id = {
            n.get(w("id"), ""): n
            for n in root.findall(w(kind))
            if n.get(w("type")) in (None, "normal")
        }
        order: list[str] = []
        for para in body:
            for piece in para.pieces:
                if piece.note and piece.note[0] == kind and piece.note[1] not in order:
                    order.append(piece.note[1])
        order += [i for i in by_id if i not in order]
        for number, note_id in enumerate(order, 1):
            element = by_id.get(note_id)
            if element is None:
                continue
            part: Part = "footnotes" if kind == "footnote" else "endnotes"
            paragraphs = [walker.paragraph(p, part) for p in blocks(element)]
            for para in paragraphs:
                para.note = (kind, note_id)
            notes.append(NoteBlock(kind, note_id, number, paragraphs))
    return Layout(package, styles, _numbering(related_xml(package, "/numbering")), body, notes)


def _numbering(root: Any) -> dict[str, dict[str, tuple[str, str, int]]]:
    if root is None:
        return {}
    abstract: dict[str, dict[str, tuple[str, str, int]]] = {}
    for a in root.findall(w("abstractNum")):
        levels: dict[str, tuple[str, str, int]] = {}
        for lvl in a.findall(w("lvl")):
            fmt = lvl.find(w("numFmt"))
            text = lvl.find(w("lvlText"))
            start = lvl.find(w("start"))
            levels[lvl.get(w("ilvl"), "0")] = (
                fmt.get(w("val"), "decimal") if fmt is not None else "decimal",
                text.get(w("val"), "") if text is not None else "",
                int(start.get(w("val"), "1")) if start is not None else 1,
            )
        abstract[a.get(w("abstractNumId"), "")] = levels
    found: dict[str, dict[str, tuple[str, str, int]]] = {}
    for num in root.findall(w("num")):
        ref = num.find(w("abstractNumId"))
        if ref is not None:
            found[num.get(w("numId"), "")] = abstract.get(ref.get(w("val"), ""), {})
    return found
