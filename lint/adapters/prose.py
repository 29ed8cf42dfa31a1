"""Blank out everything that is not prose, keeping offsets and newlines.

Rules look for citations only in prose: code, math, URLs, front matter, HTML comments
and tags are replaced by spaces in a copy of the text, so every offset still maps to the
original file.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Literal

from citeaudit.geometry import blanked

Flavor = Literal["markdown", "plain", "rst", "asciidoc"]

_FRONT_MATTER = re.compile(
    r"\A(?:---|\+\+\+)[ \t]*\r?\n.*?^(?:---|\.\.\.|\+\+\+)[ \t]*$", re.M | re.S
)
_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*$", re.M)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
# Pandoc's rule: no space after the opening $, none before the closing one, no digit after.
# Literal first, look-behind after it: the engine then searches for "$" (much faster).
_INLINE_MATH = re.compile(r"\$(?<![\\$\w]\$)(?=\S)[^$\n]+?(?<=\S)\$(?!\d)")
_LATEX_MATH = re.compile(r"\\\((.+?)\\\)", re.S)
# Each alternative opens with its letter and has its `\b` after it, so that the regex
# engine skips to h, f and w in C instead of trying a look-ahead at every position.
_URL = re.compile(
    r"(?:h(?<!\w.)ttps?://|f(?<!\w.)tp://|w(?<!\w.)ww\.)[^\s<>\"'`\])}]*[^\s<>\"'`\])}.,;:!?]"
)
_LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]^]+\]:[ \t]*\S+.*$", re.M)
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]*>")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Tags other than <sup>, which carries numeric citations.
_TAG = re.compile(r"</?(?!sup\b)[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>", re.I)
_RST_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#\.)\s+")
_RST_LITERAL = re.compile(r"``.+?``", re.S)
_ADOC_BLOCK = re.compile(r"^(-{4,}|\.{4,}|\+{4,}|/{4,})[ \t]*$", re.M)
_KNITR_INLINE = re.compile(r"`r [^`\n]+`")


def mask(text: str, flavor: Flavor, code: str | None = None) -> str:
    """Return `text` with its non-prose parts replaced by spaces. `code` is
    `without_code(text, flavor)` when the caller has it already."""
    canvas = _Canvas(without_code(text, flavor) if code is None else code)
    canvas.blank_all(_HTML_COMMENT)
    if flavor == "markdown":
        canvas.blank_all(_DISPLAY_MATH)
        canvas.blank_all(_INLINE_MATH)
        canvas.blank_spans(list(_latex_math_spans(canvas.text)))
        canvas.blank_all(_LINK_TARGET, keep=1)
        canvas.blank_all(_LINK_DEFINITION)
    canvas.blank_all(_AUTOLINK)
    canvas.blank_all(_URL)
    canvas.blank_spans(list(_email_spans(canvas.text)))
    canvas.blank_all(_TAG)
    return canvas.text


class _Canvas:
    """The text being masked: a string, blanked by slices a batch of spans at a time (a
    scan's matches, a kind of block), until a caller asks for its characters (the
    AsciiDoc blocks); then a list, joined only when read after a change. Listing and
    joining an essay's characters for each step cost more than the scans themselves."""

    __slots__ = ("_chars", "_text")

    def __init__(self, text: str) -> None:
        self._chars: list[str] | None = None
        self._text: str | None = text

    @property
    def text(self) -> str:
        if self._text is None:
            assert self._chars is not None  # one of the two is always set
            self._text = "".join(self._chars)
        return self._text

    @property
    def chars(self) -> list[str]:
        """The characters, to write to: the text is rebuilt when next read."""
        if self._chars is None:
            self._chars = list(self.text)
        self._text = None
        return self._chars

    def write(self, edits: list[tuple[int, str]]) -> None:
        """Put each (start, text) of `edits` (sorted, apart) over as many characters."""
        if not edits:
            return
        if self._chars is None:
            text = self.text
            pieces: list[str] = []
            pos = 0
            for start, new in edits:
                pieces += (text[pos:start], new)
                pos = start + len(new)
            pieces.append(text[pos:])
            self._text = "".join(pieces)
        else:
            chars = self.chars
            for start, new in edits:
                chars[start : start + len(new)] = new

    def blank_all(self, pattern: re.Pattern[str], keep: int = 0) -> None:
        self.blank_spans([(m.start() + keep, m.end()) for m in pattern.finditer(self.text)])

    def blank_spans(self, spans: list[tuple[int, int]]) -> None:
        """Blank `spans` (order does not matter: blanking keeps offsets and is idempotent)."""
        if not spans:
            return
        if self._chars is None:
            self._text = blanked(self.text, spans)
        else:
            chars = self.chars
            for start, end in spans:
                blank(chars, start, end)


_EMAIL_CHAR = re.compile(r"[\w.+-]")
_EMAIL_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)+\b")
_BOUNDARY = re.compile(r"\b")


def _email_spans(text: str) -> Iterator[tuple[int, int]]:
    """What `_EMAIL.finditer(text)` finds, from each "@" back to where its name begins:
    the regex retries every word boundary of a long dotted run ("a.b.c...") to its end."""
    pos = 0
    at = text.find("@")
    while at != -1:
        domain = _EMAIL_DOMAIN.match(text, at)
        if domain:
            start = at
            while start > pos and _EMAIL_CHAR.match(text, start - 1):
                start -= 1
            first = next((q for q in range(start, at) if _BOUNDARY.match(text, q)), None)
            if first is not None:
                yield first, domain.end()
                pos = domain.end()
        at = text.find("@", max(at + 1, pos))


def _latex_math_spans(text: str) -> Iterator[tuple[int, int]]:
    """What `_LATEX_MATH.finditer(text)` finds, without its rescan to the end of the text
    from every `\\(` when no `\\)` follows."""
    pos = 0
    while True:
        opening = text.find("\\(", pos)
        if opening == -1:
            return
        closing = text.find("\\)", opening + 3)
        if closing == -1:
            return
        yield opening, closing + 2
        pos = closing + 2


def without_code(text: str, flavor: Flavor) -> str:
    """The first layer of the prose mask: `text` with front matter, code blocks and inline
    code blanked, HTML comments kept. Suppression comments are read from it, so that one
    shown in code silences nothing, as in prose (`citeaudit.adapters.suppress`)."""
    canvas = _Canvas(text)
    if flavor in ("markdown", "plain"):
        front = _FRONT_MATTER.match(text)
        if front:
            canvas.blank_spans([front.span()])
    if flavor == "markdown":
        _blank_fences(canvas, text)
        _blank_indented_code(canvas, text)
        canvas.blank_all(_KNITR_INLINE)
        _blank_inline_code(canvas, _COMMENT_OR_INLINE_CODE)
    elif flavor == "rst":
        _blank_rst_literals(canvas, text)
        _blank_inline_code(canvas, _COMMENT_OR_RST_LITERAL)
    elif flavor == "asciidoc":
        _blank_adoc_blocks(canvas.chars, text)
        _blank_inline_code(canvas, _COMMENT_OR_INLINE_CODE)
    return canvas.text


# Inline code and HTML comments, whichever opens first (as CommonMark reads them): a
# backtick inside a comment opens no code span, and a `<!--` inside code no comment.
# The pattern opens with the class of both first characters, so that the regex engine
# skips to them in C, and a look-behind then says which one it read. `code` holds the
# backticks of the opening run after its first (empty for a single backtick), and the
# closing run is one backtick and that group.
_COMMENT_OR_INLINE_CODE = re.compile(
    r"[<`](?:(?<=<)!--.*?(?:-->|\Z)|(?<=`)(?<!``)(?P<code>`*)(?!`)(.+?)(?<!`)`(?P=code)(?!`))",
    re.S,
)
_COMMENT_OR_RST_LITERAL = re.compile(r"<!--.*?(?:-->|\Z)|(?P<code>``.+?``)", re.S)


def _blank_inline_code(canvas: _Canvas, pattern: re.Pattern[str]) -> None:
    found = pattern.finditer(canvas.text)
    canvas.blank_spans([m.span() for m in found if m.group("code") is not None])


def blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] not in "\r\n":
            chars[i] = " "


_CHUNK_CAPTION = re.compile(r"\bfig\.s?cap\s*=\s*\"((?:[^\"\\\n]|\\.)*)\"")


def _blank_fences(canvas: _Canvas, text: str) -> None:
    # Blocks and captions are collected, then written in one pass each: the blocks do
    # not overlap, and each caption lies in its block's opening line.
    blocks: list[tuple[int, int]] = []
    captions: list[tuple[int, str]] = []
    pos = 0
    while True:
        opening = _FENCE_OPEN.search(text, pos)
        if not opening:
            break
        fence = opening.group(2)
        closing = re.compile(rf"^ {{0,3}}{fence[0]}{{{len(fence)},}}[ \t]*$", re.M)
        close = closing.search(text, opening.end())
        end = close.end() if close else len(text)
        blocks.append((opening.start(), end))
        # An R Markdown chunk's figure caption is printed as prose (knitr writes it under
        # the figure), so its citations count: `fig.cap="... see Cowell, chap. 2."`.
        if opening.group(0).lstrip(" `~").startswith("{r"):
            for caption in _CHUNK_CAPTION.finditer(text, opening.start(), opening.end()):
                # LaTeX quotes (``...'') are not inline code: their backticks stay blank.
                shown = text[caption.start(1) : caption.end(1)].replace("`", " ")
                captions.append((caption.start(1), shown))
        pos = end
    canvas.blank_spans(blocks)
    canvas.write(captions)


def _blank_indented_code(canvas: _Canvas, text: str) -> None:
    """Indented code: 4+ spaces after a blank line, unless it continues a list or note."""
    lines = text.split("\n")
    offset = 0
    in_code = False
    prev_blank = True
    container = False  # the last block was a list item or footnote, so indents continue it
    code: list[tuple[int, int]] = []
    for line in lines:
        stripped = line.strip()
        indented = line.startswith(("    ", "\t"))
        if not stripped:
            prev_blank = True
        elif indented and (in_code or (prev_blank and not container)):
            in_code = True
            code.append((offset, offset + len(line)))
            prev_blank = False
        else:
            in_code = False
            if not indented:
                container = bool(_CONTAINER.match(line))
            prev_blank = False
        offset += len(line) + 1
    canvas.blank_spans(code)


_CONTAINER = re.compile(r"^\s{0,3}(?:[-*+]\s|\d+[.)]\s|\[\^[^\]]+\]:|\[\d+\]|>)")


def _blank_rst_literals(canvas: _Canvas, text: str) -> None:
    """Blank the indented block after a line ending in '::' and code directives."""
    offset = 0
    literal_indent: int | None = None
    literal: list[tuple[int, int]] = []
    for line in text.split("\n"):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None:
            if stripped and indent <= literal_indent:
                literal_indent = None
            else:
                literal.append((offset, offset + len(line)))
        if literal_indent is None and (
            stripped.endswith("::") or stripped.startswith((".. code", ".. math", ".. sourcecode"))
        ):
            # The block is indented past the paragraph's text, which in a list item starts
            # after the bullet: "  * data::" has its text at column 4.
            bullet = _RST_BULLET.match(line)
            literal_indent = bullet.end() if bullet else indent
        offset += len(line) + 1
    canvas.blank_spans(literal)


def _blank_adoc_blocks(chars: list[str], text: str) -> None:
    """AsciiDoc listing, literal and comment blocks; passthrough blocks keep their text."""
    delimiters = list(_ADOC_BLOCK.finditer(text))
    # Where each delimiter occurs, so the closing one is found by bisection, not a rescan.
    where: dict[str, list[int]] = {}
    for k, d in enumerate(delimiters):
        where.setdefault(d.group(1), []).append(k)
    i = 0
    while i < len(delimiters) - 1:
        opening = delimiters[i]
        same = where[opening.group(1)]
        at = bisect.bisect_right(same, i)
        if at == len(same):
            break
        closing = delimiters[same[at]]
        if not opening.group(1).startswith("+"):
            blank(chars, opening.start(), closing.end())
        i = same[at] + 1
