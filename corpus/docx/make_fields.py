"""Build zotero-mendeley-fields.docx: citations as Zotero and Mendeley write them.

Zotero's Word plugin writes each citation as a complex field whose instruction is
`ADDIN ZOTERO_ITEM CSL_CITATION {json}` (the JSON split over several w:instrText runs),
its result the formatted citation, and the bibliography as `ADDIN ZOTERO_BIBL {...}
CSL_BIBLIOGRAPHY` whose result spans one paragraph per entry. Mendeley Desktop writes
`ADDIN CSL_CITATION {json}` with a `mendeley` block holding the text it inserted. The
JSON follows the CSL citation schema
(https://github.com/citation-style-language/schema, csl-citation.json).

Two citations here were typed over after insertion, as happens in real manuscripts:
a Zotero field whose year was changed, and a Mendeley field whose author was; a third
Zotero field was edited and Zotero told to keep the edit (`dontUpdate`). The same
document with every field as inserted is corpus/cases/cit009-clean/fields.docx.
Run: `python make_fields.py`.
"""

from __future__ import annotations

import json
import os
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import docx
from docx.oxml import parse_xml

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SCHEMA = "https://github.com/citation-style-language/schema/raw/master/csl-citation.json"

STUECK = {
    "id": 101,
    "type": "book",
    "title": "The Korean War: An International History",
    "publisher": "Princeton University Press",
    "publisher-place": "Princeton, NJ",
    "author": [{"family": "Stueck", "given": "William"}],
    "issued": {"date-parts": [["1995"]]},
}
CUMINGS = {
    "id": 102,
    "type": "book",
    "title": "The Origins of the Korean War: Liberation and the Emergence of Separate Regimes, 1945-1947",
    "publisher": "Princeton University Press",
    "author": [{"family": "Cumings", "given": "Bruce"}],
    "issued": {"date-parts": [["1981"]]},
}
WEATHERSBY = {
    "id": 103,
    "type": "report",
    "title": "Soviet Aims in Korea and the Origins of the Korean War, 1945-1950: New Evidence from Russian Archives",
    "publisher": "Woodrow Wilson International Center for Scholars",
    "collection-title": "Cold War International History Project Working Paper",
    "number": "8",
    "author": [{"family": "Weathersby", "given": "Kathryn"}],
    "issued": {"date-parts": [["1993", 11]]},
}
CHEN = {
    "id": "ITEM-1",
    "type": "book",
    "title": "China's Road to the Korean War: The Making of the Sino-American Confrontation",
    "publisher": "Columbia University Press",
    "author": [
        {
            "dropping-particle": "",
            "family": "Chen",
            "given": "Jian",
            "non-dropping-particle": "",
            "parse-names": False,
            "suffix": "",
        }
    ],
    "issued": {"date-parts": [["1994"]]},
}
ZOTERO_URI = "http://zotero.org/users/local/kWx3bFq9/items/"
MENDELEY_URI = "http://www.mendeley.com/documents/?uuid="


def zotero(item: dict[str, Any], key: str, text: str, locator: str = "", **props: Any) -> str:
    cited: dict[str, Any] = {"id": item["id"], "uris": [ZOTERO_URI + key], "itemData": item}
    if locator:
        cited.update(locator=locator, label="page")
    data = {
        "citationID": f"z{key.lower()}",
        "properties": {"formattedCitation": text, "plainCitation": text, "noteIndex": 0, **props},
        "citationItems": [cited],
        "schema": SCHEMA,
    }
    return "ADDIN ZOTERO_ITEM CSL_CITATION " + json.dumps(data, ensure_ascii=False)


def mendeley(item: dict[str, Any], uuid: str, text: str) -> str:
    data = {
        "citationItems": [
            {"id": "ITEM-1", "itemData": item, "uris": [MENDELEY_URI + uuid]}
        ],
        "mendeley": {
            "formattedCitation": text,
            "plainTextFormattedCitation": text,
            "previouslyFormattedCitation": text,
        },
        "properties": {"noteIndex": 0},
        "schema": SCHEMA,
    }
    return "ADDIN CSL_CITATION " + json.dumps(data, ensure_ascii=False)


def run(text: str) -> str:
    return f'<w:r {W}><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def complex_field(instruction: str, result: str) -> list[str]:
    """begin, the instruction in chunks (Word keeps each w:instrText short), separate,
    the result, end."""
    chunks = [instruction[i : i + 200] for i in range(0, len(instruction), 200)]
    return [
        f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>',
        *(f'<w:r {W}><w:instrText xml:space="preserve">{escape(c)}</w:instrText></w:r>' for c in chunks),
        f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>',
        run(result),
        f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>',
    ]


def simple_field(instruction: str, result: str) -> list[str]:
    return [f"<w:fldSimple {W} w:instr={quoteattr(' ' + instruction + ' ')}>{run(result)}</w:fldSimple>"]


def paragraph(document: Any, *parts: str | list[str]) -> Any:
    p = document.add_paragraph()
    for part in parts:
        for xml in [run(part)] if isinstance(part, str) else part:
            p._p.append(parse_xml(xml))
    return p


def main(clean: bool = False) -> None:
    """`clean`: every field shows the text its plugin inserted (corpus/cases/cit009-clean)."""
    document = docx.Document()
    document.add_heading("Who Started the Korean War? A Note on the Sources", level=1)
    paragraph(
        document,
        "William Stueck reads the war as an international crisis from its first days ",
        complex_field(zotero(STUECK, "QW8T2ZRN", "(Stueck 1995, 73)", "73"), "(Stueck 1995, 73)"),
        ". Bruce Cumings, by contrast, traced its roots to the civil conflict of the occupation years ",
        complex_field(zotero(CUMINGS, "7FJ3KD2P", "(Cumings 1981)"), "(Cumings 1981)"),
        ".",
    )
    # Edited by hand: Zotero inserted 1993, the author typed 1995 over it.
    paragraph(
        document,
        "The Soviet documents released in the early 1990s showed that Stalin approved the attack in the spring of 1950 ",
        complex_field(
            zotero(WEATHERSBY, "M2XR8C4A", "(Weathersby 1993)"),
            "(Weathersby 1993)" if clean else "(Weathersby 1995)",
        ),
        ".",
    )
    paragraph(
        document,
        "Chinese archives suggest that Mao committed troops only after the crossing of the 38th parallel ",
        simple_field(mendeley(CHEN, "5b2f0a8e-6c1d-3f7a-9e4b-2d8c1a0f6e93", "(Chen, 1994)"), "(Chen, 1994)"),
        ".",
    )
    # Edited by hand: Mendeley inserted (Chen, 1994); the text now names the given name.
    paragraph(
        document,
        "Beijing's decision was shaped by the revolution's need for legitimacy at home ",
        complex_field(
            mendeley(CHEN, "5b2f0a8e-6c1d-3f7a-9e4b-2d8c1a0f6e93", "(Chen, 1994)"),
            "(Chen, 1994)" if clean else "(Jian, 1994)",
        ),
        ".",
    )
    # Edited, and Zotero told to keep the edit: the field says 1995, the text 2002.
    paragraph(
        document,
        "Later work placed the war within the wider Cold War in Asia ",
        complex_field(
            zotero(STUECK, "QW8T2ZRN", "(Stueck 2002)", dontUpdate=True),
            "(Stueck 1995)" if clean else "(Stueck 2002)",
        ),
        ".",
    )
    document.add_heading("References", level=1)
    entries = [
        "Chen, Jian. 1994. China's Road to the Korean War: The Making of the Sino-American Confrontation. New York: Columbia University Press.",
        "Cumings, Bruce. 1981. The Origins of the Korean War: Liberation and the Emergence of Separate Regimes, 1945-1947. Princeton: Princeton University Press.",
        "Stueck, William. 1995. The Korean War: An International History. Princeton, NJ: Princeton University Press.",
        "Weathersby, Kathryn. 1993. Soviet Aims in Korea and the Origins of the Korean War, 1945-1950: New Evidence from Russian Archives. Cold War International History Project Working Paper 8. Washington, DC: Woodrow Wilson International Center for Scholars.",
    ]
    bibl = 'ADDIN ZOTERO_BIBL {"uncited":[],"omitted":[],"custom":[]} CSL_BIBLIOGRAPHY'
    begin = complex_field(bibl, entries[0])[:-1]  # the field ends in the last paragraph
    paragraph(document, begin)
    for entry in entries[1:-1]:
        paragraph(document, entry)
    paragraph(document, [run(entries[-1]), f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'])
    document.core_properties.author = "citeaudit fixtures"
    here = os.path.dirname(os.path.abspath(__file__))
    if clean:
        out = os.path.join(here, "..", "cases", "cit009-clean", "fields.docx")
    else:
        out = os.path.join(here, "zotero-mendeley-fields.docx")
    document.save(out)


if __name__ == "__main__":
    main()
    main(clean=True)
