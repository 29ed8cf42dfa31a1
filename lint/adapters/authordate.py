"""In-text author-date and MLA author-page citations.

Parenthetical `(Stueck 2002, 73)`, `(Popkin, 2016, p. 76; Gil, 2009)`, narrative
`Stueck (2002: 73)` and `Stueck's (2002)`, bracketed house styles `[Bird et al. 2009,
Chapter 2]`, MLA `(Friedman 35)`, `(Evans, "The Coming" 60)`, `(*Logic* 35)`, and
page-only follow-ups `(247)`. Each parenthesis becomes one `Citation`; each of its items
is one target, written so that `parse_item` reads it back. Whether a weak form such as
`(Heller)` or `(247)` really is a citation is decided by the linker, which knows the
reference list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citeaudit.model import Citation, LineIndex, Span
from citeaudit.patterns import LazyPattern

_UPPER = r"[A-ZÀ-ÖØ-ÞĀ-Ž]"
_PARTICLE = r"(?:van|von|de|der|den|da|di|du|del|della|la|le|ibn|bin|al|el|dos|das|ten|ter)"
# One name: a capitalised word (hyphens and apostrophes inside), after optional particles.
# A web site's name is written with its domain: "Genderize.io".
_WORD = rf"{_UPPER}[\w\-]*+(?:['’](?!s\b)\w+)*+(?:\.(?:io|com|org|net)\b)?"
_NAME = rf"(?:{_PARTICLE}[\s\-]+)*{_WORD}"
# A corporate author or a given name plus surname: up to five capitalised words, with
# the small words that join institution names.
_CORP = rf"{_NAME}(?:\s+(?:of|for|the|and|on|&)?\s*{_WORD}){{0,4}}"
_ET_AL = r",?\s+et\.?\s*al\.?"
_NAMES = rf"{_CORP}(?:(?:,\s*|\s+)(?:and|&)\s+{_CORP}|,\s*{_CORP}(?!\.))*(?:{_ET_AL})?"
_TITLE = r"(?:\*[^*\n]{1,120}\*|_[^_\n]{1,120}_|[“\"][^”\"\n]{1,160}[”\"])"
_YEAR = (
    r"(?:1[5-9]\d\d|20\d\d)(?:\s*[-–—]+\s*(?:1[5-9]\d\d|20\d\d|\d\d)?)?[a-h]?(?![\d])"
    r"|n\.\s?d\.|forthcoming|in press"
)
_PAGE = r"(?:\d+[a-z]?|[ivxlc]+)"
_PAGES = rf"{_PAGE}(?:\s*[-–—]+\s*{_PAGE})?(?:\s*(?:,|and|&)\s*{_PAGE}(?:\s*[-–—]+\s*{_PAGE})?)*"
_LOC_WORD = (
    r"(?i:pp?\.|pg\.|chapter|chap\.|ch\.|fig\.|figure|table|n\.|nn\.|note|para\.|par\.|sec\.|"
    r"section|§|vol\.|box|folder|fol\.|f\.|ff\.|col\.|loc\.|line|ll?\.|sheet|reel|item)"
)
_LOCATOR = (
    rf"(?:{_LOC_WORD}\s*[\w.]+(?:\s*[-–—]+\s*[\w.]+)?(?:\s*,\s*{_LOC_WORD}\s*[\w.]+"
    rf"(?:\s*[-–—]+\s*[\w.]+)?|\s*,\s*{_PAGES})*"
    rf"|[A-Z]\d+(?:\s*[-–—]+\s*[A-Z]?\d+)?|{_PAGES})"
)
_SEP = r"(?:\s*[,.:]\s*|\s+)"
_TAIL = r"(?:,\s*(?:emphasis (?:added|mine|in original)|my translation|italics (?:added|mine)))?"
_ITEM = re.compile(
    rf"""^(?:(?P<names>{_NAMES})(?:,\s*(?P<given>{_UPPER}[a-z]+)\.)?)?
    (?:(?(names){_SEP})(?P<title>{_TITLE}))?
    (?:(?(names){_SEP}|(?(title){_SEP}))(?P<year>{_YEAR}))?
    (?:(?(names){_SEP}|(?(title){_SEP}|(?(year){_SEP})))(?P<loc>{_LOCATOR}))?
    {_TAIL}\.?$""",
    re.X,
)
_PREFIX = re.compile(
    r"^(?:see\s+also|see|cf\.|compare|e\.\s?g\.,?|i\.\s?e\.,?|also|for\s+example,?|"
    r"quoted\s+in|cited\s+in|as\s+cited\s+in|after|following)\s+",
    re.I,
)
# Capitalised words that open a parenthesis before a number without naming an author.
NOT_AUTHORS = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Spring",
        "Summer",
        "Autumn",
        "Fall",
        "Winter",
        "In",
        "Since",
        "By",
        "Until",
        "From",
        "After",
        "Before",
        "Around",
        "About",
        "Circa",
        "Early",
        "Late",
        "Mid",
        "The",
        "This",
        "That",
        "These",
        "Those",
        "Between",
        "During",
        "Through",
        "Of",
        "And",
        "Or",
        "See",
        "Also",
        "Ca",
        "Est",
        "Founded",
        "Born",
        "Died",
        "Published",
        "Written",
        "Revised",
        "Figure",
        "Fig",
        "Figures",
        "Table",
        "Tables",
        "Chapter",
        "Chap",
        "Ch",
        "Section",
        "Sec",
        "Appendix",
        "Eq",
        "Equation",
        "Vol",
        "Volume",
        "No",
        "Nos",
        "Part",
        "Step",
        "Phase",
        "Model",
        "Study",
        "Experiment",
        "Article",
        "Page",
        "Pages",
        "Line",
        "Lines",
        "Verse",
        "Book",
        "Act",
        "Scene",
        "Psalm",
        "Psalms",
        "Genesis",
        "Exodus",
        "Matthew",
        "Mark",
        "Luke",
        "John",
        "Acts",
        "Romans",
        "Revelation",
        "Isaiah",
        "Age",
        "Aged",
        "Ages",
        "Approx",
        "Total",
        "Average",
        "Mean",
        "Median",
        "Sample",
        "Round",
        "Level",
        "Grade",
        "Class",
        "Room",
        "Box",
        "Folder",
        "Series",
        "Map",
        "Plate",
        "Note",
        "Notes",
        "Issue",
        "Edition",
        "Ed",
        "Paragraph",
        "Year",
        "Years",
        "Week",
        "Weeks",
        "Day",
        "Days",
        "Month",
        "Months",
        "Hour",
        "Hours",
        "Minute",
        "Minutes",
        "Ibid",
        "Id",
        "Op",
        "Loc",
        "AD",
        "BC",
        "BCE",
        "CE",
        "Fig",
        "Tab",
        "Ref",
        "Refs",
        "Sect",
        "Art",
        "Proc",
        "Vs",
        "Versus",
        "Plus",
        "Minus",
        "N",
        "Nr",
        "Item",
        "Items",
        "Case",
        "Cases",
        "Group",
        "Groups",
        "Wave",
        "Waves",
        "Stage",
        "Stages",
        "Term",
        "Terms",
        "Session",
        "Sessions",
        "Room",
        "Rule",
        "Rules",
        "Claim",
        "Claims",
        "Question",
        "Questions",
        "Problem",
        "Problems",
        "Exercise",
        "Exercises",
        "Example",
        "Examples",
        "Approximately",
        "Over",
        "Under",
        "Up",
        "Down",
        "Top",
        "Bottom",
        "Left",
        "Right",
        "Upper",
        "Lower",
        "Second",
        "First",
        "Third",
        "Fourth",
        "Fifth",
    ]
)
# Words that make a capitalised phrase an event or a period, not an author.
_NOT_NAME_WORDS = frozenset(
    [
        "War",
        "Wars",
        "Revolution",
        "Dynasty",
        "Century",
        "Period",
        "Era",
        "Age",
        "Crisis",
        "Treaty",
        "Act",
        "Battle",
    ]
)
# Years in a narrative citation: "Stueck (2002)", "Stueck (2002: 73)".
_NARRATIVE = LazyPattern(
    rf"(?<![\w*_])(?P<names>{_NAME}(?:(?:,\s*{_NAME})*,?\s+(?:and|&)\s+{_NAME}|{_ET_AL})?)"
    rf"(?:['’]s?)?\s+\((?P<rest>(?:{_YEAR})(?:[a-h])?(?:\s*[,:;]\s*(?:{_LOCATOR}))?)\)"
)
# A citation may wrap onto the next line, but never across a blank line.
_PAREN = re.compile(r"\(((?:[^()\n]|\n(?![ \t]*\n)){1,300})\)")
# The bracket comes first and the look-behind checks the character before it, so that
# the engine searches for "[" instead of trying the look-behind at every position.
_BRACKET = re.compile(r"\[(?<![\\!^\w\]]\[)((?:[^\[\]\n]|\n(?![ \t]*\n)){3,200})\](?![(\[:{])")
# Template tags ({% include ... %}) and Liquid output hold attributes, not prose; only
# a caption is read.
_TEMPLATE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)


_CAPTION = re.compile(r"\bcaption=\"([^\"]*)\"")


def _keep_caption(m: re.Match[str]) -> str:
    """Blank a template tag but keep its caption, which readers see and which may cite."""
    tag = m.group(0)
    out = [" " if c != "\n" else c for c in tag]
    for caption in _CAPTION.finditer(tag):
        out[caption.start(1) : caption.end(1)] = caption.group(1)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Item:
    """One source named inside a citation, as parsed from its written text."""

    names: tuple[str, ...]  # authors as written: ("Green", "Troup"); corporate whole
    et_al: bool
    title: str | None  # a short title, without its quotes or emphasis
    year: str | None  # "2002", "2002a", "n.d.", "1910–1913"
    locator: str | None
    given: str | None = None  # "(Popkin, Jeremy. 2016)": the given name written too
    head: str = ""  # the item without its locator: "Foucault, 1974"
    text: str = ""  # the whole item as written, prefixes ("see") aside

    @property
    def page_only(self) -> bool:
        return not self.names and self.title is None and self.year is None


def parse_item(text: str) -> Item | None:
    """Parse one item of a citation (`Stueck 2002, 73`, `*Logic* 35`, `247`); None when
    it does not read as a citation at all."""
    text = " ".join(text.split()).strip(" ,;")
    text = _PREFIX.sub("", text)
    m = _ITEM.match(text)
    if m is None or not m.group(0).strip():
        return None
    names_text, title, year, loc = m.group("names", "title", "year", "loc")
    if not (names_text or title or year or loc):
        return None
    names: tuple[str, ...] = ()
    et_al = False
    if names_text:
        et_al = re.search(_ET_AL + "$", names_text) is not None
        core = re.sub(_ET_AL + "$", "", names_text)
        names = tuple(n.strip() for n in re.split(r",?\s+(?:and|&)\s+|,\s*", core) if n.strip())
        first = names[0].split()
        if first[0].strip(".") in NOT_AUTHORS or _NOT_NAME_WORDS.intersection(first):
            return None
    if not names and title is not None and year is None and loc is None:
        return None  # ("soil"), (*tazkirah*): a gloss or a term, not a title cited
    if not names and title is None and (year is not None or re.fullmatch(r"[ivxlc]+", loc or "")):
        return None  # "(1994)" is a date; "(iv)" an enumeration
    if title is not None:
        title = title[1:-1].strip()
    if year is not None:
        year = " ".join(year.split())
        if year.startswith("n"):
            year = "n.d."
    head_end = max((m.end(g) for g in ("names", "given", "title", "year") if m.group(g)), default=0)
    head = text[:head_end] if head_end > 0 else text
    return Item(names, et_al, title, year, loc, m.group("given"), head, text)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    form: str
    items: list[tuple[str, int, int, Item]]


def author_date_citations(
    prose: str, index: LineIndex, *, list_style: str | None = "unnumbered"
) -> list[Citation]:
    """Every parenthesis, bracket or narrative form that parses as author-date or MLA.

    Beside a numbered list or a bibliography file only the unmistakable form, a
    parenthesis of authors and years, is taken: there a `(Korea)` or `(247)` is prose."""
    prose = _TEMPLATE.sub(_keep_caption, prose)
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []
    # Only an unnumbered list keeps narrative forms (see the end), and the parenthesis of
    # one, a year and a locator, is no citation on its own: elsewhere none is looked for.
    narrative = _NARRATIVE.finditer(prose) if list_style == "unnumbered" else iter(())
    for m in narrative:
        names = m.group("names")
        if names.split()[0] in NOT_AUTHORS or _mid_title(prose, m.start()):
            continue
        target = f"{names} {m.group('rest')}"
        item = parse_item(target)
        if item is None or item.year is None:
            continue
        found.append(_Found(m.start(), m.end(), "narrative", [(target, m.start(), m.end(), item)]))
        taken.append((m.start("rest") - 1, m.end()))
    for pattern, form in ((_PAREN, "parenthetical"), (_BRACKET, "bracket")):
        for m in pattern.finditer(prose):
            if any(s <= m.start() < e for s, e in taken):
                continue
            items = _items(m.group(1), m.start(1), bracket=form == "bracket")
            if items and items[0][3].page_only and not _closes_clause(prose, m.end()):
                continue  # "(1) count, and (2) compare": an enumeration
            if items:
                found.append(_Found(m.start(), m.end(), form, items))
    found.sort(key=lambda f: f.start)
    citations = [_citation(prose, index, f) for f in found]
    if list_style == "unnumbered":
        return citations
    return [c for c in citations if c.form == "parenthetical" and len(c.authors) == len(c.targets)]


# Where a comma separates two sources, as DHQ writes `[Butler 1990, Butler 1993]`.
_NEXT_SOURCE = re.compile(
    r",\s+(?=(?:see\s+|also\s+)?[A-ZÀ-Þ\"“][^,;()]*?(?:\b1[5-9]\d\d|\b20\d\d|n\.\s?d\.))"
)


def _parts(body: str, base: int) -> list[tuple[str, int, int]]:
    parts = []
    pos = 0
    for part in body.split(";"):
        start = base + pos + len(part) - len(part.lstrip())
        parts.append((part.strip(), start, start + len(part.strip())))
        pos += len(part) + 1
    return parts


def _items(body: str, base: int, *, bracket: bool) -> list[tuple[str, int, int, Item]]:
    out: list[tuple[str, int, int, Item]] = []
    for text, start, end in _parts(body, base):
        item = parse_item(text)
        if item is None:
            pieces = []
            pos = 0
            for m in [*_NEXT_SOURCE.finditer(text), None]:
                cut = m.start() if m else len(text)
                pieces.append((text[pos:cut], start + pos))
                pos = m.end() if m else pos
            if len(pieces) < 2:
                return []
            for piece, at in pieces:
                found = parse_item(piece)
                if found is None or found.year is None:
                    return []
                out.append((piece.strip(), at, at + len(piece.strip()), found))
            continue
        if bracket and item.year is None:
            return []  # [Soviet], [sic], [3]: a bracket is a citation only with a year
        out.append((text, start, end, item))
    if len(out) > 1 and any(i.page_only for _, _, _, i in out):
        return []  # "(1; 2)" and the like
    return out


def _closes_clause(prose: str, end: int) -> bool:
    """A page number in parentheses cites only where a clause or sentence ends."""
    after = prose[end : end + 2]
    return not after.strip() or after.lstrip(" \t")[:1] in ".,;:!?)]\n" or after[:1] == "\n"


def _mid_title(prose: str, start: int) -> bool:
    """`*Modernism/modernity* (1994)`: a year after emphasis closes a title, not a name."""
    return prose[max(0, start - 1) : start] in ("*", "_")


def _citation(prose: str, index: LineIndex, f: _Found) -> Citation:
    items = [i for _, _, _, i in f.items]
    first = items[0]
    if f.form == "narrative":
        form = "narrative"
    elif f.form == "bracket":
        form = "bracket"
    elif first.page_only:
        form = "page"
    elif all(i.year is None for i in items):
        form = "author-page"
    else:
        form = "parenthetical"
    spans: tuple[Span, ...] = tuple(index.span(s, e) for _, s, e, _ in f.items)
    return Citation(
        span=index.span(f.start, f.end),
        style="author-date",
        targets=tuple(t for t, _, _, _ in f.items),
        raw=prose[f.start : f.end],
        form=form,
        locator=first.locator,
        label_spans=spans,
        authors=tuple(" and ".join(i.names) for i in items if i.names),
        year=first.year,
    )
