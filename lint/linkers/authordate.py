"""Author-date and MLA author-page citations against an unnumbered reference list.

Each item of a citation (`Stueck 2002a`, `Friedman, *Logic* 35`, `247`) is matched by
normalised family name (accents, case and particles folded), then by year and suffix, or
by short title where one author has several works. A page-only `(247)` belongs to the
author named in its sentence or the one before, or else to the source cited last. When an
item matches nothing, rapidfuzz finds what comes close, and the link says in words what
differs ("the list has Foucault 1988", "'Lardieri 2017' is spelt differently").

Weak forms are only taken as citations when they resolve: a lone `(Heller)` or a bare
`(Name 35)` outside an MLA document, a narrative `France (1929)` with nothing close in
the list, a page number with no source before it. Everything else that fails is reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from citeaudit.adapters.authordate import Item, parse_item
from citeaudit.geometry import Geometry, geometry
from citeaudit.link import Link
from citeaudit.model import Citation, Document, Entry, Span
from citeaudit.normalize import family_names, fold, words

_RANGE = re.compile(r"\b(1[5-9]\d\d|20\d\d)\s*[-–—]+\s*(1[5-9]\d\d|20\d\d)\b")
_YEAR_DIGITS = re.compile(r"1[5-9]\d\d|20\d\d")
_CAPITALISED = re.compile(r"[A-ZÀ-Þ][\w'’\-]+")
# Similarity (0-100) above which a family name counts as a misspelling of another.
NEAR_NAME = 80


@dataclass(frozen=True, slots=True)
class _Source:
    entry: Entry
    families: tuple[str, ...]  # folded family names, in order
    author_words: frozenset[str]  # every folded word of the author field
    lead: str  # the first word of a name written without a comma: "behnke" (Family Papers)
    title_words: frozenset[str]
    years: tuple[int, int] | None  # the span of years the entry covers
    year: str  # as written, folded: "2002a", "n.d.", "" when none
    house: str = ""  # a house-style label before the entry, `[Bird et al. 2009]`, folded

    def label(self) -> str:
        """'Wickham and Francois 2014', 'Bird et al. 2009', or a title in quotes."""
        authors = self.entry.authors
        if authors:
            name = authors[0].split(",")[0].strip()
            if len(authors) == 2:
                name += " and " + _family_as_written(authors[1])
            elif len(authors) > 2:
                name += " et al."
        else:
            name = f"'{_short(self.entry.title or self.entry.raw)}'"
        return f"{name} {self.year}" if self.year else name


def _family_as_written(author: str) -> str:
    return author.split(",")[0].strip() if "," in author else author.split()[-1]


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


_HOUSE = re.compile(r"\[([^\[\]\n]{2,80})\][ \t]*$")


def sources(doc: Document) -> list[_Source]:
    return [_source(e, _house_label(doc, e)) for e in doc.entries]


def _house_label(doc: Document, entry: Entry) -> str:
    """`[Townsend 2012] Townsend, Robert B. ...`: the label DHQ and others print."""
    if entry.path is not None:
        return ""
    line_start = doc.text.rfind("\n", 0, entry.span.start) + 1
    m = _HOUSE.search(doc.text, line_start, entry.span.start)
    return m.group(1).strip() if m else ""


def label_key(text: str) -> str:
    """A label folded for comparison; an open range `2014-` is the year 2014."""
    text = fold(text).replace("et al.", "et al")
    text = re.sub(r"[\"“”]", "", text)
    text = re.sub(r"(\d{4}[a-h]?)\s*[-–—]\s*$", r"\1", text.strip())
    return " ".join(text.split())


def _source(entry: Entry, house: str = "") -> _Source:
    families = tuple(
        f for a in entry.authors for f in sorted(family_names((a.removesuffix(", author"),)))
    )
    author = entry.get("author") or ""
    year = (entry.year or "").strip()
    years: tuple[int, int] | None = None
    if year[:4].isdigit():
        years = (int(year[:4]), int(year[:4]))
    else:
        span = _RANGE.search(entry.raw)
        if span:
            years = (int(span.group(1)), int(span.group(2)))
    author_list = words(author)
    lead = author_list[0] if author_list and "," not in author and len(author_list) > 1 else ""
    return _Source(
        entry,
        families,
        frozenset(author_list),
        lead,
        frozenset(words(entry.title or "")),
        years,
        "n.d." if year.startswith("n") else year,
        label_key(house) if house else "",
    )


def link(doc: Document, citations: Sequence[Citation]) -> list[Link]:
    checked = doc.list_style == "unnumbered" and bool(doc.entries)
    if not checked:
        return [
            Link(c, t, None, span=_span(c, i), checked=False)
            for c in citations
            for i, t in enumerate(c.targets)
        ]
    table = sources(doc)
    index = _Index(table)
    parsed = [(c, i, t, parse_item(t)) for c in citations for i, t in enumerate(c.targets)]
    mla = _mla(parsed)
    geo = geometry(doc)
    links: list[Link] = []
    last: tuple[Entry, int] | None = None  # the source cited last, and where
    for citation, i, target, item in parsed:
        if item is None:
            continue
        if item.page_only:
            entry = _page_only(geo, citation, table, last) if mla else None
            if entry is not None:
                links.append(Link(citation, target, entry, span=_span(citation, i)))
                last = (entry, citation.span.end)
            continue
        found = _by_house(citation, item, table) or resolve(
            item, index, _before(geo, citation), brackets=citation.form == "bracket"
        )
        if found.entry is not None:
            links.append(Link(citation, target, found.entry, span=_span(citation, i)))
            last = (found.entry, citation.span.end)
        elif _report(citation, item, found, mla):
            why, near = found.why, found.near
            named = named_title(_before(geo, citation), doc.entries)
            if named is not None:
                title = _short(named.title or "")
                why += f"; the sentence names '{title}', {_source(named).label()}"
                near = (named, *[e for e in near if e is not named])
            span = _span(citation, i)
            links.append(Link(citation, target, None, near=near, why=why, span=span))
    return links


def _by_house(citation: Citation, item: Item, table: list[_Source]) -> Resolution | None:
    """A bracketed citation that repeats a house label (`[Townsend 2012]`) exactly."""
    if citation.form != "bracket":
        return None
    key = label_key(re.sub(r",\s*", " ", item.head))
    for source in table:
        if source.house and source.house == key:
            return Resolution(source.entry)
    return None


def _before(geo: Geometry, citation: Citation) -> str:
    """The citation's sentence up to the citation, as written."""
    start = citation.span.start
    sentence = geo.sentence_at(start)
    return geo.prose[sentence[0] if sentence else 0 : start]


def _span(citation: Citation, i: int) -> Span:
    if len(citation.label_spans) > i:
        return citation.label_spans[i]
    return citation.span


def _mla(parsed: list[tuple[Citation, int, str, Item | None]]) -> bool:
    """MLA when items that name an author without a year outnumber dated ones."""
    named = [item for _, _, _, item in parsed if item is not None and not item.page_only]
    undated = sum(1 for item in named if item.year is None)
    return undated > 0 and undated >= len(named) - undated


@dataclass(frozen=True, slots=True)
class Resolution:
    entry: Entry | None
    near: tuple[Entry, ...] = ()
    why: str = ""
    # The author is in the list (only the year or title differs), or a name close to it.
    close: bool = False


def resolve(
    item: Item, table: list[_Source] | _Index, context: str = "", *, brackets: bool = False
) -> Resolution:
    """Match one parsed item against the list; `context` is the sentence before it, which
    may name the author of a title-only citation."""
    written = item.head if item.year is not None else item.text
    shown = f"[{written}]" if brackets else f"({written})"
    index = table if isinstance(table, _Index) else _Index(table)
    table = index.table
    by_name = _by_name(item, index)
    attempts: list[tuple[str, list[_Source]]] = [("name", by_name)] if by_name else []
    if item.title:
        attempts.append(("title", _by_title(item.title, table)))
    if item.names and not by_name and item.year is None:
        # "(Houses, p. 174)": a short title where the author should be.
        attempts.append(("name as title", _by_title(" ".join(item.names), table)))
    for kind, candidates in attempts:
        chosen = _narrow(item, candidates)
        if kind == "title" and item.names and len(chosen) == 1 and chosen[0].families:
            # The title is listed, under another name: "(Fridman, *Planetary* 12)".
            return _other_author(item, chosen[0], shown)
        if len(chosen) > 1 and not item.names and context:
            named = set(words(context))
            chosen = [s for s in chosen if set(s.families[:1]) & named] or chosen
        if len(chosen) > 1 and item.year is not None:
            # "2002a" is the entry dated 2002a, "2002" the one dated plain 2002.
            exact = [s for s in chosen if s.year == fold(item.year)]
            chosen = exact if len(exact) == 1 else chosen
        suffixed = item.year is not None and item.year[-1].isalpha()
        if len(chosen) > 1 and len(item.names) == 1 and not item.et_al and not suffixed:
            chosen = [s for s in chosen if len(s.families) <= 1] or chosen
        if len(chosen) == 1 or (chosen and _same_work(chosen)):
            return Resolution(chosen[0].entry)
        if chosen:
            listed = " and ".join(s.label() for s in chosen)
            hint = "a year suffix" if item.year is not None else "a short title"
            return Resolution(
                None,
                tuple(s.entry for s in chosen),
                f"{shown} could be any of {len(chosen)} entries, {listed}; add {hint}",
                close=True,
            )
    listed_by = next((c for _, c in attempts if c), [])
    if listed_by:
        listed = " and ".join(dict.fromkeys(s.label() for s in listed_by))
        return Resolution(
            None,
            tuple(s.entry for s in listed_by),
            f"{shown} has no entry; the list has {listed}",
            True,
        )
    return _near_miss(item, table, shown)


class _Index:
    """The list's sources by the first author's family name and by the first word of a
    name written without a comma, built once per document."""

    def __init__(self, table: list[_Source]) -> None:
        self.table = table
        self.by_family: dict[str, list[_Source]] = {}
        self.by_lead: dict[str, list[_Source]] = {}
        for source in table:
            for family in source.families[:1]:
                self.by_family.setdefault(family, []).append(source)
            if source.lead:
                self.by_lead.setdefault(source.lead, []).append(source)


def _by_name(item: Item, index: _Index) -> list[_Source]:
    if not item.names:
        return []
    first = item.names[0]
    wanted = family_names((first,))
    name_words = set(words(first))
    hits: dict[int, _Source] = {}
    for family in wanted:
        for source in index.by_family.get(family, []) + index.by_lead.get(family, []):
            hits[id(source)] = source
    if len(name_words) > 1:  # a corporate author: every word of it in the entry's author
        for source in index.table:
            if name_words <= source.author_words:
                hits[id(source)] = source
    found = [s for s in index.table if id(s) in hits]
    if len(item.names) > 1 and not item.et_al and len(found) > 1:
        second = family_names((item.names[1],))
        both = [s for s in found if second & set(s.families[1:])]
        return both or found
    return found


def _by_title(title: str, table: list[_Source]) -> list[_Source]:
    wanted = set(words(title))
    if not wanted:
        return []
    return [s for s in table if s.title_words and wanted <= s.title_words]


def _narrow(item: Item, candidates: list[_Source]) -> list[_Source]:
    chosen = candidates
    if item.year is not None:
        chosen = [s for s in chosen if _year_fits(item.year, s)]
    if item.title and chosen:
        titled = _by_title(item.title, chosen) or [s for s in chosen if _title_close(item.title, s)]
        # A misremembered title does not undo a match by author and year.
        chosen = titled or (chosen if item.year is not None and len(chosen) == 1 else [])
    return chosen


def _same_work(chosen: list[_Source]) -> bool:
    """Two entries of one work (a duplicate; REF001 reports it) are not ambiguous."""
    titles = {" ".join(sorted(s.title_words)) for s in chosen}
    return len(titles) == 1


def _year_fits(year: str, source: _Source) -> bool:
    if year == "n.d.":
        return source.year == "n.d." or source.years is None
    digits = _YEAR_DIGITS.findall(year)
    if not digits:
        return source.year == fold(year)
    if source.years is None:
        return source.year == ""  # an entry without a year is not contradicted
    low, high = source.years
    if not low <= int(digits[0]) <= high:
        return False
    suffix = year[-1] if year[-1].isalpha() else ""
    own = source.year[-1] if source.year and source.year[-1].isalpha() else ""
    return not (suffix and own and suffix != own)


def _title_close(title: str, source: _Source) -> bool:
    from rapidfuzz import fuzz

    return fuzz.partial_ratio(fold(title), fold(source.entry.title or "")) >= 85


def _other_author(item: Item, source: _Source, shown: str) -> Resolution:
    from rapidfuzz import fuzz

    name = sorted(family_names(item.names[:1]))
    close = bool(name) and fuzz.ratio(name[0], source.families[0]) >= NEAR_NAME
    if close:
        why = f"{shown} has no entry; '{source.label()}' is spelt differently"
    else:
        why = f"{shown} has no entry; '{_short(source.entry.title or '')}' is by {source.label()}"
    return Resolution(None, (source.entry,), why, close=True)


def _near_miss(item: Item, table: list[_Source], shown: str) -> Resolution:
    """Nothing by this name: say what is close, or that nothing is."""
    name = item.names[0] if item.names else (item.title or "")
    wanted = sorted(family_names((name,))) if item.names else [fold(name)]
    pool = [(f, s) for s in table for f in s.families[:1]]
    if wanted and pool:
        from rapidfuzz import fuzz, process

        best = process.extract(
            wanted[0], [f for f, _ in pool], scorer=fuzz.ratio, limit=3, score_cutoff=NEAR_NAME
        )
        near = [pool[index][1] for _, _, index in best]
        if near:
            dated = [s for s in near if item.year is None or _year_fits(item.year, s)]
            source = (dated or near)[0]
            differs = "is spelt differently"
            if item.year is not None and not dated:
                differs += f" and dated {source.year or 'without a year'}"
            return Resolution(
                None,
                tuple(s.entry for s in near),
                f"{shown} has no entry; '{source.label()}' {differs}",
                close=True,
            )
    if item.names:
        return Resolution(None, why=f"{shown} has no entry, and no {name} is listed")
    return Resolution(None, why=f"{shown} has no entry, and no title '{_short(name)}' is listed")


def _report(citation: Citation, item: Item, found: Resolution, mla: bool) -> bool:
    """Whether an unresolved item is a citation at all (see the module doc)."""
    if found.close:
        return True
    if citation.form == "narrative":
        return False
    if item.year is not None or item.title is not None:
        return True
    written = citation.raw
    if item.locator is None:
        return False  # "(Heller)": a name in parentheses
    strong = "," in written or re.search(r"\bpp?\.", written) is not None
    return strong or mla


def _page_only(
    geo: Geometry, citation: Citation, table: list[_Source], last: tuple[Entry, int] | None
) -> Entry | None:
    """The source of a page-only citation: an author named in its sentence or the one
    before (in its paragraph, after the last citation), else the source cited last."""
    text = geo.prose
    start = citation.span.start
    sentence_start = start - len(_before(geo, citation))
    previous = sentence_start - len(_before_offset(geo, sentence_start))
    paragraph = text.rfind("\n\n", 0, start) + 2 if "\n\n" in text[:start] else 0
    floor = max(previous, paragraph, last[1] if last else 0)
    by_family: dict[str, list[_Source]] = {}
    for source in table:
        for family in source.families[:1]:
            by_family.setdefault(family, []).append(source)
    for window in (text[max(floor, sentence_start) : start], text[floor:start]):
        for m in reversed(list(_CAPITALISED.finditer(window))):
            token = words(m.group(0).removesuffix("'s").removesuffix("’s"))
            found = by_family.get(token[0]) if token else None
            if found:
                return _by_emphasis(window, found)
    return last[0] if last else None


def _before_offset(geo: Geometry, offset: int) -> str:
    """The sentence that ends just before `offset`."""
    sentence = geo.sentence_at(max(0, offset - 1))
    return geo.prose[sentence[0] if sentence else 0 : offset]


def _by_emphasis(before: str, found: list[_Source]) -> Entry:
    """Of one author's works, the one whose title the sentence names in emphasis."""
    if len(found) > 1:
        for m in re.finditer(r"\*([^*]+)\*|_([^_]+)_|[“\"]([^”\"]+)[”\"]", before):
            named = set(words(next(g for g in m.groups() if g)))
            for source in found:
                if named and named <= source.title_words:
                    return source.entry
    return found[0].entry


# A title written in a sentence: emphasised (not bold) or in curly quotes.
_TITLE_IN_PROSE = re.compile(
    r"(?<!\*)\*(?!\*)([^*\n]{4,160})(?<!\*)\*(?!\*)|(?<![\w_])_(?!_)([^_\n]{4,160})_(?![\w_])"
    r"|“([^”\n]{4,160})”"
)


def title_key(entry: Entry) -> set[str]:
    """The main title's significant words (before any subtitle)."""
    main = re.split(r"[:?]\s", entry.title or "", maxsplit=1)[0]
    return set(words(main))


def named_title(sentence: str, entries: Sequence[Entry]) -> Entry | None:
    """The one entry whose main title the sentence writes out, in emphasis or quotes."""
    for m in _TITLE_IN_PROSE.finditer(sentence):
        named = set(words(next(g for g in m.groups() if g)))
        if not 2 <= len(named) <= 12:
            continue
        # The words name the title itself, not a phrase that happens to contain it.
        fits = [
            e
            for e in entries
            if (key := title_key(e))
            and len(key) >= 2
            and key <= named
            and len(key) * 5 >= len(named) * 3
        ]
        if len(fits) == 1:
            return fits[0]
    return None
