"""REF005: one author written in different forms across the list."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from citeaudit.linking import label_text
from citeaudit.model import Diagnostic, Document, Entry
from citeaudit.normalize import family_names, fold
from citeaudit.rules import RuleContext, printed_entries, rule


@rule("REF005", "inconsistent-author-name", "info")
def inconsistent_author_name(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports an author whose name is written in different forms in different entries:
    an initial in one and the full given name in another (`Jun N.` and `Jun, Niu`).
    The same parts in another order are reported only between two first authors: MLA
    and Chicago lists invert the first author's name only ("Goodwin, Jonathan" but
    "Laudun, John, and Jonathan Goodwin"), and BibTeX reads both orders as one name. Entries that share a surname but whose given names
    disagree (`Kim, A.` and `Kim, Y.`) are different people and are not reported; a
    difference of punctuation alone is not reported either.

    ## Why is this bad?
    Catalogues, indexes and readers treat the two forms as two people, and usually one
    of them is wrong.

    ## Example
    ```markdown
    [2] Jun N., (2018) Lenyzhan Shidaide Zhongguo Zhanlue Juece.
    [15] Jun, Niu. (1991) The change of the US policies towards Korean War.
    ```
    Write the name one way throughout.
    """
    forms: dict[str, list[tuple[Entry, str, tuple[str, ...]]]] = defaultdict(list)
    for entry in printed_entries(doc, ctx):
        for author in entry.authors:
            parts = _name_parts(author)
            if len(parts) >= 2:
                for part in parts:
                    if len(part) >= 3:
                        forms[part].append((entry, author, parts))
    reported: set[tuple[str, str]] = set()
    families: dict[str, frozenset[str]] = {}
    for items in forms.values():
        # Only names with the same family name and as many parts can be one person:
        # compare within those buckets, not all pairs of a common given name.
        buckets: dict[tuple[frozenset[str], int], list[int]] = defaultdict(list)
        for i, (_, author, parts) in enumerate(items):
            if author not in families:
                families[author] = frozenset(family_names((author,)))
            buckets[(families[author], len(parts))].append(i)
        for bucket in buckets.values():
            if len({items[i][2] for i in bucket}) < 2:
                continue
            for n, i in enumerate(bucket):
                for j in bucket[n + 1 :]:
                    yield from _author_pair(ctx, items[i], items[j], reported)


def _author_pair(
    ctx: RuleContext,
    a: tuple[Entry, str, tuple[str, ...]],
    b: tuple[Entry, str, tuple[str, ...]],
    reported: set[tuple[str, str]],
) -> Iterator[Diagnostic]:
    (entry_a, author_a, parts_a), (entry_b, author_b, parts_b) = a, b
    if entry_a is entry_b or parts_a == parts_b:
        return
    pair = tuple(sorted((author_a.strip(), author_b.strip())))
    if pair in reported or not _same_person(parts_a, parts_b):
        return
    # Initials match any name, so the family names must agree exactly
    # ('Doyle, Michael W' is not 'Ward, Michael D').
    if family_names((author_a,)) != family_names((author_b,)):
        return
    # The same parts in another order is no inconsistency: BibTeX reads 'Julia Silge' and
    # 'Silge, Julia' as one name, and MLA and Chicago lists invert the first author only
    # ('Goodwin, Jonathan' but 'and Jonathan Goodwin').
    if sorted(parts_a) == sorted(parts_b) and (
        entry_a.kind == entry_b.kind == "bibtex"
        or not (_first_inverted(entry_a, author_a) and _first_inverted(entry_b, author_b))
    ):
        return
    reported.add((pair[0], pair[1]))
    yield ctx.diagnostic(
        entry_b.label_span or entry_b.span,
        f"author written '{author_b.strip()}' in {label_text(entry_b)} but "
        f"'{author_a.strip()}' in {label_text(entry_a)}",
        related=[ctx.related(entry_a.label_span or entry_a.span, f"'{author_a.strip()}'")],
        context=f"{author_a} | {author_b}",
        path=entry_b.path,
    )


def _first_inverted(entry: Entry, author: str) -> bool:
    """The entry's first author, whom MLA and Chicago lists write family name first: two
    first authors must agree on the order; a later author is written given name first."""
    return bool(entry.authors) and entry.authors[0] == author


def _name_parts(author: str) -> tuple[str, ...]:
    return tuple(p for p in re.findall(r"[^\W\d_]+", fold(author)) if p not in ("and", "et", "al"))


def _same_person(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Every part of the shorter name is a part, or the initial of a part, of the other,
    and the forms differ by more than punctuation."""
    if len(a) != len(b):
        return False
    rest_b = list(b)
    for part in a:
        match = next(
            (
                p
                for p in rest_b
                if p == part
                or (len(part) == 1 and p.startswith(part))
                or (len(p) == 1 and part.startswith(p))
            ),
            None,
        )
        if match is None:
            return False
        rest_b.remove(match)
    return True
