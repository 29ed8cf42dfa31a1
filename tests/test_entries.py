"""Tests for citeaudit.entries.parse_entry on real reference-list entries.

Entry strings are copied verbatim from the Lai essay's list and from the corpus-real
numeric documents (Bitcoin whitepaper, RFC 791, Ethereum white paper, PEP 450, Tor
proposal 236, UNM essays); the style cases at the end are written for the common styles.
"""

from __future__ import annotations

import re

import pytest

from citeaudit.entries import parse_entry, split_authors
from citeaudit.model import Entry, LineIndex


def parse(body: str, prefix: str = "") -> tuple[str, Entry]:
    text = prefix + body + "\n"
    start = len(prefix)
    return text, parse_entry(text, start, start + len(body), LineIndex(text))


def check_fields(text: str, entry: Entry, expected: dict[str, str]) -> None:
    for name, value in expected.items():
        assert name in entry.fields, f"missing {name!r}; got {sorted(entry.fields)}"
        found = entry.fields[name]
        assert found.value == value, f"{name}: {found.value!r} != {value!r}"
        sliced = " ".join(text[found.span.start : found.span.end].split())
        if value == "n.d.":
            assert sliced.startswith("n.") and sliced.endswith("d.")
        else:
            assert value in sliced, f"{name} span slices to {sliced!r}"


# --- the Lai essay (seed 003), lines 53-67 ------------------------------------------

LAI = [
    (
        "Stueck William, (1993) Rethinking the Korean War: A new Diplomatic and Strategic "
        "History, Princeton University Press, pp.73-83.",
        {
            "author": "Stueck William",
            "year": "1993",
            "title": "Rethinking the Korean War: A new Diplomatic and Strategic History",
            "publisher": "Princeton University Press",
            "pages": "73-83",
        },
        ("Stueck William",),
        "book",
    ),
    (
        "Jun N., (2018) Lenyzhan Shidaide Zhongguo Zhanlue Juece Chinese Communist Strategic "
        "Decisions in the Cold War Era, World Affairs Press Co. Ltd, pp.114-121.",
        {
            "author": "Jun N.",
            "year": "2018",
            "title": "Lenyzhan Shidaide Zhongguo Zhanlue Juece Chinese Communist Strategic "
            "Decisions in the Cold War Era",
            "publisher": "World Affairs Press Co. Ltd",
            "pages": "114-121",
        },
        ("Jun N.",),
        "book",
    ),
    (
        "Jian C., (2001) Mao's China and the Cold War, Univ of North Carolina Press, pp.87.",
        {
            "author": "Jian C.",
            "year": "2001",
            "title": "Mao's China and the Cold War",
            "publisher": "Univ of North Carolina Press",
            "pages": "87",
        },
        ("Jian C.",),
        "book",
    ),
    (
        "Wilson Center, COLD WAR INTERNATIONAL HISTORY PROJECT BULLETIN 2, 1995.",
        {
            "author": "Wilson Center",
            "title": "COLD WAR INTERNATIONAL HISTORY PROJECT BULLETIN 2",
            "year": "1995",
        },
        ("Wilson Center",),
        "report",
    ),
    (
        "Notes of the Conversation between Comrade I.V. Stalin and a Governmental Delegation "
        "from the Democratic People's Republic of Korea headed by Kim Il Sung (1949) History "
        "and Public Policy Program Digital Archive, March 5.",
        {
            "title": "Notes of the Conversation between Comrade I.V. Stalin and a Governmental "
            "Delegation from the Democratic People's Republic of Korea headed by Kim Il Sung",
            "year": "1949",
            "container": "History and Public Policy Program Digital Archive",
            "date": "March 5",
        },
        (),
        "archival",
    ),
    (
        "NYT, Stueck, William. (1947) Rethinking the Korean War: A New Diplomatic and "
        "Strategic History, January 24 and 29, 70.",
        {
            "author": "Stueck, William",
            "year": "1947",
            "title": "Rethinking the Korean War: A New Diplomatic and Strategic History",
            "date": "January 24 and 29",
            "pages": "70",
        },
        ("Stueck, William",),
        None,
    ),
    (
        "Telegram from Gromyko to Tunkin at the Soviet Embassy in Pyongyang, (1949) History "
        "and Public Policy Program Digital Archive, September 11.",
        {
            "title": "Telegram from Gromyko to Tunkin at the Soviet Embassy in Pyongyang",
            "year": "1949",
            "container": "History and Public Policy Program Digital Archive",
            "date": "September 11",
        },
        (),
        "archival",
    ),
    (
        "Politburo Decision to Confirm the Following Directive to the Soviet Ambassador in "
        "Korea, (1949) History and Public Policy Program Digital Archive, September 24.",
        {
            "title": "Politburo Decision to Confirm the Following Directive to the Soviet "
            "Ambassador in Korea",
            "year": "1949",
            "container": "History and Public Policy Program Digital Archive",
            "date": "September 24",
        },
        (),
        "archival",
    ),
    (
        "Cable Telegram no. 20475 from Gromyko to Kovalev, (1949) History and Public Policy "
        "Program Digital Archive, November 05.",
        {
            "title": "Cable Telegram no. 20475 from Gromyko to Kovalev",
            "year": "1949",
            "container": "History and Public Policy Program Digital Archive",
            "date": "November 05",
        },
        (),
        "archival",
    ),
    (
        "Dean Acheson's 'Perimeter Speech' on Asia (1950) Alpha History, "
        "https://alphahistory.com/.",
        {
            "title": "Dean Acheson's 'Perimeter Speech' on Asia",
            "year": "1950",
            "container": "Alpha History",
            "url": "https://alphahistory.com/",
        },
        (),
        "web",
    ),
    (
        "Ciphered Telegram, Roshchin to Cde. Filippov [Stalin] (1950) History and Public "
        "Policy Program Digital Archive, Russian Presidential Archives. Given by Russian "
        "President Boris Yeltsin to South Korean President Kim Young-Sam in Moscow, June.",
        {
            "title": "Ciphered Telegram, Roshchin to Cde. Filippov [Stalin]",
            "year": "1950",
            "container": "History and Public Policy Program Digital Archive",
            "date": "June",
            "note": "Russian Presidential Archives. Given by Russian President Boris Yeltsin "
            "to South Korean President Kim Young-Sam in Moscow",
        },
        (),
        "archival",
    ),
    (
        "Joungwon A. Kim (1975), Divided Korea: the politics of development, 1945-1972, "
        "Harvard University Asia Center, pp.78.",
        {
            "author": "Joungwon A. Kim",
            "year": "1975",
            "title": "Divided Korea: the politics of development, 1945-1972",
            "publisher": "Harvard University Asia Center",
            "pages": "78",
        },
        ("Joungwon A. Kim",),
        "book",
    ),
    (
        "FRUS, (1950), Korea, Volume VII Document 25, 573, 648.",
        {
            "author": "FRUS",
            "year": "1950",
            "title": "Korea",
            "volume": "VII",
            "pages": "573, 648",
            "note": "Document 25",
        },
        ("FRUS",),
        "archival",
    ),
    (
        "Central Documentary Research Office of the Communist Party of China, Selected "
        "Military Writings of Zhou Enlai, Beijing People's Press, pp.67-68.",
        {
            "author": "Central Documentary Research Office of the Communist Party of China",
            "title": "Selected Military Writings of Zhou Enlai",
            "publisher": "Beijing People's Press",
            "pages": "67-68",
        },
        ("Central Documentary Research Office of the Communist Party of China",),
        "book",
    ),
    (
        "Jun, Niu. (1991)The change of the US policies towards Korean War, 1950.6-1951.6, "
        "the US Studies, Issue 1, pp.93-115.",
        {
            "author": "Jun, Niu",
            "year": "1991",
            "title": "The change of the US policies towards Korean War, 1950.6-1951.6",
            "container": "the US Studies",
            "issue": "1",
            "pages": "93-115",
        },
        ("Jun, Niu",),
        "article",
    ),
]


@pytest.mark.parametrize(("body", "expected", "authors", "kind"), LAI)
def test_lai_entries(
    body: str, expected: dict[str, str], authors: tuple[str, ...], kind: str | None
) -> None:
    text, entry = parse(body, prefix="- [1] ")
    check_fields(text, entry, expected)
    assert entry.authors == authors
    if kind is not None:
        assert entry.entry_type == kind


# --- corpus-real numeric documents --------------------------------------------------

NUMERIC = [
    # Bitcoin whitepaper (Markdown footnote list; continuation lines are not indented).
    (
        "[^1]: ",
        'W. Dai, "b-money," http://www.weidai.com/bmoney.txt, 1998.',
        {
            "author": "W. Dai",
            "title": "b-money",
            "url": "http://www.weidai.com/bmoney.txt",
            "year": "1998",
        },
        ("W. Dai",),
    ),
    (
        "[^2]: ",
        'H. Massias, X.S. Avila, and J.-J. Quisquater, "Design of a secure timestamping '
        'service with minimal\ntrust requirements," In 20th Symposium on Information Theory '
        "in the Benelux, May 1999.",
        {
            "author": "H. Massias, X.S. Avila, and J.-J. Quisquater",
            "title": "Design of a secure timestamping service with minimal trust requirements",
            "container": "20th Symposium on Information Theory in the Benelux",
            "date": "May 1999",
            "year": "1999",
        },
        ("H. Massias", "X.S. Avila", "J.-J. Quisquater"),
    ),
    (
        "[^3]: ",
        'S. Haber, W.S. Stornetta, "How to time-stamp a digital document," In Journal of '
        "Cryptology, vol 3, no\n2, pages 99-111, 1991.",
        {
            "title": "How to time-stamp a digital document",
            "container": "Journal of Cryptology",
            "volume": "3",
            "issue": "2",
            "pages": "99-111",
            "year": "1991",
        },
        ("S. Haber", "W.S. Stornetta"),
    ),
    (
        "[^5]: ",
        'S. Haber, W.S. Stornetta, "Secure names for bit-strings," In Proceedings of the 4th '
        "ACM Conference\non Computer and Communications Security, pages 28-35, April 1997.",
        {
            "container": "Proceedings of the 4th ACM Conference on Computer and "
            "Communications Security",
            "pages": "28-35",
            "date": "April 1997",
            "year": "1997",
        },
        ("S. Haber", "W.S. Stornetta"),
    ),
    (
        "[^6]: ",
        'A. Back, "Hashcash - a denial of service counter-measure,"\n'
        "http://www.hashcash.org/papers/hashcash.pdf, 2002.",
        {
            "title": "Hashcash - a denial of service counter-measure",
            "url": "http://www.hashcash.org/papers/hashcash.pdf",
            "year": "2002",
        },
        ("A. Back",),
    ),
    (
        "[^7]: ",
        'R.C. Merkle, "Protocols for public key cryptosystems," In Proc. 1980 Symposium on '
        "Security and\nPrivacy, IEEE Computer Society, pages 122-133, April 1980.",
        {
            "container": "Proc. 1980 Symposium on Security and Privacy",
            "publisher": "IEEE Computer Society",
            "pages": "122-133",
            "year": "1980",
        },
        ("R.C. Merkle",),
    ),
    (
        "[^8]: ",
        'W. Feller, "An introduction to probability theory and its applications," 1957.',
        {
            "author": "W. Feller",
            "title": "An introduction to probability theory and its applications",
            "year": "1957",
        },
        ("W. Feller",),
    ),
    # RFC 791 (plain text, two spaces after the label, indented continuation lines).
    (
        "[3]  ",
        'Postel, J., "Internet Control Message Protocol - DARPA Internet\n'
        '     Program Protocol Specification," RFC 792, USC/Information Sciences\n'
        "     Institute, September 1981.",
        {
            "author": "Postel, J.",
            "title": "Internet Control Message Protocol - DARPA Internet Program Protocol "
            "Specification",
            "container": "RFC 792",
            "publisher": "USC/Information Sciences Institute",
            "date": "September 1981",
            "year": "1981",
        },
        ("Postel, J.",),
    ),
    (
        "[4]  ",
        'Shoch, J., "Inter-Network Naming, Addressing, and Routing,"\n'
        "     COMPCON, IEEE Computer Society, Fall 1978.",
        {
            "title": "Inter-Network Naming, Addressing, and Routing",
            "container": "COMPCON",
            "publisher": "IEEE Computer Society",
            "date": "Fall 1978",
            "year": "1978",
        },
        ("Shoch, J.",),
    ),
    (
        "[6]  ",
        'Shoch, J., "Packet Fragmentation in Inter-Network Protocols,"\n'
        "     Computer Networks, v. 3, n. 1, February 1979.",
        {
            "container": "Computer Networks",
            "volume": "3",
            "issue": "1",
            "date": "February 1979",
            "year": "1979",
        },
        ("Shoch, J.",),
    ),
    (
        "[7]  ",
        'Strazisar, V., "How to Build a Gateway", IEN 109, Bolt Beranek and\n'
        "     Newman, August 1979.",
        {
            "author": "Strazisar, V.",
            "title": "How to Build a Gateway",
            "container": "IEN 109",
            "year": "1979",
        },
        ("Strazisar, V.",),
    ),
    # Ethereum white paper, "Further Reading" (label: URL).
    (
        "4. ",
        "B-money: http://www.weidai.com/bmoney.txt",
        {"title": "B-money", "url": "http://www.weidai.com/bmoney.txt"},
        (),
    ),
    (
        "9. ",
        "Zooko's triangle: http://en.wikipedia.org/wiki/Zooko's_triangle",
        {"title": "Zooko's triangle", "url": "http://en.wikipedia.org/wiki/Zooko's_triangle"},
        (),
    ),
    (
        "17. ",
        "StorJ and Autonomous Agents, Jeff Garzik: "
        "http://garzikrants.blogspot.ca/2013/01/storj-and-bitcoin-autonomous-agents.html",
        {
            "title": "StorJ and Autonomous Agents, Jeff Garzik",
            "url": "http://garzikrants.blogspot.ca/2013/01/storj-and-bitcoin-autonomous-agents.html",
        },
        (),
    ),
    # PEP 450 (reST footnotes).
    (
        ".. [16] ",
        "http://www.ayton.id.au/gary/it/Delphi/D_maths.htm#Delphi%20Statistical%20functions.",
        {
            "url": "http://www.ayton.id.au/gary/it/Delphi/D_maths.htm#Delphi%20Statistical%20functions"
        },
        (),
    ),
    (
        ".. [4] ",
        "Scipy: http://scipy-central.org/\n       Numpy: http://www.numpy.org/",
        {"title": "Scipy", "url": "http://scipy-central.org/"},
        (),
    ),
    # Tor proposal 236 (`[0]: url` link definitions, two URLs in one entry).
    (
        "[0]: ",
        "https://blog.torproject.org/blog/improving-tors-anonymity-changing-guard-parameters\n"
        "     http://freehaven.net/anonbib/#wpes12-cogs",
        {
            "url": "https://blog.torproject.org/blog/improving-tors-anonymity-changing-guard-parameters"
        },
        (),
    ),
    # UNM Enlightenment essay: notes with Markdown emphasis around a link.
    (
        "<Sup>1</Sup> ",
        "Donald R. Kelley, _[Faces of History: from Herodotus to Herder]"
        "(http://www.jstor.org.libproxy.unm.edu/stable/j.ctt32bs9h)_ (Yale, 1998), 224.",
        {
            "author": "Donald R. Kelley",
            "title": "Faces of History: from Herodotus to Herder",
            "url": "http://www.jstor.org.libproxy.unm.edu/stable/j.ctt32bs9h",
            "year": "1998",
            "pages": "224",
        },
        ("Donald R. Kelley",),
    ),
    (
        "<sup>5</sup> ",
        "Adam Ferguson, _[An Essay on the History of Civil Society]"
        "(http://oll.libertyfund.org/titles/1428#Ferguson_1229_8)_ 5th ed. "
        "(London: T. Cadell, 1782).",
        {
            "author": "Adam Ferguson",
            "title": "An Essay on the History of Civil Society",
            "url": "http://oll.libertyfund.org/titles/1428#Ferguson_1229_8",
            "publisher": "T. Cadell",
            "year": "1782",
        },
        ("Adam Ferguson",),
    ),
    (
        "",
        "Kelley, Donald R. Faces of History: Historical Inquiry from Herodotus to Herder. "
        "New Haven: Yale University Press, 1998.",
        {
            "author": "Kelley, Donald R.",
            "title": "Faces of History: Historical Inquiry from Herodotus to Herder",
            "publisher": "Yale University Press",
            "year": "1998",
        },
        ("Kelley, Donald R.",),
    ),
    (
        "",
        "Lemon, M.C. Philosophy of History. New York: Routledge, 2003.",
        {
            "author": "Lemon, M.C.",
            "title": "Philosophy of History",
            "publisher": "Routledge",
            "year": "2003",
        },
        ("Lemon, M.C.",),
    ),
]


@pytest.mark.parametrize(("prefix", "body", "expected", "authors"), NUMERIC)
def test_numeric_corpus_entries(
    prefix: str, body: str, expected: dict[str, str], authors: tuple[str, ...]
) -> None:
    text, entry = parse(body, prefix=prefix)
    check_fields(text, entry, expected)
    assert entry.authors == authors


# --- common styles ------------------------------------------------------------------

STYLES = [
    (  # the brief's RFC-style example (IEEE Transactions)
        '[1]  Cerf, V., and R. Kahn, "A Protocol for Packet Network Intercommunication," '
        "IEEE Transactions on Communication, Vol. COM-22, No. 5, May 1974.",
        {
            "author": "Cerf, V., and R. Kahn",
            "title": "A Protocol for Packet Network Intercommunication",
            "container": "IEEE Transactions on Communication",
            "volume": "COM-22",
            "issue": "5",
            "date": "May 1974",
            "year": "1974",
        },
        ("Cerf, V.", "R. Kahn"),
        "article",
    ),
    (  # APA journal article with a doi.org URL
        "Baker, A. A., & Clark, B. B. (2010). Title of the work. Journal of Things, 3(2), "
        "1-10. https://doi.org/10.1000/xyz",
        {
            "author": "Baker, A. A., & Clark, B. B.",
            "year": "2010",
            "title": "Title of the work",
            "container": "Journal of Things",
            "volume": "3",
            "issue": "2",
            "pages": "1-10",
            "doi": "10.1000/xyz",
        },
        ("Baker, A. A.", "Clark, B. B."),
        "article",
    ),
    (  # APA with a full date and a doi: prefix
        "Smith, J., Jones, K., & Lee, M. (2019, May 3). Another title: A subtitle. Journal "
        "Name, 12, 100–120. doi:10.1234/abc.def",
        {
            "year": "2019",
            "date": "May 3",
            "title": "Another title: A subtitle",
            "container": "Journal Name",
            "volume": "12",
            "pages": "100–120",
            "doi": "10.1234/abc.def",
        },
        ("Smith, J.", "Jones, K.", "Lee, M."),
        "article",
    ),
    (  # Chicago book
        "Bentley, Michael. Modern Historiography: An Introduction. New York: Routledge, 1999.",
        {
            "author": "Bentley, Michael",
            "title": "Modern Historiography: An Introduction",
            "place": "New York",
            "publisher": "Routledge",
            "year": "1999",
        },
        ("Bentley, Michael",),
        "book",
    ),
    (  # MLA article
        'Last, First. "Title of Essay." Container, vol. 2, no. 3, 2010, pp. 5-9.',
        {
            "author": "Last, First",
            "title": "Title of Essay",
            "container": "Container",
            "volume": "2",
            "issue": "3",
            "year": "2010",
            "pages": "5-9",
        },
        ("Last, First",),
        "article",
    ),
    (  # IEEE conference paper
        '[3] A. Name, "Title of the paper," in Proc. X, 2001, pp. 1–9.',
        {
            "author": "A. Name",
            "title": "Title of the paper",
            "container": "Proc. X",
            "year": "2001",
            "pages": "1–9",
        },
        ("A. Name",),
        "chapter",
    ),
    (  # web page with an access date
        'Name, Some. "Page Title." Site Name. Accessed May 3, 2020. https://example.org/page.',
        {
            "author": "Name, Some",
            "title": "Page Title",
            "container": "Site Name",
            "accessed": "May 3, 2020",
            "url": "https://example.org/page",
        },
        ("Name, Some",),
        "web",
    ),
    (  # Chicago author-date, journal volume (issue): pages, doi URL (UNM essay)
        "Connell, Raewyn. 2012. “Transsexual Women and Feminist Thought: Toward New "
        "Understanding and New Politics.” Signs 37 (4): 857–81. "
        "https://doi.org/10.1086/664478.",
        {
            "author": "Connell, Raewyn",
            "year": "2012",
            "title": "Transsexual Women and Feminist Thought: Toward New Understanding and "
            "New Politics",
            "container": "Signs",
            "volume": "37",
            "issue": "4",
            "pages": "857–81",
            "doi": "10.1086/664478",
        },
        ("Connell, Raewyn",),
        "article",
    ),
    (  # n.d. and "Accessed" (UNM essay)
        "“From Herodotus to H-Net: The Story of Historiography.” n.d. Accessed May 7, 2018. "
        "https://platform.virdocs.com/app/v5/doc/223267/pg/38/search.",
        {
            "title": "From Herodotus to H-Net: The Story of Historiography",
            "year": "n.d.",
            "accessed": "May 7, 2018",
            "url": "https://platform.virdocs.com/app/v5/doc/223267/pg/38/search",
        },
        (),
        "web",
    ),
    (  # year with a letter, bare DOI
        'Doe, Jane. 2014b. "Thing." Journal 5: 1-2. 10.5555/12345678.',
        {
            "author": "Doe, Jane",
            "year": "2014b",
            "title": "Thing",
            "container": "Journal",
            "volume": "5",
            "pages": "1-2",
            "doi": "10.5555/12345678",
        },
        ("Doe, Jane",),
        "article",
    ),
    (  # two authors, Chicago author-date book with a series and a place : publisher
        "Green, Anna, and Kathleen Troup. 1999. The Houses of History : A Critical Reader in "
        "Twentieth-Century History and Theory. New York : New York University Press, 1999.",
        {
            "author": "Green, Anna, and Kathleen Troup",
            "year": "1999",
            "publisher": "New York University Press",
        },
        ("Green, Anna", "Kathleen Troup"),
        "book",
    ),
    (  # ISO date
        'Brown, Alice. "Some Page." Example Site, 2014-05-02. https://example.com/page.',
        {
            "container": "Example Site",
            "date": "2014-05-02",
            "year": "2014",
            "url": "https://example.com/page",
        },
        ("Brown, Alice",),
        "web",
    ),
    (  # day-month-year date, DHQ entry with Markdown emphasis and an autolink
        'Healy, Kieran. "Using Metadata to Find Paul Revere." *kieranhealy.org*. 9 June '
        "2013, <http://kieranhealy.org/blog/archives/2013/06/09/using-metadata-to-find-paul"
        "-revere/>.",
        {
            "title": "Using Metadata to Find Paul Revere",
            "container": "kieranhealy.org",
            "date": "9 June 2013",
            "year": "2013",
            "url": "http://kieranhealy.org/blog/archives/2013/06/09/using-metadata-to-find-"
            "paul-revere/",
        },
        ("Healy, Kieran",),
        "web",
    ),
    (  # thesis
        "Landrum, Shane. \"The State's Big Family Bible: Birth Certificates, Personal "
        'Identity, and Citizenship in the United States, 1840--1950." PhD dissertation, '
        "Brandeis University, August 2014.",
        {"note": "PhD dissertation", "date": "August 2014", "year": "2014"},
        ("Landrum, Shane",),
        "thesis",
    ),
]


@pytest.mark.parametrize(("body", "expected", "authors", "kind"), STYLES)
def test_common_styles(
    body: str, expected: dict[str, str], authors: tuple[str, ...], kind: str
) -> None:
    marker = re.match(r"\[\d+\]\s+", body)  # a list label is not part of the entry body
    prefix = marker.group() if marker else ""
    text, entry = parse(body[len(prefix) :], prefix=prefix)
    check_fields(text, entry, expected)
    assert entry.authors == authors
    assert entry.entry_type == kind


# --- what must NOT be extracted -----------------------------------------------------

ABSENT = [
    (
        "Central Documentary Research Office of the Communist Party of China, Selected "
        "Military Writings of Zhou Enlai, Beijing People's Press, pp.67-68.",
        ("year", "url", "date", "doi"),
    ),
    (
        "Joungwon A. Kim (1975), Divided Korea: the politics of development, 1945-1972, "
        "Harvard University Asia Center, pp.78.",
        ("url", "date", "container"),
    ),
    (
        "Stueck William, (1993) Rethinking the Korean War: A new Diplomatic and Strategic "
        "History, Princeton University Press, pp.73-83.",
        ("url", "doi", "volume", "accessed", "note"),
    ),
    (  # PEP 450 [1]: the year-month in the URL path is not a year
        "https://mail.python.org/pipermail/python-dev/2010-October/104721.html",
        ("year", "date", "title", "author"),
    ),
    (  # PEP 450 [6]: prose, not a reference
        "Tested with numpy 1.6.1 and Python 2.7.",
        ("year", "url", "title", "author"),
    ),
    (  # the access year is not the publication year
        'Name, Some. "Page Title." Site Name. Accessed May 3, 2020. https://example.org/page.',
        ("year", "date", "doi", "note"),
    ),
    (  # a doi.org link is a DOI, not a url
        "Baker, A. A., & Clark, B. B. (2010). Title of the work. Journal of Things, 3(2), "
        "1-10. https://doi.org/10.1000/xyz",
        ("url", "publisher"),
    ),
]


@pytest.mark.parametrize(("body", "absent"), ABSENT)
def test_fields_not_invented(body: str, absent: tuple[str, ...]) -> None:
    _, entry = parse(body)
    for name in absent:
        assert name not in entry.fields, f"unexpected {name}: {entry.fields[name].value!r}"


def test_title_date_range_is_not_the_year() -> None:
    text, entry = parse(
        "Joungwon A. Kim (1975), Divided Korea: the politics of development, 1945-1972, "
        "Harvard University Asia Center, pp.78."
    )
    assert entry.year == "1975"
    year = entry.fields["year"]
    assert text[year.span.start : year.span.end] == "1975"
    assert "1945-1972" in (entry.title or "")


def test_year_at_the_end_not_in_page_range() -> None:
    _, entry = parse(
        'S. Haber, W.S. Stornetta, "How to time-stamp a digital document," In Journal of '
        "Cryptology, vol 3, no 2, pages 1990-1999, 1991."
    )
    assert entry.year == "1991"
    assert entry.get("pages") == "1990-1999"


def test_no_year_and_no_title_for_bare_prose() -> None:
    _, entry = parse("At least, tedious to those who don't like this sort of thing.")
    assert entry.year is None
    assert entry.title is None
    assert entry.get("note") == "At least, tedious to those who don't like this sort of thing"
    assert entry.confidence < 0.5


# --- wrapping, spans and the Entry envelope -----------------------------------------

RFC_WRAPPED = (
    "REFERENCES\n\n"
    '[1]  Cerf, V., "The Catenet Model for Internetworking," Information\n'
    "     Processing Techniques Office, Defense Advanced Research Projects\n"
    "     Agency, IEN 48, July 1978.\n"
)


def test_wrapped_entry_positions_on_later_lines() -> None:
    text = RFC_WRAPPED
    start = text.index("Cerf")
    end = text.index("1978.") + len("1978.")
    entry = parse_entry(text, start, end, LineIndex(text), label="1")
    assert entry.raw == (
        'Cerf, V., "The Catenet Model for Internetworking," Information Processing '
        "Techniques Office, Defense Advanced Research Projects Agency, IEN 48, July 1978."
    )
    assert (entry.span.line, entry.span.column, entry.span.end_line) == (3, 6, 5)
    date = entry.fields["date"]
    assert date.value == "July 1978"
    assert (date.span.line, date.span.column) == (5, 22)
    assert text[date.span.start : date.span.end] == "July 1978"
    year = entry.fields["year"]
    assert (year.span.line, year.span.column, year.span.end_column) == (5, 27, 31)
    publisher = entry.fields["publisher"]
    assert publisher.value == "Information Processing Techniques Office"
    assert (publisher.span.line, publisher.span.end_line) == (3, 4)
    assert (publisher.span.end_column) == len("     Processing Techniques Office") + 1


def test_wrapped_title_value_is_collapsed() -> None:
    text = (
        "- [2] Jun N., (2018) Lenyzhan Shidaide Zhongguo Zhanlue Juece Chinese\n"
        "      Communist Strategic Decisions in the Cold War Era, World Affairs Press\n"
        "      Co. Ltd, pp.114-121.\n"
    )
    start = text.index("Jun")
    entry = parse_entry(text, start, len(text) - 1, LineIndex(text))
    title = entry.fields["title"]
    assert title.value == (
        "Lenyzhan Shidaide Zhongguo Zhanlue Juece Chinese Communist Strategic Decisions in "
        "the Cold War Era"
    )
    assert (title.span.line, title.span.end_line) == (1, 2)
    pages = entry.fields["pages"]
    assert (pages.value, pages.span.line, pages.span.column) == ("114-121", 3, 19)


def test_entry_envelope() -> None:
    text = "- [10] Dean Acheson's 'Perimeter Speech' on Asia (1950) Alpha History, https://alphahistory.com/.\n"
    start = text.index("Dean")
    index = LineIndex(text)
    label_span = index.span(3, 5)
    entry = parse_entry(
        text, start, len(text) - 1, index, label="10", label_span=label_span, path="x.md"
    )
    assert entry.span == index.span(start, len(text) - 1)
    assert (entry.label, entry.label_span, entry.path, entry.kind) == (
        "10",
        label_span,
        "x.md",
        "text",
    )
    assert 0.0 < entry.confidence <= 1.0
    assert entry.authors == ()
    url = entry.fields["url"]
    assert text[url.span.start : url.span.end] == "https://alphahistory.com/"


def test_confidence_orders_clear_above_garbled() -> None:
    _, clear = parse('W. Dai, "b-money," http://www.weidai.com/bmoney.txt, 1998.')
    _, garbled = parse(
        "NYT, Stueck, William. (1947) Rethinking the Korean War: A New Diplomatic and "
        "Strategic History, January 24 and 29, 70."
    )
    assert clear.confidence > garbled.confidence


@pytest.mark.parametrize(
    ("author", "names"),
    [
        ("Cerf, V., and R. Kahn", ("Cerf, V.", "R. Kahn")),
        ("Smith, J., Jones, K., & Lee, M.", ("Smith, J.", "Jones, K.", "Lee, M.")),
        (
            "H. Massias, X.S. Avila, and J.-J. Quisquater",
            ("H. Massias", "X.S. Avila", "J.-J. Quisquater"),
        ),
        ("Jun, Niu", ("Jun, Niu",)),
        ("Stueck William", ("Stueck William",)),
        (
            "Eriksen, Thomas Hylland, and Finn Sivert Nielsen",
            ("Eriksen, Thomas Hylland", "Finn Sivert Nielsen"),
        ),
        ("Lunbeck, Elizabeth, et al.", ("Lunbeck, Elizabeth",)),
        ("Doe, Jane; Roe, Richard", ("Doe, Jane", "Roe, Richard")),
        ("Bruce G. Trigger, author", ("Bruce G. Trigger",)),
    ],
)
def test_split_authors(author: str, names: tuple[str, ...]) -> None:
    assert split_authors(author) == names
