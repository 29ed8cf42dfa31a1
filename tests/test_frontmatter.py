"""Pandoc metadata blocks, read as pandoc reads them."""

from __future__ import annotations

import pytest

from citeaudit.frontmatter import read_metadata


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nbibliography: a.bib\n---\n", {"bibliography": "a.bib"}),
        ("\n\n---\nbibliography: a.bib\n---\n", {"bibliography": "a.bib"}),
        ("% Title\n% Author\n\n---\nbibliography: a.bib\n...\n", {"bibliography": "a.bib"}),
        # Two blocks: both are read, and the first to set a field wins.
        (
            "---\ntitle: A\n---\n\nText.\n\n---\ntitle: B\nbibliography: b.bib\n---\n",
            {"title": "A", "bibliography": "b.bib"},
        ),
        # Not metadata: no blank line before, a blank line after the opening, not a mapping,
        # inside a code block.
        ("Text\n---\nbibliography: a.bib\n---\n", {}),
        ("Text\n\n---\n\nbibliography: a.bib\n---\n", {}),
        ("Text\n\n---\nJust a sentence between two rules.\n---\n", {}),
        ("```\n---\nbibliography: a.bib\n---\n```\n", {}),
    ],
)
def test_metadata_blocks(text: str, expected: dict[str, str]) -> None:
    assert read_metadata(text).fields == expected


def test_values_keep_their_place() -> None:
    text = "---\ntitle: x\nbibliography:\n  - one.bib\n  - 'two.bib'\n---\n"
    values = read_metadata(text).strings("bibliography")
    assert [v.text for v in values] == ["one.bib", "two.bib"]
    assert [text[v.start : v.end] for v in values] == ["one.bib", "'two.bib'"]


def test_broken_yaml_is_noted_not_raised() -> None:
    meta = read_metadata("---\nbibliography: [a.bib\n---\n")
    assert meta.fields == {} and len(meta.broken) == 1
