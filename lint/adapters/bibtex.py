"""BibTeX and biblatex files: entries with located fields, syntax problems as diagnostics.

bibtexparser 2.x does the splitting; this module adds what a linter needs on top: the
offset of every entry and field value in the original text, values with LaTeX markup turned
into plain text, and plain-language messages for what the parser could not read. Nothing is
cached between calls and nothing raises on malformed input.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from citeaudit.model import Entry, Field, LineIndex, Problem, Related, Severity, Span
from citeaudit.problems import problem

__all__ = ["latex_to_text", "load_bib_file", "parse_bib", "split_names"]

# ---------------------------------------------------------------------------------------
# LaTeX markup in field values -> plain text

# Accent commands: symbol accents may touch their letter (\"o); letter accents need a space
# or a brace group (\c c, \v{s}).
_ACCENT = re.compile(
    r"\\(?:(?P<sym>[\"'`^~=.])\s*|(?P<let>[uvHckrbd])(?:\s+|(?=\{)))"
    r"(?:\{\s*(?P<braced>\\[ij]|[A-Za-z])\s*\}|(?P<bare>\\[ij]|[A-Za-z]))"
)
_COMBINING = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "b": "\u0331",
    "d": "\u0323",
}
_SYMBOLS = {
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
    "textendash": "–",
    "textemdash": "—",
    "dots": "…",
    "ldots": "…",
}
# Longest names first so that \oe is not read as \o followed by "e".
_SYMBOL = re.compile(
    r"\\(" + "|".join(sorted(_SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z])(?:\{\}|\s)?"
)
_ESCAPE = re.compile(r"\\([&%$#_{}])")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?\s*")
_SPACE_COMMAND = re.compile(r"\\\\|\\[ ,;:!]")
_WHITESPACE = re.compile(r"\s+")
# Private-use stand-ins for escaped braces, so brace removal does not eat them.
_OPEN, _CLOSE = "\ue000", "\ue001"


def _accent(match: re.Match[str]) -> str:
    mark = _COMBINING[match.group("sym") or match.group("let")]
    base = match.group("braced") or match.group("bare")
    base = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", base + mark)


def latex_to_text(value: str) -> str:
    """Plain text for a BibTeX value: accents composed, escapes resolved, braces dropped."""
    if "\\" not in value and "{" not in value and "~" not in value and "--" not in value:
        return _WHITESPACE.sub(" ", value).strip()
    text = _ACCENT.sub(_accent, value)
    text = _SYMBOL.sub(lambda m: _SYMBOLS[m.group(1)], text)
    text = _ESCAPE.sub(
        lambda m: {"{": _OPEN, "}": _CLOSE}.get(m.group(1), m.group(1)),
        text,
    )
    text = _SPACE_COMMAND.sub(" ", text)
    # Formatting commands (\emph, \textit ...) keep their argument, which is a brace group.
    text = _COMMAND.sub("", text)
    text = text.replace("{", "").replace("}", "").replace("~", " ")
    text = text.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    text = text.replace(_OPEN, "{").replace(_CLOSE, "}")
    return _WHITESPACE.sub(" ", text).strip()


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def split_names(value: str) -> list[str]:
    """Split a name list on " and " outside braces: `{World Bank} and Doe, J.`."""
    names: list[str] = []
    last = 0
    for match in _AND.finditer(value):
        if _depth(value, match.start()) == 0:
            names.append(value[last : match.start()])
            last = match.end()
    names.append(value[last:])
    cleaned = (latex_to_text(name) for name in names)
    # "and others" is BibTeX's et al., not a person.
    return [name for name in cleaned if name and name.casefold() != "others"]


def _depth(text: str, end: int) -> int:
    depth = 0
    escaped = False
    for char in text[:end]:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
    return depth


# ---------------------------------------------------------------------------------------
# Where fields sit in an entry's raw text

_HEAD = re.compile(r"@\s*(?P<type>[A-Za-z]\w*)\s*[{(]\s*(?P<key>[^,\s{}()=]*)\s*,?")
_FIELD_NAME = re.compile(r"\s*(?P<comma>,?)\s*(?P<name>[^\s=,{}()\"#]+)\s*=\s*")
_BARE_VALUE = re.compile(r"[^\s,#{}()\"]+")


def _balanced_end(raw: str, start: int, close: str) -> int | None:
    """End offset (after `close`) of the group opened at `start`, honouring nested braces."""
    depth = 0
    i = start + 1
    while i < len(raw):
        char = raw[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and close == "}":
                return i + 1
            depth -= 1
        elif char == close and depth == 0:
            return i + 1
        i += 1
    return None


def _value_end(raw: str, start: int) -> int | None:
    """End of a value at `start`, which may be a `#` concatenation of parts."""
    pos = start
    while True:
        if pos >= len(raw):
            return None
        char = raw[pos]
        if char in '{"':
            end = _balanced_end(raw, pos, "}" if char == "{" else '"')
        else:
            bare = _BARE_VALUE.match(raw, pos)
            end = bare.end() if bare else None
        if end is None:
            return None
        after = end
        while after < len(raw) and raw[after].isspace():
            after += 1
        if after < len(raw) and raw[after] == "#":
            pos = after + 1
            while pos < len(raw) and raw[pos].isspace():
                pos += 1
            continue
        return end


class _Layout:
    """Offsets (relative to the entry's raw text) of its key and of each field's value.

    A value in one pair of delimiters is located without them. Scanning stops at the first
    thing it cannot read; fields after that fall back to the entry's span. `missing_commas`
    are the places where one field follows another without a comma, which bibtexparser
    accepts silently by gluing the second field into the first one's value.
    """

    __slots__ = ("_names", "key", "missing_commas", "repeated", "values")

    def __init__(self, raw: str) -> None:
        self.key: tuple[int, int] | None = None
        self.values: dict[str, tuple[int, int]] = {}
        self.missing_commas: list[int] = []
        # A field set again (names compare without case, as BibTeX's do):
        # (name as written the second time, offsets of both names).
        self.repeated: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
        self._names: dict[str, tuple[int, int]] = {}
        head = _HEAD.match(raw)
        if head:
            self._scan(raw, head)

    def _scan(self, raw: str, head: re.Match[str]) -> None:
        if head.group("key"):
            self.key = (head.start("key"), head.end("key"))
        pos = head.end()
        first = True
        while True:
            name = _FIELD_NAME.match(raw, pos)
            if not name:
                break
            if not first and not name.group("comma"):
                self.missing_commas.append(pos)
            first = False
            start = name.end()
            end = _value_end(raw, start)
            if end is None:
                break
            inner = (start, end)
            closer = "}" if raw[start] == "{" else '"'
            if raw[start] in '{"' and _balanced_end(raw, start, closer) == end:
                inner = (start + 1, end - 1)
            written = name.group("name")
            where = (name.start("name"), name.end("name"))
            if written.lower() in self._names:
                self.repeated.append((written, self._names[written.lower()], where))
            else:
                self._names[written.lower()] = where
            self.values.setdefault(written.lower(), inner)
            pos = end


# ---------------------------------------------------------------------------------------
# Parsing

# Fields copied verbatim: markup conversion would damage them.
_VERBATIM = frozenset({"url", "doi", "file", "eprint", "isbn", "issn", "urldate", "date"})
_YEAR = re.compile(r"\b(\d{4})\b")
_CONTAINERS = ("journal", "journaltitle", "booktitle")


def _diagnostic(
    path: str,
    span: Span,
    code: str,
    message: str,
    context: str,
    *,
    severity: Severity | None = None,
    related: tuple[Related, ...] = (),
) -> Problem:
    return problem(path, span, code, message, context, related=related, severity=severity)


@contextmanager
def _quiet_parser() -> Iterator[None]:
    """Silence bibtexparser's own warnings: they become diagnostics instead of stderr noise."""
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


class _Located:
    """The offsets of one parsed block in the text."""

    __slots__ = ("end", "start")

    def __init__(self, text: str, index: LineIndex, block: Any) -> None:
        line = block.start_line if isinstance(block.start_line, int) else 0
        line_start = index.starts[min(max(line, 0), len(index.starts) - 1)]
        raw = block.raw if isinstance(block.raw, str) else ""
        found = text.find(raw, line_start) if raw else -1
        self.start = found if found != -1 else line_start
        self.end = self.start + len(raw) if found != -1 else index.line_bounds(line + 1)[1]


def _head_span(text: str, index: LineIndex, start: int) -> Span:
    """The first line of an entry: where a reader looks for `@type{key,`."""
    end = text.find("\n", start)
    end = len(text) if end == -1 else end
    return index.span(start, max(start, len(text[:end].rstrip())))


def parse_bib(text: str, path: str) -> tuple[list[Entry], list[Problem]]:
    """Entries and BIB001/BIB002 diagnostics for the BibTeX `text` of the file at `path`.

    Later definitions of a key that is already defined are left out of the entries, as
    BibTeX and biber both keep the first. An empty file is valid BibTeX and yields nothing.
    """
    index = LineIndex(text)
    if "\x00" in text:
        span = index.span(0, min(len(text), text.find("\n") if "\n" in text else len(text)))
        return [], [
            _diagnostic(path, span, "BIB001", "not BibTeX: the file holds binary data", "binary")
        ]
    try:
        from bibtexparser.entrypoint import parse_string

        with _quiet_parser():
            library = parse_string(text)
        return _convert(library, text, path, index)
    except Exception as exc:  # the parser must never take the linter down with it
        span = index.span(0, 0)
        message = f"the file could not be parsed: {type(exc).__name__}: {exc}"
        return [], [_diagnostic(path, span, "BIB001", message, "parser-crash")]


def _convert(
    library: Any, text: str, path: str, index: LineIndex
) -> tuple[list[Entry], list[Problem]]:
    from bibtexparser import model

    entries: list[tuple[int, Entry]] = []
    problems: list[Problem] = []
    for block in library.entries:
        where = _Located(text, index, block)
        if not block.key.strip():
            # `@book{, ...}` or `@{}`: nothing can cite an entry without a key.
            message = "entry without a citation key: expected `@type{key, ...}`"
            head = _head_span(text, index, where.start)
            problems.append(_diagnostic(path, head, "BIB001", message, "no-key"))
            continue
        layout = _Layout(text[where.start : where.end])
        problems.extend(_repeated_fields(block.key, index, path, where, layout))
        repaired = None
        if layout.missing_commas:
            problems.extend(_missing_commas(block, text, index, path, where, layout))
            repaired = _reparse_with_commas(text[where.start : where.end], layout)
        entries.append((where.start, _entry(block, text, index, path, repaired)))
    for block in library.failed_blocks:
        where = _Located(text, index, block)
        if isinstance(block, model.DuplicateBlockKeyBlock):
            problems.append(_duplicate(block, text, index, path, where))
        elif isinstance(block, model.DuplicateFieldKeyBlock) and isinstance(
            block.ignore_error_block, model.Entry
        ):
            entry = block.ignore_error_block
            layout = _Layout(text[where.start : where.end])
            problems.extend(_repeated_fields(entry.key, index, path, where, layout))
            entries.append((where.start, _entry(entry, text, index, path)))
        else:
            problems.append(_syntax(block, text, index, path, where))
            usable = block.ignore_error_block
            if isinstance(usable, model.Entry):
                entries.append((where.start, _entry(usable, text, index, path)))
    # The unread rest of a failed entry comes back as a comment; it is part of that error.
    failed_ends = [_Located(text, index, block).end for block in library.failed_blocks]
    for block in library.comments:
        if isinstance(block, model.ImplicitComment):
            start = _Located(text, index, block).start
            if not any(len(text[end:start].strip()) <= 1 for end in failed_ends if end <= start):
                problems.extend(_stray_text(block, text, index, path))
    entries.sort(key=lambda item: item[0])
    problems.sort(key=lambda d: (d.span.start, d.code))
    return [entry for _, entry in entries], problems


# Text outside entries is a comment to BibTeX, but braces or `name = value` there are almost
# always the tail of an entry that was closed too early.
_STRAY = re.compile(r"[{}]|\b[A-Za-z]+\s*=\s*[{\"\d]")


def _stray_text(block: Any, text: str, index: LineIndex, path: str) -> list[Problem]:
    where = _Located(text, index, block)
    body = text[where.start : where.end]
    for line_offset, line in _lines(body):
        if line.lstrip().startswith("%"):
            continue  # a comment line, as many tools write them
        if _STRAY.search(line):
            start = where.start + line_offset + (len(line) - len(line.lstrip()))
            span = index.span(start, where.start + line_offset + len(line.rstrip()))
            snippet = line.strip()[:40]
            message = (
                f"text outside any entry: `{snippet}`; an entry above was probably closed too "
                "early (a `}` too many)"
            )
            return [_diagnostic(path, span, "BIB001", message, snippet)]
    return []


def _lines(body: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in body.split("\n"):
        yield offset, line
        offset += len(line) + 1


_BLOCK_START = re.compile(r"Unexpected block start: `([^`]*)`")
_FOUND = re.compile(r"found (?:a |the )?`?([^`]*?)`?(?: before)?\.?\s*$")


def _explain(error: BaseException, index: LineIndex) -> str:
    """What the parser expected, in words a writer understands, with where it gave up."""
    reason = str(getattr(error, "abort_reason", "") or error or type(error).__name__).strip()
    end = getattr(error, "end_index", None)
    stop = f" (line {index.position(end)[0]})" if isinstance(end, int) else ""
    start = _BLOCK_START.match(reason)
    found = _FOUND.search(reason)
    what = found.group(1).strip() if found else ""
    if start and "field-value" in reason:
        return (
            f'a field value is not closed: a `}}` or `"` is missing before `{start.group(1)}`{stop}'
        )
    if start:
        return f"the entry is not closed: a `}}` is missing before `{start.group(1)}`{stop}"
    if "end of file" in reason:
        return "the entry is not closed: the file ends while a `}` is still expected"
    if reason.startswith("Expected comma after entry key"):
        return f"expected a comma after the citation key, found `{what}`{stop}"
    if "but found the end of the entry" in reason:
        return f"a field name without `= value` at the end of the entry{stop}"
    if reason.startswith(("Expected a `=`", "Expected equals sign")):
        return f"expected `=` after a field name, found `{what}`{stop}"
    if reason.startswith("Expected either a `,`"):
        return f"expected a `,` between fields, found `{what}`{stop}"
    return reason + stop


def _missing_commas(
    block: Any, text: str, index: LineIndex, path: str, where: _Located, layout: _Layout
) -> list[Problem]:
    found: list[Problem] = []
    for offset in layout.missing_commas:
        at = where.start + offset
        span = index.span(at, at)
        message = (
            f"entry `{block.key}`: expected a `,` between fields on line {span.line}; "
            "without it the next field is read as part of this one"
        )
        found.append(_diagnostic(path, span, "BIB001", message, f"{block.key}: comma"))
    return found


def _reparse_with_commas(raw: str, layout: _Layout) -> Any | None:
    """The entry parsed again with the missing commas put in, or None if that fails too."""
    from bibtexparser.entrypoint import parse_string

    for offset in reversed(layout.missing_commas):
        raw = raw[:offset] + "," + raw[offset:]
    with _quiet_parser():
        repaired = parse_string(raw)
    return repaired.entries[0] if len(repaired.entries) == 1 else None


def _repeated_fields(
    key: str, index: LineIndex, path: str, where: _Located, layout: _Layout
) -> list[Problem]:
    found = []
    for written, first, again in layout.repeated:
        first_span = index.span(where.start + first[0], where.start + first[1])
        span = index.span(where.start + again[0], where.start + again[1])
        lines = (
            f"line {span.line}"
            if first_span.line == span.line
            else f"lines {first_span.line} and {span.line}"
        )
        message = (
            f"entry `{key}` sets `{written.lower()}` twice ({lines}); BibTeX uses the first "
            "and ignores the other"
        )
        found.append(
            _diagnostic(
                path,
                span,
                "BIB005",
                message,
                f"{key}: {written.lower()}",
                severity="warning",
                related=(Related(path, first_span, f"`{written.lower()}` first set here"),),
            )
        )
    return found


def _syntax(block: Any, text: str, index: LineIndex, path: str, where: _Located) -> Problem:
    head = _HEAD.match(text, where.start)
    label = f"`@{head.group('type')}{{{head.group('key')}`" if head else "this block"
    message = f"cannot read {label}: {_explain(block.error, index)}"
    return _diagnostic(path, _head_span(text, index, where.start), "BIB001", message, label)


def _duplicate(block: Any, text: str, index: LineIndex, path: str, where: _Located) -> Problem:
    first = _Located(text, index, block.previous_block)
    first_span = _head_span(text, index, first.start)
    here = _head_span(text, index, where.start)
    message = (
        f"key `{block.key}` is defined twice: first on line {first_span.line}, "
        f"again on line {here.line}; BibTeX keeps the first"
    )
    related = (Related(path, first_span, f"`{block.key}` first defined here"),)
    return _diagnostic(path, here, "BIB002", message, block.key, related=related)


def _entry(block: Any, text: str, index: LineIndex, path: str, values: Any | None = None) -> Entry:
    """An Entry located by `block`; field values come from `values` when given (a
    re-parse of a repaired copy of the block)."""
    where = _Located(text, index, block)
    span = index.span(where.start, where.end)
    raw = text[where.start : where.end]
    layout = _Layout(raw)
    key_at, value_at = layout.key, layout.values

    def locate(name: str) -> Span:
        found = value_at.get(name)
        if found is None:
            return span
        return index.span(where.start + found[0], where.start + found[1])

    fields: dict[str, Field] = {}
    authors: tuple[str, ...] = ()
    for bib_field in (values or block).fields:
        name = bib_field.key.lower()
        if name in fields:
            continue  # a repeated field: BibTeX keeps the first
        value = bib_field.value if isinstance(bib_field.value, str) else str(bib_field.value)
        if name in ("author", "editor"):
            names = split_names(value)
            if name == "author" or not authors:
                authors = tuple(names)
            cleaned = " and ".join(names)
        elif name in _VERBATIM:
            cleaned = _WHITESPACE.sub(" ", value).strip()
        else:
            cleaned = latex_to_text(value)
            if name == "pages":
                cleaned = cleaned.replace("–", "-")
        if cleaned:  # `pages = {}` says nothing
            fields[name] = Field(cleaned, locate(name))
    _derive(fields)
    label_span = index.span(where.start + key_at[0], where.start + key_at[1]) if key_at else None
    return Entry(
        span=span,
        label=block.key,
        raw=raw,
        fields=fields,
        authors=authors,
        label_span=label_span,
        kind="bibtex",
        entry_type=block.entry_type.lower(),
        path=path,
    )


def _derive(fields: dict[str, Field]) -> None:
    """Add the names rules look for: year (also from biblatex date), container, accessed."""
    if "year" not in fields and "date" in fields:
        year = _YEAR.search(fields["date"].value)
        if year:
            fields["year"] = Field(year.group(1), fields["date"].span)
    for name in _CONTAINERS:
        if name in fields:
            fields["container"] = fields[name]
            break
    if "urldate" in fields:
        fields["accessed"] = fields["urldate"]


# ---------------------------------------------------------------------------------------
# Files


def load_bib_file(path: str) -> tuple[list[Entry], list[Problem], str]:
    """Read and parse a .bib file a manuscript names, or one checked itself.

    It is read as every file is (`citeaudit.fileio`): inside the project, a regular file
    under the size limit, UTF-8 or what its BOM names, else cp1252 with a warning on the
    first byte that is not UTF-8. A file that cannot be read gives one IO001 and no entries.
    """
    from citeaudit.fileio import ReadError, read_text
    from citeaudit.load import fallback_problem

    try:
        decoded = read_text(path, named=True)
    except ReadError as error:
        message = f"cannot read bibliography file: {error.reason}"
        return [], [_diagnostic(path, LineIndex("").span(0, 0), "IO001", message, "unreadable")], ""
    text = decoded.text
    problems: list[Problem] = []
    if decoded.fallback:
        problems.append(fallback_problem(path, decoded, LineIndex(text)))
    entries, found = parse_bib(text, path)
    return entries, problems + found, text
