"""The document model shared by adapters, rules and reporters.

Offsets index the decoded text; lines and columns are 1-based and count code points.

Every dataclass has a docstring: for a class without one, `@dataclass` writes one from
`inspect.signature` at import, about 60 µs a class that every run pays.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from citeaudit.geometry import Geometry
    from citeaudit.link import Links

Severity = Literal["error", "warning", "info"]
Applicability = Literal["safe", "unsafe"]


@dataclass(frozen=True, slots=True)
class Span:
    """Offsets into the decoded text, and 1-based lines and columns; the end is exclusive."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


class LineIndex:
    """Maps offsets in a text to 1-based line and column numbers."""

    __slots__ = ("length", "starts")

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self.starts = starts
        self.length = len(text)

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        row = bisect.bisect_right(self.starts, offset) - 1
        return row + 1, offset - self.starts[row] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(start, end, line, column, end_line, end_column)

    def line_bounds(self, line: int) -> tuple[int, int]:
        """Offsets of the start of `line` and of its newline (or the end of text)."""
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else self.length
        return start, end


@dataclass(frozen=True, slots=True)
class Field:
    """One parsed field of an entry (author, year, title ...) and where it is written."""

    value: str
    span: Span


CitationStyle = Literal["numeric", "author-date", "key", "note"]


@dataclass(frozen=True, slots=True)
class Citation:
    """One in-text marker. A marker like `[2-4]` has targets ("2", "3", "4")."""

    span: Span
    style: CitationStyle
    targets: tuple[str, ...]
    raw: str
    form: str = "bracket"  # bracket, sup, unicode-sup, pandoc, latex, parenthetical
    locator: str | None = None
    # Spans of the label text of each written target, for fixes ([2-4] has two).
    label_spans: tuple[Span, ...] = ()
    # For author-date citations: the author names and the year as written.
    authors: tuple[str, ...] = ()
    year: str | None = None
    path: str | None = None  # set when the citation lives in an included file
    # For citations inside a footnote (style "note"): the note's label, what kind of
    # citation it is ("full", "short", "ibid", "letter"), and the title as written.
    note_label: str | None = None
    kind: str | None = None
    title: str | None = None
    # The book or journal a cited chapter, speech or article is `in`.
    container: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a reference list or bibliography file."""

    span: Span
    label: str | None  # "3" for numbered lists, the key for BibTeX, None otherwise
    raw: str
    fields: dict[str, Field] = field(default_factory=dict)
    authors: tuple[str, ...] = ()
    label_span: Span | None = None
    kind: str = "text"  # text, bibtex, csl
    entry_type: str | None = None  # BibTeX type, or a guess such as "book", "article"
    confidence: float = 1.0
    path: str | None = None  # set when the entry lives in another file (a .bib)

    def get(self, name: str) -> str | None:
        found = self.fields.get(name)
        return found.value if found else None

    @property
    def year(self) -> str | None:
        return self.get("year")

    @property
    def title(self) -> str | None:
        return self.get("title")


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote definition, and the markers that reference it."""

    label: str
    span: Span
    text: str
    body_span: Span
    # An inline note (`^[...]`, `\footnote{}`) is its own marker: it has no label to
    # reference, define twice or leave unused.
    inline: bool = False
    # A definition written without its colon (`[^3] text`), reported as CIT007; its
    # citations are still read.
    malformed: bool = False


@dataclass(frozen=True, slots=True)
class NoteRef:
    """A footnote marker in the text (`[^3]`), by the label of the note it references."""

    label: str
    span: Span


@dataclass(frozen=True, slots=True)
class Suppression:
    """An inline comment that silences codes on some lines, or in the whole file."""

    span: Span
    codes: tuple[str, ...]  # empty means every code
    target_lines: tuple[int, ...]  # empty with file_wide
    file_wide: bool = False
    path: str | None = None  # set when the comment lives in an included file


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `text[start:end]` with `replacement`."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True)
class Fix:
    """The edits that settle a diagnostic: `--fix` makes safe ones, `--unsafe-fixes` both."""

    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability = "safe"


@dataclass(frozen=True, slots=True)
class Related:
    """Another place a diagnostic points to (the entry a citation should cite, say)."""

    path: str
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Problem:
    """What an adapter found while parsing: a code, a place and a message. The engine
    names it (rule name, default severity) when the rule of its code is enabled; an
    adapter sets `severity` only where it departs from that rule's default."""

    path: str
    span: Span
    code: str
    message: str
    context: str = ""
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding of a rule, as reporters print it."""

    path: str
    span: Span
    code: str
    rule: str
    severity: Severity
    message: str
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    # The text that identifies the finding independent of its line, for baselines.
    context: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.code, self.message)


class Places(Protocol):
    """Names a line in words a reader of the original can find ("paragraph 48",
    "footnote 12"), for formats whose lines are not lines of a text file."""

    def label(self, line: int) -> str: ...

    def display_text(self) -> str:
        """The text as the reader sees it, one line per located line."""
        ...


@dataclass(slots=True)
class Document:
    """A parsed manuscript or bibliography: its text and everything found in it."""

    path: str
    format: str
    text: str
    lines: LineIndex
    # The text with everything that is not prose blanked to spaces, newlines kept.
    prose: str = ""
    citations: list[Citation] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    note_refs: list[NoteRef] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    # Where the reference list sits, if the document has one.
    references: Span | None = None
    list_style: Literal["numbered", "unnumbered", "bibtex"] | None = None
    # The list holds notes (comments, short forms, repeats), not one entry per work.
    notes_list: bool = False
    # Diagnostics found while loading or parsing (IO001, CIT007, BIB001 ...).
    problems: list[Problem] = field(default_factory=list)
    # Bibliography files the document names, resolved to paths.
    bibliographies: list[str] = field(default_factory=list)
    # Where each of `bibliographies` is named in the text (a `bibliography:` value).
    bibliography_spans: dict[str, Span] = field(default_factory=dict)
    # How the bibliography was chosen: "named" by the document, the configured "library",
    # or "found" beside it (`paper.bib` for `paper.md`, or the folder's only .bib).
    bibliography_origin: str | None = None
    # False when the adapter met something it could not parse with confidence;
    # fixes are then withheld.
    certain: bool = True
    encoding: str = "utf-8"
    bom: bool = False
    # Set by the link stage (`citeaudit.link`) before any rule runs.
    links: Links | None = None
    # Prose geometry (the masked texts, sentences, paragraphs, quotations), computed once
    # on first use and shared by the link stage and every rule: `citeaudit.geometry`.
    geometry: Geometry | None = None
    # The decoded text before lone carriage returns were read as newlines, when it
    # differs from `text` (same length, so offsets agree). Fixes are written into it.
    original: str | None = None
    # Set by adapters of non-text formats (Word): how to name a line for a person.
    places: Places | None = None

    def span(self, start: int, end: int) -> Span:
        return self.lines.span(start, end)
