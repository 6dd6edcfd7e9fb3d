"""OpenReview as a source of published versions (ICLR, NeurIPS, COLM, TMLR), against the
stand-in answering in API 2's shape with records written from the papers' real forums."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug import Response

from effllm_bib.database import Database
from effllm_bib.enrich.upgrade import version_differences
from effllm_bib.model import Entry

from .stand_in import DATA, database, run_cli

ONLY_OPENREVIEW = ("--no-crossref", "--no-dblp", "--no-arxiv")


@pytest.fixture
def odb(tmp_path: Path) -> Path:
    return database(tmp_path, "enrich_openreview.bib")


def upgrade(runner, odb, services, tmp_path, *keys: str):
    """``enrich --upgrade-preprints -v`` of ``keys`` (every entry when none), OpenReview only."""
    args = ["enrich", "--upgrade-preprints", "-v", *ONLY_OPENREVIEW, *(f"-k{k}" for k in keys)]
    return run_cli(runner, odb, services, tmp_path, *args)


def test_a_decision_upgrades_and_a_rejected_submission_does_not(runner, odb, services, tmp_path):
    """Mamba on OpenReview: rejected at ICLR 2024 (a submission, never cited), published at
    COLM 2024 (cited), with Lory, another COLM paper, among the hits (refused)."""
    result = upgrade(runner, odb, services, tmp_path, "gu2023mamba")
    assert result.exit_code == 0, result.output
    entry = Database.load(odb).entries["gu2023mamba"]
    assert (entry.type, entry.get("booktitle"), entry.get("year")) == (
        "inproceedings",
        "First Conference on Language Modeling",
        "2024",
    )
    assert entry.get("url") == "https://openreview.net/forum?id=tEYskw1VY2"
    assert entry.get("doi") == ""  # arXiv's DOI went; COLM registers none
    assert entry.get("eprint") == "2312.00752"
    assert "https://openreview.net/forum?id=tEYskw1VY2" in entry.get("sources").split()
    assert "OpenReview has it as 'Submitted to ICLR 2024'" in result.output


def test_the_published_record_s_authors_are_taken_and_the_difference_reported(
    runner, odb, services, tmp_path
):
    result = upgrade(runner, odb, services, tmp_path, "ashkboos2024slicegpt")
    assert result.exit_code == 0, result.output
    entry = Database.load(odb).entries["ashkboos2024slicegpt"]
    assert "do Nascimento, Marcelo Gennari" in entry.get("author")
    assert (
        entry.get("booktitle") == "The Twelfth International Conference on Learning Representations"
    )
    assert (
        "the published version differs from the preprint: authors added: "
        "Marcelo Gennari do Nascimento" in result.output
    )


def test_a_journal_takes_its_year_from_the_publication(runner, odb, services, tmp_path):
    result = upgrade(runner, odb, services, tmp_path, "song2024sparsified")
    assert result.exit_code == 0, result.output
    entry = Database.load(odb).entries["song2024sparsified"]
    assert (entry.type, entry.get("journal"), entry.get("year")) == (
        "article",
        "Transactions on Machine Learning Research",
        "2025",
    )


def test_manners_one_request_a_second_the_user_agent_and_the_cache(runner, odb, services, tmp_path):
    assert upgrade(runner, odb, services, tmp_path).exit_code == 0
    asked = services.requests("/notes/search")
    assert len(asked) == 3
    assert all(r.headers.get("User-Agent", "").startswith("effllm-bib/") for r in asked)
    assert services.gaps("/notes/search") == [1.0, 1.0]
    assert {r.args["source"] for r in asked} == {"forum"}  # papers, not reviews
    before = len(services.log)
    (odb / "effllm.bib").write_text((DATA / "enrich_openreview.bib").read_text())  # undo
    assert upgrade(runner, odb, services, tmp_path).exit_code == 0
    assert len(services.log) == before  # all from the cache


def test_a_429_is_retried_after_the_time_it_asks(runner, odb, services, tmp_path):
    services.faults.append(Response("slow down", status=429, headers={"Retry-After": "7"}))
    result = upgrade(runner, odb, services, tmp_path, "gu2023mamba")
    assert result.exit_code == 0, result.output
    assert 7.0 in services.clock.sleeps
    assert Database.load(odb).entries["gu2023mamba"].type == "inproceedings"


@pytest.mark.parametrize(
    "preprint, published, expected",
    [
        pytest.param(
            {"title": "A", "author": "Doe, Jane"},
            {"title": "A", "author": "Doe, Jane"},
            [],
            id="same",
        ),
        pytest.param(
            {"title": "Landmark Attention: Random-Access", "author": "Doe, Jane"},
            {"title": "Random-Access", "author": "Doe, Jane"},
            ["title 'Landmark Attention: Random-Access' -> 'Random-Access'"],
            id="retitled",
        ),
        pytest.param(
            {"title": "A", "author": "Doe, Jane and Roe, Rich"},
            {"title": "A", "author": "Doe, Jane"},
            ["authors dropped: Rich Roe"],
            id="dropped",
        ),
        pytest.param(
            {"title": "A", "author": "Idrissi, Badr Youbi"},
            {"title": "A", "author": "Youbi Idrissi, Badr"},
            [],
            id="a-name-split-otherwise-is-the-same-person",
        ),
        pytest.param(
            {"title": "A", "author": "Doe, Jane and Roe, Rich"},
            {"title": "A", "author": "Roe, Rich and Doe, Jane"},
            ["author order changed"],
            id="order",
        ),
    ],
)
def test_version_differences(preprint, published, expected):
    before = Entry.make("k", "misc", preprint)
    after = Entry.make("k", "inproceedings", published)
    assert version_differences(before, after) == expected
