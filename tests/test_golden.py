"""Every corpus case against its golden file of expected findings."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from tests.conftest import CORPUS, findings

MANUSCRIPT = {".md", ".txt", ".tex", ".bib", ".rst", ".adoc", ".Rmd", ".qmd", ".docx"}
CASES = sorted(p.parent for p in CORPUS.rglob("expected.txt"))


def render(case: Path) -> str:
    inputs = sorted(
        str(p.relative_to(case))
        for p in case.rglob("*")
        if p.is_file() and p.suffix in MANUSCRIPT and p.name != "expected.txt"
    )
    records = findings(inputs, cwd=case)
    lines = [
        f"{r['path'].removeprefix('./')}:{r['line']}:{r['column']}: {r['code']} {r['message']}"
        for r in records
    ]
    return "".join(f"{line}\n" for line in sorted(lines, key=_order))


def _order(line: str) -> tuple[str, int, int, str]:
    path, row, col, rest = line.split(":", 3)
    return path, int(row), int(col), rest


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(CORPUS)) for c in CASES])
def test_golden(case: Path) -> None:
    expected_file = case / "expected.txt"
    actual = render(case)
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(actual, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"{case.name}/expected.txt",
                "actual",
            )
        )
        pytest.fail(f"findings differ from the golden file:\n{diff}")


def test_every_case_has_a_golden_file() -> None:
    # Cases whose folder starts with these prefixes are read by their own unit tests.
    own_tests = ("bib-", "latex-", "pandoc-", "fix-", "audit-")
    cases = {
        p.relative_to(CORPUS / "cases").parts[0]
        for p in (CORPUS / "cases").rglob("*")
        if p.is_file()
    }
    missing = sorted(
        c
        for c in cases
        if not c.startswith(own_tests) and not (CORPUS / "cases" / c / "expected.txt").exists()
    )
    assert not missing, f"cases without expected.txt: {missing}"
