"""Synthetic manuscripts of a given size, one function per input shape.

Used by `bench/growth.py` (each shape at two sizes, to show how time grows) and by the
tests of large inputs (tests/test_large_inputs.py). Every generator is deterministic: the
same size gives the same text.
"""

from __future__ import annotations

import calendar
import random

_SYLLABLES = [
    "ka",
    "ri",
    "to",
    "mu",
    "sen",
    "la",
    "vo",
    "ne",
    "dar",
    "bel",
    "ou",
    "gri",
    "tan",
    "mor",
    "phi",
    "lis",
    "quen",
    "ta",
    "ro",
    "wal",
    "ster",
    "hav",
    "ing",
    "ton",
    "ber",
    "sky",
    "dor",
    "an",
    "el",
    "im",
    "os",
    "ul",
    "ev",
    "ar",
    "ic",
]
_WORDS = [
    "history",
    "policy",
    "war",
    "treaty",
    "economy",
    "archive",
    "letter",
    "memory",
    "state",
    "nation",
    "border",
    "trade",
    "labour",
    "science",
    "method",
    "theory",
    "model",
    "data",
    "survey",
    "review",
    "culture",
    "empire",
    "reform",
    "crisis",
    "market",
    "church",
    "school",
    "river",
    "city",
    "harvest",
    "famine",
    "railway",
    "navy",
    "council",
    "court",
]
# January to November: the generated texts stay what they were when this list was typed.
_MONTHS = list(calendar.month_name)[1:12]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _title(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(3, 7))]
    words += [_name(rng).lower() for _ in range(2)]
    return " ".join(words).capitalize()


def numbered_list(entries: int, citations: int, seed: int = 1) -> str:
    """A Markdown essay citing a numbered list of `entries` entries `citations` times;
    every entry is cited, in order of first citation."""
    rng = random.Random(seed)
    authors = [(_name(rng), _name(rng)) for _ in range(entries)]
    years = [rng.randint(1900, 2020) for _ in range(entries)]
    sentences = []
    for i in range(citations):
        n = i % entries + 1 if i < entries else rng.randint(1, entries)
        family, _ = authors[n - 1]
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 9)))
        sentences.append(
            f"In {rng.choice(_MONTHS)} {years[n - 1]} {family} wrote about the {words} [{n}]."
        )
    paragraphs = [" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6)]
    listed = [
        f"[{n}] {family}, {given}. ({years[n - 1]}) {_title(rng)}. {_name(rng)} Press."
        for n, (family, given) in enumerate(authors, 1)
    ]
    return (
        "# Essay\n\n" + "\n\n".join(paragraphs) + "\n\n## References\n\n" + "\n".join(listed) + "\n"
    )


def long_entry(size: int) -> str:
    """One reference entry of about `size` characters (a pasted abstract, say)."""
    rng = random.Random(size)
    words: list[str] = []
    length = 0
    while length < size:
        word = rng.choice([*_WORDS, _name(rng), str(rng.randint(1, 2020)), "(ed.),", "pp."])
        words.append(word)
        length += len(word) + 1
    body = " ".join(words)
    return (
        "# Essay\n\nAs Smith showed [1], and later Jones [2].\n\n## References\n\n"
        f"[1] Smith, John. (1999) {body}.\n[2] Jones, Ann. (2001) A short title of a book.\n"
    )


def author_list(names: int) -> str:
    """One entry with `names` authors."""
    rng = random.Random(names)
    authors = ", ".join(f"{_name(rng)}, {_name(rng)[0]}." for _ in range(names))
    return (
        "# Essay\n\nThe consortium reported it [1]; see also [2].\n\n## References\n\n"
        f"[1] {authors} (2019) A very large collaboration paper. Nature.\n"
        "[2] Jones, Ann. (2001) A short title of a book.\n"
    )


def code_fences(fences: int) -> str:
    """Prose with `fences` fenced code blocks."""
    blocks = [
        f"Step {i} is shown below [1].\n\n```python\nprint({i})\n```\n" for i in range(fences)
    ]
    return "# Essay\n\n" + "\n".join(blocks) + "\n## References\n\n[1] Smith, J. (1999) A book.\n"


def base64_line(size: int) -> str:
    """One line of base64 of `size` characters inside a code block."""
    rng = random.Random(size)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    line = "".join(rng.choice(alphabet) for _ in range(size))
    return (
        f"# Essay\n\nThe image follows [1].\n\n```\n{line}\n```\n\nAs Jones says [2].\n\n"
        "## References\n\n[1] Smith, J. (1999) A book.\n[2] Jones, A. (2001) Another book.\n"
    )


def nested_brackets(depth: int) -> str:
    """`depth` nested square brackets around a marker."""
    return (
        "# Essay\n\nText " + "[" * depth + "[1]" + "]" * depth + " ends.\n\n"
        "## References\n\n[1] Smith, J. (1999) A book.\n"
    )


def many_markers(markers: int) -> str:
    """`markers` markers in one paragraph, cycling over a short list."""
    sentences = " ".join(f"Claim {i} [{i % 5 + 1}]." for i in range(markers))
    listed = "\n".join(f"[{n}] Author{n}, A. ({1990 + n}) Title {n}." for n in range(1, 6))
    return f"# Essay\n\n{sentences}\n\n## References\n\n{listed}\n"


def long_line(size: int) -> str:
    """One prose line of about `size` characters, with markers and dates in it."""
    rng = random.Random(size)
    parts: list[str] = []
    length = 0
    i = 0
    while length < size:
        part = f"on {i % 28 + 1} {rng.choice(_MONTHS)} {rng.randint(1900, 2000)} {rng.choice(_WORDS)} [{i % 3 + 1}],"
        parts.append(part)
        length += len(part) + 1
        i += 1
    listed = "\n".join(f"[{n}] Author{n}, A. ({1990 + n}) Title {n}." for n in range(1, 4))
    return f"# Essay\n\n{' '.join(parts)}\n\n## References\n\n{listed}\n"


def many_dates(dates: int) -> str:
    """A paragraph naming `dates` dates, with a citation after every tenth."""
    rng = random.Random(dates)
    sentences = []
    for i in range(dates):
        marker = f" [{i % 3 + 1}]" if i % 10 == 9 else ""
        sentences.append(
            f"On {rng.randint(1, 28)} {rng.choice(_MONTHS)} {rng.randint(1900, 2000)} it rained{marker}."
        )
    listed = "\n".join(f"[{n}] Author{n}, A. ({1990 + n}) Title {n}." for n in range(1, 4))
    return f"# Essay\n\n{' '.join(sentences)}\n\n## References\n\n{listed}\n"


def bib_file(entries: int) -> str:
    """A .bib file of `entries` entries, authors drawn from a pool (so names repeat)."""
    rng = random.Random(entries)
    pool = [(_name(rng), _name(rng)) for _ in range(max(10, entries // 3))]
    out = []
    for i in range(entries):
        family, given = rng.choice(pool)
        initial = rng.random() < 0.3
        author = f"{family}, {given[0]}." if initial else f"{family}, {given}"
        out.append(
            f"@article{{key{i},\n  author = {{{author} and {rng.choice(pool)[0]}, {rng.choice(pool)[1]}}},\n"
            f"  title = {{{_title(rng)}}},\n  journal = {{Journal of {_name(rng)}}},\n"
            f"  year = {{{rng.randint(1950, 2020)}}},\n  volume = {{{rng.randint(1, 90)}}},\n}}\n"
        )
    return "\n".join(out)


def numbered_references_only(entries: int) -> str:
    """A list of `entries` numbered entries with many shared author names (REF005)."""
    rng = random.Random(entries)
    pool = [(_name(rng), _name(rng)) for _ in range(max(10, entries // 3))]
    lines = []
    for n in range(1, entries + 1):
        family, given = rng.choice(pool)
        author = f"{family}, {given[0]}." if rng.random() < 0.3 else f"{family}, {given}"
        lines.append(f"[{n}] {author} ({rng.randint(1950, 2020)}) {_title(rng)}. Journal.")
    cites = " ".join(f"See [{n}]." for n in range(1, entries + 1))
    return f"# Essay\n\n{cites}\n\n## References\n\n" + "\n".join(lines) + "\n"
