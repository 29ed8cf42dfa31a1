"""The JSON array format: the public contract, validated by schemas/diagnostics.schema.json."""

from __future__ import annotations

import json
from collections.abc import Sequence

from citeaudit.model import Diagnostic
from citeaudit.report import ReportOptions
from citeaudit.report.records import diagnostic_record


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    records = [diagnostic_record(d, options.sources.get(d.path)) for d in diagnostics]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
