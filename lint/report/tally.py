"""What a report's summary, `--statistics` and the exit code need of the findings:
counts, not the findings themselves, so a streamed run can let each finding go."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from citeaudit.model import Diagnostic, Severity


@dataclass
class Tally:
    """Counts of findings, for the summary and --statistics."""

    total: int = 0
    by_severity: Counter[str] = field(default_factory=Counter)
    safe_fixes: int = 0
    unsafe_fixes: int = 0
    # (code, rule name) -> findings, and the codes with a fix of any kind (--statistics).
    by_rule: Counter[tuple[str, str]] = field(default_factory=Counter)
    fixable_codes: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic]) -> Tally:
        tally = cls()
        for d in diagnostics:
            tally.add(d)
        return tally

    def add(self, d: Diagnostic) -> None:
        self.total += 1
        self.by_severity[d.severity] += 1
        if d.fix is not None:
            self.fixable_codes.add(d.code)
            if d.fix.applicability == "safe":
                self.safe_fixes += 1
            elif d.fix.applicability == "unsafe":
                self.unsafe_fixes += 1
        self.by_rule[(d.code, d.rule)] += 1
        self.codes.add(d.code)

    def count(self, severity: Severity) -> int:
        return self.by_severity[severity]
