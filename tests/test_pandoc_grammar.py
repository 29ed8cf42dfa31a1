"""The citation-key grammar checked against pandoc's own parser (`pandoc -t json`).

Skips with a reason when pandoc is not installed (`.ci/run` installs it when it can).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from citeaudit.adapters.pandoc import find_pandoc_citations
from citeaudit.adapters.prose import mask
from citeaudit.model import LineIndex

PANDOC = shutil.which("pandoc")

# Each line is one paragraph; pandoc reads them all in one run.
CASES = [
    "see @petrie1899---and more",
    "see @abc--def here",
    "see @abc-def here",
    "As @Smith2019. said",
    "see @a:b:c here",
    "see @Taylor:2016, @Kneisel:2013 here",
    "see @a.b. here",
    "see @key[p. 3] here",
    "see @k::x here",
    "see @1abc and @_abc and @é here",
    "see [@a; @b, p. 3; -@c] here",
    "see @a+b and @a+-b here",
    "see @a/b/c and @a://b here",
    "see @{a} and @{Foo_bar.baz.} here",
    "see @{weird key} here",
    "mail a@b.org and x.@abc here",
    "escaped \\@handle here",
    "said (@abc, 2) and -@abc here",
    "see @abc's and @abc’s here",
    "see [@a, p. 3; @b] and [see @c, ch. 2] here",
    "see `@code` here",
]


def _pandoc_keys(text: str) -> list[list[str]]:
    """The citation ids of each paragraph, in order."""
    assert PANDOC is not None
    result = subprocess.run(
        [PANDOC, "-f", "markdown", "-t", "json"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    blocks = json.loads(result.stdout)["blocks"]
    out = []
    for block in blocks:
        keys: list[str] = []
        _walk(block, keys)
        out.append(keys)
    return out


def _walk(node: Any, keys: list[str]) -> None:
    if isinstance(node, dict):
        if node.get("t") == "Cite":
            keys.extend(citation["citationId"] for citation in node["c"][0])
        for value in node.values():
            _walk(value, keys)
    elif isinstance(node, list):
        for value in node:
            _walk(value, keys)


def _our_keys(text: str) -> list[str]:
    prose = mask(text, "markdown")
    found = find_pandoc_citations(prose, text, LineIndex(text))
    return [key for citation in found for key in citation.targets]


@pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed (apt-get install pandoc)")
def test_key_grammar_matches_pandoc() -> None:
    theirs = _pandoc_keys("\n\n".join(CASES) + "\n")
    assert len(theirs) == len(CASES)
    for text, expected in zip(CASES, theirs, strict=True):
        assert _our_keys(text) == expected, text
