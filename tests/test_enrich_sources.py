"""What Crossref and arXiv answer, read into entries (enrich/crossref.py, enrich/arxiv.py), and a
library run over the sources that make_sources builds, against the stand-in (tests/stand_in.py)."""

from __future__ import annotations

import pytest
from werkzeug import Response

from effllm_bib.database import Database
from effllm_bib.enrich.arxiv import parse_feed
from effllm_bib.enrich.batch import enrich, select_keys
from effllm_bib.enrich.crossref import work_to_entry
from effllm_bib.enrich.engine import Enricher
from effllm_bib.enrich.http import ServiceError

from .stand_in import HTTP, stand_in_arxiv, stand_in_crossref, stand_in_sources


def test_doi_lookup_parses_the_real_recorded_response(services, tmp_path):
    message = stand_in_crossref(services, tmp_path).lookup_doi("10.18653/v1/D19-1410")
    assert message is not None
    entry = work_to_entry(message)
    assert entry.type == "inproceedings" and entry.get("year") == "2019"
    assert (
        entry.get("title") == "{Sentence-BERT}: Sentence Embeddings using Siamese {BERT-Networks}"
    )


def test_malformed_json_is_a_service_error(services, tmp_path):
    services.faults.append(Response("{not json", content_type="application/json"))
    with pytest.raises(ServiceError, match="malformed"):
        stand_in_crossref(services, tmp_path).search("Distilling")


def test_search_error_status_from_habanero_is_mapped(services, tmp_path):
    body = (HTTP / "crossref/error_400_validation_failure.json").read_text()
    services.faults.append(Response(body, status=400, content_type="application/json"))
    with pytest.raises(ServiceError, match="HTTP 400"):
        stand_in_crossref(services, tmp_path).search("Distilling")


def test_arxiv_batch_with_a_missing_id(services, tmp_path):
    source = stand_in_arxiv(services, tmp_path)
    records = source.fetch(["0808.05394", "1707.08567"])
    found = records["1707.08567"]
    assert records["0808.05394"] is None and found is not None
    assert found.entry.get("author").startswith("Kees A. Schouhamer Immink and Stan Baggen")
    assert len(services.requests("/api/query")) == 1
    assert services.requests("/api/query")[0].args["id_list"] == "0808.05394,1707.08567"


def test_arxiv_error_feed(services, tmp_path):
    source = stand_in_arxiv(services, tmp_path)
    with pytest.raises(ServiceError, match="incorrect id format for abc"):
        source.fetch(["abc"])


def test_arxiv_journal_ref_and_doi_are_read():
    (record,) = parse_feed((HTTP / "arxiv/legacy2016_id_list_1111.2011v2.atom.xml").read_text())
    assert (record.arxiv_id, record.version) == ("1111.2011", "v2")
    assert record.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert record.entry.get("doi") == "10.1103/PhysRevB.85.115117"


def test_library_run_counts(edb, services, tmp_path):
    db = Database.load(edb)
    cr, ax, _, _ = stand_in_sources(services, tmp_path, dblp=False, openreview=False)
    report = enrich(Enricher(db, cr, ax), select_keys(db))
    assert report.outcomes == {
        "bad2023doi": "not found",  # Crossref 404
        "burgess2019bfloat16": "ambiguous",  # two fitting records
        "frantar2023sparsegpt": "filled",  # primaryclass from arXiv
        "li2021prefix": "conflicts",  # authors and pages filled; curated booktitle differs
        "lin2023awq": "not found",  # arXiv DOI: searched, never looked up
        "hsieh2023distilling": "filled",  # authors from arXiv, then its final key
        "pending:i2024": "filled",  # arXiv returned nothing; its arXiv DOI is derived
        "reimers2019sentence": "filled",
    }
    assert (
        report.summary() == "4 filled, 0 unchanged, 1 conflicts, 2 not found, 1 ambiguous, 0 failed"
    )


@pytest.mark.parametrize(
    "message, title",
    [
        pytest.param(
            {"title": ["<scp>SCOTT</scp>: Self-Consistent Chain-of-Thought Distillation"]},
            "{SCOTT}: Self-Consistent Chain-of-Thought Distillation",
            id="jats-tag",
        ),
        pytest.param(
            {"title": ["Q&amp;A with <i>LLMs</i> at 100% &amp; $5"]},
            "Q\\&A with {LLMs} at 100\\% \\& \\$5",
            id="entities-and-specials",
        ),
        pytest.param(
            {"title": ["Sentence-BERT"], "subtitle": ["Sentence Embeddings"]},
            "{Sentence-BERT}: Sentence Embeddings",
            id="subtitle",
        ),
    ],
)
def test_crossref_text_is_cleaned(message, title):
    assert work_to_entry(message).get("title") == title
