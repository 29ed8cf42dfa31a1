"""What the HTML report shows, as plain data for its templates: a page, its blocks of
text, the markers in them, the entries and notes, and the findings placed on each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

SEVERITIES = ("error", "warning", "info")
State = Literal["ok", "finding", "unresolved", "unchecked"]


@dataclass
class RelatedView:
    where: str
    message: str
    href: str | None


@dataclass
class FindingView:
    id: str
    number: int
    code: str
    rule: str
    severity: str
    message: str
    path: str
    line: int
    column: int
    summary: str
    where: str = ""
    related: list[RelatedView] = field(default_factory=list)
    fix: str | None = None
    fix_kind: str | None = None
    # Where the finding is shown: a citation, an entry, a note, the text or the list
    # of findings without a place.
    place: str = "text"
    href: str = ""


@dataclass
class EntryView:
    id: str
    label: str
    raw: str
    line: int
    path: str | None
    pieces: list[Piece] = field(default_factory=list)
    cited_by: list[CiteView] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)
    # Findings elsewhere that name this entry, with what they say about it.
    mentions: list[tuple[FindingView, str]] = field(default_factory=list)
    external: bool = False
    # Findings on this entry that the page of its own file (a .bib) shows, with links.
    elsewhere: list[tuple[FindingView, str]] = field(default_factory=list)


@dataclass
class CiteView:
    id: str
    raw: str
    style: str
    line: int
    column: int
    state: State = "ok"
    entries: list[EntryView] = field(default_factory=list)
    missing: tuple[str, ...] = ()
    findings: list[FindingView] = field(default_factory=list)
    mentions: list[tuple[FindingView, str]] = field(default_factory=list)
    # (entry, the finding that suggests it) for CIT003 and CIT004.
    suggested: list[tuple[EntryView, FindingView]] = field(default_factory=list)
    path: str | None = None
    reason: str = ""  # why an unchecked citation was not checked

    @property
    def worst(self) -> str:
        return _worst(f.severity for f in [*self.findings, *(m[0] for m in self.mentions)])

    @property
    def codes(self) -> list[str]:
        """The codes of the findings about this marker, shown beside it."""
        return list(dict.fromkeys(f.code for f in [*self.findings, *(m[0] for m in self.mentions)]))


@dataclass
class NoteView:
    id: str
    label: str
    line: int
    text: str
    refs: list[NoteRefView] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)


@dataclass
class NoteRefView:
    id: str
    label: str
    raw: str
    line: int
    note: NoteView | None = None
    findings: list[FindingView] = field(default_factory=list)

    @property
    def state(self) -> State:
        if self.note is None:
            return "unresolved"
        return "finding" if self.findings else "ok"


@dataclass
class Piece:
    """A run of text, or a marker with the text it covers."""

    kind: Literal["text", "cite", "noteref", "finding", "line"]
    text: str = ""
    cite: CiteView | None = None
    noteref: NoteRefView | None = None
    finding: FindingView | None = None
    line: int = 0


@dataclass
class Block:
    kind: Literal["para", "heading", "entry", "note"]
    line: int
    pieces: list[Piece]
    level: int = 0
    # The entries and notes whose text this block shows; each is shown once, in the
    # block where it starts (a list of notes can be a reference list too).
    entries: list[EntryView] = field(default_factory=list)
    notes: list[NoteView] = field(default_factory=list)

    @property
    def anchors(self) -> list[str]:
        return [e.id for e in self.entries] + [n.id for n in self.notes]


@dataclass
class PageView:
    path: str
    prefix: str
    format: str
    encoding: str
    blocks: list[Block]
    findings: list[FindingView]
    citations: list[CiteView]
    noterefs: list[NoteRefView]
    external_entries: dict[str, list[EntryView]]
    external_cites: list[CiteView]
    unplaced: list[FindingView]
    notices: list[str]

    @property
    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.findings)
        return {s: counts[s] for s in SEVERITIES}

    @property
    def by_rule(self) -> list[tuple[str, str, str, int]]:
        counts = Counter((f.code, f.rule, f.severity) for f in self.findings)
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return [
            (code, rule, severity, n)
            for (code, rule, severity), n in sorted(
                counts.items(), key=lambda item: (order[item[0][2]], -item[1], item[0][0])
            )
        ]

    @property
    def markers(self) -> int:
        """Citations and footnote markers: both point a reader to a source."""
        return len(self.citations) + len(self.noterefs)

    @property
    def states(self) -> dict[str, int]:
        counts = Counter([*(c.state for c in self.citations), *(r.state for r in self.noterefs)])
        return {s: counts[s] for s in ("ok", "finding", "unresolved", "unchecked")}

    @property
    def worst_rule(self) -> tuple[str, str, str, int] | None:
        return self.by_rule[0] if self.by_rule else None


def _worst(severities: Iterable[str]) -> str:
    found = set(severities)
    return next((s for s in SEVERITIES if s in found), "")
