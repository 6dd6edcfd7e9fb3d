"""Run every command on every real .bib file as a lone database; count outcomes per command.

    PYTHONPATH=src python3 tools/corpus_outcomes.py [--json out.json] [FILES...]

Outcome per (file, command): ok (exit 0), finding (a one-line error, or check's exit 1),
traceback (an exception escaped), unreadable (a write left a file the reader refuses).
--with-taxonomy puts refs/taxonomy.toml beside each file. Files default to ../shared/data/realbib/**/*.bib and TeX Live's bibtex/bib tree.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import shutil
import sys
import tempfile
import traceback
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from effllm_bib import bibio
from effllm_bib.cli import cli

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
REALBIB = REPO.parent / "shared" / "data" / "realbib"
TEXLIVE = Path("/usr/share/texlive/texmf-dist/bibtex/bib")
FORMATS = ("bibtex", "biblatex", "csl-json", "ris")


def corpus() -> list[Path]:
    files = sorted(Path(p) for p in glob.glob(str(REALBIB / "**" / "*.bib"), recursive=True))
    files += sorted(Path(p) for p in glob.glob(str(TEXLIVE / "**" / "*.bib"), recursive=True))
    return files


def run(args: list[str]) -> tuple[str, str]:
    runner = CliRunner()
    res = runner.invoke(cli, args, catch_exceptions=True)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        tb = "".join(traceback.format_exception(res.exception))
        return "traceback", tb.strip().splitlines()[-1]
    out = (res.output or "").strip().splitlines()
    last = out[-1] if out else ""
    if res.exit_code == 0:
        return "ok", last
    if "Traceback" in (res.output or ""):
        return "traceback", last
    return "finding", last


def readable(path: Path) -> bool:
    try:
        return not bibio.read_bib(path).errors
    except Exception:
        return False


def first_key(path: Path) -> str | None:
    try:
        entries = bibio.read_bib(path).entries
    except Exception:
        return None
    return entries[0].key if entries else None


def one_file(
    src: Path, work: Path, taxonomy: Path, beside: bool = False
) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    lone = work / "lone" / src.name
    lone.parent.mkdir(parents=True)
    shutil.copyfile(src, lone)
    if beside:
        shutil.copyfile(taxonomy, lone.with_name("taxonomy.toml"))
    db = ["--db", str(lone)]
    out["check"] = run([*db, "check"])
    for fmt in FORMATS:
        out[f"export-{fmt}"] = run([*db, "export", "-f", fmt])
    out["refs"] = run([*db, "refs", "--no-cache"])
    out["stats"] = run([*db, "stats"])
    # merge --add-new into an empty database (with the project's taxonomy beside it)
    target = work / "merged"
    target.mkdir()
    (target / "effllm.bib").write_text("", encoding="utf-8")
    shutil.copyfile(taxonomy, target / "taxonomy.toml")
    out["merge"] = run(["--db", str(target), "merge", "--add-new", str(src)])
    if out["merge"][0] == "ok" and not readable(target / "effllm.bib"):
        out["merge"] = ("unreadable", "merge wrote a file the reader refuses")
    fixed = work / "fix" / src.name
    fixed.parent.mkdir()
    shutil.copyfile(src, fixed)
    if beside:
        shutil.copyfile(taxonomy, fixed.with_name("taxonomy.toml"))
    before = fixed.read_bytes()
    out["check-fix"] = run(["--db", str(fixed), "check", "--fix"])
    if fixed.read_bytes() != before and not readable(fixed):
        out["check-fix"] = ("unreadable", "check --fix wrote a file the reader refuses")
    key = first_key(lone)
    if key is None:
        out["keys-rename"] = ("finding", "no entry to rename")
    else:
        out["keys-rename"] = run([*db, "keys", "rename", key, key + "x"])
        if out["keys-rename"][0] == "ok" and not readable(lone):
            out["keys-rename"] = ("unreadable", "keys rename wrote a file the reader refuses")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    ap.add_argument(
        "--with-taxonomy",
        action="store_true",
        help="Put the project's taxonomy.toml beside each file (no lone files).",
    )
    ap.add_argument("files", nargs="*", type=Path)
    ns = ap.parse_args()
    files = ns.files or corpus()
    taxonomy = REPO / "refs" / "taxonomy.toml"
    results: dict[str, dict[str, tuple[str, str]]] = {}
    entries = 0
    for i, src in enumerate(files):
        with contextlib.suppress(Exception):
            entries += len(bibio.read_bib(src).entries)
        with tempfile.TemporaryDirectory() as tmp:
            results[str(src)] = one_file(src, Path(tmp), taxonomy, ns.with_taxonomy)
        print(f"[{i + 1}/{len(files)}] {src.name}", file=sys.stderr)
    per_cmd: dict[str, Counter[str]] = {}
    for res in results.values():
        for cmd, (outcome, _) in res.items():
            per_cmd.setdefault(cmd, Counter())[outcome] += 1
    print(f"{len(files)} files, {entries} entries read")
    for cmd, counts in per_cmd.items():
        shown = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        print(f"{cmd:16} {shown}")
    if ns.json:
        Path(ns.json).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
