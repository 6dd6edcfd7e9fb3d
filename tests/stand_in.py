"""Crossref, arXiv, DBLP and OpenReview played by a local HTTP server that answers with recorded responses
(tests/data/http), and a clock that never waits.

Every wait of the clients (rate limits, back-offs) goes to a :class:`FakeClock`: the tests count
the requests the server saw, the sleeps the clock was asked for, and the clock's time at which
each request arrived, instead of sitting through the waits. The fixtures that build these are in
conftest.py.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from effllm_bib.cli import cli
from effllm_bib.cli.app import State
from effllm_bib.enrich.arxiv import ArxivSource
from effllm_bib.enrich.crossref import CrossrefSource
from effllm_bib.enrich.http import HttpClient, ResponseCache
from effllm_bib.enrich.sources import Sources, make_sources

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
HTTP = DATA / "http"
TAXONOMY = HERE.parent / "refs" / "taxonomy.toml"

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
OPENREVIEW_SEARCHES = {  # first query word -> OpenReview answer (tests/data/http/openreview)
    "mamba": "search_mamba.json",
    "slicegpt": "search_slicegpt.json",
    "sparsified": "search_sparsified.json",
}
CROSSREF_HEADERS = {
    "x-rate-limit-limit": "50",
    "x-rate-limit-interval": "1s",
    "x-concurrency-limit": "3",
}


class FakeClock:
    """A clock that never waits: ``sleep`` notes the seconds asked for and moves the time on."""

    def __init__(self) -> None:
        self.time = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds


class Services:
    """Routes like api.crossref.org, export.arxiv.org and dblp.org; every request is logged with
    the time of ``clock`` at which it arrived."""

    def __init__(self, server: HTTPServer, clock: FakeClock) -> None:
        self.server = server
        self.clock = clock
        self.log: list[Request] = []
        self.arrivals: list[tuple[str, float]] = []  # (path, the clock's time) of each request
        # answered, in order, before the real routes; "hang" answers only after the test ended
        self.faults: list[Response | Literal["hang"]] = []
        self.released = threading.Event()  # set when the test ends: a hanging answer goes
        server.expect_request("/api/query").respond_with_handler(self._arxiv)
        server.expect_request("/search/publ/api").respond_with_handler(self._dblp)
        server.expect_request(re.compile(r"^/rec/.+\.bib$")).respond_with_handler(self._dblp)
        server.expect_request("/notes/search").respond_with_handler(self._openreview)
        server.expect_request("/works").respond_with_handler(self._crossref)
        server.expect_request(re.compile(r"^/works/.+")).respond_with_handler(self._crossref)

    @property
    def base(self) -> str:
        return self.server.url_for("").rstrip("/")

    def requests(self, prefix: str = "") -> list[Request]:
        return [r for r in self.log if r.path.startswith(prefix)]

    def gaps(self, *prefixes: str) -> list[float]:
        """Seconds on the clock between consecutive requests whose path starts with a prefix."""
        times = [t for path, t in self.arrivals if path.startswith(prefixes)]
        return [b - a for a, b in pairwise(times)]

    def _arrive(self, request: Request) -> Response | None:
        """Log ``request``; the next fault, if any, is its answer."""
        self.log.append(request)
        self.arrivals.append((request.path, self.clock.now()))
        if not self.faults:
            return None
        fault = self.faults.pop(0)
        if isinstance(fault, Response):
            return fault
        self.released.wait(10.0)  # "hang": the client's timeout passes first
        return Response("late", status=200)

    def _crossref(self, request: Request) -> Response:
        fault = self._arrive(request)
        if fault is not None:
            return fault
        if request.path.startswith("/works/"):
            doi = request.path[len("/works/") :].lower()
            if doi in DOIS:
                return Response(
                    (HTTP / DOIS[doi]).read_text(),
                    content_type="application/json",
                    headers=CROSSREF_HEADERS,
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
            (HTTP / name).read_text(), content_type="application/json", headers=CROSSREF_HEADERS
        )

    def _dblp(self, request: Request) -> Response:
        fault = self._arrive(request)
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

    def _openreview(self, request: Request) -> Response:
        fault = self._arrive(request)
        if fault is not None:
            return fault
        first = request.args.get("term", "").split(" ")[0].lower()
        name = OPENREVIEW_SEARCHES.get(first, "search_empty.json")
        return Response((HTTP / "openreview" / name).read_text(), content_type="application/json")

    def _arxiv(self, request: Request) -> Response:
        fault = self._arrive(request)
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


def serve(server: HTTPServer, clock: FakeClock) -> Iterator[Services]:
    """The routes on ``server`` for one test (what an earlier test left is cleared first)."""
    server.clear()
    services = Services(server, clock)
    yield services
    services.released.set()


def database(tmp_path: Path, bib: str) -> Path:
    """A database directory in ``tmp_path`` with the project's taxonomy and ``data/<bib>``."""
    d = tmp_path / "db"
    d.mkdir()
    shutil.copyfile(TAXONOMY, d / "taxonomy.toml")
    shutil.copyfile(DATA / bib, d / "effllm.bib")
    return d


def stand_in_sources(services: Services, tmp_path: Path, **options: Any) -> Sources:
    """The sources as the CLI builds them (one factory), asking the stand-in, on its clock."""
    return make_sources(
        crossref_url=services.base,
        arxiv_url=services.base + "/api/query",
        dblp_url=services.base,
        openreview_url=services.base,
        cache_dir=tmp_path / "cache",
        mailto="m@example.org",
        clock=services.clock,
        **options,
    )


def stand_in_client(services: Services, tmp_path: Path, **options: Any) -> HttpClient:
    """A Crossref client with a cache of its own, on the stand-in's clock; ``options`` (retries,
    backoff, timeout...) as :class:`HttpClient` takes them."""
    options.setdefault("timeout", 5.0)
    cache = ResponseCache(tmp_path / "c")
    return HttpClient("Crossref", "effllm-bib/test", cache=cache, clock=services.clock, **options)


def stand_in_crossref(services: Services, tmp_path: Path, **options: Any) -> CrossrefSource:
    client = stand_in_client(services, tmp_path, **options)
    return CrossrefSource(client, services.base, "m@example.org")


def stand_in_arxiv(services: Services, tmp_path: Path) -> ArxivSource:
    return ArxivSource(stand_in_client(services, tmp_path), services.base + "/api/query")


def run_cli(runner: CliRunner, db: Path, services: Services, tmp_path: Path, *args: str) -> Result:
    """``effllm-bib --db DB ARGS`` against the stand-in, every wait on its clock."""
    env = {
        "EFFLLM_BIB_CROSSREF_URL": services.base,
        "EFFLLM_BIB_ARXIV_URL": services.base + "/api/query",
        "EFFLLM_BIB_DBLP_URL": services.base,
        "EFFLLM_BIB_OPENREVIEW_URL": services.base,
        "EFFLLM_BIB_CACHE_DIR": str(tmp_path / "cache"),
        "EFFLLM_BIB_MAILTO": "maintainers@example.org",
    }
    return runner.invoke(cli, ["--db", str(db), *args], env=env, obj=State(clock=services.clock))
