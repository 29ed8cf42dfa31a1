"""Peak memory of `citeaudit check` on a .docx zip bomb, against the Lai .docx.

    python bench/docx_bomb.py 1024      # a bomb whose document.xml unpacks to 1 GiB

Prints the bomb's size on disk, the check's exit code and message, and the peak
resident set size (ru_maxrss) of each run in its own process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_docx_bad_input import LAI, zip_bomb  # noqa: E402

SCRIPT = (
    "import resource, sys\nfrom citeaudit.cli import main\n"
    "try:\n    main(['check', '--isolated', '--no-color', sys.argv[1]])\nexcept SystemExit as e:\n"
    "    print('exit', e.code)\n"
    "print('peak_kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def run(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path)], capture_output=True, text=True, cwd=ROOT
    )
    return done.stdout


if __name__ == "__main__":
    mebibytes = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    with tempfile.TemporaryDirectory() as folder:
        bomb = zip_bomb(Path(folder) / "bomb.docx", mebibytes)
        print(f"bomb: {os.path.getsize(bomb)} bytes on disk, document.xml {mebibytes} MiB unpacked")
        print("--- bomb\n" + run(bomb))
        print("--- lai-2023.docx\n" + "\n".join(run(LAI).splitlines()[-2:]))
