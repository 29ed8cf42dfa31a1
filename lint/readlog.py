"""What a check read besides its own file, so the cache knows when a result is stale.

Every function that opens a file on a manuscript's behalf (bibliographies, `\\input`s) or
lists a folder to find one calls `note_file` or `note_listing`. Outside `recording()`
these do nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class ReadLog:
    """The files and folders a check read besides the manuscript, for the cache."""

    files: dict[str, str] = field(default_factory=dict)  # absolute path -> digest
    listings: dict[str, list[str]] = field(default_factory=dict)  # folder -> names


_current: list[ReadLog] = []


@contextmanager
def recording() -> Iterator[ReadLog]:
    log = ReadLog()
    _current.append(log)
    try:
        yield log
    finally:
        _current.pop()


def digest(data: bytes) -> str:
    import hashlib  # OpenSSL loads in 2 ms; a file that reads nothing else never needs it

    return hashlib.blake2b(data, digest_size=16).hexdigest()


def note_file(path: str, data: bytes | None) -> None:
    """`data` None: the file could not be read (that, too, is a state to compare)."""
    if _current:
        _current[-1].files[os.path.abspath(path)] = "" if data is None else digest(data)


def note_listing(folder: str, names: list[str]) -> None:
    if _current:
        _current[-1].listings[os.path.abspath(folder)] = sorted(names)
