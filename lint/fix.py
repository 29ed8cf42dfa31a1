"""Applying fixes: `--fix` writes them, `--diff` shows them, and stdin gets them back as text.

Edits index the decoded text, so a fix never sees bytes: the file's encoding and BOM are
restored when it is written, and CRLF line endings survive because the decoded text keeps
its `\\r\\n`. As in ruff, fixes whose edits overlap one already taken are left for the next
run, and their diagnostics stay reported.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import click

from citeaudit.fileio import write_atomic
from citeaudit.load import decode
from citeaudit.model import Diagnostic, Document, Edit, Fix

STDIN = "<stdin>"

_BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


@dataclass(frozen=True, slots=True)
class FixResult:
    """One document's text with its fixes applied, and which diagnostics they settle."""

    text: str
    fixed: list[Diagnostic]
    remaining: list[Diagnostic]


def fix_document(doc: Document, diagnostics: Iterable[Diagnostic], *, unsafe: bool) -> FixResult:
    """Apply the fixes of `doc`'s diagnostics to its text in memory; nothing is written.

    Diagnostics of other files are ignored. An uncertain parse fixes nothing."""
    own = [d for d in diagnostics if d.path == doc.path]
    if not doc.certain or doc.format == "docx":
        return FixResult(doc.text, [], own)
    accepted: list[Edit] = []
    taken: set[tuple[Edit, ...]] = set()
    fixed: list[Diagnostic] = []
    for d in sorted(_fixable(own, unsafe), key=_first_offset):
        assert d.fix is not None
        edits = tuple(sorted(d.fix.edits, key=lambda e: (e.start, e.end)))
        if edits in taken:  # the same change, reported twice: it is made once
            fixed.append(d)
        elif _well_formed(edits, len(doc.text)) and not _overlaps(edits, accepted):
            accepted.extend(edits)
            taken.add(edits)
            fixed.append(d)
    done = {id(d) for d in fixed}
    remaining = [d for d in own if id(d) not in done]
    return FixResult(_apply(doc.text, accepted), fixed, remaining)


def fixed_text(doc: Document, diagnostics: Iterable[Diagnostic], unsafe: bool) -> str:
    """The text of `doc` with its fixes applied: what `--fix` prints for standard input."""
    return fix_document(doc, diagnostics, unsafe=unsafe).text


def apply_fixes(
    docs: Sequence[Document],
    diagnostics: Sequence[Diagnostic],
    *,
    unsafe: bool,
    write: bool,
    stdin_path: str | None = None,
) -> tuple[int, list[Diagnostic], str]:
    """Fix every document; write the changed files when `write`, else only preview them.

    Returns how many diagnostics were fixed, the diagnostics left, and a unified diff of
    the changes. A document read from standard input (`stdin_path`, or when not given a
    path that is "<stdin>" or no file on disk) is never written: its diagnostics stay, and
    the caller prints `fixed_text` instead. Refusals are explained on stderr."""
    shared = {path for path, n in Counter(d.path for d in docs).items() if n > 1}
    by_path: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_path.setdefault(d.path, []).append(d)
    settled: set[int] = set()
    patches: list[str] = []
    for doc in docs:
        own = by_path.get(doc.path, [])
        result = fix_document(doc, own, unsafe=unsafe)
        refusal = _refusal(doc, result, own, unsafe, shared)
        if refusal:
            _warn(doc.path, refusal)
            continue
        if not result.fixed:
            continue
        if write:
            if _from_stdin(doc, stdin_path):
                continue
            failure = _write(doc, result.text)
            if failure:
                _warn(doc.path, f"{failure}; not fixed")
                continue
        patches.append(unified_diff(doc.path, doc.text, result.text))
        settled.update(id(d) for d in result.fixed)
    remaining = [d for d in diagnostics if id(d) not in settled]
    return len(settled), remaining, "".join(patches)


def unified_diff(path: str, before: str, after: str) -> str:
    """A patch that `git apply` and `patch -p1` accept, line endings kept byte for byte."""
    name = path.replace(os.sep, "/")
    lines = difflib.unified_diff(_lines(before), _lines(after), f"a/{name}", f"b/{name}")
    return "".join(
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines
    )


def _fixable(diagnostics: Iterable[Diagnostic], unsafe: bool) -> list[Diagnostic]:
    return [d for d in diagnostics if d.fix is not None and d.fix.edits and _allowed(d.fix, unsafe)]


def _allowed(fix: Fix, unsafe: bool) -> bool:
    return fix.applicability == "safe" or unsafe


def _first_offset(d: Diagnostic) -> int:
    # Earlier text first, then the order the diagnostics came in (sorted() is stable).
    assert d.fix is not None
    return min(e.start for e in d.fix.edits)


def _well_formed(edits: tuple[Edit, ...], length: int) -> bool:
    if any(not 0 <= e.start <= e.end <= length for e in edits):
        return False
    return not any(_conflict(a, b) for i, a in enumerate(edits) for b in edits[i + 1 :])


def _overlaps(edits: tuple[Edit, ...], accepted: list[Edit]) -> bool:
    return any(_conflict(e, a) for e in edits for a in accepted)


def _conflict(a: Edit, b: Edit) -> bool:
    # Edits that share a start (two insertions at one point, say) have no agreed order.
    return a.start == b.start or (a.start < b.end and b.start < a.end)


def _apply(text: str, edits: list[Edit]) -> str:
    # Back to front, so each edit's offsets still index the original text.
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def _refusal(
    doc: Document,
    result: FixResult,
    own: list[Diagnostic],
    unsafe: bool,
    shared: set[str],
) -> str | None:
    if doc.path in shared and result.fixed:
        # Two inputs under one name (stdin named after a file): offsets could cross over.
        return "two inputs share this name; fixes withheld"
    if doc.format == "docx" and _fixable(own, unsafe):
        return "a Word file is never rewritten; --format docx-comments gives the fixes as comments"
    if not doc.certain and _fixable(own, unsafe):
        return "not read with certainty (not valid UTF-8, or not fully parsed); fixes withheld"
    return None


def _from_stdin(doc: Document, stdin_path: str | None) -> bool:
    if stdin_path is not None:
        return doc.path == stdin_path
    return doc.path == STDIN or not os.path.isfile(doc.path)


def _write(doc: Document, text: str) -> str | None:
    """Write the fixed text in the file's own encoding; why not, if it cannot be."""
    try:
        with open(doc.path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return f"cannot read it again: {error.strerror or error}"
    # Fixes are offsets into what was read: if the file moved on since, they would land
    # in the wrong place. (A change in the instant between this check and the rename is
    # not caught; editors that save atomically make that window harmless.)
    now = decode(data)
    if now is None or (now.text, now.encoding, now.bom) != (doc.text, doc.encoding, doc.bom):
        return "it changed on disk since it was read"
    try:
        payload = (_BOMS.get(doc.encoding, b"") if doc.bom else b"") + text.encode(doc.encoding)
    except (UnicodeEncodeError, LookupError):
        return f"the fixed text cannot be written in {doc.encoding}"
    try:
        # Through a symlink to its target, so the link itself survives.
        write_atomic(os.path.realpath(doc.path), payload)
    except OSError as error:
        return f"cannot write it: {error.strerror or error}"
    return None


def _lines(text: str) -> list[str]:
    # Split on \n only: splitlines() would also break at \f, \x1c or U+2028 in the prose.
    return _LINE.findall(text)


def _warn(path: str, message: str) -> None:
    click.echo(f"citeaudit: {path}: {message}", err=True)
