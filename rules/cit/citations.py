"""CIT rules: in-text citations against the reference list."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator

from citeaudit.geometry import geometry
from citeaudit.link import Link
from citeaudit.linking import describe, label_text
from citeaudit.model import Citation, Diagnostic, Document, Entry
from citeaudit.normalize import family_names, words
from citeaudit.rules import RuleContext, from_parser, rule


@rule("CIT001", "undefined-citation", "error")
def undefined_citation(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a citation whose number or key matches no entry in the reference list or
    bibliography.

    ## Why is this bad?
    A reader who follows the marker finds nothing. Usually an entry was deleted, the list
    was renumbered, or a key is misspelt.

    ## Example
    ```markdown
    As Cumings argued [16].

    ## References
    [1] Cumings, Bruce. *The Origins of the Korean War*. 1981.
    ```
    Use a number that exists, or add the missing entry.
    """
    links = ctx.links
    numbers = sorted(int(e.label) for e in doc.entries if e.label and e.label.isdigit())
    for found in links.unresolved():
        citation, target = found.citation, found.target
        if citation.style == "note":
            continue  # NOTE003, NOTE004 and NOTE008 say what is wrong with a note citation
        span = found.span or citation.span
        if found.why:
            message, context = found.why, citation.raw
        elif citation.style == "numeric" and numbers:
            where = f"the list runs from [{numbers[0]}] to [{numbers[-1]}]"
            message, context = f"[{target}] matches no entry: {where}", f"[{target}]"
        else:
            message, context = f"'{target}' matches no entry in {_bib_names(doc)}", target
        yield ctx.diagnostic(span, message, context=context, path=citation.path)


def _bib_names(doc: Document) -> str:
    names = sorted({os.path.basename(e.path) for e in doc.entries if e.path and e.path != doc.path})
    if any(e.path == doc.path for e in doc.entries):
        names.append("the references of its metadata")
    if any(e.kind == "bibitem" for e in doc.entries):
        names.append("the document's thebibliography")
    shown = ", ".join(names) if names else "the bibliography"
    if doc.bibliography_origin == "found":
        # Say which file was used when the manuscript named none.
        shown += " (found beside the manuscript, which names none)"
    return shown


@rule(
    "CIT002",
    "unused-reference",
    "warning",
    options={"uncited-entries": {"enum": ["own", "always", "never"]}},
    defaults={"uncited-entries": "own"},
)
def unused_reference(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports an entry of the manuscript's own reference list that no citation points to.
    `\\nocite{*}` and Pandoc's `nocite: '@*'` count as citing every entry, and keys named
    by `nocite` count as cited.

    For a bibliography file (.bib, CSL-JSON, CSL-YAML) the `uncited-entries` option sets
    the policy: `"own"` (the default) reports uncited entries only when the file belongs
    to the manuscript: the manuscript names it (or it sits beside it as `paper.bib`), no
    other manuscript of the same run uses it, and most of its entries are cited (a file of
    which most entries go uncited is a master library). `"always"` reports them for every
    bibliography; `"never"` for none. A LaTeX section file that takes its bibliography
    from its main file is never the owner. Numbered lists are always the manuscript's own.
    In a Chicago notes document, an entry of its bibliography that no note cites and that
    the text neither names nor links to.

    ## Why is this bad?
    A listed but uncited source is either padding or, more often, a sign that the
    numbering drifted and a marker points somewhere else. In a paper's own `.bib`, an
    uncited entry is usually a citation that was deleted or never written.

    ## Example
    ```markdown
    Acheson spoke on 12 January [1].

    ## References
    [1] Acheson, Dean. "Crisis in Asia." 1950.
    [2] Kennan, George. *Memoirs*. 1967.
    ```
    Cite [2] where it is used, or remove it. In an author-date or MLA list, an entry is
    reported when no `(Author Year)`, `(Author page)` or narrative citation reaches it,
    provided that some citations of the document do (otherwise citeaudit could not read
    them, and says nothing rather than something wrong). In MLA, and in notes, naming the
    author counts as citing. A list headed *Bibliography* or *Works Consulted* may hold
    works that were read but not cited; there an entry is reported only when a citation
    that resolves to nothing comes close to it (`(Foucault, 1974)` and Foucault 1988).
    """
    if doc.list_style == "bibtex":
        yield from _uncited_bibliography(doc, ctx)
        return
    if doc.list_style == "unnumbered":
        from citeaudit.rules.cit.notes_cited import unused_by_notes

        # A notes essay cites in its notes, an author-date one in its text; a document may
        # do both (discursive notes beside parenthetical citations): each entry once.
        reported: set[int] = set()
        for found in itertools.chain(_unused_unnumbered(doc, ctx), unused_by_notes(doc, ctx)):
            if found.span.start not in reported:
                reported.add(found.span.start)
                yield found
        return
    if doc.list_style != "numbered":
        return
    links = ctx.links
    if not links.of_style("numeric"):
        return
    # The audit's reassignments: an entry whose only markers belong to a numbering shift
    # is never really cited, and an entry that a reassigned marker really cites is cited.
    relinked = links.relinked
    really_cited = set(relinked.values())
    for entry in doc.entries:
        citing = links.citing(entry)
        if (
            entry.label is None
            or entry.label in really_cited
            or (citing and not _all_relinked(citing, entry.label, relinked))
        ):
            continue
        span = entry.label_span or entry.span
        if citing:
            message = (
                f"entry {label_text(entry)} is never cited for what it is: its markers fit "
                "other entries (see CIT003 and CIT004)"
            )
        else:
            message = f"entry {label_text(entry)} is never cited"
        yield ctx.diagnostic(span, message, context=entry.raw[:80])


# Under "own", a file with more uncited entries than this, and more uncited than cited,
# is a master library that the manuscript draws on, not its own list.
_MASTER_UNCITED = 5


def _uncited_bibliography(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    policy = ctx.options["uncited-entries"]
    if policy == "never" or any("*" in c.targets for c in doc.citations):
        return
    if policy == "own" and (
        doc.bibliography_origin not in ("named", "found")
        or (doc.format == "latex" and "\\begin{document}" not in doc.text)
    ):
        return
    links = ctx.links
    if not any(found.entry is not None for found in links.links):
        return  # nothing resolved: the citations are elsewhere, or not checked at all
    by_file: dict[str, list[Entry]] = {}
    for entry in doc.entries:
        if entry.path and entry.kind in ("bibtex", "csl") and entry.label:
            by_file.setdefault(entry.path, []).append(entry)
    # Whether another manuscript of the run uses the same file is decided over the whole
    # run (`citeaudit.run`), which drops these findings for a shared file under "own".
    for path, entries in by_file.items():
        uncited = [e for e in entries if not links.citing(e)]
        if policy == "own" and (
            len(uncited) > _MASTER_UNCITED and len(uncited) > len(entries) - len(uncited)
        ):
            continue
        name = os.path.basename(path) if path != doc.path else "its metadata's references"
        for entry in uncited:
            yield ctx.diagnostic(
                entry.label_span or entry.span,
                f"entry `{entry.label}` of {name} is never cited in {os.path.basename(doc.path)}",
                context=entry.label or "",
                path=entry.path,
            )


def _unused_unnumbered(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    links = ctx.links
    linked = [found for found in links.of_style("author-date") if found.entry is not None]
    if not linked:
        return
    # Notes cite by name ("See Moretti."); in MLA, so does the sentence that names the
    # author before a page number. Such an entry is cited, if not by a parenthesis.
    undated = sum(1 for found in linked if found.citation.year is None)
    mla = undated * 2 >= len(linked)
    mentioned = _words(_notes_text(doc))
    if mla:
        mentioned |= _words(_body_text(doc))
    # Author-date prose that names and quotes an author without a year ("historian James
    # Axtell states, ...") uses the entry: the missing year is the defect, not the entry.
    # Names inside citations do not count ("(Stueck 2002a)" does not cite Stueck 2002b),
    # nor does a title named in passing.
    prose_names = set() if mla else _words(geometry(doc).text)
    near: dict[int, Link] = {}
    for found in links.unresolved():
        for entry in found.near[:1]:
            near.setdefault(id(entry), found)
    consulted = _consulted_list(doc)
    for entry in doc.entries:
        if links.citing(entry) or entry.path is not None:
            continue
        # A named entry is used, unless a citation that fails comes close to it: then the
        # finding says which one probably meant it.
        if _named(entry, mentioned) or (
            id(entry) not in near and _author_named(entry, prose_names)
        ):
            continue
        if consulted and id(entry) not in near:
            continue
        message = f"entry {describe(entry)} is never cited"
        related = []
        if id(entry) in near:
            found = near[id(entry)]
            span = found.span or found.citation.span
            message += f"; {found.citation.raw} on line {span.line} may mean it"
            related.append(ctx.related(span, "the citation that comes closest"))
        yield ctx.diagnostic(entry.span, message, context=entry.raw[:80], related=related)


# Headings under which a list may hold works consulted but not cited (Chicago 14.59).
_CONSULTED = frozenset(
    {
        "bibliography",
        "select bibliography",
        "selected bibliography",
        "works consulted",
        "sources consulted",
        "further reading",
    }
)


def _consulted_list(doc: Document) -> bool:
    """A list headed 'Bibliography' (not 'References' or 'Works Cited')."""
    if doc.references is None:
        return False
    from citeaudit.adapters.sections import normalise_title

    above = doc.text[: doc.references.start].rstrip().rsplit("\n", 1)[-1]
    return normalise_title(above.lstrip("#= ")) in _CONSULTED


def _words(text: str) -> set[str]:
    return {w.removesuffix("'s") for w in words(text)}


def _named(entry: Entry, mentioned: set[str]) -> bool:
    """The entry's first author (by family name, or by the first word of a name written
    without its comma) or, for a work without an author, its title is named."""
    if entry.authors:
        first = entry.authors[0]
        names = family_names((first,))
        lead = words(first)[:1]
        if (names and names <= mentioned) or (lead and lead[0] in mentioned):
            return True
    for name in ("title", "author"):
        found = set(words(entry.get(name) or ""))
        if found and found <= mentioned:
            return True
    if entry.title is None and not entry.authors:
        found = set(words(entry.raw))
        return len(found) >= 2 and found <= mentioned
    return False


def _author_named(entry: Entry, mentioned: set[str]) -> bool:
    """The first author's family name; for a work without an author, which a list
    alphabetises by title (`"Bancroft Prize." *Wikipedia*`), its title."""
    names = family_names(entry.authors[:1]) if entry.authors else set(words(entry.title or ""))
    return bool(names) and names <= mentioned


def _notes_text(doc: Document) -> str:
    inline = " ".join(m.group(0) for m in re.finditer(r"\^\[[^\]]*\]", doc.prose or doc.text))
    return " ".join(note.text for note in doc.notes) + " " + inline


def _body_text(doc: Document) -> str:
    text = doc.prose or doc.text
    if doc.references is None:
        return text
    return text[: doc.references.start] + " " + text[doc.references.end :]


def _all_relinked(citing: list[Link], label: str, relinked: dict[str, str]) -> bool:
    return bool(relinked) and all(f"{f.citation.span.start}:{label}" in relinked for f in citing)


@rule("CIT006", "citation-order", "info")
def citation_order(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    In a numeric style, reports an entry that is first cited before a lower-numbered
    entry is. Lists that are numbered alphabetically (as BibTeX's `plain` and `abbrv`
    styles do) are left alone.

    ## Why is this bad?
    Vancouver, IEEE and most numeric house styles number entries in order of first
    citation. A jump usually means a citation was added later without renumbering.

    ## Example
    ```markdown
    First [1], then [3], then [2].
    ```
    Renumber the list so that [2] is the second source cited.
    """
    if doc.list_style != "numbered":
        return
    if _alphabetical(doc):
        return
    first: dict[str, Citation] = {}
    for found in ctx.links.of_style("numeric"):
        if found.entry is not None and found.target.isdigit():
            first.setdefault(found.target, found.citation)
    order = list(first)
    ideal = sorted(order, key=int)
    for got, expected in zip(order, ideal, strict=True):
        if int(got) > int(expected):
            citation = first[got]
            yield ctx.diagnostic(
                citation.span,
                f"[{got}] is cited before [{expected}]; entries should be numbered in order of first citation",
                context=f"[{got}] before [{expected}]",
            )


def _alphabetical(doc: Document) -> bool:
    names = [(e.authors[0] if e.authors else e.raw).casefold() for e in doc.entries]
    if len(names) < 3:
        return False
    ordered = sum(1 for a, b in itertools.pairwise(names) if a <= b)
    return ordered >= 0.9 * (len(names) - 1)


@rule("CIT007", "malformed-citation", "error", fix="safe")
def malformed_citation(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a marker that cannot mean what it says: a range that runs backwards (`[3-1]`),
    a note marker with a space inside (`[^ 18]`), a note definition written without its
    colon (`[^1] Text`), or an empty item (`[1, ]`).

    ## Why is this bad?
    Renderers print such markers literally or drop them, and the reader cannot tell which
    source was meant.

    ## Example
    ```markdown
    See the minutes [^ 18].
    [^1] Stueck, *Rethinking the Korean War*, 73.
    ```
    Write `[^18]`, and `[^1]: Stueck, ...` with the colon.
    """
    yield from from_parser(doc, ctx)


@rule("CIT008", "mixed-citation-styles", "warning")
def mixed_styles(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a document that cites in two systems at once: numbers against a numbered list
    and (Author Year) against the same list, or Pandoc keys beside numbers. An author-date
    citation counts only when its author is in the reference list, so a parenthetical
    like "(March 1950)" or "(Korea 1950)" is not mistaken for one.

    ## Why is this bad?
    Every house style picks one system. A mixture usually means text was pasted from
    another draft, and its citations were never converted.

    ## Example
    ```markdown
    Stalin agreed in April [4]. Kim had lied (Weathersby 1995).
    ```
    Convert the author-date citation to the numeric system.
    """
    numeric = [c for c in doc.citations if c.style == "numeric"]
    keyed = [c for c in doc.citations if c.style == "key"]
    listed = _listed_names(doc)
    author_date = [
        c for c in doc.citations if c.style == "author-date" and _names_listed_author(listed, c)
    ]
    styles = {"numeric": numeric, "author-date": author_date, "key": keyed}
    present = {name: cites for name, cites in styles.items() if cites}
    if len(present) < 2:
        return
    main = max(present, key=lambda name: len(present[name]))
    for name, cites in present.items():
        if name == main:
            continue
        first = cites[0]
        yield ctx.diagnostic(
            first.span,
            f"{name} citation in a document that mostly cites {main} ({len(present[main])} {main} "
            f"against {len(cites)} {name})",
            related=[ctx.related(present[main][0].span, f"first {main} citation")],
        )


def _listed_names(doc: Document) -> set[str]:
    return {
        part.strip(",.").casefold() for e in doc.entries for a in e.authors for part in a.split()
    }


@rule("CIT010", "unchecked-citations", "warning")
def unchecked_citations(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports, on the first key citation (`[@key]`, `@key`, `\\cite{key}`), how many key
    citations could not be checked because there is no bibliography to check them
    against: the manuscript names none, none sits beside it (`paper.bib` for `paper.md`,
    or the only `.bib` in its folder; Markdown only, as LaTeX always names its own), it
    has no `thebibliography` list, no `library` is configured, or the file it names does
    not exist.

    ## Why is this bad?
    "All checks passed" would be a lie: none of these citations was looked up, so a
    misspelt key or a missing entry would go unnoticed until the document is built.

    ## Example
    ```markdown
    ---
    title: Streets and memory
    ---
    Street names changed after 2007 [@villamil2021].
    ```
    Name the bibliography in the front matter (`bibliography: refs.bib`), or in LaTeX with
    `\\bibliography{refs}` or `\\addbibresource{refs.bib}`, or set `library` in
    citeaudit.toml.
    """
    unchecked = [found for found in ctx.links.unchecked() if found.citation.style == "key"]
    citations = list(dict.fromkeys(found.citation for found in unchecked))
    if not citations:
        return
    first = citations[0]
    count = len(citations)
    noun = "key citation" if count == 1 else "key citations"
    missing = [p for p in doc.bibliographies if not os.path.lexists(p)]
    if missing:
        shown = ", ".join(os.path.basename(p) for p in missing)
        reason = f"the bibliography it names ({shown}) does not exist"
    elif doc.bibliographies:
        shown = ", ".join(os.path.basename(p) for p in doc.bibliographies)
        bibs = {os.path.abspath(p) for p in doc.bibliographies}
        if any(os.path.abspath(d.path) in bibs for d in doc.problems):
            reason = f"no entry could be read from {shown} (see its BIB001 or IO001 findings)"
        else:
            reason = f"{shown} holds no entries"
    elif doc.format == "latex":
        reason = (
            "no bibliography is named: add `\\bibliography{refs}` or "
            "`\\addbibresource{refs.bib}`, or set `library` in citeaudit.toml"
        )
    else:
        reason = (
            "no bibliography is named or found: add `bibliography: refs.bib` to the front "
            "matter, put `refs.bib` beside the manuscript, or set `library` in citeaudit.toml"
        )
    yield ctx.diagnostic(
        first.span,
        f"{count} {noun} could not be checked: {reason}",
        context=f"{count} unchecked",
        path=first.path,
    )


def _names_listed_author(listed: set[str], citation: Citation) -> bool:
    return bool(citation.year) and any(
        a.split()[0].casefold() in listed for a in citation.authors if a.split()
    )
