"""The streamed report (issue 7: flat peak memory): each file's findings are reported as
its result arrives and let go, and the output is byte for byte what the whole-run
renderers write, for every streamed format."""

from __future__ import annotations

import dataclasses
import random
import shutil
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from citeaudit import run as run_module
from citeaudit.model import Diagnostic, Edit, Fix, LineIndex, Related, Span
from citeaudit.pipeline import FileResult, pack
from citeaudit.report import ReportOptions, open_stream, renderer, spool
from citeaudit.report.spool import DiskStore, ExternalSort, PackedSources, PickledObjects
from citeaudit.rules import all_rules
from tests.conftest import CORPUS, run_cli

FORMATS = ["text", "json", "json-lines", "gitlab", "github", "sarif", "junit"]

BIB = (
    "@book{smith2020, author = {Smith, Anna}, title = {Streets}, publisher = {P}, year = 2020}\n"
    "@book{petrie1899, author = {Petrie, F}, title = {Sequences}, publisher = {P}, year = 1899}\n"
    "@book{unused2001, author = {U, A}, title = {U}, publisher = {P}, year = 2001}\n"
    "@article{noj2003, author = {N, O}, title = {No journal}, year = 2003}\n"
)
BODY = "Renaming streets is cheap [@smith2020], as @petrie1899---and others saw [@nokey].\n"


def _folder(root: Path, copies: int = 12) -> Path:
    """Manuscripts of every kind the run-wide steps treat apart: copies of the Lai
    essay, two manuscripts sharing a .bib (its uncited entry is nobody's, its BIB003 is
    reported by both and shown once), one with a .bib of its own (held to the end of the
    run), a LaTeX project whose sections are checked too, a Word file and a suppression."""
    lai = (CORPUS / "lai-2023" / "essay.md").read_text(encoding="utf-8")
    for i in range(copies):
        (root / "lai" / f"essay-{i:02d}.md").parent.mkdir(parents=True, exist_ok=True)
        (root / "lai" / f"essay-{i:02d}.md").write_text(lai, encoding="utf-8")
    shared = root / "shared"
    shared.mkdir()
    head = "---\nbibliography: refs.bib\n---\n\n"
    (shared / "one.md").write_text(head + BODY)
    (shared / "two.md").write_text(head + BODY + "\n<!-- citeaudit: ignore CIT999 -->\n")
    (shared / "refs.bib").write_text(BIB)
    (shared / "three.md").write_text("---\nbibliography: own.bib\n---\n\n" + BODY)
    (shared / "own.bib").write_text(BIB)
    shutil.copytree(CORPUS / "cases" / "latex-multifile" / "latex", root / "latex")
    # A Word file: its lines are named as paragraphs (places), kept on disk too.
    shutil.copy(CORPUS / "docx" / "lai-2023.docx", root / "lai" / "lai-2023.docx")
    return root


# -- the streams against the renderers ---------------------------------------------------


def _results(folder: Path) -> list[FileResult]:
    from citeaudit.discover import manuscripts
    from citeaudit.parallel import check_many
    from citeaudit.run import Configs, Options, task_for

    configs = Configs(Options(isolated=True))
    paths = [str(folder / "latex" / "sections" / "intro.tex"), *manuscripts([str(folder)])]
    tasks = [task_for(p, None, configs, keep=False) for p in paths]
    return check_many(tasks, jobs=1, cache_root=None)


def _awkward(path: str, text: str) -> list[Diagnostic]:
    """Findings the checks seldom make: an unknown code, a fix past a one-line span, a
    related location in another file, identical findings and a path with a `./`."""
    lines = LineIndex(text)
    span = lines.span(3, 40)
    fix = Fix("Rewrite", (Edit(2, 50, "x"), Edit(60, 61, "")), "unsafe")
    related = (Related("other.bib", Span(0, 1, 1, 1, 1, 2), "see here"),)
    odd = Diagnostic(path, span, "XYZ001", "parse-error", "error", "odd\r\n100%", fix, related, "c")
    return [odd, odd, dataclasses.replace(odd, path="./" + path, severity="info")]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[FileResult], PackedSources]:
    results = _results(_folder(tmp_path_factory.mktemp("many")))
    first = results[1]
    assert first.packed is not None
    extra = _awkward(first.path, zlib.decompress(first.packed).decode("utf-8"))
    results.append(FileResult(path="./" + first.path, diagnostics=extra))
    sources = PackedSources(DiskStore())
    for result in results:
        if result.packed is not None:
            sources.add(result.path, result.packed)
    sources.add("./" + first.path, first.packed)
    return results, sources


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("flags", [{}, {"quiet": True}, {"statistics": True}])
def test_a_stream_writes_what_render_returns(
    name: str,
    flags: dict[str, bool],
    checked: tuple[list[FileResult], PackedSources],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small sorted runs, so the external sort merges many of them.
    monkeypatch.setattr(spool, "CHUNK", 7)
    results, sources = checked
    options = ReportOptions(
        rules=all_rules(),
        sources=sources,
        files_checked=[r.path for r in results],
        **flags,  # type: ignore[arg-type]
    )
    everything = [d for r in results for d in r.diagnostics]
    assert len(everything) > 3 * 7, "enough findings for several sorted runs"
    written: list[str] = []
    stream = open_stream(name, options, written.append)
    assert stream is not None
    for result in results:
        stream.add(result.diagnostics)
    stream.finish()
    assert "".join(written) == renderer(name)(everything, options)
    assert stream.tally.total == len(everything)


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("files", [[], ["a.md", "b.md"]])
def test_a_stream_without_findings(name: str, files: list[str]) -> None:
    options = ReportOptions(rules=all_rules(), files_checked=files)
    written: list[str] = []
    stream = open_stream(name, options, written.append)
    assert stream is not None
    stream.finish()
    assert "".join(written) == renderer(name)([], options)


def test_the_external_sort_is_stable_sorted() -> None:
    rng = random.Random(7)
    items = [(rng.randrange(20), i) for i in range(500)]
    for chunk in (1, 3, 64, 1000):
        sorter: ExternalSort[tuple[int, int]] = ExternalSort(lambda item: item[0], chunk)
        sorter.extend(items)
        # Equal keys keep their order of arrival, as sorted() keeps it.
        assert list(sorter) == sorted(items, key=lambda item: item[0])
        sorter.close()


def test_packed_sources_give_the_last_text_of_a_path() -> None:
    sources = PackedSources(DiskStore())
    sources.add("a.md", pack("first\n"))
    assert sources["a.md"] == "first\n"
    sources.add("b.md", pack("b\n"))
    sources.add("a.md", pack("second\n"))
    assert (sources["a.md"], sources["b.md"], sources.get("c.md")) == ("second\n", "b\n", None)
    assert sorted(sources) == ["a.md", "b.md"]


# -- the run-wide steps, result by result ----------------------------------------------


def _diag(path: str, code: str = "CIT001", line: int = 1) -> Diagnostic:
    span = Span(line, line + 1, line, 1, line, 2)
    return Diagnostic(path, span, code, "rule", "warning", f"{code} on {line}", None, (), "")


def _run_wide(paths: Sequence[str]) -> tuple[run_module.RunWide, list[list[Diagnostic]]]:
    emitted: list[list[Diagnostic]] = []
    configs = run_module.Configs(run_module.Options(isolated=True))
    sources = PackedSources(DiskStore())
    places: PickledObjects[Any] = PickledObjects(DiskStore())
    stage = run_module.RunWide(paths, configs, sources, places, emitted.append)
    return stage, emitted


def test_a_result_is_passed_on_when_it_arrives() -> None:
    stage, emitted = _run_wide(["a.md", "b.md"])
    stage.arrive(FileResult("a.md", [_diag("a.md")], packed=pack("a\n")))
    assert emitted == [[_diag("a.md")]]
    stage.arrive(FileResult("b.md", [_diag("b.md")], packed=pack("b\n")))
    assert len(emitted) == 2


def test_findings_in_a_file_checked_later_wait_for_its_text() -> None:
    stage, emitted = _run_wide(["a.md", "refs.bib", "c.md"])
    stage.arrive(FileResult("a.md", [_diag("a.md"), _diag("refs.bib", "BIB003")]))
    assert emitted == []
    stage.arrive(FileResult("refs.bib", [_diag("refs.bib", "BIB003"), _diag("refs.bib", line=2)]))
    # The finding both report is shown once, with the first.
    assert emitted == [[_diag("a.md"), _diag("refs.bib", "BIB003")], [_diag("refs.bib", line=2)]]
    stage.arrive(FileResult("c.md", [_diag("c.md")]))
    assert len(emitted) == 3


def test_an_uncited_entry_of_a_bib_waits_for_the_end_of_the_run(tmp_path: Path) -> None:
    bib = str(tmp_path / "refs.bib")
    stage, emitted = _run_wide(["one.md", "two.md", "three.md"])
    uncited = _diag(bib, "CIT002")
    stage.arrive(FileResult("one.md", [_diag("one.md"), uncited], bibliographies=[bib]))
    stage.arrive(FileResult("two.md", [_diag("two.md")]))
    assert emitted == []
    stage.arrive(FileResult("three.md", [_diag("three.md"), uncited], bibliographies=[bib]))
    stage.finish()
    # Shared by two manuscripts: nobody's own, so neither reports it.
    assert emitted == [[_diag("one.md")], [_diag("two.md")], [_diag("three.md")]]
    stage.close()


def test_findings_of_a_file_checked_twice_are_shown_once() -> None:
    stage, emitted = _run_wide(["a.md", "b.md", "a.md"])
    stage.arrive(FileResult("a.md", [_diag("a.md")]))
    stage.arrive(FileResult("b.md", [_diag("b.md")]))
    assert emitted == []  # a.md's text may yet change: it is checked again
    stage.arrive(FileResult("a.md", [_diag("a.md"), _diag("a.md", line=3)]))
    assert emitted == [[_diag("a.md")], [_diag("b.md")], [_diag("a.md", line=3)]]


def test_dedupe_keys_survive_the_disk() -> None:
    keys = {
        ("a.md", 0, 12, "CIT001", "3:x: [1] has no entry\nline two"),
        ("dir:with:colons/b.md", 10, 5, "X", ""),
        ("c.md", 1, 2, "Y", "surrogate \udcff and 12:34"),
    }
    assert run_module._decode_keys(run_module._encode_keys(keys)) == keys
    assert run_module._decode_keys(run_module._encode_keys(set())) == set()


# -- the command line: streamed against gathered ----------------------------------------


def _cli(args: list[str], cwd: Path) -> tuple[int, str]:
    result = run_cli(["check", "--no-cache", *args], cwd=cwd)
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _folder(tmp_path_factory.mktemp("cli"), copies=8)


# Named out of order, one twice and once as ./: the sorted formats must sort.
SHUFFLED = ["shared/two.md", "lai", "./shared/one.md", "latex", "shared/one.md", "shared/three.md"]
CASES = [
    *((name, ["."]) for name in FORMATS),
    *((name, SHUFFLED) for name in FORMATS),
    ("text", ["--quiet", "--jobs", "2", "."]),
    ("text", ["--statistics", "."]),
    ("json", ["--select", "CIT002,BIB", "--exit-zero", "."]),
    ("sarif", ["--jobs", "1", "lai", "latex"]),
]


@pytest.mark.parametrize(("name", "args"), CASES)
def test_the_streamed_run_prints_what_the_gathered_run_prints(
    name: str, args: list[str], many: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    streamed = _cli(["--format", name, *args], many)
    monkeypatch.setattr(run_module, "STREAMED_FORMATS", frozenset())
    gathered = _cli(["--format", name, *args], many)
    assert streamed == gathered
    assert streamed[0] in (0, 1)


def test_a_streamed_report_to_a_file_is_the_gathered_one(
    many: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    streamed, gathered = tmp_path / "streamed" / "report.sarif", tmp_path / "gathered.sarif"
    assert _cli(["--format", "sarif", "--output", str(streamed), "."], many) == (1, "")
    monkeypatch.setattr(run_module, "STREAMED_FORMATS", frozenset())
    assert _cli(["--format", "sarif", "--output", str(gathered), "."], many) == (1, "")
    assert streamed.read_bytes() == gathered.read_bytes()


def test_a_reader_that_goes_away_ends_nothing_but_the_output(tmp_path: Path) -> None:
    """`citeaudit check folder | head -1`: no internal error, the exit code of the run."""
    import subprocess
    import sys

    lai = (CORPUS / "lai-2023" / "essay.md").read_bytes()
    for i in range(40):  # far more output than a pipe holds
        (tmp_path / f"essay-{i:02d}.md").write_bytes(lai)
    command = [sys.executable, "-m", "citeaudit", "check", "--no-cache", str(tmp_path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(str(tmp_path).encode())
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert errors == ""
