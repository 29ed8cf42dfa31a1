"""The CI output formats: GitHub annotations, SARIF, JUnit, GitLab Code Quality, JSON Lines."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from citeaudit.model import Diagnostic, Document, Edit, Fix, LineIndex, Related, Severity, Span
from citeaudit.report import ReportOptions, github, gitlab, jsonl, junit, renderer, sarif
from citeaudit.report.records import diagnostic_record, fingerprints
from citeaudit.rules import Rule, RuleContext

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

PATH = "essays/korean war.md"
CLEAN = "essays/clean.md"
ESSAY = (
    "# Forgotten No More: Historians and the Korean War\n"
    "\n"
    "The armistice signed at Panmunjom on 27 July 1953 ended the fighting [9].\n"
    "Accounts of the Chosin Reservoir campaign [11] rely on Chinese archives\n"
    "opened in the 1990s.\n"
    "\n"
    "## References\n"
    "\n"
    "9. Stueck, W. *The Korean War: An International History*. Princeton, 1995.\n"
    "10. Cumings, B. *The Origins of the Korean War*.\n"
    "    Princeton University Press, 1981.\n"
    "11. Hastings, M. *The Korean War*. Simon & Schuster, 1987.\n"
)
LINES = LineIndex(ESSAY)
# Data and property separators, and a line break, all in one message.
AWKWARD = "Entry 11: 100% of fields parsed, publisher: Simon & Schuster\r\nyear unchecked"


def _no_check(doc: Document, ctx: RuleContext) -> Iterable[Diagnostic]:
    return ()


def _rule(code: str, name: str, severity: Severity, summary: str) -> Rule:
    doc = (
        f"## What it does\n{summary}\n\n"
        "## Why is this bad?\nReaders cannot trace the claim to its source.\n\n"
        "## Example\n```markdown\nAs shown [11].\n```\n"
    )
    return Rule(code, name, severity, summary, doc, _no_check, fix="unsafe")


RULES = {
    "CIT001": _rule("CIT001", "citation-without-reference", "error", "Flags dangling markers."),
    "CIT003": _rule("CIT003", "citation-out-of-order", "warning", "Flags numbering gaps."),
    "REF001": _rule("REF001", "reference-never-cited", "warning", "Flags unused entries."),
    "REF004": _rule("REF004", "reference-incomplete", "info", "Flags incomplete entries."),
}


def _span(needle: str, text: str = ESSAY) -> Span:
    start = text.index(needle)
    return LineIndex(text).span(start, start + len(needle))


def _diag(
    code: str,
    span: Span,
    message: str,
    *,
    severity: Severity = "warning",
    path: str = PATH,
    context: str | None = None,
    fix: Fix | None = None,
    related: tuple[Related, ...] = (),
) -> Diagnostic:
    rule = RULES[code].name if code in RULES else "parse-error"
    text = ESSAY[span.start : span.end] if context is None else context
    return Diagnostic(path, span, code, rule, severity, message, fix, related, text)


def _gap() -> Diagnostic:
    """CIT003 on [11]: the essay cites [9] and then [11], skipping [10]."""
    cite = _span("[11]")
    return _diag(
        "CIT003",
        cite,
        "Citation [11] follows [9]; reference 10 is never cited in between",
        fix=Fix("Renumber [11] to [10]", (Edit(cite.start + 1, cite.end - 1, "10"),), "unsafe"),
        related=(Related(PATH, _span("[9]"), "previous citation [9] is here"),),
    )


def _unused() -> Diagnostic:
    """REF001 on entry 10, which runs over two lines."""
    return _diag(
        "REF001",
        _span("10. Cumings, B. *The Origins of the Korean War*.\n    Princeton University Press"),
        "Reference 10 is never cited",
        severity="error",
    )


def _awkward() -> Diagnostic:
    return _diag("REF004", _span("Simon & Schuster, 1987"), AWKWARD, severity="info")


def _options(**changes: Any) -> ReportOptions:
    options = ReportOptions(rules=RULES, sources={PATH: ESSAY}, files_checked=[PATH, CLEAN])
    return dataclasses.replace(options, **changes)


def _sample() -> list[Diagnostic]:
    return [_awkward(), _gap(), _unused()]


def _moved(d: Diagnostic, lines: int) -> Diagnostic:
    s = d.span
    span = Span(
        s.start + 100, s.end + 100, s.line + lines, s.column, s.end_line + lines, s.end_column
    )
    return dataclasses.replace(d, span=span)


# --- GitHub -------------------------------------------------------------------


def test_github_escapes_data_and_properties_exactly() -> None:
    d = _diag("REF004", _span("Simon & Schuster, 1987"), AWKWARD, path="drafts/ch 2, v3: final.md")
    assert github.render([d], _options()) == (
        "::warning file=drafts/ch 2%2C v3%3A final.md,line=12,col=36,endLine=12,endColumn=58,"
        "title=REF004 reference-incomplete"
        "::Entry 11: 100%25 of fields parsed, publisher: Simon & Schuster%0D%0Ayear unchecked\n"
    )


def test_github_columns_only_for_one_line_spans() -> None:
    multi_line, one_line = github.render([_gap(), _unused()], _options()).splitlines()
    # The error (REF001, over two lines) sorts before the warning (CIT003, on one).
    assert multi_line.startswith("::error file=essays/korean war.md,line=10,endLine=11,title=")
    assert "col=" not in multi_line.split("::")[1]
    assert "endColumn=" not in multi_line.split("::")[1]
    assert one_line.startswith("::warning file=essays/korean war.md,line=4,col=43,endLine=4,")
    assert ",endColumn=47," in one_line


def test_github_sorts_by_severity_and_names_the_fix() -> None:
    lines = github.render(_sample(), _options()).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning", "::notice"]
    assert "(fix: Renumber [11] to [10])" in lines[1]
    assert "%0Aessays/korean war.md:3:70: previous citation [9] is here" in lines[1]


def _many(count: int, severity: Severity) -> list[Diagnostic]:
    cite = _span("[11]")
    return [_moved(_diag("CIT003", cite, f"gap {i}", severity=severity), i) for i in range(count)]


def test_github_says_how_many_errors_github_will_hide() -> None:
    lines = github.render(_many(12, "error"), _options()).splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 12
    notices = [line for line in lines if line.startswith("::notice::")]
    assert len(notices) == 1
    assert "2 error findings are not shown" in notices[0]
    assert "--format sarif" in notices[0]


def test_github_stays_quiet_at_exactly_ten() -> None:
    lines = github.render(_many(10, "error") + _many(10, "warning"), _options()).splitlines()
    assert len(lines) == 20
    assert not any(line.startswith("::notice") for line in lines)


def test_github_overflow_notice_is_among_the_notices_shown() -> None:
    lines = github.render(_many(11, "info"), _options()).splitlines()
    assert lines[0].startswith("::notice::")
    # The summary takes one of the ten notice slots, so two findings are hidden, not one.
    assert "2 notice findings are not shown" in lines[0]
    assert sum(line.startswith("::notice file=") for line in lines) == 11


# --- SARIF --------------------------------------------------------------------


def _sarif(diagnostics: Sequence[Diagnostic], options: ReportOptions | None = None) -> Any:
    return json.loads(sarif.render(diagnostics, options or _options()))


def _validate(log: Any) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # The validator of the draft the schema declares (draft-04 for the OASIS file).
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(log)


def test_sarif_validates_against_the_schema() -> None:
    parse_error = _diag("IO001", _span("Simon & Schuster"), "Cannot decode", severity="error")
    elsewhere = dataclasses.replace(_unused(), path="/srv/thesis/ch 1.md")
    log = _sarif([*_sample(), parse_error, elsewhere])
    _validate(log)
    uris = [a["location"]["uri"] for a in log["runs"][0]["artifacts"]]
    assert uris == ["file:///srv/thesis/ch%201.md", "essays/korean%20war.md"]
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"


def test_sarif_empty_run_validates() -> None:
    log = _sarif([])
    _validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


def test_sarif_schema_check_catches_a_broken_log() -> None:
    log = _sarif(_sample())
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        _validate(log)


def test_sarif_lists_only_fired_rules_and_indexes_them() -> None:
    parse_error = _diag("IO001", _span("Simon & Schuster"), "Cannot decode", severity="error")
    run = _sarif([*_sample(), parse_error])["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["CIT003", "IO001", "REF001", "REF004"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    cit003 = rules[0]
    assert cit003["shortDescription"]["text"] == "Flags numbering gaps."
    assert cit003["help"]["markdown"] == RULES["CIT003"].doc
    assert cit003["defaultConfiguration"]["level"] == "warning"
    assert rules[3]["defaultConfiguration"]["level"] == "note"


def test_sarif_result_locations_fix_and_fingerprint() -> None:
    run = _sarif([_gap()])["runs"][0]
    (result,) = run["results"]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "essays/korean%20war.md"
    assert physical["region"] == {"startLine": 4, "startColumn": 43, "endLine": 4, "endColumn": 47}
    assert result["relatedLocations"][0]["id"] == 0
    assert result["relatedLocations"][0]["message"]["text"] == "previous citation [9] is here"
    (change,) = result["fixes"][0]["artifactChanges"]
    (replacement,) = change["replacements"]
    # The digits inside the brackets, not the whole marker.
    assert replacement["deletedRegion"] == {
        "startLine": 4,
        "startColumn": 44,
        "endLine": 4,
        "endColumn": 46,
    }
    assert replacement["insertedContent"]["text"] == "10"
    assert result["partialFingerprints"]["citeaudit/v1"] == fingerprints([_gap()])[0]


def test_sarif_fix_without_source_falls_back_to_offsets_off_the_span() -> None:
    d = _unused()
    entry = d.span
    d = dataclasses.replace(d, fix=Fix("Remove entry 10", (Edit(entry.start, entry.end, ""),)))
    log = _sarif([d], _options(sources={}))
    _validate(log)
    region = log["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert region["deletedRegion"] == {
        "charOffset": entry.start,
        "charLength": entry.end - entry.start,
    }


# --- JUnit --------------------------------------------------------------------


def test_junit_counts_failures_per_file_and_passes_clean_files() -> None:
    other = dataclasses.replace(_gap(), path="essays/notes.md")
    root = ET.fromstring(junit.render([*_sample(), other], _options()))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert list(suites) == [PATH, CLEAN, "essays/notes.md"]
    assert suites[PATH].get("failures") == "3"
    assert suites[PATH].get("tests") == "3"
    assert len(suites[PATH].findall("testcase/failure")) == 3
    assert suites[CLEAN].get("failures") == "0"
    assert suites[CLEAN].get("tests") == "1"
    assert len(suites[CLEAN].findall("testcase")) == 1
    assert suites[CLEAN].find("testcase/failure") is None
    assert root.get("failures") == "4"
    assert root.get("tests") == "5"


def test_junit_case_names_the_finding_and_its_location() -> None:
    root = ET.fromstring(junit.render([_gap()], _options(files_checked=[PATH])))
    (case,) = root.iter("testcase")
    assert case.get("name") == "CIT003 4:43"
    assert case.get("classname") == PATH
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "CIT003"
    assert failure.get("message") == _gap().message
    assert failure.text is not None
    assert failure.text.startswith(f"{PATH}:4:43: warning CIT003")
    assert "Renumber [11] to [10]" in failure.text


def test_junit_survives_characters_xml_cannot_hold() -> None:
    d = dataclasses.replace(_gap(), message="Bad byte \x00 and escape \x1b[31m in <title> & more")
    root = ET.fromstring(junit.render([d], _options()))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "Bad byte \ufffd and escape \ufffd[31m in <title> & more"


# --- GitLab -------------------------------------------------------------------


def _gitlab(diagnostics: Sequence[Diagnostic]) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = json.loads(gitlab.render(diagnostics, _options()))
    return issues


def test_gitlab_issue_shape() -> None:
    issues = _gitlab(_sample())
    assert [(i["check_name"], i["severity"]) for i in issues] == [
        ("CIT003", "minor"),
        ("REF001", "major"),
        ("REF004", "info"),
    ]
    assert issues[1]["location"] == {"path": PATH, "lines": {"begin": 10, "end": 11}}
    assert issues[1]["description"] == "Reference 10 is never cited"


def test_gitlab_fingerprints_unique_within_a_run() -> None:
    # The same marker twice in one file: identical code, path and context.
    twins = [_gap(), _moved(_gap(), 3)]
    prints = [issue["fingerprint"] for issue in _gitlab([*_sample(), *twins])]
    assert len(set(prints)) == len(prints) == 5


def test_gitlab_fingerprints_stable_across_renders_and_line_moves() -> None:
    first = _gitlab(_sample())
    again = _gitlab(list(reversed(_sample())))
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in again]
    # Two paragraphs were added above everything; the findings themselves are unchanged.
    moved = _gitlab([_moved(d, 2) for d in _sample()])
    assert [i["location"]["lines"]["begin"] for i in moved] != [
        i["location"]["lines"]["begin"] for i in first
    ]
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in first]


def test_gitlab_fingerprint_ignores_reflow_but_not_the_finding() -> None:
    gap = _gap()
    reflowed = dataclasses.replace(gap, context="[11]\n")
    other = dataclasses.replace(gap, context="[12]")
    base, same, different = (_gitlab([d])[0]["fingerprint"] for d in (gap, reflowed, other))
    assert same == base
    assert different != base


# --- JSON Lines and the shared record -------------------------------------------

CONTRACT = [
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "code",
    "rule",
    "severity",
    "message",
    "fix",
    "related",
]


def test_jsonl_one_contract_object_per_line() -> None:
    text = jsonl.render(_sample(), _options())
    assert text.endswith("\n")
    records = [json.loads(line) for line in text.splitlines()]
    assert len(records) == 3
    for record in records:
        assert list(record) == CONTRACT
    gap = records[0]
    assert gap["code"] == "CIT003"
    assert gap["fix"] == {
        "message": "Renumber [11] to [10]",
        "applicability": "unsafe",
        "edits": [{"line": 4, "column": 44, "end_line": 4, "end_column": 46, "content": "10"}],
    }
    assert gap["related"] == [
        {"path": PATH, "line": 3, "column": 70, "message": "previous citation [9] is here"}
    ]
    assert records[2]["message"] == AWKWARD
    assert records[2]["fix"] is None


def test_record_without_source_places_edits_from_the_span() -> None:
    record = diagnostic_record(_gap())
    assert record["fix"]["edits"][0] == {
        "line": 4,
        "column": 44,
        "end_line": 4,
        "end_column": 46,
        "content": "10",
    }


def _renumber_everywhere() -> Diagnostic:
    """CIT003 whose fix also relabels the entry, far outside the diagnostic's span."""
    gap = _gap()
    label = _span("11. Hastings")
    edits = (*gap.fix.edits, Edit(label.start, label.start + 2, "10")) if gap.fix else ()
    return dataclasses.replace(gap, fix=Fix("Renumber [11] to [10]", edits, "unsafe"))


def test_record_places_edits_outside_the_span_from_the_source() -> None:
    (record,) = [
        json.loads(line) for line in jsonl.render([_renumber_everywhere()], _options()).splitlines()
    ]
    positions = [
        (e["line"], e["column"], e["end_line"], e["end_column"]) for e in record["fix"]["edits"]
    ]
    assert positions == [(4, 44, 4, 46), (12, 1, 12, 3)]
    # Without the source the second edit cannot be placed, so it falls back to the span.
    edits = diagnostic_record(_renumber_everywhere())["fix"]["edits"]
    assert (edits[1]["line"], edits[1]["column"], edits[1]["end_column"]) == (4, 43, 47)


def test_sarif_places_edits_outside_the_span_from_the_source() -> None:
    def deleted(options: ReportOptions) -> list[Any]:
        change = _sarif([_renumber_everywhere()], options)["runs"][0]["results"][0]["fixes"][0]
        return [r["deletedRegion"] for r in change["artifactChanges"][0]["replacements"]]

    with_source = deleted(_options())
    assert with_source[1] == {"startLine": 12, "startColumn": 1, "endLine": 12, "endColumn": 3}
    label = _span("11. Hastings")
    assert deleted(_options(sources={}))[1] == {"charOffset": label.start, "charLength": 2}


def test_jsonl_of_nothing_is_empty() -> None:
    assert jsonl.render([], _options()) == ""


@pytest.mark.parametrize("name", ["github", "sarif", "junit", "gitlab", "json-lines"])
def test_formats_are_reachable_by_name(name: str) -> None:
    modules = {"github": github, "sarif": sarif, "junit": junit, "gitlab": gitlab}
    assert renderer(name) is modules.get(name, jsonl).render
