"""Benchmark: export and formatted lists, on the real database and on synthetic ones.

    python bench/export_bench.py [--runs 9] [--sizes 500,5000,50000]

Prints medians of wall time over separate processes (as a user runs the commands):
- `python -c "import bibtexparser"` and `effllm-bib export --category kv-cache` on refs/ (the
  target is at most 2x), and `effllm-bib --help` (target: under 150 ms);
- `export --category` on synthetic databases of growing size, cold (first read, parsed) and warm
  (parse cache hit), with the cost per entry, to show it grows linearly;
- a formatted list (plain style, text) of the whole real database: pybtex called directly,
  against `effllm-bib refs` cold (empty cache) and warm (nothing changed since the last run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from effllm_bib import canonical, files  # noqa: E402
from effllm_bib.database import Database  # noqa: E402

CLI = [sys.executable, "-m", "effllm_bib"]


def median_time(cmd: list[str], runs: int, env: dict[str, str], setup=None) -> float:
    times = []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        subprocess.run(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic(size: int, source: Database, target: Path) -> None:
    """A database of ``size`` entries made from the real ones with new keys and titles."""
    real = sorted(source.entries.values(), key=lambda e: e.key)
    entries = []
    for i in range(size):
        e = real[i % len(real)]
        entries.append(
            e.with_key(f"synthetic{i:06d}").with_fields(title=f"{e.get('title')} (variant {i})")
        )
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "refs" / "taxonomy.toml", target / "taxonomy.toml")
    files.write_atomic(target / "effllm.bib", canonical.format_bib(entries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--sizes", default="500,5000,50000")
    args = parser.parse_args()
    runs = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        env = {
            **os.environ,
            "EFFLLM_BIB_CACHE_DIR": str(cache),
            "EFFLLM_BIB_DB": str(ROOT / "refs"),
        }

        base = median_time([sys.executable, "-c", "import bibtexparser"], runs, env)
        export = median_time([*CLI, "export", "--category", "kv-cache"], runs, env)
        helptime = median_time([*CLI, "--help"], runs, env)
        print(
            f"real database ({len(Database.load(ROOT / 'refs'))} entries), medians of {runs} runs:"
        )
        print(f"  python -c 'import bibtexparser'    {base * 1000:7.0f} ms")
        print(
            f"  export --category kv-cache         {export * 1000:7.0f} ms  ({export / base:.2f}x; target <= 2x)"
        )
        print(f"  --help                             {helptime * 1000:7.0f} ms  (target < 150 ms)")

        source = Database.load(ROOT / "refs")
        print("synthetic databases, export --category kv-cache:")
        for size in (int(s) for s in args.sizes.split(",")):
            target = Path(tmp) / f"db{size}"
            synthetic(size, source, target)
            env_n = {**env, "EFFLLM_BIB_DB": str(target)}
            n_runs = max(3, runs // 3) if size >= 50000 else runs
            cold = median_time(
                [*CLI, "export", "-c", "kv-cache"],
                n_runs,
                env_n,
                setup=lambda: shutil.rmtree(cache / "parsed", ignore_errors=True),
            )
            warm = median_time([*CLI, "export", "-c", "kv-cache"], n_runs, env_n)
            print(
                f"  {size:6d} entries: cold {cold:7.2f} s ({cold / size * 1e6:6.0f} us/entry), "
                f"warm {warm:6.2f} s ({warm / size * 1e6:5.1f} us/entry)"
            )

        text = (ROOT / "refs" / "effllm.bib").read_text(encoding="utf-8")
        direct = []
        for _ in range(max(3, runs // 3)):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", PYBTEX_DIRECT],
                input=text,
                text=True,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            direct.append(time.perf_counter() - start)
        refs_cmd = [*CLI, "refs", "--style", "plain", "--to", "text"]
        cold = median_time(
            refs_cmd,
            max(3, runs // 3),
            env,
            setup=lambda: shutil.rmtree(cache / "formatted", ignore_errors=True),
        )
        warm = median_time(refs_cmd, runs, env)
        print("formatted list of the whole database (plain, text):")
        print(f"  pybtex directly                    {statistics.median(direct):7.2f} s")
        print(f"  effllm-bib refs, empty cache       {cold:7.2f} s")
        print(f"  effllm-bib refs, nothing changed   {warm:7.2f} s")


PYBTEX_DIRECT = """
import io, sys
from pybtex.database import parse_string
from pybtex.plugin import find_plugin
data = parse_string(sys.stdin.read(), "bibtex")
style = find_plugin("pybtex.style.formatting", "plain")()
find_plugin("pybtex.backends", "text")().write_to_stream(style.format_bibliography(data), io.StringIO())
"""

if __name__ == "__main__":
    main()
