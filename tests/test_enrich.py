"""Enrichment against a local stand-in for Crossref and arXiv that replays recorded responses."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Literal

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from effllm_bib.cli import cli
from effllm_bib.database import Database, reader_fields
from effllm_bib.enrich.batch import enrich, select_keys
from effllm_bib.enrich.engine import Enricher
from effllm_bib.enrich.http import HttpClient, RateLimiter, ServiceError
from effllm_bib.enrich.sources import make_sources

from .conftest import DATA, REFS

HTTP = DATA / "http"
DOIS = {
    "10.18653/v1/2021.acl-long.353": "crossref/work_10.18653_v1_2021.acl-long.353.json",
    "10.18653/v1/d19-1410": "crossref/work_10.18653_v1_d19-1410.trimmed.json",
}
SEARCHES = {
    "Distilling": "crossref/search_distilling_step_by_step.json",
    "Bfloat16": "crossref/search_ambiguous_bfloat16.json",
}
DBLP_SEARCHES = {  # first query word -> DBLP answer (tests/data/http/dblp)
    "distilling": "search_distilling.json",
    "spqr": "search_spqr.json",
    "galore": "search_galore.json",
    "flashattention": "search_flashattention2.json",
    "sheared": "search_sheared_llama.json",
    "bayesian": "search_bayesian_lora.json",
    "nyströmformer": "search_nystromformer.json",
}


class Services:
    """Routes like api.crossref.org and export.arxiv.org; every request is logged."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.log: list[Request] = []
        self.times: dict[str, list[float]] = {}  # path -> when each request arrived
        # answered, in order, before the real routes; "sleep" answers after the client's timeout
        self.faults: list[Response | Literal["sleep"]] = []
        server.expect_request("/api/query").respond_with_handler(self._arxiv)
        server.expect_request("/search/publ/api").respond_with_handler(self._dblp)
        server.expect_request(__import__("re").compile(r"^/rec/.+\.bib$")).respond_with_handler(
            self._dblp
        )
        server.expect_request("/works").respond_with_handler(self._crossref)
        server.expect_request(__import__("re").compile(r"^/works/.+")).respond_with_handler(
            self._crossref
        )

    @property
    def base(self) -> str:
        return self.server.url_for("").rstrip("/")

    def requests(self, prefix: str = "") -> list[Request]:
        return [r for r in self.log if r.path.startswith(prefix)]

    def _fault(self) -> Response | None:
        if not self.faults:
            return None
        fault = self.faults.pop(0)
        if isinstance(fault, Response):
            return fault
        time.sleep(1.5)  # "sleep"
        return Response("late", status=200)

    def _crossref(self, request: Request) -> Response:
        self.log.append(request)
        fault = self._fault()
        if fault is not None:
            return fault
        json_headers = {
            "x-rate-limit-limit": "50",
            "x-rate-limit-interval": "1s",
            "x-concurrency-limit": "3",
        }
        if request.path.startswith("/works/"):
            doi = request.path[len("/works/") :].lower()
            if doi in DOIS:
                return Response(
                    (HTTP / DOIS[doi]).read_text(),
                    content_type="application/json",
                    headers=json_headers,
                )
            return Response(
                (HTTP / "crossref/error_404_works_notarealdoi.txt").read_text(),
                status=404,
                content_type="text/plain",
            )
        query = request.args.get("query.bibliographic", "")
        name = next(
            (f for k, f in SEARCHES.items() if query.startswith(k)), "crossref/search_empty.json"
        )
        return Response(
            (HTTP / name).read_text(), content_type="application/json", headers=json_headers
        )

    def _dblp(self, request: Request) -> Response:
        self.log.append(request)
        self.times.setdefault(request.path, []).append(time.monotonic())
        fault = self._fault()
        if fault is not None:
            return fault
        if request.path.startswith("/rec/"):  # a record's BibTeX: rec_<key with _>.bib
            path = HTTP / "dblp" / ("rec_" + request.path[5:].replace("/", "_"))
            if not path.exists():
                return Response("Error 404: Not Found", status=404, content_type="text/plain")
            return Response(path.read_text(), content_type="application/x-bibtex")
        first = request.args.get("q", "").split(" ")[0].lower()
        name = DBLP_SEARCHES.get(first, "search_empty.json")
        return Response((HTTP / "dblp" / name).read_text(), content_type="application/json")

    def _arxiv(self, request: Request) -> Response:
        self.log.append(request)
        fault = self._fault()
        if fault is not None:
            return fault
        ids = request.args.get("id_list", "").split(",")
        if "abc" in ids:
            return Response(
                (HTTP / "arxiv/id_abc_error_400.atom.xml").read_text(),
                status=400,
                content_type="application/atom+xml",
            )
        if "1707.08567" in ids:
            name = "arxiv/id_0808.05394_1707.08567_one_missing.atom.xml"
        else:
            name = "arxiv/id_survey_batch.atom.xml"
        return Response((HTTP / name).read_text(), content_type="application/atom+xml")


@pytest.fixture(scope="module")
def http_server():
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def services(http_server):
    http_server.clear()
    return Services(http_server)


@pytest.fixture
def edb(tmp_path: Path) -> Path:
    d = tmp_path / "db"
    d.mkdir()
    shutil.copyfile(REFS / "taxonomy.toml", d / "taxonomy.toml")
    shutil.copyfile(DATA / "enrich.bib", d / "effllm.bib")
    return d


def run_cli(runner, edb: Path, services: Services, tmp_path: Path, *args: str):
    env = {
        "EFFLLM_BIB_CROSSREF_URL": services.base,
        "EFFLLM_BIB_ARXIV_URL": services.base + "/api/query",
        "EFFLLM_BIB_DBLP_URL": services.base,
        "EFFLLM_BIB_CACHE_DIR": str(tmp_path / "cache"),
        "EFFLLM_BIB_MAILTO": "maintainers@example.org",
    }
    return runner.invoke(cli, ["--db", str(edb), *args], env=env)


def test_enrich_end_to_end(runner, edb, services, tmp_path):
    result = run_cli(runner, edb, services, tmp_path, "enrich")
    assert result.exit_code == 0, result.output
    db = Database.load(edb)
    # DOI look-up (written fixture) and the real recorded Sentence-BERT response fill authors and pages
    prefix = db.entries["li2021prefix"]
    assert prefix.get("author") == "Li, Xiang Lisa and Liang, Percy"
    assert prefix.get("pages") == "4582--4597"
    sbert = db.entries["reimers2019sentence"]
    assert (sbert.get("author"), sbert.get("pages")) == (
        "Reimers, Nils and Gurevych, Iryna",
        "3980--3990",
    )
    # arXiv batch gives authors to the preprint; its key is assigned once authors are in
    assert "hsieh2023distilling" in db.entries and "pending:distilling2023" not in db.entries
    # provenance says which source filled which field, and when
    assert db.entries["li2021prefix"].get("provenance").startswith("crossref ")
    assert "author" in db.entries["li2021prefix"].get("provenance")
    out = result.output
    assert "Crossref does not know DOI 10.1234/notarealdoi" in out
    assert "several Crossref records fit" in out and "burgess2019bfloat16" in out
    assert "arXiv returned nothing for 2405.17849" in out
    assert (
        "published as 10.18653/v1/2023.findings-acl.507; run with --upgrade-preprints" not in out
    )  # info only
    assert "enrich: 8 entries:" in out


def test_right_candidate_is_chosen_even_when_not_the_top_hit(runner, edb, services, tmp_path):
    # hsieh is a preprint: with the upgrade, the second search hit (the right paper) is applied
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
    db = Database.load(edb)
    e = db.entries["hsieh2023distilling"]
    assert e.type == "inproceedings"
    assert (
        e.get("booktitle")
        == "Findings of the Association for Computational Linguistics: {ACL} 2023"
    )
    assert e.get("doi") == "10.18653/v1/2023.findings-acl.507"
    assert e.get("eprint") == "2305.02301"  # the arXiv id is kept
    assert "SCOTT" not in e.get("title")


def test_preprint_upgrade_keeps_the_key(runner, edb, services, tmp_path):
    bib = edb / "effllm.bib"
    bib.write_text(
        bib.read_text().replace(
            "@misc{pending:distilling2023,",
            "@misc{hsieh2023distilling,\n  author = {Hsieh, Cheng-Yu},",
        )
    )
    run_cli(
        runner,
        edb,
        services,
        tmp_path,
        "enrich",
        "--upgrade-preprints",
        "-k",
        "hsieh2023distilling",
    )
    assert Database.load(edb).entries["hsieh2023distilling"].type == "inproceedings"


def test_no_upgrade_without_the_flag(runner, edb, services, tmp_path):
    result = run_cli(
        runner, edb, services, tmp_path, "enrich", "-v", "-k", "pending:distilling2023"
    )
    assert "run with --upgrade-preprints to cite it" in result.output
    assert Database.load(edb).entries["hsieh2023distilling"].type == "misc"


def test_arxiv_dois_never_reach_crossref_and_dois_are_encoded(runner, edb, services, tmp_path):
    run_cli(runner, edb, services, tmp_path, "enrich")
    paths = [
        r.environ.get("REQUEST_URI") or r.environ.get("RAW_URI") or r.full_path
        for r in services.requests("/works")
    ]
    assert not any("10.48550" in p for p in paths)
    assert any("/works/10.18653%2Fv1%2F2021.acl-long.353" in p for p in paths)


def test_every_crossref_request_has_mailto_and_user_agent(runner, edb, services, tmp_path):
    run_cli(runner, edb, services, tmp_path, "enrich")
    agents = {r.headers.get("User-Agent", "") for r in services.requests("/works")}
    assert agents and all(
        "effllm-bib/" in a and "mailto:maintainers@example.org" in a for a in agents
    )


def test_second_run_sends_no_request_and_offline_works(runner, edb, services, tmp_path):
    run_cli(runner, edb, services, tmp_path, "enrich")
    first = len(services.log)
    assert first > 0
    second = run_cli(runner, edb, services, tmp_path, "enrich")
    assert len(services.log) == first, "the second run must be served from the cache"
    assert "Crossref: 0 requests" in second.output and "arXiv: 0 requests" in second.output
    assert "DBLP: 0 requests" in second.output
    offline = run_cli(runner, edb, services, tmp_path, "enrich", "--offline")
    assert offline.exit_code == 0 and len(services.log) == first


def test_offline_without_cache_sends_nothing_and_only_derives(runner, edb, services, tmp_path):
    before = Database.load(edb)
    result = run_cli(runner, edb, services, tmp_path, "enrich", "--offline", "--no-arxiv")
    assert "is not in the cache (--offline)" in result.output
    assert services.log == []
    after = Database.load(edb)
    for key, old in before.entries.items():  # only arXiv DOIs, derived without a request
        new = after.entries[key]  # saving adds the fields readers need (reader_fields)
        assert new.with_fields(doi=old.get("doi"), provenance="") == reader_fields(old), key


def test_dry_run_prints_diff_and_writes_nothing(runner, edb, services, tmp_path):
    before = (edb / "effllm.bib").read_bytes()
    result = run_cli(runner, edb, services, tmp_path, "enrich", "--dry-run", "-k", "li2021prefix")
    assert "+  author = {Li, Xiang Lisa and Liang, Percy}," in result.output
    assert (edb / "effllm.bib").read_bytes() == before


def test_curated_values_are_not_overwritten_but_reported(runner, edb, services, tmp_path):
    bib = edb / "effllm.bib"
    bib.write_text(
        bib.read_text().replace(
            "  booktitle = {Proceedings of the Annual Meeting",
            "  pages = {1--2},\n  booktitle = {Proceedings of the Annual Meeting",
        )
    )
    result = run_cli(runner, edb, services, tmp_path, "enrich", "-k", "li2021prefix")
    assert (
        "conflict: li2021prefix: pages differs, kept '1--2'; source has '4582--4597'"
        in result.output
    )
    assert Database.load(edb).entries["li2021prefix"].get("pages") == "1--2"
    forced = run_cli(
        runner, edb, services, tmp_path, "enrich", "-k", "li2021prefix", "--overwrite", "pages"
    )
    assert forced.exit_code == 0
    assert Database.load(edb).entries["li2021prefix"].get("pages") == "4582--4597"


def fail_at_fifth_entry(monkeypatch, error: BaseException) -> None:
    from effllm_bib.enrich import engine

    calls = {"n": 0}
    original = engine.Enricher.from_crossref

    def failing(self, key, report, *rest):
        calls["n"] += 1
        if calls["n"] == 5:
            raise error
        return original(self, key, report, *rest)

    monkeypatch.setattr(engine.Enricher, "from_crossref", failing)


@pytest.mark.parametrize(
    "args, message, written",
    [
        pytest.param(
            [],
            "effllm-bib: error: interrupted; the entries enriched so far are saved. "
            "Run again to resume.",
            True,
            id="saved",
        ),
        pytest.param(
            ["--dry-run"],
            "effllm-bib: error: interrupted; nothing was written (dry run).",
            False,
            id="dry-run",
        ),
    ],
)
def test_interrupt_message(runner, edb, services, tmp_path, monkeypatch, args, message, written):
    """The last line says whether the work so far was saved; stdout stays empty."""
    fail_at_fifth_entry(monkeypatch, KeyboardInterrupt())
    before = (edb / "effllm.bib").read_bytes()
    result = run_cli(runner, edb, services, tmp_path, "enrich", *args)
    assert (result.exit_code, result.stderr.splitlines()[-1], result.stdout) == (130, message, "")
    assert ((edb / "effllm.bib").read_bytes() != before) == written


def test_interrupt_keeps_what_was_enriched(runner, edb, services, tmp_path, monkeypatch):
    fail_at_fifth_entry(monkeypatch, KeyboardInterrupt())
    result = run_cli(runner, edb, services, tmp_path, "enrich")
    assert result.exit_code == 130
    db = Database.load(edb)  # the file is whole and holds the work done before the interrupt
    assert db.entries["li2021prefix"].get("author") == "Li, Xiang Lisa and Liang, Percy"
    monkeypatch.undo()
    resumed = run_cli(runner, edb, services, tmp_path, "enrich")
    assert resumed.exit_code == 0


def test_crash_keeps_what_was_enriched(runner, edb, services, tmp_path, monkeypatch):
    fail_at_fifth_entry(monkeypatch, RuntimeError("simulated crash"))
    result = run_cli(runner, edb, services, tmp_path, "enrich")
    assert isinstance(result.exception, RuntimeError)
    assert (
        Database.load(edb).entries["li2021prefix"].get("author")
        == "Li, Xiang Lisa and Liang, Percy"
    )


def test_add_existing_paper_only_adds_the_category(runner, edb, services, tmp_path):
    result = run_cli(
        runner,
        edb,
        services,
        tmp_path,
        "add",
        "https://arxiv.org/abs/2301.00774v3",
        "-c",
        "structured-pruning",
    )
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "already in the database as frantar2023sparsegpt; added structured-pruning\n"
    )
    db = Database.load(edb)
    assert db.entries["frantar2023sparsegpt"].keywords == (
        "structured-pruning",
        "unstructured-pruning",
    )
    assert len(db) == 8


def test_add_new_paper_builds_a_complete_entry(runner, edb, services, tmp_path):
    bib = edb / "effllm.bib"
    text = bib.read_text()
    start = text.index("@misc{pending:distilling2023,")
    bib.write_text(text[:start] + text[text.index("@misc{pending:i2024,") :])
    result = run_cli(runner, edb, services, tmp_path, "add", "2305.02301", "-c", "kd")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("added hsieh2023distilling")
    e = Database.load(edb).entries["hsieh2023distilling"]
    assert e.type == "inproceedings" and e.get("doi") == "10.18653/v1/2023.findings-acl.507"
    assert e.get("eprint") == "2305.02301" and e.keywords == ("knowledge-distillation",)
    assert e.get("author").startswith("Hsieh, Cheng-Yu and Li, Chun-Liang")


def test_add_by_doi_url(runner, edb, services, tmp_path):
    bib = edb / "effllm.bib"
    text = bib.read_text()
    bib.write_text(text[: text.index("@inproceedings{reimers2019sentence,")])
    result = run_cli(
        runner,
        edb,
        services,
        tmp_path,
        "add",
        "https://doi.org/10.18653/v1/D19-1410",
        "-c",
        "data-selection",
    )
    assert result.exit_code == 0, result.output
    assert "added reimers2019sentence" in result.output


@pytest.mark.parametrize("bad", ["not-an-id", "https://example.org/paper"])
def test_add_rejects_what_is_not_an_identifier(runner, edb, services, tmp_path, bad):
    result = run_cli(runner, edb, services, tmp_path, "add", bad, "-c", "kd")
    assert result.exit_code == 1 and "neither an arXiv id nor a DOI" in result.output
    assert services.log == []


# --- the HTTP layer, with recorded sleeps instead of real ones -------------------------------


@pytest.fixture
def sleeps():
    return []


def client(services: Services, tmp_path: Path, sleeps: list, **kw) -> HttpClient:
    from effllm_bib.enrich.http import ResponseCache

    return HttpClient(
        "Crossref",
        "effllm-bib/test",
        cache=ResponseCache(tmp_path / "c"),
        sleep=sleeps.append,
        timeout=kw.pop("timeout", 5.0),
        **kw,
    )


def crossref(services, tmp_path, sleeps, **kw):
    from effllm_bib.enrich.crossref import CrossrefSource

    return CrossrefSource(client(services, tmp_path, sleeps, **kw), services.base, "m@example.org")


def test_doi_lookup_parses_the_real_recorded_response(services, tmp_path, sleeps):
    from effllm_bib.enrich.crossref import work_to_entry

    message = crossref(services, tmp_path, sleeps).lookup_doi("10.18653/v1/D19-1410")
    entry = work_to_entry(message)
    assert entry.type == "inproceedings" and entry.get("year") == "2019"
    assert (
        entry.get("title") == "Sentence-{BERT}: Sentence Embeddings using Siamese {BERT}-Networks"
    )


def test_404_is_an_answer_not_a_fault(services, tmp_path, sleeps):
    source = crossref(services, tmp_path, sleeps)
    assert source.lookup_doi("10.1234/notarealdoi") is None
    assert sleeps == [] and len(services.log) == 1


def test_429_honours_retry_after(services, tmp_path, sleeps):
    services.faults.append(Response("slow down", status=429, headers={"Retry-After": "7"}))
    assert crossref(services, tmp_path, sleeps).lookup_doi("10.18653/v1/d19-1410") is not None
    assert sleeps[-1] == 7.0 and len(services.log) == 2


def test_500_then_success_backs_off_with_jitter(services, tmp_path, sleeps):
    services.faults += [Response("oops", status=500), Response("oops", status=503)]
    assert (
        crossref(services, tmp_path, sleeps, backoff=1.0).search("Distilling Step-by-Step!") != []
    )
    assert len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1.5 and 1.0 <= sleeps[1] <= 3.0


def test_persistent_errors_end_in_a_clear_error(services, tmp_path, sleeps):
    services.faults += [Response("oops", status=500)] * 3
    with pytest.raises(ServiceError, match="HTTP 500"):
        crossref(services, tmp_path, sleeps, retries=2).lookup_doi("10.18653/v1/d19-1410")
    assert len(services.log) == 3


def test_timeout_is_retried(services, tmp_path, sleeps):
    services.faults.append("sleep")
    source = crossref(services, tmp_path, sleeps, timeout=0.5)
    assert source.lookup_doi("10.18653/v1/d19-1410") is not None
    assert len(sleeps) == 1


def test_malformed_json_is_a_service_error(services, tmp_path, sleeps):
    services.faults.append(Response("{not json", content_type="application/json"))
    with pytest.raises(ServiceError, match="malformed"):
        crossref(services, tmp_path, sleeps).search("Distilling")


def test_search_error_status_from_habanero_is_mapped(services, tmp_path, sleeps):
    body = (HTTP / "crossref/error_400_validation_failure.json").read_text()
    services.faults.append(Response(body, status=400, content_type="application/json"))
    with pytest.raises(ServiceError, match="HTTP 400"):
        crossref(services, tmp_path, sleeps).search("Distilling")


def test_arxiv_batch_with_a_missing_id(services, tmp_path, sleeps):
    from effllm_bib.enrich.arxiv import ArxivSource

    source = ArxivSource(client(services, tmp_path, sleeps), services.base + "/api/query")
    records = source.fetch(["0808.05394", "1707.08567"])
    assert records["0808.05394"] is None
    assert (
        records["1707.08567"]
        .entry.get("author")
        .startswith("Kees A. Schouhamer Immink and Stan Baggen")
    )
    assert len(services.requests("/api/query")) == 1
    assert services.requests("/api/query")[0].args["id_list"] == "0808.05394,1707.08567"


def test_arxiv_error_feed(services, tmp_path, sleeps):
    from effllm_bib.enrich.arxiv import ArxivSource

    source = ArxivSource(client(services, tmp_path, sleeps), services.base + "/api/query")
    with pytest.raises(ServiceError, match="incorrect id format for abc"):
        source.fetch(["abc"])


def test_arxiv_journal_ref_and_doi_are_read():
    from effllm_bib.enrich.arxiv import parse_feed

    (record,) = parse_feed((HTTP / "arxiv/legacy2016_id_list_1111.2011v2.atom.xml").read_text())
    assert (record.arxiv_id, record.version) == ("1111.2011", "v2")
    assert record.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert record.entry.get("doi") == "10.1103/PhysRevB.85.115117"


def test_rate_limiter_follows_announced_limits():
    now = [0.0]
    waited: list[float] = []

    def sleep(s):
        waited.append(s)
        now[0] += s

    limiter = RateLimiter(limit=10, clock=lambda: now[0], sleep=sleep)
    limiter.update({"x-rate-limit-limit": "2", "x-rate-limit-interval": "1s"})
    for _ in range(3):
        limiter.wait()
    assert waited == [0.5, 0.5]


def test_crossref_keeps_documented_limits_and_leaves_habanero_alone(services, tmp_path, sleeps):
    import httpx2
    from habanero import request as hb_request
    from habanero import request_class as hb_request_class

    seen = []
    original = services._crossref

    def spy(request):  # runs while habanero's request is in flight
        seen.append(hb_request.httpx2 is httpx2 and hb_request_class.httpx2 is httpx2)
        return original(request)

    services.server.clear()
    services.server.expect_request(__import__("re").compile(r"^/works.*")).respond_with_handler(spy)
    source = crossref(services, tmp_path, sleeps)
    source.lookup_doi("10.18653/v1/d19-1410")
    source.search("Distilling Step-by-Step!")
    assert seen == [True, True]
    # the polite pool's documented limit; the answers' headers are not read on success
    assert source.client.limiter.limit == 10.0 and source.client.limiter.interval == 1.0


def test_a_doi_found_by_search_is_not_fetched_again(services, tmp_path, sleeps):
    source = crossref(services, tmp_path, sleeps)
    items = source.search("Distilling Step-by-Step!")
    dois = [i["DOI"] for i in items]
    assert "10.18653/v1/2023.findings-acl.507" in dois
    sent = len(services.log)
    message = source.lookup_doi("10.18653/v1/2023.findings-acl.507")
    assert message is not None and message["DOI"] == "10.18653/v1/2023.findings-acl.507"
    assert len(services.log) == sent


def test_library_run_counts(edb, services, tmp_path):
    db = Database.load(edb)
    cr, ax = make_sources(
        crossref_url=services.base,
        arxiv_url=services.base + "/api/query",
        cache_dir=tmp_path / "cache",
        mailto="m@example.org",
    )
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
            "Sentence-{BERT}: Sentence Embeddings",
            id="subtitle",
        ),
    ],
)
def test_crossref_text_is_cleaned(message, title):
    from effllm_bib.enrich.crossref import work_to_entry

    assert work_to_entry(message).get("title") == title


@pytest.mark.parametrize(
    "cached, asked, code, said",
    [
        pytest.param(
            "frantar2023sparsegpt",
            ["li2021prefix", "reimers2019sentence"],
            1,
            "error: all 2 entries failed; the first said: Crossref: ",
            id="all-failed",
        ),
        pytest.param(
            "li2021prefix",
            ["li2021prefix", "reimers2019sentence"],
            0,
            "enrich: 2 entries: 0 filled, 0 unchanged, 1 conflicts, 0 not found, "
            "0 ambiguous, 1 failed",
            id="some-failed",
        ),
    ],
)
def test_offline_exit_code_says_whether_anything_succeeded(
    runner, edb, services, tmp_path, cached, asked, code, said
):
    """An online run first caches the answers about one entry."""
    warm = run_cli(runner, edb, services, tmp_path, "enrich", "--no-arxiv", "-k", cached)
    assert warm.exit_code == 0
    picked = [a for key in asked for a in ("-k", key)]
    result = run_cli(runner, edb, services, tmp_path, "enrich", "--offline", "--no-arxiv", *picked)
    assert result.exit_code == code
    assert said in result.output


@pytest.fixture
def refused_url() -> str:
    """A local port nothing listens on: connecting to it is refused at once."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def ask_own_client(c: HttpClient, url: str) -> object:
    return c.get(url + "/search/publ/api")


def ask_through_habanero(c: HttpClient, url: str) -> object:
    from effllm_bib.enrich.crossref import CrossrefSource

    return CrossrefSource(c, url, "m@example.org").lookup_doi("10.1/x")


@pytest.mark.parametrize(
    "ask",
    [
        pytest.param(ask_own_client, id="own-client"),
        pytest.param(ask_through_habanero, id="habanero"),
    ],
)
def test_a_refused_connection_is_not_retried_and_not_sent_again(tmp_path, refused_url, ask):
    from effllm_bib.enrich.http import Unreachable

    sleeps: list[float] = []
    c = HttpClient("Crossref", "effllm-bib/test", sleep=sleeps.append, retries=4)
    said = []
    for _ in range(2):
        with pytest.raises(Unreachable) as caught:
            ask(c, refused_url)
        said.append(str(caught.value))
    host = refused_url.removeprefix("http://")
    assert (
        said
        == [
            f"Crossref: cannot reach {host} (connection refused): no network? check your "
            "connection, or run with --offline to answer from earlier runs' cached "
            "responses alone."
        ]
        * 2
    )
    assert (c.stats.sent, c.stats.retries, sleeps) == (1, 0, [])


def test_enrich_without_network_stops_at_the_first_entry(runner, edb, tmp_path, refused_url):
    env = {
        "EFFLLM_BIB_CROSSREF_URL": refused_url,
        "EFFLLM_BIB_ARXIV_URL": refused_url,
        "EFFLLM_BIB_DBLP_URL": refused_url,
        "EFFLLM_BIB_CACHE_DIR": str(tmp_path / "cache"),
        "EFFLLM_BIB_MAILTO": "m@example.org",
    }
    keys = ["-k", "li2021prefix", "-k", "reimers2019sentence"]
    args = ["--db", str(edb), "enrich", "--dry-run", *keys]
    result = runner.invoke(cli, args, env=env)
    assert result.exit_code == 1
    assert (
        f"stopped: Crossref: cannot reach {refused_url.removeprefix('http://')} " in result.stderr
    )
    assert result.stderr.endswith("Stopped at li2021prefix.\n")
    assert "Crossref: 1 requests, 0 from cache, 0 retries" in result.stdout


def test_dry_run_diff_is_from_the_file_to_what_a_real_run_writes(runner, edb, services, tmp_path):
    """A file in another layout: the dry run's diff shows the rewrite a real run makes."""
    import difflib

    bib = edb / "effllm.bib"
    by_hand = (
        "\n".join(reversed(bib.read_text().strip().split("\n\n"))).replace("  ", "    ") + "\n"
    )
    bib.write_text(by_hand)
    dry = run_cli(runner, edb, services, tmp_path, "enrich", "--dry-run", "-k", "li2021prefix")
    assert bib.read_text() == by_hand
    assert run_cli(runner, edb, services, tmp_path, "enrich", "-k", "li2021prefix").exit_code == 0
    expected = difflib.unified_diff(
        by_hand.splitlines(keepends=True),
        bib.read_text().splitlines(keepends=True),
        f"{bib} (now)",
        f"{bib} (after)",
    )
    out = dry.stdout
    assert out[out.index(f"--- {bib}") : out.index("dry run: nothing written.")] == "".join(
        expected
    )
