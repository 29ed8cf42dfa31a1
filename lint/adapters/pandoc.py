"""Pandoc citation syntax (`[@key, p. 33]`, `@key`) and the YAML front matter that names
bibliography files.

The Markdown adapter blanks code, URLs, math and front matter first and hands the result
here as `prose`; offsets in `prose` and `text` are the same, so spans point at the file.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from citeaudit.frontmatter import Value, read_metadata
from citeaudit.model import Citation, LineIndex, Span
from citeaudit.patterns import LazyPattern

__all__ = ["find_pandoc_citations", "front_matter_bibliographies", "front_matter_nocite"]

# Pandoc's key grammar (`simpleCiteIdentifier`): a letter, digit or `_`, then word
# characters and single internal punctuation marks :.#$%&-+?<>~/ each followed by a word
# character (or `:` and `/` followed by `/`, for URLs). So `@Smith2019.` ends before the
# full stop and `@petrie1899---and` is the key `petrie1899` followed by an em dash.
# `@{...}` takes anything but braces and spaces.
_KEY = (
    r"(?:\{(?P<braced>[^{}\s]+)\}"
    r"|(?P<plain>\w(?:\w|[:.#$%&\-+?<>~/](?=\w)|[:/](?=/))*))"
)
_KEY_IN_SEGMENT = LazyPattern(
    r"(?:^|(?<=\s))(?P<suppress>-)?@" + _KEY,
)
# A bracket with at most one level of nested brackets inside (for `[see [1] @a]`).
_BRACKET = LazyPattern(r"\[(?P<body>[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*)\]")
# An in-text citation: `@` not glued to a word or a full stop (e-mail), not escaped
# (`\@handle`); pandoc's `notAfterString`.
_BARE = LazyPattern(r"(?<![^\W_])(?<![.\\@])@" + _KEY)
# `@key [p. 33]`: a locator in brackets right after an in-text citation.
_TRAILING_LOCATOR = LazyPattern(r"[ \t]?\[(?P<loc>[^\[\]@\n]+)\](?![(\[{:])")
# pandoc-crossref and bookdown references look like keys but are not citations.
_CROSSREF = LazyPattern(r"(?:fig|tbl|sec|eq|lst|thm|lem|def|tab|app):", re.IGNORECASE)
_BLANK_LINE = LazyPattern(r"\n[ \t]*\n")


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


def find_pandoc_citations(
    prose: str,
    text: str,
    index: LineIndex,
    known_keys: Collection[str] | None = None,
    *,
    bare: bool = True,
) -> list[Citation]:
    """Pandoc citations in `prose` (a blanked copy of `text` with the same offsets).

    Bracketed citations `[see @a, p. 3; -@b]` always count. With `bare`, so does a bare
    `@key` in running text, as pandoc reads it: one that is not in the bibliography is an
    undefined citation, which pandoc warns about too. In a link's text (`[@octocat](url)`)
    a bare `@word` counts only when `known_keys` names it, as it is usually a handle there.
    E-mail addresses and escaped `\\@` never count, nor do pandoc-crossref labels such as
    `@fig:map`.
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
    for match in _BARE.finditer(prose) if bare else ():
        at = match.start()
        if any(start <= at < end for start, end in cited):
            continue
        key, key_start, key_end = _key_of(match)
        if _CROSSREF.match(key):
            continue
        in_link = any(start <= at < end for start, end in links)
        if in_link and (known_keys is None or key not in known_keys):
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
# Front matter: `bibliography:` and `nocite:`, read with a YAML parser as pandoc does

_NOCITE_KEY = LazyPattern(r"(?<![^\W_])(?<![.\\@])@(?:\*|" + _KEY + ")")


def front_matter_bibliographies(text: str) -> list[Value]:
    """`bibliography:` values of the metadata, as written (not resolved), located."""
    return [value for value in read_metadata(text).strings("bibliography") if value.text]


def front_matter_nocite(text: str) -> list[Value]:
    """Keys named by `nocite:`, located; `@*` gives `"*"` (cite everything)."""
    keys: list[Value] = []
    for value in read_metadata(text).strings("nocite"):
        written = text[value.start : value.end]
        # Offsets inside the written value are exact for plain and quoted scalars; a
        # block scalar's keys are found in the text it spans.
        for match in _NOCITE_KEY.finditer(written):
            if match.group(0) == "@*":
                key, start, end = "*", match.start() + 1, match.end()
            else:
                key, start, end = _key_of(match)
            keys.append(Value(key, value.start + start, value.start + end))
    return keys
