"""`--fix` keeps what the user owns: examples in code, read-only files, owners, hard
links, and the file itself when the run is killed; and one run reaches the fixed point."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli

REFERENCES = "\n## References\n\n1. Smith, John. *A Book*. Penguin, 2001.\n"
# The README's own suppression example, inside a fence: an example, not a suppression.
EXAMPLE = """# Suppressions

A claim [1].

```markdown
The figure is disputed [7]. <!-- citeaudit: ignore CIT003 -->

<!-- citeaudit: ignore CIT002, REF006 -->
[12] Alpha History, https://alphahistory.com/
```

    <!-- citeaudit: ignore CIT001 -->
    an indented example

Inline: `<!-- citeaudit: ignore CIT004 -->` is how one looks.
"""
FRONT_MATTER = """---
title: "A note <!-- citeaudit: ignore CIT001 -->"
---
A claim [1].
"""
# An unused suppression: the one fix every file can get.
STALE = "A claim [1]. <!-- citeaudit: ignore CIT003 -->\n" + REFERENCES
STALE_FIXED = "A claim [1].\n" + REFERENCES


@pytest.mark.parametrize("text", [EXAMPLE, FRONT_MATTER], ids=["code", "front-matter"])
def test_fix_never_edits_code_or_front_matter(tmp_path: Path, text: str) -> None:
    path = tmp_path / "guide.md"
    original = (text + REFERENCES).encode()
    path.write_bytes(original)
    run_cli(["check", "--fix", path.name], cwd=tmp_path)
    assert path.read_bytes() == original
    diff = run_cli(["check", "--diff", path.name], cwd=tmp_path)
    assert diff.stdout == "" and diff.exit_code == 0


def test_a_real_suppression_beside_an_example_is_still_fixed(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text(EXAMPLE + "\nMore [1]. <!-- citeaudit: ignore CIT005 -->\n" + REFERENCES)
    run_cli(["check", "--fix", path.name], cwd=tmp_path)
    assert path.read_text() == EXAMPLE + "\nMore [1].\n" + REFERENCES


def test_a_suppression_the_reader_honours_is_one_the_fix_may_remove(tmp_path: Path) -> None:
    """The suppression reader and the fix see one mask: a comment inside math is read (it
    would silence a finding), so when it is unused, SUP001's fix removes it instead of
    offering a fix that is then refused."""
    path = tmp_path / "essay.md"
    path.write_text("A claim [1] and $y <!-- citeaudit: ignore CIT005 --> z$ here.\n" + REFERENCES)
    found = run_cli(["check", path.name], cwd=tmp_path)
    assert "SUP001 [*]" in found.stdout, found.output
    run_cli(["check", "--fix", path.name], cwd=tmp_path)
    assert path.read_text() == "A claim [1] and $y z$ here.\n" + REFERENCES


def test_two_suppressions_on_one_line_are_fixed_in_one_run(tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    path.write_text(
        "A claim [1]. <!-- citeaudit: ignore CIT003 --> <!-- citeaudit: ignore CIT005 -->\n\n"
        "<!-- citeaudit: ignore CIT001 --> <!-- citeaudit: ignore CIT004 -->\n"
        "More text.\n" + REFERENCES
    )
    result = run_cli(["check", "--fix", path.name], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "Fixed 4." in result.stdout
    assert path.read_text() == "A claim [1].\n\nMore text.\n" + REFERENCES
    assert run_cli(["check", "--fix", path.name], cwd=tmp_path).stdout.startswith(
        "All checks passed"
    )


def test_diff_shows_the_fixed_point_too(tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    # Alone on their line, the two removals overlap: the second needs a second pass.
    text = "<!-- citeaudit: ignore CIT003 --> <!-- citeaudit: ignore CIT005 -->\nA [1].\n"
    path.write_text(text + REFERENCES)
    patch = run_cli(["check", "--diff", path.name], cwd=tmp_path).stdout
    assert "-<!-- citeaudit: ignore CIT003 --> <!-- citeaudit: ignore CIT005 -->\n" in patch
    assert "+<!--" not in patch and path.read_text() == text + REFERENCES


@pytest.mark.parametrize("newline", ["\r", "\r\n"], ids=["lone-cr", "crlf"])
def test_fix_keeps_line_endings(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "essay.md"
    path.write_bytes(STALE.replace("\n", newline).encode())
    run_cli(["check", "--fix", path.name], cwd=tmp_path)
    assert path.read_bytes() == STALE_FIXED.replace("\n", newline).encode()


def test_a_read_only_file_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    path.write_text(STALE)
    path.chmod(0o444)
    result = run_cli(["check", "--fix", path.name], cwd=tmp_path)
    assert path.read_text() == STALE and (path.stat().st_mode & 0o777) == 0o444
    assert "essay.md: it is read-only (make it writable to fix it); not fixed" in result.stderr
    assert result.exit_code == 1  # the finding stays


def test_a_hard_linked_file_is_refused_and_the_link_kept(tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    path.write_text(STALE)
    os.link(path, tmp_path / "copy.md")
    result = run_cli(["check", "--fix", path.name], cwd=tmp_path)
    assert path.read_text() == STALE and path.stat().st_nlink == 2
    assert "1 other hard link(s), which a rewrite would cut off" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_the_owner_and_mode_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    path.write_text(STALE)
    os.chown(path, 65534, 65534)
    path.chmod(0o640)
    run_cli(["check", "--fix", path.name], cwd=tmp_path)
    info = path.stat()
    assert path.read_text() == STALE_FIXED
    assert (info.st_uid, info.st_gid, info.st_mode & 0o7777) == (65534, 65534, 0o640)


def test_a_symlink_is_fixed_through_and_kept(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text(STALE)
    os.symlink("real.md", tmp_path / "link.md")
    run_cli(["check", "--fix", "link.md"], cwd=tmp_path)
    assert (tmp_path / "link.md").is_symlink()
    assert (tmp_path / "real.md").read_text() == STALE_FIXED


def test_killed_at_any_moment_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    """SIGKILL a real `--fix` run at moments spread over its whole life."""
    # Long enough that the write takes a moment.
    padding = "Plain words of a long chapter, with no citation at all.\n\n" * 500
    big, fixed = padding + STALE, padding + STALE_FIXED
    path = tmp_path / "essay.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEAUDIT_")}
    command = [sys.executable, "-m", "citeaudit", "check", "-q", "--fix"]
    path.write_text(big)
    start = time.monotonic()
    subprocess.run([*command, path.name], cwd=tmp_path, env=env, capture_output=True, timeout=120)
    whole = time.monotonic() - start
    assert path.read_text() == fixed
    rng = random.Random(10)
    outcomes = set()
    for _ in range(8):
        path.write_text(big)
        proc = subprocess.Popen(
            [*command, path.name],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 1.1) * whole)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        now = path.read_text()
        assert now in (big, fixed)
        outcomes.add(now == fixed)
        assert [p.name for p in tmp_path.iterdir()] == ["essay.md"]
    assert outcomes  # at least one kind of ending was seen; both are allowed


_KILLED_WHILE_WRITING = """
import os, signal, sys
from citeaudit.cli import main
# SIGKILL the moment the new content is flushed to disk: the slowest step of a write,
# and the one a kill is most likely to hit on a large file or a slow disk.
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)
sys.argv = ["citeaudit", "check", "-q", "--fix", sys.argv[1]]
main()
"""


def test_killed_while_writing_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    path.write_text(STALE)
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED_WHILE_WRITING, path.name],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL
    assert path.read_text() == STALE
    assert [p.name for p in tmp_path.iterdir()] == ["essay.md"]


def test_a_new_report_file_gets_the_usual_mode(tmp_path: Path) -> None:
    from citeaudit.fileio import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(str(tmp_path / "report.json"), b"[]")
    finally:
        os.umask(old)
    assert (tmp_path / "report.json").stat().st_mode & 0o777 == 0o644


def test_a_report_file_with_a_hard_link_is_still_written(tmp_path: Path) -> None:
    (tmp_path / "essay.md").write_text(STALE)
    (tmp_path / "report.json").write_text("[]")
    os.link(tmp_path / "report.json", tmp_path / "other.json")
    result = run_cli(["check", "--format", "json", "-o", "report.json", "essay.md"], cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert "SUP001" in (tmp_path / "report.json").read_text()
