"""Small Word documents built in tests with python-docx, for cases no fixture covers."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f'xmlns:w="{W_NS}"'


def build(path: Path, paragraphs: Sequence[Sequence[str | tuple[str, str]]], **kw: object) -> Path:
    """Each paragraph is a list of runs: a string, or (style, text) with style one of
    "sup", "h1", "numbered" (the paragraph), "xml" (raw run XML)."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    for runs in paragraphs:
        styles = {r[0] for r in runs if isinstance(r, tuple)}
        if "h1" in styles:
            document.add_heading(next(r[1] for r in runs if isinstance(r, tuple)), level=1)
            continue
        p = document.add_paragraph(style="List Number" if "numbered" in styles else None)
        for run in runs:
            if isinstance(run, str):
                p.add_run(run)
            elif run[0] == "sup":
                p.add_run(run[1]).font.superscript = True
            elif run[0] == "xml":
                p._p.append(parse_xml(run[1]))
            elif run[0] == "numbered":
                p.add_run(run[1])
    document.save(str(path))
    return path


def rezip(source: bytes, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """The zip `source` with some entries' bytes replaced and others added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return out.getvalue()


def with_footnote(path: Path, claim: str, note: str, kind: str = "footnote") -> Path:
    """Two paragraphs, the second `claim` with a footnote (or endnote) whose text is
    `note`, as Word writes them (python-docx cannot add notes)."""
    import docx

    document = docx.Document()
    document.add_paragraph("First paragraph.")
    document.add_paragraph(claim)
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    notes = (
        f'<w:{kind}s {W}><w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:id="1"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve">{note}</w:t></w:r></w:p></w:{kind}>'
        f"</w:{kind}s>"
    ).encode()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read("word/document.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    body = body.replace(
        f"<w:t>{claim}</w:t></w:r>",
        f'<w:t>{claim}</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{kind}Reference w:id="1"/></w:r>',
    )
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}s" Target="{kind}s.xml"/></Relationships>',
    )
    types = types.replace(
        "</Types>",
        f'<Override PartName="/word/{kind}s.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml"/></Types>',
    )
    path.write_bytes(
        rezip(
            data,
            {
                "word/document.xml": body.encode(),
                "word/_rels/document.xml.rels": rels.encode(),
                "[Content_Types].xml": types.encode(),
            },
            {f"word/{kind}s.xml": notes},
        )
    )
    return path
