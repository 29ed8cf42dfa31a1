"""Numeric citation markers and footnote markers in prose."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from citeaudit.model import Citation, LineIndex, NoteRef

# Numbers above MAX_NUMBER ([1999], <sup>2020</sup>) are years or exponents unless the
# document's own list runs that high: the caller passes its highest entry number.
MAX_NUMBER = 999
MAX_RANGE = 60

_ITEM = r"\d{1,7}(?:\s*[-–—]\s*\d{1,7})?"
_LOCATOR = r"(?:p|pp|pg|pgs|ch|chap|sec|fig|para|n|no|vol|art|§)\.?\s*[\w]+(?:\s*[-–]\s*\w+)?"
# Each pattern opens with its first character (a literal, or a class or alternation of
# literals), its look-behinds coming after it and reaching one character further back:
# the regex engine then skips to the candidates in C instead of trying a look-ahead or a
# look-behind at every position. The bracket's `\\?\[` is written as its two readings,
# the escaped one first as `?` tries it.
_BRACKET = re.compile(
    rf"(\\\[(?<![\w\]\\]\\\[)(?<!\\\]\\\[)|\[(?<![\w\]\\]\[)(?<!\\\]\[))"
    rf"\s*(?P<items>{_ITEM}(?:\s*[,;]\s*{_ITEM})*)"
    rf"(?:\s*[,:]\s*(?P<loc>{_LOCATOR}))?\s*(\\?\])(?![\[(:])"
)
# A <sup> right after a number is an exponent (2<sup>256</sup>), unless the number is a year.
# After a word's full stop or comma it is a note number ("war.<sup>3</sup>", as Word
# documents put them), after a number's it is not (1.5<sup>2</sup>).
_SUP = re.compile(
    r"<(?:(?<![\d.,]<)|(?<=[^\d\s][.,]<)|(?<=\b1[4-9]\d\d<)|(?<=\b20\d\d<)|(?<=\b1[4-9]\d\d[.,]<)"
    r"|(?<=\b20\d\d[.,]<))sup>\s*\[?\s*(?P<items>"
    + _ITEM
    + r"(?:\s*[,;]\s*"
    + _ITEM
    + r")*)\s*\]?\s*</sup>",
    re.I,
)
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT = re.compile(
    rf"[{_SUPERSCRIPT_DIGITS}](?<=[A-Za-z.,;:)\"'”’][{_SUPERSCRIPT_DIGITS}])[{_SUPERSCRIPT_DIGITS}]*"
    rf"(?:[,⁻–-][{_SUPERSCRIPT_DIGITS}]+)*"
)
_SUPERSCRIPT_MAP = str.maketrans(_SUPERSCRIPT_DIGITS + "⁻", "0123456789-")
# Units and single letters take exponents, not citations: m², km², x², 10⁹.
_UNIT = re.compile(r"(?:\b[A-Za-z]|\b(?:cm|mm|km|ft|in|sq|kg|mi|yd|dm|nm|mol|sec))$")
_NOTE_REF = re.compile(r"\[\^(?P<label>[^\]\s^]+)\]")
_BAD_NOTE_REF = re.compile(r"\[\^(?P<label>\s+[^\]]*|[^\]]*\s+)\]")
_EMPTY_CITE = re.compile(r"\[(?:(?<![\w\]]\[)\s*,\s*\d|\d+\s*,\s*\])")


@dataclass(frozen=True, slots=True)
class Malformed:
    start: int
    end: int
    message: str
    # What to write over start:end when the intended marker is beyond doubt, and why.
    replacement: str | None = None
    fix_title: str = ""


def _expand(items: str, base: int) -> tuple[list[str], list[tuple[int, int]], str | None]:
    """Numbers of a marker's items, with each item's offsets; or why it is malformed."""
    targets: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in re.finditer(_ITEM, items):
        numbers = [int(n) for n in re.findall(r"\d+", m.group(0))]
        if len(numbers) == 2:
            low, high = numbers
            if high < low:
                return [], [], f"range [{m.group(0)}] runs backwards"
            if high - low > MAX_RANGE:
                return [], [], f"range [{m.group(0)}] spans {high - low + 1} entries"
            targets += [str(n) for n in range(low, high + 1)]
        else:
            targets.append(str(numbers[0]))
        spans.append((base + m.start(), base + m.end()))
    return targets, spans, None


def numeric_citations(
    prose: str, index: LineIndex, *, skip_sup_before: int = 0, max_number: int = MAX_NUMBER
) -> tuple[list[Citation], list[Malformed]]:
    """Bracketed and superscript number markers. A marker with a number above
    `max_number` (at least MAX_NUMBER) is not a citation: `[1999]` is a year unless the
    list has that many entries."""
    citations: list[Citation] = []
    malformed: list[Malformed] = []
    limit = max(MAX_NUMBER, max_number)
    for pattern, form in ((_BRACKET, "bracket"), (_SUP, "sup")):
        for m in pattern.finditer(prose):
            if form == "sup" and m.start() < skip_sup_before:
                continue
            if any(int(n) > limit for n in _DIGITS.findall(m.group("items"))):
                continue
            targets, spans, problem = _expand(m.group("items"), m.start("items"))
            if problem:
                malformed.append(Malformed(m.start(), m.end(), problem))
                continue
            loc = m.groupdict().get("loc")
            citations.append(_citation(index, m.start(), m.end(), prose, targets, spans, form, loc))
    for m in _SUPERSCRIPT.finditer(prose):
        if m.start() < skip_sup_before or _UNIT.search(prose[max(0, m.start() - 4) : m.start()]):
            continue
        digits = m.group(0).translate(_SUPERSCRIPT_MAP)
        targets, spans, problem = _expand(digits, m.start())
        if problem:
            malformed.append(Malformed(m.start(), m.end(), problem))
        elif targets:
            citations.append(
                _citation(index, m.start(), m.end(), prose, targets, spans, "unicode-sup", None)
            )
    # `<sup>[2]</sup>` is one marker, not a bracket inside a superscript. Superscripts
    # do not nest, so only the last one that opens at or before a bracket can hold it.
    sups = sorted((c.span.start, c.span.end) for c in citations if c.form == "sup")
    sup_starts = [s for s, _ in sups]
    citations = [c for c in citations if c.form != "bracket" or not _inside(c, sups, sup_starts)]
    citations.sort(key=lambda c: c.span.start)
    return citations, malformed


def _inside(c: Citation, sups: list[tuple[int, int]], starts: list[int]) -> bool:
    k = bisect.bisect_right(starts, c.span.start) - 1
    return k >= 0 and c.span.end <= sups[k][1]


_DIGITS = re.compile(r"\d+")


def _citation(
    index: LineIndex,
    start: int,
    end: int,
    prose: str,
    targets: list[str],
    spans: list[tuple[int, int]],
    form: str,
    locator: str | None,
) -> Citation:
    return Citation(
        span=index.span(start, end),
        style="numeric",
        targets=tuple(targets),
        raw=prose[start:end],
        form=form,
        locator=locator,
        label_spans=tuple(index.span(s, e) for s, e in spans),
    )


def note_refs(prose: str, index: LineIndex, definitions: set[int]) -> list[NoteRef]:
    """Footnote markers `[^label]`, except where a definition starts."""
    return [
        NoteRef(m.group("label"), index.span(m.start(), m.end()))
        for m in _NOTE_REF.finditer(prose)
        if m.start() not in definitions
    ]


def malformed_markers(prose: str) -> Iterator[Malformed]:
    for m in _BAD_NOTE_REF.finditer(prose):
        label = m.group("label").strip()
        # Only a space at the edges, on one line, is certainly a typo: `[^a b]` has no one
        # right reading, and a marker broken over lines may be something else entirely.
        certain = bool(label) and "\n" not in m.group(0) and not re.search(r"[\s^]", label)
        fixed = f"[^{label}]" if certain else None
        yield Malformed(
            m.start(),
            m.end(),
            f"note marker {m.group(0)!r} has a space inside the brackets",
            fixed,
            f"Remove the space: {fixed}" if fixed else "",
        )
    for m in _EMPTY_CITE.finditer(prose):
        yield Malformed(m.start(), m.end(), "citation marker has an empty item")
