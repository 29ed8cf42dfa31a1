"""A content-keyed cache of each file's findings, in `.citeaudit_cache/` as ruff keeps one.

An entry is found by the file's path, the settings that apply to it and citeaudit's own
code, and is used only while the file's content, and the content of every file its check
read (bibliographies, `\\input`s) and every folder it listed, are what they were. Entries
are JSON, never pickle: a cache folder committed by a stranger must not run code. Any
unreadable or malformed entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from typing import Any

from citeaudit.model import Diagnostic, Edit, Fix, Related, Span
from citeaudit.pipeline import FileResult, Task, pack
from citeaudit.readlog import digest

FOLDER = ".citeaudit_cache"
_FORMAT = 1


class Cache:
    def __init__(self, folder: str) -> None:
        """`folder`: `.citeaudit_cache/` in the project root, or `--cache-dir`."""
        self.folder = os.path.join(folder, _code_fingerprint())
        self._ready = False

    def _entry_path(self, task: Task) -> str:
        key = json.dumps(
            [os.path.abspath(task.path), repr(task.settings), sorted(task.enabled)],
        )
        return os.path.join(self.folder, hashlib.blake2b(key.encode(), digest_size=16).hexdigest())

    def get(self, task: Task, content: bytes) -> FileResult | None:
        try:
            with open(self._entry_path(task), encoding="utf-8") as handle:
                entry = json.load(handle)
            if entry["content"] != digest(content) or not _fresh(entry):
                return None
            return FileResult(
                path=entry["path"],
                diagnostics=[_diagnostic(d) for d in entry["diagnostics"]],
                packed=None if entry["text"] is None else pack(entry["text"]),
                reads=entry["reads"],
                listings=entry["listings"],
                bibliographies=entry.get("bibliographies", []),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, task: Task, content: bytes, result: FileResult) -> None:
        entry = {
            "path": result.path,
            "content": digest(content),
            "reads": result.reads,
            "listings": result.listings,
            "bibliographies": result.bibliographies,
            "text": result.text,
            "diagnostics": [_record(d) for d in result.diagnostics],
        }
        try:
            self._prepare()
            from citeaudit.fileio import write_atomic

            write_atomic(self._entry_path(task), json.dumps(entry).encode("utf-8"))
        except OSError:
            pass  # a read-only or full disk costs speed, never the run

    def _prepare(self) -> None:
        if self._ready:
            return
        os.makedirs(self.folder, exist_ok=True)
        top = os.path.dirname(self.folder)
        for name, text in (
            (".gitignore", "# Made by citeaudit.\n*\n"),
            ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"),
        ):
            marker = os.path.join(top, name)
            if not os.path.exists(marker):
                with open(marker, "w", encoding="utf-8") as handle:
                    handle.write(text)
        self._ready = True


def _fresh(entry: dict[str, Any]) -> bool:
    from citeaudit.fileio import ReadError, read_bytes

    for path, expected in entry["reads"].items():
        try:
            # Bounded like every read: what was recorded may be a device or a FIFO by now.
            found = digest(read_bytes(path))
        except ReadError:
            found = ""
        if found != expected:
            return False
    for folder, names in entry["listings"].items():
        try:
            now = sorted(os.listdir(folder))
        except OSError:
            return False
        # Only the names the check looked for were recorded: compare those kinds.
        kinds = {os.path.splitext(n)[1].lower() for n in names}
        if sorted(n for n in now if os.path.splitext(n)[1].lower() in kinds) != names:
            return False
    return True


@cache
def _code_fingerprint() -> str:
    """citeaudit's version and the state of its own source, so a cache never outlives the
    code that filled it (a development checkout changes without a new version)."""
    from citeaudit import __version__
    from citeaudit import rules as catalogue

    here = os.path.dirname(os.path.abspath(__file__))
    parts = [__version__, str(_FORMAT)]
    for top in sorted({here, os.path.dirname(os.path.abspath(catalogue.__file__))}):
        for folder, _dirs, files in os.walk(top):
            for name in sorted(files):
                if name.endswith((".py", ".json")):
                    stat = os.stat(os.path.join(folder, name))
                    parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


# -- diagnostics as JSON ----------------------------------------------------------------


def _span(values: list[int]) -> Span:
    return Span(*values)


def _span_list(span: Span) -> list[int]:
    return [span.start, span.end, span.line, span.column, span.end_line, span.end_column]


def _record(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.path,
        "span": _span_list(d.span),
        "code": d.code,
        "rule": d.rule,
        "severity": d.severity,
        "message": d.message,
        "context": d.context,
        "fix": None
        if d.fix is None
        else {
            "message": d.fix.message,
            "applicability": d.fix.applicability,
            "edits": [[e.start, e.end, e.replacement] for e in d.fix.edits],
        },
        "related": [[r.path, _span_list(r.span), r.message] for r in d.related],
    }


def _diagnostic(record: dict[str, Any]) -> Diagnostic:
    fix = record["fix"]
    return Diagnostic(
        path=record["path"],
        span=_span(record["span"]),
        code=record["code"],
        rule=record["rule"],
        severity=record["severity"],
        message=record["message"],
        context=record["context"],
        fix=None
        if fix is None
        else Fix(
            fix["message"],
            tuple(Edit(int(s), int(e), str(r)) for s, e, r in fix["edits"]),
            fix["applicability"],
        ),
        related=tuple(Related(p, _span(s), m) for p, s, m in record["related"]),
    )
