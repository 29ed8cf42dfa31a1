"""A one-file run pays only for what its document needs (issue 7: a pre-commit hook starts
citeaudit once per commit, so start-up is most of its time).

What is checked here was measured to matter: the notes parser compiles 16 patterns (9 ms),
the author-date linker, the cache, `importlib.resources` with `tempfile` and `shutil`,
OpenSSL's `hashlib`; and the patterns that only other formats and styles use.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from citeaudit import __version__
from citeaudit.cli import _exit_status
from citeaudit.patterns import LazyPattern

ROOT = Path(__file__).resolve().parents[1]
LAI = "corpus/lai-2023/essay.md"  # a numbered Markdown essay: no notes, no author-date
NOTES = "corpus/cases/note003-fires/essay.md"  # Markdown footnotes that cite sources

# Modules a one-file `--no-cache` check of the Lai essay must not import.
NOT_NEEDED = (
    "citeaudit.adapters.notecites",  # it has no notes
    "citeaudit.linkers.authordate",  # it cites by number
    "citeaudit.cache",  # --no-cache
    "citeaudit.baseline",
    "importlib.resources",  # only the config schema
    "tempfile",  # only an atomic write (--fix)
    "difflib",  # only --diff
    "hashlib",  # only a file read besides the manuscript (bibliographies, includes)
    "json",  # only the JSON formats and the config schema
    "traceback",  # only an internal error
    "pickle",  # only a Word file's places, the HTML report and worker processes
    "citeaudit.fix",  # only --fix and --diff: a finding's fix needs only the prose guard
    "signal",  # only an atomic write
)

# Only what the run imports counts: the interpreter may load modules before it starts (a
# site `.pth` file that imports certifi brings `importlib.resources` and `tempfile`).
_PROBE = """
import sys
before = set(sys.modules)
from citeaudit import cli
from citeaudit.patterns import LazyPattern

sys.argv = ["citeaudit", "check", "--no-cache", sys.argv[1]]
try:
    cli.main()
except SystemExit:
    pass
modules = sorted(set(sys.modules) - before)
compiled = sorted(
    f"{module.__name__}.{name}"
    for module in list(sys.modules.values())
    if getattr(module, "__name__", "").startswith("citeaudit")
    for name, value in vars(module).items()
    if isinstance(value, LazyPattern) and "compiled" in vars(value)
)
import json  # after the list: the probe's own import is not the run's

print(json.dumps({"modules": modules, "compiled": compiled}))
"""


def _probe(path: str) -> tuple[set[str], set[str]]:
    """The modules a CLI check of `path` imported, and the lazy patterns it compiled."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, path], capture_output=True, text=True, cwd=ROOT, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return set(found["modules"]), set(found["compiled"])


def test_a_numbered_markdown_essay_imports_and_compiles_only_what_it_needs() -> None:
    modules, compiled = _probe(LAI)
    assert "citeaudit.rules.src.claims" in modules  # the rules did run
    assert "citeaudit.proseguard" in modules  # a finding offers a fix
    assert not modules & set(NOT_NEEDED), sorted(modules & set(NOT_NEEDED))
    # Patterns for unnumbered lists, LaTeX, front matter, notes and fixes wait for those.
    waiting = tuple(
        f"citeaudit.{name}."
        for name in (
            "adapters.reflist",
            "bibliography",
            "frontmatter",
            "load",
            "fix",
            "rules.note.notes",
            "rules.ref.order",
        )
    )
    assert not [p for p in compiled if p.startswith(waiting)], sorted(compiled)
    assert len(compiled) <= 4, sorted(compiled)


_VERSION_PROBE = """
import sys
before = set(sys.modules)
from citeaudit import cli

sys.argv = ["citeaudit", "--version"]
try:
    cli.main()
except SystemExit:
    pass
print(" ".join(sorted(m for m in set(sys.modules) - before if m.startswith("citeaudit"))))
"""


def test_the_version_needs_no_document_model() -> None:
    """`citeaudit --version` pays for click and the command's options, not for the model
    (its dataclasses cost about 6 ms) or the filter."""
    done = subprocess.run(
        [sys.executable, "-c", _VERSION_PROBE], capture_output=True, text=True, cwd=ROOT, check=True
    )
    modules = done.stdout.strip().splitlines()[-1].split()
    assert modules == ["citeaudit", "citeaudit.cli", "citeaudit.report"], modules


_RUN_PROBE = """
import sys
before = set(sys.modules)
from citeaudit import cli

sys.argv = ["citeaudit", *sys.argv[1:]]
try:
    cli.main()
except SystemExit:
    pass
print(" ".join(sorted(set(sys.modules) - before)))
"""


def test_a_cached_check_and_the_rule_list_compile_no_author_date_patterns(
    tmp_path: Path,
) -> None:
    """Registering the rules imports their modules; the author-date adapter they use
    (about 4 ms of patterns) waits until a document is read."""
    (tmp_path / "essay.md").write_bytes((ROOT / LAI).read_bytes())
    check = ["check", "--cache-dir", str(tmp_path / "cache"), "essay.md"]
    subprocess.run([sys.executable, "-m", "citeaudit", *check], cwd=tmp_path, check=False)
    for args in (check, ["rules"]):
        done = subprocess.run(
            [sys.executable, "-c", _RUN_PROBE, *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=True,
        )
        modules = set(done.stdout.strip().splitlines()[-1].split())
        assert "citeaudit.rules.src.claims" in modules  # the rules were registered
        assert "citeaudit.adapters.text" not in modules  # nothing was read: a cache hit
        assert "citeaudit.adapters.authordate" not in modules, args


def test_a_document_with_notes_still_reads_them() -> None:
    """The control: the notes parser is skipped for want of notes, not always."""
    modules, compiled = _probe(NOTES)
    assert "citeaudit.adapters.notecites" in modules
    assert any(p.startswith("citeaudit.rules.note.notes.") for p in compiled)


@pytest.mark.parametrize(
    "module",
    [
        "citeaudit.config",
        "citeaudit.fileio",
        "citeaudit.model",
        "citeaudit.pipeline",
        "citeaudit.readlog",
        "citeaudit.report",
        "citeaudit.report.tally",
        "citeaudit.rules",
        "citeaudit.run",
    ],
)
def test_dataclasses_that_every_run_defines_have_docstrings(module: str) -> None:
    """Without one, `@dataclass` computes a docstring with `inspect.signature` at import."""
    loaded = importlib.import_module(module)
    classes = [
        value
        for value in vars(loaded).values()
        if dataclasses.is_dataclass(value)
        and isinstance(value, type)
        and value.__module__ == module
    ]
    assert classes
    computed = [c.__name__ for c in classes if (c.__doc__ or "").startswith(f"{c.__name__}(")]
    assert not computed, computed


def test_a_lazy_pattern_finds_what_the_compiled_one_finds() -> None:
    text = "Stueck (2002: 73) and (Lai 2023, 5-7); see [3], [4]."
    source, flags = r"\((?P<who>[A-Z]\w+) (?P<year>\d{4})[^)]*\)|\[(\d+)\]", re.I
    lazy, compiled = LazyPattern(source, flags), re.compile(source, flags)
    assert "compiled" not in vars(lazy)
    first = lazy.search(text)
    assert first is not None and first.group("who") == "Lai"
    assert lazy.compiled is lazy.compiled  # compiled once
    assert vars(lazy)["search"] == lazy.compiled.search  # later calls go straight to re
    assert lazy.match(text) is None and compiled.match(text) is None
    assert lazy.fullmatch("[3]") is not None
    assert [m.span() for m in lazy.finditer(text, 5)] == [
        m.span() for m in compiled.finditer(text, 5)
    ]
    assert lazy.findall(text) == compiled.findall(text)
    assert lazy.sub("<c>", text) == compiled.sub("<c>", text)
    assert lazy.subn(lambda m: m.group(0).upper(), text, 1) == compiled.subn(
        lambda m: m.group(0).upper(), text, 1
    )
    assert lazy.split(text) == compiled.split(text)
    assert lazy.pattern == compiled.pattern and lazy.compiled.flags == compiled.flags


@pytest.mark.parametrize(
    ("args", "status", "last_line"),
    [
        (["check", "--no-cache", LAI], 1, "Found 15 findings"),
        (["check", "--no-cache", "corpus/does-not-exist.md"], 2, None),
        (["--version"], 0, "citeaudit, version"),
        (["rule", "NOPE999"], 2, None),
    ],
)
def test_the_command_flushes_its_output_and_keeps_its_exit_status(
    args: list[str], status: int, last_line: str | None
) -> None:
    """`console` leaves with os._exit: the report must still be complete, and the status
    the one `main` chose."""
    done = subprocess.run(
        [sys.executable, "-m", "citeaudit", *args], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == status, done.stderr[-2000:]
    if last_line:
        assert done.stdout.strip().splitlines()[-1].startswith(last_line), done.stdout[-500:]


def test_exit_status_is_the_interpreters() -> None:
    assert _exit_status(None) == 0
    assert _exit_status(2) == 2
    assert _exit_status(256 + 3) == 3
    assert _exit_status("citeaudit: stopped") == 1


_PROGRAM = """
import atexit, sys

class Global:
    def __del__(self):
        print("torn down")

kept = Global()
atexit.register(print, "atexit ran")
from citeaudit.cli import console

sys.argv = ["citeaudit", "--version"]
console()
"""


def test_the_program_skips_the_teardown_but_not_atexit() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == [f"citeaudit, version {__version__}", "atexit ran"]
    assert "torn down" not in done.stdout


def test_under_a_profiler_the_exit_is_the_ordinary_one() -> None:
    """`python -m cProfile -m citeaudit` prints its profile after citeaudit returns."""
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-m", "citeaudit", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "function calls" in done.stdout
