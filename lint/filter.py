"""The filter stage: what the rules found, reduced to what the user asked to see.

One module, in the order it applies: which rules run for a file (selection by code
prefix, per-file ignores), then per document the de-duplication, the suppression comments
and SUP001 for those that silence nothing, and severity overrides (last, so they reach
SUP001 too); then over the whole run the de-duplication of files checked twice,
`--changed-since` and the baseline. Exit codes are decided here as well.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from citeaudit.model import Diagnostic, Document, Edit, Fix, Suppression

if TYPE_CHECKING:
    from citeaudit.config import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# A rule that crashed on a document: the run goes on, but ends as an error (exit 2).
CRASH_CODE = "ERR001"


class FilterError(Exception):
    """A run-wide filter (baseline, --changed-since) that could not be applied."""


# -- selection ------------------------------------------------------------------------


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Does one of `selectors` (a code, a prefix, or ALL) select `code`?"""
    return any(s == "ALL" or code.startswith(s) for s in selectors)


def _specificity(code: str, selectors: Iterable[str]) -> int:
    """Length of the longest selector that matches: the most specific one wins."""
    return max(
        (0 if s == "ALL" else len(s) for s in selectors if s == "ALL" or code.startswith(s)),
        default=-1,
    )


def enabled_codes(settings: Settings, path: str, all_codes: Mapping[str, bool]) -> set[str]:
    """Codes that apply to `path`. As in ruff, the more specific of select and ignore wins."""
    if settings.select is None:
        base = {code for code, on in all_codes.items() if on}
    else:
        base = {code for code in all_codes if matches(code, settings.select)}
    base |= {code for code in all_codes if matches(code, settings.extend_select)}
    chosen = set()
    selectors = (settings.select or ()) + settings.extend_select
    for code in base:
        ignored = _specificity(code, settings.ignore)
        if ignored < 0 or _specificity(code, selectors) > ignored:
            chosen.add(code)
    relative = _relative(path, settings.root)
    for pattern, ignored_codes in settings.per_file_ignores.items():
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(os.path.basename(path), pattern):
            chosen = {c for c in chosen if not matches(c, ignored_codes)}
    # A crash is never selected away: a document that was not checked must say so.
    return chosen | {CRASH_CODE}


def _relative(path: str, root: str) -> str:
    try:
        return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    except ValueError:
        return path.replace(os.sep, "/")


# -- one document -----------------------------------------------------------------------


def document(
    doc: Document,
    found: Iterable[Diagnostic],
    settings: Settings,
    enabled: set[str],
    known: Iterable[str],
) -> list[Diagnostic]:
    """What one document reports: deduplicated, suppressed, SUP001 added, severities set."""
    kept, unused = _suppress(dedupe(found), doc.suppressions, enabled, doc.path, set(known))
    if "SUP001" in enabled:
        kept.extend(_unused_suppressions(doc, unused, known))
    if any(d.fix is not None for d in kept):
        from citeaudit.proseguard import prose_fixes_only

        # A fix never touches code, front matter or comments, whichever rule offers it.
        kept = prose_fixes_only(doc, kept)
    return sorted((_with_severity(d, settings) for d in kept), key=Diagnostic.sort_key)


def dedupe(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, int, int, str, str]] = set()
    out = []
    for d in found:
        key = (d.path, d.span.start, d.span.end, d.code, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _with_severity(d: Diagnostic, settings: Settings) -> Diagnostic:
    level = settings.severity.get(d.code)
    return dataclasses.replace(d, severity=level) if level else d  # type: ignore[arg-type]


def _covers(s: Suppression, d: Diagnostic, path: str) -> bool:
    if d.path != (s.path or path):
        return False
    if s.codes and not matches(d.code, s.codes):
        return False
    return s.file_wide or d.span.line in s.target_lines


def _suppress(
    found: list[Diagnostic],
    suppressions: list[Suppression],
    enabled: set[str],
    path: str,
    known: set[str],
) -> tuple[list[Diagnostic], list[Suppression]]:
    if not suppressions:
        return found, []
    used: set[int] = set()
    kept = []
    for d in found:
        hits = [i for i, s in enumerate(suppressions) if _covers(s, d, path)]
        if hits and d.code != CRASH_CODE:
            used.update(hits)
        else:
            kept.append(d)
    unused = [
        s
        for i, s in enumerate(suppressions)
        if i not in used
        and (
            not s.codes
            or any(matches(c, s.codes) for c in enabled)
            or any(not any(k.startswith(c) for k in known) for c in s.codes)
        )
    ]
    return kept, unused


def _unused_suppressions(
    doc: Document, unused: list[Suppression], codes: Iterable[str]
) -> list[Diagnostic]:
    from citeaudit.problems import problem
    from citeaudit.rules import named

    known = set(codes)
    out = []
    for s in unused:
        unknown = [c for c in s.codes if not any(k.startswith(c) for k in known)]
        if unknown:
            message = f"suppression names unknown rule code {', '.join(unknown)}"
        elif s.file_wide:
            message = "unused file-wide suppression: nothing it names was found in this file"
        else:
            codes_named = ", ".join(s.codes) if s.codes else "any rule"
            message = f"unused suppression: no {codes_named} finding on the line it covers"
        context = doc.text[s.span.start : s.span.end]
        found = problem(doc.path, s.span, "SUP001", message, context, fix=_removal(doc, s))
        out.append(named(found))
    return out


def _removal(doc: Document, s: Suppression) -> Fix:
    """Delete the comment, with its whole line when it is alone there, so no blank line or
    stray indent is left behind."""
    text = doc.text
    start = s.span.start
    # The comment patterns may swallow the newline after them; the line break is not theirs.
    end = start + len(text[start : s.span.end].rstrip())
    line_start, _ = doc.lines.line_bounds(doc.lines.position(start)[0])
    _, line_end = doc.lines.line_bounds(doc.lines.position(end)[0])
    before, after = text[line_start:start], text[end:line_end]
    if not before.strip() and not after.strip():
        start, end = line_start, min(line_end + 1, len(text))
    elif not before.strip():
        end += len(after) - len(after.lstrip())
    elif text[start] == "%" and not before[-1].isspace():
        # In TeX `word%` joins the next line on: keep the `%` so the output is unchanged.
        return Fix("Remove the unused suppression", (Edit(start, end, "%"),), "safe")
    else:
        start -= len(before) - len(before.rstrip())
    return Fix("Remove the unused suppression", (Edit(start, end, ""),), "safe")


# -- the whole run ----------------------------------------------------------------------


def run(
    diagnostics: Sequence[Diagnostic],
    paths: Iterable[str],
    *,
    changed_since: str | None = None,
    baseline: str | None = None,
    write_baseline: str | None = None,
) -> list[Diagnostic]:
    """Filters that need the whole run. Raises FilterError with a message for the user."""
    found = dedupe(diagnostics)
    if changed_since:
        from citeaudit.gitdiff import GitError, only_changed

        try:
            found = only_changed(found, paths, changed_since)
        except GitError as error:
            raise FilterError(f"--changed-since: {error}") from error
    if write_baseline:
        from citeaudit.baseline import BaselineError
        from citeaudit.baseline import write_baseline as write

        try:
            write(write_baseline, found)
        except BaselineError as error:
            raise FilterError(f"--write-baseline: {error}") from error
    if baseline:
        from citeaudit.baseline import BaselineError, apply_baseline

        try:
            found = apply_baseline(baseline, found)
        except BaselineError as error:
            raise FilterError(f"--baseline: {error}") from error
    return found


def exit_code(remaining: Sequence[Diagnostic], *, exit_zero: bool, accept: bool) -> int:
    """0 clean, 1 findings, 2 when a rule crashed (whatever else was found)."""
    crashed = any(d.code == CRASH_CODE for d in remaining)
    return exit_code_of(len(remaining), crashed, exit_zero=exit_zero, accept=accept)


def exit_code_of(found: int, crashed: bool, *, exit_zero: bool, accept: bool) -> int:
    """The exit code from counts: a streamed report keeps counts, not the findings."""
    if crashed:
        return EXIT_ERROR
    if exit_zero or not found or accept:
        return EXIT_CLEAN
    return EXIT_FINDINGS
