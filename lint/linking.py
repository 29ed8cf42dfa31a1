"""How rules name an entry in a message."""

from __future__ import annotations

from citeaudit.model import Entry


def label_text(entry: Entry) -> str:
    if entry.label is None:
        return _short(entry.raw)
    return f"[{entry.label}]" if entry.kind == "text" else f"'{entry.label}'"


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
