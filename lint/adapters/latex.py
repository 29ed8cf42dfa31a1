"""LaTeX manuscripts: `\\cite`-family citations, bibliography files, includes, suppressions.

Multi-file projects: every file is parsed as its own `Document`, so each citation's line
and column are those of the file it is written in. `parse_latex_project` reads the whole
tree and returns one Document per file, main file first; the caller lints them together
(an entry cited in any file is cited). Paths in `\\input`, `\\bibliography` and friends
are resolved against the main file's folder, as LaTeX resolves them against the folder it
runs in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field

from citeaudit.model import Citation, Document, LineIndex, Note, Problem, Span, Suppression

__all__ = [
    "CITE_COMMANDS",
    "expand_inputs",
    "parse_latex",
    "parse_latex_project",
]

MAX_FILES = 200

# Commands that take `[prenote][postnote]{keys}` (natbib, biblatex, csquotes); a star
# changes only the output, so starred forms share the entry.
CITE_COMMANDS = frozenset(
    {
        *("cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear"),
        *("Cite", "Citep", "Citet", "Citealp", "Citealt", "Citeauthor", "citeyearpar"),
        *("citetitle", "citenum", "citeurl", "citedate", "nocite", "fullcite"),
        *("parencite", "Parencite", "textcite", "Textcite", "autocite", "Autocite"),
        *("footcite", "Footcite", "footcitetext", "smartcite", "Smartcite", "supercite"),
        *("footfullcite", "volcite", "pvolcite"),
        *("textcquote", "cquote", "blockcquote", "hybridblockcquote"),
    }
)
# biblatex multicites: `\cites(pre)(post)[pre][post]{a}[pre][post]{b}`.
_MULTI_CITES = frozenset(
    {"cites", "Cites", "parencites", "Parencites", "textcites", "Textcites", "autocites"}
    | {"Autocites", "footcites", "smartcites", "Smartcites", "supercites"}
)
# csquotes' foreign quotes take a language argument before the citation arguments.
_FOREIGN = frozenset({"foreigntextcquote", "foreignblockcquote"})

_VERBATIM_ENVS = r"verbatim|Verbatim|BVerbatim|lstlisting|minted|comment|alltt|Sinput|Soutput"
_MATH_ENVS = r"equation|align|alignat|flalign|gather|multline|eqnarray|displaymath|math|dmath|split"
# Things that are not LaTeX text at all: verbatim, Sweave chunks, comments. Escaped `\%`
# and `\\` are matched first so that their `%` is never read as a comment.
_NOT_TEXT = re.compile(
    r"(?P<escape>\\[\\%])"
    r"|(?P<verbatim>\\begin\{(?P<venv>" + _VERBATIM_ENVS + r")\*?\}.*?"
    r"(?:\\end\{(?P=venv)\*?\}|\Z))"
    r"|(?P<verb>\\verb\*?(?P<delim>[^\sA-Za-z*])[^\n]*?(?P=delim))"
    # URLs and code may hold `%`, `$` and `#` literally (`\url{a%20b}`, jss `\code{x$y}`).
    r"|(?P<literal>\\(?:url|path|nolinkurl|href|code|lstinline|mintinline|texttt)\s*"
    r"\{[^{}\n]*(?:\{[^{}\n]*\}[^{}\n]*)*\})"
    r"|(?P<sweave>^<<[^\n]*>>=[ \t]*$.*?(?:^@[ \t]*$|\Z))"
    r"|(?P<comment>%[^\n]*)",
    re.DOTALL | re.MULTILINE,
)
_MATH = re.compile(
    r"(?P<escape>\\[\\$])"
    r"|\\begin\{(?P<env>" + _MATH_ENVS + r")\*?\}.*?\\end\{(?P=env)\*?\}"
    r"|\$\$.*?\$\$"
    r"|\\\[.*?\\\]"
    r"|\\\(.*?\\\)"
    # Inline math never spans a blank line; stopping there contains a stray `$`.
    r"|\$(?:\\.|[^$\\\n]|\n(?![ \t]*\n))+?\$",
    re.DOTALL,
)
_BEGIN_DOCUMENT = re.compile(r"\\begin\s*\{document\}")
_COMMAND = re.compile(r"\\(?P<name>[A-Za-z]+)(?P<star>\*)?")
_INCLUDE = re.compile(
    r"\\(?P<cmd>input|include|subfile)(?![A-Za-z])\s*\{(?P<name>[^{}]+)\}"
    r"|\\(?P<icmd>import|subimport|inputfrom|subinputfrom|includefrom|subincludefrom)\*?"
    r"(?![A-Za-z])\s*\{(?P<dir>[^{}]*)\}\s*\{(?P<iname>[^{}]+)\}"
)
_BIBLIOGRAPHY = re.compile(
    r"\\(?P<cmd>bibliography|nobibliography|addbibresource|addglobalbib|addsectionbib)"
    r"(?![A-Za-z])\s*(?:\[[^\]]*\]\s*)?\{(?P<names>[^{}]+)\}"
)
# `\newcommand\citea{\citeauthor}`, `\def\citepos#1{\citeauthor{#1}...}`.
_MACRO = re.compile(
    r"\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand)\*?\s*\{?\s*\\(?P<name>[A-Za-z]+)"
    r"\s*\}?\s*(?:\[\d\]\s*)?(?:\[[^\]]*\]\s*)?\{"
    r"|\\[egx]?def\s*\\(?P<dname>[A-Za-z]+)[^{]*\{"
)
_SUPPRESS = re.compile(
    r"%\s*citeaudit:\s*(?P<kind>ignore-file|ignore)(?![\w-])(?P<codes>(?:[ \t,]+[A-Z]+[0-9]*)*)"
)
_CODE = re.compile(r"[A-Z]+[0-9]*")


def _blank(chars: list[str], start: int, end: int) -> None:
    """Replace text with spaces, keeping newlines so that lines and columns stay put."""
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _strip_not_text(text: str) -> tuple[str, list[tuple[int, int]]]:
    """`text` without comments, verbatim and Sweave chunks; also the comments' extents."""
    chars = list(text)
    comments: list[tuple[int, int]] = []
    for match in _NOT_TEXT.finditer(text):
        if match.group("escape"):
            continue
        if match.group("comment"):
            comments.append(match.span())
        _blank(chars, *match.span())
    return "".join(chars), comments


def _strip_math(code: str) -> str:
    chars = list(code)
    for match in _MATH.finditer(code):
        if not match.group("escape"):
            _blank(chars, *match.span())
    return "".join(chars)


def _group_end(text: str, start: int, open_: str, close: str, limit: int = 100_000) -> int | None:
    """End (after the closer) of a balanced group opened at `start`, looking at most
    `limit` characters ahead so that unclosed groups cannot make parsing quadratic."""
    depth = 0
    for i in range(start, min(len(text), start + limit)):
        char = text[i]
        if char == "\\":
            continue
        if char == open_ and (i == start or text[i - 1] != "\\"):
            depth += 1
        elif char == close and text[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


# Notes and key lists are short; a longer "argument" is an unclosed brace.
_ARGUMENT_LIMIT = 500


@dataclass
class _Args:
    """Where the argument groups after a citation command are."""

    end: int
    keys: list[tuple[int, int]] = field(default_factory=list)  # inner extents of {keys}
    postnote: str | None = None


def _optional(text: str, pos: int, limit: int = 2) -> tuple[list[str], int]:
    found: list[str] = []
    while len(found) < limit:
        at = _skip_space(text, pos)
        if at >= len(text) or text[at] != "[":
            break
        end = _group_end(text, at, "[", "]", _ARGUMENT_LIMIT)
        if end is None:
            break
        found.append(text[at + 1 : end - 1])
        pos = end
    return found, pos


_FLAT_GROUP = re.compile(r"\{[^{}]*\}")


def _mandatory(text: str, pos: int) -> tuple[int, int] | None:
    at = _skip_space(text, pos)
    if at >= len(text) or text[at] != "{":
        return None
    flat = _FLAT_GROUP.match(text, at, at + _ARGUMENT_LIMIT)  # the usual case, at C speed
    end = flat.end() if flat else _group_end(text, at, "{", "}", _ARGUMENT_LIMIT)
    return None if end is None else (at, end)


def _cite_args(text: str, pos: int, name: str) -> _Args | None:
    if name in _FOREIGN:
        language = _mandatory(text, pos)
        if language is None:
            return None
        pos = language[1]
    if name in _MULTI_CITES:
        args = _Args(pos)
        postnotes: list[str] = []
        for _ in range(2):  # global (pre)(post) notes
            at = _skip_space(text, pos)
            if at < len(text) and text[at] == "(":
                end = _group_end(text, at, "(", ")", _ARGUMENT_LIMIT)
                pos = end if end is not None else pos
        while True:
            notes, after = _optional(text, pos)
            group = _mandatory(text, after)
            if group is None:
                break
            args.keys.append((group[0] + 1, group[1] - 1))
            if notes and notes[-1].strip():
                postnotes.append(_note(notes[-1]))
            pos = args.end = group[1]
        args.postnote = "; ".join(postnotes) or None
        return args if args.keys else None
    notes, after = _optional(text, pos)
    group = _mandatory(text, after)
    if group is None:
        return None
    # One optional argument is the postnote; with two, the second is.
    postnote = _note(notes[-1]) if notes else ""
    return _Args(group[1], [(group[0] + 1, group[1] - 1)], postnote or None)


def _note(text: str) -> str:
    # `p.~5` reads as "p. 5": a tie is only a non-breaking space.
    return " ".join(text.replace("~", " ").split())


def _split_keys(text: str, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    pos = start
    for part in text[start:end].split(","):
        left = len(part) - len(part.lstrip())
        key = part.strip()
        if key and "#" not in key:  # `#1` is a macro parameter, not a key
            yield key, pos + left, pos + left + len(key)
        pos += len(part) + 1


def _citations(
    prose: str, text: str, index: LineIndex, commands: Collection[str]
) -> list[Citation]:
    found: list[Citation] = []
    for command in _COMMAND.finditer(prose):
        name = command.group("name")
        if name not in commands and name not in _MULTI_CITES and name not in _FOREIGN:
            continue
        args = _cite_args(prose, command.end(), name)
        if args is None:
            continue
        targets: list[str] = []
        spans: list[Span] = []
        for start, end in args.keys:
            for key, key_start, key_end in _split_keys(prose, start, end):
                targets.append(key)
                spans.append(index.span(key_start, key_end))
        if not targets:
            continue
        found.append(
            Citation(
                span=index.span(command.start(), args.end),
                style="key",
                targets=tuple(targets),
                raw=text[command.start() : args.end],
                form="latex",
                locator=args.postnote,
                label_spans=tuple(spans),
            )
        )
    return found


def cite_macros(code: str) -> set[str]:
    """User commands whose definition wraps a citation command (`\\citea` for `\\citeauthor`)."""
    names: set[str] = set()
    for match in _MACRO.finditer(code):
        end = _group_end(code, match.end() - 1, "{", "}")
        body = code[match.end() : end] if end else ""
        used = {found.group("name") for found in _COMMAND.finditer(body)}
        if used & (CITE_COMMANDS | _MULTI_CITES):
            names.add(match.group("name") or match.group("dname"))
    return names


def _suppressions(
    text: str, comments: list[tuple[int, int]], index: LineIndex
) -> list[Suppression]:
    found: list[Suppression] = []
    for start, end in comments:
        match = _SUPPRESS.match(text, start, end)
        if not match:
            continue
        codes = tuple(_CODE.findall(match.group("codes")))
        span = index.span(start, end)
        if match.group("kind") == "ignore-file":
            found.append(Suppression(span, codes, (), file_wide=True))
        else:
            found.append(Suppression(span, codes, (span.line, span.line + 1)))
    return found


def _with_extension(name: str, extension: str) -> str:
    return name if name.lower().endswith(extension) else name + extension


def _bibliographies(code: str, root: str) -> list[str]:
    found: list[str] = []
    for match in _BIBLIOGRAPHY.finditer(code):
        for name in match.group("names").split(","):
            name = name.strip()
            if not name or "://" in name:  # biblatex can load remote resources; not ours
                continue
            if match.group("cmd") in ("bibliography", "nobibliography"):
                name = _with_extension(name, ".bib")
            path = os.path.normpath(os.path.join(root, name))
            if path not in found:
                found.append(path)
    return found


def _preamble_end(code: str) -> int | None:
    begin = _BEGIN_DOCUMENT.search(code)
    return begin.end() if begin else None


def parse_latex(
    path: str,
    text: str,
    *,
    root: str | None = None,
    in_preamble: bool = False,
    macros: Collection[str] = (),
) -> Document:
    """One LaTeX file as a Document.

    `prose` blanks comments, verbatim, math and the preamble; citations come from the body
    only. A file without `\\begin{document}` (a section pulled in by `\\input`) is all body,
    unless `in_preamble` says it was included from the main file's preamble. `root` is the
    folder paths are resolved against (the main file's; default: this file's). `macros`
    names user commands that wrap a citation command; the file's own are added.
    """
    root = os.path.dirname(path) if root is None else root
    index = LineIndex(text)
    code, comments = _strip_not_text(text)
    prose_chars = list(_strip_math(code))
    body_start = _preamble_end(code)
    if body_start is not None:
        _blank(prose_chars, 0, body_start)
    elif in_preamble:
        _blank(prose_chars, 0, len(prose_chars))
    prose = "".join(prose_chars)
    commands = CITE_COMMANDS | set(macros) | cite_macros(code)
    bibliographies = _bibliographies(code, root)
    doc = Document(
        path=path,
        format="latex",
        text=text,
        lines=index,
        prose=prose,
        citations=_citations(prose, text, index, commands),
        suppressions=_suppressions(text, comments, index),
        bibliographies=bibliographies,
        list_style="bibtex" if bibliographies else None,
    )
    doc.notes = _footnotes(prose, index)
    if doc.notes:
        from citeaudit.adapters.notecites import note_citations

        found = note_citations(doc, doc.notes, "latex-footnote")
        doc.citations = sorted(doc.citations + found, key=lambda c: c.span.start)
    return doc


_FOOTNOTE = re.compile(r"\\footnote(?:text)?\s*(?:\[[^\]]*\])?\s*(?=\{)")


def _footnotes(prose: str, index: LineIndex) -> list[Note]:
    """`\\footnote{...}`: each is an inline note, its own marker."""
    notes = []
    for n, m in enumerate(_FOOTNOTE.finditer(prose), start=1):
        end = _group_end(prose, m.end(), "{", "}", 20_000)
        if end is None:
            continue
        notes.append(
            Note(
                label=f"footnote-{n}",
                span=index.span(m.start(), end),
                text=" ".join(prose[m.end() + 1 : end - 1].split()),
                body_span=index.span(m.end() + 1, end - 1),
                inline=True,
            )
        )
    return notes


# ---------------------------------------------------------------------------------------
# Multi-file projects


@dataclass
class _Include:
    start: int
    end: int
    written: str
    path: str | None  # None when no candidate could be read
    reason: str | None = None  # why not, when known
    cycle: bool = False  # it names a file that is already being read


@dataclass
class _Source:
    path: str
    text: str
    in_preamble: bool
    includes: list[_Include] = field(default_factory=list)


def _candidates(root: str, folder: str, name: str) -> list[str]:
    base = os.path.normpath(os.path.join(root, folder, name.strip()))
    # LaTeX tries `name.tex` before `name`.
    return [base] if base.lower().endswith(".tex") else [base + ".tex", base]


def _walk(
    path: str,
    text: str,
    read: Callable[[str], str | None],
    explain: Callable[[str], str | None] | None = None,
) -> list[_Source]:
    root = os.path.dirname(path) or "."
    sources: list[_Source] = []
    # Compared by real path, so `\input{./main}` or a symlink is recognised as the same file.
    seen = {os.path.realpath(path)}
    chain: list[str] = []

    def visit(source: _Source) -> None:
        sources.append(source)
        chain.append(os.path.realpath(source.path))
        code, _ = _strip_not_text(source.text)
        body_start = _preamble_end(code)
        here = os.path.relpath(os.path.dirname(source.path) or ".", root)
        for match in _INCLUDE.finditer(code):
            if match.group("cmd"):
                folder, name = "", match.group("name")
            else:
                # \subimport paths are relative to the including file, \import to the root.
                sub = match.group("icmd").startswith("sub")
                folder = os.path.join(here, match.group("dir")) if sub else match.group("dir")
                name = match.group("iname")
            include = _Include(match.start(), match.end(), name, None)
            source.includes.append(include)
            for candidate in _candidates(root, folder, name):
                real = os.path.realpath(candidate)
                if real in seen:
                    include.path = candidate  # a cycle or a repeat: read once
                    include.cycle = real in chain
                    break
                if len(seen) >= MAX_FILES:
                    include.reason = f"more than {MAX_FILES} files are included; not read"
                    break
                content = read(candidate)
                if content is not None:
                    include.path = candidate
                    seen.add(real)
                    preamble = source.in_preamble or (
                        body_start is not None and match.start() < body_start
                    )
                    visit(_Source(candidate, content, preamble))
                    break
                why = explain(candidate) if explain else None
                if why and (include.reason is None or os.path.lexists(candidate)):
                    include.reason = why
        chain.pop()

    visit(_Source(path, text, False))
    return sources


def expand_inputs(path: str, text: str, read: Callable[[str], str | None]) -> list[tuple[str, str]]:
    """[(path, text)] for the main file and every file it includes, recursively.

    Follows `\\input`, `\\include`, `\\subfile`, `\\import` and `\\subimport` outside
    comments, relative to the main file's folder, trying `name.tex` before `name`. `read`
    returns a file's text or None when it cannot be read. Each file is read once (cycles
    end there) and at most MAX_FILES files are read. The order is the reading order.
    """
    return [(source.path, source.text) for source in _walk(path, text, read)]


def parse_latex_project(
    path: str,
    text: str,
    read: Callable[[str], str | None],
    explain: Callable[[str], str | None] | None = None,
) -> list[Document]:
    """Every file of a LaTeX project as its own Document, the main file first.

    Citation macros defined anywhere apply everywhere; files included from the preamble
    contribute bibliographies but no citations. The main Document lists the bibliography
    files named in any file. An include that cannot be read becomes an IO001 diagnostic
    on the line that includes it.
    """
    sources = _walk(path, text, read, explain)
    macros: set[str] = set()
    for source in sources:
        macros |= cite_macros(_strip_not_text(source.text)[0])
    root = os.path.dirname(path)
    documents: list[Document] = []
    for source in sources:
        doc = parse_latex(
            source.path, source.text, root=root, in_preamble=source.in_preamble, macros=macros
        )
        for include in source.includes:
            if include.path is None or include.cycle:
                doc.problems.append(_missing(doc, include))
        documents.append(doc)
    main = documents[0]
    for doc in documents[1:]:
        for bib in doc.bibliographies:
            if bib not in main.bibliographies:
                main.bibliographies.append(bib)
    if main.bibliographies:
        main.list_style = "bibtex"
    return documents


def _missing(doc: Document, include: _Include) -> Problem:
    from citeaudit.problems import problem

    return problem(
        doc.path, doc.span(include.start, include.end), "IO001", _why(include), include.written
    )


def _why(include: _Include) -> str:
    if include.cycle:
        return (
            f"`{include.written}` includes a file that is already being read, so LaTeX would "
            "never finish; it is read once"
        )
    if include.reason:
        return f"cannot read included file `{include.written}`: {include.reason}"
    return f"cannot read included file `{include.written}`"
