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
    text: str,
    index: LineIndex,
    syntaxes: tuple[str, ...],
    flavor: str | None = None,
    code: str | None = None,
) -> list[Suppression]:
    """Suppression comments of `text`; with a `flavor`, none inside code (a fenced
    example of a suppression in a README silences nothing). `code` is the text with its
    code blanked (`prose.without_code`), the layer of the prose mask the adapter made."""
    found = []
    if code is not None:
        scanned = code
    elif flavor:
        from citeaudit.adapters.prose import without_code

        scanned = without_code(text, flavor)  # type: ignore[arg-type]
    else:
        scanned = text
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
