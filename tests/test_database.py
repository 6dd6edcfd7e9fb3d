"""A lone .bib file is a database; resolved text, export dependencies, verified writes."""

import json
import shutil

import pytest

from effllm_bib import bibio, canonical
from effllm_bib.database import Database
from effllm_bib.errors import DatabaseError, TaxonomyMissingError, WriteVerificationError
from effllm_bib.location import init_database
from effllm_bib.model import Entry

from .conftest import DATA

CASES = DATA / "realbib_cases"


@pytest.fixture
def lone(tmp_path):
    path = tmp_path / "paper.bib"
    shutil.copyfile(CASES / "string_concat.bib", path)
    return path


def test_a_lone_bib_file_loads_without_taxonomy(lone):
    db = Database.load(lone)
    assert not db.has_taxonomy and set(db.entries) == {"str1", "str2"}
    assert db.select() and db.strings["j"] == "Journal of Things"


def test_categories_need_a_taxonomy_with_a_one_line_message(lone):
    db = Database.load(lone)
    with pytest.raises(TaxonomyMissingError, match="taxonomy.toml") as info:
        db.select(["quantization"])
    assert "\n" not in str(info.value)


def test_resolved_expands_macros_and_keeps_raw_for_writing(lone):
    db = Database.load(lone)
    by_key = {x.key: x for x in db.resolved()}
    assert by_key["str1"].get("month") == "June-August"
    assert db.entries["str1"].get("month") == 'jun # "-" # aug'
    assert db.text(canonical_form=True) == canonical.format_bib(db.entries.values(), db.extras)
    assert db.text() == lone.read_text(encoding="utf-8")  # unchanged: the file as it is


def test_export_dependencies_bring_strings_and_crossref_targets(tmp_path):
    path = tmp_path / "x.bib"
    path.write_text(
        '@string{a = "A"}\n@string{b = a # "B"}\n@string{unused = "U"}\n'
        "@inproceedings{c, title={C}, booktitle=b, crossref={p}}\n"
        "@proceedings{p, title={P}}\n@misc{other, title={O}}\n"
    )
    db = Database.load(path)
    entries, strings = db.with_dependencies([db.entries["c"]])
    assert [x.key for x in entries] == ["c", "p"]
    assert [bibio.string_definition(x)[0] for x in strings] == ["a", "b"]


def test_save_refuses_text_that_does_not_read_back(lone):
    db = Database.load(lone)
    before = lone.read_bytes()
    db.put(Entry("bad", "misc", (("title", "unbalanced {brace"),)))
    with pytest.raises(WriteVerificationError, match="'bad'"):
        db.save()
    assert lone.read_bytes() == before


def test_save_of_a_lone_file_writes_no_taxonomy(lone):
    db = Database.load(lone)
    db.save()
    assert not lone.with_name("taxonomy.toml").exists()


def test_the_canonical_form_writes_crossref_targets_after_their_children(tmp_path):
    path = tmp_path / "x.bib"
    shutil.copyfile(CASES / "crossref.bib", path)
    text = Database.load(path).text(canonical_form=True)
    assert text.index("@inproceedings{child") < text.index("@proceedings{proc")


def test_init_creates_a_database_and_refuses_to_overwrite(tmp_path):
    bib, tax = init_database(tmp_path / "new")
    db = Database.load(tmp_path / "new")
    assert db.has_taxonomy and len(db) == 0 and bib.read_text() == ""
    assert "[[category]]" in tax.read_text()
    with pytest.raises(DatabaseError, match="already exists"):
        init_database(tmp_path / "new")


def test_lenient_load_keeps_what_can_be_read(tmp_path):
    path = tmp_path / "x.bib"
    path.write_text("@misc{a, title={A}}\n@misc{a, title={again}}\n")
    db = Database.load(path, strict=False)
    assert list(db.entries) == ["a"] and db.problems[0].code == "duplicate-key"


@pytest.mark.parametrize(
    "key, ok",
    [
        pytest.param("O'Hara_1999_B", True, id="apostrophe"),
        pytest.param("Lovelace:1843", True, id="colon"),
        pytest.param("has space", False, id="space"),
        pytest.param("a,b", False, id="comma"),
        pytest.param("a{b", False, id="brace"),
    ],
)
def test_keys_bibtex_accepts(key, ok):
    assert canonical.is_valid_key(key) is ok


REPEATED = (
    "@misc{a, title={First}, title={Second}, year={2020}}\n"
    "@misc{b, title={B}}\n@misc{b, title={Again}}\n"
)


def test_read_only_commands_read_repeats_as_bibtex_does_and_say_so(tmp_path, runner):
    from effllm_bib.cli import cli

    path = tmp_path / "x.bib"
    path.write_text(REPEATED)
    result = runner.invoke(cli, ["--db", str(path), "export", "-f", "csl-json"])
    assert result.exit_code == 0
    assert [(i["id"], i["title"]) for i in json.loads(result.stdout)] == [
        ("a", "First"),
        ("b", "B"),
    ]
    assert [line.split("[")[-1] for line in result.stderr.splitlines()] == [
        "duplicate-field]",
        "duplicate-key]",
    ]


@pytest.mark.parametrize(
    "command", [["check", "--fix"], ["keys", "rename", "a", "c"]], ids=["check-fix", "keys-rename"]
)
def test_no_write_drops_a_repeated_block(tmp_path, runner, command):
    from effllm_bib.cli import cli

    path = tmp_path / "x.bib"
    path.write_text(REPEATED)
    result = runner.invoke(cli, ["--db", str(path), *command])
    assert result.exit_code == 1
    assert "given twice" in result.stderr  # the first repeat named, in one line
    assert path.read_text() == REPEATED


RENAME_REFS = """@book{Whole, title={The Whole Set}, year={1973}}
@book{other, title={Other}, year={1973}}
@inbook{child, crossref={whole}, title={Child}, pages={1--2}}
@inbook{list, xdata={other, WHOLE}, title={List}}
@inbook{seealso, xref={Whole}, title={See also}}
@inbook{unrelated, crossref={other}, title={Unrelated}}
"""


@pytest.mark.parametrize(
    "key, field, expected",
    [
        pytest.param("child", "crossref", "knuth1973set", id="crossref-other-case"),
        pytest.param("list", "xdata", "other, knuth1973set", id="xdata-list"),
        pytest.param("seealso", "xref", "knuth1973set", id="xref"),
        pytest.param("unrelated", "crossref", "other", id="other-target-kept"),
    ],
)
def test_rename_rewrites_every_reference_to_the_old_key(tmp_path, key, field, expected):
    path = tmp_path / "refs.bib"
    path.write_text(RENAME_REFS)
    db = Database.load(path)
    db.rename("Whole", "knuth1973set")
    db.save()
    assert Database.load(path).entries[key].get(field) == expected


@pytest.mark.parametrize(
    "old, new, body",
    [
        pytest.param("a\nb\n", "a\nc\n", [" a\n", "-b\n", "+c\n"], id="one-line"),
        pytest.param(
            "a\nb",
            "a\nb\n",
            [" a\n", "-b\n", "\\ No newline at end of file\n", "+b\n"],
            id="no-newline-at-end",
        ),
        pytest.param("a\x0cb\n", "a\x0cc\n", ["-a\x0cb\n", "+a\x0cc\n"], id="form-feed-no-newline"),
    ],
)
def test_diff_to_shows_the_file_as_diff_does(tmp_path, old, new, body):
    from effllm_bib.files import diff_to

    path = tmp_path / "f.bib"
    path.write_bytes(old.encode())
    head, hunk, rest = "".join(diff_to(path, new, "fixed")).partition("@@\n")
    assert (head.split("\n")[:2], rest) == (
        [f"--- {path} (now)", f"+++ {path} (fixed)"],
        "".join(body),
    )
