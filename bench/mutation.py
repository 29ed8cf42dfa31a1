#!/usr/bin/env python3
"""Mutation benchmark for the source audit.

Turns real Pandoc papers (Markdown with `[@key]` citations and a `.bib` file) into
numbered manuscripts whose links are right by construction: every key becomes the number
of its first citation, narrative citations (`@petrie1899`) become "Petrie [3]", and the
reference list is written from the `.bib`. Then it injects one defect at a time and
checks that the linter reports it:

| kind        | defect                                                   | expected |
|-------------|----------------------------------------------------------|----------|
| shift       | three or more consecutive markers point one entry past   | CIT004   |
| wrong       | one marker changed to another existing number            | CIT003   |
| missing     | one cited entry deleted from the list                    | CIT001   |
| unused      | an uncited entry added to the list                       | CIT002   |
| duplicate   | an entry listed twice, the copy with another year        | REF001   |
| quotation   | a 12-word quotation added with no citation near it       | SRC005   |

"Names its source" counts only defects whose markers sit in sentences that, in the
clean document, fit their own entry clearly (it scores 1.5 or more and 0.75 above any
other entry): no linter can tell that "[7]" is wrong in "as shown previously [7]".
False positives are CIT003/CIT004/CIT005 findings on the unmutated documents.

Honesty: the papers that give a manuscript are split in two halves by their sorted position (even: "tuning",
odd: "held-out"). Tune thresholds on the tuning half only; the held-out half is run for
the report, never looked at while tuning. Each paper draws its mutants from its own
random generator (seeded by the seed and the paper's name), so a paper's mutants do not
depend on which other papers run.

Usage: python bench/mutation.py [--corpus DIR] [--limit N] [--half tuning|held-out|both]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPORA = (
    os.path.join(HERE, "..", "..", "shared", "corpus-real", "pandoc-bib"),
    os.path.join(HERE, "..", "corpus", "bench"),
)
AUDIT_CODES = ("CIT003", "CIT004", "CIT005")
KINDS = ("shift", "wrong", "missing", "unused", "duplicate", "quotation")
EXPECTED = {
    "shift": "CIT004",
    "wrong": "CIT003",
    "missing": "CIT001",
    "unused": "CIT002",
    "duplicate": "REF001",
    "quotation": "SRC005",
}

_GROUP = re.compile(r"\[([^\[\]]*?@[^\[\]]*?)\]")
_KEY = re.compile(r"(?<![\w@])-?@([\w][\w:.#$%&+?<>~/-]*[\w])")
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)


@dataclass
class Manuscript:
    name: str
    body: str  # text before the reference list
    entries: list[str]  # entry texts, index 0 is [1]
    # Each marker: (start, end) in body, the numbers it cites.
    markers: list[tuple[int, int, tuple[int, ...]]] = field(default_factory=list)

    def render(self, entries: list[tuple[int, str]] | None = None) -> str:
        listed = entries if entries is not None else list(enumerate(self.entries, 1))
        refs = "\n".join(f"[{n}] {text}" for n, text in listed)
        return f"{self.body.rstrip()}\n\n## References\n\n{refs}\n"


def _bib_entries(path: str) -> dict[str, dict[str, str]]:
    import bibtexparser

    library = bibtexparser.parse_file(path)
    out: dict[str, dict[str, str]] = {}
    for entry in library.entries:
        fields = {f.key.lower(): str(f.value) for f in entry.fields}
        out[entry.key] = fields
    return out


def _clean(value: str) -> str:
    value = re.sub(r"\\[a-zA-Z]+\s*", "", value)
    return " ".join(value.replace("{", "").replace("}", "").split())


def _surname(fields: dict[str, str]) -> str:
    author = _clean(fields.get("author") or fields.get("editor") or "")
    first = author.split(" and ")[0]
    if "," in first:
        return first.split(",")[0].strip()
    return first.split()[-1] if first.split() else "Anon"


def _format_entry(fields: dict[str, str]) -> str:
    authors = _clean(fields.get("author") or fields.get("editor") or "Anonymous")
    authors = "; ".join(a.strip() for a in authors.split(" and "))
    year = _clean(fields.get("year") or fields.get("date", "n.d.")[:4])
    title = _clean(fields.get("title", "Untitled"))
    container = _clean(
        fields.get("journal") or fields.get("booktitle") or fields.get("publisher") or ""
    )
    tail = f" {container}." if container else ""
    return f"{authors} ({year}). {title}.{tail}"


def build(md_path: str, bib_path: str) -> Manuscript | None:
    """A numbered manuscript from a Pandoc paper and its .bib file."""
    bib = _bib_entries(bib_path)
    with open(md_path, encoding="utf-8") as handle:
        text = handle.read()
    text = _FRONT.sub("", text)
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    # The paper's own (empty, Pandoc-filled) references heading: ours replaces it.
    text = re.sub(
        r"^#+\s*(?:References|Bibliography|Works Cited)\s*$.*\Z", "", text, flags=re.M | re.S | re.I
    )
    numbers: dict[str, int] = {}

    def number(key: str) -> int | None:
        if key not in bib:
            return None
        if key not in numbers:
            numbers[key] = len(numbers) + 1
        return numbers[key]

    def group(m: re.Match[str]) -> str:
        found = [n for k in _KEY.findall(m.group(1)) if (n := number(k)) is not None]
        return "[" + ", ".join(str(n) for n in found) + "]" if found else m.group(0)

    text = _GROUP.sub(group, text)

    def narrative(m: re.Match[str]) -> str:
        n = number(m.group(1))
        return f"{_surname(bib[m.group(1)])} [{n}]" if n is not None else m.group(0)

    text = _KEY.sub(narrative, text)
    if len(numbers) < 4:
        return None
    ordered = sorted(numbers, key=numbers.__getitem__)
    doc = Manuscript(os.path.basename(md_path), text, [_format_entry(bib[k]) for k in ordered])
    for m in re.finditer(r"\[(\d+(?:, \d+)*)\]", text):
        doc.markers.append((m.start(), m.end(), tuple(int(x) for x in m.group(1).split(", "))))
    return doc


HALVES = ("tuning", "held-out")


def half_of(index: int) -> str:
    """The half a paper belongs to, by its position in the sorted list of papers."""
    return HALVES[index % 2]


def sources(corpora: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for folder in corpora:
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith((".md", ".Rmd")):
                bib = os.path.join(folder, re.sub(r"\.R?md$", ".bib", name))
                if os.path.exists(bib):
                    yield os.path.join(folder, name), bib


# -- running the linter ----------------------------------------------------------------


def lint(text: str, name: str = "bench.md") -> list[Any]:
    from citeaudit import engine
    from citeaudit.config import Settings
    from citeaudit.load import load
    from citeaudit.rules import all_rules

    doc = load(name, text.encode("utf-8"), "markdown")
    return engine.check(doc, Settings(root="."), set(all_rules()))


def nameable(text: str) -> set[int]:
    """Offsets of markers whose sentence clearly fits their own entry (clean text)."""
    from citeaudit.audit import analyse_document
    from citeaudit.load import load

    doc = load("bench.md", text.encode("utf-8"), "markdown")
    analysis = analyse_document(doc)
    good: set[int] = set()
    if analysis.scores is None:
        return good
    for item in analysis.items:
        if item.own is None or not item.single:
            continue
        row = analysis.scores.row(item.index)  # sparse: entries that score above zero
        own = row.get(item.own, 0.0)
        others = [x for j, x in row.items() if j != item.own]
        # Named unambiguously: its own entry scores 1.5 or more, 0.75 above any other
        # (an author with two entries in the list does not identify either).
        if own >= 1.5 and own - max(others, default=0.0) >= 0.75:
            good.add(item.citation.span.start)
    return good


# -- mutations ---------------------------------------------------------------------------


@dataclass
class Mutant:
    kind: str
    text: str
    where: tuple[int, int]  # offsets in the mutated text where the finding belongs
    names_source: bool


def _replace_markers(
    doc: Manuscript, changes: dict[int, int]
) -> tuple[str, dict[int, tuple[int, int]]]:
    """Body with markers (by index) renumbered; and their new offsets."""
    out: list[str] = []
    pos = 0
    spans: dict[int, tuple[int, int]] = {}
    length = 0
    for i, (start, end, _) in enumerate(doc.markers):
        if i not in changes:
            continue
        out.append(doc.body[pos:start])
        length += len(doc.body[pos:start])
        new = f"[{changes[i]}]"
        spans[i] = (length, length + len(new))
        out.append(new)
        length += len(new)
        pos = end
    out.append(doc.body[pos:])
    return "".join(out), spans


def mutants(doc: Manuscript, rng: random.Random, good: set[int], per_kind: int) -> Iterator[Mutant]:
    singles = [i for i, m in enumerate(doc.markers) if len(m[2]) == 1]
    total = len(doc.entries)
    # shift: a window of consecutive single markers, each n -> n+1 (they fit n-1).
    named = [i for i in singles if doc.markers[i][0] in good and doc.markers[i][2][0] < total]
    windows: list[list[int]] = []
    for a in range(len(named) - 2):
        lo, hi = named[a], named[a + 2]
        span = [i for i in range(lo, hi + 1)]
        if all(i in singles and doc.markers[i][2][0] < total for i in span):
            windows.append(span)
    plain = [i for i in range(len(singles) - 2)]
    for window in rng.sample(windows, min(per_kind, len(windows))):
        body, spans = _replace_markers(doc, {i: doc.markers[i][2][0] + 1 for i in window})
        yield Mutant("shift", _render(doc, body), (spans[window[0]][0], spans[window[-1]][1]), True)
    if not windows:
        for a in rng.sample(plain, min(per_kind, len(plain))):
            window = singles[a : a + 3]
            if any(doc.markers[i][2][0] >= total for i in window):
                continue
            body, spans = _replace_markers(doc, {i: doc.markers[i][2][0] + 1 for i in window})
            yield Mutant(
                "shift", _render(doc, body), (spans[window[0]][0], spans[window[-1]][1]), False
            )
    # wrong: one marker to another number.
    for i in rng.sample(singles, min(per_kind * 2, len(singles))):
        n = doc.markers[i][2][0]
        other = rng.choice([m for m in range(1, total + 1) if m != n])
        body, spans = _replace_markers(doc, {i: other})
        yield Mutant("wrong", _render(doc, body), spans[i], doc.markers[i][0] in good)
    # missing: delete an entry (the list keeps its other numbers).
    for n in rng.sample(range(1, total + 1), min(per_kind, total)):
        listed = [(k, t) for k, t in enumerate(doc.entries, 1) if k != n]
        text = doc.render(listed)
        yield Mutant("missing", text, _marker_span(text, n), True)
    # unused: an extra entry nobody cites.
    extra = "Nobody, A. (2001). An uncited survey of unrelated matters. Journal of Padding."
    text = doc.render([*enumerate(doc.entries, 1), (total + 1, extra)])
    at = text.rfind(f"[{total + 1}]")
    yield Mutant("unused", text, (at, at + 8), True)
    # duplicate: an entry listed again with another year.
    n = rng.randrange(1, total + 1)
    copy = re.sub(r"\((\d{4})\)", lambda m: f"({int(m.group(1)) - 7})", doc.entries[n - 1], count=1)
    text = doc.render([*enumerate(doc.entries, 1), (total + 1, copy)])
    at = text.rfind(f"[{total + 1}]")
    yield Mutant("duplicate", text, (at, at + 8), True)
    # quotation: a 12-word quotation with no citation, as a paragraph of its own.
    words = re.findall(r"[A-Za-z]{3,}", doc.body)
    start = rng.randrange(0, max(1, len(words) - 12))
    quote = " ".join(words[start : start + 12])
    paragraphs = [m.end() for m in re.finditer(r"\n\n(?=[A-Z])", doc.body)]
    cut = rng.choice(paragraphs) if paragraphs else len(doc.body)
    inserted = f'As one critic wrote at the time, "{quote.lower()}". The debate went on.\n\n'
    body = doc.body[:cut] + inserted + doc.body[cut:]
    q = cut + inserted.index('"')
    yield Mutant("quotation", _render(doc, body), (q, q + len(quote) + 2), True)


def _render(doc: Manuscript, body: str) -> str:
    return Manuscript(doc.name, body, doc.entries).render()


def _marker_span(text: str, n: int) -> tuple[int, int]:
    m = re.search(rf"\[(?:\d+, )*{n}(?:, \d+)*\]", text)
    return (m.start(), m.end()) if m else (0, 0)


def found(diagnostics: list[Any], code: str, where: tuple[int, int]) -> bool:
    for d in diagnostics:
        if d.code != code:
            continue
        if code in ("CIT002", "REF001", "SRC005", "CIT001"):
            if d.span.start <= where[1] and where[0] <= d.span.end:
                return True
        elif d.span.start <= where[1] and where[0] <= d.span.end:
            return True
    return False


def run(
    corpora: tuple[str, ...], limit: int | None, per_kind: int, seed: int, half: str = "both"
) -> dict[str, Any]:
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # all hit/n, named hit/n
    false_positives: dict[str, int] = defaultdict(int)
    documents = 0
    papers = sorted(sources(corpora), key=lambda p: os.path.basename(p[0]))
    built = [doc for md, bib in papers if (doc := build(md, bib)) is not None]
    chosen = [doc for i, doc in enumerate(built) if half in ("both", half_of(i))]
    for doc in chosen[:limit]:
        rng = random.Random(f"{seed}:{doc.name}")
        documents += 1
        clean = doc.render()
        for d in lint(clean):
            if d.code in AUDIT_CODES:
                false_positives[d.code] += 1
                false_positives[f"{doc.name}:{d.code}"] += 1
        good = nameable(clean)
        for mutant in mutants(doc, rng, good, per_kind):
            ok = found(lint(mutant.text), EXPECTED[mutant.kind], mutant.where)
            tally = hits[mutant.kind]
            tally[0] += ok
            tally[1] += 1
            if mutant.names_source:
                tally[2] += ok
                tally[3] += 1
    return {"documents": documents, "hits": dict(hits), "false_positives": dict(false_positives)}


def table(result: dict[str, Any]) -> str:
    lines = [
        f"documents: {result['documents']}",
        f"{'defect':<10} {'expects':<7} {'recall':>12} {'names source':>14}",
    ]
    for kind in KINDS:
        hit, n, named_hit, named_n = result["hits"].get(kind, [0, 0, 0, 0])
        all_rate = f"{hit}/{n} {hit / n:4.0%}" if n else "-"
        named_rate = f"{named_hit}/{named_n} {named_hit / named_n:4.0%}" if named_n else "-"
        lines.append(f"{kind:<10} {EXPECTED[kind]:<7} {all_rate:>12} {named_rate:>14}")
    fps = result["false_positives"]
    lines.append(
        "false positives on clean documents: "
        + ", ".join(f"{code} {fps.get(code, 0)}" for code in AUDIT_CODES)
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", help="folder of .md/.Rmd + .bib papers")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--per-kind", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--half", choices=("tuning", "held-out", "both"), default="both")
    args = parser.parse_args(argv)
    # The shared corpus when present; otherwise the copies kept in corpus/bench.
    present = [c for c in DEFAULT_CORPORA if os.path.isdir(c)]
    corpora = tuple(args.corpus) if args.corpus else tuple(present[:1])
    halves = HALVES if args.half == "both" else (args.half,)
    for half in halves:
        result = run(corpora, args.limit, args.per_kind, args.seed, half)
        print(f"== {half} half ==")
        print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
