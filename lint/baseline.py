"""Baselines: record today's findings so that only new ones fail a run.

A finding is identified by its path, code and a fingerprint of its normalised context,
never by its line, so editing text above a known finding does not make it new. The
fingerprint recipe is the one the SARIF and GitLab reports use (report.records).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import Any

from citeaudit.fileio import write_atomic
from citeaudit.model import Diagnostic
from citeaudit.report.records import fingerprints

VERSION = 1
TOOL = "citeaudit"

Key = tuple[str, str, str]  # path, code, fingerprint


class BaselineError(Exception):
    """The baseline file is missing, unreadable or not a citeaudit baseline."""


def write_baseline(path: str, diagnostics: Sequence[Diagnostic]) -> None:
    """Record `diagnostics` in `path`, replacing the file in one step."""
    ordered = sorted(diagnostics, key=lambda d: d.sort_key())
    findings = [
        {"path": key[0], "code": key[1], "fingerprint": key[2], "message": d.message}
        for d, key in zip(ordered, _keys(path, ordered), strict=True)
    ]
    document = {"version": VERSION, "tool": TOOL, "findings": findings}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        # A baseline usually lives in a folder of CI files that may not exist yet.
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
    except OSError as error:
        raise BaselineError(f"cannot write {path}: {error.strerror or error}") from error


def apply_baseline(path: str, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics not recorded in the baseline at `path`, in their given order.

    Identical findings are told apart by their rank in document order, which is part
    of the fingerprint, so a third occurrence of a finding recorded twice is new.
    """
    known = set(_load(path))
    return [
        d for d, key in zip(diagnostics, _keys(path, diagnostics), strict=True) if key not in known
    ]


def _keys(baseline: str, diagnostics: Sequence[Diagnostic]) -> list[Key]:
    # Paths relative to the baseline's folder make the file valid from any working
    # directory and on any machine; the fingerprint is taken over that path too.
    folder = os.path.dirname(os.path.abspath(baseline))
    portable = [replace(d, path=_portable(d.path, folder)) for d in diagnostics]
    return [
        (d.path, d.code, fingerprint)
        for d, fingerprint in zip(portable, fingerprints(portable), strict=True)
    ]


def _portable(path: str, folder: str) -> str:
    if path.startswith("<"):  # "<stdin>" names no file
        return path
    try:
        relative = os.path.relpath(os.path.abspath(path), folder)
    except ValueError:  # another drive on Windows: no relative path exists
        relative = os.path.abspath(path)
    return PurePath(relative).as_posix()


def _load(path: str) -> list[Key]:
    from citeaudit.fileio import ReadError, read_bytes

    if not os.path.lexists(path):
        raise BaselineError(f"{path}: no such file (create it with --write-baseline {path})")
    try:
        # Read as every file is: a regular file, with a bound (a FIFO would hang the run).
        document = json.loads(read_bytes(path).decode("utf-8"))
    except ReadError as error:
        raise BaselineError(f"{path}: {error}") from error
    except UnicodeDecodeError as error:
        raise BaselineError(f"{path}: cannot read: {error}") from error
    except RecursionError as error:
        raise BaselineError(f"{path}: nested too deeply to be a baseline") from error
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"{path}: not valid JSON (line {error.lineno}: {error.msg}); "
            "regenerate it with --write-baseline"
        ) from error
    return _validate(path, document)


def _validate(path: str, document: Any) -> list[Key]:
    def fail(why: str) -> BaselineError:
        return BaselineError(f"{path}: not a citeaudit baseline: {why}")

    if not isinstance(document, dict) or document.get("tool") != TOOL:
        raise fail('expected a JSON object with "tool": "citeaudit"')
    version = document.get("version")
    if version != VERSION:
        raise fail(f"unsupported version {version!r} (this citeaudit reads version {VERSION})")
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise fail('"findings" must be a list')
    keys: list[Key] = []
    for number, finding in enumerate(findings, 1):
        if not isinstance(finding, dict):
            raise fail(f"finding {number} is not a JSON object")
        name, code, fingerprint = (finding.get(k) for k in ("path", "code", "fingerprint"))
        if not (isinstance(name, str) and isinstance(code, str) and isinstance(fingerprint, str)):
            raise fail(f'finding {number} needs string "path", "code" and "fingerprint"')
        keys.append((name, code, fingerprint))
    return keys
