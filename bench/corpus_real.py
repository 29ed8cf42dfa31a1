"""Run citeaudit over ../shared/corpus-real and count findings per file and code.

The corpus renames each paper's .bib to the paper's own name; this script copies each
document into a temporary folder and gives its .bib back the name the manuscript uses
(front matter `bibliography:`, `\\bibliography{}`, `\\addbibresource{}`), so that the run
sees the project as its author had it.

    python bench/corpus_real.py [--show CODE,CODE] [--time]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus-real"
_NAMED = re.compile(
    r"^bibliography:\s*[\"']?([^\"'\n]+?)[\"']?\s*$|\\(?:bibliography|addbibresource)\{([^}]+)\}",
    re.M,
)


def documents() -> list[tuple[str, list[Path]]]:
    with open(CORPUS / "INDEX.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    out = []
    for row in rows:
        paths = [CORPUS / p for p in row["path"].split(";") if (CORPUS / p).is_file()]
        if paths:
            out.append((row["style"], paths))
    return out


def stage(paths: list[Path], into: Path) -> Path:
    """Copy a document (and its .bib under the name it is cited by) into `into`."""
    main = paths[0]
    folder = into / main.stem
    folder.mkdir()
    if len([p for p in paths if p.suffix != ".bib"]) > 1:
        # A multi-file project keeps its layout (`\input{sections/intro}`, `../bib`).
        root = Path(os.path.commonpath([p.parent for p in paths]))
        for path in paths:
            target = folder / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
        return folder / main.relative_to(root)
    for path in paths:
        if path.suffix != ".bib":
            shutil.copy(path, folder / path.name)
    sibling = main.with_suffix(".bib")
    bibs = [p for p in paths if p.suffix == ".bib"] or ([sibling] if sibling.exists() else [])
    text = main.read_text(encoding="utf-8", errors="replace")
    names = [
        n
        for m in _NAMED.finditer(text)
        for n in (m.group(1) or m.group(2) or "").split(",")
        if n.strip()
    ]
    for bib in bibs[:1]:
        for name in names or [bib.name]:
            target = folder / (
                name.strip() if name.strip().endswith(".bib") else name.strip() + ".bib"
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(bib, target)
    return folder / main.name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", default="", help="print the findings of these codes")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"{CORPUS} not present", file=sys.stderr)
        return 2
    show = {c.strip() for c in args.show.split(",") if c.strip()}
    per_code: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        staged = [(style, stage(paths, Path(tmp))) for style, paths in documents()]
        started = time.perf_counter()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "citeaudit",
                "check",
                "--format",
                "json",
                "--isolated",
                *[str(p) for _, p in staged],
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if result.returncode not in (0, 1):
            print(result.stderr, file=sys.stderr)
            return 2
        records = json.loads(result.stdout)
        for record in records:
            per_code[record["code"]] += 1
            if record["code"] in show or "ALL" in show:
                rel = Path(record["path"]).relative_to(tmp)
                print(
                    f"{rel}:{record['line']}:{record['column']}: {record['code']} {record['message'][:150]}"
                )
    print(f"\n{len(staged)} documents, {len(records)} findings, {elapsed:.2f} s")
    for code, count in sorted(per_code.items()):
        print(f"{count:5d}  {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
