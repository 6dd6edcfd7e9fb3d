"""HTTP with manners (enrich/http.py): 404 is an answer, 429 and 5xx are retried with back-off
honouring Retry-After, timeouts retried, a refused connection never retried, limits followed, and
each answer cached. Every wait goes to the stand-in's clock, which notes it and never waits."""

from __future__ import annotations

import re

import httpx2
import pytest
from werkzeug import Response

from effllm_bib.enrich.crossref import CrossrefSource
from effllm_bib.enrich.http import HttpClient, RateLimiter, ServiceError, Unreachable

from .stand_in import stand_in_crossref


def test_404_is_an_answer_not_a_fault(services, tmp_path, clock):
    source = stand_in_crossref(services, tmp_path)
    assert source.lookup_doi("10.1234/notarealdoi") is None
    assert clock.sleeps == [] and len(services.log) == 1


def test_429_honours_retry_after(services, tmp_path, clock):
    services.faults.append(Response("slow down", status=429, headers={"Retry-After": "7"}))
    assert stand_in_crossref(services, tmp_path).lookup_doi("10.18653/v1/d19-1410") is not None
    assert (clock.sleeps, len(services.log), services.gaps("/works")) == ([7.0], 2, [7.0])


def test_500_then_success_backs_off_with_jitter(services, tmp_path, clock):
    services.faults += [Response("oops", status=500), Response("oops", status=503)]
    assert (
        stand_in_crossref(services, tmp_path, backoff=1.0).search("Distilling Step-by-Step!") != []
    )
    first, second = clock.sleeps  # jittered around 1 s, then 2 s; the limiter never waited
    assert 0.5 <= first <= 1.5 and 1.0 <= second <= 3.0 and len(services.log) == 3


def test_persistent_errors_end_in_a_clear_error(services, tmp_path, clock):
    services.faults += [Response("oops", status=500)] * 3
    with pytest.raises(ServiceError, match="HTTP 500"):
        stand_in_crossref(services, tmp_path, retries=2).lookup_doi("10.18653/v1/d19-1410")
    assert len(services.log) == 3


def test_timeout_is_retried(services, tmp_path, clock):
    services.faults.append("hang")
    source = stand_in_crossref(services, tmp_path, timeout=0.5)
    assert source.lookup_doi("10.18653/v1/d19-1410") is not None
    assert (len(clock.sleeps), source.client.stats.retries, len(services.log)) == (1, 1, 2)


def test_rate_limiter_follows_announced_limits(clock):
    limiter = RateLimiter(limit=10, clock=clock)
    limiter.update({"x-rate-limit-limit": "2", "x-rate-limit-interval": "1s"})
    for _ in range(3):
        limiter.wait()
    assert clock.sleeps == [0.5, 0.5]


def test_crossref_keeps_documented_limits_and_leaves_habanero_alone(services, tmp_path, clock):
    from habanero import request as hb_request
    from habanero import request_class as hb_request_class

    seen = []
    original = services._crossref

    def spy(request):  # runs while habanero's request is in flight
        seen.append(hb_request.httpx2 is httpx2 and hb_request_class.httpx2 is httpx2)
        return original(request)

    services.server.clear()
    services.server.expect_request(re.compile(r"^/works.*")).respond_with_handler(spy)
    source = stand_in_crossref(services, tmp_path)
    source.lookup_doi("10.18653/v1/d19-1410")
    source.search("Distilling Step-by-Step!")
    assert seen == [True, True]
    # the polite pool's documented limit; the answers' headers are not read on success
    limiter = source.client.limiter
    assert limiter is not None and (limiter.limit, limiter.interval) == (10.0, 1.0)


def test_a_doi_found_by_search_is_not_fetched_again(services, tmp_path, clock):
    source = stand_in_crossref(services, tmp_path)
    items = source.search("Distilling Step-by-Step!")
    dois = [i["DOI"] for i in items]
    assert "10.18653/v1/2023.findings-acl.507" in dois
    sent = len(services.log)
    message = source.lookup_doi("10.18653/v1/2023.findings-acl.507")
    assert message is not None and message["DOI"] == "10.18653/v1/2023.findings-acl.507"
    assert len(services.log) == sent


def ask_own_client(c: HttpClient, url: str) -> object:
    return c.get(url + "/search/publ/api")


def ask_through_habanero(c: HttpClient, url: str) -> object:
    return CrossrefSource(c, url, "m@example.org").lookup_doi("10.1/x")


@pytest.mark.parametrize(
    "ask",
    [
        pytest.param(ask_own_client, id="own-client"),
        pytest.param(ask_through_habanero, id="habanero"),
    ],
)
def test_a_refused_connection_is_not_retried_and_not_sent_again(clock, refused_url, ask):
    c = HttpClient("Crossref", "effllm-bib/test", clock=clock, retries=4)
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
    assert (c.stats.sent, c.stats.retries, clock.sleeps) == (1, 0, [])
