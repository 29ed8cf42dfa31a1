"""REF006: links that point at a site's home page, and web sources without an access date."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from citeaudit.linking import label_text
from citeaudit.model import Diagnostic, Document, Entry
from citeaudit.normalize import fold
from citeaudit.patterns import LazyPattern
from citeaudit.rules import RuleContext, printed_entries, rule
from citeaudit.urls import URL, entry_urls, split_url, url_host


@rule(
    "REF006",
    "weak-url",
    "info",
    options={"access-date": {"enum": ["always", "when-used", "never"]}},
    defaults={"access-date": "when-used"},
)
def weak_url(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports an entry whose URL is a site's home page (no path, or only `/`, `index.html`)
    rather than the document cited, and a web source (an entry whose only locator is a
    URL: no DOI, journal or publisher) with no access date ("accessed 3 May 2023",
    "retrieved", or an `urldate`/`accessed` field). The `access-date` option says when
    that is required: `"always"`, `"never"`, or `"when-used"` (the default): when
    another entry of the same list gives one, so the house style evidently asks for it.
    Technical documents (RFCs, PEPs) that never give access dates stay quiet.

    ## Why is this bad?
    A home page does not lead the reader to the cited text, and web pages change: an
    access date tells the reader which version was read and lets them find it in an
    archive.

    ## Example
    ```markdown
    [10] Dean Acheson's 'Perimeter Speech' on Asia (1950) Alpha History,
         https://alphahistory.com/.
    ```
    Give the page's own URL and the date you read it.
    """
    policy = ctx.options["access-date"]
    wanted = policy == "always" or (
        policy == "when-used" and any(_accessed(e) for e in doc.entries)
    )
    for entry in printed_entries(doc, ctx):
        urls = entry_urls(entry)
        if not urls:
            continue
        where = entry.label_span or entry.span
        homes = [u for u in urls if _home_page(u) and not _names_itself(entry, u)]
        if homes:
            yield ctx.diagnostic(
                where,
                f"entry {label_text(entry)} links to a home page ({homes[0]}), not to the document",
                context=entry.raw[:80],
                path=entry.path,
            )
        elif wanted and _web_only(entry) and not _accessed(entry):
            yield ctx.diagnostic(
                where,
                f"entry {label_text(entry)} is an undated web page without an access date",
                context=entry.raw[:80],
                path=entry.path,
            )


_SOFTWARE = LazyPattern(
    r"\b(?:R package|package|software|version|library|toolkit|programming language|statistical computing)\b",
    re.I,
)


def _names_itself(entry: Entry, url: str) -> bool:
    """Software and projects are cited by their home page: ggplot2.org for ggplot2."""
    if _SOFTWARE.search(entry.raw) or entry.entry_type in (
        "software",
        "manual",
        "dataset/software",
    ):
        return True
    host = url_host(url)
    title = re.sub(r"[\W_]+", "", fold(entry.title or entry.raw))
    labels = [label for label in host.split(".")[:-1] if len(label) >= 3 and label != "www"]
    names = [re.sub(r"[\W_]+", "", label) for label in labels]
    if any(name in title or (len(title) >= 4 and title in name) for name in names):
        return True
    # An online book or project at its own domain: two title words run together in the
    # host name (tidytextmining.com for "Text Mining with R").
    words = [w for w in re.findall(r"[^\W\d_]+", fold(entry.title or "")) if len(w) >= 3]
    if any(a + b in name for a, b in itertools.pairwise(words) for name in names):
        return True
    # An entry that is nothing but names and their sites ("Numpy: http://www.numpy.org/").
    parts = {
        p
        for u in entry_urls(entry)
        for p in re.split(r"[\W_]+", url_host(u).casefold())
        if len(p) >= 3
    }
    rest = URL.sub(" ", re.sub(r"^\W*\[?\w+\]?\W*", "", entry.raw))
    said = re.findall(r"[^\W\d_]+", fold(rest))
    return bool(said) and all(word in parts for word in said)


def _home_page(url: str) -> bool:
    parts = split_url(url)
    if parts is None:
        return False
    path = parts.path.strip("/")
    return (
        bool(url_host(url)) and not parts.query and path in ("", "index.html", "index.htm", "home")
    )


# Entry types (BibTeX's, and the guesses of the entry parser) that are publications, not
# web pages: a journal article or a book with a URL is still an article or a book.
_PUBLICATION_TYPES = frozenset(
    {
        "article",
        "book",
        "chapter",
        "inbook",
        "incollection",
        "inproceedings",
        "conference",
        "proceedings",
        "thesis",
        "phdthesis",
        "mastersthesis",
        "report",
        "techreport",
        "manual",
        "software",
        "dataset",
        "dataset/software",
        "archival",
        "newspaper",
        "inreference",
        "unpublished",
    }
)


# Links that are stable by design: DOIs, handles, JSTOR, library databases and proxies,
# institutional repositories, archives, preprint servers, package archives, and the
# article pages of journals.
_STABLE_URL = LazyPattern(
    r"doi\.org/|\bdoi:|jstor\.org/stable|ebscohost|libproxy|ezproxy|handle\.net|\bhdl\."
    r"|digitalrepository|digitalcommons|/bitstream/|proquest\.com|muse\.jhu\.edu|archive\.org"
    r"|arxiv\.org|ssrn\.com|cran\.r-project\.org|pypi\.org|zenodo\.org"
    r"|/articles?/|/journals?/|/dhq/vol/",
    re.I,
)


# A journal's volume and issue: "26 (1): 1", "3.2 (2009)", "vol. 12".
_VOLUME = LazyPattern(r"\b\d+\s*\(\d+(?:/\d+)?\)\s*:|\b\d+\.\d+\s*\(\d{4}\)|\bvol\.\s*\d", re.I)


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)


# A date finer than a year: a dated post or article needs no access date (Chicago 14.12).
_DATED = LazyPattern(
    rf"\b{_MONTH}\.?\s+(?:\d{{1,2}},?\s+)?\d{{4}}\b|\b\d{{1,2}}\s+{_MONTH}\.?\s+\d{{4}}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b"
)


_ACCESS_PHRASE = LazyPattern(
    rf"\b(?:accessed|retrieved|viewed|consulted)\b[^.;]*?(?:{_MONTH}[^.;]*?\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})",
    re.I,
)


def _web_only(entry: Entry) -> bool:
    """A web page, whose text may change: not a publication (an article, a book, a report,
    software), not behind a stable link, and not dated more finely than by year."""
    if any(entry.get(name) for name in ("doi", "publisher", "journal")):
        return False
    if re.search(r"\d", entry.get("container") or ""):
        return False
    if entry.entry_type in _PUBLICATION_TYPES:
        return False
    if any(_STABLE_URL.search(url) for url in entry_urls(entry)) or _VOLUME.search(entry.raw):
        return False
    dated = entry.get("date") or _ACCESS_PHRASE.sub(" ", entry.raw)
    if _DATED.search(dated):
        return False
    # A dated PDF is a fixed document (a report), not a page that changes.
    pdf = any(_pdf(u) for u in entry_urls(entry))
    return not (pdf and entry.year)


def _pdf(url: str) -> bool:
    parts = split_url(url)
    return parts is not None and parts.path.lower().endswith(".pdf")


def _accessed(entry: Entry) -> bool:
    if entry.get("accessed") or entry.get("urldate"):
        return True
    return bool(
        re.search(r"\b(?:accessed|retrieved|viewed|consulted|abgerufen)\b", entry.raw, re.I)
    )
