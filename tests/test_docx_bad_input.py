"""Untrusted .docx files: each bad one gives IO001 with the reason, never a traceback, a
hang or a memory spike."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, findings, run_cli
from tests.docxbuild import rezip

LAI = CORPUS / "docx" / "lai-2023.docx"


def io001(path: Path) -> str:
    records = findings(["--isolated", str(path)])
    assert [r["code"] for r in records] == ["IO001"], records
    assert (records[0]["line"], records[0]["column"]) == (1, 1)
    message: str = records[0]["message"]
    return message


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def zip_bomb(path: Path, mebibytes: int) -> Path:
    """A valid-looking .docx whose document.xml unpacks to `mebibytes` MiB of spaces."""
    source = LAI.read_bytes()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as old,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            if info.filename == "word/document.xml":
                with new.open("word/document.xml", "w", force_zip64=True) as stream:
                    stream.write(b'<?xml version="1.0"?><w:document xmlns:w="x">')
                    chunk = b" " * (1024 * 1024)
                    for _ in range(mebibytes):
                        stream.write(chunk)
                    stream.write(b"</w:document>")
            else:
                new.writestr(info, old.read(info.filename))
    return path


def test_zip_bomb_is_refused_from_the_directory_without_unpacking(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "bomb.docx", 200)
    assert path.stat().st_size < 1024 * 1024
    message = io001(path)
    assert "word/document.xml unpacks to 200 MiB" in message


def test_zip_bomb_peak_memory_stays_small(tmp_path: Path) -> None:
    """Peak resident memory of a whole `citeaudit check` of a 200 MiB bomb, against the
    same run on the Lai .docx: the bomb must cost no more than a few MiB extra."""
    bomb = zip_bomb(tmp_path / "bomb.docx", 200)
    script = (
        "import resource, sys\nfrom citeaudit.cli import main\n"
        "try:\n    main(['check', '--isolated', '-q', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )

    def peak_kib(path: Path) -> int:
        run = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        return int(run.stdout.strip().splitlines()[-1])

    assert peak_kib(bomb) - peak_kib(LAI) < 20 * 1024


def test_total_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citeaudit.adapters import docxsafe

    monkeypatch.setattr(docxsafe, "MAX_TOTAL", 10_000)
    message = io001(write(tmp_path, "big.docx", LAI.read_bytes()))
    assert "unpacks to 0 MiB, over the 0 MiB limit" in message


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "../../evil.xml", "word/../../evil.xml", "C:/evil.xml", "\\evil.xml"]
)
def test_entries_with_unsafe_paths(tmp_path: Path, name: str) -> None:
    data = rezip(LAI.read_bytes(), {}, {name: b"<x/>"})
    message = io001(write(tmp_path, "paths.docx", data))
    assert "unsafe path" in message


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol4;</w:t></w:r></w:p></w:body></w:document>"""


@pytest.mark.parametrize("xml", [XXE, LAUGHS], ids=["external-entity", "entity-expansion"])
def test_xml_with_entities(tmp_path: Path, xml: bytes) -> None:
    data = rezip(LAI.read_bytes(), {"word/document.xml": xml})
    message = io001(write(tmp_path, "entities.docx", data))
    assert "declares a DTD or entities" in message


def test_entities_in_a_part_other_than_the_document(tmp_path: Path) -> None:
    data = rezip(LAI.read_bytes(), {"word/styles.xml": XXE})
    assert "part word/styles.xml declares a DTD" in io001(write(tmp_path, "styles.docx", data))


def test_malformed_xml(tmp_path: Path) -> None:
    data = rezip(LAI.read_bytes(), {"word/document.xml": b"<w:document><w:body>"})
    assert "not well-formed XML" in io001(write(tmp_path, "broken.docx", data))


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def test_password_protected_document(tmp_path: Path) -> None:
    # Word saves an encrypted .docx as an OLE compound file with these streams.
    data = (
        OLE
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 64
        + "EncryptedPackage".encode("utf-16-le")
    )
    assert "password-protected" in io001(write(tmp_path, "secret.docx", data))


def test_doc_named_docx(tmp_path: Path) -> None:
    data = OLE + "WordDocument".encode("utf-16-le") + b"\x00" * 64
    assert "Word 97-2003 .doc" in io001(write(tmp_path, "old.docx", data))


def test_odt_named_docx(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    assert "OpenDocument text (.odt)" in io001(write(tmp_path, "odt.docx", out.getvalue()))


@pytest.mark.parametrize("kind", ["doc", "odt"])
def test_real_renamed_files_made_by_libreoffice(tmp_path: Path, kind: str) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)")
    converted = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            kind,
            "--outdir",
            str(tmp_path),
            str(LAI),
        ],
        capture_output=True,
        timeout=180,
    )
    made = tmp_path / f"lai-2023.{kind}"
    if converted.returncode or not made.exists():
        pytest.skip(f"LibreOffice could not convert: {converted.stderr[-300:]!r}")
    renamed = write(tmp_path, f"renamed-{kind}.docx", made.read_bytes())
    assert {"doc": "Word 97-2003 .doc", "odt": "OpenDocument text (.odt)"}[kind] in io001(renamed)


def test_corrupt_and_foreign_files(tmp_path: Path) -> None:
    data = LAI.read_bytes()
    assert "corrupt" in io001(write(tmp_path, "truncated.docx", data[: len(data) // 2]))
    assert "not a Word document" in io001(write(tmp_path, "text.docx", b"just some text\n"))
    assert "empty" in io001(write(tmp_path, "empty.docx", b""))
    assert "RTF" in io001(write(tmp_path, "rtf.docx", b"{\\rtf1\\ansi hello}"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "no [Content_Types].xml or word/document.xml" in io001(
        write(tmp_path, "zip.docx", out.getvalue())
    )


def test_encrypted_zip_entries(tmp_path: Path) -> None:
    data = bytearray(LAI.read_bytes())
    # Set the "encrypted" flag of every central-directory entry.
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 8] |= 0x1
        at = data.find(b"PK\x01\x02", at + 4)
    assert "encrypted" in io001(write(tmp_path, "zipcrypto.docx", bytes(data)))


def test_a_field_whose_data_cannot_be_read_is_said_and_the_rest_checked(tmp_path: Path) -> None:
    from tests.docxbuild import build
    from tests.test_docx import field

    path = build(
        tmp_path / "badfield.docx",
        [
            [
                "A claim ",
                *field(' ADDIN ZOTERO_ITEM CSL_CITATION {"citationItems": [', "(Stueck 1995)"),
                ".",
            ]
        ],
    )
    records = findings(["--isolated", str(path)])
    assert [(r["code"], r["line"], r["column"]) for r in records] == [("IO001", 1, 9)]
    assert "citation field's data cannot be read (invalid JSON" in records[0]["message"]


def test_no_traceback_and_exit_1_on_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.docx", b"PK\x03\x04garbage")
    result = run_cli(["check", "--isolated", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "IO001" in result.output


def test_docx_on_standard_input(tmp_path: Path) -> None:
    result = run_cli(
        ["check", "--isolated", "--format", "json", "-", "--stdin-filename", "essay.docx"],
        stdin=LAI.read_bytes(),
    )
    assert result.exit_code == 1
    assert '"code": "CIT004"' in result.output
