"""The command line as a user meets it: exit codes, options, formats, bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from citeaudit import __version__
from tests.conftest import CORPUS, ROOT, findings, run_cli

LAI = CORPUS / "lai-2023" / "essay.md"
KIM = CORPUS / "kim-2019" / "page.txt"
SCHEMA = json.loads((ROOT / "lint" / "schemas" / "diagnostics.schema.json").read_text())


def codes(records: list[dict[str, object]]) -> list[str]:
    return sorted({str(r["code"]) for r in records})


def test_lai_exits_1_and_reports_the_known_defects() -> None:
    result = run_cli(["check", str(LAI)])
    assert result.exit_code == 1
    assert re.search(
        r"essay\.md:58:4: REF001 entry \[6\] lists the same work as \[1\]; .*year 1993 in \[1\], 1947 in \[6\]",
        result.output,
    )
    assert "Found " in result.output.splitlines()[-1]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_lai_as_md_and_as_original_txt_agree(tmp_path: Path, suffix: str) -> None:
    copy = tmp_path / f"lai{suffix}"
    copy.write_bytes(LAI.read_bytes())
    records = findings([str(copy)])
    assert {"REF001", "REF004"} <= set(codes(records))
    # Nothing on the title block, the copyright line or the editorial brackets.
    assert not [
        r for r in records if r["line"] in (3, 5, 19, 33) and r["code"] in ("CIT001", "CIT007")
    ]


def test_kim_page_prints_only_the_summary() -> None:
    result = run_cli(["check", str(KIM)])
    assert result.exit_code == 0
    assert result.output == "All checks passed (1 file).\n"


def test_json_output_matches_the_shipped_schema() -> None:
    result = run_cli(
        ["check", "--format", "json", str(LAI), str(CORPUS / "cases" / "numbered-fires")]
    )
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert len(data) > 5
    assert all(set(r) == set(SCHEMA["$defs"]["diagnostic"]["required"]) for r in data)


def test_version() -> None:
    result = run_cli(["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize(
    ("args", "present", "absent"),
    [
        (["--select", "REF"], {"REF001", "REF002", "REF003"}, {"CIT002", "CIT006"}),
        (["--ignore", "REF"], {"CIT002", "CIT006"}, {"REF001", "REF002"}),
        (
            ["--ignore", "REF", "--extend-select", "REF002"],
            {"REF002", "CIT002"},
            {"REF001", "REF003"},
        ),
        (["--select", "CIT002,REF002"], {"CIT002", "REF002"}, {"CIT006", "REF001"}),
        (["--select", "REF", "--ignore", "REF00"], set(), {"REF001", "REF002", "REF003"}),
        (["--select", "REF00", "--ignore", "REF"], {"REF001", "REF002"}, {"CIT002"}),
    ],
)
def test_selection_by_prefix(args: list[str], present: set[str], absent: set[str]) -> None:
    found = set(
        codes(
            findings(["--isolated", *args, str(CORPUS / "cases" / "numbered-fires" / "draft.md")])
        )
    )
    assert present <= found
    assert not (absent & found)


def test_unknown_selector_is_a_usage_error() -> None:
    result = run_cli(["check", "--select", "XYZ", str(KIM)])
    assert result.exit_code == 2
    assert "'XYZ' matches no rule code" in result.output


def test_exit_zero_and_statistics() -> None:
    result = run_cli(
        [
            "check",
            "--exit-zero",
            "--statistics",
            "--quiet",
            str(CORPUS / "cases" / "numbered-fires" / "draft.md"),
        ]
    )
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any(re.fullmatch(r"3\tCIT002\tunused-reference", line) for line in lines), lines
    assert not any(line.startswith("draft.md") for line in lines)


def test_stdin_with_a_filename() -> None:
    result = run_cli(["check", "--stdin-filename", "lai.md", "-"], stdin=LAI.read_bytes())
    assert result.exit_code == 1
    assert "lai.md:58:4: REF001" in result.output


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = run_cli(["check", "--format", "json", "--output", str(target), str(LAI)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads(target.read_text())[0]["path"].endswith("essay.md")


def test_missing_path_is_exit_2() -> None:
    result = run_cli(["check", "no/such/file.md"])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


def test_color_only_when_asked() -> None:
    plain = run_cli(["check", "--no-color", str(LAI)]).output
    colored = run_cli(["check", "--color", str(LAI)]).output
    assert "\x1b[" not in plain and "\x1b[" in colored


def test_text_format_shows_source_and_caret() -> None:
    lines = run_cli(["check", "--select", "REF004", str(LAI)]).output.splitlines()
    at = next(i for i, line in enumerate(lines) if "REF004" in line)
    assert lines[at + 2].startswith("58 | - [6] NYT, Stueck, William. (1947)")
    caret = lines[at + 3]
    assert caret.index("^") == lines[at + 2].index("1947") and caret.count("^") == 4


def test_rule_doc_and_rule_table() -> None:
    doc = run_cli(["rule", "REF001"])
    assert doc.exit_code == 0
    for section in ("## What it does", "## Why is this bad?", "## Example", "title-threshold"):
        assert section in doc.output
    assert run_cli(["rule", "NOPE1"]).exit_code == 2
    table = run_cli(["rules"]).output
    assert re.search(r"^CIT001 .* undefined-citation +error ", table, re.M)


def test_folder_walk_skips_default_excludes(tmp_path: Path) -> None:
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.md").write_text(
        "Cited [9].\n\n## References\n\n1. A, B. *Title of a book*. 2001.\n"
    )
    (tmp_path / "ok.md").write_text("Clean text.\n")
    result = run_cli(["check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "(1 file)" in result.output


def test_sarif_of_the_lai_essay_validates_against_the_official_schema() -> None:
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    result = run_cli(["check", "--format", "sarif", str(LAI)])
    log = json.loads(result.stdout)
    validator = jsonschema.validators.validator_for(schema)(schema)
    validator.validate(log)
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    fired = {r["ruleId"] for r in run["results"]}
    assert fired == {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {"CIT004", "CIT005", "REF001"} <= fired


def test_junit_and_gitlab_of_a_real_run() -> None:
    import xml.etree.ElementTree as ET

    junit = ET.fromstring(run_cli(["check", "--format", "junit", str(LAI), str(KIM)]).stdout)
    suites = {s.get("name"): int(s.get("failures") or 0) for s in junit.iter("testsuite")}
    assert suites[str(KIM)] == 0 and suites[str(LAI)] >= 10
    first = json.loads(run_cli(["check", "--format", "gitlab", str(LAI)]).stdout)
    second = json.loads(run_cli(["check", "--format", "gitlab", str(LAI)]).stdout)
    prints = [f["fingerprint"] for f in first]
    assert len(set(prints)) == len(prints)
    assert prints == [f["fingerprint"] for f in second]
