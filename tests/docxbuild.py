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
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return out.getvalue()
