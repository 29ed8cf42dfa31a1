"""`citeaudit check --changed-since REF` on real temporary git histories.

The manuscripts carry defects the rules certainly report: a numbered entry that is
never cited (CIT002), a citation of a number the list lacks (CIT001), and two entries
for one work (REF001, whose related location is the first entry).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from citeaudit.gitdiff import parse_diff

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

HEADER = "# Essay\n\nThe war began in June 1950 [1].\n\n"
REFERENCES = (
    "## References\n\n"
    "[1] Cumings, Bruce. The Origins of the Korean War. Princeton University Press, 1981.\n"
    "[2] Stueck, William. Rethinking the Korean War. Princeton University Press, 2002.\n"
)
# Entry [2] is never cited: one CIT002 on the line of [2].
V1 = HEADER + REFERENCES
# Lines inserted above move the CIT002 down; the new paragraph cites a missing [3].
V2 = (
    HEADER
    + "A paragraph added above.\nIt moves everything below it.\n\n"
    + "Acheson spoke on 12 January 1950 [3].\n\n"
    + REFERENCES
)


def _env() -> dict[str, str]:
    # A git hook running these tests would set GIT_DIR and friends, which would point
    # every git call here at the outer repository.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.pop("CITEAUDIT_OUTPUT_FORMAT", None)
    return env


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=_env(), capture_output=True, text=True, check=True
    )
    return done.stdout


def check(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "citeaudit", "check", "--isolated", "--format", "json"]
    return subprocess.run(
        [*command, *args], cwd=cwd, env=_env(), capture_output=True, text=True, check=False
    )


def findings(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str, int]]:
    assert done.returncode in (0, 1), done.stderr
    return sorted((r["path"], r["code"], r["line"]) for r in json.loads(done.stdout))


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "--quiet")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "config", "commit.gpgsign", "false")
    return root


def commit(repo: Path, files: dict[str, str], message: str = "v1") -> None:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)


def test_only_the_finding_on_a_changed_line_is_reported(repo: Path) -> None:
    commit(repo, {"essay.md": V1})
    (repo / "essay.md").write_text(V2, encoding="utf-8")

    everything = findings(check(repo, "essay.md"))
    assert everything == [
        ("essay.md", "CIT001", line_of(V2, "[3]")),
        ("essay.md", "CIT002", line_of(V2, "[2] Stueck")),
    ]
    done = check(repo, "--changed-since", "HEAD", "essay.md")
    assert findings(done) == [("essay.md", "CIT001", line_of(V2, "[3]"))]
    assert done.returncode == 1


def test_a_committed_change_counts_too(repo: Path) -> None:
    commit(repo, {"essay.md": V1})
    commit(repo, {"essay.md": V2}, "v2")

    assert findings(check(repo, "--changed-since", "HEAD", "essay.md")) == []
    done = check(repo, "--changed-since", "HEAD~1", "essay.md")
    assert findings(done) == [("essay.md", "CIT001", line_of(V2, "[3]"))]


def test_nothing_changed_passes(repo: Path) -> None:
    commit(repo, {"essay.md": V1})
    done = check(repo, "--changed-since", "HEAD")
    assert (done.returncode, findings(done)) == (0, [])


def test_a_finding_whose_cause_is_on_a_changed_line_is_kept(repo: Path) -> None:
    cited = V1.replace("June 1950 [1].", "June 1950 [1]. Its origins are debated [2].")
    commit(repo, {"essay.md": cited})
    # Entry [1] now names the same book as [2]: REF001 is reported on the line of [2],
    # which did not change, with the changed line of [1] as its related location.
    duplicate = cited.replace(
        "[1] Cumings, Bruce. The Origins of the Korean War. Princeton University Press, 1981.",
        "[1] Stueck, William. Rethinking the Korean War. Princeton University Press, 1997.",
    )
    (repo / "essay.md").write_text(duplicate, encoding="utf-8")

    done = check(repo, "--changed-since", "HEAD", "essay.md")
    assert findings(done) == [("essay.md", "REF001", line_of(duplicate, "[2] Stueck"))]


def test_an_untracked_file_is_reported_whole(repo: Path) -> None:
    commit(repo, {"essay.md": V1})
    (repo / "drafts").mkdir()
    (repo / "drafts" / "new.md").write_text(V2, encoding="utf-8")

    done = check(repo, "--changed-since", "HEAD", ".")
    assert findings(done) == [
        ("drafts/new.md", "CIT001", line_of(V2, "[3]")),
        ("drafts/new.md", "CIT002", line_of(V2, "[2] Stueck")),
    ]


def test_absolute_paths_and_another_working_directory(repo: Path, tmp_path: Path) -> None:
    commit(repo, {"sub/essay.md": V1})
    (repo / "sub" / "essay.md").write_text(V2, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    target = str(repo / "sub" / "essay.md")
    done = check(elsewhere, "--changed-since", "HEAD", target)
    assert findings(done) == [(target, "CIT001", line_of(V2, "[3]"))]


@pytest.mark.parametrize(
    "name",
    [
        # A glob to git without literal pathspecs, which would also match the
        # untracked "chapter 1 café.md"; `é` is quoted in diffs unless core.quotePath is off.
        "chapter [1] café.md",
        # Pathspec magic: read as "draft.md at the top level" without literal pathspecs.
        pytest.param(
            ":draft.md",
            marks=pytest.mark.skipif(os.name == "nt", reason="no colons in Windows names"),
        ),
    ],
)
def test_unusual_file_names(repo: Path, name: str) -> None:
    commit(repo, {name: V1, "draft.md": V1})
    (repo / name).write_text(V2, encoding="utf-8")
    (repo / "chapter 1 café.md").write_text(V1, encoding="utf-8")

    done = check(repo, "--changed-since", "HEAD", name, "draft.md")
    assert findings(done) == [(name, "CIT001", line_of(V2, "[3]"))]


def test_an_unknown_ref_is_an_error_naming_it(repo: Path) -> None:
    commit(repo, {"essay.md": V1})
    done = check(repo, "--changed-since", "no-such-branch", "essay.md")
    assert done.returncode == 2
    assert "no-such-branch" in done.stderr
    assert done.stdout == ""


def test_a_ref_that_looks_like_an_option_is_refused(repo: Path) -> None:
    commit(repo, {"essay.md": V1})
    done = check(repo, "--changed-since=--output=stolen", "essay.md")
    assert done.returncode == 2
    assert "not a git ref" in done.stderr
    assert not (repo / "stolen").exists()


def test_a_file_outside_any_repository_is_an_error(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    if (
        subprocess.run(["git", "rev-parse"], cwd=loose, env=_env(), capture_output=True).returncode
        == 0
    ):
        pytest.skip(f"{tmp_path} is inside a git repository")
    (loose / "essay.md").write_text(V1, encoding="utf-8")

    done = check(loose, "--changed-since", "HEAD", "essay.md")
    assert done.returncode == 2
    assert "essay.md is not inside a git repository" in done.stderr


def test_parse_diff_reads_the_new_side_of_each_hunk() -> None:
    patch = (
        b"diff --git a/a.md b/a.md\n--- a/a.md\n+++ b/a.md\n"
        b"@@ -1,0 +2 @@\n+x\n"
        b"@@ -3 +3 @@\n-x\n+y\n"  # counts left out mean one line
        b"@@ -10,2 +11,3 @@\n"  # lines 11, 12, 13
        b"@@ -20,4 +21,0 @@\n"  # a pure deletion marks no line
        b'diff --git "a/tab\\there.md" "b/tab\\there.md"\n'
        b'--- "a/tab\\there.md"\n+++ "b/tab\\there.md"\n@@ -0,0 +1,2 @@\n'
        b'diff --git "a/caf\\303\\251.md" "b/caf\\303\\251.md"\n'
        b'--- "a/caf\\303\\251.md"\n+++ "b/caf\\303\\251.md"\n@@ -1 +1 @@\n'
        b"diff --git a/with space.md b/with space.md\n"
        b"--- a/with space.md\t\n+++ b/with space.md\t\n@@ -1 +1,2 @@\n"  # note the tabs
        b"diff --git a/gone.md b/gone.md\n--- a/gone.md\n+++ /dev/null\n@@ -1,5 +0,0 @@\n"
    )
    assert parse_diff(patch) == {
        "a.md": {2, 3, 11, 12, 13},
        "with space.md": {1, 2},
        "tab\there.md": {1, 2},
        "café.md": {1},
    }
