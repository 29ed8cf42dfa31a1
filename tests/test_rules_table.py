"""Each core rule on a small manuscript that must raise it, and a near miss that must not."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from citeaudit.rules import all_rules
from tests.conftest import findings, run_cli

LIST = (
    "\n\n## References\n\n"
    "1. Cumings, Bruce. *The Origins of the Korean War*. Princeton: Princeton University Press, 1981.\n"
    "2. Stueck, William. *Rethinking the Korean War*. Princeton: Princeton University Press, 2002.\n"
)
AUTHOR_DATE = (
    "\n\n## References\n\n"
    "Nair, Janaki. 2008. *Women and Law*. New Delhi: Kali.\n\n"
    "Scott, Joan W. 1986. “Gender.” *American Historical Review* 91 (5): 1053–75.\n\n"
)
AD_WALKER = "Walker, Rebecca. 1993. “Becoming the Third Wave.” *Ms.* 2 (4): 39–41.\n\n"
AD_WHITE = "White, Deborah G. 2008. *Telling Histories*. Chapel Hill: UNC Press.\n\n"
CASES: list[tuple[str, str, str]] = [
    # (code, text that raises it, near miss that must not)
    (
        "CIT001",
        "Cumings [1] and Stueck [2] disagree [3]." + LIST,
        "Cumings [1] and Stueck [2] disagree." + LIST,
    ),
    ("CIT002", "Cumings argued for a civil war [1]." + LIST, "Cumings [1] and Stueck [2]." + LIST),
    (
        "CIT006",
        "Stueck [2] answers Cumings [1]." + LIST,
        "Cumings [1] is answered by Stueck [2]." + LIST,
    ),
    ("CIT007", "Both wrote on it [2-1]." + LIST, "Both wrote on it [1-2]." + LIST),
    (
        "CIT008",
        "Cumings [1] and Stueck (Stueck 2002) disagree." + LIST,
        "Cumings [1] and Stueck [2] disagree (March 1950)." + LIST,
    ),
    (
        "REF001",
        "Cumings [1], Stueck [2], again [3]."
        + LIST
        + "3. Stueck William, (1947) Rethinking the Korean War, Princeton University Press.\n",
        "Cumings [1], Stueck [2], again [3]."
        + LIST
        + "3. Stueck, William. *The Korean War in World History*. Lexington: University Press of Kentucky, 2004.\n",
    ),
    (
        "REF002",
        "Cumings [1], Stueck [2], Foot [4]."
        + LIST
        + "4. Foot, Rosemary. *The Wrong War*. Ithaca: Cornell University Press, 1985.\n",
        "Cumings [1], Stueck [2], Foot [3]."
        + LIST
        + "3. Foot, Rosemary. *The Wrong War*. Ithaca: Cornell University Press, 1985.\n",
    ),
    (
        "REF003",
        "Cumings [1], Stueck [2], Foot [3]."
        + LIST
        + "3. Foot, Rosemary. *The Wrong War*. Ithaca: Cornell University Press.\n",
        "Cumings [1], Stueck [2], Foot [3]."
        + LIST
        + "3. Foot, Rosemary. *The Wrong War*. Ithaca: Cornell University Press, n.d.\n",
    ),
    (
        "REF004",
        "Cumings [1], Stueck [2], Foot [3]."
        + LIST
        + "3. Foot, Rosemary. *The Wrong War: American Policy in the Korean War*. Ithaca: Cornell University Press, 1948.\n",
        "Cumings [1], Stueck [2], Foot [3]."
        + LIST
        + "3. Foot, Rosemary. *The Wrong War: American Policy in the Korean War*. Ithaca: Cornell University Press, 1985.\n",
    ),
    (
        "NOTE001",
        "Kim lied to Stalin.[^1]\n",
        "Kim lied to Stalin.[^1]\n\n[^1]: Weathersby, *Soviet Aims*, 12.\n",
    ),
    (
        "NOTE002",
        "Kim lied to Stalin.\n\n[^1]: Weathersby, *Soviet Aims*, 12.\n",
        "Kim lied.[^1]\n\n[^1]: Weathersby, *Soviet Aims*, 12.\n",
    ),
    (
        "REF007",
        "Walker (1993, 4) and White (2008, 3)." + AUTHOR_DATE + AD_WHITE + AD_WALKER,
        "Walker (1993, 4) and White (2008, 3)." + AUTHOR_DATE + AD_WALKER + AD_WHITE,
    ),
    (
        "SRC006",
        'Scott called it "a useful category of historical analysis" (Scott 1986).' + AUTHOR_DATE,
        'Scott called it "a useful category of historical analysis" (Scott 1986, 1067).'
        + AUTHOR_DATE,
    ),
    (
        "SRC007",
        "As Weathersby stated, Kim needed Stalin. Scott agreed (Scott 1986, 2)." + AUTHOR_DATE,
        "As Scott stated, Kim needed Stalin. Scott agreed (Scott 1986, 2)." + AUTHOR_DATE,
    ),
    (
        "SUP001",
        "<!-- citeaudit: ignore CIT001 -->\nCumings [1] and Stueck [2]." + LIST,
        "<!-- citeaudit: ignore CIT001 -->\nCumings [1] and Stueck [2] and [9]." + LIST,
    ),
]


@pytest.mark.parametrize(("code", "fires", "quiet"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_and_stays_quiet(tmp_path: Path, code: str, fires: str, quiet: str) -> None:
    for name, text, expected in (("fires.md", fires, True), ("quiet.md", quiet, False)):
        path = tmp_path / name
        path.write_text(f"# A Draft on Korea\n\n{text}", encoding="utf-8")
        # A suppression is judged only against rules that run, so SUP001 needs CIT001 on.
        selected = f"{code},CIT001" if code == "SUP001" else code
        codes = {r["code"] for r in findings(["--isolated", "--select", selected, str(path)])}
        assert (code in codes) is expected, f"{name}: {codes}"


def test_io001_fires_on_binary_and_not_on_text(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"\x00\x01binary\x00")
    (tmp_path / "b.md").write_text("Plain prose with no citations.\n")
    records = findings(["--isolated", str(tmp_path / "a.md"), str(tmp_path / "b.md")])
    assert [(Path(str(r["path"])).name, r["code"]) for r in records] == [("a.md", "IO001")]


def test_every_rule_is_documented() -> None:
    for code, rule in all_rules().items():
        for section in ("## What it does", "## Why is this bad?", "## Example"):
            assert section in rule.doc, f"{code} lacks {section}"
        assert rule.name == rule.name.lower() and " " not in rule.name


# -- the README's rule table against the registry ------------------------------------------

README = Path(__file__).resolve().parents[1] / "README.md"
ROW = re.compile(r"^\|\s*([A-Z]+[0-9]+)\s*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|", re.MULTILINE)


def readme_rules() -> dict[str, tuple[str, str]]:
    """{code: (name, default)} from the rows of the table under `## Rules`."""
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Rules\n")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end != -1 else len(text)]
    rows: dict[str, tuple[str, str]] = {}
    for code, name, default in ROW.findall(section):
        assert code not in rows, f"README lists {code} twice"
        rows[code] = (name, default)
    return rows


def test_readme_table_is_read() -> None:
    # Guards the tests below against a parser that reads nothing from the README.
    rows = readme_rules()
    assert len(rows) >= 20 and rows["CIT001"] == ("undefined-citation", "error")


def test_every_registered_rule_is_in_the_readme_table() -> None:
    rows = readme_rules()
    missing = sorted(set(all_rules()) - set(rows))
    assert not missing, f"README's rule table lacks {missing}"
    for code, rule in all_rules().items():
        name, default = rows[code]
        assert name == rule.name, f"README names {code} {name!r}, the registry {rule.name!r}"
        # The default column is the severity, and says "off" for a rule that is not on
        # by default ("info, off").
        words = re.findall(r"[a-z]+", default)
        assert words[:1] == [rule.severity], f"README: {code} is {default!r}, not {rule.severity}"
        assert ("off" in words) is (not rule.default_enabled), (
            f"README: {code} default {default!r}, but enabled by default: {rule.default_enabled}"
        )


def test_every_readme_row_is_a_registered_rule() -> None:
    unknown = sorted(set(readme_rules()) - set(all_rules()))
    assert not unknown, f"README's rule table lists codes that no rule registers: {unknown}"


def test_a_crashing_rule_is_reported_as_err001(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ERR001 reports a bug in citeaudit, so no document can be written to raise it on
    # purpose: a rule is made to fail instead.
    from citeaudit import rules

    def boom(doc: object, ctx: object) -> list[object]:
        raise ValueError("deliberate failure")

    monkeypatch.setitem(rules._REGISTRY, "REF006", replace(rules._REGISTRY["REF006"], check=boom))
    path = tmp_path / "draft.md"
    path.write_text("# A Draft on Korea\n\nCumings [1] and Stueck [2] disagree [3]." + LIST)
    result = run_cli(
        ["check", "--isolated", "--no-cache", "--jobs", "1", "--format", "json", str(path)]
    )
    assert result.exit_code == 2, result.output
    records = json.loads(result.stdout)
    crash = [r for r in records if r["code"] == "ERR001"]
    assert len(crash) == 1 and "rule REF006" in crash[0]["message"]
    assert "ValueError: deliberate failure" in crash[0]["message"]
    # The other rules still ran: the undefined [3] is reported.
    assert "CIT001" in {r["code"] for r in records}


def test_every_package_folder_is_installed() -> None:
    """A folder of modules that pyproject.toml does not list is left out of a wheel, and
    its rules (or linkers) vanish from an installed citeaudit without a word."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(
        tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
            "packages"
        ]
    )
    found = set()
    for top, name in (("lint", "citeaudit"), ("rules", "citeaudit.rules")):
        for init in (root / top).rglob("__init__.py"):
            parts = init.parent.relative_to(root / top).parts
            found.add(".".join((name, *parts)))
    assert found == listed


def test_rule_prints_where_the_rule_and_its_cases_live(cli: object) -> None:
    result = run_cli(["rule", "CIT004"])
    assert "`citeaudit.rules.cit.audit` (`numbering_shift`)" in result.output
    assert "corpus/cases/cit004-fires/" in result.output
