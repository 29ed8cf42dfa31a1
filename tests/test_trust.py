"""Issue 9, "never silent on a broken manuscript, quiet on a correct one": every example of
the issue, run through the command line as a user would."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, findings, run_cli, shared_path

BIB = """@book{smith2020, author = {Smith, Anna}, title = {Streets}, publisher = {P}, year = 2020}
@book{petrie1899, author = {Petrie, Flinders}, title = {Sequences}, publisher = {P}, year = 1899}
"""
BODY = "Renaming streets is cheap [@smith2020], as @petrie1899---and others saw.\n"


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def check(folder: Path, *args: str) -> list[dict[str, Any]]:
    return findings(["--isolated", *args], cwd=folder)


def codes(found: list[dict[str, Any]]) -> list[str]:
    return [d["code"] for d in found]


# ---------------------------------------------------------------------------------------
# 1. Never silent


def test_bibliography_beside_the_manuscript_is_found_and_named(tmp_path: Path) -> None:
    write(tmp_path, {"paper.Rmd": BODY + "See also [@nobody2000].\n", "refs.bib": BIB})
    found = check(tmp_path, "paper.Rmd")
    assert codes(found) == ["CIT001"]
    assert (
        "'nobody2000' matches no entry in refs.bib (found beside the manuscript"
        in (found[0]["message"])
    )


def test_the_stem_bib_wins_over_other_bibs(tmp_path: Path) -> None:
    write(tmp_path, {"paper.md": BODY, "paper.bib": BIB, "other.bib": "@book{x, title={X}}\n"})
    assert check(tmp_path, "paper.md") == []


def test_no_bibliography_reports_the_unchecked_citations(tmp_path: Path) -> None:
    write(tmp_path, {"paper.Rmd": "---\ntitle: x\n---\n\n" + BODY + "And [@a; @b].\n"})
    result = run_cli(["check", "--isolated", "paper.Rmd"], cwd=tmp_path)
    assert result.exit_code == 1
    found = check(tmp_path, "paper.Rmd")
    assert codes(found) == ["CIT010"]
    (only,) = found
    # On the first key citation, with the count and how to name a bibliography.
    assert (only["line"], only["column"]) == (5, 27)
    assert only["message"].startswith("3 key citations could not be checked")
    assert "bibliography: refs.bib" in only["message"]


def test_latex_without_bibliography_is_unchecked_too(tmp_path: Path) -> None:
    tex = "\\documentclass{article}\n\\begin{document}\nAs \\cite{a} said.\n\\end{document}\n"
    write(tmp_path, {"paper.tex": tex})
    (found,) = check(tmp_path, "paper.tex")
    assert found["code"] == "CIT010" and "\\bibliography{refs}" in found["message"]


@pytest.mark.parametrize(
    "head",
    [
        "% Streets and memory\n% A. Writer\n% 2024\n\n---\nbibliography: refs.bib\n---\n",
        "\n\n---\nbibliography: refs.bib\n---\n",
        "---\ntitle: Streets\n---\n\nIntro.\n\n---\nbibliography: refs.bib\n...\n",
    ],
    ids=["percent-title-block", "blank-line-first", "second-yaml-block"],
)
def test_front_matter_is_read_as_pandoc_reads_it(tmp_path: Path, head: str) -> None:
    # The bibliography is in a subfolder, so only the front matter can name it.
    write(tmp_path, {"paper.md": head + "\n" + BODY + "Also [@ghost].\n", "b/refs.bib": BIB})
    (tmp_path / "refs.bib").unlink(missing_ok=True)
    text = (tmp_path / "paper.md").read_text().replace("refs.bib", "b/refs.bib")
    (tmp_path / "paper.md").write_text(text)
    found = check(tmp_path, "paper.md")
    assert codes(found) == ["CIT001"]
    assert "'ghost' matches no entry in refs.bib" in found[0]["message"]


def test_named_but_missing_bibliography_is_reported_where_it_is_named(tmp_path: Path) -> None:
    write(tmp_path, {"paper.md": "---\ntitle: x\nbibliography: paper.bib\n---\n\n" + BODY})
    found = check(tmp_path, "paper.md")
    assert codes(found) == ["IO001", "CIT010"]
    missing, unchecked = found
    assert missing["path"] == "paper.md"
    assert (missing["line"], missing["column"], missing["end_column"]) == (3, 15, 24)
    assert "paper.bib, does not exist" in missing["message"]
    assert "2 key citations could not be checked" in unchecked["message"]
    assert "(paper.bib) does not exist" in unchecked["message"]


CSL_JSON = """[
  {"id": "smith2020", "type": "book", "title": "Streets",
   "author": [{"family": "Smith", "given": "Anna"}], "issued": {"date-parts": [[2020]]}},
  {"id": "petrie1899", "type": "book", "title": "Sequences",
   "author": [{"family": "Petrie", "given": "Flinders"}], "issued": {"date-parts": [[1899]]}},
  {"id": "unused2001", "type": "article-journal", "title": "Unused",
   "container-title": "J", "issued": {"date-parts": [[2001]]}}
]
"""
CSL_YAML = """references:
- id: smith2020
  type: book
  title: Streets
  author:
  - family: Smith
    given: Anna
  issued:
    date-parts: [[2020]]
- id: petrie1899
  type: book
  title: Sequences
  issued: {date-parts: [[1899]]}
- id: unused2001
  type: webpage
  title: Unused
"""


@pytest.mark.parametrize(("name", "text"), [("refs.json", CSL_JSON), ("refs.yaml", CSL_YAML)])
def test_csl_bibliographies_are_read_as_csl(tmp_path: Path, name: str, text: str) -> None:
    head = f"---\nbibliography: {name}\n---\n\n"
    write(tmp_path, {"paper.md": head + BODY + "And [@ghost].\n", name: text})
    found = check(tmp_path, "paper.md")
    assert codes(found) == ["CIT001", "CIT002"], found
    assert "'ghost' matches no entry in " + name in found[0]["message"]
    unused = found[1]
    assert unused["path"] == name and "`unused2001`" in unused["message"]
    assert unused["line"] == (6 if name.endswith("json") else 14)


def test_broken_csl_json_is_a_csl_error_not_bibtex(tmp_path: Path) -> None:
    write(tmp_path, {"paper.md": "---\nbibliography: refs.json\n---\n\n" + BODY})
    (tmp_path / "refs.json").write_text('[{"id": "a",\n  "title": }]\n')
    found = check(tmp_path, "paper.md")
    assert codes(found) == ["CIT010", "BIB001"]
    assert "cannot read this CSL JSON file" in found[1]["message"]
    assert found[1]["line"] == 2


def test_bare_keys_not_in_the_bibliography_are_reported(tmp_path: Path) -> None:
    body = (
        "As @smith2020 argues and @jones2019 denies [@petrie1899]. Write to a@b.org, "
        "thank \\@handle, and see @fig:map and @tbl:data.\n"
    )
    write(tmp_path, {"paper.md": "---\nbibliography: refs.bib\n---\n\n" + body, "refs.bib": BIB})
    found = check(tmp_path, "paper.md")
    assert [(d["code"], d["message"][:22]) for d in found] == [("CIT001", "'jones2019' matches no")]


def test_key_followed_by_an_em_dash_is_the_key(tmp_path: Path) -> None:
    write(tmp_path, {"paper.md": "---\nbibliography: refs.bib\n---\n\n" + BODY, "refs.bib": BIB})
    assert check(tmp_path, "paper.md") == []


UNCITED_BIB = (
    BIB + "@book{unused2001, author = {U, A}, title = {U}, publisher = {P}, year = 2001}\n"
)


def test_uncited_entries_of_the_manuscripts_own_bib(tmp_path: Path) -> None:
    write(tmp_path, {"paper.md": "---\nbibliography: refs.bib\n---\n\n" + BODY})
    (tmp_path / "refs.bib").write_text(UNCITED_BIB)
    found = check(tmp_path, "paper.md")
    assert codes(found) == ["CIT002"]
    assert found[0]["path"] == "refs.bib" and found[0]["line"] == 3
    assert "`unused2001` of refs.bib is never cited in paper.md" in found[0]["message"]


def test_a_bib_shared_by_two_manuscripts_is_quiet_unless_always(tmp_path: Path) -> None:
    head = "---\nbibliography: refs.bib\n---\n\n"
    write(tmp_path, {"one.md": head + BODY, "two.md": head + BODY, "refs.bib": UNCITED_BIB})
    assert check(tmp_path, "one.md", "two.md") == []
    # One manuscript alone owns it.
    assert codes(check(tmp_path, "one.md")) == ["CIT002"]
    (tmp_path / "citeaudit.toml").write_text('[rules.CIT002]\nuncited-entries = "always"\n')
    found = findings(["one.md", "two.md"], cwd=tmp_path)
    # Each manuscript that leaves the entry uncited says so.
    assert sorted(d["message"][-6:] for d in found) == ["one.md", "two.md"]
    (tmp_path / "citeaudit.toml").write_text('[rules.CIT002]\nuncited-entries = "never"\n')
    assert findings(["one.md"], cwd=tmp_path) == []


def test_uncited_entries_option_is_validated(tmp_path: Path) -> None:
    write(tmp_path, {"paper.md": BODY, "citeaudit.toml": "[rules.CIT002]\nuncited-entries = 1\n"})
    result = run_cli(["check", "paper.md"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "rules.CIT002.uncited-entries" in result.output


def test_a_master_library_and_the_configured_library_stay_quiet(tmp_path: Path) -> None:
    many = "".join(
        f"@book{{m{i}, author = {{M, A}}, title = {{T{i}}}, publisher = {{P}}, year = 2000}}\n"
        for i in range(10)
    )
    write(tmp_path, {"paper.md": "---\nbibliography: refs.bib\n---\n\n" + BODY})
    (tmp_path / "refs.bib").write_text(BIB + many)
    assert check(tmp_path, "paper.md") == []
    write(tmp_path, {"lib/all.bib": UNCITED_BIB, "citeaudit.toml": 'library = "lib/all.bib"\n'})
    write(tmp_path, {"paper.md": BODY})
    (tmp_path / "refs.bib").unlink()
    assert findings(["paper.md"], cwd=tmp_path) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("---\ntitle: x\n---\n\nAs [@smith2020] says.\n", "CIT010"),
        (
            "\\documentclass{article}\n\\begin{document}\nAs \\cite{a} says.\n\\end{document}\n",
            "CIT010",
        ),
        ("As Smith says [1].\n\n## References\n\n[1] Smith, A. 2020. *Streets*. Press.\n", None),
    ],
    ids=["markdown", "latex", "plain"],
)
def test_stdin_without_a_name_is_sniffed(tmp_path: Path, text: str, code: str | None) -> None:
    result = run_cli(
        ["check", "--isolated", "--format", "json", "-"], cwd=tmp_path, stdin=text.encode()
    )
    found = json.loads(result.stdout)
    assert codes(found) == ([code] if code else [])


# ---------------------------------------------------------------------------------------
# 2. Quiet on correct text

FENCED_SUPPRESSIONS = """# Suppressions

Write them so:

```markdown
<!-- citeaudit: ignore-file -->
<!-- citeaudit: ignore CIT001 -->
```

A claim [2].

## References

[1] Smith, Anna. 2020. *Streets*. Press.
"""


def test_suppressions_in_code_examples_suppress_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"notes.md": FENCED_SUPPRESSIONS})
    found = check(tmp_path, "notes.md")
    # The example neither silences the file nor is reported as unused.
    assert "CIT001" in codes(found)
    assert "SUP001" not in codes(found)


def test_note_definitions_and_markers_in_code_are_not_notes(tmp_path: Path) -> None:
    text = "A claim.[^1]\n\n[^1]: Smith, *Streets*, 3.\n\n```\nx[^2] y\n[^3]: code\n```\n"
    write(tmp_path, {"notes.md": text})
    assert check(tmp_path, "--select", "NOTE001,NOTE002,CIT007", "notes.md") == []


def test_the_readme_passes() -> None:
    result = run_cli(["check", "README.md"], cwd=ROOT)
    assert result.exit_code == 0, result.output


REF_LIST = """The argument is old [1] and contested [2], and online [3] and [4].

## References

[1] Axtell, James. 1979. "Ethnohistory: An Historian's Viewpoint." Ethnohistory 26 (1): 1. http://www.jstor.org/stable/481465.
[2] Libera, Zbigniew. 2011. "History and Culture." *Anthropos* 106 (2): 597-602. https://doi.org/10.2307/23031633.
[3] Weingart, Scott. "The Moral Role of DH." *the scottbot irregular*. 9 September 2014, http://www.scottbot.net/HIAL/?p=40944.
[4] Genderize. *Genderize.io*. http://genderize.io/about. Accessed 15 September 2014.
[5] Schmidt, Ben. "Gender and Teacher Reviews." 2015. http://benschmidt.org/profGender/.
"""


def test_ref006_asks_access_dates_of_undated_web_pages_only(tmp_path: Path) -> None:
    write(tmp_path, {"essay.md": REF_LIST.replace("[4].", "[4], [5].")})
    found = [d for d in check(tmp_path, "essay.md") if d["code"] == "REF006"]
    assert [(d["line"], d["message"]) for d in found] == [
        (9, "entry [5] is an undated web page without an access date")
    ]


MLA = """Moretti argues (Moretti 12) and so do others (Goodwin 3; Laudun 4; Ramsay 5).

## Works Cited

- Goodwin, Jonathan. "Topic Modeling *Modernism/modernity*." 2013.
- Laudun, John, and Jonathan Goodwin. "Computing Folklore Studies." 2013.
- Moretti, Franco. *Distant Reading*. Verso, 2013.
- Ramsay, J. O. *Functional Data Analysis*. Springer, 2005.
- Marron, J. S., and James O. Ramsay. "Functional Data." 2015.
"""


def test_ref005_accepts_the_first_author_inversion(tmp_path: Path) -> None:
    write(tmp_path, {"essay.md": MLA})
    found = [d for d in check(tmp_path, "essay.md") if d["code"] == "REF005"]
    # 'Jonathan Goodwin' after 'and' is the MLA form of 'Goodwin, Jonathan'; the initials
    # of 'Ramsay, J. O.' against 'James O. Ramsay' are a real difference.
    assert [d["message"].split(" in ")[0] for d in found] == ["author written 'James O. Ramsay'"]


CREDITS = """A photograph [1] and an encyclopedia [2].

## References

[1] [Hitler Youth at rifle practice, c. 1943](https://en.wikipedia.org/wiki/Hitler_Youth#/media/File:Bundesarchiv_Bild_146.jpg). [CC BY-SA 3.0](https://creativecommons.org/licenses/by-sa/3.0/).
[2] "Historical Fiction." Wikipedia, November 5, 2019. https://en.wikipedia.org/wiki/Historical_fiction.
"""


def test_src004_leaves_image_credits_alone(tmp_path: Path) -> None:
    write(tmp_path, {"essay.md": CREDITS})
    found = [d for d in check(tmp_path, "essay.md") if d["code"] == "SRC004"]
    assert [d["line"] for d in found] == [6]


QUOTES = """Covering the meeting, the *Chronicle* reported that "here and there, conference attendees did grumble that an association might re-establish the same writers" (Heller). As @smith2020 put it, "renaming streets is one of the cheapest symbolic policies a state can adopt at all". As Zawinski [has remarked](http://jwz.example.org/1), "the universe tends toward maximum irony, so do not push it ever". Popkin writes "women in history experienced considerable frustration and often outright anger" (Popkin, Jeremy. 2016. 144). Generally, I will ask, "Why do the people of this city have worse health than others?" and answer it.

Zhou made it plain: "The US military is aiming to expand the conflict by crossing the parallel." What did he mean?
"""


def test_src005_sees_citations_anywhere_in_the_sentence(tmp_path: Path) -> None:
    write(tmp_path, {"essay.md": "---\nbibliography: refs.bib\n---\n\n" + QUOTES})
    (tmp_path / "refs.bib").write_text(BIB)
    found = [d for d in check(tmp_path, "essay.md") if d["code"] == "SRC005"]
    assert [d["line"] for d in found] == [7]


def test_messages_speak_plainly() -> None:
    corpus = shared_path("corpus-real")
    folders = [str(corpus / name) for name in ("author-date", "author-page", "footnote")]
    result = run_cli(["check", "--isolated", "--format", "json", *folders, "corpus"], cwd=ROOT)
    messages = [d["message"] for d in json.loads(result.stdout)]
    assert len(messages) > 20
    for message in messages:
        assert not re.search(r"\bratio\b|token[- ]sort|\bscore\b", message), message
        # Shortened text is always quoted: every ellipsis lies inside a quotation.
        spans = [m.span() for m in re.finditer(r"“[^”]*”|(?<![\w])'.*?'(?=$|[\s,;:.)])", message)]
        for cut in re.finditer("…", message):
            assert any(a < cut.start() < b for a, b in spans), message


def test_unlabelled_entries_are_named_in_words(tmp_path: Path) -> None:
    text = re.sub(r"^\[\d\] ", "", REF_LIST, flags=re.M).replace(
        "old [1] and contested [2], and online [3] and [4].", "old."
    )
    write(tmp_path, {"essay.md": text})
    from citeaudit.linking import label_text
    from citeaudit.load import load

    entries = load(str(tmp_path / "essay.md")).entries
    names = [label_text(e) for e in entries]
    assert names[0] == "Axtell 1979, “Ethnohistory: An Historian's Viewpoint”"
    for entry, name in zip(entries, names, strict=True):
        body = name.split("“", 1)[1]
        assert body.endswith("”"), name
        if body.endswith("…”"):
            # Cut at a word boundary: in the entry, the shortened text is followed by a
            # space or punctuation, never by the rest of a word.
            prefix = body[:-2]
            flat = " ".join(re.sub(r"[\"“”*_]", "", entry.raw).split())
            at = flat.find(prefix)
            assert at != -1 and not flat[at + len(prefix)].isalnum(), name


# ---------------------------------------------------------------------------------------
# 3. Small things users noticed


def test_statistics_prints_only_the_table() -> None:
    case = ROOT / "corpus" / "cases" / "numbered-fires" / "draft.md"
    result = run_cli(["check", "--isolated", "--statistics", str(case)])
    lines = result.output.splitlines()
    assert lines and all(re.fullmatch(r"\s*\d+\t[A-Z]+\d{3}\t.+", line) for line in lines), lines


def test_cit004_notes_list_every_renumbered_marker() -> None:
    lai = ROOT / "corpus" / "lai-2023" / "essay.md"
    found = [d for d in findings(["--isolated", str(lai)]) if d["code"] == "CIT004"]
    assert found
    for d in found:
        moves = re.findall(r"\[(\d+)\]→\[(\d+)\]", d["message"])
        noted = [re.match(r"\[(\d+)\]→\[(\d+)\]", r["message"]) for r in d["related"]]
        assert [m.groups() for m in noted if m] == moves


def test_a_single_colonless_note_definition_is_cit007(tmp_path: Path) -> None:
    write(tmp_path, {"essay.md": "A claim.[^1] More.\n\n[^1] Smith, *Streets*, 12.\n"})
    found = check(tmp_path, "essay.md")
    definition = [d for d in found if d["line"] == 3]
    assert [d["code"] for d in definition] == ["CIT007"]
    fixed = run_cli(
        ["check", "--isolated", "--select", "CIT007,NOTE001", "--fix", "essay.md"], cwd=tmp_path
    )
    assert fixed.exit_code == 0, fixed.output
    assert "[^1]: Smith" in (tmp_path / "essay.md").read_text()


def test_select_sup_reports_unused_suppressions(tmp_path: Path) -> None:
    text = "Fine [1].\n<!-- citeaudit: ignore CIT001 -->\nAlso [1].\n\n## References\n\n[1] Smith, A. 2020. *Streets*. Press.\n"
    write(tmp_path, {"essay.md": text})
    found = check(tmp_path, "--select", "SUP", "essay.md")
    assert [(d["code"], d["line"]) for d in found] == [("SUP001", 2)]
    used = text.replace("Also [1]", "Also [9]")
    write(tmp_path, {"essay.md": used})
    assert check(tmp_path, "--select", "SUP", "essay.md") == []


def test_readme_install_snippets_point_at_nothing_that_does_not_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"citeaudit@v\d|rev: v\d|citeaudit==\d|pip install citeaudit\b", readme)
    assert "pip install -e ." in readme and "from a clone" in readme


def test_latex_thebibliography_is_the_list(tmp_path: Path) -> None:
    tex = (
        "\\documentclass{article}\n\\begin{document}\nAs \\cite{knuth84,lamport94} said.\n"
        "\\begin{thebibliography}{9}\n\\bibitem{knuth84} D. Knuth, The TeXbook, 1984.\n"
        "\\end{thebibliography}\n\\end{document}\n"
    )
    # A stray .bib in the folder is not LaTeX's bibliography: LaTeX names its own.
    write(tmp_path, {"paper.tex": tex, "stray.bib": BIB})
    found = check(tmp_path, "paper.tex")
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("CIT001", 3, 18)]
    assert "'lamport94' matches no entry in the document's thebibliography" in found[0]["message"]


def test_references_in_the_metadata_are_a_bibliography(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Inline\nreferences:\n- id: smith2020\n  type: book\n  title: Streets\n"
        "  issued: {date-parts: [[2020]]}\n---\n\nAs [@smith2020] and [@ghost] show.\n"
    )
    write(tmp_path, {"paper.md": text, "stray.bib": BIB})
    found = check(tmp_path, "paper.md")
    assert [(d["code"], d["line"]) for d in found] == [("CIT001", 10)]
    assert "in the references of its metadata" in found[0]["message"]


def test_broken_metadata_is_reported(tmp_path: Path) -> None:
    write(tmp_path, {"paper.md": "---\nbibliography: [refs.bib\n---\n\n" + BODY, "refs.bib": BIB})
    found = check(tmp_path, "paper.md")
    assert (found[0]["code"], found[0]["line"]) == ("IO001", 1)
    assert "not valid YAML" in found[0]["message"]


def test_an_author_named_in_author_date_prose_is_not_unused(tmp_path: Path) -> None:
    text = (
        "It began early (Green 1999, 4). Historian James Axtell states that ethnohistory "
        "grew out of both fields. In *Distant Reading* the method is new (Green 1999, 7). "
        "The Bancroft Prize has gone to men five times as often.\n\n"
        "## References\n\n"
        "Axtell, James. 1979. *Ethnohistory*. Norman: Oklahoma.\n\n"
        '"Bancroft Prize." *Wikipedia*. Accessed 5 October 2014.\n\n'
        "Green, Anna. 1999. *The Houses of History*. Manchester: MUP.\n\n"
        "Moretti, Franco. 2013. *Distant Reading*. London: Verso.\n"
    )
    write(tmp_path, {"essay.md": text})
    found = [d for d in check(tmp_path, "essay.md") if d["code"] == "CIT002"]
    # Axtell is named and used (his year is missing, not his entry), and so is the
    # authorless "Bancroft Prize" by its title; a title named in passing does not cite
    # Moretti, whose entry has an author.
    assert [d["message"] for d in found] == ["entry 'Moretti 2013' is never cited"]
