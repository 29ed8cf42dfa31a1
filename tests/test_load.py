"""Bad input gets a clear diagnostic, never a traceback."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from citeaudit import load as loader
from citeaudit.load import decode, format_for, load
from tests.conftest import CORPUS, findings

ESSAY = "Kim met Stalin in April [1].\n\n## References\n\n1. Weathersby, Kathryn. *Soviet Aims in Korea*. 1993.\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04\x00\x00binary\x00", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (codecs.BOM_UTF8 + b"\xff\xfe bad", "binary or not in a text encoding"),
    ],
)
def test_unreadable_input_is_io001(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "input.md"
    path.write_bytes(data)
    records = findings([str(path)])
    assert [r["code"] for r in records] == ["IO001"]
    assert message in records[0]["message"]


@pytest.mark.parametrize("data", [b"", b"  \n\n\t\n", b"\r\n \r\n"])
@pytest.mark.parametrize("name", ["chapter.md", "chapter.tex", "refs.bib", "notes.rst"])
def test_an_empty_manuscript_is_not_an_error(tmp_path: Path, data: bytes, name: str) -> None:
    # A placeholder chapter must not fail a commit.
    path = tmp_path / name
    path.write_bytes(data)
    assert findings([str(path)]) == []


def test_huge_file_is_refused_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "MAX_BYTES", 1000)
    path = tmp_path / "huge.md"
    path.write_text(ESSAY * 50)
    doc = load(str(path))
    assert doc.problems[0].code == "IO001" and "limit" in doc.problems[0].message


def test_unreadable_permissions(tmp_path: Path) -> None:
    doc = load(str(tmp_path))  # a folder cannot be read as a file
    assert doc.problems[0].code == "IO001"


@pytest.mark.parametrize(
    ("data", "text", "encoding", "bom"),
    [
        (ESSAY.encode(), ESSAY, "utf-8", False),
        (codecs.BOM_UTF8 + ESSAY.encode(), ESSAY, "utf-8", True),
        (codecs.BOM_UTF16_LE + ESSAY.encode("utf-16-le"), ESSAY, "utf-16-le", True),
        ("Caf\u00e9 [1]".encode("cp1252"), "Caf\u00e9 [1]", "cp1252", False),
    ],
)
def test_decode(data: bytes, text: str, encoding: str, bom: bool) -> None:
    decoded = decode(data)
    assert decoded is not None
    assert (decoded.text, decoded.encoding, decoded.bom) == (text, encoding, bom)


def test_utf16_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    path.write_bytes(
        codecs.BOM_UTF16_LE
        + (ESSAY + "2. Unused, Entry. *A Book Never Cited*. 2001.\n").encode("utf-16-le")
    )
    assert [r["code"] for r in findings([str(path)])] == ["CIT002"]


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("a.md", None, "markdown"),
        ("a.Rmd", None, "markdown"),
        ("a.qmd", None, "markdown"),
        ("a.tex", None, "latex"),
        ("a.bib", None, "bibtex"),
        ("a.rst", None, "rst"),
        ("a.adoc", None, "asciidoc"),
        ("a.txt", "Plain words.\n[1] A reference.\n", "plain"),
        ("a.txt", (CORPUS / "lai-2023" / "essay.md").read_text(), "markdown"),
        ("a.docx", None, "docx"),
    ],
)
def test_format_for(name: str, text: str | None, fmt: str | None) -> None:
    assert format_for(name, text) == fmt


def test_crlf_positions_are_exact(tmp_path: Path) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(ESSAY.replace("[1]", "[2]", 1).replace("\n", "\r\n").encode())
    record = next(r for r in findings([str(path)]) if r["code"] == "CIT001")
    assert (record["line"], record["column"], record["end_column"]) == (1, 26, 27)
