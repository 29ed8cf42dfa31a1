"""Pandoc `[@key]` citations and front matter, on snippets and on real JOSS papers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citeaudit.adapters.bibtex import load_bib_file
from citeaudit.adapters.pandoc import (
    find_pandoc_citations,
    front_matter_bibliographies,
    front_matter_nocite,
)
from citeaudit.model import Citation, LineIndex

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "corpus" / "cases"
REAL = ROOT.parent / "shared" / "corpus-real"

# A stand-in for the Markdown adapter's blanking (front matter, code, HTML comments, math,
# URLs): enough for these tests, which are about the citation grammar.
_NOT_PROSE = [
    re.compile(r"\A---\n.*?\n(?:---|\.\.\.)\n", re.DOTALL),
    re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE),
    re.compile(r"<!--.*?-->", re.DOTALL),
    re.compile(r"(`+)(?!`)[^\n]+?(?<!`)\1(?!`)"),
    re.compile(r"\$\$.*?\$\$", re.DOTALL),
    re.compile(r"(?<![\\$])\$[^$\n]+\$"),
    re.compile(r"<?https?://[^\s)>\]]+>?"),
]


def blank(text: str) -> str:
    chars = list(text)
    for pattern in _NOT_PROSE:
        for match in pattern.finditer(text):
            for i in range(*match.span()):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


def cite(text: str, known: set[str] | None = None) -> list[Citation]:
    return find_pandoc_citations(blank(text), text, LineIndex(text), known)


def targets(text: str, known: set[str] | None = None) -> list[tuple[str, ...]]:
    return [citation.targets for citation in cite(text, known)]


SYNTAX = [
    ("As shown [@smith2020].", [("smith2020",)], [None]),
    ("As shown [@smith2020, p. 33].", [("smith2020",)], ["p. 33"]),
    ("[see @a; @b, ch. 1]", [("a", "b")], ["ch. 1"]),
    ("[see @a, 4; also @b, 7--9]", [("a", "b")], ["4; 7--9"]),
    ("Smith says [-@smith2020] that", [("smith2020",)], [None]),
    ("@smith2020 says so.", [("smith2020",)], [None]),
    ("@smith2020 [p. 33] says so.", [("smith2020",)], ["p. 33"]),
    ("as in @Taylor:2016.", [("Taylor:2016",)], [None]),
    ("(e.g. @Hinz:2012, @Kneisel:2013)", [("Hinz:2012",), ("Kneisel:2013",)], [None, None]),
    ("[@sanger_2015_]", [("sanger_2015_",)], [None]),
    # Braces keep what the plain grammar would drop (pandoc: no spaces inside).
    ("[@{Foo_bar.baz.}, 3]", [("Foo_bar.baz.",)], ["3"]),
    ("@Foo_bar--baz and @a+-b and @a.b.", [("Foo_bar",), ("a",), ("a.b",)], [None] * 3),
    ("see @a://b/c.", [("a://b/c",)], [None]),
    ("[@a,\n250-251]", [("a",)], ["250-251"]),
    # A comma typed for a semicolon: pandoc still cites the second key (nested citation).
    (
        "[@funkmullen_spine_2018, \n@funkmullen_servile_2016]",
        [("funkmullen_spine_2018", "funkmullen_servile_2016")],
        [None],
    ),
    # pandoc: `@petrie1899---and` is the key `petrie1899` and then an em dash.
    ("first formulated by @petrie1899---and has", [("petrie1899",)], [None]),
    # Not a bracketed citation (an item without a key), but pandoc still reads `@a` in it.
    ("[no key here; @a]", [("a",)], [None]),
]


@pytest.mark.parametrize(("text", "expected", "locators"), SYNTAX)
def test_syntax(text: str, expected: list[tuple[str, ...]], locators: list[str | None]) -> None:
    found = cite(text)
    assert [c.targets for c in found] == expected
    assert [c.locator for c in found] == locators
    for citation in found:
        assert (citation.style, citation.form) == ("key", "pandoc")
        assert citation.raw == text[citation.span.start : citation.span.end]
        assert len(citation.label_spans) == len(citation.targets)
        for key, span in zip(citation.targets, citation.label_spans, strict=True):
            assert text[span.start : span.end] == key


NOT_CITATIONS = [
    "Write to name@example.org or jane.doe@uni.edu.",
    r"We thank \@grasshoppermouse and \@ref(fig:map).",
    "See @fig:workflow and [@tbl:results] and @sec:intro.",
    "A link [@smith2020](https://example.org) is not a citation.",
    "An image ![@smith2020](map.png) is not either.",
    "Code `[@smith2020]` is not prose.",
    "```\n[@smith2020]\n```\n",
    "<!-- [@smith2020] -->",
    "a@b",
]


@pytest.mark.parametrize("text", NOT_CITATIONS)
def test_not_citations(text: str) -> None:
    assert cite(text) == []


def test_bare_keys_are_citations_as_pandoc_reads_them() -> None:
    text = "Ask @archivist; see @smith2020 and [@unknown2021] and @petrie1899---and so on."
    expected = [("archivist",), ("smith2020",), ("unknown2021",), ("petrie1899",)]
    assert targets(text) == expected
    # Known keys do not filter running text: an undefined bare key is reported, as
    # pandoc warns about it.
    assert targets(text, {"smith2020", "petrie1899"}) == expected
    found = find_pandoc_citations(blank(text), text, LineIndex(text), bare=False)
    assert [c.targets for c in found] == [("unknown2021",)]


def test_handle_in_link_text_counts_only_when_known() -> None:
    text = "Thanks to [@octocat](https://github.com/octocat) and [@smith2020](https://x.org)."
    assert targets(text, {"smith2020"}) == [("smith2020",)]


def test_spans_are_positions_in_the_file() -> None:
    text = "---\ntitle: x\n---\n\nLine one.\nAnd [see @a, p. 2] here.\n"
    (citation,) = cite(text)
    assert (citation.span.line, citation.span.column) == (6, 5)
    assert (citation.label_spans[0].line, citation.label_spans[0].column) == (6, 11)


FRONT_MATTER = [
    ("---\nbibliography: paper.bib\n---\n", ["paper.bib"]),
    ("---\nbibliography: 'my refs.bib'  \n---\n", ["my refs.bib"]),
    ('---\nbibliography: [a.bib, "b.bib"]\n---\n', ["a.bib", "b.bib"]),
    ("---\nbibliography:\n  - a.bib\n  - 'b.bib' # old\ntitle: x\n---\n", ["a.bib", "b.bib"]),
    ("---\nbibliography:\n- a.bib\n...\n", ["a.bib"]),
    ("---\ntitle: x\n---\nbibliography: not.bib\n", []),
    ("no front matter\nbibliography: x.bib\n", []),
    ("---\ntitle: unterminated\nbibliography: x.bib\n", []),
]


@pytest.mark.parametrize(("text", "expected"), FRONT_MATTER)
def test_front_matter_bibliographies(text: str, expected: list[str]) -> None:
    assert [v.text for v in front_matter_bibliographies(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nnocite: '@*'\n---\n", ["*"]),
        ("---\nnocite: |\n  @a, @b\n  @c:2000\ntitle: x\n---\n", ["a", "b", "c:2000"]),
        ('---\nnocite: "@a; @{b.c.}"\n---\n', ["a", "b.c."]),
        ("---\ntitle: x\n---\n", []),
    ],
)
def test_front_matter_nocite(text: str, expected: list[str]) -> None:
    found = front_matter_nocite(text)
    assert [v.text for v in found] == expected
    for value in found:  # located in the file
        assert text[value.start : value.end] == value.text


def test_case_pandoc_syntax() -> None:
    text = (CASES / "pandoc-syntax" / "essay.md").read_text(encoding="utf-8")
    bibs = [v.text for v in front_matter_bibliographies(text)]
    assert bibs == ["refs/main.bib", "refs/extra.bib"]
    assert [v.text for v in front_matter_nocite(text)] == ["hobsbawm1983", "nora1989"]
    known: set[str] = set()
    for bib in bibs:
        entries, problems, _ = load_bib_file(str(CASES / "pandoc-syntax" / bib))
        assert problems == []
        known |= {entry.label or "" for entry in entries}
    found = cite(text, known)
    # `@archivist` is a citation to pandoc (it warns that the key is not found), so it is
    # one here too, and CIT001 reports it; the e-mail address, `@fig:` and `\@` are not.
    assert [c.targets for c in found] == [
        ("azaryahu1996", "alderman2000"),
        ("hobsbawm1983",),
        ("nora1989",),
        ("nora1989",),
        ("archivist",),
        ("Azaryahu:2011",),
        ("alderman2000",),
        ("azaryahu1996",),
    ]
    assert [c.locator for c in found][:4] == ["p. 672", "ch. 1", None, "7--9"]


# ---------------------------------------------------------------------------------------
# Real JOSS papers: every key found exists in the paper's .bib, with one real exception.

JOSS = [
    # name, distinct keys cited, keys that really are undefined
    ("joss-c14bazaar", 17, set()),
    ("joss-countrycode", 5, set()),
    ("joss-jstor", 2, set()),
    ("joss-mwarp1d", 9, set()),
    ("joss-rdhs", 2, set()),
    # `@petrie1899---and` is `petrie1899` and an em dash, as pandoc reads it.
    ("joss-tabula", 13, set()),
    ("joss-textnets", 12, set()),
    ("joss-tokenizers", 21, set()),
]


@pytest.mark.parametrize(("name", "count", "undefined"), JOSS)
def test_real_joss_papers(name: str, count: int, undefined: set[str]) -> None:
    paper = REAL / "pandoc-bib" / f"{name}.md"
    if not paper.exists():
        pytest.skip("../shared/corpus-real not present")
    text = paper.read_text(encoding="utf-8")
    assert [v.text for v in front_matter_bibliographies(text)] == ["paper.bib"]
    entries, _, _ = load_bib_file(str(paper.with_suffix(".bib")))
    known = {entry.label or "" for entry in entries}
    found = cite(text, known)
    cited = {key for citation in found for key in citation.targets}
    assert len(cited) == count
    assert cited - known == undefined
    # Without the key set, bare words are taken too, but none of these papers has a stray
    # handle or e-mail in its prose, so the result is the same.
    assert {key for c in cite(text) for key in c.targets} == cited


def test_real_countrycode_escaped_handle() -> None:
    paper = REAL / "pandoc-bib" / "joss-countrycode.md"
    if not paper.exists():
        pytest.skip("../shared/corpus-real not present")
    text = paper.read_text(encoding="utf-8")
    assert "\\@grasshoppermouse" in text
    assert all("grasshoppermouse" not in c.targets for c in cite(text))


def test_real_healy_without_bibliography() -> None:
    paper = REAL / "pandoc-bib" / "healy-plain-person-text-NO-BIB.md"
    if not paper.exists():
        pytest.skip("../shared/corpus-real not present")
    text = paper.read_text(encoding="utf-8")
    assert front_matter_bibliographies(text) == []
    cited = {key for c in cite(text) for key in c.targets}
    # e-mail addresses (kjhealy@soc.duke.edu) and pandoc-crossref labels (@fig:..., @lst:...)
    # are not citations; the examples inside code blocks are not prose.
    assert not any(key.startswith(("fig:", "lst:")) or "." in key for key in cited)
    assert "healy14datavisualsociol" in cited and "gelmanhill07:dataanalysis" in cited
    assert "fourcade13classsituat" not in cited  # only inside a fenced example
    assert len(cited) == 9


def test_real_abma_rmarkdown() -> None:
    paper = REAL / "pandoc-bib" / "abma-archaeology-workshops.Rmd"
    if not paper.exists():
        pytest.skip("../shared/corpus-real not present")
    text = paper.read_text(encoding="utf-8")
    assert [v.text for v in front_matter_bibliographies(text)] == ["references.bib"]
    entries, _, _ = load_bib_file(str(paper.with_suffix(".bib")))
    known = {entry.label or "" for entry in entries}
    cited = {key for c in cite(text, known) for key in c.targets}
    assert cited <= known
    # bookdown's `\@ref(fig:x)` cross-references are escaped and never cited
    assert not any(key.startswith("ref") for key in cited)
    # romanowska2021 is the uncited twin of romanowska2021a (see BIB004)
    assert known - cited == {"romanowska2021"}
