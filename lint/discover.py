"""Expand the paths given on the command line to the manuscripts to check."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator

from citeaudit.load import FORMATS

DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    "build",
    "dist",
    "site-packages",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "_site",
    ".quarto",
    "renv",
)
# A folder walk takes manuscripts, not every text file: .txt only when named explicitly
# would miss plain-text manuscripts, so it is walked too, but the usual non-manuscripts
# are left out.
_SKIP_NAMES = frozenset(
    {"requirements.txt", "license.txt", "licence.txt", "cmakelists.txt", "robots.txt", "notice.txt"}
)


def excluded(path: str, patterns: Iterable[str]) -> bool:
    parts = path.replace(os.sep, "/").split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
        if fnmatch.fnmatch(path.replace(os.sep, "/"), pattern) or fnmatch.fnmatch(
            path.replace(os.sep, "/"), f"*/{pattern}"
        ):
            return True
    return False


def manuscripts(
    paths: Iterable[str], exclude: Iterable[str] = (), force: bool = False
) -> Iterator[str]:
    """Files under `paths`. A file named explicitly is always checked (unless `force` is
    set and it is excluded); folders are walked for known extensions."""
    patterns = tuple(DEFAULT_EXCLUDES) + tuple(exclude)
    seen: set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not excluded(os.path.join(root, d), patterns))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if _wanted(name) and not excluded(full, patterns) and full not in seen:
                        seen.add(full)
                        yield os.path.normpath(full)
        elif path not in seen:
            if force and excluded(path, patterns):
                continue
            seen.add(path)
            yield path


def _wanted(name: str) -> bool:
    lower = name.lower()
    # Word's lock files (~$essay.docx) and the copies --format docx-comments writes.
    if lower.startswith("~$") or lower.endswith(".citeaudit.docx"):
        return False
    return os.path.splitext(lower)[1] in FORMATS and lower not in _SKIP_NAMES
