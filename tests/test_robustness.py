"""Bad input never costs data: one-line errors, documented exit codes, untouched databases."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from effllm_bib import bibio, canonical
from effllm_bib.cli import cli
from effllm_bib.errors import EffllmBibError
from effllm_bib.model import Entry

from .conftest import DATA, REFS, SURVEY_SNIPPET

BAD = DATA / "bad"


def snapshot(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if not p.name.endswith(".lock")}


def one_line_error(result, *needles: str) -> None:
    lines = [ln for ln in result.output.splitlines() if ln.startswith("effllm-bib: error: ")]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize(
    "name, needles",
    [
        pytest.param(
            "unbalanced.bib", ["unbalanced.bib:3", "Nothing was merged"], id="unbalanced-braces"
        ),
        pytest.param(
            "missing_comma.bib", ["missing_comma.bib:1", "missing comma"], id="missing-comma"
        ),
        pytest.param(
            "duplicate_keys.bib",
            ["duplicate_keys.bib:3", "used twice (first at line 1)"],
            id="duplicate-keys",
        ),
        pytest.param("latin1.bib", ["latin1.bib:1", "not valid UTF-8"], id="wrong-encoding"),
        pytest.param("nul.bib", ["nul.bib:1", "NUL byte"], id="nul-byte"),
        pytest.param("utf16.bib", ["utf16.bib: is UTF-16 text", "iconv -f UTF-16"], id="utf-16"),
        pytest.param(
            "brace_too_many.bib", ["brace_too_many.bib:1", "brace too many"], id="brace-too-many"
        ),
    ],
)
def test_malformed_bib_merge_is_refused_whole(runner, snippet_db, name, needles):
    before = snapshot(snippet_db)
    result = runner.invoke(cli, ["--db", str(snippet_db), "merge", str(BAD / name)])
    assert result.exit_code == 1
    one_line_error(result, *needles)
    assert snapshot(snippet_db) == before


@pytest.mark.parametrize("name", ["unbalanced.bib", "missing_comma.bib", "brace_too_many.bib"])
def test_malformed_database_is_refused_and_checked(runner, db_dir, name):
    (db_dir / "effllm.bib").write_bytes((BAD / name).read_bytes())
    before = snapshot(db_dir)
    export = runner.invoke(cli, ["--db", str(db_dir), "export"])
    assert export.exit_code == 1
    one_line_error(export, "effllm.bib:", "effllm-bib check")
    check = runner.invoke(cli, ["--db", str(db_dir), "check"])
    assert check.exit_code == 1 and "Traceback" not in check.output
    assert snapshot(db_dir) == before


def test_a_repeated_key_is_exported_as_bibtex_reads_it_and_checked(runner, db_dir):
    (db_dir / "effllm.bib").write_bytes((BAD / "duplicate_keys.bib").read_bytes())
    before = snapshot(db_dir)
    export = runner.invoke(cli, ["--db", str(db_dir), "export"])
    assert export.exit_code == 0 and "[duplicate-key]" in export.stderr
    check = runner.invoke(cli, ["--db", str(db_dir), "check"])
    assert check.exit_code == 1 and "duplicate-key" in check.output
    assert snapshot(db_dir) == before


@pytest.mark.parametrize(
    "name, needles",
    [
        pytest.param("cycle.toml", ["taxonomy.toml", "its own ancestor"], id="cycle"),
        pytest.param("syntax.toml", ["taxonomy.toml:1", "invalid TOML"], id="syntax"),
    ],
)
def test_malformed_taxonomy(runner, snippet_db, name, needles):
    (snippet_db / "taxonomy.toml").write_bytes((BAD / name).read_bytes())
    before = snapshot(snippet_db)
    result = runner.invoke(cli, ["--db", str(snippet_db), "export", "-c", "a"])
    assert result.exit_code == 1
    one_line_error(result, *needles)
    assert snapshot(snippet_db) == before


@pytest.mark.parametrize(
    "name, needles",
    [
        pytest.param(
            "unknown_heading.md",
            ["unknown_heading.md:5", "'Magic Pruning' is not in the taxonomy"],
            id="unknown-section",
        ),
        pytest.param("no_bullets.md", ["no_bullets.md", "no paper bullets"], id="no-bullets"),
        pytest.param("nul.bib", ["NUL byte"], id="binary"),
    ],
)
def test_malformed_survey_list(runner, snippet_db, name, needles):
    before = snapshot(snippet_db)
    result = runner.invoke(cli, ["--db", str(snippet_db), "import", "survey", str(BAD / name)])
    assert result.exit_code == 1
    one_line_error(result, *needles)
    assert snapshot(snippet_db) == before


def test_deeply_nested_braces_and_a_large_file(tmp_path):
    deep = "@article{a, title={" + "{" * 3000 + "x" + "}" * 3000 + "}}\n"
    assert bibio.parse_bib(deep).entries[0].key == "a"
    big = "".join(f"@misc{{k{i}, title={{Paper {i}}}, year={{2024}}}}\n\n" for i in range(20000))
    path = tmp_path / "big.bib"
    path.write_text(big)
    start = time.perf_counter()
    parsed = bibio.read_bib(path)
    assert len(parsed.entries) == 20000 and parsed.errors == []
    assert time.perf_counter() - start < 60


# --- concurrency and kills --------------------------------------------------------------------


def test_second_writer_fails_clearly_while_the_lock_is_held(runner, snippet_db, monkeypatch):
    from filelock import FileLock

    monkeypatch.setenv("EFFLLM_BIB_LOCK_TIMEOUT", "0.2")
    before = snapshot(snippet_db)
    with FileLock(str(snippet_db / "effllm.bib.lock")):
        result = runner.invoke(cli, ["--db", str(snippet_db), "keys", "assign"])
    assert result.exit_code == 1
    one_line_error(result, "another effllm-bib run is changing this database")
    assert snapshot(snippet_db) == before


def test_concurrent_writers_do_not_lose_changes(snippet_db):
    from effllm_bib.database import Database

    keys = sorted(k for k in Database.load(snippet_db).entries if not k.startswith("pending:"))[:4]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "effllm_bib",
                "--db",
                str(snippet_db),
                "keys",
                "rename",
                k,
                f"renamed{i}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i, k in enumerate(keys)
    ]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    entries = Database.load(snippet_db).entries
    assert all(f"renamed{i}" in entries for i in range(len(keys)))
    assert not any(k in entries for k in keys)


WRITER = """
import itertools, sys
from pathlib import Path
from effllm_bib.files import write_atomic
target, a, b = Path(sys.argv[1]), Path(sys.argv[2]).read_text(), Path(sys.argv[3]).read_text()
print("ready", flush=True)
for text in itertools.cycle([a, b]):
    write_atomic(target, text)
"""


def test_killing_a_writer_leaves_a_whole_file(tmp_path):
    a = canonical.format_bib(bibio.read_bib(REFS / "effllm.bib").entries)
    b = a.replace("@inproceedings{", "@inproceedings{x")
    (tmp_path / "a.bib").write_text(a)
    (tmp_path / "b.bib").write_text(b)
    target = tmp_path / "db" / "effllm.bib"
    target.parent.mkdir()
    target.write_text(a)
    rng = random.Random(7)
    for _ in range(8):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(target),
                str(tmp_path / "a.bib"),
                str(tmp_path / "b.bib"),
            ],
            stdout=subprocess.PIPE,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.01, 0.3))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert target.read_text() in (a, b)  # never a part of either
    from effllm_bib.database import Database

    (target.parent / "taxonomy.toml").write_text((REFS / "taxonomy.toml").read_text())
    db = Database.load(target.parent)
    db.save()  # the next save clears what killed writers left behind
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []


# --- properties -------------------------------------------------------------------------------

_word = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:.,'!?()/",
    min_size=1,
    max_size=12,
)
_value = st.lists(st.one_of(_word, _word.map(lambda w: "{" + w + "}")), min_size=1, max_size=8).map(
    " ".join
)
_fields = st.dictionaries(
    st.sampled_from(
        [
            "title",
            "author",
            "booktitle",
            "journal",
            "year",
            "note",
            "pages",
            "publisher",
            "mynote",
            "doi",
            "url",
        ]
    ),
    _value,
    min_size=1,
    max_size=6,
)
_entry = st.builds(
    lambda key, type_, fields: Entry.make(key, type_, fields),
    st.from_regex(r"[a-z][a-z0-9]{0,12}", fullmatch=True),
    st.sampled_from(["article", "inproceedings", "misc", "software"]),
    _fields,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_entry, min_size=1, max_size=5, unique_by=lambda e: e.key))
def test_any_valid_entry_round_trips_to_identical_bytes(entries):
    text = canonical.format_bib(entries)
    parsed = bibio.parse_bib(text)
    assert parsed.problems == []
    assert {e.key: e.fields for e in parsed.entries} == {e.key: e.fields for e in entries}
    assert canonical.format_bib(parsed.entries, parsed.extras) == text


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
    | st.text(alphabet='@{}=,"#%\n abc', max_size=200)
)
def test_arbitrary_text_ends_in_a_result_or_our_error(text):
    with contextlib.suppress(EffllmBibError):
        bibio.parse_bib(text)


@settings(max_examples=150, deadline=None)
@given(
    st.text(max_size=300)
    | st.text(alphabet="#-<>[]()*|ins/ ,\n0123456789abcQuantization", max_size=300)
)
def test_arbitrary_survey_text_ends_in_a_result_or_our_error(taxonomy, text):
    from effllm_bib.importers.survey import parse_survey_text

    with contextlib.suppress(EffllmBibError):
        parse_survey_text(SURVEY_SNIPPET.read_text()[:200] + text, taxonomy, "x.md")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300) | st.text(alphabet='[]="\nslugnameparentaliases,', max_size=200))
def test_arbitrary_taxonomy_text_ends_in_a_result_or_our_error(tmp_path_factory, text):
    from effllm_bib.taxonomy import load_taxonomy

    path = tmp_path_factory.mktemp("tax") / "taxonomy.toml"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(EffllmBibError):
        load_taxonomy(path)
