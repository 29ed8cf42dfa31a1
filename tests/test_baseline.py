"""`--write-baseline` and `--baseline` on a real temporary git history: findings keep
their identity when lines move, and only new ones are reported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from citeaudit.baseline import BaselineError, apply_baseline, write_baseline
from citeaudit.model import Diagnostic, Span

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

REFERENCES = (
    "## References\n\n"
    "[1] Cumings, Bruce. The Origins of the Korean War. Princeton University Press, 1981.\n"
    "[2] Stueck, William. Rethinking the Korean War. Princeton University Press, 2002.\n"
)
# Entry [2] is never cited (CIT002).
V1 = "# Essay\n\nThe war began in June 1950 [1].\n\n" + REFERENCES
# Lines inserted above the known CIT002 move it; the new paragraph cites a missing [3].
V2 = (
    "# Essay\n\nA new opening paragraph.\nIt pushes the rest down.\n\n"
    "The war began in June 1950 [1].\n\nAcheson spoke on 12 January 1950 [3].\n\n" + REFERENCES
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.pop("CITEAUDIT_OUTPUT_FORMAT", None)
    return env


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=_env(), capture_output=True, check=True)


def check(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "citeaudit", "check", "--isolated", "--format", "json"]
    return subprocess.run(
        [*command, *args], cwd=cwd, env=_env(), capture_output=True, text=True, check=False
    )


def codes(done: subprocess.CompletedProcess[str]) -> list[tuple[str, int]]:
    assert done.returncode in (0, 1), done.stderr
    return sorted((r["code"], r["line"]) for r in json.loads(done.stdout))


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    git(root, "init", "--quiet")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "config", "commit.gpgsign", "false")
    return root


def save(repo: Path, text: str, message: str) -> None:
    (repo / "docs" / "essay.md").write_text(text, encoding="utf-8")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)


def test_only_findings_new_since_the_baseline_are_reported(repo: Path) -> None:
    save(repo, V1, "v1")
    written = check(repo, "--write-baseline", "ci/baseline.json", "docs")
    assert written.returncode != 2, written.stderr
    save(repo, V2, "v2: move the known finding down and add a new one")

    assert codes(check(repo, "docs")) == [
        ("CIT001", line_of(V2, "[3]")),
        ("CIT002", line_of(V2, "[2] Stueck")),
    ]
    done = check(repo, "--baseline", "ci/baseline.json", "docs")
    assert codes(done) == [("CIT001", line_of(V2, "[3]"))]
    assert done.returncode == 1


def test_moved_known_findings_alone_pass(repo: Path) -> None:
    save(repo, V1, "v1")
    check(repo, "--write-baseline", "baseline.json", "docs")
    moved = V1.replace("# Essay\n", "# Essay\n\nTwo lines\nadded above.\n")
    save(repo, moved, "v2: only move lines")

    done = check(repo, "--baseline", "baseline.json", "docs")
    assert (done.returncode, codes(done)) == (0, [])


def test_the_file_is_portable_json_without_line_numbers(repo: Path) -> None:
    save(repo, V1, "v1")
    check(repo, "--write-baseline", "ci/baseline.json", "docs")

    document = json.loads((repo / "ci" / "baseline.json").read_text(encoding="utf-8"))
    assert document["version"] == 1
    assert document["tool"] == "citeaudit"
    [finding] = document["findings"]
    assert set(finding) == {"path", "code", "fingerprint", "message"}
    # Relative to the baseline's folder, with forward slashes on every system.
    assert finding["path"] == "../docs/essay.md"
    assert finding["code"] == "CIT002"
    assert len(finding["fingerprint"]) == 64


def test_matches_from_another_working_directory(repo: Path) -> None:
    save(repo, V1, "v1")
    check(repo, "--write-baseline", "ci/baseline.json", "docs")

    done = check(repo / "docs", "--baseline", "../ci/baseline.json", "essay.md")
    assert (done.returncode, codes(done)) == (0, [])


def test_a_third_occurrence_of_a_finding_recorded_twice_is_new(repo: Path) -> None:
    # Both citations of the missing [3] have the same context, so the same fingerprint
    # recipe; only their number tells old from new.
    twice = V1.replace("June 1950 [1].", "June 1950 [1]. See [3]. And [3].")
    save(repo, twice, "v1")
    check(repo, "--write-baseline", "baseline.json", "docs")
    thrice = twice.replace("And [3].", "And [3].\n\nOnce more [3].")
    save(repo, thrice, "v2")

    done = check(repo, "--baseline", "baseline.json", "docs")
    assert [code for code, _ in codes(done)] == ["CIT001"]
    assert done.returncode == 1


def test_a_fixed_finding_does_not_hide_a_new_one_elsewhere(repo: Path) -> None:
    save(repo, V1, "v1")
    check(repo, "--write-baseline", "baseline.json", "docs")
    fixed_and_broken = V2.replace("June 1950 [1].", "June 1950 [1]; see also [2].")
    save(repo, fixed_and_broken, "v2")

    done = check(repo, "--baseline", "baseline.json", "docs")
    assert codes(done) == [("CIT001", line_of(fixed_and_broken, "[3]"))]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ('{"version": 1, "tool": "other", "findings": []}', "not a citeaudit baseline"),
        ('{"version": 9, "tool": "citeaudit", "findings": []}', "unsupported version 9"),
        ('{"version": 1, "tool": "citeaudit", "findings": [{"path": 1}]}', "finding 1"),
    ],
)
def test_a_corrupt_baseline_is_an_error(repo: Path, content: str, message: str) -> None:
    save(repo, V1, "v1")
    (repo / "baseline.json").write_text(content, encoding="utf-8")

    done = check(repo, "--baseline", "baseline.json", "docs")
    assert done.returncode == 2
    assert message in done.stderr
    assert "baseline.json" in done.stderr


def test_a_missing_baseline_is_an_error(repo: Path) -> None:
    save(repo, V1, "v1")
    done = check(repo, "--baseline", "nowhere.json", "docs")
    assert done.returncode == 2
    assert "nowhere.json: no such file" in done.stderr


def _diagnostic(context: str, line: int) -> Diagnostic:
    span = Span(0, 1, line, 1, line, 2)
    return Diagnostic("a.md", span, "CIT002", "unused-reference", "warning", "m", context=context)


def test_context_is_compared_whitespace_collapsed_and_casefolded(tmp_path: Path) -> None:
    baseline = str(tmp_path / "b.json")
    write_baseline(baseline, [_diagnostic("[2] Stueck,  William.\nRethinking", 8)])

    reflowed = _diagnostic("[2] STUECK, William. Rethinking", 30)
    different = _diagnostic("[2] Stueck, William. Rethinking the", 30)
    assert apply_baseline(baseline, [reflowed, different]) == [different]


def test_write_errors_are_baseline_errors(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    with pytest.raises(BaselineError, match="cannot write"):
        write_baseline(str(tmp_path / "a-file" / "b.json"), [])
