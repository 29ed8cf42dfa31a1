"""Wall-clock figures for the runs users wait on. Not a test: numbers vary by machine.

    python bench/speed.py            # median of 5 runs each

- startup: `citeaudit --version` (what every pre-commit invocation pays);
- one clean file, and the Lai essay (the pre-commit case), and its HTML report;
- the whole bundled corpus in one process (the editor's folder run), and as HTML pages;
- a large manuscript: the Lai body repeated 40 times (about 700 KB) with its list;
- how many modules a one-file run imports, and whether the heavy ones are among them.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
RUNS = 5


def timed(args: list[str]) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "citeaudit", *args], capture_output=True, check=False)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def imported_modules(path: Path) -> set[str]:
    code = (
        "import sys, citeaudit.cli as c\n"
        f"sys.argv=['citeaudit','check',{str(path)!r}]\n"
        "try:\n c.main()\nexcept SystemExit:\n pass\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    ).stdout
    return set(out.split())


def main() -> None:
    lai = CORPUS / "lai-2023" / "essay.md"
    kim = CORPUS / "kim-2019" / "page.txt"
    text = lai.read_text(encoding="utf-8")
    body, _, refs = text.partition("#### 6. References")
    with tempfile.TemporaryDirectory() as tmp:
        large = Path(tmp) / "large.md"
        large.write_text(body * 40 + "#### 6. References" + refs, encoding="utf-8")
        rows = [
            ("startup (--version)", timed(["--version"])),
            ("clean file (Kim page)", timed(["check", str(kim)])),
            ("Lai essay, all rules", timed(["check", str(lai)])),
            (
                "Lai essay, HTML report",
                timed(["check", "--format", "html", "-o", str(Path(tmp) / "lai.html"), str(lai)]),
            ),
            (
                "bundled corpus/, HTML folder",
                timed(["check", "--format", "html", "-o", str(Path(tmp) / "site"), str(CORPUS)]),
            ),
            ("bundled corpus/ (one process)", timed(["check", "--quiet", str(CORPUS)])),
            (
                f"large file ({large.stat().st_size // 1024} KB)",
                timed(["check", "--quiet", str(large)]),
            ),
        ]
    for name, seconds in rows:
        print(f"{name:<34} {seconds * 1000:8.0f} ms")
    modules = imported_modules(kim)
    heavy = sorted(m for m in ("rapidfuzz", "jsonschema", "bibtexparser", "jinja2") if m in modules)
    print(
        f"modules imported checking one clean file: {len(modules)}; heavy: {', '.join(heavy) or 'none'}"
    )


if __name__ == "__main__":
    main()
