"""The HTML report of a run without fixes reads each document back from disk when it
writes its page: the output is the page the whole run's documents in memory give, and
the main process never holds more than one document at a time."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Any

import pytest

from citeaudit import filter as filters
from citeaudit.model import Diagnostic, Document
from citeaudit.pipeline import check_file
from citeaudit.report import ReportOptions, spool
from citeaudit.report import html as report_html
from citeaudit.report.views import PageView
from citeaudit.rules import all_rules
from citeaudit.run import Configs, Options, _own_uncited_only, _shared_bibliographies, task_for
from tests.conftest import ROOT, run_cli

CASES = ROOT / "corpus" / "cases"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two manuscripts sharing a .bib that is checked too, one with its own .bib beside
    it, a LaTeX file with its .bib, a Word file and a copy of the Lai essay."""
    root = tmp_path / "run"
    root.mkdir()
    for name in ("a.md", "b.md"):
        shutil.copy(CASES / "bib001-fires" / "paper.md", root / name)
    shutil.copy(CASES / "bib001-fires" / "refs.bib", root / "refs.bib")
    shutil.copy(CASES / "cit010-clean" / "paper.md", root / "own.md")
    shutil.copy(CASES / "cit010-clean" / "paper.bib", root / "paper.bib")
    shutil.copy(CASES / "latex-natbib-excerpt" / "main.tex", root / "main.tex")
    shutil.copy(CASES / "latex-natbib-excerpt" / "REF.bib", root / "REF.bib")
    shutil.copy(ROOT / "corpus" / "docx" / "lai-2023.docx", root / "lai.docx")
    shutil.copy(ROOT / "corpus" / "lai-2023" / "essay.md", root / "essay.md")
    return root


def gathered(folder: Path) -> tuple[list[Diagnostic], ReportOptions]:
    """The run's findings and every document in memory, as a run with fixes has them."""
    paths = sorted(str(p.relative_to(folder)) for p in folder.iterdir())
    configs = Configs(Options(paths=(".",)))
    results = [check_file(task_for(p, None, configs, keep=True)) for p in paths]
    found = [d for r in results for d in r.diagnostics]
    found = filters.dedupe(_own_uncited_only(found, _shared_bibliographies(results), configs))
    docs = {r.path: r.document for r in results if r.document is not None}
    return found, ReportOptions(rules=all_rules(), files_checked=paths, documents=docs)


def one_page(pages: list[PageView], options: ReportOptions) -> str:
    """The one-page report rendered from every page at once."""
    rows = [report_html.Row(p, f"#{p.prefix}top") for p in pages]
    return report_html._page(f"{len(pages)} manuscripts", pages, rows, options, back=None)


def test_the_streamed_one_page_report_is_the_one_rendered_from_every_page(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    found, options = gathered(folder)
    pages = report_html.build_pages(found, options, combined=True)
    expected = one_page(pages, options)
    # The .bib's findings are linked from the copies of its entries in a.md and b.md.
    assert expected.count("Findings in refs.bib") == 2
    result = run_cli(["check", "--no-cache", "--format", "html", "--jobs", "2", "."])
    assert result.exit_code == 1, result.output
    assert result.stdout == expected
    # Through a temporary file rather than memory, too.
    monkeypatch.setattr(spool, "IN_MEMORY", 0)
    run_cli(["check", "--no-cache", "--format", "html", "-o", "out/report.html", "."])
    assert (folder / "out" / "report.html").read_text(encoding="utf-8") == expected
    assert report_html.render(found, options) == expected


def test_the_streamed_folder_report_is_the_one_rendered_from_every_page(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    found, options = gathered(folder)
    pages = report_html.build_pages(found, options, combined=False)
    names = report_html.page_names([p.path for p in pages])
    expected = {
        names[p.path]: report_html._page(p.path, [p], [], options, back="index.html") for p in pages
    }
    rows = [report_html.Row(p, names[p.path]) for p in pages]
    heading = f"{len(pages)} manuscripts"
    expected["index.html"] = report_html._page(heading, [], rows, options, back=None)
    assert any("Findings in refs.bib" in page for page in expected.values())
    result = run_cli(["check", "--no-cache", "--format", "html", "-o", "../site/", "."])
    assert result.exit_code == 1, result.output
    site = folder.parent / "site"
    written = {p.name: p.read_text(encoding="utf-8") for p in site.iterdir()}
    assert sorted(written) == sorted(expected)
    for name, page in expected.items():
        assert written[name] == page, name


def test_a_run_over_many_files_holds_one_document_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(12):
        shutil.copy(ROOT / "corpus" / "lai-2023" / "essay.md", tmp_path / f"essay{n:02}.md")
    alive: list[int] = []
    annotate = report_html.annotate

    def counting(doc: Document, *args: Any, **kwargs: Any) -> PageView:
        gc.collect()
        alive.append(sum(isinstance(o, Document) for o in gc.get_objects()))
        return annotate(doc, *args, **kwargs)

    monkeypatch.setattr(report_html, "annotate", counting)
    for output in ("report.html", "site/"):
        alive.clear()
        result = run_cli(
            ["check", "--no-cache", "--jobs", "1", "--format", "html", "-o", output, "."],
            cwd=tmp_path,
        )
        assert result.exit_code == 1, result.output
        # One page each (none is a .bib another links to), each with only its document.
        assert len(alive) == 12
        assert max(alive) == 1, alive


def test_a_baseline_run_gives_the_same_report_as_without(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--write-baseline gathers the run's findings first (the filters need them all)."""
    monkeypatch.chdir(folder)
    plain = run_cli(["check", "--no-cache", "--format", "html", "."])
    recorded = run_cli(
        ["check", "--no-cache", "--format", "html", "--write-baseline", "../base.json", "."]
    )
    assert recorded.exit_code == 0, recorded.output
    assert recorded.stdout == plain.stdout
    # With the baseline, nothing is new: every page has no findings.
    again = run_cli(["check", "--no-cache", "--format", "html", "--baseline", "../base.json", "."])
    assert again.exit_code == 0, again.output
    assert "0 errors" in again.stdout and "in 0 of" in again.stdout
