"""Cases of real BibTeX decided by running bibtex (plain.bst) and biber on them.

Each case is a small file in ``data/realbib_cases``; the table says what BibTeX and biber read
and what effllm-bib reads. The slow tests run the real tools and check the table against them.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from effllm_bib import bibio, canonical

from .conftest import DATA

CASES = DATA / "realbib_cases"

# (file, key, field, value effllm-bib reads; as biber reads it unless the comment says otherwise)
READS = [
    pytest.param("quote_in_braces.bib", "quote1", "title", 'The {a "b} case',
                 id="quote-inside-braces-inside-quotes"),
    pytest.param("quote_in_braces.bib", "quote2", "title", 'M{\\"u}ller\'s {"}quoted{"} word',
                 id="quote-escapes-inside-quotes"),
    pytest.param("percent_line.bib", "pct1", "title", "New title",
                 id="percent-line-skipped-as-biber-does"),
    pytest.param("commented_type.bib", "cmt1", "title", "Hidden", id="commented-type-is-an-entry"),
    pytest.param("string_concat.bib", "str1", "journal", 'j # " and " # k',
                 id="concatenation-kept-raw"),
    pytest.param("backslash_braces.bib", "bs1", "title", "A line break\\\\{}then more",
                 id="backslash-brace-counts-as-a-brace"),
    pytest.param("backslash_braces.bib", "bs2", "title", "{$\\{$}Meta{$\\}$}Font",
                 id="backslash-braces-inside-quotes"),
    pytest.param("backslash_braces.bib", "bs3", "title", "\\\\{}",
                 id="escaped-backslash-then-braces"),
    pytest.param("backslash_braces.bib", "bs3", "note", "after",
                 id="the-next-field-after-backslash-braces"),
    pytest.param("backslash_braces.bib", "bs4", "title", "Ends in a backslash\\",
                 id="backslash-before-the-closing-brace"),
    pytest.param("header_syntax.bib", "hd1", "title", "A made-up type",
                 id="type-with-a-hyphen-and-brace-on-the-next-line"),
    pytest.param("header_syntax.bib", "hd2", "title", "Type on the line after the at sign",
                 id="type-on-the-line-after-the-at"),
    pytest.param("header_syntax.bib", "hd3", "booktitle", "Book",
                 id="parenthesis-and-key-on-lines-of-their-own"),
]  # fmt: skip


@pytest.mark.parametrize("name, key, field, value", READS)
def test_case_is_read_as_bibtex_and_biber_read_it(name, key, field, value):
    parsed = bibio.read_bib(CASES / name)
    entries = {e.key: e for e in parsed.entries}
    assert entries[key].get(field) == value
    assert parsed.errors == []


def test_an_entry_commented_out_with_percent_is_a_kept_comment():
    parsed = bibio.read_bib(CASES / "percent_entry.bib")
    assert [e.key for e in parsed.entries] == ["kept"] and parsed.errors == []
    assert any("%@BOOK{gone," in x.text for x in parsed.extras)


def test_commented_type_keeps_its_type():
    (entry, _) = bibio.read_bib(CASES / "commented_type.bib").entries
    assert entry.type == "commented"


def test_header_types_are_read_as_written():
    entries = bibio.read_bib(CASES / "header_syntax.bib").entries
    assert [(e.key, e.type, e.line) for e in entries] == [
        ("hd1", "fake-entry", 3),
        ("hd2", "manual", 8),
        ("hd3", "incollection", 13),
    ]


def test_percent_line_is_a_finding_with_its_line():
    (problem,) = bibio.read_bib(CASES / "percent_line.bib").problems
    assert (problem.code, problem.line) == ("comment-in-entry", 4)


def test_strings_are_expanded_in_file_order():
    parsed = bibio.read_bib(CASES / "string_concat.bib")
    assert parsed.strings == {"j": "Journal of Things", "k": "KJournal of Things"}


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.glob("*.bib")))
def test_case_round_trips_and_verifies(name):
    parsed = bibio.read_bib(CASES / name)
    once = canonical.format_bib(parsed.entries, parsed.extras)
    canonical.verify_text(once, parsed.entries, name)
    again = bibio.parse_bib(once)
    assert canonical.format_bib(again.entries, again.extras) == once


def _biber_keys(tmp_path: Path, name: str) -> set[str]:
    shutil.copyfile(CASES / name, tmp_path / name)
    subprocess.run(
        ["biber", "--tool", "--quiet", "--output-format=bibtex", name],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    text = (tmp_path / name.replace(".bib", "_bibertool.bib")).read_text(encoding="utf-8")
    return {e.key for e in bibio.parse_bib(text).entries}


def _bibtex_keys(tmp_path: Path, name: str) -> set[str]:
    shutil.copyfile(CASES / name, tmp_path / name)
    stem = name.removesuffix(".bib")
    (tmp_path / "t.aux").write_text(f"\\citation{{*}}\n\\bibstyle{{plain}}\n\\bibdata{{{stem}}}\n")
    subprocess.run(["bibtex", "-terse", "t"], cwd=tmp_path, capture_output=True)
    bbl = (tmp_path / "t.bbl").read_text(encoding="utf-8")
    return {
        line[len("\\bibitem{") : -1] for line in bbl.splitlines() if line.startswith("\\bibitem{")
    }


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("biber") is None, reason="biber not installed")
@pytest.mark.parametrize("name", sorted(p.name for p in CASES.glob("*.bib")))
def test_every_entry_biber_reads_we_read(tmp_path, name):
    ours = {e.key for e in bibio.read_bib(CASES / name).entries}
    assert _biber_keys(tmp_path, name) == ours


# BibTeX reads "%@BOOK{" as an entry; biber and effllm-bib do not (percent_entry.bib).
BIBTEX_AGREES = sorted(p.name for p in CASES.glob("*.bib") if p.name != "percent_entry.bib")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bibtex") is None, reason="bibtex not installed")
@pytest.mark.parametrize("name", BIBTEX_AGREES)
def test_every_entry_bibtex_reads_we_read(tmp_path, name):
    ours = {e.key for e in bibio.read_bib(CASES / name).entries}
    assert _bibtex_keys(tmp_path, name) == ours


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bibtex") is None, reason="bibtex not installed")
def test_bibtex_inherits_through_crossref_from_the_written_file(tmp_path):
    parsed = bibio.read_bib(CASES / "crossref.bib")  # the target comes first in the file
    (tmp_path / "w.bib").write_text(canonical.format_bib(parsed.entries, parsed.extras))
    (tmp_path / "t.aux").write_text("\\citation{child}\n\\bibstyle{plain}\n\\bibdata{w}\n")
    subprocess.run(["bibtex", "-terse", "-min-crossrefs=2", "t"], cwd=tmp_path, capture_output=True)
    bbl = (tmp_path / "t.bbl").read_text(encoding="utf-8")
    assert "Pub, 1999" in bbl  # publisher and year come from the target, written after it
