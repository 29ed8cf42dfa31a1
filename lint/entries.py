"""Parse one free-text reference-list entry into fields with spans.

The parser is heuristic and regex based. It works on a *masked* copy of the entry body
that has the same length as the original: Markdown/HTML markup is blanked to spaces, and
URLs, DOIs and access dates are replaced by a separator character once they are taken.
Every offset therefore maps straight back to the document, and every field span slices
the original text.

Three shapes decide where the title is:

* a quoted title (`"Title,"`, `“Title.”`): IEEE, MLA, Chicago articles, RFCs;
* a parenthesised year after the author (`Name (1993) Title, ...`, APA `(2010).`), or after
  a document description when the part before it does not read as names (archival items);
* otherwise a leading `Last, First.` author closed by a period (Chicago, MLA books), or a
  comma-separated `Author, Title, Publisher, pp.` list.

Whatever follows the title is mined for volume, issue, pages, dates, publishers and
containers; what is left over becomes `note`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from citeaudit.model import Entry, Field, LineIndex, Span

_SEP = "\x1f"  # stands in for text already taken (URLs, DOIs, access dates, claims)
_BLANK = " \t\r\n\x1f"
_QUOTES_OPEN = "\"“”‘'«"

# --- markup -------------------------------------------------------------------------

_AUTOLINK_RE = re.compile(r"<((?:https?|ftp)://[^<>\s]+)>")
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
_MDLINK_RE = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
# Emphasis runs at most 600 characters: an unclosed `*` would otherwise scan to the end of
# the entry, once for each `*`.
_EMPH_RE = re.compile(r"(?<![\w*_\\])(\*{1,3}|_{1,3})(?=\S)(.{1,600}?)(?<=\S)\1(?![\w*])", re.S)

# --- identifiers --------------------------------------------------------------------

_URL_RE = re.compile(r"(?:https?|ftp)://[^\s<>\"\x1f]+|(?<![\w/@.])www\.[^\s<>\"\x1f]+")
_DOI_URL_RE = re.compile(r"(?i)^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)")
_DOI_RE = re.compile(r"(?i:\bdoi\s*:\s*)?(?<![\w/.])(10\.\d{4,9}/[^\s\"<>\x1f]+)")
_URL_LEAD_RE = re.compile(r"(?i)(?:(?:retrieved|available)\s+(?:from|at)|url)\s*:?\s*$")

# --- dates and years ----------------------------------------------------------------

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_MONTH_ONLY_RE = re.compile(rf"{_MONTH}")
_SEASON = r"(?:Spring|Summer|Fall|Autumn|Winter)"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_DATE = (
    r"(?:(?P<iy>\d{4})-[01]\d-[0-3]\d"
    rf"|{_DAY}\s+{_MONTH},?\s+(?P<y1>\d{{4}})"
    rf"|{_DAY}\s+{_MONTH}"
    rf"|{_MONTH}\s+{_DAY}(?:\s*(?:[-–]|and)\s*{_DAY})?(?:,?\s+(?P<y2>\d{{4}}))?"
    rf"|(?:{_MONTH}|{_SEASON})\s+(?P<y3>\d{{4}}))(?![\w-])"
)
_DATE_RE = re.compile(rf"(?<![\w-]){_DATE}")
_ACCESS_RE = re.compile(
    r"\(?\b(?i:(?:last\s+)?(?:accessed|retrieved|viewed|consulted))(?:\s+on)?\s*:?\s*"
    rf"(?P<d>{_DATE.replace('?P<', '?P<a')})\)?"
)
_YEAR_RE = re.compile(
    r"(?<![\w./:#=?&%\-–—])(?P<y>1[4-9]\d\d|20\d\d|2100)(?P<s>[a-h])?(?![\w/]|\.\d|\s*[-–—]\s*\d)"
)
_YEAR_BLOCK_RE = re.compile(
    r"(?i)(?:\bpp?\.|\bpages?|\bvol\.?|\bvolume|\bno\.?|\bissue|\brfc|\bien|\breport|\bversion"
    r"|\bv\.|\bn\.|\bdocument|\bisbn|\bissn|#)\s*$"
)
_PAREN_YEAR_RE = re.compile(
    r"\(\s*(?:(?P<y>\d{4}[a-h]?)(?:\s*[,;]\s*(?P<d>[^()]{1,40}?))?|(?P<nd>n\.\s?d\.))\s*\)"
)
_ND_RE = re.compile(r"(?<![\w.])n\.\s?d\.?(?!\w)")
_LONE_YEAR_RE = re.compile(r"^\(?(?:\d{4}[a-h]?|n\.\s?d\.?)\)?$")
_TRAILING_YEAR_RE = re.compile(r"(?:^|(?<=[\s.,]))\(?(?P<y>\d{4}[a-h]?|n\.\s?d\.)\)?[.,]?\s*$")
_RANGE_RE = re.compile(r"^\d{4}(?:\.\d{1,2})?\s*[-–—]\s*\d{2,4}(?:\.\d{1,2})?$")

# --- locators -----------------------------------------------------------------------

_NUM_RANGE = r"\d+[A-Za-z]?(?:\s*[-–—]+\s*\d+)?"
_PAGES_RE = re.compile(
    rf"\b(?i:pp?|pages?|pgs?)\.?\s*(?P<p>{_NUM_RANGE}(?:\s*,\s*(?!\d{{4}}\b){_NUM_RANGE})*)(?!\w)"
)
_VOLUME_RE = re.compile(
    r"\b(?i:vol(?:ume)?s?\.?|v\.)\s*(?P<v>[A-Z]{1,5}-\d+|[IVXLCDM]+\b|\d+[A-Za-z]?)(?![\w-])"
)
_ISSUE_RE = re.compile(
    r"\b(?i:nos?\.?|issue|iss\.|num(?:ber)?\.?|n\.)\s*(?P<i>\d+[A-Za-z]?(?:\s*[/–-]\s*\d+)?)"
    rf"(?:\s*:\s*(?P<p>{_NUM_RANGE}))?(?![\w])"
)
_JOURNAL_RE = re.compile(
    r"(?<![\w.])(?P<v>\d{1,4})\s*\((?P<i>[^()\s]{1,10})\)"
    rf"(?:\s*[:,]\s*(?P<p>{_NUM_RANGE}))?(?![\w])"
)
_DOTTED_RE = re.compile(
    r"(?<![\w.])(?P<v>\d{1,4})\.(?P<i>\d{1,3})\s*\((?:[A-Z][a-z]+\.?\s+)?(?P<y>\d{4})\)"
    rf"(?:\s*:\s*(?P<p>{_NUM_RANGE}))?"
)
_VOL_PAGES_RE = re.compile(r"(?<![\w.])(?P<v>\d{1,4}),\s*(?P<p>\d+\s*[-–—]\s*\d+)(?![\w])")
_REST_YEAR_RE = re.compile(r"\((?P<y>\d{4}[a-h]?)\)")
_VOL_COLON_RE = re.compile(rf"(?<![\w.])(?P<v>\d{{1,4}})\s*:\s*(?P<p>{_NUM_RANGE})(?![\d:])")
_PAREN_COLON_RE = re.compile(rf"(?<=\))\s*:\s*(?P<p>{_NUM_RANGE})(?![\w:])")
_NUMERIC_SEG_RE = re.compile(r"^\d{1,5}(?:\s*[-–—]+\s*\d{1,5})?$")
_NOTE_SEG_RE = re.compile(
    r"(?i)^(?:\d+(?:st|nd|rd|th)\b.*\bed(?:ition)?\.?$|(?:rev(?:ised)?|expanded|reprint(?:ed)?)\b"
    r"|(?:edited|translated|trans\.|eds?\.|introduced|compiled)\s+by\b"
    r"|.*\b(?:thesis|dissertation)\b)"
)
_LOCATOR_RE = re.compile(
    r"^(?i:document|doc\.|box|folder|file|item|reel|series|record group|rg|part|chapter|ch\."
    r"|section|sect\.|no\.|frame|sheet|f\.|ff\.|isbn|issn|oclc|lccn|arxiv|pmid)\s*:?\s*[\w.-]*\d"
)

# --- publishers and containers ------------------------------------------------------

_PLACE_PUB_RE = re.compile(
    r"(?P<place>[A-Z][\w.'’-]*(?:(?:\s+|[,;]\s*)[A-Z][\w.'’-]*){0,3})\s*:\s*"
    r"(?P<pub>[A-Z©][^,;()\x1f]*?[\w)])(?<!\b[A-Z])"
    r"(?=,\s*(?:©?\s*\d{4}\b|\d+\s*[-–—]\s*\d|pp?\.)|\s*\.?\s*(?:\)|\x1f|$)|\.\s+(?=[A-Z\x1f]))"
)
_PAREN_PUB_RE = re.compile(
    r"\(\s*(?:(?P<place>[A-Z][^():,]*(?:,\s*[A-Z][\w.]*)?)\s*:\s*)?"
    r"(?P<pub>[A-Z][^():]*?),\s*(?P<y>\d{4})\s*\)"
)
_PUBLISHER_RE = re.compile(
    r"\b(?:Press|Publish\w*|Books|Verlag|Editions?|Éditions|Inc\b|Ltd\b|LLC|GmbH|Co\.|Company"
    r"|Society|Institute|Institution|University|Univ\b|Agency|Office|Center|Centre|Foundation"
    r"|Routledge|Springer|Wiley|Elsevier|Macmillan|Palgrave|Penguin|Norton|Knopf|Vintage"
    r"|HarperCollins|Harper|Blackwell|Sage|SAGE|Brill|Bloomsbury|Verso|O[’']Reilly|Continuum"
    r"|Cambridge|Oxford|Yale|Princeton|Harvard|Taylor and Francis|Random House)\b"
)
_CONTAINER_RE = re.compile(
    r"\b(?:Journal|Proceedings|Proc\.|Transactions|Review|Quarterly|Magazine|Bulletin"
    r"|Studies|Letters|Annals|Times|Post|Gazette|Herald|Tribune|Symposium|Conference"
    r"|Workshop|Archive|Archives)\b"
)
_IN_RE = re.compile(r"^(?:In|in)\s*:?\s+(?=\S)")

# --- names --------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[^\s\x1f]+")
_INITIAL_RE = re.compile(r"^[A-Z](?:\.?-?[A-Z])*\.?$|^[A-Z][a-z]?\.$")
_PARTICLES = frozenset(
    {
        "de",
        "del",
        "della",
        "der",
        "den",
        "di",
        "du",
        "da",
        "la",
        "le",
        "van",
        "von",
        "y",
        "of",
        "the",
        "for",
        "und",
        "dos",
        "das",
        "st",
    }
)
_ROLES = frozenset(
    {"ed", "eds", "editor", "editors", "author", "trans", "comp", "compiler", "ed.", "eds."}
)
_ABBREV = frozenset(
    {
        "no",
        "nos",
        "vol",
        "vols",
        "pp",
        "p",
        "ed",
        "eds",
        "trans",
        "co",
        "inc",
        "ltd",
        "corp",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "jr",
        "sr",
        "univ",
        "proc",
        "dept",
        "cde",
        "gen",
        "col",
        "capt",
        "lt",
        "rev",
        "hon",
        "vs",
        "cf",
        "al",
        "etc",
        "ca",
        "c",
        "approx",
        "ch",
        "chap",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mass",
        "calif",
        "conn",
        "comp",
        "repr",
        "n.d",
        "e.g",
        "i.e",
        "viz",
    }
)
_KEEP_DOT = frozenset({"al", "jr", "sr", "inc", "ltd", "co", "corp", "etc", "bros", "ed", "eds"})
_ACRONYM_RE = re.compile(r"^(?P<a>[A-Z]{2,6}),\s+(?=[^,]+,)")
_GIVEN_RE = re.compile(r"^(?:(?:[A-Z][\w'’-]*\.?|[A-Z]\.(?:\s?-?[A-Z]\.)*)\s*){1,3}$")
_FORWARD_NAME_RE = re.compile(
    r"^(?:and\s+|&\s*)?(?:[A-Z]\.\s?(?:-?[A-Z]\.\s?)*)+(?:[a-z]+\s)?[A-Z][\w'’-]+$"
)
_AUTHOR_SPLIT_RE = re.compile(r"\s*;\s*|,?\s+&\s+|\s*&\s*|,?\s+and\s+")
_ET_AL_RE = re.compile(r",?\s*\bet\.?\s+al\.?,?\s*$")

# --- entry types --------------------------------------------------------------------

_TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("thesis", re.compile(r"(?i)\b(?:thesis|dissertation|ph\.?\s?d\b|master'?s)")),
    (
        "dataset/software",
        re.compile(r"(?i)\b(?:data ?set|software|r package|version \d|github|zenodo|pypi)\b"),
    ),
    (
        "report",
        re.compile(r"(?i)\b(?:rfc|ien|technical report|working paper|report no|bulletin)\b"),
    ),
    (
        "archival",
        re.compile(
            r"(?i)\b(?:archives?|telegram|memorandum|cable|box \d|folder|manuscript"
            r"|politburo|frus|papers of|collection)\b"
        ),
    ),
)
_NEWSPAPER_RE = re.compile(
    r"(?i)\b(?:times|post|gazette|herald|tribune|nyt|newspaper|daily|chronicle)\b"
)
_JOURNAL_NAME_RE = re.compile(r"\b(?:Journal|Review|Quarterly|Transactions|Annals|Letters)\b")
_CHAPTER_RE = re.compile(
    r"(?i)(?:^|\s)(?:in\s|proc\.|proceedings|symposium|conference|workshop|edited by|eds?\.)"
)

Region = tuple[int, int]


@dataclass
class _State:
    work: str
    base: int
    index: LineIndex
    emph: list[Region]
    fields: dict[str, Field] = field(default_factory=dict)
    claims: list[Region] = field(default_factory=list)
    leftovers: list[Region] = field(default_factory=list)
    rest_years: list[Region] = field(default_factory=list)
    container_ok: bool = True
    confidence: float = 0.5

    def span(self, start: int, end: int) -> Span:
        return self.index.span(self.base + start, self.base + end)

    def put(self, name: str, start: int, end: int, *, value: str | None = None) -> bool:
        """Set field `name` to the trimmed region unless it is already set or empty."""
        if name in self.fields:
            return False
        start, end = _trim(self.work, start, end, keep_initial=name == "author")
        if end <= start:
            return False
        text = value if value is not None else " ".join(self.work[start:end].split())
        self.fields[name] = Field(text, self.span(start, end))
        self.claims.append((start, end))
        return True

    def claim(self, start: int, end: int) -> None:
        self.claims.append((start, end))

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.claims)


# --- public entry point -------------------------------------------------------------


def parse_entry(
    text: str,
    start: int,
    end: int,
    index: LineIndex,
    *,
    label: str | None = None,
    label_span: Span | None = None,
    path: str | None = None,
) -> Entry:
    """Parse `text[start:end]`, one reference-list entry body, into an `Entry`."""
    body = text[start:end]
    masked, emph, url_zones = _mask(body)
    st = _State(masked, start, index, emph)
    _take_identifiers(st, url_zones)
    _take_accessed(st)
    _structure(st)
    fields = dict(sorted(st.fields.items(), key=lambda item: item[1].span.start))
    author = fields.get("author")
    return Entry(
        span=index.span(start, end),
        label=label,
        raw=" ".join(body.split()),
        fields=fields,
        authors=split_authors(author.value) if author else (),
        label_span=label_span,
        kind="text",
        entry_type=_guess_type(fields),
        confidence=round(max(0.05, min(1.0, st.confidence)), 2),
        path=path,
    )


# --- masking ------------------------------------------------------------------------


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _in_zone(zones: list[Region], starts: list[int], start: int, end: int) -> bool:
    """Whether `start` falls in a zone [s, e) or `end` in a zone (s, e]; the zones are
    disjoint and sorted."""
    k = bisect.bisect_right(starts, start) - 1
    if k >= 0 and start < zones[k][1]:
        return True
    k = bisect.bisect_left(starts, end) - 1
    return k >= 0 and end <= zones[k][1]


def _mask(body: str) -> tuple[str, list[Region], list[Region]]:
    """Blank markup; return the masked text, emphasis interiors and URL zones."""
    chars = list(body)
    for m in _AUTOLINK_RE.finditer(body):
        _blank(chars, m.start(), m.start() + 1)
        _blank(chars, m.end() - 1, m.end())
    for m in _TAG_RE.finditer("".join(chars)):
        _blank(chars, m.start(), m.end())
    current = "".join(chars)
    # Each scan below is skipped when the literal that every one of its matches holds is
    # absent: most entries have no link and no emphasis, and the scans try every position.
    urls = (
        [(m.start(), m.start() + len(_strip_url(m.group()))) for m in _URL_RE.finditer(current)]
        if "://" in current or "www." in current
        else []
    )
    emph: list[Region] = []
    url_starts = [s for s, _ in urls]
    for m in _EMPH_RE.finditer(current) if "*" in current or "_" in current else ():
        if _in_zone(urls, url_starts, m.start(), m.end()):
            continue
        _blank(chars, m.start(1), m.end(1))
        _blank(chars, m.end(2), m.end())
        emph.append((m.start(2), m.end(2)))
    for m in _MDLINK_RE.finditer(current):
        _blank(chars, m.start(), m.start() + 1)
        _blank(chars, m.end(1), m.start(2))
        _blank(chars, m.end() - 1, m.end())
    return "".join(chars), emph, urls


def _strip_url(url: str) -> str:
    while url and url[-1] in ".,;:!?'\"”’>]*_":
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


# --- identifiers and access dates ---------------------------------------------------


def _zone(st: _State, start: int, end: int) -> None:
    st.work = st.work[:start] + _SEP * (end - start) + st.work[end:]


def _url_lead(work: str, start: int, zoned: dict[int, int]) -> int | None:
    """Where "Retrieved from", "available at" or "URL:" before `start` begins: what
    `_URL_LEAD_RE.search(work, 0, start)` finds, read backwards from `start` so that an
    entry of many URLs is not rescanned from its beginning for each."""
    q = _skip_space(work, start, zoned)
    if q > 0 and work[q - 1] == ":":
        q = _skip_space(work, q - 1, zoned)
    head = work[max(0, q - 3) : q].casefold()
    if head == "url":
        return q - 3
    for word in ("from", "at"):
        if work[max(0, q - len(word)) : q].casefold() == word:
            gap = q - len(word)
            before = _skip_space(work, gap, zoned)
            if before == gap:
                continue
            for verb in ("retrieved", "available"):
                if work[max(0, before - len(verb)) : before].casefold() == verb:
                    return before - len(verb)
    return None


def _skip_space(work: str, pos: int, zoned: dict[int, int]) -> int:
    while pos > 0:
        if pos in zoned:
            pos = zoned[pos]
        elif work[pos - 1].isspace():
            pos -= 1
        else:
            break
    return pos


def _take_identifiers(st: _State, urls: list[Region]) -> None:
    # Zoned URLs are blank: each zone's end -> where the blank run around it begins, so
    # that reading back over many zoned URLs jumps over each rather than rescanning it.
    zoned: dict[int, int] = {}
    for start, end in urls:
        url = st.work[start:end]
        doi = _DOI_URL_RE.match(url)
        if doi:
            st.put("doi", start + doi.start(1), end)
        else:
            st.put("url", start, end)
        lead = _url_lead(st.work, start, zoned)
        _zone(st, start if lead is None else lead, end)
        zoned[end] = _skip_space(st.work, start if lead is None else lead, zoned)
    for m in _DOI_RE.finditer(st.work) if "10." in st.work else ():  # every DOI has "10."
        doi_end = m.start(1) + len(_strip_url(m.group(1)))
        st.put("doi", m.start(1), doi_end)
        _zone(st, m.start(), doi_end)


def _take_accessed(st: _State) -> None:
    m = _ACCESS_RE.search(st.work)
    if m:
        st.put("accessed", m.start("d"), m.end("d"))
        _zone(st, m.start(), m.end())


# --- structure ----------------------------------------------------------------------


def _structure(st: _State) -> None:
    work = st.work
    end = len(work.rstrip(_BLANK))
    quote = _find_quote(work, end)
    paren = _PAREN_YEAR_RE.search(work, 0, end)
    if paren and not _valid_paren_year(work, paren):
        paren = None
    if paren and (quote is None or paren.start() < quote[0]):
        _paren_path(st, paren, end)
    elif quote is not None:
        _quoted_path(st, quote, end)
    elif not _has_words(work, 0, end):
        st.confidence = 0.8 if st.fields else 0.1
    elif not _label_path(st, end):
        _plain_path(st, end)


def _valid_paren_year(work: str, m: re.Match[str]) -> bool:
    year = m.group("y")
    if year and not 1400 <= int(year[:4]) <= 2100:
        return False
    before = work[: m.start()]
    if _looks_like_author(before):
        return True
    return _next_break(before, 0, len(before), commas=False)[0] >= len(before.rstrip(_BLANK))


def _has_words(work: str, start: int, end: int) -> bool:
    return re.search(r"[^\W\d_]{2}", work[start:end]) is not None


def _find_quote(work: str, end: int) -> Region | None:
    """Offsets of the first quoted title's opening and closing quote marks."""
    for m in re.finditer(r"[\"“]", work[:end]):
        i = m.start()
        before = work[:i].rstrip(_BLANK)
        if before and before[-1] not in ".,:;)]" and not before[-1].isdigit():
            continue
        closer = "”" if m.group() == "“" else '"'
        j = work.find(closer, i + 1, end)
        if j == -1 and closer == "”":
            j = work.find('"', i + 1, end)
        if j - i > 2:
            return i, j
    return None


def _paren_path(st: _State, paren: re.Match[str], end: int) -> None:
    """`Author (1993) Title, ...` or `Document description (1949) Archive, date`."""
    work = st.work
    pre_end = paren.start()
    title_first = not _looks_like_author(work[:pre_end]) and _has_words(work, 0, pre_end)
    if paren.group("nd"):
        st.put("year", paren.start("nd"), paren.end("nd"), value="n.d.")
    else:
        st.put("year", paren.start("y"), paren.end("y"))
    if paren.group("d"):
        st.put("date", paren.start("d"), paren.end("d"))
    st.claim(paren.start(), paren.end())
    if title_first:
        st.put("title", 0, pre_end)
        st.confidence = 0.6
        _parse_rest(st, paren.end(), end)
        return
    st.confidence = 0.85
    _put_author(st, 0, pre_end)
    pos = _skip(work, paren.end(), end)
    period_mode = work[paren.end() : pos].strip().startswith(".")
    pos = _take_title(st, pos, end, commas=not period_mode)
    _parse_rest(st, pos, end)


def _quoted_path(st: _State, quote: Region, end: int) -> None:
    """`Author, "Title," Container, ...` and `Author. Year. “Title.” Journal ...`."""
    work = st.work
    pre_end = quote[0]
    year = _TRAILING_YEAR_RE.search(work, 0, pre_end)
    if year:
        _put_year(st, year.start("y"), year.end("y"))
        pre_end = year.start()
    if _has_words(work, 0, pre_end):
        if _looks_like_author(work[:pre_end]):
            _put_author(st, 0, pre_end)
        else:
            st.put("note", 0, pre_end)
    st.put("title", quote[0] + 1, quote[1])
    st.confidence = 0.9
    _parse_rest(st, quote[1] + 1, end)


def _label_path(st: _State, end: int) -> bool:
    """`Intrinsic value: http://...` (a label, then the link)."""
    work = st.work
    first = work.find(_SEP)
    if first == -1:
        return False
    head = work[:first].rstrip()
    if not head.endswith(":") or len(head.split()) > 15:
        return False
    if _next_break(head, 0, len(head), commas=False)[0] < len(head):
        return False
    st.put("title", 0, len(head.rstrip(":")))
    st.confidence = 0.75
    st.container_ok = False
    _parse_rest(st, first, end)
    return True


def _plain_path(st: _State, end: int) -> None:
    """No quotes, no parenthesised year: `Last, First. Title. City: Pub, 2002.` or commas."""
    work = st.work
    author_end = _scan_author(work, end)
    if author_end is not None:
        st.confidence = 0.75
        _put_author(st, 0, author_end)
        pos = _skip(work, author_end, end)
        unit_end, after = _next_break(work, pos, end, commas=True)
        if _LONE_YEAR_RE.match(work[pos:unit_end].strip()):
            _put_year(st, pos, unit_end)
            pos = _skip(work, after, end)
        pos = _take_title(st, pos, end, commas=False)
        _parse_rest(st, pos, end)
        return
    if not _has_evidence(work, end):
        st.put("note", 0, end)
        st.confidence = 0.2
        return
    first_end, after = _next_break(work, 0, end, commas=True)
    if _looks_like_author(work[:first_end]):
        first_end, after = _extend_authors(work, first_end, after, end)
        st.confidence = 0.6
        _put_author(st, 0, first_end)
        pos = _take_title(st, _skip(work, after, end), end, commas=True)
    else:
        st.confidence = 0.4
        pos = 0
    _parse_rest(st, pos, end)


def _extend_authors(work: str, unit_end: int, after: int, end: int) -> Region:
    """Grow a comma-separated author list: `Kant, Immanuel`, `J. Smith, K. Jones`."""
    first = work[:unit_end].strip()
    while after < end:
        nxt_end, nxt_after = _next_break(work, _skip(work, after, end), end, commas=True)
        nxt = work[_skip(work, after, end) : nxt_end].strip()
        surname = len([w for w in first.split() if w.lower() not in _PARTICLES]) == 1
        if not (_FORWARD_NAME_RE.match(nxt) or (surname and _GIVEN_RE.match(nxt))):
            break
        unit_end, after, first = nxt_end, nxt_after, nxt
    return unit_end, after


def _put_author(st: _State, start: int, end: int) -> None:
    start, end = _trim(st.work, start, end, keep_initial=True)
    acronym = _ACRONYM_RE.match(st.work, start, end)
    if acronym:  # "NYT, Stueck, William." -- a stray source abbreviation in front
        st.put("container", acronym.start("a"), acronym.end("a"))
        st.confidence -= 0.15
        start = acronym.end()
    st.put("author", start, end)


def _put_year(st: _State, start: int, end: int) -> None:
    start, end = _trim(st.work, start, end)
    text = st.work[start:end].strip("()")
    if text.startswith("n"):
        st.put("year", start, end, value="n.d.")
    else:
        start += st.work[start:end].find(text)
        st.put("year", start, start + len(text))


def _take_title(st: _State, pos: int, end: int, *, commas: bool) -> int:
    """Set the title from `pos`; return where the rest of the entry starts."""
    work = st.work
    for s, e in st.emph:
        if s <= pos + 1 and e > pos and work[pos:s].strip() == "":
            sep = work.find(_SEP, s, e)
            st.put("title", s, sep if sep != -1 else e)
            return e
    unit_end, after = _next_break(work, pos, end, commas=commas)
    while commas and after < end:
        nxt_end, nxt_after = _next_break(work, _skip(work, after, end), end, commas=True)
        if not _RANGE_RE.match(work[after:nxt_end].strip()):
            break
        unit_end, after = nxt_end, nxt_after
    st.put("title", pos, unit_end)
    return after


# --- the part after the title -------------------------------------------------------


def _parse_rest(st: _State, start: int, end: int) -> None:
    if start >= end:
        return
    _claim_locators(st, start, end)
    _claim_dates(st, start, end)
    _claim_publishers(st, start, end)
    view = _claimed_view(st, start, end)
    for seg_start, seg_end in _segments(view, start, end):
        _classify(st, seg_start, seg_end)
    _finish_year(st, view, start, end)
    _finish_note(st)


def _claimed_view(st: _State, start: int, end: int) -> str:
    chars = list(st.work)
    for s, e in st.claims:
        for i in range(max(s, start), min(e, end)):
            chars[i] = _SEP
    return "".join(chars)


def _claim_locators(st: _State, start: int, end: int) -> None:
    work = st.work
    for m in _DOTTED_RE.finditer(work, start, end):
        st.put("volume", m.start("v"), m.end("v"))
        st.put("issue", m.start("i"), m.end("i"))
        if m.group("p"):
            st.put("pages", m.start("p"), m.end("p"))
        st.rest_years.append((m.start("y"), m.end("y")))
        st.claim(m.start(), m.end())
    for m in _JOURNAL_RE.finditer(work, start, end):
        if re.fullmatch(r"\d{4}", m.group("i")) or not st.free(m.start(), m.end()):
            continue
        st.put("volume", m.start("v"), m.end("v"))
        st.put("issue", m.start("i"), m.end("i"))
        if m.group("p"):
            st.put("pages", m.start("p"), m.end("p"))
        st.claim(m.start(), m.end())
    for m in _PAGES_RE.finditer(work, start, end):
        if st.free(m.start(), m.end()) and st.put("pages", m.start("p"), m.end("p")):
            st.claim(m.start(), m.end())
    for m in _VOLUME_RE.finditer(work, start, end):
        if st.free(m.start(), m.end()) and st.put("volume", m.start("v"), m.end("v")):
            st.claim(m.start(), m.end())
    for m in _ISSUE_RE.finditer(work, start, end):
        if st.free(m.start(), m.end()) and st.put("issue", m.start("i"), m.end("i")):
            if m.group("p"):
                st.put("pages", m.start("p"), m.end("p"))
            st.claim(m.start(), m.end())
    _claim_bare_locators(st, start, end)


def _claim_bare_locators(st: _State, start: int, end: int) -> None:
    """`(2015)` in the tail, `(1985): 186-200`, `Women 8: 249-59`, APA `12, 100-120`."""
    for m in _REST_YEAR_RE.finditer(st.work, start, end):
        if st.free(m.start(), m.end()):
            st.rest_years.append((m.start("y"), m.end("y")))
            st.claim(m.start(), m.end())
    for pattern in (_PAREN_COLON_RE, _VOL_COLON_RE, _VOL_PAGES_RE):
        found = pattern.search(st.work, start, end)
        if found is None or "pages" in st.fields or not st.free(found.start(), found.end()):
            continue
        if "v" in pattern.groupindex:
            st.put("volume", found.start("v"), found.end("v"))
        st.put("pages", found.start("p"), found.end("p"))
        st.claim(found.start(), found.end())


def _claim_dates(st: _State, start: int, end: int) -> None:
    for m in _DATE_RE.finditer(st.work, start, end):
        if not st.free(m.start(), m.end()):
            continue
        st.put("date", m.start(), m.end())
        for group in ("iy", "y1", "y2", "y3"):
            if m.group(group):
                st.rest_years.append((m.start(group), m.end(group)))
        st.claim(m.start(), m.end())
    for m in _ND_RE.finditer(st.work, start, end):
        if st.free(m.start(), m.end()):
            st.put("year", m.start(), m.end(), value="n.d.")
            st.claim(m.start(), m.end())


def _claim_publishers(st: _State, start: int, end: int) -> None:
    work = st.work
    for m in _PAREN_PUB_RE.finditer(work, start, end):
        if not st.free(m.start(), m.end()):
            continue
        if m.group("place"):
            st.put("place", m.start("place"), m.end("place"))
        name = "publisher" if m.group("place") or _PUBLISHER_RE.search(m.group("pub")) else "place"
        st.put(name, m.start("pub"), m.end("pub"))
        st.rest_years.append((m.start("y"), m.end("y")))
        st.claim(m.start(), m.end())
    pos = start if work.find(":", start, end) != -1 else end  # every match has a colon
    while pos < end:
        found = _PLACE_PUB_RE.search(work, pos, end)
        if found is None:
            return
        pos = found.start() + 1
        if not st.free(found.start(), found.end()) or not _at_boundary(work, start, pos - 1):
            continue
        st.put("place", found.start("place"), found.end("place"))
        st.put("publisher", found.start("pub"), found.end("pub"))
        st.claim(found.start(), found.end())
        pos = found.end()


def _at_boundary(work: str, start: int, pos: int) -> bool:
    before = work[start:pos].rstrip(" \t\r\n")
    return (not before or before[-1] in ".;(" + _SEP) and not work.startswith("In ", pos)


def _segments(view: str, start: int, end: int) -> list[Region]:
    out: list[Region] = []
    pos = _skip(view, start, end)
    while pos < end:
        unit_end, after = _next_break(view, pos, end, commas=True)
        if _has_content(view, pos, unit_end):
            out.append((pos, unit_end))
        pos = _skip(view, max(after, pos + 1), end)
    return out


def _has_content(view: str, start: int, end: int) -> bool:
    return re.search(r"\w", view[start:end]) is not None


def _classify(st: _State, start: int, end: int) -> None:
    start, end = _trim(st.work, start, end)
    text = " ".join(st.work[start:end].split())
    if not text:
        return
    if _LONE_YEAR_RE.match(text):
        if text.strip("()").startswith("n"):
            st.put("year", start, end, value="n.d.")
        else:
            st.rest_years.append(
                (start + text.find(text.strip("()")[:4]), end - text.endswith(")"))
            )
        return
    if _NUMERIC_SEG_RE.match(text):
        _add_pages(st, start, end)
        return
    if _MONTH_ONLY_RE.fullmatch(text) and st.put("date", start, end):
        return
    _classify_words(st, start, end, text)


def _classify_words(st: _State, start: int, end: int, text: str) -> None:
    in_prefix = _IN_RE.match(text)
    has_title = "title" in st.fields
    if (
        in_prefix
        and st.container_ok
        and has_title
        and st.put("container", start + in_prefix.end(), end)
    ):
        return
    if _LOCATOR_RE.match(text) or _NOTE_SEG_RE.match(text) or not st.container_ok:
        st.leftovers.append((start, end))
        return
    publisher = _PUBLISHER_RE.search(text) and not _CONTAINER_RE.search(text)
    if publisher and st.put("publisher", start, end):
        return
    if "title" not in st.fields:
        st.put("title", start, end)
    elif not st.put("container", start, end):
        st.leftovers.append((start, end))


def _add_pages(st: _State, start: int, end: int) -> None:
    """Bare numbers at the end (`..., 573, 648.`): pages, merged when adjacent."""
    pages = st.fields.get("pages")
    if pages is None:
        st.put("pages", start, end)
        return
    gap = st.work[pages.span.end - st.base : start]
    if re.fullmatch(r"\s*,\s*", gap):
        del st.fields["pages"]
        st.put("pages", pages.span.start - st.base, end)
    else:
        st.leftovers.append((start, end))


def _finish_year(st: _State, view: str, start: int, end: int) -> None:
    if "year" in st.fields:
        return
    candidates = list(st.rest_years)
    for m in _YEAR_RE.finditer(view, start, end):
        if not _YEAR_BLOCK_RE.search(view, max(0, m.start() - 12), m.start()):
            candidates.append((m.start(), m.end()))
    if candidates:
        year_start, year_end = max(candidates)
        st.put("year", year_start, year_end)


def _finish_note(st: _State) -> None:
    if not st.leftovers or "note" in st.fields:
        return
    runs = sorted(st.leftovers)
    first_start, run_end = runs[0]
    for s, e in runs[1:]:
        if re.fullmatch(r"[\s,.;:]*", st.work[run_end:s]) is None:
            break
        run_end = e
    st.put("note", first_start, run_end)


# --- low-level text helpers ---------------------------------------------------------


def _skip(work: str, pos: int, end: int) -> int:
    while pos < end and work[pos] in _BLANK + ",.;:":
        pos += 1
    return pos


def _prev_token(work: str, i: int) -> str:
    j = i
    while j > 0 and not work[j - 1].isspace() and work[j - 1] not in "(" + _SEP:
        j -= 1
    return work[j:i]


def _is_initial(token: str) -> bool:
    return bool(token) and _INITIAL_RE.match(token) is not None and len(token) <= 8


def _sentence_end(work: str, i: int, end: int) -> bool:
    """Whether the period at `i` ends a unit (not an initial or abbreviation)."""
    if i + 1 < end and not (work[i + 1].isspace() or work[i + 1] in _SEP + "\"”'’"):
        return False
    token = _prev_token(work, i)
    return not (_is_initial(token) or token.lower().rstrip(".") in _ABBREV)


def _period_break(work: str, i: int, end: int) -> bool:
    return work[i] == "." and _sentence_end(work, i, end)


# The characters `_next_break` acts on; it jumps from one to the next instead of
# stepping through every character in Python.
_BREAK_CHARS = re.compile(r"[()\[\];,.\x1f]")


def _next_break(work: str, pos: int, end: int, *, commas: bool) -> Region:
    """(end of the unit starting at `pos`, start of what follows the separator)."""
    depth = 0
    i = pos
    search = _BREAK_CHARS.search
    while i < end:
        found = search(work, i, end)
        if found is None:
            break
        i = found.start()
        c = work[i]
        if c in "([":
            depth += 1
        elif c in ")]" and depth:
            depth -= 1
        elif c == _SEP:
            j = i
            while j < end and work[j] == _SEP:
                j += 1
            return i, j
        elif depth == 0 and (c == ";" or (commas and c == ",") or _period_break(work, i, end)):
            return i, i + 1
        i += 1
    return end, end


def _trim(work: str, start: int, end: int, *, keep_initial: bool = False) -> Region:
    lead = _BLANK + ",;:."
    trail = _BLANK + ",;:([–—-"
    while True:
        while start < end and work[start] in lead:
            start += 1
        while end > start and work[end - 1] in trail:
            end -= 1
        if end > start and work[end - 1] == "." and not _keeps_dot(work, start, end, keep_initial):
            end -= 1
            continue
        if end - start >= 2 and work[start] == "(" and work[end - 1] == ")":
            start, end = start + 1, end - 1
            continue
        if end > start and work[end - 1] == ")" and work.count("(", start, end) == 0:
            end -= 1
            continue
        return start, end


def _keeps_dot(work: str, start: int, end: int, keep_initial: bool) -> bool:
    token = _prev_token(work, end - 1)
    if work[end - 1 - len(token) : end - 1] != token or end - 1 - len(token) < start:
        token = work[start : end - 1].split()[-1] if work[start : end - 1].split() else ""
    low = token.lower()
    if low in _KEEP_DOT or low.endswith(("et al", "n.d")):
        return True
    return keep_initial and _is_initial(token + ".")


def _looks_like_author(text: str) -> bool:
    """Short run of capitalised names, particles and connectives (no prose, no quotes)."""
    tokens = text.split()
    # A long list of authors separated by semicolons is judged one author at a time.
    if len(tokens) > 14 and ";" in text:
        parts = [p for p in text.split(";") if p.strip()]
        return len(parts) > 1 and all(_looks_like_author(p) for p in parts)
    if not tokens or len(tokens) > 14:
        return False
    for token in tokens:
        core = token.strip(",.;:")
        low = core.lower()
        if not core or low in {"and", "&", "et", "al"} or low in _PARTICLES or low in _ROLES:
            continue
        if not core[0].isupper() or core[0] in _QUOTES_OPEN:
            return False
    return True


def _scan_author(work: str, end: int) -> int | None:
    """End of a leading author list closed by a period (`Bentley, Michael.`), if any."""
    tokens = list(_TOKEN_RE.finditer(work, 0, end))
    given = False
    words = 0
    for k, m in enumerate(tokens[:24]):
        token = m.group()
        core = token.rstrip(",.;:")
        low = core.lower()
        if token[0] in _QUOTES_OPEN + "([" or token[0].isdigit():
            return None
        if low in {"and", "&"}:
            given, words = False, 0
            continue
        if low == "et":
            continue
        if low == "al" or low in _ROLES:
            return m.end() if token.endswith(".") else None
        if not core or not (core[0].isupper() or low in _PARTICLES):
            return None
        if low not in _PARTICLES and not given:
            words += 1
        if words > 4:
            return None
        if token.endswith(","):
            given, words = (True, words) if not given and words == 1 else (False, 0)
            continue
        if token.endswith("."):
            nxt = tokens[k + 1].group().rstrip(",.;:") if k + 1 < len(tokens) else ""
            if _is_initial(core + ".") and (_is_initial(nxt + ".") or not given):
                continue
            return m.end()
    return None


def _has_evidence(work: str, end: int) -> bool:
    """Anything that marks text as a reference rather than a remark."""
    text = work[:end]
    return bool(
        _SEP in text
        or _YEAR_RE.search(text)
        or _ND_RE.search(text)
        or _PAGES_RE.search(text)
        or _PUBLISHER_RE.search(text)
    )


# --- authors and types --------------------------------------------------------------


def split_authors(author: str) -> tuple[str, ...]:
    """Split an author field into names as written.

    Splits on ';', '&' and ' and ', then on ', ' unless the comma separates a surname from
    its given names or initials (`Cerf, V.`, `Jun, Niu`, `Kelley, Donald R.`).
    """
    text = _ET_AL_RE.sub("", " ".join(author.split()))
    names: list[str] = []
    for group in _AUTHOR_SPLIT_RE.split(text):
        parts = [p.strip() for p in group.split(",")]
        parts = [p for k, p in enumerate(parts) if p and (k == 0 or p.lower() not in _ROLES)]
        i = 0
        while i < len(parts):
            current = parts[i]
            nxt = parts[i + 1] if i + 1 < len(parts) else ""
            surname = len([w for w in current.split() if w.lower() not in _PARTICLES]) == 1
            initials = nxt != "" and all(_is_initial(w) for w in nxt.split())
            if nxt and (initials or (surname and _GIVEN_RE.match(nxt))):
                names.append(f"{current}, {nxt}")
                i += 2
            else:
                names.append(current)
                i += 1
    return tuple(n.rstrip(",;") for n in names if n.strip(",;. "))


def _guess_type(fields: dict[str, Field]) -> str | None:
    if not fields:
        return None
    everything = " ".join(f.value for name, f in fields.items() if name not in ("url", "doi"))
    container = fields["container"].value if "container" in fields else ""
    if _JOURNAL_NAME_RE.search(container) and "thesis" not in everything.lower():
        return "article"
    for kind, pattern in _TYPE_RULES:
        if pattern.search(everything):
            return kind
    if container and _NEWSPAPER_RE.search(container):
        return "newspaper"
    located = any(name in fields for name in ("volume", "issue", "pages"))
    if container and _CHAPTER_RE.search(" " + container):
        return "chapter"
    if "doi" in fields or (container and located and "publisher" not in fields):
        return "article"
    if "publisher" in fields:
        return "book"
    if "url" in fields:
        return "web"
    return None
