"""SRC rules on what a source is: anachronistic (SRC001), tertiary (SRC004), and quotations with no citation (SRC005)."""

from __future__ import annotations

import bisect
import datetime
import re
from collections import Counter
from collections.abc import Iterator

from citeaudit.geometry import geometry
from citeaudit.linking import describe, label_text
from citeaudit.model import Diagnostic, Document, Entry
from citeaudit.normalize import fold
from citeaudit.rules import RuleContext, printed_entries, rule
from citeaudit.urls import entry_urls, url_host


def _describe(entry: Entry) -> str:
    from citeaudit.audit import describe_entry

    return describe_entry(entry)


@rule("SRC001", "anachronistic-source", "warning")
def anachronistic_source(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a citation whose source is dated before the events its sentence reports: the
    latest year the sentence writes is after the entry's year. In a numeric document,
    when the sentence writes no year, the latest year written earlier in its paragraph
    counts (as in "his meeting with Kim on March 5, 1949. He demanded ... [6]"). For
    author-date and MLA citations the sentence is the one that holds the citation; for a
    footnote it is the sentence that carries the note's marker, and only a note that
    cites one work is judged (a note of several sources cannot say which one the events
    belong to). Years in parentheses or right after a name ("Cumings (1981)", "Stueck
    1993") name publications, not events, and years after this one are predictions;
    neither counts.

    ## Why is this bad?
    A source cannot report what happened after it was written. Either the entry's year is
    wrong (a misprint, or the year of another edition), or the citation points at the
    wrong entry.

    ## Example
    ```markdown
    Stalin met Kim on March 5, 1949. He demanded 25,000 tons of lead a year [6].

    [6] Stueck, William. (1947) Rethinking the Korean War.
    ```
    Correct the year (the book appeared in 1995), or cite the record of the meeting.
    Author-date and MLA citations are checked the same way against the entry they link
    to: `In 1950 the war began (Stueck 1947).`
    """
    yield from _anachronistic_by_author(doc, ctx)
    if doc.list_style != "numbered":
        return
    analysis = ctx.links.audit
    this_year = datetime.date.today().year
    # A marker's number is not a year, even in a list long enough to reach [1921].
    labels = {s.start for c in doc.citations for s in c.label_spans}
    years = _Years(geometry(doc).prose, labels, this_year) if analysis.items else None
    for item in analysis.items:
        if item.own is None:
            continue
        entry = analysis.entry(item.own)
        published = analysis.entries[item.own].year
        if published is None or not (entry.year or "")[:4].isdigit():
            continue
        assert years is not None
        event = _event_year(item.context.clause, item.context.paragraph, years)
        if event is None or event <= published:
            continue
        yield ctx.diagnostic(
            item.citation.span,
            f"[{item.label}] cites a source of {published} for events of {event}: "
            f"entry {_describe(entry)}",
            related=[ctx.related(entry.label_span or entry.span, f"entry [{entry.label}]")],
            context=f"[{item.label}] {published} < {event}",
        )


def _anachronistic_by_author(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """SRC001 for author-date, MLA and note citations: the events of the sentence that
    cites (for a note, the sentence that carries its marker) against the entry's year."""
    found = [f for f in ctx.links.of_style("author-date", "note") if f.entry is not None]
    if not found:
        return
    this_year = datetime.date.today().year
    # A citation's own years are publications, not events; a note marker is no year: both
    # are blanked in the geometry's text.
    geo = geometry(doc)
    text = geo.text
    sentences = geo.sentences
    starts = geo.sentence_starts
    markers: dict[str, list[int]] = {}
    for ref in doc.note_refs:
        markers.setdefault(ref.label, []).append(ref.span.start)
    # A note that cites several works ("See also ...") cannot say which of them the
    # sentence's events belong to: only a note with one citation is judged.
    per_note = Counter(c.note_label for c in doc.citations if c.style == "note")
    for link in found:
        entry = link.entry
        assert entry is not None
        published = (entry.year or "")[:4]
        if not published.isdigit():
            continue
        if link.citation.style == "note":
            label = link.citation.note_label or ""
            places = markers.get(label, [])[:1] if per_note[label] == 1 else []
        else:
            places = [link.citation.span.start]
        for place in places:
            at = bisect.bisect_right(starts, place) - 1
            if at < 0:
                continue
            years = _events(text, sentences[at][0], place, this_year)
            if not years or max(years) <= int(published):
                continue
            event = max(years)
            where = link.span or link.citation.span
            yield ctx.diagnostic(
                where,
                f"{_shown(link.citation.raw)} cites a source of {published} for events of "
                f"{event}: entry {describe(entry)}",
                related=[ctx.related(entry.span, f"entry {describe(entry)}", path=entry.path)],
                context=f"{link.target} {published} < {event}",
                path=link.citation.path,
            )


def _shown(raw: str, width: int = 60) -> str:
    raw = " ".join(raw.split())
    return raw if len(raw) <= width else f"'{raw[: width - 1].rsplit(' ', 1)[0]}…'"


_AS_OF = re.compile(
    r"\b(?:as of|up to|until now|to date in)\s+(?:[A-Z][a-z]+\.?\s+)?(?:\d{1,2},?\s+)?$", re.I
)


_NAME_BEFORE = re.compile(r"([A-Z][\w'’-]+)(?:['’]s)?,?\s+$")


def _events(text: str, start: int, end: int, this_year: int) -> list[int]:
    """Years of events in an author-date sentence: a year after a name ("Stueck 1993")
    names a publication, one after a month or a preposition ("June 1950", "In 1950") an
    event."""
    from citeaudit.adapters.authordate import NOT_AUTHORS

    out = []
    for m in _EVENT_YEAR.finditer(text, start, end):
        before = text[max(0, m.start() - 30) : m.start()]
        name = _NAME_BEFORE.search(before)
        if (name and name.group(1) not in NOT_AUTHORS) or before.rstrip().endswith("("):
            continue
        if _AS_OF.search(before):  # "As of August 2015": when the author writes
            continue
        if re.match(r"\s*[-–]\s*\d", text[m.end() : m.end() + 3]):
            continue
        year = int(m.group(1))
        if year <= this_year:
            out.append(year)
    return out


# A year 1500-2099 not inside a number or a word. The look-behind follows the first digit
# (`1(?<![\w.,/-]1)` is `(?<![\w.,/-])1`), so the regex engine skips to the digits.
_EVENT_YEAR = re.compile(r"((?:1(?<![\w.,/-]1)[5-9]|2(?<![\w.,/-]2)0)\d\d)(?![\w/]|[.,]\d)")


_PUBLICATION_YEAR = re.compile(
    r"(?:\(\s*|[A-Z][\w'’-]+,?\s+|\bet al\.,?\s+|©\s*|\bcopyright\s+)$", re.I
)


def _event_year(clause: tuple[int, int], paragraph: tuple[int, int], years: _Years) -> int | None:
    return years.latest(*clause) or years.latest(paragraph[0], clause[0])


class _Years:
    """The event years of a text, found once, with the latest in any span answered from
    a sparse table: a paragraph of thousands of citations is not rescanned for each."""

    def __init__(self, text: str, labels: set[int], this_year: int) -> None:
        self.text = text
        self.labels = labels
        self.this_year = this_year
        self.starts: list[int] = []
        values: list[int] = []
        for m in _EVENT_YEAR.finditer(text):
            self.starts.append(m.start())
            values.append(self._value(m))
        self.table = [values]
        width = 1
        while 2 * width <= len(values):
            below = self.table[-1]
            self.table.append([max(below[i], below[i + width]) for i in range(len(below) - width)])
            width *= 2

    def _value(self, m: re.Match[str]) -> int:
        """The year, or 0 when it names a publication, a marker or the future."""
        text = self.text
        if m.start() in self.labels:
            return 0
        before = text[max(0, m.start() - 30) : m.start()]
        after = text[m.end() : m.end() + 2]
        if (
            _PUBLICATION_YEAR.search(before)
            or after.startswith(")")
            or re.match(r"\s*[-–]\s*\d", after)
        ):
            return 0
        year = int(m.group(1))
        return year if year <= self.this_year else 0

    def latest(self, start: int, end: int) -> int | None:
        """The latest event year written in start:end, as a scan of that span finds it."""
        # A scan that stops at `end` reads the years just before it as followed by nothing,
        # so the last few characters are scanned again; before them the scans agree.
        tail = max(start, end - 6)
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, tail)
        best = 0
        if lo < hi:
            level = (hi - lo).bit_length() - 1
            row = self.table[level]
            best = max(row[lo], row[hi - (1 << level)])
        for m in _EVENT_YEAR.finditer(self.text, tail, end):
            best = max(best, self._value(m))
        return best or None


TERTIARY_DOMAINS = (
    "wikipedia.org",
    "wikiwand.com",
    "britannica.com",
    "encyclopedia.com",
    "newworldencyclopedia.org",
    "infoplease.com",
    "history.com",
    "alphahistory.com",
    "historylearningsite.co.uk",
    "historyonthenet.com",
    "schoolhistory.co.uk",
    "ducksters.com",
    "kiddle.co",
    "softschools.com",
    "study.com",
    "sparknotes.com",
    "cliffsnotes.com",
    "enotes.com",
    "shmoop.com",
    "gradesaver.com",
    "coursehero.com",
    "chegg.com",
    "bartleby.com",
    "ukessays.com",
    "ivypanda.com",
    "studymoose.com",
    "gradesfixer.com",
    "papersowl.com",
    "thoughtco.com",
    "answers.com",
    "quora.com",
    "reddit.com",
    "wikihow.com",
)


_TERTIARY_NAMES = re.compile(
    r"\b(?:Wikipedia|Encyclop(?:a)?edia Britannica|SparkNotes|CliffsNotes)\b"
)


@rule(
    "SRC004",
    "tertiary-source",
    "warning",
    options={
        "domains": {"type": "array", "items": {"type": "string"}},
        "extend-domains": {"type": "array", "items": {"type": "string"}},
    },
    defaults={"domains": list(TERTIARY_DOMAINS), "extend-domains": []},
)
def tertiary_source(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports an entry whose URL is on an encyclopedia, homework-help, essay-mill or
    question-and-answer site, or that names Wikipedia or Britannica. The list is the
    `domains` option (a default of about thirty sites: Wikipedia, Britannica,
    history.com, Alpha History, SparkNotes, Course Hero, UK Essays, Quora ...);
    `extend-domains` adds to it. A domain matches itself and its subdomains. An image
    credit (a link to a picture's media page, such as Wikipedia's `#/media/File:...`, or an
    entry that gives the picture's licence) is not a source of facts and is left alone.

    ## Why is this bad?
    Tertiary sources summarise other work, change without notice and are not accepted as
    evidence by most editors. Cite the work they summarise, or the primary document.

    ## Example
    ```markdown
    [10] Dean Acheson's 'Perimeter Speech' on Asia (1950) Alpha History,
         https://alphahistory.com/.
    ```
    Cite the speech itself (Department of State Bulletin, 23 January 1950).
    """
    domains = [
        d.casefold().lstrip(".") for d in (*ctx.options["domains"], *ctx.options["extend-domains"])
    ]
    for entry in printed_entries(doc, ctx):
        site = _tertiary(entry, domains)
        if site and not _image_credit(entry):
            yield ctx.diagnostic(
                entry.label_span or entry.span,
                f"entry {label_text(entry)} is a tertiary source ({site}); cite the work or "
                "document it summarises",
                context=entry.raw[:80],
                path=entry.path,
            )


# A picture's credit, not a source of facts: a link to a media file (Wikipedia's
# `#/media/File:...`, Wikimedia Commons, an image file) or an open-content licence.
_IMAGE_CREDIT = re.compile(
    r"(?:/media/|[/:]File:|upload\.wikimedia\.org|\.(?:jpe?g|png|gif|tiff?|svg|webp)\b)"
    r"|creativecommons\.org/licenses|\bCC[ -]BY\b|\bpublic domain\b|\b(?:photo(?:graph)?|image) (?:by|credit|courtesy)\b",
    re.I,
)


def _image_credit(entry: Entry) -> bool:
    return bool(_IMAGE_CREDIT.search(entry.raw))


def _tertiary(entry: Entry, domains: list[str]) -> str | None:
    for url in entry_urls(entry):
        host = url_host(url).casefold()
        for domain in domains:
            if host == domain or host.endswith("." + domain):
                return domain
    named = _TERTIARY_NAMES.search(entry.raw)
    return named.group(0) if named else None


@rule(
    "SRC005",
    "unattributed-quotation",
    "warning",
    options={"min-words": {"type": "integer", "minimum": 1}},
    defaults={"min-words": 8},
)
def unattributed_quotation(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a direct quotation of at least `min-words` words (default 8) with no
    citation, footnote marker or page reference in its sentence or the next (in a
    footnoted text, in its paragraph, since one note at a paragraph's end covers it).
    Quoted titles (most words capitalised), examples ("something like "..."") and
    template attributes are not quotations. Shorter
    quotations are usually scare quotes or terms ("civil war"), and are left alone.

    ## Why is this bad?
    A reader cannot check words put in someone's mouth without knowing where they were
    said. Unattributed quotation is also what plagiarism checks look for first.

    ## Example
    ```markdown
    Zhou made it plain: "The US military is aiming to expand the conflict by crossing
    the 38th parallel. We must take charge if the US army does". What situation did Zhou
    use?
    ```
    Cite the record of the conversation after the quotation.
    """
    # Citations inside notes are not markers in the text.
    if not any(c.style != "note" for c in doc.citations) and not doc.note_refs:
        return
    geo = geometry(doc)
    text = geo.body
    # Sentences are read with quotations whole, so a full stop inside a quotation does not
    # end the sentence that quotes it.
    sentences = geo.quoted_sentences
    starts = geo.quoted_sentence_starts
    markers = geo.markers
    minimum = int(ctx.options["min-words"])
    notes_style = bool(doc.note_refs) and all(c.style == "note" for c in doc.citations)
    earlier: list[str] = []
    for start, end, quotations in geo.quotations:
        for q_start, q_end in quotations:
            quoted = text[q_start + 1 : q_end - 1]
            if len(re.findall(r"[^\W\d_]+", quoted)) < minimum or _not_quotation(
                text, q_start, quoted
            ):
                continue
            repeated = _repeats(quoted, earlier)
            earlier.append(quoted)
            if repeated:
                continue
            limit = _next_sentence_end(sentences, starts, q_end)
            if notes_style:
                # Chicago notes: one note at the end of a paragraph covers it.
                limit = max(limit, end)
            # The citation may sit anywhere in the quotation's sentence: before it too.
            at = bisect.bisect_right(starts, q_start) - 1
            opens = starts[at] if at >= 0 else start
            if _cited(text, markers, max(opens, start), limit) or _linked(doc, opens, limit):
                continue
            yield ctx.diagnostic(
                doc.span(q_start, q_end),
                f"quotation of {len(quoted.split())} words has no citation in its sentence "
                "or the next",
                context=quoted[:80],
            )


def _next_sentence_end(sentences: list[tuple[int, int]], starts: list[int], offset: int) -> int:
    """The end of the sentence after the one that holds `offset`."""
    # The first sentence that ends after `offset` starts at or before it, or is the next.
    at = max(bisect.bisect_right(starts, offset) - 1, 0)
    while at < len(sentences) and sentences[at][1] <= offset:
        at += 1
    following = sentences[at : at + 2]
    if len(following) >= 2:
        return following[1][1]
    return following[0][1] if following else offset


# "(247)", "(p. 12)", author-page, author-only and author-date parentheticals ("(Lemon,
# 188)", "(Heller)", "(Popkin, Jeremy. 2016. 144)"), a title and page ("(*Gender* v)"),
# and a pointer to a figure ("(see figure 6)").
_PAGE_REFERENCE = re.compile(
    r"\(\s*(?:p{1,2}\.\s*)?[\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?\s*\)"
    r"|\((?=[^()]{0,80}\d)[^()]{0,80}[A-Z][^()]{0,80}\)"
    r"|\((?:see |cf\. )?[*_]?[A-Z][^()\n]{0,120}\)"
    r"|\((?:see |cf\. )?(?:fig(?:ure)?|table|plate)\.?\s*\d+[^()]{0,20}\)",
)


# A Markdown link or a bare URL in the sentence: on the web, a link is the citation.
_LINKED = re.compile(r"\]\((?:https?:|www\.)|<https?://|\bhttps?://\S")


# Words before a quotation that make it an example, a name, or the writer's own words
# ("I will ask, "..."").
_NOT_SPEECH = re.compile(
    r"(?:\blike|\bsuch as|e\.g\.,?|\bcalled|\btermed|\bknown as|\bdubbed|\bso-called|="
    r"|\b(?:I|we)\b(?:\s+\w+){0,2}\s+(?:ask|say|write|call|wonder|answer)(?:ed)?\s*[,:]?)\s*$",
    re.I,
)


def _not_quotation(text: str, start: int, quoted: str) -> bool:
    """A title in quotation marks (most words capitalised), an HTML or template attribute,
    or an example ("a script that says something like "...")."""
    if _NOT_SPEECH.search(text[max(0, start - 40) : start]):
        return True
    long_words = [w for w in re.findall(r"[^\W\d_]+", quoted) if len(w) > 3]
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return bool(long_words) and capitalised >= 0.7 * len(long_words)


def _cited(text: str, markers: list[int], start: int, limit: int) -> bool:
    if any(start <= m <= limit for m in markers):
        return True
    # A parenthetical that opens before the limit counts even if a full stop inside it
    # ("(Popkin, Jeremy. 2016. 144)") made the sentence end early.
    return any(
        m.start() <= limit
        for m in _PAGE_REFERENCE.finditer(text, start, min(len(text), max(start, limit) + 150))
    )


def _linked(doc: Document, start: int, limit: int) -> bool:
    return bool(_LINKED.search(doc.text, start, max(start, limit)))


def _repeats(quoted: str, earlier: list[str]) -> bool:
    """A quotation that echoes an earlier one ("makers of modernism" turned into "makers
    of Victorianism") plays on words already quoted and attributed."""
    if not earlier:
        return False
    from rapidfuzz import fuzz

    folded = fold(quoted)
    return any(fuzz.ratio(folded, fold(other)) >= 80 for other in earlier)
