"""The source audit rules: citations whose context fits another entry (CIT003), runs of
them shifted by the same offset (CIT004), and one number cited for several documents
(CIT005). The analysis they share lives in `citeaudit.audit`."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from citeaudit.linking import describe
from citeaudit.model import Diagnostic, Document, Edit, Entry, Fix, Related
from citeaudit.rules import RuleContext, rule

if TYPE_CHECKING:
    from citeaudit.audit import Item, ShiftRun
    from citeaudit.context import DateRef
    from citeaudit.link import Link


def describe_entry(entry: Entry, label: bool = True) -> str:
    # The audit (and the numpy it may use) loads only when a document needs it.
    from citeaudit.audit import describe_entry as describe

    return describe(entry, label=label)


@rule(
    "CIT003",
    "citation-mismatch",
    "warning",
    options={"include-shifted": {"type": "boolean"}},
    defaults={"include-shifted": False},
)
def citation_mismatch(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    In a numeric document, reports a citation whose sentence fits another entry of the
    list clearly better than the one it cites. The message names the better entry and the
    evidence: the names, dates and kind of document the sentence shares with it.

    Each citation is scored against every entry (see `citeaudit.audit`): names and
    content words of the citing sentence and its uncited lead-in, weighted by how rare
    they are; dates, with a yearless "12 January" taking the year in force; the kind of
    document ("telegraph" against "Ciphered Telegram"); quoted titles. The rule fires
    only on clear evidence, all of:

    - the better entry scores at least 1.8 (an exact day and month is 3.0, a rare name
      1.0, a kind of document 0.75, a shared year 0.4);
    - it beats the cited entry by 1.4, and the cited entry scores at most half of it;
    - it beats every other entry by 0.75;
    - the evidence names the source, not just its subject: the same day and month, a
      quoted title, two rare names, or a rare name and the kind of document.

    These thresholds were tuned on the Lai essay and the mutation benchmark
    (`bench/mutation.py`), with zero findings on the clean benchmark documents and on the
    numeric documents of `corpus-real`. Citations inside a numbering shift are reported
    once, by CIT004; set `include-shifted = true` to report them here too.

    ## Why is this bad?
    A marker that points at the wrong entry sends the reader to a source that does not
    say what the sentence claims, and hides the source that does.

    ## Example
    ```markdown
    The first was Dean Acheson's address on January 12 [11].

    [10] Dean Acheson's 'Perimeter Speech' on Asia (1950)
    [11] Ciphered Telegram, Roshchin to Cde. Filippov [Stalin] (1950)
    ```
    Cite [10]. In an author-date or MLA document, the rule reports a citation whose
    sentence names the title of another entry, and neither the cited entry's title nor a
    citation of the other: `In *The Origins of the Korean War*, ... (Stueck 2002)`.
    """
    from citeaudit.rules.cit.titles import title_mismatches

    yield from title_mismatches(doc, ctx)
    if doc.list_style != "numbered":
        return
    analysis = ctx.links.audit
    for mismatch in analysis.mismatches:
        item = mismatch.item
        if analysis.in_run(item) is not None and not ctx.options["include-shifted"]:
            continue
        better = analysis.entry(mismatch.better)
        own = analysis.entry(item.own) if item.own is not None else None
        cited = f"[{item.label}] cites {describe_entry(own, label=False)}" if own else ""
        message = (
            f"{cited or f'[{item.label}]'}, but the sentence names {mismatch.evidence}; "
            f"entry {describe_entry(better)} fits better"
        )
        yield ctx.diagnostic(
            item.citation.span,
            message,
            related=[_entry_location(ctx, better, f"entry [{better.label}]")],
            context=f"[{item.label}] -> [{better.label}]: {mismatch.evidence}",
        )


@rule("CIT004", "numbering-shift", "warning", fix="unsafe")
def numbering_shift(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a run of at least three consecutive numeric citations that each fit entry
    n-k rather than n, for the same offset k (1 to 3, either way). One finding covers the
    run: it names the offset, the first and last marker, and each renumbering.

    A marker supports offset k when entry n-k scores at least 0.9, beats the cited entry
    by 0.6 and is within 0.3 of the best entry (scores as for CIT003). A run may carry
    markers with no evidence either way (they are renumbered with it), but it ends at a
    marker that fits its own entry (1.5 or more and near the best) or another offset; at
    least two of its markers must support k, they must be at least half the run, and one
    of them must pass CIT003's own test. The fix renumbers every marker of the run; it is
    unsafe, applied only with `--fix --unsafe-fixes`, since the author may have meant a
    different list.

    ## Why is this bad?
    A numbering shift usually comes from an entry inserted into or deleted from the list
    after the text was written: every later marker then points one entry off, and the
    reader finds the wrong source for each of them.

    ## Example
    ```markdown
    Gromyko's telegram of 11 September [8] ... the Politburo's decision of 24 September
    [9] ... Acheson's speech of 12 January [11].

    [7] Telegram from Gromyko to Tunkin (1949), September 11.
    [8] Politburo Decision (1949), September 24.
    [10] Dean Acheson's 'Perimeter Speech' on Asia (1950).
    ```
    Renumber the markers (here [8]→[7], [9]→[8], [11]→[10]).
    """
    analysis = ctx.links.audit
    for run in analysis.runs:
        yield _shift_diagnostic(doc, ctx, run)


def _shift_diagnostic(doc: Document, ctx: RuleContext, run: ShiftRun) -> Diagnostic:
    first, last = run.members[0], run.members[-1]
    moves = ", ".join(f"[{m.label}]→[{run.target(m)}]" for m in run.members)
    direction = "past" if run.offset > 0 else "before"
    # A Word document names its paragraphs ("paragraph 16"), a text file its lines.
    where = doc.places.label if doc.places else (lambda line: f"line {line}")
    message = (
        f"numbering shift: {len(run.members)} markers from [{first.label}] "
        f"({where(first.citation.span.line)}) to [{last.label}] "
        f"({where(last.citation.span.line)}) each "
        f"point {abs(run.offset)} {'entry' if abs(run.offset) == 1 else 'entries'} {direction} "
        f"the source the sentence describes: {moves}"
    )
    span = doc.span(first.citation.span.start, last.citation.span.end)
    # One note per marker the message lists, at the marker, so each can be found.
    supported = {id(member) for member in run.supported}
    related = []
    for member in run.members:
        target = run.target(member)
        why = (
            f"its sentence fits entry [{target}]"
            if id(member) in supported
            else "no evidence either way; renumbered with the run"
        )
        related.append(
            ctx.related(
                member.citation.span,
                f"[{member.label}]→[{target}]: {why}",
                path=member.citation.path,
            )
        )
    return ctx.diagnostic(
        span,
        message,
        fix=_renumber(run) if doc.certain else None,
        related=related,
        context=f"shift {run.offset:+d}: {moves}",
    )


def _renumber(run: ShiftRun) -> Fix | None:
    edits = []
    for member in run.members:
        spans = member.citation.label_spans
        if len(spans) != 1:
            return None
        edits.append(Edit(spans[0].start, spans[0].end, run.target(member)))
    return Fix(
        f"renumber {len(edits)} markers by {-run.offset:+d}", tuple(edits), applicability="unsafe"
    )


@rule(
    "CIT005",
    "overloaded-citation",
    "warning",
    options={"min-gap-days": {"type": "integer", "minimum": 1}},
    defaults={"min-gap-days": 7},
)
def overloaded_citation(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports one number cited for several different documents: at least two of its
    citing sentences each name a document (a cable, telegram, letter, speech, decision,
    conversation...) with its own day and month, the dates at least `min-gap-days`
    (default 7) apart, while the entry is one dated document or a study, not a collection
    of documents (an archive, FRUS, a bulletin, collected papers). The message lists every
    dated context of the number.

    A book cited for several dated events is fine and is not reported: the rule needs the
    sentences to describe documents, since one document has one date. The same holds for
    an author-date citation: `(Niu 1991)` for a cable of 29 September and a telegram of
    19 October, when the list's Niu 1991 is one article.

    ## Why is this bad?
    One entry cannot be a cable of 29 September and a telegram of 19 October. Either the
    markers were meant for several entries, or the sources are missing from the list.

    ## Example
    ```markdown
    On September 29, Marshall issued a cable to MacArthur [15]. On October 19, a
    telegraph from the Joint Chiefs of Staff reached MacArthur [15].

    [15] Jun, Niu. (1991) The change of the US policies towards Korean War.
    ```
    Cite each document, or the collection that holds them.
    """
    gap = int(ctx.options["min-gap-days"])
    yield from _overloaded_by_author(ctx, gap)
    analysis = ctx.links.audit
    by_label: dict[str, list[Item]] = defaultdict(list)
    for item in analysis.items:
        if item.own is not None and item.single:
            by_label[item.label].append(item)
    for label, items in by_label.items():
        if len(items) < 2:
            continue
        entry = analysis.entry(items[0].own or 0)
        if _collection(entry):
            continue
        dated = [(item, _document_date(item)) for item in items]
        documents = [(item, d) for item, d in dated if d is not None and item.context.kinds]
        if len(documents) < 2 or not _distinct([d for _, d in documents if d is not None], gap):
            continue
        listed = [(item, d) for item, d in dated if d is not None]
        described = "; ".join(_describe(item, d) for item, d in listed)
        noun = "dated document" if analysis.entries[items[0].own or 0].primary else None
        noun = noun or entry.entry_type or "work"
        kind = f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"
        year = f" of {entry.year}" if entry.year else ""
        first = listed[0][0]
        yield ctx.diagnostic(
            first.citation.span,
            f"[{label}] is cited for {len(listed)} different documents ({described}), "
            f"but entry [{label}] is {kind}{year}, which cannot be all of them",
            related=[
                ctx.related(item.citation.span, f"[{label}] for {_describe(item, d)}")
                for item, d in listed[1:]
            ]
            + [_entry_location(ctx, entry, f"entry [{label}]")],
            context=f"[{label}] overloaded: {described}",
        )


def _overloaded_by_author(ctx: RuleContext, gap: int) -> Iterator[Diagnostic]:
    """CIT005 for author-date citations: one (Author Year) for dated documents."""
    cited: dict[int, list[Link]] = defaultdict(list)
    for found in ctx.links.of_style("author-date"):
        if found.entry is not None and len(found.citation.targets) == 1:
            cited[id(found.entry)].append(found)
    for links in cited.values():
        entry = links[0].entry
        if len(links) < 2 or entry is None or _collection(entry):
            continue
        dated = []
        for found in links:
            context = ctx.links.context_of(found.citation)
            when = next((d for d in context.dates if d.month and d.day), None)
            if when is not None and context.kinds:
                dated.append((found, when, context.kinds[0]))
        if len(dated) < 2 or not _distinct([d for _, d, _ in dated], gap):
            continue
        described = "; ".join(
            f"a {kind} of {d.describe()}{f' {d.year}' if d.year else ''}" for _, d, kind in dated
        )
        first = dated[0][0]
        noun = entry.entry_type or "work"
        yield ctx.diagnostic(
            first.span or first.citation.span,
            f"{first.citation.raw} is cited for {len(dated)} different documents ({described}), "
            f"but entry {describe(entry)} is {'an' if noun[0] in 'aeiou' else 'a'} {noun}"
            f"{f' of {entry.year}' if entry.year else ''}, which cannot be all of them",
            related=[
                ctx.related(found.span or found.citation.span, f"also cited for a {kind}")
                for found, _, kind in dated[1:]
            ]
            + [ctx.related(entry.span, "the entry", path=entry.path)],
            context=f"{first.target} overloaded: {described}",
        )


_COLLECTION_WORDS = (
    "archive",
    "frus",
    "foreign relations",
    "bulletin",
    "papers",
    "documents",
    "collected",
    "selected",
    "works",
    "volume",
    "vol.",
    "records",
    "correspondence",
)


def _collection(entry: Entry) -> bool:
    raw = entry.raw.casefold()
    return any(word in raw for word in _COLLECTION_WORDS)


def _document_date(item: Item) -> DateRef | None:
    """The day-and-month date the citing sentence gives its document, if one."""
    for d in item.context.dates:
        if d.month and d.day:
            return d
    return None


def _ordinal(d: DateRef) -> int:
    return (d.year or 0) * 372 + (d.month or 0) * 31 + (d.day or 0)


def _distinct(dates: list[DateRef], gap: int) -> bool:
    ordered = sorted(_ordinal(d) for d in dates)
    return any(b - a >= gap for a, b in itertools.pairwise(ordered))


def _describe(item: Item, d: DateRef) -> str:
    kind = item.context.kinds[0] if item.context.kinds else "document"
    year = f" {d.year}" if d.year else ""
    return f"a {kind} of {d.describe()}{year}"


def _entry_location(ctx: RuleContext, entry: Entry, message: str) -> Related:
    return ctx.related(entry.label_span or entry.span, message, path=entry.path)
