"""Real manuscripts by other authors (../shared/corpus-real): no crash anywhere, no
source-audit finding on published numeric papers, and exactly the genuine defects."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import CORPUS, run_cli, shared_path

NUMERIC = [
    "ethereum-whitepaper-2014.md",
    "nakamoto-bitcoin-whitepaper-asciidoc.asciidoc",
    "nakamoto-bitcoin-whitepaper-md.md",
    "pep-0450-statistics.rst",
    "rfc791-internet-protocol.txt",
    "tor-proposal-236-single-guard.txt",
    "unm-enlightenment-historiography.md",
]
# Read by hand: Ethereum's note 3 has no marker, and the UNM essay's notes 4, 6 and 7 are
# orphans (its corpus notes say so). Everything else in the folder is clean.
GENUINE = {
    ("ethereum-whitepaper-2014.md", 478, "CIT002"),
    ("unm-enlightenment-historiography.md", 119, "CIT002"),
    ("unm-enlightenment-historiography.md", 125, "CIT002"),
    ("unm-enlightenment-historiography.md", 128, "CIT002"),
}
AUDIT = {"CIT003", "CIT004", "CIT005"}


def check_json(paths: list[str], cwd: Path) -> list[dict[str, object]]:
    result = run_cli(["check", "--isolated", "--format", "json", *paths], cwd=cwd)
    assert result.exit_code in (0, 1), result.output
    records: list[dict[str, object]] = json.loads(result.stdout)
    return records


def test_numeric_papers_report_exactly_their_genuine_defects() -> None:
    folder = shared_path("corpus-real", "numeric")
    records = check_json(NUMERIC, folder)
    found = {
        (str(r["path"]), int(str(r["line"])), str(r["code"]))
        for r in records
        if r["code"]
        in (
            "CIT001",
            "CIT002",
            "CIT006",
            "CIT007",
            "REF001",
            "REF002",
            "REF003",
            "REF004",
            "NOTE001",
            "NOTE002",
            *AUDIT,
        )
    }
    assert found == GENUINE


def test_every_real_manuscript_is_checked_without_error() -> None:
    root = shared_path("corpus-real")
    with open(root / "INDEX.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    paths = [p for row in rows for p in row["path"].split(";") if (root / p).is_file()]
    assert len(paths) > 30
    records = check_json(paths, root)
    assert not [r for r in records if r["code"] in AUDIT and r["path"].startswith("numeric/")]
    assert not [r for r in records if "internal error" in str(r["message"])]


def test_corpus_copies_of_the_seeds_are_unchanged() -> None:
    seeds = shared_path("seeds")
    assert (CORPUS / "lai-2023" / "essay.md").read_bytes() == (
        seeds / "003_f7c34cf41300fe5d.txt"
    ).read_bytes()
    assert (CORPUS / "kim-2019" / "page.txt").read_bytes() == (
        seeds / "000_0a0ae64dbf621eea.txt"
    ).read_bytes()


@pytest.mark.parametrize(
    ("seed", "exit_code"), [("003_f7c34cf41300fe5d.txt", 1), ("000_0a0ae64dbf621eea.txt", 0)]
)
def test_seeds_as_original_txt(seed: str, exit_code: int) -> None:
    path = shared_path("seeds", seed)
    assert run_cli(["check", "--isolated", str(path)]).exit_code == exit_code
