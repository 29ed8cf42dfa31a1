"""Diagnostics that adapters raise while parsing, before any rule runs."""

from __future__ import annotations

from citeaudit.model import Diagnostic, Fix, Span


def problem(
    path: str,
    span: Span,
    code: str,
    message: str,
    context: str = "",
    *,
    fix: Fix | None = None,
) -> Diagnostic:
    from citeaudit.rules import get

    rule = get(code)
    if rule is None:
        raise KeyError(f"unknown rule code {code}")
    return Diagnostic(
        path=path,
        span=span,
        code=code,
        rule=rule.name,
        severity=rule.severity,
        message=message,
        fix=fix,
        context=context or message,
    )
