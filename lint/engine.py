"""Check one document: link its citations, run the enabled rules, filter what they find."""

from __future__ import annotations

import traceback

from citeaudit import filter as filters
from citeaudit.config import Settings
from citeaudit.model import Diagnostic, Document
from citeaudit.rules import RuleContext, all_rules


def check(doc: Document, settings: Settings, enabled: set[str]) -> list[Diagnostic]:
    """The link stage, the rules and the document filter, in that order."""
    from citeaudit.link import link

    rules = all_rules()
    found: list[Diagnostic] = []
    try:
        link(doc)
    except Exception as error:  # a linker bug must not cost the other documents' findings
        return [_crash(doc, "the link stage", error)]
    for code, rule in rules.items():
        if code not in enabled or code == "SUP001":
            continue
        options = {**rule.defaults, **settings.rule_options.get(code, {})}
        try:
            found.extend(rule.check(doc, RuleContext(rule=rule, doc=doc, options=options)))
        except Exception as error:  # one rule's bug must not cost the other findings
            found.append(_crash(doc, f"rule {code}", error))
    return filters.document(doc, found, settings, enabled, rules.keys())


def _crash(doc: Document, where: str, error: BaseException) -> Diagnostic:
    from citeaudit.problems import problem

    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    place = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    message = (
        f"internal error in {where} ({type(error).__name__}: {error}{place}); this "
        "document was not fully checked. Please report it, with the file if you can."
    )
    return problem(doc.path, doc.span(0, 0), filters.CRASH_CODE, message)
