"""SRC007: an authority named in prose as the source of a claim, with no citation."""

from __future__ import annotations

import re
from collections.abc import Iterator

from citeaudit.geometry import geometry
from citeaudit.model import Diagnostic, Document
from citeaudit.normalize import fold, words
from citeaudit.patterns import matches_at
from citeaudit.rules import RuleContext, rule

# A person's name as written in prose: one to three capitalised words.
_PERSON = r"(?:(?:[A-Z][a-z]+|[A-Z]\.)\s+){0,2}[A-Z][a-z][\w'’\-]*"


_PEOPLE = rf"{_PERSON}(?:,\s+{_PERSON})*(?:,?\s+and\s+{_PERSON})?"


_SAYS = (
    r"(?:stated|states|argued|argues|wrote|writes|noted|notes|observed|observes|explained|"
    r"explains|claimed|claims|suggested|suggests|pointed out|points out|put it|puts it|"
    r"contended|contends|asserted|asserts|showed|shows|demonstrated|demonstrates|concluded|"
    r"concludes|maintained|maintains|insisted|insists|remarked|remarks|believed|believes)"
)


# Each pattern opens with its literal first letter and checks the word boundary after it
# (`[Aa](?<!\w[Aa])s` is `\b[Aa]s`), so that the regex engine skips to candidates instead
# of trying every position of the text.
_CLAIMS = (
    re.compile(rf"[Aa](?<!\w[Aa])s\s+(?P<who>{_PERSON})\s+{_SAYS}\b"),
    re.compile(rf"[Aa](?<!\w[Aa])ccording\s+to\s+(?P<who>{_PERSON})(?![\w'’])"),
    re.compile(
        rf"[Ii](?<!\w[Ii])n\s+(?P<who>{_PERSON})['’]s?\s+(?:opinion|view|words|account|"
        r"analysis|assessment|estimation|judge?ment|interpretation|argument)\b"
    ),
)
# "backed by David Rees and David Dallin": found from its "by", then the verb before it.
_BY = re.compile(rf"b(?<!\wb)y\s+(?P<who>{_PEOPLE})")
_SUPPORTED_BY = re.compile(
    r"(?<!\w)(?:backed|supported|advanced|proposed|endorsed|challenged|disputed|shared|"
    r"held|echoed|championed|defended)$"
)


def _claims(text: str) -> Iterator[re.Match[str]]:
    as_says, according_to, in_view = _CLAIMS
    yield from as_says.finditer(text)
    # "a" opens one word in ten, "ccording" almost none: str.find skips to those.
    yield from matches_at(according_to, text, _starts_before(text, "ccording", 1))
    yield from in_view.finditer(text)
    for m in _BY.finditer(text):
        before = text[: m.start()].rstrip()
        if len(before) < m.start() and _SUPPORTED_BY.search(before, max(0, len(before) - 12)):
            yield m


def _starts_before(text: str, literal: str, offset: int) -> Iterator[int]:
    """The offsets `offset` characters before each occurrence of `literal` in `text`."""
    at = text.find(literal)
    while at != -1:
        yield at - offset
        at = text.find(literal, at + 1)


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
    geo = geometry(doc)
    # Names inside quotations, emphasised titles, notes and the list are not claims.
    text = geo.claims
    listed = {w.removesuffix("'s") for e in doc.entries for w in words(e.raw)}
    reported: set[str] = set()
    hits: list[tuple[int, int, list[str]]] = []
    for m in _claims(text):
        names = _names(" ".join(m.group("who").split()))
        if names:
            hits.append((m.start("who"), m.end("who"), names))
    hits.sort()
    for start, end, names in hits:
        missing = [n for n in names if fold(n.split()[-1]) not in listed]
        if not missing or all(n in reported for n in missing):
            continue
        sentence = geo.sentence_at(start, quoted=True)
        if sentence is not None and geo.has_marker(*sentence):
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


def _names(who: str) -> list[str]:
    # Imported here, as in sources.py: registering the rules (a cached run, `citeaudit
    # rules`) need not compile the author-date patterns (about 4 ms).
    from citeaudit.adapters.authordate import NOT_AUTHORS

    people = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", who) if p.strip()]
    out = []
    for person in people:
        parts = person.split()
        if parts[0] in _NOT_PEOPLE or parts[0] in NOT_AUTHORS or parts[-1] in _NOT_PEOPLE:
            return []
        out.append(person)
    return out


def _join(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
