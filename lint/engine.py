"""Check one document: link its citations, run the enabled rules, filter what they find."""

from __future__ import annotations

from collections.abc import Iterable

from citeaudit import filter as filters
from citeaudit.config import Settings
from citeaudit.model import Diagnostic, Document
from citeaudit.rules import RuleContext, all_rules, named


def check(doc: Document, settings: Settings, enabled: set[str]) -> list[Diagnostic]:
    """The link stage, the rules and the document filter, in that order."""
    from citeaudit.link import link

    rules = all_rules()
    found: list[Diagnostic] = []
    try:
        link(doc)
    except Exception as error:  # a linker bug must not cost the other documents' findings
        return [_crash(doc, "the link stage", error)]
    # Whether a suppression is used can only be known by running the rules it names, so
    # with SUP001 on they run too (`--select SUP`), and their findings are dropped below.
    run = _to_run(doc, enabled, rules.keys())
    for code, rule in rules.items():
        if code not in run or code == "SUP001":
            continue
        options = {**rule.defaults, **settings.rule_options.get(code, {})}
        try:
            found.extend(rule.check(doc, RuleContext(rule=rule, doc=doc, options=options)))
        except Exception as error:  # one rule's bug must not cost the other findings
            found.append(_crash(doc, f"rule {code}", error))
    kept = filters.document(doc, found, settings, run, rules.keys())
    return [d for d in kept if d.code in enabled]


def _to_run(doc: Document, enabled: set[str], codes: Iterable[str]) -> set[str]:
    if "SUP001" not in enabled or not doc.suppressions:
        return enabled
    run = set(enabled)
    for s in doc.suppressions:
        # A suppression without codes covers the rules that are on by default.
        named = s.codes or tuple(c for c, r in all_rules().items() if r.default_enabled)
        run.update(c for c in codes if filters.matches(c, named))
    return run


def _crash(doc: Document, where: str, error: BaseException) -> Diagnostic:
    import traceback

    from citeaudit.problems import problem

    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    place = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    message = (
        f"internal error in {where} ({type(error).__name__}: {error}{place}); this "
        "document was not fully checked. Please report it, with the file if you can."
    )
    return named(problem(doc.path, doc.span(0, 0), filters.CRASH_CODE, message))
