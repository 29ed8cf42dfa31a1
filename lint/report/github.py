"""GitHub Actions workflow commands, which GitHub turns into annotations on the run
and on the pull request diff.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from citeaudit.model import Diagnostic, Severity
from citeaudit.report import ReportOptions
from citeaudit.report.records import posix_path

# GitHub keeps this many annotations of each kind per step and silently drops the rest,
# first come first served.
ANNOTATION_LIMIT = 10

_COMMANDS: dict[Severity, str] = {"error": "error", "warning": "warning", "info": "notice"}
_RANK: dict[Severity, int] = {"error": 0, "warning": 1, "info": 2}


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    # Errors go first so that, when GitHub drops annotations, it drops the least severe.
    ordered = sorted(diagnostics, key=lambda d: (_RANK[d.severity], d.sort_key()))
    counts = Counter(_COMMANDS[d.severity] for d in ordered)
    lines = [annotation(d) for d in ordered if d.severity != "info"]
    # The overflow summaries are notices themselves: written before the findings'
    # notices they take the first notice slots, so they are never the ones dropped.
    lines += overflow_notices(counts["error"], counts["warning"], counts["notice"])
    lines += [annotation(d) for d in ordered if d.severity == "info"]
    return "".join(f"{line}\n" for line in lines)


def annotation(d: Diagnostic) -> str:
    span = d.span
    one_line = span.line == span.end_line
    properties = [("file", posix_path(d.path)), ("line", str(span.line))]
    # Columns spanning several lines are ambiguous to GitHub, which then misplaces the
    # highlight, so a multi-line annotation marks whole lines.
    if one_line:
        properties.append(("col", str(span.column)))
    properties.append(("endLine", str(span.end_line)))
    if one_line:
        properties.append(("endColumn", str(span.end_column)))
    properties.append(("title", f"{d.code} {d.rule}"))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{_COMMANDS[d.severity]} {joined}::{escape_data(message(d))}"


def message(d: Diagnostic) -> str:
    text = d.message
    if d.fix is not None:
        text += f" (fix: {d.fix.message})"
    for related in d.related:
        where = f"{posix_path(related.path)}:{related.span.line}:{related.span.column}"
        text += f"\n{where}: {related.message}"
    return text


def overflow_notices(errors: int, warnings: int, notices: int) -> list[str]:
    hidden = {
        kind: count - ANNOTATION_LIMIT
        for kind, count in (("error", errors), ("warning", warnings))
        if count > ANNOTATION_LIMIT
    }
    # One more summary is needed when the notices overflow, and it takes a slot too.
    if notices + len(hidden) > ANNOTATION_LIMIT:
        hidden["notice"] = notices - (ANNOTATION_LIMIT - len(hidden) - 1)
    return [f"::notice::{escape_data(_overflow_text(kind, n))}" for kind, n in hidden.items()]


def _overflow_text(kind: str, hidden: int) -> str:
    findings = f"{hidden} {kind} finding" + ("s are" if hidden != 1 else " is")
    return (
        f"citeaudit: {findings} not shown as annotations, because GitHub shows at most "
        f"{ANNOTATION_LIMIT} {kind} annotations per step. Every finding is in this step's "
        "log; for the full list in the Security tab upload `citeaudit --format sarif` "
        "output with github/codeql-action/upload-sarif, or run `citeaudit --format text`."
    )


def escape_data(text: str) -> str:
    # `%` first, or the escapes introduced for the other characters would be escaped again.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    # `,` separates properties and `:` ends them, so both must be escaped inside values.
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
