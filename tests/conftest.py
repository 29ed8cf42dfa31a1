"""Shared fixtures: where the project's corpus and the optional ../shared material live."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from citeaudit.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_the_corpus(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Runs in corpus folders must not leave a cache there (nor read a stale one)."""
    os.environ["CITEAUDIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when that folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is not beside this clone)")
    return path


def run_cli(args: Sequence[str], cwd: Path | None = None, stdin: bytes | None = None) -> Result:
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return runner.invoke(main, list(args), input=stdin, catch_exceptions=False)
    finally:
        os.chdir(old)


def findings(args: Sequence[str], cwd: Path | None = None) -> list[dict[str, Any]]:
    result = run_cli(["check", "--format", "json", *args], cwd=cwd)
    assert result.exit_code in (0, 1), result.output
    records: list[dict[str, Any]] = json.loads(result.stdout)
    return records


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli
