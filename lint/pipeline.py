"""Check one file from start to finish: load (read, decode, parse, attach bibliographies),
link, rules and the document filter. Workers of `--jobs` run this, so what goes in and
out is plain, picklable data.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from citeaudit.config import Settings
from citeaudit.model import Diagnostic, Document, Places


@dataclass(frozen=True)
class Task:
    """One file to check, and what the check needs to know (picklable, for workers)."""

    path: str
    settings: Settings
    enabled: frozenset[str]
    data: bytes | None = None  # None: read the file from disk
    keep_document: bool = False  # a later stage (fixes) needs the whole document
    # The HTML report: the document comes back pickled, so the main process can put it
    # on disk without unpickling it, and read back one at a time when it writes the pages.
    pickle_document: bool = False
    unreadable: str | None = None  # a folder the walk could not read, and why
    # Found by a folder walk, not named by the user: read only inside the project (a
    # symbolic link a pull request adds may point anywhere).
    confined: bool = False


@dataclass(frozen=True)
class DocumentRefs:
    """Which files a document cites into (its bibliographies, and the files its entries
    and citations come from), and of those the files its entries come from: the HTML
    report places another file's findings, and links a .bib's page, by them."""

    cites_into: frozenset[str]
    entry_files: frozenset[str]

    @classmethod
    def of(cls, doc: Document) -> DocumentRefs:
        entry_files = {e.path for e in doc.entries if e.path is not None}
        cites = {c.path for c in doc.citations if c.path is not None}
        return cls(
            cites_into=frozenset({*doc.bibliographies, *entry_files, *cites}),
            entry_files=frozenset(entry_files - {doc.path}),
        )


@dataclass
class FileResult:
    """One file's findings, and what the report and the cache keep of the check."""

    path: str
    diagnostics: list[Diagnostic]
    # The checked text, kept only where a report shows source lines (files with findings),
    # and compressed: a run over a thousand manuscripts must not hold a thousand texts.
    packed: bytes | None = None
    document: Document | None = None
    # How to name a line for a person, for formats whose lines are not text lines (Word).
    places: Places | None = None
    # What the check read besides the file: for the cache.
    reads: dict[str, str] = field(default_factory=dict)
    listings: dict[str, list[str]] = field(default_factory=dict)
    # The bibliography files the document uses (absolute paths): whether one is a
    # manuscript's own depends on the other manuscripts of the run (CIT002).
    bibliographies: list[str] = field(default_factory=list)
    # With `Task.pickle_document`: the pickled document, and what the HTML report must
    # know of every document before it reads any back.
    pickled: bytes | None = None
    refs: DocumentRefs | None = None

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


def load_document(
    path: str, data: bytes | None, settings: Settings, *, confined: bool = False
) -> Document:
    """The load stage: a parsed document with its bibliographies attached. What the
    manuscript names (includes, bibliographies) is read only inside its project."""
    from citeaudit.bibliography import attach_bibliographies
    from citeaudit.load import load

    with project_scope(path, settings):
        doc = load(path, data, confined=confined)
        attach_bibliographies(doc, settings)
    return doc


def project_scope(path: str, settings: Settings) -> AbstractContextManager[None]:
    """Reads a manuscript names (or a link found in a walk) stay inside its project."""
    from citeaudit.fileio import Scope, project_roots, scope

    config_root = settings.root if settings.source else None
    return scope(Scope(project_roots(path, config_root), settings.allow_outside_root))


def unreadable(path: str, message: str) -> Document:
    from citeaudit.model import LineIndex
    from citeaudit.problems import problem

    doc = Document(path=path, format="unknown", text="", lines=LineIndex(""), certain=False)
    doc.problems.append(problem(path, doc.span(0, 0), "IO001", message))
    return doc


def check_file(task: Task) -> FileResult:
    from citeaudit.engine import check
    from citeaudit.readlog import recording

    with recording() as log:
        if task.unreadable is not None:
            doc = unreadable(task.path, task.unreadable)
        else:
            doc = load_document(task.path, task.data, task.settings, confined=task.confined)
    found = check(doc, task.settings, set(task.enabled))
    pickled = refs = None
    if task.pickle_document:
        import pickle

        pickled = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
        refs = DocumentRefs.of(doc)
    return FileResult(
        path=doc.path,
        diagnostics=found,
        # A Word file's lines are shown as the reader sees its paragraphs.
        # (The HTML report shows the document itself instead.)
        packed=pack(doc.places.display_text() if doc.places else doc.text)
        if (found or task.keep_document) and not task.pickle_document
        else None,
        places=doc.places,
        document=doc if task.keep_document else None,
        reads=log.files,
        listings=log.listings,
        bibliographies=[os.path.abspath(b) for b in doc.bibliographies],
        pickled=pickled,
        refs=refs,
    )
