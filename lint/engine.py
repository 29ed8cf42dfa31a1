"""Run the enabled rules over a document and filter what they report."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from citeaudit.config import Settings, matches
from citeaudit.model import Diagnostic, Document, Edit, Fix, Suppression
from citeaudit.problems import problem
from citeaudit.rules import RuleContext, all_rules


class RuleCrash(Exception):
    """A rule raised: a bug in citeaudit, reported as an internal error."""

    def __init__(self, code: str, path: str, error: BaseException) -> None:
        super().__init__(
            f"internal error in rule {code} on {path}: {type(error).__name__}: {error}"
        )
        self.code = code


def check(doc: Document, settings: Settings, enabled: set[str]) -> list[Diagnostic]:
    from citeaudit.link import link

    rules = all_rules()
    link(doc)
    found: list[Diagnostic] = []
    # Whether a suppression is used can only be known by running the rules it names, so
    # with SUP001 on they run too (`--select SUP`), and their findings are dropped below.
    run = _to_run(doc, enabled, rules.keys())
    for code, rule in rules.items():
        if code not in run or code == "SUP001":
            continue
        options = {**rule.defaults, **settings.rule_options.get(code, {})}
        ctx = RuleContext(rule=rule, doc=doc, options=options)
        try:
            found.extend(rule.check(doc, ctx))
        except Exception as error:  # a rule bug must not hide the other findings' cause
            raise RuleCrash(code, doc.path, error) from error
    found = dedupe(found)
    found = [_with_severity(d, settings) for d in found]
    kept, unused = _suppress(found, doc.suppressions, run, doc.path)
    kept = [d for d in kept if d.code in enabled]
    if "SUP001" in enabled:
        kept.extend(_unused_suppressions(doc, unused, rules.keys()))
    return sorted(kept, key=Diagnostic.sort_key)


def _to_run(doc: Document, enabled: set[str], codes: Iterable[str]) -> set[str]:
    if "SUP001" not in enabled or not doc.suppressions:
        return enabled
    run = set(enabled)
    for s in doc.suppressions:
        # A suppression without codes covers the rules that are on by default.
        named = s.codes or tuple(c for c, r in all_rules().items() if r.default_enabled)
        run.update(c for c in codes if matches(c, named))
    return run


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
    found: list[Diagnostic], suppressions: list[Suppression], enabled: set[str], path: str
) -> tuple[list[Diagnostic], list[Suppression]]:
    if not suppressions:
        return found, []
    used: set[int] = set()
    kept = []
    for d in found:
        hits = [i for i, s in enumerate(suppressions) if _covers(s, d, path)]
        if hits:
            used.update(hits)
        else:
            kept.append(d)
    known = all_rules()
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
    known = set(codes)
    out = []
    for s in unused:
        unknown = [c for c in s.codes if not any(k.startswith(c) for k in known)]
        if unknown:
            message = f"suppression names unknown rule code {', '.join(unknown)}"
        elif s.file_wide:
            message = "unused file-wide suppression: nothing it names was found in this file"
        else:
            named = ", ".join(s.codes) if s.codes else "any rule"
            message = f"unused suppression: no {named} finding on the line it covers"
        context = doc.text[s.span.start : s.span.end]
        out.append(problem(doc.path, s.span, "SUP001", message, context, fix=_removal(doc, s)))
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
