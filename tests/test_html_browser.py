"""The HTML report in a real browser: headless Chromium, driven over the DevTools protocol.

Skipped, with the reason, when Chromium is not installed (`.ci/run` installs Debian's
package when it can). Set CITEAUDIT_SCREENSHOTS to a folder to keep the screenshots.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import Browser, find_chromium
from tests.conftest import ROOT, run_cli

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed: .ci/run installs Debian's chromium package when "
    "apt-get can reach it; without it the report is not tested in a browser",
)
LAI = "corpus/lai-2023/essay.md"
HOSTILE = "tests/data/html/hostile.md"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    pytest.importorskip("websocket", reason="websocket-client (a test extra) is not installed")
    assert CHROMIUM is not None
    try:
        instance = Browser(CHROMIUM)
    except (OSError, RuntimeError) as error:
        pytest.skip(f"{CHROMIUM} is installed but did not start: {error}")
    try:
        yield instance
    finally:
        instance.close()


def report(tmp_path: Path, *paths: str, name: str = "report.html") -> Path:
    out = tmp_path / name
    result = run_cli(["check", "--format", "html", "-o", str(out), *paths], cwd=ROOT)
    assert result.exit_code in (0, 1), result.output
    return out


def keep(shot: Path) -> None:
    folder = os.environ.get("CITEAUDIT_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        shutil.copyfile(shot, os.path.join(folder, shot.name))


def squash(text: str) -> str:
    return " ".join(text.split())


def screenshot(browser: Browser, path: Path, **size: int) -> None:
    browser.screenshot(str(path), **size)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a page of text and colour, not a blank frame
    keep(path)


def records(path: str) -> list[dict[str, Any]]:
    result = run_cli(["check", "--format", "json", path], cwd=ROOT)
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def marker(browser: Browser, label: str, line: int) -> str:
    """The id of the citation marker that shows `label` on `line`."""
    found = browser.evaluate(
        "Array.from(document.querySelectorAll('details.cite')).filter(d =>"
        f" d.querySelector('.mk').textContent === {json.dumps(label)}"
        f" && d.closest('.block').querySelector('.gut').textContent <= '{line}')"
        ".map(d => [d.id, d.closest('.block').querySelector('.gut').textContent])"
    )
    ids = [ident for ident, _ in found if int(_) <= line]
    assert ids, (label, line, found)
    return str(ids[-1])


def test_the_lai_report_shows_every_finding(browser: Browser, tmp_path: Path) -> None:
    browser.open(str(report(tmp_path, LAI)))
    screenshot(browser, tmp_path / "lai-top.png")
    cards = browser.evaluate(
        "Array.from(document.querySelectorAll('.finding')).map(e => e.textContent)"
    )
    # Visible without a click: the summary's list of findings.
    listed = squash(browser.evaluate("document.querySelector('.flist').innerText"))
    expected = records(LAI)
    # As many as the golden file of the essay pins.
    assert len(expected) == len(
        (ROOT / "corpus/lai-2023/expected.txt").read_text("utf-8").splitlines()
    )
    for record in expected:
        assert any(
            record["code"] in card and squash(record["message"]) in squash(card) for card in cards
        ), record
        assert squash(record["message"]) in listed, record
    # The markers of the numbering shift say where they should point, next to the text.
    tags = browser.evaluate(
        "Array.from(document.querySelectorAll('details.cite > summary')).map(s => s.innerText)"
    )
    assert sum("CIT004" in squash(t) for t in tags) == 7
    assert any("[15]" in t and "CIT005" in t for t in tags)


def test_clicking_a_shifted_marker_reveals_the_entry_it_should_point_to(
    browser: Browser, tmp_path: Path
) -> None:
    browser.open(str(report(tmp_path, LAI)))
    ident = marker(browser, "[8]", 31)
    card = f"document.querySelector('#{ident} > .card')"
    assert browser.evaluate(f"{card}.getBoundingClientRect().height") == 0
    browser.click(f"#{ident} > summary")
    time.sleep(0.2)
    assert browser.evaluate(f"document.getElementById('{ident}').open") is True
    assert browser.evaluate(f"{card}.getBoundingClientRect().height") > 100
    screenshot(browser, tmp_path / "lai-shift-open.png")
    text = squash(browser.evaluate(f"{card}.innerText"))
    links = squash(browser.evaluate(f"{card}.querySelector('.preview').innerText"))
    should = squash(browser.evaluate(f"{card}.querySelector('.suggested').innerText"))
    assert links.startswith("entry [8]") and "Politburo Decision" in links
    assert "entry [7]" in should and "Telegram from Gromyko to Tunkin" in should
    assert "CIT004" in text and "renumber 4 markers by -1" in text
    # Following the suggestion lands on entry [7] in the reference list.
    browser.click(f"#{ident} .suggested a")
    time.sleep(0.2)
    target = browser.evaluate("location.hash")
    assert browser.evaluate(f"document.querySelector('{target}').innerText").startswith("59")
    assert "- [7] Telegram from Gromyko" in browser.evaluate(
        f"document.querySelector('{target}').innerText"
    )


def test_the_overloaded_15_and_the_two_stueck_entries(browser: Browser, tmp_path: Path) -> None:
    browser.open(str(report(tmp_path, LAI)))
    ident = marker(browser, "[15]", 37)
    browser.click(f"#{ident} > summary")
    text = squash(browser.evaluate(f"document.querySelector('#{ident} > .card').innerText"))
    assert "CIT005" in text and "cannot be all of them" in text
    assert "entry [13]" in browser.evaluate(
        f"document.querySelector('#{ident} .suggested').innerText"
    )
    # Entry [6], the second Stueck, shows its findings under it without a click.
    entries = browser.evaluate(
        "Array.from(document.querySelectorAll('.entry')).map(e => e.innerText)"
    )
    stueck = [squash(e) for e in entries if "Stueck" in e]
    assert len(stueck) == 2
    assert "REF001" in stueck[1] and "REF004" in stueck[1] and "1947" in stueck[1]
    assert "named by ref001" in stueck[0].lower()  # the heading is in capitals


def test_everything_is_there_with_javascript_off(browser: Browser, tmp_path: Path) -> None:
    browser.open(str(report(tmp_path, LAI)), javascript=False)
    try:
        assert browser.evaluate("document.querySelectorAll('button.sort').length") == 0
        ident = marker(browser, "[9]", 31)
        browser.click(f"#{ident} > summary")
        assert browser.evaluate(f"document.getElementById('{ident}').open") is True
        assert "entry [8]" in browser.evaluate(
            f"document.querySelector('#{ident} .suggested').innerText"
        )
        # A jump from the list of findings opens the card it lands in.
        browser.click(".flist li:nth-child(3) a")
        time.sleep(0.2)
        target = browser.evaluate("location.hash.slice(1)")
        assert (
            browser.evaluate(f"document.getElementById('{target}').getBoundingClientRect().height")
            > 0
        )
        screenshot(browser, tmp_path / "lai-no-javascript.png")
    finally:
        browser.send("Emulation.setScriptExecutionDisabled", value=False)


def test_a_hostile_manuscript_runs_nothing(browser: Browser, tmp_path: Path) -> None:
    browser.open(str(report(tmp_path, HOSTILE)))
    time.sleep(0.5)  # time for an onerror or onload handler, had one been created
    screenshot(browser, tmp_path / "hostile.png")
    assert browser.evaluate("document.title") == f"citeaudit: {HOSTILE}"
    assert browser.evaluate("typeof window.pwned") == "undefined"
    assert browser.evaluate("document.scripts.length") == 1
    counts = browser.evaluate(
        "['img', 'iframe', 'svg', 'base', 'object', 'embed']"
        ".map(t => document.getElementsByTagName(t).length)"
    )
    assert counts == [0, 0, 0, 0, 0, 0]
    assert browser.evaluate("document.getElementById('jslink')") is None
    assert browser.evaluate("getComputedStyle(document.body).display") == "block"
    # The report's own script did run: the page is not just one with scripts blocked.
    assert browser.evaluate("document.querySelectorAll('button.sort').length") > 0
    body = browser.evaluate("document.body.textContent")
    assert '<script>document.title = "pwned"; window.pwned = 1;</script>' in body


def test_dark_and_high_contrast_settings(browser: Browser, tmp_path: Path) -> None:
    browser.open(str(report(tmp_path, LAI)))

    def background() -> list[int]:
        value = browser.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        return [int(n) for n in value[value.index("(") + 1 : -1].split(",")[:3]]

    assert sum(background()) > 600
    try:
        browser.media(prefers_color_scheme="dark")
        assert sum(background()) < 150
        screenshot(browser, tmp_path / "lai-dark.png")
        browser.media(prefers_color_scheme="light", prefers_contrast="more")
        assert background() == [255, 255, 255]
        ink = browser.evaluate("getComputedStyle(document.body).color")
        assert ink == "rgb(0, 0, 0)"
        screenshot(browser, tmp_path / "lai-contrast.png")
    finally:
        browser.media(prefers_color_scheme="light", prefers_contrast="no-preference")


def test_the_folder_index_sorts_by_a_column(browser: Browser, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli(["check", "--format", "html", "-o", str(out), "corpus/cases"], cwd=ROOT)
    assert result.exit_code == 1, result.output
    browser.open(str(out / "index.html"))
    column = (
        "Array.from(document.querySelectorAll('table.index tbody tr'))"
        ".map(r => Number(r.cells[6].dataset.sort))"
    )
    browser.click("table.index th:nth-child(7) button")
    up = browser.evaluate(column)
    assert up == sorted(up) and up[0] < up[-1]
    browser.click("table.index th:nth-child(7) button")
    assert browser.evaluate(column) == sorted(up, reverse=True)
    screenshot(browser, tmp_path / "index.png")
    first = browser.evaluate("document.querySelector('table.index tbody a').getAttribute('href')")
    assert (out / first).is_file()
