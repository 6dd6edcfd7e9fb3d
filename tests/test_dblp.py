"""DBLP as a source: its JSON read as it is, its venues mapped, published versions found and
refused, against a local stand-in that answers with DBLP's records (tests/data/http/dblp)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from effllm_bib.database import Database
from effllm_bib.enrich.batch import enrich, select_keys
from effllm_bib.enrich.candidates import authors_agree, is_author_prefix, score, variant_of
from effllm_bib.enrich.dblp import DblpSource, parse_search
from effllm_bib.enrich.dblp_venues import DBLP_VENUES, DblpVenue, find_dblp_venue
from effllm_bib.enrich.engine import Enricher
from effllm_bib.enrich.http import HttpClient, ResponseCache, ServiceError
from effllm_bib.enrich.upgrade import Candidate, decide
from effllm_bib.model import Entry
from effllm_bib.venues import match_venue

from .conftest import DATA, REFS
from .test_enrich import HTTP, Services, run_cli

DBLP = HTTP / "dblp"


@pytest.fixture(scope="module")
def stand_in():
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def services(stand_in: HTTPServer) -> Services:
    """DBLP, Crossref and arXiv as test_enrich's stand-in plays them."""
    stand_in.clear()
    return Services(stand_in)


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


# --- the venue table -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "venue, year, fields",
    [
        pytest.param(
            "ICLR",
            2024,
            {"booktitle": "The Twelfth International Conference on Learning Representations"},
            id="iclr-2024",
        ),
        pytest.param(
            "ICLR",
            2025,
            {"booktitle": "The Thirteenth International Conference on Learning Representations"},
            id="iclr-2025",
        ),
        pytest.param(
            "NeurIPS",
            2023,
            {"booktitle": "Advances in Neural Information Processing Systems", "volume": "36"},
            id="neurips-2023",
        ),
        pytest.param(
            "ICML",
            2024,
            {
                "booktitle": "Proceedings of the 41st International Conference on Machine Learning",
                "volume": "235",
                "publisher": "PMLR",
            },
            id="icml-2024",
        ),
        pytest.param(
            "ICML",
            2023,
            {
                "booktitle": "Proceedings of the 40th International Conference on Machine Learning",
                "volume": "202",
                "publisher": "PMLR",
            },
            id="icml-2023",
        ),
        pytest.param(
            "MLSys",
            2024,
            {"booktitle": "Proceedings of Machine Learning and Systems", "volume": "6"},
            id="mlsys-2024",
        ),
        pytest.param(
            "COLM", 2024, {"booktitle": "First Conference on Language Modeling"}, id="colm-2024"
        ),
        pytest.param(
            "Trans. Mach. Learn. Res.",
            2024,
            {"journal": "Transactions on Machine Learning Research"},
            id="tmlr",
        ),
        pytest.param(
            "ACL (1)",
            2023,
            {
                "booktitle": "Proceedings of the 61st Annual Meeting of "
                "the Association for Computational Linguistics (Volume 1: Long Papers)"
            },
            id="acl-2023-long",
        ),
        pytest.param(
            "ACL (Findings)",
            2024,
            {"booktitle": "Findings of the Association for Computational Linguistics: ACL 2024"},
            id="acl-2024-findings",
        ),
        pytest.param(
            "EMNLP",
            2023,
            {
                "booktitle": "Proceedings of the 2023 Conference on "
                "Empirical Methods in Natural Language Processing"
            },
            id="emnlp-2023",
        ),
        pytest.param(
            "EMNLP (Findings)",
            2023,
            {"booktitle": "Findings of the Association for Computational Linguistics: EMNLP 2023"},
            id="emnlp-2023-findings",
        ),
        pytest.param(
            "NAACL-HLT (1)",
            2024,
            {
                "booktitle": "Proceedings of the 2024 Conference of "
                "the North American Chapter of the Association for Computational "
                "Linguistics: Human Language Technologies (Volume 1: Long Papers)"
            },
            id="naacl-2024",
        ),
        pytest.param(
            "NAACL (1)",
            2025,
            {
                "booktitle": "Proceedings of the 2025 Conference of "
                "the Nations of the Americas Chapter of the Association for Computational "
                "Linguistics: Human Language Technologies (Volume 1: Long Papers)"
            },
            id="naacl-2025",
        ),
        pytest.param(
            "NAACL (Findings)",
            2024,
            {"booktitle": "Findings of the Association for Computational Linguistics: NAACL 2024"},
            id="naacl-2024-findings",
        ),
    ],
)
def test_dblp_venues_get_the_names_the_database_cites(venue, year, fields):
    row = find_dblp_venue(venue, year)
    assert row is not None and row.fields(year) == fields


@pytest.mark.parametrize(
    "venue, year",
    [
        pytest.param("ICLR", 2019, id="before-the-row"),
        pytest.param("AAAI", 2024, id="not-in-the-table"),
        pytest.param("CoRR", 2024, id="corr-is-no-venue"),
    ],
)
def test_unknown_venues_are_not_guessed(venue, year):
    assert find_dblp_venue(venue, year) is None


def a_year_of(row: DblpVenue) -> int:
    """The row's first year, or 2024 for a row with no first year (``since`` left at 1900)."""
    return row.since if row.since > 1900 else 2024


@pytest.mark.parametrize("row", [pytest.param(r, id=r.dblp[0]) for r in DBLP_VENUES])
def test_every_row_names_a_venue_of_the_venue_table(row):
    name = next(iter(row.fields(a_year_of(row)).values()))
    venue = match_venue(name)
    assert venue is not None and venue.short == row.short


# --- matching: whose paper, which version --------------------------------------------------------


@pytest.mark.parametrize(
    "ours, theirs, reason",
    [
        pytest.param(
            "GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection",
            "Q-GaLore: Quantized GaLore with INT4 Projection and Layer-Adaptive Low-Rank Gradients",
            "another version",
            id="q-variant",
        ),
        pytest.param(
            "Qwen2 Technical Report", "Qwen2.5 Technical Report", "another version", id="point-five"
        ),
        pytest.param(
            "EAGLE: Speculative Sampling Requires Rethinking Feature Uncertainty",
            "EAGLE-2: Faster Inference of Language Models with Dynamic Draft Trees",
            "another version",
            id="dash-2",
        ),
        pytest.param(
            "Outlier Suppression: Pushing the Limit of Low-bit Transformer Language Models",
            "Outlier Suppression+: Accurate Quantization of Large Language "
            "Models by Equivalent and Optimal Shifting and Scaling",
            "another version",
            id="plus",
        ),
        pytest.param(
            "LoRA: Low-Rank Adaptation of Large Language Models",
            "QLoRA: Efficient Finetuning of Quantized LLMs",
            "another method name",
            id="method-name",
        ),
        pytest.param(
            "{AWQ}: Activation-aware Weight Quantization for {LLM} Compression and Acceleration",
            "AWQ: Activation-aware Weight Quantization for On-Device "
            "LLM Compression and Acceleration",
            "",
            id="retitled-same-paper",
        ),
        pytest.param(
            "{SpQR}: A Sparse-Quantized Representation",
            "SpQR: A Sparse-Quantized Representation",
            "",
            id="braces",
        ),
    ],
)
def test_variants(ours, theirs, reason):
    assert variant_of(ours, theirs).startswith(reason) and bool(variant_of(ours, theirs)) == bool(
        reason
    )


def test_a_near_title_that_is_another_version_is_refused_though_the_title_is_close():
    # the Qwen team's reports: titles 96% alike, same first authors, a year apart
    ours = Entry.make(
        "q2",
        "misc",
        {
            "title": "Qwen2 Technical Report",
            "year": "2024",
            "author": "An Yang and Baosong Yang and Binyuan Hui and Bo Zheng",
        },
    )
    theirs = ours.with_fields(title="Qwen2.5 Technical Report")
    scored = score(ours, theirs)
    assert scored.title_score >= 92 and not scored.acceptable


@pytest.mark.parametrize(
    "ours, theirs, agree",
    [
        pytest.param(
            "Hsieh, Cheng-Yu",
            "Cheng-Yu Hsieh and Chun-Liang Li and Chih-Kuan Yeh",
            True,
            id="first-author-alone",
        ),
        pytest.param(
            "Zhao, Jiawei and Zhang, Zhenyu and Chen, Beidi",
            "Jiawei Zhao and Zhenyu Zhang and Beidi Chen and Zhangyang Wang",
            True,
            id="most-names",
        ),
        pytest.param(
            "Hu, Edward J. and Shen, Yelong and Wang, Shean",
            "Adam X. Yang and Maxime Robeyns and Xi Wang and Laurence Aitchison",
            False,
            id="one-shared-name",
        ),
    ],
)
def test_authors_agree_by_most_family_names(ours, theirs, agree):
    assert authors_agree(ours, theirs) is agree


@pytest.mark.parametrize(
    "ours, theirs, prefix",
    [
        pytest.param("Zhao, Jiawei", "Jiawei Zhao and Zhenyu Zhang", True, id="first-alone"),
        pytest.param("Zhao, Jiawei and others", "Jiawei Zhao and Zhenyu Zhang", True, id="et-al"),
        pytest.param("Zhang, Zhenyu", "Jiawei Zhao and Zhenyu Zhang", False, id="not-first"),
        pytest.param(
            "Zhao, Jiawei and Zhang, Zhenyu", "Jiawei Zhao and Zhenyu Zhang", False, id="same-list"
        ),
    ],
)
def test_author_prefix(ours, theirs, prefix):
    assert is_author_prefix(ours, theirs) is prefix


def test_sources_that_name_different_venues_decide_nothing():
    findings = Entry.make(
        "a",
        "inproceedings",
        {
            "year": "2023",
            "booktitle": "Findings of the Association for Computational Linguistics: ACL 2023",
        },
    )
    main = findings.with_fields(
        booktitle="Proceedings of the 61st Annual Meeting of the "
        "Association for Computational Linguistics (Volume 1: Long Papers)"
    )
    agreeing = decide([Candidate("dblp", findings, "d"), Candidate("crossref", findings, "c")])
    assert agreeing.chosen is not None and agreeing.chosen.source == "crossref"
    split = decide([Candidate("dblp", findings, "d"), Candidate("crossref", main, "c")])
    assert split.chosen is None and len(split.conflicting) == 2


# --- runs against the stand-in -------------------------------------------------------------------


@pytest.fixture
def ddb(tmp_path: Path) -> Path:
    d = tmp_path / "db"
    d.mkdir()
    shutil.copyfile(REFS / "taxonomy.toml", d / "taxonomy.toml")
    shutil.copyfile(DATA / "enrich_dblp.bib", d / "effllm.bib")
    return d


def dblp_only(ddb: Path, services: Services, tmp_path: Path, upgrade: bool = True):
    db = Database.load(ddb)
    client = HttpClient("DBLP", "effllm-bib/test", cache=ResponseCache(tmp_path / "cache"))
    source = DblpSource(client, services.base)
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


def test_announced_limits_never_speed_dblp_up(services, tmp_path):
    source = DblpSource(HttpClient("DBLP", "effllm-bib/test"), services.base)
    source.client.limiter.update({"x-rate-limit-limit": "50", "x-rate-limit-interval": "1s"})
    assert source.client.limiter.limit / source.client.limiter.interval == 1.0


def search_through_fault(services, tmp_path, fault):
    sleeps: list[float] = []
    services.faults.append(fault)
    client = HttpClient(
        "DBLP",
        "effllm-bib/test",
        cache=ResponseCache(tmp_path / "c"),
        sleep=sleeps.append,
        backoff=1.0,
    )
    found = DblpSource(client, services.base).search("SpQR: A Sparse-Quantized Representation")
    assert [r.key for r in found][1] == "conf/iclr/DettmersSEKFABH24"
    assert len(services.requests("/search")) == 2
    return sleeps


def test_429_honours_retry_after(services, tmp_path):
    fault = Response("slow down", status=429, headers={"Retry-After": "3"})
    assert search_through_fault(services, tmp_path, fault) == [3.0]


def test_500_is_retried_with_backoff(services, tmp_path):
    sleeps = search_through_fault(services, tmp_path, Response("oops", status=500))
    assert len(sleeps) == 1 and 0.5 <= sleeps[0] <= 1.5


def test_a_persistent_500_is_a_clear_error(services, tmp_path):
    services.faults += [Response("oops", status=500)] * 3
    client = HttpClient("DBLP", "effllm-bib/test", sleep=lambda s: None, retries=2)
    with pytest.raises(ServiceError, match="DBLP: HTTP 500"):
        DblpSource(client, services.base).search("SpQR")


def test_manners_user_agent_and_one_request_a_second(runner, ddb, services, tmp_path):
    result = run_cli(runner, ddb, services, tmp_path, "enrich", "--no-crossref", "--no-arxiv")
    assert result.exit_code == 0, result.output
    asked = services.requests("/search/publ/api")
    assert len(asked) == 7
    assert all(r.headers.get("User-Agent", "").startswith("effllm-bib/") for r in asked)
    times = services.times["/search/publ/api"]
    # The server stamps a request when its thread runs, so under load one gap can shrink as the
    # one before it grows; their sum cannot. Without the limiter every gap is milliseconds.
    assert times[-1] - times[0] >= 0.95 * (len(times) - 1)
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.5


def test_second_run_sends_zero_requests(runner, ddb, services, tmp_path):
    first = run_cli(runner, ddb, services, tmp_path, "enrich", "--upgrade-preprints")
    assert first.exit_code == 0, first.output
    sent = len(services.log)
    assert sent > 0 and "DBLP: 8 requests" in first.output  # 7 searches, 1 BibTeX
    second = run_cli(runner, ddb, services, tmp_path, "enrich", "--upgrade-preprints")
    assert second.exit_code == 0, second.output
    assert len(services.log) == sent
    assert "Crossref: 0 requests" in second.output and "DBLP: 0 requests" in second.output


def test_a_doi_only_dblp_gave_is_asked_of_crossref_in_the_same_run(runner, services, tmp_path):
    d = tmp_path / "db"
    d.mkdir()
    shutil.copyfile(REFS / "taxonomy.toml", d / "taxonomy.toml")
    shutil.copyfile(DATA / "enrich.bib", d / "effllm.bib")
    empty = (HTTP / "crossref/search_empty.json").read_text()
    services.faults.append(Response(empty, content_type="application/json"))  # search: nothing
    args = ("enrich", "--upgrade-preprints", "--no-arxiv", "-k")
    first = run_cli(runner, d, services, tmp_path, *args, "pending:distilling2023")
    assert first.exit_code == 0, first.output
    entry = Database.load(d).entries["hsieh2023distilling"]  # DBLP's authors gave its key
    assert entry.get("doi") == "10.18653/v1/2023.findings-acl.507" and entry.type == "inproceedings"
    looked_up = [r.path for r in services.requests("/works/")]
    assert looked_up == ["/works/10.18653/v1/2023.findings-acl.507"]
    sent = len(services.log)
    second = run_cli(runner, d, services, tmp_path, *args, "hsieh2023distilling")
    assert second.exit_code == 0 and len(services.log) == sent


def test_sources_that_disagree_are_reported_and_none_applied(runner, services, tmp_path):
    from .test_enrich import DATA as EDATA

    d = tmp_path / "db"
    d.mkdir()
    shutil.copyfile(REFS / "taxonomy.toml", d / "taxonomy.toml")
    shutil.copyfile(EDATA / "enrich.bib", d / "effllm.bib")
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
        d,
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
    assert Database.load(d).entries["hsieh2023distilling"].type == "misc"


def test_fixtures_are_dblp_json():
    for path in sorted(DBLP.glob("*.json")):
        payload = json.loads(path.read_text())
        assert payload["result"]["status"]["@code"] == "200", path.name
        assert "hits" in payload["result"], path.name
