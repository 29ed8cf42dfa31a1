"""The annotated view of one manuscript that the HTML report renders.

It places every diagnostic where a reader looks for it: on the citation, the entry or
the note it is about, or at its own span in the text; anything that has no place in
this document's text is listed apart, never dropped. Nothing here builds markup: the
templates do, with autoescaping, so manuscript text is only ever data.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from citeaudit.model import Citation, Diagnostic, Document, Entry, Note, NoteRef, Related, Span
from citeaudit.report.links import linked_entries
from citeaudit.report.views import (
    Block,
    CiteView,
    EntryView,
    FindingView,
    NoteRefView,
    NoteView,
    PageView,
    Piece,
    RelatedView,
)

# Codes whose related entries are where the audit thinks a marker should point.
_SUGGESTING = frozenset({"CIT003", "CIT004"})
# "[8]→[7]" in a CIT004 message, "[8] fits entry [7]" in its related notes.
_REMAP = re.compile(r"\[([^\]\s]+)\]\s*(?:→|fits entry)\s*\[([^\]\s]+)\]")
_BLANK = re.compile(r"\n[ \t\r\f\v]*\n")
_FIRST_LINE = re.compile(r"(?:[ \t\r\f\v]*\n)+")
_MD_HEADING = re.compile(r"#{1,6}(?=\s)")
_TEX_HEADING = re.compile(r"\\(part|chapter|section|subsection|subsubsection)\*?\{")
_RST_UNDERLINE = re.compile(r"([=\-~^\"'`#*+])\1{2,}\s*")


def annotate(
    doc: Document,
    diagnostics: Sequence[Diagnostic],
    summaries: Mapping[str, str],
    prefix: str = "",
) -> PageView:
    """The page of `doc`; `diagnostics` are the findings this page owns."""
    return _Builder(doc, summaries, prefix).build(diagnostics)


class _Builder:
    def __init__(self, doc: Document, summaries: Mapping[str, str], prefix: str) -> None:
        self.doc = doc
        self.summaries = summaries
        self.prefix = prefix
        self.entries: list[tuple[Entry, EntryView]] = []
        self.cites: list[tuple[Citation, CiteView]] = []
        self.notes: dict[str, NoteView] = {}
        self.note_spans: list[tuple[Note, NoteView]] = []
        self.refs: list[tuple[NoteRef, NoteRefView]] = []
        self.free: list[tuple[Span, FindingView]] = []
        self.unplaced: list[FindingView] = []
        self.notices: list[str] = []

    def id(self, kind: str, n: int | str) -> str:
        return f"{self.prefix}{kind}{n}"

    def local(self, path: str | None) -> bool:
        return path is None or path == self.doc.path

    def build(self, diagnostics: Sequence[Diagnostic]) -> PageView:
        doc = self.doc
        labels: dict[str, EntryView] = {}
        table: dict[str, Entry] = {}
        for n, entry in enumerate(doc.entries):
            view = EntryView(
                id=self.id("e", n),
                label=_entry_label(entry),
                raw=entry.raw,
                line=_extent(entry).line,
                path=entry.path,
                external=not self.local(entry.path),
            )
            self.entries.append((entry, view))
            if entry.label is not None:
                labels.setdefault(entry.label, view)
                table.setdefault(entry.label, entry)
        views = {id(e): v for e, v in self.entries}
        unchecked = 0
        # Citations inside notes are shown with their note, which carries their findings.
        body = [c for c in doc.citations if c.style != "note"]
        for n, citation in enumerate(body):
            link = linked_entries(citation, table, doc)
            cite = CiteView(
                id=self.id("c", n),
                raw=citation.raw,
                style=citation.style,
                line=citation.span.line,
                column=citation.span.column,
                # A note links to its first full note when no list entry exists: that
                # synthetic entry has no view of its own.
                entries=[views[id(e)] for e in link.entries if id(e) in views],
                missing=link.missing,
                path=citation.path if not self.local(citation.path) else None,
            )
            if not link.checked and citation.targets != ("*",):
                cite.state, cite.reason = "unchecked", link.reason
                unchecked += 1
            for entry_view in cite.entries:
                entry_view.cited_by.append(cite)
            self.cites.append((citation, cite))
        if unchecked:
            self.notices.append(
                f"{unchecked} citation{'s' if unchecked != 1 else ''} could not be checked "
                "against an entry; they are marked “not checked”, and each says why."
            )
        for n, note in enumerate(doc.notes):
            note_view = NoteView(
                id=self.id("n", n), label=note.label, line=note.span.line, text=note.text
            )
            self.notes.setdefault(note.label, note_view)
            self.note_spans.append((note, note_view))
        for n, ref in enumerate(doc.note_refs):
            ref_view = NoteRefView(
                id=self.id("r", n),
                label=ref.label,
                raw=doc.text[ref.span.start : ref.span.end],
                line=ref.span.line,
                note=self.notes.get(ref.label),
            )
            if ref_view.note is not None:
                ref_view.note.refs.append(ref_view)
            self.refs.append((ref, ref_view))

        findings = [self.finding(n, d) for n, d in enumerate(diagnostics)]
        for d, found in zip(diagnostics, findings, strict=True):
            self.place(d, found)
        for d, found in zip(diagnostics, findings, strict=True):
            self.relate(d, found)
        for _, cite in self.cites:
            if cite.state == "unchecked":
                continue
            if cite.missing:
                cite.state = "unresolved"
            elif cite.findings or cite.mentions:
                cite.state = "finding"
        blocks = self.blocks() if doc.text else []
        external: dict[str, list[EntryView]] = defaultdict(list)
        for entry, view in self.entries:
            if view.external:
                external[entry.path or ""].append(view)
        return PageView(
            path=doc.path,
            prefix=self.prefix,
            format=doc.format,
            encoding=doc.encoding,
            blocks=blocks,
            findings=findings,
            citations=[c for _, c in self.cites],
            noterefs=[r for _, r in self.refs],
            external_entries=dict(external),
            external_cites=[c for _, c in self.cites if c.path is not None],
            unplaced=self.unplaced,
            notices=self.notices,
        )

    def finding(self, n: int, d: Diagnostic) -> FindingView:
        return FindingView(
            id=self.id("f", n),
            number=n + 1,
            code=d.code,
            rule=d.rule,
            severity=d.severity,
            message=d.message,
            path=d.path,
            line=d.span.line,
            column=d.span.column,
            summary=self.summaries.get(d.code, ""),
            where=(
                f"line {d.span.line}:{d.span.column}"
                if d.path == self.doc.path
                else f"{d.path}:{d.span.line}:{d.span.column}"
            ),
            fix=d.fix.message if d.fix else None,
            fix_kind=d.fix.applicability if d.fix else None,
        )

    def place(self, d: Diagnostic, view: FindingView) -> None:
        """Attach a finding to what it is about; its id goes on its first place."""
        span = d.span
        inside = [
            cite
            for citation, cite in self.cites
            if _same_file(citation.path, d.path, self.doc.path)
            and (_within(span, citation.span) or _within(citation.span, span))
        ]
        if inside:
            for cite in inside:
                cite.findings.append(view)
            view.place, view.href = "cite", inside[0].id
            return
        # The innermost of the entries, notes and note markers around the span: a list of
        # notes can also be read as one long entry.
        around: list[tuple[int, EntryView | NoteRefView | NoteView]] = []
        for entry, entry_view in self.entries:
            extent = _extent(entry)
            if _same_file(entry.path, d.path, self.doc.path) and _within(span, extent):
                around.append((extent.end - extent.start, entry_view))
        if d.path == self.doc.path:
            for ref, ref_view in self.refs:
                if _within(span, ref.span):
                    around.append((ref.span.end - ref.span.start, ref_view))
            for note, note_view in self.note_spans:
                if _within(span, note.span):
                    around.append((note.span.end - note.span.start, note_view))
        if around:
            holder = min(around, key=lambda item: item[0])[1]
            holder.findings.append(view)
            view.href = holder.id
            view.place = {EntryView: "entry", NoteRefView: "noteref", NoteView: "note"}[
                type(holder)
            ]
            return
        if d.path == self.doc.path and self.doc.text and span.start < len(self.doc.text):
            self.free.append((span, view))
            view.place, view.href = "text", view.id
            return
        self.unplaced.append(view)
        view.place, view.href = "list", view.id

    def relate(self, d: Diagnostic, view: FindingView) -> None:
        """Related locations become links, and back-links on what they point at."""
        remap = dict(_REMAP.findall(d.message))
        for related in d.related:
            remap.update(_REMAP.findall(related.message))
            target = self.target(related)
            href = target.id if target is not None else self.line_href(related)
            view.related.append(
                RelatedView(
                    where=(
                        f"line {related.span.line}"
                        if related.path == self.doc.path
                        else f"{related.path}:{related.span.line}:{related.span.column}"
                    ),
                    message=related.message,
                    href=href,
                )
            )
            if isinstance(target, EntryView) or (
                isinstance(target, CiteView) and view not in target.findings
            ):
                target.mentions.append((view, related.message))
        if d.code not in _SUGGESTING:
            return
        by_label = {e.label: v for e, v in self.entries if e.label is not None}
        for cite in (c for _, c in self.cites if view in c.findings):
            wanted: list[EntryView] = []
            citation = next(c for c, v in self.cites if v is cite)
            for target_label in citation.targets:
                if target_label in remap and remap[target_label] in by_label:
                    wanted.append(by_label[remap[target_label]])
            if not wanted and d.code == "CIT003":
                for related in d.related:
                    found = self.target(related)
                    if isinstance(found, EntryView) and found not in cite.entries:
                        wanted.append(found)
            for entry_view in wanted:
                if all(entry_view is not e for e, _ in cite.suggested):
                    cite.suggested.append((entry_view, view))

    def target(self, related: Related) -> EntryView | CiteView | None:
        """The innermost citation or entry at a related location."""
        around: list[tuple[int, EntryView | CiteView]] = []
        for citation, cite in self.cites:
            if _same_file(citation.path, related.path, self.doc.path) and _within(
                related.span, citation.span
            ):
                around.append((citation.span.end - citation.span.start, cite))
        for entry, view in self.entries:
            extent = _extent(entry)
            if _same_file(entry.path, related.path, self.doc.path) and _within(
                related.span, extent
            ):
                around.append((extent.end - extent.start, view))
        return min(around, key=lambda item: item[0])[1] if around else None

    def line_href(self, related: Related) -> str | None:
        if related.path == self.doc.path and self.doc.text:
            return self.id("L", related.span.line)
        return None

    # -- the text, cut into blocks --------------------------------------------------

    def blocks(self) -> list[Block]:
        doc = self.doc
        text = doc.text
        lines = doc.lines
        local_entries = [(e, v) for e, v in self.entries if not v.external]
        regions: list[tuple[int, int, EntryView | NoteView]] = []
        for entry, entry_view in local_entries:
            extent = _extent(entry)
            regions.append((extent.start, extent.end, entry_view))
        for note, note_view in self.note_spans:
            regions.append((note.span.start, note.span.end, note_view))
        cuts = {0, len(text)}
        for match in _BLANK.finditer(text):
            cut = match.start() + 1
            # An entry or a note with a blank line inside stays one block.
            if not any(start < cut < end for start, end, _ in regions):
                cuts.add(cut)
        for start, end, _ in regions:
            cuts.add(lines.line_bounds(lines.position(start)[0])[0])
            cuts.add(min(len(text), lines.line_bounds(lines.position(end)[0])[1] + 1))
        ordered = sorted(cuts)
        items = self.inline_items()
        starts = [i[0] for i in items]
        blocks: list[Block] = []
        placed: list[EntryView | NoteView] = []
        for start, end in itertools.pairwise(ordered):
            if not text[start:end].strip():
                continue
            # Blank lines separate blocks; they are not part of one.
            first = _FIRST_LINE.match(text, start, end)
            if first:
                start = first.end()
            while text[end - 1] in " \t\r\n":
                end -= 1
            line = lines.position(start)[0]
            lo = bisect.bisect_left(starts, start)
            # A finding pushed past an overlapping one sits at the block's very end: keep it.
            hi = bisect.bisect_right(starts, end)
            pieces = self.pieces(start, end, items[lo:hi])
            block = Block(kind="para", line=line, pieces=pieces)
            for _, _, region in (r for r in regions if r[0] < end and start < r[1]):
                if any(region is p for p in placed):
                    continue
                placed.append(region)
                if isinstance(region, EntryView):
                    block.entries.append(region)
                else:
                    block.notes.append(region)
            if block.entries:
                block.kind = "entry"
            elif block.notes:
                block.kind = "note"
            else:
                self.heading(block, text[start:end])
            blocks.append(block)
        return blocks

    def heading(self, block: Block, raw: str) -> None:
        stripped = raw.lstrip()
        md = _MD_HEADING.match(stripped)
        tex = _TEX_HEADING.match(stripped)
        first, _, rest = stripped.partition("\n")
        if md and "\n" not in stripped.strip() and self.doc.format == "markdown":
            block.kind, block.level = "heading", len(md.group(0))
        elif tex and self.doc.format == "latex":
            block.kind = "heading"
            block.level = {"part": 1, "chapter": 1, "section": 2, "subsection": 3}.get(
                tex.group(1), 4
            )
        elif (
            self.doc.format == "rst"
            and rest.strip()
            and _RST_UNDERLINE.fullmatch(rest.strip())
            and len(rest.strip()) >= len(first.strip())
        ):
            block.kind, block.level = "heading", 2

    def inline_items(self) -> list[tuple[int, int, Piece]]:
        """Markers and free findings, by position, none overlapping another."""
        raw: list[tuple[int, int, Piece]] = []
        for citation, cite in self.cites:
            if cite.path is None and citation.path is None:
                raw.append((citation.span.start, citation.span.end, Piece("cite", cite=cite)))
        for ref, ref_view in self.refs:
            raw.append((ref.span.start, ref.span.end, Piece("noteref", noteref=ref_view)))
        for span, view in self.free:
            raw.append((span.start, span.end, Piece("finding", finding=view)))
        raw.sort(key=lambda item: (item[0], item[2].kind != "cite", -item[1]))
        placed: list[tuple[int, int, Piece]] = []
        end = -1
        for start, stop, piece in raw:
            if start < end:
                if piece.kind != "finding":
                    continue
                # A finding that overlaps a marker is shown just after it, unhighlighted.
                start = stop = end
            if piece.kind == "finding":
                # Highlighting stops at the paragraph's end; the badge still shows it all.
                blank = _BLANK.search(self.doc.text, start, stop)
                stop = blank.start() if blank else stop
                stop = min(
                    [stop] + [s for s, _, p in raw if start < s < stop and p.kind != "finding"]
                )
            placed.append((start, stop, piece))
            end = max(end, stop)
        return placed

    def pieces(self, start: int, end: int, items: Iterable[tuple[int, int, Piece]]) -> list[Piece]:
        text = self.doc.text
        out: list[Piece] = []
        pos = start
        for item_start, item_end, piece in items:
            item_end = min(item_end, end)
            self._text(out, pos, item_start)
            if item_start >= pos:
                self._anchor(out, item_start)
            piece.text = text[item_start:item_end]
            out.append(piece)
            pos = max(pos, item_end)
        self._text(out, pos, end)
        return out

    def _anchor(self, out: list[Piece], pos: int) -> None:
        """A line anchor at each line start, for links to related locations."""
        if pos == 0 or self.doc.text[pos - 1] == "\n":
            line = self.doc.lines.position(pos)[0]
            if not (out and out[-1].kind == "line" and out[-1].line == line):
                out.append(Piece("line", line=line))

    def _text(self, out: list[Piece], start: int, end: int) -> None:
        text = self.doc.text
        pos = start
        while pos < end:
            self._anchor(out, pos)
            newline = text.find("\n", pos, end)
            stop = end if newline == -1 else newline + 1
            out.append(Piece("text", text=text[pos:stop]))
            pos = stop


def _entry_label(entry: Entry) -> str:
    if entry.label is None:
        return _short(entry.raw, 50)
    return f"[{entry.label}]" if entry.kind == "text" else entry.label


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _extent(entry: Entry) -> Span:
    """The entry with its label: findings and related notes often point at the label."""
    label = entry.label_span
    if label is None or label.start >= entry.span.start:
        return entry.span
    return Span(
        label.start,
        entry.span.end,
        label.line,
        label.column,
        entry.span.end_line,
        entry.span.end_column,
    )


def _same_file(where: str | None, path: str, doc_path: str) -> bool:
    return (where or doc_path) == path


def _within(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and inner.start < outer.end
