"""Benchmark: our CSL-JSON against pandoc's (``pandoc -f biblatex -t csljson``), field by field.

    python bench/csl_vs_pandoc.py [--src SRC] [--examples N] [FILE.bib ...]

Without files it runs over ../shared/data/realbib/**/*.bib and, where TeX Live is installed,
xampl.bib, biblatex-examples.bib, tugboat.bib and texbook{1,2,3}.bib. ``--src`` names the source
tree of effllm_bib to measure (default: this repository's ``src``), so that two versions can be
compared with one script.

For every entry both sides produce, five fields are compared: authors, title, type,
container-title, issued, each in a normal form that sets aside formatting that is not text
(bench/csl_disagreement.py, which also names the class of each disagreement). An entry that depends on ``@string`` macros or ``crossref``/``xdata`` is counted apart as well
("resolved" below), because resolving them is the reader's job (``Database.resolved``): where
this source tree has ``effllm_bib.resolve``, entries are resolved before export.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REALBIB = ROOT.parent / "shared" / "data" / "realbib"
TEXLIVE = (
    "xampl.bib",
    "biblatex-examples.bib",
    "tugboat.bib",
    "texbook1.bib",
    "texbook2.bib",
    "texbook3.bib",
)
CACHE = Path(tempfile.gettempdir()) / "effllm-bib-pandoc-csl"
sys.path.insert(
    0, str(Path(__file__).resolve().parent)
)  # also when loaded by file, as the test does

from csl_disagreement import FIELDS, classify, same, values  # noqa: E402


def corpus() -> list[Path]:
    files = sorted(REALBIB.rglob("*.bib"))
    if shutil.which("kpsewhich"):
        for name in TEXLIVE:
            found = subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout
            if found.strip():
                files.append(Path(found.strip()))
    return files


# --- running both sides ---------------------------------------------------------------------


@dataclass
class Tally:
    compared: Counter[str] = field(default_factory=Counter)  # "all" / "plain" per field
    agreed: Counter[str] = field(default_factory=Counter)
    classes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    examples: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    files: int = 0
    entries: int = 0
    skipped: list[str] = field(default_factory=list)
    missing: int = 0  # entries pandoc gives and we do not


PANDOC_TIMEOUT = 120  # pandoc 2.17 loops for ever on biber's crossref-cycle test file


def pandoc_items(path: Path, cache: Path) -> list[dict[str, Any]] | str:
    """pandoc's CSL-JSON for a file (cached by content and pandoc version), or why none."""
    version = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout
    digest = hashlib.sha256(path.read_bytes() + version.encode()).hexdigest()[:20]
    cached = cache / f"{digest}.json"
    if not cached.exists():
        try:
            proc = subprocess.run(
                ["pandoc", "-f", "biblatex", "-t", "csljson", str(path)],
                capture_output=True,
                text=True,
                timeout=PANDOC_TIMEOUT,
            )
            result: Any = (
                json.loads(proc.stdout or "[]")
                if proc.returncode == 0
                else f"pandoc failed: {(proc.stderr.strip() or '?').splitlines()[0]}"
            )
        except subprocess.TimeoutExpired:
            result = f"pandoc did not finish in {PANDOC_TIMEOUT} s"
        cache.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(result), encoding="utf-8")
    return json.loads(cached.read_text(encoding="utf-8"))  # type: ignore[no-any-return]  # pandoc's own CSL-JSON, read back


# Where each compared field comes from, to tell which values need macros or crossref resolved.
SOURCES = {
    "authors": ("author",),
    "title": ("title",),
    "type": (),
    "container-title": ("booktitle", "journal", "journaltitle"),
    "issued": ("date", "year"),
}


def depends_on_others(entry: Any, name: str) -> bool:
    """The field's value needs ``@string`` macros or crossref/xdata (the reader resolves these)."""
    fields = SOURCES[name]
    macro = any(f in entry.bare and not entry.get(f).isdigit() for f in fields)
    inherited = bool(entry.get("crossref") or entry.get("xdata")) and not any(
        entry.get(f) for f in fields
    )
    return bool(fields) and (macro or inherited)


def our_items(path: Path) -> tuple[dict[str, Any], dict[str, Any]] | str:
    """(items by key, raw entries by key), or why the file could not be read."""
    from effllm_bib import bibio
    from effllm_bib.export.csljson import csl_item

    try:
        parsed = bibio.read_bib(path)
    except Exception as exc:  # the old reader raises on some files; the bench goes on
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    entries = parsed.entries
    try:
        from effllm_bib.resolve import resolve_entries  # the reader branch

        entries = resolve_entries(entries, getattr(parsed, "strings", {}))
    except ImportError:
        pass
    raw = {e.key: e for e in parsed.entries}
    items = {}
    for e in entries:
        try:
            items[e.key] = csl_item(e)
        except Exception as exc:
            items[e.key] = {"error": f"{type(exc).__name__}: {exc}"}
    return items, raw


def compare(path: Path, tally: Tally, examples: int, cache: Path) -> None:
    theirs = pandoc_items(path, cache)
    ours = our_items(path)
    if isinstance(theirs, str) or isinstance(ours, str):
        tally.skipped.append(f"{path.name}: {theirs if isinstance(theirs, str) else ours}")
        return
    items, raw = ours
    tally.files += 1
    for item in theirs:
        key = item.get("id", "")
        tally.entries += 1
        if key not in items or "error" in items[key]:
            tally.missing += 1
            continue
        mine, other = values(items[key]), values(item)
        entry = raw[key]
        for name in FIELDS:
            agree = same(name, mine[name], other[name])
            plain_field = not depends_on_others(entry, name)
            for scope in (
                ("all", "exact", "aside", "plain") if plain_field else ("all", "exact", "aside")
            ):
                tally.compared[f"{scope}:{name}"] += 1
                tally.agreed[f"{scope}:{name}"] += (
                    mine[name] == other[name] if scope == "exact" else agree
                )
            if not agree:
                source = (
                    entry.type
                    if name == "type"
                    else next((entry.get(f) for f in SOURCES[name] if entry.get(f)), "")
                )
                cls = classify(name, mine[name], other[name], source)
                tally.agreed[f"aside:{name}"] += cls.startswith("pandoc")
                if not plain_field:
                    cls = f"(needs macros/crossref resolved) {cls}"
                tally.classes[name][cls] += 1
                shown = tally.examples[(name, cls)]
                if len(shown) < examples:
                    shown.append(f"{path.name} {key}: ours {mine[name]!r} | pandoc {other[name]!r}")


def report(tally: Tally, out: Callable[[str], None] = print) -> None:
    out(
        f"files compared: {tally.files}, entries (pandoc's): {tally.entries}, "
        f"missing on our side: {tally.missing}"
    )
    for why in tally.skipped:
        out(f"  skipped {why}")
    out(
        f"{'field':16} {'agreement':>20} {'exact (with case)':>20} {'no macro/crossref':>20}"
        f" {'pandoc errors aside':>20}"
    )
    for name in FIELDS:
        cells = []
        for scope in ("all", "exact", "plain", "aside"):
            n, k = tally.compared[f"{scope}:{name}"], tally.agreed[f"{scope}:{name}"]
            cells.append(f"{k}/{n} {100 * k / n:6.2f}%" if n else "-")
        out(f"{name:16} {cells[0]:>20} {cells[1]:>20} {cells[2]:>20} {cells[3]:>20}")
    out(
        "(agreement: titles compared without letter case, as pandoc sentence-cases English titles;"
        " pandoc errors aside: disagreements in the classes named 'pandoc ...' below counted as"
        " agreement)"
    )
    for name in FIELDS:
        if not tally.classes[name]:
            continue
        out(f"\n{name}: disagreements by class")
        for cls, count in tally.classes[name].most_common():
            out(f"  {count:6}  {cls}")
            for example in tally.examples[(name, cls)]:
                out(f"            {example[:150]}")


def agreement(tally: Tally, scope: str = "all") -> dict[str, float]:
    return {
        n: tally.agreed[f"{scope}:{n}"] / tally.compared[f"{scope}:{n}"]
        for n in FIELDS
        if tally.compared[f"{scope}:{n}"]
    }


def run(files: Iterable[Path], examples: int = 2, cache: Path = CACHE) -> Tally:
    files = list(files)
    with ThreadPoolExecutor(max_workers=4) as pool:  # pandoc first, in parallel, into the cache
        list(pool.map(lambda p: pandoc_items(p, cache), files))
    tally = Tally()
    for path in files:
        compare(path, tally, examples, cache)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--examples", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=CACHE, help="where pandoc's output is kept")
    args = parser.parse_args()
    if not shutil.which("pandoc"):
        sys.exit("pandoc is not installed; nothing to compare with.")
    sys.path.insert(0, str(args.src.resolve()))
    import logging

    logging.disable(logging.WARNING)  # pylatexenc warns on every odd character
    report(run(args.files or corpus(), args.examples, args.cache))


if __name__ == "__main__":
    main()
