"""Expand the paths given on the command line to the manuscripts to check.

Folders are walked for known extensions, skipping the default folders, the configured
`exclude` patterns and what `.gitignore` ignores. A file named explicitly is always
checked unless `force` is set (pre-commit names every staged file, so its hook passes
`--force-exclude`, as ruff's does). Patterns follow `.gitignore` syntax (`drafts`,
`drafts/`, `drafts/*.md`, `/top.md`), relative to the folder of the configuration.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from citeaudit.load import FORMATS

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

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
_GITIGNORE_BYTES = 1024 * 1024

OnError = Callable[[str, str], None]


def excluded(path: str, patterns: Iterable[str]) -> bool:
    """Whether a pattern names `path` or one of the folders it lies in (`drafts`, `drafts/`
    or `*/old` match anywhere in the path, as they always have)."""
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


class Excluder:
    """Decides which paths are left out: default folders, `exclude` patterns (relative to
    `root`, the configuration's folder) and `.gitignore` files inside a git work tree."""

    def __init__(self, patterns: Iterable[str] = (), root: str = ".") -> None:
        self.patterns = tuple(DEFAULT_EXCLUDES) + tuple(patterns)
        self.configured = tuple(patterns)
        self.root = os.path.abspath(root)
        self._spec: GitIgnoreSpec | None = None
        self._ignores: dict[str, GitIgnoreSpec | None] = {}
        self._git_roots: dict[str, str | None] = {}

    def __call__(self, path: str, is_dir: bool = False) -> bool:
        if excluded(path, self.patterns):
            return True
        full = os.path.abspath(path)
        if self.configured and self._configured_spec().match_file(
            _relative(full, self.root, is_dir)
        ):
            return True
        return self._gitignored(full, is_dir)

    def _configured_spec(self) -> GitIgnoreSpec:
        if self._spec is None:
            import pathspec

            self._spec = pathspec.GitIgnoreSpec.from_lines(self.configured)
        return self._spec

    def _gitignored(self, full: str, is_dir: bool) -> bool:
        root = self._git_root(os.path.dirname(full))
        if root is None:
            return False
        ignored = False
        # From the top down, so that a deeper .gitignore can re-include what a higher one
        # excluded; a file inside an ignored folder stays ignored, as in git.
        folders = _folders_between(root, os.path.dirname(full))
        for i, folder in enumerate(folders):
            if i and self._ignored_by(folders[:i], folder):
                return True
            spec = self._ignore_file(folder)
            if spec is None:
                continue
            result = spec.check_file(_relative(full, folder, is_dir))
            if result.include is not None:
                ignored = result.include
        return ignored

    def _ignored_by(self, parents: list[str], folder: str) -> bool:
        for parent in parents:
            spec = self._ignore_file(parent)
            if spec is not None and spec.match_file(_relative(folder, parent, True)):
                return True
        return False

    def _ignore_file(self, folder: str) -> GitIgnoreSpec | None:
        if folder not in self._ignores:
            names = [os.path.join(folder, ".gitignore")]
            if self._git_roots.get(folder) == folder or os.path.isdir(os.path.join(folder, ".git")):
                names.append(os.path.join(folder, ".git", "info", "exclude"))
            lines: list[str] = []
            for name in names:
                lines += _read_lines(name)
            if lines:
                import pathspec

                self._ignores[folder] = pathspec.GitIgnoreSpec.from_lines(lines)
            else:
                self._ignores[folder] = None
        return self._ignores[folder]

    def _git_root(self, folder: str) -> str | None:
        if folder not in self._git_roots:
            from citeaudit.fileio import git_root

            self._git_roots[folder] = git_root(folder)
        return self._git_roots[folder]


def manuscripts(
    paths: Iterable[str],
    exclude: Iterable[str] | Excluder = (),
    force: bool = False,
    on_error: OnError | None = None,
) -> Iterator[str]:
    """Files under `paths`. A file named explicitly is always checked (unless `force` is
    set and it is excluded); folders are walked for known extensions. A folder that
    cannot be read is passed to `on_error` with the reason."""
    skip = exclude if isinstance(exclude, Excluder) else Excluder(exclude)
    seen: set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            if force and skip(path, is_dir=True):
                continue
            for root, dirs, files in os.walk(path, onerror=_reporter(on_error)):
                dirs[:] = sorted(d for d in dirs if not skip(os.path.join(root, d), is_dir=True))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if _wanted(name) and full not in seen and not skip(full):
                        seen.add(full)
                        yield os.path.normpath(full)
        elif path not in seen:
            if force and skip(path):
                continue
            seen.add(path)
            yield path


def _reporter(on_error: OnError | None) -> Callable[[OSError], None]:
    def report(error: OSError) -> None:
        if on_error is not None and error.filename:
            folder = os.path.normpath(str(error.filename))
            on_error(folder, f"cannot read folder: {error.strerror or error}")

    return report


def _wanted(name: str) -> bool:
    lower = name.lower()
    # Word's lock files (~$essay.docx) and the copies --format docx-comments writes.
    if lower.startswith("~$") or lower.endswith(".citeaudit.docx"):
        return False
    return os.path.splitext(lower)[1] in FORMATS and lower not in _SKIP_NAMES


def _relative(full: str, root: str, is_dir: bool) -> str:
    relative = os.path.relpath(full, root).replace(os.sep, "/")
    return relative + "/" if is_dir else relative


def _folders_between(top: str, bottom: str) -> list[str]:
    folders = [bottom]
    while bottom != top:
        parent = os.path.dirname(bottom)
        if parent == bottom:
            return [top]
        folders.append(parent)
        bottom = parent
    return folders[::-1]


def _read_lines(path: str) -> list[str]:
    from citeaudit.fileio import ReadError, read_bytes

    if not os.path.isfile(path):
        return []
    try:
        return read_bytes(path, limit=_GITIGNORE_BYTES).decode("utf-8", "replace").splitlines()
    except ReadError:
        return []
