"""Give a manuscript its bibliography: the one it names (front matter, \\bibliography), the
configured `library`, or the one beside it (`paper.bib` for `paper.md`, or the only .bib
in its folder).

A named file that does not exist is reported where it is named, and the citations it was
meant to check stay unchecked (rule CIT010 says so), never silently "passed".
"""

from __future__ import annotations

import os
import re

from citeaudit.config import Settings
from citeaudit.model import Document, Entry, Problem, Span
from citeaudit.patterns import LazyPattern
from citeaudit.problems import problem

__all__ = ["attach_bibliographies", "discover_bibliography"]


def attach_bibliographies(doc: Document, settings: Settings) -> None:
    """Load the bibliography of a key-citing document and add its entries."""
    if doc.format == "bibtex" or doc.list_style in ("numbered", "unnumbered"):
        return
    markdown = doc.format == "markdown"
    keyed = any(c.style == "key" for c in doc.citations)
    paths = list(doc.bibliographies)
    inline = _inline_references(doc) if markdown else False
    origin = "named" if paths or inline else None
    if not paths and not inline and settings.library and (keyed or markdown):
        paths = [os.path.join(settings.root, p) for p in settings.library]
        origin = "library"
    if not paths and doc.format == "latex" and _bibitems(doc):
        # `thebibliography` in the document itself: its `\\bibitem` keys are the list.
        doc.list_style = "bibtex"
        return
    # LaTeX names its bibliography or has none; pandoc users expect the .bib beside.
    if not paths and not inline and keyed and markdown:
        found = discover_bibliography(doc.path)
        if found:
            paths, origin = [found], "found"
            doc.bibliographies = [found]
    doc.bibliography_origin = origin
    loaded = inline
    for path in paths:
        # Only a path that is not there at all: a FIFO, a folder or a broken link is
        # reported by the reader, with what it is.
        if not os.path.lexists(path):
            from citeaudit.readlog import note_file

            note_file(path, None)
            doc.problems.append(_missing(doc, path, origin))
            continue
        entries, problems = _load(path)
        doc.entries.extend(entries)
        doc.problems.extend(problems)
        loaded = True
    if loaded:
        doc.list_style = "bibtex"
    if markdown and (loaded or keyed):
        _bare_keys(doc)


def discover_bibliography(path: str) -> str | None:
    """`paper.bib` beside `paper.md`, else the only `.bib` in the manuscript's folder."""
    if path in ("-", "<stdin>"):
        return None
    from citeaudit.readlog import note_listing

    folder = os.path.dirname(os.path.abspath(path))
    stem = os.path.splitext(os.path.basename(path))[0]
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    bibs = sorted(n for n in names if n.lower().endswith(".bib"))
    # The cache must know that a .bib appearing here changes this result.
    note_listing(folder, bibs)
    chosen = stem + ".bib" if stem + ".bib" in bibs else (bibs[0] if len(bibs) == 1 else None)
    if chosen is None or not os.path.isfile(os.path.join(folder, chosen)):
        return None
    return os.path.join(os.path.dirname(path), chosen)


def _inline_references(doc: Document) -> bool:
    """CSL items under `references:` in the metadata (pandoc reads them as a bibliography
    of the document itself); whether there are any."""
    if "references" not in doc.text:
        return False
    from citeaudit.adapters.csl import parse_csl
    from citeaudit.frontmatter import read_metadata

    meta = read_metadata(doc.text)
    if not isinstance(meta.fields.get("references"), list):
        return False
    for start, end in meta.blocks:
        body_start = doc.text.find("\n", start) + 1
        body_end = doc.text.rfind("\n", start, end) + 1
        if "references" not in doc.text[body_start:body_end]:
            continue
        # The block alone, at its own offsets: spans point into the manuscript.
        masked = "".join(
            ch if body_start <= i < body_end or ch == "\n" else " "
            for i, ch in enumerate(doc.text[:body_end])
        )
        entries, problems = parse_csl(masked, doc.path)
        if not entries:
            continue
        doc.entries.extend(entries)
        doc.problems.extend(problems)
        return True
    return False


_THEBIBLIOGRAPHY = LazyPattern(
    r"\\begin\s*\{thebibliography\}(?P<body>.*?)(?:\\end\s*\{thebibliography\}|\Z)", re.S
)
_BIBITEM = LazyPattern(r"\\bibitem\s*(?:\[[^\]]*\])?\s*\{(?P<key>[^{}\s]+)\}")


def _bibitems(doc: Document) -> bool:
    """Entries for the `\\bibitem{key}`s of a `thebibliography` environment; whether any."""
    found = False
    for env in _THEBIBLIOGRAPHY.finditer(doc.text):
        items = list(_BIBITEM.finditer(doc.text, env.start("body"), env.end("body")))
        for i, item in enumerate(items):
            end = items[i + 1].start() if i + 1 < len(items) else env.end("body")
            raw = doc.text[item.end() : end].strip()
            key_span = doc.span(item.start("key"), item.end("key"))
            doc.entries.append(
                Entry(
                    span=doc.span(item.start(), end),
                    label=item.group("key"),
                    raw=raw,
                    label_span=key_span,
                    kind="bibitem",
                )
            )
            found = True
    return found


def _load(path: str) -> tuple[list[Entry], list[Problem]]:
    from citeaudit.adapters.csl import is_csl_path

    if is_csl_path(path):
        from citeaudit.adapters.csl import parse_csl

        text, problems = _read_csl(path)
        if text is None:
            return [], problems
        entries, found = parse_csl(text, path)
        return entries, problems + found
    from citeaudit.adapters.bibtex import load_bib_file

    entries, problems, _ = load_bib_file(path)
    return entries, problems


def _read_csl(path: str) -> tuple[str | None, list[Problem]]:
    """The text of a CSL file (UTF-8, as JSON and pandoc's YAML require), or IO001. It is
    read as every file a manuscript names is (`citeaudit.fileio`): inside the project, a
    regular file under the size limit, and recorded for the cache."""
    from citeaudit.fileio import ReadError, read_bytes
    from citeaudit.model import LineIndex

    empty = LineIndex("").span(0, 0)
    try:
        return read_bytes(path, named=True).decode("utf-8-sig"), []
    except ReadError as error:
        message = f"bibliography file: {error}"
    except UnicodeDecodeError as error:
        message = f"bibliography file is not UTF-8 (byte {error.start}), as CSL files must be"
    return None, [problem(path, empty, "IO001", message, "unreadable")]


def _missing(doc: Document, path: str, origin: str | None) -> Problem:
    span = doc.bibliography_spans.get(path) or _named_at(doc, path)
    shown = os.path.relpath(path, os.path.dirname(doc.path) or ".")
    if origin == "library":
        where = "the configured `library`"
    else:
        where = "the bibliography this manuscript names"
    message = f"{where}, {shown}, does not exist; the citations cannot be checked against it"
    return problem(doc.path, span, "IO001", message, f"missing bibliography {shown}")


def _named_at(doc: Document, path: str) -> Span:
    """Where the text names `path` (LaTeX's `\\bibliography{refs}` leaves out `.bib`)."""
    stem = os.path.splitext(os.path.basename(path))[0]
    for name in (os.path.basename(path), stem):
        at = doc.text.find(name)
        if name and at != -1:
            return doc.span(at, at + len(name))
    return doc.span(0, 0)


def _bare_keys(doc: Document) -> None:
    """A bare `@key` in running text is a citation too (pandoc reads it so): found once the
    document is known to cite by key."""
    from citeaudit.adapters.pandoc import find_pandoc_citations

    keys = {e.label for e in doc.entries if e.label}
    spans = {c.span.start for c in doc.citations}
    bare = find_pandoc_citations(doc.prose, doc.text, doc.lines, known_keys=keys)
    doc.citations += [c for c in bare if c.span.start not in spans]
    doc.citations.sort(key=lambda c: c.span.start)
