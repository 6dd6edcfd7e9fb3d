"""Where the time of a CSL-JSON export of a large file goes, stage by stage, in-process.

    python bench/reader_speed.py [--runs 5] [FILE.bib]

Against the baseline of bench/realbib_bench.py on the same file (default: TUGboat's 3,644
entries): bibtexparser's ``parse_file`` with its default middlewares, the garbage collector
paused, as our reader pauses it. Our side, stage by stage: the reader (``bibio.read_bib``),
macro and crossref resolution, the CSL items and the JSON text, the database frozen after the
read as the command line freezes it. The value caches are emptied before each run, so every
run converts every value afresh, as a new process does. The baseline and our stages alternate
run by run after a warm-up (bench/harness.py). bench/realbib_bench.py times the whole command
in separate processes; this script shows which stage to look at.
"""

from __future__ import annotations

import argparse
import gc
import sys
from functools import partial
from pathlib import Path
from typing import Any

from harness import ROOT, Timings, empty_value_caches, footer, header, run_call

sys.path.insert(0, str(ROOT / "src"))

from bibtexparser.entrypoint import parse_file  # noqa: E402

from effllm_bib import bibio  # noqa: E402
from effllm_bib.export import csljson  # noqa: E402
from effllm_bib.resolve import resolve_entries  # noqa: E402

TUGBOAT = ROOT.parent / "shared" / "data" / "realbib" / "biber" / "etc_tugboat.bib"
BASE = "parse_file, collector paused"


def ours(path: Path) -> dict[str, float]:
    """Seconds per stage of one export."""
    empty_value_caches()
    out: dict[str, Any] = {}
    times = {"bibio.read_bib": run_call(lambda: out.update(parsed=bibio.read_bib(path)))}
    gc.freeze()  # as the command line does once the database is loaded
    try:
        parsed = out["parsed"]
        times["resolve (macros, crossref)"] = run_call(
            lambda: out.update(entries=resolve_entries(parsed.entries, parsed.strings))
        )
        times["CSL items"] = run_call(
            lambda: out.update(items=[csljson.csl_item(e) for e in out["entries"]])
        )
        times["JSON text"] = run_call(lambda: csljson.indented_json(out["items"]))
    finally:
        gc.unfreeze()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=TUGBOAT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(header(f"{args.path.name}, in-process", args.runs))
    baseline = partial(run_call, partial(parse_file, str(args.path)), collector=False)
    baseline()
    ours(args.path)
    timings = Timings()
    for i in range(args.runs):
        for side in ("base", "ours") if i % 2 == 0 else ("ours", "base"):
            if side == "base":
                timings.add(BASE, baseline())
            else:
                for stage, seconds in ours(args.path).items():
                    timings.add(stage, seconds)
    for name in timings.times:
        print(timings.row(name, BASE))
    print(footer())


if __name__ == "__main__":
    main()
