"""Benchmark: export and formatted lists, on the real database and on synthetic ones.

    python bench/export_bench.py [--runs 9] [--sizes 500,5000,50000] [--from-source]

Every group runs its sides alternated after a warm-up (bench/harness.py), in separate processes
(as a user runs the commands), byte-compiled as installed code runs:
- on refs/: `export --category kv-cache` (parse cache warm) and `--help` against the time
  budget `python -c "import bibtexparser"` (targets: export at most 2x the budget, `--help`
  under 150 ms). The budget is not the same work: a warm export never imports bibtexparser;
- `export --category kv-cache` on synthetic databases of growing size, cold (parse cache
  emptied before each run, so the file is parsed) against warm (cache hit), with the cost per
  entry, to show it grows linearly;
- a formatted list (plain style, text) of the whole real database: pybtex's own parser and
  `plain` style called directly (the baseline, the same work) against `effllm-bib refs` cold
  (empty formatted-text cache) and warm (nothing changed since the last run).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from harness import ROOT, alternate, footer, header, process_env, run_command

sys.path.insert(0, str(ROOT / "src"))

from effllm_bib import canonical, files  # noqa: E402
from effllm_bib.database import Database  # noqa: E402

CLI = [sys.executable, "-m", "effllm_bib"]
PYBTEX_DIRECT = """
import io, sys
from pybtex.database import parse_string
from pybtex.plugin import find_plugin
data = parse_string(sys.stdin.read(), "bibtex")
style = find_plugin("pybtex.style.formatting", "plain")()
find_plugin("pybtex.backends", "text")().write_to_stream(style.format_bibliography(data), io.StringIO())
"""


def after(setup: Callable[[], object], cmd: list[str], env: dict[str, str]) -> float:
    """``cmd``'s seconds, ``setup`` run first and not timed."""
    setup()
    return run_command(cmd, env)


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
    parser.add_argument(
        "--from-source",
        action="store_true",
        help="keep the environment's PYTHONDONTWRITEBYTECODE (see bench/harness.py)",
    )
    args = parser.parse_args()
    runs = args.runs
    mode = "from source" if args.from_source else "byte-compiled"
    print(header("export, separate processes", runs, mode))
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        env = {
            **process_env(Path(tmp) / "pyc", args.from_source),
            "EFFLLM_BIB_CACHE_DIR": str(cache),
            "EFFLLM_BIB_DB": str(ROOT / "refs"),
        }
        source = Database.load(ROOT / "refs")
        budget = "python -c 'import bibtexparser' (budget)"
        export = "export --category kv-cache"
        real = alternate(
            {
                budget: partial(run_command, [sys.executable, "-c", "import bibtexparser"], env),
                export: partial(run_command, [*CLI, "export", "--category", "kv-cache"], env),
                "--help": partial(run_command, [*CLI, "--help"], env),
            },
            runs,
        )
        print(f"real database ({len(source)} entries), parse cache warm:")
        print(real.row(budget, unit="ms"))
        print(f"{real.row(export, budget, unit='ms')}  (target <= 2x)")
        print(f"{real.row('--help', budget, unit='ms')}  (target < 150 ms)")

        few = max(3, runs // 3)  # for the slow sides
        print(
            "synthetic databases, export --category kv-cache, cold against warm "
            f"({runs} rounds, {few} from 50,000 entries on):"
        )
        for size in (int(s) for s in args.sizes.split(",")):
            target = Path(tmp) / f"db{size}"
            synthetic(size, source, target)
            env_n = {**env, "EFFLLM_BIB_DB": str(target)}
            cmd = [*CLI, "export", "-c", "kv-cache"]
            empty = partial(shutil.rmtree, cache / "parsed", ignore_errors=True)
            grown = alternate(
                {
                    f"{size} cold": partial(after, empty, cmd, env_n),
                    f"{size} warm": partial(run_command, cmd, env_n),
                },
                few if size >= 50000 else runs,
            )
            for name in (f"{size} cold", f"{size} warm"):
                per_entry = grown.median(name) / size * 1e6
                print(f"{grown.row(name)}  {per_entry:6.1f} us/entry")

        text = (ROOT / "refs" / "effllm.bib").read_text(encoding="utf-8")
        refs_cmd = [*CLI, "refs", "--style", "plain", "--to", "text"]
        direct = "pybtex directly"
        formatted = alternate(
            {
                direct: partial(
                    run_command, [sys.executable, "-c", PYBTEX_DIRECT], env, stdin=text
                ),
                "effllm-bib refs, empty cache": partial(
                    after,
                    partial(shutil.rmtree, cache / "formatted", ignore_errors=True),
                    refs_cmd,
                    env,
                ),
                "effllm-bib refs, nothing changed": partial(run_command, refs_cmd, env),
            },
            few,
        )
        print(f"formatted list of the whole database (plain, text), {few} rounds:")
        for name in formatted.times:
            print(formatted.row(name, direct))
    print(footer())


if __name__ == "__main__":
    main()
