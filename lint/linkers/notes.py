"""Chicago notes: each citation inside a footnote resolved to its source.

A full note resolves to the bibliography entry of the same work when the manuscript has
a bibliography, otherwise to itself (a synthetic entry of kind "note", shared by every
later full citation of the same work). A short form resolves to the bibliography entry
or to the earlier full note it abbreviates; Ibid. to whatever the citation before it
resolved to. Notes are taken in the order the reader meets them: a footnote where it is
first referenced, an inline note where it stands.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from citeaudit.link import Link
from citeaudit.model import Citation, Document, Entry, Field, Note
from citeaudit.normalize import family_names, fold, words


@dataclass
class _Work:
    entry: Entry
    citation: Citation  # its first full citation
    families: set[str]
    title: list[str]
    year: str | None
    raw: list[str] = field(default_factory=list)  # the entry's words, for unparsed entries


@dataclass
class _State:
    doc: Document
    bib: list[_Work]
    works: list[_Work] = field(default_factory=list)
    # Full citations still to come, for a short form that comes before its full note.
    later: list[Citation] = field(default_factory=list)
    # The folded text of the notes read so far: a full citation this parser could not
    # read is still there, and a short form that finds its words there is no orphan.
    read: list[tuple[str, str]] = field(default_factory=list)
    # The books that cited chapters and speeches are in, by the chapter's author.
    books: list[_Work] = field(default_factory=list)
    # The first full citation of each work (by the id of its entry).
    first_full: dict[int, Citation] = field(default_factory=dict)
    # Labels of notes that no marker references (renderers drop them).
    unreferenced: set[str] = field(default_factory=set)


def link(doc: Document, citations: Sequence[Citation]) -> list[Link]:
    by_note: dict[str, list[Citation]] = defaultdict(list)
    for citation in citations:
        by_note[citation.note_label or ""].append(citation)
    listed = doc.list_style == "unnumbered" or (doc.list_style == "numbered" and not doc.notes_list)
    # A "References" heading over the note definitions themselves is no bibliography.
    defined = [(n.span.start, n.span.end) for n in doc.notes if not n.inline]
    entries = [
        e
        for e in doc.entries
        if e.path or not any(s < e.span.end and e.span.start < t for s, t in defined)
    ]
    bib = _bibliography(entries) if listed else []
    state = _State(doc, bib)
    referenced = {ref.label for ref in doc.note_refs}
    state.unreferenced = {
        n.label for n in doc.notes if not (n.inline or n.malformed or n.label in referenced)
    }
    ordered = reading_order(doc)
    state.later = [c for n in ordered for c in by_note.get(n.label, []) if c.kind == "full"]
    links: list[Link] = []
    previous: tuple[Note, list[Link]] | None = None
    for note in ordered:
        here: list[Link] = []
        for citation in by_note.get(note.label, []):
            if citation.kind == "ibid":
                found = _ibid(citation, here, previous)
            elif citation.kind in ("full", "letter"):
                if citation in state.later:
                    state.later.remove(citation)
                found = _full(state, citation)
            else:
                found = _short(state, citation)
            here.append(found)
        links += here
        previous = (note, here)
        state.read.append((note.label, fold(note.text)))
    return links


def note_name(label: str | None) -> str:
    """How a message names a note: `note [^12]`, `footnote 3` (LaTeX), `inline note 2`."""
    label = label or "?"
    if label.startswith("footnote-"):
        return f"footnote {label.removeprefix('footnote-')}"
    if label.startswith("^"):
        return f"inline note {label[1:]}"
    return f"note [^{label}]"


def reading_order(doc: Document) -> list[Note]:
    """Notes as numbered in the output: a labelled note at its first reference (pandoc
    numbers notes so), an inline or colon-less note where it stands; notes never
    referenced last, in the order they are defined."""
    first: dict[str, int] = {}
    for ref in doc.note_refs:
        first.setdefault(ref.label, ref.span.start)
    seen: set[str] = set()
    keyed: list[tuple[int, int, Note]] = []
    for note in doc.notes:
        if note.label in seen:
            continue  # a label defined twice: the first definition is the note
        seen.add(note.label)
        if note.inline or note.malformed:
            keyed.append((0, note.span.start, note))
        elif note.label in first:
            keyed.append((0, first[note.label], note))
        else:
            keyed.append((1, note.span.start, note))
    return [n for _, _, n in sorted(keyed, key=lambda k: (k[0], k[1]))]


def _ibid(citation: Citation, here: list[Link], previous: tuple[Note, list[Link]] | None) -> Link:
    if here:
        return _follow(citation, here[-1])
    if previous is None:
        return Link(
            citation,
            "Ibid.",
            None,
            why="Ibid. in the first note has no earlier citation to refer back to",
            span=citation.span,
            problem="ambiguous-ibid",
        )
    note, before = previous
    sources = [f for f in before if f.entry is not None or f.problem == "ambiguous"]
    if len(before) == 1:
        return _follow(citation, before[0])
    if not before:
        # The note before cites nothing this parser can read: say so, never guess.
        return Link(
            citation,
            "Ibid.",
            None,
            why=f"Ibid. follows {note_name(note.label)}, in which no citation could be read",
            span=citation.span,
            checked=False,
        )
    names = "; ".join(f.citation.targets[0] for f in before[:3])
    return Link(
        citation,
        "Ibid.",
        None,
        near=tuple(f.entry for f in sources if f.entry is not None),
        why=(
            f"Ibid. follows {note_name(note.label)}, which cites {len(before)} sources "
            f"({names}): it cannot tell which one it means"
        ),
        span=citation.span,
        problem="ambiguous-ibid",
    )


def _follow(citation: Citation, antecedent: Link) -> Link:
    return Link(
        citation,
        "Ibid.",
        antecedent.entry,
        near=antecedent.near,
        why=antecedent.why if antecedent.entry is None else "",
        span=citation.span,
        checked=antecedent.checked,
        problem="" if antecedent.entry is not None else antecedent.problem,
    )


def _full(state: _State, citation: Citation) -> Link:
    families = _families(citation.authors)
    title = words(citation.title or "")
    target = citation.targets[0]
    if citation.kind == "letter":  # a document complete in itself; nothing abbreviates it
        return Link(citation, target, _synthetic(citation), span=citation.span)
    match = next((w for w in state.bib if _same_work(families, title, w)), None)
    if match is None:
        # A note copied from the entry (`Press Records - History of UNM Press,, 1950-1959,
        # Box: 14.`): its opening words are the entry's.
        head = words(citation.raw, keep_stop_words=True)[:8]
        match = next((w for w in state.bib if len(head) >= 5 and _contains(w.raw, head)), None)
    if match is None:
        match = next((w for w in state.bib if _in_raw(citation, families, title, w)), None)
    if match is not None:
        state.works.append(_Work(match.entry, citation, families, title, citation.year))
        return _repeat_checked(state, citation, match.entry)
    for work in state.works:
        if _same_work(families, title, work):
            return _repeat_checked(state, citation, work.entry)
    entry = _synthetic(citation)
    state.works.append(_Work(entry, citation, families, title, citation.year))
    if citation.container:
        # The collection a speech or chapter is in: later short forms may name it.
        book = _synthetic(citation, citation.container)
        state.books.append(_Work(book, citation, families, words(citation.container), None))
    return _repeat_checked(state, citation, entry)


def _repeat_checked(state: _State, citation: Citation, entry: Entry) -> Link:
    """A work cited in full a second time, in another note, with its publication facts
    again: Chicago gives the later citations in short form."""
    target = citation.targets[0]
    first = state.first_full.setdefault(id(entry), citation)
    if (
        first is citation
        or first.note_label == citation.note_label
        or not citation.authors
        or not citation.year
        or citation.note_label in state.unreferenced
    ):
        return Link(citation, target, entry, span=citation.span)
    return Link(
        citation,
        target,
        entry,
        why=(
            f"'{target}' is cited in full again; {note_name(first.note_label)} already gives "
            "the full citation, so a short form will do"
        ),
        span=citation.span,
        problem="repeated",
    )


def _same_work(families: set[str], title: list[str], work: _Work) -> bool:
    if families and work.families and not families & work.families:
        return False
    if not title or not work.title:
        return False
    if not (families and work.families):  # authorless: the title is all there is
        return title == work.title
    # Two full citations (or a note and an entry) of one work: the same title, perhaps
    # with or without its subtitle.
    shorter, longer = sorted((title, work.title), key=len)
    return longer[: len(shorter)] == shorter and (len(shorter) >= 2 or len(longer) == 1)


def _in_raw(citation: Citation, families: set[str], title: list[str], work: _Work) -> bool:
    """An entry whose fields were parsed badly or not at all (`*Miracle on the Mesa* by
    William E. Davis`, `———. *Sacred Scripture*`): the note's whole title is in its
    text, its author is the entry's, and so is its year."""
    written = words(citation.title or "", keep_stop_words=True)
    if len(title) < 2 or not _contains(work.raw, written):
        return False
    if families and work.families and not families & work.families:
        return False
    if families and not work.families and not families <= set(work.raw):
        return False
    if not families and len(title) < 3:
        return False
    return not citation.year or citation.year in work.entry.raw


def _title_fits(short: list[str], full: list[str]) -> bool:
    """A short title is the full title's main words, cut down: most of its words are in
    the full title, and its first word opens it or comes early."""
    if not short or not full:
        return False
    inside = sum(1 for w in short if w in full)
    return inside >= max(1, round(0.8 * len(short))) and short[0] in full[:4]


def _short(state: _State, citation: Citation) -> Link:
    families = _families(citation.authors)
    title = words(citation.title or "")
    target = citation.targets[0]
    for pool, source in ((state.bib, "bibliography"), (state.works, "notes")):
        found = _match_short(state, citation, families, title, pool, source)
        if found is not None:
            return found
    book = _in_known_book(state, citation, families)
    if book is not None:
        # `Phillips, "The Boston Mob," in *Speeches, Lectures and Letters*, 225`: a new
        # piece of a book already cited in full.
        return Link(citation, target, book.entry, span=citation.span)
    known = [w for w in state.bib + state.works if families & w.families]
    if not families or known:
        # A title alone, or a new title of an author cited before (a speech in a
        # collection cited in full, a chapter of an edited book): too little to call
        # the short form an orphan.
        return Link(
            citation,
            target,
            None,
            why=f"short form '{target}' matches no earlier full citation by title",
            span=citation.span,
            checked=False,
        )
    unread = _in_earlier_text(state, citation)
    if unread is not None:
        return Link(
            citation,
            target,
            None,
            why=f"short form '{target}' seems to abbreviate {note_name(unread)}, whose "
            "citation could not be read",
            span=citation.span,
            checked=False,
        )
    later = next(
        (
            c
            for c in state.later
            if _same_work(families, title, _pseudo(c)) or _author_only(families, title, c)
        ),
        None,
    )
    where = f"; its full citation comes later, in {note_name(later.note_label)}" if later else ""
    return Link(
        citation,
        target,
        None,
        why=(
            f"short form '{target}' has no earlier full citation and no bibliography entry{where}"
        ),
        span=citation.span,
        problem="orphan",
    )


def _in_known_book(state: _State, citation: Citation, families: set[str]) -> _Work | None:
    container = words(citation.container or citation.title or "")
    if not container or not families:
        return None
    for work in _distinct(state.bib + state.works + state.books):
        if (
            families & work.families
            and _title_fits(container, work.title)
            and _title_fits(work.title, container)
        ):
            return work
    return None


def _in_earlier_text(state: _State, citation: Citation) -> str | None:
    """The label of an earlier note whose text names the short form's author and holds
    its title's words, read as plain text."""
    names = [fold(a) for a in citation.authors]
    title = words(citation.title or "")
    for label, text in reversed(state.read):
        if names and not all(re.search(rf"\b{re.escape(n)}\b", text) for n in names):
            continue
        if title and not all(w in text for w in title):
            continue
        if names or title:
            return label
    return None


def _author_only(families: set[str], title: list[str], c: Citation) -> bool:
    return not title and bool(families & _families(c.authors))


def _pseudo(c: Citation) -> _Work:
    return _Work(_synthetic(c), c, _families(c.authors), words(c.title or ""), c.year)


def _match_short(
    state: _State,
    citation: Citation,
    families: set[str],
    title: list[str],
    pool: list[_Work],
    source: str,
) -> Link | None:
    target = citation.targets[0]
    distinct = _distinct(pool)
    by_author = [w for w in distinct if families and families & w.families]
    by_title = [w for w in distinct if title and _title_fits(title, w.title)]
    if families and title:
        both = [w for w in by_author if w in by_title]
        if both:
            return _year_checked(citation, both[0], source)
        if len(by_title) == 1 and not by_author and (len(title) >= 2 or title == by_title[0].title):
            work = by_title[0]
            return _mismatch(
                citation,
                work,
                f"short form '{target}' names {_names(citation.authors)}, but "
                f"{_where(work, source)} has {_names(work.citation.authors or work.entry.authors)}",
            )
        if (
            len(by_author) == 1
            and not by_title
            and _resembles(citation.title, work_title(by_author[0]))
        ):
            work = by_author[0]
            if _in_earlier_text(state, citation) is not None:
                return None  # the title is in an earlier note this parser could not read
            return _mismatch(
                citation,
                work,
                f"short title '{citation.title}' does not match the title "
                f"'{work.entry.title or work.citation.title}' of {_where(work, source)}",
            )
        return None
    if title:  # a title-only short form: `*Joseph Mazzini,* xi`
        return _year_checked(citation, by_title[0], source) if len(by_title) == 1 else None
    if citation.year:
        dated = [w for w in by_author if w.year == citation.year]
        if len(dated) == 1:
            return Link(citation, target, dated[0].entry, span=citation.span)
        if len(by_author) == 1 and not dated:
            return _year_checked(citation, by_author[0], source)
    if len(by_author) == 1:
        return Link(citation, target, by_author[0].entry, span=citation.span)
    if len(by_author) > 1:
        listed = "; ".join(f"'{w.citation.title or w.entry.title}'" for w in by_author[:3])
        return Link(
            citation,
            target,
            None,
            near=tuple(w.entry for w in by_author),
            why=(
                f"short form '{target}' fits {len(by_author)} works cited earlier "
                f"({listed}): add the short title"
            ),
            span=citation.span,
            problem="ambiguous",
        )
    return None


def work_title(work: _Work) -> str:
    return work.entry.title or work.citation.title or ""


def _resembles(short: str | None, full: str) -> bool:
    """A short title that is a garbled form of the full one, not another work's title."""
    a, b = fold(short or ""), fold(full)
    return bool(a and b) and SequenceMatcher(None, a, b[: len(a) + 10]).ratio() >= 0.6


def _distinct(pool: list[_Work]) -> list[_Work]:
    seen: set[int] = set()
    out = []
    for work in pool:
        if id(work.entry) not in seen:
            seen.add(id(work.entry))
            out.append(work)
    return out


def _year_checked(citation: Citation, work: _Work, source: str) -> Link:
    if citation.year and work.year and citation.year != work.year:
        return _mismatch(
            citation,
            work,
            f"short form '{citation.targets[0]}' has year {citation.year}, but "
            f"{_where(work, source)} has {work.year}",
        )
    return Link(citation, citation.targets[0], work.entry, span=citation.span)


def _mismatch(citation: Citation, work: _Work, why: str) -> Link:
    return Link(
        citation,
        citation.targets[0],
        work.entry,
        why=why,
        span=citation.span,
        problem="mismatch",
    )


def _where(work: _Work, source: str) -> str:
    if source == "bibliography":
        return "its bibliography entry"
    return f"the full citation in {note_name(work.citation.note_label)}"


def _names(authors: tuple[str, ...]) -> str:
    return " and ".join(f"'{a}'" for a in authors[:2]) or "no author"


def _families(authors: tuple[str, ...]) -> set[str]:
    found = family_names(tuple(a for a in authors if a))
    # `Marx and Engels` in a short form: each is a family name already.
    return {fold(f) for f in found}


def _bibliography(entries: list[Entry]) -> list[_Work]:
    """The entries as works; `———.` repeats the author of the entry before it."""
    works: list[_Work] = []
    for entry in entries:
        families = _families(entry.authors)
        if not families and works and re.match(r"\s*(?:———|——|---|__)", entry.raw):
            families = works[-1].families
        works.append(
            _Work(
                entry,
                _entry_citation(entry),
                families,
                words(entry.title or ""),
                entry.year,
                words(entry.raw, keep_stop_words=True),
            )
        )
    return works


def _contains(seq: list[str], sub: list[str]) -> bool:
    n = len(sub)
    return any(seq[i : i + n] == sub for i in range(len(seq) - n + 1))


def _entry_citation(entry: Entry) -> Citation:
    return Citation(
        entry.span, "note", (entry.raw[:60],), entry.raw, authors=entry.authors, title=entry.title
    )


def _synthetic(citation: Citation, title: str | None = None) -> Entry:
    fields = {}
    title = title or citation.title
    if title:
        fields["title"] = Field(title, citation.span)
    if citation.year:
        fields["year"] = Field(citation.year, citation.span)
    return Entry(
        span=citation.span,
        label=None,
        raw=citation.raw,
        fields=fields,
        authors=citation.authors,
        kind="note",
        entry_type=citation.kind,
        path=citation.path,
    )
