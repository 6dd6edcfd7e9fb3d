"""Benchmark: effllm-bib on the largest real .bib (TUGboat, 3,644 entries) and grown to 50,000.

    PYTHONPATH=$PWD/src python3 bench/realbib_bench.py [--runs 5] [--sizes 3644,12500,25000,50000]
        [--skip-growth] [--from-source]

1. Side by side in one run, medians of ``--runs`` separate processes (as a user runs them):
   ``bibtexparser.parse_file`` alone, ``effllm-bib export --format csl-json`` (target: at most
   2x) and ``effllm-bib check`` (target: at most 3x) on a lone copy of the file, each with an
   empty cache (nothing parsed before). Both sides run byte-compiled, as installed code does
   (as bench/startup_bench.py: a temporary PYTHONPYCACHEPREFIX that a warm-up run fills);
   ``--from-source`` keeps the environment's PYTHONDONTWRITEBYTECODE, under which our modules,
   a source tree, are compiled at every start while bibtexparser loads pip's byte code.
2. Growth: synthetic files made from the real entries (each copy's words get their own suffix,
   so copies are distinct papers with the same statistics), ``check`` and ``parse_file``
   in-process, with the time per 1,000 entries; linear growth keeps it flat.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from effllm_bib import bibio, canonical  # noqa: E402
from effllm_bib.model import Entry  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "realbib" / "biber" / "etc_tugboat.bib"
CLI = [sys.executable, "-m", "effllm_bib"]
_WORD = re.compile(r"(?<![\\\w])([A-Za-z]{3,})")


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    cache = tempfile.mkdtemp(prefix="effllm-bench-cache-")
    start = time.perf_counter()
    done = subprocess.run(
        cmd,
        env={**env, "EFFLLM_BIB_CACHE_DIR": cache},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    shutil.rmtree(cache, ignore_errors=True)
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.strip()[-300:]}")
    return elapsed, done.returncode


def side_by_side(path: Path, runs: int, from_source: bool = False) -> dict[str, float]:
    """Medians, the three commands interleaved run by run so that load changes hit them alike."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    work = Path(tempfile.mkdtemp(prefix="effllm-bench-"))
    if not from_source:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    lone = work / path.name
    shutil.copyfile(path, lone)
    export_db = lone
    probe = subprocess.run(
        [*CLI, "--db", str(lone), "export", "--format", "csl-json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if probe.returncode != 0 and "taxonomy" in probe.stderr:
        # before a lone .bib is a database (issue 9, branch 'reader'): export beside a taxonomy
        print(
            f"note: export refused the lone file ({probe.stderr.strip()}); measured with "
            "refs/taxonomy.toml beside a copy."
        )
        (work / "with-taxonomy").mkdir()
        export_db = work / "with-taxonomy" / path.name
        shutil.copyfile(path, export_db)
        shutil.copyfile(ROOT / "refs" / "taxonomy.toml", export_db.with_name("taxonomy.toml"))
    commands = {
        "bibtexparser.parse_file": [
            sys.executable,
            "-c",
            f"import bibtexparser; bibtexparser.parse_file({str(path)!r})",
        ],
        "export --format csl-json": [
            *CLI,
            "--db",
            str(export_db),
            "export",
            "--format",
            "csl-json",
        ],
        "check": [*CLI, "--db", str(lone), "check"],
    }
    for cmd in commands.values():
        run_once(cmd, env)  # warm-up: byte code written (unless --from-source), OS file cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(run_once(cmd, env)[0])
    shutil.rmtree(work, ignore_errors=True)
    return {name: statistics.median(t) for name, t in times.items()}


def _suffix(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(ord("a") + r) + out
        if n == 0:
            return out


def synthetic(size: int, entries: list[Entry], extras: list, target: Path) -> None:
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
            for ref in ("crossref",):
                if values.get(ref):
                    values[ref] = f"{values[ref]}-{tag}"
            fields = tuple((k, v) for k, v in values.items() if v)
            out.append(Entry(f"{e.key}-{tag}", e.type, fields, e.bare, e.line))
        copy += 1
    target.write_text(canonical.format_bib(out, extras, sort=False), encoding="utf-8")


def growth(sizes: list[int]) -> list[dict[str, float]]:
    import bibtexparser

    from effllm_bib.check import check_database

    parsed = bibio.read_bib(REAL)
    rows = []
    work = Path(tempfile.mkdtemp(prefix="effllm-growth-"))
    for size in sizes:
        path = work / f"grown{size}.bib"
        synthetic(size, parsed.entries, parsed.extras, path)
        start = time.perf_counter()
        bibtexparser.parse_file(str(path))
        parse = time.perf_counter() - start
        start = time.perf_counter()
        result = check_database(path, None)
        check = time.perf_counter() - start
        rows.append(
            {
                "entries": size,
                "parse_file s": round(parse, 2),
                "check s": round(check, 2),
                "check ms per 1,000": round(1000 * check / size * 1000, 0),
                "check / parse": round(check / parse, 2),
                "findings": len(result.problems),
            }
        )
        path.unlink()
    shutil.rmtree(work, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="3644,12500,25000,50000")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument(
        "--from-source",
        action="store_true",
        help="keep the environment's PYTHONDONTWRITEBYTECODE (see above)",
    )
    args = parser.parse_args()
    medians = side_by_side(REAL, args.runs, args.from_source)
    base = medians["bibtexparser.parse_file"]
    mode = "from source" if args.from_source else "byte-compiled"
    print(f"{REAL.name}: medians of {args.runs} runs (separate processes, empty cache, {mode})")
    targets = {"export --format csl-json": 2.0, "check": 3.0}
    for name, seconds in medians.items():
        ratio = seconds / base
        goal = (
            f"  (target <= {targets[name]:.0f}x: {'met' if ratio <= targets[name] else 'MISSED'})"
            if name in targets
            else ""
        )
        print(f"  {name:<26} {seconds:6.2f} s  {ratio:4.2f}x{goal}")
    if not args.skip_growth:
        print("growth (in-process, one run per size):")
        for row in growth([int(s) for s in args.sizes.split(",")]):
            print("  " + json.dumps(row))


if __name__ == "__main__":
    main()
