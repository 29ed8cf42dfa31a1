"""How fast a run is, as an editor and a pre-commit hook feel it.

    python bench/engine.py [--runs 5] [--peers DIR]

Prints one table: medians over --runs of wall and CPU time (the CPU time of the child
processes, pool workers included) and peak memory (the largest resident set of any
process of the run), for

- the bare interpreter (`-c pass`) and one check of the Lai essay, and their ratio;
- 200 copies of the Lai essay without the cache, with 1 and 2 jobs, and with a warm cache;
- a floor: a script that only reads the 200 files and runs three regexes over each;
- a numbered list of 2,000 entries cited 10,000 times, and the growth from 500 to 2,000;
- peak memory over 200 and 1,000 manuscripts (flat when documents are not kept);
- the peers proselint and plagx-preflight over the same 200 files, when their commands
  are found in --peers (a folder of executables, e.g. a virtualenv's bin) or on PATH.
No timing is asserted anywhere: these are figures for the README and the issue notes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAI = ROOT / "corpus" / "lai-2023" / "essay.md"
FLOOR = """
import re, sys, pathlib
patterns = [re.compile(p) for p in (r"\\[(\\d+)\\]", r"<sup>(\\d+)</sup>", r"^#+ .*$")]
for path in pathlib.Path(sys.argv[1]).iterdir():
    text = path.read_text(encoding="utf-8")
    for p in patterns:
        p.findall(text)
"""


class Sample:
    def __init__(self, wall: float, cpu: float, rss_mib: float) -> None:
        self.wall, self.cpu, self.rss_mib = wall, cpu, rss_mib


def measure(command: Sequence[str], cwd: Path | None = None) -> Sample:
    """One run of `command`: wall time, CPU of the whole process tree, peak RSS."""
    env = {**os.environ, "CITEAUDIT_CACHE_DIR": os.environ.get("BENCH_CACHE", "")}
    if not env["CITEAUDIT_CACHE_DIR"]:
        del env["CITEAUDIT_CACHE_DIR"]
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    # ru_maxrss covers the process and, for its children, the largest one that ended.
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(command: Sequence[str], runs: int, cwd: Path | None = None) -> Sample:
    samples = [measure(command, cwd) for _ in range(runs)]
    return Sample(
        statistics.median(s.wall for s in samples),
        statistics.median(s.cpu for s in samples),
        max(s.rss_mib for s in samples),
    )


def copies(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = LAI.read_text(encoding="utf-8")
    for i in range(count):
        (folder / f"essay{i:04}.md").write_text(text, encoding="utf-8")
    return folder


def big_list(folder: Path, entries: int, citations: int) -> Path:
    lines = ["# A long survey", ""]
    per_paragraph = 10
    for start in range(0, citations, per_paragraph):
        cited = " ".join(
            f"Claim {n} of the survey [{(n * 7919) % entries + 1}]."
            for n in range(start, min(start + per_paragraph, citations))
        )
        lines += [cited, ""]
    lines += ["## References", ""]
    lines += [
        f"{n}. Author{n}, A. ({1900 + n % 120}). Title number {n}. Journal {n % 50}, {n}."
        for n in range(1, entries + 1)
    ]
    path = folder / f"list{entries}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def row(name: str, sample: Sample, files: int = 1, note: str = "") -> str:
    rate = f"{files / sample.wall:,.0f}" if files > 1 else ""
    return (
        f"| {name} | {sample.wall:.3f} | {sample.cpu:.3f} | {sample.rss_mib:.0f} | {rate} |"
        f" {note} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--peers", help="folder holding the proselint and plagx-preflight commands")
    args = parser.parse_args()
    python = sys.executable
    citeaudit = [python, "-m", "citeaudit", "check", "-q"]
    rows = ["| run | wall s | CPU s | peak MiB | docs/s | note |", "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bare = median([python, "-c", "pass"], args.runs)
        rows.append(row("bare interpreter (-c pass)", bare))
        one = median([*citeaudit, "--no-cache", str(LAI)], args.runs)
        rows.append(row("Lai essay, no cache", one, note=f"{one.wall / bare.wall:.1f}x bare"))
        os.environ["BENCH_CACHE"] = str(work / "cache-one")
        measure([*citeaudit, str(LAI)])
        warm_one = median([*citeaudit, str(LAI)], args.runs)
        rows.append(
            row("Lai essay, cache warm", warm_one, note=f"{warm_one.wall / bare.wall:.1f}x bare")
        )
        del os.environ["BENCH_CACHE"]

        essays = copies(work / "essays", 200)
        floor = median([python, "-c", FLOOR, str(essays)], args.runs)
        rows.append(row("200 files: read + 3 regexes (floor)", floor, 200))
        j1 = median([*citeaudit, "--no-cache", "--jobs", "1", str(essays)], args.runs)
        rows.append(row("200 Lai copies, no cache, 1 job", j1, 200))
        j2 = median([*citeaudit, "--no-cache", "--jobs", "2", str(essays)], args.runs)
        rows.append(
            row("200 Lai copies, no cache, 2 jobs", j2, 200, f"{j1.wall / j2.wall:.2f}x 1 job")
        )
        os.environ["BENCH_CACHE"] = str(work / "cache")
        measure([*citeaudit, str(essays)])
        warm = median([*citeaudit, str(essays)], args.runs)
        rows.append(row("200 Lai copies, cache warm", warm, 200))
        del os.environ["BENCH_CACHE"]

        thousand = copies(work / "thousand", 1000)
        for count, folder in ((200, essays), (1000, thousand)):
            mem = measure([*citeaudit, "--no-cache", "--jobs", "1", str(folder)])
            rows.append(row(f"{count} manuscripts, 1 job (memory)", mem, count))

        series = []
        for entries in (500, 1000, 2000):
            path = big_list(work, entries, entries * 5)
            sample = median([*citeaudit, "--no-cache", str(path)], max(1, args.runs // 2))
            series.append(sample)
            rows.append(row(f"{entries} entries cited {entries * 5:,} times", sample))
        growth = series[-1].wall / series[0].wall
        rows[-1] = rows[-1][:-2] + f"{growth:.1f}x the 500-entry time for 4x the size |"

        for peer, command in (
            ("proselint", ["check"]),
            ("plagx-preflight", ["check"]),
        ):
            found = shutil.which(peer, path=args.peers) if args.peers else shutil.which(peer)
            if not found:
                rows.append(f"| {peer} | | | | | not installed (pass --peers) |")
                continue
            files = sorted(str(p) for p in essays.iterdir())
            if peer == "proselint":
                sample = median([found, *command, str(essays)], args.runs)
            else:
                sample = median([found, *command, *files], args.runs)
            rows.append(row(f"{peer} on the 200 copies", sample, 200))
    print("\n".join(rows))


if __name__ == "__main__":
    main()
