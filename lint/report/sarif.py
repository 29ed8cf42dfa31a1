"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import citeaudit
from citeaudit.model import Diagnostic, Edit, Fix, LineIndex, Related, Severity, Span
from citeaudit.report import ReportOptions
from citeaudit.report.records import LineIndexes, edit_span, fingerprints, posix_path

if TYPE_CHECKING:
    from citeaudit.rules import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/citeaudit/"
# Versioned so that a future change of recipe does not reopen every alert as new.
FINGERPRINT_KEY = "citeaudit/v1"
# Relative paths resolve against the checkout root, which is what code scanning expects.
SRCROOT = "%SRCROOT%"

_LEVELS: dict[Severity, str] = {"error": "error", "warning": "warning", "info": "note"}


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    rules = fired_rules(ordered, options.rules)
    rule_index = {descriptor["id"]: i for i, descriptor in enumerate(rules)}
    artifacts = Artifacts()
    indexes = LineIndexes(options.sources)
    results = [
        result(d, rule_index[d.code], fingerprint, artifacts, indexes)
        for d, fingerprint in zip(ordered, fingerprints(ordered), strict=True)
    ]
    driver = {
        "name": "citeaudit",
        "version": citeaudit.__version__,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    run: dict[str, Any] = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints"}
    if artifacts.locations:
        run["artifacts"] = [{"location": location} for location in artifacts.locations]
    run["results"] = results
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def fired_rules(ordered: Sequence[Diagnostic], known: Mapping[str, Rule]) -> list[dict[str, Any]]:
    """Descriptors of the rules that produced a finding, and of no others.

    A code missing from `known` (a parser problem, say) still gets a bare descriptor,
    because every result's ruleIndex must point at one.
    """
    first: dict[str, Diagnostic] = {}
    for d in ordered:
        first.setdefault(d.code, d)
    descriptors = []
    for code in sorted(first, key=_code_key):
        found = known.get(code)
        descriptors.append(rule_descriptor(found) if found else _bare_descriptor(first[code]))
    return descriptors


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _section(rule.doc, "What it does") or rule.summary},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {
            "enabled": rule.default_enabled,
            "level": _LEVELS[rule.severity],
        },
        # Lets a dashboard tell which alerts `citeaudit --fix` can clear by itself.
        "properties": {"fix": rule.fix},
    }


def _bare_descriptor(d: Diagnostic) -> dict[str, Any]:
    return {
        "id": d.code,
        "name": d.rule,
        "shortDescription": {"text": d.rule},
        "defaultConfiguration": {"level": _LEVELS[d.severity]},
    }


def _section(doc: str, title: str) -> str:
    marker = f"## {title}"
    if marker not in doc:
        return ""
    return doc.split(marker, 1)[1].split("\n## ", 1)[0].strip()


def _code_key(code: str) -> tuple[str, int]:
    # Numeric order, so that CIT010 follows CIT009 rather than CIT001.
    prefix = code.rstrip("0123456789")
    return prefix, int(code[len(prefix) :] or 0)


class Artifacts:
    """The run's artifact list; locations point into it by index."""

    def __init__(self) -> None:
        self.locations: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}

    def location(self, path: str) -> dict[str, Any]:
        location = artifact_location(path)
        uri = location["uri"]
        if uri not in self._index:
            self._index[uri] = len(self.locations)
            self.locations.append(dict(location))
        return {**location, "index": self._index[uri]}


def artifact_location(path: str) -> dict[str, Any]:
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": pure.as_uri()}
    # A URI reference, not a path: spaces, `#`, `%` and non-ASCII must be percent-encoded.
    return {"uri": quote(posix_path(path), safe="/"), "uriBaseId": SRCROOT}


def region(span: Span) -> dict[str, int]:
    # Span columns are 1-based code points and end_column is exclusive, as SARIF's are.
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }


def result(
    d: Diagnostic,
    rule_index: int,
    fingerprint: str,
    artifacts: Artifacts,
    indexes: LineIndexes,
) -> dict[str, Any]:
    physical = {"artifactLocation": artifacts.location(d.path), "region": region(d.span)}
    entry: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": _LEVELS[d.severity],
        "message": {"text": d.message},
        "locations": [{"physicalLocation": physical}],
    }
    if d.related:
        entry["relatedLocations"] = [
            related_location(i, related, artifacts) for i, related in enumerate(d.related)
        ]
    if d.fix is not None:
        entry["fixes"] = [fix(d.fix, d, artifacts, indexes.get(d.path))]
    entry["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    return entry


def related_location(i: int, related: Related, artifacts: Artifacts) -> dict[str, Any]:
    return {
        "id": i,
        "physicalLocation": {
            "artifactLocation": artifacts.location(related.path),
            "region": region(related.span),
        },
        "message": {"text": related.message},
    }


def fix(found: Fix, d: Diagnostic, artifacts: Artifacts, lines: LineIndex | None) -> dict[str, Any]:
    replacements = [
        {
            "deletedRegion": deleted_region(edit, d.span, lines),
            "insertedContent": {"text": edit.replacement},
        }
        for edit in found.edits
    ]
    return {
        "description": {"text": found.message},
        "artifactChanges": [
            {"artifactLocation": artifacts.location(d.path), "replacements": replacements}
        ],
        # SARIF has no notion of an unsafe fix; consumers that care can read it here.
        "properties": {"applicability": found.applicability},
    }


def deleted_region(edit: Edit, span: Span, lines: LineIndex | None) -> dict[str, int]:
    where = edit_span(edit, lines, span)
    if where is not None:
        return region(where)
    # Offsets are exact where an approximate line and column would corrupt the file.
    return {"charOffset": edit.start, "charLength": edit.end - edit.start}
