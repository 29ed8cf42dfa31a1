"""Pandoc metadata read as pandoc reads it: YAML blocks parsed by a YAML library.

Pandoc accepts a YAML block at the top of the file, or anywhere after a blank line (so
after a `%` title block, or after blank lines at the top), delimited by `---` and `---`
or `...`; the opening `---` must not be followed by a blank line. A document may hold
several blocks; when two set the same field, the first wins. A block that is not a YAML
mapping is not metadata (it is a horizontal rule and some text).

Values keep their place in the file, so a finding about `bibliography:` can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from citeaudit.patterns import LazyPattern

if TYPE_CHECKING:
    import yaml

__all__ = ["Metadata", "Value", "read_metadata"]

_OPEN = LazyPattern(r"^---[ \t]*\r?$", re.M)
_CLOSE = LazyPattern(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
_FENCE = LazyPattern(r"^ {0,3}(`{3,}|~{3,})", re.M)


@dataclass(frozen=True, slots=True)
class Value:
    """A scalar of the metadata with its offsets in the file (end exclusive)."""

    text: str
    start: int
    end: int


@dataclass
class Metadata:
    """The merged metadata of a document: the first block that sets a field wins."""

    fields: dict[str, Any] = field(default_factory=dict)
    # The scalars under each top-level field, in order, located in the file.
    located: dict[str, list[Value]] = field(default_factory=dict)
    # Offsets of every metadata block, fences included.
    blocks: list[tuple[int, int]] = field(default_factory=list)
    # Blocks that look like metadata but are not valid YAML: (start, end, the parser's words).
    broken: list[tuple[int, int, str]] = field(default_factory=list)

    def strings(self, name: str) -> list[Value]:
        """The scalar values under `name` (a string, or a list of strings), located."""
        return list(self.located.get(name, []))


def _candidates(text: str) -> Iterator[tuple[int, int, int, int]]:
    """(block start, body start, body end, block end) of each `---` ... `---` block that
    pandoc would try to read as YAML."""
    fences = _fenced_ranges(text)
    pos = 0
    while True:
        opening = _OPEN.search(text, pos)
        if opening is None:
            return
        pos = opening.end()
        start = opening.start()
        if any(a <= start < b for a, b in fences):
            continue
        # At the top of the file, or after a blank line (blank lines at the top included).
        if start > 0:
            previous = text[text.rfind("\n", 0, start - 1) + 1 : start - 1]
            if previous.strip():
                continue
        body_start = opening.end() + 1
        if body_start > len(text) or text[body_start:].split("\n", 1)[0].strip() == "":
            continue  # `---` then a blank line: a horizontal rule
        closing = _CLOSE.search(text, body_start)
        if closing is None:
            return
        end = closing.end()
        yield start, body_start, closing.start(), end
        pos = end


def _fenced_ranges(text: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    pos = 0
    while True:
        opening = _FENCE.search(text, pos)
        if opening is None:
            return ranges
        fence = opening.group(1)
        closing = re.compile(rf"^ {{0,3}}{fence[0]}{{{len(fence)},}}[ \t]*$", re.M)
        close = closing.search(text, opening.end())
        end = close.end() if close else len(text)
        ranges.append((opening.start(), end))
        pos = end


@lru_cache(maxsize=4)
def read_metadata(text: str) -> Metadata:
    """Every YAML metadata block of `text`, merged; never raises."""
    meta = Metadata()
    if "---" not in text:
        return meta
    for start, body_start, body_end, end in _candidates(text):
        body = text[body_start:body_end]
        try:
            node, data = _parse(body)
        except Exception as error:  # a YAML error: pandoc stops with a message too
            if _looks_like_metadata(body):
                meta.broken.append((start, end, _yaml_problem(error)))
            continue
        if not isinstance(data, dict):
            continue
        meta.blocks.append((start, end))
        for key, value in data.items():
            if isinstance(key, str) and key not in meta.fields:
                meta.fields[key] = value
                meta.located[key] = list(_scalars(node, key, body_start))
    return meta


def _looks_like_metadata(body: str) -> bool:
    return bool(re.match(r"\s*[A-Za-z_][\w-]*\s*:", body))


def _yaml_problem(error: BaseException) -> str:
    problem = getattr(error, "problem", None)
    return str(problem or error).strip().splitlines()[0]


def _parse(body: str) -> tuple[yaml.Node | None, Any]:
    import yaml

    loader_class: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(body)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def _scalars(node: yaml.Node | None, key: str, base: int) -> Iterator[Value]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        if getattr(key_node, "value", None) != key:
            continue
        stack = [value_node]
        while stack:
            current = stack.pop(0)
            if isinstance(current, yaml.ScalarNode):
                yield Value(
                    str(current.value),
                    base + current.start_mark.index,
                    base + current.end_mark.index,
                )
            elif isinstance(current, yaml.SequenceNode):
                stack = list(current.value) + stack
        return
