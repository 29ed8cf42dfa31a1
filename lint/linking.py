"""How rules name an entry in a message."""

from __future__ import annotations

from citeaudit.model import Entry


def label_text(entry: Entry) -> str:
    if entry.label is None:
        return _short(entry.raw)
    return f"[{entry.label}]" if entry.kind == "text" else f"'{entry.label}'"


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


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
