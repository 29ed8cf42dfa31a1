"""The public Python API: what the CLI does, for editors, notebooks and other front ends.

    >>> from citeaudit.api import check_text
    >>> [r["code"] for r in check_text("Kennan warned [2].\\n\\n## References\\n\\n1. A.\\n",
    ...                                 "draft.md")]
    ['CIT001', 'CIT002']

Each finding is the same record that `citeaudit check --format json` prints (see the
schema in `citeaudit/schemas/diagnostics.schema.json`). `check_paths` takes files and
folders as the CLI does, honouring the configuration files it finds.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

from citeaudit.model import Diagnostic

Record = dict[str, Any]


def check_text(
    text: str,
    filename: str = "manuscript.md",
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
) -> list[Record]:
    """Check `text` as if it were the file `filename` (its extension picks the format;
    relative bibliography paths resolve from its folder)."""
    result = _check([(filename, text.encode("utf-8"))], select, ignore, isolated=True)
    return _records(result, {filename: text})


def check_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    jobs: int | None = 1,
    cache: bool = False,
) -> list[Record]:
    """Check files and folders, with the configuration files each one finds."""
    from citeaudit.discover import manuscripts

    inputs: list[tuple[str, bytes | None]] = [
        (p, None) for p in manuscripts([os.fspath(p) for p in paths])
    ]
    results = _check(inputs, select, ignore, jobs=jobs, cache=cache)
    return _records(results, {})


def diagnostics(records: Iterable[Record]) -> list[Record]:
    """Only the findings of errors and warnings (leaves out info)."""
    return [r for r in records if r["severity"] != "info"]


def _check(
    inputs: list[tuple[str, bytes | None]],
    select: Sequence[str] | None,
    ignore: Sequence[str],
    *,
    isolated: bool = False,
    jobs: int | None = 1,
    cache: bool = False,
) -> tuple[list[Diagnostic], dict[str, str]]:
    from citeaudit import filter as filters
    from citeaudit.parallel import check_many
    from citeaudit.pipeline import Sources
    from citeaudit.run import Configs, Options, task_for

    options = Options(
        select=tuple(s.upper() for s in select) if select is not None else None,
        ignore=tuple(s.upper() for s in ignore),
        isolated=isolated,
    )
    configs = Configs(options)
    tasks = [task_for(path, data, configs, keep=False) for path, data in inputs]
    from citeaudit.cache import FOLDER

    root = configs.for_path(os.path.join(os.getcwd(), "x")).root
    results = check_many(tasks, jobs=jobs, cache_root=os.path.join(root, FOLDER) if cache else None)
    found = filters.run([d for r in results for d in r.diagnostics], [r.path for r in results])
    return found, dict(Sources(results))


def _records(
    result: tuple[list[Diagnostic], dict[str, str]], texts: dict[str, str]
) -> list[Record]:
    from citeaudit.report.records import diagnostic_records

    found, sources = result
    return diagnostic_records(found, {**sources, **texts})
