"""Open a .docx only after its zip directory and XML have been checked.

A .docx is a zip of XML parts, so an untrusted one can be a zip bomb, carry entries that
would escape a folder when extracted, or hold XML with entity declarations. Everything
here reads the zip's central directory or one bounded part at a time; nothing is
decompressed before the directory has been judged.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

MAX_FILE = 100 * 1024 * 1024
# Word documents are mostly XML that compresses 5-20 times; images barely compress.
MAX_TOTAL = 512 * 1024 * 1024
MAX_XML_PART = 64 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # small parts may compress well beyond MAX_RATIO legitimately
MAX_ENTRIES = 10_000

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafeDocx(Exception):
    """The file is not a Word document citeaudit can open safely; the message says why."""


@dataclass(frozen=True, slots=True)
class CheckedZip:
    data: bytes
    names: tuple[str, ...]


def check(data: bytes) -> CheckedZip:
    """Judge the bytes of a would-be .docx; raise UnsafeDocx with the reason to refuse it."""
    if len(data) > MAX_FILE:
        raise UnsafeDocx(f"file is over the {MAX_FILE // (1024 * 1024)} MiB limit for Word files")
    if data.startswith(_OLE):
        # Both an encrypted OOXML package and a Word 97-2003 .doc are OLE compound files.
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise UnsafeDocx(
                "the document is password-protected (encrypted); save it without a password"
            )
        if "WordDocument".encode("utf-16-le") in data:
            raise UnsafeDocx(
                "this is a Word 97-2003 .doc file named .docx; save it as .docx in Word"
            )
        raise UnsafeDocx("this is an OLE compound file (an old Office format), not a .docx")
    if data.lstrip()[:5] == b"{\\rtf":
        raise UnsafeDocx("this is an RTF file named .docx; save it as .docx")
    if not data.startswith((_ZIP, _EMPTY_ZIP)):
        raise UnsafeDocx("not a Word document: a .docx is a zip file and this is not one")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnsafeDocx(f"the file is corrupt (not a readable zip: {error})") from None
    with archive:
        infos = archive.infolist()
        _judge_directory(infos)
        names = tuple(i.filename for i in infos)
        if "mimetype" in names:
            mime = _read(archive, "mimetype", 200).decode("ascii", "replace").strip()
            if mime.startswith("application/vnd.oasis.opendocument"):
                kind = (
                    "an OpenDocument text (.odt)" if mime.endswith(".text") else "an OpenDocument"
                )
                raise UnsafeDocx(f"this is {kind} file named .docx; save it as .docx")
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise UnsafeDocx(
                "not a Word document: the zip has no [Content_Types].xml or word/document.xml"
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                _judge_xml(info.filename, _read(archive, info.filename, info.file_size))
    return CheckedZip(data, names)


def _judge_directory(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise UnsafeDocx(f"the zip has {len(infos)} entries, over the limit of {MAX_ENTRIES}")
    total = 0
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
            raise UnsafeDocx(f"the zip has an entry with an unsafe path: {name!r}")
        if info.flag_bits & 0x1:
            raise UnsafeDocx("the zip is encrypted; save the document without a password")
        total += info.file_size
        if name.endswith((".xml", ".rels")) and info.file_size > MAX_XML_PART:
            raise UnsafeDocx(
                f"part {name} unpacks to {info.file_size // (1024 * 1024)} MiB, over the "
                f"{MAX_XML_PART // (1024 * 1024)} MiB limit"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise UnsafeDocx(
                f"part {name} unpacks {ratio:.0f} times its packed size (a zip bomb?); "
                f"refused above {MAX_RATIO}"
            )
    if total > MAX_TOTAL:
        raise UnsafeDocx(
            f"the zip unpacks to {total // (1024 * 1024)} MiB, over the "
            f"{MAX_TOTAL // (1024 * 1024)} MiB limit"
        )


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A part's bytes. zipfile stops at the size the directory declares, and checks the
    CRC, so a directory that lies about sizes cannot make this read more."""
    try:
        with archive.open(name) as stream:
            return stream.read(limit + 1)[: limit + 1]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise UnsafeDocx(f"the file is corrupt: part {name} cannot be unpacked ({error})") from None
    except RuntimeError as error:  # zipfile's "encrypted, password required"
        raise UnsafeDocx(f"part {name} cannot be read: {error}") from None


def _judge_xml(name: str, data: bytes) -> None:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise UnsafeDocx(
            f"part {name} declares a DTD or entities ({type(error).__name__}); "
            "Word never writes these, and they can expand without bound or read other files"
        ) from None
    except ParseError as error:
        raise UnsafeDocx(
            f"the file is corrupt: part {name} is not well-formed XML ({error})"
        ) from None
