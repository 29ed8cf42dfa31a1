"""The source audit: score every citation's context against every entry, once per document.

The link stage (`citeaudit.link`) runs it at most once per document, and the rules
(CIT002-CIT005, SRC001) read the result from `doc.links.audit`. It builds one score matrix, citations by
entries, from four kinds of agreement:

- words: the names and content words of the citing sentence against the words of each
  entry, fuzzily (one `rapidfuzz.process.cdist` call over the two vocabularies), each
  weighted by how rare it is among the entries and among the citing sentences, so "Kim"
  in an essay about Kim counts for little and "Acheson" for much;
- dates: the sentence's dates (a yearless "12 January" takes the year in force) against
  the entry's date, computed over arrays;
- kinds of document: a "telegraph" in the sentence and a "Ciphered Telegram" entry;
- quotations: a quoted phrase that is an entry's title.

From the matrix it finds citations whose own entry scores low while another scores clearly
higher (mismatches), runs of citations that each fit entry n-k (numbering shifts), and the
set of citations it confidently reassigns (`relinked`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from citeaudit.context import (
    CitationContext,
    EntryFeatures,
    citation_contexts,
    entry_features,
)
from citeaudit.model import Citation, Document, Entry

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float64]
else:
    Matrix = Any

# Weights of one matching token, before rarity: a name in the citing sentence is the
# strongest lexical evidence; a content word, or anything in the lead-in, much less.
NAME_WEIGHT = 1.0
WORD_WEIGHT = 0.35
LEAD_NAME_WEIGHT = 0.5
LEAD_WORD_WEIGHT = 0.15
AUTHOR_WEIGHT = 1.0  # added again when a name in the clause is the entry's author
KIND_WEIGHT = 0.75
QUOTE_TITLE_WEIGHT = 2.0
# Fuzzy token match: rapidfuzz ratio at least this, and exact for tokens under 6 letters
# (so "Korea" never meets "Korean" and "Kim" never meets "Kin").
TOKEN_CUTOFF = 88
SHORT_TOKEN = 6

# A citation is reassigned (CIT003) only when another entry scores at least MIN_BEST,
# beats the cited one by MARGIN and every third entry by LEAD. Tuned on the Lai essay
# and the mutation benchmark (bench/mutation.py): an exact day-and-month date (3.0), or
# a rare name plus a kind of document (~1.75), passes; a shared year (0.4) or a common
# word never does.
MIN_BEST = 1.8
MARGIN = 1.4
LEAD = 0.75
OWN_LOW = 0.5  # the cited entry scores at most half the better one
# Within a numbering shift each member needs less: its n-k entry scores SUPPORT or more,
# beats the cited entry by SUPPORT_MARGIN, and is (near) the best.
SUPPORT = 0.9
SUPPORT_MARGIN = 0.6
NEAR_BEST = 0.3
# The cited entry "clearly fits", which ends any shift run through it.
FITS = 1.5
MAX_SHIFT = 3
MIN_RUN = 3


@dataclass(frozen=True, slots=True)
class Item:
    """One label of one citation: [2-4] gives three items."""

    index: int  # row in the score matrix
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


@dataclass
class Analysis:
    items: list[Item] = field(default_factory=list)
    entries: list[EntryFeatures] = field(default_factory=list)
    scores: Matrix | None = None
    mismatches: list[Mismatch] = field(default_factory=list)
    runs: list[ShiftRun] = field(default_factory=list)
    # f"{citation.span.start}:{label}" -> the label of the entry the citation really uses.
    relinked: dict[str, str] = field(default_factory=dict)
    # Memo for Evidence.of: how many citing sentences name each word, and which entries
    # hold a token like it. Evidence is built for many citation/entry pairs.
    citing_words: dict[str, int] = field(default_factory=dict)
    word_holders: dict[str, list[int]] = field(default_factory=dict)

    def citing(self, word: str) -> int:
        if word not in self.citing_words:
            self.citing_words[word] = len(
                {
                    i.context.index
                    for i in self.items
                    if any(word in n.split() for n in i.context.names)
                }
            )
        return self.citing_words[word]

    def holders(self, word: str) -> list[int]:
        from rapidfuzz import fuzz

        if word not in self.word_holders:
            self.word_holders[word] = [
                k
                for k, e in enumerate(self.entries)
                if any(_alike(word, t, fuzz.ratio(word, t)) for t in e.tokens)
            ]
        return self.word_holders[word]

    def entry(self, column: int) -> Entry:
        return self.entries[column].entry

    def score(self, item: Item, column: int | None) -> float:
        if self.scores is None or column is None:
            return 0.0
        return float(self.scores[item.index, column])

    def in_run(self, item: Item) -> ShiftRun | None:
        for run in self.runs:
            if any(m is item for m in run.members):
                return run
        return None


def analyse_document(doc: Document) -> Analysis:
    """The audit of `doc`. The link stage calls this once per document (`Links.audit`)."""
    return _analyse(doc)


def _analyse(doc: Document) -> Analysis:
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
    scores = score_matrix([i.context for i in items], features)
    analysis = Analysis(items=items, entries=features, scores=scores)
    analysis.mismatches = _mismatches(analysis)
    analysis.runs = _shift_runs(analysis, columns)
    for run in analysis.runs:
        for member in run.members:
            analysis.relinked[member.key] = run.target(member)
    for mismatch in analysis.mismatches:
        better = analysis.entry(mismatch.better).label
        if better is not None:
            analysis.relinked.setdefault(mismatch.item.key, better)
    return analysis


# -- scoring ---------------------------------------------------------------------------


def score_matrix(contexts: list[CitationContext], entries: list[EntryFeatures]) -> Matrix:
    """Scores, one row per context and one column per entry."""
    import numpy as np

    if not contexts or not entries:
        return np.zeros((len(contexts), len(entries)))
    return (
        _word_scores(contexts, entries)
        + _date_scores(contexts, entries)
        + _kind_scores(contexts, entries)
        + _quote_scores(contexts, entries)
    )


def _token_matches(
    vocab_c: list[str], entries: list[EntryFeatures], *, authors: bool = False
) -> Matrix:
    """For each context token, which entries contain a token like it (vocabulary x
    entries, 0/1): one rapidfuzz cdist call over the two vocabularies."""
    import numpy as np
    from rapidfuzz import fuzz, process

    listed = [e.author_tokens if authors else e.tokens for e in entries]
    vocab_e = sorted({t for tokens in listed for t in tokens})
    if not vocab_c or not vocab_e:
        return np.zeros((len(vocab_c), len(entries)))
    sim = process.cdist(vocab_c, vocab_e, scorer=fuzz.ratio, score_cutoff=TOKEN_CUTOFF, workers=1)
    len_c = np.array([len(t) for t in vocab_c])[:, None]
    len_e = np.array([len(t) for t in vocab_e])[None, :]
    short = (len_c < SHORT_TOKEN) | (len_e < SHORT_TOKEN)
    similar = (sim >= TOKEN_CUTOFF) & (~short | (sim >= 100))
    position = {t: j for j, t in enumerate(vocab_e)}
    incidence = np.zeros((len(entries), len(vocab_e)))
    for row, tokens in enumerate(listed):
        incidence[row, [position[t] for t in tokens]] = 1.0
    return np.asarray(((similar.astype(float) @ incidence.T) > 0).astype(float))


def _word_scores(contexts: list[CitationContext], entries: list[EntryFeatures]) -> Matrix:
    """Names and words of each context against each entry's words, weighted by rarity.

    A name of several words ("Kim Il Sung") is one piece of evidence: it matches as
    strongly as its rarest matching word, and is as common among the citing sentences as
    its most common word (so "Il Sung" does not make Kim rare in an essay about Kim)."""
    import numpy as np

    terms = sorted({t for c in contexts for t in (*c.names, *c.words, *c.before, *c.before_names)})
    tokens = sorted({w for t in terms for w in t.split()})
    if not terms or not tokens:
        return np.zeros((len(contexts), len(entries)))
    matches = _token_matches(tokens, entries)
    n = len(entries)
    df_entries = matches.sum(axis=1)
    rarity_e = np.where(
        df_entries > 0, np.log((n + 1) / np.maximum(df_entries, 1)) / math.log(n + 1), 0.0
    )
    strength = matches * rarity_e[:, None]  # tokens x entries
    token_at = {t: j for j, t in enumerate(tokens)}
    parts = [[token_at[w] for w in t.split()] for t in terms]
    term_strength = np.stack([strength[p].max(axis=0) for p in parts])  # terms x entries
    position = {t: j for j, t in enumerate(terms)}
    weights = np.zeros((len(contexts), len(terms)))
    for row, c in enumerate(contexts):
        for group, weight in (
            (c.before, LEAD_WORD_WEIGHT),
            (c.before_names, LEAD_NAME_WEIGHT),
            (c.words, WORD_WEIGHT),
            (c.names, NAME_WEIGHT),
        ):
            cols = [position[t] for t in group]
            weights[row, cols] = np.maximum(weights[row, cols], weight)
    # A word in most citing sentences is the essay's topic, not a pointer to one source.
    present = np.zeros((len(contexts), len(tokens)))
    for row, c in enumerate(contexts):
        present[
            row, [token_at[w] for t in (*c.names, *c.words, *c.before_names) for w in t.split()]
        ] = 1
    rarity_token = _topic(present.sum(axis=0))
    rarity_c = np.array([rarity_token[_significant(p, tokens)].min() for p in parts])
    scores = (weights * rarity_c) @ term_strength
    # A name in the citing clause that is an entry's author ("as Petrie [3] showed") is
    # the most direct pointer there is: it counts again.
    author_hits = _token_matches(tokens, entries, authors=True) * rarity_e[:, None]
    term_author = np.stack([author_hits[p].max(axis=0) for p in parts])
    named = np.zeros((len(contexts), len(terms)))
    for row, c in enumerate(contexts):
        named[row, [position[t] for t in c.names]] = AUTHOR_WEIGHT
    return np.asarray(scores + (named * rarity_c) @ term_author, dtype=float)


def _significant(part: list[int], tokens: list[str]) -> list[int]:
    """The words of a name that say how common it is: two-letter words ("US", "UN")
    are in every sentence of some texts and would make every name they start common."""
    kept = [j for j in part if len(tokens[j]) >= 3]
    return kept or part


def _day_number(year: Matrix, month: Matrix, day: Matrix) -> Matrix:
    return year * 372 + month * 31 + day


def _date_scores(contexts: list[CitationContext], entries: list[EntryFeatures]) -> Matrix:
    """Best agreement of any date the context names with each entry's date."""
    import numpy as np

    rows: list[tuple[int, float, float, float, float, float]] = []
    for row, c in enumerate(contexts):
        # The lead-in's dates count fully when the citing sentence has none of its own.
        lead_weight = 1.0 if not any(d.month for d in c.dates) else 0.5
        for dates, weight in ((c.dates, 1.0), (c.earlier_dates, lead_weight)):
            for d in dates:
                rows.append(
                    (
                        row,
                        float(d.year or 0),
                        float(d.month or 0),
                        float(d.day or 0),
                        weight,
                        0.6 if d.carried else 1.0,
                    )
                )
    out = np.zeros((len(contexts), len(entries)))
    if not rows:
        return out
    owner = np.array([r[0] for r in rows])
    cy, cm, cd, importance, certainty = (
        np.array([r[i] for r in rows])[:, None] for i in range(1, 6)
    )
    ey = np.array([float(e.year or 0) for e in entries])[None, :]
    em = np.array([float(e.month or 0) for e in entries])[None, :]
    ed = np.array([float(e.day or 0) for e in entries])[None, :]
    years_known = (cy > 0) & (ey > 0)
    same_year = years_known & (cy == ey)
    year_ok = ~years_known | same_year
    both_days = (cm > 0) & (em > 0) & (cd > 0) & (ed > 0)
    both_months = (cm > 0) & (em > 0)
    gap = np.abs(
        _day_number(np.where(years_known, cy, 0), cm, np.where(both_days, cd, 15))
        - _day_number(np.where(years_known, ey, 0), em, np.where(both_days, ed, 15))
    )
    score = np.zeros_like(gap, dtype=float)
    score = np.where(same_year, 0.4 * certainty, score)
    score = np.where(both_months & year_ok & (gap <= 45), 0.5, score)
    score = np.where(both_months & year_ok & (cm == em), 1.0, score)
    score = np.where(both_days & year_ok & (gap <= 15), 1.0, score)
    score = np.where(both_days & year_ok & (gap <= 3), 1.5, score)
    score = np.where(both_days & year_ok & (cm == em) & (cd == ed), 3.0, score)
    score = score * importance
    np.maximum.at(out, owner, score)
    return out


def _kind_scores(contexts: list[CitationContext], entries: list[EntryFeatures]) -> Matrix:
    import numpy as np

    kinds = sorted({k for e in entries for k in e.kinds})
    if not kinds:
        return np.zeros((len(contexts), len(entries)))
    position = {k: j for j, k in enumerate(kinds)}
    said = np.zeros((len(contexts), len(kinds)))
    for row, c in enumerate(contexts):
        for k in c.kinds:
            if k in position:
                said[row, position[k]] = 1.0
    listed = np.zeros((len(entries), len(kinds)))
    for row, e in enumerate(entries):
        listed[row, [position[k] for k in e.kinds]] = 1.0
    return np.asarray(((said @ listed.T) > 0) * KIND_WEIGHT, dtype=float)


def _quote_scores(contexts: list[CitationContext], entries: list[EntryFeatures]) -> Matrix:
    """A quoted phrase that is (most of) an entry's title."""
    import numpy as np
    from rapidfuzz import fuzz, process

    out = np.zeros((len(contexts), len(entries)))
    quotes = [(row, q) for row, c in enumerate(contexts) for q in c.quotes if len(q) >= 12]
    titles = [e.title for e in entries]
    if not quotes or not any(len(t) >= 12 for t in titles):
        return out
    sim = process.cdist(
        [q for _, q in quotes], titles, scorer=fuzz.partial_ratio, processor=_fold, workers=1
    )
    len_q = np.array([len(q) for _, q in quotes])[:, None]
    len_t = np.array([len(t) for t in titles])[None, :]
    fits = (sim >= 90) & (len_t >= 12) & (len_q <= 1.5 * len_t) & (len_q >= 0.5 * len_t)
    np.maximum.at(out, np.array([row for row, _ in quotes]), fits * QUOTE_TITLE_WEIGHT)
    return out


def _fold(text: str) -> str:
    from citeaudit.normalize import key

    return key(text)


# -- decisions -------------------------------------------------------------------------


def _ranked(analysis: Analysis, item: Item) -> list[int]:
    import numpy as np

    assert analysis.scores is not None
    row = analysis.scores[item.index]
    return [int(j) for j in np.argsort(-row, kind="stable")]


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
    order = _ranked(analysis, item)
    best = order[0]
    if best == item.own or _same_work(analysis, best, item.own):
        return None
    top = analysis.score(item, best)
    own = analysis.score(item, item.own)
    others = [
        analysis.score(item, j)
        for j in order[1:]
        if j != item.own and not _same_work(analysis, j, best)
    ]
    runner_up = others[0] if others else 0.0
    clear = top >= MIN_BEST and top - own >= MARGIN and own <= OWN_LOW * top
    if clear and top - runner_up >= LEAD and specific(analysis, item, best):
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
    ea, eb = analysis.entries[a], analysis.entries[b]
    return bool(ea.title) and ea.title.casefold() == eb.title.casefold()


def _state(analysis: Analysis, item: Item, k: int, columns: dict[str, int]) -> str:
    """How one citation bears on the hypothesis "markers point k past their source":
    'support', 'neutral' or 'break'."""
    if not item.single or not item.label.isdigit():
        return "break"
    target = columns.get(str(int(item.label) - k))
    if target is None or item.own is None:
        return "break"
    own = analysis.score(item, item.own)
    top = float(analysis.scores[item.index].max()) if analysis.scores is not None else 0.0
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
    target = columns.get(str(int(item.label) - k))
    if target is None or item.own is None or analysis.scores is None:
        return False
    own = analysis.score(item, item.own)
    fit = analysis.score(item, target)
    top = float(analysis.scores[item.index].max())
    return fit >= SUPPORT and fit - own >= SUPPORT_MARGIN and fit >= top - NEAR_BEST


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
    while members and members[0][1] != "support":
        members = members[1:]
    while members and members[-1][1] != "support":
        members = members[:-1]
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
    for run in sorted(runs, key=lambda r: (-len(r.supported), abs(r.offset))):
        keys = {m.key for m in run.members}
        if all(not keys & {m.key for m in other.members} for other in kept):
            kept.append(run)
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
        from rapidfuzz import fuzz

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
                names.append((name, best * float(_topic(commonest))))
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
            _quote_scores([c], [feats])[0, 0] > 0 if c.quotes and feats.title else False
        )
        authors = tuple(
            n
            for n, weight in names
            if weight >= RARE_NAME
            and any(_alike(w, t, fuzz.ratio(w, t)) for w in n.split() for t in feats.author_tokens)
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


def _topic(citing: Any) -> Any:
    """How little a word that `citing` citing texts share says about any one source."""
    import numpy as np

    return 1.0 / (1.0 + np.maximum(np.asarray(citing, dtype=float) - 2, 0) / 3.0)


def evidence(analysis: Analysis, item: Item, column: int) -> str:
    """What the citing text shares with the entry, for the message."""
    return Evidence.of(analysis, item, column).describe()


def _alike(a: str, b: str, ratio: float) -> bool:
    if len(a) < SHORT_TOKEN or len(b) < SHORT_TOKEN:
        return a == b
    return ratio >= TOKEN_CUTOFF


def describe_entry(entry: Entry, *, label: bool = True) -> str:
    """ "[10] 'Dean Acheson's 'Perimeter Speech' on Asia' (1950)", shortened."""
    title = entry.title or entry.raw
    title = title if len(title) <= 60 else title[:59].rstrip() + "…"
    year = f" ({entry.year})" if entry.year and entry.year not in title else ""
    return (f"[{entry.label}] " if label else "") + f"'{title}'{year}"
