"""Benchmark: effllm-bib on the largest real .bib (TUGboat, 3,644 entries) and grown to 50,000.

    python bench/realbib_bench.py [--runs 5] [--sizes 3644,12500,25000,50000]
        [--growth-runs 1] [--skip-growth] [--from-source]

The baseline is bibtexparser's ``parse_file`` with its default middlewares (string references
resolved, enclosing braces and quotes removed) under the collector state our reader has: the
cyclic garbage collector paused during the parse, and in a process of its own the result frozen
afterwards, as our commands freeze the database they load. Our reader (``bibio.read_bib``) runs
bibtexparser's splitter with no middleware and does the middlewares' work in its own loop
(delimiters removed, ``@string`` macros expanded), collector paused. ``parse_file`` as a user
calls it, collector on, is measured beside it and reported as well, but it is not the baseline:
it pays for collections our side never runs.

1. Commands, in separate processes (as a user runs them), alternated after a warm-up (see
   bench/harness.py): ``effllm-bib export --format csl-json`` (target: at most 2x the baseline)
   and ``effllm-bib check`` (target: at most 3x) on a lone copy of the file, each with an empty
   cache (nothing parsed before); both sides byte-compiled (harness.process_env).
2. The reader alone, in-process, alternated: ``bibio.read_bib`` against the baseline, against
   ``parse_file`` with the collector on, and against the splitter alone (``parse_string`` with no
   middleware, collector paused), which is what our reader builds on.
3. Growth: synthetic files made from the real entries (each copy's words get their own suffix,
   so copies are distinct papers with the same statistics), ``check`` against the baseline
   in-process, with the time per 1,000 entries; linear growth keeps it flat.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from functools import partial
from pathlib import Path

from harness import (
    ROOT,
    Timings,
    alternate,
    empty_value_caches,
    footer,
    header,
    process_env,
    run_call,
    run_command,
)

sys.path.insert(0, str(ROOT / "src"))

from bibtexparser.entrypoint import parse_file, parse_string  # noqa: E402

from effllm_bib import bibio, canonical  # noqa: E402
from effllm_bib.model import Entry, Extra  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "realbib" / "biber" / "etc_tugboat.bib"
CLI = [sys.executable, "-m", "effllm_bib"]
BASE = "parse_file, collector paused"
USUAL = "parse_file, collector on"
_WORD = re.compile(r"(?<![\\\w])([A-Za-z]{3,})")
PAUSED_SCRIPT = (
    "import gc; gc.disable()\n"
    "from bibtexparser.entrypoint import parse_file\n"
    "library = parse_file({path!r})\n"
    "gc.freeze(); gc.enable()\n"
)
USUAL_SCRIPT = "from bibtexparser.entrypoint import parse_file\nparse_file({path!r})\n"
TARGETS = {"export --format csl-json": 2.0, "check": 3.0}


def cold(cmd: list[str], env: dict[str, str]) -> float:
    """``cmd``'s seconds with an empty cache directory of its own (nothing parsed before)."""
    cache = tempfile.mkdtemp(prefix="effllm-bench-cache-")
    try:
        return run_command(cmd, {**env, "EFFLLM_BIB_CACHE_DIR": cache}, ok=(0, 1))
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def commands(path: Path, runs: int, from_source: bool) -> Timings:
    work = Path(tempfile.mkdtemp(prefix="effllm-bench-"))
    env = process_env(work / "pycache", from_source)
    lone = work / path.name
    shutil.copyfile(path, lone)
    python = [sys.executable, "-c"]
    sides = {
        BASE: partial(cold, [*python, PAUSED_SCRIPT.format(path=str(path))], env),
        USUAL: partial(cold, [*python, USUAL_SCRIPT.format(path=str(path))], env),
        "export --format csl-json": partial(
            cold, [*CLI, "--db", str(lone), "export", "--format", "csl-json"], env
        ),
        "check": partial(cold, [*CLI, "--db", str(lone), "check"], env),
    }
    try:
        return alternate(sides, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def reader(path: Path, runs: int) -> Timings:
    text = path.read_text(encoding="utf-8")
    sides = {
        BASE: partial(run_call, partial(parse_file, str(path)), collector=False),
        USUAL: partial(run_call, partial(parse_file, str(path))),
        "splitter only (no middleware)": partial(
            run_call, partial(parse_string, text, parse_stack=[]), collector=False
        ),
        "bibio.read_bib": partial(run_call, partial(bibio.read_bib, path)),  # pauses it itself
    }
    return alternate(sides, runs)


def _suffix(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(ord("a") + r) + out
        if n == 0:
            return out


def synthetic(size: int, entries: list[Entry], extras: list[Extra], target: Path) -> None:
    """``size`` entries: copy 0 is the real file, copy k renames keys and cross-references and
    suffixes every word of the title with k's letters (a different paper, the same shape)."""
    out: list[Entry] = []
    copy = 0
    while len(out) < size:
        tag = _suffix(copy)
        for e in entries[: size - len(out)]:
            if copy == 0:
                out.append(e)
                continue
            values = e.as_dict()
            values["title"] = _WORD.sub(rf"\g<1>{tag}", values.get("title", ""))
            if values.get("crossref"):
                values["crossref"] = f"{values['crossref']}-{tag}"
            fields = tuple((k, v) for k, v in values.items() if v)
            out.append(Entry(f"{e.key}-{tag}", e.type, fields, e.bare, e.line))
        copy += 1
    target.write_text(canonical.format_bib(out, extras, sort=False), encoding="utf-8")


def growth(sizes: list[int], runs: int) -> None:
    from effllm_bib.check import check_database

    parsed = bibio.read_bib(REAL)
    work = Path(tempfile.mkdtemp(prefix="effllm-growth-"))
    findings: list[int] = []

    def check(path: Path) -> None:
        findings.append(len(check_database(path, None).problems))

    def fresh_check(path: Path) -> float:
        empty_value_caches()
        return run_call(partial(check, path))

    for i, size in enumerate(sizes):
        path = work / f"grown{size}.bib"
        synthetic(size, parsed.entries, parsed.extras, path)
        timings = alternate(
            {
                BASE: partial(run_call, partial(parse_file, str(path)), collector=False),
                "check": partial(fresh_check, path),
            },
            runs,
            warmup=1 if i == 0 else 0,  # the first size pays for the imports of check's rules
        )
        took = timings.median("check")
        ratios = timings.ratios("check", BASE)
        print(
            f"  {size:6d} entries: baseline {timings.median(BASE):6.2f} s, check {took:6.2f} s "
            f"({1e6 * took / size:4.0f} ms per 1,000 entries), check / baseline "
            f"{statistics.median(ratios):4.2f}x [{min(ratios):.2f}-{max(ratios):.2f}], "
            f"{findings[-1]} findings"
        )
        path.unlink()
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="3644,12500,25000,50000")
    parser.add_argument("--growth-runs", type=int, default=1)
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument(
        "--from-source",
        action="store_true",
        help="keep the environment's PYTHONDONTWRITEBYTECODE (see bench/harness.py)",
    )
    args = parser.parse_args()
    mode = "from source" if args.from_source else "byte-compiled"
    print(header(f"{REAL.name}, commands in separate processes, empty cache", args.runs, mode))
    print(
        f"  baseline ({BASE}): bibtexparser's parse_file with its default middlewares\n"
        "  (ResolveStringReferences, RemoveEnclosing), the collector paused during the parse and\n"
        "  the result frozen; ours: bibtexparser's splitter, no middleware, their work done in\n"
        "  our own loop, the collector paused during the parse and the database frozen"
    )
    timings = commands(REAL, args.runs, args.from_source)
    for name in timings.times:
        goal = ""
        if name in TARGETS:
            met = statistics.median(timings.ratios(name, BASE)) <= TARGETS[name]
            goal = f"  (target <= {TARGETS[name]:.0f}x: {'met' if met else 'MISSED'})"
        print(timings.row(name, BASE) + goal)
    for name in TARGETS:
        print(f"{timings.row(name, USUAL)}  (against {USUAL}, not the baseline)")
    print(f"reader, in-process, medians of {args.runs} alternated runs:")
    reading = reader(REAL, args.runs)
    for name in reading.times:
        print(reading.row(name, BASE))
    if not args.skip_growth:
        print(f"growth, in-process, {args.growth_runs} alternated run(s) per size:")
        growth([int(s) for s in args.sizes.split(",")], args.growth_runs)
    print(footer())


if __name__ == "__main__":
    main()
