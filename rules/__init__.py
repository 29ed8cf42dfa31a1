"""The rule catalogue: each rule is a check function plus frozen metadata.

Rule modules are imported on first use of the registry, so the CLI starts fast.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from citeaudit.model import Diagnostic, Document, Entry, Fix, Problem, Related, Severity, Span

if TYPE_CHECKING:
    from citeaudit.link import Links

FixAvailability = Literal["none", "safe", "unsafe"]
Check = Callable[[Document, "RuleContext"], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its check function and its frozen metadata."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    check: Check
    fix: FixAvailability = "none"
    options: Mapping[str, Any] = field(default_factory=dict)  # JSON Schema properties
    defaults: Mapping[str, Any] = field(default_factory=dict)
    default_enabled: bool = True

    @property
    def options_schema(self) -> dict[str, Any]:
        return {"type": "object", "properties": dict(self.options), "additionalProperties": False}


@dataclass
class RuleContext:
    """What a check function is given besides the document."""

    rule: Rule
    doc: Document
    options: Mapping[str, Any]

    @property
    def links(self) -> Links:
        """The link stage's result: rules read links, they never resolve citations."""
        if self.doc.links is None:
            from citeaudit.link import link

            return link(self.doc)
        return self.doc.links

    def diagnostic(
        self,
        span: Span,
        message: str,
        *,
        fix: Fix | None = None,
        related: Iterable[Related] = (),
        context: str = "",
        path: str | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            path=path or self.doc.path,
            span=span,
            code=self.rule.code,
            rule=self.rule.name,
            severity=self.rule.severity,
            message=message,
            fix=fix,
            related=tuple(related),
            context=context or self.doc.text[span.start : span.end],
        )

    def related(self, span: Span, message: str, path: str | None = None) -> Related:
        return Related(path or self.doc.path, span, message)


_REGISTRY: dict[str, Rule] = {}
_loaded = False


def rule(
    code: str,
    name: str,
    severity: Severity = "warning",
    *,
    fix: FixAvailability = "none",
    options: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
    default_enabled: bool = True,
) -> Callable[[Check], Check]:
    """Register a check function; its docstring is the rule's doc."""

    def register(check: Check) -> Check:
        if code in _REGISTRY:
            raise ValueError(f"rule code {code} registered twice")
        doc = inspect.cleandoc(check.__doc__ or "")
        if "## What it does" not in doc or "## Why is this bad?" not in doc:
            raise ValueError(f"rule {code} needs a doc with 'What it does' and 'Why is this bad?'")
        summary = doc.split("## What it does", 1)[1].strip().split("\n\n", 1)[0].replace("\n", " ")
        _REGISTRY[code] = Rule(
            code=code,
            name=name,
            severity=severity,
            summary=summary,
            doc=doc,
            check=check,
            fix=fix,
            options=dict(options or {}),
            defaults=dict(defaults or {}),
            default_enabled=default_enabled,
        )
        return check

    return register


def from_parser(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """Yield what the adapter found for this rule while parsing, named by the rule."""
    for found in doc.problems:
        if found.code == ctx.rule.code:
            yield named(found, ctx.rule)


def named(found: Problem, rule: Rule | None = None) -> Diagnostic:
    """A problem as a diagnostic of its rule: the rule's name, and its severity unless the
    problem sets its own."""
    rule = rule or get(found.code)
    if rule is None:
        raise KeyError(f"unknown rule code {found.code}")
    return Diagnostic(
        path=found.path,
        span=found.span,
        code=found.code,
        rule=rule.name,
        severity=found.severity or rule.severity,
        message=found.message,
        fix=found.fix,
        related=found.related,
        context=found.context or found.message,
    )


def printed_entries(doc: Document, ctx: RuleContext) -> list[Entry]:
    """The entries a rule about entries should judge for this document: all of its own
    list, and of a bibliography file it uses only those it cites (what BibTeX, biber and
    pandoc print), or all with `\\nocite{*}`. A master library's other entries are not
    this manuscript's concern; checking the `.bib` itself judges every entry."""
    if doc.format == "bibtex" or any("*" in c.targets for c in doc.citations):
        return list(doc.entries)
    links = ctx.links
    return [e for e in doc.entries if e.kind == "text" or not e.path or links.citing(e)]


def all_rules() -> dict[str, Rule]:
    global _loaded
    if not _loaded:
        _loaded = True
        # Every module of this package is a rule family: a new one is found, not listed.
        import pkgutil

        for found in sorted(pkgutil.walk_packages(__path__, f"{__name__}."), key=lambda m: m.name):
            importlib.import_module(found.name)
    return dict(sorted(_REGISTRY.items(), key=lambda item: _code_key(item[0])))


def _code_key(code: str) -> tuple[str, int]:
    prefix = code.rstrip("0123456789")
    return prefix, int(code[len(prefix) :] or 0)


def get(code: str) -> Rule | None:
    return all_rules().get(code.upper())
