"""A user's own .bib on the command line: @string definitions kept in another file, rule
selection as in ruff, what a merge says when it adds nothing, a merge from standard input."""

from __future__ import annotations

import json
from pathlib import Path

import pybtex.database
import pytest
from click.testing import CliRunner, Result

from effllm_bib.cli import cli

ABBREV = '@string{icml = "International Conference on Machine Learning"}\n'
PAPERS = """@inproceedings{frantar2023,
  title = {SparseGPT},
  author = {Frantar, Elias and Alistarh, Dan},
  booktitle = icml,
  year = {2023},
}

@misc{other, title = {An {LLM} note}, year = {2024}, pages = {1-2}}
"""


@pytest.fixture
def split(tmp_path: Path) -> tuple[Path, Path]:
    """\\bibliography{abbrev,papers}: the definitions in one file, the entries in another."""
    (tmp_path / "abbrev.bib").write_text(ABBREV, encoding="utf-8")
    (tmp_path / "papers.bib").write_text(PAPERS, encoding="utf-8")
    return tmp_path / "abbrev.bib", tmp_path / "papers.bib"


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_strings_from_another_file_define_the_macros(split: tuple[Path, Path]):
    abbrev, papers = split
    alone = run("--db", str(papers), "check")
    assert "undefined-macro" in alone.output
    both = run("--db", str(papers), "--strings", str(abbrev), "check")
    assert "undefined-macro" not in both.output


def test_an_export_carries_the_definitions_from_the_strings_file(split: tuple[Path, Path]):
    abbrev, papers = split
    result = run("--db", str(papers), "--strings", str(abbrev), "export", "-k", "frantar2023")
    assert result.exit_code == 0, result.output
    data = pybtex.database.parse_string(result.stdout, "bibtex")  # pybtex expands the macro
    booktitle = data.entries["frantar2023"].fields["booktitle"]
    assert booktitle == "International Conference on Machine Learning"
    assert abbrev.read_text(encoding="utf-8") == ABBREV  # read, never written


def test_a_missing_strings_file_is_a_one_line_error(split: tuple[Path, Path]):
    _, papers = split
    result = run("--db", str(papers), "--strings", str(papers.with_name("none.bib")), "export")
    assert result.exit_code == 1
    assert result.output.strip().endswith(
        "no such file (--strings names a .bib of @string blocks)."
    )


@pytest.mark.parametrize(
    "args, found",
    [
        pytest.param([], {"undefined-macro", "pages-format"}, id="all-rules"),
        pytest.param(["--select", "pages-format"], {"pages-format"}, id="select"),
        pytest.param(["--ignore", "pages-format"], {"undefined-macro"}, id="ignore"),
        pytest.param(
            ["--select", "general", "--ignore", "undefined-macro"],
            {"pages-format"},
            id="a-set-less-a-rule",
        ),
    ],
)
def test_select_and_ignore_choose_the_rules(split: tuple[Path, Path], args, found):
    _, papers = split
    result = run("--db", str(papers), "check", "--format", "json", *args)
    codes = {p["code"] for p in json.loads(result.output)["problems"]}
    assert codes & {"undefined-macro", "pages-format"} == found


def test_statistics_count_per_rule_and_fix_fixes_only_the_selected(split: tuple[Path, Path]):
    _, papers = split
    stats = run("--db", str(papers), "check", "--statistics").output.splitlines()
    assert [line.split()[:3] for line in stats[:-1]] == [
        ["1", "warning", "pages-format"],
        ["1", "warning", "undefined-macro"],
        ["1", "warning", "unprotected-caps"],
    ]
    assert stats[-1].endswith("0 errors, 3 warnings")
    run("--db", str(papers), "check", "--fix", "--select", "unprotected-caps")
    text = papers.read_text(encoding="utf-8")
    assert "title = {{SparseGPT}}" in text and "pages = {1-2}" in text  # only the selected


def test_an_unknown_rule_is_bad_usage_with_a_suggestion(split: tuple[Path, Path]):
    _, papers = split
    result = run("--db", str(papers), "check", "--select", "pages-fromat")
    assert result.exit_code == 2
    assert "no rule is called 'pages-fromat' (did you mean pages-format" in result.output


def test_a_merge_that_adds_nothing_says_how_to_add(tmp_path: Path, split: tuple[Path, Path]):
    _, papers = split
    assert run("init", str(tmp_path / "db")).exit_code == 0
    result = run("--db", str(tmp_path / "db"), "merge", str(papers))
    assert "merge: 2 entries of the file match nothing in the database and stayed out; run " in (
        result.output
    )
    assert "--add-new" in result.output.splitlines()[-2]


def test_merge_reads_standard_input(tmp_path: Path):
    assert run("init", str(tmp_path / "db")).exit_code == 0
    result = run("--db", str(tmp_path / "db"), "merge", "-", "--add-new", stdin=PAPERS)
    assert result.exit_code == 0, result.output
    assert "0 matched, 2 added" in result.output
    assert "@misc{other," in (tmp_path / "db" / "effllm.bib").read_text(encoding="utf-8")
