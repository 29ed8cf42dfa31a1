"""Property-based tests: any text, and text shaped like citations, in every format.

- Parsing and every rule never raise, and every span lies inside the text with the line
  and column its offset has.
- `--fix` is idempotent, reaches its fixed point in one run, and keeps the encoding, the
  BOM and the line endings of the file.
- A write interrupted at any step leaves the old file or the new one, never a mix, and
  no temporary file.

The default run is short; `pytest -m slow tests/test_properties.py` runs the long one
(20,000 examples each).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from citeaudit import fileio
from citeaudit.config import Settings
from citeaudit.engine import check
from citeaudit.fileio import Scope, scope, write_atomic
from citeaudit.load import parse
from citeaudit.model import Document, Span
from citeaudit.rules import all_rules
from citeaudit.run import Options, run

FRAGMENTS = [
    "[1]", "[2]", "[2-4]", "[3, 5]", "[3-1]", "[^1]", "[^ 1]", "[^1]: A note.\n", "[^2] Note\n",
    "<sup>3</sup>", "<sup>1,2</sup>", "¹", "²³", "(Stueck 2002, 73)", "(Friedman 35)",
    "(Kim and Lee 1999)", "[@key]", "[@key, p. 3; @other]", "@key", "\\cite{key}",
    "\\cite[p.~3]{a,b}", "\\citep{x}", "\\input{part}", "\\include{self}", "\\bibliography{refs}",
    "\\begin{document}", "\\end{document}", "\\begin{verbatim}", "\\end{verbatim}", "Ibid.",
    "Ibid., 4.", "## References\n", "# Bibliography\n", "References\n==========\n",
    "1. Smith, John. *A Book*. Penguin, 2001.\n", "2. Doe, J. (1999). Title. Journal 3(2).\n",
    "[3] Lee, K. 1950. http://example.org/\n", "1. http://]c\n", "https://[zz]/x", "www.a.org",
    "```\n", "```markdown\n", "~~~\n", "    indented code\n", "---\n", "title: x\n", "+++\n",
    "<!-- citeaudit: ignore CIT001 -->", "<!-- citeaudit: ignore CIT001, REF006 -->\n",
    "<!-- citeaudit: ignore-file -->", "% citeaudit: ignore CIT002\n",
    ".. citeaudit: ignore CIT003\n", "<!--", "-->", "\n", "\n\n", "\r\n", "\r", " ", "\t",
    "$x^2$", "$$", "\\(", "\\)", "`", "``", "{", "}", "[", "]", "(", ")", "<", ">", "%", "\\",
    "@book{k, title={T}, author={A, B}, year=2000}\n", "@article{k2, title = \"Q\",\n",
    "@string{a = a # a}\n", "@string{s = {x}}\n", "@comment{", "@preamble{\"x\"}\n", "#",
    '"', "“", "”", "‘", "’", "—", "–", "…", "\x00", "\ufeff", "\u2028", "\x0c", "é", "ß",
    "Kim Il Sung", "Stalin", "June 25, 1950", "1950", "2099", "n.d.", "accessed 3 May 2020",
    "Wikipedia", "et al.", "ed.", "pp. 3–5", ". ", ", ", "; ",
]  # fmt: skip

fragment_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=50
).map("".join)
# Text with something to fix in it, among the fragments: an unused suppression (two on
# one line need two passes), a note marker with a space, a note definition without colon.
FIXABLE = [
    "A claim [1]. <!-- citeaudit: ignore CIT003 -->\n",
    "<!-- citeaudit: ignore CIT001 --> <!-- citeaudit: ignore CIT004 -->\nText.\n",
    "% citeaudit: ignore CIT005\n",
    "Text.[^ 1]\n\n[^1]: A note.\n",
    "Text.[^2]\n\n[^2] A note without its colon.\n",
]
fixable_text = st.tuples(fragment_text, st.sampled_from(FIXABLE), fragment_text).map("".join)
any_text = st.text(max_size=400)
texts = st.one_of(fragment_text, any_text)
FORMATS = {
    "markdown": "a.md",
    "latex": "a.tex",
    "bibtex": "a.bib",
    "plain": "a.txt",
    "rst": "a.rst",
}


@contextlib.contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="citeaudit-prop-") as name:
        yield Path(name)


def inside(span: Span, doc: Document) -> None:
    assert 0 <= span.start <= span.end <= len(doc.text), span
    assert (span.line, span.column) == doc.lines.position(span.start), span
    assert (span.end_line, span.end_column) == doc.lines.position(span.end), span


def never_raises(text: str, fmt: str) -> None:
    codes = set(all_rules())
    with folder() as root:
        path = str(root / FORMATS[fmt])
        # \input{...} in generated LaTeX is read only inside this folder.
        with scope(Scope((str(root.resolve()),))):
            doc = parse(path, text, fmt)
            found = check(doc, Settings(root=str(root)), codes)
    for item in [*doc.citations, *doc.entries, *doc.suppressions]:
        if getattr(item, "path", None) in (None, path):
            inside(item.span, doc)
    for d in found:
        if d.path == path:
            inside(d.span, doc)
            if d.fix is not None:
                assert all(0 <= e.start <= e.end <= len(doc.text) for e in d.fix.edits)


ENCODINGS = {
    "utf-8": b"",
    "utf-8-bom": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
}
NEWLINES = ["\n", "\r\n", "\r"]
_ANY_NEWLINE = re.compile(r"\r\n|\r|\n")
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def encoded(text: str, encoding: str) -> bytes:
    codec = "utf-8" if encoding.startswith("utf-8") else encoding
    return ENCODINGS[encoding] + text.encode(codec)


def decoded(data: bytes, encoding: str) -> str:
    bom = ENCODINGS[encoding]
    assert data.startswith(bom), "the BOM was lost"
    codec = "utf-8" if encoding.startswith("utf-8") else encoding
    return data[len(bom) :].decode(codec)


def fix_once(path: Path) -> int:
    return run(Options(paths=(path.name,), fix=True, quiet=True, output=os.devnull))


def fix_keeps_the_file(body: str, encoding: str, newline: str) -> None:
    text = _ANY_NEWLINE.sub(newline, body.replace("\x00", "").replace("\ufeff", ""))
    if encoding == "utf-8" and text.startswith("\ufeff"):
        return
    original = encoded(text, encoding)
    with folder() as root:
        path = root / "essay.md"
        path.write_bytes(original)
        old = os.getcwd()
        os.chdir(root)
        try:
            fix_once(path)
            first = path.read_bytes()
            fix_once(path)
            second = path.read_bytes()
            leftovers = sorted(p.name for p in root.iterdir())
        finally:
            os.chdir(old)
    assert second == first, "--fix is not idempotent: a second run changed the file"
    assert leftovers == ["essay.md"]
    after = decoded(first, encoding)
    if first != original:
        endings = set(_ANY_NEWLINE.findall(after))
        assert endings <= {newline}, f"line endings changed: {endings} in a {newline!r} file"
        # Outside the fixed spans nothing changes: every line that is gone held what the
        # safe fixes change (a suppression comment, a note marker or definition), and no
        # fix adds a line. (Counted, not aligned: a diff may pair lines either way.)
        before_lines, after_lines = Counter(_LINES.findall(text)), Counter(_LINES.findall(after))
        gone, new = before_lines - after_lines, after_lines - before_lines
        assert all("citeaudit" in line or "[^" in line for line in gone), gone
        assert new.total() <= gone.total(), (gone, new)


class Interrupted(BaseException):
    """Stands for a signal or a crash at one step of a write."""


class _StepOs:
    """`os` for citeaudit.fileio, raising at its `stop`-th call of a file operation."""

    STEPS = frozenset({"open", "fchmod", "fchown", "fsync", "link", "replace", "close", "write"})

    def __init__(self, stop: int) -> None:
        self.calls, self.stop = 0, stop

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name not in self.STEPS or not callable(real):
            return real

        def step(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.stop:
                raise Interrupted(name)
            return real(*args, **kwargs)

        return step


def interrupted_write(old: bytes, new: bytes, stop: int, monkeypatch: pytest.MonkeyPatch) -> None:
    with folder() as root:
        path = root / "essay.md"
        path.write_bytes(old)
        steps = _StepOs(stop)
        with monkeypatch.context() as patch:
            patch.setattr(fileio, "os", steps)
            with contextlib.suppress(Interrupted):
                write_atomic(str(path), new)
        assert path.read_bytes() in (old, new)
        if stop > steps.calls:  # not interrupted: the new content is there
            assert path.read_bytes() == new
        assert sorted(p.name for p in root.iterdir()) == ["essay.md"]


# ---------------------------------------------------------------------------------------
# The default run: short


QUICK = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@QUICK
@given(text=texts, fmt=st.sampled_from(list(FORMATS)))
def test_parsing_and_rules_never_raise_and_spans_lie_inside(text: str, fmt: str) -> None:
    never_raises(text, fmt)


# Found by the long run: a line diff paired the lines of this fix the other way round.
@example(body="<!-- citeaudit: ignore CIT001 -->0\n0\n", encoding="utf-8", newline="\n")
@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.one_of(fixable_text, fragment_text),
    encoding=st.sampled_from(list(ENCODINGS)),
    newline=st.sampled_from(NEWLINES),
)
def test_fix_is_idempotent_and_keeps_encoding_bom_and_line_endings(
    body: str, encoding: str, newline: str
) -> None:
    fix_keeps_the_file(body, encoding, newline)


@QUICK
@given(old=st.binary(max_size=200), new=st.binary(max_size=200), stop=st.integers(1, 12))
def test_an_interrupted_write_leaves_the_old_or_the_new_file(
    old: bytes, new: bytes, stop: int, monkeypatch_module: pytest.MonkeyPatch
) -> None:
    interrupted_write(old, new, stop, monkeypatch_module)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


# ---------------------------------------------------------------------------------------
# The long run: `pytest -m slow`


def long_run(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.slow
@long_run(20_000)
@given(text=texts, fmt=st.sampled_from(list(FORMATS)))
def test_long_parsing_and_rules(text: str, fmt: str) -> None:
    never_raises(text, fmt)


@pytest.mark.slow
@long_run(20_000)
@given(
    body=st.one_of(fixable_text, fragment_text),
    encoding=st.sampled_from(list(ENCODINGS)),
    newline=st.sampled_from(NEWLINES),
)
def test_long_fix(body: str, encoding: str, newline: str) -> None:
    fix_keeps_the_file(body, encoding, newline)


@pytest.mark.slow
@long_run(20_000)
@given(old=st.binary(max_size=2000), new=st.binary(max_size=2000), stop=st.integers(1, 12))
def test_long_interrupted_write(
    old: bytes, new: bytes, stop: int, monkeypatch_module: pytest.MonkeyPatch
) -> None:
    interrupted_write(old, new, stop, monkeypatch_module)
