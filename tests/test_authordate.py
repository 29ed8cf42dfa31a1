"""Author-date and MLA citations: every written form parsed, linked to its entry, and the
failures said in words; near misses that are not citations stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeaudit.adapters.authordate import author_date_citations, parse_item
from citeaudit.adapters.reflist import trailing_run
from citeaudit.link import link
from citeaudit.load import parse
from citeaudit.model import Document, LineIndex
from tests.conftest import findings, shared_path

LIST = """

## References

Bird, Steven, Ewan Klein, and Edward Loper. 2009. *Natural Language Processing with Python*. Sebastopol: O'Reilly.

Chen, Jian. 2001. *Mao's China and the Cold War*. Chapel Hill: University of North Carolina Press.

Donnelly, Francis, Ralph Shaw, and Rudolph Gjelsness. 1958. *Library Surveys*. Chicago: ALA.

Green, Anna, and Kathleen Troup. 1999. *The Houses of History*. New York: New York University Press.

Popkin, Jeremy D. 2016. *From Herodotus to H-Net*. Oxford: Oxford University Press.

Stueck, William. 2002a. *Rethinking the Korean War*. Princeton: Princeton University Press.

———. 2002b. *The Korean War in World History*. Lexington: University Press of Kentucky.

The Harry S. Truman Library and Museum. n.d. “Korean War Photographs.” Independence, MO.

World Bank. 2014. *World Development Indicators*. Washington, DC: World Bank.
"""


def document(text: str, name: str = "essay.md") -> Document:
    return parse(name, text, "markdown")


def linked(text: str) -> list[tuple[str, str | None]]:
    """(target, the linked entry's first words or None) for every author-date link."""
    doc = document(text)
    out = []
    for found in link(doc).of_style("author-date"):
        entry = found.entry
        out.append((found.target, entry.raw[:12] if entry else None))
    return out


# Each form, the entry it must reach.
FORMS = [
    ("(Stueck 2002a)", "Stueck, Will"),
    ("(Stueck, 2002a, p. 73)", "Stueck, Will"),
    ("(Stueck 2002b, 73–75)", "———. 2002b. "),
    ("(Stueck 2002a 73)", "Stueck, Will"),
    ("(Popkin,76)", "Popkin, Jere"),
    ("Stueck (2002a) argues", "Stueck, Will"),
    ("Stueck's (2002b) readers", "———. 2002b. "),
    ("Stueck (2002a: 73) says", "Stueck, Will"),
    ("(see Green and Troup 1999, 4)", "Green, Anna,"),
    ("(Bird et al. 2009)", "Bird, Steven"),
    ("(Donnelly, Shaw, and Gjelsness 1958)", "Donnelly, Fr"),
    ("(cf. Chen 2001, 88)", "Chen, Jian. "),
    ("(e.g., Chen 2001)", "Chen, Jian. "),
    ("(World Bank 2014)", "World Bank. "),
    ("(Truman Library n.d.)", "The Harry S."),
    ("(Popkin 2016, xvi)", "Popkin, Jere"),
    ("[Bird et al. 2009, Chapter 2]", "Bird, Steven"),
    ("(Popkin, Jeremy. 2016. 144)", "Popkin, Jere"),
    ("(Gabrieli, p. 93)".replace("Gabrieli", "Chen"), "Chen, Jian. "),
    ("(Houses, p. 174)", "Green, Anna,"),
]


@pytest.mark.parametrize(("written", "entry"), FORMS)
def test_each_form_links_to_its_entry(written: str, entry: str) -> None:
    found = linked(f"The war was international {written}." + LIST)
    assert [e for _, e in found] == [entry], found


def test_several_sources_in_one_parenthesis() -> None:
    found = linked("Two books frame it (Stueck 2002a; Chen 2001)." + LIST)
    assert [e for _, e in found] == ["Stueck, Will", "Chen, Jian. "]


def test_archival_and_title_year_citations() -> None:
    text = (
        'The papers hold the letters (Behnke 1910–1913, F3–F7), and the paper reported it ("Cozy '
        'Union Home to be Opened" 1907).\n\n## Sources\n\n'
        "Behnke Family Papers, 1846–1935. Box 3, Folder 7. Minnesota Historical Society.\n\n"
        "“Cozy Union Home to be Opened.” 1907. *Albuquerque Journal*, March 3.\n"
    )
    assert [e for _, e in linked(text)] == ["Behnke Famil", "“Cozy Union "]


# Parentheses that must not be read as citations at all.
NOT_CITATIONS = [
    "Luke tells the parable (Luke 10:25--37).",
    "The talks lasted two years (1951–1953).",
    "The war began in 1950 (1950).",
    "Steps: (1) count, and (2) compare.",
    "The line moved (Figure 3).",
    "The value $f(x) = (x + 1)$ grows.",
    "It happened (March 1950).",
    "The event (World War 2) ended it.",
    "A term (*tazkirah*) and a gloss (“soil”).",
    "An editorial insertion [Soviet] and a footnote [^1].",
]


@pytest.mark.parametrize("text", NOT_CITATIONS)
def test_near_misses_are_not_citations(text: str) -> None:
    assert linked(text + LIST) == []


def test_weak_forms_are_taken_only_beside_an_unnumbered_list() -> None:
    text = "Cumings wrote it (Cumings 35), and the page says so (247)."
    index = LineIndex(text)
    assert [c.form for c in author_date_citations(text, index)] == ["author-page", "page"]
    assert author_date_citations(text, index, list_style="numbered") == []


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("(Chen, 1974)", "(Chen, 1974) has no entry; the list has Chen 2001"),
        ("(Popkins, 2016)", "(Popkins, 2016) has no entry; 'Popkin 2016' is spelt differently"),
        ("(Cumings, 1981)", "(Cumings, 1981) has no entry, and no Cumings is listed"),
        ("(Stueck 2002)", "(Stueck 2002) could be any of 2 entries"),
        ("[Bird et al. 2008]", "[Bird et al. 2008] has no entry; the list has Bird et al. 2009"),
    ],
)
def test_unresolved_citations_say_what_differs(written: str, why: str) -> None:
    doc = document(f"It was so {written}." + LIST)
    unresolved = link(doc).unresolved()
    assert len(unresolved) == 1
    assert unresolved[0].why.startswith(why), unresolved[0].why


def test_a_narrative_name_with_nothing_close_is_prose() -> None:
    assert linked("The school began in France (1929)." + LIST) == []


MLA = """

## Works Cited

Friedman, Susan Stanford. *Planetary Modernisms*. Columbia UP, 2015.

---. "The Logic of Mobility." *Modernism/modernity*, vol. 10, no. 1, 2003, pp. 23–44.

Latham, Sean, and Gayle Rogers. *Modernism: Evolution of an Idea*. Bloomsbury, 2015.
"""


def test_mla_author_page_title_and_page_only_forms() -> None:
    text = (
        "Friedman widens the field (Friedman, *Planetary* 35) and its logic (*Logic* 30). "
        'Latham and Rogers trace the word "modernist studies" (131–45). Later it narrows (140).'
    )
    assert [e for _, e in linked(text + MLA)] == [
        "Friedman, Su",
        '---. "The Lo',
        "Latham, Sean",
        "Latham, Sean",
    ]


def test_mla_author_without_title_when_the_author_has_two_works() -> None:
    doc = document("It grew (Friedman 40). It grew more (Friedman, *Logic* 30)." + MLA)
    unresolved = link(doc).unresolved()
    assert [u.why for u in unresolved] == [
        "(Friedman 40) could be any of 2 entries, Friedman 2015 and Friedman 2003; "
        "add a short title"
    ]


def test_mla_name_missing_from_works_cited() -> None:
    doc = document("The field grew fast (Zed 9)." + MLA)
    assert [u.why for u in link(doc).unresolved()] == ["(Zed 9) has no entry, and no Zed is listed"]


def test_item_parts() -> None:
    item = parse_item("Iggers, *Historiography in the 20th century*, 2005, p. 470")
    assert item is not None
    assert (item.names, item.title, item.year, item.locator) == (
        ("Iggers",),
        "Historiography in the 20th century",
        "2005",
        "p. 470",
    )
    assert parse_item("Kamaruzaman et. al 2015, p. 32") is not None


def test_repeated_author_dashes_inherit_the_authors() -> None:
    doc = document("Both (Stueck 2002a; Stueck 2002b)." + LIST)
    second = next(e for e in doc.entries if e.raw.startswith("———"))
    assert second.authors == ("Stueck, William",)
    assert doc.text[second.fields["author"].span.start : second.fields["author"].span.end] == (
        "———"
    )


def test_a_list_without_a_heading_is_found_at_the_end() -> None:
    body = "Stueck argued it (Stueck 2002, 4), and Chen agreed (Chen 2001, 9).\n\n"
    entries = (
        "Chen, Jian. 2001. *Mao's China and the Cold War*. Chapel Hill: UNC Press.\n\n"
        "Cumings, Bruce. 1981. *The Origins of the Korean War*. Princeton: PUP.\n\n"
        "Stueck, William. 2002. *Rethinking the Korean War*. Princeton: PUP.\n"
    )
    assert trailing_run(body + entries) is not None
    doc = document(body + entries)
    assert doc.list_style == "unnumbered"
    assert [e for _, e in linked(body + entries)] == ["Stueck, Will", "Chen, Jian. "]


def test_a_plain_sources_line_heads_a_list() -> None:
    text = "It was so (Chen 2001, 9).\n\nSources:\n\nChen, Jian. 2001. *Mao's China*. UNC Press.\n"
    assert [e for _, e in linked(text)] == ["Chen, Jian. "]


def test_picture_credits_under_a_sub_heading_are_not_entries() -> None:
    text = (
        "It was so (Chen 2001, 9).\n\n## Bibliography\n\n"
        "Chen, Jian. 2001. *Mao's China*. UNC Press.\n\n### Images\n\n"
        "[A photograph of Beijing, 1950](https://example.org/a.jpg). CC BY 2.0.\n"
    )
    assert len(document(text).entries) == 1


def test_house_labels_are_matched_exactly() -> None:
    text = (
        "Counts rose [World Bank 2014; Wickham 2014b].\n\n## Works Cited\n\n"
        "[World Bank 2014-] World Bank. *Life expectancy*. 2014-.\n\n"
        "[Wickham 2014a] Wickham, Hadley. *Tidy Data*. 2014.\n\n"
        "[Wickham 2014b] Wickham, Hadley. *dplyr*. 2014.\n"
    )
    assert [e for _, e in linked(text)] == ["World Bank. ", "Wickham, Had"]
    doc = document(text)
    entry = link(doc).links[1].entry
    assert entry is not None and entry.title == "dplyr"


def test_a_numbered_document_is_unchanged() -> None:
    doc = document(
        "Stalin agreed [1]. Kim had lied (Weathersby 1995).\n\n## References\n\n"
        "1. Stueck, William. *Rethinking the Korean War*. 2002.\n"
    )
    links = link(doc)
    assert links.unresolved() == []
    assert [f.checked for f in links.of_style("author-date")] == [False]


# The genuine errors of the real student essays (../shared/corpus-real), by line.
GENUINE = {
    "author-date/unm-21st-century-gender-history.md": [
        (
            14,
            "CIT001",
            "(Scott 2010) has no entry; the list has Scott 1986 and Scott 2008; "
            "the sentence names 'Unanswered Questions', Scott 2008",
        ),
        (18, "CIT001", "(Foucault, 1974) has no entry; the list has Foucault 1988"),
    ],
    "author-date/unm-anthropology-historiography.md": [
        (29, "CIT001", "(Popkin, 2016) has no entry, and no Popkin is listed"),
        (31, "CIT001", "(Popkin,2016) has no entry, and no Popkin is listed"),
        (31, "CIT001", "(Popkin, 2016) has no entry, and no Popkin is listed"),
        (33, "CIT001", "(Popkin, 2016) has no entry, and no Popkin is listed"),
    ],
    "author-date/unm-roman-historiography.md": [
        (49, "CIT001", "(Popkin, 2016) has no entry; 'Popkins 2016' is spelt differently"),
    ],
    "author-date/unm-medieval-islamic-historiography.md": [
        (45, "CIT001", "(Çasku 2017) has no entry; 'Çaksu 2017' is spelt differently"),
    ],
}


@pytest.mark.parametrize("name", sorted(GENUINE))
def test_real_essays_report_their_genuine_errors(name: str) -> None:
    root = shared_path("corpus-real")
    records = findings(["--isolated", name], cwd=root)
    found = {(r["line"], r["code"], r["message"]) for r in records}
    for expected in GENUINE[name]:
        assert expected in found, sorted(found)


def test_real_mla_essay_links_every_citation() -> None:
    path: Path = shared_path("corpus-real", "author-page", "unm-third-reich-historiography.md")
    doc = parse(str(path), path.read_text(encoding="utf-8"), "markdown")
    links = link(doc).of_style("author-date")
    assert len(links) == 62  # one in a picture caption
    assert all(found.entry is not None for found in links)


def test_unused_entries_of_a_references_list_and_of_a_bibliography(tmp_path: Path) -> None:
    body = "It was so (Chen 2001, 9), and so (Stueck 2002a, 3).\n\n"
    entries = (
        "Chen, Jian. 2001. *Mao's China*. UNC Press.\n\n"
        "Cumings, Bruce. 1981. *The Origins of the Korean War*. PUP.\n\n"
        "Stueck, William. 2002b. *Rethinking the Korean War*. PUP.\n"
    )
    for heading, expected in (("References", 2), ("Bibliography", 1)):
        path = tmp_path / f"{heading}.md"
        path.write_text(f"{body}## {heading}\n\n{entries}", encoding="utf-8")
        records = findings(["--isolated", "--select", "CIT002", str(path)])
        # Under "Bibliography" a work may be consulted but not cited: only the entry that
        # an unresolved citation comes close to (Stueck 2002b) is reported.
        assert len(records) == expected, records
        assert any("Stueck 2002b" in r["message"] for r in records)


def test_primary_and_secondary_source_lists() -> None:
    text = (
        "The papers hold it (Adams Papers 1790–1800, F2), and Chen agrees (Chen 2001, 9).\n\n"
        "## Primary Sources\n\n"
        "Adams Papers, 1780–1820. Box 2, Folder 4. Massachusetts Historical Society.\n\n"
        "## Secondary Sources\n\n"
        "Chen, Jian. 2001. *Mao's China*. UNC Press.\n"
    )
    assert [e for _, e in linked(text)] == ["Adams Papers", "Chen, Jian. "]


@pytest.mark.parametrize(
    ("sentence", "fires"),
    [
        ("The war ended in a truce in 1953 (Stueck 1947, 12).", True),
        ("In June 1950 the war began (Stueck 1947).", True),
        ("The war began in 1950 (Stueck 2002, 12).", False),
        ("Cumings 1981 and Stueck 1993 disagree (Stueck 1947).", False),
        ("As of August 2015, the book is still read (Stueck 1947).", False),
    ],
)
def test_src001_for_author_date(tmp_path: Path, sentence: str, fires: bool) -> None:
    path = tmp_path / "essay.md"
    path.write_text(
        f"{sentence}\n\n## References\n\n"
        "Stueck, William. 1947. *A Study*. Princeton: PUP.\n\n"
        "Stueck, William. 2002. *Rethinking the Korean War*. Princeton: PUP.\n",
        encoding="utf-8",
    )
    codes = {r["code"] for r in findings(["--isolated", "--select", "SRC001", str(path)])}
    assert ("SRC001" in codes) is fires


def test_an_r_chunk_figure_caption_is_prose_and_its_citation_counts(tmp_path: Path) -> None:
    """knitr prints `fig.cap` under the figure: a work cited only there is cited (the
    Goldstone paper cites Cowell in a caption), and the chunk's code is still not prose."""
    from citeaudit.load import load

    text = (
        "Inequality is the rule (Heller 12).\n\n"
        "```{r curves, fig.cap=\"Lorenz curves of ``citations,'' see Cowell, chap. 2.\"}\n"
        "plot(x)  # (Nobody 1999)\n"
        "```\n\n"
        "# Works Cited\n\n"
        "- Cowell, Frank. *Measuring Inequality*. Oxford UP, 2011.\n"
        "- Heller, Agnes. *A Theory of Modernity*. Blackwell, 1999.\n"
    )
    doc = load("paper.Rmd", text.encode("utf-8"))
    caption = text.index("see Cowell")
    assert doc.prose[caption : caption + 10] == "see Cowell"
    assert "plot(x)" not in doc.prose and "``" not in doc.prose
    (tmp_path / "paper.Rmd").write_text(text, encoding="utf-8")
    records = findings(["--isolated", "paper.Rmd"], cwd=tmp_path)
    assert not [r for r in records if r["code"] == "CIT002"], records
