"""The default, human-readable format: location, code, message, source line, caret."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from citeaudit.model import Diagnostic, LineIndex
from citeaudit.report import ReportOptions

WINDOW = 100
_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _style(text: str, options: ReportOptions, **kwargs: object) -> str:
    if not options.color:
        return text
    import click

    return click.style(text, **kwargs)  # type: ignore[arg-type]


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    if options.statistics and diagnostics:
        # As ruff does: the table alone, one line per rule, for scripts to read.
        return "\n".join(_statistics(diagnostics)[:-1]) + "\n"
    out: list[str] = []
    if not options.quiet:
        indexes: dict[str, LineIndex] = {}
        for d in diagnostics:
            out.extend(_finding(d, options, indexes))
    out.append(_summary(diagnostics, options))
    return "\n".join(out) + "\n"


def _finding(d: Diagnostic, options: ReportOptions, indexes: dict[str, LineIndex]) -> list[str]:
    where = _style(f"{d.path}:{d.span.line}:{d.span.column}:", options, bold=True)
    code = _style(d.code, options, fg=_COLORS[d.severity], bold=True)
    fixable = " [*]" if d.fix and d.fix.applicability == "safe" else ""
    lines = [f"{where} {code}{fixable} {d.message}"]
    places = options.places.get(d.path)
    if places is not None:
        lines.append(f"  --> {places.label(d.span.line)}, character {d.span.column}")
    source = options.sources.get(d.path)
    if options.show_source and source is not None:
        lines.extend(_snippet(d, source, indexes, options))
    for related in d.related:
        named = options.places.get(related.path)
        place = f" ({named.label(related.span.line)})" if named is not None else ""
        lines.append(
            f"  = note: {related.path}:{related.span.line}:{related.span.column}{place}: {related.message}"
        )
    if d.fix:
        lines.append(
            f"  = {'fix' if d.fix.applicability == 'safe' else 'unsafe fix'}: {d.fix.message}"
        )
    lines.append("")
    return lines


def _snippet(
    d: Diagnostic, source: str, indexes: dict[str, LineIndex], options: ReportOptions
) -> list[str]:
    index = indexes.get(d.path)
    if index is None:
        index = indexes[d.path] = LineIndex(source)
    if d.span.line > len(index.starts):
        return []
    start, end = index.line_bounds(d.span.line)
    line = source[start:end].rstrip("\r\n").expandtabs(1)
    col = d.span.column - 1
    width = max(1, (d.span.end_column - 1 if d.span.end_line == d.span.line else len(line)) - col)
    left = max(0, min(col - WINDOW // 3, len(line) - WINDOW))
    shown = line[left : left + WINDOW]
    prefix = "…" if left else ""
    suffix = "…" if left + WINDOW < len(line) else ""
    gutter = " " * len(str(d.span.line))
    caret = " " * (len(prefix) + col - left) + "^" * min(width, WINDOW - (col - left))
    return [
        f"{gutter} |",
        f"{d.span.line} | {prefix}{shown}{suffix}",
        f"{gutter} | " + _style(caret, options, fg=_COLORS[d.severity], bold=True),
    ]


def _statistics(diagnostics: Sequence[Diagnostic]) -> list[str]:
    counts = Counter((d.code, d.rule) for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if d.fix)
    width = max((len(str(n)) for n in counts.values()), default=1)
    return [
        f"{n:>{width}}\t{code}\t{'[*] ' if fixable[code] else ''}{name}"
        for (code, name), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ] + [""]


def _summary(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    files = len(options.files_checked)
    checked = f"{files} file{'s' if files != 1 else ''}"
    fixed = f" Fixed {options.fixed}." if options.fixed else ""
    if not diagnostics:
        return f"All checks passed ({checked}).{fixed}"
    by_level = Counter(d.severity for d in diagnostics)
    parts = [
        f"{by_level[s]} {s}{'s' if by_level[s] != 1 else ''}"
        for s in ("error", "warning", "info")
        if by_level[s]
    ]
    fixable = sum(1 for d in diagnostics if d.fix and d.fix.applicability == "safe")
    unsafe = sum(1 for d in diagnostics if d.fix and d.fix.applicability == "unsafe")
    hints = []
    if fixable:
        hints.append(f"{fixable} fixable with --fix")
    if unsafe:
        hints.append(f"{unsafe} more with --fix --unsafe-fixes")
    hint = f" [*] {'; '.join(hints)}." if hints else ""
    total = len(diagnostics)
    return f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {checked}.{fixed}{hint}"
