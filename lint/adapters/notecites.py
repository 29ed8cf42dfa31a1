"""Citations inside footnotes (Chicago notes): full first notes, short forms, Ibid.

A note is read as clauses, split at `;` and at sentence ends outside titles and
parentheses. A clause (or what follows a lead-in such as `See`, `Quoted in`, `On X, see`)
that has the shape of a citation becomes a `Citation` of style "note":

- full: `Henry Mayer, *All on Fire* (New York: St. Martin's, 1998), 577.`, an article
  (`Kyle G. Volk, "The Perils ...," *Journal ...* 29 (2009): 641-79`), an authorless
  newspaper piece (`"Sir Robert Peel at Tamworth," *Liberator,* October 24, 1835`), or a
  bibliography-style note (`Rothstein, Richard. 2018. The Color of Law ...`);
- short: `Marsden, *Fundamentalism*, 6-8.`, `Popkin, 71.`, `Marx and Engels 2014, 30.`;
- ibid: `Ibid.`, `Ibid., 45.`, `Id. at 3`;
- letter: `WLG to HEG, August 12, 1867, *LWLG* 5:527` (an archival document, complete in
  itself).

Anything else in a note (commentary, quotations) is left alone: a clause counts only when
it has one of these shapes from its start to its end, so prose that mentions a book in
passing is not mistaken for a citation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from citeaudit.model import Citation, Document, Note

# One name: capitalised words and initials, with the particles of family names.
_WORD = r"(?:[A-Z][\w'’\-]*\.?|[A-Z]\.(?:\s?[A-Z]\.)*)"
_PARTICLE = r"(?:de|da|del|van|von|der|den|du|la|le|St\.)"
_NAME = rf"{_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_WORD}){{0,4}}"
# "Last, First" as bibliographies (and bibliography-style notes) write it.
_INVERTED = rf"[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)?,\s+{_WORD}(?:\s+{_WORD}){{0,3}}"
_ONE = rf"(?:{_INVERTED}|{_NAME})"
_NAMES = (
    rf"(?P<names>{_ONE}(?:(?:,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+){_ONE}){{0,5}}"
    r"(?:,?\s+et\s+al\.?)?)"
)
_ROLE = r"(?:,?\s+(?:ed|eds|trans|comp|comps)\.(?:\s+by)?)?"
# Short forms name one to three family names: "Popkin", "Marx and Engels", "Green and Troup".
_SURNAME = r"(?:(?:van|von|de|du|Van|Von|De|Du)\s+)?[A-Z][\w'’\-]+"
_SURNAMES = (
    rf"(?P<names>(?!(?:The|A|An)\b){_SURNAME}(?:(?:,\s+(?:and\s+|&\s+)?|\s+(?:and|&)\s+)"
    rf"{_SURNAME}){{0,3}}(?:,?\s+et\s+al\.)?)"
)
# Students write `Marx Engels 2014, 16`: names side by side, only when a year follows.
_SURNAMES_DATED = (
    rf"(?P<dnames>(?!(?:The|A|An)\b){_SURNAME}(?:(?:,?\s+(?:and|&))?\s+{_SURNAME}){{0,2}})"
)

_PAGES_ITEM = r"(?:[\dxivlcXIVLC]+(?:\s*[-–—]+\s*[\dxivlcXIVLC?]+)?)"
_LOCATOR = (
    r"(?P<loc>(?:(?:vol\.\s*)?\d+:)?(?:pp?\.\s*|chap(?:ter)?\.?\s*|ch\.\s*)?"
    rf"(?:\?\?+|{_PAGES_ITEM}(?:\s*,\s*{_PAGES_ITEM})*)(?:\s*n+\.\s*\d+)?"
    r"|Chapter\s+\d+|chap\.\s*\d+)"
)
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}},?\s+{_YEAR}|\d{{1,2}}\s+{_MONTH},?\s+{_YEAR}|{_MONTH},?\s+{_YEAR})"
)
_PUBINFO = re.compile(rf"\([^()]*\b{_YEAR}[a-z]?\b[^()]*\)|\b{_YEAR}\b|{_DATE}")

_IBID = re.compile(
    rf"^(?P<word>ibid|id)\.?(?:\s*(?:,|at)\s*{_LOCATOR})?[.,]?$",
    re.I,
)
_SUFFIX = r"(?:,?\s+(?:Jr|Sr)\.|,?\s+(?:II|III|IV)\b)?,?"
_LETTER = re.compile(
    rf"^(?P<from>(?:{_NAME}|[A-Z]{{2,6}}){_SUFFIX})\s+to\s+"
    rf"(?:(?:{_NAME}|[A-Z]{{2,6}}){_SUFFIX}(?:\s+and\s+(?:{_NAME}|[A-Z]{{2,6}}){_SUFFIX})?"
    r"|the\s+[\w\s]+?)"
    rf",\s*(?P<date>{_DATE}|\d{{1,2}}\s+{_MONTH}\s+{_YEAR})\b"
)
# `Surname, 71.`, `Marx and Engels 2014, 30.`, `Thompson, ??.`
_SHORT_BARE = re.compile(
    rf"^(?:{_SURNAMES_DATED},?\s+(?P<year>{_YEAR}[a-z]?)|{_SURNAMES}),\s*{_LOCATOR}\s*\.?$"
)
# Titles: *italic*, _italic_, \emph{} and \textit{}, "quoted", “quoted”, ``quoted''.
_TITLE = re.compile(
    r"(?<![*\w])\*(?!\s|\*)(?P<a>[^*]+?)(?<!\s)\*(?!\*)"
    r"|(?<![\w_])_(?!\s|_)(?P<b>[^_]+?)(?<!\s)_(?![\w_])"
    r"|\\(?:emph|textit|textsl)\{(?P<c>[^{}]+)\}"
    r"|\"(?P<d>[^\"]+?)\""
    r"|“(?P<e>[^“”]+?)”"
    r"|``(?P<f>.+?)''"
)
_LEAD_IN = re.compile(
    r"\b(?:see\s+also|see\s+especially|see(?:,\s*e\.g\.,)?|see,?\s+for\s+example,|cf\.|compare|quoted\s+in"
    r"|qtd\.\s+in|as\s+quoted\s+in|cited\s+in|reprinted\s+in|also)\s+",
    re.I,
)
_ABBREVIATION = re.compile(
    r"(?:\b(?:ed|eds|trans|vol|vols|no|nos|rev|pp|p|esp|cf|ca|c|jr|sr|mr|mrs|ms|dr|st|comp|"
    r"repr|rpt|ser|dept|univ|inc|co|ltd|al|n\.d|mass|conn|va|pa|ill|calif|tenn|ky|md|"
    r"n\.y|u\.k|u\.s|d\.c|wash|ibid|id|qtd|chap|ch|fig|vs|viz|i\.e|e\.g|"
    r"jan|feb|mar|apr|aug|sep|sept|oct|nov|dec)"
    r"|\b[A-Z])\.$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Clause:
    start: int  # offsets into the document text
    end: int


def note_citations(doc: Document, notes: list[Note], form: str = "footnote") -> list[Citation]:
    """The citations written inside `notes`, in order."""
    source = doc.prose or doc.text
    found: list[Citation] = []
    for note in notes:
        found += _in_note(doc, source, note, "inline-note" if note.inline else form)
    return found


def _in_note(doc: Document, source: str, note: Note, form: str) -> list[Citation]:
    start, end = note.body_span.start, note.body_span.end
    # Newlines become spaces, so a title wrapped over lines is one title; offsets hold.
    body = source[start:end].replace("\n", " ").replace("\r", " ")
    protected = _protected(body)
    found: list[Citation] = []
    for clause in _clauses(body, protected):
        text = body[clause.start : clause.end]
        if "\\cite" in text or "[@" in text:
            continue  # a key citation inside the note is linked as a key
        for offset, parsed in _parse_clause(text):
            a = start + clause.start + offset
            b = start + clause.end
            found.append(_citation(doc, note, a, b, parsed, form))
    return found


def _protected(body: str) -> list[tuple[int, int]]:
    """Titles and parentheses: never split inside them."""
    spans = [(m.start(), m.end()) for m in _TITLE.finditer(body)]
    depth, opened = 0, 0
    for i, char in enumerate(body):
        if char in "([":
            if depth == 0:
                opened = i
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
            if depth == 0:
                spans.append((opened, i + 1))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < pos < e for s, e in spans)


# `;` or a sentence end; the closing marks of a title that ends there (`*Club;*`,
# `*Wrought.*`) stay with the clause before.
_CUT = re.compile(
    r"(?P<semi>;)(?P<m1>[*_]?)\s*|(?<=[.?!])(?P<m2>[\"”’*_]*)\s+(?=[\"“‘*_]?[A-Z0-9])"
)
# A bibliography-style note puts full stops after the names and the year: `Rothstein,
# Richard. 2018. The Color of Law.` Those stops do not end the citation.
_OPENING = re.compile(rf"{_NAMES}{_ROLE}\.(?:\s+{_YEAR}[a-z]?\.)?")


def _clauses(body: str, protected: list[tuple[int, int]]) -> Iterator[Clause]:
    pos = len(body) - len(body.lstrip())
    for m in _CUT.finditer(body):
        # A cut after a title's closing mark (`*What Hath God Wrought.* For ...`) is
        # outside the title.
        marks = len(m.group("m1") or m.group("m2") or "")
        # `*Club;*`: the `;` sits inside the title and goes with it; a bare `;` does not.
        end = m.start() + (1 if m.group("semi") and marks else 0) + marks
        if _inside(end, protected):
            continue
        if marks and not m.group("semi") and _continues(body[pos:end]):
            continue
        if not m.group("semi") and (
            _ABBREVIATION.search(body[max(0, m.start() - 8) : m.start()])
            or _OPENING.fullmatch(body[pos : m.start()].strip())
        ):
            continue
        if body[pos:end].strip(" ;"):
            yield Clause(pos, end)
        pos = m.end()
    if body[pos:].strip():
        yield Clause(pos, len(body.rstrip()))


def _continues(so_far: str) -> bool:
    """A full citation goes on after its title (`Emile Vandervelde. "Ten Years of
    Socialism in Europe." Foreign Affairs 3 (1925)`): its author is named in full, or not
    at all, and its publication facts are still to come."""
    title = _TITLE.search(so_far)
    if title is None or _has_pubinfo(so_far):
        return False
    before = so_far[: title.start()].strip()
    if not before:
        return True
    names = re.fullmatch(rf"{_NAMES}{_ROLE}[.,]?", before)
    return names is not None and _has_given_name(names.group("names"))


@dataclass(frozen=True, slots=True)
class Parsed:
    kind: str
    authors: tuple[str, ...] = ()
    title: str | None = None
    year: str | None = None
    locator: str | None = None
    container: str | None = None


def _parse_clause(text: str) -> Iterator[tuple[int, Parsed]]:
    """The citation a clause holds, with its offset in the clause. A clause may open with
    a lead-in (`See`, `Quoted in`) or name the source after one (`On exiles, see ...`)."""
    leads = [m for m in _LEAD_IN.finditer(text)]
    # `See Ira Berlin et al.`: the lead-in is not part of the first author's name.
    starts = ([] if leads and leads[0].start() == 0 else [0]) + [m.end() for m in leads]
    for offset in starts:
        parsed = _parse(text[offset:].rstrip())
        if parsed is not None:
            yield offset, parsed
            return
    # Commentary that introduces a full reference: "... include David Turley, *The ...*".
    for m in re.finditer(
        r"\b(?:include|includes|including|is|are|by|in|from)\s+(?=[A-Z*_\"“])", text
    ):
        parsed = _parse(text[m.end() :].rstrip())
        if parsed is not None and parsed.kind == "full" and _has_pubinfo(text[m.end() :]):
            yield m.end(), parsed
            return


def _parse(text: str) -> Parsed | None:
    if not text:
        return None
    m = _IBID.match(text)
    if m:
        return Parsed("ibid", locator=_clean_loc(m.group("loc")))
    m = _LETTER.match(text)
    if m:
        written = " ".join(text[: m.end()].split()).rstrip(", ")
        return Parsed("letter", authors=(m.group("from").rstrip(", "),), title=written)
    m = _SHORT_BARE.match(text)
    if m:
        return Parsed(
            "short",
            authors=_split_names(m.group("names") or m.group("dnames")),
            year=m.group("year"),
            locator=_clean_loc(m.group("loc")),
        )
    m = _ARCHIVAL.match(text)
    if m:
        return Parsed("full", title=m.group("title").strip(), year=m.group("year"))
    title = _TITLE.search(text)
    if title is not None:
        return _with_title(text, title)
    return _unmarked(text)


_BY = re.compile(rf"^\s*(?:at\s+the\s+[^.,]*?\s+)?by\s+{_NAMES}(?:\s+with\s+.*)?\s*\.?$")
# An archival folder: `Press Records - History of UNM Press,, 1940-1949, Box: 14.`
_ARCHIVAL = re.compile(
    rf"^(?P<title>[A-Z][^.;]*?),+\s*(?P<year>{_YEAR})(?:\s*[-–]\s*\d{{2,4}}|s)?,\s*"
    r"(?:Box|Folder|Drawer|Carton|Item)\b"
)
_INSTITUTION = re.compile(
    r"\b(?:University|College|Librar(?:y|ies)|Collections?|Press|Society|Office|Records|"
    r"Archives?|Museum|Department|Digital|Historical|Board|Center|Institute)\b"
)


def _with_title(text: str, title: re.Match[str]) -> Parsed | None:
    before = text[: title.start()].strip()
    after = text[title.end() :]
    name = _title_text(title)
    locator = _end_locator(after)
    if not before:
        # A student's `*Miracle on the Mesa* by William E. Davis`: the work, named.
        by = _BY.match(after)
        if by:
            return Parsed("full", authors=_split_names(by.group("names")), title=name)
        # An authorless work: a newspaper piece or a title with its publication facts.
        if _has_pubinfo(after):
            return Parsed("full", title=name, year=_year(after), locator=locator)
        if _only_locator(after):
            return Parsed("short", title=name, locator=locator)
        return None
    full_names = re.fullmatch(rf"{_NAMES}{_ROLE}[.,]?(?:\s+{_YEAR}[a-z]?\.)?", before)
    short_names = re.fullmatch(rf"{_SURNAMES}{_ROLE},?", before)
    container = _container(after)
    if short_names and not _has_pubinfo(after) and (_only_locator(after) or not after.strip(" .,")):
        return Parsed(
            "short",
            authors=_split_names(short_names.group("names")),
            title=name,
            locator=locator,
            container=container,
        )
    if full_names and (_has_pubinfo(after) or _has_given_name(full_names.group("names"))):
        return Parsed(
            "full",
            authors=_split_names(full_names.group("names")),
            title=name,
            year=_year(after),
            locator=locator,
            container=container,
        )
    return None


_IN = re.compile(r"^\s*,?\s*in\s+(?=[*_\\])")


def _container(after: str) -> str | None:
    """`"Public Opinion," in *Speeches, Lectures and Letters*`: the book it is in."""
    m = _IN.match(after)
    if not m:
        return None
    title = _TITLE.match(after, m.end())
    return _title_text(title) if title else None


# Bibliography-style notes without markup: `Rothstein, Richard. 2018. The Color of Law.
# New York: Liveright. 55-56.` or `Vladimir I. Lenin. What Is to Be Done? (Martino, 2013), 20.`
_UNMARKED = re.compile(
    rf"^{_NAMES}\.\s+(?:(?P<year>{_YEAR}[a-z]?)\.\s+)?(?P<title>[A-Z][^.(]*?[^\s.])(?=\s*[.(]|$)"
)


def _unmarked(text: str) -> Parsed | None:
    m = _UNMARKED.match(text)
    if not m or not _has_pubinfo(text[m.end("names") :]):
        return None
    if not _has_given_name(m.group("names")) or _INSTITUTION.search(m.group("names")):
        return None
    after = text[m.end() :]
    return Parsed(
        "full",
        authors=_split_names(m.group("names")),
        title=m.group("title"),
        year=m.group("year") or _year(after),
        locator=_end_locator(after),
    )


def _title_text(m: re.Match[str]) -> str:
    value = next(g for g in m.groups() if g is not None)
    return " ".join(value.split()).strip(" ,.:;")


def _has_pubinfo(text: str) -> bool:
    return bool(_PUBINFO.search(text))


def _year(text: str) -> str | None:
    m = re.search(rf"\b({_YEAR}[a-z]?)\b", text)
    return m.group(1) if m else None


_END_LOCATOR = re.compile(rf"[,:]\s*(?:qtd\.\s+on\s+)?{_LOCATOR}\s*\.?\s*$")
_ONLY_LOCATOR = re.compile(rf"^\s*[,.]?\s*(?:in\s+\S.*?[,\s]\s*)?{_LOCATOR}?\s*\.?\s*$")


def _end_locator(after: str) -> str | None:
    if re.search(rf"{_DATE}\s*\.?\s*$", after):
        return None  # `The New York Times, October 4, 1991.`: a date, not a page
    m = _END_LOCATOR.search(after)
    if m is None or re.fullmatch(_YEAR, m.group("loc").strip()):
        return None  # `"b-money," 1998.`: a year, not a page
    return _clean_loc(m.group("loc"))


def _only_locator(after: str) -> bool:
    return bool(_ONLY_LOCATOR.match(after))


def _clean_loc(loc: str | None) -> str | None:
    return " ".join(loc.split()) if loc else None


def _split_names(names: str) -> tuple[str, ...]:
    names = re.sub(r",?\s+et\s+al\.?$", "", names.strip())
    if re.fullmatch(_INVERTED + r"(?:,?\s+(?:and|&)\s+" + _INVERTED + r")*", names):
        parts = re.split(r",?\s+(?:and|&)\s+", names)
    else:
        parts = re.split(r",\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+", names)
    return tuple(re.sub(r"(?<=\w\w)\.$", "", " ".join(p.split())) for p in parts if p.strip())


def _has_given_name(names: str) -> bool:
    """`George M. Marsden` or `Rothstein, Richard` name a person in full; `Marsden` does not."""
    first = _split_names(names)[0] if names.strip() else ""
    return "," in first or len(first.split()) >= 2


def _citation(doc: Document, note: Note, start: int, end: int, p: Parsed, form: str) -> Citation:
    raw = doc.text[start:end]
    if p.kind == "ibid":
        target = "Ibid."
    elif p.kind == "letter":
        target = p.title or raw[:60]
    else:
        who = " and ".join(p.authors[:2]) + (" et al." if len(p.authors) > 2 else "")
        target = ", ".join(x for x in (who, p.title or p.year or "") if x)
    return Citation(
        span=doc.span(start, end),
        style="note",
        targets=(target or raw[:60],),
        raw=" ".join(raw.split()),
        form=form,
        locator=p.locator,
        authors=p.authors,
        year=p.year,
        note_label=note.label,
        kind=p.kind,
        title=p.title,
        container=p.container,
    )
