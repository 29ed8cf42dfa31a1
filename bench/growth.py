#!/usr/bin/env python3
"""How the time of a check grows with the size of its input, one input shape at a time.

Each shape (see bench/shapes.py) is written at two sizes, N and 2N by default, and
checked by the CLI in a fresh process; the script prints CPU seconds (user + system of
the child, which other load on the machine does not inflate), wall seconds, and the ratio
of the two CPU times. Linear growth gives a ratio near 2 (startup makes small inputs look
better); quadratic growth gives 4.

    python bench/growth.py                    # every shape, N and 2N
    python bench/growth.py --shape numbered-list --factor 4
    python bench/growth.py --extra-args "--no-cache --jobs 1"

The shapes are those that were super-linear (issues 7 and 10): a numbered list cited five
times per entry, one reference entry of 100 KB, an author list of thousands of names,
thousands of code fences, a long base64 line in a code block, deeply nested brackets,
100,000 markers, a 1 MB line, a paragraph of thousands of dates, a .bib file of
thousands of entries and a long list with repeated author names (REF005).
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import shapes  # noqa: E402

Shape = tuple[str, Callable[[int], str], int, str]

SHAPES: list[Shape] = [
    ("numbered-list", lambda n: shapes.numbered_list(n, 5 * n), 1000, "md"),
    ("long-entry", shapes.long_entry, 50_000, "md"),
    ("author-list", shapes.author_list, 2000, "md"),
    ("code-fences", shapes.code_fences, 10_000, "md"),
    ("base64-line", shapes.base64_line, 20_000, "md"),
    ("nested-brackets", shapes.nested_brackets, 5000, "md"),
    ("many-markers", shapes.many_markers, 50_000, "md"),
    ("long-line", shapes.long_line, 500_000, "md"),
    ("many-dates", shapes.many_dates, 5000, "md"),
    ("bib-file", shapes.bib_file, 2500, "bib"),
    ("repeated-authors", shapes.numbered_references_only, 1000, "md"),
]


def cpu_and_wall(args: list[str], timeout: float | None = None) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one CLI run in a child process;
    infinite CPU when it runs past `timeout` seconds (and is killed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, "-m", "citeaudit", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return float("inf"), time.perf_counter() - started
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def measure(
    shape: Shape, factor: int, extra: list[str], folder: str, timeout: float | None = None
) -> list[str]:
    name, make, size, ext = shape
    rows: list[str] = []
    cpus: list[float] = []
    for n in (size, size * factor):
        path = os.path.join(folder, f"{name}-{n}.{ext}")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(make(n))
        cpu, wall = cpu_and_wall(["check", "--quiet", *extra, path], timeout)
        cpus.append(cpu)
        if cpu == float("inf"):
            rows.append(f"{name:<18} {n:>9,} {'':>12} over {timeout:.0f} s (killed)")
            break
        kib = os.path.getsize(path) // 1024
        rows.append(f"{name:<18} {n:>9,} {kib:>8,} KiB {cpu:8.2f} s cpu {wall:8.2f} s wall")
    if len(cpus) == 2 and cpus[1] != float("inf"):
        ratio = cpus[1] / max(cpus[0], 1e-3)
        rows.append(f"{'':<18} growth x{factor}: cpu x{ratio:.2f}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", action="append", help="only these shapes (repeatable)")
    parser.add_argument("--factor", type=int, default=2, help="second size = first x factor")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every first size")
    parser.add_argument("--extra-args", default="", help="extra CLI flags for each check")
    parser.add_argument("--timeout", type=float, default=None, help="kill a run after this")
    args = parser.parse_args(argv)
    extra = shlex.split(args.extra_args)
    chosen = [s for s in SHAPES if not args.shape or s[0] in args.shape]
    print(f"{'shape':<18} {'size':>9} {'file':>12} {'time':>14} {'':>15}")
    with tempfile.TemporaryDirectory() as folder:
        for name, make, size, ext in chosen:
            scaled = (name, make, max(1, int(size * args.scale)), ext)
            for row in measure(scaled, args.factor, extra, folder, args.timeout):
                print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
