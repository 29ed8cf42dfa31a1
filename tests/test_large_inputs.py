"""Large and hostile inputs (issues 7 and 10): read whole, and in time that grows with the
size of the input, not with its square.

Timings here are CPU seconds of this process with bounds far above the linear cost and
far below the quadratic one (each case took minutes or hours before), so a loaded machine
does not make them flaky but a quadratic path fails them. bench/growth.py prints the
growth of each shape."""

from __future__ import annotations

import importlib.util
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from citeaudit import audit, engine
from citeaudit.adapters.prose import (
    _ADOC_BLOCK,
    _EMAIL,
    _LATEX_MATH,
    _blank_adoc_blocks,
    _email_spans,
    _latex_math_spans,
    blank,
    mask,
)
from citeaudit.audit import analyse_document
from citeaudit.config import Settings
from citeaudit.context import find_dates, paragraph_bounds
from citeaudit.load import load
from citeaudit.model import Diagnostic, Document
from citeaudit.rules import all_rules

ROOT = Path(__file__).resolve().parents[1]


def _shapes() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shapes", ROOT / "bench" / "shapes.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["shapes"] = module
    spec.loader.exec_module(module)
    return module


shapes = _shapes()


def check_text(text: str, name: str = "essay.md") -> tuple[Document, list[Diagnostic], float]:
    started = time.process_time()
    doc = load(name, text.encode("utf-8"))
    found = engine.check(doc, Settings(root=str(ROOT)), set(all_rules()))
    return doc, found, time.process_time() - started


# -- numbers of 1,000 and more ---------------------------------------------------------


def test_a_list_of_2000_entries_cited_10000_times_is_read_whole() -> None:
    doc, found, seconds = check_text(shapes.numbered_list(2000, 10_000))
    assert [e.label for e in doc.entries] == [str(n) for n in range(1, 2001)]
    numeric = [c for c in doc.citations if c.style == "numeric"]
    assert len(numeric) == 10_000
    cited = Counter(t for c in numeric for t in c.targets)
    assert set(cited) == {str(n) for n in range(1, 2001)}
    assert sum(cited.values()) == 10_000
    # Every marker resolves and every entry is cited; the list counts without a gap.
    codes = Counter(d.code for d in found)
    for code in ("CIT001", "CIT002", "REF002", "SRC001"):
        assert codes[code] == 0, [d.message for d in found if d.code == code][:3]
    assert seconds < 60, seconds  # about 3 s; the dense audit took minutes


def test_a_four_digit_bracket_is_a_year_unless_the_list_runs_that_high() -> None:
    text = (
        "# Essay\n\nThe treaty [1999] was signed, as Smith says [2].\n\n## References\n\n"
        "[1] Jones, A. (1990) A book.\n[2] Smith, J. (2001) Another book.\n"
    )
    doc, _, _ = check_text(text)
    assert [c.targets for c in doc.citations if c.style == "numeric"] == [("2",)]


def test_four_digit_list_numbers_count_only_where_they_continue_the_list() -> None:
    listed = "\n".join(
        f"{n}. Author{n}, A. ({1900 + n % 100}) Title {n}." for n in range(995, 1006)
    )
    text = (
        f"# Essay\n\nSee [995] and [1005].\n\n## References\n\n{listed}\n1950. A stray year line.\n"
    )
    doc, found, _ = check_text(text)
    assert [e.label for e in doc.entries] == [str(n) for n in range(995, 1006)]
    assert "1950. A stray year line." in doc.entries[-1].raw
    assert [c.targets for c in doc.citations] == [("995",), ("1005",)]
    assert not [d for d in found if d.code == "CIT001"]


def test_the_sparse_audit_answers_like_a_full_row() -> None:
    """Scores computed on demand (candidates and a bound) equal the expanded row."""
    doc = load("essay.md", shapes.numbered_list(300, 1500).encode("utf-8"))
    analysis = analyse_document(doc)
    assert analysis.scores is not None
    for index in range(0, len(analysis.items), 37):
        full = analysis.scores.rows[index].expand()
        best = max(full.values(), default=0.0)
        assert analysis.scores.top(index) == best
        assert all(analysis.scores[index, j] == v for j, v in full.items())


# -- shapes that were quadratic --------------------------------------------------------


def timed(function: object, *args: object) -> float:
    started = time.process_time()
    function(*args)  # type: ignore[operator]
    return time.process_time() - started


def test_a_long_blank_line_splits_paragraphs_in_linear_time() -> None:
    # A 40 KB base64 line in a code block is blanked to spaces before paragraphs are found.
    assert timed(paragraph_bounds, "Text.\n" + " " * 400_000 + "\nMore text.\n") < 2


def _paragraphs_by_regex(text: str) -> list[tuple[int, int]]:
    """The former paragraph_bounds (quadratic on blank lines), as the reference."""
    found = [(m.start(), m.end()) for m in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text)]
    merged: list[tuple[int, int]] = []
    for start, end in found:
        body = text[start:end].strip()
        if merged:
            above = text[merged[-1][0] : merged[-1][1]].rstrip()
            if (above[-1:].isalpha() and above[-1:].islower() and len(above) > 80) or body[
                :1
            ].islower():
                merged[-1] = (merged[-1][0], end)
                continue
        merged.append((start, end))
    return merged


def test_paragraph_bounds_agree_with_the_former_regex() -> None:
    rng = random.Random(3)
    pieces = [
        "a",
        "B",
        " ",
        "\n",
        "\n",
        "\t",
        ".",
        "\u00a0",
        "\r",
        "x" * 90,
        "Y" * 85 + "z",
        "\u2028",
    ]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(40)))
        assert paragraph_bounds(text) == _paragraphs_by_regex(text), repr(text)


def test_many_dates_are_read_in_linear_time() -> None:
    text = " ".join(f"On {n % 28 + 1} March {1900 + n % 100} it rained." for n in range(20_000))
    assert timed(find_dates, text) < 10


def test_emails_in_a_long_dotted_run_are_found_in_linear_time() -> None:
    text = "ab." * 100_000 + " write to a.b@c.org"
    assert list(_email_spans(text)) == [(len(text) - len("a.b@c.org"), len(text))]
    assert timed(mask, text, "markdown") < 5


def test_email_spans_agree_with_the_regex() -> None:
    rng = random.Random(9)
    pieces = ["a", "b", ".", "@", "-", "+", "_", " ", "x.org", "é", "@@", "..", "1", "\n"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(16)))
        expected = [(m.start(), m.end()) for m in _EMAIL.finditer(text)]
        assert list(_email_spans(text)) == expected, repr(text)


def test_a_marker_heavy_paragraph_is_checked_in_linear_time() -> None:
    # SRC001 rescanned the paragraph before each citation for its years.
    _, _, seconds = check_text(shapes.many_markers(20_000))
    assert seconds < 30, seconds


def test_an_entry_of_many_urls_is_parsed_in_linear_time() -> None:
    urls = " ".join(f"Retrieved from http://x.org/{n}" for n in range(3000))
    text = f"# Essay\n\nSee [1].\n\n## References\n\n[1] Smith, J. (1999) A page. {urls}\n"
    doc, _, seconds = check_text(text)
    assert doc.entries[0].get("url") == "http://x.org/0"
    assert seconds < 20, seconds


def test_an_entry_of_unclosed_emphasis_is_parsed_in_linear_time() -> None:
    body = " ".join("*a" for _ in range(30_000))
    _, _, seconds = check_text(f"# Essay\n\nSee [1].\n\n## References\n\n[1] Smith. {body}\n")
    assert seconds < 20, seconds


def test_a_bib_file_of_5000_entries_is_checked_in_linear_time() -> None:
    _, found, seconds = check_text(shapes.bib_file(5000), "refs.bib")
    assert any(d.code == "REF005" for d in found)
    assert seconds < 30, seconds


def _adoc_by_rescan(text: str) -> str:
    """The former AsciiDoc block blanking (a rescan per block), as the reference."""
    chars = list(text)
    delimiters = list(_ADOC_BLOCK.finditer(text))
    i = 0
    while i < len(delimiters) - 1:
        opening = delimiters[i]
        closing = next((d for d in delimiters[i + 1 :] if d.group(1) == opening.group(1)), None)
        if closing is None:
            break
        if not opening.group(1).startswith("+"):
            blank(chars, opening.start(), closing.end())
        i = delimiters.index(closing) + 1
    return "".join(chars)


def test_asciidoc_blocks_are_found_by_bisection() -> None:
    rng = random.Random(5)
    lines = ["----", "....", "++++", "////", "text", "more text"]
    for _ in range(2000):
        text = "\n".join(rng.choice(lines) for _ in range(rng.randrange(12)))
        chars = list(text)
        _blank_adoc_blocks(chars, text)
        assert "".join(chars) == _adoc_by_rescan(text), repr(text)
    text = "----\n....\nx\n" * 30_000
    assert timed(_blank_adoc_blocks, list(text), text) < 5


def test_latex_math_spans_agree_with_the_regex_and_take_linear_time() -> None:
    rng = random.Random(1)
    pieces = ["\\(", "\\)", "\\", "(", ")", "a", " ", "\n"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(14)))
        expected = [(m.start(), m.end()) for m in _LATEX_MATH.finditer(text)]
        assert list(_latex_math_spans(text)) == expected, repr(text)
    assert timed(mask, "\\( a " * 100_000, "markdown") < 10


def test_fuzzy_word_matching_finds_every_alike_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The length window and the trigram index leave out no token that rapidfuzz's ratio
    would accept (checked against every pair, on near-duplicate words)."""
    from rapidfuzz import fuzz

    rng = random.Random(5)
    base = ["".join(rng.choice("abcde") for _ in range(rng.randint(3, 20))) for _ in range(150)]
    vocab = set(base)
    for word in base:
        for _ in range(3):
            letters = list(word)
            at = rng.randrange(len(letters) + 1)
            if rng.random() < 0.5 and letters:
                letters.pop(min(at, len(letters) - 1))
            else:
                letters.insert(at, rng.choice("abcdef"))
            vocab.add("".join(letters))
    tokens = sorted(vocab)
    for window in (audit.WINDOW, 0):  # 0: every lookup goes through the trigram index
        monkeypatch.setattr(audit, "WINDOW", window)
        matcher = audit._Matcher([(t,) for t in tokens])
        for word in tokens[::3]:
            expected = {
                j
                for j, t in enumerate(tokens)
                if t == word
                or (
                    len(t) >= audit.SHORT_TOKEN
                    and len(word) >= audit.SHORT_TOKEN
                    and fuzz.ratio(word, t) >= audit.TOKEN_CUTOFF
                )
            }
            assert matcher.match(word) == expected, word
        # The batch form, which swaps word and token for short vocabularies, agrees.
        words = [*tokens[::3], "unlisted", "abcdeabcde"]
        assert matcher.match_many(words) == {w: matcher.match(w) for w in words}


def _decisions(doc: Document) -> tuple[object, ...]:
    analysis = analyse_document(doc)
    assert analysis.scores is not None
    return (
        [(m.item.index, m.better, m.evidence) for m in analysis.mismatches],
        [(r.offset, [m.index for m in r.members]) for r in analysis.runs],
        sorted(analysis.relinked.items()),
        [analysis.scores.top(i) for i in range(len(analysis.items))],
    )


def test_bounded_rows_decide_as_fully_expanded_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every word "common" (rows bounded, expanded only when the bound says so) the
    audit decides exactly as with every row expanded."""
    rng = random.Random(11)
    text = shapes.numbered_list(150, 750)
    # Point some markers elsewhere, so that mismatches and shifts exist to be found.
    text = re.sub(
        r"\[(\d+)\]\.", lambda m: f"[{int(m.group(1)) + (rng.random() < 0.1)}].", text, count=700
    )
    lai = (ROOT / "corpus" / "lai-2023" / "essay.md").read_text(encoding="utf-8")
    for source in (text, lai):
        monkeypatch.setattr(audit, "COMMON", 10**9)
        full = _decisions(load("essay.md", source.encode("utf-8")))
        monkeypatch.setattr(audit, "COMMON", 1)
        bounded = _decisions(load("essay.md", source.encode("utf-8")))
        assert bounded == full
        assert full[0] or source is text
