"""One `citeaudit check` run: configure, discover, load, check, filter, fix, report."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, BinaryIO

import click

from citeaudit import config as cfg
from citeaudit import filter as filters
from citeaudit.discover import manuscripts
from citeaudit.filter import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from citeaudit.model import Diagnostic, Document, Places
from citeaudit.pipeline import FileResult, Sources, Task

if TYPE_CHECKING:
    from citeaudit.report.spool import PackedSources, PickledObjects

# Formats that show the whole manuscript, not only findings: they need every document
# (without fixes, the HTML report reads them back from disk one at a time: `_run_html`).
DOCUMENT_FORMATS = frozenset({"html"})
# Formats written as the results arrive, holding counts instead of every file's findings
# and text (report.stream). A run with fixes, a baseline or --changed-since still
# gathers the whole run first: those filters need it.
STREAMED_FORMATS = frozenset({"text", "json", "json-lines", "gitlab", "github", "sarif", "junit"})


@dataclass
class Options:
    """What the command line asked for (`citeaudit check`)."""

    paths: tuple[str, ...] = (".",)
    output_format: str | None = None
    output: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] | None = None
    config_file: str | None = None
    isolated: bool = False
    stdin_filename: str | None = None
    exit_zero: bool = False
    statistics: bool = False
    quiet: bool = False
    color: bool | None = None
    fix: bool | None = None
    unsafe_fixes: bool | None = None
    diff: bool = False
    changed_since: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None
    force_exclude: bool = False
    jobs: int | None = None  # None: one per CPU
    no_cache: bool = False
    cache_dir: str | None = None
    allow_outside_root: bool | None = None
    report_to_stderr: bool = False  # set when stdout carries fixed text

    @classmethod
    def from_cli(cls, values: Mapping[str, object]) -> Options:
        from citeaudit.cli import _codes

        fields = dict(values)
        for key in ("select", "ignore", "extend_select"):
            fields[key] = _codes(fields[key])  # type: ignore[arg-type]
        fields["paths"] = tuple(fields["paths"]) or (".",)  # type: ignore[arg-type]
        return cls(**fields)  # type: ignore[arg-type]


class Configs:
    """Settings per folder: the explicit --config, or the nearest config file."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.cache: dict[str, cfg.Settings] = {}
        # Folders that a walk could not read, with the reason: reported as IO001.
        self.unreadable: dict[str, str] = {}
        # Files a folder walk found, not named by the user: a symbolic link among them
        # that points out of the project is not followed (a pull request can add one).
        self.walked: set[str] = set()
        self.explicit = cfg.load_config(options.config_file) if options.config_file else None
        self.enabled: dict[frozenset[str], frozenset[str]] = {}
        # Each config file is looked at and loaded once, whichever folders share it.
        self.checked: dict[str, bool] = {}
        self.loaded: dict[str, cfg.Settings] = {}

    def for_path(self, path: str) -> cfg.Settings:
        if self.explicit is not None:
            return self._override(self.explicit)
        folder = os.path.dirname(os.path.abspath(path)) if path != "-" else os.getcwd()
        if folder not in self.cache:
            found = None if self.options.isolated else cfg.find_config(folder, self.checked)
            if found is None:
                settings = cfg.Settings(root=os.getcwd())
            else:
                if found not in self.loaded:
                    self.loaded[found] = cfg.load_config(found)
                settings = self.loaded[found]
            self.cache[folder] = self._override(settings)
        return self.cache[folder]

    def _override(self, settings: cfg.Settings) -> cfg.Settings:
        o = self.options
        return replace(
            settings,
            select=o.select if o.select is not None else settings.select,
            ignore=settings.ignore + (o.ignore or ()),
            extend_select=settings.extend_select + (o.extend_select or ()),
            fix=o.fix if o.fix is not None else settings.fix,
            unsafe_fixes=o.unsafe_fixes if o.unsafe_fixes is not None else settings.unsafe_fixes,
            allow_outside_root=bool(o.allow_outside_root or settings.allow_outside_root),
        )


def run(options: Options) -> int:
    try:
        configs = Configs(options)
        base = configs.for_path(os.path.join(os.getcwd(), "x"))
        for key, codes in (
            ("--select", options.select),
            ("--ignore", options.ignore),
            ("--extend-select", options.extend_select),
        ):
            _check_cli_codes(key, codes or ())
    except cfg.ConfigError as error:
        click.echo(f"citeaudit: {error}", err=True)
        return EXIT_ERROR
    output_format = (
        # The environment variable stands in for the flag, so it wins over the config file.
        options.output_format or os.environ.get("CITEAUDIT_OUTPUT_FORMAT") or base.format or "text"
    )
    if output_format not in _formats():
        click.echo(f"citeaudit: unknown format {output_format!r}", err=True)
        return EXIT_ERROR
    if (
        options.output
        and output_format not in ("docx-comments", "html")
        and os.path.isdir(options.output)
    ):
        click.echo(f"citeaudit: --output: {options.output} is a folder, not a file", err=True)
        return EXIT_ERROR
    keep = bool(options.fix or options.diff or base.fix or output_format in DOCUMENT_FORMATS)
    inputs = _inputs(options, configs)
    failure = next((data for _, data in inputs if isinstance(data, str)), None)
    if failure:
        click.echo(f"citeaudit: {failure}", err=True)
        return EXIT_ERROR
    run_wide = options.changed_since or options.baseline or options.write_baseline
    if not keep and not run_wide and output_format in STREAMED_FORMATS:
        return _run_streamed(options, configs, inputs, output_format, base.root)  # type: ignore[arg-type]
    if output_format == "html" and not (options.fix or options.diff or base.fix):
        return _run_html(options, configs, inputs)  # type: ignore[arg-type]
    results = _check_all(options, configs, inputs, keep, base.root)  # type: ignore[arg-type]
    docs = [r.document for r in results if r.document is not None]
    shared = _shared_bibliographies(results)
    diagnostics = [d for r in results for d in r.diagnostics]
    sources: Mapping[str, str] = Sources(results)
    places = {r.path: r.places for r in results if r.places is not None}
    fixed = 0
    if keep and (options.fix or options.diff or base.fix):
        result = _fix(options, base, configs, docs, diagnostics)
        if isinstance(result, int):
            return result
        fixed, docs, diagnostics = result
        # A Word file's lines are shown as the reader sees its paragraphs.
        sources = {d.path: d.places.display_text() if d.places else d.text for d in docs}
        places = {d.path: d.places for d in docs if d.places is not None}
    diagnostics = _own_uncited_only(diagnostics, shared, configs)
    remaining = _run_filter(diagnostics, [r.path for r in results], options)
    if remaining is None:
        return EXIT_ERROR
    paths = [r.path for r in results]
    _report(options, output_format, paths, sources, places, docs, remaining, fixed)
    # Recording a baseline accepts the findings it records.
    accept = bool(options.write_baseline and not options.baseline)
    return filters.exit_code(remaining, exit_zero=options.exit_zero, accept=accept)


def _fix(
    options: Options,
    base: cfg.Settings,
    configs: Configs,
    docs: list[Document],
    diagnostics: list[Diagnostic],
) -> tuple[int, list[Document], list[Diagnostic]] | int:
    """Apply fixes, then check the files that changed again, as ruff does, so the report
    describes the files as they now are."""
    from citeaudit.fix import apply_fixes, encode, fix_until_stable

    unsafe = bool(base.unsafe_fixes)
    stdin_path = (options.stdin_filename or "<stdin>") if "-" in options.paths else None

    def recheck(doc: Document, text: str) -> tuple[Document, list[Diagnostic]]:
        # The fixed text is checked again in memory, so one run reaches the fixed point.
        again = _recheck(doc.path, encode(doc, text), configs)
        assert again.document is not None
        return again.document, again.diagnostics

    if stdin_path and not options.diff:
        # Standard input is never written back: print the fixed text, report on stderr.
        doc = next(d for d in docs if d.path == stdin_path)
        if doc.format == "docx":
            click.echo(f"citeaudit: {stdin_path}: a Word file is never rewritten", err=True)
            return 0, docs, diagnostics
        own = [d for d in diagnostics if d.path == stdin_path]
        result, count = fix_until_stable(doc, own, unsafe=unsafe, recheck=recheck)
        sys.stdout.write(result.text)
        options.report_to_stderr = True
        again = _recheck(stdin_path, result.text.encode("utf-8"), configs)
        assert again.document is not None
        others = [d for d in diagnostics if d.path != stdin_path]
        return (
            count,
            [d for d in docs if d.path != stdin_path] + [again.document],
            others + again.diagnostics,
        )
    fixed, remaining, patch = apply_fixes(
        docs,
        diagnostics,
        unsafe=unsafe,
        write=not options.diff,
        stdin_path=stdin_path,
        recheck=recheck,
    )
    if options.diff:
        sys.stdout.write(patch)
        return EXIT_FINDINGS if patch else EXIT_CLEAN
    if not fixed:
        return 0, docs, remaining
    changed = {d.path for d in docs if _changed_on_disk(d)}
    kept = [d for d in docs if d.path not in changed]
    diagnostics = [d for d in remaining if d.path not in changed]
    for path in sorted(changed):
        again = _recheck(path, None, configs)
        assert again.document is not None
        kept.append(again.document)
        diagnostics.extend(again.diagnostics)
    return fixed, kept, diagnostics


def _recheck(path: str, data: bytes | None, configs: Configs) -> FileResult:
    from citeaudit.pipeline import check_file

    return check_file(task_for(path, data, configs, keep=True))


def _changed_on_disk(doc: Document) -> bool:
    from citeaudit.fileio import ReadError, read_text

    try:
        decoded = read_text(doc.path)
    except ReadError:
        return False
    return decoded.text != doc.text


def _formats() -> tuple[str, ...]:
    from citeaudit.report import FORMATS

    return tuple(FORMATS)


def _check_cli_codes(option: str, codes: tuple[str, ...]) -> None:
    from citeaudit.rules import all_rules

    known = all_rules()
    for code in codes:
        if code != "ALL" and not any(k.startswith(code) for k in known):
            raise cfg.ConfigError(f"{option}: {code!r} matches no rule code")


def task_for(path: str, data: bytes | None, configs: Configs, *, keep: bool) -> Task:
    from citeaudit.rules import all_rules

    defaults = {code: r.default_enabled for code, r in all_rules().items()}
    settings = configs.for_path(path)
    enabled = frozenset(filters.enabled_codes(settings, path, defaults))
    # One set for every file that enables the same codes: a run over a thousand files
    # would otherwise hold a thousand equal sets of some sixty codes (about 2 MiB), and
    # so would every worker forked after the tasks were made.
    enabled = configs.enabled.setdefault(enabled, enabled)
    unreadable = configs.unreadable.get(path)
    return Task(
        path,
        settings,
        enabled,
        data,
        keep_document=keep,
        unreadable=unreadable,
        confined=path in configs.walked,
    )


def _check_all(
    options: Options,
    configs: Configs,
    inputs: list[tuple[str, bytes | None]],
    keep: bool,
    root: str,
) -> list[FileResult]:
    from citeaudit.parallel import check_many

    tasks = [task_for(path, data, configs, keep=keep) for path, data in inputs]
    # Documents kept for fixes or a full report are not worth caching: they are rebuilt.
    cache_root = None
    if not (options.no_cache or keep):
        from citeaudit.cache import FOLDER

        cache_root = options.cache_dir or os.path.join(root, FOLDER)
    return check_many(tasks, jobs=options.jobs, cache_root=cache_root)


def _run_html(options: Options, configs: Configs, inputs: list[tuple[str, bytes | None]]) -> int:
    """The HTML report without fixes: each document comes back from its worker pickled
    and waits on disk, unopened, and so do its findings once the run-wide steps have
    passed them (`RunWide`, as for the streamed formats); at the end, when every page's
    findings are known, the report reads back one document at a time."""
    from citeaudit.parallel import iter_many
    from citeaudit.report import ReportOptions
    from citeaudit.report.html import (
        Findings,
        SpooledDocuments,
        SpooledFindings,
        write_page,
        write_report,
    )
    from citeaudit.report.spool import DiskStore, PackedSources, PickledObjects
    from citeaudit.rules import all_rules

    tasks = [
        replace(task_for(path, data, configs, keep=False), pickle_document=True)
        for path, data in inputs
    ]
    run_wide = bool(options.changed_since or options.baseline or options.write_baseline)
    store = DiskStore()
    documents = SpooledDocuments(store)
    spooled = SpooledFindings(store)
    counts = Counter[str]()
    gathered: list[FileResult] = []  # only for the filters that need the whole run
    paths: list[str] = []

    def passed(found: list[Diagnostic]) -> None:
        spooled.add(found)
        counts.update(d.code for d in found)

    # The report shows the documents, not the texts and places RunWide would keep.
    arrivals = RunWide(
        [task.path for task in tasks],
        configs,
        PackedSources(store),
        PickledObjects(store),
        passed,
    )
    try:
        for result in iter_many(tasks, jobs=options.jobs, cache_root=None):
            assert result.pickled is not None and result.refs is not None
            documents.add(result.path, result.pickled, result.refs)
            paths.append(result.path)
            result = replace(result, pickled=None, packed=None, places=None)
            if run_wide:
                gathered.append(result)
            else:
                arrivals.arrive(result)
        diagnostics: Findings = spooled
        if run_wide:
            found = [d for r in gathered for d in r.diagnostics]
            found = _own_uncited_only(found, _shared_bibliographies(gathered), configs)
            kept = _run_filter(found, paths, options)
            if kept is None:
                return EXIT_ERROR
            diagnostics = kept
            counts.update(d.code for d in diagnostics)
        else:
            arrivals.finish()
        report = ReportOptions(
            rules=all_rules(),
            files_checked=paths,
            color=_color(options),
            statistics=options.statistics,
            quiet=options.quiet,
            documents=documents,
        )
        if options.output:
            write_report(diagnostics, report, options.output)  # a file, or a folder of pages
        else:
            write_page(diagnostics, report, sys.stdout.write)
    finally:
        arrivals.close()
        store.close()
    # Recording a baseline accepts the findings it records.
    accept = bool(options.write_baseline and not options.baseline)
    crashed = counts[filters.CRASH_CODE] > 0
    total = sum(counts.values())
    return filters.exit_code_of(total, crashed, exit_zero=options.exit_zero, accept=accept)


def _run_streamed(
    options: Options,
    configs: Configs,
    inputs: list[tuple[str, bytes | None]],
    output_format: str,
    root: str,
) -> int:
    """Check and report file by file: each result is reported when it arrives (in the
    order of the files, whatever the number of jobs) and then let go."""
    from citeaudit.parallel import iter_many
    from citeaudit.report import ReportOptions, open_stream
    from citeaudit.report.spool import DiskStore, PackedSources, PickledObjects
    from citeaudit.rules import all_rules

    tasks = [task_for(path, data, configs, keep=False) for path, data in inputs]
    cache_root = None
    if not options.no_cache:
        from citeaudit.cache import FOLDER

        cache_root = options.cache_dir or os.path.join(root, FOLDER)
    store = DiskStore()
    sources = PackedSources(store)
    # A Word file's paragraph map, for naming its lines: on disk too, as its text is.
    places: PickledObjects[Places] = PickledObjects(store)
    report = ReportOptions(
        rules=all_rules(),
        sources=sources,
        places=places,
        files_checked=[task.path for task in tasks],
        color=_color(options),
        statistics=options.statistics,
        quiet=options.quiet,
    )

    def check_and_report(write: Callable[[str], object]) -> int:
        stream = open_stream(output_format, report, write)
        assert stream is not None
        arrivals = RunWide(report.files_checked, configs, sources, places, stream.add)
        try:
            for result in iter_many(tasks, jobs=options.jobs, cache_root=cache_root):
                arrivals.arrive(result)
            arrivals.finish()
            stream.finish()
        finally:
            arrivals.close()
            store.close()
        tally = stream.tally
        crashed = filters.CRASH_CODE in tally.codes
        return filters.exit_code_of(tally.total, crashed, exit_zero=options.exit_zero, accept=False)

    if options.output is None:
        return check_and_report(_to_stdout())
    from citeaudit.fileio import write_atomic

    os.makedirs(os.path.dirname(os.path.abspath(options.output)), exist_ok=True)
    codes: list[int] = []

    def into_file(stream: BinaryIO) -> None:
        codes.append(check_and_report(lambda text: stream.write(text.encode("utf-8"))))

    write_atomic(options.output, into_file)
    return codes[0]


def _to_stdout() -> Callable[[str], None]:
    """Writes to standard output until the reader goes away (`| head`): then the run
    goes on without output, so that it ends with the exit code it would have had."""
    gone = False

    def write(text: str) -> None:
        nonlocal gone
        if gone:
            return
        try:
            sys.stdout.write(text)
        except BrokenPipeError:
            gone = True
            try:
                # What is left in the buffer must not fail the flush at exit either.
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                os.close(devnull)
            except (OSError, ValueError):
                pass

    return write


@dataclass
class _Arrived:
    """Findings of one file waiting to be reported."""

    path: str
    diagnostics: list[Diagnostic]
    # The paths whose text must be final before these findings are shown; None: the
    # end of the run (a CIT002 on a bibliography another manuscript may share).
    needs: set[str] | None


class RunWide:
    """The run-wide steps of a run (the CIT002 policy for shared bibliographies and the
    de-duplication of findings reported twice) over results that arrive one by one, with
    the same outcome as over the whole list.

    A result is passed on at once unless it must wait: for a file of the run not yet
    checked whose text its findings show (a .bib checked after the manuscript that
    reports on it, or a file named twice), or, when it reports an uncited entry of a
    bibliography file, for the end of the run, which alone tells whether another
    manuscript shares that bibliography. Waiting results, and every result after them,
    are kept in order in a temporary file; so are the de-duplication keys of each file.
    A manuscript that two others of the run name as their bibliography, with CIT002 on
    itself, is the one case decided before the run ends (as though not shared)."""

    def __init__(
        self,
        paths: Sequence[str],
        configs: Configs,
        sources: PackedSources,
        places: PickledObjects[Places],
        emit: Callable[[list[Diagnostic]], None],
    ) -> None:
        from citeaudit.report.spool import DiskStore, Queue

        self.remaining = Counter(paths)
        self.configs = configs
        self.sources = sources
        self.places = places
        self.emit = emit
        self.users: dict[str, str] = {}  # bibliography -> the first manuscript using it
        self.shared: set[str] = set()
        self.waiting: Queue[_Arrived] = Queue()
        self.head: _Arrived | None = None  # the first waiting result, read back
        # De-duplication keys: in memory for files findings of other files point into
        # (bibliographies, includes), on disk for each checked file's own.
        self.keys = DiskStore()
        self.stored: dict[str, tuple[int, int]] = {}
        self.live: dict[str, set[_Key]] = {}
        self.own: dict[str, set[_Key]] = {}  # the keys of the last file passed on

    def arrive(self, result: FileResult) -> None:
        if self.remaining[result.path] > 0:
            self.remaining[result.path] -= 1
        if result.packed is not None:
            self.sources.add(result.path, result.packed)
        if result.places is not None:
            self.places.add(result.path, result.places)
        for bib in result.bibliographies:
            if self.users.setdefault(bib, result.path) != result.path:
                self.shared.add(bib)
        arrived = _Arrived(result.path, result.diagnostics, self._needs(result))
        if self.head is None and not self.waiting and self._ready(arrived):
            self._pass(arrived)
        else:
            self.waiting.push(arrived)
            self._release(final=False)

    def finish(self) -> None:
        self._release(final=True)

    def close(self) -> None:
        self.waiting.close()
        self.keys.close()

    def _needs(self, result: FileResult) -> set[str] | None:
        for d in result.diagnostics:
            if d.code == "CIT002" and (
                os.path.abspath(d.path) in self.users or d.path != result.path
            ):
                return None
        # Source lines come from the file a finding is in, and a Word file's places name
        # the lines of related locations too.
        return {d.path for d in result.diagnostics} | {
            r.path for d in result.diagnostics for r in d.related
        }

    def _ready(self, arrived: _Arrived) -> bool:
        return arrived.needs is not None and all(self.remaining[p] == 0 for p in arrived.needs)

    def _release(self, *, final: bool) -> None:
        while self.head is not None or self.waiting:
            if self.head is None:
                self.head = self.waiting.pop()
            if not (final or self._ready(self.head)):
                return
            head, self.head = self.head, None
            self._pass(head)

    def _pass(self, arrived: _Arrived) -> None:
        found = _own_uncited_only(arrived.diagnostics, self.shared, self.configs)
        found = self._dedupe(arrived.path, found)
        if found:
            self.emit(found)

    def _dedupe(self, owner: str, found: list[Diagnostic]) -> list[Diagnostic]:
        kept: list[Diagnostic] = []
        fresh: dict[str, set[_Key]] = {}
        for d in found:
            seen = fresh.get(d.path)
            if seen is None and d.path in self.own:
                self._store_own()
            if seen is None:
                seen = self.live.get(d.path)
                if seen is None and d.path in self.stored:
                    seen = self.live[d.path] = _decode_keys(self.keys.get(self.stored.pop(d.path)))
                if seen is None:
                    seen = set()
                    if d.path == owner:
                        fresh[d.path] = seen
                    else:
                        self.live[d.path] = seen
            key = (d.path, d.span.start, d.span.end, d.code, d.message)
            if key not in seen:
                seen.add(key)
                kept.append(d)
        if fresh:
            # The keys of the file before go to disk now, not those of this one: a run of
            # one file never pickles them.
            self._store_own()
            self.own = fresh
        return kept

    def _store_own(self) -> None:
        for path, keys in self.own.items():
            self.stored[path] = self.keys.put(_encode_keys(keys))
        self.own = {}


_Key = tuple[str, int, int, str, str]


def _encode_keys(keys: set[_Key]) -> bytes:
    # Each field as its length and its text: no pickle to import for a plain run (and
    # nothing a later import could fail on, once a run has dropped its privileges).
    fields = (str(field) for key in keys for field in key)
    return "".join(f"{len(f)}:{f}" for f in fields).encode("utf-8", "surrogatepass")


def _decode_keys(data: bytes) -> set[_Key]:
    text = data.decode("utf-8", "surrogatepass")
    fields: list[str] = []
    at = 0
    while at < len(text):
        colon = text.index(":", at)
        end = colon + 1 + int(text[at:colon])
        fields.append(text[colon + 1 : end])
        at = end
    rows = zip(*[iter(fields)] * 5, strict=True)
    return {(path, int(start), int(end), code, message) for path, start, end, code, message in rows}


def _shared_bibliographies(results: list[FileResult]) -> set[str]:
    """Bibliography files (absolute paths) that more than one manuscript of the run uses."""
    users: dict[str, set[str]] = {}
    for result in results:
        for bib in result.bibliographies:
            users.setdefault(bib, set()).add(result.path)
    return {bib for bib, paths in users.items() if len(paths) > 1}


def _run_filter(
    found: list[Diagnostic], paths: list[str], options: Options
) -> list[Diagnostic] | None:
    """The run-wide filter (`--changed-since`, the baseline); None, said on stderr, when
    it cannot run."""
    try:
        return filters.run(
            found,
            paths,
            changed_since=options.changed_since,
            baseline=options.baseline,
            write_baseline=options.write_baseline,
        )
    except filters.FilterError as error:
        click.echo(f"citeaudit: {error}", err=True)
        return None


def _own_uncited_only(
    diagnostics: list[Diagnostic], shared: set[str], configs: Configs
) -> list[Diagnostic]:
    """CIT002 reports the uncited entries of a manuscript's own bibliography ("own", the
    default): a bibliography that another manuscript of the run uses too is nobody's own.
    Documents are checked one at a time, so this is decided here, over the whole run."""
    if not shared:
        return diagnostics

    def policy(path: str) -> str:
        options = configs.for_path(path).rule_options.get("CIT002", {})
        return str(options.get("uncited-entries", "own"))

    return [
        d
        for d in diagnostics
        if not (
            d.code == "CIT002" and os.path.abspath(d.path) in shared and policy(d.path) == "own"
        )
    ]


def _inputs(options: Options, configs: Configs) -> list[tuple[str, bytes | str | None]]:
    """(path, bytes or None to read from disk); an error message instead of bytes ends the run."""
    inputs: list[tuple[str, bytes | str | None]] = []
    on_disk = [p for p in options.paths if p != "-"]
    if "-" in options.paths:
        from citeaudit.fileio import MAX_BYTES

        # One byte over the limit is enough to refuse it: `cat /dev/zero |` must end.
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        inputs.append((options.stdin_filename or "<stdin>", data))
    for path in on_disk:
        if _missing(path):
            return [(path, f"{path}: no such file or folder")]
    from citeaudit.discover import Excluder

    base = configs.for_path(os.path.join(os.getcwd(), "x"))
    skip = Excluder(base.exclude, base.root)

    def unreadable_folder(folder: str, reason: str) -> None:
        configs.unreadable[folder] = reason
        inputs.append((folder, None))

    named = set(on_disk)
    for path in manuscripts(on_disk, skip, options.force_exclude, unreadable_folder):
        if path not in named:
            configs.walked.add(path)
        inputs.append((path, None))
    return inputs


def _missing(path: str) -> bool:
    """A typo in a path is a usage error; a dangling symlink or a file in a folder that
    may not be searched is a file that cannot be read (IO001), as in a folder walk."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _color(options: Options) -> bool:
    if options.color is not None:
        return options.color
    to_file = options.output is not None
    return not to_file and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _report(
    options: Options,
    output_format: str,
    paths: list[str],
    sources: Mapping[str, str],
    places: Mapping[str, Places],
    docs: list[Document],
    diagnostics: list[Diagnostic],
    fixed: int,
) -> None:
    from citeaudit.report import ReportOptions, renderer
    from citeaudit.rules import all_rules

    report = ReportOptions(
        rules=all_rules(),
        sources=sources,
        places=places,
        output_dir=options.output if output_format == "docx-comments" else None,
        files_checked=paths,
        color=_color(options),
        statistics=options.statistics,
        quiet=options.quiet,
        fixed=fixed,
        documents={d.path: d for d in docs},
    )
    if output_format == "html" and options.output:
        from citeaudit.report.html import write_report

        write_report(diagnostics, report, options.output)  # a file, or a folder of pages
        return
    text = renderer(output_format)(diagnostics, report)
    if options.output and output_format != "docx-comments":
        from citeaudit.fileio import write_atomic

        folder = os.path.dirname(os.path.abspath(options.output))
        os.makedirs(folder, exist_ok=True)
        write_atomic(options.output, text.encode("utf-8"))
    elif options.report_to_stderr:
        sys.stderr.write(text)
    else:
        sys.stdout.write(text)
