"""Find headings, the reference list under them, and where each entry begins and ends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from citeaudit.patterns import lines_holding, matches_at

SectionKind = Literal["references", "notes"]

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$", re.M)
_SETEXT = re.compile(r"^(?=[^\n]*\S)([^\n]+)\n(=+|-+|~+|\^+)[ \t]*$", re.M)
_UNDERLINE = re.compile(r"\n(?:=+|-+|~+|\^+)[ \t]*$", re.M)
_HTML_HEADING = re.compile(r"^\s*<h([1-6])[^>]*>(.*?)</h\1>\s*$", re.M | re.I)
_HTML_OPEN = re.compile(r"<h[1-6]", re.I)
_BOLD_LINE = re.compile(r"^ {0,3}(?:\*\*|__)([^*_\n]{3,40})(?:\*\*|__):?[ \t]*$", re.M)
_PLAIN_LINE = re.compile(
    r"^[ \t]*((?:[\dIVX]+\.?[ \t]+)?[A-Za-z][A-Za-z ]{2,30}):?[ \t]*\r?$", re.M
)
_ADOC = re.compile(r"^(={1,6})[ \t]+(.*?)[ \t]*$", re.M)
_NON_SPACE = re.compile(r"\S")
_TAGS = re.compile(r"<[^>]*>")
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*|[IVXLC]+)[.)]?\s+", re.I)

REFERENCE_TITLES = frozenset(
    {
        "references",
        "reference",
        "reference list",
        "list of references",
        "bibliography",
        "select bibliography",
        "selected bibliography",
        "works cited",
        "work cited",
        "works consulted",
        "sources",
        "sources cited",
        "literature",
        "literature cited",
        "cited literature",
        "citations",
        "references cited",
        "cited works",
        "sources and notes",
        "notes and references",
        "references and notes",
        "primary sources",
        "secondary sources",
        "primary and secondary sources",
        "archival sources",
        "published sources",
        "unpublished sources",
        "printed sources",
    }
)
NOTE_TITLES = frozenset({"notes", "endnotes", "footnotes", "end notes"})


@dataclass(frozen=True, slots=True)
class Heading:
    start: int  # offset of the heading's first line
    end: int  # offset just after the heading (underline included)
    level: int
    title: str


@dataclass(frozen=True, slots=True)
class Section:
    heading: Heading | None
    start: int  # first offset after the heading
    end: int
    kind: SectionKind


def normalise_title(title: str) -> str:
    title = _TAGS.sub("", title).strip().strip("*_`:").strip()
    title = _NUMBERING.sub("", title)
    return " ".join(title.casefold().replace("&", "and").split())


def headings(text: str, flavor: str) -> list[Heading]:
    found: list[Heading] = []
    if flavor == "markdown":
        found += [
            Heading(m.start(), m.end(), len(m.group(1)), m.group(2))
            for m in _line_matches(_ATX, text, ("#",))
        ]
        found += [
            Heading(m.start(), m.end(), min(m.start(1), 3), m.group(1))
            for m in _line_matches(_BOLD_LINE, text, ("**", "__"))
        ]
    if flavor == "asciidoc":
        found += [
            Heading(m.start(), m.end(), len(m.group(1)), m.group(2))
            for m in _line_matches(_ADOC, text, ("=",))
        ]
    if flavor in ("markdown", "rst", "plain"):
        for m in _setext_matches(text):
            underline = m.group(2)
            if len(underline.strip()) >= 3 and not m.group(1).lstrip().startswith(("-", "*", "|")):
                level = {"=": 1, "-": 2}.get(underline[0], 3)
                found.append(Heading(m.start(), m.end(), level, m.group(1)))
    found += [
        Heading(m.start(), m.end(), int(m.group(1)), m.group(2))
        for m in _html_heading_matches(text)
    ]
    if flavor in ("plain", "rst", "asciidoc", "markdown"):
        taken = {h.start for h in found}
        for m in _plain_title_lines(text):
            if (
                m.start() not in taken
                and _is_reference_title(m.group(1))
                and _stands_alone(text, m)
            ):
                found.append(Heading(m.start(), m.end(), 1, m.group(1)))
    return sorted(found, key=lambda h: h.start)


def _line_matches(
    pattern: re.Pattern[str], text: str, marks: tuple[str, ...]
) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(text)` finds, for a pattern that opens with `^` (re.M), stays
    on its line and needs one of `marks` there: the regex tried every line."""
    return matches_at(pattern, text, lines_holding(text, marks))


def _setext_matches(text: str) -> Iterator[re.Match[str]]:
    """What `_SETEXT.finditer(text)` finds, tried only at the line above each underline:
    the regex read every line of the text to its end to find the few underlined ones."""
    above = (text.rfind("\n", 0, m.start()) + 1 for m in _UNDERLINE.finditer(text))
    return matches_at(_SETEXT, text, above)


def _html_heading_matches(text: str) -> Iterator[re.Match[str]]:
    r"""What `_HTML_HEADING.finditer(text)` finds, tried only where an <h1>-<h6> tag opens:
    the regex's `^\s*` tried every line start and ran over every blank stretch of the
    masked text. A match reaches its tag from any line start in the blank run before it
    (so the first of those at or after the last match's end is the one finditer finds),
    and from no line start before that run."""
    done = 0  # where the last match ended: finditer's matches do not overlap
    for tag in _HTML_OPEN.finditer(text):
        run = tag.start()
        while run > done and text[run - 1].isspace():
            run -= 1
        if run == 0 or text[run - 1] == "\n":
            start = run
        else:
            start = text.find("\n", run, tag.start()) + 1
            if start == 0:
                continue  # no line starts in the run: the tag follows text on its line
        m = _HTML_HEADING.match(text, start)
        if m:
            yield m
            done = m.end()


# Every reference or notes title holds one of these (a test checks it).
_TITLE_WORDS = (
    "referenc",
    "bibliograph",
    "cited",
    "consulted",
    "source",
    "literature",
    "citation",
    "notes",
)


def _plain_title_lines(text: str) -> Iterator[re.Match[str]]:
    """The `_PLAIN_LINE.finditer(text)` matches that can be reference or notes titles:
    those on the lines that hold one of _TITLE_WORDS in any case. The regex tried every
    line, and every line of prose backtracked through its first 30 letters."""
    # One character for each of the text's (non-ASCII ones become "?"), so offsets are
    # the text's; a plain title is ASCII letters.
    folded = text.encode("ascii", "replace").lower().decode("ascii")
    return matches_at(_PLAIN_LINE, text, lines_holding(text, _TITLE_WORDS, folded))


def _is_reference_title(title: str) -> bool:
    name = normalise_title(title)
    return name in REFERENCE_TITLES or name in NOTE_TITLES


def _stands_alone(text: str, match: re.Match[str]) -> bool:
    """A plain-text heading has a blank line (or the start) above it."""
    # Only the few characters above the line matter; never copy the document's prefix.
    before = text[max(0, match.start() - 16) : match.start()].rstrip(" \t")
    at_start = _NON_SPACE.search(text, 0, match.start()) is None
    return at_start or before.endswith(("\n\n", "\n\r\n", "\f\n"))


def reference_sections(text: str, all_headings: list[Heading]) -> list[Section]:
    """Sections whose heading names a reference or notes list (among `all_headings`, the
    text's headings), each up to the next heading of the same or a higher level."""
    sections: list[Section] = []
    for i, heading in enumerate(all_headings):
        name = normalise_title(heading.title)
        if name in REFERENCE_TITLES:
            kind: SectionKind = "references"
        elif name in NOTE_TITLES:
            kind = "notes"
        else:
            continue
        end = len(text)
        for later in all_headings[i + 1 :]:
            if later.level <= heading.level or normalise_title(later.title) == "further reading":
                end = later.start
                break
        sections.append(Section(heading, heading.end, end, kind))
    return sections


# List markers that open a numbered entry; group "n" is its number.
_NUMBERED = re.compile(
    r"""^[ \t]{0,4}(?:[-*+][ \t]+)?(?:
        \\?\[(?P<n1>\d{1,7})\\?\](?:[:.])?[ \t]*            # [1] text, [0]: url
      | \.\.[ \t]+\[(?P<n2>\d{1,7})\][ \t]*                  # .. [1] (reStructuredText)
      | (?P<n3>\d{1,7})[.)][ \t]+                            # 1. text, 1) text
      | <sup>\s*\[?(?P<n4>\d{1,7})\]?\s*</sup>[ \t]*         # <sup>1</sup> text
      | <span[^>]*>\[(?P<n5>\d{1,7})\]</span>[ \t]*          # <span id=x>[1]</span>
    )(?=\S)""",
    re.M | re.X | re.I,
)
_BULLET = re.compile(r"^[ \t]{0,3}[-*+][ \t]+(?=\S)", re.M)


@dataclass(frozen=True, slots=True)
class RawEntry:
    label: str | None
    label_start: int
    label_end: int
    start: int  # body
    end: int


# A number of four digits or more ("1950. ...") opens an entry only where it continues
# the list's count: within this step above the number before it.
MAX_STEP = 50


def _continues(number: int, previous: int | None) -> bool:
    return number < 1000 or (previous is not None and 0 <= number - previous <= MAX_STEP)


def numbered_entries(text: str, start: int, end: int) -> list[RawEntry]:
    marks: list[re.Match[str]] = []
    previous: int | None = None
    for m in _NUMBERED.finditer(text, start, end):
        value = int(next(g for g in m.group("n1", "n2", "n3", "n4", "n5") if g is not None))
        if _continues(value, previous):
            marks.append(m)
            previous = value
    entries: list[RawEntry] = []
    for i, m in enumerate(marks):
        limit = marks[i + 1].start() if i + 1 < len(marks) else end
        body_end = _entry_end(text, m.end(), limit)
        number = next(g for g in m.group("n1", "n2", "n3", "n4", "n5") if g is not None)
        label_start = m.start(next(k for k in ("n1", "n2", "n3", "n4", "n5") if m.group(k)))
        entries.append(
            RawEntry(str(int(number)), label_start, label_start + len(number), m.end(), body_end)
        )
    return entries


_HOUSE_LABEL = re.compile(r"\[[^\]\n]{2,60}\][ \t]+(?=\S)(?!\()")


def unnumbered_entries(text: str, start: int, end: int) -> list[RawEntry]:
    """Bulleted items, or paragraphs, of a list without numbers. A house-style label such
    as `[Butler 1993]` before the entry is left out of its body."""
    return [_skip_label(text, e) for e in _unnumbered(text, start, end)]


def _skip_label(text: str, entry: RawEntry) -> RawEntry:
    m = _HOUSE_LABEL.match(text, entry.start, entry.end)
    if not m:
        return entry
    return RawEntry(None, entry.label_start, entry.label_end, m.end(), entry.end)


def _unnumbered(text: str, start: int, end: int) -> list[RawEntry]:
    bullets = list(_BULLET.finditer(text, start, end))
    if bullets:
        starts = [m.end() for m in bullets]
        ends = [bullets[i + 1].start() for i in range(len(bullets) - 1)] + [end]
        return [
            RawEntry(None, s, s, s, _entry_end(text, s, e))
            for s, e in zip(starts, ends, strict=True)
        ]
    entries = []
    for m in re.finditer(r"(?:^[ \t]*\S[^\n]*(?:\n|$))+", text[start:end], re.M):
        s, e = start + m.start(), start + m.end()
        body = text[s:e].strip()
        if len(body) >= 20 and re.search(r"\b1[4-9]\d\d|\b20\d\d|n\.d\.", body):
            lead = len(text[s:e]) - len(text[s:e].lstrip())
            entries.append(
                RawEntry(None, s + lead, s + lead, s + lead, _entry_end(text, s + lead, e))
            )
    return entries


def _entry_end(text: str, start: int, limit: int) -> int:
    """An entry runs to the next entry, but a blank line followed by an unindented line
    ends it: what follows belongs to the document, not the entry."""
    pos = start
    while True:
        blank = re.compile(r"\n[ \t\f]*\r?\n").search(text, pos, limit)
        if not blank:
            break
        following = text[blank.end() : limit]
        nxt = following.lstrip("\r\n \t\f")
        if not nxt or following[:1] not in (" ", "\t"):
            limit = blank.start()
            break
        pos = blank.end()
    while limit > start and text[limit - 1].isspace():
        limit -= 1
    return limit


_RUN_MARK = re.compile(
    r"^[ \t]{0,4}(?:\\?\[(\d{1,7})\\?\][:.]?|<sup>\s*(\d{1,7})\s*</sup>|<span[^>]*>\[(\d{1,7})\]</span>)[ \t]*(?=\S)",
    re.M | re.I,
)


def numbered_run(text: str) -> tuple[int, int] | None:
    """The longest run of line-initial `[n]` or `<sup>n</sup>` entries counting up from 0
    or 1 in the second half of the document: a list whose heading names nothing."""
    marks: list[re.Match[str]] = []
    numbers: list[int] = []
    for m in _RUN_MARK.finditer(text, len(text) // 2):
        number = int(next(g for g in m.groups() if g))
        if _continues(number, numbers[-1] if numbers else None):
            marks.append(m)
            numbers.append(number)
    best: tuple[int, int] | None = None
    i = 0
    while i < len(marks):
        j = i
        while j + 1 < len(marks) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        if numbers[i] in (0, 1) and j > i and (best is None or j - i > best[1] - best[0]):
            best = (i, j)
        i = j + 1
    if best is None:
        return None
    last = marks[best[1]]
    return marks[best[0]].start(), _entry_end(text, last.end(), len(text))
