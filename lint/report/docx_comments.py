"""`--format docx-comments`: each finding as a Word comment in a copy of the document.

The copy is NAME.citeaudit.docx beside the original (or under --output), never the
original. A comment is anchored on the runs that hold the finding's span; runs are split
at the span's edges first. Findings in a footnote or endnote are anchored on the note's
reference mark in the text, where a reader meets the note. The report printed is the
list of copies written, and why any file got none.
"""

from __future__ import annotations

import copy
import os
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from citeaudit.model import Diagnostic
from citeaudit.report import ReportOptions

AUTHOR = "citeaudit"
INITIALS = "CA"
SUFFIX = ".citeaudit.docx"
_TEXT_TAGS = ("t", "tab", "ptab", "br", "cr", "noBreakHyphen")


class CopyError(Exception):
    pass


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        by_path[d.path].append(d)
    out: list[str] = []
    written = 0
    for path in options.files_checked:
        found = by_path.get(path, [])
        if not path.lower().endswith(".docx"):
            if found:
                out.append(f"{path}: not a Word document; its {_n(len(found))} not written")
            continue
        places = options.places.get(path)
        if places is None:
            out.append(f"{path}: could not be read; no copy written ({_n(len(found))})")
            continue
        if not os.path.isfile(path):
            out.append(f"{path}: read from standard input; no copy written")
            continue
        target = target_path(path, options.output_dir)
        try:
            count = write_copy(path, target, found, places)
        except CopyError as error:
            out.append(f"{path}: no copy written: {error}")
            continue
        written += 1
        out.append(f"{target}: {count} comment{'s' if count != 1 else ''}")
    out.append(f"Wrote {written} commented cop{'ies' if written != 1 else 'y'}.")
    return "\n".join(out) + "\n"


def _n(count: int) -> str:
    return f"{count} finding{'s' if count != 1 else ''}"


def target_path(path: str, output_dir: str | None) -> str:
    stem = os.path.splitext(path)[0] + SUFFIX
    if output_dir is None:
        return stem
    relative = os.path.relpath(stem)
    if relative.startswith(".."):
        relative = os.path.basename(stem)
    return os.path.join(output_dir, relative)


def write_copy(path: str, target: str, found: Sequence[Diagnostic], places: Any) -> int:
    import io

    from citeaudit.adapters import docxsafe
    from citeaudit.adapters import docxwalk as dw
    from citeaudit.adapters.docx import ParagraphIndex, note_labels
    from citeaudit.fileio import write_atomic

    if not isinstance(places, ParagraphIndex):
        raise CopyError("not read as a Word document")
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        docxsafe.check(data)
        lay = dw.layout(dw.open_package(data))
    except (OSError, docxsafe.UnsafeDocx) as error:
        raise CopyError(str(error)) from None
    if len(lay.body) + len(lay.notes) != len(places.anchors):
        raise CopyError("the file changed since it was checked")
    labels = note_labels(lay)
    refs = _note_references(lay, labels)
    count = 0
    for d in sorted(found, key=lambda d: (d.span.line, d.span.column)):
        anchor = places.anchors[d.span.line - 1] if d.span.line <= len(places.anchors) else None
        if anchor is None:
            continue
        if anchor.part == "document":
            p = lay.body[anchor.paragraph].element
            start = d.span.column - 1
            last = _body_anchor(places, d.span.end_line)
            if d.span.end_line != d.span.line and last is not None:
                # A finding over paragraphs (a numbering shift): from its first paragraph
                # to where it ends in its last.
                first_runs = _runs_for(p, start, 10**9, lay.styles, labels)
                end_p = lay.body[last].element
                last_runs = _runs_for(end_p, 0, d.span.end_column - 1, lay.styles, labels)
                runs = [first_runs[0], last_runs[-1]]
            else:
                end = d.span.end_column - 1 if d.span.end_line == d.span.line else 10**9
                runs = _runs_for(p, start, end, lay.styles, labels)
            prefix = ""
        else:
            kind = anchor.part[:-1]
            where = refs.get((kind, anchor.paragraph))
            if where is None:
                continue
            p, start, end = where
            prefix = f"In {kind} {anchor.paragraph}: "
            runs = _runs_for(p, start, end, lay.styles, labels)
        _comment(lay.package, runs, d, prefix, places)
        count += 1
    stream = io.BytesIO()
    lay.package.save(stream)
    if os.path.abspath(target) == os.path.abspath(path):
        raise CopyError("the copy would overwrite the original")
    try:
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        write_atomic(target, stream.getvalue())
    except OSError as error:
        raise CopyError(f"cannot write {target}: {error.strerror or error}") from None
    return count


def _body_anchor(places: Any, line: int) -> int | None:
    if 1 <= line <= len(places.anchors) and places.anchors[line - 1].part == "document":
        index: int = places.anchors[line - 1].paragraph
        return index
    return None


def _comment(package: Any, runs: list[Any], d: Diagnostic, prefix: str, places: Any) -> None:
    from docx.text.run import Run

    first, last = Run(runs[0], package), Run(runs[-1], package)
    comment = package.add_comment(
        [first, last], text=f"{prefix}{d.code} {d.message}", author=AUTHOR, initials=INITIALS
    )
    for related in d.related:
        if related.path == d.path:
            comment.add_paragraph(f"See {places.label(related.span.line)}: {related.message}")
    if d.fix is not None:
        kind = "Fix" if d.fix.applicability == "safe" else "Possible fix"
        comment.add_paragraph(f"{kind}: {d.fix.message}")


def _visible(
    p: Any, styles: Any, labels: dict[tuple[str, str], str]
) -> list[tuple[Any, int, int, bool]]:
    """(run, start, end, atomic) of each visible piece of a paragraph, as the reader counts."""
    from citeaudit.adapters import docxwalk as dw

    pieces = dw.Walker(styles).paragraph(p, "document").pieces
    out = []
    pos = 0
    for piece in pieces:
        if piece.kind == "text":
            out.append((piece.run, pos, pos + len(piece.text), False))
            pos += len(piece.text)
        elif piece.kind == "noteref" and piece.note is not None:
            label = labels.get(piece.note, piece.note[1])
            width = len(dw.note_mark(int(label)) if label.isdigit() else label)
            out.append((piece.run, pos, pos + width, True))
            pos += width
    return out


def _note_references(
    lay: Any, labels: dict[tuple[str, str], str]
) -> dict[tuple[str, int], tuple[Any, int, int]]:
    """Each note's first reference mark: (paragraph, start, end)."""
    numbers = {(n.kind, n.id): n.number for n in lay.notes}
    found: dict[tuple[str, int], tuple[Any, int, int]] = {}
    for para in lay.body:
        if not any(piece.note for piece in para.pieces):
            continue
        for run, start, end, atomic in _visible(para.element, lay.styles, labels):
            for child in run:
                if child.tag in (_w("footnoteReference"), _w("endnoteReference")) and atomic:
                    kind = "footnote" if child.tag == _w("footnoteReference") else "endnote"
                    key = (kind, numbers.get((kind, child.get(_w("id"), "")), 0))
                    found.setdefault(key, (para.element, start, end))
    return found


def _w(tag: str) -> str:
    from citeaudit.adapters.docxwalk import w

    return w(tag)


def _runs_for(
    p: Any, start: int, end: int, styles: Any, labels: dict[tuple[str, str], str]
) -> list[Any]:
    """The runs covering [start, end) of the paragraph's visible text, split at the edges."""
    for offset in (start, end):
        for run, a, b, atomic in _visible(p, styles, labels):
            if a < offset < b and not atomic:
                _split(run, offset - _run_start(p, run, styles, labels))
                break
    pieces = _visible(p, styles, labels)
    if end <= start:  # an empty span: the piece it sits at
        end = start + 1
    runs: list[Any] = []
    for run, a, b, _ in pieces:
        if a < end and b > start and (not runs or runs[-1] is not run):
            runs.append(run)
    if not runs and pieces:
        runs = [pieces[-1][0]]
    if not runs:
        run = p.makeelement(_w("r"), {})
        p.append(run)
        runs = [run]
    return runs


def _run_start(p: Any, run: Any, styles: Any, labels: dict[tuple[str, str], str]) -> int:
    return min(a for r, a, _, _ in _visible(p, styles, labels) if r is run)


def _split(run: Any, k: int) -> None:
    """Split a run so that its first k visible characters stay and the rest move to a new
    run just after it, with the same properties."""
    pos = 0
    children = [c for c in run if c.tag != _w("rPr")]
    for i, child in enumerate(children):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag not in _TEXT_TAGS:
            continue
        width = len(child.text or "") if tag == "t" else 1
        if pos + width <= k:
            pos += width
            continue
        moved = children[i:]
        if k > pos:  # the cut falls inside this w:t
            text = child.text or ""
            tail = copy.deepcopy(child)
            child.text = text[: k - pos]
            tail.text = text[k - pos :]
            for t in (child, tail):
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            moved = [tail, *children[i + 1 :]]
        new = run.makeelement(run.tag, run.attrib)
        props = run.find(_w("rPr"))
        if props is not None:
            new.append(copy.deepcopy(props))
        for c in moved:
            new.append(c)  # lxml moves the element
        run.addnext(new)
        return
