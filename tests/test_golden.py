"""Every corpus case against its golden file of expected findings, and the catalogue of
cases: each registered rule has a case that raises it and a near miss that must not."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from pathlib import Path

import pytest

from citeaudit.rules import all_rules
from tests.conftest import CORPUS, findings

MANUSCRIPT = {".md", ".txt", ".tex", ".bib", ".rst", ".adoc", ".Rmd", ".qmd", ".docx"}
CASES_DIR = CORPUS / "cases"
# Every folder under corpus/cases is a case, with or without its golden file yet (so
# UPDATE_GOLDEN=1 writes the first one); elsewhere, a folder with a golden file is one.
CASES = sorted(
    {p.parent for p in CORPUS.rglob("expected.txt")}
    | {p for p in CASES_DIR.iterdir() if p.is_dir()}
)
# Codes that report a failure of citeaudit itself rather than anything a manuscript says:
# no document raises them on purpose, so instead of a -fires case, the named test makes
# them fire. Each still needs its -clean case.
RAISED_BY_A_TEST = {
    "ERR001": ("tests/test_rules_table.py", "test_a_crashing_rule_is_reported_as_err001"),
}
# A golden line is `path:line:column: CODE message`.
GOLDEN_CODE = re.compile(r"^[^\n]*?:\d+:\d+: ([A-Z]+[0-9]+) ", re.MULTILINE)


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
    if not expected_file.is_file():
        pytest.fail(f"{expected_file.relative_to(CORPUS)} is missing (run UPDATE_GOLDEN=1)")
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
    # No exemptions: a case read by a unit test is still a case, and its findings are
    # pinned here too, so a change to them is seen in review.
    folders = sorted(p for p in CASES_DIR.iterdir() if p.is_dir())
    assert folders, f"no cases under {CASES_DIR}"
    missing = [p.name for p in folders if not (p / "expected.txt").is_file()]
    assert not missing, f"cases without expected.txt (run UPDATE_GOLDEN=1): {missing}"


def golden_codes(case: Path) -> set[str]:
    return set(GOLDEN_CODE.findall((case / "expected.txt").read_text(encoding="utf-8")))


def test_golden_code_pattern_reads_a_golden_line() -> None:
    # Guards the catalogue test below against a pattern that matches nothing.
    line = "essay.md:4:6: SRC001 [2] cites a source of 1947 for events of 1949\n"
    assert GOLDEN_CODE.findall(line + "refs.bib:1:1: IO001 file is empty\n") == [
        "SRC001",
        "IO001",
    ]


def runs_in(case: Path, code: str, default_enabled: bool) -> bool:
    """Whether the case folder's own config leaves `code` selected: the more specific of
    `select`/`extend-select` and `ignore` wins, and on a tie `ignore` does."""
    config: dict[str, list[str]] = {}
    for name in ("citeaudit.toml", ".citeaudit.toml"):
        if (case / name).is_file():
            config = tomllib.loads((case / name).read_text(encoding="utf-8"))
    select = config.get("select")

    def longest(prefixes: list[str]) -> int:
        return max((len(p) for p in prefixes if code.startswith(p)), default=-1)

    chosen = longest((select or []) + config.get("extend-select", []))
    if select is None and default_enabled:
        chosen = max(chosen, 0)
    return chosen > longest(config.get("ignore", []))


def test_runs_in_reads_a_case_config(tmp_path: Path) -> None:
    assert runs_in(tmp_path, "CIT006", True) and not runs_in(tmp_path, "CIT006", False)
    (tmp_path / "citeaudit.toml").write_text('select = ["SRC"]\nignore = ["SRC004"]\n')
    assert runs_in(tmp_path, "SRC005", False) and not runs_in(tmp_path, "SRC004", True)
    assert not runs_in(tmp_path, "CIT001", True)


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_every_rule_has_a_fires_and_a_clean_case(code: str) -> None:
    rule = all_rules()[code]
    hint = (
        "" if rule.default_enabled else f" ({code} is off by default: select it in citeaudit.toml)"
    )
    fires = CASES_DIR / f"{code.lower()}-fires"
    clean = CASES_DIR / f"{code.lower()}-clean"
    assert (clean / "expected.txt").is_file(), f"{clean.relative_to(CORPUS)} is missing"
    if code in RAISED_BY_A_TEST and not fires.exists():
        path, name = RAISED_BY_A_TEST[code]
        source = (CORPUS.parent / path).read_text(encoding="utf-8")
        assert f"def {name}(" in source, f"{code}: {path} has no test {name}"
    else:
        assert (fires / "expected.txt").is_file(), f"{fires.relative_to(CORPUS)} is missing"
        assert code in golden_codes(fires), f"{fires.name}/expected.txt never reports {code}{hint}"
    assert code not in golden_codes(clean), f"{clean.name}/expected.txt reports {code}"
    # A near miss proves nothing if the rule never ran on it.
    assert runs_in(clean, code, rule.default_enabled), f"{clean.name} does not select {code}{hint}"


def test_every_code_named_case_names_a_registered_rule() -> None:
    # A typo in a folder name (`ref06-fires`) would leave a rule's real case missing and
    # this one unchecked.
    codes = {code.lower() for code in all_rules()}
    stray = sorted(
        p.name
        for p in CASES_DIR.iterdir()
        if (m := re.fullmatch(r"([a-z]+[0-9]+)-(?:fires|clean)", p.name)) and m[1] not in codes
    )
    assert not stray, f"cases named after no registered rule: {stray}"
