"""NOTE rules: footnote markers and definitions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from citeaudit.model import Diagnostic, Document
from citeaudit.rules import RuleContext, rule


@rule("NOTE001", "undefined-note", "error")
def undefined_note(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a footnote marker (`[^12]`) with no definition (`[^12]: ...`).

    ## Why is this bad?
    Pandoc and most Markdown renderers print an undefined marker as literal text, so the
    reader sees `[^12]` and no note.

    ## Example
    ```markdown
    Kim misled Stalin.[^12]
    ```
    Add `[^12]: ...` with the source, or fix the label.
    """
    defined = {note.label for note in doc.notes}
    for ref in doc.note_refs:
        if ref.label not in defined:
            yield ctx.diagnostic(
                ref.span, f"note [^{ref.label}] has no definition", context=ref.label
            )


@rule("NOTE002", "unused-note", "warning")
def unused_note(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    Reports a footnote definition that no marker references.

    ## Why is this bad?
    Renderers drop unreferenced notes, so the source it holds silently disappears from
    the published text.

    ## Example
    ```markdown
    [^7]: Stueck, *Rethinking the Korean War*, 73.
    ```
    Reference it where it belongs, or delete it.
    """
    used = Counter(ref.label for ref in doc.note_refs)
    for note in doc.notes:
        if not used[note.label]:
            span = doc.span(note.span.start, note.body_span.start)
            yield ctx.diagnostic(
                span, f"note [^{note.label}] is never referenced", context=note.text[:80]
            )
