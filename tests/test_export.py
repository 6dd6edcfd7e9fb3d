"""Export formats, filters, the per-category tree, formatted lists and the survey round trip."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from effllm_bib.cli import cli
from effllm_bib.compare import fold
from effllm_bib.database import Database
from effllm_bib.errors import TaxonomyError
from effllm_bib.export.bibtex import export_bibtex
from effllm_bib.export.formatted import render_entries, survey_markdown, write_list
from effllm_bib.importers.survey import parse_survey, parse_survey_text
from effllm_bib.latex import plain
from effllm_bib.model import Category
from effllm_bib.taxonomy import Taxonomy

from .conftest import DATA, FACTS_SNIPPET, REFS, SHARED, SURVEY_SNIPPET

GOLDEN = DATA / "golden"


@pytest.fixture
def full_db(snippet_db: Path, runner) -> Path:
    assert runner.invoke(cli, ["--db", str(snippet_db), "merge", str(FACTS_SNIPPET)]).exit_code == 0
    return snippet_db


def run(runner, db: Path, *args: str):
    return runner.invoke(cli, ["--db", str(db), *args])


@pytest.mark.parametrize(
    "fmt, golden",
    [
        ("biblatex", "export_pruning.biblatex.bib"),
        ("csl-json", "export_pruning.json"),
        ("ris", "export_pruning.ris"),
    ],
)
def test_format_golden(runner, full_db, fmt, golden):
    result = run(runner, full_db, "export", "-c", "pruning", "-f", fmt)
    assert result.exit_code == 0
    assert result.output == (GOLDEN / golden).read_text()


def test_csl_json_is_what_zotero_and_pandoc_expect(runner, full_db):
    items = json.loads(run(runner, full_db, "export", "-c", "pruning", "-f", "csl-json").output)
    sparsegpt = next(i for i in items if i["id"] == "frantar2023sparsegpt")
    assert sparsegpt["type"] == "paper-conference" and sparsegpt["page"] == "10323-10337"
    assert sparsegpt["author"][0] == {"family": "Frantar", "given": "Elias"}
    assert sparsegpt["keyword"] == "unstructured-pruning"
    assert all("{" not in i["title"] for i in items)  # LaTeX braces resolved


def test_keyword_paths_travel_in_every_format(runner, full_db):
    for fmt, needle in [
        (
            "bibtex",
            "keywords = {model-centric/model-compression/parameter-pruning/unstructured-pruning}",
        ),
        ("ris", "KW  - model-centric/model-compression/parameter-pruning/unstructured-pruning"),
        (
            "csl-json",
            '"keyword": "model-centric/model-compression/parameter-pruning/unstructured-pruning"',
        ),
    ]:
        out = run(
            runner, full_db, "export", "-c", "unstructured-pruning", "-f", fmt, "--keywords", "path"
        ).output
        assert needle in out, fmt


def test_all_categories_mirror_the_tree(runner, full_db, tmp_path):
    out = tmp_path / "out"
    result = run(runner, full_db, "export", "--all-categories", "-o", str(out), "-f", "ris")
    assert result.exit_code == 0
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.ris"))
    assert "model-centric/model-compression/parameter-pruning/unstructured-pruning.ris" in files
    assert "model-centric.ris" in files
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))
    assert (out / "model-centric/model-compression/parameter-pruning.ris").read_text().count(
        "ER  - "
    ) == 5


def test_all_categories_needs_a_directory(runner, full_db):
    result = run(runner, full_db, "export", "--all-categories")
    assert result.exit_code == 2 and "needs -o DIR" in result.output


@pytest.mark.parametrize("slug", ["../evil", "a/b", "..", "/abs"])
def test_no_category_slug_can_leave_the_directory(slug):
    with pytest.raises(TaxonomyError):
        Taxonomy([Category(slug, "Evil")])


@pytest.mark.parametrize(
    "args, keys",
    [
        pytest.param(["--year", "2023"], {"frantar2023sparsegpt"}, id="year"),
        pytest.param(
            ["--since", "2024", "--published-only"],
            {
                "fang2024maskllm",
                "muralidharan2024compact",
                "pending:fedspallm2025",
                "pending:sparsellm2024",
            },
            id="since-published",
        ),
        pytest.param(
            ["--year", "2024-2025", "--venue", "NeurIPS"],
            {"fang2024maskllm", "muralidharan2024compact", "pending:sparsellm2024"},
            id="venue-range",
        ),
        pytest.param(["--venue", "ICML"], {"frantar2023sparsegpt"}, id="venue-full-name"),
        pytest.param(["-k", "frantar2023sparsegpt"], {"frantar2023sparsegpt"}, id="keys"),
    ],
)
def test_filters(runner, full_db, args, keys):
    out = run(runner, full_db, "export", "-c", "pruning", *args).output
    found = {line.split("{", 1)[1].rstrip(",") for line in out.splitlines() if line.startswith("@")}
    assert found == keys


def test_keys_from_a_latex_aux_file(runner, full_db, tmp_path):
    aux = tmp_path / "paper.aux"
    aux.write_text(
        "\\relax\n\\citation{frantar2023sparsegpt,fang2024maskllm}\n\\citation{notindb2020x}\n"
    )
    result = run(runner, full_db, "export", "--keys-from", str(aux))
    assert result.exit_code == 0
    assert result.output.count("\n@") + result.output.startswith("@") == 2
    assert "1 cited keys are not in the database: notindb2020x" in result.output


@pytest.mark.parametrize(
    "aux, args, code, output",
    [
        pytest.param(
            "\\relax\n",
            [],
            0,
            "% effllm-bib export: 0 entries (all categories)\n",
            id="citing-nothing-exports-nothing",
        ),
        pytest.param(
            "\\citation{frantar2023sparsegpt}\n",
            ["-k", "nobody2020"],
            2,
            "effllm-bib: error: no entry with key 'nobody2020' in the database; check the "
            "spelling.\n",
            id="typed-key-still-checked",
        ),
    ],
)
def test_keys_from_edge_cases(runner, full_db, tmp_path, aux, args, code, output):
    (tmp_path / "paper.aux").write_text(aux)
    result = run(runner, full_db, "export", "--keys-from", str(tmp_path / "paper.aux"), *args)
    assert (result.exit_code, result.output) == (code, output)


def test_bad_year_filter_is_one_line(runner, full_db):
    result = run(runner, full_db, "export", "--year", "twenty")
    assert result.exit_code == 1 and "is not a year or a range" in result.output


# --- formatted lists -------------------------------------------------------------------------


STANDARD_STYLES = ["plain", "unsrt", "alpha", "unsrtalpha"]
BACKENDS = ["text", "markdown", "html", "latex"]

# A dollar written `\$` in a field is a dollar sign, and `refs` prints one. pybtex prints the
# backslash too: as is in text and HTML, escaped in Markdown (`\\$`, a visible backslash). In
# Markdown `refs` keeps the dollar escaped (`\$`), so that pandoc's `$...$` math cannot take it.
DOLLAR = {"text": "$", "html": "$", "markdown": "\\$", "latex": "\\$"}


def pybtex_list(entries, style: str, backend: str, as_misc: frozenset[str] = frozenset()) -> str:
    """The list pybtex itself makes of ``entries``, none of our formatting code involved:
    pybtex parses the BibTeX `refs` hands it, ``format_bibliography`` sorts, labels and formats,
    and the backend's ``write_to_stream`` writes the whole list.

    That BibTeX is our BibTeX export with two settings of `refs`: no ``note = {arXiv:...}``
    (pybtex's styles print ``eprint`` themselves; the note would print the id twice) and
    Unicode left as it is (pybtex prints ``M{\\"u}ller`` as ``M"uller``).
    ``as_misc``: keys to format with the style's @misc template (see ``pybtex_refuses``).
    """
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    data = parse_string(export_bibtex(entries, links_printed=True, ascii_only=False), "bibtex")
    for key in as_misc:
        data.entries[key].type = "misc"
    bibliography = find_plugin("pybtex.style.formatting", style)().format_bibliography(data)
    writer = find_plugin("pybtex.backends", backend)()
    stream = io.StringIO()
    writer.write_to_stream(bibliography, stream)
    return stream.getvalue().replace(writer.format_str("\\$"), DOLLAR[backend])


def pybtex_refuses(entries, style: str) -> dict[str, str]:
    """Key -> field, for each entry pybtex's ``style`` will not format for lack of that field
    (``plain`` needs the authors of an @inproceedings). `refs` formats those with the style's
    @misc template and says so in a note, rather than stopping the whole list."""
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin
    from pybtex.style.template import FieldIsMissing

    data = parse_string(export_bibtex(entries, links_printed=True, ascii_only=False), "bibtex")
    style_ = find_plugin("pybtex.style.formatting", style)()
    refused = {}
    for entry in data.entries.values():
        try:
            style_.format_entry("", entry)
        except FieldIsMissing as exc:
            refused[entry.key] = exc.field_name
    return refused


@pytest.mark.parametrize("style", STANDARD_STYLES)
@pytest.mark.parametrize("backend", BACKENDS)
def test_standard_styles_print_what_pybtex_prints(
    runner, full_db, style, backend, tmp_path, monkeypatch
):
    """`refs` against pybtex called directly on the same entries. The two papers the survey
    lists without authors are the one place where `refs` departs from pybtex, which refuses
    them: they are formatted as @misc, and a note names each."""
    monkeypatch.setenv("EFFLLM_BIB_CACHE_DIR", str(tmp_path))
    result = run(runner, full_db, "refs", "-c", "pruning", "--style", style, "--to", backend)
    db = Database.load(full_db)
    entries = db.resolved(db.select(["pruning"]))
    refused = pybtex_refuses(entries, style)
    assert refused == {"pending:fedspallm2025": "author", "pending:sparsellm2024": "author"}
    assert result.exit_code == 0, result.output
    assert result.stdout == pybtex_list(entries, style, backend, frozenset(refused))
    assert sorted(result.stderr.splitlines()) == [
        f"note: {key}: the {style} style needs 'author' for @inproceedings; formatted as @misc "
        "(fill it with enrich)"
        for key in sorted(refused)
    ]


# Entries of refs/ on which a list could part from pybtex's, each for its reason.
HARD_CASES = [
    "ainslie2023gqa",  # alpha labels ALTdJ+23 and DCDGA+23: as long as each other, not as wide
    "delcorro2023skipdecode",
    "jin2023s3",  # `{\$S\^{}3\$}`: escaped dollars and a circumflex in a title
    "li2023flm",  # `\${100K}`
    "martins2022inf",  # `$\infty$`: math in a title
    "jiang2023mistral",  # accented names (Lélio, Théophile), handed to pybtex in Unicode
    "composer",  # @software, exported as @misc
]


@pytest.mark.parametrize("style", STANDARD_STYLES)
@pytest.mark.parametrize("backend", BACKENDS)
def test_hard_cases_print_what_pybtex_prints(db, style, backend):
    entries = db.resolved([db.entries[key] for key in HARD_CASES])
    assert pybtex_refuses(entries, style) == {}
    rendered = render_entries(entries, style, backend)
    assert write_list(rendered, backend) == pybtex_list(entries, style, backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_survey_style_golden(runner, full_db, backend, tmp_path, monkeypatch, golden):
    """The survey style is ours, so nothing outside the project knows its output: each backend
    against its golden file. After a deliberate change of output, rewrite the goldens with
    `pytest tests/test_export.py --update-golden` and review their diff."""
    monkeypatch.setenv("EFFLLM_BIB_CACHE_DIR", str(tmp_path))
    result = run(runner, full_db, "refs", "-c", "pruning", "--style", "survey", "--to", backend)
    assert result.exit_code == 0, result.output
    path = GOLDEN / "refs" / f"pruning.survey.{backend}"
    assert result.stdout == golden(path, result.stdout)


def test_output_is_escaped_for_its_target(full_db):
    db = Database.load(full_db)
    e = db.entries["frantar2023sparsegpt"]
    db.put(e.with_fields(title="{SparseGPT}: Q\\&A <b>for</b> 100\\% of \\$5 models"))
    html = render_entries([db.entries[e.key]], "plain", "html")[0][2]
    assert "q&amp;a &lt;b&gt;for&lt;/b&gt; 100% of $5" in html  # HTML-escaped, no stray backslash
    latex = render_entries([db.entries[e.key]], "plain", "latex")[0][2]
    assert "q\\&a" in latex and "100\\%" in latex and "\\$5" in latex


def test_formatting_cache_formats_only_what_changed(full_db, tmp_path, monkeypatch):
    db = Database.load(full_db)
    entries = db.select(["pruning"])
    first = render_entries(entries, "plain", "text", tmp_path)
    calls = _counting_formats(monkeypatch)
    again = render_entries(entries, "plain", "text", tmp_path)
    assert calls == []
    changed = {e.key: e for e in entries}  # one entry changed, same order
    changed["frantar2023sparsegpt"] = changed["frantar2023sparsegpt"].with_fields(pages="1--2")
    render_entries(list(changed.values()), "plain", "text", tmp_path)
    assert calls == ["frantar2023sparsegpt"]
    assert again == first


def _counting_formats(monkeypatch) -> list[str]:
    """Patch the style lookup so that every entry pybtex really formats is recorded."""
    from effllm_bib.export import formatted

    calls: list[str] = []
    original = formatted._find

    def counting(kind, name):
        plugin = original(kind, name)
        if kind != "pybtex.style.formatting":
            return plugin

        class Counting(plugin):  # type: ignore[misc, valid-type]  # a subclass of a plugin found at run time
            def format_entry(self, label, entry, bib_data=None):
                calls.append(entry.key)
                return super().format_entry(label, entry, bib_data)

        Counting.__module__ = plugin.__module__  # the cache hashes the style's own module
        return Counting

    monkeypatch.setattr(formatted, "_find", counting)
    return calls


def test_a_line_shift_in_the_file_reformats_nothing(full_db, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    render_entries(Database.load(full_db).select(["pruning"]), "plain", "text", cache)
    bib = full_db / "effllm.bib"
    # One new paper near the top moves every entry below it down the file.
    bib.write_text(
        "@misc{aaa2099new,\n  title = {A New Paper},\n  year = {2099},\n}\n\n" + bib.read_text()
    )
    shifted = Database.load(full_db).select(["pruning"])
    calls = _counting_formats(monkeypatch)
    render_entries(shifted, "plain", "text", cache)
    assert calls == []


def test_another_formatter_version_formats_again(full_db, tmp_path, monkeypatch):
    from effllm_bib.export import formatted

    entries = Database.load(full_db).select(["pruning"])
    render_entries(entries, "plain", "text", tmp_path)
    real = formatted._formatter_salt
    monkeypatch.setattr(formatted, "_formatter_salt", lambda *a: real(*a) + "pybtex 9.9")
    calls = _counting_formats(monkeypatch)
    render_entries(entries, "plain", "text", tmp_path)
    assert set(calls) == {e.key for e in entries}


# --- the survey's own format ---------------------------------------------------------------------


def pairs_of_database(db: Database) -> set[tuple[str, str]]:
    return {(kw, e.key) for e in db.entries.values() if e.type != "software" for kw in e.keywords}


def pairs_of_rendering(db: Database, text: str) -> set[tuple[str, str]]:
    by_title = {fold(plain(e.get("title"))): e.key for e in db.entries.values()}
    survey = parse_survey_text(text, db.taxonomy, "rendered.md")
    return {(b.category, by_title[fold(b.title)]) for b in survey.bullets}


def test_survey_round_trip_on_the_snippet(snippet_db):
    db = Database.load(snippet_db)  # the survey import alone
    text = survey_markdown(db.select(), db.taxonomy)
    assert pairs_of_rendering(db, text) == pairs_of_database(db)
    original = parse_survey(SURVEY_SNIPPET, db.taxonomy)
    assert {
        (b.category, fold(b.title.replace("OmniQuant: OmniQuant:", "OmniQuant:")))
        for b in original.bullets
    } == {(b.category, fold(b.title)) for b in parse_survey_text(text, db.taxonomy, "r.md").bullets}


def test_survey_round_trip_on_the_whole_database():
    db = Database.load(REFS)
    text = survey_markdown(db.select(), db.taxonomy)
    assert pairs_of_rendering(db, text) == pairs_of_database(db)


@pytest.mark.skipif(not (SHARED / "data").exists(), reason="shared/ data is not beside the repo")
def test_diff_against_the_survey_shows_only_corrections(runner):
    readme = SHARED / "data" / "efficient-llms-survey" / "README.md"
    result = runner.invoke(cli, ["--db", str(REFS), "diff", "survey", str(readme)])
    assert result.exit_code == 0
    assert (
        "line 200: tunstall2024zephyr: arxiv: survey '2312.09571' -> database '2310.16944'"
        in result.output
    )
    assert (
        "line 124: xu2024onebit: venue: survey 'arXiv, 2024' -> database 'NeurIPS, 2024'"
        in result.output
    )
    summary = result.output.splitlines()[-1]
    assert "missing" not in summary and "section" not in summary  # same papers in the same sections
