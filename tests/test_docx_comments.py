"""`--format docx-comments`: findings as Word comments in a copy, checked by reading the
copy's XML and by opening it in LibreOffice."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import CORPUS, findings, run_cli
from tests.docxbuild import with_footnote

LAI = CORPUS / "docx" / "lai-2023.docx"
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def commented(tmp_path: Path, source: Path = LAI) -> tuple[Path, Path, str]:
    original = tmp_path / source.name
    original.write_bytes(source.read_bytes())
    result = run_cli(["check", "--isolated", "--format", "docx-comments", str(original)])
    assert result.exit_code == 1, result.output
    return original, original.with_name(original.stem + ".citeaudit.docx"), result.output


def anchored_texts(copy: Path) -> dict[str, str]:
    """Comment id -> the document text between its commentRangeStart and End."""
    from lxml import etree

    with zipfile.ZipFile(copy) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    open_ranges: dict[str, list[str]] = {}
    done: dict[str, str] = {}
    for element in root.iter():
        tag = element.tag
        if tag == f"{W_NS}commentRangeStart":
            open_ranges[element.get(f"{W_NS}id")] = []
        elif tag == f"{W_NS}commentRangeEnd":
            cid = element.get(f"{W_NS}id")
            done[cid] = "".join(open_ranges.pop(cid))
        elif tag == f"{W_NS}t":
            for parts in open_ranges.values():
                parts.append(element.text or "")
        elif tag == f"{W_NS}p":
            for parts in open_ranges.values():
                parts.append("\n")
    return done


def comments(copy: Path) -> dict[str, tuple[str, str]]:
    """Comment id -> (author, text)."""
    from lxml import etree

    with zipfile.ZipFile(copy) as z:
        root = etree.fromstring(z.read("word/comments.xml"))
    return {
        c.get(f"{W_NS}id"): (
            c.get(f"{W_NS}author"),
            "\n".join(
                "".join(t.text or "" for t in p.iter(f"{W_NS}t")) for p in c.iter(f"{W_NS}p")
            ),
        )
        for c in root.iter(f"{W_NS}comment")
    }


def test_one_comment_per_finding_anchored_on_its_span(tmp_path: Path) -> None:
    from citeaudit.load import load

    original, copy, output = commented(tmp_path)
    assert original.read_bytes() == LAI.read_bytes()  # never modified
    assert f"{copy}: 15 comments" in output
    records = findings(["--isolated", str(original)])
    found = comments(copy)
    assert len(found) == len(records) == 15
    assert {author for author, _ in found.values()} == {"citeaudit"}
    display = load(str(original)).places
    assert display is not None
    lines = display.display_text().splitlines()
    anchors = anchored_texts(copy)
    by_text = {text.split("\n")[0]: cid for cid, (_, text) in found.items()}
    for r in records:
        cid = by_text[f"{r['code']} {r['message']}"]
        if r["end_line"] == r["line"]:
            expected = lines[r["line"] - 1][r["column"] - 1 : r["end_column"] - 1]
            assert anchors[cid] == expected, r
        else:  # a run of markers over paragraphs: from its first marker to its last
            first = lines[r["line"] - 1][r["column"] - 1 :]
            last = lines[r["end_line"] - 1][: r["end_column"] - 1]
            assert anchors[cid].startswith(first) and anchors[cid].endswith(last), r
    cit003 = next(cid for cid, (_, t) in found.items() if t.startswith("CIT003"))
    assert anchors[cit003] == "[6]"
    shift = next(t for _, t in found.values() if t.startswith("CIT004 numbering shift: 4"))
    assert shift.endswith("Possible fix: renumber 4 markers by -1")
    assert "\nSee paragraph 31: entry [5]" in found[cit003][1]


def test_the_copy_is_a_complete_package_and_reads_the_same(tmp_path: Path) -> None:
    original, copy, _ = commented(tmp_path)
    with zipfile.ZipFile(copy) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert re.search(r'PartName="/word/comments.xml"[^>]*wordprocessingml.comments\+xml', types)
    assert re.search(r'relationships/comments"', rels)
    # Splitting runs and adding comments changes no visible text: the same findings.
    before = findings(["--isolated", str(original)])
    after = findings(["--isolated", str(copy)])
    strip = [{k: v for k, v in r.items() if k not in ("path", "related")} for r in before]
    assert [{k: v for k, v in r.items() if k not in ("path", "related")} for r in after] == strip


def test_output_folder_and_other_files(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "essay.docx").write_bytes(LAI.read_bytes())
    (tmp_path / "in" / "notes.md").write_text("Cited [3].\n\n# References\n\n[1] A. B. 1990.\n")
    out = tmp_path / "out"
    result = run_cli(
        ["check", "--isolated", "--format", "docx-comments", "--output", str(out), "in"],
        cwd=tmp_path,
    )
    assert result.exit_code == 1
    assert (out / "in" / "essay.citeaudit.docx").is_file()
    assert not (tmp_path / "in" / "essay.citeaudit.docx").exists()
    assert "in/notes.md: not a Word document; its 2 findings not written" in result.output
    assert "Wrote 1 commented copy." in result.output


def test_output_that_is_a_file_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "essay.docx").write_bytes(LAI.read_bytes())
    (tmp_path / "taken").write_text("a file")
    result = run_cli(
        ["check", "--isolated", "--format", "docx-comments", "-o", "taken", "essay.docx"],
        cwd=tmp_path,
    )
    assert result.exit_code == 1
    assert "essay.docx: no copy written: cannot write taken/essay.citeaudit.docx" in result.output


def test_output_must_be_a_file_for_other_formats(tmp_path: Path) -> None:
    result = run_cli(["check", "--isolated", "--output", str(tmp_path), str(LAI)])
    assert result.exit_code == 2
    assert "is a folder, not a file" in result.output


def test_a_note_finding_is_anchored_on_the_note_mark(tmp_path: Path) -> None:
    """No rule fires inside a Word note on a small document, so the finding is made here:
    one on the note's text, as the writer receives it."""
    from citeaudit.load import load
    from citeaudit.model import Diagnostic
    from citeaudit.report.docx_comments import write_copy

    source = with_footnote(tmp_path / "src.docx", "A claim.", "See sources [12].")
    doc = load(str(source))
    note = doc.notes[0]
    finding = Diagnostic(
        str(source),
        note.body_span,
        "CIT001",
        "undefined-citation",
        "error",
        "[12] matches no entry",
    )
    copy = tmp_path / "src.citeaudit.docx"
    assert write_copy(str(source), str(copy), [finding], doc.places) == 1
    ((_, text),) = comments(copy).values()
    assert text == "In footnote 1: CIT001 [12] matches no entry"
    from lxml import etree

    with zipfile.ZipFile(copy) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    start = next(root.iter(f"{W_NS}commentRangeStart"))
    # The range opens right before the run that holds the footnote reference.
    assert start.getnext().find(f"{W_NS}footnoteReference") is not None
    assert anchored_texts(copy) == {start.get(f"{W_NS}id"): ""}


def test_a_clean_file_gets_a_copy_without_comments(tmp_path: Path) -> None:
    from tests.docxbuild import build

    path = build(tmp_path / "clean.docx", [["Nothing cited here."]])
    result = run_cli(["check", "--isolated", "--format", "docx-comments", str(path)])
    assert result.exit_code == 0
    assert "clean.citeaudit.docx: 0 comments" in result.output


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)")
    return found


def test_libreoffice_opens_the_copy_with_every_comment(tmp_path: Path) -> None:
    """LibreOffice converts the copy to PDF with comments as annotations (ExportNotes;
    LibreOffice 7.4 has no comments-in-margin export), and to ODT; both carry all 15
    comments, each at the citation it is about. pdftoppm renders a page of it."""
    soffice = _soffice()
    pypdf = pytest.importorskip("pypdf")
    _, copy, _ = commented(tmp_path)
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    export = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'
    for target in (export, "odt"):
        done = subprocess.run(
            [
                soffice,
                profile,
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                str(copy),
            ],
            capture_output=True,
            timeout=240,
        )
        assert done.returncode == 0, done.stderr
    pdf = tmp_path / "lai-2023.citeaudit.pdf"
    notes = [
        (number, str(a.get_object().get("/Contents", "")))
        for number, page in enumerate(pypdf.PdfReader(str(pdf)).pages, 1)
        for a in page.get("/Annots") or []
        if a.get_object().get("/Subtype") == "/Text"
    ]
    assert len(notes) == 15
    codes = sorted(text.split(" ", 1)[0] for _, text in notes)
    assert codes == sorted(r["code"] for r in findings(["--isolated", str(LAI)]))
    # The CIT003 comment sits on the page whose text has its citation.
    page = next(n for n, text in notes if text.startswith("CIT003"))
    page_text = pypdf.PdfReader(str(pdf)).pages[page - 1].extract_text()
    assert "each year for import [6]" in " ".join(page_text.split())
    with zipfile.ZipFile(tmp_path / "lai-2023.citeaudit.odt") as z:
        content = z.read("content.xml").decode()
    assert content.count("<office:annotation ") + content.count("<office:annotation>") == 15
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    png = (tmp_path / "page.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_copy_written_atomically_beside_the_original(tmp_path: Path) -> None:
    _, copy, _ = commented(tmp_path)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".citeaudit-")]
    assert not leftovers
    with zipfile.ZipFile(io.BytesIO(copy.read_bytes())) as z:
        assert z.testzip() is None
