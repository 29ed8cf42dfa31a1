"""Reference-manager fields in Word: Zotero and Mendeley citations hold CSL-JSON.

Zotero writes `ADDIN ZOTERO_ITEM CSL_CITATION {json}` and Mendeley `ADDIN CSL_CITATION
{json}`; the JSON lists the cited items (`citationItems[].itemData`, CSL-JSON) and the
text the manager inserted (Zotero `properties.plainCitation`, Mendeley
`mendeley.plainTextFormattedCitation`). The field's result is what the reader sees. When
the two disagree, someone typed over the citation: the next refresh will undo the edit,
or, if the manager was told to keep it, the text no longer says what the item is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from citeaudit.model import Citation, Document, Entry, Field, Span
from citeaudit.problems import problem

if TYPE_CHECKING:
    from citeaudit.adapters.docx import FieldSpan

_CITATION = re.compile(r"^\s*ADDIN\s+(?:ZOTERO_ITEM\s+)?CSL_CITATION\s*", re.I)
_BIBLIOGRAPHY = re.compile(r"^\s*ADDIN\s+(?:ZOTERO_BIBL|Mendeley Bibliography)\b", re.I)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_NAME_BEFORE_YEAR = re.compile(
    r"([A-Z][\w'’\-]+)(?:\s+(?:et\s+al\.?|and|&)(?:\s+[A-Z][\w'’\-]+)?)?,?\s+(?=(?:1[5-9]\d\d|20\d\d)(?!\d))"
)
_RTF = re.compile(r"\{\\[a-z]+\d*\s?|\\[a-z]+\d*\s?|[{}]")
_TAGS = re.compile(r"<[^>]+>")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " ", "–": "-"})
_URI_KEY = re.compile(r"[/=]")
_MANAGERS = {"zotero": "Zotero", "mendeley": "Mendeley"}


@dataclass(frozen=True, slots=True)
class FieldCitation:
    span: Span
    visible: str
    manager: str
    items: tuple[dict[str, Any], ...]
    keys: tuple[str, ...]  # one per item: the manager's item URI's key
    inserted: str | None  # the text the manager inserted
    deliberate: bool  # the manager was told to keep an edit (Zotero dontUpdate, Mendeley override)


def apply_fields(doc: Document, fields: Iterable[FieldSpan]) -> None:
    """Read the citation fields, report edited ones, and link them to their items."""
    citations: list[FieldCitation] = []
    bibliographies: list[tuple[int, int]] = []
    for f in fields:
        if _BIBLIOGRAPHY.match(f.instruction):
            bibliographies.append((f.start, f.end))
            continue
        head = _CITATION.match(f.instruction)
        if not head:
            continue
        span = doc.span(f.start, f.end)
        read = _read(f.instruction[head.end() :])
        if isinstance(read, str):
            doc.problems.append(
                problem(
                    doc.path,
                    span,
                    "IO001",
                    f"citation field's data cannot be read ({read}); its citation is not checked",
                    f.visible,
                )
            )
            continue
        found = _field_citation(span, f.visible, f.instruction, read)
        citations.append(found)
        message = mismatch(found)
        if message:
            doc.problems.append(problem(doc.path, span, "CIT009", message, f.visible))
    if citations:
        _link(doc, citations, bibliographies)


def _read(payload: str) -> dict[str, Any] | str:
    start = payload.find("{")
    if start < 0:
        return "no JSON after CSL_CITATION"
    try:
        data, _ = json.JSONDecoder().raw_decode(payload[start:])
    except ValueError as error:
        return f"invalid JSON: {error}"
    if not isinstance(data, dict) or not isinstance(data.get("citationItems"), list):
        return "no citationItems"
    return data


def _field_citation(
    span: Span, visible: str, instruction: str, data: dict[str, Any]
) -> FieldCitation:
    manager = "zotero" if "ZOTERO" in instruction.upper() else "mendeley"
    cited = [
        item
        for item in data["citationItems"]
        if isinstance(item, dict) and isinstance(item.get("itemData"), dict)
    ]
    items = tuple(item["itemData"] for item in cited)
    keys = tuple(item_key(item) for item in cited)
    properties = _object(data, "properties")
    mendeley = _object(data, "mendeley")
    override = _object(data, "manualOverride")
    inserted = (
        _string(properties.get("plainCitation"))
        or _plain(_string(properties.get("formattedCitation")))
        or _string(mendeley.get("plainTextFormattedCitation"))
        or _plain(_string(mendeley.get("formattedCitation")))
        or _string(override.get("citeprocText"))
    )
    manual = _string(mendeley.get("manualFormatting")) or (
        _string(override.get("manualOverrideText"))
        if override.get("isManuallyOverridden")
        else None
    )
    deliberate = bool(properties.get("dontUpdate")) or manual is not None
    return FieldCitation(span, visible, manager, items, keys, manual or inserted, deliberate)


def _object(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _plain(formatted: str | None) -> str | None:
    if formatted is None:
        return None
    return _TAGS.sub("", _RTF.sub("", formatted)) or None


def _norm(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


def mismatch(c: FieldCitation) -> str | None:
    """Why the field's visible text does not say what its items are; None if it does."""
    manager = _MANAGERS[c.manager]
    shown = _norm(c.visible)
    problems = _disagreements(c)
    if c.inserted is not None and _norm(c.inserted) != shown and not c.deliberate:
        detail = f" ({'; '.join(problems)})" if problems else ""
        return (
            f"citation field was edited by hand: the text reads '{shown}' but {manager} "
            f"inserted '{_norm(c.inserted)}'{detail}; a refresh will overwrite the edit"
        )
    if problems:
        return (
            f"citation field's text '{shown}' does not match its {manager} item: "
            f"{'; '.join(problems)}"
        )
    return None


def _disagreements(c: FieldCitation) -> list[str]:
    years = {y for item in c.items if (y := item_year(item))}
    families = {f.casefold() for item in c.items for f in item_families(item)}
    shown = _norm(c.visible)
    found: list[str] = []
    if years:
        for year in dict.fromkeys(m.group(1) for m in _YEAR.finditer(shown)):
            if year not in years:
                found.append(f"year {year} in the text, but the item is dated {_join(years)}")
    if families:
        for m in _NAME_BEFORE_YEAR.finditer(shown):
            name = m.group(1)
            if name.casefold() not in families and not _is_title_word(name, c.items):
                names = _join({f for item in c.items for f in item_families(item)})
                found.append(f"author {name} in the text, but the item's author is {names}")
    return found


def _is_title_word(word: str, items: Iterable[dict[str, Any]]) -> bool:
    """Styles cite works without authors by a short title: ("Korea" 1950)."""
    return any(
        word.casefold() in str(item.get("title", "")).casefold() for item in items
    ) or word in ("See", "Cf", "Ibid", "Also", "In")


def _join(values: set[str]) -> str:
    return " or ".join(sorted(values))


def item_year(item: dict[str, Any]) -> str | None:
    issued = item.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return str(parts[0][0])
        for key in ("raw", "literal"):
            m = _YEAR.search(str(issued.get(key, "")))
            if m:
                return m.group(1)
    return None


def item_families(item: dict[str, Any]) -> list[str]:
    names = []
    for role in ("author", "editor"):
        for person in item.get(role) or []:
            if isinstance(person, dict):
                name = person.get("family") or person.get("literal")
                if isinstance(name, str) and name:
                    names.append(name.split()[-1] if "literal" in person else name)
        if names:
            break
    return names


def item_key(cited: dict[str, Any]) -> str:
    """A key that names the same item in every field: the item's URI (Zotero
    `.../items/ABCD2345`, Mendeley `...?uuid=…`). Mendeley's `id` (`ITEM-1`) is only
    unique within one citation, so it is the last resort, with the title."""
    uris = cited.get("uris") or ([cited["uri"]] if isinstance(cited.get("uri"), str) else [])
    for uri in uris:
        if isinstance(uri, str) and uri.strip("/"):
            return _URI_KEY.split(uri.strip("/"))[-1]
    data = cited.get("itemData") or {}
    title = str(data.get("title", ""))[:40]
    return f"{cited.get('id', data.get('id', ''))}:{title}" if title else str(cited.get("id", ""))


def _link(doc: Document, found: list[FieldCitation], bibliographies: list[tuple[int, int]]) -> None:
    """Field citations become key citations of their items, and the items entries.

    Only when the document's reference list (if any) is the one the manager generated:
    a typed list beside the fields stays the list the visible citations are read against."""

    def in_bibliography(span: Span) -> bool:
        return any(a <= span.start < b for a, b in bibliographies)

    typed = [e for e in doc.entries if not in_bibliography(e.span)]
    if typed:
        return
    doc.entries = []
    spans = [(c.span.start, c.span.end) for c in found]
    doc.citations = [
        c
        for c in doc.citations
        if not any(a <= c.span.start < b or a < c.span.end <= b for a, b in spans)
    ]
    entries: dict[str, Entry] = {}
    for c in found:
        years = [y for item in c.items if (y := item_year(item))]
        doc.citations.append(
            Citation(
                span=c.span,
                style="key",
                targets=c.keys,
                raw=c.visible,
                form="field",
                authors=tuple(f for item in c.items for f in item_families(item)),
                year=years[0] if years else None,
            )
        )
        for key, item in zip(c.keys, c.items, strict=True):
            if key and key not in entries:
                entries[key] = _entry(item, key, c.span)
    doc.citations.sort(key=lambda c: c.span.start)
    doc.entries = list(entries.values())
    doc.list_style = "bibtex"
    doc.notes_list = False


def _entry(item: dict[str, Any], key: str, span: Span) -> Entry:
    fields: dict[str, Field] = {}
    for name, csl in (
        ("title", "title"),
        ("container", "container-title"),
        ("publisher", "publisher"),
        ("doi", "DOI"),
        ("url", "URL"),
        ("pages", "page"),
    ):
        value = item.get(csl)
        if isinstance(value, str | int) and str(value).strip():
            fields[name] = Field(str(value), span)
    year = item_year(item)
    if year:
        fields["year"] = Field(year, span)
    people = [
        ", ".join(x for x in (p.get("family"), p.get("given")) if isinstance(x, str))
        or str(p.get("literal", ""))
        for p in item.get("author") or []
        if isinstance(p, dict)
    ]
    raw = ". ".join(
        x
        for x in (
            "; ".join(people),
            f"({year})" if year else "",
            fields.get("title", Field("", span)).value,
        )
        if x
    )
    return Entry(
        span=span,
        label=key,
        raw=raw,
        fields=fields,
        authors=tuple(people),
        kind="csl",
        entry_type=str(item.get("type") or "") or None,
    )
