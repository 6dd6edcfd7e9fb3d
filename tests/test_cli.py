"""The command line: exact output and exit codes, on a database built from the real snippet."""

import difflib
import json
from pathlib import Path

import pytest

from effllm_bib.cli import cli

from .conftest import DATA, FACTS_SNIPPET, SURVEY_SNIPPET

GOLDEN = DATA / "golden"


@pytest.fixture
def full_db(snippet_db: Path, runner) -> Path:
    result = runner.invoke(cli, ["--db", str(snippet_db), "merge", str(FACTS_SNIPPET)])
    assert result.exit_code == 0, result.output
    return snippet_db


def run(runner, db: Path, *args: str, env=None):
    return runner.invoke(cli, ["--db", str(db), *args], env=env)


def test_export_category_golden(runner, full_db):
    result = run(runner, full_db, "export", "--category", "pruning")
    assert result.exit_code == 0
    assert result.output == (GOLDEN / "export_pruning.bib").read_text()


def test_export_alias_and_slug_agree_and_union(runner, full_db):
    by_alias = run(runner, full_db, "export", "-c", "pruning").output
    by_slug = run(runner, full_db, "export", "-c", "parameter-pruning").output
    assert by_alias.splitlines()[1:] == by_slug.splitlines()[1:]
    union = run(runner, full_db, "export", "-c", "structured-pruning", "-c", "unstructured-pruning")
    assert union.output.splitlines()[1:] == by_slug.splitlines()[1:]


def test_export_to_file(runner, full_db, tmp_path):
    out = tmp_path / "sub" / "pruning.bib"
    result = run(runner, full_db, "export", "-c", "pruning", "-o", str(out))
    assert result.exit_code == 0
    assert out.read_text() == (GOLDEN / "export_pruning.bib").read_text()


def test_unknown_category_is_one_line_with_suggestions(runner, full_db):
    result = run(runner, full_db, "export", "--category", "prunning")
    assert result.exit_code == 2
    assert result.output == (
        "effllm-bib: error: unknown category 'prunning'. Did you mean: parameter-pruning, "
        "structured-pruning, unstructured-pruning? Run 'effllm-bib categories' to list them.\n"
    )


def test_categories_tree_with_counts(runner, full_db):
    result = run(runner, full_db, "categories")
    lines = result.output.splitlines()
    assert lines[0] == "model-centric: Model-Centric Methods [27]  (aliases: model-centric-methods)"
    assert "    parameter-pruning: Parameter Pruning [5]  (aliases: pruning)" in lines
    assert "      structured-pruning: Structured Pruning [1]" in lines
    assert (
        "    frameworks-inference: Efficient Inference [5]  (aliases: framework-inference)" in lines
    )


def test_check_reports_and_fails_on_the_one_error(runner, full_db):
    # KV-Runahead's bullet gives no year ("arXiv, ICML") and the snippet's facts do not cover it.
    result = run(runner, full_db, "check")
    assert result.exit_code == 1
    assert "@inproceedings needs year/date; add it. [missing-field]" in result.output
    # 61 warnings, and 6 entries whose sources are all secondary pages
    assert result.output.splitlines()[-1].endswith(": 1 error, 67 warnings")
    data = json.loads(run(runner, full_db, "check", "--format", "json").output)
    assert (data["errors"], data["warnings"]) == (1, 67)
    assert {p["code"] for p in data["problems"]} >= {
        "no-author",
        "survey-wrong-arxiv",
        "empty-category",
    }


def test_check_fails_on_errors(runner, full_db):
    bib = full_db / "effllm.bib"
    bib.write_text(
        bib.read_text().replace(
            "keywords = {unstructured-pruning}", "keywords = {unstructured-prunin}", 1
        )
    )
    result = run(runner, full_db, "check")
    assert result.exit_code == 1
    assert (
        "keyword 'unstructured-prunin' is one slip from the category 'unstructured-pruning'"
        in result.output
    )


def test_check_reports_parse_errors_with_line(runner, full_db):
    bib = full_db / "effllm.bib"
    bib.write_text(bib.read_text() + "\n@article{broken, title={x}\n")
    result = run(runner, full_db, "check")
    assert result.exit_code == 1
    line = len(bib.read_text().splitlines())
    assert f"effllm.bib:{line}: cannot parse this block" in result.output


def test_db_from_environment(runner, full_db):
    result = runner.invoke(cli, ["export", "-c", "pruning"], env={"EFFLLM_BIB_DB": str(full_db)})
    assert result.output == (GOLDEN / "export_pruning.bib").read_text()


def test_missing_database_is_a_clear_error(runner, tmp_path):
    result = run(runner, tmp_path / "nothing", "export")
    assert result.exit_code == 1
    assert result.output.startswith("effllm-bib: error: ") and "effllm-bib init" in result.output
    assert "Traceback" not in result.output


def test_import_dry_run_writes_nothing(runner, snippet_db, tmp_path):
    before = (snippet_db / "effllm.bib").read_bytes()
    newer = tmp_path / "newer.md"
    newer.write_text(
        SURVEY_SNIPPET.read_text().replace("<ins>ICML, 2023</ins>", "<ins>ICML, 2024</ins>")
    )
    result = run(runner, snippet_db, "import", "survey", str(newer), "--dry-run")
    assert result.exit_code == 0
    assert "-  year = {2023},\n+  year = {2024}," in result.output
    assert result.output.endswith("dry run: nothing written.\n")
    assert (snippet_db / "effllm.bib").read_bytes() == before


def test_merge_dry_run_shows_diff_and_writes_nothing(runner, snippet_db):
    before = (snippet_db / "effllm.bib").read_bytes()
    result = run(runner, snippet_db, "merge", str(FACTS_SNIPPET), "--dry-run")
    assert result.exit_code == 0
    assert "+@inproceedings{frantar2023sparsegpt," in result.output
    assert "key: pending:sparsegpt2023 -> frantar2023sparsegpt" in result.output
    assert (snippet_db / "effllm.bib").read_bytes() == before


def test_keys_rename_prints_map(runner, full_db):
    result = run(runner, full_db, "keys", "rename", "frantar2023sparsegpt", "sparsegpt")
    assert (result.exit_code, result.output) == (0, "frantar2023sparsegpt -> sparsegpt\n")
    taken = run(runner, full_db, "keys", "rename", "sparsegpt", "tunstall2024zephyr")
    assert taken.exit_code == 1 and "already taken" in taken.output
    by_case = run(runner, full_db, "keys", "rename", "sparsegpt", "Tunstall2024Zephyr")
    assert by_case.exit_code == 1 and "already taken (BibTeX ignores case)" in by_case.output
    unknown = run(runner, full_db, "keys", "rename", "nope", "x")
    assert unknown.exit_code == 2 and "no entry with key 'nope'" in unknown.output


def test_import_of_missing_file(runner, db_dir):
    result = run(runner, db_dir, "import", "survey", str(db_dir / "missing.md"))
    assert result.exit_code == 1 and "no such file" in result.output
    assert not (db_dir / "effllm.bib").exists()


def test_import_dry_run_into_a_new_directory_writes_nothing(runner, tmp_path):
    target = tmp_path / "new"
    result = run(runner, target, "import", "survey", str(SURVEY_SNIPPET), "--dry-run")
    assert result.exit_code == 0
    assert "+@inproceedings{pending:sparsegpt2023," in result.output
    assert not target.exists()


def test_import_into_a_new_directory_creates_bib_and_taxonomy(runner, tmp_path):
    target = tmp_path / "new"
    result = run(runner, target, "import", "survey", str(SURVEY_SNIPPET))
    assert result.exit_code == 0
    assert sorted(p.name for p in target.iterdir()) == ["effllm.bib", "taxonomy.toml"]  # no lock
    assert result.output.endswith(f"wrote {target / 'effllm.bib'}\n")


def test_stats_table_and_plot(runner, full_db, tmp_path):
    result = run(runner, full_db, "stats", "--plot", str(tmp_path / "out" / "years.png"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "category",
        "papers",
        "authors",
        "DOI",
        "published",
        "preprint",
        "other",
        "+",
        "software",
    ]
    # published, preprint and other add up to the papers; the frameworks come on top
    assert lines[1].split() == ["all", "papers", "29", "12", "0", "20", "9", "0", "5"]
    assert ["year", "model-centric", "data-centric", "system-level", "all"] in [
        ln.split() for ln in lines
    ]
    assert "2024             18             0             0   18" in lines
    assert (tmp_path / "out" / "years.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_check_fix_shows_diff_then_writes(runner, full_db):
    bib = full_db / "effllm.bib"
    bib.write_text(bib.read_text().replace("pages = {10323--10337}", "pages = {10323-10337}"))
    dry = run(runner, full_db, "check", "--fix", "--dry-run")
    assert "-  pages = {10323-10337},\n+  pages = {10323--10337}," in dry.output
    assert "pages = {10323-10337}" in bib.read_text()
    fixed = run(runner, full_db, "check", "--fix")
    assert "+  pages = {10323--10337}," in fixed.output and "fixed and wrote" in fixed.output
    assert "pages = {10323--10337}" in bib.read_text()
    assert "[pages-format]" not in fixed.output


def test_distinct_pairs_are_recorded_and_respected(runner, full_db):
    bib = full_db / "effllm.bib"
    bib.write_text(
        bib.read_text() + "\n@misc{twin2023,\n  author = {Frantar, Elias},\n  title = "
        "{{SparseGPT}: Massive Language Models Can Be Accurately Pruned in One-Shot.},\n"
        "  year = {2023},\n  keywords = {unstructured-pruning},\n}\n"
    )
    assert "[near-duplicate-title]" in run(runner, full_db, "check").output
    result = run(
        runner, full_db, "distinct", "frantar2023sparsegpt", "twin2023", "--reason", 'a "test" twin'
    )
    assert result.exit_code == 0, result.output
    assert "[near-duplicate-title]" not in run(runner, full_db, "check").output
    assert 'reason = "a \\"test\\" twin"' in (full_db / "distinct.toml").read_text()
    again = run(runner, full_db, "distinct", "twin2023", "frantar2023sparsegpt", "--reason", "x")
    assert again.exit_code == 0 and (full_db / "distinct.toml").read_text().count("[[pair]]") == 1
    unknown = run(runner, full_db, "distinct", "nope", "twin2023", "--reason", "x")
    assert unknown.exit_code == 2


def test_accepted_warnings_are_recorded_respected_and_kept_honest(runner, full_db):
    bib = full_db / "effllm.bib"
    paper = (
        "\n@inproceedings{wang2025seed,\n  author = {Wang, Zhenglin},\n  title = {{SEED}},\n"
        "  booktitle = {Proceedings of the 31st International Conference on Computational "
        "Linguistics},\n  year = {2025},\n  keywords = {speculative-decoding},\n}\n"
    )
    bib.write_text(bib.read_text() + paper)
    assert "wang2025seed: published in" in run(runner, full_db, "check").output
    not_given = run(runner, full_db, "accept", "wang2025seed", "no-author", "--reason", "x")
    assert not_given.exit_code == 2 and "it gives: missing-doi" in not_given.output
    result = run(
        runner,
        full_db,
        "accept",
        "wang2025seed",
        "missing-doi",
        "--reason",
        "the venue registered no DOI",
        "--source",
        "https://example.org/328",
    )
    assert result.exit_code == 0, result.output
    text = run(runner, full_db, "check")
    assert "wang2025seed: published in" not in text.output
    assert "(1 accepted in accepted.toml)" in text.output
    report = json.loads(run(runner, full_db, "check", "--format", "json").output)
    (accepted,) = report["accepted"]
    assert accepted["code"] == "missing-doi" and accepted["key"] == "wang2025seed"
    assert (accepted["reason"], accepted["source"]) == (
        "the venue registered no DOI",
        "https://example.org/328",
    )
    assert not any(p["key"] == "wang2025seed" for p in report["problems"])
    # the warning goes away: the acceptance is now the finding, so the file cannot go stale
    bib.write_text(
        bib.read_text().replace(
            "  year = {2025},\n  keywords = {speculative",
            "  year = {2025},\n  doi = {10.1000/x},\n  keywords = {speculative",
        )
    )
    stale = run(runner, full_db, "check").output
    assert "accepts 'missing-doi' for 'wang2025seed', but check no longer finds" in stale
    assert "[stale-acceptance]" in stale


def test_malformed_accepted_file_is_one_line_and_exit_1(runner, full_db):
    (full_db / "accepted.toml").write_text('[[accepted]]\nrule = "missing-doi"\nkey = "k"\n')
    result = run(runner, full_db, "check")
    assert result.exit_code == 1
    assert "accepted.toml: [[accepted]] number 1 needs rule, key and reason" in result.output
    assert "Traceback" not in result.output


def test_a_lone_bib_file_exports_with_its_strings_and_crossref_targets(tmp_path):
    from click.testing import CliRunner

    from effllm_bib.cli import cli

    path = tmp_path / "paper.bib"
    path.write_text(
        '@string{j = "Journal of Things"}\n@string{unused = "U"}\n'
        "@article{a, title={A}, journal=j, crossref={p}}\n@book{p, title={P}, year=1999}\n"
    )
    result = CliRunner().invoke(cli, ["--db", str(path), "export", "-k", "a"])
    assert result.exit_code == 0, result.output
    assert '@string{j = "Journal of Things"}' in result.output and "unused" not in result.output
    assert result.output.index("@article{a,") < result.output.index("@book{p,")
    ris = CliRunner().invoke(cli, ["--db", str(path), "export", "-f", "ris", "-k", "a"]).output
    assert "JO  - Journal of Things" in ris and "PY  - 1999" in ris


def test_init_then_categories(tmp_path):
    from click.testing import CliRunner

    from effllm_bib.cli import cli

    result = CliRunner().invoke(cli, ["init", str(tmp_path / "mine")])
    assert result.exit_code == 0 and (tmp_path / "mine" / "taxonomy.toml").exists()
    listing = CliRunner().invoke(cli, ["--db", str(tmp_path / "mine"), "categories"])
    assert listing.output == "unsorted: Unsorted [0]\n"


def test_category_option_on_a_lone_file_is_one_line(tmp_path):
    from click.testing import CliRunner

    from effllm_bib.cli import cli

    path = tmp_path / "paper.bib"
    path.write_text("@misc{a, title={A}}\n")
    result = CliRunner().invoke(cli, ["--db", str(path), "export", "-c", "quantization"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "taxonomy.toml" in result.output


def _as_written_by_hand(text: str) -> str:
    """The same entries in another order and layout: four-space indents, no blank lines."""
    blocks = text.split("\n\n")
    return "\n".join(reversed(blocks)).replace("\n  ", "\n    ").rstrip("\n") + "\n"


def _as_written(text: str) -> str:
    return text


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param(_as_written, id="canonical-file"),
        pytest.param(_as_written_by_hand, id="file-in-another-layout"),
    ],
)
def test_check_fix_prints_exactly_what_it_writes_and_changes_only_that_line(
    runner, full_db, layout
):
    """A fix is a patch: in any layout, only the fixed value's line changes."""
    bib = full_db / "effllm.bib"
    text = bib.read_text().replace("pages = {10323--10337}", "pages = {10323-10337}")
    bib.write_text(layout(text))
    before = bib.read_text()
    result = run(runner, full_db, "check", "--fix")
    after = bib.read_text()
    expected = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        f"{bib} (now)",
        f"{bib} (fixed)",
    )
    printed = result.output.partition("fixed and wrote")[0]
    assert printed == "".join(expected)
    changed = [" ".join(line.split()) for line in printed.splitlines()[2:] if line[:1] in "+-"]
    assert changed == ["- pages = {10323-10337},", "+ pages = {10323--10337},"]
