"""Figures for the runs users wait on (issue 7's table). Not a test: numbers vary by machine.

    python bench/speed.py                        # median of 5 runs each
    python bench/speed.py --runs 3 --extra-args "--no-cache"
    python bench/speed.py --quick                # skip the slow rows (1,000 files, 2,000 entries)
    python bench/speed.py --startup --runs 11    # only the start-up rows: -c pass, --version, Lai
    python bench/speed.py --python /tmp/v/bin/python   # another install (see below)

The first line says which install is measured. An editable install (`pip install -e .`,
as in the development venvs) loads setuptools' import finder at every start, `-c pass`
included: about 8 ms, half of a bare start. A regular install does not; to measure one:
`python -m venv /tmp/v && /tmp/v/bin/pip install . && python bench/speed.py --python
/tmp/v/bin/python`. Children run with `PYTHONDONTWRITEBYTECODE` unset, so they write and
use bytecode as an installed package does (with it set every run compiles citeaudit's
sources again, 50 to 70 ms). The CLI is run as the `citeaudit` command beside the
interpreter when there is one, else as `python -m citeaudit`.

Each row runs the CLI in a fresh process and reports the median of several runs: wall
seconds, CPU seconds (user + system of the child: other load on the machine does not
inflate it), peak memory (the child's maximum resident set), and documents per second.
`--extra-args` is added to every `check` (for `--jobs`, `--no-cache` and such).

Rows:
- `python -c pass` and `citeaudit --version`: what any run pays before it starts;
- the Lai essay, the pre-commit case, and its ratio to `-c pass`;
- 200 copies of the Lai essay in one run, and 1,000 for peak memory;
- with `--jobs 1` and `--jobs 2` when the CLI has `--jobs`, and the same files again
  (the cache) when it has `--no-cache`;
- the growth series: a numbered list of 500 / 1,000 / 2,000 entries cited five times
  each, with the time per entry;
- whether a one-file run imports numpy, jsonschema or bibtexparser;
- peak memory of 200 and 1,000 copies for the text, json, sarif, junit and html formats
  and for one process, split into the main process and its largest worker (`--memory`
  runs only these rows).

The peak column of the other rows is what `wait4` gives for the child: the largest of
the process's own peak and its workers' peaks, so it cannot tell a growing main process
from workers. The memory rows run the CLI under a small wrapper that writes, at exit,
`getrusage(RUSAGE_SELF)` (the main process alone) and `getrusage(RUSAGE_CHILDREN)` (the
largest worker it waited for).
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
LAI = CORPUS / "lai-2023" / "essay.md"
sys.path.insert(0, str(Path(__file__).resolve().parent))
# Bytecode is written and used, as by an installed package.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PYTHON = sys.executable  # the interpreter measured: --python

import shapes  # noqa: E402


@dataclass
class Figure:
    wall: float
    cpu: float
    peak_mib: float


def run_once(command: list[str], env: dict[str, str] | None = None) -> Figure:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # A child's ru_maxrss is only visible after it ends; wait4 gives it per child.
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or CHILD_ENV
    )
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = 0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Figure(wall, cpu, usage.ru_maxrss / 1024)


# Runs the CLI and, at exit, writes the main process's own peak and its largest worker's
# (KiB). Workers end with os._exit, so they do not run it.
PEAKS = """
import atexit, os, resource, runpy, sys
def _peaks():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(os.environ["CITEAUDIT_BENCH_PEAKS"], "w") as out:
        out.write(f"{own} {workers}")
atexit.register(_peaks)
sys.argv[0] = "citeaudit"
runpy.run_module("citeaudit", run_name="__main__", alter_sys=True)
"""


def peaks(args: list[str]) -> tuple[float, float, Figure]:
    """(main process MiB, largest worker MiB, the run's figure) for `citeaudit args`."""
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "peaks")
        env = {**CHILD_ENV, "CITEAUDIT_BENCH_PEAKS": target}
        figure = run_once([PYTHON, "-c", PEAKS, *args], env)
        own, workers = (int(n) / 1024 for n in Path(target).read_text().split())
    return own, workers, figure


# The memory rows: the formats written as results arrive, one process, and the HTML
# report, which reads its documents back from disk one at a time (written to a file, or
# to a folder of pages, in the run's folder).
MEMORY_RUNS = (
    ("--format text", ["--format", "text"]),
    ("--format json", ["--format", "json"]),
    ("--format sarif", ["--format", "sarif"]),
    ("--format junit", ["--format", "junit"]),
    ("--format text --jobs 1", ["--format", "text", "--jobs", "1"]),
    ("--format html --output x.html", ["--format", "html", "--output"]),
    ("--format html --output DIR/", ["--format", "html", "--output"]),
)


def memory_rows(
    folder: Path, counts: tuple[int, ...], extra: list[str], uncached: list[str]
) -> None:
    print("peak memory: main process / largest worker / wait4 (the larger of the two)")
    for count in counts:
        files = folder / f"lai-{count}"
        if not files.exists():
            files = copies(folder, count)
        for label, options in MEMORY_RUNS:
            if options[-1] == "--output":
                name = f"report-{count}{'/' if label.endswith('/') else '.html'}"
                options = [*options, str(folder / name)]
            own, worker, figure = peaks(
                ["check", "--quiet", *uncached, *extra, *options, str(files)]
            )
            print(
                f"{count:>5,} Lai copies, {label:<30} main {own:6.1f} MiB  "
                f"worker {worker:6.1f} MiB  wait4 {figure.peak_mib:6.1f} MiB  "
                f"{figure.wall:6.2f} s wall",
                flush=True,
            )


def median(command: list[str], runs: int) -> Figure:
    figures = [run_once(command) for _ in range(runs)]
    return Figure(
        statistics.median(f.wall for f in figures),
        statistics.median(f.cpu for f in figures),
        max(f.peak_mib for f in figures),
    )


def citeaudit(*args: str) -> list[str]:
    script = Path(PYTHON).parent / "citeaudit"
    if script.is_file():
        return [str(script), *args]
    return [PYTHON, "-m", "citeaudit", *args]


def install_kind() -> str:
    """How citeaudit is installed for the measured interpreter: editable or regular."""
    code = (
        "import importlib.metadata as m, json\n"
        "text = m.distribution('citeaudit').read_text('direct_url.json') or '{}'\n"
        "print(json.loads(text).get('dir_info', {}).get('editable', False))"
    )
    # -I: the current folder (a checkout holds a citeaudit.egg-info) is not searched.
    out = subprocess.run([PYTHON, "-I", "-c", code], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return "unknown (citeaudit not installed for this interpreter?)"
    if out.stdout.strip() == "True":
        return "editable (its import finder costs about 8 ms at every start, -c pass included)"
    return "regular"


def has_option(option: str) -> bool:
    out = subprocess.run(
        citeaudit("check", "--help"), capture_output=True, text=True, check=False, env=CHILD_ENV
    ).stdout
    return option in out


def imported_modules(path: Path) -> set[str]:
    code = (
        "import sys, citeaudit.cli as c\n"
        f"sys.argv=['citeaudit','check',{str(path)!r}]\n"
        "try:\n c.main()\nexcept SystemExit:\n pass\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, check=False, env=CHILD_ENV
    ).stdout
    return set(out.split())


def copies(folder: Path, count: int) -> Path:
    target = folder / f"lai-{count}"
    target.mkdir()
    for i in range(count):
        shutil.copyfile(LAI, target / f"essay-{i:04d}.md")
    return target


FLOOR = """
import re, sys, pathlib
patterns = [re.compile(p) for p in (r"\\[(\\d+)\\]", r"<sup>(\\d+)</sup>", r"^#+ .*$")]
for path in pathlib.Path(sys.argv[1]).iterdir():
    text = path.read_text(encoding="utf-8")
    for p in patterns:
        p.findall(text)
"""


def peers(folder: str | None, files: Path) -> list[tuple[str, list[str]]]:
    """proselint and plagx-preflight over the same files, where they are installed."""
    found = []
    names = sorted(str(p) for p in files.iterdir())
    for peer, args in (
        ("proselint", ["check", str(files)]),
        ("plagx-preflight", ["check", *names]),
    ):
        command = shutil.which(peer, path=folder) if folder else shutil.which(peer)
        if command:
            found.append((peer, [command, *args]))
        else:
            print(f"peer {peer}: not installed (pass --peers)")
    return found


def row(name: str, figure: Figure, documents: int | None = None, note: str = "") -> None:
    rate = f"{documents / figure.wall:9.0f} docs/s" if documents else " " * 15
    print(
        f"{name:<40} {figure.wall:8.3f} s wall {figure.cpu:8.3f} s cpu "
        f"{figure.peak_mib:7.1f} MiB {rate} {note}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--extra-args", default="", help="extra CLI flags for each check")
    parser.add_argument("--quick", action="store_true", help="skip the slowest rows")
    parser.add_argument(
        "--startup", action="store_true", help="only -c pass, --version and the Lai essay"
    )
    parser.add_argument("--python", help="the interpreter (and its citeaudit) to measure")
    parser.add_argument(
        "--peers", help="folder holding the proselint and plagx-preflight commands (a venv's bin)"
    )
    parser.add_argument("--memory", action="store_true", help="only the peak memory rows")
    args = parser.parse_args(argv)
    global PYTHON
    PYTHON = args.python or sys.executable
    extra = shlex.split(args.extra_args)
    # Every row but the cache's measures the work itself, not a cache filled by a run before.
    uncached = ["--no-cache"] if has_option("--no-cache") else []
    if args.memory:
        with tempfile.TemporaryDirectory() as tmp:
            memory_rows(Path(tmp), (200, 1000), extra, uncached)
        return 0
    runs = args.runs
    print(f"median of {runs} runs; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"{PYTHON}: citeaudit install {install_kind()}; CLI: {' '.join(citeaudit())}")
    bare = median([PYTHON, "-c", "pass"], runs)
    row("python -c pass", bare)
    row("citeaudit --version", median(citeaudit("--version"), runs))
    lai = median(citeaudit("check", "--quiet", *uncached, *extra, str(LAI)), runs)
    row("Lai essay", lai, 1, f"({lai.wall / bare.wall:.1f}x -c pass)")
    if args.startup:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        many = copies(folder, 200)
        floor = median([PYTHON, "-c", FLOOR, str(many)], runs)
        row("200 files: read + 3 regexes (a floor)", floor, 200)
        check_many = citeaudit("check", "--quiet", *uncached, *extra, str(many))
        row("200 Lai copies", median(check_many, runs), 200)
        if has_option("--jobs"):
            one = median([*check_many, "--jobs", "1"], runs)
            two = median([*check_many, "--jobs", "2"], runs)
            row("200 Lai copies, --jobs 1", one, 200)
            row("200 Lai copies, --jobs 2", two, 200, f"({one.wall / two.wall:.2f}x)")
        if uncached:
            cached = citeaudit("check", "--quiet", "--cache-dir", str(folder / "cache"), str(many))
            subprocess.run(cached, capture_output=True, check=False)  # fill the cache
            row("200 Lai copies again (cache)", median(cached, runs), 200)
        for peer, command in peers(args.peers, many):
            row(f"peer: {peer}, 200 copies", median(command, runs), 200)
        if not args.quick:
            thousand = copies(folder, 1000)
            figure = median(
                citeaudit("check", "--quiet", *uncached, *extra, str(thousand)), min(runs, 3)
            )
            row("1,000 Lai copies (peak memory)", figure, 1000)
            memory_rows(folder, (200, 1000), extra, uncached)
            print("growth: a numbered list of N entries cited 5N times")
            previous: Figure | None = None
            for n in (500, 1000, 2000):
                path = folder / f"list-{n}.md"
                path.write_text(shapes.numbered_list(n, 5 * n), encoding="utf-8")
                figure = median(
                    citeaudit("check", "--quiet", *uncached, *extra, str(path)), min(runs, 3)
                )
                growth = f"x{figure.cpu / previous.cpu:.2f} cpu for 2x" if previous else ""
                row(f"  {n:,} entries, {5 * n:,} citations", figure, None, growth)
                previous = figure
    modules = imported_modules(LAI)
    heavy = sorted(m for m in ("numpy", "jsonschema", "bibtexparser") if m in modules)
    print(
        f"modules imported checking the Lai essay: {len(modules)}; "
        f"heavy: {', '.join(heavy) or 'none'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
