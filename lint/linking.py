"""How rules name an entry in a message."""

from __future__ import annotations

import re

from citeaudit.model import Entry
from citeaudit.patterns import LazyPattern


def label_text(entry: Entry) -> str:
    """`[3]` for a numbered entry, `'key'` for a bibliography's; an unlabelled entry by
    its first author, year and title (`Townsend 2012, “What Makes a Successful Academic
    Career…”`), or its opening words in quotation marks, never cut inside a word."""
    if entry.label is None:
        return _described(entry)
    return f"[{entry.label}]" if entry.kind == "text" else f"'{entry.label}'"


def _described(entry: Entry) -> str:
    title = (entry.title or "").strip(" .,*_\"'“”‘’")
    name = _family(entry.authors[0]) if entry.authors else ""
    if title and name:
        year = f" {entry.year}" if entry.year else ""
        return f"{name}{year}, “{_short(title, 50)}”"
    opening = re.sub(r"[\"“”*_]", "", entry.raw).strip()
    return f"“{_short(opening, 50)}”"


_ORGANISATION = LazyPattern(
    r"\b(?:Society|University|Association|Institute|Press|Committee|Office|Department|Team"
    r"|Council|Foundation|Bank|Museum|Library|Archives?|Cent(?:er|re)|Commission"
    r"|Organi[sz]ation|Agency|Ministry|Board|Project|Group|Company|Corporation|Inc)\b"
)


def _family(author: str) -> str:
    author = author.strip()
    if "," in author:
        return author.split(",", 1)[0].strip()
    words = author.split()
    # "Albuquerque Historical Society" is an organisation: its whole name.
    if _ORGANISATION.search(author) or len(words) > 3:
        return author
    return words[-1] if words else author


def _short(text: str, width: int = 40) -> str:
    """`text` cut at the last word boundary before `width`, marked with an ellipsis."""
    text = re.sub(r"\s+", " ", text)
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


def describe(entry: Entry) -> str:
    """An unnumbered entry as a reader finds it in the list: 'Cocks 2006', or by title."""
    if entry.label is not None:
        return label_text(entry)
    if entry.authors:
        name = entry.authors[0].split(",")[0].strip()
    else:
        name = _short(entry.title or entry.raw, 40)
    year = entry.year or ""
    return f"'{name} {year}'" if year else f"'{name}'"
