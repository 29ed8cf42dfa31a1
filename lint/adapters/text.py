"""The adapter for Markdown, plain text, reStructuredText and AsciiDoc manuscripts."""

from __future__ import annotations

import dataclasses
import os
import re

from citeaudit.adapters import markers, notes, reflist, sections, suppress
from citeaudit.adapters.authordate import author_date_citations
from citeaudit.adapters.prose import Flavor, mask, without_code
from citeaudit.geometry import blanked
from citeaudit.model import Citation, Document, Edit, Entry, Fix, LineIndex, Note
from citeaudit.problems import problem

_BODY_START = re.compile(
    r"^[ \t#*_>]*(?:abstract|summary|keywords|introduction|\d+\.?\s+introduction)\b", re.I | re.M
)
_FIRST_LINE = re.compile(r"\s*(\S[^\n]*)")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]", re.M)
_PARAGRAPH = re.compile(r"(?:^[^\n]*\S[^\n]*(?:\n|$))+", re.M)
_SYNTAXES: dict[str, tuple[str, ...]] = {
    "markdown": ("html",),
    "plain": ("html",),
    "rst": ("rst", "html"),
    "asciidoc": ("html",),
}


def parse_text(path: str, text: str, flavor: Flavor) -> Document:
    index = LineIndex(text)
    # Suppressions see the prose mask's first layer (code blanked, comments kept).
    code = without_code(text, flavor)
    prose = mask(text, flavor, code)
    if flavor == "markdown" and "---" in text:
        prose = _blank_metadata(text, prose)
    doc = Document(path=path, format=flavor, text=text, lines=index, prose=prose)
    doc.suppressions = suppress.find(text, index, _SYNTAXES[flavor], flavor, code)

    # The headings are found once and read twice: for the sections, then to trim them.
    all_headings = sections.headings(prose, flavor)
    found = reflist.trim_sections(all_headings, sections.reference_sections(prose, all_headings))
    raw_entries = _entries(text, found, doc)
    if not raw_entries:
        trailing = sections.numbered_run(text)
        if trailing:
            raw_entries = sections.numbered_entries(text, *trailing)
            doc.references = index.span(*trailing)
            doc.list_style = "numbered"
            found = [sections.Section(None, trailing[0], trailing[1], "references")]
            doc.notes_list = "<sup>" in text[trailing[0] : trailing[0] + 40].lower()
    if not raw_entries:
        raw_entries, found = _trailing_list(doc, found)
    doc.entries = [_parse_entry(text, index, raw) for raw in raw_entries]
    if doc.list_style == "unnumbered":
        doc.entries = reflist.inherit_authors(doc.entries, index)

    markdown = flavor == "markdown"
    definitions = notes.definitions(prose, index) if markdown else []
    colonless = notes.colonless_notes(prose, index) if markdown else []
    # Blanked by slices: listing the text's characters and joining them again cost more
    # than all the blanking.
    hidden = [(s.heading.start if s.heading else s.start, s.end) for s in found]
    hidden += [(note.span.start, note.span.end) for note in definitions + colonless]
    body_text = blanked(prose, hidden)

    # Numbers above 999 are citations when the list runs that high ([1999] is otherwise a year).
    highest = max((int(e.label or 0) for e in doc.entries if (e.label or "").isdigit()), default=0)
    citations, malformed = markers.numeric_citations(
        body_text, index, skip_sup_before=_title_block_end(prose), max_number=highest
    )
    doc.citations = citations + author_date_citations(body_text, index, list_style=doc.list_style)
    if markdown:
        doc.citations += _pandoc(doc, body_text)
    doc.citations.sort(key=lambda c: c.span.start)
    malformed += list(markers.malformed_markers(body_text))
    if markdown:
        malformed += _notes(doc, text, prose, definitions)
        _note_citations(doc, colonless, body_text)
    for bad in malformed:
        span = index.span(bad.start, bad.end)
        written = text[bad.start : bad.end]
        fix = None
        # Replacements are read from the masked prose: offer one only where that is the text.
        if bad.replacement is not None and prose[bad.start : bad.end] == written:
            fix = Fix(bad.fix_title, (Edit(bad.start, bad.end, bad.replacement),), "safe")
        doc.problems.append(problem(path, span, "CIT007", bad.message, written, fix=fix))
    return doc


def _pandoc(doc: Document, body: str) -> list[Citation]:
    """Pandoc `[@key]` citations, the bibliography the metadata names, and `nocite:` keys.
    Bare `@key` in running text is added later, once it is known that the document cites
    by key (see `citeaudit.bibliography`)."""
    from citeaudit.adapters import pandoc

    folder = os.path.dirname(doc.path)
    for value in pandoc.front_matter_bibliographies(doc.text):
        path = os.path.join(folder, value.text)
        if path not in doc.bibliographies:
            doc.bibliographies.append(path)
            doc.bibliography_spans[path] = doc.span(value.start, value.end)
    from citeaudit.frontmatter import read_metadata

    for start, _, why in read_metadata(doc.text).broken:
        # Pandoc stops on it; here its `bibliography:` would silently go unused.
        doc.problems.append(
            problem(
                doc.path,
                doc.span(start, start + 3),
                "IO001",
                f"the metadata block is not valid YAML ({why}); pandoc refuses it, and its "
                "bibliography and nocite are not used",
                "metadata block",
            )
        )
    found = pandoc.find_pandoc_citations(body, doc.text, doc.lines, bare=False)
    for key in pandoc.front_matter_nocite(doc.text):
        # `nocite:` cites its keys without printing a marker: they count as cited.
        span = doc.span(key.start, key.end)
        raw = doc.text[key.start : key.end]
        found.append(Citation(span, "key", (key.text,), raw, form="nocite", label_spans=(span,)))
    return found


def _blank_metadata(text: str, prose: str) -> str:
    """Metadata blocks after the top of the file (after a `%` title block, or a blank
    line) are YAML, not prose."""
    from citeaudit.frontmatter import read_metadata

    blocks = read_metadata(text).blocks
    if not blocks:
        return prose
    return blanked(prose, blocks)


def _notes(
    doc: Document, text: str, prose: str, definitions: list[Note]
) -> list[markers.Malformed]:
    """Footnotes (a Markdown extension): definitions, markers, and definitions that lack
    their colon, which are reported once as malformed rather than again as markers."""
    colonless = [
        # Among several colon-less definitions each is a definition beyond doubt: add the colon.
        dataclasses.replace(
            bad,
            replacement=f"{text[bad.start : bad.end]}:",
            fix_title=f"Add the colon: {text[bad.start : bad.end].strip()}:",
        )
        for bad in notes.colonless_definitions(prose) or _single_colonless(prose, definitions)
    ]
    doc.notes = definitions
    starts = {n.span.start for n in definitions} | {bad.start for bad in colonless}
    doc.note_refs = markers.note_refs(prose, doc.lines, starts)
    return colonless


def _single_colonless(prose: str, definitions: list[Note]) -> list[markers.Malformed]:
    """One line-opening `[^x] Text` is a definition that lost its colon when `[^x]` is
    referenced elsewhere and defined nowhere; otherwise it may be a marker."""
    found = list(notes._NO_COLON.finditer(prose))
    if len(found) != 1:
        return []
    m = found[0]
    label = m.group("label")
    marker = re.compile(rf"\[\^{re.escape(label)}\](?!:)")
    elsewhere = [r for r in marker.finditer(prose) if r.start() != m.start()]
    if label in {n.label for n in definitions} or not elsewhere:
        return []
    end = m.start() + len(m.group(0).rstrip())
    return [
        markers.Malformed(
            m.start(), end, f"note definition [^{label}] has no colon after the label"
        )
    ]


def _note_citations(doc: Document, colonless: list[Note], body: str) -> None:
    """Chicago notes: the citations inside footnotes, inline notes and definitions that
    lack their colon; and the bibliography page a notes document names, if any."""
    inline = notes.inline_notes(body, doc.lines)
    doc.notes = sorted(doc.notes + colonless + inline, key=lambda n: n.span.start)
    if not doc.notes:
        return  # the notes parser compiles many patterns: a document without notes skips it
    from citeaudit.adapters.notecites import note_citations

    found = note_citations(doc, doc.notes)
    if not found:
        return
    doc.citations = sorted(doc.citations + found, key=lambda c: c.span.start)
    if not doc.entries:
        _bibliography_page(doc)


def _bibliography_page(doc: Document) -> None:
    """A notes document whose bibliography is a page of its own: named in the front
    matter (`bibliography: bibliography.md`) or beside it as `NAME.bibliography.md`."""
    pages = [b for b in doc.bibliographies if b.endswith((".md", ".markdown", ".txt"))]
    stem = os.path.splitext(doc.path)[0]
    if not pages and not stem.endswith(".bibliography"):
        pages = [p for p in (f"{stem}.bibliography.md",) if os.path.isfile(p)]
    if not pages:
        return
    from citeaudit.load import load

    doc.bibliographies = [b for b in doc.bibliographies if b not in pages]
    for page in pages:
        if not os.path.isfile(page):
            message = f"bibliography page {page} named in the front matter does not exist"
            doc.problems.append(problem(doc.path, doc.span(0, 0), "IO001", message, page))
            continue
        other = load(page)
        entries = other.entries
        if not entries:
            start = _front_matter_end(other.text)
            raw = sections.unnumbered_entries(other.text, start, len(other.text))
            entries = [_parse_entry(other.text, other.lines, r) for r in raw]
        doc.entries += [dataclasses.replace(e, path=page) for e in entries]
    if doc.entries:
        doc.list_style = "unnumbered"


def _front_matter_end(text: str) -> int:
    m = re.match(r"---\r?\n.*?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", text, re.S)
    return m.end() if m else 0


def _entries(text: str, found: list[sections.Section], doc: Document) -> list[sections.RawEntry]:
    numbered = [e for s in found for e in sections.numbered_entries(text, s.start, s.end)]
    if numbered:
        doc.list_style = "numbered"
        chosen = [s for s in found if sections.numbered_entries(text, s.start, s.end)]
    else:
        chosen = [s for s in found if s.kind == "references"]
        numbered = [e for s in chosen for e in sections.unnumbered_entries(text, s.start, s.end)]
        doc.list_style = "unnumbered" if numbered else None
    doc.notes_list = bool(chosen) and all(s.kind == "notes" for s in chosen)
    if chosen:
        doc.references = doc.lines.span(chosen[0].start, chosen[-1].end)
    return numbered


def _trailing_list(
    doc: Document, found: list[sections.Section]
) -> tuple[list[sections.RawEntry], list[sections.Section]]:
    """An unnumbered list with no heading: a run of references that ends the document."""
    run = reflist.trailing_run(doc.text)
    if run is None:
        return [], found
    doc.references = doc.lines.span(*run)
    doc.list_style = "unnumbered"
    return sections.unnumbered_entries(doc.text, *run), [
        *found,
        sections.Section(None, run[0], run[1], "references"),
    ]


def _parse_entry(text: str, index: LineIndex, raw: sections.RawEntry) -> Entry:
    from citeaudit.entries import parse_entry

    label_span = index.span(raw.label_start, raw.label_end) if raw.label else None
    return parse_entry(text, raw.start, raw.end, index, label=raw.label, label_span=label_span)


def _title_block_end(prose: str) -> int:
    """Where the title block (title, authors, affiliations) gives way to the body.

    Superscripts before this point mark affiliations, not citations. Only a document
    that opens with a heading has a title block."""
    head = prose[: min(len(prose), 3000)]
    first = _FIRST_LINE.match(head)
    if not first or not first.group(1).startswith("#"):
        return 0
    candidates = [m.start() for m in _BODY_START.finditer(head)]
    candidates += [m.start() for m in _HEADING.finditer(head, first.end())][:1]
    for m in _PARAGRAPH.finditer(head, first.end()):
        if len(m.group(0).split()) >= 40:
            candidates.append(m.start())
            break
    return min(candidates) if candidates else 0
