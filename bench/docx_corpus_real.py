"""Each Markdown manuscript of ../shared/corpus-real, and its Word version made by pandoc:
the finding counts per code side by side, for the files where they differ.

    python bench/docx_corpus_real.py          # needs pandoc

Differences come from the conversion as well as from the reader: pandoc drops raw HTML
(`<sup>1</sup>`), footnotes that nothing references, and link targets; it curls quotes;
it turns a front-matter title into a Title paragraph (a heading in Word).
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus-real"


def counts(path: Path) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "citeaudit", "check", "--isolated", "--format", "json", str(path)],
        capture_output=True,
        text=True,
    )
    found = collections.Counter(d["code"] for d in json.loads(done.stdout or "[]"))
    return dict(sorted(found.items()))


def main() -> None:
    same = 0
    with tempfile.TemporaryDirectory() as folder:
        for source in sorted([*REAL.glob("*/*.md"), *REAL.glob("*/*.Rmd")]):
            word = Path(folder) / (source.stem + ".docx")
            subprocess.run(
                ["pandoc", "-f", "markdown", "-t", "docx", "-o", str(word), str(source)],
                capture_output=True,
                check=True,
            )
            md, docx = counts(source), counts(word)
            if md == docx:
                same += 1
                continue
            print(f"{source.relative_to(REAL)}\n  md   {md}\n  docx {docx}")
    print(f"{same} files with the same counts")


if __name__ == "__main__":
    main()
