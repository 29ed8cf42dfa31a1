"""Text normalisation for fuzzy matching: casefold, strip diacritics, drop stop-words."""

from __future__ import annotations

import re
import unicodedata

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "is",
        "was",
        "were",
        "be",
        "been",
        "are",
        "that",
        "this",
        "which",
        "who",
        "whom",
        "its",
        "it",
        "his",
        "her",
        "their",
        "our",
        "your",
        "into",
        "over",
        "under",
        "than",
        "then",
        "also",
        "not",
        "no",
        "de",
        "la",
        "le",
        "les",
        "des",
        "du",
        "et",
        "el",
        "los",
        "las",
        "y",
        "en",
        "der",
        "die",
        "das",
        "und",
        "von",
        "zu",
        "im",
        "al",
    ]
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


class _DropMarks(dict[int, int | None]):
    """A `str.translate` table that drops combining marks, filled on first sight of each
    character, so folding runs in C after the first few documents."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_DROP_MARKS = _DropMarks()
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold(text: str) -> str:
    """Casefolded text without diacritics or LaTeX braces."""
    # Not str.translate: on a text that is not all ASCII it looks every character up in
    # the table, which took 3 ms of a 90 KB essay for two braces.
    text = text.replace("{", "").replace("}", "")
    if text.isascii():
        # NFKD leaves ASCII alone and casefold is lower() there.
        return text.lower()
    # No ASCII character is a combining mark: only the runs of others need the table.
    return _NON_ASCII.sub(_drop_marks, unicodedata.normalize("NFKD", text.casefold()))


def _drop_marks(run: re.Match[str]) -> str:
    return run.group().translate(_DROP_MARKS)


def words(text: str, *, keep_stop_words: bool = False) -> list[str]:
    found = [w.replace("’", "'") for w in _WORD.findall(fold(text))]
    return found if keep_stop_words else [w for w in found if w not in STOP_WORDS]


def key(text: str) -> str:
    return " ".join(words(text))


def family_names(authors: tuple[str, ...]) -> set[str]:
    """The family name of each author: before the comma in 'Last, First', else the last
    word that is not an initial."""
    found: set[str] = set()
    for author in authors:
        head = author.split(",", 1)[0] if "," in author else author
        parts = [w for w in words(head) if len(w) > 1]
        if parts:
            found.add(parts[0] if "," in author else parts[-1])
    return found


def surnames(authors: tuple[str, ...]) -> set[str]:
    """Every capitalised name part of the authors, folded: 'Stueck William' and
    'Stueck, William' both give {'stueck', 'william'}."""
    parts: set[str] = set()
    for author in authors:
        for word in words(author):
            if len(word) > 1:
                parts.add(word)
    return parts
