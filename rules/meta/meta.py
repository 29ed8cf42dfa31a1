"""Rules about the files and the linter's own comments."""

from __future__ import annotations

from collections.abc import Iterator

from citeaudit.model import Diagnostic, Document
from citeaudit.rules import RuleContext, from_parser, rule


@rule("IO001", "unreadable-file", "error")
def unreadable_file(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a file that cannot be checked: it cannot be read (permissions, a broken
    symbolic link, an unreadable folder), it is not a regular file (a FIFO, a device), it
    is binary, it is too large (over 20 MiB), an `\\input` or bibliography that lies
    outside the project (unless `allow-outside-root` is set), an `\\input` cycle, or a file
    that is not valid UTF-8 (a warning on its first bad character: it is then read as
    Windows-1252 and checked, but fixes are withheld). An empty file is not reported.

    ## Why is this bad?
    A manuscript the linter cannot read is a manuscript nobody checked. Saying so is better
    than silence.

    ## Example
    ```text
    thesis.docx:1:1: IO001 file is binary or not in a text encoding citeaudit can read
    ```
    Export the manuscript as Markdown, LaTeX or plain text, or save it as UTF-8.
    """
    yield from from_parser(doc, ctx)


@rule("SUP001", "unused-suppression", "warning", fix="safe")
def unused_suppression(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a suppression comment (`<!-- citeaudit: ignore CIT002 -->`,
    `% citeaudit: ignore CIT002`) that silences nothing, or that names an unknown code.

    ## Why is this bad?
    A stale suppression hides the next real finding on that line, and an unknown code is
    usually a typo that suppresses nothing at all.

    ## Example
    ```markdown
    <!-- citeaudit: ignore CIT001 -->
    A sentence whose citation is fine [1].
    ```
    Remove the comment.
    """
    # The engine reports these itself, after every other rule has run.
    return iter(())


@rule("ERR001", "internal-error", "error")
def internal_error(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports that a rule (or the link stage) failed with an internal error on this
    document. The other rules' findings are still reported, and the other files are still
    checked, but the run exits with 2. It cannot be deselected or suppressed.

    ## Why is this bad?
    A crash is a bug in citeaudit, and a document that was not fully checked must never
    pass as clean.

    ## Example
    ```text
    essay.md:1:1: ERR001 internal error in rule REF006 (ValueError: Invalid IPv6 URL at
    sources.py:210); this document was not fully checked. Please report it, with the
    file if you can.
    ```
    Report it; until it is fixed, `--ignore` the failing rule's code.
    """
    # The engine reports crashes itself, where they happen.
    return iter(())
