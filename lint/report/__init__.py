"""Output formats. Each module exposes `render(diagnostics, options) -> str`.

Modules are imported only when their format is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from citeaudit.model import Diagnostic, Document, Places
    from citeaudit.report.tally import Tally
    from citeaudit.rules import Rule

FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json_",
    "json-lines": "jsonl",
    "github": "github",
    "sarif": "sarif",
    "junit": "junit",
    "gitlab": "gitlab",
    "docx-comments": "docx_comments",
    "html": "html",
}


@dataclass
class ReportOptions:
    """What a format needs besides the findings."""

    rules: Mapping[str, Rule] = field(default_factory=dict)
    # Source text of each checked file, for formats that show the source line.
    sources: Mapping[str, str] = field(default_factory=dict)
    # The parsed documents, for formats that show the text around each finding (html).
    documents: Mapping[str, Document] = field(default_factory=dict)
    files_checked: Sequence[str] = ()
    color: bool = False
    show_source: bool = True
    statistics: bool = False
    quiet: bool = False
    fixed: int = 0
    # Per file, how to name a line for a person (Word: "paragraph 48", "footnote 12").
    places: Mapping[str, Places] = field(default_factory=dict)
    # Where formats that write files (docx-comments) put them; None: beside each input.
    output_dir: str | None = None


class Renderer(Protocol):
    def __call__(self, diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str: ...


class ReportStream(Protocol):
    """A report written as the run goes on (report.stream): `add` takes each file's
    findings as they come, `finish` writes what only the end of the run knows."""

    tally: Tally

    def add(self, diagnostics: Sequence[Diagnostic]) -> None: ...

    def finish(self) -> None: ...


def open_stream(
    name: str, options: ReportOptions, write: Callable[[str], object]
) -> ReportStream | None:
    """The stream for format `name`, or None when the format has none (it needs the
    whole run's documents, or writes files of its own)."""
    if name == "text":
        from citeaudit.report.text import TextStream

        return TextStream(options, write)
    from citeaudit.report.stream import streams

    kind = streams().get(name)
    stream: ReportStream | None = kind(options, write) if kind is not None else None
    return stream


def renderer(name: str) -> Renderer:
    module = importlib.import_module(f"{__name__}.{FORMATS[name]}")
    render: Renderer = module.render
    return render
