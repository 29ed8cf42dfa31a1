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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from citeaudit.model import Diagnostic, Document, LineIndex
from citeaudit.report import ReportOptions
from citeaudit.report.annotate import annotate
from citeaudit.report.views import PageView

if TYPE_CHECKING:
    import jinja2

_TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")
_SUFFIXES = (".html", ".htm")


@dataclass
class Row:
    page: PageView
    href: str


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    """One self-contained page: the manuscript, or every manuscript after an index."""
    pages = build_pages(diagnostics, options, combined=True)
    rows = [Row(p, f"#{p.prefix}top") for p in pages] if len(pages) > 1 else []
    heading = pages[0].path if len(pages) == 1 else f"{len(pages)} manuscripts"
    return _page(heading, pages, rows, options, back=None)


def write_report(diagnostics: Sequence[Diagnostic], options: ReportOptions, output: str) -> None:
    """Write to `output`: one file when it names an .html file, else a folder with
    index.html and one page per manuscript."""
    from citeaudit.fileio import write_atomic

    if output.lower().endswith(_SUFFIXES) and not os.path.isdir(output):
        folder = os.path.dirname(os.path.abspath(output))
        os.makedirs(folder, exist_ok=True)
        write_atomic(output, render(diagnostics, options).encode("utf-8"))
        return
    os.makedirs(output, exist_ok=True)
    pages = build_pages(diagnostics, options, combined=False)
    names = page_names([p.path for p in pages])
    rows = [Row(p, names[p.path]) for p in pages]
    for page in pages:
        html = _page(page.path, [page], [], options, back="index.html")
        write_atomic(os.path.join(output, names[page.path]), html.encode("utf-8"))
    heading = f"{len(pages)} manuscript{'s' if len(pages) != 1 else ''}"
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
    owned = _owners(diagnostics, documents)
    summaries = {code: rule.summary for code, rule in options.rules.items()}
    pages = []
    for n, (path, doc) in enumerate(documents.items()):
        found = sorted(owned.get(path, []), key=lambda d: d.sort_key())
        prefix = f"d{n}-" if combined and len(documents) > 1 else ""
        pages.append(annotate(doc, found, summaries, prefix))
    names = page_names([p.path for p in pages])
    _cross_link(pages, (lambda page: "") if combined else (lambda page: names[page.path]))
    return pages


def _cross_link(pages: Sequence[PageView], href: Callable[[PageView], str]) -> None:
    """A .bib checked in the same run has a page of its own, which holds its entries'
    findings; the manuscript's copy of each entry links to them."""
    by_path = {page.path: page for page in pages}
    for page in pages:
        for path, entries in page.external_entries.items():
            other = by_path.get(path)
            if other is None or other is page:
                continue
            theirs = {b.line: e for b in other.blocks for e in b.entries}
            for entry in entries:
                twin = theirs.get(entry.line)
                if twin is not None:
                    entry.elsewhere = [(f, f"{href(other)}#{f.id}") for f in twin.findings]


def _documents(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> dict[str, Document]:
    documents: dict[str, Document] = dict(options.documents)
    if not documents:
        # A caller that passed no documents still gets every finding, without the text.
        for path in dict.fromkeys([*options.files_checked, *(d.path for d in diagnostics)]):
            text = options.sources.get(path, "")
            documents[path] = Document(path=path, format="", text=text, lines=LineIndex(text))
    return documents


def _owners(
    diagnostics: Sequence[Diagnostic], documents: Mapping[str, Document]
) -> dict[str, list[Diagnostic]]:
    """The page each finding goes on: its own file's, else the page of the manuscript
    that cites from or into that file (an included section, a .bib), else the first."""
    owners: dict[str, list[Diagnostic]] = {}
    first = next(iter(documents), "")
    for d in diagnostics:
        owner = d.path if d.path in documents else None
        if owner is None:
            owner = next(
                (
                    p
                    for p, doc in documents.items()
                    if d.path in doc.bibliographies
                    or any(e.path == d.path for e in doc.entries)
                    or any(c.path == d.path for c in doc.citations)
                ),
                first,
            )
        owners.setdefault(owner, []).append(d)
    return owners


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
