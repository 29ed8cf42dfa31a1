"""Inline suppression comments, in the comment syntax of each markup."""

from __future__ import annotations

import re

from citeaudit.model import LineIndex, Suppression
from citeaudit.patterns import LazyPattern

_BODY = r"citeaudit:\s*(?P<verb>ignore-file|ignore|disable-next-line|disable)\b(?P<codes>[^\n]*?)"
_PATTERNS = {
    "html": LazyPattern(r"<!--\s*" + _BODY + r"\s*-->"),
    "percent": LazyPattern(r"(?<!\\)%\s*" + _BODY + r"\s*$", re.M),
    "rst": LazyPattern(r"^\.\.\s+" + _BODY + r"\s*$", re.M),
}
_CODE = LazyPattern(r"[A-Z]+\d*")


def find(
    text: str, index: LineIndex, syntaxes: tuple[str, ...], flavor: str | None = None
) -> list[Suppression]:
    """Suppression comments of `text`; with a `flavor`, none inside code (a fenced
    example of a suppression in a README silences nothing)."""
    found = []
    scanned = without_code(text, flavor) if flavor else text
    for syntax in syntaxes:
        for m in _PATTERNS[syntax].finditer(scanned):
            codes = tuple(_CODE.findall(m.group("codes").upper()))
            span = index.span(m.start(), m.end())
            if m.group("verb") == "ignore-file":
                found.append(Suppression(span, codes, (), file_wide=True))
                continue
            # A comment alone on its line covers the next line; after text, its own line.
            line_start, _ = index.line_bounds(span.line)
            alone = not text[line_start : m.start()].strip()
            lines = (span.line, span.end_line + 1) if alone else (span.line,)
            found.append(Suppression(span, codes, lines))
    return sorted(found, key=lambda s: s.span.start)


def without_code(text: str, flavor: str) -> str:
    """`text` with code blocks and inline code blanked, HTML comments kept."""
    from citeaudit.adapters import prose

    chars = list(text)
    if flavor == "markdown":
        prose._blank_fences(chars, text)
        prose._blank_indented_code(chars, text)
        prose._blank_all(chars, prose._INLINE_CODE, text)
    elif flavor == "rst":
        prose._blank_rst_literals(chars, text)
        prose._blank_all(chars, prose._RST_LITERAL, text)
    elif flavor == "asciidoc":
        prose._blank_adoc_blocks(chars, text)
        prose._blank_all(chars, prose._INLINE_CODE, text)
    return "".join(chars)
