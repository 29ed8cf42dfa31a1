"""JUnit XML, which most CI servers (Jenkins, GitLab, Azure) show as a test report.

Each checked file is a suite and each finding a failed test case, so a clean file
shows up as a pass rather than vanishing from the report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from citeaudit.model import Diagnostic
from citeaudit.report import ReportOptions
from citeaudit.report.records import posix_path

# Characters XML 1.0 cannot carry at all, not even as character references: a report
# containing one would be rejected whole by the CI server's parser.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    by_path: dict[str, list[Diagnostic]] = {path: [] for path in options.files_checked}
    # Findings can sit in files that were not checked themselves, such as a .bib file
    # a manuscript cites; they still need a suite.
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        by_path.setdefault(d.path, []).append(d)
    root = ET.Element("testsuites", name="citeaudit")
    for path, found in by_path.items():
        root.append(suite(path, found))
    root.set("tests", str(sum(int(s.get("tests", "0")) for s in root)))
    root.set("failures", str(len(diagnostics)))
    root.set("errors", "0")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def suite(path: str, found: Sequence[Diagnostic]) -> ET.Element:
    name = xml_text(posix_path(path))
    element = ET.Element(
        "testsuite",
        name=name,
        tests=str(max(1, len(found))),
        failures=str(len(found)),
        errors="0",
    )
    if not found:
        ET.SubElement(element, "testcase", name="citeaudit", classname=name)
    for d in found:
        element.append(case(name, d))
    return element


def case(classname: str, d: Diagnostic) -> ET.Element:
    element = ET.Element(
        "testcase", name=f"{d.code} {d.span.line}:{d.span.column}", classname=classname
    )
    failure = ET.SubElement(element, "failure", message=xml_text(d.message), type=d.code)
    failure.text = xml_text(failure_text(d))
    return element


def failure_text(d: Diagnostic) -> str:
    lines = [
        f"{posix_path(d.path)}:{d.span.line}:{d.span.column}: {d.severity} "
        f"{d.code} [{d.rule}] {d.message}"
    ]
    if d.fix is not None:
        lines.append(f"fix ({d.fix.applicability}): {d.fix.message}")
    lines += [f"{posix_path(r.path)}:{r.span.line}:{r.span.column}: {r.message}" for r in d.related]
    return "\n".join(lines)


def xml_text(text: str) -> str:
    # Replaced rather than dropped, so the reader can see that something was there.
    return _NOT_XML.sub("\ufffd", text)
