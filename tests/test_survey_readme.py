"""``diff survey --apply``: the survey's README with the bullets the database corrects rewritten in
the list's own Markdown, every other line byte-identical; and ``refs --style survey --to
markdown`` in the same conventions."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from effllm_bib.cli import cli
from effllm_bib.database import Database
from effllm_bib.export.formatted import render_entries
from effllm_bib.export.survey_style import bullet_text, paper_link, rendered_venue, venue_and_year
from effllm_bib.importers.survey import import_survey
from effllm_bib.importers.survey_diff import readme_rewrites
from effllm_bib.latex import plain
from effllm_bib.model import Entry

from .conftest import DATA, FACTS_SNIPPET, REFS, SHARED, SURVEY_SNIPPET

README = SHARED / "data" / "efficient-llms-survey" / "README.md"
needs_readme = pytest.mark.skipif(
    not README.exists(), reason="the survey's README is not in ../shared"
)
# A bullet as the README writes it: no backslash escapes, links as [[Label](url)].
BULLET = re.compile(
    r"^\s*[-*] [^\\]+, <ins>[^<\\]+</ins>(?: \[\[[A-Za-z][A-Za-z ]*\]\([^()\s\\]+\)\])*$"
)


def apply(runner, readme: Path) -> str:
    result = runner.invoke(cli, ["--db", str(REFS), "diff", "survey", str(readme), "--apply"])
    assert result.exit_code == 0, result.output
    output: str = result.output
    return output


@pytest.fixture
def full_db(snippet_db: Path, runner) -> Path:
    """The snippet imported, then the facts merged: the golden needs data no other change moves."""
    assert runner.invoke(cli, ["--db", str(snippet_db), "merge", str(FACTS_SNIPPET)]).exit_code == 0
    return snippet_db


def test_apply_on_the_snippet_gives_the_golden_list(runner, full_db, tmp_path):
    readme = tmp_path / "README.md"
    shutil.copy(SURVEY_SNIPPET, readme)
    result = runner.invoke(cli, ["--db", str(full_db), "diff", "survey", str(readme), "--apply"])
    assert result.exit_code == 0, result.output
    golden = DATA / "golden" / "survey_snippet.applied.md"
    assert readme.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")


@needs_readme
def test_apply_rewrites_only_corrected_bullets_and_only_once(runner, tmp_path):
    readme = tmp_path / "README.md"
    shutil.copy(README, readme)
    db = Database.load(REFS)
    planned = {r.line: r for r in readme_rewrites(db, README.read_text(encoding="utf-8"))}
    output = apply(runner, readme)
    assert output.splitlines()[-1] == f"diff: rewrote {len(planned)} bullets of {readme}"
    before = README.read_bytes().splitlines(keepends=True)
    after = readme.read_bytes().splitlines(keepends=True)
    assert len(before) == len(after)
    changed = {n for n, (a, b) in enumerate(zip(before, after, strict=True), 1) if a != b}
    assert changed == set(planned)
    for n in changed:
        assert BULLET.match(after[n - 1].decode().rstrip("\n")), after[n - 1]
    assert apply(runner, readme).splitlines()[-1] == f"diff: rewrote 0 bullets of {readme}"
    assert readme.read_bytes().splitlines(keepends=True) == after
    result = runner.invoke(cli, ["--db", str(REFS), "diff", "survey", str(readme)])
    assert result.output.splitlines()[-1] == "diff: 0 differences (none)"


@needs_readme
def test_the_rewritten_list_imports_back_to_the_same_papers_and_categories(runner, tmp_path):
    readme = tmp_path / "README.md"
    shutil.copy(README, readme)
    apply(runner, readme)
    shutil.copytree(REFS, tmp_path / "refs")
    db = Database.load(tmp_path / "refs")
    report = import_survey(db, readme)
    original = Database.load(REFS)
    assert report.added == [] and report.disappeared == []
    assert {k: e.keywords for k, e in db.entries.items()} == {
        k: e.keywords for k, e in original.entries.items()
    }
    changed = {
        name
        for k, e in db.entries.items()
        for name in set(e.names()) | set(original.entries[k].names())
        if e.get(name) != original.entries[k].get(name)
    }
    assert changed <= {"surveytitle", "surveyvenue", "surveyurl"}  # only the survey's own record


@pytest.mark.parametrize("ending", [pytest.param("\n", id="lf"), pytest.param("\r\n", id="crlf")])
def test_apply_keeps_the_files_line_endings(runner, tmp_path, ending):
    readme = tmp_path / "README.md"
    readme.write_bytes(SURVEY_SNIPPET.read_text(encoding="utf-8").replace("\n", ending).encode())
    apply(runner, readme)
    data = readme.read_bytes().decode()
    assert data.count(ending) == SURVEY_SNIPPET.read_text(encoding="utf-8").count("\n")
    assert ending == "\r\n" or "\r" not in data


def test_survey_markdown_writes_bullets_as_the_readme_does(runner):
    result = runner.invoke(
        cli, ["--db", str(REFS), "refs", "--style", "survey", "--to", "markdown"]
    )
    assert result.exit_code == 0
    bullets = [ln for ln in result.output.splitlines() if ln.startswith("- ")]
    assert len(bullets) > 400
    assert [b for b in bullets if not BULLET.match(b)] == []
    assert "- I-LLM: Efficient Integer-Only Inference" in result.output
    assert "- GPT3.int8(): 8-bit Matrix Multiplication" in result.output  # NeurIPS 2022 title


def bullet_links(e: Entry) -> list[tuple[str, str]]:
    """The [Paper] and [Code] links a fresh bullet for ``e`` carries, each only if it has one."""
    pairs = [("Paper", paper_link(dict(e.fields))), ("Code", e.get("code"))]
    return [(label, url) for label, url in pairs if url]


def test_survey_style_and_apply_write_the_same_bullet():
    db = Database.load(REFS)
    entries = [e for e in db.select() if e.type != "software"]
    rendered = {key: text for key, _, text in render_entries(entries, "survey", "markdown")}
    for e in entries:
        expected = bullet_text(plain(e.get("title")), rendered_venue(e), bullet_links(e))
        assert rendered[e.key] == expected, e.key


@pytest.mark.parametrize(
    ("fields", "link", "venue"),
    [
        pytest.param(
            {"eprint": "2301.00774", "archiveprefix": "arXiv", "year": "2023"},
            "https://arxiv.org/abs/2301.00774",
            "arXiv, 2023",
            id="arxiv",
        ),
        pytest.param(
            {"eprint": "2301.00774", "year": "2023"},
            "https://arxiv.org/abs/2301.00774",
            "arXiv, 2023",
            id="arxiv-id-no-archive",
        ),
        pytest.param(
            {"eprint": "2301.00774", "eprinttype": "arxiv", "year": "2023"},
            "https://arxiv.org/abs/2301.00774",
            "arXiv, 2023",
            id="biblatex-eprinttype",
        ),
        pytest.param(
            {
                "eprint": "hal-01234567",
                "archiveprefix": "HAL",
                "year": "2023",
                "url": "https://hal.science/hal-01234567",
            },
            "https://hal.science/hal-01234567",
            ", 2023",
            id="hal-is-not-arxiv",
        ),
        pytest.param(
            {"eprint": "hal-01234567", "archiveprefix": "HAL", "year": "2023"},
            "",
            ", 2023",
            id="hal-without-url-has-no-link",
        ),
        pytest.param(
            {
                "eprint": "2301.00774",
                "archiveprefix": "arXiv",
                "year": "2023",
                "url": "https://example.org/paper.pdf",
            },
            "https://example.org/paper.pdf",
            "arXiv, 2023",
            id="own-url-kept",
        ),
    ],
)
def test_survey_style_links_and_names_arxiv_by_vocab(fields, link, venue):
    assert paper_link(fields) == link
    assert venue_and_year(fields, "misc") == venue
