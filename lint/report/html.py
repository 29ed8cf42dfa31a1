"""The annotated HTML report: the manuscript's text with every citation marked.

One page holds one manuscript, or all of them behind an index; `write_report` writes a
folder with an index.html and a page per manuscript instead. Jinja2 renders with
autoescaping on, so manuscript text is never markup; a Content-Security-Policy that
admits only the report's own script and style (by hash) and no network is a second wall.
Imported only for `--format html`, so other formats never load Jinja2.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, BinaryIO

from citeaudit.model import Diagnostic, Document, LineIndex
from citeaudit.pipeline import DocumentRefs
from citeaudit.report import ReportOptions
from citeaudit.report.annotate import annotate
from citeaudit.report.views import FindingView, PageView

if TYPE_CHECKING:
    import jinja2

    from citeaudit.report.spool import DiskStore

_TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")
_SUFFIXES = (".html", ".htm")


@dataclass
class PageSummary:
    """What the index shows of a page, kept when the page itself is let go."""

    path: str
    format: str
    markers: int
    by_severity: dict[str, int]
    # The index only counts them (and asks whether there are any): a range of that many.
    findings: range
    worst_rule: tuple[str, str, str, int] | None

    @classmethod
    def of(cls, page: PageView) -> PageSummary:
        return cls(
            page.path,
            page.format,
            page.markers,
            page.by_severity,
            range(len(page.findings)),
            page.worst_rule,
        )


@dataclass
class Row:
    page: PageView | PageSummary
    href: str


class SpooledDocuments(Mapping[str, Document]):
    """The run's documents by path (the last one given for a path, in the place of the
    first), pickled in a temporary store and read back one at a time: the report holds
    one document, not the run's."""

    def __init__(self, store: DiskStore) -> None:
        self._store = store
        self._where: dict[str, tuple[int, int]] = {}
        self.refs: dict[str, DocumentRefs] = {}

    def add(self, path: str, pickled: bytes, refs: DocumentRefs) -> None:
        self._where[path] = self._store.put(pickled)
        self.refs[path] = refs

    def __getitem__(self, path: str) -> Document:
        import pickle

        document: Document = pickle.loads(self._store.get(self._where[path]))
        return document

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


class SpooledFindings:
    """The run's findings, final (after the run-wide filters), by file in a temporary
    store, in the order they were added: a page reads back only its own."""

    def __init__(self, store: DiskStore) -> None:
        self._store = store
        self._where: dict[str, list[tuple[int, int]]] = {}

    def add(self, found: Sequence[Diagnostic]) -> None:
        import pickle

        by_file: dict[str, list[Diagnostic]] = {}
        for d in found:
            by_file.setdefault(d.path, []).append(d)
        for path, group in by_file.items():
            spot = self._store.put(pickle.dumps(group, protocol=pickle.HIGHEST_PROTOCOL))
            self._where.setdefault(path, []).append(spot)

    def paths(self) -> list[str]:
        return list(self._where)

    def of(self, path: str) -> list[Diagnostic]:
        import pickle

        found: list[Diagnostic] = []
        for spot in self._where.get(path, []):
            found.extend(pickle.loads(self._store.get(spot)))
        return found


# A run's findings: in memory, or (a run without fixes) waiting on disk.
Findings = Sequence[Diagnostic] | SpooledFindings


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    """One self-contained page: the manuscript, or every manuscript after an index."""
    out: list[str] = []
    write_page(diagnostics, options, out.append)
    return "".join(out)


def write_page(
    diagnostics: Findings, options: ReportOptions, write: Callable[[str], object]
) -> None:
    """`render`, written piece by piece: each manuscript's section waits in a temporary
    store until the index, which needs every page's counts, is written before them."""
    from citeaudit.report.spool import DiskStore

    documents = _documents(diagnostics, options)
    if len(documents) <= 1:
        pages = list(iter_pages(diagnostics, options, documents, combined=True))
        heading = pages[0].path if pages else "0 manuscripts"
        write(_page(heading, pages, [], options, back=None))
        return
    store = DiskStore()
    try:
        spots, rows = [], []
        for page in iter_pages(diagnostics, options, documents, combined=True):
            section = _section(page, head=True)
            spots.append(store.put(section.encode("utf-8", "surrogatepass")))
            rows.append(Row(PageSummary.of(page), f"#{page.prefix}top"))
        whole = _page(f"{len(rows)} manuscripts", [], rows, options, back=None)
        # The template puts the sections just before the end of <main>.
        head, end, tail = whole.rpartition(_MAIN_END)
        assert end, "the report template has no end of <main>"
        write(head)
        for spot in spots:
            write(store.get(spot).decode("utf-8", "surrogatepass"))
        write(end + tail)
    finally:
        store.close()


def write_report(diagnostics: Findings, options: ReportOptions, output: str) -> None:
    """Write to `output`: one file when it names an .html file, else a folder with
    index.html and one page per manuscript, each written when it is ready."""
    from citeaudit.fileio import write_atomic

    if output.lower().endswith(_SUFFIXES) and not os.path.isdir(output):
        folder = os.path.dirname(os.path.abspath(output))
        os.makedirs(folder, exist_ok=True)

        def into(stream: BinaryIO) -> None:
            write_page(diagnostics, options, lambda text: stream.write(text.encode("utf-8")))

        write_atomic(output, into)
        return
    os.makedirs(output, exist_ok=True)
    documents = _documents(diagnostics, options)
    names = page_names(list(documents))
    rows = []
    for page in iter_pages(diagnostics, options, documents, combined=False):
        html = _page(page.path, [page], [], options, back="index.html")
        write_atomic(os.path.join(output, names[page.path]), html.encode("utf-8"))
        rows.append(Row(PageSummary.of(page), names[page.path]))
    heading = f"{len(rows)} manuscript{'s' if len(rows) != 1 else ''}"
    index = _page(heading, [], rows, options, back=None)
    write_atomic(os.path.join(output, "index.html"), index.encode("utf-8"))


def page_names(paths: Sequence[str]) -> dict[str, str]:
    """A distinct, portable file name for each manuscript's page."""
    names: dict[str, str] = {}
    taken = {"index.html"}
    for path in paths:
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", path.replace("\\", "/")).strip("-.") or "page"
        name, n = f"{base}.html", 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}.html"
        taken.add(name.lower())
        names[path] = name
    return names


def build_pages(
    diagnostics: Sequence[Diagnostic], options: ReportOptions, *, combined: bool
) -> list[PageView]:
    documents = _documents(diagnostics, options)
    return list(iter_pages(diagnostics, options, documents, combined=combined))


def iter_pages(
    diagnostics: Findings,
    options: ReportOptions,
    documents: Mapping[str, Document],
    *,
    combined: bool,
) -> Iterator[PageView]:
    """Each document's page, in order, one at a time: only the pages of the .bib files
    that other pages link to are built ahead (and again in their turn), for the links."""
    refs = _refs(documents)
    owned = _owned(diagnostics, refs)
    summaries = {code: rule.summary for code, rule in options.rules.items()}
    paths = list(documents)
    names = page_names(paths)
    number = {path: n for n, path in enumerate(paths)}

    def page_of(path: str) -> PageView:
        found = sorted(owned(path), key=lambda d: d.sort_key())
        prefix = f"d{number[path]}-" if combined and len(paths) > 1 else ""
        return annotate(documents[path], found, summaries, prefix)

    def href(path: str) -> str:
        return "" if combined else names[path]

    linked = {path for r in refs.values() for path in r.entry_files if path in number}
    twins: dict[str, dict[int, list[FindingView]]] = {}
    for path in (p for p in paths if p in linked):
        twins[path] = {b.line: e.findings for b in page_of(path).blocks for e in b.entries}
    for path in paths:
        page = page_of(path)
        _cross_link(page, twins, href)
        yield page


def _cross_link(
    page: PageView, twins: Mapping[str, Mapping[int, list[FindingView]]], href: Callable[[str], str]
) -> None:
    """A .bib checked in the same run has a page of its own, which holds its entries'
    findings; the manuscript's copy of each entry links to them."""
    for path, entries in page.external_entries.items():
        theirs = twins.get(path)
        if theirs is None or path == page.path:
            continue
        for entry in entries:
            findings = theirs.get(entry.line)
            if findings is not None:
                entry.elsewhere = [(f, f"{href(path)}#{f.id}") for f in findings]


def _documents(diagnostics: Findings, options: ReportOptions) -> Mapping[str, Document]:
    if isinstance(options.documents, SpooledDocuments):
        return options.documents
    documents: dict[str, Document] = dict(options.documents)
    if not documents:
        # A caller that passed no documents still gets every finding, without the text.
        found = (
            diagnostics.paths()
            if isinstance(diagnostics, SpooledFindings)
            else [d.path for d in diagnostics]
        )
        for path in dict.fromkeys([*options.files_checked, *found]):
            text = options.sources.get(path, "")
            documents[path] = Document(path=path, format="", text=text, lines=LineIndex(text))
    return documents


def _refs(documents: Mapping[str, Document]) -> Mapping[str, DocumentRefs]:
    if isinstance(documents, SpooledDocuments):
        return documents.refs
    return {path: DocumentRefs.of(doc) for path, doc in documents.items()}


def _owned(
    diagnostics: Findings, refs: Mapping[str, DocumentRefs]
) -> Callable[[str], list[Diagnostic]]:
    """The findings each page shows, in the order of the run."""
    if not isinstance(diagnostics, SpooledFindings):
        owners = _owners(diagnostics, refs)
        return lambda path: owners.get(path, [])
    spooled = diagnostics
    files: dict[str, list[str]] = {}
    for path in spooled.paths():
        files.setdefault(_owner(path, refs), []).append(path)
    # A page's findings are sorted by file first, so one file's after another's will do.
    return lambda page: [d for path in files.get(page, []) for d in spooled.of(path)]


def _owners(
    diagnostics: Sequence[Diagnostic], refs: Mapping[str, DocumentRefs]
) -> dict[str, list[Diagnostic]]:
    """The page each finding goes on: its own file's, else the page of the manuscript
    that cites from or into that file (an included section, a .bib), else the first."""
    owners: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        owners.setdefault(_owner(d.path, refs), []).append(d)
    return owners


def _owner(path: str, refs: Mapping[str, DocumentRefs]) -> str:
    if path in refs:
        return path
    return next((p for p, r in refs.items() if path in r.cites_into), next(iter(refs), ""))


_MAIN_END = "\n</main>\n<script>"


def _section(page: PageView, *, head: bool) -> str:
    """One manuscript's <article>, as the report template's loop writes it."""
    return "\n" + _section_template().render(page=page, head=head)


# What report.html.j2's loop over pages writes for one page: the same macro, so the two
# cannot drift (tests/test_html_stream.py compares the pages put together from these with
# the template's own).
_SECTION = """{%- import "macros.html.j2" as m -%}{{ m.article(page, head) }}"""


@cache
def _section_template() -> jinja2.Template:
    return _environment().from_string(_SECTION)


def _page(
    heading: str,
    pages: Sequence[PageView],
    rows: Sequence[Row],
    options: ReportOptions,
    back: str | None,
) -> str:
    from citeaudit import __version__

    css, js = _asset("report.css"), _asset("report.js")
    template = _environment().get_template("report.html.j2")
    context: dict[str, Any] = {
        "title": f"citeaudit: {heading}",
        "heading": heading,
        "pages": pages,
        "rows": rows,
        "back": back,
        "version": __version__,
        "files": len(options.files_checked) or len(pages) or len(rows),
        "css": css,
        "js": js,
        "csp": _policy(css, js),
    }
    return template.render(context)


def _policy(css: str, js: str) -> str:
    """Only this report's own style and script run, and nothing is fetched."""
    return (
        "default-src 'none'; "
        f"style-src '{_digest(css)}'; script-src '{_digest(js)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _digest(text: str) -> str:
    raw = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(raw).decode("ascii")


@cache
def _asset(name: str) -> str:
    with open(os.path.join(_TEMPLATES, name), encoding="utf-8") as handle:
        return handle.read()


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
