"""`exclude` and .gitignore leave files out of a walk, and out of the files named on the
command line with --force-exclude (what the pre-commit hook passes), as in ruff."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeaudit.discover import Excluder, manuscripts
from tests.conftest import run_cli

# CIT001: a finding whenever the file is checked.
CLAIM = "A claim [9].\n\n## References\n\n1. Smith, John. *A Book*. Penguin, 2001.\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for name in (
        "drafts/d.md",
        "drafts/old/e.md",
        "chapters/one.md",
        "chapters/drafts.md",
        "notes/n.md",
        "notes/keep.md",
        "build-notes/b.md",
        "top.md",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CLAIM)
    return tmp_path


def found(repo: Path, exclude: list[str], paths: list[str], force: bool = False) -> list[str]:
    skip = Excluder(exclude, str(repo))
    import os

    old = os.getcwd()
    os.chdir(repo)
    try:
        return sorted(manuscripts(paths, skip, force))
    finally:
        os.chdir(old)


@pytest.mark.parametrize("pattern", ["drafts", "drafts/", "/drafts", "drafts/**"])
def test_a_folder_pattern_leaves_out_the_files_inside(repo: Path, pattern: str) -> None:
    named = ["drafts/d.md", "drafts/old/e.md", "chapters/one.md"]
    assert found(repo, [pattern], named, force=True) == ["chapters/one.md"]
    walked = found(repo, [pattern], ["."])
    assert "drafts/d.md" not in walked and "drafts/old/e.md" not in walked
    # A folder pattern with a slash does not match a file of that name.
    if pattern.endswith("/"):
        assert "chapters/drafts.md" in walked


def test_without_force_a_named_file_is_checked(repo: Path) -> None:
    assert found(repo, ["drafts"], ["drafts/d.md"]) == ["drafts/d.md"]


def test_gitignore_is_honoured_with_negation_and_nesting(repo: Path) -> None:
    (repo / ".gitignore").write_text("notes/*\n!notes/keep.md\n")
    (repo / "chapters" / ".gitignore").write_text("one.md\n")
    walked = found(repo, [], ["."])
    assert "notes/n.md" not in walked and "notes/keep.md" in walked
    assert "chapters/one.md" not in walked and "chapters/drafts.md" in walked
    assert found(repo, [], ["notes/n.md", "chapters/one.md", "top.md"], force=True) == ["top.md"]


def test_gitignore_outside_a_git_work_tree_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.md\n")
    (tmp_path / "a.md").write_text(CLAIM)
    assert found(tmp_path, [], ["."]) == ["a.md"]


def test_patterns_are_relative_to_the_config(repo: Path) -> None:
    (repo / "citeaudit.toml").write_text('exclude = ["/chapters/one.md", "build-notes"]\n')
    result = run_cli(
        [
            "check",
            "--format",
            "json",
            "--force-exclude",
            "one.md",
            "../build-notes/b.md",
            "../top.md",
        ],
        cwd=repo / "chapters",
    )
    # Run from a subfolder: the config's patterns still mean the same files.
    assert result.exit_code == 1
    assert '"path": "../top.md"' in result.stdout
    assert "one.md" not in result.stdout and "b.md" not in result.stdout


def test_force_exclude_in_the_cli(repo: Path) -> None:
    (repo / "citeaudit.toml").write_text('exclude = ["drafts/"]\n')
    result = run_cli(["check", "--force-exclude", "drafts/d.md"], cwd=repo)
    assert result.exit_code == 0, result.output
