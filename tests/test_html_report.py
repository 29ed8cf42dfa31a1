"""The HTML report without a browser: what it contains, where it puts each finding, that
manuscript text stays text, and that only `--format html` loads Jinja2."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from citeaudit.report.html import page_names
from tests.conftest import ROOT, run_cli, shared_path

# Paths as a user in the repository types them; the report shows them as given.
LAI = "corpus/lai-2023/essay.md"
HOSTILE = "tests/data/html/hostile.md"


class Tree(HTMLParser):
    """Tags, attributes and text of a page, as a browser's parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw:
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in].append(data)
        else:
            self.text.append(data)

    def ids(self) -> set[str]:
        return {a["id"] or "" for _, a in self.tags if "id" in a}

    def all(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag and (cls is None or cls in (a.get("class") or "").split())
        ]

    def plain(self) -> str:
        return squash(" ".join(self.text))


def lands(folder: Path, page: str, href: str) -> bool:
    """Whether a link in a folder report reaches a page and, if it names one, an id."""
    name, _, fragment = href.partition("#")
    target = folder / (name or page)
    if not target.is_file():
        return False
    return not fragment or fragment in ids_of(str(target))


@functools.cache
def ids_of(path: str) -> frozenset[str]:
    return frozenset(Tree(Path(path).read_text(encoding="utf-8")).ids())


def html_of(*args: str, cwd: Path = ROOT) -> str:
    result = run_cli(["check", "--format", "html", *args], cwd=cwd)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def json_of(*args: str, cwd: Path = ROOT) -> list[dict[str, Any]]:
    result = run_cli(["check", "--format", "json", *args], cwd=cwd)
    records: list[dict[str, Any]] = json.loads(result.stdout)
    return records


def squash(text: str) -> str:
    """Whitespace as a reader sees it: runs collapsed, none before punctuation."""
    return re.sub(r" ([,.:;)])", r"\1", " ".join(text.split()))


def test_every_finding_of_the_lai_essay_is_on_the_page_with_its_code_and_message() -> None:
    tree = Tree(html_of(LAI))
    text = tree.plain()
    records = json_of(LAI)
    # As many as the golden file of the essay pins.
    assert len(records) == len(
        (ROOT / "corpus/lai-2023/expected.txt").read_text("utf-8").splitlines()
    )
    for record in records:
        assert squash(record["message"]) in text, record
    # Each finding has one card with its id, and the summary links to it.
    cards = tree.all("div", "finding")
    ids = [c["id"] for c in cards if c.get("id")]
    assert len(ids) == len(set(ids)) == len(records)
    links = {a["href"] for a in tree.all("a") if a.get("href")}
    assert {f"#{i}" for i in ids} <= links


def test_lai_markers_carry_their_state_and_the_shift_names_the_right_entry() -> None:
    tree = Tree(html_of(LAI))
    cites = tree.all("details", "cite")
    assert len(cites) == 19
    states = [next(c for c in (d["class"] or "").split() if c.startswith("st-")) for d in cites]
    assert states.count("st-ok") == 9
    assert states.count("st-finding") == 10
    text = tree.plain()
    # The shifted [8] says, next to it, where it should point; so do [13] to [15].
    assert "[8] ⚠ (linked, with findings) CIT004 → [7]" in text
    assert "[15] ⚠ (linked, with findings) CIT004 CIT005 → [13]" in text
    # The two Stueck entries: [6] carries REF001 and names [1]; [1] is named by it.
    assert "Named by CIT003 line 27: entry [5]" in text  # under entry [5]
    assert "REF001 duplicate-reference line 58:4 entry [6] lists the same work as [1]" in text


def test_entries_say_where_and_how_often_they_are_cited() -> None:
    text = Tree(html_of(LAI)).plain()
    assert "[15] Jun, Niu. (1991)" in text
    assert "Cited 3 times: [15] line 37, [15] line 43, [15] line 45" in text
    assert "Cited 3 times: [2] line 17, [2] line 43, [2] line 43" in text


def test_manuscript_markup_is_text_and_only_the_reports_own_script_runs() -> None:
    page = html_of(HOSTILE)
    tree = Tree(page)
    assert len(tree.all("script")) == 1
    assert not tree.all("img") and not tree.all("iframe") and not tree.all("svg")
    assert not tree.all("base") and len(tree.all("style")) == 1
    assert len(tree.all("meta")) == 5  # charset, viewport, CSP, referrer, generator
    for tag, attrs in tree.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for value in attrs.values():
            assert "javascript:" not in (value or ""), (tag, attrs)
    text = tree.plain()
    assert '<script>document.title = "pwned"; window.pwned = 1;</script>' in text
    assert '<img src="x" onerror="document.title=\'pwned-img\'; window.pwned = 1">' in text
    assert "</style><style>body{display:none}</style>" in text
    assert "{{ 7 * 7 }} {% raw %}" in text  # not evaluated as a template either
    assert "pwned" not in "".join(tree.raw["script"])


def test_the_policy_admits_exactly_the_inline_style_and_script() -> None:
    tree = Tree(html_of(LAI))
    policy = next(a["content"] for a in tree.all("meta") if a.get("http-equiv"))
    assert policy is not None
    assert "default-src 'none'" in policy

    def digest(text: str) -> str:
        raw = hashlib.sha256(text.encode("utf-8")).digest()
        return "sha256-" + base64.b64encode(raw).decode()

    assert f"style-src '{digest(tree.raw['style'][0])}'" in policy
    assert f"script-src '{digest(tree.raw['script'][0])}'" in policy
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html_of(LAI))


@pytest.mark.parametrize(
    ("target", "linked"),
    [
        ("cases/pandoc-joss-tabula/paper.md", "entry obrien2002"),
        ("cases/latex-multifile/latex/essay.tex", "entry critique"),
        ("cases/numbered-fires/draft.md", "entry [1]"),
    ],
)
def test_citations_link_to_their_entries_in_every_style(target: str, linked: str) -> None:
    path = f"corpus/{target}"
    tree = Tree(html_of(path))
    text = tree.plain()
    assert linked in text
    for record in json_of(path):
        assert squash(record["message"]) in text, record


def test_keys_with_a_bib_show_the_bibliography_and_the_unresolved_key() -> None:
    # pandoc reads `@petrie1899---and` as petrie1899 and an em dash: every key resolves.
    tree = Tree(html_of("corpus/cases/pandoc-joss-tabula/paper.md"))
    assert "Bibliography corpus/cases/pandoc-joss-tabula/paper.bib" in tree.plain()
    unresolved = [d for d in tree.all("details", "cite") if "st-unresolved" in (d["class"] or "")]
    assert unresolved == []
    # A bare `@archivist` is a key that the bibliography lacks, as pandoc warns.
    tree = Tree(html_of("corpus/cases/pandoc-syntax/essay.md"))
    unresolved = [d for d in tree.all("details", "cite") if "st-unresolved" in (d["class"] or "")]
    assert len(unresolved) == 1
    assert "No entry is labelled archivist" in tree.plain()


def test_latex_sections_are_listed_with_their_citations() -> None:
    text = Tree(html_of("corpus/cases/latex-multifile/latex/essay.tex")).plain()
    assert "Citations in included files" in text
    assert "corpus/cases/latex-multifile/latex/sections/intro.tex:" in text


def test_footnotes_link_to_their_notes_and_undefined_ones_say_so() -> None:
    path = "corpus/cases/note001-fires/notes.md"
    tree = Tree(html_of(path))
    text = tree.plain()
    for record in json_of(path):
        assert squash(record["message"]) in text, record
    assert "Note 1, referenced from line 3" in text
    assert "[^4] ✗ (undefined note) No note is defined as 4." in text
    assert "Note 3: never referenced." in text


def test_cp1252_and_crlf_files_read_like_any_other(tmp_path: Path) -> None:
    latin = Tree(html_of("corpus/cases/io001-fires/latin1.md")).plain()
    assert "Ory, Pascal. *Le Café*. Paris: Gallimard, 1997." in latin
    assert "IO001" in latin and "cp1252" in latin
    crlf = tmp_path / "crlf.md"
    crlf.write_bytes((ROOT / LAI).read_bytes().replace(b"\n", b"\r\n"))
    page = html_of(str(crlf))
    assert "\r" not in page
    tree = Tree(page)
    assert len(tree.all("details", "cite")) == 19
    for record in json_of(str(crlf)):
        assert squash(record["message"]) in tree.plain(), record


def test_an_empty_file_is_a_page_with_nothing_to_report() -> None:
    # An empty placeholder chapter is not an error (see test_bad_input), and its page
    # says there is nothing in it rather than failing to render.
    text = Tree(html_of("corpus/cases/io001-fires/empty.md")).plain()
    assert "0 citations" in text and "No findings." in text


def test_one_file_for_several_manuscripts_holds_an_index_and_each_page(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    folder = "corpus/cases/io001-fires"
    result = run_cli(["check", "--format", "html", "-o", str(out), folder], cwd=ROOT)
    assert result.exit_code == 1, result.output
    tree = Tree(out.read_text(encoding="utf-8"))
    ids = tree.ids()
    # empty.md, expected.txt (a folder walk takes .txt files too), latin1.md, thesis.md
    assert {"d0-top", "d1-top", "d2-top", "d3-top"} <= ids
    rows = [a for a in tree.all("a") if re.fullmatch(r"#d\d+-top", a.get("href") or "")]
    assert len(rows) == 4  # the index: one row per manuscript
    hrefs = [a["href"] or "" for a in tree.all("a") if (a.get("href") or "").startswith("#")]
    assert all(h[1:] in ids for h in hrefs), [h for h in hrefs if h[1:] not in ids]


def test_a_folder_run_on_the_corpus_writes_an_index_and_a_page_per_manuscript(
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    result = run_cli(["check", "--format", "html", "-o", str(out), "corpus"], cwd=ROOT)
    assert result.exit_code == 1, result.output
    checked = json_of("corpus")
    pages = sorted(p.name for p in out.iterdir())
    assert "index.html" in pages
    index = Tree((out / "index.html").read_text(encoding="utf-8"))
    links = [a["href"] or "" for a in index.all("a") if a.get("href")]
    assert len(links) == len(pages) - 1
    assert sorted(links) == sorted(p for p in pages if p != "index.html")
    assert len(index.all("tr")) == len(pages)  # the heading row and one per manuscript
    # Every finding is on the page of its file, and every in-page link lands.
    found = 0
    for name in links:
        page = Tree((out / name).read_text(encoding="utf-8"))
        for a in page.all("a"):
            assert lands(out, name, a.get("href") or ""), (name, a.get("href"))
        found += len([c for c in page.all("div", "finding") if c.get("id")])
    assert found == len(checked)
    lai = Tree((out / "corpus-lai-2023-essay.md.html").read_text(encoding="utf-8"))
    assert "REF001" in lai.plain()
    # The index sorts by the worst rule too, and its rows say the worst rule.
    assert "CIT001 undefined-citation" in index.plain()


def test_writing_the_folder_again_replaces_the_pages(tmp_path: Path) -> None:
    out = tmp_path / "site"
    for _ in range(2):
        result = run_cli(["check", "--format", "html", "-o", str(out), "corpus/cases"], cwd=ROOT)
        assert result.exit_code == 1, result.output
    assert not [p for p in out.iterdir() if p.name.startswith(".citeaudit-")]


def test_other_formats_refuse_a_folder_as_output(tmp_path: Path) -> None:
    result = run_cli(["check", "--format", "json", "-o", str(tmp_path), LAI])
    assert result.exit_code == 2
    assert "is a folder" in result.stderr


def test_page_names_are_distinct_and_never_the_index() -> None:
    names = page_names(["a/b.md", "a-b.md", "index", "x/../y.md", "c:\\d.md"])
    assert len(set(names.values())) == 5
    assert "index.html" not in names.values()
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+\.html", n) for n in names.values())


@pytest.mark.parametrize(("fmt", "loaded"), [("json", False), ("text", False), ("html", True)])
def test_only_the_html_format_imports_jinja2(fmt: str, loaded: bool) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from citeaudit.cli import main\n"
        f"CliRunner().invoke(main, ['check', '--format', {fmt!r}, {LAI!r}])\n"
        "print('jinja2' in sys.modules, 'markupsafe' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split() == [str(loaded), str(loaded)], done.stderr


def test_author_date_citations_show_what_the_link_stage_found(tmp_path: Path) -> None:
    essay = tmp_path / "essay.md"
    essay.write_text(
        "# Rome\n\nPolybius wrote for Greeks (Sorek, 2012, 81). Livy did not (Popkin, 2016, 32).\n"
        "\n## Bibliography\n\n"
        "Sorek, Susan. 2012. *Ancient Historians: A Student Handbook*. London: Continuum.\n\n"
        "Popkins, Jeremy D. 2016. *From Herodotus to H-Net*. New York: Oxford.\n",
        encoding="utf-8",
    )
    tree = Tree(html_of(str(essay)))
    cites = tree.all("details", "cite")
    assert len(cites) == 2
    sorek, popkin = cites
    assert "st-ok" in (sorek["class"] or "")
    # 'Popkins' is not 'Popkin': the citation resolves to nothing, and CIT001 says so.
    assert "st-unresolved" in (popkin["class"] or "")
    assert "spelt differently" in tree.plain()


def test_keys_without_a_bibliography_say_why_they_were_not_checked(tmp_path: Path) -> None:
    essay = tmp_path / "paper.md"
    essay.write_text("---\nbibliography: missing.bib\n---\n\nAs shown [@knuth1984].\n")
    text = Tree(html_of(str(essay))).plain()
    assert "IO001" in text
    assert "No bibliography could be read for this document" in text


def test_every_real_manuscript_gets_a_sound_page_with_all_its_findings(tmp_path: Path) -> None:
    real = shared_path("corpus-real")
    out = tmp_path / "real"
    result = run_cli(["check", "--format", "html", "-o", str(out), str(real)], cwd=ROOT)
    assert result.exit_code == 1, result.output
    expected = json_of(str(real))
    index = Tree((out / "index.html").read_text(encoding="utf-8"))
    found = 0
    for name in [a["href"] or "" for a in index.all("a") if a.get("href")]:
        page = Tree((out / name).read_text(encoding="utf-8"))
        ids = [a["id"] or "" for _, a in page.tags if "id" in a]
        assert len(ids) == len(set(ids)), (name, [i for i in ids if ids.count(i) > 1][:5])
        for a in page.all("a"):
            assert lands(out, name, a.get("href") or ""), (name, a.get("href"))
        found += len([c for c in page.all("div", "finding") if c.get("id")])
        assert len(page.all("script")) == 1, name
    assert found == len(expected)


def test_a_bib_checked_beside_its_manuscript_shows_its_findings_on_both(tmp_path: Path) -> None:
    case = "corpus/cases/bib004-fires"
    text = Tree(html_of(case)).plain()
    assert "Findings in corpus/cases/bib004-fires/refs.bib ⚠ warning BIB004 line 13" in text
    out = tmp_path / "site"
    result = run_cli(["check", "--format", "html", "-o", str(out), case], cwd=ROOT)
    assert result.exit_code == 1, result.output
    paper = Tree((out / "corpus-cases-bib004-fires-paper.md.html").read_text("utf-8"))
    links = [a["href"] or "" for a in paper.all("a") if ".bib.html#" in (a["href"] or "")]
    assert links
    assert all(lands(out, "x", link) for link in links)


@pytest.mark.parametrize("output", [None, "report.html", "site"])
def test_a_run_that_finds_no_manuscript_says_so(tmp_path: Path, output: str | None) -> None:
    (tmp_path / "empty").mkdir()
    args = ["check", "--format", "html", str(tmp_path / "empty")]
    if output:
        args[3:3] = ["-o", str(tmp_path / output)]
    result = run_cli(args)
    assert result.exit_code == 0, result.output
    if output is None:
        page = result.stdout
    elif output == "site":
        page = (tmp_path / output / "index.html").read_text(encoding="utf-8")
    else:
        page = (tmp_path / output).read_text(encoding="utf-8")
    assert "No manuscript was found to check" in page
