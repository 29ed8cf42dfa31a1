"""Check many files: through the cache, across `--jobs` processes, with a progress bar.

Results come back in the order of the tasks whatever the number of jobs, so the output of
a run does not depend on it.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence

from citeaudit.pipeline import FileResult, Task, check_file

# Below this many files a pool costs more to start than it saves.
MIN_FILES_PER_JOB = 4
# A bar appears only when the run is still going after this long, on a terminal.
PROGRESS_AFTER = 1.0
_MAX_CACHED_BYTES = 20 * 1024 * 1024

_worker_cache: dict[str, object] = {}


def check_many(
    tasks: Sequence[Task], *, jobs: int | None, cache_root: str | None
) -> list[FileResult]:
    return list(iter_many(tasks, jobs=jobs, cache_root=cache_root))


def iter_many(
    tasks: Sequence[Task], *, jobs: int | None, cache_root: str | None
) -> Iterator[FileResult]:
    """The results one by one, in the order of `tasks`, as they come: a caller that
    reports each and lets it go holds one result at a time, not the whole run."""
    jobs = jobs or os.cpu_count() or 1
    jobs = max(1, min(jobs, len(tasks) // MIN_FILES_PER_JOB))
    if jobs == 1:
        one_by_one = ((task, cache_root) for task in tasks)
        yield from _progress(map(_check, one_by_one), len(tasks))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Fork shares the loaded rule catalogue with the workers instead of importing it again.
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    chunk = max(1, min(32, len(tasks) // (jobs * 4)))
    work = [(task, cache_root) for task in tasks]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        yield from _progress(pool.map(_check, work, chunksize=chunk), len(tasks))


def _check(work: tuple[Task, str | None]) -> FileResult:
    task, cache_root = work
    # Word files are not cached: their paragraph map is no JSON record.
    if cache_root is None or task.data is not None or task.path.lower().endswith(".docx"):
        return check_file(task)
    from citeaudit.cache import Cache

    cache = _worker_cache.get(cache_root)
    if not isinstance(cache, Cache):
        cache = _worker_cache[cache_root] = Cache(cache_root)
    from citeaudit.fileio import ReadError, read_bytes
    from citeaudit.pipeline import project_scope

    try:
        # The same guarded read as the load stage's (a FIFO, a device, a link out of the
        # project): the cache must not be a way around it.
        with project_scope(task.path, task.settings):
            content = read_bytes(task.path, named=task.confined, limit=_MAX_CACHED_BYTES)
    except ReadError:
        return check_file(task)  # the load stage reports what is wrong with the file
    hit = cache.get(task, content)
    if hit is not None:
        return hit
    result = check_file(dataclasses.replace(task, data=content))
    cache.put(task, content, result)
    return result


def _progress(results: Iterable[FileResult], total: int) -> Iterator[FileResult]:
    """Pass results through; draw a bar on stderr once a long run is under way."""
    if not sys.stderr.isatty() or total < 2:
        yield from results
        return
    start = time.monotonic()
    shown = False
    for done, result in enumerate(results, 1):
        if shown and sys.stdout.isatty():
            # The report may be printed as results arrive: the bar must not sit in it.
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
        yield result
        elapsed = time.monotonic() - start
        if elapsed >= PROGRESS_AFTER:
            shown = True
            width = 30
            filled = width * done // total
            rate = done / elapsed
            sys.stderr.write(
                f"\rChecking [{'#' * filled}{'.' * (width - filled)}] {done}/{total} files"
                f" ({rate:.0f}/s)"
            )
            sys.stderr.flush()
    if shown:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()
