"""GitLab Code Quality JSON, shown in merge request widgets and diffs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from citeaudit.model import Diagnostic, Severity
from citeaudit.report import ReportOptions
from citeaudit.report.records import fingerprints, posix_path

_SEVERITIES: dict[Severity, str] = {"error": "major", "warning": "minor", "info": "info"}


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    issues = [
        issue(d, fingerprint) for d, fingerprint in zip(ordered, fingerprints(ordered), strict=True)
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def issue(d: Diagnostic, fingerprint: str) -> dict[str, Any]:
    # GitLab matches findings between the base and head pipelines by fingerprint alone,
    # so it must not contain the line number or every edit above a finding would show
    # it as fixed and reintroduced.
    return {
        "description": d.message,
        "check_name": d.code,
        "fingerprint": fingerprint,
        "severity": _SEVERITIES[d.severity],
        "location": {
            "path": posix_path(d.path),
            "lines": {"begin": d.span.line, "end": d.span.end_line},
        },
    }
