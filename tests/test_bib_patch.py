"""A write to a file not in canonical form is a patch of it: each change edits the text of the
values it changes, and every other byte stays. The expected texts are written out in full, and
every patched text is read back by pybtex, not only by our reader."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pybtex.database
import pytest
from click.testing import CliRunner

from effllm_bib.bib_patch import locate, patch_text
from effllm_bib.bibio import parse_bib
from effllm_bib.cli import cli
from effllm_bib.database import Database
from effllm_bib.model import Entry, Extra

HAND = """% My papers.
@String{icml = "International Conference on Machine Learning"}

% pruning
@InProceedings{frantar2023,
  Title     = {SparseGPT},
  Author    = {Frantar, Elias and Alistarh, Dan},
  Booktitle = icml,
  Year      = 2023,
  Pages     = {10323-10337}
}

@article{one, title = "Quoted", year = {2020},}
"""


def loaded(text: str) -> dict[str, Entry]:
    return {e.key: e for e in parse_bib(text).entries}


Change = Callable[[dict[str, Entry]], dict[str, Entry]]


def patched(
    text: str,
    change: Change,
    origins: dict[str, str] | None = None,
    extras: Sequence[Extra] = (),
) -> str:
    before = loaded(text)
    after = change(dict(before))
    out = patch_text(text, before, after.values(), origins or {}, extras)
    assert {e.key: e for e in parse_bib(out).entries} == after  # our reader agrees...
    assert sorted(pybtex.database.parse_string(out, "bibtex").entries) == sorted(
        after
    )  # and pybtex
    return out


def with_(key: str, **fields: str) -> Change:
    def change(entries: dict[str, Entry]) -> dict[str, Entry]:
        entries[key] = entries[key].with_fields(**fields)
        return entries

    return change


@pytest.mark.parametrize(
    "change, old, new",
    [
        pytest.param(
            with_("frantar2023", pages="10323--10337"),
            "  Pages     = {10323-10337}\n",
            "  Pages     = {10323--10337}\n",
            id="a-value",
        ),
        pytest.param(
            with_("frantar2023", doi="10.5555/3618408.3618822"),
            "  Pages     = {10323-10337}\n}",
            "  Pages     = {10323-10337},\n  doi     = {10.5555/3618408.3618822}\n}",
            id="a-field-added-in-the-entry-s-style",
        ),
        pytest.param(
            with_("frantar2023", year=""),
            "  Year      = 2023,\n",
            "",
            id="a-field-removed-with-its-line",
        ),
        pytest.param(
            with_("one", title="Quoted again"),
            'title = "Quoted"',
            'title = "Quoted again"',
            id="quotes-kept",
        ),
        pytest.param(
            with_("one", note="N"),
            "year = {2020},}",
            "year = {2020}, note = {N},}",
            id="added-inline",
        ),
    ],
)
def test_a_change_edits_only_its_own_text(change: Change, old: str, new: str):
    assert patched(HAND, change) == HAND.replace(old, new, 1)


def test_a_renamed_key_and_a_new_type_are_edited_in_place():
    def change(entries: dict[str, Entry]) -> dict[str, Entry]:
        old = entries.pop("one")
        entries["one2020"] = old.with_key("one2020").with_type("misc")
        return entries

    out = patched(HAND, change, origins={"one2020": "one"})
    assert out == HAND.replace("@article{one,", "@misc{one2020,")


def test_new_entries_are_appended_and_removed_ones_cut_out():
    def change(entries: dict[str, Entry]) -> dict[str, Entry]:
        del entries["one"]
        entries["new"] = Entry.make("new", "misc", {"title": "New"})
        return entries

    out = patched(HAND, change)
    assert out == HAND.replace('\n@article{one, title = "Quoted", year = {2020},}\n', "") + (
        "\n@misc{new,\n  title = {New},\n}\n"
    )


def test_a_new_string_goes_after_the_last_string():
    extra = Extra("string", '@string{jmlr = "JMLR"}')
    out = patched(HAND, lambda e: e, extras=[extra])
    assert out == HAND.replace('Learning"}\n', 'Learning"}\n@string{jmlr = "JMLR"}\n', 1)


def test_nothing_changed_is_the_same_text():
    assert patched(HAND, lambda e: e) == HAND


def test_locate_reads_as_bibtex_does():
    text = '%@misc{gone, title={x}}\n@misc(a, title = "x {"} y" # {z}, note={a\\{b}})\n'
    layout = locate(text)
    assert list(layout.entries) == ["a"]
    spans = layout.entries["a"].fields
    assert [text[f.value_start : f.value_end] for f in spans] == ['"x {"} y" # {z}', "{a\\{b}}"]


# --- through the commands ------------------------------------------------------------------------


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    path = tmp_path / "mine.bib"
    path.write_text(HAND, encoding="utf-8")
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    output: str = result.output
    return output


def test_format_rewrites_in_canonical_form_and_check_says_when_it_is_not(mine: Path):
    assert "would reformat" in run("--db", str(mine), "format", "--check")
    result = CliRunner().invoke(cli, ["--db", str(mine), "format", "--check"])
    assert result.exit_code == 1 and mine.read_text(encoding="utf-8") == HAND
    run("--db", str(mine), "format")
    canonical = mine.read_text(encoding="utf-8")
    assert canonical == Database.load(mine).text(canonical_form=True)
    assert canonical.index("@inproceedings{frantar2023,\n  author = ") < canonical.index(
        "@article{one"
    )
    assert CliRunner().invoke(cli, ["--db", str(mine), "format", "--check"]).exit_code == 0


def test_no_lock_file_remains_after_a_write(mine: Path):
    run("--db", str(mine), "check", "--fix")
    assert sorted(p.name for p in mine.parent.iterdir()) == ["mine.bib"]
