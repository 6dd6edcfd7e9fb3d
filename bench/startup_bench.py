"""Benchmark: start-up of the command line against a time budget of bare imports.

    python bench/startup_bench.py [--runs 15] [--from-source]

Each pair runs alternated in one run (bench/harness.py), so that a machine busy with something
else slows both alike; the median of the per-round ratios is what counts:
- `effllm-bib export --category pruning` on the packaged database, parse cache warm, against
  `python -c "import bibtexparser"` (target: at most 1.3x);
- `effllm-bib --help` against `python -c "import click"` (target: at most 1.5x).

The baselines are time budgets, not the same work. On a warm cache the export never imports
bibtexparser: it reads the parse cache, selects and writes. `import bibtexparser` only names
what a start-up that reads a .bib the ordinary way would cost before reading a byte. `import
click` is closer: `--help` imports click and the command table, and prints.

Both sides run byte-compiled, as installed code does (see harness.process_env); with
`--from-source` our modules are compiled from source at every start.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from functools import partial

from harness import alternate, footer, header, process_env, run_command

CLI = [sys.executable, "-m", "effllm_bib"]
PAIRS = {
    "export --category pruning": (
        [*CLI, "export", "--category", "pruning"],
        "import bibtexparser",
        1.3,
    ),
    "--help": ([*CLI, "--help"], "import click", 1.5),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--from-source",
        action="store_true",
        help="keep the environment's PYTHONDONTWRITEBYTECODE (see above)",
    )
    args = parser.parse_args()
    mode = "from source" if args.from_source else "byte-compiled"
    print(header("start-up, separate processes", args.runs, mode))
    print(
        "  the baselines are time budgets, not the same work: on a warm parse cache the export\n"
        "  never imports bibtexparser"
    )
    failed = False
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as pyc:
        env = {**process_env(pyc, args.from_source), "EFFLLM_BIB_CACHE_DIR": cache}
        for name, (ours, budget, target) in PAIRS.items():
            base = f"python -c '{budget}' (budget)"
            timings = alternate(
                {
                    base: partial(run_command, [sys.executable, "-c", budget], env),
                    name: partial(run_command, ours, env),
                },
                args.runs,
            )
            ratio = timings.row(name, base, unit="ms")
            missed = statistics.median(timings.ratios(name, base)) > target
            failed |= missed
            print(timings.row(base, unit="ms"))
            print(f"{ratio}  (target <= {target:.1f}x: {'MISSED' if missed else 'met'})")
    print(footer())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
