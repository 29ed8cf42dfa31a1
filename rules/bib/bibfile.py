"""Rules about bibliography files (.bib): syntax, keys, required fields, duplicate works."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator

from citeaudit.model import Diagnostic, Document, Entry
from citeaudit.rules import RuleContext, from_parser, printed_entries, rule


@rule("BIB001", "bib-syntax-error", "error")
def bib_syntax_error(doc: Document, ctx: RuleContext) -> Iterable[Diagnostic]:
    """## What it does
    Reports BibTeX that does not parse, with the line and what the parser expected there.

    ## Why is this bad?
    BibTeX and biber skip an entry they cannot read, so every citation of it silently
    becomes "?" or "[?]" in the output, and an unclosed brace can swallow the entries after it.

    ## Example
    ```bibtex
    @article{smith2020,
      title = {Streets and Memory,
      year = 2020
    }
    ```

    Use instead:
    ```bibtex
    @article{smith2020,
      title = {Streets and Memory},
      year = 2020
    }
    ```
    """
    return from_parser(doc, ctx)


@rule("BIB002", "duplicate-key", "error")
def duplicate_key(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a citation key defined twice, in one .bib file or across the files a document uses.

    ## Why is this bad?
    Only the first definition is used; if the two differ, citations silently point at the
    one the author did not mean, and edits to the other have no effect.

    ## Example
    ```bibtex
    @book{wickham2023, title = {R for Data Science}, year = 2023}
    @manual{wickham2023, title = {stringr}, year = 2023}
    ```

    Use instead:
    ```bibtex
    @book{wickham2023, title = {R for Data Science}, year = 2023}
    @manual{wickham2023stringr, title = {stringr}, year = 2023}
    ```
    """
    yield from from_parser(doc, ctx)
    # The adapter sees one file at a time; a key defined in two files shows up here.
    first: dict[str, Entry] = {}
    for entry in _bib_entries(doc):
        label = entry.label or ""
        earlier = first.setdefault(label, entry)
        if earlier is entry or earlier.path == entry.path:
            continue
        yield ctx.diagnostic(
            entry.span,
            f"key `{label}` is also defined in {earlier.path}; the first definition wins",
            related=[ctx.related(earlier.span, f"`{label}` first defined here", path=earlier.path)],
            context=label,
            path=entry.path,
        )


# Required fields per entry type, as the BibTeX documentation (btxdoc, "Entry Types") and
# the biblatex manual (section 2.1.1) list them. A tuple means "any one of these": the
# alternatives are the names the other dialect, or biber and pandoc, accept for the same
# thing (biblatex `date` for `year`, `journaltitle` for `journal`, `institution` for
# `school`), so an entry written for either is judged fairly.
_YEAR_F = ("year", "date")
_JOURNAL = ("journal", "journaltitle")
_SCHOOL = ("school", "institution")
_BIBTEX: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), _JOURNAL, _YEAR_F),
    "book": (("author", "editor"), ("title",), ("publisher",), _YEAR_F),
    "booklet": (("title",),),
    "inbook": (("author", "editor"), ("title",), ("chapter", "pages"), ("publisher",), _YEAR_F),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), _YEAR_F),
    "inproceedings": (("author",), ("title",), ("booktitle",), _YEAR_F),
    "conference": (("author",), ("title",), ("booktitle",), _YEAR_F),
    "manual": (("title",),),
    "mastersthesis": (("author",), ("title",), _SCHOOL, _YEAR_F),
    "phdthesis": (("author",), ("title",), _SCHOOL, _YEAR_F),
    "misc": (),
    "proceedings": (("title",), _YEAR_F),
    "techreport": (("author",), ("title",), ("institution",), _YEAR_F),
    "unpublished": (("author",), ("title",), ("note",)),
}
_AUTHOR_OR_EDITOR = ("author", "editor")
_BIBLATEX: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), _JOURNAL, _YEAR_F),
    # BibTeX takes an editor in place of a book's author; biblatex styles print it so too.
    "book": (_AUTHOR_OR_EDITOR, ("title",), _YEAR_F),
    "mvbook": (_AUTHOR_OR_EDITOR, ("title",), _YEAR_F),
    "inbook": (_AUTHOR_OR_EDITOR, ("title",), ("booktitle",), _YEAR_F),
    "bookinbook": (("author",), ("title",), ("booktitle",), _YEAR_F),
    "suppbook": (("author",), ("title",), ("booktitle",), _YEAR_F),
    "booklet": (_AUTHOR_OR_EDITOR, ("title",), _YEAR_F),
    "collection": (("editor",), ("title",), _YEAR_F),
    "mvcollection": (("editor",), ("title",), _YEAR_F),
    "incollection": (("author",), ("title",), ("booktitle",), _YEAR_F),
    "suppcollection": (("author",), ("title",), ("booktitle",), _YEAR_F),
    "dataset": (_AUTHOR_OR_EDITOR, ("title",), _YEAR_F),
    "manual": (_AUTHOR_OR_EDITOR, ("title",), _YEAR_F),
    "misc": (_AUTHOR_OR_EDITOR, ("title",), _YEAR_F),
    "software": (_AUTHOR_OR_EDITOR, ("title",), _YEAR_F),
    "online": (_AUTHOR_OR_EDITOR, ("title",), _YEAR_F, ("doi", "eprint", "url")),
    "patent": (("author",), ("title",), ("number",), _YEAR_F),
    "periodical": (("editor",), ("title",), _YEAR_F),
    "proceedings": (("title",), _YEAR_F),
    "mvproceedings": (("title",), _YEAR_F),
    "inproceedings": (("author",), ("title",), ("booktitle",), _YEAR_F),
    "reference": (("editor",), ("title",), _YEAR_F),
    "mvreference": (("editor",), ("title",), _YEAR_F),
    "inreference": (("author",), ("title",), ("booktitle",), _YEAR_F),
    "report": (("author",), ("title",), ("type",), ("institution",), _YEAR_F),
    "thesis": (("author",), ("title",), ("type",), _SCHOOL, _YEAR_F),
    "unpublished": (("author",), ("title",), _YEAR_F),
    # Aliases; the type they imply (`techreport` is a report of type "techreport").
    "conference": (("author",), ("title",), ("booktitle",), _YEAR_F),
    "electronic": (_AUTHOR_OR_EDITOR, ("title",), _YEAR_F, ("doi", "eprint", "url")),
    "www": (_AUTHOR_OR_EDITOR, ("title",), _YEAR_F, ("doi", "eprint", "url")),
    "mastersthesis": (("author",), ("title",), _SCHOOL, _YEAR_F),
    "phdthesis": (("author",), ("title",), _SCHOOL, _YEAR_F),
    "techreport": (("author",), ("title",), ("institution",), _YEAR_F),
}
# Fields only biblatex knows: an entry that uses one is written for biblatex. Not
# `location` or `urldate`: ACM and Zotero write those into plain BibTeX exports too.
_BIBLATEX_FIELDS = frozenset({"date", "journaltitle", "eventdate", "origdate", "maintitle"})


def _biblatex_files(doc: Document) -> set[str | None]:
    """The .bib files written for biblatex: one entry with a biblatex-only type or field
    (`date`, `journaltitle`, `@online`, `@report` ...) says so for the whole file, as
    Zotero and Better BibTeX export them. The file alone decides, so the .bib checked on
    its own and through its manuscript get the same findings."""
    return {
        entry.path
        for entry in doc.entries
        if entry.kind == "bibtex"
        and (entry.entry_type not in _BIBTEX or _BIBLATEX_FIELDS & set(entry.fields))
    }


def _bib_entries(doc: Document, ctx: RuleContext | None = None) -> Iterator[Entry]:
    entries = printed_entries(doc, ctx) if ctx is not None else doc.entries
    return (entry for entry in entries if entry.kind == "bibtex")


def _missing(entry: Entry, biblatex: set[str | None]) -> tuple[str, list[str]]:
    dialect = "biblatex" if entry.path in biblatex else "bibtex"
    table = _BIBLATEX if dialect == "biblatex" else _BIBTEX
    required = table.get(entry.entry_type or "", ())
    missing = [" or ".join(names) for names in required if not any(entry.get(n) for n in names)]
    return dialect, missing


@rule("BIB003", "missing-field", "warning")
def missing_field(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a .bib entry without a field its type requires, by the type table of the
    dialect the file is written in: biblatex's when an entry of the file uses a type or
    field only biblatex knows (`@online`, `@report`, `date`, `journaltitle` ...), else
    BibTeX's. BibTeX: an `@article` needs author, title, journal and year; a `@book`
    author or editor, title, publisher and year; `@misc` nothing. biblatex: a `@book`
    author (or editor), title and year or date; `@online` author or editor, title, date
    and a url, doi or eprint; `@misc` author or editor, title and date. Either way, the
    names the other dialect uses for the same thing count: `date` for `year`,
    `journaltitle` for `journal`, `institution` for `school`. Through a manuscript, only
    the entries it cites are judged.

    ## Why is this bad?
    The formatted reference comes out incomplete (no journal, "n.d."), and a reader cannot
    find the source. Styles warn about it only in a log nobody reads.

    ## Example
    ```bibtex
    @article{friedman1970,
      author = {Friedman, Milton},
      title = {The Social Responsibility of Business is to Increase its Profits},
      year = {1970}
    }
    ```

    Use instead:
    ```bibtex
    @article{friedman1970,
      author = {Friedman, Milton},
      title = {The Social Responsibility of Business is to Increase its Profits},
      journal = {The New York Times Magazine},
      year = {1970}
    }
    ```
    """
    biblatex = _biblatex_files(doc)
    for entry in _bib_entries(doc, ctx):
        dialect, missing = _missing(entry, biblatex)
        if not missing:
            continue
        fields = ", ".join(missing)
        noun = "field" if len(missing) == 1 else "fields"
        table = "biblatex" if dialect == "biblatex" else "BibTeX"
        yield ctx.diagnostic(
            entry.span,
            f"@{entry.entry_type} `{entry.label}` lacks the {noun} {fields}, which {table} "
            f"requires for @{entry.entry_type}",
            context=f"{entry.label}: {fields}",
            path=entry.path,
        )


@rule("BIB005", "duplicate-field", "warning")
def duplicate_field(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a field set twice inside one entry (`year = 2000, year = 2001`, or `Title` and
    `title`: BibTeX field names ignore case).

    ## Why is this bad?
    BibTeX uses the first value and ignores the other with a warning in its log, so an
    edit made to the second copy never reaches the reference list.

    ## Example
    ```bibtex
    @article{smith2020, title = {Streets}, year = 2020, year = 2021}
    ```

    Use instead:
    ```bibtex
    @article{smith2020, title = {Streets}, year = 2021}
    ```
    Through a manuscript, only the entries it cites are judged.
    """
    printed = [e for e in _bib_entries(doc, ctx)]
    for found in from_parser(doc, ctx):
        if doc.format == "bibtex" or any(
            e.path == found.path and e.span.start <= found.span.start < e.span.end for e in printed
        ):
            yield found


_TITLE_THRESHOLD = 95
# Fields whose disagreement the duplicate-entry message names, in this order.
_COMPARED = ("year", "title", "container", "publisher", "volume", "pages", "doi", "edition")


def _fold(text: str) -> str:
    """Casefolded, accent-free, brace-free text for comparing titles and names."""
    decomposed = unicodedata.normalize("NFKD", text.replace("{", "").replace("}", ""))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


# Numbers and roman numerals up to 39: "Part I" and "Part II" are different works even
# though their titles score above the threshold.
_NUMBERING = re.compile(r"\b(?:\d+|x{0,3}(?:ix|iv|v?i{1,3}|v)|x{1,3})\b")


def _numbering(title: str) -> set[str]:
    return set(_NUMBERING.findall(title))


def _surname(name: str) -> str:
    # "Last, First" or "First Last"; the adapter has already removed braces.
    head = name.split(",", 1)[0] if "," in name else (name.split() or [""])[-1]
    return _fold(head)


def _surnames(entry: Entry) -> list[str]:
    return [s for s in (_surname(name) for name in entry.authors) if s]


def _disagreements(one: Entry, other: Entry) -> list[str]:
    found: list[str] = []
    for name in _COMPARED:
        mine, theirs = one.get(name), other.get(name)
        if mine and theirs and _fold(mine) != _fold(theirs):
            found.append(f"{name} ({theirs} vs {mine})" if name != "title" else name)
    return found


@rule("BIB004", "duplicate-entry", "warning")
def duplicate_entry(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports the same work entered twice under different keys: titles that match after
    ignoring case, braces and word order, with a shared first-author surname. The message
    names the other key and the fields on which the two disagree.

    ## Why is this bad?
    Citing one work under two keys prints it twice in the reference list, often with
    different years or pages, and readers cannot tell which version is meant.

    ## Example
    ```bibtex
    @book{freeman1984, author = {Freeman, R. Edward}, year = 1984,
      title = {Strategic Management: A Stakeholder Approach}}
    @book{stakeholder, author = {R. Edward Freeman}, year = 2010,
      title = {Strategic management: a stakeholder approach}}
    ```

    Use instead: one entry, cited everywhere by the same key.
    ```bibtex
    @book{freeman1984, author = {Freeman, R. Edward}, year = 1984,
      title = {Strategic Management: A Stakeholder Approach}}
    ```
    """
    from rapidfuzz import fuzz  # imported here: only this rule needs it

    entries = [entry for entry in _bib_entries(doc) if entry.title and entry.authors]
    titles = [_fold(entry.title or "") for entry in entries]
    surnames = [_surnames(entry) for entry in entries]
    # Index by every author surname so that only plausible pairs are scored.
    by_surname: dict[str, list[int]] = defaultdict(list)
    for i, names in enumerate(surnames):
        for name in set(names):
            by_surname[name].append(i)
    pairs: set[tuple[int, int]] = set()
    for i, names in enumerate(surnames):
        for j in by_surname[names[0]] if names else ():
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    # A pair matters when this manuscript prints at least one of the two.
    printed = {id(entry) for entry in _bib_entries(doc, ctx)}
    for j, i in sorted(pairs, key=lambda pair: (pair[1], pair[0])):
        entry, other = entries[i], entries[j]
        if id(entry) not in printed and id(other) not in printed:
            continue
        if entry.label == other.label:
            continue  # the same key twice is BIB002's finding
        if _numbering(titles[i]) != _numbering(titles[j]):
            continue
        if fuzz.token_sort_ratio(titles[i], titles[j]) < _TITLE_THRESHOLD:
            continue
        differ = _disagreements(entry, other)
        detail = f"; they disagree on {', '.join(differ)}" if differ else ""
        yield ctx.diagnostic(
            entry.span,
            f"`{entry.label}` looks like the same work as `{other.label}`{detail}",
            related=[ctx.related(other.span, f"`{other.label}` is here", path=other.path)],
            context=f"{entry.label} = {other.label}",
            path=entry.path,
        )
