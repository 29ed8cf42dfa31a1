"""LaTeX adapter: citation commands, what is not prose, includes, bibliographies."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from citeaudit.adapters.bibtex import load_bib_file
from citeaudit.adapters.latex import expand_inputs, parse_latex, parse_latex_project
from citeaudit.model import Citation, Document

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "corpus" / "cases"
REAL = ROOT.parent / "shared" / "corpus-real"


def read_file(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return None


def body(fragment: str) -> Document:
    text = "\\documentclass{article}\n\\begin{document}\n" + fragment + "\n\\end{document}\n"
    return parse_latex("/p/main.tex", text)


def cites(fragment: str) -> list[Citation]:
    return body(fragment).citations


COMMANDS = [
    (r"\cite{a}", ("a",), None),
    (r"\citep{a, b ,c}", ("a", "b", "c"), None),
    (r"\citet[p.~5]{a}", ("a",), "p. 5"),
    (r"\citep[see][183]{a}", ("a",), "183"),
    (r"\citep[e.g.][]{a}", ("a",), None),
    (r"\citeauthor*{a}", ("a",), None),
    (r"\citeyear{a}", ("a",), None),
    (r"\parencite[12]{a}", ("a",), "12"),
    (r"\textcite{a}", ("a",), None),
    (r"\Textcite{a}", ("a",), None),
    (r"\autocite[][B 1]{a}", ("a",), "B 1"),
    (r"\footcite{a}", ("a",), None),
    (r"\fullcite{a}", ("a",), None),
    (r"\nocite{*}", ("*",), None),
    (r"\textcquote[B37]{hackett}{Quoted text}", ("hackett",), "B37"),
    (r"\blockcquote[4:260]{a}{Quoted}", ("a",), "4:260"),
    (r"\cquote{a}", ("a",), None),
    (r"\foreigntextcquote{german}[S. 3]{a}{Zitat}", ("a",), "S. 3"),
    (r"\cites[1]{a}[2]{b}", ("a", "b"), "1; 2"),
    (r"\parencites(See)()[4]{a}{b}", ("a", "b"), "4"),
    ("\\citep{a,%\n  b}", ("a", "b"), None),
    (r"\citep*[][2]{Balcells:2012aa}", ("Balcells:2012aa",), "2"),
]


@pytest.mark.parametrize(("source", "keys", "locator"), COMMANDS)
def test_citation_commands(source: str, keys: tuple[str, ...], locator: str | None) -> None:
    doc = body("Text " + source + " more.")
    (citation,) = doc.citations
    assert citation.targets == keys
    assert citation.locator == locator
    assert (citation.style, citation.form) == ("key", "latex")
    assert citation.raw.startswith("\\") and citation.raw in doc.text
    assert citation.span.line == 3 and citation.span.column == 6
    for key, span in zip(keys, citation.label_spans, strict=True):
        assert doc.text[span.start : span.end] == key


NOT_CITED = [
    r"% \cite{commented}",
    r"50\% and $x \cite{inmath}$",
    r"\[ \cite{display} \]",
    "\\begin{equation}\n\\cite{eq}\n\\end{equation}",
    "\\begin{align*}\n\\cite{al}\n\\end{align*}",
    "\\begin{verbatim}\n\\cite{verb}\n\\end{verbatim}",
    "\\begin{lstlisting}\n\\cite{listing}\n\\end{lstlisting}",
    r"\verb|\cite{inline}|",
    r"\citation{notacommand} \citex{no} \cite",
    r"\cite{}",
    r"\newcommand\seekant[1]{\cite{#1}}",
]


@pytest.mark.parametrize("source", NOT_CITED)
def test_not_citations(source: str) -> None:
    assert cites(source) == []


def test_escaped_percent_and_linebreak() -> None:
    # `\%` is a percent sign; `\\%` is a line break followed by a comment.
    found = cites(r"100\% \cite{a} \\% \cite{b}")
    assert [c.targets for c in found] == [("a",)]


def test_url_with_percent_is_not_a_comment() -> None:
    found = cites(r"\url{http://x.org/a%20b} \cite{a} and \code{x$y} \cite{b} $z$ \cite{c}")
    assert [c.targets for c in found] == [("a",), ("b",), ("c",)]


def test_preamble_is_not_prose() -> None:
    text = "\\documentclass{article}\n\\cite{early}\n\\begin{document}\n\\cite{late}\n\\end{document}\n"
    doc = parse_latex("main.tex", text)
    assert [c.targets for c in doc.citations] == [("late",)]
    assert doc.prose.count("\n") == text.count("\n") and len(doc.prose) == len(text)
    assert "documentclass" not in doc.prose and "\\cite{late}" in doc.prose


def test_file_without_begin_document_is_body() -> None:
    doc = parse_latex("sections/intro.tex", "\\section{Intro}\nAs \\citet{a} says.\n")
    assert [(c.targets, c.span.line, c.span.column) for c in doc.citations] == [(("a",), 2, 4)]
    assert parse_latex("conf.tex", "\\cite{a}\n", in_preamble=True).citations == []


def test_user_macros_wrapping_citations() -> None:
    text = (
        "\\documentclass{article}\n"
        "\\def\\citepos#1{\\citeauthor{#1}'s (\\citeyear{#1})}\n"
        "\\newcommand\\citea{\\citeauthor}\n"
        "\\newcommand{\\seekant}[1]{see \\autocite{#1}}\n"
        "\\newcommand{\\notcite}[1]{\\textbf{#1}}\n"
        "\\begin{document}\n\\citepos{a} \\citea{b} \\seekant{c} \\notcite{d}\n\\end{document}\n"
    )
    doc = parse_latex("main.tex", text)
    assert [c.targets for c in doc.citations] == [("a",), ("b",), ("c",)]


SUPPRESSIONS = [
    ("% citeaudit: ignore CIT001", ("CIT001",), (3, 4), False),
    ("% citeaudit: ignore CIT001, REF006 -- checked by hand", ("CIT001", "REF006"), (3, 4), False),
    ("%citeaudit: ignore", (), (3, 4), False),
    ("% citeaudit: ignore-file", (), (), True),
    ("% citeaudit: ignore-file BIB003", ("BIB003",), (), True),
]


@pytest.mark.parametrize(("comment", "codes", "lines", "file_wide"), SUPPRESSIONS)
def test_suppressions(
    comment: str, codes: tuple[str, ...], lines: tuple[int, ...], file_wide: bool
) -> None:
    (found,) = body(comment).suppressions
    assert (found.codes, found.target_lines, found.file_wide) == (codes, lines, file_wide)
    assert found.span.line == 3


def test_no_suppression_outside_comments() -> None:
    assert body(r"citeaudit: ignore CIT001 and 50\% citeaudit: ignore").suppressions == []


def test_bibliography_discovery() -> None:
    text = (
        "\\documentclass{article}\n"
        "\\addbibresource{refs/main.bib}\n"
        "\\addbibresource[location=remote]{https://example.org/x.bib}\n"
        "% \\addbibresource{old.bib}\n"
        "\\begin{document}\n\\bibliography{../bib, extra.bib}\n\\end{document}\n"
    )
    doc = parse_latex(os.path.join("paper", "main.tex"), text)
    assert doc.bibliographies == [
        os.path.join("paper", "refs", "main.bib"),
        "bib.bib",
        os.path.join("paper", "extra.bib"),
    ]
    assert doc.list_style == "bibtex"


# ---------------------------------------------------------------------------------------
# Includes


def fake_tree(files: dict[str, str]) -> tuple[list[str], Callable[[str], str | None]]:
    reads: list[str] = []

    def read(path: str) -> str | None:
        reads.append(path)
        return files.get(path)

    return reads, read


def test_expand_inputs_recursion_cycles_and_comments() -> None:
    files = {
        "p/a.tex": "\\input{b}\n% \\input{ghost}\n\\include{sub/c.tex}\n",
        "p/b.tex": "B \\input{a}\n",
        "p/sub/c.tex": "\\subfile{sub/d}\n\\input{b}\n",
        "p/sub/d.tex": "D",
    }
    reads, read = fake_tree(files)
    main = "\\begin{document}\n\\input{a}\n\\input{missing}\n\\end{document}\n"
    found = expand_inputs("p/main.tex", main, read)
    assert [path for path, _ in found] == [
        "p/main.tex",
        "p/a.tex",
        "p/b.tex",
        "p/sub/c.tex",
        "p/sub/d.tex",
    ]
    assert "p/ghost.tex" not in reads  # commented out
    assert reads.count("p/b.tex") == 1  # a cycle is read once
    assert reads[-2:] == ["p/missing.tex", "p/missing"]  # `name.tex` first, then `name`


def test_expand_inputs_stops_at_the_limit() -> None:
    def read(path: str) -> str:
        number = int(Path(path).stem.removeprefix("f") or 0)
        return f"\\input{{f{number + 1}}}"

    found = expand_inputs("f0.tex", "\\input{f1}", read)
    assert len(found) == 200


def test_project_keeps_each_files_lines() -> None:
    files = {
        "p/conf.tex": "\\addbibresource{../refs.bib}\n\\cite{preamblecite}\n",
        "p/sec.tex": "\n\nSecond file \\cite{b}.\n",
    }
    _, read = fake_tree(files)
    main = (
        "\\documentclass{article}\n\\input{conf}\n\\begin{document}\n"
        "First \\cite{a}.\n\\input{sec}\n\\include{gone}\n\\end{document}\n"
    )
    docs = parse_latex_project("p/main.tex", main, read)
    assert [d.path for d in docs] == ["p/main.tex", "p/conf.tex", "p/sec.tex"]
    assert [(c.targets, c.span.line, c.span.column) for c in docs[0].citations] == [(("a",), 4, 7)]
    assert docs[1].citations == []  # included from the preamble
    assert [(c.targets, c.span.line, c.span.column) for c in docs[2].citations] == [(("b",), 3, 13)]
    assert docs[0].bibliographies == ["refs.bib"]
    (missing,) = docs[0].problems
    assert (missing.code, missing.span.line) == ("IO001", 6) and "gone" in missing.message


def test_case_latex_multifile() -> None:
    main = CASES / "latex-multifile" / "latex" / "essay.tex"
    docs = parse_latex_project(str(main), main.read_text(encoding="utf-8"), read_file)
    names = [os.path.relpath(d.path, main.parent) for d in docs]
    assert names == [
        "essay.tex",
        "configuration.tex",
        os.path.join("sections", "intro.tex"),
        os.path.join("sections", "body.tex"),
        os.path.join("sections", "aside.tex"),
    ]
    # body -> aside -> body: LaTeX would loop; citeaudit reads each once and says so.
    problems = {name: [p.message for p in d.problems] for name, d in zip(names, docs, strict=True)}
    assert problems.pop(os.path.join("sections", "aside.tex")) == [
        "`sections/body` includes a file that is already being read, so LaTeX would never "
        "finish; it is read once"
    ]
    assert all(found == [] for found in problems.values())
    bib = str(CASES / "latex-multifile" / "sources" / "citations.bib")
    assert docs[0].bibliographies == [os.path.normpath(bib)]
    per_file = {name: [c.targets for c in d.citations] for name, d in zip(names, docs, strict=True)}
    assert per_file["essay.tex"] == [("*",)]
    assert per_file[os.path.join("sections", "intro.tex")] == [
        ("critique",),
        ("prolegomena",),
        ("kritik1781",),
        ("kritik",),
    ]
    assert per_file[os.path.join("sections", "body.tex")] == [
        ("critique",),
        ("prolegomena",),
        ("critique", "prolegomena"),
    ]
    entries, problems, _ = load_bib_file(bib)
    cited = {key for d in docs for c in d.citations for key in c.targets} - {"*"}
    assert problems == []
    # the two undefined keys are the ones the suppressions are about
    assert cited - {entry.label for entry in entries} == {"kritik1781", "hatfield-intro"}
    assert [(s.codes, s.target_lines) for s in docs[2].suppressions] == [(("CIT001",), (7, 8))]
    assert [(s.codes, s.file_wide) for s in docs[4].suppressions] == [(("CIT001",), True)]


def test_case_natbib_excerpt() -> None:
    main = CASES / "latex-natbib-excerpt" / "main.tex"
    (doc,) = parse_latex_project(str(main), main.read_text(encoding="utf-8"), read_file)
    entries, _, _ = load_bib_file(doc.bibliographies[0])
    keys = [key for c in doc.citations for key in c.targets]
    assert set(keys) == {entry.label for entry in entries}
    assert [c.locator for c in doc.citations if c.locator] == ["101", "641", "112", "643"]


# ---------------------------------------------------------------------------------------
# Real papers


def real(relative: str) -> Path:
    path = REAL / "latex-bib" / relative
    if not path.exists():
        pytest.skip("../shared/corpus-real not present")
    return path


def test_real_ortmann_nocite_all() -> None:
    main = real("ortmann-ethics-deep-web/paper/paper.tex")
    docs = parse_latex_project(str(main), main.read_text(encoding="utf-8"), read_file)
    cited = [c.targets for d in docs for c in d.citations]
    assert ("*",) in cited  # \nocite{*}: every entry counts as cited
    assert docs[0].bibliographies == [str(main.parent.parent / "bib.bib")]
    # The corpus copy holds only paper.tex: its seven \input sections and ../bib.bib are
    # absent, and each missing include is reported where it is included.
    assert [p.span.line for p in docs[0].problems] == [24, 74, 75, 76, 77, 78, 79]
    sections = {os.path.join("sections", s) + ".tex" for s in ("intro", "trading", "meta")}
    found = {os.path.relpath(d.path, main.parent) for d in docs}
    if sections <= found:  # the full repository: the sections carry their own citations
        assert len(cited) > 1


def test_real_shenzhouhong_commented_bibresource() -> None:
    main = real("shenzhouhong-kant-essay/latex/kant-aufsatz.tex")
    text = main.read_text(encoding="utf-8")
    docs = parse_latex_project(str(main), text, read_file)
    # `% \addbibresource{../sources/citations.bib}` in the main file is a comment; the real
    # one lives in configuration.tex, which the corpus copy lacks (as it lacks sections/).
    assert "% \\addbibresource{../sources/citations.bib}" in text
    if len(docs) == 1:
        assert docs[0].bibliographies == []
        assert docs[0].citations == []
        assert [p.message for p in docs[0].problems] == [
            "cannot read included file `configuration.tex`",
            "cannot read included file `sections/intro.tex`",
            "cannot read included file `sections/body.tex`",
            "cannot read included file `sections/conclusion.tex`",
            "cannot read included file `sections/endpage.tex`",
        ]
    else:  # the full repository
        keys = {key for d in docs for c in d.citations for key in c.targets}
        assert "*" in keys and "hackett" in keys


REAL_PAPERS = [
    # file, its .bib (renamed in the corpus), distinct keys cited, a citation to look for
    ("stm-jss-vignette.Rnw", "stm-jss-vignette.bib", 67, ("blei2007correlated",)),
    ("villamil-francoist-streets-vox.tex", "villamil-francoist-streets-vox.bib", 32, None),
    ("villamil-guatemala-postwar-voting.tex", "villamil-guatemala-postwar-voting.bib", 77, None),
]


@pytest.mark.parametrize(("name", "bib", "count", "sample"), REAL_PAPERS)
def test_real_natbib_papers(
    name: str, bib: str, count: int, sample: tuple[str, ...] | None
) -> None:
    main = real(name)
    docs = parse_latex_project(str(main), main.read_text(encoding="utf-8"), read_file)
    entries, problems, _ = load_bib_file(str(real(bib)))
    assert problems == []
    known = {entry.label for entry in entries}
    cited = {key for d in docs for c in d.citations for key in c.targets}
    assert len(cited) == count
    assert cited <= known  # every key cited in these published papers is defined
    if sample:
        assert any(c.targets == sample for c in docs[0].citations)


def test_real_villamil_commented_citation_and_locator() -> None:
    main = real("villamil-francoist-streets-vox.tex")
    (doc, *_) = parse_latex_project(str(main), main.read_text(encoding="utf-8"), read_file)
    raws = [c.raw for c in doc.citations]
    assert "\\citep{Laub:2018aa}" not in raws  # on a commented-out line (92)
    assert ("Zubrzycki:2020aa",) in [c.targets for c in doc.citations if c.locator == "176"]
