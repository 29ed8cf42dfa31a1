"""One `citeaudit check` run: configure, discover, load, check, filter, fix, report."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace

import click

from citeaudit import config as cfg
from citeaudit.discover import manuscripts
from citeaudit.model import Diagnostic, Document

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass
class Options:
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

    def for_path(self, path: str) -> cfg.Settings:
        if self.explicit is not None:
            return self._override(self.explicit)
        folder = os.path.dirname(os.path.abspath(path)) if path != "-" else os.getcwd()
        if folder not in self.cache:
            found = None if self.options.isolated else cfg.find_config(folder)
            self.cache[folder] = self._override(
                cfg.load_config(found) if found else cfg.Settings(root=os.getcwd())
            )
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
            allow_outside_root=o.allow_outside_root or settings.allow_outside_root,
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
    docs, diagnostics, failure = _check_all(options, configs)
    if failure:
        click.echo(f"citeaudit: {failure}", err=True)
        return EXIT_ERROR
    fixed = 0
    if options.fix or options.diff or base.fix:
        result = _fix(options, base, configs, docs, diagnostics)
        if isinstance(result, int):
            return result
        fixed, docs, diagnostics = result
    filtered = _filter(options, diagnostics, docs)
    if isinstance(filtered, int):
        return filtered
    _report(options, output_format, docs, filtered, fixed)
    # Recording a baseline accepts the findings it records.
    if options.exit_zero or not filtered or (options.write_baseline and not options.baseline):
        return EXIT_CLEAN
    return EXIT_FINDINGS


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
        again, found, failure = _check_one(doc.path, encode(doc, text), configs)
        return again, ([] if failure else found)

    if stdin_path and not options.diff:
        # Standard input is never written back: print the fixed text, report on stderr.
        doc = next(d for d in docs if d.path == stdin_path)
        own = [d for d in diagnostics if d.path == stdin_path]
        result, count = fix_until_stable(doc, own, unsafe=unsafe, recheck=recheck)
        sys.stdout.write(result.text)
        options.report_to_stderr = True
        fixed_doc, found, failure = _check_one(stdin_path, result.text.encode("utf-8"), configs)
        if failure:
            click.echo(f"citeaudit: {failure}", err=True)
            return EXIT_ERROR
        others = [d for d in diagnostics if d.path != stdin_path]
        return (
            count,
            [d for d in docs if d.path != stdin_path] + [fixed_doc],
            others + found,
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
        doc, found, failure = _check_one(path, None, configs)
        if failure:
            click.echo(f"citeaudit: {failure}", err=True)
            return EXIT_ERROR
        kept.append(doc)
        diagnostics.extend(found)
    return fixed, kept, diagnostics


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


def _check_all(
    options: Options, configs: Configs
) -> tuple[list[Document], list[Diagnostic], str | None]:
    docs: list[Document] = []
    diagnostics: list[Diagnostic] = []
    for path, data in _inputs(options, configs):
        if isinstance(data, str):
            return docs, diagnostics, data
        doc, found, failure = _check_one(path, data, configs)
        docs.append(doc)
        if failure:
            return docs, diagnostics, failure
        diagnostics.extend(found)
    # A LaTeX section is checked with its main file and on its own: report it once.
    from citeaudit.engine import dedupe

    return docs, dedupe(diagnostics), None


def _check_one(
    path: str, data: bytes | None, configs: Configs
) -> tuple[Document, list[Diagnostic], str | None]:
    from citeaudit.bibliography import attach_bibliographies
    from citeaudit.engine import RuleCrash, check
    from citeaudit.fileio import Scope, project_roots, scope
    from citeaudit.load import load
    from citeaudit.rules import all_rules

    defaults = {code: r.default_enabled for code, r in all_rules().items()}
    settings = configs.for_path(path)
    if path in configs.unreadable:
        doc = _unreadable(path, configs.unreadable[path])
    else:
        # What the manuscript names (includes, bibliographies) is read only inside its
        # project.
        config_root = settings.root if settings.source else None
        allowed = Scope(project_roots(path, config_root), settings.allow_outside_root)
        with scope(allowed):
            doc = load(path, data, confined=path in configs.walked)
            attach_bibliographies(doc, settings)
    try:
        found = check(doc, settings, cfg.enabled_codes(settings, path, defaults))
        if any(d.fix is not None for d in found):
            from citeaudit.fix import prose_fixes_only

            found = prose_fixes_only(doc, found)
        return doc, found, None
    except RuleCrash as crash:
        return doc, [], str(crash)


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


def _unreadable(path: str, message: str) -> Document:
    from citeaudit.model import LineIndex
    from citeaudit.problems import problem

    doc = Document(path=path, format="unknown", text="", lines=LineIndex(""), certain=False)
    doc.problems.append(problem(path, doc.span(0, 0), "IO001", message))
    return doc


def _filter(
    options: Options, diagnostics: list[Diagnostic], docs: list[Document]
) -> list[Diagnostic] | int:
    if options.changed_since:
        from citeaudit.gitdiff import GitError, only_changed

        try:
            diagnostics = only_changed(diagnostics, docs, options.changed_since)
        except GitError as error:
            click.echo(f"citeaudit: --changed-since: {error}", err=True)
            return EXIT_ERROR
    if options.write_baseline:
        from citeaudit.baseline import BaselineError, write_baseline

        try:
            write_baseline(options.write_baseline, diagnostics)
        except BaselineError as error:
            click.echo(f"citeaudit: --write-baseline: {error}", err=True)
            return EXIT_ERROR
    if options.baseline:
        from citeaudit.baseline import BaselineError, apply_baseline

        try:
            diagnostics = apply_baseline(options.baseline, diagnostics)
        except BaselineError as error:
            click.echo(f"citeaudit: --baseline: {error}", err=True)
            return EXIT_ERROR
    return diagnostics


def _report(
    options: Options,
    output_format: str,
    docs: list[Document],
    diagnostics: list[Diagnostic],
    fixed: int,
) -> None:
    from citeaudit.report import ReportOptions, renderer
    from citeaudit.rules import all_rules

    to_file = options.output is not None
    color = (
        options.color
        if options.color is not None
        else (not to_file and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    )
    report = ReportOptions(
        rules=all_rules(),
        sources={d.path: d.text for d in docs},
        files_checked=[d.path for d in docs],
        color=bool(color),
        statistics=options.statistics,
        quiet=options.quiet,
        fixed=fixed,
    )
    text = renderer(output_format)(diagnostics, report)
    if options.output:
        from citeaudit.fileio import write_atomic

        folder = os.path.dirname(os.path.abspath(options.output))
        os.makedirs(folder, exist_ok=True)
        write_atomic(options.output, text.encode("utf-8"))
    elif options.report_to_stderr:
        sys.stderr.write(text)
    else:
        sys.stdout.write(text)
