#!/usr/bin/env python3
"""Where one document's check spends its CPU time, stage by stage, in one process.

The file is checked once to warm up (imports, compiled patterns), then `--runs` more
times; the script prints milliseconds of CPU per document for loading (read, decode,
parse, attach bibliographies), the link stage, the document's shared geometry (masks,
sentences, paragraphs, quotations), the source audit (computed once, on first use, here
forced right after linking), each rule that takes measurable time, and
the filter. The total is what `--jobs` divides among processes; start-up is not in it.

    python bench/stages.py                              # the Lai essay
    python bench/stages.py path/to/essay.md --runs 50
    python bench/stages.py --profile 25                 # and cProfile's top functions
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
LAI = ROOT / "corpus" / "lai-2023" / "essay.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(LAI))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="top N functions")
    args = parser.parse_args()

    from citeaudit import filter as filters
    from citeaudit.link import link
    from citeaudit.model import Diagnostic
    from citeaudit.pipeline import load_document
    from citeaudit.rules import RuleContext, all_rules
    from citeaudit.run import Configs, Options

    data = Path(args.path).read_bytes()
    settings = Configs(Options(select=None, ignore=(), isolated=True)).for_path(args.path)
    rules = all_rules()
    enabled = {code for code, rule in rules.items() if rule.default_enabled}
    spent: Counter[str] = Counter()

    def timed(stage: str, work: Callable[[], T]) -> T:
        started = time.process_time()
        result = work()
        spent[stage] += time.process_time() - started
        return result

    def once() -> None:
        doc = timed("load", lambda: load_document(args.path, data, settings))
        timed("link", lambda: link(doc))
        # The geometry's views are computed by whichever stage asks first; here they are
        # computed up front so that the audit and the rules are charged for their own work.
        timed("geometry (shared by the audit and rules)", partial(_geometry, doc))
        timed("audit (link stage)", lambda: doc.links.audit)
        found: list[Diagnostic] = []
        for code, rule in rules.items():
            if code in enabled:
                context = RuleContext(rule=rule, doc=doc, options=dict(rule.defaults))
                found += timed(f"rule {code}", partial(_findings, rule, doc, context))
        timed("filter", lambda: filters.document(doc, found, settings, enabled, rules.keys()))

    once()
    spent.clear()
    for _ in range(args.runs):
        once()
    total = sum(spent.values())
    print(f"{args.path}: {total / args.runs * 1000:.2f} ms of CPU per document ({args.runs} runs)")
    shown = 0.0
    for stage, seconds in spent.most_common():
        per = seconds / args.runs * 1000
        if per < 0.1 and stage.startswith("rule "):
            continue
        shown += seconds
        print(f"  {per:7.2f} ms  {100 * seconds / total:5.1f} %  {stage}")
    print(f"  {(total - shown) / args.runs * 1000:7.2f} ms  the other rules")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.runs):
            once()
        profile.disable()
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(args.profile)
    return 0


def _geometry(doc: Any) -> None:
    from citeaudit.geometry import geometry

    shared = geometry(doc)
    for view in ("text", "body", "claims", "sentences", "quoted_sentences", "paragraphs"):
        getattr(shared, view)
    shared.quotations  # noqa: B018


def _findings(rule: Any, doc: Any, context: Any) -> list[Any]:
    return list(rule.check(doc, context))


if __name__ == "__main__":
    sys.exit(main())
