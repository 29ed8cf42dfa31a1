"""Prose geometry: computed once per document and shared by the link stage and every rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeaudit import context, engine
from citeaudit.config import Settings
from citeaudit.geometry import geometry
from citeaudit.load import load, parse
from citeaudit.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "corpus" / "cases"
LAI = ROOT / "corpus" / "lai-2023" / "essay.md"

# Each rule that reads sentences or paragraphs, and the audit (CIT003-CIT005).
READERS = ["CIT002", "CIT003", "CIT004", "CIT005", "SRC001", "SRC005", "SRC006", "SRC007"]
DOCUMENTS = [
    LAI,  # numbered: the audit, SRC001, SRC005, SRC007
    CASES / "src001-fires" / "essay.md",
    CASES / "src005-fires" / "essay.md",
    CASES / "src006-fires" / "essay.md",
    CASES / "src007-fires" / "essay.md",
    CASES / "cit003-fires" / "essay.md",
    CASES / "cit005-fires" / "essay.md",
]


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """Count the passes over a document's text that find sentences and paragraphs."""
    calls: dict[str, list[int]] = {"sentences": [], "paragraphs": []}
    cuts, paragraphs = context.sentence_cuts, context.paragraph_bounds

    def counting_cuts(text: str) -> list[tuple[int, int]]:
        calls["sentences"].append(len(text))
        return cuts(text)

    def counting_paragraphs(text: str) -> list[tuple[int, int]]:
        calls["paragraphs"].append(len(text))
        return paragraphs(text)

    monkeypatch.setattr(context, "sentence_cuts", counting_cuts)
    monkeypatch.setattr(context, "paragraph_bounds", counting_paragraphs)
    return calls


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("selection", [None, *READERS], ids=lambda s: s or "all")
def test_sentences_are_found_once_per_document(
    monkeypatch: pytest.MonkeyPatch, path: Path, selection: str | None
) -> None:
    """Whatever rules run, a document's sentences and paragraphs are found at most once:
    the audit and every rule read the one geometry."""
    calls = _counting(monkeypatch)
    doc = load(str(path))
    enabled = set(all_rules()) if selection is None else {selection}
    engine.check(doc, Settings(root="."), enabled)
    assert len(calls["sentences"]) <= 1, calls
    assert len(calls["paragraphs"]) <= 1, calls
    if selection is None:
        # Every document here has a rule that reads its sentences.
        assert len(calls["sentences"]) == 1


def test_lai_essay_reads_sentences_once_with_every_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Lai essay runs the audit, SRC001, SRC005, SRC007 and CIT003 on one pass."""
    calls = _counting(monkeypatch)
    doc = load(str(LAI))
    found = engine.check(doc, Settings(root="."), set(all_rules()))
    assert {"CIT004", "SRC001", "SRC007"} <= {d.code for d in found}
    assert calls == {"sentences": [len(doc.text)], "paragraphs": [len(doc.text)]}


def _doc(text: str) -> object:
    return parse("essay.md", text, "markdown")


def test_text_blanks_the_markers_that_hide_a_sentence_end() -> None:
    text = "Stalin agreed in April.[^1] Kim left for Moscow.\n\n[^1]: A cable of 1950.\n"
    doc = parse("essay.md", text, "markdown")
    geo = geometry(doc)
    assert geo.text.startswith("Stalin agreed in April.     Kim")
    assert len(geo.text) == len(doc.text)
    first = geo.sentences[0]
    assert geo.text[first[0] : first[1]].strip() == "Stalin agreed in April."


def test_quoted_view_keeps_a_quotation_in_its_sentence() -> None:
    text = 'Zhou said "We go. They stay." and left (Chen 1994). Then it rained.\n'
    doc = parse("essay.md", text, "markdown")
    geo = geometry(doc)
    plain = [text[a:b].strip() for a, b in geo.sentences]
    quoted = [text[a:b].strip() for a, b in geo.quoted_sentences]
    assert plain[0] == 'Zhou said "We go.'
    assert quoted == ['Zhou said "We go. They stay." and left (Chen 1994).', "Then it rained."]


def test_body_and_claims_views() -> None:
    text = (
        "As Rees wrote, the *Korean War.* began {% include x.html %}. "
        '"Quoted Name" here [^1].\n\n[^1]: As Dallin wrote, a note.\n'
    )
    doc = parse("essay.md", text, "markdown")
    geo = geometry(doc)
    assert "{%" not in geo.body and "Dallin" not in geo.body
    assert "[^1]" in geo.body  # markers are kept in the running text
    assert "Korean" not in geo.claims and "Quoted" not in geo.claims and "Rees" in geo.claims
    assert len({len(geo.text), len(geo.body), len(geo.claims), len(text)}) == 1


def test_geometry_is_shared_and_survives_a_copy_to_another_process() -> None:
    import pickle

    doc = parse("essay.md", "One. Two.\n", "markdown")
    assert geometry(doc) is geometry(doc)
    _ = geometry(doc).sentences
    copy = pickle.loads(pickle.dumps(doc))
    assert geometry(copy).doc is copy
    assert geometry(copy).sentences == geometry(doc).sentences


def test_a_sentence_may_open_with_emphasis() -> None:
    """The author-date linker reads the citation's sentence from the geometry: the title
    of the sentence before is not the citation's ("... _The History of Sexuality_, 1976.
    **Foucault questioned ...** (Foucault, 1974)")."""
    text = "His book _Sexuality_ came out in 1976. **Foucault questioned it** (Foucault, 1974).\n"
    doc = parse("essay.md", text, "markdown")
    starts = [text[a:b].strip()[:10] for a, b in geometry(doc).sentences]
    assert starts == ["His book _", "**Foucault"]


def test_suppressions_see_the_layer_of_the_prose_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    """Code is blanked once per document: the prose mask is built on the layer that the
    suppression comments are read from, so a suppression shown in code silences nothing
    and one in prose counts, by the same reading of what is code."""
    from citeaudit.adapters import prose
    from citeaudit.adapters import text as adapter

    calls: list[int] = []
    real = prose.without_code

    def counting(text: str, flavor: prose.Flavor) -> str:
        calls.append(len(text))
        return real(text, flavor)

    monkeypatch.setattr(prose, "without_code", counting)
    monkeypatch.setattr(adapter, "without_code", counting)
    text = (
        "Kim agreed [1]. <!-- citeaudit: ignore CIT001 -->\n\n"
        "Write `<!-- citeaudit: ignore -->` to silence a line.\n\n"
        "```\n<!-- citeaudit: ignore-file -->\n```\n\n## References\n\n[1] Stueck, 1995.\n"
    )
    doc = parse("essay.md", text, "markdown")
    assert calls == [len(text)]
    assert [(s.span.line, s.codes, s.file_wide) for s in doc.suppressions] == [
        (1, ("CIT001",), False)
    ]


def test_citations_of_an_included_file_blank_nothing_in_the_main_text(tmp_path: Path) -> None:
    """A citation of an `\\input` file has offsets into that file: the main text keeps
    the words at those offsets, and has no marker there."""
    main = tmp_path / "main.tex"
    main.write_text(
        "\\documentclass{article}\\begin{document}\n"
        "Stalin met Kim in Moscow in March 1949 and again in April 1950.\n"
        "\\input{part}\n\\end{document}\n",
        encoding="utf-8",
    )
    (tmp_path / "part.tex").write_text(
        "Kim Il Sung went to Moscow in the spring \\cite{stueck1995}.\n", encoding="utf-8"
    )
    doc = load(str(main))
    included = [c for c in doc.citations if c.path not in (None, doc.path)]
    assert included, "the included file's citation is read"
    geo = geometry(doc)
    assert "Stalin met Kim in Moscow in March 1949 and again in April 1950." in geo.text
    assert all(c.span.start not in geo.markers for c in included)


@pytest.mark.parametrize(
    ("text", "prose"),
    [
        # A backtick inside a comment opens no code span ...
        ("<!-- don't `x -->\n\nKim `code` left [1].\n", "Kim        left [1]."),
        # ... and a comment opener inside code opens no comment, which would blank the rest
        # of the text and its citations.
        ("Write `<!--` to open one. Kim left [1].\n", "Write        to open one. Kim left [1]."),
        ("`a <!-- c --> b` and [1]\n", "and [1]"),
    ],
)
def test_inline_code_and_comments_are_read_leftmost_first(text: str, prose: str) -> None:
    from citeaudit.adapters.prose import mask

    assert mask(text, "markdown").strip() == prose
