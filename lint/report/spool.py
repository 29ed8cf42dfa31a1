"""Temporary storage for a report written while the run goes on: what a streamed report
must still look up or put in order later waits in a temporary file, not in memory, so a
run over a thousand manuscripts holds about as much as a run over ten."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any, Generic, TypeVar

T = TypeVar("T")

# Items sorted in memory before a sorted run of them goes to disk.
CHUNK = 1000
# Bytes a store holds in memory before it moves them to a temporary file: a small run
# (a pre-commit hook's) neither writes to disk nor imports tempfile.
IN_MEMORY = 256 * 1024


def _temporary() -> IO[bytes]:
    import tempfile

    return tempfile.TemporaryFile()


class DiskStore:
    """Blobs appended to one temporary file, read back by where they were put; the
    first IN_MEMORY bytes stay in memory until more come."""

    def __init__(self) -> None:
        self._memory = bytearray()
        self._file: IO[bytes] | None = None

    def put(self, data: bytes) -> tuple[int, int]:
        if self._file is None:
            if len(self._memory) + len(data) <= IN_MEMORY:
                offset = len(self._memory)
                self._memory += data
                return offset, len(data)
            self._file = _temporary()
            self._file.write(self._memory)
            self._memory = bytearray()
        self._file.seek(0, 2)
        offset = self._file.tell()
        self._file.write(data)
        return offset, len(data)

    def get(self, where: tuple[int, int]) -> bytes:
        offset, size = where
        if self._file is None:
            return bytes(self._memory[offset : offset + size])
        self._file.seek(offset)
        return self._file.read(size)

    def close(self) -> None:
        self._memory = bytearray()
        if self._file is not None:
            self._file.close()
            self._file = None


class _Stored(Mapping[str, T]):
    """What a store holds, by path: where each path's latest item is."""

    def __init__(self, store: DiskStore) -> None:
        self._store = store
        self._where: dict[str, tuple[int, int]] = {}

    def __contains__(self, path: object) -> bool:
        return path in self._where

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


class PackedSources(_Stored[str]):
    """The checked texts by path (the last one given for a path), kept compressed on
    disk and unpacked on demand; the one unpacked last is kept, since reporters walk the
    findings file by file."""

    def __init__(self, store: DiskStore) -> None:
        super().__init__(store)
        self._last: tuple[str, str] | None = None

    def add(self, path: str, packed: bytes) -> None:
        self._where[path] = self._store.put(packed)
        if self._last is not None and self._last[0] == path:
            self._last = None

    def __getitem__(self, path: str) -> str:
        if self._last is None or self._last[0] != path:
            packed = self._store.get(self._where[path])
            self._last = (path, zlib.decompress(packed).decode("utf-8", "surrogatepass"))
        return self._last[1]


class PickledObjects(_Stored[T]):
    """Objects by path (the last one given for a path), pickled on disk; the few read
    last are kept (a finding and its related locations ask for two or three files)."""

    KEEP = 4

    def __init__(self, store: DiskStore) -> None:
        super().__init__(store)
        self._recent: dict[str, T] = {}

    def add(self, path: str, value: T) -> None:
        import pickle

        self._where[path] = self._store.put(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        self._recent.pop(path, None)

    def __getitem__(self, path: str) -> T:
        if path not in self._recent:
            # The KeyError first: the text report asks `get` for every finding's file, and
            # a run without Word files has none, so it never needs pickle.
            where = self._where[path]
            import pickle

            value: T = pickle.loads(self._store.get(where))
            if len(self._recent) >= self.KEEP:
                del self._recent[next(iter(self._recent))]
            self._recent[path] = value
        return self._recent[path]


class Queue(Generic[T]):
    """A first-in first-out queue whose items wait pickled in a temporary file."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._read = 0
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def push(self, item: T) -> None:
        if self._file is None:
            self._file = _temporary()
        import pickle

        self._file.seek(0, 2)
        pickle.dump(item, self._file, pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def pop(self) -> T:
        import pickle

        assert self._file is not None and self._count
        self._file.seek(self._read)
        item: T = pickle.load(self._file)
        self._read = self._file.tell()
        self._count -= 1
        if not self._count:
            # Empty again: start the file over rather than let it grow for the whole run.
            self._file.seek(0)
            self._file.truncate()
            self._read = 0
        return item

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class ExternalSort(Generic[T]):
    """`sorted(items, key=key)`, stable, for more items than should be held at once:
    sorted runs of CHUNK items go to a temporary file and are merged when read."""

    def __init__(self, key: Callable[[T], Any], chunk: int | None = None) -> None:
        self._key = key
        self._chunk = chunk or CHUNK
        self._items: list[T] = []
        self._runs: list[tuple[int, int]] = []  # (offset, count) of each sorted run
        self._file: IO[bytes] | None = None

    def add(self, item: T) -> None:
        self._items.append(item)
        if len(self._items) >= self._chunk:
            self._spill()

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.add(item)

    def _spill(self) -> None:
        import pickle

        if self._file is None:
            self._file = _temporary()
        self._file.seek(0, 2)
        self._runs.append((self._file.tell(), len(self._items)))
        for item in sorted(self._items, key=self._key):
            pickle.dump(item, self._file, pickle.HIGHEST_PROTOCOL)
        self._items = []

    def __iter__(self) -> Iterator[T]:
        if not self._runs:
            yield from sorted(self._items, key=self._key)
            return
        if self._items:
            self._spill()
        assert self._file is not None
        import heapq

        # Runs are merged in the order they were made, and heapq.merge takes equal keys
        # from earlier iterables first: the order of equal items is kept, as sorted() does.
        yield from heapq.merge(*(self._run(*run) for run in self._runs), key=self._key)

    def _run(self, offset: int, count: int) -> Iterator[T]:
        import pickle

        assert self._file is not None
        file = self._file
        position = offset
        for _ in range(count):
            # The runs are read in turns from one file: each read starts where it left off.
            file.seek(position)
            item: T = pickle.load(file)
            position = file.tell()
            yield item

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._items = []
