"""Reports written while the run goes on: each file's findings are given to the report as
they arrive and then let go, so the run holds counts, not findings and texts.

Every stream writes byte for byte what its format's `render` returns for the same
findings (the tests compare them). `text` and `json` write in the order the findings
arrive. Formats that sort the whole run (json-lines, gitlab, github, sarif, junit) put
the findings through an external sort (sorted runs in a temporary file, merged when
read); SARIF writes its results to a temporary file while it learns the artifacts that
its header lists before them. The text of a file, for source lines and the positions of
fixes, is read back from the run's packed sources (on disk) when needed.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from citeaudit.model import Diagnostic, LineIndex
from citeaudit.report import ReportOptions
from citeaudit.report.records import (
    FINGERPRINT_VERSION,
    _digest,
    diagnostic_record,
    normalise_context,
    posix_path,
)
from citeaudit.report.spool import ExternalSort
from citeaudit.report.tally import Tally

Write = Callable[[str], object]


def streams() -> dict[str, Callable[[ReportOptions, Write], Any]]:
    return {
        "json": JsonStream,
        "json-lines": JsonLinesStream,
        "gitlab": GitlabStream,
        "github": GithubStream,
        "sarif": SarifStream,
        "junit": JunitStream,
    }


class LastIndex:
    """The line index of one source at a time: findings come file by file."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = sources
        self.last: tuple[str, LineIndex | None] | None = None

    def get(self, path: str) -> LineIndex | None:
        if self.last is None or self.last[0] != path:
            source = self.sources.get(path)
            self.last = (path, None if source is None else LineIndex(source))
        return self.last[1]


def indented(value: Any, level: int) -> str:
    """`value` as json.dumps(indent=2) writes it `level` levels deep in a document: the
    encoder starts every nested line with the indent of its depth, and strings hold no
    raw line breaks, so prefixing each line is exact."""
    pad = "  " * level
    return "\n".join(
        pad + line for line in json.dumps(value, indent=2, ensure_ascii=False).split("\n")
    )


class JsonArray:
    """A JSON array written item by item, as json.dumps(items, indent=2) writes it."""

    def __init__(self, write: Write, level: int = 0) -> None:
        self.write = write
        self.level = level
        self.items = 0

    def add(self, value: Any) -> None:
        self.write(("[\n" if not self.items else ",\n") + indented(value, self.level + 1))
        self.items += 1

    def close(self) -> None:
        self.write("\n" + "  " * self.level + "]" if self.items else "[]")


class JsonStream:
    def __init__(self, options: ReportOptions, write: Write) -> None:
        self.options = options
        self.write = write
        self.tally = Tally()
        self.array = JsonArray(write)
        self.indexes = LastIndex(options.sources)

    def add(self, diagnostics: Sequence[Diagnostic]) -> None:
        for d in diagnostics:
            self.tally.add(d)
            lines = self.indexes.get(d.path) if d.fix is not None else None
            self.array.add(diagnostic_record(d, lines))

    def finish(self) -> None:
        self.array.close()
        self.write("\n")


class Sorted:
    """Findings of the whole run in sorted order, through an external sort."""

    def __init__(self, options: ReportOptions, write: Write) -> None:
        self.options = options
        self.write = write
        self.tally = Tally()
        self.sorter: ExternalSort[Diagnostic] = ExternalSort(self.key)
        self.paths: set[str] = set()  # the paths findings are in: a few per file

    def key(self, d: Diagnostic) -> Any:
        return d.sort_key()

    def add(self, diagnostics: Sequence[Diagnostic]) -> None:
        for d in diagnostics:
            self.tally.add(d)
            self.paths.add(d.path)
            self.sorter.add(d)

    def finish(self) -> None:
        try:
            self.emit(iter(self.sorter))
        finally:
            self.sorter.close()

    def emit(self, ordered: Iterator[Diagnostic]) -> None:
        raise NotImplementedError


class JsonLinesStream(Sorted):
    def emit(self, ordered: Iterator[Diagnostic]) -> None:
        indexes = LastIndex(self.options.sources)
        for d in ordered:
            lines = indexes.get(d.path) if d.fix is not None else None
            self.write(json.dumps(diagnostic_record(d, lines), ensure_ascii=False) + "\n")


class Fingerprints:
    """records.fingerprints over findings that come in sorted order, one at a time.

    Occurrences are counted per (code, path, context); findings come grouped by path, so
    the counts of a path are dropped when the next path starts, unless two spellings of
    a path ("a.md", "./a.md") name one file and its counts must go on."""

    def __init__(self, paths: set[str]) -> None:
        spellings = Counter(posix_path(p) for p in paths)
        self.aliased = {p for p, n in spellings.items() if n > 1}
        self.kept: dict[str, dict[tuple[str, str, str], int]] = {}
        self.current = ""
        self.seen: dict[tuple[str, str, str], int] = {}

    def of(self, d: Diagnostic) -> str:
        path = posix_path(d.path)
        if path != self.current:
            if self.current in self.aliased:
                self.kept[self.current] = self.seen
            self.current = path
            self.seen = self.kept.pop(path, {})
        key = (d.code, path, normalise_context(d.context))
        occurrence = self.seen.get(key, 0)
        self.seen[key] = occurrence + 1
        return _digest((FINGERPRINT_VERSION, *key, str(occurrence)))


class GitlabStream(Sorted):
    def emit(self, ordered: Iterator[Diagnostic]) -> None:
        from citeaudit.report.gitlab import issue

        fingerprints = Fingerprints(self.paths)
        array = JsonArray(self.write)
        for d in ordered:
            array.add(issue(d, fingerprints.of(d)))
        array.close()
        self.write("\n")


class GithubStream(Sorted):
    def key(self, d: Diagnostic) -> Any:
        from citeaudit.report.github import _RANK

        return (_RANK[d.severity], d.sort_key())

    def emit(self, ordered: Iterator[Diagnostic]) -> None:
        from citeaudit.report.github import annotation, overflow_notices

        counts = self.tally.by_severity
        notices = overflow_notices(counts["error"], counts["warning"], counts["info"])
        for d in ordered:
            if d.severity == "info" and notices:
                self.write("".join(f"{line}\n" for line in notices))
                notices = []
            self.write(annotation(d) + "\n")
        self.write("".join(f"{line}\n" for line in notices))


class SarifStream(Sorted):
    def __init__(self, options: ReportOptions, write: Write) -> None:
        super().__init__(options, write)
        # Per code, the first finding in sorted order: a code that is no known rule gets
        # a descriptor made from it.
        self.first: dict[str, Diagnostic] = {}

    def add(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().add(diagnostics)
        for d in diagnostics:
            known = self.first.get(d.code)
            if known is None or d.sort_key() < known.sort_key():
                self.first[d.code] = d

    def emit(self, ordered: Iterator[Diagnostic]) -> None:
        import citeaudit
        from citeaudit.report import sarif

        firsts = sorted(self.first.values(), key=Diagnostic.sort_key)
        rules = sarif.fired_rules(firsts, self.options.rules)
        rule_index = {descriptor["id"]: i for i, descriptor in enumerate(rules)}
        artifacts = sarif.Artifacts()
        indexes = LastIndex(self.options.sources)
        fingerprints = Fingerprints(self.paths)
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spooled:
            # The artifacts come before the results in the log, and are known only when
            # every result has been made: the results wait in a temporary file.
            results = JsonArray(spooled.write, level=3)
            for d in ordered:
                found = sarif.result(d, rule_index[d.code], fingerprints.of(d), artifacts, indexes)  # type: ignore[arg-type]
                results.add(found)
            results.close()
            driver = {
                "name": "citeaudit",
                "version": citeaudit.__version__,
                "informationUri": sarif.INFORMATION_URI,
                "rules": rules,
            }
            run: dict[str, Any] = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints"}
            if artifacts.locations:
                run["artifacts"] = [{"location": location} for location in artifacts.locations]
            marker = "\0results\0"
            run["results"] = marker
            log = {"$schema": sarif.SCHEMA_URI, "version": "2.1.0", "runs": [run]}
            head, tail = json.dumps(log, indent=2, ensure_ascii=False).split(json.dumps(marker), 1)
            self.write(head)
            spooled.seek(0)
            while block := spooled.read(1 << 16):
                self.write(block)
            self.write(tail + "\n")


class JunitStream(Sorted):
    def __init__(self, options: ReportOptions, write: Write) -> None:
        super().__init__(options, write)
        # Suites come in the order of the files checked, then the other paths findings
        # are in (a .bib a manuscript cites), in sorted order.
        self.place: dict[str, int] = {}
        for path in options.files_checked:
            self.place.setdefault(path, len(self.place))
        self.counts: Counter[str] = Counter()

    def key(self, d: Diagnostic) -> Any:
        place = self.place.get(d.path)
        return (
            (len(self.place), d.path, d.sort_key()) if place is None else (place, "", d.sort_key())
        )

    def add(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().add(diagnostics)
        self.counts.update(d.path for d in diagnostics)

    def emit(self, ordered: Iterator[Diagnostic]) -> None:
        import xml.etree.ElementTree as ET

        from citeaudit.report.junit import suite

        others = sorted(p for p in self.counts if p not in self.place)
        paths = [*self.place, *others]
        tests = sum(max(1, self.counts[p]) for p in paths)
        root = ET.Element("testsuites", name="citeaudit")
        root.set("tests", str(tests))
        root.set("failures", str(self.tally.total))
        root.set("errors", "0")
        if not paths:
            self.write(
                f'<?xml version="1.0" encoding="UTF-8"?>\n{ET.tostring(root, encoding="unicode")}\n'
            )
            return
        opening = ET.tostring(root, encoding="unicode").removesuffix(" />") + ">"
        self.write(f'<?xml version="1.0" encoding="UTF-8"?>\n{opening}')
        pending = next(ordered, None)
        for path in paths:
            found: list[Diagnostic] = []
            while pending is not None and pending.path == path:
                found.append(pending)
                pending = next(ordered, None)
            element = suite(path, found)
            ET.indent(element, level=1)
            self.write("\n  " + ET.tostring(element, encoding="unicode"))
        self.write("\n</testsuites>\n")
