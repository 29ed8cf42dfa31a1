"""The engine's stages: link once, filter in one place, --jobs, the cache, crashes, API."""

from __future__ import annotations

import doctest
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from citeaudit import api
from citeaudit import filter as filters
from citeaudit.rules import all_rules
from tests.conftest import CORPUS, run_cli

LAI = CORPUS / "lai-2023" / "essay.md"


def _json(args: list[str], cwd: Path | None = None) -> list[dict[str, object]]:
    result = run_cli(["check", "--format", "json", *args], cwd=cwd)
    assert result.exit_code in (0, 1), result.output
    records: list[dict[str, object]] = json.loads(result.stdout)
    return records


@pytest.fixture
def essays(tmp_path: Path) -> Path:
    folder = tmp_path / "essays"
    folder.mkdir()
    text = LAI.read_text(encoding="utf-8")
    for i in range(12):
        (folder / f"essay{i:02}.md").write_text(text, encoding="utf-8")
    (folder / "clean.md").write_text("Nothing cited here.\n", encoding="utf-8")
    return folder


def test_jobs_do_not_change_the_output(essays: Path) -> None:
    one = run_cli(["check", "--no-cache", "--jobs", "1", str(essays)])
    two = run_cli(["check", "--no-cache", "--jobs", "2", str(essays)])
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    assert one.stdout.count("REF001") == 12


def test_the_cache_gives_the_same_findings_and_notices_a_bibliography_change(
    tmp_path: Path,
) -> None:
    (tmp_path / "paper.md").write_text(
        "---\nbibliography: refs.bib\n---\nAs shown [@kim2019; @lee2020].\n", encoding="utf-8"
    )
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@book{kim2019, title={A}, author={Kim, A}, publisher={P}, year={2019}}\n", "utf-8"
    )
    cache = tmp_path / "cache"
    args = ["--cache-dir", str(cache), "paper.md"]
    first = _json(args, cwd=tmp_path)
    assert [r["code"] for r in first] == ["CIT001"]
    assert any(cache.rglob("*")), "the first run fills the cache"
    assert _json(args, cwd=tmp_path) == first
    # The bibliography is not the checked file, but the cache must notice it changed.
    bib.write_text(
        bib.read_text("utf-8")
        + "@book{lee2020, title={B}, author={Lee, B}, publisher={P}, year={2020}}\n",
        "utf-8",
    )
    assert [r["code"] for r in _json(args, cwd=tmp_path)] == []


def test_a_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "essay.md").write_text(LAI.read_text("utf-8"), "utf-8")
    cache = tmp_path / "cache"
    args = ["--cache-dir", str(cache), "essay.md"]
    first = _json(args, cwd=tmp_path)
    entries = [p for p in cache.rglob("*") if p.is_file() and p.parent.parent == cache]
    assert entries
    for entry in entries:
        entry.write_bytes(b"\x00{not json")
    assert _json(args, cwd=tmp_path) == first


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "essay.md").write_text("A sentence [1].\n\n## References\n\n1. A.\n", "utf-8")
    run_cli(["check", "--no-cache", "essay.md"], cwd=tmp_path)
    assert not (tmp_path / ".citeaudit_cache").exists()


def test_the_default_cache_lives_in_the_project_and_ignores_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CITEAUDIT_CACHE_DIR", raising=False)
    (tmp_path / "citeaudit.toml").write_text("", "utf-8")
    (tmp_path / "essay.md").write_text("A sentence [1].\n\n## References\n\n1. A.\n", "utf-8")
    run_cli(["check", "essay.md"], cwd=tmp_path)
    folder = tmp_path / ".citeaudit_cache"
    assert (folder / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").exists()


def test_a_crashing_rule_costs_only_its_own_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citeaudit import rules

    def broken(doc: object, ctx: object) -> list[object]:
        raise ValueError("Invalid IPv6 URL")

    rule = all_rules()["REF006"]
    monkeypatch.setitem(rules._REGISTRY, "REF006", type(rule)(**{**rule.__dict__, "check": broken}))
    (tmp_path / "a.md").write_text(LAI.read_text("utf-8"), "utf-8")
    result = run_cli(["check", "--no-cache", "--format", "json", "a.md"], cwd=tmp_path)
    assert result.exit_code == filters.EXIT_ERROR
    codes = [r["code"] for r in json.loads(result.stdout)]
    assert "ERR001" in codes and "REF001" in codes  # the other rules still reported
    crash = next(r for r in json.loads(result.stdout) if r["code"] == "ERR001")
    assert "rule REF006" in crash["message"] and "not fully checked" in crash["message"]


def test_a_severity_override_reaches_sup001(tmp_path: Path) -> None:
    (tmp_path / "citeaudit.toml").write_text('[severity]\nSUP001 = "error"\n', "utf-8")
    (tmp_path / "a.md").write_text("<!-- citeaudit: ignore CIT001 -->\nFine.\n", "utf-8")
    records = _json(["a.md"], cwd=tmp_path)
    assert [(r["code"], r["severity"]) for r in records] == [("SUP001", "error")]


def test_select_runs_only_what_is_selected_but_never_hides_a_crash() -> None:
    settings = __import__("citeaudit.config", fromlist=["Settings"]).Settings(select=("CIT002",))
    defaults = {code: r.default_enabled for code, r in all_rules().items()}
    assert filters.enabled_codes(settings, "a.md", defaults) == {"CIT002", "ERR001"}


def test_the_api_checks_text_and_paths_like_the_cli(tmp_path: Path) -> None:
    failures, _ = doctest.testmod(api)
    assert failures == 0
    records = api.check_paths([LAI])
    assert records == _json(["--no-cache", str(LAI)])
    from_text = api.check_text(LAI.read_text("utf-8"), "essay.md")
    assert [r["code"] for r in from_text] == [r["code"] for r in records]


@pytest.mark.parametrize("source", ["cached", "fresh"])
def test_a_one_file_run_imports_nothing_heavy(tmp_path: Path, source: str) -> None:
    """A pre-commit hook starts once per commit: it must not pay for what it does not use."""
    (tmp_path / "essay.md").write_text(LAI.read_text("utf-8"), "utf-8")
    env = {**os.environ, "CITEAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-X", "importtime", "-m", "citeaudit", "check", "essay.md"]
    runs = 2 if source == "cached" else 1
    for _ in range(runs):
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    heavy = {"jsonschema", "bibtexparser", "jinja2", "docx", "xml.etree.ElementTree"}
    heavy |= {f"citeaudit.report.{name}" for name in ("sarif", "junit", "gitlab", "github")}
    assert not heavy & imported
    if source == "cached":
        assert "numpy" not in imported and "citeaudit.audit" not in imported


def test_links_survive_the_trip_back_from_a_worker() -> None:
    """--jobs sends documents back by pickling: the links must still find their entries."""
    import pickle

    from citeaudit.link import link
    from citeaudit.load import load

    doc = load(str(LAI))
    link(doc)
    copy = pickle.loads(pickle.dumps(doc))
    assert copy.links is not None
    entry = next(e for e in copy.entries if e.label == "1")
    assert copy.links.citing(entry)
    citation = copy.citations[0]
    assert copy.links.of_citation(citation)


def test_parsing_names_nothing_the_engine_names_problems() -> None:
    """Adapters return plain problems; only the engine looks up a rule's name and
    severity, so loading a document loads no rule module."""
    code = (
        "import sys\n"
        "from citeaudit.load import load\n"
        f"doc = load({str(CORPUS / 'cases' / 'bib001-fires' / 'refs.bib')!r})\n"
        "assert doc.problems and all(not hasattr(p, 'rule') for p in doc.problems)\n"
        "print(sorted(m for m in sys.modules if m.startswith('citeaudit.rules')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
