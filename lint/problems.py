"""Problems that adapters raise while parsing, before any rule runs. They carry no rule
name: the engine gives them that, and their severity, from the catalogue."""

from __future__ import annotations

from citeaudit.model import Fix, Problem, Related, Severity, Span


def problem(
    path: str,
    span: Span,
    code: str,
    message: str,
    context: str = "",
    *,
    fix: Fix | None = None,
    related: tuple[Related, ...] = (),
    severity: Severity | None = None,
) -> Problem:
    return Problem(path, span, code, message, context or message, fix, related, severity)
