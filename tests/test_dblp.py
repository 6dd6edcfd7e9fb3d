"""DBLP as a source: its JSON read as it is, published versions found and refused, its manners
(one request a second, Retry-After, back-off), against a local stand-in that answers with DBLP's
records (tests/data/http/dblp) on a clock that never waits (tests/stand_in.py). One test waits
on the real clock, to show that the limiter really spaces requests."""

from __future__ import annotations

import json
import time

import pytest
from werkzeug import Response

from effllm_bib.database import Database
from effllm_bib.enrich.batch import enrich, select_keys
from effllm_bib.enrich.dblp import DblpSource, parse_search
from effllm_bib.enrich.engine import Enricher
from effllm_bib.enrich.http import REAL_CLOCK, HttpClient, ResponseCache, ServiceError
from effllm_bib.enrich.sources import make_sources

from .stand_in import HTTP, run_cli, stand_in_sources

DBLP = HTTP / "dblp"
SEARCH = "/search/publ/api"


def records(name: str):
    return parse_search((DBLP / name).read_text())


# --- reading DBLP's JSON -----------------------------------------------------------------------


def test_search_answer_is_read_as_it_is():
    twin, venue, decoy = records("search_spqr.json")
    assert twin.is_corr and twin.arxiv_id == "2306.03078" and twin.venue_row() is None
    assert venue.title.endswith("Weight Compression")  # DBLP's closing period dropped
    assert (venue.venue, venue.year, venue.key) == ("ICLR", "2024", "conf/iclr/DettmersSEKFABH24")
    assert venue.authors[0] == "Tim Dettmers" and len(venue.authors) == 9
    assert venue.ee == ("https://openreview.net/forum?id=Q1u25ahSuy",)
    assert decoy.venue == "ICML" and not decoy.is_corr


@pytest.mark.parametrize(
    "name, index, authors",
    [
        pytest.param(
            "search_galore.json",
            1,
            (
                "Jiawei Zhao",
                "Zhenyu Zhang",
                "Beidi Chen",
                "Zhangyang Wang",
                "Anima Anandkumar",
                "Yuandong Tian",
            ),
            id="homonym-0015",
        ),
        pytest.param(
            "search_sheared_llama.json",
            0,
            ("Mengzhou Xia", "Tianyu Gao", "Zhiyuan Zeng", "Danqi Chen"),
            id="homonym-0001",
        ),
        pytest.param("search_flashattention2.json", 0, ("Tri Dao",), id="single-author-object"),
    ],
)
def test_author_names(name, index, authors):
    assert records(name)[index].authors == authors


def test_dois_and_pages_of_an_anthology_record():
    (findings, twin) = records("search_distilling.json")
    assert findings.doi == "10.18653/v1/2023.findings-acl.507"  # DBLP writes DOIs upper case
    entry = findings.to_entry()
    assert entry.type == "inproceedings" and entry.get("pages") == "8003--8017"
    assert (
        entry.get("booktitle")
        == "Findings of the Association for Computational Linguistics: ACL 2023"
    )


def test_no_hit_is_an_empty_list():
    assert records("search_empty.json") == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("<html>Service Unavailable</html>", id="not-json"),
        pytest.param('{"result": {}}', id="no-hits"),
        pytest.param('{"result": {"status": {"@code": "400"}, "hits": {}}}', id="status-400"),
    ],
)
def test_malformed_answers_are_service_errors(text):
    with pytest.raises(ServiceError, match="DBLP"):
        parse_search(text)


# --- runs against the stand-in -------------------------------------------------------------------


def dblp_only(ddb, services, tmp_path, upgrade: bool = True):
    db = Database.load(ddb)
    source = stand_in_sources(services, tmp_path, crossref=False, arxiv=False).dblp
    report = enrich(
        Enricher(db, None, None, dblp=source, upgrade_preprints=upgrade, today="2026-12-01"),
        select_keys(db),
    )
    return db, report, source


def test_the_venue_record_wins_over_its_corr_twin_and_decoys(ddb, services, tmp_path):
    db, report, _ = dblp_only(ddb, services, tmp_path)
    spqr = db.entries["dettmers2023spqr"]  # the key stays
    assert spqr.type == "inproceedings" and spqr.get("year") == "2024"
    assert (
        spqr.get("booktitle") == "The Twelfth International Conference on Learning Representations"
    )
    assert spqr.get("eprint") == "2306.03078" and spqr.get("doi") == ""  # the arXiv DOI goes
    assert spqr.get("sources").split() == [
        "https://dblp.org/rec/conf/iclr/DettmersSEKFABH24",
        "https://openreview.net/forum?id=Q1u25ahSuy",
    ]
    assert "dblp 2026-12-01: booktitle" in spqr.get("provenance")
    galore = db.entries["zhao2024galore"]
    assert (galore.get("booktitle"), galore.get("volume"), galore.get("publisher")) == (
        "Proceedings of the 41st International Conference on Machine Learning",
        "235",
        "PMLR",
    )
    assert db.entries["dao2023flashattention"].get("year") == "2024"  # the single-author record
    assert db.entries["xia2023sheared"].type == "inproceedings"
    assert not [c for c in report.changes if c.kind == "conflict"]  # homonym numbers stripped


def test_a_first_author_alone_is_completed_not_a_conflict(ddb, services, tmp_path):
    db, report, _ = dblp_only(ddb, services, tmp_path)
    assert db.entries["zhao2024galore"].get("author") == (
        "Zhao, Jiawei and Zhang, Zhenyu and Chen, Beidi and Wang, Zhangyang and "
        "Anandkumar, Anima and Tian, Yuandong"
    )
    (change,) = [c for c in report.changes if c.key == "zhao2024galore" and c.field == "author"]
    assert change.kind == "complete" and change.old == "Zhao, Jiawei"


def test_a_near_title_by_other_authors_is_refused(ddb, services, tmp_path):
    db, report, _ = dblp_only(ddb, services, tmp_path)
    assert db.entries["hu2024bayesian"].type == "misc"
    (refused,) = [p for p in report.problems if p.key == "hu2024bayesian"]
    assert refused.code == "dblp-refused" and "conf/iclr/YangRWA24" in refused.message
    assert "authors differ" in refused.message


def test_no_hit_changes_nothing(ddb, services, tmp_path):
    db, report, _ = dblp_only(ddb, services, tmp_path)
    new, old = db.entries["pending:i2024"], Database.load(ddb).entries["pending:i2024"]
    assert new.with_fields(doi="", provenance="") == old  # only its arXiv DOI, derived
    assert not [p for p in report.problems if p.key == "pending:i2024"]
    assert any(r.args["q"].startswith("I LLM Efficient") for r in services.requests("/search"))


def test_a_venue_outside_the_table_is_reported_with_dblps_name_not_cited(ddb, services, tmp_path):
    db, report, _ = dblp_only(ddb, services, tmp_path)
    assert db.entries["xiong2021nystromformer"].type == "misc"
    (found,) = [p for p in report.problems if p.key == "xiong2021nystromformer"]
    assert found.code == "dblp-venue-unknown"
    assert (
        "AAAI 2021 (https://dblp.org/rec/conf/aaai/XiongZCTFLS21: 'Thirty-Fifth AAAI "
        "Conference on Artificial Intelligence, AAAI 2021," in found.message
    )
    assert services.requests("/rec/conf/aaai/XiongZCTFLS21.bib")


def test_offline_without_answers_still_derives_the_arxiv_dois(runner, ddb, services, tmp_path):
    result = run_cli(runner, ddb, services, tmp_path, "enrich", "--offline", "--no-arxiv")
    assert "DBLP" in result.output and "is not in the cache (--offline)" in result.output
    assert services.log == []
    entry = Database.load(ddb).entries["dao2023flashattention"]
    assert entry.get("doi") == "10.48550/arXiv.2307.08691" and entry.type == "misc"


def test_without_the_flag_a_published_version_is_only_reported(ddb, services, tmp_path):
    db, report, _ = dblp_only(ddb, services, tmp_path, upgrade=False)
    assert db.entries["dettmers2023spqr"].type == "misc"
    assert any(
        p.code == "published-version"
        and p.key == "dettmers2023spqr"
        and "The Twelfth International Conference" in p.message
        for p in report.problems
    )


# --- manners -------------------------------------------------------------------------------------


def test_announced_limits_never_speed_dblp_up(services):
    source = DblpSource(HttpClient("DBLP", "effllm-bib/test", clock=services.clock), services.base)
    limiter = source.client.limiter
    assert limiter is not None and limiter.clock is services.clock
    limiter.update({"x-rate-limit-limit": "50", "x-rate-limit-interval": "1s"})
    assert limiter.limit / limiter.interval == 1.0


def search_through_fault(services, tmp_path, fault) -> HttpClient:
    services.faults.append(fault)
    client = HttpClient(
        "DBLP",
        "effllm-bib/test",
        cache=ResponseCache(tmp_path / "c"),
        clock=services.clock,
        backoff=1.0,
    )
    found = DblpSource(client, services.base).search("SpQR: A Sparse-Quantized Representation")
    assert [r.key for r in found][1] == "conf/iclr/DettmersSEKFABH24"
    assert len(services.requests(SEARCH)) == 2 and client.stats.retries == 1
    return client


def test_429_honours_retry_after(services, tmp_path):
    fault = Response("slow down", status=429, headers={"Retry-After": "3"})
    search_through_fault(services, tmp_path, fault)
    assert (services.clock.sleeps, services.gaps(SEARCH)) == ([3.0], [3.0])


def test_500_is_retried_with_backoff_and_the_limit_still_kept(services, tmp_path):
    search_through_fault(services, tmp_path, Response("oops", status=500))
    backoff = services.clock.sleeps[0]  # jittered around 1 s; the limiter adds what is missing
    assert 0.5 <= backoff <= 1.5 and services.gaps(SEARCH) == [max(backoff, 1.0)]


def test_a_persistent_500_is_a_clear_error(services):
    services.faults += [Response("oops", status=500)] * 3
    client = HttpClient("DBLP", "effllm-bib/test", clock=services.clock, retries=2)
    with pytest.raises(ServiceError, match="DBLP: HTTP 500"):
        DblpSource(client, services.base).search("SpQR")
    assert (len(services.requests(SEARCH)), client.stats.retries) == (3, 2)


def test_manners_user_agent_and_one_request_a_second(runner, ddb, services, tmp_path):
    args = ("enrich", "--no-crossref", "--no-arxiv", "--no-openreview")
    result = run_cli(runner, ddb, services, tmp_path, *args)
    assert result.exit_code == 0, result.output
    asked = services.requests("/search/publ/api")
    assert len(asked) == 7
    assert all(r.headers.get("User-Agent", "").startswith("effllm-bib/") for r in asked)
    # every request to DBLP a second after the one before, and no other wait
    assert services.gaps(SEARCH, "/rec/") == [1.0] * (len(services.log) - 1)
    assert services.clock.sleeps == [1.0] * (len(services.log) - 1)


def test_the_real_clock_really_waits_a_second_between_requests(services, tmp_path):
    """The one test that sits through the limiter: the default clock is the real one, and two
    searches take at least the second between them (load only makes them slower)."""
    source = make_sources(crossref=False, arxiv=False, dblp_url=services.base, use_cache=False)
    assert source.dblp is not None and source.dblp.client.clock is REAL_CLOCK
    start = time.monotonic()
    source.dblp.search("SpQR: A Sparse-Quantized Representation")
    source.dblp.search("GaLore: Memory-Efficient LLM Training")
    assert time.monotonic() - start >= 1.0 and len(services.requests(SEARCH)) == 2
    assert services.clock.sleeps == []


def test_second_run_sends_zero_requests(runner, ddb, services, tmp_path):
    first = run_cli(runner, ddb, services, tmp_path, "enrich", "--upgrade-preprints")
    assert first.exit_code == 0, first.output
    sent = len(services.log)
    assert sent > 0 and "DBLP: 8 requests" in first.output  # 7 searches, 1 BibTeX
    second = run_cli(runner, ddb, services, tmp_path, "enrich", "--upgrade-preprints")
    assert second.exit_code == 0, second.output
    assert len(services.log) == sent
    assert "Crossref: 0 requests" in second.output and "DBLP: 0 requests" in second.output


def test_a_doi_only_dblp_gave_is_asked_of_crossref_in_the_same_run(runner, edb, services, tmp_path):
    empty = (HTTP / "crossref/search_empty.json").read_text()
    services.faults.append(Response(empty, content_type="application/json"))  # search: nothing
    args = ("enrich", "--upgrade-preprints", "--no-arxiv", "-k")
    first = run_cli(runner, edb, services, tmp_path, *args, "pending:distilling2023")
    assert first.exit_code == 0, first.output
    entry = Database.load(edb).entries["hsieh2023distilling"]  # DBLP's authors gave its key
    assert entry.get("doi") == "10.18653/v1/2023.findings-acl.507" and entry.type == "inproceedings"
    looked_up = [r.path for r in services.requests("/works/")]
    assert looked_up == ["/works/10.18653/v1/2023.findings-acl.507"]
    sent = len(services.log)
    second = run_cli(runner, edb, services, tmp_path, *args, "hsieh2023distilling")
    assert second.exit_code == 0 and len(services.log) == sent


def test_sources_that_disagree_are_reported_and_none_applied(runner, edb, services, tmp_path):
    # the arXiv record of Distilling step-by-step, with a journal reference naming EMNLP 2023
    # (Crossref and DBLP both say Findings of ACL 2023)
    feed = (HTTP / "arxiv/id_survey_batch.atom.xml").read_text()
    services.faults.append(
        Response(
            feed.replace("Findings of ACL 2023", "EMNLP 2023"), content_type="application/atom+xml"
        )
    )
    result = run_cli(
        runner,
        edb,
        services,
        tmp_path,
        "enrich",
        "--upgrade-preprints",
        "-k",
        "pending:distilling2023",
    )
    assert result.exit_code == 0, result.output
    assert "the sources name different published versions" in result.output
    assert (
        "EMNLP 2023 (arxiv" in result.output and "Findings of ACL 2023 (crossref" in result.output
    )
    assert (
        "Findings of ACL 2023 (dblp: https://dblp.org/rec/conf/acl/HsiehLYNFRKLP23)"
        in result.output
    )
    assert Database.load(edb).entries["hsieh2023distilling"].type == "misc"


def test_fixtures_are_dblp_json():
    for path in sorted(DBLP.glob("*.json")):
        payload = json.loads(path.read_text())
        assert payload["result"]["status"]["@code"] == "200", path.name
        assert "hits" in payload["result"], path.name
