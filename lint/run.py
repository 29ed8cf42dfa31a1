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
        self.explicit = cfg.load_config(options.config_file) if options.config_file else None
        # Bibliography file (absolute path) -> the manuscripts of this run that use it.
        self.bibliography_users: dict[str, set[str]] = {}

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
    from citeaudit.fix import apply_fixes, fix_document

    unsafe = bool(base.unsafe_fixes)
    stdin_path = (options.stdin_filename or "<stdin>") if "-" in options.paths else None
    if stdin_path and not options.diff:
        # Standard input is never written back: print the fixed text, report on stderr.
        doc = next(d for d in docs if d.path == stdin_path)
        result = fix_document(doc, [d for d in diagnostics if d.path == stdin_path], unsafe=unsafe)
        sys.stdout.write(result.text)
        options.report_to_stderr = True
        fixed_doc, found, failure = _check_one(stdin_path, result.text.encode("utf-8"), configs)
        if failure:
            click.echo(f"citeaudit: {failure}", err=True)
            return EXIT_ERROR
        others = [d for d in diagnostics if d.path != stdin_path]
        return (
            len(result.fixed),
            [d for d in docs if d.path != stdin_path] + [fixed_doc],
            others + found,
        )
    fixed, remaining, patch = apply_fixes(
        docs, diagnostics, unsafe=unsafe, write=not options.diff, stdin_path=stdin_path
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
    from citeaudit.load import decode

    try:
        with open(doc.path, "rb") as handle:
            decoded = decode(handle.read())
    except OSError:
        return False
    return decoded is not None and decoded.text != doc.text


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
    # Load every manuscript first: whether a bibliography is a manuscript's own depends on
    # which other manuscripts of the run use it.
    loaded: list[Document] = []
    for path, data in _inputs(options, configs):
        if isinstance(data, str):
            return docs, diagnostics, data
        loaded.append(_load_one(path, data, configs))
    configs.bibliography_users = _users(loaded)
    for doc in loaded:
        found, failure = _check_loaded(doc, configs)
        docs.append(doc)
        if failure:
            return docs, diagnostics, failure
        diagnostics.extend(found)
    # A LaTeX section is checked with its main file and on its own: report it once.
    from citeaudit.engine import dedupe

    return docs, dedupe(diagnostics), None


def _users(docs: list[Document]) -> dict[str, set[str]]:
    from citeaudit.bibliography import bibliography_users

    return bibliography_users(docs)


def _load_one(path: str, data: bytes | None, configs: Configs) -> Document:
    from citeaudit.bibliography import attach_bibliographies
    from citeaudit.load import load

    doc = load(path, data)
    attach_bibliographies(doc, configs.for_path(path))
    return doc


def _check_loaded(doc: Document, configs: Configs) -> tuple[list[Diagnostic], str | None]:
    from citeaudit.engine import RuleCrash, check
    from citeaudit.rules import all_rules

    defaults = {code: r.default_enabled for code, r in all_rules().items()}
    settings = configs.for_path(doc.path)
    doc.shared_bibliographies = frozenset(
        bib
        for bib in doc.bibliographies
        if configs.bibliography_users.get(os.path.abspath(bib), set()) - {doc.path}
    )
    try:
        return check(doc, settings, cfg.enabled_codes(settings, doc.path, defaults)), None
    except RuleCrash as crash:
        return [], str(crash)


def _check_one(
    path: str, data: bytes | None, configs: Configs
) -> tuple[Document, list[Diagnostic], str | None]:
    doc = _load_one(path, data, configs)
    found, failure = _check_loaded(doc, configs)
    return doc, found, failure


def _inputs(options: Options, configs: Configs) -> list[tuple[str, bytes | str | None]]:
    """(path, bytes or None to read from disk); an error message instead of bytes ends the run."""
    inputs: list[tuple[str, bytes | str | None]] = []
    on_disk = [p for p in options.paths if p != "-"]
    if "-" in options.paths:
        inputs.append((options.stdin_filename or "<stdin>", sys.stdin.buffer.read()))
    for path in on_disk:
        if not os.path.exists(path):
            return [(path, f"{path}: no such file or folder")]
    exclude = configs.for_path(os.path.join(os.getcwd(), "x")).exclude
    inputs.extend((path, None) for path in manuscripts(on_disk, exclude, options.force_exclude))
    return inputs


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
