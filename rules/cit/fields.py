"""Reference-manager fields: a Word citation field whose text disagrees with its item."""

from __future__ import annotations

from collections.abc import Iterator

from citeaudit.model import Diagnostic, Document
from citeaudit.rules import RuleContext, from_parser, rule


@rule("CIT009", "field-text-mismatch", "warning")
def field_text_mismatch(doc: Document, ctx: RuleContext) -> Iterator[Diagnostic]:
    """## What it does
    In a Word document, reports a Zotero or Mendeley citation field whose visible text
    differs from what the reference manager inserted (Zotero's `plainCitation`,
    Mendeley's `plainTextFormattedCitation`), or names an author or a year that the
    field's item does not have.

    ## Why is this bad?
    A citation typed over by hand still carries the item it was inserted for. The next
    "Refresh" in Zotero or Mendeley silently puts the old text back; or, when the manager
    was told to keep the edit, the reader sees one source while the bibliography lists
    another. Either way the text and the reference list no longer agree.

    ## Example
    Zotero inserted `(Stueck 1995, 73)` for *The Korean War: An International History*
    (1995); the author later typed `2002` over the year. citeaudit reports:
    ```text
    essay.docx:12:48: CIT009 citation field was edited by hand: the text reads
    '(Stueck 2002, 73)' but Zotero inserted '(Stueck 1995, 73)' (year 2002 in the text,
    but the item is dated 1995); a refresh will overwrite the edit
    ```
    Change the item in Zotero (or choose the right one) and refresh, instead of editing
    the citation's text.
    """
    return from_parser(doc, ctx)
