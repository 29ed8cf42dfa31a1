"""Word manuscripts: the .docx reader, its locations, and reference-manager fields."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, ROOT, findings, run_cli
from tests.docxbuild import W, build, with_footnote

DOCX = CORPUS / "docx"
LAI_MD = CORPUS / "lai-2023" / "essay.md"


def md_paragraphs(path: Path) -> dict[int, int]:
    """Markdown line -> the number of the Word paragraph pandoc makes of it: a paragraph
    starts after a blank line, and every list item is a paragraph of its own."""
    mapping: dict[int, int] = {}
    number, blank = 0, True
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            blank = True
            continue
        if blank or re.match(r"\s*(?:[-*+]|\d+\.)\s", line):
            number += 1
        blank = False
        mapping[i] = number
    return mapping


def test_lai_docx_reports_what_the_markdown_essay_reports_at_the_same_paragraphs() -> None:
    paragraph = md_paragraphs(LAI_MD)
    md = findings(["--isolated", str(LAI_MD)])
    word = findings(["--isolated", str(DOCX / "lai-2023.docx")])

    def as_paragraphs(message: str) -> str:
        return re.sub(
            r"\(line (\d+)\)", lambda m: f"(paragraph {paragraph[int(m.group(1))]})", message
        )

    expected = sorted((paragraph[r["line"]], r["code"], as_paragraphs(r["message"])) for r in md)
    actual = sorted((r["line"], r["code"], r["message"]) for r in word)
    # The golden file of the Markdown essay pins what those findings are.
    assert len(md) == len((LAI_MD.parent / "expected.txt").read_text("utf-8").splitlines())
    assert actual == expected


def test_text_report_names_the_paragraph_and_shows_the_visible_text() -> None:
    result = run_cli(["check", "--isolated", "--no-color", str(DOCX / "lai-2023.docx")])
    out = result.output
    assert "lai-2023.docx:14:1040: CIT003" in out
    assert "  --> paragraph 14, character 1040" in out
    # The source line is the paragraph as Word shows it, the caret under "[6]".
    snippet = out.split("lai-2023.docx:14:1040: CIT003", 1)[1].split("\n")[2:5]
    line, caret = snippet[1], snippet[2]
    assert line.startswith("14 | …") and line.endswith("each year for import [6].")
    assert line[caret.index("^") : caret.rindex("^") + 1] == "[6]"
    assert "(paragraph 31): entry [5]" in out


def test_footnotes_are_notes_numbered_in_reading_order() -> None:
    from citeaudit.load import load

    doc = load(str(DOCX / "jameson-redlining.docx"))
    assert doc.format == "docx"
    assert [n.label for n in doc.notes] == [str(i) for i in range(1, 8)]
    assert sorted({r.label for r in doc.note_refs}) == [str(i) for i in range(1, 8)]
    assert doc.notes[4].text == "Ibid., 303."
    assert doc.places is not None
    first_note_line = doc.notes[0].span.line
    assert doc.places.label(first_note_line) == "footnote 1"
    assert doc.places.label(3) == "paragraph 3"
    # The body of the essay has no note finding: every marker has its note.
    codes = {r["code"] for r in findings(["--isolated", str(DOCX / "jameson-redlining.docx")])}
    assert not codes & {"NOTE001", "NOTE002"}


def test_superscript_runs_are_numeric_markers_and_word_numbering_labels_entries(
    tmp_path: Path,
) -> None:
    path = build(
        tmp_path / "sup.docx",
        [
            [
                "Stueck called it an international war.",
                ("sup", "1"),
                " Cumings disagreed.",
                ("sup", "3"),
            ],
            [("h1", "References")],
            [
                (
                    "numbered",
                    "Stueck, William. The Korean War: An International History. Princeton, 1995.",
                )
            ],
            [("numbered", "Cumings, Bruce. The Origins of the Korean War. Princeton, 1981.")],
        ],
    )
    from citeaudit.load import load

    doc = load(str(path))
    assert [(c.form, c.targets) for c in doc.citations] == [("sup", ("1",)), ("sup", ("3",))]
    assert [e.label for e in doc.entries] == ["1", "2"]
    records = findings(["--isolated", str(path)])
    undefined = [r for r in records if r["code"] == "CIT001"]
    assert [(r["line"], r["column"], r["end_column"]) for r in undefined] == [(1, 59, 60)]
    assert "[3] matches no entry" in undefined[0]["message"]
    unused = [r for r in records if r["code"] == "CIT002"]
    assert [r["line"] for r in unused] == [4]


def test_superscript_from_a_character_style(tmp_path: Path) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    base = document.styles.add_style("Cite Base", WD_STYLE_TYPE.CHARACTER)
    base.font.superscript = True
    derived = document.styles.add_style("Cite Mark", WD_STYLE_TYPE.CHARACTER)
    derived.base_style = base
    p = document.add_paragraph("Kim misled Stalin.")
    p.add_run("2").style = derived
    p.add_run(" Mao doubted it 12 times.")
    path = tmp_path / "styled.docx"
    document.save(str(path))
    from citeaudit.load import load

    doc = load(str(path))
    assert doc.text == "Kim misled Stalin.<sup>2</sup> Mao doubted it 12 times."
    assert [(c.targets, c.span.column, c.span.end_column) for c in doc.citations] == [
        (("2",), 19, 20)
    ]


def test_suppression_comment_typed_in_word(tmp_path: Path) -> None:
    refs = [
        [("h1", "References")],
        [("numbered", "Cumings, Bruce. The Origins of the Korean War. 1981.")],
    ]
    path = build(
        tmp_path / "quiet.docx",
        [["<!-- citeaudit: ignore CIT001 -->"], ["Cumings [1] and [2]."], ["Stueck [3]."], *refs],
    )
    records = findings(["--isolated", str(path)])
    assert [(r["code"], r["line"]) for r in records] == [("CIT001", 3)]


def test_tables_and_headings_are_read(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Evidence", level=1)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Telegram of 19 October"
    table.cell(0, 1).text = "as cited [4]"
    document.add_paragraph("After the table.")
    path = tmp_path / "table.docx"
    document.save(str(path))
    from citeaudit.load import load

    doc = load(str(path))
    assert doc.text.splitlines()[0] == "# Evidence"
    assert [c.targets for c in doc.citations] == [("4",)]
    assert (doc.citations[0].span.line, doc.citations[0].span.column) == (3, 10)


ZOTERO = (
    " ADDIN ZOTERO_ITEM CSL_CITATION "
    '{"citationID":"x1","properties":{"formattedCitation":"(Stueck 1995)","plainCitation":"(Stueck 1995)","noteIndex":0},'
    '"citationItems":[{"id":7,"uris":["http://zotero.org/users/local/a/items/QW8T2ZRN"],'
    '"itemData":{"id":7,"type":"book","title":"The Korean War","author":[{"family":"Stueck","given":"William"}],'
    '"issued":{"date-parts":[["1995"]]}}}],"schema":"https://github.com/citation-style-language/schema/raw/master/csl-citation.json"} '
)


def field(instruction: str, result: str) -> list[tuple[str, str]]:
    from xml.sax.saxutils import escape

    return [
        ("xml", f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>'),
        (
            "xml",
            f'<w:r {W}><w:instrText xml:space="preserve">{escape(instruction)}</w:instrText></w:r>',
        ),
        ("xml", f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>'),
        ("xml", f'<w:r {W}><w:t xml:space="preserve">{escape(result)}</w:t></w:r>'),
        ("xml", f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'),
    ]


def test_zotero_and_mendeley_fields_are_linked_and_hand_edits_reported() -> None:
    from citeaudit.load import load

    path = DOCX / "zotero-mendeley-fields.docx"
    doc = load(str(path))
    assert doc.list_style == "bibtex"
    assert sorted(e.label or "" for e in doc.entries) == [
        "5b2f0a8e-6c1d-3f7a-9e4b-2d8c1a0f6e93",
        "7FJ3KD2P",
        "M2XR8C4A",
        "QW8T2ZRN",
    ]
    fields = [c for c in doc.citations if c.form == "field"]
    assert len(fields) == len(doc.citations) == 6
    by_key = {e.label: e for e in doc.entries}
    assert all(t in by_key for c in fields for t in c.targets)
    assert by_key["QW8T2ZRN"].year == "1995"
    records = findings(["--isolated", str(path)])
    assert [(r["code"], r["line"]) for r in records] == [
        ("CIT009", 3),
        ("CIT009", 5),
        ("CIT009", 6),
    ]
    assert "'(Weathersby 1995)' but Zotero inserted '(Weathersby 1993)'" in records[0]["message"]
    assert "author Jian in the text" in records[1]["message"]
    assert "Mendeley inserted '(Chen, 1994)'" in records[1]["message"]
    assert "year 2002 in the text, but the item is dated 1995" in records[2]["message"]


def test_an_unedited_field_is_quiet_and_a_typed_list_keeps_its_citations(tmp_path: Path) -> None:
    path = build(
        tmp_path / "typed.docx",
        [
            ["Stueck saw an international war ", *field(ZOTERO, "(Stueck 1995)"), "."],
            [("h1", "References")],
            ["Stueck, William. 1995. The Korean War. Princeton University Press."],
        ],
    )
    from citeaudit.load import load

    doc = load(str(path))
    # The typed list stays the list: the visible citation is read as author-date.
    assert doc.list_style == "unnumbered"
    assert [c.style for c in doc.citations] == ["author-date"]
    assert findings(["--isolated", str(path)]) == []


def test_hand_edit_found_with_a_typed_list_too(tmp_path: Path) -> None:
    path = build(
        tmp_path / "edited.docx",
        [["Stueck saw an international war ", *field(ZOTERO, "(Stueck 1959)"), "."]],
    )
    records = findings(["--isolated", str(path)])
    assert [(r["code"], r["line"], r["column"]) for r in records] == [("CIT009", 1, 33)]


def test_mendeley_cite_content_controls(tmp_path: Path) -> None:
    import base64
    import json

    data = {
        "citationID": "MENDELEY_CITATION_1c1b",
        "properties": {"noteIndex": 0},
        "isEdited": False,
        "manualOverride": {
            "isManuallyOverridden": False,
            "citeprocText": "(Chen, 1994)",
            "manualOverrideText": "",
        },
        "citationItems": [
            {
                "id": "0b9d7a52-8f3c-3a5e-9d1e-4c2b7f6a1e90",
                "itemData": {
                    "type": "book",
                    "id": "0b9d7a52-8f3c-3a5e-9d1e-4c2b7f6a1e90",
                    "title": "China's Road to the Korean War",
                    "author": [{"family": "Chen", "given": "Jian"}],
                    "issued": {"date-parts": [[1994]]},
                },
                "isTemporary": False,
            }
        ],
    }
    tag = "MENDELEY_CITATION_v3_" + base64.b64encode(json.dumps(data).encode()).decode().rstrip("=")

    def sdt(text: str) -> tuple[str, str]:
        return (
            "xml",
            f'<w:sdt {W}><w:sdtPr><w:tag w:val="{tag}"/><w:id w:val="1"/></w:sdtPr>'
            f"<w:sdtContent><w:r><w:t>{text}</w:t></w:r></w:sdtContent></w:sdt>",
        )

    path = build(
        tmp_path / "cite.docx",
        [["Mao waited ", sdt("(Chen, 1994)"), "."], ["Mao hesitated ", sdt("(Chen, 1996)"), "."]],
    )
    from citeaudit.load import load

    doc = load(str(path))
    assert [c.form for c in doc.citations] == ["field", "field"]
    assert [e.year for e in doc.entries] == ["1994"]
    records = findings(["--isolated", str(path)])
    assert [(r["code"], r["line"]) for r in records] == [("CIT009", 2)]
    assert "Mendeley inserted '(Chen, 1994)'" in records[0]["message"]


def test_fix_never_rewrites_a_word_file(tmp_path: Path) -> None:
    source = (DOCX / "lai-2023.docx").read_bytes()
    path = tmp_path / "lai.docx"
    path.write_bytes(source)
    result = run_cli(["check", "--isolated", "--fix", "--unsafe-fixes", str(path)])
    assert result.exit_code == 1
    assert path.read_bytes() == source
    assert "a Word file is never rewritten" in result.output
    # From standard input nothing is printed as "fixed text" either: Word is not text.
    piped = run_cli(
        ["check", "--isolated", "--fix", "-", "--stdin-filename", "a.docx"], stdin=source
    )
    assert "a Word file is never rewritten" in piped.output
    assert "#### 6. References" not in piped.output


def test_folder_walk_takes_docx_but_not_lock_files_or_commented_copies(tmp_path: Path) -> None:
    from citeaudit.discover import manuscripts

    for name in ("essay.docx", "~$essay.docx", "essay.citeaudit.docx", "notes.md"):
        (tmp_path / name).write_bytes(b"x")
    assert sorted(Path(p).name for p in manuscripts([str(tmp_path)])) == ["essay.docx", "notes.md"]


def test_checking_markdown_does_not_import_python_docx() -> None:
    code = (
        "import sys\nfrom citeaudit.cli import main\n"
        "try:\n    main(['check', '--isolated', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('docx', 'defusedxml', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(LAI_MD)], capture_output=True, text=True, cwd=ROOT
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_json_locations_of_a_note_finding(tmp_path: Path) -> None:
    """A note's line continues after the body; the text report says which note."""
    path = with_footnote(tmp_path / "notes.docx", "A claim.", " See source [12].")
    from citeaudit.load import load

    doc = load(str(path))
    assert doc.text.endswith("[^1]: See source [12].\n")
    assert [(r.label, r.span.line, r.span.column) for r in doc.note_refs] == [("1", 2, 9)]
    assert doc.places is not None and doc.places.label(3) == "footnote 1"
    assert doc.places.display_text().splitlines()[1] == "A claim.¹"


def test_endnotes_are_notes_too(tmp_path: Path) -> None:
    from citeaudit.load import load

    doc = load(str(with_footnote(tmp_path / "end.docx", "A claim.", " Ibid., 3.", "endnote")))
    assert [(n.label, n.text) for n in doc.notes] == [("1", "Ibid., 3.")]
    assert doc.places is not None and doc.places.label(3) == "endnote 1"


def test_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    deleted = f'<w:del {W} w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>[9]</w:delText></w:r></w:del>'
    inserted = f'<w:ins {W} w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:t>[1]</w:t></w:r></w:ins>'
    path = build(
        tmp_path / "tracked.docx",
        [["Cumings saw a civil war ", ("xml", deleted), ("xml", inserted), "."]],
    )
    from citeaudit.load import load

    doc = load(str(path))
    assert doc.text == "Cumings saw a civil war [1]."
    assert [(c.targets, c.span.column) for c in doc.citations] == [(("1",), 25)]


def test_changed_since_compares_paragraphs(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    refs = [
        [("h1", "References")],
        [("numbered", "Cumings, Bruce. The Origins of the Korean War. 1981.")],
    ]
    path = tmp_path / "essay.docx"
    build(path, [["Cumings [1] saw a civil war."], ["Stueck [2] did not."], *refs])
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "draft")
    build(path, [["Cumings [1] saw a civil war [3]."], ["Stueck [2] did not."], *refs])
    records = findings(["--isolated", "--changed-since", "HEAD", str(path)])
    assert [(r["code"], r["line"]) for r in records] == [("CIT001", 1)]
    everything = findings(["--isolated", str(path)])
    assert [(r["code"], r["line"]) for r in everything] == [("CIT001", 1), ("CIT001", 2)]


def records_at(records: list[dict[str, Any]], code: str) -> list[tuple[int, int]]:
    return [(r["line"], r["column"]) for r in records if r["code"] == code]


@pytest.mark.parametrize(
    "name", ["lai-2023.docx", "jameson-redlining.docx", "authordate-essay.docx"]
)
def test_pandoc_fixtures_read_without_io_problems(name: str) -> None:
    records = findings(["--isolated", str(DOCX / name)])
    assert not records_at(records, "IO001")
