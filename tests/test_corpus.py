"""Every real .bib of the corpus, through every command (issue 9).

The corpus is ../shared/data/realbib/ (biber's test data, bibtex-autocomplete's and
python-bibtexparser's fixtures; its README says where each file comes from) and, where TeX Live
is installed, its own .bib files. For every file:

- every command ends in a result or a one-line finding, never a traceback;
- the exports keep every entry that bibtexparser and pybtex both read;
- one canonical rewrite, read again, gives identical bytes and the same entries;
- no write (merge --add-new into an empty database, check --fix on a copy) leaves a file that
  cannot be read.

Cases that fail until the reader and names helpers land are marked xfail(strict=True) with the
defect, so that they flip to failures (and the mark is removed) once fixed.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import io
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from effllm_bib import bibio, canonical, files
from effllm_bib.cli import cli

from .conftest import REFS, SHARED
from .zotero_rdf_import import import_rdf

if TYPE_CHECKING:  # what pytest.param returns; pytest exports no public name for it
    from _pytest.mark import ParameterSet

REALBIB = SHARED / "data" / "realbib"
TEXLIVE = Path("/usr/share/texlive/texmf-dist/bibtex/bib")
EXPORTS = ("bibtex", "biblatex", "csl-json", "ris", "zotero-rdf")
LARGE = 400_000  # bytes: a real file this large runs with the slow tests


def _texlive_roots() -> list[Path]:
    try:
        found = subprocess.run(
            ["kpsewhich", "xampl.bib"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        found = ""
    roots = [Path(found).parent] if found else []
    return [*roots, *([TEXLIVE] if TEXLIVE.is_dir() else [])]


def corpus() -> list[Path]:
    files = sorted(REALBIB.rglob("*.bib")) if REALBIB.is_dir() else []
    for root in _texlive_roots():
        files.extend(sorted(root.rglob("*.bib")))
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


FILES = corpus()


def _utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Files in other encodings are refused with a one-line finding (convert with iconv): only the
# commands test applies to them.
TEXT_FILES = [p for p in FILES if _utf8(p)]

# Decided differences: the property -> (the files, why). Strict xfail turns into a failure the
# day the behaviour changes. Not a defect: biber skips entries commented out with % ("%@BOOK{L27,"),
# and so does the reader (tests/data/realbib_cases/percent_entry.bib); bibtexparser and pybtex read
# them as BibTeX does.
PERCENT_COMMENTED = {"t_tdata_names.bib"}
BIBER_READING = "reader follows biber: %@BOOK{...} lines are comments, not entries (L27, L28)"
KNOWN: dict[str, tuple[set[str], str]] = {
    f"export-{f}": (PERCENT_COMMENTED, BIBER_READING) for f in EXPORTS
}


def _case(path: Path, prop: str) -> ParameterSet:
    files, reason = KNOWN.get(prop, (set(), ""))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if path.name in files else []
    if not path.is_relative_to(REALBIB) or path.stat().st_size > LARGE:
        # TeX Live's own files (tugboat.bib alone is 3.8 MB) and biber's two large ones (etc_tugboat
        # 2.7 MB, etc_papers 0.5 MB): CI runs them, -m "not slow" does not
        marks.append(pytest.mark.slow)
    return pytest.param(path, id=path.name, marks=marks)


def cases(prop: str) -> list[ParameterSet]:
    return [_case(p, prop) for p in (FILES if prop == "commands" else TEXT_FILES)]


pytestmark = pytest.mark.skipif(not FILES, reason="no corpus: ../shared/data/realbib/ is absent")


def _outcome(result: Result) -> str:
    """ok (a result; check exiting 1 with its findings is one), finding (one error line on
    stderr), or traceback (anything else)."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"traceback: {type(result.exception).__name__}: {result.exception}"
    # warnings about blocks read as BibTeX reads them (a repeated key or field) are one line each
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith("effllm-bib: warning:")
    ]
    if result.exit_code == 0 or (result.exit_code == 1 and not lines and result.stdout.strip()):
        return "ok"
    one_line = len(lines) == 1 and lines[0].startswith("effllm-bib: error:")
    return "finding" if one_line else f"other: exit {result.exit_code}: {result.stderr[-300:]}"


@functools.cache
def runs(path: Path, workdir: Path) -> dict[str, tuple[str, str]]:
    """(outcome, stdout) of every read-only command on a lone copy of ``path``."""
    lone = workdir / "lone" / path.name
    lone.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, lone)
    runner = CliRunner()
    commands = {"check": ["check", "--format", "json"], "refs": ["refs"], "stats": ["stats"]}
    commands.update({f"export-{f}": ["export", "--format", f] for f in EXPORTS})
    out = {}
    for name, args in commands.items():
        result = runner.invoke(cli, ["--db", str(lone), *args])
        out[name] = (_outcome(result), result.stdout)
    return out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus")


def _copy(path: Path, workdir: Path, name: str) -> Path:
    """``path`` in a directory of its own (its name unique to this test), taxonomy beside it."""
    d = workdir / name / path.name.replace(".", "_")
    d.mkdir(parents=True)
    shutil.copyfile(REFS / "taxonomy.toml", d / "taxonomy.toml")
    return d


@pytest.mark.parametrize("path", cases("commands"))
def test_every_command_ends_in_a_result_or_a_one_line_finding(path: Path, workdir: Path) -> None:
    outcomes = {name: outcome for name, (outcome, _) in runs(path, workdir).items()}
    assert {n: o for n, o in outcomes.items() if o not in ("ok", "finding")} == {}


@functools.cache  # the same for the four exports of a file: read once, not four times
def reference_keys(path: Path) -> frozenset[str]:
    """Keys (folded) of the entries that bibtexparser and pybtex both read."""
    import pybtex.database
    import pybtex.errors
    from bibtexparser.entrypoint import parse_string

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    text = path.read_bytes().decode("utf-8", errors="replace")
    ours = {e.key.lower() for e in parse_string(text).entries}
    pybtex.errors.set_strict_mode(False)
    try:
        with io.StringIO() as sink, contextlib.redirect_stderr(sink):
            theirs = {k.lower() for k in pybtex.database.parse_string(text, "bibtex").entries}
    except Exception:  # pybtex gives up on the whole file: it reads no entry
        theirs = set()
    finally:
        pybtex.errors.set_strict_mode(True)
    return frozenset(ours & theirs)


def exported_keys(fmt: str, text: str) -> set[str]:
    if fmt == "csl-json":
        return {item["id"].lower() for item in json.loads(text or "[]")}
    if fmt == "ris":
        return {k.strip().lower() for k in re.findall(r"^ID  - (.*)$", text, re.M)}
    if fmt == "zotero-rdf":  # read as Zotero's RDF import reads it: the key Zotero keeps
        items = import_rdf(text).items.values() if text else []
        return {item.fields["citationKey"].lower() for item in items}
    return {e.key.lower() for e in bibio.parse_bib(text).entries}


EXPORT_CASES = [
    pytest.param(p, fmt, id=f"{p.name}-{fmt}", marks=_case(p, f"export-{fmt}").marks)
    for p in TEXT_FILES
    for fmt in EXPORTS
]


@pytest.mark.parametrize("path, fmt", EXPORT_CASES)
def test_exports_keep_every_entry_bibtexparser_and_pybtex_read(
    path: Path, fmt: str, workdir: Path
) -> None:
    outcome, text = runs(path, workdir)[f"export-{fmt}"]
    assert outcome == "ok"
    assert reference_keys(path) - exported_keys(fmt, text) == set()


@pytest.mark.parametrize("path", cases("rewrite"))
def test_one_canonical_rewrite_read_again_gives_identical_bytes(path: Path) -> None:
    parsed = bibio.parse_bib(files.read_text(path), str(path))
    once = canonical.format_bib(parsed.entries, parsed.extras)
    canonical.verify_text(once, parsed.entries, path)  # raises, naming an entry that changed
    again = bibio.parse_bib(once)
    assert canonical.format_bib(again.entries, again.extras) == once


@pytest.mark.parametrize("path", cases("writes"))
def test_no_write_leaves_an_unreadable_file(path: Path, workdir: Path) -> None:
    runner = CliRunner()
    empty = _copy(path, workdir, "merge")
    (empty / "effllm.bib").write_text("", encoding="utf-8")
    merged = runner.invoke(cli, ["--db", str(empty), "merge", str(path), "--add-new"])
    fixed_dir = _copy(path, workdir, "fix")
    shutil.copyfile(path, fixed_dir / path.name)
    fixed = runner.invoke(cli, ["--db", str(fixed_dir / path.name), "check", "--fix"])
    assert {_outcome(merged), _outcome(fixed)} <= {"ok", "finding"}
    assert bibio.read_bib(empty / "effllm.bib").errors == []
    # --fix either refused the file (a finding: it stays as it was) or wrote a readable one
    after = fixed_dir / path.name
    assert after.read_bytes() == path.read_bytes() or bibio.read_bib(after).errors == []


def stray_fix_lines(path: Path, work: Path) -> list[str]:
    """``check --fix``'s patch of a copy of ``path``: the lines it changes outside the fields
    whose values it fixed (none, for a patch); a file effllm-bib cannot write gives none."""
    from effllm_bib.bib_patch import locate
    from effllm_bib.database import Database
    from effllm_bib.errors import EffllmBibError
    from effllm_bib.fix import fix_entry

    copy = work / path.name
    shutil.copyfile(path, copy)
    try:
        db = Database.load(copy)
    except EffllmBibError:
        return []
    before = copy.read_text(encoding="utf-8")
    read = dict(db.entries)
    fixed = {k: fix_entry(e) for k, e in read.items()}
    for entry in fixed.values():
        db.put(entry)
    after = db.text()
    layout = locate(before)
    allowed: set[int] = set()
    for key, entry in fixed.items():
        old, span = read[key], layout.entries[key]
        for f in span.fields:
            value = (entry.field_map.get(f.name), f.name in entry.bare)
            if value != (old.field_map.get(f.name), f.name in old.bare):
                first = before.count("\n", 0, f.start)
                allowed.update(range(first, before.count("\n", 0, f.end) + 1))
    ops = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines()).get_opcodes()
    return [
        before.splitlines()[i]
        for tag, i1, i2, _, _ in ops
        if tag != "equal"
        for i in range(i1, i2)
        if i not in allowed
    ]


@pytest.mark.parametrize("path", cases("text"))
def test_check_fix_changes_only_the_lines_of_the_values_it_fixes(path: Path, tmp_path: Path):
    """A fix is a patch: every line it changes belongs to a field whose value it fixed."""
    assert stray_fix_lines(path, tmp_path) == []
