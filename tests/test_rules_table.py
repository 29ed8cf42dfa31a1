"""Each core rule on a small manuscript that must raise it, and a near miss that must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeaudit.rules import all_rules
from tests.conftest import findings

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


def test_every_rule_has_a_row_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [code for code in all_rules() if f"| {code} |" not in readme]
    assert not missing, f"rules without a row in the README rule table: {missing}"
