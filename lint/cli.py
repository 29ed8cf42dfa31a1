"""The command line: `citeaudit check`, `citeaudit rule CODE`, `citeaudit rules`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from types import FrameType

import click

from citeaudit import __version__
from citeaudit.report import FORMATS


def console() -> None:
    """The `citeaudit` command and `python -m citeaudit`: run `main`, then leave at once.

    Freeing every module and object at interpreter exit costs about 10 ms, a tenth of a
    one-file run, and nothing needs it: reports are written and closed by then, fixes are
    written atomically, and the output streams are flushed here. `main` itself stays an
    ordinary click command, so tests and embedding callers keep their interpreter.
    """
    if not _is_the_program(sys._getframe(1)):
        main()  # under a profiler, coverage or another program: the ordinary exit
        return
    try:
        main()
    except SystemExit as done:
        code = _exit_status(done.code)
    else:  # pragma: no cover - click's standalone mode always exits
        code = 0
    import threading

    if threading.active_count() > 1:
        sys.exit(code)  # a thread still running gets the ordinary shutdown, which waits for it
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is None or stream.closed:
            continue
        try:
            stream.flush()
        except OSError:
            code = 120  # what Python itself returns when it cannot flush them at exit
    os._exit(code)


def _is_the_program(caller: FrameType) -> bool:
    """Whether `caller`, the code that called `console`, is the process's program: the
    `citeaudit` script, or `python -m citeaudit` (runpy's two frames below it). Under a
    profiler or coverage, or run by another program (`python -m cProfile -m citeaudit`),
    there is work left after `main`, which only the ordinary exit lets happen."""
    if sys.gettrace() is not None or sys.getprofile() is not None:
        return False
    below = []
    frame = caller.f_back
    while frame is not None:
        below.append(frame.f_code.co_name)
        frame = frame.f_back
    return below in ([], ["_run_code", "_run_module_as_main"])


def _exit_status(code: object) -> int:
    """The process status for `sys.exit(code)`, as the interpreter would compute it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _codes(values: Sequence[str]) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="citeaudit")
def main() -> None:
    """citeaudit: check that citations point at the right sources."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(FORMATS)),
    help="Output format (default: text).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="Write the report to FILE (html: a FILE.html or a folder of pages; docx-comments: the folder for the commented copies).",
)
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option("--extend-select", multiple=True, help="Codes to enable on top of the selection.")
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="Use this config file only."
)
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option("--stdin-filename", help="The name of the file read from '-'.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary (text format).")
@click.option(
    "--color/--no-color", default=None, help="Colour the output (default: on a terminal)."
)
@click.option("--fix", "fix", is_flag=True, default=None, help="Apply safe fixes to the files.")
@click.option(
    "--unsafe-fixes", is_flag=True, default=None, help="With --fix or --diff, include unsafe fixes."
)
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option(
    "--changed-since", metavar="REF", help="Report only findings on lines changed since a git ref."
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Hide findings recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False),
    help="Record the current findings as a baseline.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Check files in N processes (default: one per CPU).",
)
@click.option(
    "--no-cache", is_flag=True, help="Neither read nor write the cache in .citeaudit_cache/."
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    envvar="CITEAUDIT_CACHE_DIR",
    help="Keep the cache here instead of .citeaudit_cache/ in the project root.",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply excludes (and .gitignore) to files named explicitly too.",
)
@click.option(
    "--allow-outside-root",
    is_flag=True,
    default=None,
    help="Read includes and bibliographies outside the project folder.",
)
def check(**options: object) -> None:
    """Check manuscripts (default: the current folder). Use '-' to read standard input."""
    from citeaudit.filter import EXIT_ERROR
    from citeaudit.run import Options, run

    try:
        code = run(Options.from_cli(options))
    except click.ClickException:
        raise
    except Exception as error:  # a bug: say so plainly, without a traceback
        click.echo(f"citeaudit: internal error: {type(error).__name__}: {error}", err=True)
        if os.environ.get("CITEAUDIT_DEBUG"):
            raise
        code = EXIT_ERROR
    sys.exit(code)


@main.command("rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Print the documentation of rule CODE."""
    from citeaudit.rules import get

    found = get(code)
    if found is None:
        raise click.UsageError(f"no rule {code!r}; 'citeaudit rules' lists them")
    fix = {"none": "no", "safe": "yes (safe)", "unsafe": "yes (unsafe: --unsafe-fixes)"}[found.fix]
    click.echo(f"# {found.name} ({found.code})\n")
    click.echo(
        f"Default severity: {found.severity}. Enabled by default: {'yes' if found.default_enabled else 'no'}. Fix: {fix}.\n"
    )
    click.echo(found.doc)
    if found.options:
        import json

        click.echo("\n## Options\n")
        for name, schema in found.options.items():
            default = found.defaults.get(name)
            click.echo(f"- `{name}` ({json.dumps(schema)}), default {json.dumps(default)}")
    # Where a contributor finds the rule: its module, and its cases in a clone.
    click.echo(f"\n## Source\n\n`{found.check.__module__}` (`{found.check.__name__}`); cases:")
    click.echo(
        f"`corpus/cases/{found.code.lower()}-fires/`, `corpus/cases/{found.code.lower()}-clean/`"
    )


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def list_rules(output_format: str) -> None:
    """List every rule."""
    from citeaudit.rules import all_rules

    rules = all_rules()
    if output_format == "json":
        import json

        records = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity,
                "fix": r.fix,
                "default": r.default_enabled,
                "summary": r.summary,
            }
            for r in rules.values()
        ]
        click.echo(json.dumps(records, indent=2))
        return
    width = max(len(r.name) for r in rules.values())
    for r in rules.values():
        mark = " " if r.default_enabled else "-"
        fix = "*" if r.fix != "none" else " "
        click.echo(f"{r.code:<8} {mark}{fix} {r.name:<{width}}  {r.severity:<7}  {r.summary}")
    click.echo("\n'-' off by default (enable with --extend-select)   '*' has a fix")
