"""BibTeX adapter and the BIB rules, on hand-made snippets and on real .bib files."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest

import citeaudit.rules.bib.bibfile  # noqa: F401  (registers BIB001-BIB004)
from citeaudit.adapters.bibtex import latex_to_text, load_bib_file, parse_bib, split_names
from citeaudit.model import Diagnostic, Document, Entry, LineIndex
from citeaudit.rules import _REGISTRY, RuleContext, named
from tests.conftest import findings

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "corpus" / "cases"
REAL = ROOT.parent / "shared" / "corpus-real"


def real(relative: str) -> Path:
    path = REAL / relative
    if not path.exists():
        pytest.skip("../shared/corpus-real not present")
    return path


def run(
    code: str, entries: Iterable[Entry], problems: Iterable[Diagnostic] = ()
) -> list[Diagnostic]:
    """Call a registered BIB rule on a document that uses `entries`."""
    rule = _REGISTRY[code]
    # The .bib checked on its own: every entry is judged, whoever cites it.
    doc = Document(
        path="refs.bib",
        format="bibtex",
        text="",
        lines=LineIndex(""),
        entries=list(entries),
        problems=list(problems),
    )
    return list(rule.check(doc, RuleContext(rule=rule, doc=doc, options={})))


def codes(diagnostics: Iterable[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


# ---------------------------------------------------------------------------------------
# Real files: every .bib parses, with the number of entries counted by hand.

# Counted with `grep -cE '^\s*@'`; none of these files has @string/@comment/@preamble blocks.
# abma has 40 blocks but defines wickham2023c twice; the second definition is dropped.
REAL_BIBS = [
    ("latex-bib/stm-jss-vignette.bib", 76, []),
    ("latex-bib/villamil-francoist-streets-vox.bib", 570, []),
    ("latex-bib/villamil-guatemala-postwar-voting.bib", 587, []),
    ("pandoc-bib/abma-archaeology-workshops.bib", 39, ["BIB002"]),
    ("pandoc-bib/joss-c14bazaar.bib", 17, []),
    ("pandoc-bib/joss-countrycode.bib", 5, []),
    ("pandoc-bib/joss-jstor.bib", 4, []),
    ("pandoc-bib/joss-mwarp1d.bib", 9, []),
    ("pandoc-bib/joss-rdhs.bib", 2, []),
    ("pandoc-bib/joss-tabula.bib", 13, []),
    ("pandoc-bib/joss-textnets.bib", 12, []),
    ("pandoc-bib/joss-tokenizers.bib", 21, []),
]


@pytest.mark.parametrize(("relative", "count", "expected"), REAL_BIBS)
def test_real_bib_files_parse(relative: str, count: int, expected: list[str]) -> None:
    path = real(relative)
    entries, problems, text = load_bib_file(str(path))
    assert len(entries) == count
    assert codes(problems) == expected
    blocks = len(re.findall(r"(?m)^\s*@", text))
    assert blocks == count + len(expected)
    for entry in entries:
        assert entry.kind == "bibtex" and entry.path == str(path)
        assert entry.label_span is not None
        assert text[entry.label_span.start : entry.label_span.end] == entry.label
        assert text[entry.span.start : entry.span.end].lstrip().startswith("@")


def test_every_real_bib_is_covered() -> None:
    if not REAL.exists():
        pytest.skip("../shared/corpus-real not present")
    found = {str(path.relative_to(REAL)) for path in REAL.rglob("*.bib")}
    assert found == {relative for relative, _, _ in REAL_BIBS}


def test_real_duplicate_key_names_both_lines() -> None:
    path = real("pandoc-bib/abma-archaeology-workshops.bib")
    _, problems, _ = load_bib_file(str(path))
    (duplicate,) = [named(p) for p in problems]
    assert duplicate.rule == "duplicate-key" and duplicate.severity == "error"
    assert (duplicate.span.line, duplicate.related[0].span.line) == (64, 56)
    assert "line 56" in duplicate.message and "line 64" in duplicate.message


def test_real_entries_with_leading_spaces() -> None:
    # joss-jstor.bib writes two entries as "  @Manual{...": still entries.
    entries, _, _ = load_bib_file(str(real("pandoc-bib/joss-jstor.bib")))
    assert {"_jstor_2018", "roberts_introduction_2016", "jstor", "r_core"} <= {
        entry.label for entry in entries
    }


# ---------------------------------------------------------------------------------------
# Malformed input: diagnostics, never a traceback.

MALFORMED = [
    pytest.param(
        "@article{a,\n  title = {Open,\n  year = 2000\n}\n\n@book{b, title={B}, year=2001}\n",
        ["b"],
        [("BIB001", 1, "field value is not closed")],
        id="unclosed-field-brace",
    ),
    pytest.param(
        "@article{a, title = {A}, year = 2000\n",
        [],
        [("BIB001", 1, "file ends")],
        id="unclosed-entry-at-eof",
    ),
    pytest.param(
        "@article{a, title={A}}, year={2000}}\n@book{b, title={B}}\n",
        ["a", "b"],
        [("BIB001", 1, "outside any entry")],
        id="closed-too-early",
    ),
    pytest.param(
        "Some notes here.\n@book{a, title={A}}\n}}} stray = {x}\n@book{b, title={B}}\n",
        ["a", "b"],
        [("BIB001", 3, "outside any entry")],
        id="junk-between-entries",
    ),
    pytest.param(
        "@book{a,\n  author = {Doe, J.}\n  title = {A}\n}\n",
        ["a"],
        [("BIB001", 2, "expected a `,` between fields")],
        id="missing-comma",
    ),
    pytest.param(
        "@article{title = {A}}\n",
        [],
        [("BIB001", 1, "comma after the citation key")],
        id="missing-key",
    ),
    pytest.param(
        "@book{a, title = {A}, title = {B}}\n",
        ["a"],
        [("BIB005", 1, "sets `title` twice")],
        id="repeated-field",
    ),
    pytest.param(
        "@book{a, Title = {A},\n  title = {B}}\n",
        ["a"],
        [("BIB005", 2, "sets `title` twice (lines 1 and 2)")],
        id="repeated-field-case",
    ),
    pytest.param("", [], [], id="empty"),
    pytest.param("\n\n   \n", [], [], id="blank"),
    pytest.param("\x00\x01\x02@\xff{,,}\x00", [], [("BIB001", 1, "binary")], id="binary-junk"),
    pytest.param("@{}}}{{{@@@", [], None, id="garbage"),
    pytest.param("@book{a, title = {" + "{" * 500, [], None, id="deep-braces"),
]


@pytest.mark.parametrize(("text", "labels", "expected"), MALFORMED)
def test_malformed_bibtex(
    text: str, labels: list[str], expected: list[tuple[str, int, str]] | None
) -> None:
    entries, problems = parse_bib(text, "refs.bib")
    assert [entry.label for entry in entries] == labels
    for problem in map(named, problems):  # as the engine reports them
        severity = "warning" if problem.code == "BIB005" else "error"
        assert problem.path == "refs.bib" and problem.rule and problem.severity == severity
    if expected is None:  # only "no traceback, and something is said"
        assert problems
        return
    found = [(p.code, p.span.line) for p in problems]
    assert found == [(code, line) for code, line, _ in expected]
    for problem, (_, _, words) in zip(problems, expected, strict=True):
        assert words in problem.message


def test_parse_failure_becomes_one_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    import bibtexparser.entrypoint

    def explode(text: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(bibtexparser.entrypoint, "parse_string", explode)
    entries, problems = parse_bib("@book{a, title={A}}", "refs.bib")
    assert entries == []
    assert codes(problems) == ["BIB001"] and "boom" in problems[0].message


def test_duplicate_key_points_at_both_definitions() -> None:
    text = "@book{a, title={First}}\n\n@article{b, title={B}}\n@book{a, title={Second}}\n"
    entries, problems = parse_bib(text, "refs.bib")
    assert [(e.label, e.title) for e in entries] == [("a", "First"), ("b", "B")]
    (problem,) = map(named, problems)
    assert (problem.code, problem.rule, problem.span.line) == ("BIB002", "duplicate-key", 4)
    assert problem.related[0].span.line == 1 and problem.related[0].path == "refs.bib"


def test_load_latin1_file(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes(b"@book{nora,\n  title = {Les Lieux de m\xe9moire},\n  year = 1984\n}\n")
    entries, problems, text = load_bib_file(str(path))
    assert entries[0].title == "Les Lieux de mémoire" and "mémoire" in text
    (problem,) = map(named, problems)
    assert (problem.code, problem.severity, problem.span.line) == ("IO001", "warning", 2)


def test_load_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes("\ufeff@book{a, title = {Ä}}\n".encode())
    entries, problems, _ = load_bib_file(str(path))
    assert [e.title for e in entries] == ["Ä"] and problems == []


@pytest.mark.parametrize(
    ("content", "words"),
    [(None, "cannot read"), (b"\x00\x01binary\x00", "binary")],
    ids=["missing", "binary"],
)
def test_load_unreadable_file(tmp_path: Path, content: bytes | None, words: str) -> None:
    path = tmp_path / "refs.bib"
    if content is not None:
        path.write_bytes(content)
    entries, problems, text = load_bib_file(str(path))
    assert entries == [] and text == ""
    (problem,) = map(named, problems)
    assert (problem.code, problem.rule, problem.severity) == ("IO001", "unreadable-file", "error")
    assert words in problem.message


# ---------------------------------------------------------------------------------------
# Fields: values, derived names, spans.

SAMPLE = r"""@Article{frost2014,
  publisher = {Edinburgh University Press},
  author = {Karen Frost{-}Arnold and {World Bank} and others},
  title = {{Trustworthiness and Truth}: The Epistemic Pitfalls of Internet {A}ccountability},
  journaltitle = "Episteme",
  date = {2014-03},
  pages = {63--81},
  urldate = {2024-01-02},
  url = {https://doi.org/10.1017/epi.2014.9},
  doi = {10.1017/epi.2014.9},
  volume = 11,
}
"""


def test_fields_and_spans() -> None:
    (entry,), problems = parse_bib(SAMPLE, "refs.bib")
    assert problems == []
    assert (entry.label, entry.entry_type, entry.kind) == ("frost2014", "article", "bibtex")
    assert entry.authors == ("Karen Frost-Arnold", "World Bank")
    assert entry.title == (
        "Trustworthiness and Truth: The Epistemic Pitfalls of Internet Accountability"
    )
    assert entry.year == "2014"  # from the biblatex date
    assert entry.get("container") == "Episteme"
    assert entry.get("accessed") == "2024-01-02"
    assert entry.get("pages") == "63-81" and entry.get("volume") == "11"
    assert entry.get("doi") == "10.1017/epi.2014.9"
    assert (entry.span.line, entry.span.end_line) == (1, 12)
    for name, written in [
        ("publisher", "Edinburgh University Press"),
        ("journaltitle", "Episteme"),
        ("pages", "63--81"),
        ("volume", "11"),
        ("year", "2014-03"),  # year found in `date`: points at the date
    ]:
        span = entry.fields[name].span
        assert SAMPLE[span.start : span.end] == written, name
    assert entry.fields["title"].span.line == 4


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        (r"{\"o}ffentlich", "öffentlich"),
        (r"M{\'e}moire", "Mémoire"),
        (r"Fran\c{c}ois \v{S}koda", "François Škoda"),
        (r"\'{\i}ndice", "índice"),
        (r"Analyse \& Kritik", "Analyse & Kritik"),
        (r"{{Seriation}} {{Method}}", "Seriation Method"),
        (r"Classification \textendash{} the Challenge", "Classification – the Challenge"),
        (r"\emph{Capital} in the 21st~Century", "Capital in the 21st Century"),
        (r"Stra\ss e and {\O}resund", "Straße and Øresund"),
        (r"50\% of \{braces\}", "50% of {braces}"),
        ("plain  text\n  wrapped", "plain text wrapped"),
    ],
)
def test_latex_to_text(raw: str, plain: str) -> None:
    assert latex_to_text(raw) == plain


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Doe, John and Roe, Jane", ["Doe, John", "Roe, Jane"]),
        (
            "{World Bank} and {Food and Agriculture Organization}",
            ["World Bank", "Food and Agriculture Organization"],
        ),
        ("Immanuel Kant AND Gary Hatfield", ["Immanuel Kant", "Gary Hatfield"]),
        ("Sanders, Bernie and others", ["Sanders, Bernie"]),
        ("Alexander", ["Alexander"]),
    ],
)
def test_split_names(value: str, names: list[str]) -> None:
    assert split_names(value) == names


# ---------------------------------------------------------------------------------------
# Rules, called through the registry.


def entries_of(text: str, path: str = "refs.bib") -> list[Entry]:
    entries, problems = parse_bib(text, path)
    assert problems == []
    return entries


def test_rule_metadata() -> None:
    for code, name, severity in [
        ("BIB001", "bib-syntax-error", "error"),
        ("BIB002", "duplicate-key", "error"),
        ("BIB003", "missing-field", "warning"),
        ("BIB004", "duplicate-entry", "warning"),
    ]:
        rule = _REGISTRY[code]
        assert (rule.name, rule.severity) == (name, severity)
        assert "## Example" in rule.doc and "Use instead" in rule.doc


def test_bib001_and_bib002_come_from_the_parser() -> None:
    entries, problems = parse_bib("@book{a, title={A}}\n@book{a, title={B}}\n@x{", "r.bib")
    assert codes(run("BIB001", entries, problems)) == ["BIB001"]
    assert codes(run("BIB002", entries, problems)) == ["BIB002"]


def test_bib002_across_files() -> None:
    one = entries_of("@book{kant, title={Critique}, year=1996}\n", "a.bib")
    two = entries_of("\n@book{kant, title={Kritik}, year=1956}\n", "b.bib")
    (found,) = run("BIB002", one + two)
    assert found.path == "b.bib" and found.span.line == 2 and "a.bib" in found.message
    assert found.related[0].path == "a.bib"
    assert run("BIB002", one + entries_of("@book{kant2, title={K}}", "b.bib")) == []


BIB003_CASES = [
    # BibTeX's table (btxdoc), with biblatex's names for the same fields accepted.
    ("@article{x, author={A, B}, title={T}, year=2000}", "journal or journaltitle", "BibTeX"),
    ("@article{x, author={A, B}, title={T}, journal={J}}", "year or date", "BibTeX"),
    ("@book{x, title={T}, year=2000}", "author or editor, publisher", "BibTeX"),
    ("@inproceedings{x, author={A}, title={T}, year=2000}", "booktitle", "BibTeX"),
    ("@phdthesis{x, author={A}, title={T}, year=1999}", "school or institution", "BibTeX"),
    ("@unpublished{x, author={A}, title={T}}", "note", "BibTeX"),
    # biblatex's table, for biblatex types and entries that use biblatex fields.
    ("@misc{x, title={T}, date={2000}}", "author or editor", "biblatex"),
    ("@book{x, title={T}, date={2000}}", "author or editor", "biblatex"),
    (
        "@online{x, url={https://example.org/doc}}",
        "author or editor, title, year or date",
        "biblatex",
    ),
    (
        "@online{x, title={T}, url={https://example.org/doc}}",
        "author or editor, year or date",
        "biblatex",
    ),
    ("@book{x, author={A}, title={T}, maintitle={Works}}", "year or date", "biblatex"),
    # ACM and Zotero put `location` and `urldate` into BibTeX too: still BibTeX.
    ("@book{x, author={A}, title={T}, location={Paris}, year=2000}", "publisher", "BibTeX"),
    ("@report{x, author={A}, title={T}, institution={I}, year=2000}", "type", "biblatex"),
    ("@inbook{x, author={A}, title={T}, date={2018}, pages={1--2}}", "booktitle", "biblatex"),
]
BIB003_CLEAN = [
    "@article{x, author={A, B}, title={T}, journal={J}, year=2000}",
    "@article{x, author={A, B}, title={T}, journaltitle={J}, date={2000-01}}",
    "@book{x, editor={E}, title={T}, publisher={P}, year=2000}",
    "@inproceedings{x, author={A}, title={T}, booktitle={B}, year=2000}",
    # BibTeX requires nothing of @misc; biblatex accepts an editor for a @misc or @online.
    "@misc{x, title={T}, howpublished={Leaflet}}",
    "@misc{x, title={T}, year=2000}",
    "@misc{x, editor={E}, title={T}, date={2000}}",
    "@online{x, author={A}, title={T}, date={2020}, url={https://example.org/doc}}",
    # biblatex: a book needs no publisher; a thesis takes `school` for `institution`.
    "@book{x, author={A}, title={T}, date={2000}}",
    "@thesis{x, author={A}, title={T}, type={phdthesis}, school={S}, date={2000}}",
    "@mastersthesis{x, author={A}, title={T}, institution={S}, date={2000}}",
    "@unknowntype{x, note={types we do not know have no requirements}}",
]


@pytest.mark.parametrize(("text", "missing", "table"), BIB003_CASES)
def test_bib003_fires(text: str, missing: str, table: str) -> None:
    (found,) = run("BIB003", entries_of(text))
    assert f" {missing}, which {table} requires" in found.message, found.message
    assert "`x`" in found.message
    assert (found.path, found.span.line, found.rule) == ("refs.bib", 1, "missing-field")


@pytest.mark.parametrize("text", BIB003_CLEAN)
def test_bib003_clean(text: str) -> None:
    assert run("BIB003", entries_of(text)) == []


@pytest.mark.parametrize(("other", "fires"), [("year = 1999", True), ("date = {1999}", False)])
def test_bib003_table_follows_the_file(tmp_path: Path, other: str, fires: bool) -> None:
    """A @book without publisher: BibTeX requires one, biblatex does not; one entry with a
    biblatex field makes the file biblatex, for the manuscript and the .bib alike."""
    bib = f"@book{{x, author={{A}}, title={{T}}, year=2000}}\n@book{{y, author={{B}}, title={{U}}, publisher={{P}}, {other}}}\n"
    (tmp_path / "refs.bib").write_text(bib)
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\n"
        "As \\cite{x} and \\cite{y} say.\n\\bibliography{refs}\n\\end{document}\n"
    )
    found = findings(["--isolated", "--select", "BIB003", "paper.tex", "refs.bib"], cwd=tmp_path)
    assert len(found) == int(fires), found
    if fires:
        assert "publisher, which BibTeX requires for @book" in found[0]["message"]


DUPLICATE_PAIR = """@book{freeman1984,
  author = {Freeman, R. Edward},
  title = {Strategic Management: A Stakeholder Approach},
  publisher = {Pitman}, year = 1984}

@book{stakeholder,
  author = {R. Edward Freeman and Others, A.},
  title = {Strategic management: a {Stakeholder} approach},
  publisher = {Pitman}, year = 2010}
"""


def test_bib004_fires_and_names_what_disagrees() -> None:
    (found,) = run("BIB004", entries_of(DUPLICATE_PAIR))
    assert found.span.line == 6 and found.path == "refs.bib"
    assert "`freeman1984`" in found.message and "year (1984 vs 2010)" in found.message
    assert found.related[0].span.line == 1


@pytest.mark.parametrize(
    "second",
    [
        # a different work by the same author
        "@book{b, author={Freeman, R. Edward}, title={Stakeholder Theory: The State of the Art}}",
        # the same title by someone else
        "@book{b, author={Smith, Adam}, title={Strategic Management: A Stakeholder Approach}}",
        # numbered parts are different works
        "@book{b, author={Freeman, R.}, title={Strategic Management: A Stakeholder Approach II}}",
    ],
    ids=["other-title", "other-author", "part-two"],
)
def test_bib004_clean(second: str) -> None:
    first = "@book{a, author={Freeman, R. Edward}, title={Strategic Management: A Stakeholder Approach}}"
    assert run("BIB004", entries_of(first + "\n" + second)) == []


def test_bib004_real_case_folder() -> None:
    entries, problems, _ = load_bib_file(str(CASES / "bib004-fires" / "refs.bib"))
    assert problems == []
    found = run("BIB004", entries)
    # romanowska2021a repeats romanowska2021; Hayner is entered twice; Scott I/II are distinct.
    assert [d.context for d in found] == [
        "romanowska2021a = romanowska2021",
        "Hayner:2001ab = Hayner:2001aa",
    ]
    assert "publisher (Psychology Press vs Routledge)" in found[1].message


# ---------------------------------------------------------------------------------------
# The case folders: each fires what it is named after.

CASE_EXPECTATIONS = [
    ("bib001-fires/refs.bib", {"BIB001": 3, "BIB003": 0}),
    ("bib002-fires/references.bib", {"BIB002": 1, "BIB003": 2}),
    # biblatex (the file uses `date`): @misc and @online need an author or editor and a date.
    ("bib003-fires/refs.bib", {"BIB003": 5, "BIB004": 0}),
    ("bib004-fires/refs.bib", {"BIB004": 2, "BIB002": 0}),
    ("bib-encoding/refs.bib", {"IO001": 1, "BIB003": 0}),
    ("bib-empty/refs.bib", {"IO001": 0, "BIB001": 0}),
    ("pandoc-joss-tabula/paper.bib", {"BIB001": 0, "BIB003": 0, "BIB004": 0}),
    ("pandoc-syntax/refs/main.bib", {"BIB003": 0}),
    ("pandoc-syntax/refs/extra.bib", {"BIB003": 0}),
    ("latex-multifile/sources/citations.bib", {"BIB003": 0, "BIB004": 0}),
    ("latex-natbib-excerpt/REF.bib", {"BIB001": 0, "BIB002": 0, "BIB004": 0}),
]


@pytest.mark.parametrize(("relative", "expected"), CASE_EXPECTATIONS)
def test_case_folders(relative: str, expected: dict[str, int]) -> None:
    entries, problems, _ = load_bib_file(str(CASES / relative))
    for code, count in expected.items():
        if code == "IO001":
            found = [p for p in problems if p.code == code]
        else:
            found = run(code, entries, problems)
        assert len(found) == count, (code, [d.message for d in found])
