"""REF rules: the reference list itself."""

from __future__ import annotations

import bisect
import datetime
import math
import re
from collections import defaultdict
from collections.abc import Iterator

from citeaudit.linking import label_text
from citeaudit.model import Diagnostic, Document, Entry
from citeaudit.normalize import family_names, key, surnames
from citeaudit.rules import RuleContext, printed_entries, rule

# Events whose start bounds the date of any work about them.
EVENTS: dict[str, int] = {
    "korean war": 1950,
    "vietnam war": 1955,
    "second world war": 1939,
    "world war ii": 1939,
    "world war 2": 1939,
    "first world war": 1914,
    "world war i": 1914,
    "great war": 1914,
    "cold war": 1946,
    "cuban missile crisis": 1962,
    "berlin wall": 1961,
    "marshall plan": 1947,
    "nato": 1949,
    "holocaust": 1941,
    "great depression": 1929,
    "russian revolution": 1917,
    "october revolution": 1917,
    "french revolution": 1789,
    "american civil war": 1861,
    "gulf war": 1990,
    "iraq war": 2003,
    "chinese civil war": 1927,
    "spanish civil war": 1936,
    "covid": 2019,
    "sars-cov-2": 2019,
    "internet": 1969,
    "bitcoin": 2008,
    "ethereum": 2013,
    "world wide web": 1989,
    "apartheid": 1948,
    "united nations": 1945,
    "hiroshima": 1945,
}
_RANGE = re.compile(r"(1[4-9]\d\d|20\d\d)\s*[-–]\s*(1[4-9]\d\d|20\d\d)")
_DIGITS = re.compile(r"\d+")
_LINK = re.compile(r"(?:https?://|www\.|doi:\s*)\S+", re.I)
_YEAR = re.compile(r"(?<![\d.])(1[4-9]\d\d|20\d\d)(?![\d])")
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s+([A-Za-z]+)\b|\b([A-Za-z]+)\s+(\d{1,2})\b")


def _text_entries(doc: Document) -> list[Entry]:
    return [e for e in doc.entries if e.kind == "text"]


@rule(
    "REF001",
    "duplicate-reference",
    "warning",
    options={"title-threshold": {"type": "number", "minimum": 50, "maximum": 100}},
    defaults={"title-threshold": 90},
)
def duplicate_reference(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports an entry that lists the same work as an earlier entry: the normalised titles
    match closely (rapidfuzz token-sort ratio at least `title-threshold`, default 90) and
    the entries share an author name, or neither has one. The message names the fields
    that disagree.

    ## Why is this bad?
    A work listed twice splits its citations between two numbers, and when the copies
    disagree (here on the year) at most one of them is right.

    ## Example
    ```markdown
    [1] Stueck William, (1993) Rethinking the Korean War, Princeton University Press.
    [6] Stueck, William. (1947) Rethinking the Korean War.
    ```
    Keep one entry, with the right year, and point every citation at it.
    """
    if doc.notes_list:
        return
    entries = [e for e in _text_entries(doc) if e.title]
    if len(entries) < 2:
        return
    titles = [key(e.title or "") for e in entries]
    # Only pairs whose titles agree can be duplicates: find them first (blocked, in C),
    # then run the slower checks on those pairs alone.
    candidates = _similar_titles(titles, ctx.options["title-threshold"])
    for j in range(len(entries)):
        for i in sorted(candidates.get(j, ())):
            authored = bool(entries[i].authors and entries[j].authors)
            # A short title ("quanteda") identifies a work only when it is the same title
            # by the same authors.
            identical = authored and titles[i] == titles[j] and bool(titles[i])
            if not identical and not (_substantial(titles[i]) and _substantial(titles[j])):
                continue
            close, contained = candidates[j][i]
            same_title = close or (contained and authored)
            # Catalogues of 1935-1936 and 1937-1938, or boxes 3 and 4, are different works.
            if not _numbers_agree(entries[i], entries[j]):
                continue
            # Entries that link to different documents describe different items.
            url_i, url_j = entries[i].get("url"), entries[j].get("url")
            if url_i and url_j and _bare_url(url_i) != _bare_url(url_j):
                continue
            # Two dated items of one series (folders, issues, letters) are different works.
            date_i, date_j = entries[i].get("date"), entries[j].get("date")
            if date_i and date_j and key(date_i) != key(date_j):
                continue
            if same_title and _same_authors(entries[i], entries[j]):
                yield _duplicate(ctx, entries[i], entries[j])
                break


def _similar_titles(titles: list[str], threshold: float) -> dict[int, dict[int, tuple[bool, bool]]]:
    """For each title j, the earlier titles i that are close (token-sort ratio at least
    `threshold`) or contained (the words of one are all words of the other, rapidfuzz's
    token-set ratio of 100), each with (close, contained). Linear in practice: ratios are
    computed only between titles whose lengths allow the threshold, and containment only
    among titles that share the rarest word of the shorter one."""
    from rapidfuzz import fuzz, process

    found: dict[int, dict[int, tuple[bool, bool]]] = defaultdict(dict)
    # token_sort_ratio is the ratio of the titles with their words sorted.
    ordered = [" ".join(sorted(t.split())) for t in titles]
    by_length = sorted(range(len(titles)), key=lambda i: len(ordered[i]))
    lengths = [len(ordered[i]) for i in by_length]
    slack = 1 - threshold / 100  # below 0.5: the threshold is at least 50
    for j, text in enumerate(ordered):
        n = len(text)
        lo = bisect.bisect_left(lengths, math.floor(n * (1 - slack) / (1 + slack)))
        hi = bisect.bisect_right(lengths, math.ceil(n * (1 + slack) / (1 - slack)))
        window = [i for i in by_length[lo:hi] if i < j]
        if not window:
            continue
        for _, _, at in process.extract(
            text,
            [ordered[i] for i in window],
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            limit=None,
        ):
            found[j][window[at]] = (True, False)
    words = [set(t.split()) for t in titles]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, held in enumerate(words):
        for w in held:
            postings[w].append(i)
    for a, held in enumerate(words):
        if not held:
            continue
        rarest = min(held, key=lambda w: (len(postings[w]), w))
        for b in postings[rarest]:
            if b != a and held <= words[b]:
                i, j = min(a, b), max(a, b)
                close = found[j].get(i, (False, False))[0]
                found[j][i] = (close, True)
    return found


def _bare_url(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.casefold()).rstrip("/")


def _numbers_agree(a: Entry, b: Entry) -> bool:
    """Each entry's numbers (besides year, date, pages and links) appear in the other."""
    return _other_numbers(a) <= set(_DIGITS.findall(b.raw)) and _other_numbers(b) <= set(
        _DIGITS.findall(a.raw)
    )


def _other_numbers(entry: Entry) -> set[str]:
    """Numbers an entry holds besides its year, date, pages, locators and links."""
    rest = _LINK.sub(" ", entry.raw)
    for name in ("year", "date", "pages", "accessed", "url", "doi"):
        value = entry.get(name)
        if value:
            rest = rest.replace(value, " ")
    return set(_DIGITS.findall(rest))


def _substantial(title: str) -> bool:
    return len(title) >= 12 and len(title.split()) >= 2


def _same_authors(a: Entry, b: Entry) -> bool:
    """Both anonymous, a family name in common, or the same name parts in another order
    ('Stueck William' and 'Stueck, William')."""
    if not a.authors and not b.authors:
        return True
    if family_names(a.authors) & family_names(b.authors):
        return True
    parts_a, parts_b = surnames(a.authors), surnames(b.authors)
    return len(parts_a) >= 2 and parts_a == parts_b


def _duplicate(ctx: RuleContext, first: Entry, later: Entry) -> Diagnostic:
    differences = []
    for name in ("year", "publisher", "container", "volume"):
        a, b = first.get(name), later.get(name)
        if a and b and key(a) != key(b):
            differences.append(f"{name} {a} in {label_text(first)}, {b} in {label_text(later)}")
    detail = "; they disagree on " + "; ".join(differences) if differences else ""
    return ctx.diagnostic(
        later.label_span or later.span,
        f"entry {label_text(later)} lists the same work as {label_text(first)}{detail}",
        related=[
            ctx.related(first.label_span or first.span, f"first listed as {label_text(first)}")
        ],
        context=f"{first.raw[:60]} || {later.raw[:60]}",
    )


@rule("REF002", "reference-numbering", "warning")
def reference_numbering(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports numbers of a numbered reference list that skip (`[1] [2] [4]`), repeat
    (`[3] [3]`) or go backwards (`[5] [4]`). The list may start at 0 or 1.

    ## Why is this bad?
    Citations name entries by number. A gap or repeat means some marker now points at a
    different source than the author meant.

    ## Example
    ```markdown
    [1] Cumings 1981.
    [2] Stueck 1995.
    [4] Weathersby 1995.
    ```
    Renumber the list and the markers together.
    """
    if doc.list_style != "numbered":
        return
    seen: dict[int, Entry] = {}
    previous: int | None = None
    for entry in doc.entries:
        if entry.label is None or not entry.label.isdigit():
            continue
        number = int(entry.label)
        span = entry.label_span or entry.span
        if number in seen:
            yield ctx.diagnostic(
                span,
                f"[{number}] is numbered twice",
                related=[
                    ctx.related(seen[number].label_span or seen[number].span, f"first [{number}]")
                ],
            )
        elif previous is None and number > 1:
            yield ctx.diagnostic(
                span,
                f"the list starts at [{number}]: {_missing(0 if number > 1 else 1, number)} missing",
            )
        elif previous is not None and number < previous:
            yield ctx.diagnostic(span, f"[{number}] comes after [{previous}]")
        elif previous is not None and number > previous + 1:
            yield ctx.diagnostic(
                span, f"[{number}] follows [{previous}]: {_missing(previous + 1, number)} missing"
            )
        seen.setdefault(number, entry)
        previous = max(number, previous or 0)


def _missing(low: int, high: int) -> str:
    low = max(low, 1)
    if high - low == 1:
        return f"[{low}] is"
    return f"[{low}]–[{high - 1}] are"


@rule(
    "REF003",
    "incomplete-reference",
    "warning",
    options={"min-confidence": {"type": "number", "minimum": 0, "maximum": 1}},
    defaults={"min-confidence": 0.3},
)
def incomplete_reference(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports an entry of a numbered reference list without a title, without a date (`n.d.` is a
    date), or, for books, articles, chapters and theses, without an author, editor or
    institution. Entries that are only a URL, and entries of a "Notes" list (which mixes
    comments and citations), are left to other rules. Unnumbered author-date lists are not
    checked yet: their ditto marks (`------.`) and house-style labels (`[Butler 1993]`)
    need a parser of their own before this rule can be trusted on them.

    ## Why is this bad?
    Without its title, date or creator a source cannot be found or judged, and an
    undated source cannot be placed against the events it is cited for.

    ## Example
    ```markdown
    [14] Central Documentary Research Office, Selected Military Writings of Zhou Enlai,
         Beijing People's Press, pp.67-68.
    ```
    Add the year of publication.
    """
    if doc.list_style != "numbered" or doc.notes_list:
        return
    for entry in _text_entries(doc):
        if _only_link(entry) or entry.confidence < ctx.options["min-confidence"]:
            continue
        missing = []
        if not entry.title:
            missing.append("title")
        if not entry.year and not entry.get("date"):
            missing.append("date")
        if entry.entry_type in ("book", "article", "chapter", "thesis") and not entry.authors:
            missing.append("author")
        if missing:
            yield ctx.diagnostic(
                entry.label_span or entry.span,
                f"entry {label_text(entry)} has no {' or '.join(missing)}",
                context=entry.raw[:80],
            )


def _only_link(entry: Entry) -> bool:
    rest = _LINK.sub("", entry.raw)
    return len(re.sub(r"[\W_]+", "", rest)) < 25 and rest != entry.raw


@rule("REF004", "implausible-date", "warning")
def implausible_date(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports an entry whose date cannot be right: a year after this one, a day that does
    not exist (`31 April`), or a year earlier than what the entry itself is about: a title
    that names a later year, or a well-known event that began after it ("the Korean War"
    in a work dated 1947).

    ## Why is this bad?
    A wrong year sends the reader to the wrong edition, or to nothing, and an impossible
    one suggests the entry was pieced together from two sources.

    ## Example
    ```markdown
    [6] Stueck, William. (1947) Rethinking the Korean War.
    ```
    The Korean War began in 1950; the book appeared in 2002.
    """
    this_year = datetime.date.today().year
    for entry in printed_entries(doc, ctx):
        year_text = entry.year
        if not year_text or not year_text[:4].isdigit():
            continue
        year = int(year_text[:4])
        span = entry.fields["year"].span if "year" in entry.fields else entry.span
        path = entry.path
        if year > this_year:
            yield ctx.diagnostic(
                span,
                f"entry {label_text(entry)} is dated {year}, which is in the future",
                path=path,
            )
            continue
        reason = _later_content(entry, year)
        if reason:
            yield ctx.diagnostic(
                span, f"entry {label_text(entry)} is dated {year}, but {reason}", path=path
            )
        bad_day = _impossible_day(entry.get("date") or "")
        if bad_day:
            yield ctx.diagnostic(
                entry.fields["date"].span,
                f"entry {label_text(entry)} has an impossible date: {bad_day}",
                path=path,
            )


def _later_content(entry: Entry, year: int) -> str | None:
    title = entry.title or ""
    folded = " ".join(title.casefold().split())
    for event, began in EVENTS.items():
        if began > year + 1 and re.search(rf"\b{re.escape(event)}\b", folded):
            return f"its title is about the {_title_case(event)}, which began in {began}"
    ahead = {int(m.group(2)) for m in _RANGE.finditer(title) if int(m.group(1)) <= year + 1}
    later = [int(y) for y in _YEAR.findall(title) if int(y) > year + 1 and int(y) not in ahead]
    if later:
        return f"its title names the year {max(later)}"
    return None


def _title_case(event: str) -> str:
    small = {"of", "the"}
    return " ".join(
        w if w in small else (w.upper() if w in {"nato", "ii", "i"} else w.capitalize())
        for w in event.split()
    )


def _impossible_day(date: str) -> str | None:
    for m in _DAY_MONTH.finditer(date):
        day_text, month_text = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        month = _MONTHS.get(month_text.casefold())
        if not month:
            continue
        day = int(day_text)
        limit = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        if day < 1 or day > limit:
            return f"{month_text} has no day {day}"
    return None
