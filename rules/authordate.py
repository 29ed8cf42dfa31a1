"""Rules for manuscripts that cite by author: REF007 unsorted lists, SRC006 quotations
without a page, SRC007 authorities named in prose that nothing cites."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from citeaudit.adapters.authordate import NOT_AUTHORS, parse_item
from citeaudit.context import sentence_bounds
from citeaudit.linkers.authordate import named_title, title_key
from citeaudit.linking import describe
from citeaudit.model import Diagnostic, Document, Entry
from citeaudit.normalize import fold, words
from citeaudit.rules import RuleContext, rule

_ARTICLE = re.compile(r"^(?:the|a|an|der|die|das|le|la|les|el|il)\s+", re.I)
_REPEAT = re.compile(r"^[\s*_]*(?:[—–]{2,}|-{2,}|_{3,}|—)")


@rule("REF007", "unsorted-references", "info")
def unsorted_references(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    In an unnumbered (author-date or MLA) list that is alphabetical on the whole, reports
    each entry that breaks the order, with the entry it follows. Entries are compared as
    a reader finds them: by the first words as printed (a leading article aside), so an
    entry written first-name-first is filed where its first word puts it. A list under
    several sub-headings (Primary Sources, Secondary Sources) is judged part by part, and
    a list that is not mostly alphabetical (a chronological list of documents) is left
    alone.

    ## Why is this bad?
    Readers look an author up by name. An entry out of place looks missing, and often is
    a late addition whose citation was never checked.

    ## Example
    ```markdown
    ## References

    White, Deborah G. 2008. *Telling Histories*. Chapel Hill: UNC Press.

    Walker, Rebecca. 1993. "Becoming the Third Wave." *Ms.*
    ```
    Move Walker before White.
    """
    if doc.list_style != "unnumbered" or len(doc.entries) < 4:
        return
    keys = _sort_keys(doc.entries)
    pairs = [
        (i, keys[i - 1], keys[i])
        for i in range(1, len(keys))
        if not _divided(doc, doc.entries[i - 1], doc.entries[i])
    ]
    if not pairs:
        return
    misplaced = sum(1 for _, a, b in pairs if not _in_order(a, b))
    if misplaced > max(1, len(pairs) // 4):
        return
    for i, before, key in pairs:
        if not _in_order(before, key):
            entry, previous = doc.entries[i], doc.entries[i - 1]
            yield ctx.diagnostic(
                entry.span,
                f"entry {describe(entry)} is out of alphabetical order: it follows "
                f"{describe(previous)}",
                related=[ctx.related(previous.span, "the entry it follows")],
                context=entry.raw[:80],
            )


def _sort_keys(entries: list[Entry]) -> list[tuple[str, ...]]:
    """Each entry's possible filing keys: its first words as printed, and the same
    without a leading article (lists differ on whether "A History" files under A)."""
    keys: list[tuple[str, ...]] = []
    for entry in entries:
        if _REPEAT.match(entry.raw) and keys:
            keys.append(keys[-1])
            continue
        author = entry.get("author")
        # One author's works follow their own order (by year or by title): compare the
        # name only, as far as the first given name.
        authored = bool(author) and entry.raw.startswith((author or "")[:3])
        lead = author if authored and author else (entry.title or entry.raw)
        if (
            not authored
            and entry.title
            and not entry.raw.lstrip("\"“‘'*_[( ").startswith(entry.title[:3])
        ):
            lead = entry.raw
        text = re.sub(r"^[\s\"“‘'*_\[(]+", "", lead)
        plain = _ARTICLE.sub("", text)
        width = 2 if authored else 4
        keys.append(tuple(" ".join(words(t, keep_stop_words=True)[:width]) for t in (text, plain)))
    return keys


def _in_order(before: tuple[str, ...], after: tuple[str, ...]) -> bool:
    return any(a <= b or a.startswith(b) for a in before for b in after)


def _divided(doc: Document, a: Entry, b: Entry) -> bool:
    """A heading or a bold label between two entries starts a new part of the list."""
    between = doc.text[a.span.end : b.span.start]
    return re.search(r"^\s{0,3}(?:#|\*\*|__|<h\d)", between, re.M) is not None


@rule(
    "SRC006",
    "quotation-without-locator",
    "warning",
    options={"min-words": {"type": "integer", "minimum": 1}},
    defaults={"min-words": 5},
)
def quotation_without_locator(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports an author-date or MLA citation that closes a direct quotation of at least
    `min-words` words (default 5), or a block quotation, but gives no page or other
    locator. Web pages and datasets, which have no pages, are exempt, as are citations
    whose source cannot be found (CIT001 reports those).

    ## Why is this bad?
    Chicago, APA, Harvard and MLA all require the page of a quotation, so that a reader
    can find the words in a book of three hundred pages.

    ## Example
    ```markdown
    Scott called gender "a useful category of historical analysis" (Scott 1986).
    ```
    Write `(Scott 1986, 1067)`.
    """
    minimum = int(ctx.options["min-words"])
    text = doc.prose or doc.text
    sentences = sentence_bounds(_flat_quotes(text))
    seen: set[int] = set()
    for found in ctx.links.of_style("author-date"):
        citation = found.citation
        if found.entry is None or citation.span.start in seen or citation.form == "narrative":
            continue
        seen.add(citation.span.start)
        if any(
            (item := parse_item(t)) is not None and item.locator is not None
            for t in citation.targets
        ):
            continue
        if _unpaginated(found.entry):
            continue
        quoted = _quotation_before(doc, text, sentences, citation.span.start, minimum)
        if quoted is None:
            continue
        yield ctx.diagnostic(
            citation.span,
            f"{citation.raw} closes a quotation ({quoted}) but gives no page or other locator",
            context=citation.raw,
        )


_QUOTED = re.compile(r"“(?:[^“”\n]|\n(?!\s*\n))*”|(?<![\w\"])\"[^\"\n]*\"(?!\w)")


def _flat_quotes(text: str) -> str:
    """The text with quotations filled in, so a full stop inside one ends no sentence, and
    footnote markers blanked, so that one after a full stop does not hide the end."""
    text = re.sub(r"\[\^[^\]\n]*\]", lambda m: " " * len(m.group(0)), text)
    return _QUOTED.sub(lambda m: m.group(0)[0] + "x" * (len(m.group(0)) - 2) + m.group(0)[-1], text)


def _quotation_before(
    doc: Document, text: str, sentences: list[tuple[int, int]], start: int, minimum: int
) -> str | None:
    """'12 words' or 'a block quotation': the quotation that the citation closes, in the
    citation's own sentence."""
    line_start = text.rfind("\n", 0, start) + 1
    if doc.text[line_start:start].lstrip().startswith(">"):
        return "a block quotation"
    s_start = max((s for s, _ in sentences if s <= start), default=0)
    quotes = list(_QUOTED.finditer(text, s_start, start))
    if not quotes:
        return None
    last = quotes[-1]
    between = text[last.end() : start]
    if re.search(r"[“\"(]", between):
        return None  # another quotation or citation stands between them
    count = len(re.findall(r"[^\W\d_]+", last.group(0)))
    return f"{count} words" if count >= minimum else None


def _unpaginated(entry: Entry) -> bool:
    """Web pages, newspapers read online and datasets have no page to give."""
    if entry.get("pages") is not None:
        return False
    online = entry.get("url") is not None or entry.get("accessed") is not None
    return online or entry.entry_type in ("web", "dataset/software", "newspaper")


# A person's name as written in prose: one to three capitalised words.
_PERSON = r"(?:(?:[A-Z][a-z]+|[A-Z]\.)\s+){0,2}[A-Z][a-z][\w'’\-]*"
_PEOPLE = rf"{_PERSON}(?:,\s+{_PERSON})*(?:,?\s+and\s+{_PERSON})?"
_SAYS = (
    r"(?:stated|states|argued|argues|wrote|writes|noted|notes|observed|observes|explained|"
    r"explains|claimed|claims|suggested|suggests|pointed out|points out|put it|puts it|"
    r"contended|contends|asserted|asserts|showed|shows|demonstrated|demonstrates|concluded|"
    r"concludes|maintained|maintains|insisted|insists|remarked|remarks|believed|believes)"
)
_CLAIMS = (
    re.compile(rf"\b[Aa]s\s+(?P<who>{_PERSON})\s+{_SAYS}\b"),
    re.compile(rf"\b[Aa]ccording\s+to\s+(?P<who>{_PERSON})(?![\w'’])"),
    re.compile(
        rf"\b[Ii]n\s+(?P<who>{_PERSON})['’]s?\s+(?:opinion|view|words|account|analysis|"
        r"assessment|estimation|judge?ment|interpretation|argument)\b"
    ),
    re.compile(
        rf"\b(?:backed|supported|advanced|proposed|endorsed|challenged|disputed|shared|"
        rf"held|echoed|championed|defended)\s+by\s+(?P<who>{_PEOPLE})"
    ),
)
# Capitalised words that open such a phrase without naming a person.
_NOT_PEOPLE = frozenset(
    [
        "He",
        "She",
        "They",
        "It",
        "We",
        "I",
        "You",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Here",
        "Some",
        "Many",
        "Most",
        "Others",
        "Other",
        "Historians",
        "Scholars",
        "Critics",
        "Researchers",
        "Experts",
        "Sources",
        "Source",
        "Officials",
        "Documents",
        "Records",
        "Studies",
        "Reports",
        "Report",
        "Evidence",
        "Data",
        "Government",
        "Party",
        "State",
        "States",
        "Soviets",
        "Americans",
        "Chinese",
        "Koreans",
        "Russians",
        "Marxists",
        "Feminists",
        "Historian",
        "Scholar",
        "Critic",
        "One",
        "Both",
        "Each",
        "Neither",
        "Either",
        "All",
        "Such",
        "Another",
        "Everyone",
        "Nobody",
    ]
)


@rule("SRC007", "uncited-named-source", "warning")
def uncited_named_source(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports an author named in prose as the source of a claim ("as Weathersby stated",
    "according to Cumings", "in Chen Jian's opinion", "backed by David Rees and David
    Dallin") when the sentence cites nothing and no entry of the
    reference list is by or about that person. Names inside quotations, emphasised
    titles and the reference list itself are not claims and are skipped; each person is
    reported once.

    ## Why is this bad?
    Invoking an authority without a citation asks the reader to take the claim on trust.
    If the work is not in the list at all, the reader cannot even find it.

    ## Example
    ```markdown
    As Weathersby stated, North Korea could not move without Soviet approval.
    ```
    Cite Weathersby's article and add it to the list, or drop the appeal to authority.
    """
    if not doc.entries or not (doc.citations or doc.note_refs):
        return
    text = _claims_text(doc)
    sentences = sentence_bounds(text)
    markers = sorted([c.span.start for c in doc.citations] + [r.span.start for r in doc.note_refs])
    listed = {w.removesuffix("'s") for e in doc.entries for w in words(e.raw)}
    reported: set[str] = set()
    hits: list[tuple[int, int, list[str]]] = []
    for pattern in _CLAIMS:
        for m in pattern.finditer(text):
            names = _names(" ".join(m.group("who").split()))
            if names:
                hits.append((m.start("who"), m.end("who"), names))
    hits.sort()
    for start, end, names in hits:
        missing = [n for n in names if fold(n.split()[-1]) not in listed]
        if not missing or all(n in reported for n in missing):
            continue
        s_start, s_end = _sentence(sentences, start)
        if any(s_start <= m < s_end for m in markers):
            continue
        reported.update(missing)
        who = _join(missing)
        yield ctx.diagnostic(
            doc.span(start, end),
            f"{who} {'is' if len(missing) == 1 else 'are'} named as the source of a claim, "
            "but the sentence cites nothing and no entry in the list is "
            f"{'theirs' if len(missing) > 1 else 'by ' + missing[0]}",
            context=who,
        )


def _claims_text(doc: Document) -> str:
    """The body prose with the list, notes, quotations and emphasis blanked."""
    chars = list(doc.prose or doc.text)

    def blank(start: int, end: int) -> None:
        for i in range(max(0, start), min(end, len(chars))):
            if chars[i] not in "\r\n":
                chars[i] = " "

    if doc.references is not None:
        blank(doc.references.start, doc.references.end)
    for note in doc.notes:
        blank(note.span.start, note.span.end)
    current = "".join(chars)
    for m in re.finditer(r"“[^“”]*”|\"[^\"\n]*\"|\*[^*\n]+\*|_[^_\n]+_|\{%.*?%\}", current):
        blank(m.start(), m.end())
    return "".join(chars)


def _names(who: str) -> list[str]:
    people = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", who) if p.strip()]
    out = []
    for person in people:
        parts = person.split()
        if parts[0] in _NOT_PEOPLE or parts[0] in NOT_AUTHORS or parts[-1] in _NOT_PEOPLE:
            return []
        out.append(person)
    return out


def _sentence(sentences: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    for start, end in sentences:
        if start <= offset < end:
            return start, end
    return offset, offset


def _join(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def title_mismatches(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """CIT003 for author-date and MLA: the citation's sentence names, by its title, another
    entry of the list than the one the citation links to, and names neither the linked
    entry's title nor cites the other entry."""
    links = [f for f in ctx.links.of_style("author-date") if f.entry is not None]
    if not links:
        return
    text = doc.prose or doc.text
    sentences = sentence_bounds(_flat_quotes(text))
    starts = [s for s, _ in sentences]
    cited_in: dict[int, set[int]] = {}
    for found in links:
        at = max(0, bisect.bisect_right(starts, found.citation.span.start) - 1)
        cited_in.setdefault(at, set()).add(id(found.entry))
    for found in links:
        entry = found.entry
        assert entry is not None
        at = max(0, bisect.bisect_right(starts, found.citation.span.start) - 1)
        s_start = sentences[at][0] if sentences else 0
        better = named_title(text[s_start : found.citation.span.start], doc.entries)
        if better is None or better is entry or id(better) in cited_in.get(at, set()):
            continue
        if title_key(entry) and title_key(entry) <= set(
            words(text[s_start : found.citation.span.end])
        ):
            continue
        yield ctx.diagnostic(
            found.span or found.citation.span,
            f"{found.citation.raw} cites {describe(entry)}, but the sentence names the title "
            f"of {describe(better)}, '{_short(better.title or '')}'",
            related=[ctx.related(better.span, f"entry {describe(better)}")],
            context=f"{found.target} -> {describe(better)}",
        )


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
