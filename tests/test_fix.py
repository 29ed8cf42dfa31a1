"""`--fix` and `--diff`: what is fixed, what is refused, and that the bytes around it survive."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from citeaudit.adapters import suppress
from citeaudit.config import Settings
from citeaudit.engine import check
from citeaudit.fix import apply_fixes, fix_document, fixed_text, unified_diff
from citeaudit.load import load
from citeaudit.model import Applicability, Diagnostic, Document, Edit, Fix, LineIndex
from tests.conftest import CORPUS, findings, run_cli

REFUGEES = CORPUS / "cases" / "fix-note-marker" / "refugees.md"
TALKS = CORPUS / "cases" / "fix-colonless-notes" / "talks.md"
SUPPRESSION = "<!-- citeaudit: ignore CIT001 -->\n"


def refugees_fixed() -> str:
    text = REFUGEES.read_text(encoding="utf-8")
    return text.replace("[^ 2]", "[^2]").replace(SUPPRESSION, "")


def talks_fixed() -> str:
    text = TALKS.read_text(encoding="utf-8")
    return text.replace("[^1] Walter", "[^1]: Walter").replace("[^2] Rosemary", "[^2]: Rosemary")


def copy(source: Path, folder: Path) -> Path:
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".citeaudit-")]


@pytest.mark.parametrize(
    ("source", "expected", "codes"),
    [
        (REFUGEES, refugees_fixed, {"CIT007", "SUP001", "NOTE002"}),
        (TALKS, talks_fixed, {"CIT007", "NOTE001"}),
    ],
    ids=["note-marker-and-suppression", "colonless-definitions"],
)
def test_fix_writes_the_file_and_the_rerun_is_clean(
    tmp_path: Path, source: Path, expected: Callable[[], str], codes: set[str]
) -> None:
    path = copy(source, tmp_path)
    before = {r["code"] for r in findings([path.name], cwd=tmp_path)}
    assert before == codes

    result = run_cli(["check", "--fix", path.name], cwd=tmp_path)

    assert "Fixed" in result.stdout, result.output
    assert path.read_text(encoding="utf-8") == expected()
    assert findings([path.name], cwd=tmp_path) == []
    assert temporaries(tmp_path) == []


def test_diff_prints_a_patch_that_applies_and_writes_nothing(tmp_path: Path) -> None:
    path = copy(REFUGEES, tmp_path)
    original = path.read_bytes()

    result = run_cli(["check", "--diff", path.name], cwd=tmp_path)

    assert result.exit_code == 1
    assert path.read_bytes() == original
    patch = result.stdout
    assert patch.startswith("--- a/refugees.md\n+++ b/refugees.md\n@@ ")
    assert "-roads south were photographed by army cameramen.[^ 2] Relief" in patch
    assert "+roads south were photographed by army cameramen.[^2] Relief" in patch
    assert f"-{SUPPRESSION}" in patch
    # The patch is a real one: git applies it and gets exactly what --fix would write.
    (tmp_path / "fix.patch").write_text(patch, encoding="utf-8")
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    assert path.read_text(encoding="utf-8") == refugees_fixed()


def test_diff_with_nothing_to_fix_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "clean.md"
    path.write_text(refugees_fixed(), encoding="utf-8")

    result = run_cli(["check", "--diff", path.name], cwd=tmp_path)

    assert (result.exit_code, result.stdout) == (0, "")


@pytest.mark.parametrize(
    ("encoding", "bom", "newline"),
    [
        ("utf-8", b"", "\n"),
        ("utf-8", b"\xef\xbb\xbf", "\n"),
        ("utf-8", b"", "\r\n"),
        ("utf-8", b"\xef\xbb\xbf", "\r\n"),
        ("utf-16-le", b"\xff\xfe", "\r\n"),
    ],
    ids=["utf8-lf", "utf8-bom", "utf8-crlf", "utf8-bom-crlf", "utf16le-bom-crlf"],
)
def test_fix_keeps_encoding_bom_and_line_endings(
    tmp_path: Path, encoding: str, bom: bytes, newline: str
) -> None:
    def encoded(text: str) -> bytes:
        return bom + text.replace("\n", newline).encode(encoding)

    path = tmp_path / "refugees.md"
    path.write_bytes(encoded(REFUGEES.read_text(encoding="utf-8")))

    run_cli(["check", "--fix", path.name], cwd=tmp_path)

    data = path.read_bytes()
    assert data == encoded(refugees_fixed())
    if newline == "\r\n":
        lines = data[len(bom) :].decode(encoding).split("\n")
        assert all(line.endswith("\r") for line in lines[:-1]) and lines[-1] == ""


def test_diff_keeps_crlf(tmp_path: Path) -> None:
    path = tmp_path / "refugees.md"
    path.write_bytes(REFUGEES.read_bytes().replace(b"\n", b"\r\n"))

    patch = run_cli(["check", "--diff", path.name], cwd=tmp_path).stdout_bytes

    assert b"+roads south were photographed by army cameramen.[^2] Relief" in patch
    # Headers end in LF as git writes them; every line of the text keeps its CRLF.
    body = patch.split(b"\n")[3:-1]
    assert len(body) == 10 and all(line.endswith(b"\r") for line in body)
    (tmp_path / "fix.patch").write_bytes(patch)
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    assert path.read_bytes() == refugees_fixed().replace("\n", "\r\n").encode()


def test_a_file_read_as_cp1252_is_never_written(tmp_path: Path) -> None:
    # "Séoul" in Windows-1252: not UTF-8, so the parse is uncertain and fixes are withheld.
    text = REFUGEES.read_text(encoding="utf-8").replace("Seoul", "Séoul")
    path = tmp_path / "refugees.md"
    path.write_bytes(text.encode("cp1252"))
    original = path.read_bytes()

    for option in ("--fix", "--diff"):
        result = run_cli(["check", option, path.name], cwd=tmp_path)
        assert path.read_bytes() == original
        assert "fixes withheld" in result.stderr
    result = run_cli(["check", "--fix", path.name], cwd=tmp_path)
    assert "IO001" in result.stdout and "CIT007" in result.stdout
    assert "Fixed" not in result.stdout


def loaded(tmp_path: Path, text: str, name: str = "refugees.md") -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load(str(path))


def by_hand(doc: Document, old: str, new: str, applicability: Applicability = "safe") -> Diagnostic:
    start = doc.text.index(old)
    fix = Fix(f"Write {new}", (Edit(start, start + len(old), new),), applicability)
    span = doc.span(start, start + len(old))
    message = f"{old!r} is malformed"
    return Diagnostic(doc.path, span, "CIT007", "malformed-citation", "error", message, fix=fix)


@pytest.mark.parametrize("reverse", [False, True], ids=["in-order", "reported-backwards"])
def test_overlapping_fixes_only_the_first_is_applied(tmp_path: Path, reverse: bool) -> None:
    doc = loaded(tmp_path, REFUGEES.read_text(encoding="utf-8"))
    first = by_hand(doc, "cameramen.[^ 2]", "cameramen.[^2]")
    second = by_hand(doc, "[^ 2] Relief", "[^2]. Relief")
    diagnostics = [second, first] if reverse else [first, second]

    count, remaining, patch = apply_fixes([doc], diagnostics, unsafe=False, write=True)

    assert count == 1
    assert remaining == [second]
    assert "+roads south were photographed by army cameramen.[^2] Relief" in patch
    assert Path(doc.path).read_text(encoding="utf-8") == doc.text.replace("[^ 2]", "[^2]")


def test_the_same_fix_reported_twice_is_made_once(tmp_path: Path) -> None:
    doc = loaded(tmp_path, REFUGEES.read_text(encoding="utf-8"))
    one, two = by_hand(doc, "[^ 2]", "[^2]"), by_hand(doc, "[^ 2]", "[^2]")

    count, remaining, _ = apply_fixes([doc], [one, two], unsafe=False, write=True)

    assert (count, remaining) == (2, [])
    assert Path(doc.path).read_text(encoding="utf-8") == doc.text.replace("[^ 2]", "[^2]")


@pytest.mark.parametrize(("unsafe", "applied"), [(False, 0), (True, 1)])
def test_unsafe_fixes_need_the_option(tmp_path: Path, unsafe: bool, applied: int) -> None:
    doc = loaded(tmp_path, REFUGEES.read_text(encoding="utf-8"))
    guess = by_hand(doc, "[1].", "[2].", "unsafe")
    safe = by_hand(doc, "[^ 2]", "[^2]")

    count, remaining, patch = apply_fixes([doc], [guess, safe], unsafe=unsafe, write=False)

    assert count == 1 + applied
    assert remaining == ([] if unsafe else [guess])
    assert ("+a million displaced people by the spring [2].\n" in patch) is unsafe
    assert Path(doc.path).read_text(encoding="utf-8") == doc.text  # write=False


def test_the_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy(REFUGEES, tmp_path)
    original = path.read_bytes()

    def refuse(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = run_cli(["check", "--fix", path.name], cwd=tmp_path)

    assert path.read_bytes() == original
    assert temporaries(tmp_path) == []
    assert "cannot write it: No space left on device; not fixed" in result.stderr
    assert "CIT007" in result.stdout and "Fixed" not in result.stdout


def test_a_file_changed_since_it_was_read_is_not_written(tmp_path: Path) -> None:
    doc = loaded(tmp_path, REFUGEES.read_text(encoding="utf-8"))
    fix = by_hand(doc, "[^ 2]", "[^2]")
    edited = "# Refugees\n\n" + doc.text
    Path(doc.path).write_text(edited, encoding="utf-8")

    count, remaining, patch = apply_fixes([doc], [fix], unsafe=False, write=True)

    assert (count, remaining, patch) == (0, [fix], "")
    assert Path(doc.path).read_text(encoding="utf-8") == edited


@pytest.mark.parametrize("stdin_path", [None, "refugees.md"], ids=["by-name", "named-file"])
def test_stdin_is_never_written_and_gets_its_text_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stdin_path: str | None
) -> None:
    monkeypatch.chdir(tmp_path)
    copy(REFUGEES, tmp_path)
    data = REFUGEES.read_bytes()
    doc = load(stdin_path or "<stdin>", data)
    fix = by_hand(doc, "[^ 2]", "[^2]")

    count, remaining, _ = apply_fixes([doc], [fix], unsafe=False, write=True, stdin_path=stdin_path)

    assert (count, remaining) == (0, [fix])
    assert (tmp_path / "refugees.md").read_bytes() == data
    assert fixed_text(doc, [fix], unsafe=False) == doc.text.replace("[^ 2]", "[^2]")
    assert fix_document(doc, [fix], unsafe=False).remaining == []


def test_a_symlink_is_fixed_through_not_replaced(tmp_path: Path) -> None:
    target = copy(REFUGEES, tmp_path)
    link = tmp_path / "chapter.md"
    link.symlink_to(target.name)

    run_cli(["check", "--fix", link.name], cwd=tmp_path)

    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").count("[^ 2]") == 0


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        (
            "alone.md",
            "Inchon was a gamble [1].\n<!-- citeaudit: ignore CIT001 -->\nIt paid off.\n",
            "Inchon was a gamble [1].\nIt paid off.\n",
        ),
        (
            "trailing.md",
            "Inchon was a gamble [1]. <!-- citeaudit: ignore CIT001 -->\nIt paid off.\n",
            "Inchon was a gamble [1].\nIt paid off.\n",
        ),
        (
            "leading.md",
            "<!-- citeaudit: ignore CIT001 --> Inchon was a gamble [1].\nIt paid off.\n",
            "Inchon was a gamble [1].\nIt paid off.\n",
        ),
    ],
    ids=["alone-on-its-line", "after-text", "before-text"],
)
def test_an_unused_suppression_is_removed_cleanly(
    tmp_path: Path, name: str, before: str, after: str
) -> None:
    references = "\n## References\n\n1. Appleman, Roy E. *South to the Naktong*. 1961.\n"
    path = tmp_path / name
    path.write_text(before + references, encoding="utf-8")

    run_cli(["check", "--fix", "--select", "SUP001,CIT001", path.name], cwd=tmp_path)

    assert path.read_text(encoding="utf-8") == after + references


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "Inchon was a gamble\\cite{appleman}% citeaudit: ignore CIT001\nthat paid off.\n",
            "Inchon was a gamble\\cite{appleman}%\nthat paid off.\n",
        ),
        (
            "Inchon was a gamble\\cite{appleman} % citeaudit: ignore CIT001\nthat paid off.\n",
            "Inchon was a gamble\\cite{appleman}\nthat paid off.\n",
        ),
        (
            "Inchon was a gamble.\n% citeaudit: ignore CIT001\nIt paid off.\n",
            "Inchon was a gamble.\nIt paid off.\n",
        ),
    ],
    ids=["percent-joins-lines", "percent-after-space", "percent-alone"],
)
def test_an_unused_tex_suppression_keeps_the_output(before: str, after: str) -> None:
    # Built from the comment syntax alone, so the test does not depend on the LaTeX adapter.
    doc = Document("joined.tex", "latex", before, LineIndex(before))
    doc.suppressions = suppress.find(before, doc.lines, ("percent",))
    diagnostics = check(doc, Settings(), {"SUP001", "CIT001"})

    assert [d.code for d in diagnostics] == ["SUP001"]
    assert fixed_text(doc, diagnostics, unsafe=False) == after


def test_unified_diff_headers_and_empty_for_no_change() -> None:
    assert unified_diff("a.md", "x\n", "x\n") == ""
    assert unified_diff("notes/a.md", "x\n", "y\n") == (
        "--- a/notes/a.md\n+++ b/notes/a.md\n@@ -1 +1 @@\n-x\n+y\n"
    )


def test_unified_diff_marks_a_missing_final_newline(tmp_path: Path) -> None:
    before, after = "Kaesong [^1]\nPanmunjom [^ 2]", "Kaesong [^1]\nPanmunjom [^2]"
    (tmp_path / "talks.md").write_text(before, encoding="utf-8")
    patch = unified_diff("talks.md", before, after)

    assert patch.endswith("+Panmunjom [^2]\n\\ No newline at end of file\n")
    (tmp_path / "fix.patch").write_text(patch, encoding="utf-8")
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    assert (tmp_path / "talks.md").read_text(encoding="utf-8") == after
