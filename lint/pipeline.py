"""Check one file from start to finish: load (read, decode, parse, attach bibliographies),
link, rules and the document filter. Workers of `--jobs` run this, so what goes in and
out is plain, picklable data.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator, Mapping
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
    # The checked text, kept only where a report shows source lines (files with findings),
    # and compressed: a run over a thousand manuscripts must not hold a thousand texts.
    packed: bytes | None = None
    document: Document | None = None
    # What the check read besides the file: for the cache.
    reads: dict[str, str] = field(default_factory=dict)
    listings: dict[str, list[str]] = field(default_factory=dict)
    cached: bool = False
    # The bibliography files the document uses (absolute paths): whether one is a
    # manuscript's own depends on the other manuscripts of the run (CIT002).
    bibliographies: list[str] = field(default_factory=list)

    @property
    def text(self) -> str | None:
        if self.packed is None:
            return None
        return zlib.decompress(self.packed).decode("utf-8", "surrogatepass")


def pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


class Sources(Mapping[str, str]):
    """The checked texts by path, unpacked on demand (one at a time is kept unpacked:
    reporters walk the findings file by file)."""

    def __init__(self, results: Iterator[FileResult] | list[FileResult]) -> None:
        self._packed = {r.path: r.packed for r in results if r.packed is not None}
        self._last: tuple[str, str] | None = None

    def __getitem__(self, path: str) -> str:
        if self._last is None or self._last[0] != path:
            self._last = (
                path,
                zlib.decompress(self._packed[path]).decode("utf-8", "surrogatepass"),
            )
        return self._last[1]

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


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
        packed=pack(doc.text) if found or task.keep_document else None,
        document=doc if task.keep_document else None,
        reads=log.files,
        listings=log.listings,
        bibliographies=[os.path.abspath(b) for b in doc.bibliographies],
    )
