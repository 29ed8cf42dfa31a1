"""The source audit: CIT003 mismatches, CIT004 shifts, CIT005 overloaded numbers, and
CIT002's use of the audit, on small cases, the Lai essay, real text and the benchmark."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from citeaudit import engine
from citeaudit.config import Settings
from citeaudit.load import load
from citeaudit.model import Diagnostic, Document
from citeaudit.rules import all_rules

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "corpus" / "cases"
LAI = ROOT / "corpus" / "lai-2023" / "essay.md"
REAL_NUMERIC = ROOT.parent / "shared" / "corpus-real" / "numeric"
AUDIT = ("CIT003", "CIT004", "CIT005")


def check(path: Path, codes: tuple[str, ...] | None = None) -> list[Diagnostic]:
    doc = load(str(path))
    found = engine.check(doc, Settings(root=str(ROOT)), set(all_rules()))
    return [d for d in found if codes is None or d.code in codes]


def lines(found: list[Diagnostic], code: str) -> list[int]:
    return [d.span.line for d in found if d.code == code]


@pytest.mark.parametrize(
    ("case", "code", "expected_lines"),
    [
        ("cit003-fires", "CIT003", [4, 5]),
        ("cit003-clean", "CIT003", []),
        ("cit004-fires", "CIT004", [4]),
        ("cit004-fires", "CIT003", []),  # the shift reports its markers once
        ("cit003-clean", "CIT004", []),
        ("cit005-fires", "CIT005", [3]),
        ("cit003-clean", "CIT005", []),
        ("cit003-fires", "CIT005", []),
    ],
)
def test_cases(case: str, code: str, expected_lines: list[int]) -> None:
    assert lines(check(CASES / case / "essay.md"), code) == expected_lines


def test_mismatch_names_the_better_entry_and_evidence() -> None:
    (found,) = [d for d in check(CASES / "cit003-fires" / "essay.md") if d.span.line == 4]
    assert "Acheson" in found.message and "12 January" in found.message
    assert "entry [2]" in found.message
    assert found.related and found.related[0].span.line >= 10


def test_shift_diagnostic_has_an_unsafe_renumbering_fix() -> None:
    (found,) = check(CASES / "cit004-fires" / "essay.md", ("CIT004",))
    assert "[4]→[3], [5]→[4], [6]→[5], [7]→[6]" in found.message
    assert found.fix is not None and found.fix.applicability == "unsafe"
    text = (CASES / "cit004-fires" / "essay.md").read_text(encoding="utf-8")
    assert [text[e.start : e.end] for e in found.fix.edits] == ["4", "5", "6", "7"]
    assert [e.replacement for e in found.fix.edits] == ["3", "4", "5", "6"]


def test_unused_reference_counts_markers_the_shift_reassigns() -> None:
    found = check(CASES / "cit004-fires" / "essay.md", ("CIT002",))
    messages = {d.span.line: d.message for d in found}
    assert "never cited for what it is" in messages[17]  # [7]: its marker is [6]'s
    assert all(line in (12, 17) for line in messages)  # [3]..[6] are cited, shifted


# -- the Lai essay ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def lai() -> list[Diagnostic]:
    if not LAI.exists():
        pytest.skip("corpus/lai-2023/essay.md not present")
    return check(LAI)


@pytest.mark.parametrize(("marker", "target"), [("8", "7"), ("9", "8"), ("11", "10"), ("13", "11")])
def test_lai_drift_targets(lai: list[Diagnostic], marker: str, target: str) -> None:
    moves = " ".join(d.message for d in lai if d.code in ("CIT003", "CIT004"))
    assert f"[{marker}]→[{target}]" in moves


def test_lai_overloaded_15(lai: list[Diagnostic]) -> None:
    (found,) = [d for d in lai if d.code == "CIT005"]
    assert found.message.startswith("[15] is cited for 3 different documents")
    assert "29 September" in found.message and "19 October" in found.message


def test_lai_entry_14_never_really_cited(lai: list[Diagnostic]) -> None:
    assert any(d.code == "CIT002" and "entry [14]" in d.message for d in lai)


def test_lai_correct_citations_raise_nothing(lai: list[Diagnostic]) -> None:
    text = LAI.read_text(encoding="utf-8")
    for d in lai:
        if d.code in (*AUDIT, "SRC001") and d.span.start < text.index("# 3."):
            pytest.fail(f"finding on [1]-[3]: {d.message}")
    assert not [d for d in lai if d.code in AUDIT and d.context.startswith("[2]")]


def test_analysis_runs_once_per_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every audit rule reads the link stage's one analysis; none recomputes it."""
    from citeaudit import audit

    calls: list[str] = []
    real = audit.analyse_document

    def counting(doc: Document) -> audit.Analysis:
        calls.append(doc.path)
        return real(doc)

    monkeypatch.setattr(audit, "analyse_document", counting)
    doc = load(str(CASES / "cit004-fires" / "essay.md"))
    found = engine.check(doc, Settings(root="."), set(all_rules()))
    assert {d.code for d in found} >= {"CIT002", "CIT004"}
    assert calls == [doc.path]


# -- precision on real text -------------------------------------------------------------


def _real_numeric() -> list[Path]:
    if not REAL_NUMERIC.is_dir():
        return []
    return sorted(p for p in REAL_NUMERIC.iterdir() if not p.name.endswith(".source.txt"))


@pytest.mark.parametrize("path", _real_numeric(), ids=lambda p: p.name)
def test_no_audit_findings_on_real_numeric_documents(path: Path) -> None:
    assert check(path, AUDIT) == []


# -- the mutation benchmark on the copies in corpus/bench ------------------------------


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation", ROOT / "bench" / "mutation.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation"] = module
    spec.loader.exec_module(module)
    return module


def test_benchmark_slice() -> None:
    bench = _bench()
    result = bench.run((str(ROOT / "corpus" / "bench"),), None, 3, 7)
    assert result["documents"] >= 3
    for code in AUDIT:
        assert result["false_positives"].get(code, 0) == 0
    shift = result["hits"]["shift"]
    assert shift[3] > 0 and shift[2] / shift[3] >= 0.8  # where the sentence names its source
    for kind in ("missing", "unused", "quotation"):
        hit, n = result["hits"][kind][:2]
        assert n and hit / n >= 0.8
