"""Parenthetical author-date citations: (Stueck 2002, 73), (Green and Troup, 1999)."""

from __future__ import annotations

import re

from citeaudit.model import Citation, LineIndex

_NAME = r"[A-Z][\w'’\-]+(?:\s+(?:van|von|de|der|da|di|le|la)\s+[A-Z][\w'’\-]+)?"
_AUTHORS = (
    rf"{_NAME}(?:,?\s+(?:and|&)\s+{_NAME}|\s+et\s+al\.?|(?:,\s+{_NAME})+,?\s+(?:and|&)\s+{_NAME})?"
)
_ONE = rf"(?P<authors>{_AUTHORS}),?\s+(?P<year>1[5-9]\d\d[a-z]?|20\d\d[a-z]?|n\.d\.)(?P<loc>[,:]\s*(?:pp?\.\s*)?[\dxivlc]+(?:\s*[-–]\s*[\dxivlc]+)?)?"
_ANON = re.sub(r"\(\?P<\w+>", "(?:", _ONE)
_PAREN = re.compile(rf"\((?:(?:see|cf\.|e\.g\.,?|also)\s+)?(?P<body>{_ANON}(?:;\s*{_ANON})*)\)")
_ITEM = re.compile(_ONE)
# Words that open a parenthesis before a year without naming an author.
_NOT_AUTHORS = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Spring",
        "Summer",
        "Autumn",
        "Fall",
        "Winter",
        "In",
        "Since",
        "By",
        "Until",
        "From",
        "After",
        "Before",
        "Around",
        "About",
        "Circa",
        "Early",
        "Late",
        "Mid",
        "The",
        "This",
        "Between",
        "During",
        "Through",
        "Of",
        "And",
        "Or",
        "See",
        "Also",
        "Ca",
        "Est",
        "Founded",
        "Born",
        "Died",
        "Published",
        "Written",
        "Revised",
    ]
)


def author_date_citations(prose: str, index: LineIndex) -> list[Citation]:
    citations = []
    for m in _PAREN.finditer(prose):
        items = list(_ITEM.finditer(m.group("body")))
        authors = tuple(i.group("authors") for i in items)
        if any(a.split()[0].strip(",") in _NOT_AUTHORS for a in authors):
            continue
        citations.append(
            Citation(
                span=index.span(m.start(), m.end()),
                style="author-date",
                targets=tuple(f"{i.group('authors')} {i.group('year')}" for i in items),
                raw=m.group(0),
                form="parenthetical",
                locator=(items[0].group("loc") or "").strip(",: ") or None,
                authors=authors,
                year=items[0].group("year"),
            )
        )
    return citations
