"""CSL-JSON and CSL-YAML bibliographies: what Zotero, Better BibTeX and pandoc use besides
BibTeX (`refs.json`, `refs.yaml`).

Both are read with PyYAML's node composer (JSON is YAML for this purpose), so that every
entry and field keeps its place in the file. A CSL-YAML file holds its items under
`references:` (pandoc's form) or as a top-level list; a CSL-JSON file is a top-level array
(or an object with `items`). What cannot be read becomes one BIB001 diagnostic with the
line, never an exception.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from citeaudit.model import Entry, Field, LineIndex, Problem, Span
from citeaudit.problems import problem

if TYPE_CHECKING:
    import yaml

__all__ = ["is_csl_path", "parse_csl"]

CSL_SUFFIXES = (".json", ".yaml", ".yml")

# CSL types as the BibTeX type names other rules know.
_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "article": "article",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "thesis": "thesis",
    "report": "report",
    "webpage": "online",
    "post-weblog": "online",
    "software": "software",
    "dataset": "dataset",
    "manuscript": "unpublished",
    "entry-encyclopedia": "inreference",
    "entry-dictionary": "inreference",
}
# CSL variable -> the field name the rules read.
_FIELDS = {
    "title": "title",
    "container-title": "container",
    "publisher": "publisher",
    "publisher-place": "address",
    "DOI": "doi",
    "URL": "url",
    "ISBN": "isbn",
    "page": "pages",
    "volume": "volume",
    "issue": "number",
    "edition": "edition",
    "note": "note",
}
_NAME_VARIABLES = ("author", "editor")
_YEAR = re.compile(r"\b(\d{4})\b")


def is_csl_path(path: str) -> bool:
    return path.lower().endswith(CSL_SUFFIXES)


def parse_csl(text: str, path: str) -> tuple[list[Entry], list[Problem]]:
    """Entries of a CSL-JSON or CSL-YAML text, and BIB001 for what cannot be read."""
    import yaml

    index = LineIndex(text)
    if path.lower().endswith(".json"):
        # YAML reads some broken JSON (`"title": }`) without complaint: JSON decides.
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            return [], [_unreadable(path, index, text, error)]
    try:
        node = _compose(text)
    except yaml.YAMLError as error:
        return [], [_unreadable(path, index, text, error)]
    items = _items(node)
    if items is None:
        what = "JSON" if path.lower().endswith(".json") else "YAML"
        return [], [
            _problem(
                path,
                index.span(0, len(text.split("\n", 1)[0])),
                f"not a CSL {what} bibliography: expected a list of items"
                + ("" if what == "JSON" else " or a `references:` list"),
                "not-csl",
            )
        ]
    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: dict[str, Entry] = {}
    for item in items:
        entry = _entry(item, text, index, path)
        if entry is None:
            span = index.span(item.start_mark.index, item.start_mark.index)
            problems.append(
                _problem(path, span, "an item without an `id`: nothing can cite it", "no-id")
            )
            continue
        label = entry.label or ""
        if label in seen:
            first = seen[label]
            problems.append(
                problem(
                    path,
                    entry.label_span or entry.span,
                    "BIB002",
                    (
                        f"key `{label}` is defined twice: first on line {first.span.line}, "
                        f"again on line {entry.span.line}; pandoc keeps one of them"
                    ),
                    context=label,
                )
            )
            continue
        seen[label] = entry
        entries.append(entry)
    return entries, problems


def _compose(text: str) -> yaml.Node | None:
    import yaml

    loader_class: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # Tabs are legal whitespace in JSON but not YAML indentation.
    loader = loader_class(text.replace("\t", " "))
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()


def _items(node: yaml.Node | None) -> list[yaml.MappingNode] | None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) in ("references", "items"):
                node = value
                break
        else:
            return None
    if not isinstance(node, yaml.SequenceNode):
        return None
    return [item for item in node.value if isinstance(item, yaml.MappingNode)]


def _construct(node: yaml.Node) -> Any:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {getattr(k, "value", ""): _construct(v) for k, v in node.value}
    return None


def _entry(item: yaml.MappingNode, text: str, index: LineIndex, path: str) -> Entry | None:
    start, end = item.start_mark.index, item.end_mark.index
    span = index.span(start, end)
    values: dict[str, tuple[Any, Span]] = {}
    label_span: Span | None = None
    for key_node, value_node in item.value:
        name = str(getattr(key_node, "value", ""))
        where = index.span(*_inner(text, value_node.start_mark.index, value_node.end_mark.index))
        values[name] = (_construct(value_node), where)
        if name in ("id", "citation-key") and label_span is None:
            label_span = where
    key = values.get("id") or values.get("citation-key")
    if key is None or not str(key[0]).strip():
        return None
    fields: dict[str, Field] = {}
    for csl, ours in _FIELDS.items():
        if csl in values and _text(values[csl][0]):
            fields[ours] = Field(_text(values[csl][0]), values[csl][1])
    authors: tuple[str, ...] = ()
    for variable in _NAME_VARIABLES:
        if variable in values:
            names = _names(values[variable][0])
            if names:
                fields[variable] = Field(" and ".join(names), values[variable][1])
                if not authors:
                    authors = tuple(names)
    if "issued" in values:
        date = _date(values["issued"][0])
        year = _YEAR.search(date)
        if date:
            fields["date"] = Field(date, values["issued"][1])
        if year:
            fields["year"] = Field(year.group(1), values["issued"][1])
    if "accessed" in values and _date(values["accessed"][0]):
        fields["accessed"] = Field(_date(values["accessed"][0]), values["accessed"][1])
    csl_type = _text(values["type"][0]) if "type" in values else ""
    if "container" in fields:
        journal = csl_type.startswith("article")
        fields["journal" if journal else "booktitle"] = fields["container"]
    return Entry(
        span=span,
        label=str(key[0]).strip(),
        raw=text[start:end],
        fields=fields,
        authors=authors,
        label_span=label_span,
        kind="csl",
        entry_type=_TYPES.get(csl_type, csl_type or None),
        path=path,
    )


def _inner(text: str, start: int, end: int) -> tuple[int, int]:
    """A quoted scalar's offsets without its quotes."""
    written = text[start:end]
    if len(written) >= 2 and written[0] == written[-1] and written[0] in "\"'":
        return start + 1, end - 1
    return start, end


def _text(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return ""
    return " ".join(str(value).split())


def _names(value: Any) -> list[str]:
    names = []
    for person in value if isinstance(value, list) else []:
        if not isinstance(person, dict):
            continue
        if person.get("literal"):
            names.append(_text(person["literal"]))
            continue
        family = " ".join(
            _text(person.get(part, ""))
            for part in ("non-dropping-particle", "family")
            if person.get(part)
        )
        given = _text(person.get("given", ""))
        if family:
            names.append(f"{family}, {given}" if given else family)
    return names


def _date(value: Any) -> str:
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return "-".join(str(p).zfill(2) if i else str(p) for i, p in enumerate(parts[0]))
        for key in ("raw", "literal"):
            if value.get(key):
                return _text(value[key])
        return ""
    return _text(value)


def _unreadable(path: str, index: LineIndex, text: str, error: BaseException) -> Problem:
    mark = getattr(error, "problem_mark", None)
    at = mark.index if mark is not None else 0
    at = min(max(at, 0), len(text))
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    what = "JSON" if path.lower().endswith(".json") else "YAML"
    if what == "JSON":
        try:
            json.loads(text)
        except json.JSONDecodeError as decode_error:
            at, problem = decode_error.pos, decode_error.msg
    span = index.span(at, at)
    return _problem(
        path, span, f"cannot read this CSL {what} file: {problem} (line {span.line})", "csl-syntax"
    )


def _problem(path: str, span: Span, message: str, context: str) -> Problem:
    return problem(path, span, "BIB001", message, context)
