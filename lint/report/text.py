"""The default, human-readable format: location, code, message, source line, caret."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from citeaudit.model import Diagnostic, LineIndex
from citeaudit.report import ReportOptions
from citeaudit.report.tally import Tally

WINDOW = 100
_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _style(text: str, options: ReportOptions, **kwargs: object) -> str:
    if not options.color:
        return text
    import click

    return click.style(text, **kwargs)  # type: ignore[arg-type]


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    tally = Tally.of(diagnostics)
    if options.statistics and diagnostics:
        return statistics(tally)
    out: list[str] = []
    if not options.quiet:
        indexes = Indexes()
        for d in diagnostics:
            out.extend(_finding(d, options, indexes))
    out.append(summary(tally, options))
    return "\n".join(out) + "\n"


class TextStream:
    """The same output as `render`, written finding by finding as the run goes on."""

    def __init__(self, options: ReportOptions, write: Callable[[str], object]) -> None:
        self.options = options
        self.write = write
        self.tally = Tally()
        self.indexes = Indexes()

    def add(self, diagnostics: Sequence[Diagnostic]) -> None:
        for d in diagnostics:
            self.tally.add(d)
            if not (self.options.quiet or self.options.statistics):
                self.write("".join(f"{line}\n" for line in _finding(d, self.options, self.indexes)))

    def finish(self) -> None:
        if self.options.statistics and self.tally.total:
            self.write(statistics(self.tally))
        else:
            self.write(summary(self.tally, self.options) + "\n")


class Indexes:
    """The line index of the file whose findings are being shown: findings come file by
    file, so one is kept, not one per file of the run."""

    def __init__(self) -> None:
        self.last: tuple[str, LineIndex] | None = None

    def get(self, path: str, source: str) -> LineIndex:
        if self.last is None or self.last[0] != path:
            self.last = (path, LineIndex(source))
        return self.last[1]


def _finding(d: Diagnostic, options: ReportOptions, indexes: Indexes) -> list[str]:
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


def _snippet(d: Diagnostic, source: str, indexes: Indexes, options: ReportOptions) -> list[str]:
    index = indexes.get(d.path, source)
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


def statistics(tally: Tally) -> str:
    """As ruff does: the table alone, one line per rule, for scripts to read."""
    counts = tally.by_rule
    width = max((len(str(n)) for n in counts.values()), default=1)
    return "".join(
        f"{n:>{width}}\t{code}\t{'[*] ' if code in tally.fixable_codes else ''}{name}\n"
        for (code, name), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


def summary(tally: Tally, options: ReportOptions) -> str:
    files = len(options.files_checked)
    checked = f"{files} file{'s' if files != 1 else ''}"
    fixed = f" Fixed {options.fixed}." if options.fixed else ""
    if not tally.total:
        return f"All checks passed ({checked}).{fixed}"
    by_level = tally.by_severity
    parts = [
        f"{by_level[s]} {s}{'s' if by_level[s] != 1 else ''}"
        for s in ("error", "warning", "info")
        if by_level[s]
    ]
    fixable = tally.safe_fixes
    unsafe = tally.unsafe_fixes
    hints = []
    if fixable:
        hints.append(f"{fixable} fixable with --fix")
    if unsafe:
        hints.append(f"{unsafe} more with --fix --unsafe-fixes")
    hint = f" [*] {'; '.join(hints)}." if hints else ""
    total = tally.total
    return f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {checked}.{fixed}{hint}"
