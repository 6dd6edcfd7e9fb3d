"""Snapshot of the text exports (csl-json, ris) of every real .bib, to prove a change keeps bytes.

    PYTHONPATH=$PWD/src python3 bench/export_snapshot.py DIR          # write DIR/<n>-<name>.<fmt>
    PYTHONPATH=$PWD/src python3 bench/export_snapshot.py DIR --compare OLD_DIR

The corpus is the one tests/test_corpus.py uses (../shared/data/realbib and TeX Live's .bib
files). Each export runs in-process through the CLI on a lone copy of the file with an empty parse
cache; the exit code and stderr are kept beside the output, so a changed finding shows too.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

FORMATS = ("csl-json", "ris")


def snapshot(out: Path) -> int:
    from click.testing import CliRunner
    from tests.test_corpus import TEXT_FILES

    from effllm_bib.cli import cli

    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="effllm-snapshot-"))
    os.environ["EFFLLM_BIB_CACHE_DIR"] = str(work / "cache")
    runner = CliRunner()
    for n, path in enumerate(TEXT_FILES):
        lone = work / str(n) / path.name
        lone.parent.mkdir()
        shutil.copyfile(path, lone)
        for fmt in FORMATS:
            result = runner.invoke(cli, ["--db", str(lone), "export", "--format", fmt])
            stem = out / f"{n:03d}-{path.name}"
            stem.with_name(f"{stem.name}.{fmt}").write_text(result.stdout, encoding="utf-8")
            status = f"exit {result.exit_code}\n{result.stderr}".replace(str(work), "<work>")
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                status += f"\nexception: {type(result.exception).__name__}: {result.exception}"
            stem.with_name(f"{stem.name}.{fmt}.status").write_text(status, encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return len(TEXT_FILES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--compare", type=Path, help="a snapshot taken before the change")
    args = parser.parse_args()
    count = snapshot(args.out)
    print(f"{count} files, {len(FORMATS)} formats -> {args.out}")
    if args.compare:
        names = sorted(p.name for p in args.compare.iterdir())
        if sorted(p.name for p in args.out.iterdir()) != names:
            raise SystemExit("the two snapshots hold different files")
        _, differ, errors = filecmp.cmpfiles(args.compare, args.out, names, shallow=False)
        for name in differ + errors:
            print(f"DIFFERS: {name}")
        print(f"{len(names) - len(differ) - len(errors)} of {len(names)} identical")
        if differ or errors:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
