"""The source audit: score every citation's context against every entry, once per document.

The link stage (`citeaudit.link`) runs `analyse_document(doc)` at most once per document,
and the rules (CIT002-CIT005, SRC001) read the result from `doc.links.audit`. It builds
one sparse score table, citations by entries, from four kinds of agreement:

- words: the names and content words of the citing sentence against the words of each
  entry, fuzzily (each distinct word is matched once against the entries' vocabulary,
  an exact-match dictionary first, then rapidfuzz only among words whose length allows
  the ratio and, on long lists, that share a trigram with it), each weighted by how rare it is among the entries and among the citing
  sentences, so "Kim" in an essay about Kim counts for little and "Acheson" for much;
- dates: the sentence's dates (a yearless "12 January" takes the year in force) against
  the dates of the entries that share their year or month (indexed, not scanned);
- kinds of document: a "telegraph" in the sentence and a "Ciphered Telegram" entry;
- quotations: a quoted phrase that is an entry's title.

Rows are computed on demand (`_Row`): exact scores for the entries that share something
rare with the citing text, and a bound for the rest, so a list of 2,000 entries cited
10,000 times never builds a dense matrix, and no run imports numpy.

From the table it finds citations whose own entry scores low while another scores clearly
higher (mismatches), runs of citations that each fit entry n-k (numbering shifts), and the
set of citations it confidently reassigns (`relinked`).
"""

from __future__ import annotations

import bisect
import functools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from citeaudit.context import (
    CitationContext,
    EntryFeatures,
    citation_contexts,
    entry_features,
)
from citeaudit.model import Citation, Document, Entry

# The weights and thresholds live beside the docs of CIT003 and CIT004, which explain them.
from citeaudit.rules.cit.thresholds import (
    AUTHOR_WEIGHT,
    FITS,
    KIND_WEIGHT,
    LEAD,
    LEAD_NAME_WEIGHT,
    LEAD_WORD_WEIGHT,
    MARGIN,
    MAX_SHIFT,
    MIN_BEST,
    MIN_RUN,
    NAME_WEIGHT,
    NEAR_BEST,
    OWN_LOW,
    QUOTE_TITLE_WEIGHT,
    SHORT_TOKEN,
    SUPPORT,
    SUPPORT_MARGIN,
    TOKEN_CUTOFF,
    WORD_WEIGHT,
)

Row = dict[int, float]  # column -> score, only the entries that score above zero


@dataclass(frozen=True, slots=True)
class Item:
    """One label of one citation: [2-4] gives three items."""

    index: int  # row in the score table
    context: CitationContext
    label: str
    own: int | None  # column of the cited entry
    single: bool  # the marker cites this label alone

    @property
    def citation(self) -> Citation:
        return self.context.citation

    @property
    def key(self) -> str:
        return f"{self.citation.span.start}:{self.label}"


@dataclass(frozen=True, slots=True)
class Mismatch:
    item: Item
    better: int  # column of the entry that fits
    evidence: str


@dataclass(frozen=True, slots=True)
class ShiftRun:
    offset: int  # k: each marker n fits entry n-k
    members: tuple[Item, ...]
    supported: tuple[Item, ...]  # members with their own evidence for n-k

    def target(self, item: Item) -> str:
        return str(int(item.label) - self.offset)


# A word (or kind of document) that more than this many entries hold is "common": rows
# are not expanded over its entries, only bounded by it (see _Row). Lists shorter than
# this are always scored in full.
COMMON = 32


class _Row:
    """The scores of one citing context against every entry, computed on demand.

    A row's score for an entry is a sum of small parts (see _word_scores); computing it
    for every entry is quadratic on long lists, where every row meets the hundreds of
    entries that share a common word. So a row knows its candidate entries (those that
    share a rare word, a date, a rare kind or a quotation with it) and an upper bound on
    what any other entry can score (the sum of its common words' best contributions).
    Exact scores are computed for candidates; the row is expanded in full only when the
    bound says an entry outside them might matter. Each score is summed in the same
    order whichever way it is computed, so results are the same bit for bit."""

    __slots__ = (
        "authors",
        "best",
        "bound",
        "candidates",
        "dates",
        "entry_kinds",
        "full",
        "kinds",
        "known",
        "quotes",
        "terms",
    )

    def __init__(
        self,
        terms: list[tuple[Row, float]],
        authors: list[tuple[Row, float]],
        dates: _Dates | None,
        kinds: tuple[str, ...],
        by_kind: dict[str, list[int]],
        entry_kinds: list[tuple[str, ...]],
        quotes: Row,
    ) -> None:
        self.terms = terms
        self.authors = authors
        self.dates = dates
        self.kinds = frozenset(kinds)
        self.entry_kinds = entry_kinds
        self.quotes = quotes
        self.full: Row | None = None
        self.known: Row = {}
        self.best: tuple[float, int] | None = None
        candidates: set[int] = set(quotes)
        bound = 0.0
        if dates is not None:
            near, bound = dates.near()
            candidates |= near
        for strength, factor in (*terms, *authors):
            if len(strength) > COMMON:
                bound += factor * max(strength.values())
            else:
                candidates.update(strength)
        common_kind = False
        for k in self.kinds:
            held = by_kind.get(k, ())
            if len(held) > COMMON:
                common_kind = True
            else:
                candidates.update(held)
        if common_kind:
            bound += KIND_WEIGHT
        # Slack for rounding: the bound must never be below a sum it stands for.
        self.bound = bound * (1 + 1e-9) + 1e-12 if bound else 0.0
        self.candidates = candidates

    def get(self, j: int) -> float:
        if self.full is not None:
            return self.full.get(j, 0.0)
        if j not in self.known:
            self.known[j] = self._score(j)
        return self.known[j]

    def _score(self, j: int) -> float:
        words = 0.0
        for strength, factor in self.terms:
            v = strength.get(j)
            if v:
                words += factor * v
        extra = 0.0
        for strength, factor in self.authors:
            v = strength.get(j)
            if v:
                extra += factor * v
        score = words + extra
        v = self.dates.score(j) if self.dates is not None else 0.0
        if v:
            score += v
        if self.kinds and not self.kinds.isdisjoint(self.entry_kinds[j]):
            score += KIND_WEIGHT
        v = self.quotes.get(j)
        if v:
            score += v
        return score

    def expand(self) -> Row:
        """Every entry that scores above zero."""
        if self.full is None:
            words: dict[int, float] = defaultdict(float)
            for strength, factor in self.terms:
                for j, v in strength.items():
                    words[j] += factor * v
            extra: dict[int, float] = defaultdict(float)
            for strength, factor in self.authors:
                for j, v in strength.items():
                    extra[j] += factor * v
            for j, v in extra.items():
                words[j] += v
            row: Row = {j: v for j, v in words.items() if v > 0.0}
            for j, v in (self.dates.full() if self.dates is not None else {}).items():
                row[j] = row.get(j, 0.0) + v
            for j, kinds in enumerate(self.entry_kinds):
                if self.kinds and not self.kinds.isdisjoint(kinds):
                    row[j] = row.get(j, 0.0) + KIND_WEIGHT
            for j, v in self.quotes.items():
                row[j] = row.get(j, 0.0) + v
            self.full = row
        return self.full

    def _scored(self) -> Row:
        if self.full is not None:
            return self.full
        for j in self.candidates:
            self.get(j)
        return {j: self.known[j] for j in self.candidates}

    def top(self) -> tuple[float, int]:
        """The best score and its column, the first on ties ((0.0, 0) when nothing
        scores)."""
        if self.best is None:
            self.best = self._top()
        return self.best

    def _top(self) -> tuple[float, int]:
        scored = self._scored()
        top = max(scored.values(), default=0.0)
        if self.full is None and self.bound and top <= self.bound:
            scored = self.expand()
            top = max(scored.values(), default=0.0)
        if top <= 0.0:
            return 0.0, 0
        return top, min(j for j, v in scored.items() if v == top)

    def runner_up(self, skip: Callable[[int], bool]) -> float:
        """The best score among the entries that `skip` does not exclude (0.0 if none
        scores)."""
        scored = self._scored()
        found = max((v for j, v in scored.items() if not skip(j)), default=0.0)
        if self.full is None and self.bound and found < self.bound:
            found = max((v for j, v in self.expand().items() if not skip(j)), default=0.0)
        return found


class Scores:
    """The score table: one row per item, one column per entry. Items of one citation
    ([2-4]) share their row."""

    __slots__ = ("columns", "rows")

    def __init__(self, rows: list[_Row], columns: int) -> None:
        self.rows = rows
        self.columns = columns

    def __getitem__(self, index: tuple[int, int]) -> float:
        row, column = index
        return self.rows[row].get(column)

    def row(self, index: int) -> Row:
        """Every entry the row scores above zero (expands the row: slow on long lists)."""
        return self.rows[index].expand()

    def top(self, index: int) -> float:
        """The best score of a row (0.0 when nothing scores)."""
        return self.rows[index].top()[0]

    def best(self, index: int) -> int:
        """The best column of a row, the first on ties (column 0 when nothing scores)."""
        return self.rows[index].top()[1]

    def runner_up(self, index: int, skip: Callable[[int], bool]) -> float:
        return self.rows[index].runner_up(skip)


@dataclass
class Analysis:
    items: list[Item] = field(default_factory=list)
    entries: list[EntryFeatures] = field(default_factory=list)
    scores: Scores | None = None
    mismatches: list[Mismatch] = field(default_factory=list)
    runs: list[ShiftRun] = field(default_factory=list)
    # f"{citation.span.start}:{label}" -> the label of the entry the citation really uses.
    relinked: dict[str, str] = field(default_factory=dict)
    # Computed once while scoring, read by Evidence.of: which entries hold a token like
    # each word (and among their authors), and how many citing sentences name it.
    matches: dict[str, frozenset[int]] = field(default_factory=dict)
    author_matches: dict[str, frozenset[int]] = field(default_factory=dict)
    citing_words: dict[str, int] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)  # casefolded, for _same_work
    memo: dict[tuple[str, int, int], Any] = field(default_factory=dict)
    member_of: dict[int, ShiftRun] = field(default_factory=dict)

    def citing(self, word: str) -> int:
        return self.citing_words.get(word, 0)

    def holders(self, word: str) -> frozenset[int]:
        if word not in self.matches:
            found = _Matcher([e.tokens for e in self.entries]).match(word)
            self.matches[word] = found
        return self.matches[word]

    def authors_like(self, word: str) -> frozenset[int]:
        if word not in self.author_matches:
            found = _Matcher([e.author_tokens for e in self.entries]).match(word)
            self.author_matches[word] = found
        return self.author_matches[word]

    def entry(self, column: int) -> Entry:
        return self.entries[column].entry

    def score(self, item: Item, column: int | None) -> float:
        if self.scores is None or column is None:
            return 0.0
        return self.scores.rows[item.index].get(column)

    def in_run(self, item: Item) -> ShiftRun | None:
        return self.member_of.get(item.index)


def analyse_document(doc: Document) -> Analysis:
    """The audit of one document: a pure function of it."""
    if doc.list_style != "numbered":
        return Analysis()
    entries = [e for e in doc.entries if e.label is not None]
    columns: dict[str, int] = {}
    for i, entry in enumerate(entries):
        columns.setdefault(entry.label or "", i)
    citations = [c for c in doc.citations if c.style == "numeric"]
    if len(entries) < 2 or not citations:
        return Analysis()
    contexts = citation_contexts(doc, citations)
    items: list[Item] = []
    for context in contexts:
        targets = context.citation.targets
        for label in targets:
            items.append(Item(len(items), context, label, columns.get(label), len(targets) == 1))
    features = [entry_features(e) for e in entries]
    analysis = Analysis(items=items, entries=features)
    analysis.titles = [e.title.casefold() if e.title else "" for e in features]
    analysis.scores = _score_table(analysis)
    analysis.mismatches = _mismatches(analysis)
    analysis.runs = _shift_runs(analysis, columns)
    for run in analysis.runs:
        for member in run.members:
            analysis.relinked[member.key] = run.target(member)
            analysis.member_of.setdefault(member.index, run)
    for mismatch in analysis.mismatches:
        better = analysis.entry(mismatch.better).label
        if better is not None:
            analysis.relinked.setdefault(mismatch.item.key, better)
    return analysis


# -- scoring ---------------------------------------------------------------------------


def _score_table(analysis: Analysis) -> Scores:
    contexts = [i.context for i in analysis.items]
    return Scores(_rows(analysis, contexts), len(analysis.entries))


def _rows(analysis: Analysis, contexts: list[CitationContext]) -> list[_Row]:
    """One row per context; a context that several items share is scored once."""
    entries = analysis.entries
    if not contexts or not entries:
        return [_Row([], [], None, (), {}, [], {}) for _ in contexts]
    words = _word_scores(analysis, contexts)
    dates = _date_scores(contexts, entries)
    quotes = _quote_scores(contexts, entries)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for j, e in enumerate(entries):
        for k in e.kinds:
            by_kind[k].append(j)
    entry_kinds = [e.kinds for e in entries]
    rows: list[_Row] = []
    made: dict[int, _Row] = {}
    for n, c in enumerate(contexts):
        key = id(c)
        if key not in made:
            terms, authors = words[n]
            made[key] = _Row(terms, authors, dates[n], c.kinds, by_kind, entry_kinds, quotes[n])
        rows.append(made[key])
    return rows


WINDOW = 2000  # vocabulary that rapidfuzz scans faster than the trigram index narrows it


class _Matcher:
    """Which entries hold a token like a given word: exact tokens from a dict, fuzzy
    ones (6 letters or more, rapidfuzz ratio TOKEN_CUTOFF or more) only among the
    vocabulary that shares a trigram with the word and whose length allows the ratio.

    Why a shared trigram is certain: a ratio of 88 allows an insertion-deletion distance
    of at most 0.12 * (n + m); a deletion from the word breaks at most 3 of its n - 2
    trigrams and an insertion at most 2, and within that distance some trigram survives
    for every n >= 6 (checked for all lengths below 400; above, 3 x 0.27n < n - 2)."""

    def __init__(self, listed: list[tuple[str, ...]]) -> None:
        holders: dict[str, set[int]] = defaultdict(set)
        for column, tokens in enumerate(listed):
            for t in tokens:
                holders[t].add(column)
        self.holders = holders
        self.long = sorted(t for t in holders if len(t) >= SHORT_TOKEN)
        self._grams: dict[tuple[str, int], list[int]] | None = None
        by_length: dict[int, list[str]] = defaultdict(list)
        for t in self.long:
            by_length[len(t)].append(t)
        self.by_length = by_length
        self.windows: dict[int, list[str]] = {}
        # Looked up once per matcher, not per word: an import statement in the loop
        # cost more than the matching of a short vocabulary.
        from rapidfuzz import fuzz, process

        self.extract = process.extract
        self.ratio = fuzz.ratio

    def grams(self) -> dict[tuple[str, int], list[int]]:
        """The trigram index, built only for a vocabulary too long to scan (most lists
        never need it)."""
        if self._grams is None:
            grams: dict[tuple[str, int], list[int]] = defaultdict(list)
            for i, t in enumerate(self.long):
                for g in {t[k : k + 3] for k in range(len(t) - 2)}:
                    grams[(g, len(t))].append(i)
            self._grams = grams
        return self._grams

    def match_many(self, words: Iterable[str]) -> dict[str, frozenset[int]]:
        """`match` of each word. With a vocabulary short enough to scan, the fuzzy part
        runs once per vocabulary token over the words of its length window instead of
        once per word over the tokens: an essay has several times more words than its
        list has long tokens, and the ratio is symmetric, so the pairs found are the
        same."""
        words = list(words)
        if len(self.long) > WINDOW:
            return {w: self.match(w) for w in words}
        by_length: dict[int, list[str]] = defaultdict(list)
        for w in words:
            if len(w) >= SHORT_TOKEN:
                by_length[len(w)].append(w)
        fuzzy: dict[str, set[int]] = defaultdict(set)
        windows: dict[int, list[str]] = {}
        for token in self.long:
            n = len(token)
            if n not in windows:
                windows[n] = [w for m in _fuzzy_lengths(n) for w in by_length.get(m, ())]
            if not windows[n]:
                continue
            holders = self.holders[token]
            for word, _, _ in self.extract(
                token, windows[n], scorer=self.ratio, score_cutoff=TOKEN_CUTOFF, limit=None
            ):
                fuzzy[word] |= holders
        none: frozenset[int] = frozenset()
        return {
            w: frozenset(self.holders.get(w, none)).union(fuzzy[w])
            if w in fuzzy
            else frozenset(self.holders.get(w, none))
            for w in words
        }

    def match(self, word: str) -> frozenset[int]:
        found = set(self.holders.get(word, ()))
        n = len(word)
        if n >= SHORT_TOKEN and self.long:
            low, high = _length_window(n)
            if n not in self.windows:
                self.windows[n] = [t for m in range(low, high + 1) for t in self.by_length[m]]
            choices = self.windows[n]
            if len(choices) > WINDOW:
                # A long list: only the words that share a trigram can be alike.
                near: set[int] = set()
                grams = self.grams()
                for g in {word[k : k + 3] for k in range(n - 2)}:
                    for m in range(low, high + 1):
                        near.update(grams.get((g, m), ()))
                choices = [self.long[i] for i in near]
            if choices:
                for token, _, _ in self.extract(
                    word, choices, scorer=self.ratio, score_cutoff=TOKEN_CUTOFF, limit=None
                ):
                    found |= self.holders[token]
        return frozenset(found)


def _length_window(n: int) -> tuple[int, int]:
    """The lengths a token may have to reach TOKEN_CUTOFF against a word of length n:
    ratio = 100 * (1 - distance / (n + m)) and distance >= |n - m|."""
    slack = 1 - TOKEN_CUTOFF / 100
    return math.floor(n * (1 - slack) / (1 + slack)), math.ceil(n * (1 + slack) / (1 - slack))


@functools.cache
def _fuzzy_lengths(n: int) -> list[int]:
    """The lengths in `_length_window(n)` at which a word other than a token of length n
    can reach TOKEN_CUTOFF. Two different words are at least max(|n - m|, 1) insertions
    and deletions apart, and that distance has the parity of n + m, so words of the
    same length need two: below 9 letters only the token itself gets there, and the
    token's own holders are taken without rapidfuzz. A length whose best ratio falls
    short of the cutoff by half a point or more is left out (the margin keeps rounding
    in rapidfuzz from mattering); on an essay this halves the pairs compared."""
    low, high = _length_window(n)
    return [
        m
        for m in range(low, high + 1)
        if 100 * (1 - (abs(n - m) or 2) / (n + m)) > TOKEN_CUTOFF - 0.5
    ]


def _rarity_e(df: int, n: int) -> float:
    return math.log((n + 1) / max(df, 1)) / math.log(n + 1) if df > 0 else 0.0


def _word_scores(
    analysis: Analysis, contexts: list[CitationContext]
) -> list[tuple[list[tuple[Row, float]], list[tuple[Row, float]]]]:
    """Names and words of each context against each entry's words, weighted by rarity.

    A name of several words ("Kim Il Sung") is one piece of evidence: it matches as
    strongly as its rarest matching word, and is as common among the citing sentences as
    its most common word (so "Il Sung" does not make Kim rare in an essay about Kim)."""
    entries = analysis.entries
    terms = sorted({t for c in contexts for t in (*c.names, *c.words, *c.before, *c.before_names)})
    tokens = sorted({w for t in terms for w in t.split()})
    if not terms or not tokens:
        return [([], []) for _ in contexts]
    by_words = _Matcher([e.tokens for e in entries])
    by_authors = _Matcher([e.author_tokens for e in entries])
    analysis.matches.update(by_words.match_many(t for t in tokens if t not in analysis.matches))
    # Authors are matched only by names (the words of other terms never count as authors).
    name_words = {w for c in contexts for name in c.names for w in name.split()}
    analysis.author_matches.update(
        by_authors.match_many(t for t in sorted(name_words) if t not in analysis.author_matches)
    )
    n = len(entries)
    # Both rarities depend on a count that takes few values: each is computed once a value.
    by_count = {df: _rarity_e(df, n) for df in {len(analysis.matches[t]) for t in tokens}}
    rarity_e = {t: by_count[len(analysis.matches[t])] for t in tokens}
    # A word in most citing sentences is the essay's topic, not a pointer to one source.
    present: dict[str, int] = defaultdict(int)
    citing: dict[str, set[int]] = defaultdict(set)
    for c in contexts:
        for w in {w for t in (*c.names, *c.words, *c.before_names) for w in t.split()}:
            present[w] += 1
        for name in c.names:
            for w in name.split():
                citing[w].add(c.index)
    analysis.citing_words = {w: len(held) for w, held in citing.items()}
    topic = {k: _topic(k) for k in {0, *present.values()}}
    rarity_token = {t: topic[present.get(t, 0)] for t in tokens}
    strength: dict[str, Row] = {}
    author: dict[str, Row] = {}
    rarity_c: dict[str, float] = {}
    for term in terms:
        if " " not in term:
            # One word, as most terms are: what the general case below gives it, directly.
            r = rarity_e[term]
            strength[term] = dict.fromkeys(analysis.matches[term], r) if r > 0.0 else {}
            rarity_c[term] = rarity_token[term]
            continue
        parts = term.split()
        strength[term] = _strongest(parts, analysis.matches, rarity_e)
        rarity_c[term] = min(rarity_token[w] for w in _significant(parts))
    specs: list[tuple[list[tuple[Row, float]], list[tuple[Row, float]]]] = []
    made: dict[int, tuple[list[tuple[Row, float]], list[tuple[Row, float]]]] = {}
    for c in contexts:
        if id(c) in made:
            specs.append(made[id(c)])
            continue
        weights: dict[str, float] = {}
        for group, weight in (
            (c.before, LEAD_WORD_WEIGHT),
            (c.before_names, LEAD_NAME_WEIGHT),
            (c.words, WORD_WEIGHT),
            (c.names, NAME_WEIGHT),
        ):
            for t in group:
                if weights.get(t, 0.0) < weight:  # the largest weight of the term's groups
                    weights[t] = weight
        # Each term adds weight x rarity x its strength for the entry, in term order.
        scored = [(strength[t], weights[t] * rarity_c[t]) for t in sorted(weights) if strength[t]]
        # A name in the citing clause that is an entry's author ("as Petrie [3] showed")
        # is the most direct pointer there is: it counts again.
        named: list[tuple[Row, float]] = []
        for t in sorted(set(c.names)):
            if t not in author:
                author[t] = _strongest(t.split(), analysis.author_matches, rarity_e)
            if author[t]:
                named.append((author[t], AUTHOR_WEIGHT * rarity_c[t]))
        made[id(c)] = spec = (scored, named)
        specs.append(spec)
    return specs


def _strongest(
    parts: list[str], matches: dict[str, frozenset[int]], rarity_e: dict[str, float]
) -> Row:
    """For each entry, the rarity of the rarest word of `parts` it holds."""
    out: Row = {}
    for w in parts:
        r = rarity_e[w]
        for j in matches[w]:
            if r > out.get(j, 0.0):
                out[j] = r
    return out


def _significant(parts: list[str]) -> list[str]:
    """The words of a name that say how common it is: two-letter words ("US", "UN")
    are in every sentence of some texts and would make every name they start common."""
    kept = [w for w in parts if len(w) >= 3]
    return kept or parts


def _day_number(year: float, month: float, day: float) -> float:
    return year * 372 + month * 31 + day


class _DateIndex:
    """The entries' dates, by year and month, so that each date of a citing text meets
    only the entries it can score against."""

    def __init__(self, entries: list[EntryFeatures]) -> None:
        self.dates = [(float(e.year or 0), float(e.month or 0), float(e.day or 0)) for e in entries]
        by_year: dict[float, list[int]] = defaultdict(list)
        by_year_month: dict[tuple[float, float], list[int]] = defaultdict(list)
        with_month: dict[float, list[int]] = defaultdict(list)
        yearless_with_month: dict[float, list[int]] = defaultdict(list)
        for j, (y, m, _) in enumerate(self.dates):
            if y > 0:
                by_year[y].append(j)
                by_year_month[(y, m)].append(j)
            if m > 0:
                with_month[m].append(j)
                if y <= 0:
                    yearless_with_month[m].append(j)
        self.by_year = by_year
        self.by_year_month = by_year_month
        self.with_month = with_month
        self.yearless_with_month = yearless_with_month

    def candidates(self, cy: float, cm: float) -> list[int]:
        """Every entry that can score against a date: the same year, or months on both
        sides with no year disagreeing."""
        if cy > 0:
            found = list(self.by_year.get(cy, ()))
            if cm > 0:
                found += [
                    j for m in sorted(self.yearless_with_month) for j in self.yearless_with_month[m]
                ]
            return found
        return [j for m in sorted(self.with_month) for j in self.with_month[m]] if cm > 0 else []

    def near(self, cy: float, cm: float) -> tuple[list[int], bool]:
        """The entries that can score more than a shared year against a date (months at
        most two apart: 31 x 3 - 30 days is more than 45), and whether others of the same
        year are left out (they score the shared year's 0.4 at most). A year shared by
        few entries is listed whole."""
        window = [cm + d for d in (-2, -1, 0, 1, 2)] if cm > 0 else []
        if cy > 0:
            same = self.by_year.get(cy, ())
            found: list[int]
            if len(same) <= COMMON:
                found, rest = list(same), False
            else:
                found = [j for m in window for j in self.by_year_month.get((cy, m), ())]
                rest = True
            found += [j for m in window for j in self.yearless_with_month.get(m, ())]
            return found, rest
        return [j for m in window for j in self.with_month.get(m, ())], False


class _Dates:
    """The dates of one citing context, scored against any entry on demand."""

    __slots__ = ("index", "refs")

    def __init__(self, index: _DateIndex, refs: list[tuple[float, float, float, float, float]]):
        self.index = index
        self.refs = refs  # year, month, day, certainty, importance

    def score(self, j: int) -> float:
        ey, em, ed = self.index.dates[j]
        best = 0.0
        for cy, cm, cd, certainty, importance in self.refs:
            score = _date_score(cy, cm, cd, ey, em, ed, certainty) * importance
            if score > best:
                best = score
        return best

    def near(self) -> tuple[set[int], float]:
        """Candidate entries, and a bound on what any other entry scores."""
        found: set[int] = set()
        bound = 0.0
        for cy, cm, _, certainty, importance in self.refs:
            listed, rest = self.index.near(cy, cm)
            found.update(listed)
            if rest:
                bound = max(bound, 0.4 * certainty * importance)
        return found, bound

    def full(self) -> Row:
        row: Row = {}
        for cy, cm, _, _, _ in self.refs:
            for j in self.index.candidates(cy, cm):
                if j not in row:
                    v = self.score(j)
                    if v > 0.0:
                        row[j] = v
        return row


def _date_score(
    cy: float, cm: float, cd: float, ey: float, em: float, ed: float, certainty: float
) -> float:
    years_known = cy > 0 and ey > 0
    same_year = years_known and cy == ey
    year_ok = not years_known or same_year
    both_days = cm > 0 and em > 0 and cd > 0 and ed > 0
    both_months = cm > 0 and em > 0
    gap = abs(
        _day_number(cy if years_known else 0.0, cm, cd if both_days else 15.0)
        - _day_number(ey if years_known else 0.0, em, ed if both_days else 15.0)
    )
    score = 0.0
    if same_year:
        score = 0.4 * certainty
    if both_months and year_ok:
        if gap <= 45:
            score = 0.5
        if cm == em:
            score = 1.0
        if both_days:
            if gap <= 15:
                score = 1.0
            if gap <= 3:
                score = 1.5
            if cm == em and cd == ed:
                score = 3.0
    return score


def _date_scores(contexts: list[CitationContext], entries: list[EntryFeatures]) -> list[_Dates]:
    """The dates each context names, to score against each entry's date."""
    index = _DateIndex(entries)
    rows: list[_Dates] = []
    made: dict[int, _Dates] = {}
    for c in contexts:
        if id(c) in made:
            rows.append(made[id(c)])
            continue
        refs: list[tuple[float, float, float, float, float]] = []
        # The lead-in's dates count fully when the citing sentence has none of its own.
        lead_weight = 1.0 if not any(d.month for d in c.dates) else 0.5
        for dates, importance in ((c.dates, 1.0), (c.earlier_dates, lead_weight)):
            for d in dates:
                certainty = 0.6 if d.carried else 1.0
                refs.append(
                    (
                        float(d.year or 0),
                        float(d.month or 0),
                        float(d.day or 0),
                        certainty,
                        importance,
                    )
                )
        made[id(c)] = row = _Dates(index, refs)
        rows.append(row)
    return rows


def _quote_scores(contexts: list[CitationContext], entries: list[EntryFeatures]) -> list[Row]:
    """A quoted phrase that is (most of) an entry's title."""
    rows: list[Row] = [{} for _ in contexts]
    quotes = [(row, q) for row, c in enumerate(contexts) for q in c.quotes if len(q) >= 12]
    titles = sorted((len(e.title), j) for j, e in enumerate(entries) if len(e.title) >= 12)
    if not quotes or not titles:
        return rows
    from rapidfuzz import fuzz, process

    lengths = [n for n, _ in titles]
    folded: dict[int, str] = {}
    for row, q in quotes:
        # The quote may be half to one and a half times the title's length.
        lo = bisect.bisect_left(lengths, math.ceil(len(q) / 1.5))
        hi = bisect.bisect_right(lengths, 2 * len(q))
        window = [j for _, j in titles[lo:hi] if 0.5 * len(entries[j].title) <= len(q)]
        window = [j for j in window if len(q) <= 1.5 * len(entries[j].title)]
        if not window:
            continue
        for j in window:
            if j not in folded:
                folded[j] = _fold(entries[j].title)
        choices = [folded[j] for j in window]
        for _, _, at in process.extract(
            _fold(q), choices, scorer=fuzz.partial_ratio, score_cutoff=90, limit=None
        ):
            rows[row][window[at]] = QUOTE_TITLE_WEIGHT
    return rows


def _fold(text: str) -> str:
    from citeaudit.normalize import key

    return key(text)


# -- decisions -------------------------------------------------------------------------


def _mismatches(analysis: Analysis) -> list[Mismatch]:
    found: list[Mismatch] = []
    for item in analysis.items:
        if item.own is None or not item.single:
            continue
        best = _confident_other(analysis, item)
        if best is not None:
            found.append(Mismatch(item, best, evidence(analysis, item, best)))
    return found


def _confident_other(analysis: Analysis, item: Item) -> int | None:
    """The entry this citation confidently belongs to instead of its own, if any."""
    memo_key = ("other", item.index, 0)
    if memo_key in analysis.memo:
        return analysis.memo[memo_key]  # type: ignore[no-any-return]
    result = _find_confident_other(analysis, item)
    analysis.memo[memo_key] = result
    return result


def _find_confident_other(analysis: Analysis, item: Item) -> int | None:
    assert analysis.scores is not None
    best = analysis.scores.best(item.index)
    if best == item.own or _same_work(analysis, best, item.own):
        return None
    top = analysis.score(item, best)
    own = analysis.score(item, item.own)
    clear = top >= MIN_BEST and top - own >= MARGIN and own <= OWN_LOW * top
    if not clear:
        return None
    # The runner-up: the best entry besides these two and copies of the best one.
    runner_up = analysis.scores.runner_up(
        item.index, lambda j: j == best or j == item.own or _same_work(analysis, j, best)
    )
    if top - runner_up >= LEAD and specific(analysis, item, best):
        return best
    return None


def specific(analysis: Analysis, item: Item, column: int) -> bool:
    """Whether the evidence names the source, not just its subject: the same day and
    month, a quoted title, two rare names in the citing sentence, or one rare name with
    the kind of document. Institutions and a topic's names ("Kim", "China") are not
    rare enough."""
    found = Evidence.of(analysis, item, column)
    rare = [n for n, weight in found.names if weight >= RARE_NAME]
    return (
        bool(found.day)
        or found.quote
        or bool(found.authors)
        or len(rare) >= 2
        or (len(rare) >= 1 and bool(found.kind))
    )


def _same_work(analysis: Analysis, a: int | None, b: int | None) -> bool:
    """Two entries listing the same work (REF001's business): citing either is fine."""
    if a is None or b is None:
        return False
    title = analysis.titles[a]
    return bool(title) and title == analysis.titles[b]


def _state(analysis: Analysis, item: Item, k: int, columns: dict[str, int]) -> str:
    """How one citation bears on the hypothesis "markers point k past their source":
    'support', 'neutral' or 'break'."""
    if not item.single or not item.label.isdigit():
        return "break"
    target = columns.get(str(int(item.label) - k))
    if target is None or item.own is None:
        return "break"
    own = analysis.score(item, item.own)
    top = analysis.scores.top(item.index) if analysis.scores is not None else 0.0
    if _supports(analysis, item, k, columns):
        return "support"
    if own >= FITS and own >= top - NEAR_BEST:
        return "break"
    other = _confident_other(analysis, item)
    if other is not None and other != target:
        return "break"
    # A marker that fits another offset belongs to another run.
    for j in range(1, MAX_SHIFT + 1):
        for shift in (j, -j):
            if shift != k and _supports(analysis, item, shift, columns):
                return "break"
    return "neutral"


def _supports(analysis: Analysis, item: Item, k: int, columns: dict[str, int]) -> bool:
    memo_key = ("supports", item.index, k)
    if memo_key in analysis.memo:
        return analysis.memo[memo_key]  # type: ignore[no-any-return]
    target = columns.get(str(int(item.label) - k))
    result = False
    if target is not None and item.own is not None and analysis.scores is not None:
        own = analysis.score(item, item.own)
        fit = analysis.score(item, target)
        top = analysis.scores.top(item.index)
        result = fit >= SUPPORT and fit - own >= SUPPORT_MARGIN and fit >= top - NEAR_BEST
    analysis.memo[memo_key] = result
    return result


def _shift_runs(analysis: Analysis, columns: dict[str, int]) -> list[ShiftRun]:
    runs: list[ShiftRun] = []
    ordered = sorted(analysis.items, key=lambda i: (i.citation.span.start, i.index))
    for k in [s for d in range(1, MAX_SHIFT + 1) for s in (d, -d)]:
        current: list[tuple[Item, str]] = []
        for item in [*ordered, None]:
            state = "break" if item is None else _state(analysis, item, k, columns)
            if state != "break" and item is not None:
                current.append((item, state))
                continue
            run = _accept(current, k)
            if run is not None and any(
                _confident_other(analysis, m) == columns.get(run.target(m)) for m in run.supported
            ):
                runs.append(run)
            current = []
    return _without_overlaps(runs)


def _accept(members: list[tuple[Item, str]], k: int) -> ShiftRun | None:
    first = next((i for i, (_, state) in enumerate(members) if state == "support"), None)
    if first is None:
        return None
    last = max(i for i, (_, state) in enumerate(members) if state == "support")
    members = members[first : last + 1]
    supported = [item for item, state in members if state == "support"]
    # Neutral members inside the run (no evidence either way) are carried along, but a
    # run must be mostly evidence: MIN_RUN markers, of which at least two support n-k
    # and at least one is a confident mismatch on its own (checked by the caller).
    if len(members) < MIN_RUN or len(supported) < 2 or len(supported) * 2 < len(members):
        return None
    return ShiftRun(k, tuple(item for item, _ in members), tuple(supported))


def _without_overlaps(runs: list[ShiftRun]) -> list[ShiftRun]:
    """Where runs of different offsets overlap, keep the better supported one."""
    kept: list[ShiftRun] = []
    taken: set[str] = set()
    for run in sorted(runs, key=lambda r: (-len(r.supported), abs(r.offset))):
        keys = {m.key for m in run.members}
        if not keys & taken:
            kept.append(run)
            taken |= keys
    return sorted(kept, key=lambda r: r.members[0].citation.span.start)


# -- explanations ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a citing text shares with one entry."""

    names: tuple[tuple[str, float], ...]  # name, rarity among entries and citing texts
    day: str | None  # "12 January" when day and month agree
    month: str | None
    kind: str | None
    quote: bool
    authors: tuple[str, ...] = ()  # rare names that are the entry's authors

    @classmethod
    def of(cls, analysis: Analysis, item: Item, column: int) -> Evidence:
        memo_key = ("evidence", item.index, column)
        found: Evidence | None = analysis.memo.get(memo_key)
        if found is None:
            found = analysis.memo[memo_key] = cls._of(analysis, item, column)
        return found

    @classmethod
    def _of(cls, analysis: Analysis, item: Item, column: int) -> Evidence:
        feats = analysis.entries[column]
        c = item.context
        names: list[tuple[str, float]] = []
        for name in dict.fromkeys(c.names):
            best = 0.0
            commonest = 0
            words = name.split()
            for word in words:
                holders = analysis.holders(word)
                citing = analysis.citing(word)
                if len(word) >= 3 or all(len(w) < 3 for w in words):
                    commonest = max(commonest, citing)
                if column in holders:
                    best = max(best, _rarity(len(holders), len(analysis.entries)))
            if best > 0:
                names.append((name, best * _topic(commonest)))
        day = month = None
        for d in (*c.dates, *c.earlier_dates):
            if (d.month and d.month == feats.month and d.year in (None, feats.year)) or (
                d.month and d.month == feats.month and feats.year is None
            ):
                if d.day and d.day == feats.day:
                    day = d.describe()
                    break
                month = month or d.describe()
        kinds = [k for k in c.kinds if k in feats.kinds]
        quote = analysis.scores is not None and bool(
            _quote_scores([c], [feats])[0].get(0, 0.0) > 0 if c.quotes and feats.title else False
        )
        authors = tuple(
            n
            for n, weight in names
            if weight >= RARE_NAME and any(column in analysis.authors_like(w) for w in n.split())
        )
        return cls(tuple(names), day, month, kinds[0] if kinds else None, quote, authors)

    def describe(self) -> str:
        said = [n.title() if len(n) > 3 else n.upper() for n, w in self.names if w >= RARE_NAME]
        said = said[:3]
        if self.day or self.month:
            said.append(self.day or self.month or "")
        if self.kind:
            said.append(f"a {self.kind}")
        if self.quote:
            said.append("its quoted title")
        if not said:
            return "its words"
        return ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]


# A name is "rare" when few entries and few citing sentences share it (product of the
# two rarities, see _word_scores): "Acheson" 1.0, "Stalin" in a Stalin essay about 0.2.
RARE_NAME = 0.5


def _rarity(holders: int, entries: int) -> float:
    return math.log((entries + 1) / max(holders, 1)) / math.log(entries + 1)


def _topic(citing: float) -> float:
    """How little a word that `citing` citing texts share says about any one source."""
    return 1.0 / (1.0 + max(float(citing) - 2, 0.0) / 3.0)


def evidence(analysis: Analysis, item: Item, column: int) -> str:
    """What the citing text shares with the entry, for the message."""
    return Evidence.of(analysis, item, column).describe()


def describe_entry(entry: Entry, *, label: bool = True) -> str:
    """ "[10] 'Dean Acheson's 'Perimeter Speech' on Asia' (1950)", shortened."""
    title = entry.title or entry.raw
    title = title if len(title) <= 60 else title[:59].rstrip() + "…"
    year = f" ({entry.year})" if entry.year and entry.year not in title else ""
    return (f"[{entry.label}] " if label else "") + f"'{title}'{year}"
