"""Read a file's bytes, decode them, and hand the text to the adapter for its format."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass

from citeaudit.model import Document, LineIndex
from citeaudit.problems import problem

MAX_BYTES = 20 * 1024 * 1024

FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".qmd": "markdown",
    ".rmd": "markdown",
    ".txt": "plain",
    ".text": "plain",
    ".rst": "rst",
    ".adoc": "asciidoc",
    ".asciidoc": "asciidoc",
    ".tex": "latex",
    ".ltx": "latex",
    ".rnw": "latex",
    ".bib": "bibtex",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MARKDOWN_SNIFF = re.compile(r"^(?:#{1,6} \S|- \[\d+\]|```|\[\^[^\]]+\]:)|<sup>", re.M)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    bom: bool
    fallback: bool


def format_for(path: str, text: str | None = None) -> str | None:
    ext = os.path.splitext(path)[1].lower()
    fmt = FORMATS.get(ext)
    if fmt == "plain" and text is not None and len(_MARKDOWN_SNIFF.findall(text[:200_000])) >= 2:
        return "markdown"
    return fmt


_LATEX_SNIFF = re.compile(
    r"\\(?:documentclass|begin\{document\}|(?:no|auto|paren|text|foot)?cite[pt]?\*?(?:\[[^\]]*\])*\{"
    r"|bibliography\{|addbibresource\{|section\*?\{|usepackage)"
)
_PANDOC_SNIFF = re.compile(r"\[[^\[\]\n]*@[\w{][^\[\]\n]*\]|\A---[ \t]*\r?\n|^\[\^[^\]]+\]:", re.M)


def sniff_format(text: str) -> str:
    """The format of text with no telling name (standard input without
    `--stdin-filename`): LaTeX, Markdown, or plain text."""
    head = text[:200_000]
    if len(_LATEX_SNIFF.findall(head)) >= 2:
        return "latex"
    if _PANDOC_SNIFF.search(head) or len(_MARKDOWN_SNIFF.findall(head)) >= 2:
        return "markdown"
    return "plain"


def decode(data: bytes) -> Decoded | None:
    """UTF-8 or what the BOM names; cp1252 as a last resort. None for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(encoding), encoding, True, False)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data[:8192]:
        return None
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False, False)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\r\n\f")
    return None if controls > 8 else Decoded(text, "cp1252", False, True)


def load(path: str, data: bytes | None = None, fmt: str | None = None) -> Document:
    """Load and parse one manuscript; problems come back as diagnostics on the document."""
    if data is None:
        try:
            size = os.path.getsize(path)
            if size > MAX_BYTES:
                return _unreadable(
                    path,
                    f"file is {size // (1024 * 1024)} MiB, over the {MAX_BYTES // (1024 * 1024)} MiB limit",
                )
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return _unreadable(path, f"cannot read file: {error.strerror or error}")
    if len(data) > MAX_BYTES:
        return _unreadable(path, f"input is over the {MAX_BYTES // (1024 * 1024)} MiB limit")
    if not data.strip():
        doc = _unreadable(path, "file is empty: there is nothing to check")
        doc.certain = True
        return doc
    decoded = decode(data)
    if decoded is None:
        return _unreadable(path, "file is binary or not in a text encoding citeaudit can read")
    fmt = fmt or format_for(path, decoded.text) or sniff_format(decoded.text)
    doc = parse(path, decoded.text, fmt)
    doc.encoding, doc.bom = decoded.encoding, decoded.bom
    if decoded.fallback:
        doc.certain = False
        doc.problems.append(
            problem(
                path,
                doc.span(0, 0),
                "IO001",
                "file is not valid UTF-8; read it as cp1252 (Windows-1252)",
            )
        )
    return doc


def parse(path: str, text: str, fmt: str) -> Document:
    if fmt == "latex":
        from citeaudit.adapters.latexproject import parse_latex_file

        return parse_latex_file(path, text)
    if fmt == "bibtex":
        from citeaudit.adapters.bibtex import parse_bib

        entries, problems = parse_bib(text, path)
        doc = Document(path=path, format="bibtex", text=text, lines=LineIndex(text))
        doc.entries, doc.problems, doc.list_style = entries, problems, "bibtex"
        return doc
    from citeaudit.adapters.text import parse_text

    flavor = fmt if fmt in ("markdown", "rst", "asciidoc") else "plain"
    return parse_text(path, text, flavor)  # type: ignore[arg-type]


def _unreadable(path: str, message: str) -> Document:
    doc = Document(path=path, format="unknown", text="", lines=LineIndex(""), certain=False)
    doc.problems.append(problem(path, doc.span(0, 0), "IO001", message))
    return doc
