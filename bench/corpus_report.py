"""The corpus outcome of every command, per command: files, entries, outcomes and rule counts.

Runs each command of the CLI in-process (click's test runner) on a lone copy of every real .bib
file: ../shared/data/realbib/**/*.bib and, where TeX Live is installed, its own .bib files.
Outcomes: ``ok`` (a result; ``check`` exiting 1 with its findings is a result), ``finding`` (a
one-line ``effllm-bib: error: ...``), ``traceback`` (anything else that escaped), and for the
commands that write (``merge --add-new`` into an empty database, ``check --fix`` on a copy)
``unreadable-write`` when the file written cannot be read back without errors.

Measure a tree by putting its source first::

    PYTHONPATH=/work/wt-before/src python3 bench/corpus_report.py --out before.json
    PYTHONPATH=$PWD/src python3 bench/corpus_report.py --out after.json
    python3 bench/corpus_report.py --compare before.json after.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REALBIB = REPO.parent / "shared" / "data" / "realbib"
TEXLIVE_BIB = Path("/usr/share/texlive/texmf-dist/bibtex/bib")

EXPORTS = ("bibtex", "biblatex", "csl-json", "ris")
COMMANDS = (
    "check",
    "check+taxonomy",
    *(f"export-{f}" for f in EXPORTS),
    "refs",
    "stats",
    "merge-add-new",
    "check-fix",
)


def corpus_files() -> list[Path]:
    """Every real .bib: the shared corpus, then TeX Live's (deduplicated by real path)."""
    found = sorted(REALBIB.rglob("*.bib")) if REALBIB.is_dir() else []
    roots = []
    try:
        xampl = subprocess.run(
            ["kpsewhich", "xampl.bib"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        xampl = ""
    if xampl:
        roots.append(Path(xampl).parent)
    if TEXLIVE_BIB.is_dir():
        roots.append(TEXLIVE_BIB)
    for root in roots:
        found.extend(sorted(root.rglob("*.bib")))
    seen: set[Path] = set()
    out = []
    for path in found:
        real = path.resolve()
        if real not in seen:
            seen.add(real)
            out.append(path)
    return out


def entry_count(path: Path) -> int:
    """Entries bibtexparser reads (the reference count of 'entries')."""
    import logging

    from bibtexparser.entrypoint import parse_string

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
        return len(parse_string(text).entries)
    except Exception:  # the count is only a figure; a file bibtexparser cannot read counts 0
        return 0


def _run(args: list[str]) -> tuple[str, int, str, str]:
    """(outcome, exit code, stdout, stderr) of one in-process CLI run."""
    from click.testing import CliRunner

    from effllm_bib.cli import cli

    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    out, err = result.stdout, result.stderr
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        return "traceback", -1, out, f"{type(exc).__name__}: {exc}"
    code = result.exit_code
    lines = [line for line in err.splitlines() if line.strip()]
    if code == 0 or (code == 1 and not lines and out.strip()):  # check: 1 = the data has errors
        return "ok", code, out, err
    if len(lines) == 1 and lines[0].startswith("effllm-bib: error:"):
        return "finding", code, out, err
    return "other", code, out, err


def _readable(path: Path) -> bool:
    from effllm_bib import bibio

    try:
        return not bibio.read_bib(path).errors
    except Exception:
        return False


def _rules(stdout: str) -> dict[str, int]:
    try:
        data = json.loads(stdout)
    except ValueError:
        return {}
    counts: Counter[str] = Counter()
    for p in data.get("problems", []):
        counts[f"{p['severity']}:{p['code']}"] += 1
    return dict(counts)


def measure(path: Path, beside: bool = False) -> dict[str, Any]:
    """Every command on one file, each on a fresh lone copy (with ``beside``: with the
    project's taxonomy.toml beside every copy, as the survey database has it)."""
    os.environ["EFFLLM_BIB_CACHE_DIR"] = tempfile.mkdtemp(prefix="effllm-cache-")
    taxonomy = REPO / "refs" / "taxonomy.toml"
    row: dict[str, Any] = {"file": str(path), "entries": entry_count(path), "commands": {}}
    with tempfile.TemporaryDirectory() as tmp:

        def lone(name: str, with_taxonomy: bool = beside) -> Path:
            d = Path(tmp) / name
            d.mkdir()
            shutil.copyfile(path, d / path.name)
            if with_taxonomy:
                shutil.copyfile(taxonomy, d / "taxonomy.toml")
            return d / path.name

        def record(command: str, args: list[str], written: Path | None = None) -> None:
            start = time.perf_counter()
            outcome, code, out, err = _run(args)
            if (
                written is not None
                and outcome == "ok"
                and written.exists()
                and not _readable(written)
            ):
                outcome = "unreadable-write"
            info: dict[str, Any] = {
                "outcome": outcome,
                "exit": code,
                "seconds": round(time.perf_counter() - start, 3),
            }
            if info["outcome"] != "ok":
                info["stderr"] = err.strip().splitlines()[-1][:300] if err.strip() else ""
            if command.startswith("check") and command != "check-fix":
                info["rules"] = _rules(out)
                if (
                    outcome == "ok"
                    and info["rules"]
                    and set(info["rules"]) <= {"error:config", "error:unreadable"}
                ):
                    info["outcome"] = "finding"  # the file was not checked: one config finding
            row["commands"][command] = info

        record("check", ["--db", str(lone("check")), "check", "--format", "json"])
        record("check+taxonomy", ["--db", str(lone("checktax", True)), "check", "--format", "json"])
        for fmt in EXPORTS:
            record(f"export-{fmt}", ["--db", str(lone(f"x-{fmt}")), "export", "-f", fmt])
        record("refs", ["--db", str(lone("refs")), "refs"])
        record("stats", ["--db", str(lone("stats")), "stats"])
        empty = Path(tmp) / "empty"
        empty.mkdir()
        if beside:
            shutil.copyfile(taxonomy, empty / "taxonomy.toml")
        target = empty / "effllm.bib"
        target.write_text("", encoding="utf-8")
        record("merge-add-new", ["--db", str(empty), "merge", str(path), "--add-new"], target)
        fixed = lone("fix")
        record("check-fix", ["--db", str(fixed), "check", "--fix"], fixed)
    shutil.rmtree(os.environ["EFFLLM_BIB_CACHE_DIR"], ignore_errors=True)
    return row


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {"files": len(rows), "entries": sum(r["entries"] for r in rows)}
    for command in COMMANDS:
        outcomes: Counter[str] = Counter()
        rules: Counter[str] = Counter()
        seconds = 0.0
        for r in rows:
            info = r["commands"].get(command)
            if info is None:
                continue
            outcomes[info["outcome"]] += 1
            rules.update(info.get("rules", {}))
            seconds += info["seconds"]
        summary[command] = {"outcomes": dict(outcomes), "seconds": round(seconds, 1)}
        if rules:
            summary[command]["rules"] = dict(sorted(rules.items(), key=lambda kv: -kv[1]))
    return summary


def compare(before: dict[str, Any], after: dict[str, Any]) -> str:
    b, a = before["summary"], after["summary"]
    lines = [f"files {b['files']} -> {a['files']}, entries {b['entries']} -> {a['entries']}", ""]
    lines.append(f"{'command':<16} {'before':<44} after")
    for command in COMMANDS:
        ob = ", ".join(
            f"{k} {v}" for k, v in sorted(b.get(command, {}).get("outcomes", {}).items())
        )
        oa = ", ".join(
            f"{k} {v}" for k, v in sorted(a.get(command, {}).get("outcomes", {}).items())
        )
        lines.append(f"{command:<16} {ob:<44} {oa}")
    for command in ("check", "check+taxonomy"):
        rb = b.get(command, {}).get("rules", {})
        ra = a.get(command, {}).get("rules", {})
        lines += ["", f"{command}: findings by rule (before -> after)"]
        for rule in sorted(set(rb) | set(ra), key=lambda r: -max(rb.get(r, 0), ra.get(r, 0))):
            lines.append(f"  {rule:<36} {rb.get(rule, 0):>7} -> {ra.get(rule, 0):>7}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the full report (JSON) here")
    parser.add_argument(
        "--taxonomy", action="store_true", help="put the project's taxonomy.toml beside every copy"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("files", nargs="*", type=Path, help="only these files")
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        print(compare(before, after))
        return
    import effllm_bib

    files = args.files or corpus_files()
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(measure, files, [args.taxonomy] * len(files)))
    report = {
        "source": str(Path(effllm_bib.__file__).parent),
        "taxonomy": args.taxonomy,
        "summary": summarise(rows),
        "files": rows,
        "seconds": round(time.perf_counter() - start, 1),
    }
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    json.dump(report["summary"], sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
