"""--fix as a user runs it: files are checked again after fixing; stdin is never written."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

NOTE = "# The Truce Talks\n\nA claim.[^ 1]\n\n[^1]: Walter G. Hermes, *Truce Tent and Fighting Front* (Washington, DC: Center of Military History, 1966), 12.\n"


def test_fixed_file_is_checked_again(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(NOTE)
    result = run_cli(["check", "--fix", str(path)])
    assert path.read_text() == NOTE.replace("[^ 1]", "[^1]")
    # Before the fix the definition was unreferenced (NOTE002); after it, nothing is left.
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "All checks passed (1 file). Fixed 1."


def test_stdin_fix_prints_the_text_and_reports_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("an existing file that must stay untouched\n")
    result = run_cli(
        ["check", "--fix", "-", "--stdin-filename", "b.md"], cwd=tmp_path, stdin=NOTE.encode()
    )
    assert result.stdout == NOTE.replace("[^ 1]", "[^1]")
    assert "Fixed 1." in result.stderr
    assert (tmp_path / "b.md").read_text() == "an existing file that must stay untouched\n"
    assert result.exit_code == 0
