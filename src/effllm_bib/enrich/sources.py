"""Building the sources from options and environment (base URLs, mailto, cache, offline, clock)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from .. import __version__
from .arxiv import DEFAULT_URL as ARXIV_URL
from .arxiv import ArxivSource
from .crossref import DEFAULT_URL as CROSSREF_URL
from .crossref import CrossrefSource
from .dblp import DEFAULT_URL as DBLP_URL
from .dblp import DblpSource
from .http import (
    DEFAULT_EXPIRY_DAYS,
    REAL_CLOCK,
    Clock,
    HttpClient,
    ResponseCache,
    default_cache_dir,
)
from .openreview import DEFAULT_URL as OPENREVIEW_URL
from .openreview import OpenReviewSource

USER_AGENT = f"effllm-bib/{__version__}"


class Sources(NamedTuple):
    """The sources a run asks; None for one it was told not to ask."""

    crossref: CrossrefSource | None
    arxiv: ArxivSource | None
    dblp: DblpSource | None
    openreview: OpenReviewSource | None = None


def make_sources(
    *,
    crossref: bool = True,
    arxiv: bool = True,
    dblp: bool = True,
    openreview: bool = True,
    crossref_url: str | None = None,
    arxiv_url: str | None = None,
    dblp_url: str | None = None,
    openreview_url: str | None = None,
    mailto: str | None = None,
    cache_dir: Path | None = None,
    cache_days: float = DEFAULT_EXPIRY_DAYS,
    use_cache: bool = True,
    offline: bool = False,
    timeout: float = 20.0,
    clock: Clock = REAL_CLOCK,
) -> Sources:
    """The configured sources. Options win over ``EFFLLM_BIB_*`` variables, which win over
    defaults. All share one response cache, one User-Agent that names effllm-bib (with
    ``mailto``), and ``clock``, on which every rate-limit wait and back-off is spent; each keeps
    its service's own limit (DBLP and OpenReview one request a second, arXiv one every three
    seconds)."""
    cache = ResponseCache(cache_dir or default_cache_dir(), cache_days) if use_cache else None
    mailto = mailto or os.environ.get("EFFLLM_BIB_MAILTO") or None
    ua = f"{USER_AGENT} (mailto:{mailto})" if mailto else USER_AGENT

    def client(service: str) -> HttpClient:
        return HttpClient(service, ua, timeout=timeout, cache=cache, offline=offline, clock=clock)

    def url(given: str | None, variable: str, default: str) -> str:
        return given or os.environ.get(variable) or default

    cr = ax = db = orv = None
    if crossref:
        cr_url = url(crossref_url, "EFFLLM_BIB_CROSSREF_URL", CROSSREF_URL)
        cr = CrossrefSource(client("Crossref"), cr_url, mailto)
    if arxiv:
        ax = ArxivSource(client("arXiv"), url(arxiv_url, "EFFLLM_BIB_ARXIV_URL", ARXIV_URL))
    if dblp:
        db = DblpSource(client("DBLP"), url(dblp_url, "EFFLLM_BIB_DBLP_URL", DBLP_URL))
    if openreview:
        orv_url = url(openreview_url, "EFFLLM_BIB_OPENREVIEW_URL", OPENREVIEW_URL)
        orv = OpenReviewSource(client("OpenReview"), orv_url)
    return Sources(cr, ax, db, orv)
