"""The pre-commit hook in .pre-commit-hooks.yaml, run by the real pre-commit.

pre-commit installs hooks from a git revision, never from a working tree, so these
tests exercise this project's HEAD commit: commit .pre-commit-hooks.yaml and the code
before expecting a change to show here. Each test builds a temporary git repository of
manuscripts and runs pre-commit in it, as a user's commit would.

Building the hook's environment (a virtual environment with citeaudit pip-installed
from HEAD, dependencies from the package index) is the slow part. `pre-commit try-repo`
always builds into a throwaway store, so it is used once; the other cases share one
PRE_COMMIT_HOME through a configuration that names this project at HEAD, which is what
a user's `.pre-commit-config.yaml` does.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {
    "lai": ("corpus/lai-2023/essay.md", "003_f7c34cf41300fe5d.txt"),
    "kim": ("corpus/kim-2019/page.txt", "000_0a0ae64dbf621eea.txt"),
}
BIBTEX = """@book{cumings1981,
  author = {Cumings, Bruce},
  title = {The Origins of the Korean War},
  publisher = {Princeton University Press},
  address = {Princeton},
  year = {1981},
}
"""
PAPER = """---
title: A short note
bibliography: refs.bib
---

# Note

The origins of the war are disputed [{keys}].
"""

Run = Callable[..., subprocess.CompletedProcess[str]]


def pre_commit_command() -> list[str]:
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    found = shutil.which("pre-commit")
    if found is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    return [found]


def clean_env(home: Path) -> dict[str, str]:
    # A git hook running these tests would set GIT_DIR and friends, pointing every
    # git call here at the outer repository.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.pop("CITEAUDIT_OUTPUT_FORMAT", None)
    env["PRE_COMMIT_HOME"] = str(home)
    return env


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def project_head(env: dict[str, str]) -> str:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    inside = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if inside.returncode != 0 or Path(inside.stdout.strip()).resolve() != ROOT:
        pytest.skip(f"{ROOT} is not a git checkout; pre-commit installs hooks from git")
    head = git(ROOT, env, "rev-parse", "HEAD")
    manifest = subprocess.run(
        ["git", "cat-file", "-e", f"{head}:.pre-commit-hooks.yaml"], cwd=ROOT, env=env
    )
    if manifest.returncode != 0:
        pytest.fail("HEAD has no .pre-commit-hooks.yaml: pre-commit reads the committed one")
    return head


def manuscripts(
    folder: Path, env: dict[str, str], files: dict[str, str], config: str | None = None
) -> Path:
    """A git repository holding `files` (name to text; a seed's key copies that seed)."""
    folder.mkdir()
    git(folder, env, "init", "--quiet")
    git(folder, env, "config", "user.name", "Test")
    git(folder, env, "config", "user.email", "test@example.invalid")
    git(folder, env, "config", "commit.gpgsign", "false")
    for name, text in files.items():
        if text in SEEDS:
            copy_seed(text, folder / name)
        else:
            (folder / name).write_text(text, encoding="utf-8")
    if config is not None:
        (folder / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git(folder, env, "add", "--all")
    git(folder, env, "commit", "--quiet", "-m", "manuscripts")
    return folder


def copy_seed(name: str, target: Path) -> None:
    in_corpus, in_shared = SEEDS[name]
    for source in (ROOT / in_corpus, ROOT.parent / "shared" / "seeds" / in_shared):
        if source.is_file():
            shutil.copyfile(source, target)
            return
    pytest.skip(f"the {name} seed is in neither corpus/ nor ../shared/seeds")


@pytest.fixture(scope="module")
def hook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, str, dict[str, str]]:
    """A runner of `pre-commit` sharing one PRE_COMMIT_HOME, so the hook's
    environment is built once for the module; also this project's HEAD commit."""
    command = pre_commit_command()
    env = clean_env(tmp_path_factory.mktemp("pre-commit-home"))
    head = project_head(env)

    def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args, "--color", "never"],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )

    return run, head, env


def config_for(head: str) -> str:
    return f"repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n      - id: citeaudit\n"


def test_try_repo_fails_on_the_lai_essay_and_shows_the_findings(
    hook: tuple[Run, str, dict[str, str]], tmp_path: Path
) -> None:
    run, head, env = hook
    repo = manuscripts(tmp_path / "lai", env, {"essay.md": "lai"})

    # --ref pins HEAD: without it try-repo would also take uncommitted changes to
    # tracked files, which may need files that are not committed yet.
    done = run(repo, "try-repo", str(ROOT), "citeaudit", "--ref", head, "--all-files")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "- exit code: 1" in output, output  # findings (2 would be a citeaudit error)
    assert "REF001" in output
    assert "essay.md:" in output


def test_the_kim_page_passes(hook: tuple[Run, str, dict[str, str]], tmp_path: Path) -> None:
    run, head, env = hook
    repo = manuscripts(tmp_path / "kim", env, {"page.md": "kim"}, config_for(head))

    done = run(repo, "run", "citeaudit", "--all-files")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Passed" in output


def test_the_lai_essay_fails_in_a_users_configuration(
    hook: tuple[Run, str, dict[str, str]], tmp_path: Path
) -> None:
    run, head, env = hook
    files = {"essay.md": "lai", "page.md": "kim"}
    repo = manuscripts(tmp_path / "both", env, files, config_for(head))

    done = run(repo, "run", "citeaudit", "--all-files")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "- exit code: 1" in output, output
    assert "essay.md:" in output
    assert "page.md:" not in output


def test_a_manuscript_passed_alone_finds_its_bibliography(
    hook: tuple[Run, str, dict[str, str]], tmp_path: Path
) -> None:
    run, head, env = hook
    files = {
        "refs.bib": BIBTEX,
        "clean.md": PAPER.replace("{keys}", "@cumings1981"),
        "broken.md": PAPER.replace("{keys}", "@cumings1981; @stueck2002"),
    }
    repo = manuscripts(tmp_path / "bib", env, files, config_for(head))

    # pre-commit passes only the changed files: here the manuscript, not refs.bib.
    clean = run(repo, "run", "citeaudit", "--files", "clean.md")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    broken = run(repo, "run", "citeaudit", "--files", "broken.md")
    output = broken.stdout + broken.stderr
    assert broken.returncode == 1, output
    assert "stueck2002" in output
    assert output.count("CIT001") == 1, output  # cumings1981 was found in refs.bib


def test_an_excluded_draft_does_not_fail_the_commit(
    hook: tuple[Run, str, dict[str, str]], tmp_path: Path
) -> None:
    """pre-commit names each staged file; the hook passes --force-exclude, so `exclude`
    and .gitignore leave a draft out as they do in a folder walk."""
    run, head, env = hook
    files = {
        "citeaudit.toml": 'exclude = ["drafts"]\n',
        "page.md": "kim",
        ".gitignore": "scratch/\n",
    }
    repo = manuscripts(tmp_path / "drafts", env, files, config_for(head))
    for folder in ("drafts", "scratch"):
        (repo / folder).mkdir()
        # CIT001 when checked: the commit would fail.
        (repo / folder / "d.md").write_text(
            "A claim [9].\n\n## References\n\n1. Smith, John. *A Book*. 2001.\n", encoding="utf-8"
        )
    git(repo, env, "add", "--force", "drafts/d.md", "scratch/d.md")

    done = run(repo, "run", "citeaudit", "--files", "drafts/d.md", "scratch/d.md", "page.md")
    assert done.returncode == 0, done.stdout + done.stderr
