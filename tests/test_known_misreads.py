"""Wrong findings met while writing the corpus cases, each pinned as a strict xfail.

Each test states what a careful editor expects. When a change fixes one, its test passes,
strict xfail turns that into a failure, and the marker (and any golden line that recorded
the old behaviour) must go: the fix is then seen in review rather than by chance.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CORPUS, findings, run_cli

LIST = "\n\n## References\n\n"


def codes_on(tmp_path: Path, text: str, select: str) -> list[tuple[int, str, str]]:
    path = tmp_path / "draft.md"
    path.write_text(f"# A Draft on Korea\n\n{text}", encoding="utf-8")
    # Exit 2 is allowed: a crash (ERR001) is one of the misreads pinned here.
    result = run_cli(["check", "--format", "json", "--isolated", "--select", select, str(path)])
    assert result.exit_code in (0, 1, 2), result.output
    records = json.loads(result.stdout)
    return [(r["line"], r["code"], r["message"]) for r in records]


@pytest.mark.xfail(
    strict=True,
    reason="a section file checked on its own resolves \\input from its own folder, "
    "not from the main file's, as LaTeX does (corpus/cases/latex-multifile/expected.txt)",
)
def test_a_section_checked_alone_reads_includes_from_the_main_folder() -> None:
    case = CORPUS / "cases" / "latex-multifile"
    records = findings(["latex/sections/aside.tex", "latex/sections/body.tex"], cwd=case)
    assert [r["message"] for r in records if r["code"] == "IO001"] == []


def test_a_suppression_shown_as_code_is_not_a_suppression(tmp_path: Path) -> None:
    text = (
        "Write `<!-- citeaudit: ignore CIT001 -->` before the line [1].\n\n"
        "```markdown\n<!-- citeaudit: ignore CIT002 -->\n```\n"
        + LIST
        + "1. Ory, Pascal. *Le Café*. Paris: Gallimard, 1997.\n"
    )
    assert codes_on(tmp_path, text, "SUP001,CIT001,CIT002") == []


@pytest.mark.xfail(strict=True, reason="a page number after the date is read as the year")
def test_a_page_number_is_not_a_year(tmp_path: Path) -> None:
    text = (
        "The letter was read out [1]."
        + LIST
        + "1. Congressional Record, vol. 97, 5 April 1951, 3380.\n"
    )
    assert codes_on(tmp_path, text, "REF004") == []


@pytest.mark.xfail(
    strict=True, reason="an author followed by the name in Hangul is not read as an author"
)
def test_an_author_with_a_name_in_hangul_has_an_author(tmp_path: Path) -> None:
    text = (
        "Kim Dong-choon wrote on it [1]."
        + LIST
        + "1. Kim Dong-choon (김동춘). *The Unending Korean War*. Larkspur: Tamal Vista, 2009.\n"
    )
    assert codes_on(tmp_path, text, "REF003") == []


@pytest.mark.xfail(
    strict=True,
    reason="the publisher is taken for the title, so a missing title is called a missing date",
)
def test_an_entry_without_a_title_is_reported_as_such(tmp_path: Path) -> None:
    text = (
        "Cumings wrote a short history [1]." + LIST + "1. Cumings, Bruce. Modern Library, 2010.\n"
    )
    assert [m for _, _, m in codes_on(tmp_path, text, "REF003")] == ["entry [1] has no title"]


def test_a_url_with_an_ipv6_host_does_not_crash_a_rule(tmp_path: Path) -> None:
    text = (
        "The report survives on one server [1]."
        + LIST
        + '1. Signals Corps. "Report on Radio Traffic." 1950. '
        + "http://[2001:db8::1]/reports/traffic-1950.pdf. Accessed 3 May 2023.\n"
    )
    assert codes_on(tmp_path, text, "ERR001,REF006,SRC004") == []
