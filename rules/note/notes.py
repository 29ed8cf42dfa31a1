"""NOTE rules: footnote markers and definitions."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator

from citeaudit.link import Link
from citeaudit.model import Diagnostic, Document, NoteRef
from citeaudit.patterns import LazyPattern
from citeaudit.rules import RuleContext, rule


@rule("NOTE001", "undefined-note", "error")
def undefined_note(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a footnote marker (`[^12]`) with no definition (`[^12]: ...`).

    ## Why is this bad?
    Pandoc and most Markdown renderers print an undefined marker as literal text, so the
    reader sees `[^12]` and no note.

    ## Example
    ```markdown
    Kim misled Stalin.[^12]
    ```
    Add `[^12]: ...` with the source, or fix the label.
    """
    defined = {note.label for note in doc.notes if not note.inline and not note.malformed}
    for ref in doc.note_refs:
        if ref.label not in defined:
            yield ctx.diagnostic(
                ref.span, f"note [^{ref.label}] has no definition", context=ref.label
            )


@rule("NOTE002", "unused-note", "warning")
def unused_note(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a footnote definition that no marker references.

    ## Why is this bad?
    Renderers drop unreferenced notes, so the source it holds silently disappears from
    the published text.

    ## Example
    ```markdown
    [^7]: Stueck, *Rethinking the Korean War*, 73.
    ```
    Reference it where it belongs, or delete it.
    """
    used = Counter(ref.label for ref in doc.note_refs)
    for note in doc.notes:
        # An inline note is its own marker; a colon-less definition is CIT007's finding.
        if not used[note.label] and not note.inline and not note.malformed:
            span = doc.span(note.span.start, note.body_span.start)
            message = f"note [^{note.label}] is never referenced"
            if any(ch.isspace() for ch in note.label):
                # Pandoc and kramdown take no label with a space for a note: the marker in
                # the text is printed as it is, so the note is lost, not just unreferenced.
                message = (
                    f"note label [^{note.label}] has a space, which Pandoc and kramdown do not "
                    "accept: its markers are printed as text and the note is dropped; "
                    "use a label without spaces"
                )
            yield ctx.diagnostic(span, message, context=note.text[:80])


def _note_links(ctx: RuleContext, problem: str) -> Iterator[Link]:
    for found in ctx.links.of_style("note"):
        if found.problem == problem:
            yield found


def _report(ctx: RuleContext, problem: str, entry_role: str = "") -> Iterator[Diagnostic]:
    """A finding at each note citation the link stage found with `problem`, pointing at
    the entry it was linked to as `entry_role` when there is one."""
    for found in _note_links(ctx, problem):
        related = []
        if entry_role and found.entry is not None:
            related.append(ctx.related(found.entry.span, entry_role, found.entry.path))
        yield ctx.diagnostic(
            found.citation.span, found.why, related=related, path=found.citation.path
        )


@rule("NOTE003", "ambiguous-ibid", "warning")
def ambiguous_ibid(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports an *Ibid.* (or *Id.*) with no single source to refer back to: it follows a
    note that cites several sources, or it opens the first note.

    ## Why is this bad?
    *Ibid.* means "the source of the note just before". After a note with two sources the
    reader cannot tell which one is meant, and notes that get moved or added in editing
    leave an *Ibid.* pointing at the wrong work.

    ## Example
    ```markdown
    [^2]: Sandeen, *The Roots of Fundamentalism*, 3; Marsden, *Fundamentalism*, 16.
    [^3]: Ibid., 45.
    ```
    Write the short form of the source meant: `Marsden, *Fundamentalism*, 45.`
    """
    yield from _report(ctx, "ambiguous-ibid")


@rule("NOTE004", "orphan-short-form", "warning")
def orphan_short_form(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a short-form note (`Surname, *Short Title*, page.` or `Surname, page.`) with
    no earlier full citation of the work and no entry in the bibliography.

    ## Why is this bad?
    A short form only abbreviates a reference given in full elsewhere. Without the full
    note or a bibliography entry the reader has no title, publisher or date to find the
    source by; usually the full note was cut in editing or lives in another chapter.

    ## Example
    ```markdown
    [^1]: Kraditor, *Means and Ends in American Abolitionism*, 59.
    ```
    Give the first citation in full: `Aileen S. Kraditor, *Means and Ends in American
    Abolitionism* (New York: Pantheon, 1969), 59.`
    """
    yield from _report(ctx, "orphan")


_CREDIT = LazyPattern(
    r"\s*(?:photos?|photograph|image|figure|map|illustration|courtesy|credit)s?\b", re.I
)


@rule("NOTE005", "reused-note-label", "warning")
def reused_note_label(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a footnote label referenced more than once (`[^Davis]` in three places),
    once per label, at its second reference.

    ## Why is this bad?
    Pandoc and other renderers print one note for all the references, with one number:
    every later reference points back to the first note and its page. Chicago style
    gives each reference a note of its own, with a short form for a source cited again,
    so the reader sees where in the source each claim comes from. Credit lines (`Photo
    taken by the author`) and numbered notes that form a reference list (each a whole
    work, no page in any note) are left alone.

    ## Example
    ```markdown
    The press opened in 1929.[^Davis] It moved in 1934.[^Davis]

    [^Davis]: William E. Davis, *Miracle on the Mesa* (Albuquerque: UNM Press, 2006), 112.
    ```
    Give the second reference a note of its own: `[^Davis2]: Davis, *Miracle on the
    Mesa*, 140.`
    """
    refs: dict[str, list[NoteRef]] = defaultdict(list)
    for ref in doc.note_refs:
        refs[ref.label].append(ref)
    defined = {note.label for note in doc.notes}
    cites = ctx.links.of_style("note")
    # Numbered notes that each give a whole work, no page anywhere: a reference list in
    # footnote syntax (a converted paper), where a number is meant to be cited again.
    reference_list = all(n.label.isdigit() for n in doc.notes) and not any(
        f.citation.locator for f in cites
    )
    credits = {n.label for n in doc.notes if _CREDIT.match(n.text)}
    for label, found in refs.items():
        # A credit line (`Photo taken by the author`) may well be repeated.
        if len(found) < 2 or label not in defined or label in credits or reference_list:
            continue
        rows = sorted({r.span.line for r in found})
        where = f"line {rows[0]}" if len(rows) == 1 else "lines " + ", ".join(map(str, rows))
        yield ctx.diagnostic(
            found[1].span,
            f"note [^{label}] is referenced {len(found)} times ({where}); it is "
            "printed as one note, so give each reference a note of its own",
            related=[ctx.related(found[0].span, "first referenced here")],
            context=f"[^{label}] x{len(found)}",
        )


@rule("NOTE006", "duplicate-note-label", "error")
def duplicate_note_label(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a footnote label defined twice (`[^7]: ...` in two places).

    ## Why is this bad?
    Renderers keep one of the two definitions and silently drop the other, so one of the
    sources disappears from the published text, and which one depends on the renderer.

    ## Example
    ```markdown
    [^7]: Stueck, *Rethinking the Korean War*, 73.
    [^7]: Cumings, *The Korean War*, 30.
    ```
    Give the second note a label of its own.
    """
    first: dict[str, object] = {}
    for note in doc.notes:
        if note.inline:
            continue
        earlier = first.get(note.label)
        if earlier is None:
            first[note.label] = note
            continue
        span = doc.span(note.span.start, note.body_span.start)
        yield ctx.diagnostic(
            span,
            f"note [^{note.label}] is defined twice; renderers keep only one definition",
            related=[ctx.related(earlier.span, "first defined here")],  # type: ignore[attr-defined]
            context=note.text[:80],
        )


@rule("NOTE007", "short-form-mismatch", "warning")
def short_form_mismatch(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a short-form note whose author, title or year disagrees with the full note or
    bibliography entry it abbreviates.

    ## Why is this bad?
    A short form is how the reader finds the full reference again. A misspelt author or a
    title that matches no earlier note sends them to the wrong work, or to none.

    ## Example
    ```markdown
    [^1]: George M. Marsden, *Fundamentalism and American Culture* (New York: Oxford
        University Press, 2006), 16.
    [^2]: Marsdon, *Fundamentalism and American Culture*, 43.
    ```
    Spell the short form as the full note does: `Marsden, *Fundamentalism*, 43.`
    """
    yield from _report(ctx, "mismatch", "the full reference")


@rule("NOTE008", "ambiguous-short-form", "warning")
def ambiguous_short_form(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a short form that names only an author (`Lenin, 28.`) when the notes have
    cited more than one work by that author.

    ## Why is this bad?
    The reader cannot tell which of the works the page belongs to. Chicago's short form
    adds a short title whenever an author has more than one work in the notes.

    ## Example
    ```markdown
    [^1]: Vladimir I. Lenin, *What Is to Be Done?* (Martino, 2013), 20.
    [^2]: Vladimir I. Lenin, *Collected Works*, vol. 4 (Moscow: Progress, 1977), 380.
    [^3]: Lenin, 28.
    ```
    Add the short title: `Lenin, *What Is to Be Done?*, 28.`
    """
    for found in _note_links(ctx, "ambiguous"):
        if found.citation.kind != "short":
            continue  # an Ibid. after it is the same problem
        related = [ctx.related(e.span, "one of the works", e.path) for e in found.near[:3]]
        yield ctx.diagnostic(
            found.citation.span, found.why, related=related, path=found.citation.path
        )


# Upper case only: `xx` is a roman page number, `[n.p.]` a real abbreviation.
_PLACEHOLDER = LazyPattern(r"\?{2,}|\bXX+\b|\bTK\b|\[(?i:page|pp?\.?)\]")


@rule("NOTE009", "placeholder-locator", "warning")
def placeholder_locator(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a note citation whose page or other part is still a placeholder: `??`, `XX`,
    `TK`, `[page]`.

    ## Why is this bad?
    A placeholder is a note to oneself that the citation is unfinished. Published, it
    tells the reader the author never checked the source.

    ## Example
    ```markdown
    [^11]: Thompson, ??.
    ```
    Look up the page and write it in.
    """
    for found in ctx.links.of_style("note"):
        citation = found.citation
        text = doc.text[citation.span.start : citation.span.end]
        m = _PLACEHOLDER.search(text)
        if m is None:
            continue
        at = citation.span.start + m.start()
        yield ctx.diagnostic(
            doc.span(at, at + len(m.group(0))),
            f"note citation '{citation.targets[0]}' has the placeholder {m.group(0)!r} "
            "where a page or other detail belongs",
            context=citation.raw[:80],
            path=citation.path,
        )


@rule("NOTE010", "repeated-full-citation", "info")
def repeated_full_citation(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a work cited in full, publication facts and all, in a later note after an
    earlier note has already given its full citation.

    ## Why is this bad?
    Chicago gives a work in full once and in short form (`Surname, *Short Title*, page`)
    after that. A repeated full citation lengthens the notes and hides which works are
    new; it is often a note pasted from the bibliography.

    ## Example
    ```markdown
    [^3]: Richard Rothstein, *The Color of Law* (New York: Liveright, 2018), 55.
    [^6]: Richard Rothstein, *The Color of Law* (New York: Liveright, 2018), 81.
    ```
    Write `[^6]: Rothstein, *The Color of Law*, 81.`
    """
    yield from _report(ctx, "repeated", "the full citation")
