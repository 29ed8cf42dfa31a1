"""SRC006: a quotation cited without a page or other locator."""

from __future__ import annotations

import re
from collections.abc import Iterator

from citeaudit.geometry import QUOTED as _QUOTED
from citeaudit.geometry import Geometry, geometry
from citeaudit.model import Diagnostic, Document, Entry
from citeaudit.rules import RuleContext, rule


@rule(
    "SRC006",
    "quotation-without-locator",
    "warning",
    options={"min-words": {"type": "integer", "minimum": 1}},
    defaults={"min-words": 5},
)
def quotation_without_locator(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports an author-date or MLA citation that closes a direct quotation of at least
    `min-words` words (default 5), or a block quotation, but gives no page or other
    locator. Web pages and datasets, which have no pages, are exempt, as are citations
    whose source cannot be found (CIT001 reports those).

    ## Why is this bad?
    Chicago, APA, Harvard and MLA all require the page of a quotation, so that a reader
    can find the words in a book of three hundred pages.

    ## Example
    ```markdown
    Scott called gender "a useful category of historical analysis" (Scott 1986).
    ```
    Write `(Scott 1986, 1067)`.
    """
    from citeaudit.adapters.authordate import parse_item  # as in claims.py

    minimum = int(ctx.options["min-words"])
    geo = geometry(doc)
    seen: set[int] = set()
    for found in ctx.links.of_style("author-date"):
        citation = found.citation
        if found.entry is None or citation.span.start in seen or citation.form == "narrative":
            continue
        seen.add(citation.span.start)
        if any(
            (item := parse_item(t)) is not None and item.locator is not None
            for t in citation.targets
        ):
            continue
        if _unpaginated(found.entry):
            continue
        quoted = _quotation_before(doc, geo, citation.span.start, minimum)
        if quoted is None:
            continue
        yield ctx.diagnostic(
            citation.span,
            f"{citation.raw} closes a quotation ({quoted}) but gives no page or other locator",
            context=citation.raw,
        )


def _quotation_before(doc: Document, geo: Geometry, start: int, minimum: int) -> str | None:
    """'12 words' or 'a block quotation': the quotation that the citation closes, in the
    citation's own sentence (read whole across the full stops inside its quotations)."""
    text = geo.prose
    line_start = text.rfind("\n", 0, start) + 1
    if doc.text[line_start:start].lstrip().startswith(">"):
        return "a block quotation"
    sentence = geo.sentence_at(start, quoted=True)
    s_start = sentence[0] if sentence else 0
    quotes = list(_QUOTED.finditer(text, s_start, start))
    if not quotes:
        return None
    last = quotes[-1]
    between = text[last.end() : start]
    if re.search(r"[“\"(]", between):
        return None  # another quotation or citation stands between them
    count = len(re.findall(r"[^\W\d_]+", last.group(0)))
    return f"{count} words" if count >= minimum else None


def _unpaginated(entry: Entry) -> bool:
    """Web pages, newspapers read online and datasets have no page to give."""
    if entry.get("pages") is not None:
        return False
    online = entry.get("url") is not None or entry.get("accessed") is not None
    return online or entry.entry_type in ("web", "dataset/software", "newspaper")
