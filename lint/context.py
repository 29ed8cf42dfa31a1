"""What the text around each citation says: the features the source audit matches.

For every citation this module finds the sentence it closes and the clause that ends at
the marker, and reads from them the names of people and institutions, dates (resolved to
year, month and day, with the year carried over from earlier text when the sentence says
only "on 12 January"), quoted phrases, content words and the kind of document the text
describes (a cable, a speech, a conversation). Entries get the same features from their
own fields, so that `citeaudit.audit` can score one against the other.

Everything here is plain string work on the document's prose, with offsets into the
original text; no rapidfuzz, so importing it is cheap.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from citeaudit.model import Citation, Document, Entry
from citeaudit.normalize import STOP_WORDS, fold
from citeaudit.patterns import lines_holding, matches_at

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}
# Dates are matched as dates; abbreviations stay words ("Jun" is also a name).
_FULL_MONTHS = frozenset(name for name in MONTHS if len(name) > 4 or name == "may")
_MONTH_NAMES = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_YEAR = r"(1[5-9]\d\d|20\d\d)"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
# The `\b` before a word, written after its first character: a pattern that opens with
# literals (or a class of them) lets the regex engine skip to candidates in C, where a
# look-ahead or look-behind at the start is tried at every position.
_B = r"(?<!\w.)"
# _MONTH_NAMES at the start of a word, one alternative per first letter, the names under
# each letter in _MONTH_NAMES's order (which decides the reading a match takes).
_MONTH_AT_WORD = (
    rf"(?:J{_B}(?:anuary|une|uly|an|un|ul)|F{_B}(?:ebruary|eb)|M{_B}(?:arch|ay|ar)"
    rf"|A{_B}(?:pril|ugust|pr|ug)|S{_B}(?:eptember|ept?)|O{_B}(?:ctober|ct)"
    rf"|N{_B}(?:ovember|ov)|D{_B}(?:ecember|ec))\.?"
)
# "12 January 1950", "the 12th of January", "January 12, 1950", "mid-August 1949",
# "the spring of 1950", "June 1950", and a bare month after a preposition ("in April").
# Each opens with its first character (the two case-insensitive ones with their letter
# read case-sensitively, then the word chosen by a look-behind at that letter); the seven
# scans of an essay took 1.6 ms, now 1.1. "month" keeps its look-ahead: its first letters
# are among the commonest, so skipping to them saves nothing.
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "dmy",
        # _DAY's `\d{1,2}` as `\d\d?`, its `\b` after the first digit.
        re.compile(
            rf"(\d(?<!\w\d)\d?)(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAMES})(?:,?\s+{_YEAR})?(?!\w)"
        ),
    ),
    (
        "mdy",
        re.compile(rf"({_MONTH_AT_WORD})\s+{_DAY}(?![\d:])(?:\s*,?\s+{_YEAR})?(?!\w)"),
    ),
    (
        "part",
        re.compile(
            rf"((?-i:[emltEMLT]){_B}(?:(?<=e)arly|(?<=m)id|(?<=l)ate|(?<=t)he end of"
            rf"|(?<=t)he beginning of))[- ]?({_MONTH_NAMES})(?:,?\s+(?:of\s+)?{_YEAR})?(?!\w)",
            re.I,
        ),
    ),
    (
        "season",
        re.compile(
            rf"((?-i:[swafSWAF]){_B}(?:(?<=s)pring|(?<=s)ummer|(?<=a)utumn|(?<=f)all"
            rf"|(?<=w)inter))\s+of\s+{_YEAR}\b",
            re.I,
        ),
    ),
    ("my", re.compile(rf"({_MONTH_AT_WORD})\s+(?:of\s+)?{_YEAR}\b")),
    (
        "month",
        re.compile(
            rf"(?=[iobsutdfa])\b(?:in|on|by|since|until|till|during|from|of|before|after)\s+({_MONTH_NAMES})(?![\w-])"
        ),
    ),
    (
        "year",
        # _YEAR, not after a word, a full stop, a comma, a slash or a hyphen.
        re.compile(r"(1(?<![\w.,/-].)[5-9]\d\d|2(?<![\w.,/-].)0\d\d)(?![\w/]|[.,]\d|\s*[-–]\s*\d)"),
    ),
)
LEAD_IN = 4  # sentences back to the previous marker that a citation also covers
_SEASON_MONTH = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1}

# The kinds of document a sentence can describe, by the words that name them. Synonyms
# share a kind: a "telegraph" in the prose is the "Ciphered Telegram" of the entry.
KINDS: dict[str, str] = {
    "cable": "telegram",
    "cables": "telegram",
    "telegram": "telegram",
    "telegrams": "telegram",
    "telegraph": "telegram",
    "telegraphs": "telegram",
    "cipher": "telegram",
    "ciphered": "telegram",
    "cyphering": "telegram",
    "wire": "telegram",
    "speech": "speech",
    "address": "speech",
    "remarks": "speech",
    "lecture": "speech",
    "letter": "letter",
    "letters": "letter",
    "conversation": "conversation",
    "conversations": "conversation",
    "meeting": "conversation",
    "talks": "conversation",
    "memorandum": "memorandum",
    "memo": "memorandum",
    "decision": "decision",
    "directive": "decision",
    "resolution": "decision",
    "minutes": "minutes",
    "diary": "diary",
    "interview": "interview",
}

# The full stop and what closes with it, before a capital, a digit or an opening mark; a
# sentence may open with emphasis ("... in 1984. **Foucault questioned ...**"). The match
# opens with the class of the stops and the newline (a look-behind then says which it
# read), so the regex engine skips to them in C; an alternation of a class and a
# newline would be tried at every position.
_SENTENCE_END = re.compile(
    r"[.!?\n](?:(?<=[.!?])[\"'”’)\]]*(?=\s+[\"“‘(\[]?(?:\*\*?|__?)?[A-Z0-9])|(?<=\n)[ \t]*\n)"
)
# Abbreviations and initials after which a full stop does not end a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|Prof|St|Cde|Gen|Col|Lt|Capt|No|Nos|Vol|vol|pp|p|ed|eds|"
    r"al|cf|e\.g|i\.e|vs|etc|Fig|fig|Jr|Sr|Inc|Co|Ltd|U\.S|U\.N)\.)$"
)
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]|^[^\n]*\n(?:=+|-+|~+)[ \t]*$", re.M)
# The capital first, then the look-behind at the character before it: the engine then
# jumps from capital to capital.
_CAPITALISED = re.compile(r"[A-Z](?<![\w'’-][A-Z])(?:[\w'’.-]*\w|(?![\w'’]))")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_QUOTE = re.compile(r"\"([^\"\n]{3,}?)\"|“([^”]{3,}?)”|(?<![\w])‘([^’]{3,}?)’(?![\w])")
_OPENS_SENTENCE = re.compile(r"[.!?:][\"'”’)]*\s+[\"“‘(]?$")


@dataclass(frozen=True, slots=True)
class DateRef:
    """A date the text mentions, as precise as the text is."""

    year: int | None
    month: int | None
    day: int | None
    start: int
    end: int
    text: str
    carried: bool = False  # the year came from earlier text, not from the date itself

    def describe(self) -> str:
        if self.month and self.day:
            return f"{self.day} {_MONTH_TITLE[self.month]}"
        if self.month:
            return _MONTH_TITLE[self.month]
        return str(self.year) if self.year else self.text


_MONTH_TITLE = {n: name.capitalize() for name, n in reversed(MONTHS.items())}


@dataclass(frozen=True, slots=True)
class CitationContext:
    citation: Citation
    index: int  # position among the document's citations
    sentence: tuple[int, int]
    clause: tuple[int, int]
    paragraph: tuple[int, int]
    names: tuple[str, ...]  # folded name tokens of the clause or sentence
    words: tuple[str, ...]  # folded content words of the clause or sentence
    before: tuple[str, ...]  # words of the uncited lead-in sentences just before
    before_names: tuple[str, ...]
    quotes: tuple[str, ...]
    dates: tuple[DateRef, ...]  # in the sentence, years resolved
    earlier_dates: tuple[DateRef, ...]  # in the uncited sentence before it
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntryFeatures:
    entry: Entry
    tokens: tuple[str, ...]  # folded content words of authors, title, container, raw
    author_tokens: tuple[str, ...]
    title: str
    year: int | None
    month: int | None
    day: int | None
    kinds: tuple[str, ...]
    primary: bool  # a single dated document (a cable of 11 September), not a study


# Abbreviations of document collections, spelled out so the words of a sentence can meet
# them: "The Secretary of State was informed" is a FRUS document.
EXPANSIONS: dict[str, str] = {
    "frus": "foreign relations united states diplomatic papers department state",
    "nyt": "new york times",
    "cwihp": "cold war international history project",
    "wwics": "woodrow wilson center",
    "nara": "national archives",
}


def words_of(text: str) -> list[str]:
    """Folded content words of `text`, possessives stripped, stop-words and numbers
    dropped, abbreviations of collections spelled out."""
    if len(text) <= 64:
        # Names and short phrases recur across sentences and documents: fold them once.
        return list(_short_words(text))
    return _words(text)


def _read_words(text: str) -> Sequence[str]:
    """`words_of` for a caller that only reads them: a short text's cached tuple, uncopied."""
    return _short_words(text) if len(text) <= 64 else _words(text)


@functools.lru_cache(maxsize=8192)
def _short_words(text: str) -> tuple[str, ...]:
    return tuple(_words(text))


def _words(text: str) -> list[str]:
    out: list[str] = []
    for word in _WORD.findall(fold(text)):
        # A possessive's "'s", a plural's bare "'" or a trailing hyphen: most words end
        # in none of these, and one test of the last character lets them pass.
        if word[-1] in "'’-s":
            if word[-2:] in ("'s", "’s"):
                word = word[:-2]
            # The first character is a letter, so only the end can need stripping.
            word = word.rstrip("'’-")
        if len(word) < 2 or word in _DROPPED:
            continue
        out.append(word)
    if EXPANSIONS.keys().isdisjoint(out):
        return out
    return [w for word in out for w in (word, *EXPANSIONS.get(word, "").split())]


# Stop-words and the full month names (dates are matched as dates).
_DROPPED = STOP_WORDS | _FULL_MONTHS


def kinds_of(tokens: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({KINDS[t] for t in tokens if t in KINDS}))


def find_dates(text: str, base: int = 0) -> list[DateRef]:
    """Dates in `text`, most specific reading first; offsets are shifted by `base`."""
    found: list[DateRef] = []
    # The spans already read, disjoint and sorted: a match overlaps one only if it
    # overlaps the last span that starts before the match ends.
    starts: list[int] = []
    ends: list[int] = []
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            at = bisect.bisect_left(starts, m.end())
            if at > 0 and ends[at - 1] > m.start():
                continue
            ref = _date_from(kind, m, base)
            if ref is not None:
                found.append(ref)
                starts.insert(at, m.start())
                ends.insert(at, m.end())
    return sorted(found, key=lambda d: d.start)


def _date_from(kind: str, m: re.Match[str], base: int) -> DateRef | None:
    groups = m.groups()
    year: int | None = None
    month: int | None = None
    day: int | None = None
    if kind == "dmy":
        day, month, year = int(groups[0]), _month(groups[1]), _int(groups[2])
    elif kind == "mdy":
        month, day, year = _month(groups[0]), int(groups[1]), _int(groups[2])
    elif kind == "part":
        month, year = _month(groups[1]), _int(groups[2])
    elif kind == "season":
        month, year = _SEASON_MONTH[groups[0].lower()], int(groups[1])
    elif kind == "my":
        month, year = _month(groups[0]), int(groups[1])
    elif kind == "month":
        month = _month(groups[0])
    else:
        year = int(groups[0])
    if day is not None and not 1 <= day <= 31:
        return None
    if month is None and year is None:
        return None
    return DateRef(year, month, day, base + m.start(), base + m.end(), m.group(0))


def _month(text: str) -> int | None:
    return MONTHS.get(text.rstrip(".").lower())


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def sentence_cuts(text: str) -> list[tuple[int, int]]:
    """Where sentences end, as (cut, mark): the offset after the end and the offset of
    what ends it (the full stop, the paragraph break, the heading), so that a view can drop
    the cuts whose full stop lies inside a quotation. Paragraph breaks and headings end
    sentences too. Rules and the link stage read a document's sentences from
    `citeaudit.geometry`, which makes this pass once per document."""
    cuts: list[tuple[int, int]] = []
    for m in _SENTENCE_END.finditer(text):
        if m.group(0).startswith("\n"):
            before = text[max(0, m.start() - 200) : m.start()].rstrip()
            after = text[m.end() : m.end() + 200].lstrip()
            if not (before[-1:].islower() and before[-1:].isalpha()) and not after[:1].islower():
                cuts.append((m.end(), m.start()))
        elif not _ABBREVIATION.search(text[max(0, m.start() - 5) : m.start() + 1]):
            cuts.append((m.end(), m.start()))
    for start in heading_starts(text):
        cuts.append((start, start))
        end = text.find("\n", start) + 1 or len(text)
        cuts.append((end, end))
    return cuts


_UNDERLINE = re.compile(r"\n(?:=+|-+|~+)[ \t]*$", re.M)


def heading_starts(text: str) -> list[int]:
    """Where `_HEADING.finditer(text)` finds headings, the pattern tried only at the lines
    that hold a "#" or stand above an underline: its Setext half read every line of the
    text to its end."""
    above = {text.rfind("\n", 0, m.start()) + 1 for m in _UNDERLINE.finditer(text)}
    return [m.start() for m in matches_at(_HEADING, text, above | lines_holding(text, ("#",)))]


def bounds_from_cuts(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    """The non-blank stretches of `text` between consecutive cuts."""
    points = sorted({0, len(text), *cuts})
    return [(a, b) for a, b in itertools.pairwise(points) if text[a:b].strip()]


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """Paragraphs, with those a page break split mid-sentence joined again: a paragraph
    that ends without punctuation ("... the Odae Mountain area of") continues in the next,
    and one that opens in lower case continues the one before."""
    merged: list[tuple[int, int]] = []
    last = -1  # offset of the last non-space character of the paragraph above
    for start, end, first, final in _blocks(text):
        if merged:
            above = text[last]
            if (above.isalpha() and above.islower() and last + 1 - merged[-1][0] > 80) or text[
                first
            ].islower():
                merged[-1] = (merged[-1][0], end)
                last = final
                continue
        merged.append((start, end))
        last = final
    return merged


_NON_SPACE = re.compile(r"\S")


def _blocks(text: str) -> list[tuple[int, int, int, int]]:
    """Runs of lines that hold a non-space character, as (start, end, first non-space,
    last non-space): one pass over the lines, so a long blank line costs its length once."""
    out: list[tuple[int, int, int, int]] = []
    start = first = final = -1
    pos = 0
    n = len(text)
    while pos < n:
        end = text.find("\n", pos)
        end = n if end == -1 else end + 1
        line = text[pos:end]
        content = line.strip()
        if content:
            if start == -1:
                start = pos
                first = pos + line.index(content[0])
            final = pos + len(line.rstrip()) - 1
        elif start != -1:
            out.append((start, pos, first, final))
            start = -1
        pos = end
    if start != -1:
        out.append((start, n, first, final))
    return out


def section_starts(text: str) -> list[int]:
    return [0, *heading_starts(text)]


def names_in(text: str, known: set[str]) -> list[str]:
    """Names of people, places and institutions: runs of capitalised words, folded and
    joined by spaces ("Kim Il Sung" gives "kim il sung"). A word that opens the sentence
    counts only when the document capitalises it elsewhere mid-sentence (so "However" or
    "Despite" never does)."""
    names: list[str] = []
    run: list[str] = []
    last_end = 0
    for m in _CAPITALISED.finditer(text):
        start = m.start()
        found = _read_words(m.group(0))
        # Whether the word opens a sentence matters only for words not known elsewhere.
        if known.issuperset(found):
            words = [w for w in found if w not in KINDS]
        else:
            window = text[max(0, start - 6) : start]
            if _OPENS_SENTENCE.search(window) or not window.strip(" \t\n\"“‘'("):
                words = [w for w in found if w not in KINDS and w in known]
            else:
                words = [w for w in found if w not in KINDS]
        # A run is continued by the next capitalised word after nothing but space (a
        # run is never open before the first word, so last_end is then set).
        if run and text[last_end:start].strip():
            names.append(" ".join(run))
            run = []
        run += words
        last_end = m.end()
        if not words and run:
            names.append(" ".join(run))
            run = []
    if run:
        names.append(" ".join(run))
    return names


def mid_sentence_capitals(text: str, sentences: list[tuple[int, int]]) -> set[str]:
    capitals: set[str] = set()
    for start, end in sentences:
        # Scanned in place, not sliced: the look-behind of a capital after the first word
        # stays inside the sentence, and `end` cuts the text as a slice would.
        first = _FIRST_WORD.match(text, start, end)
        if first is not None:  # else no word character, so no capital either
            capitals.update(_CAPITALISED.findall(text, first.end(), end))
    # Names recur: each is folded once.
    return {w for capital in capitals for w in _read_words(capital)}


_FIRST_WORD = re.compile(r"\W*\w+")


def quotes_in(text: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in _QUOTE.finditer(text)]


@dataclass(frozen=True, slots=True)
class _Geometry:
    """The document's sentences, paragraphs, sections, markers, dates and quotation
    marks, each sorted, so that each citation finds its own by bisection."""

    text: str
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    paragraphs: list[tuple[int, int]]
    paragraph_starts: list[int]
    sections: list[int]
    known: set[str]
    dates: list[DateRef]
    date_starts: list[int]
    year_starts: list[int]  # starts of the dates that have a year
    years: list[int]
    markers: list[int]
    quotes: dict[str, list[int]]  # '"', '“', '”' -> offsets

    def last_non_space(self, pos: int) -> int:
        """Offset of the last non-space character before `pos`, or -1: looked for in the 64
        characters before `pos` (a citation's own), and only past a longer blank run in
        the whole text before it; scanning the document for such runs cost more."""
        found = _LAST_NON_SPACE.search(self.text, max(0, pos - 64), pos)
        if found:
            return found.start()
        return len(self.text[:pos].rstrip()) - 1

    def count(self, mark: str, start: int, end: int) -> int:
        where = self.quotes[mark]
        return bisect.bisect_left(where, end) - bisect.bisect_left(where, start)

    def last(self, mark: str, start: int, end: int) -> int:
        """The last `mark` in start:end, or -1."""
        where = self.quotes[mark]
        k = bisect.bisect_left(where, end) - 1
        return where[k] if k >= 0 and where[k] >= start else -1

    def dates_in(self, start: int, end: int) -> list[DateRef]:
        lo = bisect.bisect_left(self.date_starts, start)
        hi = bisect.bisect_left(self.date_starts, end)
        return self.dates[lo:hi]

    def last_year(self, start: int, end: int) -> int | None:
        """The year of the last date with a year that starts in start:end."""
        k = bisect.bisect_left(self.year_starts, end) - 1
        return self.years[k] if k >= 0 and self.year_starts[k] >= start else None


def _geometry(doc: Document) -> _Geometry:
    from citeaudit.geometry import geometry

    shared = geometry(doc)
    text = shared.text
    sentences = shared.sentences
    paragraphs = shared.paragraphs
    all_dates = find_dates(text)
    dated = [d for d in all_dates if d.year]
    return _Geometry(
        text=text,
        sentences=sentences,
        sentence_starts=shared.sentence_starts,
        paragraphs=paragraphs,
        paragraph_starts=[a for a, _ in paragraphs],
        sections=section_starts(text),
        known=mid_sentence_capitals(text, sentences),
        dates=all_dates,
        date_starts=[d.start for d in all_dates],
        year_starts=[d.start for d in dated],
        years=[d.year or 0 for d in dated],
        # Citations only (not note markers), and only those written in this text.
        markers=sorted(c.span.start for c in shared.own_citations),
        quotes={q: [m.start() for m in re.finditer(q, text)] for q in ('"', "“", "”")},
    )


# A non-space character followed by nothing but spaces up to the end (or `endpos`).
_LAST_NON_SPACE = re.compile(r"\S\s*\Z")


def citation_contexts(doc: Document, citations: list[Citation]) -> list[CitationContext]:
    geo = _geometry(doc)
    return [_context(geo, i, citation) for i, citation in enumerate(citations)]


def _index(starts: list[int], offset: int) -> int:
    """Index of the bound that starts at or before `offset` (0 when none does)."""
    return max(bisect.bisect_right(starts, offset) - 1, 0)


def _context(geo: _Geometry, i: int, citation: Citation) -> CitationContext:
    text = geo.text
    sentences = geo.sentences
    known = geo.known
    start = citation.span.start
    # A marker after the sentence's full stop ("... attack?" [8]) belongs to that sentence.
    anchor = max(geo.last_non_space(start), 0)
    s_index = _index(geo.sentence_starts, anchor)
    s_start, s_end = sentences[s_index] if sentences else (0, len(text))
    s_end = max(s_end, start)
    p_start, p_end = (
        geo.paragraphs[_index(geo.paragraph_starts, anchor)] if geo.paragraphs else (0, len(text))
    )
    s_start = max(s_start, p_start)
    # A quotation that runs over several sentences is read whole, with its lead-in.
    opening = _open_quote(geo, s_start, start, p_start)
    if opening is not None:
        s_index = _index(geo.sentence_starts, opening)
        s_start = max(p_start, sentences[s_index][0])
    at = bisect.bisect_left(geo.markers, start)
    previous_marker = geo.markers[at - 1] if at > 0 else None
    # The clause: what this marker alone covers, back to the previous marker.
    c_start = s_start
    if previous_marker is not None and previous_marker > s_start:
        c_start = text.find(" ", previous_marker)
        c_start = previous_marker if c_start == -1 else c_start
    shared_sentence = previous_marker is not None and previous_marker > s_start
    # Text after the marker belongs to it only when no later marker claims it.
    after = bisect.bisect_right(geo.markers, start)
    claimed = after < len(geo.markers) and geo.markers[after] < s_end
    read_end = start if shared_sentence or claimed else max(start, min(s_end, p_end))
    body = text[c_start:read_end]
    tokens = words_of(body)
    names = names_in(body, known)
    before_tokens: list[str] = []
    before_names: list[str] = []
    earlier: list[DateRef] = []
    for b_start, b_end in _lead_in(geo, s_index, s_start, p_start, previous_marker):
        before_tokens += words_of(text[b_start:b_end])
        before_names += names_in(text[b_start:b_end], known)
        earlier += geo.dates_in(b_start, b_end)
    section_start = geo.sections[_index(geo.sections, start)] if geo.sections else 0
    dates_here = geo.dates_in(c_start, read_end)
    carried = geo.last_year(section_start, c_start)
    resolved = _resolve(dates_here, carried)
    carried_for_earlier = _resolve(earlier, carried)
    return CitationContext(
        citation=citation,
        index=i,
        sentence=(s_start, s_end),
        clause=(c_start, read_end),
        paragraph=(p_start, p_end),
        names=tuple(dict.fromkeys(names)),
        words=tuple(dict.fromkeys(tokens)),
        before=tuple(dict.fromkeys(before_tokens)),
        before_names=tuple(dict.fromkeys(before_names)),
        quotes=tuple(quotes_in(body)),
        dates=tuple(resolved),
        earlier_dates=tuple(carried_for_earlier),
        kinds=kinds_of(tokens + before_tokens),
    )


def _lead_in(
    geo: _Geometry,
    s_index: int,
    s_start: int,
    p_start: int,
    previous_marker: int | None,
) -> list[tuple[int, int]]:
    """Up to four uncited sentences before the citing one, which the marker also covers:
    "... his meeting with Kim on March 5, 1949. He demanded ... lead [6]." A paragraph that
    opens with a quotation continues the lead-in that ends with a colon above it."""
    text = geo.text
    sentences = geo.sentences
    out: list[tuple[int, int]] = []
    j = s_index - 1
    floor = p_start
    if s_start == p_start and _first_char(text, s_start) in ('"', "“"):
        above = geo.last_non_space(p_start)
        if above >= 0 and text[above] == ":" and j >= 0:
            floor = sentences[j][0] if j >= 0 else p_start
            floor = min(floor, sentences[j - 1][0] if j >= 1 else floor)
    while j >= 0 and len(out) < LEAD_IN:
        b_start, b_end = sentences[j]
        if b_start < floor or (previous_marker is not None and previous_marker >= b_start):
            break
        out.append((b_start, b_end))
        j -= 1
    return out


def _first_char(text: str, pos: int) -> str:
    m = _NON_SPACE.search(text, pos)
    return m.group(0) if m else ""


def _resolve(dates: list[DateRef], carried: int | None) -> list[DateRef]:
    """Give yearless dates the year in force: the latest year written before them."""
    out: list[DateRef] = []
    year = carried
    for d in dates:
        if d.year:
            year = d.year
            out.append(d)
        else:
            out.append(
                DateRef(year, d.month, d.day, d.start, d.end, d.text, carried=year is not None)
            )
    return out


def _open_quote(geo: _Geometry, s_start: int, marker: int, p_start: int) -> int | None:
    """Where the quotation that closes just before the marker opens, if it opened
    before the sentence did."""
    if geo.count('"', s_start, marker) % 2 == 1:
        found = geo.last('"', p_start, s_start)
        return found if found != -1 else None
    if geo.count("”", s_start, marker) > geo.count("“", s_start, marker):
        found = geo.last("“", p_start, s_start)
        return found if found != -1 else None
    return None


# -- entries -------------------------------------------------------------------------

_URL = re.compile(r"https?://\S+|doi:\S+|www\.\S+")
_PRIMARY_TITLE = re.compile(
    r"\b(?:telegram|cable|letter|memorandum|conversation|minutes|speech|address|directive|"
    r"decision|diary)\b",
    re.I,
)


def entry_features(entry: Entry) -> EntryFeatures:
    raw = _URL.sub(" ", entry.raw)
    author_tokens = [w for a in entry.authors for w in words_of(a)]
    title = entry.title or ""
    parts = [raw, " ".join(entry.authors), title, entry.get("container") or ""]
    tokens = [w for part in parts for w in words_of(part)]
    year = _entry_year(entry)
    month, day = _entry_month_day(entry)
    kinds = kinds_of(words_of(title or raw))
    primary = bool(_PRIMARY_TITLE.search(title or raw)) and year is not None
    return EntryFeatures(
        entry=entry,
        tokens=tuple(dict.fromkeys(tokens)),
        author_tokens=tuple(dict.fromkeys(author_tokens)),
        title=title,
        year=year,
        month=month,
        day=day,
        kinds=kinds,
        primary=primary,
    )


def _entry_year(entry: Entry) -> int | None:
    for text in (entry.year, entry.get("date"), entry.raw):
        if text:
            m = re.search(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)", text)
            if m:
                return int(m.group(1))
    return None


def _entry_month_day(entry: Entry) -> tuple[int | None, int | None]:
    for text in (entry.get("date"), _URL.sub(" ", entry.raw)):
        # Only a month name or a season gives a month: most entries have neither.
        if not text or not _MONTHISH.search(text):
            continue
        for d in find_dates(text):
            if d.month:
                return d.month, d.day
        # Archive records end with a bare month ("..., Moscow, June."); "May" is too
        # often a verb to count alone.
        bare = _BARE_MONTH.search(text)
        if bare:
            return _month(bare.group(1)), None
    return None, None


_MONTHISH = re.compile(rf"{_MONTH_NAMES[3:-4]}|spring|summer|autumn|fall|winter", re.I)
_BARE_MONTH = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December)\b"
)
