"""Read a file's bytes, decode them, and hand the text to the adapter for its format."""

from __future__ import annotations

import os
import re

from citeaudit.fileio import MAX_BYTES, Decoded, ReadError, decode, fallback_message, read_bytes
from citeaudit.model import Document, LineIndex, Problem
from citeaudit.patterns import LazyPattern
from citeaudit.problems import problem

__all__ = ["FORMATS", "MAX_BYTES", "Decoded", "decode", "format_for", "load", "parse"]

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
    ".docx": "docx",
}
_MARKDOWN_SNIFF = LazyPattern(r"^(?:#{1,6} \S|- \[\d+\]|```|\[\^[^\]]+\]:)|<sup>", re.M)


def format_for(path: str, text: str | None = None) -> str | None:
    ext = os.path.splitext(path)[1].lower()
    fmt = FORMATS.get(ext)
    if fmt == "plain" and text is not None and len(_MARKDOWN_SNIFF.findall(text[:200_000])) >= 2:
        return "markdown"
    return fmt


_LATEX_SNIFF = LazyPattern(
    r"\\(?:documentclass|begin\{document\}|(?:no|auto|paren|text|foot)?cite[pt]?\*?(?:\[[^\]]*\])*\{"
    r"|bibliography\{|addbibresource\{|section\*?\{|usepackage)"
)
_PANDOC_SNIFF = LazyPattern(r"\[[^\[\]\n]*@[\w{][^\[\]\n]*\]|\A---[ \t]*\r?\n|^\[\^[^\]]+\]:", re.M)


def sniff_format(text: str) -> str:
    """The format of text with no telling name (standard input without
    `--stdin-filename`): LaTeX, Markdown, or plain text."""
    head = text[:200_000]
    if len(_LATEX_SNIFF.findall(head)) >= 2:
        return "latex"
    if _PANDOC_SNIFF.search(head) or len(_MARKDOWN_SNIFF.findall(head)) >= 2:
        return "markdown"
    return "plain"


def load(
    path: str, data: bytes | None = None, fmt: str | None = None, *, confined: bool = False
) -> Document:
    """Load and parse one manuscript; problems come back as diagnostics on the document.

    `confined`: the file was found, not named by the user, so it is read only inside the
    project (a symbolic link may point anywhere)."""
    if (fmt or format_for(path)) == "docx":
        from citeaudit.adapters.docx import load_docx

        return load_docx(path, data)
    if data is None:
        try:
            data = read_bytes(path, named=confined, limit=MAX_BYTES)
        except ReadError as error:
            return _unreadable(path, str(error))
    if len(data) > MAX_BYTES:
        return _unreadable(path, f"input is over the {MAX_BYTES // (1024 * 1024)} MiB limit")
    decoded = decode(data)
    if decoded is None:
        return _unreadable(path, "file is binary or not in a text encoding citeaudit can read")
    fmt = fmt or format_for(path, decoded.text) or sniff_format(decoded.text)
    doc = parse(path, decoded.text, fmt)
    doc.encoding, doc.bom, doc.original = decoded.encoding, decoded.bom, decoded.original
    if decoded.fallback:
        doc.certain = False
        doc.problems.insert(0, fallback_problem(path, decoded, doc.lines))
    return doc


def fallback_problem(path: str, decoded: Decoded, lines: LineIndex) -> Problem:
    """IO001 on the first byte that is not UTF-8, the same whether the file is checked
    itself or read as the bibliography of a manuscript."""
    offset = decoded.bad_offset or 0
    span = lines.span(offset, min(offset + 1, lines.length))
    # The file is read and checked all the same: a warning, not an error.
    return problem(path, span, "IO001", fallback_message(decoded), "encoding", severity="warning")


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
