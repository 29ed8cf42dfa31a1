"""A LaTeX file with everything it includes, checked as one manuscript.

Citations and suppression comments of included files keep their own path, line and
column. A section file checked on its own (pre-commit passes only changed files) takes
its bibliography from the main file that includes it.
"""

from __future__ import annotations

import dataclasses
import os
import re

from citeaudit.adapters.latex import expand_inputs, parse_latex_project
from citeaudit.model import Document
from citeaudit.readlog import note_listing

_MAIN = re.compile(r"\\begin\s*\{document\}")
_MAX_CANDIDATES = 50


class _Reader:
    """Reads the files a LaTeX project names, remembering why one could not be read."""

    def __init__(self) -> None:
        self.reasons: dict[str, str] = {}

    def __call__(self, path: str) -> str | None:
        from citeaudit.fileio import ReadError, read_text

        try:
            return read_text(path, named=True).text
        except ReadError as error:
            self.reasons[path] = error.reason
            return None

    def explain(self, path: str) -> str | None:
        return self.reasons.get(path)


def read_text(path: str) -> str | None:
    """The text of a file a LaTeX project names, or None when it cannot be read."""
    return _Reader()(path)


def parse_latex_file(path: str, text: str) -> Document:
    reader = _Reader()
    documents = parse_latex_project(path, text, reader, reader.explain)
    main = documents[0]
    for sub in documents[1:]:
        main.citations += [dataclasses.replace(c, path=sub.path) for c in sub.citations]
        main.suppressions += [dataclasses.replace(s, path=sub.path) for s in sub.suppressions]
        main.problems += sub.problems
    if not main.bibliographies and not _MAIN.search(text):
        main.bibliographies = _bibliographies_of_main(path)
    if main.bibliographies:
        main.list_style = "bibtex"
    return main


def _bibliographies_of_main(path: str) -> list[str]:
    """Bibliographies of a main file, in this folder or up to two above, that includes
    `path`."""
    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    for _ in range(3):
        for candidate in _main_files(folder):
            text = read_text(candidate)
            if text is None:
                continue
            included = {os.path.abspath(p) for p, _ in expand_inputs(candidate, text, read_text)}
            if target in included:
                return parse_latex_project(candidate, text, read_text)[0].bibliographies
        folder = os.path.dirname(folder)
    return []


def _main_files(folder: str) -> list[str]:
    try:
        names = sorted(n for n in os.listdir(folder) if n.lower().endswith(".tex"))[
            :_MAX_CANDIDATES
        ]
    except OSError:
        return []
    note_listing(folder, names)
    found = []
    for name in names:
        full = os.path.join(folder, name)
        text = read_text(full)
        if text and _MAIN.search(text):
            found.append(full)
    return found
