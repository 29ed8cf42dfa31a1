"""Check one file from start to finish: load (read, decode, parse, attach bibliographies),
link, rules and the document filter. Workers of `--jobs` run this, so what goes in and
out is plain, picklable data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from citeaudit.config import Settings
from citeaudit.model import Diagnostic, Document


@dataclass(frozen=True)
class Task:
    path: str
    settings: Settings
    enabled: frozenset[str]
    data: bytes | None = None  # None: read the file from disk
    keep_document: bool = False  # a later stage (fixes, HTML) needs the whole document


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic]
    # The checked text, kept only where a report shows source lines (files with findings).
    text: str | None = None
    document: Document | None = None
    # What the check read besides the file: for the cache.
    reads: dict[str, str] = field(default_factory=dict)
    listings: dict[str, list[str]] = field(default_factory=dict)
    cached: bool = False


def load_document(path: str, data: bytes | None, settings: Settings) -> Document:
    """The load stage: a parsed document with its bibliographies attached."""
    from citeaudit.bibliography import attach_bibliographies
    from citeaudit.load import load

    doc = load(path, data)
    attach_bibliographies(doc, settings)
    return doc


def check_file(task: Task) -> FileResult:
    from citeaudit.engine import check
    from citeaudit.readlog import recording

    with recording() as log:
        doc = load_document(task.path, task.data, task.settings)
    found = check(doc, task.settings, set(task.enabled))
    return FileResult(
        path=doc.path,
        diagnostics=found,
        text=doc.text if found or task.keep_document else None,
        document=doc if task.keep_document else None,
        reads=log.files,
        listings=log.listings,
    )
