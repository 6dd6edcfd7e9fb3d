"""What every timing bench shares: warm-up, the sides alternated run by run, medians and spread,
and a header that records the versions and the machine's load.

A *side* is a function that runs once and returns the seconds it took (so that setup, such as
emptying a cache, stays outside the time). :func:`alternate` warms every side up, then runs
them round by round, each round starting one side later (A B C, B C A, C A B, ...), so that a
machine busy with something else slows every side alike and no side always runs first. A ratio
is taken within each round (the sides of one round ran next to each other) and reported as the
median of those ratios and their range.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
Side = Callable[[], float]
PACKAGES = ("effllm-bib", "bibtexparser", "pybtex", "pylatexenc", "click")


class Timings:
    """Seconds per side, in the order the runs were made (run i of every side: round i)."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}

    def add(self, name: str, seconds: float) -> None:
        self.times.setdefault(name, []).append(seconds)

    def median(self, name: str) -> float:
        return statistics.median(self.times[name])

    def ratios(self, name: str, base: str) -> list[float]:
        return [a / b for a, b in zip(self.times[name], self.times[base], strict=True)]

    def row(self, name: str, base: str | None = None, unit: str = "s", width: int = 42) -> str:
        """``name  median [min-max]``, and against ``base`` the median ratio [its range]."""
        scale, digits = (1000.0, 0) if unit == "ms" else (1.0, 3)
        t = self.times[name]
        line = (
            f"  {name:<{width}} {self.median(name) * scale:8.{digits}f} {unit} "
            f"[{min(t) * scale:.{digits}f}-{max(t) * scale:.{digits}f}]"
        )
        if base is not None and base != name:
            r = self.ratios(name, base)
            line += f"  {statistics.median(r):5.2f}x [{min(r):.2f}-{max(r):.2f}]"
        return line


def alternate(
    sides: Mapping[str, Side], runs: int, warmup: int = 1, into: Timings | None = None
) -> Timings:
    """``warmup`` unrecorded runs of each side, then ``runs`` rounds, the start rotating."""
    timings = into if into is not None else Timings()
    names = list(sides)
    for name in names:
        for _ in range(warmup):
            sides[name]()
    for i in range(runs):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            timings.add(name, sides[name]())
    return timings


def run_command(
    cmd: list[str], env: Mapping[str, str], ok: Iterable[int] = (0,), stdin: str | None = None
) -> float:
    """Seconds one command takes, as a user runs it (a new process); fails on an exit code
    outside ``ok`` or a traceback."""
    start = time.perf_counter()
    done = subprocess.run(
        cmd,
        env=dict(env),
        input=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in tuple(ok) or "Traceback" in done.stderr:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.strip()[-300:]}")
    return elapsed


def run_call(call: Callable[[], object], collector: bool = True) -> float:
    """Seconds one call takes in this process; with ``collector=False`` the cyclic garbage
    collector is paused meanwhile (as bibio.parse_bib pauses it)."""
    enabled = gc.isenabled()
    if not collector:
        gc.disable()
    try:
        start = time.perf_counter()
        call()
        return time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()


def process_env(pycache: Path | str, from_source: bool = False) -> dict[str, str]:
    """The environment for timed commands: this checkout's code, byte-compiled as installed
    code runs (pip compiles a package's modules when it installs it; the warm-up runs fill
    ``pycache`` for our modules and the baseline's alike). ``from_source`` keeps the
    environment's PYTHONDONTWRITEBYTECODE: then our modules, a source tree, are compiled at
    every start while site-packages load their byte code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("EFFLLM_BIB_DB", None)
    if not from_source:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' (modified)' if dirty else ''}" if head else "unknown"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def header(what: str, runs: int | None = None, mode: str = "") -> str:
    """What was measured and on what: versions, commit, machine and its load now."""
    versions = ", ".join(f"{p} {_version(p)}" for p in PACKAGES)
    how = (
        f": medians of {runs} alternated runs after a warm-up"
        + (f" ({mode})" if mode else "")
        + "; [min-max] over the runs; a ratio is taken within each round"
        if runs is not None
        else ""
    )
    return "\n".join(
        [
            f"{what}{how}",
            f"  Python {platform.python_version()} on {platform.machine()}, {versions}",
            f"  checkout {_commit()}, {load()}",
        ]
    )


def footer() -> str:
    return f"at the end: {load()}"


def empty_value_caches() -> None:
    """Empty the caches of converted values (LaTeX to text, names, venues), so that a run in
    this process converts every value afresh, as a new process does."""
    from effllm_bib import latex, names, venues

    for cached in (
        latex.to_text,
        latex._part_text,
        names.parse_name,
        names.fold_name,
        venues.match_venue,
    ):
        cached.cache_clear()
