"""Merging other bibliographies: the real gathered facts for the snippet's papers, and made-up files."""

import json
from pathlib import Path

import pytest

from effllm_bib.check import check_entries
from effllm_bib.database import Database
from effllm_bib.errors import BibParseError
from effllm_bib.merge import merge_file

from .conftest import FACTS_SNIPPET

# SparseGPT as another bibliography records it; tests append the fields they vary.
SPARSEGPT = (
    "@inproceedings{x, title={SparseGPT: Massive Language Models Can Be Accurately Pruned "
    "in One-Shot}, author={Elias Frantar and Dan Alistarh}, "
)


def find(db: Database, surveytitle_start: str):
    hits = [e for e in db.entries.values() if e.get("surveytitle").startswith(surveytitle_start)]
    assert len(hits) == 1
    return hits[0]


@pytest.fixture
def merged(snippet_db: Path):
    db = Database.load(snippet_db)
    report = merge_file(db, FACTS_SNIPPET)
    return db, report


def test_every_fact_matches_and_no_entry_is_created(snippet_db, merged):
    db, report = merged
    before = len(Database.load(snippet_db))
    assert len(report.matched) == 12 and report.unmatched == [] and report.added == []
    assert len(db) == before


def test_authors_arrive_in_last_first_form_and_keys_are_assigned(merged):
    db, report = merged
    e = find(db, "SparseGPT")
    assert e.key == "frantar2023sparsegpt"
    assert e.get("author") == "Frantar, Elias and Alistarh, Dan"
    assert ("pending:sparsegpt2023", "frantar2023sparsegpt") in report.renamed


def test_survey_derived_values_are_corrected_by_the_facts(merged):
    db, _ = merged
    onebit = find(db, "OneBit")  # survey: arXiv 2024; facts: NeurIPS 2024
    assert onebit.type == "inproceedings"
    assert onebit.get("booktitle") == "Advances in Neural Information Processing Systems"
    omni = find(db, "OmniQuant")
    assert (
        omni.get("booktitle") == "The Twelfth International Conference on Learning Representations"
    )


def test_wrong_survey_link_gets_the_right_id_and_check_reports_upstream_error(merged, taxonomy):
    db, _ = merged
    zephyr = find(db, "Zephyr")
    assert zephyr.get("eprint") == "2310.16944"
    semantic = find(db, "Extending Context Window")
    assert semantic.get("eprint") == "2312.09571"
    problems = check_entries(list(db.entries.values()), taxonomy)
    upstream = [p for p in problems if p.code == "survey-wrong-arxiv"]
    assert {p.key for p in upstream} == {zephyr.key, find(db, "LLM Maybe LongLM").key}
    assert "survey links arXiv 2312.09571, but this paper is arXiv 2310.16944" in " ".join(
        p.message for p in upstream
    )


def test_provenance_is_recorded(merged):
    db, _ = merged
    e = find(db, "SparseGPT")
    assert e.get("confidence") in {"high", "medium", "low"}
    assert e.get("sources").startswith("http")


def test_merging_the_same_file_twice_changes_nothing(snippet_db):
    db = Database.load(snippet_db)
    merge_file(db, FACTS_SNIPPET)
    db.save()
    before = (snippet_db / "effllm.bib").read_bytes()
    db = Database.load(snippet_db)
    report = merge_file(db, FACTS_SNIPPET)
    db.save()
    assert (snippet_db / "effllm.bib").read_bytes() == before
    assert report.count("fill") == report.count("correct") == report.count("conflict") == 0


def _write(tmp_path: Path, text: str, name: str = "other.bib") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_curated_value_conflict_is_reported_with_both_values(merged, tmp_path):
    db, _ = merged
    other = _write(
        tmp_path, SPARSEGPT + "year={2023}, pages={1--2}, doi={10.5555/3618408.3618822}}"
    )
    report = merge_file(db, other)
    conflicts = [(c.field, c.old, c.new) for c in report.changes if c.kind == "conflict"]
    assert conflicts == [("pages", "10323--10337", "1--2")]
    assert db.entries["frantar2023sparsegpt"].get("pages") == "10323--10337"
    assert db.entries["frantar2023sparsegpt"].get("doi") == "10.5555/3618408.3618822"  # filled


def test_overwrite_lets_the_file_win_for_named_fields(merged, tmp_path):
    db, _ = merged
    other = _write(tmp_path, SPARSEGPT + "year={2023}, pages={1-2}}")
    merge_file(db, other, overwrite={"pages"})
    assert db.entries["frantar2023sparsegpt"].get("pages") == "1--2"


def test_confidence_changes_only_when_a_person_overwrites_it(merged, tmp_path):
    db, _ = merged
    before = db.entries["frantar2023sparsegpt"].get("confidence")
    other = _write(
        tmp_path, SPARSEGPT + "year={2023}, confidence={low}, sources={https://example.org/p}}"
    )
    report = merge_file(db, other)
    assert not [c for c in report.changes if c.field == "confidence"]
    assert db.entries["frantar2023sparsegpt"].get("confidence") == before != "low"
    merge_file(db, other, overwrite={"confidence"})
    entry = db.entries["frantar2023sparsegpt"]
    assert entry.get("confidence") == "low"
    assert "https://example.org/p" in entry.get("sources").split()


def test_sources_are_added_to_and_replaced_only_under_overwrite(merged, tmp_path):
    """An audit that read the primary pages replaces the list (summary sites it no longer
    lists go); any other merge adds its pages to the entry's."""
    db, _ = merged
    before = db.entries["frantar2023sparsegpt"].get("sources").split()
    audit = "https://proceedings.mlr.press/v202/frantar23a.html"
    other = _write(tmp_path, SPARSEGPT + f"year={{2023}}, sources={{{audit}}}}}")
    assert audit not in before
    merge_file(db, other)
    assert db.entries["frantar2023sparsegpt"].get("sources").split() == [*before, audit]
    merge_file(db, other, overwrite={"sources"})
    assert db.entries["frantar2023sparsegpt"].get("sources") == audit


@pytest.mark.parametrize(
    "sources, added",
    [
        pytest.param("https://proceedings.mlr.press/v202/frantar23a.html", False, id="primary"),
        pytest.param("https://tomesphere.com/paper/2301.00774", True, id="summary-site-only"),
    ],
)
def test_a_source_that_only_agrees_adds_its_pages_only_where_no_primary_page_is(
    merged, tmp_path, sources, added
):
    """Merging an older file again keeps the pages an audit settled; an entry without primary
    evidence still gains the pages of a source that confirms it."""
    db, _ = merged
    entry = db.entries["frantar2023sparsegpt"]
    db.entries["frantar2023sparsegpt"] = entry.with_fields(sources=sources)
    page = "https://example.org/sparsegpt"
    other = _write(tmp_path, SPARSEGPT + f"year={{2023}}, sources={{{page}}}}}")
    report = merge_file(db, other)
    assert [c for c in report.changes if c.kind in ("fill", "correct")] == []
    assert (page in db.entries["frantar2023sparsegpt"].get("sources")) is added


def test_a_published_entry_never_takes_an_arxiv_doi(merged, tmp_path):
    """The preprint's DOI leads to the preprint: not filled, even under --overwrite doi."""
    db, _ = merged
    entry = db.entries["frantar2023sparsegpt"]
    db.entries["frantar2023sparsegpt"] = entry.with_fields(doi="")
    other = _write(tmp_path, SPARSEGPT + "year={2023}, doi={10.48550/arXiv.2301.00774}}")
    report = merge_file(db, other, overwrite={"doi"})
    assert [c for c in report.changes if c.field == "doi"] == []
    assert db.entries["frantar2023sparsegpt"].get("doi") == ""


def test_overwriting_the_type_moves_the_venue(merged, tmp_path):
    """A conference entry corrected to a journal article loses its booktitle, not just its type."""
    db, _ = merged
    other = _write(
        tmp_path,
        SPARSEGPT.replace("@inproceedings", "@article") + "year={2023}, "
        "journal={Journal of Pruning}}",
    )
    db.put(db.entries["frantar2023sparsegpt"].with_fields(surveyvenue=""))  # type now curated
    report = merge_file(db, other)
    assert ("type", "conflict") in [(c.field, c.kind) for c in report.changes]
    assert db.entries["frantar2023sparsegpt"].type == "inproceedings"  # reported, not applied
    assert ("journal", "conflict") in [(c.field, c.kind) for c in report.changes]
    assert db.entries["frantar2023sparsegpt"].get("journal") == ""  # the other version's venue
    merge_file(db, other, overwrite={"type"})
    entry = db.entries["frantar2023sparsegpt"]
    assert entry.type == "article" and entry.get("journal") == "Journal of Pruning"
    assert entry.get("booktitle") == ""


@pytest.mark.parametrize(
    "record, how",
    [
        pytest.param(
            "@article{a, title={Totally different}, doi={10.48550/arXiv.2301.00774}}",
            "arxiv-doi-alone-refused",
            id="arxiv-id-with-other-title-refused",
        ),
        pytest.param(
            "@misc{a, title={SparseGPT: Massive Language Models Can Be Accurately Pruned in One-Shot}, "
            "author={Someone Else}, year={2019}}",
            "refused",
            id="title-with-other-authors-refused",
        ),
    ],
)
def test_implausible_matches_are_refused(merged, tmp_path, record, how):
    db, _ = merged
    report = merge_file(db, _write(tmp_path, record))
    assert report.matched == {} and report.unmatched == ["a"]


def test_a_retitled_published_version_matches_by_arxiv_id_and_the_same_authors(merged, tmp_path):
    db, _ = merged
    record = (
        "@inproceedings{a, title={Pruning Giants in One Shot}, author={Elias Frantar and "
        "Dan Alistarh}, eprint={2301.00774}, archiveprefix={arXiv}}"
    )
    other_authors = record.replace("Dan Alistarh", "Someone Else")
    report = merge_file(db, _write(tmp_path, other_authors))
    assert report.matched == {} and "titles and authors differ" in str(report.problems[0])
    report = merge_file(db, _write(tmp_path, record))
    assert report.matched == {"a": "frantar2023sparsegpt"}


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(
            "@misc{a, title={SparseGPT: Massive language models can be accurately pruned in one shot}, "
            "author={Frantar, Elias}}",
            id="by-title-and-author",
        ),
        pytest.param(
            "@misc{a, title={{SparseGPT}: Massive Language Models Can Be Accurately Pruned in One-Shot}, "
            "year={2023}}",
            id="by-title-and-year",
        ),
    ],
)
def test_matches(merged, tmp_path, record):
    db, _ = merged
    report = merge_file(db, _write(tmp_path, record))
    assert report.matched == {"a": "frantar2023sparsegpt"}


def test_an_arxiv_id_alone_does_not_match_when_the_titles_disagree(merged, tmp_path):
    db, _ = merged
    record = (
        "@misc{a, title={Anything}, eprint={2301.00774}, archiveprefix={arXiv}, "
        "author={Elias Frantar}}"
    )
    report = merge_file(db, _write(tmp_path, record))
    assert report.matched == {}


def test_match_by_doi(merged, tmp_path):
    db, _ = merged
    db.put(db.entries["frantar2023sparsegpt"].with_fields(doi="10.1000/xyz"))
    report = merge_file(
        db, _write(tmp_path, "@misc{a, title={Renamed}, doi={https://doi.org/10.1000/XYZ}}")
    )
    assert report.matched == {"a": "frantar2023sparsegpt"}


def test_add_new_keeps_the_source_key_and_adds_the_category(merged, tmp_path):
    db, _ = merged
    other = _write(tmp_path, "@article{n, title={A New Paper}, author={Ada Lovelace}, year={1843}}")
    report = merge_file(db, other, add_new=True, categories=["kd"])
    assert report.added == ["n"] and db.entries["n"].keywords == ("knowledge-distillation",)


def test_csl_json_is_merged(merged, tmp_path):
    db, _ = merged
    item = [
        {
            "id": "c1",
            "type": "paper-conference",
            "title": "SparseGPT: Massive Language Models Can Be Accurately Pruned in One-Shot",
            "author": [
                {"family": "Frantar", "given": "Elias"},
                {"family": "Alistarh", "given": "Dan"},
            ],
            "issued": {"date-parts": [[2023]]},
            "publisher": "PMLR",
            "DOI": "10.9999/example",
        }
    ]
    report = merge_file(db, _write(tmp_path, json.dumps(item), "items.json"))
    assert report.matched == {"c1": "frantar2023sparsegpt"}
    assert db.entries["frantar2023sparsegpt"].get("doi") == "10.9999/example"


def test_broken_input_file_merges_nothing(snippet_db, tmp_path):
    db = Database.load(snippet_db)
    before = db.text()
    bad = _write(tmp_path, "@article{ok, title={Fine}}\n\n@article{broken, title={Oops}\n")
    with pytest.raises(BibParseError) as info:
        merge_file(db, bad)
    assert info.value.line == 3
    assert db.text() == before


@pytest.mark.parametrize(
    "record, expected",
    [
        pytest.param(
            "@inproceedings{a, title={T}, booktitle={AI Open}}",
            ("article", "journal", "AI Open"),
            id="journal-as-booktitle",
        ),
        pytest.param(
            "@article{a, title={T}, journal={Advances in Neural Information Processing Systems}}",
            ("inproceedings", "booktitle", "Advances in Neural Information Processing Systems"),
            id="conference-as-journal",
        ),
        pytest.param(
            "@inproceedings{a, title={T}, booktitle={Some Workshop}}",
            ("inproceedings", "booktitle", "Some Workshop"),
            id="unknown-venue-kept",
        ),
    ],
)
def test_a_source_entry_takes_the_type_its_venue_has(tmp_path, record, expected):
    from effllm_bib.bibio import read_bib
    from effllm_bib.merge import venue_typed

    (entry,) = read_bib(_write(tmp_path, record)).entries
    typed = venue_typed(entry)
    assert (typed.type, expected[1], typed.get(expected[1])) == expected
    assert not (typed.get("booktitle") and typed.get("journal"))


LONE_SOURCE = """@string{j = "Journal of " # "Things"}
@string{unused = "Unused"}
@article{Lovelace:1843,
  author = "Ada Lovelace and
     Charles Babbage",
  title = {Notes},
  journal = j,
  keywords = {quantization, history},
  abstract = {An abstract.},
  year = 1843,
}
@inproceedings{taken, author = {Erik {Van Blokland}}, title = {Child}, crossref = {proc}}
@proceedings{proc, title = {Proceedings}, year = 1999}
"""


@pytest.fixture
def lone_merge(tmp_path, db_dir):
    source = tmp_path / "source.bib"
    source.write_text(LONE_SOURCE)
    (db_dir / "effllm.bib").write_text("@misc{taken, title={Something else}}\n")
    db = Database.load(db_dir)
    return db, merge_file(db, source, add_new=True)


def test_add_new_keeps_keys_fields_and_used_strings(lone_merge):
    db, report = lone_merge
    entry = db.entries["Lovelace:1843"]
    assert entry.get("journal") == "j" and "journal" in entry.bare
    assert entry.get("abstract") == "An abstract."
    assert entry.get("author") == "Lovelace, Ada and Babbage, Charles"
    assert '@string{j = "Journal of " # "Things"}' in db.text() and "Unused" not in db.text()


def test_add_new_renames_only_on_a_collision_and_follows_crossref(lone_merge):
    db, report = lone_merge
    assert report.renamed == [("taken", "takenb")]
    assert db.entries["takenb"].get("crossref") == "proc"
    assert db.entries["takenb"].get("author") == "{Van Blokland}, Erik"


def test_a_merged_file_keeps_its_keywords_categories_or_not(lone_merge):
    """The user's keywords stay in keywords (biblatex filters and Zotero tags read them); no
    field is renamed."""
    db, _ = lone_merge
    entry = db.entries["Lovelace:1843"]
    assert entry.keywords == ("history", "quantization") and entry.get("tags") == ""


def test_merge_into_a_lone_file_writes_a_file_that_reads_back(tmp_path):
    source = tmp_path / "source.bib"
    source.write_text(LONE_SOURCE)
    target = tmp_path / "mine.bib"
    target.write_text("")
    db = Database.load(target)
    merge_file(db, source, add_new=True)
    db.save()
    again = Database.load(target)
    assert set(again.entries) == {"Lovelace:1843", "taken", "proc"}
    assert again.entries["Lovelace:1843"].keywords == ("history", "quantization")


@pytest.mark.parametrize(
    ("overwrite", "expected"),
    [
        pytest.param(
            (),
            "{SparseGPT}: Massive Language Models Can Be Accurately Pruned in One-Shot",
            id="a-case-difference-alone-changes-nothing",
        ),
        pytest.param(
            ("title",),
            "{SparseGPT}: Massive language models can be accurately pruned in one-shot",
            id="overwrite-takes-the-source-form",
        ),
    ],
)
def test_overwrite_applies_a_correction_of_case_or_spacing(merged, tmp_path, overwrite, expected):
    db, _ = merged
    record = (
        "@misc{x, title={SparseGPT: Massive language models can be accurately pruned in "
        "one-shot}, eprint={2301.00774}, archiveprefix={arXiv}}"
    )
    merge_file(db, _write(tmp_path, record), overwrite=overwrite)
    assert db.entries["frantar2023sparsegpt"].get("title") == expected


@pytest.mark.parametrize(
    "author, stored",
    [
        pytest.param(
            "Ada Lovelace and\n  Charles Babbage",
            "Lovelace, Ada and Babbage, Charles",
            id="list-wrapped-after-and",
        ),
        pytest.param(
            "Erik {Van Blokland} and Just van Rossum",
            "{Van Blokland}, Erik and van Rossum, Just",
            id="braced-family-kept-whole",
        ),
    ],
)
def test_added_names_are_split_right_and_read_back(merged, tmp_path, author, stored):
    db, _ = merged
    other = _write(tmp_path, f"@article{{n, title={{Notes}}, author={{{author}}}, year={{1843}}}}")
    merge_file(db, other, add_new=True, categories=["kd"])
    db.save()
    again = Database.load(db.bib_path.parent)
    assert [e.get("author") for e in again.entries.values() if e.get("title") == "Notes"] == [
        stored
    ]


def test_csl_json_particles_and_literals_arrive_in_bibtex_form(merged, tmp_path):
    db, _ = merged
    item = [
        {
            "id": "c2",
            "type": "article-journal",
            "title": "A Paper Nobody Else Wrote",
            "author": [
                {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
                {"literal": "Barnes and Noble"},
            ],
            "issued": {"date-parts": [[1820]]},
        }
    ]
    merge_file(
        db, _write(tmp_path, json.dumps(item), "items.json"), add_new=True, categories=["kd"]
    )
    added = [e for e in db.entries.values() if e.get("title") == "A Paper Nobody Else Wrote"]
    assert [e.get("author") for e in added] == ["van Beethoven, Ludwig and {Barnes and Noble}"]


def test_a_concatenated_author_list_is_never_split_inside(merged, tmp_path):
    """An author value built with ``#`` is not text yet: it is kept whole, never name-split."""
    db, _ = merged
    text = (
        '@string{ada = "Ada Lovelace"}\n@article{n, title={Notes on the Engine}, '
        'author = ada # " and Charles Babbage", year={1843}}'
    )
    merge_file(db, _write(tmp_path, text), add_new=True, categories=["kd"])
    added = [e for e in db.entries.values() if e.get("title") == "Notes on the Engine"]
    assert [e.get("author") for e in added] == ['ada # " and Charles Babbage"']
