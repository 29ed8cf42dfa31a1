"""JSON Lines: one diagnostic object per line, for streaming into other tools.

The objects have the shape of the `json` format's, built by the same function.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from citeaudit.model import Diagnostic
from citeaudit.report import ReportOptions
from citeaudit.report.records import diagnostic_records


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    records = diagnostic_records(ordered, options.sources)
    # json.dumps escapes newlines inside strings, so each object stays on one line.
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
