"""Where the time of a CSL-JSON export of a large file goes, stage by stage, in-process.

    PYTHONPATH=$PWD/src python3 bench/reader_speed.py [--runs 5] [FILE.bib]

Against ``bibtexparser.parse_file`` on the same file (default: TUGboat's 3,644 entries), the
medians of ``--runs`` runs of: our reader (``bibio.read_bib``), macro and crossref resolution,
the CSL items and the JSON text. The LaTeX-to-text caches are emptied before each run, so every
run converts every value afresh, as a new process does. bench/realbib_bench.py times the whole
command in separate processes; this script shows which stage to look at.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import bibtexparser  # noqa: E402

from effllm_bib import bibio, latex  # noqa: E402
from effllm_bib.export import csljson  # noqa: E402
from effllm_bib.resolve import resolve_entries  # noqa: E402

TUGBOAT = ROOT.parent / "shared" / "data" / "realbib" / "biber" / "etc_tugboat.bib"


def timed(times: dict[str, list[float]], name: str, call: Callable[..., Any], *args: Any) -> Any:
    start = time.perf_counter()
    result = call(*args)
    times.setdefault(name, []).append(time.perf_counter() - start)
    return result


def csl_items(entries: list[Any]) -> list[dict[str, Any]]:
    return [csljson.csl_item(e) for e in entries]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=TUGBOAT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[float]] = {}
    for _ in range(args.runs):
        latex.to_text.cache_clear()
        latex._part_text.cache_clear()
        timed(times, "bibtexparser.parse_file", bibtexparser.parse_file, str(args.path))
        parsed = timed(times, "bibio.read_bib", bibio.read_bib, args.path)
        gc.freeze()  # as the command line does once the database is loaded
        entries = timed(
            times, "resolve (macros, crossref)", resolve_entries, parsed.entries, parsed.strings
        )
        items = timed(times, "CSL items", csl_items, entries)
        timed(times, "JSON text", csljson.indented_json, items)
        gc.unfreeze()
    base = statistics.median(times["bibtexparser.parse_file"])
    print(f"{args.path.name}: medians of {args.runs} runs, in-process")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<28} {median:6.3f} s  {median / base:4.2f}x")


if __name__ == "__main__":
    main()
