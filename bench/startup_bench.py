"""Benchmark: start-up of the command line against the bare imports it cannot avoid.

    python bench/startup_bench.py [--runs 15] [--from-source]

Each pair is timed side by side in one run, interleaved (A, B, A, B, ...), so that a machine
busy with something else slows both alike; the ratio of the medians is what counts:
- `effllm-bib export --category pruning` on the packaged database (parse cache warm) against
  `python -c "import bibtexparser"` (target: at most 1.3x);
- `effllm-bib --help` against `python -c "import click"` (target: at most 1.5x).

Both sides run byte-compiled, as installed code does (pip compiles a package's modules when it
installs it): the run sets a temporary PYTHONPYCACHEPREFIX that the warm-up runs fill, for our
modules and the baseline's alike. With PYTHONDONTWRITEBYTECODE set (as in some sandboxes) our
modules, which live in a source tree, would otherwise be compiled from source at every start
while the baseline's site-packages load their byte code; `--from-source` measures that way.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "effllm_bib"]
PAIRS = {
    "export --category pruning": (
        [*CLI, "export", "--category", "pruning"],
        [sys.executable, "-c", "import bibtexparser"],
        1.3,
    ),
    "--help": ([*CLI, "--help"], [sys.executable, "-c", "import click"], 1.5),
}


def run_once(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--from-source",
        action="store_true",
        help="keep the environment's PYTHONDONTWRITEBYTECODE (see above)",
    )
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as pyc:
        env = {**os.environ, "EFFLLM_BIB_CACHE_DIR": cache, "PYTHONPATH": str(ROOT / "src")}
        env.pop("EFFLLM_BIB_DB", None)
        if not args.from_source:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = pyc
        mode = "from source" if args.from_source else "byte-compiled"
        print(
            f"{'command (' + mode + ')':28} {'ours':>9} {'baseline':>9} {'ratio':>6} {'target':>7}"
        )
        for name, (ours, baseline, target) in PAIRS.items():
            run_once(ours, env)  # warm the parse cache, the byte code and the OS file cache
            run_once(baseline, env)
            mine, base = [], []
            for _ in range(args.runs):
                mine.append(run_once(ours, env))
                base.append(run_once(baseline, env))
            m, b = statistics.median(mine), statistics.median(base)
            ratio = m / b
            failed |= ratio > target
            print(f"{name:28} {m * 1000:7.0f}ms {b * 1000:7.0f}ms {ratio:6.2f} {target:6.1f}x")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
