"""Which marks in prose are numeric citations, and which are not."""

from __future__ import annotations

import pytest

from citeaudit.adapters.text import parse_text
from citeaudit.load import parse
from tests.conftest import CORPUS

LIST = "\n\n## References\n\n" + "".join(
    f"{n}. Author, A. *Title number {n}*. 2001.\n" for n in range(1, 9)
)


def cited(body: str, flavor: str = "markdown") -> list[tuple[str, ...]]:
    doc = parse_text("t.md", body + LIST, flavor)  # type: ignore[arg-type]
    return [c.targets for c in doc.citations if c.style == "numeric"]


@pytest.mark.parametrize(
    ("body", "targets"),
    [
        ("As shown [3].", [("3",)]),
        ("As shown [1, 4].", [("1", "4")]),
        ("As shown [2-5].", [("2", "3", "4", "5")]),
        ("As shown [2–5].", [("2", "3", "4", "5")]),
        ("As shown [3, p. 73].", [("3",)]),
        ("As shown [1; 2].", [("1", "2")]),
        ("As shown<sup>3</sup> here.", [("3",)]),
        ("As shown<sup>3,4</sup> here.", [("3", "4")]),
        ("As shown<sup>[2]</sup> here.", [("2",)]),
        ("In July 1951<sup>1</sup> talks began.", [("1",)]),
        ("As shown¹ and again.²³", [("1",), ("23",)]),
        ("As shown.⁴⁻⁶", [("4", "5", "6")]),
        ("Escaped \\[7\\] from a converter.", [("7",)]),
        ("A linked [2](#ref-2) marker.", [("2",)]),
    ],
)
def test_markers_that_are_citations(body: str, targets: list[tuple[str, ...]]) -> None:
    assert cited(body) == targets


@pytest.mark.parametrize(
    "body",
    [
        "the [Soviet] Ambassador [to China], Comrade [N.V.] Roshchin",
        "a quotation [sic] and a page footer [Page 12]",
        "an index expression S[0] and arr[1]",
        "the target 2<sup>256</sup> and 10<sup>12</sup> wei",
        "an area of 4 km² and x² + y²",
        "`code [3]` in backticks",
        "math $a[2] + b[3]$ inline",
        "a link [text][1] in reference style",
        "a URL https://example.org/page[3] in text",
        "<!-- a comment [4] -->",
        "a year [1950] in brackets",
        "<sup>© 2023</sup> The Authors.",
    ],
)
def test_marks_that_are_not_citations(body: str) -> None:
    assert cited(body) == []


def test_code_blocks_and_front_matter_are_skipped() -> None:
    body = "---\ntitle: x [1]\n---\n\nText.\n\n```\nlist[2]\n```\n\n    indented [3]\n\nProse [4]."
    assert cited(body) == [("4",)]


def test_indented_continuation_of_a_list_item_is_prose() -> None:
    assert cited("- a list item that wraps\n    onto a second line [5].") == [("5",)]


def test_title_block_superscripts_are_affiliations() -> None:
    doc = parse(
        "paper.md", (CORPUS / "cases" / "cit001-clean" / "paper.md").read_text(), "markdown"
    )
    assert [(c.span.line, c.targets) for c in doc.citations] == [
        (12, ("1",)),
        (13, ("2", "3")),
        (13, ("2",)),
    ]


def test_lai_citations_are_exactly_the_nineteen_markers() -> None:
    doc = parse("essay.md", (CORPUS / "lai-2023" / "essay.md").read_text(), "markdown")
    numbers = [c.targets[0] for c in doc.citations]
    assert numbers == [str(n) for n in range(1, 16)] + ["15", "2", "2", "15"]
    assert [e.label for e in doc.entries] == [str(n) for n in range(1, 16)]


@pytest.mark.parametrize(
    ("heading", "found"),
    [
        ("## References", True),
        ("#### 6. References", True),
        ("# BIBLIOGRAPHY", True),
        ("### Works Cited", True),
        ("**References**", True),
        ("References\n==========", True),
        ("Literature\n----------", True),
        ("## Notes", True),
        ("## Further Reading", False),
        ("## Referenced Works Elsewhere", False),
    ],
)
def test_reference_headings(heading: str, found: bool) -> None:
    text = f"Body [1].\n\n{heading}\n\n[1] Cumings, Bruce. The Origins of the Korean War. 1981.\n"
    doc = parse_text("t.md", text, "markdown")
    assert bool(doc.entries) is found


def test_plain_title_lines_are_found_by_the_words_every_title_holds() -> None:
    """A plain-text heading is looked for only on lines holding one of these words, so
    each reference or notes title must hold one (a title added without one would never
    be found as a plain line)."""
    from citeaudit.adapters.sections import (
        _TITLE_WORDS,
        NOTE_TITLES,
        REFERENCE_TITLES,
        headings,
    )

    for title in REFERENCE_TITLES | NOTE_TITLES:
        assert any(word in title for word in _TITLE_WORDS), title
        text = f"Body.\n\n{title.upper()}\n\nMore."
        assert [h.title for h in headings(text, "plain")] == [title.upper()]


@pytest.mark.parametrize(
    ("entry_lines", "labels"),
    [
        ("[1] One, A. Title one. 2001.\n[2] Two, B. Title two. 2002.", ["1", "2"]),
        ("1. One, A. Title one. 2001.\n2. Two, B. Title two. 2002.", ["1", "2"]),
        ("1) One, A. Title one. 2001.\n2) Two, B. Title two. 2002.", ["1", "2"]),
        ("- [1] One, A. Title one. 2001.\n- [2] Two, B. Title two. 2002.", ["1", "2"]),
        (
            '[1]  One, A., "A title that wraps\n     onto a second line," 2001.\n\n[2]  Two, B. Title. 2002.',
            ["1", "2"],
        ),
    ],
)
def test_entry_forms(entry_lines: str, labels: list[str]) -> None:
    doc = parse_text("t.md", f"Body [1] [2].\n\n## References\n\n{entry_lines}\n", "markdown")
    assert [e.label for e in doc.entries] == labels


def test_wrapped_entry_keeps_both_lines() -> None:
    text = 'Body [1].\n\nReferences\n\n[1]  Cerf, V., and R. Kahn, "A Protocol for Packet Network\n     Intercommunication," IEEE Transactions on Communication, May 1974.\n'
    doc = parse_text("rfc.txt", text, "plain")
    (entry,) = doc.entries
    assert entry.raw.endswith("May 1974.")
    assert (entry.span.line, entry.span.end_line) == (5, 6)
