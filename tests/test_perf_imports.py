"""A one-file run imports no heavy module it does not need (issue 7): numpy, jsonschema and
bibtexparser cost more than a bare Python start, and the Lai essay needs none of them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAI = ROOT / "corpus" / "lai-2023" / "essay.md"
HEAVY = ("numpy", "jsonschema", "bibtexparser")


def imported(*args: str) -> set[str]:
    """Top-level names of the modules a CLI run imports, read from -X importtime."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "citeaudit", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)", done.stderr, re.M)
    assert names, "no -X importtime output"
    return {n.split(".")[0] for n in names}


def test_checking_the_lai_essay_imports_no_heavy_module() -> None:
    modules = imported("check", "--no-cache", str(LAI.relative_to(ROOT)))
    assert "citeaudit" in modules and "rapidfuzz" in modules  # the audit did run
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_the_audit_and_its_rules_import_no_numpy() -> None:
    """The audit's scoring is pure Python: importing and running it on a numbered list
    never loads numpy (rapidfuzz's cdist would)."""
    code = (
        "import sys\n"
        "from citeaudit import engine\n"
        "from citeaudit.config import Settings\n"
        "from citeaudit.load import load\n"
        "from citeaudit.rules import all_rules\n"
        f"doc = load({str(LAI)!r})\n"
        "engine.check(doc, Settings(root='.'), set(all_rules()))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"
