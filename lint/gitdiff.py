"""`--changed-since REF`: keep only the findings on lines changed since a git ref.

"Changed" means changed in the working tree relative to REF, which is what the check
saw on disk: committed, staged and unstaged edits all count. Lines that were only
deleted have no line in the new file, so a deletion alone marks nothing as changed.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from citeaudit.model import Diagnostic, Span

# `@@ -a,b +c,d @@`; a count left out means 1.
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
# Enough paths per git call to keep the process count low, few enough to stay well
# under any platform's command-line length limit.
_BATCH = 200
# Settings in a user's git config that would change the output we parse.
_GIT_OVERRIDES = (
    "-c",
    "core.quotePath=false",
    "-c",
    "diff.relative=false",
    "-c",
    "diff.noprefix=false",
    "-c",
    "diff.mnemonicPrefix=false",
)


class GitError(Exception):
    """git could not tell what changed: not a repository, an unknown ref, git missing."""


@dataclass
class Changes:
    """The changed lines of one file; `whole` for a file git does not know yet."""

    whole: bool = False
    lines: set[int] = field(default_factory=set)

    def touches(self, span: Span) -> bool:
        if self.whole:
            return True
        return any(line in self.lines for line in range(span.line, span.end_line + 1))


def only_changed(
    diagnostics: Sequence[Diagnostic], paths: Iterable[str], ref: str
) -> list[Diagnostic]:
    """The diagnostics on a changed line, or whose related locations lie on one.

    The second case keeps a finding reported on an unchanged line whose cause lies on a
    changed one: editing entry [1] so that it repeats entry [2] is reported on [2], with
    [1] as the related location.
    """
    if not ref or ref.startswith("-"):
        # git would read a leading dash as an option, not as a revision.
        raise GitError(f"{ref!r} is not a git ref")
    primary = _on_disk(set(paths) | {d.path for d in diagnostics})
    related = _on_disk({r.path for d in diagnostics for r in d.related}) - primary
    changes = _changes(primary, ref, required=True)
    changes.update(_changes(related, ref, required=False))

    def changed(path: str, span: Span) -> bool:
        found = changes.get(_real(path))
        # A path not on disk (standard input) cannot be compared with the ref; keeping
        # its findings is the safe side, since hiding them would pass a real problem.
        return found is None or found.touches(span)

    return [
        d
        for d in diagnostics
        if changed(d.path, d.span) or any(changed(r.path, r.span) for r in d.related)
    ]


def _on_disk(paths: Iterable[str]) -> set[str]:
    return {p for p in paths if os.path.isfile(p)}


def _real(path: str) -> str:
    # git reports its top level with symlinks resolved, so paths are compared resolved.
    return os.path.realpath(path)


def _changes(paths: Iterable[str], ref: str, *, required: bool) -> dict[str, Changes]:
    """Changes per resolved path. A path outside any repository is an error when
    `required`, and otherwise counted as unchanged (it has no history to compare)."""
    by_root: dict[str, list[str]] = {}
    for path in sorted(paths):
        root = _toplevel(path)
        if root is None:
            if required:
                raise GitError(f"{path} is not inside a git repository")
            continue
        by_root.setdefault(root, []).append(_real(path))
    result: dict[str, Changes] = {}
    for root, files in by_root.items():
        _verify_ref(root, ref)
        result.update(_changes_in_repo(root, files, ref))
    return result


def _toplevel(path: str) -> str | None:
    folder = os.path.dirname(_real(path))
    done = _git(["rev-parse", "--show-toplevel"], cwd=folder, check=False)
    if done.returncode != 0:
        return None
    return os.path.realpath(os.fsdecode(done.stdout.rstrip(b"\r\n")))


def _verify_ref(root: str, ref: str) -> None:
    done = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=root, check=False)
    if done.returncode != 0:
        raise GitError(f"unknown git ref {ref!r} (in the repository at {root})")


def _changes_in_repo(root: str, files: Sequence[str], ref: str) -> dict[str, Changes]:
    relative = {_relative(root, f): f for f in files}
    result = {f: Changes() for f in files}
    names = sorted(relative)
    for start in range(0, len(names), _BATCH):
        batch = names[start : start + _BATCH]
        # Untracked files (ignored ones included: the user asked for them to be
        # checked) have no lines at REF, so every line is new.
        listed = _git(["ls-files", "-z", "--others", "--", *batch], cwd=root)
        for raw in listed.stdout.split(b"\0"):
            name = relative.get(os.fsdecode(raw))
            if name is not None:
                result[name].whole = True
        diff = _git(
            [
                "diff",
                "--unified=0",
                "--no-color",
                "--no-ext-diff",
                "--no-renames",
                "--src-prefix=a/",
                "--dst-prefix=b/",
                ref,
                "--",
                *batch,
            ],
            cwd=root,
        )
        for name, lines in parse_diff(diff.stdout).items():
            if name in relative:
                result[relative[name]].lines |= lines
        for name in _binary_changes(diff.stdout):
            if name in relative:
                _binary(result[relative[name]], root, name, relative[name], ref)
    return result


_BINARY = re.compile(rb"^Binary files (?:a/.*?|/dev/null) and (b/.*|\"b/.*\") differ$", re.M)


def _binary_changes(patch: bytes) -> list[str]:
    names = []
    for m in _BINARY.finditer(patch):
        raw = m.group(1)
        names.append(os.fsdecode((_unquote(raw) if raw.startswith(b'"') else raw)[2:]))
    return names


def _binary(changes: Changes, root: str, name: str, path: str, ref: str) -> None:
    """A Word file's changed paragraphs, from its text at REF and now; any other binary
    file counts as changed throughout, since hiding its findings would pass a problem."""
    if not name.lower().endswith(".docx"):
        changes.whole = True
        return
    import difflib

    from citeaudit.adapters.docx import paragraph_texts

    old = _git(["show", f"{ref}:{name}"], cwd=root, check=False)
    try:
        with open(path, "rb") as handle:
            now = paragraph_texts(handle.read())
    except OSError:
        now = None
    before = paragraph_texts(old.stdout) if old.returncode == 0 else []
    if now is None or before is None:
        changes.whole = True
        return
    matcher = difflib.SequenceMatcher(None, before, now, autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            changes.lines.update(range(j1 + 1, j2 + 1))


def _relative(root: str, path: str) -> str:
    return PurePath(os.path.relpath(path, root)).as_posix()


def parse_diff(patch: bytes) -> dict[str, set[int]]:
    """Changed line numbers of the new side of each file in a `--unified=0` patch."""
    result: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in patch.split(b"\n"):
        if line.startswith(b"+++ "):
            name = _header_path(line[4:])
            current = None if name is None else result.setdefault(name, set())
        elif line.startswith(b"@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                first = int(match.group(1))
                count = 1 if match.group(2) is None else int(match.group(2))
                current.update(range(first, first + count))
    return result


def _header_path(raw: bytes) -> str | None:
    raw = raw.rstrip(b"\r")
    if raw.endswith(b"\t"):
        # git ends a name containing a space with a tab; a name really ending in a tab
        # would have been quoted, so an unquoted trailing tab is never part of it.
        raw = raw[:-1]
    if raw.startswith(b'"'):
        raw = _unquote(raw)
    if not raw.startswith(b"b/"):
        return None  # /dev/null: the file was deleted
    return os.fsdecode(raw[2:])


_ESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13}


def _unquote(quoted: bytes) -> bytes:
    """Undo git's C-style quoting of a path with tabs, quotes or backslashes in it."""
    body, out, i = quoted[1:-1], bytearray(), 0
    while i < len(body):
        char = body[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        escape = body[i + 1 : i + 2]
        if escape.isdigit():  # \ooo: one byte of a UTF-8 sequence, in octal
            out.append(int(body[i + 1 : i + 4], 8))
            i += 4
        else:
            out.append(_ESCAPES.get(escape, escape[0] if escape else 92))
            i += 2
    return bytes(out)


def _git(args: list[str], cwd: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    # --literal-pathspecs: a file named `notes[1].md` is that file, not a glob.
    command = ["git", "--literal-pathspecs", *_GIT_OVERRIDES, *args]
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as error:
        raise GitError("git is not installed or not on PATH") from error
    if check and done.returncode != 0:
        message = os.fsdecode(done.stderr).strip().splitlines()
        raise GitError(f"git {args[0]} failed in {cwd}: {message[-1] if message else 'no message'}")
    return done
