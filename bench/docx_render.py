"""Render a commented Word copy through LibreOffice, to look at where its comments sit.

    python bench/docx_render.py corpus/docx/lai-2023.citeaudit.docx /tmp/render

LibreOffice converts the copy to PDF with its comments exported as PDF annotations
(`ExportNotes`; LibreOffice 7.4, Debian 12's, has no `ExportNotesInMargin`, which came
later). poppler's pdftoppm renders each page that has comments, and this script draws
every annotation where LibreOffice placed it (a red mark on the anchor) with its text in
a right-hand margin, so the PNG shows each finding at its citation as LibreOffice laid it
out. Needs soffice, pdftoppm, pypdf and Pillow.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from typing import Any

DPI = 80
MARGIN = 520


def to_pdf(docx: str, folder: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}',
                "--outdir",
                folder,
                docx,
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return os.path.join(folder, os.path.splitext(os.path.basename(docx))[0] + ".pdf")


def annotations(pdf: str) -> list[tuple[int, float, float, float, str]]:
    """(page number, x, y from the top, page height, text) of each comment annotation."""
    from pypdf import PdfReader

    found = []
    for number, page in enumerate(PdfReader(pdf).pages, 1):
        height = float(page.mediabox.height)
        for ref in page.get("/Annots") or []:
            a = ref.get_object()
            if a.get("/Subtype") != "/Text":
                continue
            x, y = float(a["/Rect"][0]), float(a["/Rect"][3])
            found.append((number, x, height - y, height, str(a.get("/Contents", ""))))
    return found


def render(docx: str, folder: str) -> list[str]:
    from PIL import Image, ImageDraw

    os.makedirs(folder, exist_ok=True)
    pdf = to_pdf(docx, folder)
    notes = annotations(pdf)
    pages = sorted({n[0] for n in notes})
    out = []
    for page in pages:
        stem = os.path.join(folder, f"page-{page}")
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(DPI),
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                pdf,
                stem,
            ],
            check=True,
            capture_output=True,
        )
        base = Image.open(f"{stem}.png").convert("RGB")
        image = Image.new("RGB", (base.width + MARGIN, base.height), "white")
        image.paste(base, (0, 0))
        draw = ImageDraw.Draw(image)
        font = _font()
        scale = DPI / 72
        y_text = 10
        for _, x, y, _, text in [n for n in notes if n[0] == page]:
            px, py = x * scale, y * scale
            draw.rectangle([px - 3, py - 2, px + 3, py + 14], outline="red", width=2)
            lines = textwrap.wrap(text, 80)[:5]
            box_top = max(y_text, py - 5)
            draw.line([px + 3, py + 6, base.width + 4, box_top + 6], fill="red", width=1)
            for k, line in enumerate(lines):
                draw.text((base.width + 8, box_top + k * 12), line, fill=(120, 0, 0), font=font)
            y_text = box_top + len(lines) * 12 + 8
        path = f"{stem}-comments.png"
        image.save(path)
        out.append(path)
    return out


def _font() -> Any:
    from PIL import ImageFont

    try:  # the default bitmap font has no arrows or quotes
        return ImageFont.truetype("DejaVuSans.ttf", 10)
    except OSError:
        return ImageFont.load_default()


if __name__ == "__main__":
    for written in render(sys.argv[1], sys.argv[2]):
        print(written)
