"""Applying fixes: `--fix` writes them, `--diff` shows them, and stdin gets them back as text.

Edits index the decoded text, so a fix never sees bytes: the file's encoding and BOM are
restored when it is written, CRLF line endings survive because the decoded text keeps
its `\\r\\n`, and lone CRs because edits are made in the text as it was before they were
read as newlines (`Document.original`, of the same length). Fixes whose edits overlap one
already taken wait for the next pass; given a `recheck`, `apply_fixes` checks the fixed
text again in memory and fixes until nothing is left (as ruff does), then writes once.

A fix never edits what is not prose (code blocks, inline code, front matter, an example
comment inside them): such an edit is withheld and said so, whatever rule proposed it
(`citeaudit.proseguard`, which every report applies too).
"""

from __future__ import annotations

import codecs
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import click

from citeaudit.fileio import ReadError, WriteRefused, decode, read_bytes, write_atomic
from citeaudit.model import Diagnostic, Document, Edit, Fix
from citeaudit.patterns import LazyPattern
from citeaudit.proseguard import ProseGuard

STDIN = "<stdin>"

_BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}
_LINE = LazyPattern(r"[^\n]*\n|[^\n]+")
# Passes of fix-and-check-again before a file is written; ruff stops at 100. Each pass
# settles at least one diagnostic, and no fix here creates work for another.
MAX_PASSES = 10

# Checks a fixed text again: the document it now is, and its diagnostics.
Recheck = Callable[[Document, str], tuple[Document, list[Diagnostic]]]


@dataclass(frozen=True, slots=True)
class FixResult:
    """One document's text with its fixes applied, and which diagnostics they settle."""

    text: str
    fixed: list[Diagnostic]
    remaining: list[Diagnostic]
    # Fixes refused because they would edit code, front matter or an example in them.
    withheld: list[Diagnostic] = field(default_factory=list)


def fix_document(doc: Document, diagnostics: Iterable[Diagnostic], *, unsafe: bool) -> FixResult:
    """Apply the fixes of `doc`'s diagnostics to its text in memory; nothing is written.

    Diagnostics of other files are ignored. An uncertain parse fixes nothing."""
    own = [d for d in diagnostics if d.path == doc.path]
    source = doc.original or doc.text
    if not doc.certain or doc.format == "docx":
        return FixResult(source, [], own)
    accepted: list[Edit] = []
    taken: set[tuple[Edit, ...]] = set()
    fixed: list[Diagnostic] = []
    withheld: list[Diagnostic] = []
    guard = ProseGuard(doc)
    for d in sorted(_fixable(own, unsafe), key=_first_offset):
        assert d.fix is not None
        edits = tuple(sorted(d.fix.edits, key=lambda e: (e.start, e.end)))
        if edits in taken:  # the same change, reported twice: it is made once
            fixed.append(d)
        elif not _well_formed(edits, len(doc.text)):
            continue
        elif not guard.allows(edits):
            withheld.append(d)
        elif not _overlaps(edits, accepted):
            accepted.extend(edits)
            taken.add(edits)
            fixed.append(d)
    done = {id(d) for d in fixed}
    remaining = [d for d in own if id(d) not in done]
    return FixResult(_apply(source, accepted, doc), fixed, remaining, withheld)


def fix_until_stable(
    doc: Document,
    diagnostics: Iterable[Diagnostic],
    *,
    unsafe: bool,
    recheck: Recheck | None,
) -> tuple[FixResult, int]:
    """Fix, check the result again and fix again until nothing is left to fix.

    Returns the first pass (its `fixed` are the given diagnostics it settled) with the
    final text, and how many fixes all passes made."""
    first = fix_document(doc, diagnostics, unsafe=unsafe)
    text, count = first.text, len(first.fixed)
    current = doc
    withheld = list(first.withheld)
    passes = 1
    while recheck is not None and count and passes < MAX_PASSES:
        if text == (current.original or current.text):
            break
        current, found = recheck(current, text)
        again = fix_document(current, found, unsafe=unsafe)
        passes += 1
        if not again.fixed or again.text == text:
            break
        text, count = again.text, count + len(again.fixed)
        # Each pass finds the withheld fixes again; they are reported once.
        known = {(d.code, d.message, d.context) for d in withheld}
        withheld += [d for d in again.withheld if (d.code, d.message, d.context) not in known]
    return FixResult(text, first.fixed, first.remaining, withheld), count


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
    recheck: Recheck | None = None,
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
    count = 0
    for doc in docs:
        own = by_path.get(doc.path, [])
        result, made = fix_until_stable(doc, own, unsafe=unsafe, recheck=recheck)
        refusal = _refusal(doc, result, own, unsafe, shared)
        if refusal:
            _warn(doc.path, refusal)
            continue
        for d in result.withheld:
            _warn(doc.path, f"{d.code} fix at line {d.span.line} withheld: {_NOT_PROSE}")
        if not result.fixed:
            continue
        if write:
            if _from_stdin(doc, stdin_path):
                continue
            failure = _write(doc, result.text)
            if failure:
                _warn(doc.path, f"{failure}; not fixed")
                continue
        patches.append(unified_diff(doc.path, doc.original or doc.text, result.text))
        settled.update(id(d) for d in result.fixed)
        count += made
    remaining = [d for d in diagnostics if id(d) not in settled]
    return count, remaining, "".join(patches)


def encode(doc: Document, text: str) -> bytes:
    """`text` in the encoding and with the BOM that `doc` was read with."""
    return (_BOMS.get(doc.encoding, b"") if doc.bom else b"") + text.encode(doc.encoding)


def unified_diff(path: str, before: str, after: str) -> str:
    """A patch that `git apply` and `patch -p1` accept, line endings kept byte for byte."""
    import difflib  # only --diff prints a patch

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


def _apply(text: str, edits: list[Edit], doc: Document | None = None) -> str:
    # A file whose lines end in a lone CR gets its new lines ended the same way.
    lone_cr = doc is not None and doc.original is not None and "\r\n" not in doc.original
    # Back to front, so each edit's offsets still index the original text.
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        replacement = edit.replacement.replace("\n", "\r") if lone_cr else edit.replacement
        text = text[: edit.start] + replacement + text[edit.end :]
    return text


_NOT_PROSE = "it would change code, front matter or an example comment, which fixes never touch"


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
        data = read_bytes(doc.path)
    except ReadError as error:
        return f"cannot read it again: {error}"
    # Fixes are offsets into what was read: if the file moved on since, they would land
    # in the wrong place. (A change in the instant between this check and the rename is
    # not caught; editors that save atomically make that window harmless.)
    now = decode(data)
    if now is None or (now.text, now.encoding, now.bom) != (doc.text, doc.encoding, doc.bom):
        return "it changed on disk since it was read"
    try:
        payload = encode(doc, text)
    except (UnicodeEncodeError, LookupError):
        return f"the fixed text cannot be written in {doc.encoding}"
    # Through a symlink to its target, so the link itself survives.
    target = os.path.realpath(doc.path)
    try:
        mode = os.stat(target).st_mode
    except OSError as error:
        return f"cannot write it: {error.strerror or error}"
    # A rename would replace a read-only file without a word (root may write anything):
    # the user made it read-only, so it is left alone.
    if not mode & 0o222 or not os.access(target, os.W_OK):
        return "it is read-only (make it writable to fix it)"
    try:
        write_atomic(target, payload, keep_owner=True)
    except WriteRefused as refused:
        return f"not rewritten: {refused}"
    except OSError as error:
        return f"cannot write it: {error.strerror or error}"
    return None


def _lines(text: str) -> list[str]:
    # Split on \n only: splitlines() would also break at \f, \x1c or U+2028 in the prose.
    return _LINE.findall(text)


def _warn(path: str, message: str) -> None:
    click.echo(f"citeaudit: {path}: {message}", err=True)
