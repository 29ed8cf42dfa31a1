"""Pandoc citation syntax (`[@key, p. 33]`, `@key`) and the YAML front matter that names
bibliography files.

The Markdown adapter blanks code, URLs, math and front matter first and hands the result
here as `prose`; offsets in `prose` and `text` are the same, so spans point at the file.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from citeaudit.model import Citation, LineIndex, Span

__all__ = ["find_pandoc_citations", "front_matter_bibliographies", "front_matter_nocite"]

# Pandoc's key grammar: starts with a letter, digit or `_`; internal punctuation
# :.#$%&-+?<>~/ is allowed only when a word character follows, so `@Smith2019.` ends
# before the full stop. `@{...}` takes anything but braces.
_KEY = r"(?:\{(?P<braced>[^{}\n]+)\}|(?P<plain>\w(?:\w|[:.#$%&\-+?<>~/]+(?=\w))*))"
_KEY_IN_SEGMENT = re.compile(
    r"(?:^|(?<=\s))(?P<suppress>-)?@" + _KEY,
)
# A bracket with at most one level of nested brackets inside (for `[see [1] @a]`).
_BRACKET = re.compile(r"\[(?P<body>[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*)\]")
# An in-text citation: `@` not glued to a word (e-mail), not escaped (`\@handle`).
_BARE = re.compile(r"(?<![\w\\@])@" + _KEY)
# `@key [p. 33]`: a locator in brackets right after an in-text citation.
_TRAILING_LOCATOR = re.compile(r"[ \t]?\[(?P<loc>[^\[\]@\n]+)\](?![(\[{:])")
# pandoc-crossref and bookdown references look like keys but are not citations.
_CROSSREF = re.compile(r"(?:fig|tbl|sec|eq|lst|thm|lem|def|tab|app):", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_KEY_PUNCTUATION = re.compile(r"[:.#$%&\-+?<>~/]+")


def _key_of(match: re.Match[str]) -> tuple[str, int, int]:
    group = "braced" if match.group("braced") is not None else "plain"
    return match.group(group), match.start(group), match.end(group)


def _split_segments(body: str) -> Iterator[tuple[int, str]]:
    """The `;`-separated items of a bracket, with their offsets (nested brackets kept)."""
    depth = 0
    start = 0
    for i, char in enumerate(body):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == ";" and depth == 0:
            yield start, body[start:i]
            start = i + 1
    yield start, body[start:]


def _locator(suffix: str) -> str | None:
    text = suffix.strip().lstrip(",").strip()
    return text or None


def _citation_in(bracket: re.Match[str], text: str, index: LineIndex) -> Citation | None:
    """The citation a `[...]` holds, if every `;`-item in it has a key (pandoc's rule)."""
    body = bracket.group("body")
    body_start = bracket.start("body")
    targets: list[str] = []
    spans: list[Span] = []
    locators: list[str] = []
    for offset, segment in _split_segments(body):
        found = _KEY_IN_SEGMENT.search(segment)
        if not found:
            return None
        # Pandoc parses a key inside a suffix (`[@a, @b]`, a `;` typed as `,`) as a
        # nested citation, so every key in the item is cited.
        keys = [found, *_KEY_IN_SEGMENT.finditer(segment, found.end())]
        base = body_start + offset
        for match in keys:
            key, key_start, key_end = _key_of(match)
            if not _CROSSREF.match(key):
                targets.append(key)
                spans.append(index.span(base + key_start, base + key_end))
        suffix_end = keys[1].start() if len(keys) > 1 else len(segment)
        locator = _locator(segment[found.end() : suffix_end])
        if locator:
            locators.append(locator)
    if not targets:
        return None
    start, end = bracket.span()
    return Citation(
        span=index.span(start, end),
        style="key",
        targets=tuple(targets),
        raw=text[start:end],
        form="pandoc",
        locator="; ".join(locators) or None,
        label_spans=tuple(spans),
    )


def _is_link(prose: str, start: int, end: int) -> bool:
    # `[@x](url)` is a link, `[@x]{.class}` a span, `![...]` an image, `[@x]:` a reference
    # definition: their brackets do not cite.
    return prose[end : end + 1] in ("(", "[", "{", ":") or prose[start - 1 : start] in (
        "!",
        "]",
        "\\",
    )


def _bracketed(
    prose: str, text: str, index: LineIndex, start: int = 0, end: int | None = None
) -> Iterator[tuple[Citation | None, tuple[int, int]]]:
    """Bracketed citations with their extents; links and images come as (None, extent)."""
    for bracket in _BRACKET.finditer(prose, start, len(prose) if end is None else end):
        if "@" not in bracket.group("body") or _BLANK_LINE.search(bracket.group("body")):
            continue  # no key, or a bracket across paragraphs, which pandoc never joins
        if _is_link(prose, *bracket.span()):
            yield None, bracket.span()
            # A caption or link text may itself hold a citation: `![Map [@a]](map.png)`.
            yield from _bracketed(prose, text, index, bracket.start("body"), bracket.end("body"))
            continue
        citation = _citation_in(bracket, text, index)
        if citation is not None:
            yield citation, bracket.span()


def _known_or_prefix(key: str, known_keys: Collection[str]) -> bool:
    """Whether a bare `@key` is meant as a citation when the bibliography is known.

    Pandoc reads `@petrie1899---and` as the key `petrie1899---and`: that is still a
    citation (to an undefined key, which is worth reporting) when a known key is a prefix
    ending at internal punctuation.
    """
    if key in known_keys:
        return True
    return any(key[: cut.start()] in known_keys for cut in _KEY_PUNCTUATION.finditer(key))


def find_pandoc_citations(
    prose: str,
    text: str,
    index: LineIndex,
    known_keys: Collection[str] | None = None,
) -> list[Citation]:
    """Pandoc citations in `prose` (a blanked copy of `text` with the same offsets).

    Bracketed citations `[see @a, p. 3; -@b]` always count. A bare `@word` in running text
    counts only when `known_keys` is None or names it, because in prose it may as well be a
    social-media handle; e-mail addresses and escaped `\\@` never count, nor do
    pandoc-crossref labels such as `@fig:map`.
    """
    found: list[Citation] = []
    cited: list[tuple[int, int]] = []
    links: list[tuple[int, int]] = []
    for citation, extent in _bracketed(prose, text, index):
        if citation is None:
            links.append(extent)
        else:
            found.append(citation)
            cited.append(extent)
    for match in _BARE.finditer(prose):
        at = match.start()
        if any(start <= at < end for start, end in cited):
            continue
        key, key_start, key_end = _key_of(match)
        if _CROSSREF.match(key):
            continue
        # In a link's text (`[@octocat](https://github.com/octocat)`) `@word` is a handle
        # unless the bibliography says otherwise.
        in_link = any(start <= at < end for start, end in links)
        if (known_keys is None and in_link) or (
            known_keys is not None and not _known_or_prefix(key, known_keys)
        ):
            continue
        end = match.end()
        locator = None
        trailing = _TRAILING_LOCATOR.match(prose, end)
        if trailing:
            locator = _locator(trailing.group("loc"))
            end = trailing.end()
        found.append(
            Citation(
                span=index.span(at, end),
                style="key",
                targets=(key,),
                raw=text[at:end],
                form="pandoc",
                locator=locator,
                label_spans=(index.span(key_start, key_end),),
            )
        )
    found.sort(key=lambda citation: citation.span.start)
    return found


# ---------------------------------------------------------------------------------------
# YAML front matter, read just far enough for two keys (no YAML library needed)

_FENCE_OPEN = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_FENCE_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?P<value>.*)$")
_LIST_ITEM = re.compile(r"^\s+-\s+(?P<item>.*)$")
_NOCITE_KEY = re.compile(r"@(?:\*|\{[^{}]+\}|\w(?:\w|[:.#$%&\-+?<>~/]+(?=\w))*)")


def _front_matter(text: str) -> list[str]:
    opening = _FENCE_OPEN.match(text)
    if not opening:
        return []
    closing = _FENCE_CLOSE.search(text, opening.end())
    if not closing:
        return []
    return text[opening.end() : closing.start()].splitlines()


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _strip_comment(value: str) -> str:
    # A YAML comment needs a space before `#`; a `#` inside quotes is not one.
    stripped = value.strip()
    if stripped[:1] in ("'", '"'):
        close = stripped.find(stripped[0], 1)
        return stripped if close == -1 else stripped[: close + 1]
    cut = value.find(" #")
    return value if cut == -1 else value[:cut]


def _values(text: str, wanted: str) -> list[str]:
    """The raw value of a top-level key: inline, a flow list, a block list or a block scalar."""
    lines = _front_matter(text)
    for i, line in enumerate(lines):
        top = _TOP_KEY.match(line)
        if not top or top.group("key") != wanted:
            continue
        inline = _strip_comment(top.group("value")).strip()
        following: list[str] = []
        for later in lines[i + 1 :]:
            if later.strip() and not later[:1].isspace() and not later.startswith("-"):
                break
            following.append(later)
        if inline.startswith("[") and inline.endswith("]"):
            return [_unquote(part) for part in inline[1:-1].split(",") if part.strip()]
        if inline in ("|", ">", "|-", ">-", "|+", ">+"):
            return [" ".join(part.strip() for part in following)]
        if inline:
            return [_unquote(inline)]
        items = [
            _LIST_ITEM.match(later) or re.match(r"^-\s+(?P<item>.*)$", later) for later in following
        ]
        return [_unquote(_strip_comment(item.group("item"))) for item in items if item]
    return []


def front_matter_bibliographies(text: str) -> list[str]:
    """`bibliography:` values from the YAML front matter, as written (not resolved)."""
    return [value for value in _values(text, "bibliography") if value]


def front_matter_nocite(text: str) -> list[str]:
    """Keys named by `nocite:` in the front matter; `@*` gives `"*"` (cite everything)."""
    keys: list[str] = []
    for value in _values(text, "nocite"):
        for match in _NOCITE_KEY.finditer(value):
            key = match.group(0)[1:]
            keys.append(key[1:-1] if key.startswith("{") else key)
    return keys
